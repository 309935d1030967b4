/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The dataplane: per-worker state and the stages a worker runs, one file
 * each, wired by the conductor (dp.c):
 *
 *     rx_burst -> classify (classify.c: a routed port's frames; ARP, ND, IPv4, IPv6)
 *        -> IPv4 input (ip4_input.c) / IPv6 input (ip6_input.c): one FIB
 *           lookup per vector, the local / forward split
 *             local + GRE -> decap (decap.c: outer IPv4 or IPv6 and GRE only,
 *                  then one vector per payload type) -> inner IPv4 (inner.c),
 *                  inner IPv6 (inner6.c) -> FIB lookup -> forward
 *             local, other        -> punt ring -> control thread (ARP, ND, ICMP)
 *             not local           -> forward
 *     forward (fwd.c: IPv4, fwd6.c: IPv6; TTL or hop limit, next hop) ->
 *        Ethernet rewrite, or encap (gw_encap.h: an outer builder per family,
 *        inlined) -> tx (gw_tx.h: per-port buffers)
 *
 * Stages pass vectors of packets with side arrays (destination, next hop,
 * peer, ingress interface); each compacts its vector in place; a dropped
 * packet gets a reason, a counter, and is freed with the rest of its burst.
 * Packets cross between stages at L3, except what classify punts and the
 * Ethernet frames of bridges:
 *
 *     rx_burst of a bridge member port  \
 *     decap of a gretap tunnel (0x6558) -> bridge (bridge.c: learn the source
 *        MAC, look up the destination) -> a member: port tx, or gretap encap
 *        (gw_encap.h); unknown, broadcast, multicast: flooded with clones
 */
#ifndef GW_DP_H
#define GW_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gw_bridge.h"
#include "gw_drop.h"
#include "gw_mbuf.h"
#include "gw_peer.h"
#include "gw_port.h"
#include "gw_tb.h"

#define GW_BURST_MAX 32 /**< packets per rx burst and per tx flush */
#define GW_PREFETCH 4   /**< how far ahead packet data is prefetched */
#define GW_FRAG_MAX 16  /**< fragments of one packet, at most: a 9000-byte jumbo over 576 */

/*
 * ICMP errors a worker may punt: a token bucket per worker, so that a flood
 * of too-big or expiring packets cannot fill the punt ring that ARP needs
 * (1024 entries). The control thread applies the gateway-wide limit after it.
 */
#define GW_ICMP_ERR_WORKER_RATE  100 /**< ICMP errors per second, per worker */
#define GW_ICMP_ERR_WORKER_BURST 50  /**< at once, per worker */

/*
 * What a worker punts is policed per source and per kind (punt.c): the
 * sources hash into this many buckets per worker; the kinds are ARP/ND
 * answers, other ARP/ND, local, glean, ICMP errors and keepalives.
 */
#define GW_PUNT_SOURCES_LOG2 8
#define GW_PUNT_SOURCES (1u << GW_PUNT_SOURCES_LOG2) /**< source buckets per worker */
#define GW_PUNT_KINDS 6                              /**< kind buckets per worker */

struct gw_punt_police;

/*
 * Hub learning notices a worker may send: a ring and a token bucket per
 * worker, so that a flood of new inner sources costs the control thread a
 * bounded amount (learn-max bounds what it keeps).
 */
#define GW_LEARN_RING 4096           /**< notices waiting, per worker */
#define GW_LEARN_WORKER_RATE 100000  /**< notices per second, per worker */
#define GW_LEARN_WORKER_BURST 4096   /**< at once, per worker */

/** Per-peer counters, one array per lcore (by peer id), summed on demand. */
struct gw_peer_counters {
	uint64_t rx_packets; /**< decapsulated */
	uint64_t rx_bytes;   /**< inner bytes decapsulated */
	uint64_t tx_packets; /**< encapsulated */
	uint64_t tx_bytes;   /**< inner bytes encapsulated */
};

/** Counters of a bridge (gw_bridge_ctr.def). */
enum gw_bridge_ctr {
#define GW_BRIDGE_CTR(e, name, what) GW_BRIDGE_CTR_##e,
#include "gw_bridge_ctr.def"
#undef GW_BRIDGE_CTR
	GW_BRIDGE_CTR_MAX
};

/** A bridge's counters on one worker. */
struct gw_bridge_counters {
	uint64_t ctr[GW_BRIDGE_CTR_MAX]; /**< by enum gw_bridge_ctr */
	uint64_t drops[GW_DROP_MAX];     /**< its frames dropped, by reason */
};

/** A bridge member's frames on one worker, by interface id. */
struct gw_member_counters {
	uint64_t rx_frames; /**< into its bridge */
	uint64_t tx_frames; /**< out of it, flooded copies included */
};

/** A port's transmit buffer on one worker. */
struct gw_txq {
	uint16_t n;                           /**< packets waiting */
	struct rte_mbuf *pkts[GW_BURST_MAX];  /**< waiting packets */
};

/** One worker's state: touched by that worker only (counters read by others). */
struct gw_lcore {
	uint16_t worker;   /**< 0..nb_workers-1; also its tx queue on every port */
	uint16_t lcore_id; /**< EAL lcore it runs on */
	uint16_t nb_rxq;   /**< (port, queue) pairs it polls */
	uint16_t ip_id;    /**< outer IPv4 identification counter */
	struct {
		uint16_t port;  /**< port index */
		uint16_t queue; /**< rx queue */
	} rxq[GW_PORT_MAX];
	struct rte_ring *punt;   /**< to the control thread */
	struct rte_ring *inject; /**< from the control thread */
	uint64_t drops[GW_DROP_MAX];      /**< per-reason drop counters */
	struct gw_tb icmp_tb;             /**< ICMP errors punted (rte_rdtsc clock) */
	struct gw_peer_counters *peer;    /**< gw_limits.peers counters, by peer id */
	struct gw_bridge_counters *bridge; /**< GW_BRIDGE_MAX counters, by bridge index */
	struct gw_member_counters *member; /**< gw_iface_max counters, by interface id */
	struct gw_txq tx[GW_PORT_SLOTS];  /**< tx buffers by port index (BVIs' too) */
	struct gw_txq bvi_rx;             /**< frames bridges delivered to a BVI, routed next loop */
	struct rte_ip_frag_tbl *frag_tbl; /**< outer fragments being reassembled */
	struct rte_ip_frag_death_row death_row; /**< fragments to free (reass.c) */
	/* a hub's learning, last: off the lines the common path touches */
	struct rte_ring *learn;  /**< hub learning notices (struct gw_learn_notice) to the control thread */
	struct gw_tb learn_tb;   /**< notices sent (rte_rdtsc clock): a flood of new sources is bounded */
	uint32_t ip6_frag_id; /**< identification of the outer IPv6 packets this worker fragments */
	struct gw_punt_police *police; /**< the punt's token buckets (punt.c) */
} __rte_cache_aligned;

extern struct gw_lcore *gw_workers; /**< nb_workers entries */
extern uint16_t gw_nb_workers;      /**< number of workers */
extern struct rte_mempool *gw_indirect_pool; /**< data-less mbufs fragments point with */

/**
 * A copy of a packet for one more destination, sharing its data: a clone
 * (an indirect mbuf on m's data), behind an empty header mbuf when the
 * caller writes headers in front (encapsulation); a real copy when the
 * port it leaves by sends no chains. m is not consumed.
 *
 * @return the copy, or NULL when out of mbufs.
 */
struct rte_mbuf *gw_mbuf_copy_shared(struct rte_mbuf *m, bool chains, bool headers);

/** A vector of packets, for a stage that hands its output on whole. */
struct gw_vec {
	uint16_t n;                           /**< packets in pkts[] */
	struct rte_mbuf *pkts[GW_BURST_MAX];  /**< the packets */
};

/** Scratch space for one burst: packets to free and to punt. */
struct gw_burst {
	uint16_t nb_drop;                     /**< packets in drop[] */
	uint16_t nb_punt;                     /**< packets in punt[] */
	struct rte_mbuf *drop[GW_BURST_MAX];  /**< freed at the end of the burst */
	struct rte_mbuf *punt[GW_BURST_MAX];  /**< sent to the control thread */
};

/**
 * Allocate the workers' state, rings and counters; spread (port, queue)
 * pairs; register the mbuf dynamic field.
 *
 * @return 0 or -ENOMEM.
 */
int gw_dp_init(uint16_t nb_workers, const unsigned int *lcore_ids, int socket);

/**
 * One iteration of a worker: poll its queues, process, drain the control
 * thread's injections, flush tx buffers.
 *
 * @return packets received (0 means idle).
 */
unsigned int gw_dp_poll(struct gw_lcore *lc);

/**
 * A stopping worker's last turn (SIGTERM): route what bridges delivered to
 * their BVIs, send what the control thread injected, flush the tx buffers;
 * nothing new is received.
 */
void gw_dp_drain(struct gw_lcore *lc);

/**
 * Classify a routed port's frames: ARP and IPv6 neighbour discovery to the
 * control thread, IPv4 for us checked (RFC 1812 §5.2.2) and IPv6 (RFC 8200),
 * each stripped to L3, the rest dropped.
 *
 * @param pkts  Compacted in place to the IPv4 packets kept.
 * @param dst   Receives each kept IPv4 packet's destination, host order.
 * @param v6    Receives the IPv6 packets (appended; the caller zeroes v6->n).
 * @return how many IPv4 packets remain.
 */
uint16_t gw_classify_burst(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
			   uint16_t n, uint32_t *dst, struct gw_vec *v6, struct gw_burst *b);

/** IPv4 input's vectors: what to forward (with its next hop) and the GRE for us. */
struct gw_ip4_split {
	uint16_t nfwd;                      /**< packets in fwd[] */
	uint16_t ngre;                      /**< packets in gre[] */
	struct rte_mbuf *fwd[GW_BURST_MAX]; /**< not for us: to forward */
	uint64_t nh[GW_BURST_MAX];          /**< their next hops */
	struct rte_mbuf *gre[GW_BURST_MAX]; /**< GRE for us, whole (fragments reassembled) */
};

/**
 * IPv4 input: one FIB lookup for the vector, then forward, decap, or the
 * control thread (other traffic for us).
 */
void gw_ip4_input(struct gw_lcore *lc, struct rte_mbuf **pkts, uint32_t *dst, uint16_t n,
		  struct gw_ip4_split *out, struct gw_burst *b);

/** IPv6 input's vectors: what to forward (with its next hop) and the GRE for us. */
struct gw_ip6_split {
	uint16_t nfwd;                      /**< packets in fwd[] */
	uint16_t ngre;                      /**< packets in gre[] */
	struct rte_mbuf *fwd[GW_BURST_MAX]; /**< not for us: to forward */
	uint64_t nh[GW_BURST_MAX];          /**< their next hops */
	struct rte_mbuf *gre[GW_BURST_MAX]; /**< GRE for us (maybe behind destination options) */
};

/**
 * IPv6 input: one FIB lookup for the vector, then forward, decap, or the
 * control thread (other traffic for us, with iface, the port's interface,
 * as its ingress: a reply to a link-local source leaves by it).
 */
void gw_ip6_input(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint16_t iface,
		  struct gw_ip6_split *out, struct gw_burst *b);

/**
 * Decap's vectors: one per payload type. Both decap stages (IPv4 and IPv6
 * underlays) append to them: the caller zeroes the counts.
 */
struct gw_decap_out {
	uint16_t n_ip4;                                 /**< packets in ip4[] */
	uint16_t n_ip6;                                 /**< packets in ip6[] */
	uint16_t n_l2;                                  /**< frames in l2[] */
	struct rte_mbuf *ip4[GW_BURST_MAX];             /**< IPv4 payloads, at the inner header */
	const struct gw_peer *ip4_peer[GW_BURST_MAX];   /**< the peer each came from */
	uint8_t ip4_ecn[GW_BURST_MAX];                  /**< each one's outer ECN field */
	uint32_t ip4_osrc[GW_BURST_MAX];                /**< each one's outer IPv4 source (hub learning) */
	struct rte_mbuf *ip6[GW_BURST_MAX];             /**< IPv6 payloads, at the inner header */
	const struct gw_peer *ip6_peer[GW_BURST_MAX];   /**< the peer each came from */
	uint8_t ip6_ecn[GW_BURST_MAX];                  /**< each one's outer ECN field */
	struct rte_mbuf *l2[GW_BURST_MAX];              /**< Ethernet payloads (gretap), at the frame */
	const struct gw_peer *l2_peer[GW_BURST_MAX];    /**< the peer each came from */
	uint32_t l2_osrc[GW_BURST_MAX];                 /**< each one's outer source (hub learning) */
};

/**
 * Decapsulate a vector of local GRE packets (outer IPv4 at data start):
 * validate the outer and GRE headers, find the peer, apply its tunnel's
 * receive policy (checksum, sequence, admin state), strip, and sort by
 * payload type (appended to out); a type no stage takes is counted.
 */
void gw_decap_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
		    struct gw_decap_out *out, struct gw_burst *b);

/** gw_decap_burst for an IPv6 underlay (outer IPv6 at data start). */
void gw_decap6_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
		     struct gw_decap_out *out, struct gw_burst *b);

/**
 * The inner IPv4 stage: validate the decapsulated header, apply RFC 6040 and
 * clamp-mss, count per peer; on a learning hub, tell the control thread the
 * inner sources that do not route back to the spoke they came from.
 *
 * @param pkts     Compacted in place to the packets kept.
 * @param peers    The peer of each; read in step.
 * @param outer_ecn  The outer ECN field of each.
 * @param osrc     The outer source of each (network order).
 * @param dst      Receives each kept packet's destination, host order.
 * @param ingress  Receives each kept packet's ingress peer id.
 * @return how many remain.
 */
uint16_t gw_inner_ip4_burst(struct gw_lcore *lc, struct rte_mbuf **pkts,
			    const struct gw_peer **peers, const uint8_t *outer_ecn,
			    const uint32_t *osrc, uint16_t n, uint32_t *dst, uint32_t *ingress,
			    struct gw_burst *b);

/**
 * The inner IPv6 stage: validate the decapsulated header (RFC 8200), apply
 * RFC 6040 and clamp-mss, count per peer.
 *
 * @param pkts     Compacted in place to the packets kept.
 * @param peers    The peer of each; read in step.
 * @param outer_ecn  The outer ECN field of each.
 * @param ingress  Receives each kept packet's ingress peer id.
 * @return how many remain.
 */
uint16_t gw_inner_ip6_burst(struct gw_lcore *lc, struct rte_mbuf **pkts,
			    const struct gw_peer *const *peers, const uint8_t *outer_ecn, uint16_t n,
			    uint32_t *ingress, struct gw_burst *b);

/**
 * The bridge stage: a vector of Ethernet frames (data at the Ethernet
 * header), each from a member of a bridge. Each source MAC is learned (or
 * moved, or refreshed), each destination MAC looked up; a frame goes to the
 * member its MAC is behind, or is flooded to every member but its own (one
 * clone each, the original to the last); a gretap member encapsulates it.
 *
 * @param bridge  The bridge index of each frame.
 * @param from    The member each came in by.
 */
void gw_bridge_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint16_t *bridge,
		     const union gw_member *from, uint16_t n, struct gw_burst *b);

/**
 * What routing sent out of a BVI port enters its bridge, from the bridge
 * itself (gw_tx_flush of a BVI slot).
 */
void gw_bvi_tx(struct gw_lcore *lc, uint16_t port);

/**
 * Where the packets of a forward vector came in: the first ndirect by a
 * port, the rest out of tunnels. Read only to answer one with an ICMP error.
 */
struct gw_ingress {
	uint16_t ndirect;       /**< packets from the port, first in the vector */
	uint16_t port_iface;    /**< that port's interface */
	const uint32_t *peer;   /**< the others' ingress peers (ids), in order */
};

/**
 * Forward a vector of IPv4 packets (at L3) by their next hops: Ethernet
 * rewrite to a neighbour, or encap for a tunnel's peer (gw_encap.h); then
 * into the tx buffers.
 *
 * @param in       Where each came in.
 * @param dec_ttl  Decrement TTL and report too-big / expired packets with ICMP
 *                 (false for packets the gateway originates).
 */
void gw_fwd_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint64_t *nh, uint16_t n,
		  const struct gw_ingress *in, bool dec_ttl, struct gw_burst *b);

/**
 * Forward a vector of IPv6 packets (at L3) by their next hops: hop limit
 * (RFC 8200 §3), MTU (too big: Packet Too Big, never fragmented), then an
 * Ethernet rewrite to a neighbour or encap for a tunnel's peer.
 *
 * @param dec_ttl  Decrement the hop limit and report with ICMPv6 (false for
 *                 packets the gateway originates).
 */
void gw_fwd6_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint64_t *nh, uint16_t n,
		   const struct gw_ingress *in, bool dec_ttl, struct gw_burst *b);

/** Create a worker's reassembly table. @return 0 or -ENOMEM. */
int gw_reass_init(struct gw_lcore *lc, int socket);

/**
 * Give an outer fragment (data at IPv4) to the worker's reassembly table.
 *
 * @return the whole packet (chained segments, data at IPv4) when this was
 *   its last missing fragment, else NULL (kept, or given up to the death row).
 */
struct rte_mbuf *gw_reass_input(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t tsc);

/**
 * Give an outer IPv6 fragment (data at IPv6, the fragment header right after
 * the fixed one) to the worker's reassembly table. A fragment that is not
 * GRE's once whole goes to decap all the same, which counts it.
 *
 * @return the whole packet when this was its last missing fragment, else NULL.
 */
struct rte_mbuf *gw_reass_input6(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t tsc);

/** Free and count what reassembly gave up (once per burst). */
void gw_reass_reap(struct gw_lcore *lc);

/** Give up the packets whose fragments took too long (once per loop). */
void gw_reass_expire(struct gw_lcore *lc, uint64_t tsc);

/** Count and queue a packet for freeing at the end of its burst. */
static inline void
gw_burst_drop(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, enum gw_drop why)
{
	lc->drops[why]++;
	b->drop[b->nb_drop++] = m;
}

/** Make a worker's punt buckets, full, at --punt-rate and --punt-source-rate. @return 0 or -ENOMEM. */
int gw_punt_police_init(struct gw_lcore *lc, int socket);

/**
 * Police a burst's punted packets: those over their source's or their
 * kind's rate are freed and counted (punt_source_limit, punt_limit).
 *
 * @param pkts  Compacted in place to the packets that may go.
 * @return how many may go.
 */
uint16_t gw_punt_police(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

/** Queue a packet for the control thread, saying why. */
static inline void
gw_burst_punt(struct gw_burst *b, struct rte_mbuf *m, enum gw_punt why)
{
	gw_mbuf_meta(m)->punt = why;
	b->punt[b->nb_punt++] = m;
}

#endif /* GW_DP_H */
