/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Reading the counters. Workers increment their own; readers sum them without
 * locks, so a figure may lag a burst behind, never tear (64-bit stores).
 */
#include <rte_ethdev.h>

#include "gw_ctrl.h"
#include "gw_iface.h"
#include "gw_stats.h"
#include "gw_tunnel.h"

#define PORT_FIELDS 7

/*
 * What "stats clear" saw: counters are reported relative to it. Workers'
 * counters are never written by anyone else, so clearing cannot race with them.
 */
static struct gw_peer_counters peer_base[GW_PEER_MAX];
static uint64_t drop_base[GW_DROP_MAX];
static uint64_t port_base[GW_PORT_MAX][PORT_FIELDS];

static void
peer_raw(uint16_t id, struct gw_peer_counters *sum)
{
	uint16_t w;

	memset(sum, 0, sizeof(*sum));
	for (w = 0; w < gw_nb_workers; w++) {
		const struct gw_peer_counters *c = &gw_workers[w].peer[id];

		sum->rx_packets += __atomic_load_n(&c->rx_packets, __ATOMIC_RELAXED);
		sum->rx_bytes += __atomic_load_n(&c->rx_bytes, __ATOMIC_RELAXED);
		sum->tx_packets += __atomic_load_n(&c->tx_packets, __ATOMIC_RELAXED);
		sum->tx_bytes += __atomic_load_n(&c->tx_bytes, __ATOMIC_RELAXED);
	}
}

static uint64_t
drop_raw(enum gw_drop why)
{
	uint64_t n = __atomic_load_n(&gw_ctrl_drops[why], __ATOMIC_RELAXED);
	uint16_t w;

	for (w = 0; w < gw_nb_workers; w++)
		n += __atomic_load_n(&gw_workers[w].drops[why], __ATOMIC_RELAXED);
	return n;
}

static void
port_raw(uint16_t i, uint64_t v[PORT_FIELDS])
{
	struct rte_eth_stats es;

	memset(&es, 0, sizeof(es));
	rte_eth_stats_get(gw_ports[i].port_id, &es);
	v[0] = es.ipackets;
	v[1] = es.ibytes;
	v[2] = es.opackets;
	v[3] = es.obytes;
	v[4] = es.imissed;
	v[5] = es.ierrors;
	v[6] = es.oerrors;
}

void
gw_stats_peer(uint16_t id, struct gw_peer_counters *sum)
{
	const struct gw_peer_counters *b = &peer_base[id];

	peer_raw(id, sum);
	sum->rx_packets -= b->rx_packets;
	sum->rx_bytes -= b->rx_bytes;
	sum->tx_packets -= b->tx_packets;
	sum->tx_bytes -= b->tx_bytes;
}

void
gw_stats_tunnel(const struct gw_tunnel *t, struct gw_peer_counters *sum)
{
	struct gw_peer_counters one;
	uint16_t i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < t->nb_peers; i++) {
		gw_stats_peer(t->peers[i], &one);
		sum->rx_packets += one.rx_packets;
		sum->rx_bytes += one.rx_bytes;
		sum->tx_packets += one.tx_packets;
		sum->tx_bytes += one.tx_bytes;
	}
}

uint64_t
gw_stats_drop(enum gw_drop why)
{
	return drop_raw(why) - drop_base[why];
}

/* A peer id is given again: its counters start from what the workers hold now. */
static void
peer_reset(uint16_t id)
{
	if (gw_workers != NULL)
		peer_raw(id, &peer_base[id]);
	else
		memset(&peer_base[id], 0, sizeof(peer_base[id]));
}

void
gw_stats_init(void)
{
	gw_peer_id_reset_cb = peer_reset;
}

void
gw_stats_clear(void)
{
	unsigned int i;

	for (i = 0; i < gw_nb_ports; i++)
		port_raw(i, port_base[i]);
	for (i = 0; i < GW_PEER_MAX; i++)
		peer_reset(i);
	for (i = 0; i < GW_DROP_MAX; i++)
		drop_base[i] = drop_raw(i);
}

void
gw_stats_foreach(void (*cb)(const struct gw_stats_row *row, void *arg), void *arg)
{
	static const char *const port_keys[PORT_FIELDS] = {
		"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_missed", "rx_errors",
		"tx_errors",
	};
	struct gw_peer_counters tc;
	struct gw_stats_row row;
	unsigned int i, k;

	row.kind = "port";
	row.n = PORT_FIELDS;
	for (i = 0; i < gw_nb_ports; i++) {
		port_raw(i, row.vals);
		row.name = gw_ports[i].name;
		for (k = 0; k < PORT_FIELDS; k++) {
			row.keys[k] = port_keys[k];
			row.vals[k] -= port_base[i][k];
		}
		cb(&row, arg);
	}
	row.kind = "tunnel";
	row.n = 4;
	for (i = 0; i < GW_TUNNEL_MAX; i++) {
		if (gw_tunnels[i] == NULL)
			continue;
		gw_stats_tunnel(gw_tunnels[i], &tc);
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
