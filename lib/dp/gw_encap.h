/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The encap stage: each packet gets its peer's precomputed outer header
 * (copied with one fixed-size store sequence), then only what changes per
 * packet is written: length, ID, inherited TTL/TOS, sequence number and
 * checksums; then the underlay's Ethernet header. One outer builder per
 * family (IPv4, IPv6); the payload an IPv4 or IPv6 packet (gre, ip6gre) or
 * an Ethernet frame (gretap, ip6gretap, from the bridge stage). Forward (fwd.c) calls it per packet,
 * inlined: a vector pass of its own measured 7 cycles per packet more
 * (doc/benchmarks.md). Private to lib/dp.
 */
#ifndef GW_ENCAP_H
#define GW_ENCAP_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_gre.h"
#include "gw_nh.h"
#include "gw_simd.h"
#include "gw_tcp.h"
#include "gw_tunnel_conf.h"

/**
 * Sequence numbers taken a run at a time: a peer's packets that follow
 * each other in a vector (the same next hop) share one atomic add (a locked
 * instruction costs about 20 cycles, more than the rest of the header). A
 * number reserved for a packet that is then dropped is never sent: the peer
 * sees a gap, which RFC 2890 §2.2 receivers accept as loss. Fragments of one
 * packet take their numbers from the same block, and a block that runs out
 * is followed by one sized for the rest of the run: numbers only grow in the
 * order packets are queued for tx.
 */
struct gw_seq_block {
	const struct gw_peer *p; /**< whose numbers these are */
	uint32_t next;           /**< the next one to use */
	uint32_t left;           /**< how many are left */
	const uint64_t *nh;      /**< the rest of the vector's next hops, to size a run */
	uint16_t nb_nh;          /**< entries in nh */
};

/** The next sequence number of p, from the block or a new one sized for p's run. */
static inline uint32_t
gw_seq_take(struct gw_seq_block *sb, const struct gw_peer *p)
{
	uint16_t run = 1;

	if (unlikely(sb->p != p || sb->left == 0)) {
		while (run < sb->nb_nh && sb->nh[run] == sb->nh[0])
			run++;
		sb->p = p;
		sb->next = __atomic_fetch_add(&gw_peer_tx_seq[p->id].next, run, __ATOMIC_RELAXED);
		sb->left = run;
	}
	sb->left--;
	return sb->next++;
}

/* Offload flags that describe the buffer, not the packet: kept across rewrites. */
#define MBUF_BUFFER_FLAGS (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)

/** What a tunnel carries in one packet: each builder is specialised for a constant kind. */
enum gw_payload {
	GW_PL_IP4,   /**< an IPv4 packet (gre, ip6gre) */
	GW_PL_IP6,   /**< an IPv6 packet (gre, ip6gre): GRE protocol type 0x86dd */
	GW_PL_FRAME, /**< an Ethernet frame (gretap, ip6gretap) */
};

/*
 * The GRE checksum (RFC 2784) of a contiguous packet, without reading back
 * what encap has just written (those loads would wait for the stores): the
 * GRE template's sum and the sequence number come from registers, and the
 * inner IPv4 header adds nothing, since a header with a right checksum sums
 * to 0xffff, one's-complement zero. Every header reaching encap has a right
 * one: classify and decap verified it (or the NIC did), TTL and ECN updates
 * are incremental, fragments and the control thread's packets are summed
 * whole. So only the inner payload is read. GRE and IPv4 header lengths are
 * multiples of 4, so the payload's 16-bit words are the checksum's. An IPv6
 * payload or a frame has no checksum to lean on: all of it is summed.
 */
static __rte_always_inline uint16_t
gre_csum(uint32_t sum, const void *payload, uint32_t inner_len, const enum gw_payload kind)
{
	const struct rte_ipv4_hdr *in = payload;
	uint16_t ihl;

	if (kind != GW_PL_IP4)
		return (uint16_t)~gw_simd.cksum(payload, inner_len, sum);
	ihl = (in->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	return (uint16_t)~gw_simd.cksum((const uint8_t *)in + ihl, inner_len - ihl, sum);
}

/*
 * The GRE fields written per packet, after the template: an IPv6 payload's
 * protocol type (the template says IPv4), the sequence number, and the
 * checksum last, once every other field is final. hdr is the outer header
 * (data starts there); payload the inner packet when m is contiguous.
 */
static __rte_always_inline void
gre_fields(struct rte_mbuf *m, const struct gw_peer *p, struct gw_seq_block *sb, uint8_t *hdr,
	   uint16_t gre_off, const void *payload, uint32_t inner_len, const enum gw_payload kind)
{
	uint8_t *gre = hdr + gre_off;
	uint32_t seq = 0, sum;
	uint16_t sum16 = 0;

	if (kind == GW_PL_IP6) {
		uint16_t type = RTE_BE16(GW_GRE_PROTO_IPV6);

		memcpy(gre + 2, &type, sizeof(type));
	}
	if (p->seq_off != 0) {
		seq = rte_cpu_to_be_32(gw_seq_take(sb, p));
		memcpy(hdr + p->seq_off, &seq, sizeof(seq));
	}
	if (!(p->opts & GW_TUN_OCSUM))
		return;
	if (likely(rte_pktmbuf_is_contiguous(m))) {
		/* payload: still behind the rewrite */
		sum = (uint32_t)p->gre_sum + (seq & 0xffff) + (seq >> 16);
		if (kind == GW_PL_IP6) /* the template's protocol type out, IPv6's in */
			sum += RTE_BE16(GW_GRE_PROTO_IPV6) + (uint16_t)~RTE_BE16(GW_GRE_PROTO_IPV4);
		sum16 = gre_csum(sum, payload, inner_len, kind);
	} else {
		rte_raw_cksum_mbuf(m, gre_off, m->pkt_len - gre_off, &sum16);
		sum16 = ~sum16;
	}
	memcpy(gre + 4, &sum16, sizeof(sum16));
}

/*
 * The underlay's Ethernet header (from the peer's underlay neighbour, the
 * port's source word of the outer family) and the peer's counters.
 */
static __rte_always_inline enum gw_drop
outer_eth(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p, uint16_t port,
	  uint64_t l2, uint32_t inner_len, bool ip6)
{
	struct rte_ether_hdr *eth;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL))
		return GW_DROP_NO_HEADROOM;
	/* two 8-byte stores: destination (and 2 bytes the second store overwrites),
	 * then source MAC and ethertype, precomputed per port */
	memcpy(eth, &l2, sizeof(l2));
	memcpy((uint8_t *)eth + RTE_ETHER_ADDR_LEN,
	       ip6 ? &gw_ports[port].eth_src_type6 : &gw_ports[port].eth_src_type,
	       sizeof(uint64_t));
	lc->peer[p->id].tx_packets++;
	lc->peer[p->id].tx_bytes += inner_len;
	return GW_DROP_NONE;
}

/* The peer's template in front of the packet: one fixed-size copy ending at the inner packet. */
static __rte_always_inline uint8_t *
outer_copy(struct rte_mbuf *m, const struct gw_peer *p)
{
	uint8_t *hdr = (uint8_t *)rte_pktmbuf_prepend(m, p->rw_len);

	if (unlikely(hdr == NULL))
		return NULL;
	/* the bytes before the outer header land in headroom that the Ethernet
	 * header or nothing uses */
	if (likely(rte_pktmbuf_headroom(m) >= GW_PEER_RW_MAX - p->rw_len))
		rte_mov64(hdr + p->rw_len - GW_PEER_RW_MAX, p->rw);
	else
		rte_memcpy(hdr, p->rw + GW_PEER_RW_MAX - p->rw_len, p->rw_len);
	return hdr;
}

/*
 * The outer IPv4 + GRE of one packet, from the peer's template: the IPv4
 * underlay's builder. ttl and tos are the payload's (an IPv4 payload's are
 * read here, after the checks that may drop it), for inherit and for the
 * ECN field. payload is the inner packet when it is in the first segment,
 * else NULL (a frame's copy behind a header mbuf). kind is a constant in each
 * caller, so each gets its own code.
 */
static __rte_always_inline enum gw_drop
outer_ip4(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p,
	  struct gw_seq_block *sb, uint16_t port, uint64_t l2, uint8_t ttl, uint8_t tos,
	  const void *payload, const enum gw_payload kind)
{
	uint32_t inner_len = m->pkt_len, csum;
	struct rte_ipv4_hdr *ip;
	enum gw_drop why;

	if (kind == GW_PL_IP4) {
		ttl = ((const struct rte_ipv4_hdr *)payload)->time_to_live;
		tos = ((const struct rte_ipv4_hdr *)payload)->type_of_service;
	}
	ip = (struct rte_ipv4_hdr *)outer_copy(m, p);
	if (unlikely(ip == NULL))
		return GW_DROP_NO_HEADROOM;
	{
		uint16_t len = rte_cpu_to_be_16(m->pkt_len), id = rte_cpu_to_be_16(lc->ip_id++);

		/*
		 * The outer checksum from the template's sum and the fields written
		 * here, in registers: summing the header back from memory stalls on
		 * the stores just made (store-to-load forwarding across sizes).
		 */
		csum = (uint32_t)p->rw_sum + len + id;
		if (p->opts & GW_TUN_TTL_INHERIT) {
			ip->time_to_live = ttl;
			csum += rte_cpu_to_be_16((uint16_t)ttl << 8); /* template TTL is 0 */
		}
		/* RFC 6040 normal mode: the inner ECN field is copied; DSCP is the
		 * tunnel's or, with tos inherit, the inner one */
		tos = p->opts & GW_TUN_TOS_INHERIT ? tos : (uint8_t)(p->dscp | (tos & GW_ECN_MASK));
		ip->type_of_service = tos;
		csum += rte_cpu_to_be_16(tos); /* template TOS is 0 */
		ip->total_length = len;
		ip->packet_id = id;
	}
	gre_fields(m, p, sb, (uint8_t *)ip, sizeof(*ip), payload, inner_len, kind);
	why = outer_eth(lc, m, p, port, l2, inner_len, false);
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
	return GW_DROP_NONE;
}

/*
 * The outer IPv6 + GRE of one packet (and the encapsulation limit, in the
 * template): the IPv6 underlay's builder. No header checksum; the payload
 * length, traffic class (DSCP and the inner ECN field, RFC 6040), flow
 * label (inherit: an IPv6 payload's) and hop limit (inherit: the payload's)
 * are written in one word and one byte.
 */
static __rte_always_inline enum gw_drop
outer_ip6(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p,
	  struct gw_seq_block *sb, uint16_t port, uint64_t l2, uint8_t ttl, uint8_t tos,
	  uint32_t flow, const void *payload, const enum gw_payload kind)
{
	uint32_t inner_len = m->pkt_len, w;
	struct rte_ipv6_hdr *ip;

	if (kind == GW_PL_IP4) {
		ttl = ((const struct rte_ipv4_hdr *)payload)->time_to_live;
		tos = ((const struct rte_ipv4_hdr *)payload)->type_of_service;
	}
	ip = (struct rte_ipv6_hdr *)outer_copy(m, p);
	if (unlikely(ip == NULL))
		return GW_DROP_NO_HEADROOM;
	tos = p->opts & GW_TUN_TOS_INHERIT ? tos : (uint8_t)(p->dscp | (tos & GW_ECN_MASK));
	w = rte_be_to_cpu_32(ip->vtc_flow) | (uint32_t)tos << 20;
	if (p->opts & GW_TUN_FLOWLABEL_INHERIT)
		w |= flow & 0xfffff; /* template label is 0 */
	ip->vtc_flow = rte_cpu_to_be_32(w);
	ip->payload_len = rte_cpu_to_be_16(m->pkt_len - sizeof(*ip));
	if (p->opts & GW_TUN_TTL_INHERIT)
		ip->hop_limits = ttl;
	gre_fields(m, p, sb, (uint8_t *)ip, p->gre_off, payload, inner_len, kind);
	m->ol_flags &= MBUF_BUFFER_FLAGS;
	return outer_eth(lc, m, p, port, l2, inner_len, true);
}

/*
 * The underlay neighbour of a peer: its l2 word (MAC | valid) and port.
 * GW_DROP_NONE, or why the peer cannot send now.
 */
static __rte_always_inline enum gw_drop
underlay_of(const struct gw_peer *p, uint64_t *l2, uint16_t *port)
{
	const struct gw_nh *un;

	if (unlikely(p->unh == 0))
		return GW_DROP_NO_ROUTE; /* no route to the remote */
	un = &gw_nhs[p->unh];
	*l2 = gw_nh_l2_load(un);
	if (unlikely(!(*l2 & GW_NH_L2_VALID)))
		return GW_DROP_NEIGH_UNRESOLVED;
	*port = un->port;
	return GW_DROP_NONE;
}

/*
 * An IPv4 packet for a peer over IPv6: out of the IPv4 underlay's inlined
 * path (its code would sit in every caller's loop).
 */
static __rte_noinline enum gw_drop
encap4_over_ip6(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p,
		struct gw_seq_block *sb, uint16_t port, uint64_t l2)
{
	return outer_ip6(lc, m, p, sb, port, l2, 0, 0, 0, rte_pktmbuf_mtod(m, const void *),
			 GW_PL_IP4);
}

/**
 * Encapsulate one packet (at L3) for a peer: clamp-mss, the outer headers,
 * the underlay's Ethernet header.
 *
 * @param out_port  Receives the port it leaves by.
 * @return GW_DROP_NONE, or why it cannot go (the caller drops it).
 */
static __rte_always_inline enum gw_drop
gw_encap_one(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p,
	  struct gw_seq_block *sb, uint16_t *out_port)
{
	const struct rte_ipv4_hdr *in = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	enum gw_drop why;
	uint16_t port;
	uint64_t l2;

	if (unlikely(!p->up))
		return GW_DROP_TUNNEL_DOWN;
	/* a SYN into the tunnel offers no more than the tunnel carries (clamp-mss) */
	if (p->mss4_max != 0)
		gw_tcp_mss_clamp4(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m),
				  p->mss4_max);
	why = underlay_of(p, &l2, &port);
	if (unlikely(why != GW_DROP_NONE))
		return why;
	if (unlikely(p->ip6))
		why = encap4_over_ip6(lc, m, p, sb, port, l2);
	else
		why = outer_ip4(lc, m, p, sb, port, l2, 0, 0, in, GW_PL_IP4);
	if (likely(why == GW_DROP_NONE))
		*out_port = port;
	return why;
}

/**
 * Encapsulate one IPv6 packet (at L3) for a peer of a gre or ip6gre
 * tunnel: clamp-mss, the outer headers (GRE protocol type 0x86dd), the
 * underlay's Ethernet header. Hop limit, traffic class and flow label are
 * the payload's, for inherit and the ECN field.
 *
 * @param out_port  Receives the port it leaves by.
 * @return GW_DROP_NONE, or why it cannot go (the caller drops it).
 */
static __rte_always_inline enum gw_drop
gw_encap6_one(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p,
	      struct gw_seq_block *sb, uint16_t *out_port)
{
	const struct rte_ipv6_hdr *in = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	uint32_t w = rte_be_to_cpu_32(in->vtc_flow);
	enum gw_drop why;
	uint16_t port;
	uint64_t l2;

	if (unlikely(!p->up))
		return GW_DROP_TUNNEL_DOWN;
	if (p->mss6_max != 0)
		gw_tcp_mss_clamp6(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m),
				  p->mss6_max);
	why = underlay_of(p, &l2, &port);
	if (unlikely(why != GW_DROP_NONE))
		return why;
	if (p->ip6)
		why = outer_ip6(lc, m, p, sb, port, l2, in->hop_limits, (uint8_t)(w >> 20), w, in,
				GW_PL_IP6);
	else
		why = outer_ip4(lc, m, p, sb, port, l2, in->hop_limits, (uint8_t)(w >> 20), in,
				GW_PL_IP6);
	if (likely(why == GW_DROP_NONE))
		*out_port = port;
	return why;
}

/**
 * Encapsulate one Ethernet frame for a gretap peer: the outer headers, the
 * underlay's Ethernet header. An untagged IPv4 or IPv6 payload's ECN field
 * is copied (RFC 6040 normal mode), and its TTL and TOS (hop limit, traffic
 * class, flow label) inherited when the tunnel says so; other frames get TTL
 * 64 and TOS 0 then, and a not-ECT outer header.
 *
 * @param frame     The frame, when m is it (the first segment holds it), else
 *                  NULL (a flooded copy: a header mbuf chained to a clone).
 * @param out_port  Receives the port it leaves by.
 * @return GW_DROP_NONE, or why it cannot go (the caller drops it).
 */
static __rte_always_inline enum gw_drop
gw_encap_l2_one(struct gw_lcore *lc, struct rte_mbuf *m, const struct rte_ether_hdr *frame,
		const struct gw_peer *p, struct gw_seq_block *sb, uint16_t *out_port)
{
	uint8_t ttl = GW_TUNNEL_TTL_DEFAULT, tos = 0;
	const struct rte_ether_hdr *eth;
	uint32_t flow = 0;
	enum gw_drop why;
	uint16_t port;
	uint64_t l2;

	if (unlikely(!p->up))
		return GW_DROP_TUNNEL_DOWN;
	why = underlay_of(p, &l2, &port);
	if (unlikely(why != GW_DROP_NONE))
		return why;
	/* an untagged IPv4 payload lends its ECN field (RFC 6040), and TTL and TOS to inherit */
	eth = frame != NULL ? frame : rte_pktmbuf_mtod(m->next, const struct rte_ether_hdr *);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
	    rte_pktmbuf_data_len(frame != NULL ? m : m->next) >=
	    RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr)) {
		const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)(eth + 1);

		ttl = in->time_to_live;
		tos = in->type_of_service;
	} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
		   rte_pktmbuf_data_len(frame != NULL ? m : m->next) >=
		   RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr)) {
		const struct rte_ipv6_hdr *in = (const struct rte_ipv6_hdr *)(eth + 1);

		flow = rte_be_to_cpu_32(in->vtc_flow);
		ttl = in->hop_limits;
		tos = (uint8_t)(flow >> 20);
	}
	if (p->ip6)
		why = outer_ip6(lc, m, p, sb, port, l2, ttl, tos, flow, frame, GW_PL_FRAME);
	else
		why = outer_ip4(lc, m, p, sb, port, l2, ttl, tos, frame, GW_PL_FRAME);
	if (likely(why == GW_DROP_NONE))
		*out_port = port;
	return why;
}

#endif /* GW_ENCAP_H */
