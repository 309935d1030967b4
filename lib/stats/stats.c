/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Reading the counters. Workers increment their own; readers sum them without
 * locks, so a figure may lag a burst behind, never tear (64-bit stores).
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_ethdev.h>

#include "gw_bridge.h"
#include "gw_ctrl.h"
#include "gw_iface.h"
#include "gw_stats.h"
#include "gw_tunnel.h"

#define PORT_FIELDS GW_STATS_PORT_FIELDS

/*
 * What "stats clear" saw: counters are reported relative to it. Workers'
 * counters are never written by anyone else, so clearing cannot race with them.
 */
static struct gw_peer_counters *peer_base; /* by peer id, gw_limits.peers */
static uint64_t drop_base[GW_DROP_MAX];
static uint64_t port_base[GW_PORT_MAX][PORT_FIELDS];
static struct gw_bridge_counters bridge_base[GW_BRIDGE_MAX];
static uint64_t aged_base[GW_BRIDGE_MAX];
static struct gw_member_counters *member_base; /* by interface id, gw_iface_max */

static void
bridge_raw(uint16_t idx, struct gw_bridge_counters *sum)
{
	unsigned int k;
	uint16_t w;

	memset(sum, 0, sizeof(*sum));
	for (w = 0; w < gw_nb_workers; w++) {
		const struct gw_bridge_counters *c = &gw_workers[w].bridge[idx];

		for (k = 0; k < GW_BRIDGE_CTR_MAX; k++)
			sum->ctr[k] += __atomic_load_n(&c->ctr[k], __ATOMIC_RELAXED);
		for (k = 0; k < GW_DROP_MAX; k++)
			sum->drops[k] += __atomic_load_n(&c->drops[k], __ATOMIC_RELAXED);
	}
}

static void
member_raw(uint16_t iface, struct gw_member_counters *sum)
{
	uint16_t w;

	memset(sum, 0, sizeof(*sum));
	for (w = 0; w < gw_nb_workers; w++) {
		const struct gw_member_counters *c = &gw_workers[w].member[iface];

		sum->rx_frames += __atomic_load_n(&c->rx_frames, __ATOMIC_RELAXED);
		sum->tx_frames += __atomic_load_n(&c->tx_frames, __ATOMIC_RELAXED);
	}
}

void
gw_stats_bridge(uint16_t idx, struct gw_bridge_counters *sum, uint64_t *aged)
{
	unsigned int k;

	bridge_raw(idx, sum);
	for (k = 0; k < GW_BRIDGE_CTR_MAX; k++)
		sum->ctr[k] -= bridge_base[idx].ctr[k];
	for (k = 0; k < GW_DROP_MAX; k++)
		sum->drops[k] -= bridge_base[idx].drops[k];
	*aged = gw_bridge_ctls[idx].aged - aged_base[idx];
}

void
gw_stats_member(uint16_t iface, struct gw_member_counters *sum)
{
	member_raw(iface, sum);
	sum->rx_frames -= member_base[iface].rx_frames;
	sum->tx_frames -= member_base[iface].tx_frames;
}

/* A bridge index or an interface id is given again: its counters start from now. */
static void
bridge_reset(uint16_t idx)
{
	bridge_raw(idx, &bridge_base[idx]);
	aged_base[idx] = gw_bridge_ctls[idx].aged;
}

static void
member_reset(uint16_t iface)
{
	member_raw(iface, &member_base[iface]);
}

static void
peer_raw(uint32_t id, struct gw_peer_counters *sum)
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
	v[7] = es.rx_nombuf; /* the mempool ran dry: counted, and the PMD tries again */
}

void
gw_stats_peer(uint32_t id, struct gw_peer_counters *sum)
{
	const struct gw_peer_counters *b = &peer_base[id];

	peer_raw(id, sum);
	sum->rx_packets -= b->rx_packets;
	sum->rx_bytes -= b->rx_bytes;
	sum->tx_packets -= b->tx_packets;
	sum->tx_bytes -= b->tx_bytes;
}

/* What the departed spokes of a tunnel counted, by tunnel index (gw_limits.tunnels). */
static struct gw_peer_counters *tunnel_gone;

static void
peer_gone(uint32_t id, uint16_t tunnel)
{
	struct gw_peer_counters *g = &tunnel_gone[tunnel], one;

	if (id == GW_PEER_NONE) {
		memset(g, 0, sizeof(*g)); /* the tunnel itself went */
		return;
	}
	gw_stats_peer(id, &one);
	g->rx_packets += one.rx_packets;
	g->rx_bytes += one.rx_bytes;
	g->tx_packets += one.tx_packets;
	g->tx_bytes += one.tx_bytes;
}

void
gw_stats_tunnel(const struct gw_tunnel *t, struct gw_peer_counters *sum)
{
	struct gw_peer_counters one;
	uint32_t i;

	*sum = tunnel_gone[t->idx];
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
peer_reset(uint32_t id)
{
	if (gw_workers != NULL)
		peer_raw(id, &peer_base[id]);
	else
		memset(&peer_base[id], 0, sizeof(peer_base[id]));
}

int
gw_stats_init(void)
{
	/* zero: the ports' interfaces, made with the tables, start from nothing */
	peer_base = calloc(gw_limits.peers, sizeof(*peer_base));
	member_base = calloc(gw_iface_max, sizeof(*member_base));
	tunnel_gone = calloc(gw_limits.tunnels, sizeof(*tunnel_gone));
	if (peer_base == NULL || member_base == NULL || tunnel_gone == NULL)
		return -ENOMEM;
	gw_peer_id_reset_cb = peer_reset;
	gw_peer_gone_cb = peer_gone;
	gw_bridge_reset_cb = bridge_reset;
	gw_iface_id_reset_cb = member_reset;
	return 0;
}

void
gw_stats_clear(void)
{
	unsigned int i;

	for (i = 0; i < gw_nb_ports; i++)
		port_raw(i, port_base[i]);
	for (i = 0; i < gw_peer_id_end(); i++) /* the ids never taken count nothing */
		peer_reset(i);
	memset(tunnel_gone, 0, sizeof(*tunnel_gone) * gw_limits.tunnels);
	for (i = 0; i < GW_DROP_MAX; i++)
		drop_base[i] = drop_raw(i);
	for (i = 0; i < GW_BRIDGE_MAX; i++)
		bridge_reset(i);
	for (i = 0; i < gw_iface_max; i++)
		member_reset(i);
}

/* Every bridge (its counters, its aged MACs, its drops summed), then every member. */
static void
bridge_rows(void (*cb)(const struct gw_stats_row *row, void *arg), void *arg)
{
	static const char *const ctr_keys[GW_BRIDGE_CTR_MAX] = {
#define GW_BRIDGE_CTR(e, name, what) [GW_BRIDGE_CTR_##e] = #name,
#include "gw_bridge_ctr.def"
#undef GW_BRIDGE_CTR
	};
	struct gw_bridge_counters bc;
	struct gw_member_counters mc;
	struct gw_stats_row row;
	unsigned int i, k;
	uint64_t aged;

	row.kind = "bridge";
	row.n = GW_BRIDGE_CTR_MAX + 2;
	for (i = 0; i < GW_BRIDGE_MAX; i++) {
		if (!gw_bridge_ctls[i].used)
			continue;
		gw_stats_bridge(i, &bc, &aged);
		row.name = gw_bridge_ctls[i].conf.name;
		for (k = 0; k < GW_BRIDGE_CTR_MAX; k++) {
			row.keys[k] = ctr_keys[k];
			row.vals[k] = bc.ctr[k];
		}
		row.keys[k] = "aged", row.vals[k++] = aged;
		row.keys[k] = "dropped", row.vals[k] = 0;
		for (k = 1; k < GW_DROP_MAX; k++)
			row.vals[GW_BRIDGE_CTR_MAX + 1] += bc.drops[k];
		cb(&row, arg);
	}
	row.kind = "member";
	row.n = 2;
	row.keys[0] = "rx_frames";
	row.keys[1] = "tx_frames";
	for (i = 0; i < gw_iface_max; i++) {
		if (!gw_ifaces[i].used || gw_ifaces[i].master == GW_IFACE_NONE)
			continue;
		gw_stats_member(i, &mc);
		row.name = gw_ifaces[i].name;
		row.vals[0] = mc.rx_frames;
		row.vals[1] = mc.tx_frames;
		cb(&row, arg);
	}
}

void
gw_stats_foreach(void (*cb)(const struct gw_stats_row *row, void *arg), void *arg)
{
	static const char *const port_keys[PORT_FIELDS] = {
		"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_missed", "rx_errors",
		"tx_errors", "rx_nombuf",
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
	for (i = 0; i < gw_tunnel_idx_end(); i++) {
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
	bridge_rows(cb, arg);
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
