/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Reading the counters. Workers increment their own; readers sum them without
 * locks, so a figure may lag a burst behind, never tear (64-bit stores).
 */
#include <rte_ethdev.h>

#include "gw_ctrl.h"
#include "gw_stats.h"

void
gw_stats_tunnel(uint16_t idx, struct gw_tunnel_counters *sum)
{
	uint16_t w;

	memset(sum, 0, sizeof(*sum));
	for (w = 0; w < gw_nb_workers; w++) {
		const struct gw_tunnel_counters *c = &gw_workers[w].tun[idx];

		sum->rx_packets += __atomic_load_n(&c->rx_packets, __ATOMIC_RELAXED);
		sum->rx_bytes += __atomic_load_n(&c->rx_bytes, __ATOMIC_RELAXED);
		sum->tx_packets += __atomic_load_n(&c->tx_packets, __ATOMIC_RELAXED);
		sum->tx_bytes += __atomic_load_n(&c->tx_bytes, __ATOMIC_RELAXED);
	}
}

uint64_t
gw_stats_drop(enum gw_drop why)
{
	uint64_t n = __atomic_load_n(&gw_ctrl_drops[why], __ATOMIC_RELAXED);
	uint16_t w;

	for (w = 0; w < gw_nb_workers; w++)
		n += __atomic_load_n(&gw_workers[w].drops[why], __ATOMIC_RELAXED);
	return n;
}

void
gw_stats_print(FILE *f)
{
	struct gw_tunnel_counters tc;
	struct rte_eth_stats es;
	unsigned int i;

	for (i = 0; i < gw_nb_ports; i++) {
		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(gw_ports[i].port_id, &es);
		fprintf(f,
			"port %s rx_packets %" PRIu64 " rx_bytes %" PRIu64 " tx_packets %" PRIu64
			" tx_bytes %" PRIu64 " rx_missed %" PRIu64 " rx_errors %" PRIu64
			" tx_errors %" PRIu64 "\n",
			gw_ports[i].name, es.ipackets, es.ibytes, es.opackets, es.obytes,
			es.imissed, es.ierrors, es.oerrors);
	}
	for (i = 0; i < GW_TUNNEL_MAX; i++) {
		if (gw_tunnels[i] == NULL)
			continue;
		gw_stats_tunnel(i, &tc);
		fprintf(f,
			"tunnel %s rx_packets %" PRIu64 " rx_bytes %" PRIu64 " tx_packets %" PRIu64
			" tx_bytes %" PRIu64 "\n",
			gw_tunnels[i]->conf.name, tc.rx_packets, tc.rx_bytes, tc.tx_packets,
			tc.tx_bytes);
	}
	for (i = 1; i < GW_DROP_MAX; i++)
		fprintf(f, "drop %s %" PRIu64 "\n", gw_drop_name(i), gw_stats_drop(i));
	fflush(f);
}
