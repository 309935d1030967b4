/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the bridges show (doc/rpc.md): bridge fdb show, bridge link show,
 * a bridge's counters for stats show, and the lines save writes for them
 * (bridges, members, static MACs), in iproute2's words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gw_app.h"
#include "gw_bridge.h"
#include "gw_fdb.h"
#include "gw_iface.h"
#include "gw_nh.h"
#include "gw_stats.h"

struct fdb_ctx {
	json_t *out;
	int br;        /* bridge index to show, -1 for all */
	uint32_t now;  /* gw_fdb_now */
};

static void
fdb_row(const struct gw_fdb_entry *e, void *arg)
{
	struct fdb_ctx *c = arg;
	char mac[GW_MAC_STRLEN];
	union gw_member dst;
	json_t *o;

	if (c->br >= 0 && e->key.bridge != c->br)
		return;
	dst.u64 = __atomic_load_n(&e->dst.u64, __ATOMIC_RELAXED);
	o = json_pack("{s:s, s:s, s:s, s:s}", "mac",
		      gw_mac_fmt(e->key.mac.addr_bytes, mac, sizeof(mac)), "ifname",
		      gw_iface_name(dst.iface), "master",
		      gw_bridge_ctls[e->key.bridge].conf.name, "state",
		      e->is_static ? "static" : "learned");
	if (o != NULL && !e->is_static)
		json_object_set_new(o, "age", json_integer(c->now - e->seen));
	json_array_append_new(c->out, o);
}

/*
 * A GRETAP hub's spoke, as bridge(8) shows a VXLAN device's default
 * destinations: "00:00:00:00:00:00 dev mgt0 dst 203.0.113.2 master br0 static"
 * (learned ones: "learned" with their age).
 */
static void
fdb_spoke_row(uint32_t idx, void *arg)
{
	const struct gw_nh *nh = &gw_nhs[idx];
	struct fdb_ctx *c = arg;
	const struct gw_iface *ifc = &gw_ifaces[nh->iface];
	char a[GW_IP_STRLEN];
	json_t *o;

	if (nh->kind != GW_NH_SPOKE || !gw_iface_kind_is_tap(ifc->kind) || nh->peer == GW_PEER_NONE ||
	    ifc->master == GW_IFACE_NONE || (c->br >= 0 && gw_ifaces[ifc->master].idx != c->br))
		return;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "mac", "00:00:00:00:00:00", "ifname", ifc->name,
		      "dst", gw_ip_fmt(&nh->ip, a, sizeof(a)), "master",
		      gw_ifaces[ifc->master].name, "state", nh->learned ? "learned" : "static");
	if (o != NULL && nh->learned)
		json_object_set_new(o, "age", json_integer(c->now - nh->seen));
	json_array_append_new(c->out, o);
}

/* Stable order: by bridge name, then MAC. */
static int
fdb_cmp(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	int rc = strcmp(json_string_value(json_object_get(a, "master")),
			json_string_value(json_object_get(b, "master")));
	struct gw_ip da, db;

	if (rc == 0)
		rc = strcmp(json_string_value(json_object_get(a, "mac")),
			    json_string_value(json_object_get(b, "mac")));
	if (rc != 0 || json_object_get(a, "dst") == NULL || json_object_get(b, "dst") == NULL)
		return rc;
	/* a hub's spokes: by underlay address */
	gw_ip_parse(json_string_value(json_object_get(a, "dst")), &da);
	gw_ip_parse(json_string_value(json_object_get(b, "dst")), &db);
	return memcmp(da.v6, db.v6, sizeof(da.v6));
}

json_t *
gw_fdb_show(const char *br, struct gw_error *err)
{
	struct fdb_ctx c = { .out = json_array(), .br = -1, .now = gw_fdb_now };
	struct gw_bridge_ctl *b;
	struct gw_iface *ifc;
	json_t **v, *sorted;
	size_t i, n;

	if (br[0] != '\0') {
		if (gw_iface_lookup(br, &ifc, err) < 0) {
			json_decref(c.out);
			return NULL;
		}
		b = gw_bridge_of_iface(ifc->id);
		if (b == NULL) {
			json_decref(c.out);
			gw_error_set(err, -EINVAL, "%s is a %s, not a bridge", br,
				     gw_iface_kind_name(ifc->kind));
			return NULL;
		}
		c.br = ifc->idx;
	}
	gw_fdb_foreach(fdb_row, &c);
	gw_nh_neigh_foreach(fdb_spoke_row, &c);
	n = json_array_size(c.out);
	v = malloc(sizeof(*v) * (n + 1));
	if (v == NULL)
		return c.out;
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(c.out, i));
	qsort(v, n, sizeof(*v), fdb_cmp);
	sorted = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(sorted, v[i]);
	free(v);
	json_decref(c.out);
	return sorted;
}

json_t *
gw_bridge_link_show(void)
{
	json_t *out = json_array();
	unsigned int i;

	for (i = 0; i < gw_iface_max; i++) {
		const struct gw_iface *ifc = &gw_ifaces[i];
		const struct gw_iface *br;

		if (!ifc->used || ifc->master == GW_IFACE_NONE)
			continue;
		br = &gw_ifaces[ifc->master];
		json_array_append_new(out, json_pack("{s:i, s:s, s:s, s:i, s:s, s:s}", "ifindex",
						     ifc->id, "ifname", ifc->name, "kind",
						     gw_iface_kind_name(ifc->kind), "mtu",
						     gw_iface_mtu(ifc), "master", br->name, "state",
						     ifc->up && br->up ? "forwarding" : "disabled"));
	}
	return out;
}

json_t *
gw_bridge_stats_json(const char *name)
{
	struct gw_bridge_counters bc;
	const struct gw_iface *ifc = gw_iface_by_name(name);
	json_t *drops;
	uint64_t aged;
	unsigned int k;

	if (ifc == NULL || ifc->kind != GW_IFACE_BRIDGE)
		return NULL;
	gw_stats_bridge(ifc->idx, &bc, &aged);
	drops = json_object();
	for (k = 1; k < GW_DROP_MAX; k++)
		if (bc.drops[k] != 0)
			json_object_set_new(drops, gw_drop_name(k), json_integer(bc.drops[k]));
	return drops;
}

/* save: link add for each bridge, its state when down. */
void
gw_save_bridges(FILE *f, void (*line)(FILE *f, const struct gw_cmd *cmd))
{
	struct gw_cmd cmd;
	unsigned int i;

	for (i = 0; i < GW_BRIDGE_MAX; i++) {
		const struct gw_bridge_ctl *b = &gw_bridge_ctls[i];

		if (!b->used)
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.op = GW_CMD_LINK_ADD;
		cmd.bridge = b->conf;
		cmd.bridge.given = GW_BRIDGE_GIVEN_AGEING | GW_BRIDGE_GIVEN_LEARNED;
		line(f, &cmd);
		if (gw_ifaces[b->iface].up && !b->mac_set)
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.op = GW_CMD_LINK_SET;
		memcpy(cmd.link.name, b->conf.name, GW_NAME_MAX);
		if (b->mac_set) {
			memcpy(cmd.link.mac, b->mac.addr_bytes, 6);
			cmd.link.given |= GW_LINK_GIVEN_MAC;
		}
		if (!gw_ifaces[b->iface].up) /* bridges start up */
			cmd.link.given |= GW_LINK_GIVEN_UP;
		line(f, &cmd);
	}
}

struct save_fdb_ctx {
	FILE *f;
	void (*line)(FILE *f, const struct gw_cmd *cmd);
};

static void
save_fdb_row(const struct gw_fdb_entry *e, void *arg)
{
	struct save_fdb_ctx *c = arg;
	struct gw_cmd cmd = { .op = GW_CMD_FDB_ADD };

	if (!e->is_static)
		return;
	memcpy(cmd.fdb.mac, e->key.mac.addr_bytes, 6);
	snprintf(cmd.fdb.dev, sizeof(cmd.fdb.dev), "%s", gw_iface_name(e->dst.iface));
	c->line(c->f, &cmd);
}

/* A GRETAP hub's static spoke: bridge fdb append 00:00:00:00:00:00 dev MGT dst ADDR. */
static void
save_spoke_row(uint32_t idx, void *arg)
{
	const struct gw_nh *nh = &gw_nhs[idx];
	struct save_fdb_ctx *c = arg;
	struct gw_cmd cmd = { .op = GW_CMD_FDB_ADD };

	if (nh->kind != GW_NH_SPOKE || !nh->is_static || !gw_iface_kind_is_tap(gw_ifaces[nh->iface].kind))
		return;
	cmd.fdb.dst = nh->ip;
	snprintf(cmd.fdb.dev, sizeof(cmd.fdb.dev), "%s", gw_iface_name(nh->iface));
	c->line(c->f, &cmd);
}

/* save: each member's master, then the static MACs behind them, and hubs' spokes. */
void
gw_save_members(FILE *f, void (*line)(FILE *f, const struct gw_cmd *cmd))
{
	struct save_fdb_ctx c = { .f = f, .line = line };
	struct gw_cmd cmd;
	unsigned int i;

	for (i = 0; i < gw_iface_max; i++) {
		const struct gw_iface *ifc = &gw_ifaces[i];

		if (!ifc->used || ifc->master == GW_IFACE_NONE)
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.op = GW_CMD_LINK_SET;
		memcpy(cmd.link.name, ifc->name, GW_NAME_MAX);
		memcpy(cmd.link.master, gw_ifaces[ifc->master].name, GW_NAME_MAX);
		cmd.link.given = GW_LINK_GIVEN_MASTER;
		line(f, &cmd);
	}
	gw_fdb_foreach(save_fdb_row, &c);
	gw_nh_neigh_foreach(save_spoke_row, &c);
}
