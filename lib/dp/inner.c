/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The inner IPv4 stage, after decap: the inner header is checked as a
 * router checks what it forwards (RFC 1812 §5.2.2), the outer ECN field is
 * merged in (RFC 6040 §4.2), a TCP SYN leaving the tunnel has its MSS clamped
 * to the tunnel's (clamp-mss), and the peer counts the packet. On a hub
 * that learns, an inner source that does not route back to the spoke it came
 * from is told to the control thread (gw_spoke.h). A peer's keepalive is
 * answered. IPv6 and Ethernet payloads get stages of their own beside it.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_fib.h>
#include <rte_ip.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_fdb.h"
#include "gw_gre.h"
#include "gw_nh.h"
#include "gw_route.h"
#include "gw_spoke.h"
#include "gw_tcp.h"
#include "gw_tunnel.h"

/*
 * Hub learning, per packet of a learning multipoint tunnel: one FIB lookup
 * of the inner source. Where it routes back to the peer the packet came
 * from, the mapping is known (a learned one is marked seen, at most once a
 * second); where it routes nowhere, or to an unmapped or other spoke of this
 * tunnel, the control thread is told (bounded by the worker's token bucket
 * and the ring: a lost notice is sent again by the next packet). A new
 * source while the tunnel is full is dropped; a known one moving is not.
 */
static __rte_noinline enum gw_drop
learn_check(struct gw_lcore *lc, const struct gw_peer *p, struct rte_mbuf *m, uint32_t osrc)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct gw_learn_notice n;
	uint32_t src = rte_be_to_cpu_32(ip->src_addr);
	struct gw_nh *nh;
	uint64_t nhi;

	rte_fib_lookup_bulk(gw_fib, &src, &nhi, 1);
	nh = &gw_nhs[nhi];
	if (nh->kind == GW_NH_SPOKE && nh->iface == p->iface) {
		if (gw_nh_spoke_peer(nh) == p->id) {
			if (nh->learned && nh->seen != gw_fdb_now)
				nh->seen = gw_fdb_now;
			return GW_DROP_NONE;
		}
		if (nh->is_static)
			return GW_DROP_NONE; /* static: never moves, nothing to tell */
	} else if (nh->kind != GW_NH_DROP && nh->iface != p->iface) {
		return GW_DROP_NONE; /* routes elsewhere: not the spoke's to claim */
	}
	if (!(nh->kind == GW_NH_SPOKE && nh->learned) && gw_tunnel_learn_full[p->tunnel])
		return GW_DROP_LEARN_FULL;
	if (!gw_tb_take(&lc->learn_tb, rte_rdtsc()))
		return GW_DROP_NONE;
	n = (struct gw_learn_notice){ .peer = p->id, .inner_src = ip->src_addr, .outer_src = osrc };
	rte_ring_enqueue_elem(lc->learn, &n, sizeof(n));
	return GW_DROP_NONE;
}

/* The inner packet must be IPv4 with a sane header, wholly in the first segment. */
static inline bool
inner_ok(struct rte_mbuf *m, uint32_t *dst)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t hl, tlen;

	if (unlikely(m->data_len < sizeof(*ip)))
		return false;
	hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip) || tlen < hl ||
		     tlen > m->pkt_len || m->data_len < hl))
		return false;
	/* RFC 1812 §5.2.2: a router verifies the header it forwards; the TTL
	 * update is incremental and would carry a bad checksum along */
	if (unlikely(!gw_ipv4_cksum_ok(ip, hl)))
		return false;
	if (m->pkt_len > tlen)
		rte_pktmbuf_trim(m, m->pkt_len - tlen);
	*dst = rte_be_to_cpu_32(ip->dst_addr);
	return true;
}

/*
 * RFC 6040 §4.2 (decapsulation, normal mode), on the inner header once it is
 * verified: outer CE marks the inner packet CE, or drops it when the inner
 * packet is not ECN-capable; outer ECT(1) over inner ECT(0) becomes ECT(1);
 * every other combination leaves the inner field as it is.
 */
static inline enum gw_drop
ecn_decap(struct rte_mbuf *m, uint8_t outer)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint8_t tos = ip->type_of_service, inner = tos & GW_ECN_MASK;
	int ecn = gw_ecn_decap(outer, inner);
	uint16_t old, new;

	if (ecn < 0)
		return GW_DROP_ECN_NOT_ECT;
	if (ecn == inner)
		return GW_DROP_NONE;
	memcpy(&old, ip, sizeof(old)); /* version/IHL and TOS, as summed (any alignment) */
	ip->type_of_service = (tos & ~GW_ECN_MASK) | ecn;
	memcpy(&new, ip, sizeof(new));
	ip->hdr_checksum = gw_cksum_update16(ip->hdr_checksum, old, new);
	return GW_DROP_NONE;
}

/*
 * A peer's keepalive (IPv4 carrying GRE of type 0, gw_gre.h) is answered
 * to the outer source it came from, not to the inner destination: a peer
 * behind NAT (MikroTik does this) addresses it to its private address,
 * which only the NAT binding reaches. And it is answered from our local
 * address, not from the inner source: behind NAT, a hub's keepalive names
 * the NAT's public address as our source, which the NAT would drop coming
 * from inside; from our own address the NAT translates it as any packet.
 * So the answer goes from local to the outer source, sent by the control
 * thread as its own packet (GW_PUNT_REFLECT): the only way a packet from
 * one of our addresses leaves the tunnel, and one that cannot be aimed
 * anywhere but back at the sender.
 *
 * @return whether m is a keepalive, made into its answer.
 */
static __rte_noinline bool
keepalive_reflect(struct rte_mbuf *m, const struct gw_peer *p, uint32_t osrc)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4, proto;

	if (m->data_len < hl + 4)
		return false;
	memcpy(&proto, (const uint8_t *)ip + hl + 2, sizeof(proto));
	if (proto != RTE_BE16(GW_GRE_PROTO_KEEPALIVE) || ip->time_to_live <= 1)
		return false; /* not a keepalive; or one forwarding drops as ttl_expired */
	ip->dst_addr = osrc;
	ip->src_addr = p->local.v4;
	ip->time_to_live--; /* as a router that forwards it, as the peer expects */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	gw_mbuf_meta(m)->peer = p->id;
	return true;
}

/* inner_uncommon: not a drop, a keepalive to answer (the control thread sends it) */
#define REFLECT ((enum gw_drop)GW_DROP_MAX)

/* A keepalive to answer, else a learning hub's check. */
static __rte_noinline enum gw_drop
inner_uncommon(struct gw_lcore *lc, const struct gw_peer *p, struct rte_mbuf *m, uint32_t osrc)
{
	if (rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)->next_proto_id == IPPROTO_GRE &&
	    keepalive_reflect(m, p, osrc))
		return REFLECT;
	return p->opts & GW_TUN_LEARN ? learn_check(lc, p, m, osrc) : GW_DROP_NONE;
}

uint16_t
gw_inner_ip4_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const struct gw_peer **peers,
		   const uint8_t *outer_ecn, const uint32_t *osrc, uint16_t n, uint32_t *dst,
		   uint32_t *ingress, struct gw_burst *b)
{
	uint16_t i, kept = 0;
	enum gw_drop why;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct gw_peer *p = peers[i];

		if (unlikely(!inner_ok(m, &dst[kept]))) {
			gw_burst_drop(lc, b, m, GW_DROP_INNER_HEADER);
			continue;
		}
		if (unlikely(outer_ecn[i] != GW_ECN_NOT_ECT) &&
		    unlikely((why = ecn_decap(m, outer_ecn[i])) != GW_DROP_NONE)) {
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		/* a SYN out of the tunnel offers no more than the tunnel carries (clamp-mss) */
		if (p->mss4_max != 0)
			gw_tcp_mss_clamp4(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m),
					  p->mss4_max);
		/* one test for the uncommon: a keepalive to answer, a hub that learns */
		if (unlikely((rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)->next_proto_id ==
			      IPPROTO_GRE) | ((p->opts & GW_TUN_LEARN) != 0)) &&
		    unlikely((why = inner_uncommon(lc, p, m, osrc[i])) != GW_DROP_NONE)) {
			if (why == REFLECT) {
				lc->peer[p->id].rx_packets++;
				lc->peer[p->id].rx_bytes += m->pkt_len;
				gw_burst_punt(b, m, GW_PUNT_REFLECT);
			} else {
				gw_burst_drop(lc, b, m, why);
			}
			continue;
		}
		lc->peer[p->id].rx_packets++;
		lc->peer[p->id].rx_bytes += m->pkt_len;
		ingress[kept] = p->id;
		pkts[kept++] = m;
	}
	return kept;
}
