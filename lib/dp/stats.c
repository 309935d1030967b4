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
gw_stats_foreach(void (*cb)(const struct gw_stats_row *row, void *arg), void *arg)
{
	struct gw_tunnel_counters tc;
	struct gw_stats_row row;
	struct rte_eth_stats es;
	unsigned int i;

	row.kind = "port";
	row.n = 7;
	for (i = 0; i < gw_nb_ports; i++) {
		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(gw_ports[i].port_id, &es);
		row.name = gw_ports[i].name;
		row.keys[0] = "rx_packets", row.vals[0] = es.ipackets;
		row.keys[1] = "rx_bytes", row.vals[1] = es.ibytes;
		row.keys[2] = "tx_packets", row.vals[2] = es.opackets;
		row.keys[3] = "tx_bytes", row.vals[3] = es.obytes;
		row.keys[4] = "rx_missed", row.vals[4] = es.imissed;
		row.keys[5] = "rx_errors", row.vals[5] = es.ierrors;
		row.keys[6] = "tx_errors", row.vals[6] = es.oerrors;
		cb(&row, arg);
	}
	row.kind = "tunnel";
	row.n = 4;
	for (i = 0; i < GW_TUNNEL_MAX; i++) {
		if (gw_tunnels[i] == NULL)
			continue;
		gw_stats_tunnel(i, &tc);
		row.name = gw_tunnels[i]->conf.name;
		row.keys[0] = "rx_packets", row.vals[0] = tc.rx_packets;
		row.keys[1] = "rx_bytes", row.vals[1] = tc.rx_bytes;
		row.keys[2] = "tx_packets", row.vals[2] = tc.tx_packets;
		row.keys[3] = "tx_bytes", row.vals[3] = tc.tx_bytes;
		cb(&row, arg);
	}
	row.kind = "drop";
	row.n = 1;
	row.keys[0] = "count";
	for (i = 1; i < GW_DROP_MAX; i++) {
		row.name = gw_drop_name(i);
		row.vals[0] = gw_stats_drop(i);
		cb(&row, arg);
	}
}

static void
print_row(const struct gw_stats_row *row, void *arg)
{
	FILE *f = arg;
	unsigned int k;

	fprintf(f, "%s %s", row->kind, row->name);
	for (k = 0; k < row->n; k++) {
		if (strcmp(row->kind, "drop") != 0)
			fprintf(f, " %s", row->keys[k]);
		fprintf(f, " %" PRIu64, row->vals[k]);
	}
	fputc('\n', f);
}

void
gw_stats_print(FILE *f)
{
	gw_stats_foreach(print_row, f);
	fflush(f);
}
