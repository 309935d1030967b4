/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Path MTU of the underlay (RFC 1191): an ICMP "fragmentation needed" that a
 * router between the gateways sends about one of our outer GRE packets lowers
 * the MTU of the tunnels on that path, so the next inner packets that would
 * not fit get greway's own "fragmentation needed" (or are fragmented before
 * encapsulation) instead of vanishing in a black hole. The report is believed
 * only if it quotes a GRE packet with DF from one of our addresses.
 *
 * IPv6 (RFC 8201): an ICMPv6 Packet Too Big quoting one of our ip6gre
 * packets (GRE behind the header, or behind the destination options header
 * that carries RFC 2473's encapsulation limit), from one of our addresses,
 * the same way; a path MTU under 1280 counts as 1280 (gw_tunnel_pmtu_learn).
 */
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "gw_addr.h"
#include "gw_ctrl.h"
#include "gw_ip6.h"
#include "gw_log.h"
#include "gw_tunnel.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define MTU_MIN_VALID 68 /* RFC 791: every host takes this much; less is nonsense */

bool
gw_pmtu_input(const struct rte_ipv4_hdr *ip, uint32_t len)
{
	uint16_t hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4, qhl, mtu;
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)((const uint8_t *)ip + hl);
	const struct rte_ipv4_hdr *q = (const struct rte_ipv4_hdr *)(icmp + 1);
	const uint8_t *gre;
	struct gw_ip local, r;
	char a[GW_IP_STRLEN];
	unsigned int n;

	if (icmp->icmp_type != ICMP_DEST_UNREACH || icmp->icmp_code != ICMP_FRAG_NEEDED)
		return false;
	/* the quoted header and the first word of GRE (RFC 792 quotes 8 bytes after it) */
	if (len < hl + sizeof(*icmp) + sizeof(*q))
		return false;
	qhl = (q->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	if ((q->version_ihl >> 4) != 4 || qhl < sizeof(*q) || len < hl + sizeof(*icmp) + qhl + 4)
		return false;
	gre = (const uint8_t *)q + qhl;
	if (q->next_proto_id != IPPROTO_GRE || (gre[1] & 0x07) != 0 || /* GRE version 0 */
	    !(q->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) ||
	    !gw_addr_is_local4(q->src_addr))
		return false;
	mtu = rte_be_to_cpu_16(icmp->icmp_seq_nb); /* RFC 1191 §4: next-hop MTU, low 16 bits */
	if (mtu < MTU_MIN_VALID || mtu >= rte_be_to_cpu_16(q->total_length))
		return false; /* no MTU (pre-RFC 1191 router) or not smaller than what it quotes */
	local = gw_ip4(q->src_addr);
	r = gw_ip4(q->dst_addr);
	n = gw_tunnel_pmtu_learn(&local, &r, mtu);
	if (n != 0) {
		GW_LOG(INFO, CTRL, "path to %s: MTU %u (ICMP from the underlay), %u peer(s)",
		       gw_ip_fmt(&r, a, sizeof(a)), RTE_MAX(mtu, (uint16_t)GW_PMTU_MIN), n);
	}
	return true;
}

bool
gw_pmtu6_input(const uint8_t *ip, uint32_t len)
{
	const uint8_t *icmp = ip + GW_IP6_HDR_LEN, *q = icmp + 8;
	uint32_t qlen, off, mtu;
	struct gw_ip local = { .family = AF_INET6 }, r = { .family = AF_INET6 };
	char a[GW_IP_STRLEN];
	unsigned int n;
	uint8_t nh;

	if (len < GW_IP6_HDR_LEN + 8 || icmp[0] != GW_ICMP6_PACKET_TOO_BIG || icmp[1] != 0)
		return false;
	/* the quoted header, then at most one destination options header, then GRE's first word */
	qlen = len - GW_IP6_HDR_LEN - 8;
	if (qlen < GW_IP6_HDR_LEN + 4 || (q[0] >> 4) != 6)
		return false;
	nh = q[6];
	off = GW_IP6_HDR_LEN;
	if (nh == GW_IPPROTO_DSTOPTS) {
		nh = q[off];
		off += ((uint32_t)q[off + 1] + 1) * 8;
	}
	if (nh != GW_IPPROTO_GRE || off + 4 > qlen || (q[off + 1] & 0x07) != 0) /* GRE version 0 */
		return false;
	memcpy(local.v6, q + 8, 16);
	memcpy(r.v6, q + 24, 16);
	if (!gw_addr_is_local(&local))
		return false;
	mtu = (uint32_t)icmp[4] << 24 | (uint32_t)icmp[5] << 16 | (uint32_t)icmp[6] << 8 | icmp[7];
	if (mtu >= GW_IP6_HDR_LEN + ((uint32_t)q[4] << 8 | q[5]))
		return false; /* not smaller than the packet it quotes */
	n = gw_tunnel_pmtu_learn(&local, &r, (uint16_t)RTE_MIN(mtu, (uint32_t)UINT16_MAX));
	if (n != 0) {
		GW_LOG(INFO, CTRL, "path to %s: MTU %u (ICMPv6 from the underlay), %u peer(s)",
		       gw_ip_fmt(&r, a, sizeof(a)), RTE_MAX(mtu, (uint32_t)GW_IPV6_MIN_MTU), n);
	}
	return true;
}
