/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The IPv6 forward stage, by next hop: hop limit (RFC 8200 §3), then an
 * Ethernet rewrite to a neighbour or encap for a tunnel's peer (gw_encap.h,
 * inlined per packet). IPv6 routers never fragment: a packet too big, like
 * one whose hop limit runs out, goes to the control thread for an ICMPv6
 * error (Packet Too Big, Time Exceeded), off the common path. A tunnel's
 * MTU for IPv6 is never below 1280 (RFC 8200 §5): between the tunnel's
 * MTU and 1280 the outer packet would be fragmented (RFC 2473 §7.1).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>

#include "gw_dp.h"
#include "gw_encap.h"
#include "gw_fwd.h"
#include "gw_ip6.h"
#include "gw_nh.h"
#include "gw_tunnel.h"
#include "gw_tx.h"

static inline enum gw_drop
hop_decrement(struct rte_ipv6_hdr *ip)
{
	if (unlikely(ip->hop_limits <= 1))
		return GW_DROP_TTL_EXPIRED;
	ip->hop_limits--;
	return GW_DROP_NONE;
}

/*
 * A packet the gateway cannot forward because it is too big or its hop
 * limit ran out: the worker only decides (its token bucket; never about a
 * packet from the unspecified address) and punts the packet as received,
 * hop limit restored, to the control thread, which applies RFC 4443 §2.4
 * and sends the ICMPv6 error. The packet counts under its reason either way.
 *
 * @return GW_DROP_NONE when punted (counted here), else why (the caller drops).
 */
static __rte_noinline enum gw_drop
icmp6_error(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, enum gw_drop why,
	    enum gw_punt punt, uint16_t mtu, uint16_t ingress, bool hop_decremented)
{
	static const uint8_t unspecified[16];
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);

	if (memcmp(ip->src_addr, unspecified, sizeof(unspecified)) == 0 ||
	    !gw_fwd_icmp_allowed(lc))
		return why;
	if (hop_decremented)
		ip->hop_limits++; /* quote the header as it came in */
	gw_fwd_icmp_punt(lc, b, m, why, punt, mtu, ingress);
	return GW_DROP_NONE;
}

/*
 * An IPv6 packet within the 1280 bytes every IPv6 link carries, for a
 * tunnel whose MTU is smaller (RFC 2473 §7.1, RFC 8200 §5): encapsulated
 * whole, then the outer packet fragmented to the underlay's MTU (outer
 * DF cleared: the sender cannot be asked to send less). The fragments share
 * the packet's data (indirect mbufs), each with the underlay's Ethernet
 * header; ports that send no chains get each one copied whole.
 *
 * @return GW_DROP_NONE (m is consumed and sent), or why m is dropped.
 */
static __rte_noinline enum gw_drop
encap_fragmented(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p,
		 struct gw_seq_block *sb)
{
	struct rte_mbuf *frags[GW_FRAG_MAX];
	struct rte_ether_hdr eth;
	uint16_t port = UINT16_MAX, mtu, hl;
	enum gw_drop why;
	uint32_t id;
	int32_t n, i;

	why = gw_encap6_one(lc, m, p, sb, &port);
	if (why != GW_DROP_NONE)
		return why;
	/* the underlay port's MTU, or the path's when the underlay told us a smaller one */
	mtu = gw_ports[port].mtu;
	if (p->pmtu != 0 && p->pmtu < mtu)
		mtu = p->pmtu;
	if (m->pkt_len - sizeof(eth) <= mtu) {
		/* the tunnel's MTU was set below its underlay's: the outer packet fits whole */
		if (unlikely(!gw_tx_to_port(lc, port, m)))
			rte_pktmbuf_free(m); /* counted as port_down */
		return GW_DROP_NONE;
	}
	eth = *rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_pktmbuf_adj(m, sizeof(eth));
	m->ol_flags &= MBUF_BUFFER_FLAGS; /* each fragment's checksum is summed here */
	if (p->ip6) {
		/* the fragmentable part in 8-byte units behind the fixed and fragment headers */
		hl = sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_ipv6_fragment_ext);
		n = rte_ipv6_fragment_packet(m, frags, GW_FRAG_MAX, hl + ((mtu - hl) & ~7u),
					     m->pool, gw_indirect_pool);
	} else {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

		ip->fragment_offset &= ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		hl = sizeof(*ip);
		n = rte_ipv4_fragment_packet(m, frags, GW_FRAG_MAX, hl + ((mtu - hl) & ~7u),
					     m->pool, gw_indirect_pool);
	}
	if (unlikely(n < 0))
		return GW_DROP_TOO_BIG; /* more than GW_FRAG_MAX pieces, or out of mbufs */
	rte_pktmbuf_free(m);
	id = rte_cpu_to_be_32(lc->ip6_frag_id++); /* the library writes none (RFC 8200 §4.5) */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *f = frags[i];
		struct rte_ether_hdr *e;

		if (p->ip6) {
			struct rte_ipv6_fragment_ext *fh = rte_pktmbuf_mtod_offset(
				f, struct rte_ipv6_fragment_ext *, sizeof(struct rte_ipv6_hdr));

			memcpy(&fh->id, &id, sizeof(id));
		} else {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);

			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		if (!gw_ports[port].tx_multi_seg && unlikely(rte_pktmbuf_linearize(f) < 0)) {
			lc->drops[GW_DROP_TOO_BIG]++;
			rte_pktmbuf_free(f);
			continue;
		}
		e = (struct rte_ether_hdr *)rte_pktmbuf_prepend(f, sizeof(*e));
		if (unlikely(e == NULL)) {
			lc->drops[GW_DROP_NO_HEADROOM]++;
			rte_pktmbuf_free(f);
			continue;
		}
		*e = eth;
		f->ol_flags &= MBUF_BUFFER_FLAGS;
		if (unlikely(!gw_tx_to_port(lc, port, f)))
			rte_pktmbuf_free(f); /* counted as port_down */
	}
	return GW_DROP_NONE;
}

/*
 * The next hops an IPv6 packet seldom takes: glean (neighbour
 * solicitation), local, a hub's replication (IPv6 groups are not routed),
 * none.
 */
static __rte_noinline enum gw_drop
fwd6_other(struct rte_mbuf *m, uint64_t nhi, uint16_t i, const struct gw_ingress *in,
	   bool dec_ttl, struct gw_burst *b)
{
	const struct gw_nh *nh = &gw_nhs[nhi];

	switch (nh->kind) {
	case GW_NH_GLEAN:
		/* the control thread solicits the destination and counts the packet lost */
		gw_mbuf_meta(m)->nh = nhi;
		gw_burst_punt(b, m, GW_PUNT_GLEAN);
		return GW_DROP_NONE;
	case GW_NH_LOCAL:
		if (dec_ttl) {
			/* decapsulated, for the gateway: its reply knows where it came from */
			gw_mbuf_meta(m)->ingress = gw_fwd_ingress_iface(in, i);
			gw_burst_punt(b, m, GW_PUNT_LOCAL);
			return GW_DROP_NONE;
		}
		return GW_DROP_LOCAL_PROTO;
	case GW_NH_REPLICATE:
		return GW_DROP_SPOKE_UNMAPPED; /* a unicast destination needs its mapping */
	default:
		return GW_DROP_NO_ROUTE;
	}
}

static __rte_always_inline enum gw_drop
fwd6_one(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t nhi, uint16_t i,
	 const struct gw_ingress *in, bool dec_ttl, struct gw_burst *b, struct gw_seq_block *sb,
	 uint16_t *out_port)
{
	const struct gw_nh *nh = &gw_nhs[nhi];
	const struct gw_peer *p;
	uint16_t mtu;
	enum gw_drop why;

	/* forwarded, not delivered to us: never from a martian source */
	if (dec_ttl &&
	    unlikely(gw_fwd_martian6(rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *)->src_addr)) &&
	    nh->kind != GW_NH_LOCAL)
		return GW_DROP_MARTIAN_SRC;
	if (unlikely(nh->kind != GW_NH_NEIGH && nh->kind != GW_NH_TUNNEL &&
		     nh->kind != GW_NH_SPOKE))
		return fwd6_other(m, nhi, i, in, dec_ttl, b);
	if (dec_ttl) {
		why = hop_decrement(rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *));
		if (unlikely(why != GW_DROP_NONE))
			return icmp6_error(lc, b, m, why, GW_PUNT_TIME_EXCEEDED, 0,
					   gw_fwd_ingress_iface(in, i), false);
	}
	if (nh->kind != GW_NH_NEIGH) {
		uint32_t id = nh->kind == GW_NH_TUNNEL ? nh->peer : gw_nh_spoke_peer(nh);

		if (unlikely(id == GW_PEER_NONE))
			return GW_DROP_SPOKE_UNMAPPED;
		if (unlikely(id == gw_fwd_ingress_peer(in, i)))
			return GW_DROP_PEER_HAIRPIN;
		p = gw_peers[id];
		if (unlikely(m->pkt_len > p->mtu6))
			return dec_ttl ? icmp6_error(lc, b, m, GW_DROP_TOO_BIG, GW_PUNT_TOO_BIG,
						     p->mtu6, gw_fwd_ingress_iface(in, i), true) :
					 GW_DROP_TOO_BIG;
		if (unlikely(m->pkt_len > p->mtu))
			return encap_fragmented(lc, m, p, sb);
		return gw_encap6_one(lc, m, p, sb, out_port);
	}
	mtu = gw_ports[nh->port].mtu;
	if (unlikely(m->pkt_len > mtu))
		return dec_ttl ? icmp6_error(lc, b, m, GW_DROP_TOO_BIG, GW_PUNT_TOO_BIG, mtu,
					     gw_fwd_ingress_iface(in, i), true) :
				 GW_DROP_TOO_BIG;
	return gw_fwd_to_neigh(m, nh, out_port, true);
}

void
gw_fwd6_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint64_t *nh, uint16_t n,
	      const struct gw_ingress *in, bool dec_ttl, struct gw_burst *b)
{
	struct gw_seq_block sb = { .p = NULL };
	uint16_t i, port;
	enum gw_drop why;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		port = UINT16_MAX;
		sb.nh = &nh[i];
		sb.nb_nh = n - i;
		why = fwd6_one(lc, m, nh[i], i, in, dec_ttl, b, &sb, &port);
		if (unlikely(why != GW_DROP_NONE))
			gw_burst_drop(lc, b, m, why);
		else if (likely(port != UINT16_MAX) && unlikely(!gw_tx_to_port(lc, port, m)))
			b->drop[b->nb_drop++] = m; /* counted as port_down */
	}
}
