/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The dataplane: per-worker state and the burst functions a worker runs.
 *
 *     rx_burst -> classify (strip Ethernet, validate IPv4, one FIB lookup)
 *        local + protocol 47 -> decap -> FIB lookup of the inner destination -> forward
 *        local, other        -> punt ring -> control thread (ARP, ICMP echo)
 *        not local           -> forward
 *     forward: TTL, next hop -> Ethernet rewrite or tunnel encap -> tx buffer
 *
 * Packets travel between stages at L3 (data offset on the IP header). Each
 * stage compacts its vector in place; a dropped packet gets a reason, a
 * counter, and is freed with the rest of its burst.
 */
#ifndef GW_DP_H
#define GW_DP_H

#include <stdint.h>

#include <rte_ip_frag.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gw_drop.h"
#include "gw_port.h"
#include "gw_tb.h"
#include "gw_tunnel.h"

#define GW_BURST_MAX 32 /**< packets per rx burst and per tx flush */
#define GW_PREFETCH 4   /**< how far ahead packet data is prefetched */

/* What a punted packet needs from the control thread (mbuf hash.usr, low byte). */
#define GW_PUNT_ARP   1 /**< an ARP frame, Ethernet header still on */
#define GW_PUNT_LOCAL 2 /**< IPv4 to one of our addresses, at L3 */
#define GW_PUNT_GLEAN 3 /**< IPv4 to an unresolved neighbour, at L3; next hop in bits 8-23 */
#define GW_PUNT_TOO_BIG 4       /**< IPv4 too big with DF, at L3 as received; MTU in bits 8-23 */
#define GW_PUNT_TIME_EXCEEDED 5 /**< IPv4 whose TTL ran out here, at L3 as received */
/*
 * For GW_PUNT_TOO_BIG and GW_PUNT_TIME_EXCEEDED, mbuf hash.fdir.hi names the
 * ingress: the decapsulating tunnel's index + 1, or 0 for the rx port (mbuf port).
 */

/*
 * ICMP errors a worker may punt: a token bucket per worker, so that a flood
 * of too-big or expiring packets cannot fill the punt ring that ARP needs
 * (1024 entries). The control thread applies the gateway-wide limit after it.
 */
#define GW_ICMP_ERR_WORKER_RATE  100 /**< ICMP errors per second, per worker */
#define GW_ICMP_ERR_WORKER_BURST 50  /**< at once, per worker */

/* What an injected packet is (mbuf hash.usr). */
#define GW_INJECT_L2 1 /**< a full frame for port index mbuf->port */
#define GW_INJECT_L3 2 /**< an IPv4 packet for the worker to route (no TTL decrement) */

/** Per-tunnel counters, one array per lcore, summed on demand. */
struct gw_tunnel_counters {
	uint64_t rx_packets; /**< decapsulated */
	uint64_t rx_bytes;   /**< inner bytes decapsulated */
	uint64_t tx_packets; /**< encapsulated */
	uint64_t tx_bytes;   /**< inner bytes encapsulated */
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
	struct gw_tunnel_counters *tun;   /**< GW_TUNNEL_MAX counters */
	struct gw_txq tx[GW_PORT_MAX];    /**< tx buffers by port index */
	struct rte_ip_frag_tbl *frag_tbl; /**< outer fragments being reassembled */
	struct rte_ip_frag_death_row death_row; /**< fragments to free (reass.c) */
} __rte_cache_aligned;

extern struct gw_lcore *gw_workers; /**< nb_workers entries */
extern struct rte_mempool *gw_indirect_pool; /**< data-less mbufs fragments point with */

/** Create a worker's reassembly table. @return 0 or -ENOMEM. */
int gw_reass_init(struct gw_lcore *lc, int socket);

/**
 * Give an outer fragment (data at IPv4) to the worker's reassembly table.
 *
 * @return the whole packet (chained segments, data at IPv4) when this was
 *   its last missing fragment, else NULL (kept, or given up to the death row).
 */
struct rte_mbuf *gw_reass_input(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t tsc);

/** Free and count what reassembly gave up (once per burst). */
void gw_reass_reap(struct gw_lcore *lc);

/** Give up the packets whose fragments took too long (once per loop). */
void gw_reass_expire(struct gw_lcore *lc, uint64_t tsc);
extern uint16_t gw_nb_workers;      /**< number of workers */

/** Scratch space for one burst: packets to free and to punt. */
struct gw_burst {
	uint16_t nb_drop;                     /**< packets in drop[] */
	uint16_t nb_punt;                     /**< packets in punt[] */
	struct rte_mbuf *drop[GW_BURST_MAX];  /**< freed at the end of the burst */
	struct rte_mbuf *punt[GW_BURST_MAX];  /**< sent to the control thread */
};

/**
 * Allocate the workers' state, rings and counters; spread (port, queue) pairs.
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
 * Decapsulate a vector of local GRE packets (outer IPv4 at data start).
 *
 * @param pkts  Compacted in place to the inner IPv4 packets kept.
 * @param dst   Receives each kept packet's inner destination, host order.
 * @return how many remain.
 */
uint16_t gw_decap_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint32_t *dst,
			struct gw_burst *b);

/**
 * Forward a vector of IPv4 packets (at L3) by their next hops: Ethernet
 * rewrite or tunnel encapsulation, then into the tx buffers.
 *
 * @param ndirect  Packets before this index came from a port, the rest were
 *                 decapsulated (their tunnel index + 1 in hash.fdir.hi); only
 *                 read to name the ingress of an ICMP error.
 * @param dec_ttl  Decrement TTL and report too-big / expired packets with ICMP
 *                 (false for packets the gateway originates).
 */
void gw_fwd_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint64_t *nh, uint16_t n,
		  uint16_t ndirect, bool dec_ttl, struct gw_burst *b);

/** Count and queue a packet for freeing at the end of its burst. */
static inline void
gw_burst_drop(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, enum gw_drop why)
{
	lc->drops[why]++;
	b->drop[b->nb_drop++] = m;
}

/** Queue a packet for the control thread. */
static inline void
gw_burst_punt(struct gw_burst *b, struct rte_mbuf *m, uint32_t what)
{
	m->hash.usr = what;
	b->punt[b->nb_punt++] = m;
}

/** Send what a port's tx buffer holds; what the queue refuses is dropped. */
static inline void
gw_tx_flush(struct gw_lcore *lc, uint16_t port)
{
	struct gw_txq *q = &lc->tx[port];
	uint16_t sent;

	sent = rte_eth_tx_burst(gw_ports[port].port_id, lc->worker, q->pkts, q->n);
	if (unlikely(sent < q->n)) {
		lc->drops[GW_DROP_TX_FULL] += q->n - sent;
		rte_pktmbuf_free_bulk(&q->pkts[sent], q->n - sent);
	}
	q->n = 0;
}

/** Buffer a packet for a port; flushes when the buffer is full. */
static inline void
gw_tx_enqueue(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	struct gw_txq *q = &lc->tx[port];

	q->pkts[q->n++] = m;
	if (unlikely(q->n == GW_BURST_MAX))
		gw_tx_flush(lc, port);
}

#endif /* GW_DP_H */
