/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ICMP errors on plain bytes: may one be sent about a packet (RFC 1812
 * §4.3.2.7; RFC 4443 §2.4 for IPv6), and the message (RFC 792; next-hop MTU
 * of RFC 1191; quote of RFC 1812 §4.3.2.3; ICMPv6 of RFC 4443 §3.2, §3.3). Fed by the network through the control thread, and
 * kept free of EAL so that unit tests and fuzzers link it alone.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "gw_cksum.h"
#include "gw_icmp_err.h"
#include "gw_ip6.h"

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

/*
 * ICMPv6
 */

static bool
ip6_is_zero_or_loopback(const uint8_t a[16])
{
	static const uint8_t zero[15];

	return memcmp(a, zero, 15) == 0 && a[15] <= 1; /* :: and ::1 */
}

bool
gw_icmp6_err_allowed(const void *p, size_t len, enum gw_icmp_err_kind kind)
{
	const uint8_t *ip = p;
	uint8_t nh;
	size_t off;

	if (len < GW_IP6_HDR_LEN || (ip[0] >> 4) != 6)
		return false;
	if (gw_ip6_is_mcast(ip + 8) || ip6_is_zero_or_loopback(ip + 8))
		return false; /* nobody in particular to tell */
	if (gw_ip6_is_mcast(ip + 24) && kind != GW_ICMP_ERR_TOO_BIG)
		return false; /* §2.4(e.2): Packet Too Big is the exception */
	/* walk to the upper layer: an error about an error (or a redirect) never goes */
	nh = ip[6];
	off = GW_IP6_HDR_LEN;
	for (;;) {
		switch (nh) {
		case GW_IPPROTO_HOPOPTS:
		case GW_IPPROTO_ROUTING:
		case GW_IPPROTO_DSTOPTS:
			if (off + 2 > len)
				return true; /* cannot tell: not an ICMPv6 error we could see */
			nh = ip[off];
			off += ((size_t)ip[off + 1] + 1) * 8;
			continue;
		case GW_IPPROTO_FRAGMENT:
			if (off + 8 > len)
				return true;
			if (((ip[off + 2] << 8 | ip[off + 3]) & 0xfff8) != 0)
				return true; /* a later fragment: its upper layer is not here */
			nh = ip[off];
			off += 8;
			continue;
		case GW_IPPROTO_ICMPV6:
			if (off + 1 > len)
				return false; /* type unreadable: better silent */
			return ip[off] >= 128 && ip[off] != GW_ND_REDIRECT;
		default:
			return true;
		}
	}
}

size_t
gw_icmp6_err_build(void *out, const void *orig, size_t len, enum gw_icmp_err_kind kind,
		   uint32_t mtu, const uint8_t src[16])
{
	const uint8_t *o = orig;
	uint8_t *ip = out, *icmp = ip + GW_IP6_HDR_LEN;
	uint32_t rest = 0;
	size_t quote, plen;
	uint8_t type;
	uint16_t ck;

	if (len < GW_IP6_HDR_LEN)
		return 0;
	switch (kind) {
	case GW_ICMP_ERR_TOO_BIG:
		type = GW_ICMP6_PACKET_TOO_BIG;
		rest = mtu;
		break;
	case GW_ICMP_ERR_TIME_EXCEEDED:
		type = GW_ICMP6_TIME_EXCEEDED; /* code 0: hop limit exceeded in transit */
		break;
	default:
		return 0;
	}
	quote = len < GW_ICMP6_ERR_QUOTE_MAX ? len : GW_ICMP6_ERR_QUOTE_MAX;
	plen = 8 + quote;

	memset(ip, 0, GW_ICMP6_ERR_HDR);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = GW_IPPROTO_ICMPV6;
	ip[7] = GW_ICMP6_ERR_HOPS;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, o + 8, 16);
	icmp[0] = type;
	icmp[4] = (uint8_t)(rest >> 24);
	icmp[5] = (uint8_t)(rest >> 16);
	icmp[6] = (uint8_t)(rest >> 8);
	icmp[7] = (uint8_t)rest;
	memcpy(icmp + 8, orig, quote);
	ck = (uint16_t)~gw_ip6_l4_sum(ip + 8, ip + 24, GW_IPPROTO_ICMPV6, icmp, (uint32_t)plen);
	memcpy(icmp + 2, &ck, 2);
	return GW_IP6_HDR_LEN + plen;
}
