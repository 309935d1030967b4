/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The forward stage, by next hop: TTL (RFC 1812 §5.3.1, incremental checksum
 * per RFC 1624), then either an Ethernet rewrite to a neighbour or encap for
 * a tunnel's peer (gw_encap.h, inlined per packet). A packet too big goes out fragmented (DF clear,
 * or any DF into an ignore-df tunnel) or, like one expiring here, to the
 * control thread for an ICMP error (DF set), off the common path.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_encap.h"
#include "gw_fwd.h"
#include "gw_icmp_err.h"
#include "gw_nh.h"
#include "gw_tunnel.h"
#include "gw_tx.h"

static inline enum gw_drop
ttl_decrement(struct rte_ipv4_hdr *ip)
{
	uint32_t sum;

	if (unlikely(ip->time_to_live <= 1))
		return GW_DROP_TTL_EXPIRED;
	ip->time_to_live--;
	/* RFC 1624: TTL is the high byte of its 16-bit word; add it back with carry */
	sum = ip->hdr_checksum + rte_cpu_to_be_16(0x0100);
	ip->hdr_checksum = (uint16_t)(sum + (sum >> 16));
	return GW_DROP_NONE;
}

/* Ethernet header for a resolved neighbour; the packet's data starts at L3. */
static __rte_always_inline enum gw_drop
to_neigh(struct rte_mbuf *m, const struct gw_nh *nh, uint16_t *out_port)
{
	return gw_fwd_to_neigh(m, nh, out_port, false);
}

/*
 * A packet the gateway cannot forward because it is too big (DF set) or its
 * TTL ran out: off the common path. The worker only decides (RFC 1812
 * §4.3.2.7 rules, its token bucket) and punts the packet as received, TTL
 * restored, to the control thread, which builds and sends the ICMP error
 * (lib/ctrl/icmp_error.c). The packet counts under its reason either way.
 *
 * @return GW_DROP_NONE when punted (counted here), else why (the caller drops).
 */
static __rte_noinline enum gw_drop
icmp_error(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, enum gw_drop why,
	   enum gw_punt punt, uint16_t mtu, uint16_t ingress, bool ttl_decremented)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (!gw_icmp4_err_allowed(ip, m->data_len) || !gw_fwd_icmp_allowed(lc))
		return why;
	if (ttl_decremented) {
		/* quote the header as it came in (RFC 1812 §4.3.2.3) */
		ip->time_to_live++;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	gw_fwd_icmp_punt(lc, b, m, why, punt, mtu, ingress);
	return GW_DROP_NONE;
}

/*
 * A fragment that cannot go is freed at once: one packet may make up to
 * GW_FRAG_MAX of them, more than the burst's drop array has room for.
 */
static void
frag_drop(struct gw_lcore *lc, struct rte_mbuf *f, enum gw_drop why)
{
	lc->drops[why]++;
	rte_pktmbuf_free(f);
}

/*
 * Split a packet whose DF is clear (cleared for ignore-df) into fragments
 * that fit mtu, each sent on its own (encapsulated for peer p, else to the
 * neighbour nh). The fragments take their sequence numbers from the burst's
 * block (sb): when it runs out, the next is sized for the rest of the run,
 * so numbers grow in tx order without a gap. The fragments share the original's data (indirect mbufs);
 * the original is released here. Ports whose PMD sends no mbuf chains
 * (net_pcap) get each fragment copied whole.
 *
 * @return GW_DROP_NONE (m is consumed) or why m is dropped.
 */
static __rte_noinline enum gw_drop
fragment(struct gw_lcore *lc, struct rte_mbuf *m, uint16_t mtu, struct gw_peer *p,
	 const struct gw_nh *nh, struct gw_seq_block *sb)
{
	struct rte_mbuf *frags[GW_FRAG_MAX];
	uint16_t port, hl, out = p != NULL ? gw_nhs[p->unh].port : nh->port;
	enum gw_drop why;
	int32_t n, i;

	hl = (rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	/* the library wants each fragment's data a multiple of 8 bytes (offsets count 8s) */
	mtu = hl + ((mtu - hl) & ~7u);
	n = rte_ipv4_fragment_packet(m, frags, GW_FRAG_MAX, mtu, m->pool, gw_indirect_pool);
	if (unlikely(n < 0))
		return GW_DROP_TOO_BIG; /* more than GW_FRAG_MAX pieces, or out of mbufs */
	rte_pktmbuf_free(m);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *f = frags[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);

		ip->hdr_checksum = 0; /* the library leaves it to the caller */
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		/* a PMD that sends no chains gets the fragment copied into its header mbuf */
		if (!gw_ports[out].tx_multi_seg && unlikely(rte_pktmbuf_linearize(f) < 0)) {
			frag_drop(lc, f, GW_DROP_TOO_BIG);
			continue;
		}
		port = UINT16_MAX;
		why = p != NULL ? gw_encap_one(lc, f, p, sb, &port) : to_neigh(f, nh, &port);
		if (unlikely(why != GW_DROP_NONE))
			frag_drop(lc, f, why);
		else if (unlikely(!gw_tx_to_port(lc, port, f)))
			rte_pktmbuf_free(f); /* counted as port_down */
	}
	return GW_DROP_NONE;
}

/*
 * Larger than the egress MTU: fragmented when DF is clear (RFC 791; before
 * encapsulation, so the peer gets whole GRE packets), an ICMP error when DF
 * is set, a plain drop for the gateway's own packets. p: the peer it goes
 * to, or NULL for a neighbour nh. A tunnel with ignore-df fragments DF
 * packets too, and its fragments carry DF clear: the sender asked for no
 * fragmentation and the operator overrode it, so the pieces are what a
 * DF-clear packet would have become. rte_ipv4_fragment_packet() refuses DF
 * packets (-ENOTSUP), so DF is cleared before the call; fragment() recomputes
 * each fragment's header checksum, so the original's is not touched here.
 */
static inline enum gw_drop
too_big(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, uint16_t mtu,
	uint16_t ingress, bool forwarded, struct gw_peer *p, const struct gw_nh *nh,
	struct gw_seq_block *sb)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (!forwarded)
		return GW_DROP_TOO_BIG;
	if (!(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)))
		return fragment(lc, m, mtu, p, nh, sb);
	if (p != NULL && (p->opts & GW_TUN_IGNORE_DF)) {
		ip->fragment_offset &= ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		return fragment(lc, m, mtu, p, nh, sb);
	}
	return icmp_error(lc, b, m, GW_DROP_TOO_BIG, GW_PUNT_TOO_BIG, mtu, ingress, true);
}

/*
 * A multicast packet routed to a port (route add GROUP/LEN dev PORT): out
 * with the group's MAC (RFC 1112: 01:00:5e and the group's low 23 bits),
 * TTL decremented; not out the port it came in by. No ICMP errors about
 * multicast (RFC 1812 §4.3.2.7).
 */
static __rte_noinline enum gw_drop
to_group(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, const struct gw_nh *nh,
	 uint16_t i, const struct gw_ingress *in, bool dec_ttl, uint16_t *out_port)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t group = rte_be_to_cpu_32(ip->dst_addr);
	struct rte_ether_hdr *eth;
	enum gw_drop why;

	RTE_SET_USED(lc);
	RTE_SET_USED(b);
	if (i < in->ndirect && in->port_iface == nh->iface)
		return GW_DROP_PEER_HAIRPIN;
	if (dec_ttl && (why = ttl_decrement(ip)) != GW_DROP_NONE)
		return why;
	if (unlikely(m->pkt_len > gw_ports[nh->port].mtu))
		return GW_DROP_TOO_BIG;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL))
		return GW_DROP_NO_HEADROOM;
	eth->dst_addr = (struct rte_ether_addr){ { 0x01, 0x00, 0x5e, (group >> 16) & 0x7f,
						    (group >> 8) & 0xff, group & 0xff } };
	memcpy((uint8_t *)eth + RTE_ETHER_ADDR_LEN, &gw_ports[nh->port].eth_src_type,
	       sizeof(uint64_t));
	m->ol_flags &= MBUF_BUFFER_FLAGS;
	*out_port = nh->port;
	return GW_DROP_NONE;
}

/*
 * A copy of a packet for each spoke of a multipoint tunnel but the one it
 * came from (head-end replication): a clone of the packet (an indirect mbuf,
 * the payload shared) behind a header mbuf that takes the outer headers, or
 * a real copy for a port that sends no chains; the last spoke gets the
 * packet itself. Each copy is encapsulated and queued as a unicast one is.
 *
 * @return GW_DROP_NONE (m is consumed), or why m is dropped (no spoke at all).
 */
static __rte_noinline enum gw_drop
replicate(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_nh *nh, uint32_t from,
	  struct gw_seq_block *sb)
{
	const struct gw_spoke_set *s = __atomic_load_n(&gw_tunnel_spokes[nh->tunnel],
						       __ATOMIC_ACQUIRE);
	const struct rte_ipv4_hdr *in = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	int32_t last = -1, i;
	uint16_t port;
	uint64_t l2;

	/*
	 * Only a group (or the limited broadcast) goes to every spoke. A unicast
	 * destination routed to the tunnel itself (route add P dev mgre0) needs
	 * its own mapping, learned or added, as Linux mGRE needs a neighbour
	 * entry for it: flooding it to every spoke would send one host's traffic
	 * to all of them.
	 */
	if (!RTE_IS_IPV4_MCAST(rte_be_to_cpu_32(in->dst_addr)) && in->dst_addr != UINT32_MAX)
		return GW_DROP_SPOKE_UNMAPPED;
	if (s == NULL)
		return GW_DROP_SPOKE_UNMAPPED;
	for (i = (int32_t)s->n - 1; i >= 0 && last < 0; i--)
		if (s->peer[i] != from)
			last = i;
	if (last < 0)
		return GW_DROP_SPOKE_UNMAPPED;
	for (i = 0; i <= last; i++) {
		const struct gw_peer *p = gw_peers[s->peer[i]];
		struct rte_mbuf *c;
		enum gw_drop why;

		if (s->peer[i] == from || p == NULL || unlikely(m->pkt_len > p->mtu)) {
			if (p != NULL && s->peer[i] != from)
				lc->drops[GW_DROP_TOO_BIG]++; /* no ICMP about multicast (RFC 1812) */
			if (i == last)
				rte_pktmbuf_free(m); /* the last copy was to be m itself */
			continue;
		}
		c = i == last ? m : gw_mbuf_copy_shared(m, p->unh != 0 &&
							gw_ports[gw_nhs[p->unh].port].tx_multi_seg,
							true);
		if (unlikely(c == NULL)) {
			lc->drops[GW_DROP_REPLICATE_NOMBUF]++;
			continue;
		}
		port = UINT16_MAX;
		why = !p->up ? GW_DROP_TUNNEL_DOWN : underlay_of(p, &l2, &port);
		if (likely(why == GW_DROP_NONE)) {
			const void *payload = c == m || c->data_len != 0 ?
					      rte_pktmbuf_mtod(c, const void *) : in;

			why = p->ip6 ? outer_ip6(lc, c, p, sb, port, l2, 0, 0, 0, payload, GW_PL_IP4) :
				       outer_ip4(lc, c, p, sb, port, l2, 0, 0, payload, GW_PL_IP4);
		}
		if (unlikely(why != GW_DROP_NONE)) {
			lc->drops[why]++;
			rte_pktmbuf_free(c);
		} else if (unlikely(!gw_tx_to_port(lc, port, c))) {
			rte_pktmbuf_free(c); /* counted as port_down */
		}
	}
	return GW_DROP_NONE;
}

/*
 * The next hops a packet seldom takes, out of the per-packet loop: glean
 * (ARP, or a group to a port), local, a hub's replication, none.
 */
static __rte_noinline enum gw_drop
fwd_other(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t nhi, uint16_t i,
	  const struct gw_ingress *in, bool dec_ttl, struct gw_burst *b, struct gw_seq_block *sb,
	  uint16_t *out_port)
{
	const struct gw_nh *nh = &gw_nhs[nhi];
	enum gw_drop why;

	switch (nh->kind) {
	case GW_NH_REPLICATE:
		if (dec_ttl) {
			why = ttl_decrement(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *));
			if (unlikely(why != GW_DROP_NONE))
				return icmp_error(lc, b, m, why, GW_PUNT_TIME_EXCEEDED, 0,
						  gw_fwd_ingress_iface(in, i), false);
		}
		return replicate(lc, m, nh, gw_fwd_ingress_peer(in, i), sb);
	case GW_NH_GLEAN:
		/* a group routed to a port goes to its MAC; no ARP, never back where it came */
		if (unlikely(RTE_IS_IPV4_MCAST(rte_be_to_cpu_32(
				rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)->dst_addr))))
			return to_group(lc, b, m, nh, i, in, dec_ttl, out_port);
		/* the control thread ARPs for the destination and counts the packet lost */
		gw_mbuf_meta(m)->nh = nhi;
		gw_burst_punt(b, m, GW_PUNT_GLEAN);
		return GW_DROP_NONE;
	case GW_NH_LOCAL:
		if (dec_ttl) {
			/* decapsulated traffic for the gateway itself */
			gw_burst_punt(b, m, GW_PUNT_LOCAL);
			return GW_DROP_NONE;
		}
		return GW_DROP_LOCAL_PROTO;
	default:
		return GW_DROP_NO_ROUTE;
	}
}

static __rte_always_inline enum gw_drop
fwd_one(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t nhi, uint16_t i,
	const struct gw_ingress *in, bool dec_ttl, struct gw_burst *b, struct gw_seq_block *sb,
	uint16_t *out_port)
{
	const struct gw_nh *nh = &gw_nhs[nhi];
	struct gw_peer *p;
	enum gw_drop why;

	/* forwarded, not delivered to us: never from a martian source */
	if (dec_ttl &&
	    unlikely(gw_fwd_martian4(rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)->src_addr)) &&
	    nh->kind != GW_NH_LOCAL)
		return GW_DROP_MARTIAN_SRC;
	if (unlikely(nh->kind != GW_NH_NEIGH && nh->kind != GW_NH_TUNNEL &&
		     nh->kind != GW_NH_SPOKE))
		return fwd_other(lc, m, nhi, i, in, dec_ttl, b, sb, out_port);
	if (dec_ttl) {
		why = ttl_decrement(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *));
		if (unlikely(why != GW_DROP_NONE))
			return icmp_error(lc, b, m, why, GW_PUNT_TIME_EXCEEDED, 0,
					  gw_fwd_ingress_iface(in, i), false);
	}
	if (nh->kind != GW_NH_NEIGH) {
		uint32_t id = nh->kind == GW_NH_TUNNEL ? nh->peer : gw_nh_spoke_peer(nh);

		if (unlikely(id == GW_PEER_NONE))
			return GW_DROP_SPOKE_UNMAPPED;
		/* never back to the spoke (or peer) it came from */
		if (unlikely(id == gw_fwd_ingress_peer(in, i)))
			return GW_DROP_PEER_HAIRPIN;
		p = gw_peers[id];
		if (unlikely(m->pkt_len > p->mtu))
			return too_big(lc, b, m, p->mtu, gw_fwd_ingress_iface(in, i), dec_ttl, p, nh, sb);
		return gw_encap_one(lc, m, p, sb, out_port);
	}
	if (unlikely(m->pkt_len > gw_ports[nh->port].mtu))
		return too_big(lc, b, m, gw_ports[nh->port].mtu, gw_fwd_ingress_iface(in, i), dec_ttl, NULL,
			       nh, sb);
	return to_neigh(m, nh, out_port);
}

/*
 * One pass, one packet at a time: no prefetch of next hops or peers, which
 * measured slower here even with 10,000 tunnels (doc/benchmarks.md); they
 * are small and stay in cache, and the packet data was loaded by classify.
 */
void
gw_fwd_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint64_t *nh, uint16_t n,
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
		why = fwd_one(lc, m, nh[i], i, in, dec_ttl, b, &sb, &port);
		if (unlikely(why != GW_DROP_NONE))
			gw_burst_drop(lc, b, m, why);
		else if (likely(port != UINT16_MAX) && unlikely(!gw_tx_to_port(lc, port, m)))
			b->drop[b->nb_drop++] = m; /* counted as port_down */
		/* else punted, or fragmented and sent */
	}
}
