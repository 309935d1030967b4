/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Path MTU of the underlay (RFC 1191): an ICMP "fragmentation needed" that a
 * router between the gateways sends about one of our outer GRE packets lowers
 * the MTU of the tunnels on that path, so the next inner packets that would
 * not fit get greway's own "fragmentation needed" (or are fragmented before
 * encapsulation) instead of vanishing in a black hole. The report is believed
 * only if it quotes a GRE packet with DF from one of our addresses.
 */
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "gw_addr.h"
#include "gw_ctrl.h"
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
