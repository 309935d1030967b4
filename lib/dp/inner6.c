/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The inner IPv6 stage, after decap: the inner header is checked as a
 * router checks what it forwards (RFC 8200: version, payload length within
 * the packet, a source that is not a group), the outer ECN field is merged
 * in (RFC 6040 §4.2), a TCP SYN leaving the tunnel has its MSS clamped
 * (clamp-mss), and the peer counts the packet. A peer's keepalive is
 * answered. A hub learns no IPv6 inner source (gw_spoke.h maps IPv4 ones).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_gre.h"
#include "gw_ip6.h"
#include "gw_tcp.h"

/* The inner packet must be IPv6 with its fixed header in the first segment. */
static inline bool
inner6_ok(struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	uint32_t len;

	if (unlikely(m->data_len < sizeof(*ip) ||
		     (ip->vtc_flow & RTE_BE32(0xf0000000)) != RTE_BE32(0x60000000) ||
		     gw_ip6_is_mcast(ip->src_addr)))
		return false;
	len = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if (unlikely(len > m->pkt_len))
		return false;
	if (m->pkt_len > len)
		rte_pktmbuf_trim(m, m->pkt_len - len);
	return true;
}

/*
 * RFC 6040 §4.2 on the traffic class's ECN bits (bits 20-21 of the first
 * word): as ecn_decap() in inner.c; IPv6 has no header checksum to fix.
 */
static inline enum gw_drop
ecn6_decap(struct rte_mbuf *m, uint8_t outer)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint32_t w = rte_be_to_cpu_32(ip->vtc_flow);
	uint8_t inner = (w >> 20) & GW_ECN_MASK;
	int ecn = gw_ecn_decap(outer, inner);

	if (ecn < 0)
		return GW_DROP_ECN_NOT_ECT;
	if (ecn == inner)
		return GW_DROP_NONE;
	w = (w & ~((uint32_t)GW_ECN_MASK << 20)) | (uint32_t)ecn << 20;
	ip->vtc_flow = rte_cpu_to_be_32(w);
	return GW_DROP_NONE;
}

/*
 * A peer's keepalive over an IPv6 underlay (IPv6 carrying GRE of type 0,
 * from us back to the peer): as IPv4's (inner.c), answered by the control
 * thread as its own packet, from our local address to the peer's; no NAT
 * stands between, so the peer's address is its remote.
 *
 * @return whether m is a keepalive, made into its answer.
 */
static __rte_noinline bool
keepalive6_reflect(struct rte_mbuf *m, const struct gw_peer *p)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint16_t proto;

	if (!p->ip6 || m->data_len < sizeof(*ip) + 4)
		return false;
	memcpy(&proto, (const uint8_t *)(ip + 1) + 2, sizeof(proto));
	if (proto != RTE_BE16(GW_GRE_PROTO_KEEPALIVE) || ip->hop_limits <= 1)
		return false; /* not a keepalive; or one forwarding drops as ttl_expired */
	ip->hop_limits--; /* as a router that forwards it, as the peer expects */
	memcpy(ip->src_addr, p->local.v6, sizeof(ip->src_addr));
	memcpy(ip->dst_addr, p->remote.v6, sizeof(ip->dst_addr));
	gw_mbuf_meta(m)->peer = p->id;
	return true;
}

uint16_t
gw_inner_ip6_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const struct gw_peer *const *peers,
		   const uint8_t *outer_ecn, uint16_t n, uint32_t *ingress, struct gw_burst *b)
{
	uint16_t i, kept = 0;
	enum gw_drop why;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct gw_peer *p = peers[i];

		if (unlikely(!inner6_ok(m))) {
			gw_burst_drop(lc, b, m, GW_DROP_INNER_HEADER);
			continue;
		}
		if (unlikely(outer_ecn[i] != GW_ECN_NOT_ECT) &&
		    unlikely((why = ecn6_decap(m, outer_ecn[i])) != GW_DROP_NONE)) {
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		/* a SYN out of the tunnel offers no more than the tunnel carries (clamp-mss) */
		if (p->mss6_max != 0)
			gw_tcp_mss_clamp6(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m),
					  p->mss6_max);
		lc->peer[p->id].rx_packets++;
		lc->peer[p->id].rx_bytes += m->pkt_len;
		if (unlikely(rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *)->proto ==
			     IPPROTO_GRE) &&
		    keepalive6_reflect(m, p)) {
			gw_burst_punt(b, m, GW_PUNT_REFLECT);
			continue;
		}
		ingress[kept] = p->id;
		pkts[kept++] = m;
	}
	return kept;
}
