/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Forwarding by next hop: TTL (RFC 1812 §5.3.1, incremental checksum per
 * RFC 1624), then either an Ethernet rewrite to a neighbour or GRE
 * encapsulation from the tunnel's precomputed rewrite, where only length, ID,
 * inherited TTL/TOS, sequence number and checksums are written per packet.
 * A packet too big goes out fragmented (DF clear, or any DF into an
 * ignore-df tunnel) or, like one expiring here, to the control thread for an
 * ICMP error (DF set), off the common path.
 * TCP SYNs entering a tunnel have their MSS clamped first (clamp-mss).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_memcpy.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_gre.h"
#include "gw_icmp_err.h"
#include "gw_nh.h"
#include "gw_simd.h"
#include "gw_tcp.h"
#include "gw_tunnel.h"

/* Offload flags that describe the buffer, not the packet: kept across rewrites. */
#define MBUF_BUFFER_FLAGS (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)

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
static inline enum gw_drop
l2_rewrite(struct rte_mbuf *m, uint16_t port, uint64_t l2)
{
	struct rte_ether_hdr *eth;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL))
		return GW_DROP_NO_HEADROOM;
	/* two 8-byte stores: destination (and 2 bytes the second store overwrites),
	 * then source MAC and ethertype, precomputed per port */
	memcpy(eth, &l2, sizeof(l2));
	memcpy((uint8_t *)eth + RTE_ETHER_ADDR_LEN, &gw_ports[port].eth_src_type, sizeof(uint64_t));
	return GW_DROP_NONE;
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
	   uint32_t tag, bool decapped, bool ttl_decremented)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (!gw_icmp4_err_allowed(ip, m->data_len))
		return why;
	if (!gw_tb_take(&lc->icmp_tb, rte_rdtsc())) {
		lc->drops[GW_DROP_ICMP_RATELIMIT]++;
		return why;
	}
	if (ttl_decremented) {
		/* quote the header as it came in (RFC 1812 §4.3.2.3) */
		ip->time_to_live++;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (!decapped)
		m->hash.fdir.hi = 0;
	lc->drops[why]++;
	gw_burst_punt(b, m, tag);
	return GW_DROP_NONE;
}

/*
 * Sequence numbers taken a run at a time: a tunnel's packets that follow
 * each other in a burst share one atomic add (a locked instruction costs
 * about 20 cycles, more than the rest of the header). A number reserved for
 * a packet that is then dropped is never sent: the peer sees a gap, which
 * RFC 2890 §2.2 receivers accept as loss. Fragments of one packet take
 * their numbers from the same block (each is a GRE packet of its own), and
 * a block that runs out is followed by one sized for the rest of the run:
 * numbers only grow in the order packets are queued for tx.
 */
struct seq_block {
	const struct gw_tunnel *t; /**< whose numbers these are */
	uint32_t next;             /**< the next one to use */
	uint32_t left;             /**< how many are left */
	const uint64_t *nh;        /**< the rest of the burst's next hops, to size a run */
	uint16_t nb_nh;            /**< entries in nh */
};

static inline uint32_t
seq_take(struct seq_block *sb, struct gw_tunnel *t)
{
	uint16_t run = 1;

	if (unlikely(sb->t != t || sb->left == 0)) {
		while (run < sb->nb_nh && sb->nh[run] == sb->nh[0])
			run++;
		sb->t = t;
		sb->next = __atomic_fetch_add(&gw_tunnel_tx_seq[t->idx].next, run,
					      __ATOMIC_RELAXED);
		sb->left = run;
	}
	sb->left--;
	return sb->next++;
}

static enum gw_drop fragment(struct gw_lcore *lc, struct rte_mbuf *m, uint16_t mtu,
			     struct gw_tunnel *t, const struct gw_nh *nh, struct seq_block *sb);

/*
 * Larger than the egress MTU: fragmented when DF is clear (RFC 791; before
 * encapsulation, so the peer gets whole GRE packets), an ICMP error when DF
 * is set, a plain drop for the gateway's own packets. t: the tunnel it goes
 * into, or NULL for a neighbour nh. A tunnel with ignore-df fragments DF
 * packets too, and its fragments carry DF clear: the sender asked for no
 * fragmentation and the operator overrode it, so the pieces are what a
 * DF-clear packet would have become. rte_ipv4_fragment_packet() refuses DF
 * packets (-ENOTSUP), so DF is cleared before the call; fragment() recomputes
 * each fragment's header checksum, so the original's is not touched here.
 */
static inline enum gw_drop
too_big(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, uint16_t mtu, bool decapped,
	bool forwarded, struct gw_tunnel *t, const struct gw_nh *nh, struct seq_block *sb)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (!forwarded)
		return GW_DROP_TOO_BIG;
	if (!(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)))
		return fragment(lc, m, mtu, t, nh, sb);
	if (t != NULL && (t->opts & GW_TUN_IGNORE_DF)) {
		ip->fragment_offset &= ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		return fragment(lc, m, mtu, t, nh, sb);
	}
	return icmp_error(lc, b, m, GW_DROP_TOO_BIG, GW_PUNT_TOO_BIG | (uint32_t)mtu << 8, decapped,
			  true);
}

/*
 * The GRE checksum (RFC 2784) of a contiguous packet, without reading back
 * what encap has just written (those loads would wait for the stores): the
 * GRE template's sum and the sequence number come from registers, and the
 * inner IPv4 header adds nothing, since a header with a right checksum sums
 * to 0xffff, one's-complement zero. Every header reaching encap has a right
 * one: classify and decap verified it (or the NIC did), TTL and ECN updates
 * are incremental, fragments and the control thread's packets are summed
 * whole. So only the inner payload is read. GRE and IPv4 header lengths are
 * multiples of 4, so the payload's 16-bit words are the checksum's.
 */
static inline uint16_t
gre_csum(const struct gw_tunnel *t, const struct rte_ipv4_hdr *in, uint32_t inner_len,
	 uint32_t seq_be)
{
	uint16_t ihl = (in->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	uint32_t sum = (uint32_t)t->gre_sum + (seq_be & 0xffff) + (seq_be >> 16);

	return (uint16_t)~gw_simd.cksum((const uint8_t *)in + ihl, inner_len - ihl, sum);
}

static __rte_always_inline enum gw_drop
encap(struct gw_lcore *lc, struct rte_mbuf *m, struct gw_tunnel *t, uint16_t *out_port,
      struct seq_block *sb)
{
	struct rte_ipv4_hdr *in = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint32_t inner_len = m->pkt_len, seq = 0, csum;
	const struct gw_nh *un;
	struct rte_ipv4_hdr *ip;
	uint16_t unh, port;
	uint64_t l2;
	enum gw_drop why;

	/* a SYN into the tunnel offers no more than the tunnel carries (clamp-mss) */
	if (t->mss4_max != 0)
		gw_tcp_mss_clamp4(in, rte_pktmbuf_data_len(m), t->mss4_max);
	unh = __atomic_load_n(&t->unh, __ATOMIC_ACQUIRE);
	if (unlikely(unh == 0))
		return GW_DROP_NO_ROUTE; /* no route to the remote */
	un = &gw_nhs[unh];
	l2 = gw_nh_l2_load(un);
	if (unlikely(!(l2 & GW_NH_L2_VALID)))
		return GW_DROP_NEIGH_UNRESOLVED;
	port = un->port;

	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, t->rw_len);
	if (unlikely(ip == NULL))
		return GW_DROP_NO_HEADROOM;
	{
		/* read the inner fields before the rewrite can overlap them */
		uint8_t ttl = in->time_to_live, tos = in->type_of_service;
		uint16_t len = rte_cpu_to_be_16(m->pkt_len), id = rte_cpu_to_be_16(lc->ip_id++);

		/* one fixed-size copy ending at the inner packet: the bytes before the
		 * outer header land in headroom that the Ethernet header or nothing uses */
		if (likely(rte_pktmbuf_headroom(m) >= GW_TUNNEL_RW_MAX - t->rw_len))
			rte_mov64((uint8_t *)ip + t->rw_len - GW_TUNNEL_RW_MAX, t->rw);
		else
			rte_memcpy(ip, t->rw + GW_TUNNEL_RW_MAX - t->rw_len, t->rw_len);
		/*
		 * The outer checksum from the template's sum and the fields written
		 * here, in registers: summing the header back from memory stalls on
		 * the stores just made (store-to-load forwarding across sizes).
		 */
		csum = (uint32_t)t->rw_sum + len + id;
		if (t->opts & GW_TUN_TTL_INHERIT) {
			ip->time_to_live = ttl;
			csum += rte_cpu_to_be_16((uint16_t)ttl << 8); /* template TTL is 0 */
		}
		/* RFC 6040 normal mode: the inner ECN field is copied; DSCP is the
		 * tunnel's or, with tos inherit, the inner one */
		tos = t->opts & GW_TUN_TOS_INHERIT ? tos : (uint8_t)(t->dscp | (tos & GW_ECN_MASK));
		ip->type_of_service = tos;
		csum += rte_cpu_to_be_16(tos); /* template TOS is 0 */
		ip->total_length = len;
		ip->packet_id = id;
	}
	if (t->seq_off != 0) {
		seq = rte_cpu_to_be_32(seq_take(sb, t));
		memcpy((uint8_t *)ip + t->seq_off, &seq, sizeof(seq));
	}
	if (t->opts & GW_TUN_OCSUM) {
		/* last, once every GRE field (sequence included) is final */
		uint16_t sum = 0;

		if (likely(rte_pktmbuf_is_contiguous(m))) {
			sum = gre_csum(t, in, inner_len, seq); /* in: still behind the rewrite */
			memcpy((uint8_t *)(ip + 1) + 4, &sum, sizeof(sum));
		} else {
			rte_raw_cksum_mbuf(m, sizeof(*ip), m->pkt_len - sizeof(*ip), &sum);
			sum = ~sum;
			memcpy((uint8_t *)(ip + 1) + 4, &sum, sizeof(sum));
		}
	}
	why = l2_rewrite(m, port, l2);
	if (unlikely(why != GW_DROP_NONE))
		return why;
	m->ol_flags &= MBUF_BUFFER_FLAGS;
	if (gw_ports[port].tx_ip_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = sizeof(*ip);
	} else {
		csum = (csum & 0xffff) + (csum >> 16);
		csum = (csum & 0xffff) + (csum >> 16);
		ip->hdr_checksum = (uint16_t)~csum;
	}
	lc->tun[t->idx].tx_packets++;
	lc->tun[t->idx].tx_bytes += inner_len;
	*out_port = port;
	return GW_DROP_NONE;
}

/* To a resolved neighbour: Ethernet header, then the port's tx buffer (by the caller). */
static inline enum gw_drop
to_neigh(struct rte_mbuf *m, const struct gw_nh *nh, uint16_t *out_port)
{
	uint64_t l2 = gw_nh_l2_load(nh);
	enum gw_drop why;

	if (unlikely(!(l2 & GW_NH_L2_VALID)))
		return GW_DROP_NEIGH_UNRESOLVED;
	why = l2_rewrite(m, nh->port, l2);
	if (unlikely(why != GW_DROP_NONE))
		return why;
	m->ol_flags &= MBUF_BUFFER_FLAGS;
	*out_port = nh->port;
	return GW_DROP_NONE;
}

static inline enum gw_drop
fwd_one(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t nhi, bool decapped, bool dec_ttl,
	struct gw_burst *b, struct seq_block *sb, uint16_t *out_port)
{
	const struct gw_nh *nh = &gw_nhs[nhi];
	struct gw_tunnel *t;
	enum gw_drop why;

	switch (nh->kind) {
	case GW_NH_NEIGH:
	case GW_NH_TUNNEL:
		break;
	case GW_NH_GLEAN:
		/* the control thread ARPs for the destination and counts the packet lost */
		gw_burst_punt(b, m, GW_PUNT_GLEAN | (uint32_t)nhi << 8);
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
	if (dec_ttl) {
		why = ttl_decrement(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *));
		if (unlikely(why != GW_DROP_NONE))
			return icmp_error(lc, b, m, why, GW_PUNT_TIME_EXCEEDED, decapped, false);
	}
	if (nh->kind == GW_NH_TUNNEL) {
		t = gw_tunnels[nh->tunnel];
		if (unlikely(m->pkt_len > t->mtu))
			return too_big(lc, b, m, t->mtu, decapped, dec_ttl, t, nh, sb);
		return encap(lc, m, t, out_port, sb);
	}
	if (unlikely(m->pkt_len > gw_ports[nh->port].mtu))
		return too_big(lc, b, m, gw_ports[nh->port].mtu, decapped, dec_ttl, NULL, nh, sb);
	return to_neigh(m, nh, out_port);
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

#define GW_FRAG_MAX 16 /* pieces of one packet, at most: a 9000-byte jumbo over 576 */

/*
 * Split a packet whose DF is clear (cleared for ignore-df) into fragments that fit mtu, each sent
 * on its own (encapsulated when t is given). The fragments share the
 * original's data (indirect mbufs); the original is released here. Ports
 * whose PMD sends no mbuf chains (net_pcap) get each fragment copied whole.
 *
 * @return GW_DROP_NONE (m is consumed, *out_port untouched) or why m is dropped.
 */
static __rte_noinline enum gw_drop
fragment(struct gw_lcore *lc, struct rte_mbuf *m, uint16_t mtu,
	 struct gw_tunnel *t, const struct gw_nh *nh, struct seq_block *sb)
{
	struct rte_mbuf *frags[GW_FRAG_MAX];
	uint16_t port, hl, out = t != NULL ? gw_nhs[t->unh].port : nh->port;
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
		why = t != NULL ? encap(lc, f, t, &port, sb) : to_neigh(f, nh, &port);
		if (unlikely(why != GW_DROP_NONE))
			frag_drop(lc, f, why);
		else if (unlikely(!gw_ports[port].up))
			frag_drop(lc, f, GW_DROP_PORT_DOWN);
		else
			gw_tx_enqueue(lc, port, f);
	}
	return GW_DROP_NONE;
}

/* One packet of the burst, from its next hop to its port's tx buffer (or punt, or drop). */
static __rte_always_inline void
fwd_to_tx(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t nh, bool decapped, bool dec_ttl,
	  struct gw_burst *b, struct seq_block *sb)
{
	uint16_t port = UINT16_MAX;
	enum gw_drop why;

	why = fwd_one(lc, m, nh, decapped, dec_ttl, b, sb, &port);
	if (unlikely(why != GW_DROP_NONE))
		gw_burst_drop(lc, b, m, why);
	else if (likely(port != UINT16_MAX)) { /* else punted, or fragmented and sent */
		if (unlikely(!gw_ports[port].up))
			gw_burst_drop(lc, b, m, GW_DROP_PORT_DOWN);
		else
			gw_tx_enqueue(lc, port, m);
	}
}

/*
 * One pass, one packet at a time: no prefetch of next hops or tunnels, which
 * measured slower here even with 10,000 tunnels (doc/benchmarks.md); they
 * are small and stay in cache, and the packet data was loaded by classify.
 */
void
gw_fwd_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint64_t *nh, uint16_t n,
	     uint16_t ndirect, bool dec_ttl, struct gw_burst *b)
{
	struct seq_block sb = { .t = NULL };
	uint16_t i;

	for (i = 0; i < n; i++) {
		sb.nh = &nh[i];
		sb.nb_nh = n - i;
		fwd_to_tx(lc, pkts[i], nh[i], i >= ndirect, dec_ttl, b, &sb);
	}
}
