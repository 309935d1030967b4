/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The running state as the show methods return it (doc/rpc.md): arrays of
 * objects with iproute2's member names, in a stable order, so that the same
 * configuration always shows the same way (save, restart, compare).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "gw_addr.h"
#include "gw_ip6.h"
#include "gw_bridge.h"
#include "gw_app.h"
#include "gw_fdb.h"
#include "gw_iface.h"
#include "gw_log.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_rpc.h"
#include "gw_stats.h"
#include "gw_tunnel.h"
#include "gw_tunnel_opt.h"

static json_t *
ip_json(const struct gw_ip *ip)
{
	char buf[GW_IP_STRLEN];

	return json_string(gw_ip_fmt(ip, buf, sizeof(buf)));
}

static json_t *
mac_json(const void *mac)
{
	char buf[GW_MAC_STRLEN];

	return json_string(gw_mac_fmt(mac, buf, sizeof(buf)));
}

static const char *
tunnel_state(const struct gw_tunnel *t)
{
	return gw_tunnel_oper_up(t) ? "UP" : "DOWN";
}

struct link_ctx {
	json_t *out;
	const char *name; /* "" for all */
};

/* One interface, whatever its kind: what link show prints of it. */
static void
link_row(struct gw_iface *ifc, void *arg)
{
	struct link_ctx *c = arg;
	const struct gw_port *p;
	const char *oper;
	json_t *o;

	if (c->name[0] != '\0' && strcmp(c->name, ifc->name) != 0)
		return;
	o = json_pack("{s:i, s:s, s:s}", "ifindex", ifc->id, "ifname", ifc->name, "kind",
		      gw_iface_kind_name(ifc->kind));
	if (ifc->kind == GW_IFACE_PORT) {
		p = &gw_ports[ifc->idx];
		json_object_set_new(o, "address", mac_json(&p->mac));
		oper = p->up ? "UP" : "DOWN";
	} else if (ifc->kind == GW_IFACE_BRIDGE) {
		json_object_set_new(o, "address", mac_json(&gw_bridge_ctls[ifc->idx].mac));
		oper = ifc->up ? "UP" : "DOWN";
	} else {
		oper = tunnel_state(gw_tunnels[ifc->idx]);
	}
	if (ifc->master != GW_IFACE_NONE)
		json_object_set_new(o, "master", json_string(gw_iface_name(ifc->master)));
	json_object_set_new(o, "mtu", json_integer(gw_iface_mtu(ifc)));
	json_object_set_new(o, "flags", json_pack("[s]", ifc->up ? "UP" : "DOWN"));
	json_object_set_new(o, "operstate", json_string(oper));
	json_array_append_new(c->out, o);
}

static json_t *
link_show(const char *name)
{
	struct link_ctx c = { .out = json_array(), .name = name };

	gw_iface_foreach(link_row, &c);
	return c.out;
}

static const char *
addr_dev(const struct gw_addr *a)
{
	return gw_iface_name(a->iface);
}

/* Addresses in numeric order, IPv4 before IPv6. */
static int
ip_cmp(const struct gw_ip *a, const struct gw_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->v6, b->v6, gw_ip_len(a));
}

static int
addr_cmp(const void *x, const void *y)
{
	const struct gw_addr *a = x, *b = y;
	int c = strcmp(addr_dev(a), addr_dev(b));

	if (c != 0)
		return c;
	c = ip_cmp(&a->ip, &b->ip);
	if (c != 0)
		return c;
	return (int)a->len - (int)b->len;
}

/* The addresses sorted by device name, then address. */
static struct gw_addr *
addrs_sorted(void)
{
	struct gw_addr *v = malloc(sizeof(*v) * (gw_nb_addrs + 1));

	if (v == NULL)
		return NULL;
	memcpy(v, gw_addrs, sizeof(*v) * gw_nb_addrs);
	qsort(v, gw_nb_addrs, sizeof(*v), addr_cmp);
	return v;
}

static json_t *
addr_show(void)
{
	struct gw_addr *v = addrs_sorted();
	json_t *out = json_array();
	unsigned int i;

	json_t *o;

	for (i = 0; v != NULL && i < gw_nb_addrs; i++) {
		o = json_pack("{s:s, s:o, s:i}", "dev", addr_dev(&v[i]), "local", ip_json(&v[i].ip),
			      "prefixlen", v[i].len);
		/* as ip -j: a link-local address says so (only those: IPv4 output stays as it was) */
		if (v[i].ip.family == AF_INET6 && gw_ip6_is_linklocal(v[i].ip.v6))
			json_object_set_new(o, "scope", json_string("link"));
		json_array_append_new(out, o);
	}
	free(v);
	return out;
}

static int
route_cmp(const void *x, const void *y)
{
	const struct gw_route *a = *(const struct gw_route *const *)x;
	const struct gw_route *b = *(const struct gw_route *const *)y;

	int c = ip_cmp(&a->dst, &b->dst);

	if (c != 0)
		return c;
	return (int)a->len - (int)b->len;
}

static int
route_seq_cmp(const void *x, const void *y)
{
	const struct gw_route *a = *(const struct gw_route *const *)x;
	const struct gw_route *b = *(const struct gw_route *const *)y;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Every route, sorted by cmp; *n receives the count. NULL when out of memory. */
static const struct gw_route **
routes_sorted(int (*cmp)(const void *, const void *), unsigned int *n)
{
	const struct gw_route **v;

	*n = gw_route_count();
	v = malloc(sizeof(*v) * (*n + 1));
	if (v == NULL)
		return NULL;
	*n = gw_route_list(v, *n);
	qsort(v, *n, sizeof(*v), cmp);
	return v;
}

static json_t *
route_show(void)
{
	const struct gw_route **v;
	json_t *out = json_array(), *o;
	char buf[GW_PFX_STRLEN];
	unsigned int i, n;

	v = routes_sorted(route_cmp, &n);
	for (i = 0; v != NULL && i < n; i++) {
		const struct gw_route *r = v[i];

		if (r->origin != GW_ROUTE_STATIC && r->origin != GW_ROUTE_CONNECTED)
			continue;
		if (r->len == 0 && r->dst.family == AF_INET) {
			o = json_pack("{s:s}", "dst", "default");
		} else {
			struct gw_prefix p = { .addr = r->dst, .len = r->len };

			o = json_pack("{s:s}", "dst", gw_prefix_fmt(&p, buf, sizeof(buf)));
		}
		if (r->origin == GW_ROUTE_STATIC && r->conf.via.family != 0)
			json_object_set_new(o, "gateway", ip_json(&r->conf.via));
		json_object_set_new(o, "dev", json_string(gw_nh_dev_name(r->nh)));
		json_object_set_new(o, "protocol",
				    json_string(r->origin == GW_ROUTE_STATIC ? "static" : "kernel"));
		if (!r->active) /* its interface is down: out of the FIB, as Linux's linkdown */
			json_object_set_new(o, "flags", json_pack("[s]", "linkdown"));
		json_array_append_new(out, o);
	}
	free(v);
	return out;
}

/* neigh show's walk: the entries of one interface, or of all (GW_IFACE_NONE). */
struct neigh_walk {
	json_t *out;
	uint16_t iface;
};

/*
 * A hub's spoke mapping: lladdr is the spoke's underlay address; PERMANENT
 * (neigh add), LEARNED (with its age, seconds unseen) or INCOMPLETE (routes
 * lead through the overlay address, which no mapping places yet).
 */
/*
 * What keepalives say of a peer: state, seconds since its last answer, the
 * last round trip; NULL while its tunnel sends none.
 */
json_t *
gw_peer_live_json(const struct gw_tunnel *t, uint32_t id)
{
	const struct gw_peer_live *l = &gw_peer_live[id];
	uint64_t hz = rte_get_timer_hz(), now = rte_get_timer_cycles();
	json_t *o;

	if (t->conf.keepalive == 0)
		return NULL;
	o = json_pack("{s:s, s:I}", "state", gw_live_state_name(l->state),
		      "answered", (json_int_t)l->answered);
	if (l->seen != 0) {
		json_object_set_new(o, "last_seen", json_integer((now - l->seen) / hz));
		json_object_set_new(o, "rtt_us", json_integer(l->rtt_us));
	}
	return o;
}

static json_t *
spoke_neigh_json(const struct gw_nh *nh)
{
	uint32_t peer = gw_nh_spoke_peer(nh);
	json_t *o, *live;

	o = json_pack("{s:o, s:s}", "dst", ip_json(&nh->ip), "dev", gw_iface_name(nh->iface));
	if (peer != GW_PEER_NONE && gw_peers[peer] != NULL)
		json_object_set_new(o, "lladdr", ip_json(&gw_peers[peer]->remote));
	json_object_set_new(o, "state", json_string(peer == GW_PEER_NONE ? "INCOMPLETE" :
						    nh->learned ? "LEARNED" : "PERMANENT"));
	if (nh->learned)
		json_object_set_new(o, "age", json_integer(gw_fdb_now - nh->seen));
	if (peer != GW_PEER_NONE && (live = gw_peer_live_json(gw_tunnels[nh->tunnel], peer)) != NULL)
		json_object_set_new(o, "liveness", live);
	return o;
}

static void
collect_neigh(uint32_t idx, void *arg)
{
	struct neigh_walk *w = arg;
	json_t *o;
	const struct gw_nh *nh = &gw_nhs[idx];
	uint64_t l2 = gw_nh_l2_load(nh);

	if (w->iface != GW_IFACE_NONE && nh->iface != w->iface)
		return;
	if (nh->kind == GW_NH_SPOKE) {
		/* a GRETAP hub's spokes are no IP neighbours: bridge fdb show lists them */
		if (!gw_iface_kind_is_tap(gw_ifaces[nh->iface].kind))
			json_array_append_new(w->out, spoke_neigh_json(nh));
		return;
	}
	o = json_pack("{s:o, s:s}", "dst", ip_json(&nh->ip), "dev", gw_iface_name(nh->iface));
	if (l2 & GW_NH_L2_VALID)
		json_object_set_new(o, "lladdr", mac_json(&l2));
	json_object_set_new(o, "state", json_string(!(l2 & GW_NH_L2_VALID) ? "INCOMPLETE" :
						    nh->is_static ? "PERMANENT" : "REACHABLE"));
	json_array_append_new(w->out, o);
}

static int
neigh_cmp(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	int c = strcmp(json_string_value(json_object_get(a, "dev")),
		       json_string_value(json_object_get(b, "dev")));
	struct gw_ip ia, ib;

	if (c != 0)
		return c;
	gw_ip_parse(json_string_value(json_object_get(a, "dst")), &ia);
	gw_ip_parse(json_string_value(json_object_get(b, "dst")), &ib);
	return ip_cmp(&ia, &ib);
}

static json_t *
neigh_show(const char *dev, struct gw_error *err)
{
	json_t *all = json_array(), *out = json_array();
	struct neigh_walk w = { .out = all, .iface = GW_IFACE_NONE };
	const struct gw_iface *ifc;
	json_t **v;
	size_t i, n;

	if (dev[0] != '\0') {
		ifc = gw_iface_by_name(dev);
		if (ifc == NULL) {
			json_decref(all);
			json_decref(out);
			gw_error_set(err, -ENODEV, "no link \"%s\"", dev);
			return NULL;
		}
		w.iface = ifc->id;
	}
	gw_nh_neigh_foreach(collect_neigh, &w);
	n = json_array_size(all);
	v = malloc(sizeof(*v) * (n + 1));
	for (i = 0; v != NULL && i < n; i++)
		v[i] = json_array_get(all, i);
	if (v != NULL) {
		qsort(v, n, sizeof(*v), neigh_cmp);
		for (i = 0; i < n; i++)
			json_array_append(out, v[i]);
	}
	free(v);
	json_decref(all);
	return out;
}

/*
 * A tunnel as tunnel show gives it: the options of gw_tunnel_opt.def in their
 * order, except that mtu is the effective one, followed by the pmtu learned
 * from the underlay when there is one; then the operational state.
 */
json_t *
gw_tunnel_json(const struct gw_tunnel *t)
{
	const struct gw_peer *p = gw_peers[t->peers[0]];
	struct gw_tunnel_conf c = t->conf;
	unsigned int i;
	json_t *o, *v;

	c.mtu = p->mtu; /* the effective one */
	o = json_pack("{s:s}", "ifname", c.name);
	for (i = 0; o != NULL && i < GW_TUN_OPT_MAX; i++) {
		v = gw_tunnel_opt_json(i, &c, false);
		if (v != NULL)
			json_object_set_new(o, gw_tunnel_opts[i].json, v);
		if (i == GW_TUN_OPT_MTU && p->pmtu != 0) /* why mtu is lower than configured */
			json_object_set_new(o, "pmtu", json_integer(p->pmtu));
	}
	if (o != NULL && p->role != GW_PEER_ANY && (v = gw_peer_live_json(t, p->id)) != NULL)
		json_object_set_new(o, "liveness", v);
	if (o != NULL && p->role == GW_PEER_ANY) {
		/* a hub: its spokes and what learning did */
		json_object_set_new(o, "spokes", json_integer(t->nb_peers - 1));
		json_object_set_new(o, "learned", json_integer(t->nb_learned));
		v = json_object();
#define GW_LEARN_CTR(e, name, what) \
		json_object_set_new(v, name, json_integer(t->learn_ctr[GW_LEARN_CTR_##e]));
#include "gw_learn_ctr.def"
#undef GW_LEARN_CTR
		json_object_set_new(o, "learning", v);
	}
	if (o != NULL)
		json_object_set_new(o, "operstate", json_string(tunnel_state(t)));
	return o;
}

static json_t *
tunnel_show(const char *name, struct gw_error *err)
{
	const struct gw_tunnel *t;
	json_t *out;
	unsigned int i;

	if (name[0] != '\0') {
		t = gw_tunnel_by_name(name);
		if (t == NULL) {
			gw_error_set(err, -ENODEV, "no tunnel \"%s\"", name);
			return NULL;
		}
		return json_pack("[o]", gw_tunnel_json(t));
	}
	out = json_array();
	for (i = 0; i < gw_tunnel_idx_end(); i++)
		if (gw_tunnels[i] != NULL)
			json_array_append_new(out, gw_tunnel_json(gw_tunnels[i]));
	return out;
}

struct stats_ctx {
	json_t *root;
	const char *name; /* "" for all */
	bool found;
};

/* The member of stats show's result that holds a kind's rows. */
static const char *
stats_group(const char *kind)
{
	if (strcmp(kind, "port") == 0)
		return "ports";
	if (strcmp(kind, "tunnel") == 0)
		return "tunnels";
	if (strcmp(kind, "bridge") == 0)
		return "bridges";
	return "members";
}

static void
stats_row(const struct gw_stats_row *row, void *arg)
{
	struct stats_ctx *c = arg;
	json_t *o;
	unsigned int k;

	if (strcmp(row->kind, "drop") == 0) {
		if (c->name[0] == '\0')
			json_object_set_new(json_object_get(c->root, "drops"), row->name,
					    json_integer((json_int_t)row->vals[0]));
		return;
	}
	if (c->name[0] != '\0' && strcmp(c->name, row->name) != 0)
		return;
	c->found = true;
	o = json_pack("{s:s}", "name", row->name);
	for (k = 0; k < row->n; k++)
		json_object_set_new(o, row->keys[k], json_integer((json_int_t)row->vals[k]));
	if (strcmp(row->kind, "bridge") == 0) /* and its drops by reason */
		json_object_set_new(o, "drops", gw_bridge_stats_json(row->name));
	json_array_append_new(json_object_get(c->root, stats_group(row->kind)), o);
}

static json_t *
stats_show(const char *name, struct gw_error *err)
{
	struct stats_ctx c = { .name = name };

	c.root = json_pack("{s:[], s:[], s:[], s:[]}", "ports", "tunnels", "bridges", "members");
	if (name[0] == '\0')
		json_object_set_new(c.root, "drops", json_object());
	gw_stats_foreach(stats_row, &c);
	if (name[0] != '\0' && !c.found) {
		json_decref(c.root);
		gw_error_set(err, -ENODEV, "no port, tunnel, bridge or bridge member \"%s\"", name);
		return NULL;
	}
	return c.root;
}

static void
log_row(const char *module, unsigned int level, void *arg)
{
	const char *name = gw_log_level_name(level);

	json_array_append_new(arg, json_pack("{s:s, s:s}", "module", module, "level",
					     name != NULL ? name : "unknown"));
}

json_t *
gw_show_json(const struct gw_cmd *cmd, struct gw_error *err)
{
	json_t *out;

	switch (cmd->op) {
	case GW_CMD_LINK_SHOW:
		out = link_show(cmd->name);
		if (cmd->name[0] != '\0' && json_array_size(out) == 0) {
			json_decref(out);
			gw_error_set(err, -ENODEV, "no link \"%s\"", cmd->name);
			return NULL;
		}
		return out;
	case GW_CMD_ADDR_SHOW:
		return addr_show();
	case GW_CMD_ROUTE_SHOW:
		return route_show();
	case GW_CMD_NEIGH_SHOW:
		return neigh_show(cmd->neigh.dev, err);
	case GW_CMD_TUNNEL_SHOW:
		return tunnel_show(cmd->name, err);
	case GW_CMD_STATS_SHOW:
		return stats_show(cmd->name, err);
	case GW_CMD_LOG_SHOW:
		out = json_array();
		gw_log_foreach(log_row, out);
		return out;
	case GW_CMD_FDB_SHOW:
		return gw_fdb_show(cmd->fdb.br, err);
	case GW_CMD_BRIDGE_LINK_SHOW:
		return gw_bridge_link_show();
	default:
		gw_error_set(err, -EINVAL, "not a show command");
		return NULL;
	}
}

bool
gw_cmd_is_show(enum gw_cmd_op op)
{
	return gw_cmd_op_is_show(op);
}

/* save: one line per object, in an order where each line's dependencies come first. */

static void
save_line(FILE *f, const struct gw_cmd *cmd)
{
	char line[512];

	if (gw_cmd_format(cmd, line, sizeof(line)) >= 0)
		fprintf(f, "%s\n", line);
}

static void
save_addrs(FILE *f, bool on_tunnel)
{
	struct gw_addr *v = addrs_sorted();
	struct gw_cmd cmd = { .op = GW_CMD_ADDR_ADD };
	unsigned int i;

	for (i = 0; v != NULL && i < gw_nb_addrs; i++) {
		if ((gw_ifaces[v[i].iface].kind != GW_IFACE_PORT) != on_tunnel ||
		    (v[i].flags & GW_ADDR_F_AUTO))
			continue; /* a port's own link-local address is made again at start */
		memset(&cmd.addr, 0, sizeof(cmd.addr));
		cmd.addr.prefix.addr = v[i].ip;
		cmd.addr.prefix.len = v[i].len;
		snprintf(cmd.addr.dev, sizeof(cmd.addr.dev), "%s", addr_dev(&v[i]));
		save_line(f, &cmd);
	}
	free(v);
}

static void
save_neigh(uint32_t idx, void *arg)
{
	const struct gw_nh *nh = &gw_nhs[idx];
	struct gw_cmd cmd = { .op = GW_CMD_NEIGH_ADD };
	uint64_t l2 = gw_nh_l2_load(nh);

	/* a GRETAP hub's spokes are saved as bridge fdb append (gw_save_members) */
	if (!nh->is_static || (nh->kind == GW_NH_SPOKE && gw_iface_kind_is_tap(gw_ifaces[nh->iface].kind)))
		return;
	cmd.neigh.addr = nh->ip;
	if (nh->kind == GW_NH_SPOKE) /* a hub's spoke mapping: lladdr is an underlay address */
		cmd.neigh.underlay = gw_peers[nh->peer]->remote;
	else
		memcpy(cmd.neigh.mac, &l2, 6);
	snprintf(cmd.neigh.dev, sizeof(cmd.neigh.dev), "%s", gw_iface_name(nh->iface));
	save_line(arg, &cmd);
}

static void
save_log(const char *module, unsigned int level, void *arg)
{
	struct gw_cmd cmd = { .op = GW_CMD_LOG_SET };

	if (level == RTE_LOG_INFO)
		return; /* the default */
	snprintf(cmd.log.module, sizeof(cmd.log.module), "%s", module);
	cmd.log.level = level;
	save_line(arg, &cmd);
}

char *
gw_save_config(void)
{
	struct gw_cmd cmd;
	const struct gw_route **routes;
	char *text = NULL;
	size_t len = 0;
	unsigned int i, n;
	FILE *f;

	f = open_memstream(&text, &len);
	if (f == NULL)
		return NULL;
	fprintf(f, "# greway %s running configuration (grewayctl save)\n", GW_VERSION);
	for (i = 0; i < gw_nb_ports; i++) {
		const struct gw_port *p = &gw_ports[i];

		memset(&cmd, 0, sizeof(cmd));
		cmd.op = GW_CMD_LINK_SET;
		snprintf(cmd.link.name, sizeof(cmd.link.name), "port%u", i); /* as probed */
		if (strcmp(p->name, cmd.link.name) != 0) {
			memcpy(cmd.link.newname, p->name, sizeof(cmd.link.newname));
			cmd.link.given |= GW_LINK_GIVEN_NAME;
		}
		if (p->mac_set) {
			memcpy(cmd.link.mac, &p->mac, 6);
			cmd.link.given |= GW_LINK_GIVEN_MAC;
		}
		if (p->mtu_set) {
			cmd.link.mtu = p->mtu;
			cmd.link.given |= GW_LINK_GIVEN_MTU;
		}
		cmd.link.up = p->up;
		cmd.link.given |= GW_LINK_GIVEN_UP;
		save_line(f, &cmd);
	}
	save_addrs(f, false);
	gw_save_bridges(f, save_line);
	for (i = 0; i < gw_tunnel_idx_end(); i++) {
		if (gw_tunnels[i] == NULL)
			continue;
		cmd.op = GW_CMD_TUNNEL_ADD;
		cmd.tunnel = gw_tunnels[i]->conf;
		save_line(f, &cmd);
		if (gw_ifaces[gw_tunnels[i]->iface].up)
			continue; /* tunnels start up */
		memset(&cmd, 0, sizeof(cmd));
		cmd.op = GW_CMD_LINK_SET;
		memcpy(cmd.link.name, gw_tunnels[i]->conf.name, sizeof(cmd.link.name));
		cmd.link.given = GW_LINK_GIVEN_UP;
		save_line(f, &cmd);
	}
	gw_save_members(f, save_line);
	save_addrs(f, true);
	gw_nh_neigh_foreach(save_neigh, f);
	routes = routes_sorted(route_seq_cmp, &n);
	for (i = 0; routes != NULL && i < n; i++) {
		if (routes[i]->origin != GW_ROUTE_STATIC)
			continue;
		memset(&cmd, 0, sizeof(cmd));
		cmd.op = GW_CMD_ROUTE_ADD;
		cmd.route = routes[i]->conf;
		if (cmd.route.dev[0] != '\0') /* its name now: the port may have been renamed */
			snprintf(cmd.route.dev, sizeof(cmd.route.dev), "%s",
				 gw_nh_dev_name(routes[i]->nh));
		save_line(f, &cmd);
	}
	free(routes);
	gw_log_foreach(save_log, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
