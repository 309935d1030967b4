/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The tx stage: a worker's per-port transmit buffers, filled by forward and
 * encap, flushed when full and once per loop. What a queue refuses is
 * counted and freed.
 */
#ifndef GW_TX_H
#define GW_TX_H

#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "gw_dp.h"

/** Send what a port's tx buffer holds; what the queue refuses is dropped. */
static inline void
gw_tx_flush(struct gw_lcore *lc, uint16_t port)
{
	struct gw_txq *q = &lc->tx[port];
	uint16_t sent;

	if (unlikely(port >= GW_PORT_BVI_FIRST)) {
		gw_bvi_tx(lc, port); /* a BVI's frames go into its bridge */
		return;
	}
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

/**
 * Buffer a packet for a port that is up; a port that is down counts it.
 *
 * @return false when dropped (the caller frees it).
 */
static __rte_always_inline bool
gw_tx_to_port(struct gw_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	if (unlikely(!gw_ports[port].up)) {
		lc->drops[GW_DROP_PORT_DOWN]++;
		return false;
	}
	gw_tx_enqueue(lc, port, m);
	return true;
}

#endif /* GW_TX_H */
