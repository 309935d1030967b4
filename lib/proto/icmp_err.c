/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ICMPv4 errors on plain bytes: may one be sent about a packet (RFC 1812
 * §4.3.2.7), and the message (RFC 792; next-hop MTU of RFC 1191; quote of
 * RFC 1812 §4.3.2.3). Fed by the network through the control thread, and
 * kept free of EAL so that unit tests and fuzzers link it alone.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "gw_icmp_err.h"

/* ICMP types that are errors: no error is sent about one of them */
static bool
icmp_is_error(uint8_t type)
{
	switch (type) {
	case 3:                        /* destination unreachable */
	case 4:                        /* source quench */
	case 5:                        /* redirect */
	case 11:                       /* time exceeded */
	case 12:                       /* parameter problem */
		return true;
	default:
		return false;
	}
}

/* addresses in host order */
static bool
dst_is_one_host(uint32_t a)
{
	return (a >> 28) < 0xe; /* not 224/4 (multicast), 240/4 (class E, 255.255.255.255) */
}

static bool
src_is_one_host(uint32_t a)
{
	uint8_t first = a >> 24;

	return first != 0 && first != 127 && dst_is_one_host(a);
}

bool
gw_icmp4_err_allowed(const void *p, size_t len)
{
	const struct rte_ipv4_hdr *ip = p;
	size_t hl;

	if (len < sizeof(*ip))
		return false;
	hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4u;
	if ((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip))
		return false;
	if ((rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return false; /* a non-first fragment */
	if (!dst_is_one_host(rte_be_to_cpu_32(ip->dst_addr)) ||
	    !src_is_one_host(rte_be_to_cpu_32(ip->src_addr)))
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP) {
		if (len < hl + 1)
			return false; /* cannot tell: better silent */
		if (icmp_is_error(((const uint8_t *)p)[hl]))
			return false;
	}
	return true;
}

size_t
gw_icmp4_err_build(void *out, const void *orig, size_t len, enum gw_icmp_err_kind kind,
		   uint16_t mtu, uint32_t src, uint16_t id)
{
	const struct rte_ipv4_hdr *o = orig;
	struct rte_ipv4_hdr *ip = out;
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint8_t type, code;
	uint16_t rest_hi = 0, rest_lo = 0;
	size_t quote, total;

	if (len < sizeof(*o))
		return 0;
	switch (kind) {
	case GW_ICMP_ERR_TOO_BIG:
		type = 3; /* destination unreachable */
		code = 4; /* fragmentation needed and DF set */
		rest_lo = mtu; /* RFC 1191: unused (16 bits), next-hop MTU (16 bits) */
		break;
	case GW_ICMP_ERR_TIME_EXCEEDED:
		type = 11;
		code = 0; /* TTL exceeded in transit */
		break;
	default:
		return 0;
	}
	quote = len < GW_ICMP4_ERR_QUOTE_MAX ? len : GW_ICMP4_ERR_QUOTE_MAX;
	total = GW_ICMP4_ERR_HDR + quote;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0xc0; /* precedence "internetwork control" (RFC 1812 §4.3.2.5) */
	ip->total_length = rte_cpu_to_be_16((uint16_t)total);
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->time_to_live = GW_ICMP4_ERR_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = src;
	ip->dst_addr = o->src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	icmp->icmp_ident = rte_cpu_to_be_16(rest_hi);
	icmp->icmp_seq_nb = rte_cpu_to_be_16(rest_lo);
	memcpy(icmp + 1, orig, quote);
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp) + quote);
	return total;
}
