/* SPDX-License-Identifier: BSD-3-Clause
 *
 * DPDK telemetry commands, so dpdk-telemetry.py (and Telegraf, the upstream
 * exporter, ...) read greway's counters next to EAL's /ethdev/ and /eal/:
 *
 *     /greway/version          {"version": V, "simd": KERNELS}
 *     /greway/stats            ports, drops, tunnels: every counter
 *     /greway/drops            drop reason -> count
 *     /greway/ports[,NAME]     port names, or one port's settings and counters
 *     /greway/tunnels[,NAME]   tunnel names, or one tunnel's config and counters
 *     /greway/bridges[,NAME]   bridge names, or one bridge's settings, counters,
 *                              drops by reason and members' frames
 *
 * Callbacks run on DPDK's telemetry threads (one per client), concurrently
 * with the control thread that adds and frees tunnels: each holds gw_cfg_lock
 * while it reads the tables. Workers' state is only read, through the
 * counter walker.
 *
 * 22.11's limits shape the replies: dict keys may only use [A-Za-z0-9_/]
 * (others are refused), a dict holds 256 entries, an array 512 and only
 * plain values, and a reply is cut at 16 KB by dropping whole entries. Names
 * may hold '-' and '.', so they are keys with those made '_', and every
 * object also carries its real "name"; /greway/stats lists the tunnels that
 * fit and says how many there are.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "gw_app.h"
#include "gw_bridge.h"
#include "gw_fdb.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_simd.h"
#include "gw_stats.h"
#include "gw_iface.h"
#include "gw_tunnel.h"
#include "gw_tunnel_opt.h"

#define TEL_OUTPUT_MAX 16384 /* telemetry's reply buffer in 22.11 (MAX_OUTPUT_LEN) */
#define TEL_SLACK 64         /* kept free: a reply that overflows loses entries silently */
#define TEL_DICT_MAX (RTE_TEL_MAX_DICT_ENTRIES - 1)
#define U64_DIGITS_MAX 20

/* Callbacks answer only between gw_telemetry_init and gw_telemetry_stop. */
static bool tel_ready;

/* Bytes of `"key":` plus a comma: how an entry grows the JSON text. */
static size_t
entry_len(const char *key)
{
	return strlen(key) + 4;
}

static size_t
u64_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* A telemetry key for a name: '-' and '.' (legal in names, not in keys) become '_'. */
static void
name_key(const char *name, char *key, size_t size)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < size; i++) {
		char c = name[i];

		key[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_') ? c : '_';
	}
	key[i] = '\0';
}

/* One object (port or tunnel) of /greway/stats, keyed by its name. */
struct tel_group {
	struct rte_tel_data *d;
	unsigned int n;                    /* entries added */
	unsigned int total;                /* rows seen */
	char keys[TEL_DICT_MAX][GW_NAME_MAX + 8];
};

struct tel_stats {
	struct tel_group ports;
	struct tel_group tunnels;
	struct rte_tel_data *drops;
	size_t budget;                     /* JSON bytes left for ports + tunnels */
	int rc;                            /* first allocation failure */
};

/* A key unique within the group: the name made legal, then _2, _3, ... on a clash. */
static void
group_key(const struct tel_group *g, const char *name, char *key, size_t size)
{
	char base[GW_NAME_MAX];
	unsigned int i, dup = 1;
	bool clash;

	name_key(name, base, sizeof(base));
	snprintf(key, size, "%s", base);
	do {
		clash = false;
		for (i = 0; i < g->n; i++) {
			if (strcmp(g->keys[i], key) == 0) {
				clash = true;
				snprintf(key, size, "%s_%u", base, ++dup);
				break;
			}
		}
	} while (clash);
}

/* A row's counters (and its name) into a new dict; its JSON length in *len. */
static struct rte_tel_data *
row_dict(const struct gw_stats_row *row, size_t *len)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	unsigned int k;

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", row->name);
	*len = 2 + entry_len("name") + strlen(row->name) + 2;
	for (k = 0; k < row->n; k++) {
		rte_tel_data_add_dict_u64(d, row->keys[k], row->vals[k]);
		*len += entry_len(row->keys[k]) + u64_len(row->vals[k]);
	}
	return d;
}

static void
group_add(struct tel_stats *s, struct tel_group *g, const struct gw_stats_row *row)
{
	char key[GW_NAME_MAX + 8];
	struct rte_tel_data *d;
	size_t len, need;

	g->total++;
	if (s->rc != 0 || g->n == TEL_DICT_MAX)
		return;
	group_key(g, row->name, key, sizeof(key));
	d = row_dict(row, &len);
	if (d == NULL) {
		s->rc = -ENOMEM;
		return;
	}
	need = entry_len(key) + len;
	if (need > s->budget || rte_tel_data_add_dict_container(g->d, key, d, 0) != 0) {
		rte_tel_data_free(d);
		s->budget = 0; /* what follows would not fit either: keep the listing a prefix */
		return;
	}
	s->budget -= need;
	snprintf(g->keys[g->n++], sizeof(g->keys[0]), "%s", key);
}

static void
stats_row(const struct gw_stats_row *row, void *arg)
{
	struct tel_stats *s = arg;

	if (strcmp(row->kind, "port") == 0) {
		group_add(s, &s->ports, row);
	} else if (strcmp(row->kind, "tunnel") == 0) {
		group_add(s, &s->tunnels, row);
	} else if (strcmp(row->kind, "drop") == 0) {
		rte_tel_data_add_dict_u64(s->drops, row->name, row->vals[0]);
	} /* bridges and their members: /greway/bridges */
}

/* Worst-case JSON bytes of the drops dict: reserved before the walk reaches it. */
static size_t
drops_reserve(void)
{
	size_t n = 2;
	unsigned int i;

	for (i = 1; i < GW_DROP_MAX; i++)
		n += entry_len(gw_drop_name(i)) + U64_DIGITS_MAX;
	return n;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tel_stats *s;
	size_t fixed;
	int rc = 0;

	/* ~12 KB of keys: off the telemetry thread's stack */
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->ports.d = rte_tel_data_alloc();
	s->tunnels.d = rte_tel_data_alloc();
	s->drops = rte_tel_data_alloc();
	if (s->ports.d == NULL || s->tunnels.d == NULL || s->drops == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	rte_tel_data_start_dict(s->ports.d);
	rte_tel_data_start_dict(s->tunnels.d);
	rte_tel_data_start_dict(s->drops);

	/* {"/greway/stats":{ "ports":{}, "drops":{}, "tunnels_total":N, "tunnels":{} }} */
	fixed = strlen(cmd) + 6 + entry_len("ports") + 2 + entry_len("drops") + drops_reserve() +
		entry_len("tunnels_total") + U64_DIGITS_MAX + entry_len("tunnels") + 2;
	s->budget = TEL_OUTPUT_MAX - TEL_SLACK - fixed;

	pthread_mutex_lock(&gw_cfg_lock);
	if (!tel_ready)
		rc = -EAGAIN;
	else
		gw_stats_foreach(stats_row, s);
	pthread_mutex_unlock(&gw_cfg_lock);
	if (rc == 0)
		rc = s->rc;
	if (rc != 0)
		goto fail;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_container(d, "ports", s->ports.d, 0);
	rte_tel_data_add_dict_container(d, "drops", s->drops, 0);
	rte_tel_data_add_dict_u64(d, "tunnels_total", s->tunnels.total);
	rte_tel_data_add_dict_container(d, "tunnels", s->tunnels.d, 0);
	free(s);
	return 0;
fail:
	rte_tel_data_free(s->ports.d);
	rte_tel_data_free(s->tunnels.d);
	rte_tel_data_free(s->drops);
	free(s);
	return rc;
}

static void
drops_row(const struct gw_stats_row *row, void *arg)
{
	if (strcmp(row->kind, "drop") == 0)
		rte_tel_data_add_dict_u64(arg, row->name, row->vals[0]);
}

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int rc = 0;

	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&gw_cfg_lock);
	if (!tel_ready)
		rc = -EAGAIN;
	else
		gw_stats_foreach(drops_row, d);
	pthread_mutex_unlock(&gw_cfg_lock);
	return rc;
}

/* The counters of the one row of this kind and name. */
struct tel_one {
	const char *kind;
	const char *name;
	struct rte_tel_data *d;
	bool found;
};

static void
one_row(const struct gw_stats_row *row, void *arg)
{
	struct tel_one *o = arg;
	unsigned int k;

	if (o->found || strcmp(row->kind, o->kind) != 0 || strcmp(row->name, o->name) != 0)
		return;
	o->found = true;
	for (k = 0; k < row->n; k++)
		rte_tel_data_add_dict_u64(o->d, row->keys[k], row->vals[k]);
}

/* Settings are named as grewayctl -j link show / tunnel show name them. */
static void
port_info(struct rte_tel_data *d, const struct gw_port *p)
{
	char mac[GW_MAC_STRLEN];

	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_int(d, "port_id", p->port_id);
	rte_tel_data_add_dict_string(d, "address", gw_mac_fmt(p->mac.addr_bytes, mac, sizeof(mac)));
	rte_tel_data_add_dict_int(d, "mtu", p->mtu);
	rte_tel_data_add_dict_string(d, "operstate", p->up ? "UP" : "DOWN");
	rte_tel_data_add_dict_int(d, "rx_queues", p->nb_rxq);
	rte_tel_data_add_dict_int(d, "tx_queues", p->nb_txq);
	rte_tel_data_add_dict_int(d, "tx_ip_cksum_offload", p->tx_ip_cksum);
}

static void live_info(struct rte_tel_data *d, uint32_t id);

/*
 * A tunnel's options under their telemetry keys (gw_tunnel_opt.def: tunnel
 * show's names with '_' for '-'), mtu the effective one; absent ones (no key,
 * no dev) are left out, as telemetry has no null.
 */
static void
tunnel_info(struct rte_tel_data *d, const struct gw_tunnel *t)
{
	struct gw_tunnel_conf c = t->conf;
	struct gw_tunnel_val v;
	unsigned int i;

	c.mtu = gw_peers[t->peers[0]]->mtu; /* the effective one */
	rte_tel_data_add_dict_string(d, "name", c.name);
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const char *key = gw_tunnel_opts[i].tel;

		switch (gw_tunnel_opt_value(i, &c, &v)) {
		case GW_TUN_VAL_STR:
			rte_tel_data_add_dict_string(d, key, v.s);
			break;
		case GW_TUN_VAL_BOOL:
			rte_tel_data_add_dict_int(d, key, (int)v.u);
			break;
		case GW_TUN_VAL_UINT:
			rte_tel_data_add_dict_u64(d, key, v.u);
			break;
		case GW_TUN_VAL_NONE:
			break;
		}
	}
	/* as tunnel show says */
	rte_tel_data_add_dict_string(d, "operstate", gw_tunnel_oper_up(t) ? "UP" : "DOWN");
	if (gw_tunnel_conf_is_multipoint(&t->conf)) {
		rte_tel_data_add_dict_u64(d, "spokes", t->nb_peers - 1);
		rte_tel_data_add_dict_u64(d, "learned", t->nb_learned);
#define GW_LEARN_CTR(e, name, what) \
		rte_tel_data_add_dict_u64(d, "learn_" name, t->learn_ctr[GW_LEARN_CTR_##e]);
#include "gw_learn_ctr.def"
#undef GW_LEARN_CTR
	} else if (t->conf.keepalive != 0) {
		live_info(d, t->peers[0]);
	}
}

/*
 * What keepalives say of a peer: liveness "unknown", "up" or "down", and
 * once it answered, the round trip and seconds since.
 */
static void
live_info(struct rte_tel_data *d, uint32_t id)
{
	const struct gw_peer_live *l = &gw_peer_live[id];

	rte_tel_data_add_dict_string(d, "liveness", gw_live_state_name(l->state));
	rte_tel_data_add_dict_u64(d, "keepalives_answered", l->answered);
	if (l->seen != 0) {
		rte_tel_data_add_dict_u64(d, "rtt_us", l->rtt_us);
		rte_tel_data_add_dict_u64(d, "last_seen_s", (rte_get_timer_cycles() - l->seen) /
							    rte_get_timer_hz());
	}
}

/*
 * The shape of /greway/ports, /greway/tunnels and /greway/bridges: without a
 * parameter the names, with one that object's settings and counters (-EINVAL,
 * and the client gets null, for an unknown name, as /ethdev/stats,99 does).
 */
static int
tel_named(const char *params, struct rte_tel_data *d, void (*names)(struct rte_tel_data *d),
	  bool (*one)(struct rte_tel_data *d, const char *name))
{
	int rc = 0;

	pthread_mutex_lock(&gw_cfg_lock);
	if (!tel_ready) {
		rc = -EAGAIN;
	} else if (params == NULL || params[0] == '\0') {
		rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
		names(d);
	} else {
		rte_tel_data_start_dict(d);
		rc = one(d, params) ? 0 : -EINVAL;
	}
	pthread_mutex_unlock(&gw_cfg_lock);
	return rc;
}

static void
port_names(struct rte_tel_data *d)
{
	unsigned int i;

	for (i = 0; i < gw_nb_ports; i++)
		rte_tel_data_add_array_string(d, gw_ports[i].name);
}

static bool
port_one(struct rte_tel_data *d, const char *name)
{
	struct tel_one o = { .kind = "port", .name = name, .d = d };
	const struct gw_iface *ifc = gw_iface_by_name(name);

	if (ifc == NULL || ifc->kind != GW_IFACE_PORT)
		return false;
	port_info(d, &gw_ports[ifc->idx]);
	gw_stats_foreach(one_row, &o);
	return true;
}

/* /greway/ports: the names; /greway/ports,NAME: that port. */
static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return tel_named(params, d, port_names, port_one);
}

/* The first RTE_TEL_MAX_ARRAY_ENTRIES tunnels. */
static void
tunnel_names(struct rte_tel_data *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < gw_tunnel_idx_end() && n < RTE_TEL_MAX_ARRAY_ENTRIES; i++) {
		if (gw_tunnels[i] == NULL)
			continue;
		rte_tel_data_add_array_string(d, gw_tunnels[i]->conf.name);
		n++;
	}
}

static bool
tunnel_one(struct rte_tel_data *d, const char *name)
{
	struct tel_one o = { .kind = "tunnel", .name = name, .d = d };
	const struct gw_tunnel *t = gw_tunnel_by_name(name);

	if (t == NULL)
		return false;
	tunnel_info(d, t);
	gw_stats_foreach(one_row, &o);
	return true;
}

/* /greway/tunnels: the names (the first 512); /greway/tunnels,NAME: that tunnel. */
static int
tel_tunnels(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return tel_named(params, d, tunnel_names, tunnel_one);
}

static void
hub_names(struct rte_tel_data *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < gw_tunnel_idx_end() && n < RTE_TEL_MAX_ARRAY_ENTRIES; i++) {
		if (gw_tunnels[i] == NULL || !gw_tunnel_conf_is_multipoint(&gw_tunnels[i]->conf))
			continue;
		rte_tel_data_add_array_string(d, gw_tunnels[i]->conf.name);
		n++;
	}
}

/*
 * A hub's spokes, keyed by underlay address (the first RTE_TEL_MAX_DICT_ENTRIES):
 * the mappings that lead to each, its packets both ways, and what keepalives
 * say of it when they are on.
 */
static bool
hub_one(struct rte_tel_data *d, const char *name)
{
	const struct gw_tunnel *t = gw_tunnel_by_name(name);
	char a[GW_IP_STRLEN], key[GW_IP_STRLEN];
	uint32_t i;

	if (t == NULL || !gw_tunnel_conf_is_multipoint(&t->conf))
		return false;
	for (i = 1; i < t->nb_peers && i <= RTE_TEL_MAX_DICT_ENTRIES; i++) {
		const struct gw_peer *p = gw_peers[t->peers[i]];
		struct rte_tel_data *s = rte_tel_data_alloc();
		struct gw_peer_counters c;

		if (s == NULL)
			break;
		gw_stats_peer(p->id, &c);
		rte_tel_data_start_dict(s);
		gw_ip_fmt(&p->remote, a, sizeof(a));
		rte_tel_data_add_dict_string(s, "address", a);
		rte_tel_data_add_dict_u64(s, "mappings", p->refs);
		rte_tel_data_add_dict_u64(s, "rx_packets", c.rx_packets);
		rte_tel_data_add_dict_u64(s, "tx_packets", c.tx_packets);
		if (t->conf.keepalive != 0)
			live_info(s, p->id);
		/* a key has no '.': 203.0.113.2 is 203_0_113_2 (its "address" says it whole) */
		name_key(a, key, sizeof(key));
		if (rte_tel_data_add_dict_container(d, key, s, 0) != 0)
			rte_tel_data_free(s);
	}
	return true;
}

/* /greway/spokes: the hubs' names; /greway/spokes,NAME: that hub's spokes. */
static int
tel_spokes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return tel_named(params, d, hub_names, hub_one);
}

/* A bridge's settings, counters, drops by reason and members' counters. */
struct tel_bridge {
	const struct gw_iface *br;
	struct rte_tel_data *members;
};

static void
member_row(const struct gw_stats_row *row, void *arg)
{
	struct tel_bridge *tb = arg;
	const struct gw_iface *ifc;
	struct rte_tel_data *m;
	char key[GW_NAME_MAX];

	if (strcmp(row->kind, "member") != 0 || (ifc = gw_iface_by_name(row->name)) == NULL ||
	    ifc->master != tb->br->id || (m = rte_tel_data_alloc()) == NULL)
		return;
	rte_tel_data_start_dict(m);
	rte_tel_data_add_dict_u64(m, row->keys[0], row->vals[0]);
	rte_tel_data_add_dict_u64(m, row->keys[1], row->vals[1]);
	name_key(row->name, key, sizeof(key));
	if (rte_tel_data_add_dict_container(tb->members, key, m, 0) != 0)
		rte_tel_data_free(m);
}

static void
bridge_info(struct rte_tel_data *d, const struct gw_iface *ifc)
{
	const struct gw_bridge_ctl *b = &gw_bridge_ctls[ifc->idx];
	struct tel_one o = { .kind = "bridge", .name = ifc->name, .d = d };
	struct tel_bridge tb = { .br = ifc };
	struct gw_bridge_counters bc;
	struct rte_tel_data *drops;
	uint64_t aged;
	unsigned int k;

	rte_tel_data_add_dict_string(d, "name", ifc->name);
	rte_tel_data_add_dict_u64(d, "ageing_time", b->conf.ageing_time);
	rte_tel_data_add_dict_u64(d, "fdb_max_learned", b->conf.max_learned);
	rte_tel_data_add_dict_u64(d, "fdb_learned", gw_fdb_learned[ifc->idx]);
	rte_tel_data_add_dict_string(d, "operstate", ifc->up ? "UP" : "DOWN");
	gw_stats_foreach(one_row, &o);
	drops = rte_tel_data_alloc();
	if (drops != NULL) {
		gw_stats_bridge(ifc->idx, &bc, &aged);
		rte_tel_data_start_dict(drops);
		for (k = 1; k < GW_DROP_MAX; k++)
			if (bc.drops[k] != 0)
				rte_tel_data_add_dict_u64(drops, gw_drop_name(k), bc.drops[k]);
		if (rte_tel_data_add_dict_container(d, "drops", drops, 0) != 0)
			rte_tel_data_free(drops);
	}
	tb.members = rte_tel_data_alloc();
	if (tb.members != NULL) {
		rte_tel_data_start_dict(tb.members);
		gw_stats_foreach(member_row, &tb);
		if (rte_tel_data_add_dict_container(d, "members", tb.members, 0) != 0)
			rte_tel_data_free(tb.members);
	}
}

static void
bridge_names(struct rte_tel_data *d)
{
	unsigned int i;

	for (i = 0; i < GW_BRIDGE_MAX; i++)
		if (gw_bridge_ctls[i].used)
			rte_tel_data_add_array_string(d, gw_bridge_ctls[i].conf.name);
}

static bool
bridge_one(struct rte_tel_data *d, const char *name)
{
	const struct gw_iface *ifc = gw_iface_by_name(name);

	if (ifc == NULL || ifc->kind != GW_IFACE_BRIDGE)
		return false;
	bridge_info(d, ifc);
	return true;
}

/* /greway/bridges: the names; /greway/bridges,NAME: that bridge. */
static int
tel_bridges(const char *cmd, const char *params, struct rte_tel_data *d)
{
	return tel_named(params, d, bridge_names, bridge_one);
}

static int
tel_version(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", GW_VERSION);
	rte_tel_data_add_dict_string(d, "simd", gw_simd.name);
	return 0;
}

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} tel_cmds[] = {
	{ "/greway/version", tel_version, "greway's version. Takes no parameters" },
	{ "/greway/stats", tel_stats,
	  "Every counter: ports, drops and tunnels (as many as fit). Takes no parameters" },
	{ "/greway/drops", tel_drops, "Dropped packets by reason. Takes no parameters" },
	{ "/greway/ports", tel_ports,
	  "Port names, or one port's settings and counters. Parameters: port name (optional)" },
	{ "/greway/tunnels", tel_tunnels,
	  "Tunnel names, or one tunnel's config and counters. Parameters: tunnel name (optional)" },
	{ "/greway/spokes", tel_spokes,
	  "Hub (remote any) names, or one hub's spokes: mappings, packets, liveness. "
	  "Parameters: hub name (optional)" },
	{ "/greway/bridges", tel_bridges,
	  "Bridge names, or one bridge's settings, counters, drops and members' counters. "
	  "Parameters: bridge name (optional)" },
};

int
gw_telemetry_init(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < RTE_DIM(tel_cmds); i++) {
		rc = rte_telemetry_register_cmd(tel_cmds[i].cmd, tel_cmds[i].fn, tel_cmds[i].help);
		if (rc < 0)
			return rc;
	}
	pthread_mutex_lock(&gw_cfg_lock);
	tel_ready = true;
	pthread_mutex_unlock(&gw_cfg_lock);
	return 0;
}

void
gw_telemetry_stop(void)
{
	pthread_mutex_lock(&gw_cfg_lock);
	tel_ready = false;
	pthread_mutex_unlock(&gw_cfg_lock);
}
