/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The apply functions: a parsed command in, a table change out. Checks come
 * first (names exist, families match, gateways are reachable); only then is
 * anything written, so a rejected command leaves the state as it was. A
 * change is staged; gw_tables_commit publishes every staged change with one
 * grace period. After a route change only the peers whose remote lies in the
 * changed prefix resolve again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>

#include "gw_addr.h"
#include "gw_alloc.h"
#include "gw_apply.h"
#include "gw_bridge.h"
#include "gw_fdb.h"
#include "gw_iface.h"
#include "gw_ip6.h"
#include "gw_log.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_rcu.h"
#include "gw_route.h"
#include "gw_spoke.h"
#include "gw_tunnel.h"

int
gw_tables_init(int socket, struct gw_error *err)
{
	uint16_t p;
	int rc, nh;

	rc = gw_iface_init(socket);
	if (rc == 0)
		rc = gw_peer_init(socket);
	if (rc == 0)
		rc = gw_nh_init(socket);
	if (rc == 0)
		rc = gw_route_init(socket);
	if (rc == 0)
		rc = gw_tunnel_init(socket);
	if (rc == 0)
		rc = gw_bridge_init(socket);
	if (rc < 0)
		return gw_error_set(err, rc, "cannot create the tables: %s (--max-tunnels, "
				    "--max-peers, --max-next-hops and --max-routes size them: "
				    "doc/config.md, Sizing)", strerror(-rc));
	rc = gw_iface_ports_add(err);
	if (rc < 0)
		return rc;
	for (p = 0; p < gw_nb_ports; p++) {
		nh = gw_nh_alloc(GW_NH_GLEAN);
		if (nh < 0)
			return gw_nh_error(err, nh, "");
		gw_nhs[nh].port = p;
		gw_nhs[nh].iface = gw_ports[p].iface;
		gw_ports[p].glean_nh = nh;
	}
	return 0;
}

void
gw_tables_commit(void)
{
	gw_bridge_bvi_sync();
	gw_tunnel_spokes_sync();
	gw_rcu_flush();
}

static int
apply_neigh(const struct gw_neigh_conf *n, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	struct gw_tunnel *t;
	struct gw_iface *ifc;
	int rc, idx, port;
	bool made;

	rc = gw_iface_lookup(n->dev, &ifc, err);
	if (rc < 0)
		return rc;
	t = gw_tunnel_of_iface(ifc->id);
	if (t != NULL && gw_tunnel_conf_is_multipoint(&t->conf)) {
		if (n->underlay.family == 0)
			return gw_error_set(err, -EINVAL, "dev %s is a multipoint tunnel: lladdr is "
					    "the spoke's underlay address", n->dev);
		return gw_spoke_map_add(t, &n->addr, &n->underlay, err);
	}
	if (n->underlay.family != 0)
		return gw_error_set(err, -EINVAL, "lladdr %s: an underlay address is for a "
				    "multipoint tunnel's spokes; dev %s takes a MAC",
				    gw_ip_fmt(&n->underlay, a, sizeof(a)), n->dev);
	port = gw_iface_port(ifc, false);
	if (port < 0)
		return gw_error_set(err, -EINVAL, "dev %s is a %s: neighbours live on ports, "
				    "bridges with an address and multipoint tunnels", n->dev,
				    gw_iface_kind_is_tunnel(ifc->kind) ? "tunnel" :
				    ifc->kind == GW_IFACE_BRIDGE ? "bridge without address" :
				    gw_iface_kind_name(ifc->kind));
	if (!rte_is_unicast_ether_addr((const struct rte_ether_addr *)n->mac))
		return gw_error_set(err, -EINVAL, "lladdr must be a unicast MAC");
	if (gw_addr_is_local(&n->addr))
		return gw_error_set(err, -EINVAL, "%s is an address of this gateway",
				    gw_ip_fmt(&n->addr, a, sizeof(a)));
	if (gw_tunnel_reserve_prefix(&n->addr, gw_ip_bits(&n->addr)) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	idx = gw_nh_neigh_get(port, &n->addr, false);
	made = idx < 0;
	if (made)
		idx = gw_nh_neigh_get(port, &n->addr, true);
	if (idx < 0)
		return gw_nh_error(err, idx, "");
	rc = gw_route_add(&n->addr, gw_ip_bits(&n->addr), idx, GW_ROUTE_NEIGH, NULL, err);
	if (rc < 0) {
		if (made)
			gw_nh_release(idx); /* never published: the route table is full */
		return rc;
	}
	gw_nhs[idx].is_static = 1;
	gw_nh_neigh_set_mac(&gw_nhs[idx], (const struct rte_ether_addr *)n->mac);
	gw_tunnel_resolve_prefix(&n->addr, gw_ip_bits(&n->addr));
	return 0;
}

/* The next hop a route resolves to: dev alone, or via a gateway (recursively once). */
static int
route_nh(const struct gw_route_conf *r, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	const struct gw_nh *via;
	struct gw_iface *dev = NULL;
	struct gw_tunnel *mp = NULL; /* dev, when a multipoint tunnel */
	int rc, idx, port = -1;

	if (r->dev[0] != '\0') {
		rc = gw_iface_lookup(r->dev, &dev, err);
		if (rc < 0)
			return rc;
		port = gw_iface_port(dev, false);
		mp = gw_tunnel_of_iface(dev->id);
		if (mp != NULL && !gw_tunnel_conf_is_multipoint(&mp->conf))
			mp = NULL;
		if (port < 0 && !gw_iface_kind_is_ip_tunnel(dev->kind))
			return gw_error_set(err, -EINVAL, "dev %s is a %s: routes go to ports, gre "
					    "tunnels and bridges with an address", r->dev,
					    dev->kind == GW_IFACE_BRIDGE ? "bridge without address" :
					    gw_iface_kind_name(dev->kind));
	}
	if (r->via.family == 0)
		return port >= 0 ? gw_ports[port].glean_nh : gw_tunnels[dev->idx]->nh;
	if (mp != NULL) {
		/* via an overlay address of a hub: its mapping, made unmapped if not there yet */
		if (gw_addr_is_local(&r->via))
			return gw_error_set(err, -EINVAL, "gateway %s is an address of this gateway",
					    gw_ip_fmt(&r->via, a, sizeof(a)));
		idx = gw_nh_spoke_get(mp->iface, mp->idx, &r->via, true);
		return idx >= 0 ? idx : gw_nh_error(err, idx, "");
	}

	gw_ip_fmt(&r->via, a, sizeof(a));
	if (r->via.family != r->dst.addr.family)
		return gw_error_set(err, -EINVAL, "gateway %s is not of the route's family", a);
	/* a link-local gateway is on the link dev names: no route leads to fe80::/64 (gw_addr.h) */
	if (r->via.family == AF_INET6 && gw_ip6_is_linklocal(r->via.v6)) {
		if (port < 0)
			return gw_error_set(err, -EINVAL, "gateway %s is link-local: dev PORT must "
					    "name its link", a);
		idx = gw_nh_neigh_get(port, &r->via, true);
		return idx >= 0 ? idx : gw_nh_error(err, idx, "");
	}
	via = &gw_nhs[gw_route_lookup(&r->via)];
	if (dev != NULL && via->kind != GW_NH_LOCAL && via->kind != GW_NH_DROP &&
	    via->iface != dev->id)
		return gw_error_set(err, -EINVAL, "gateway %s is not reachable by dev %s", a,
				    r->dev);
	switch (via->kind) {
	case GW_NH_TUNNEL:
		return via - gw_nhs;
	case GW_NH_SPOKE:
		if (gw_ip_equal(&via->ip, &r->via))
			return via - gw_nhs;
		idx = gw_nh_spoke_get(via->iface, via->tunnel, &r->via, true);
		return idx >= 0 ? idx : gw_nh_error(err, idx, "");
	case GW_NH_GLEAN:
	case GW_NH_NEIGH:
		if (via->kind == GW_NH_NEIGH && gw_ip_equal(&via->ip, &r->via))
			return via - gw_nhs;
		idx = gw_nh_neigh_get(via->port, &r->via, true);
		if (idx < 0)
			return gw_nh_error(err, idx, "");
		return idx;
	case GW_NH_LOCAL:
		return gw_error_set(err, -EINVAL, "gateway %s is an address of this gateway", a);
	default:
		return gw_error_set(err, -ENETUNREACH,
				    "gateway %s is not on a connected network (addr add first)", a);
	}
}

static bool neigh_in_use(uint32_t idx);

/*
 * A gateway's neighbour that only routes led to (no host route of its own,
 * not static) goes with the last of them, as it came with the first.
 */
static void
neigh_forget_unused(uint32_t idx)
{
	const struct gw_nh *nh = &gw_nhs[idx];
	const struct gw_route *own;

	if ((nh->kind != GW_NH_NEIGH && nh->kind != GW_NH_SPOKE) || nh->is_static ||
	    nh->learned || nh->released || nh->ip.family == 0)
		return;
	own = gw_route_find(&nh->ip, gw_ip_bits(&nh->ip));
	if ((own != NULL && own->nh == idx) || neigh_in_use(idx))
		return;
	gw_nh_release(idx);
}

static int
apply_route(const struct gw_route_conf *r, struct gw_error *err)
{
	const struct gw_route *old = gw_route_find(&r->dst.addr, r->dst.len);
	int idx, rc, old_nh = old != NULL && old->origin == GW_ROUTE_STATIC ? (int)old->nh : -1;

	if (gw_tunnel_reserve_prefix(&r->dst.addr, r->dst.len) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	idx = route_nh(r, err);
	if (idx < 0)
		return idx;
	rc = gw_route_add(&r->dst.addr, r->dst.len, idx, GW_ROUTE_STATIC, r, err);
	if (rc < 0) {
		neigh_forget_unused(idx); /* a gateway's neighbour made for it goes again */
		return rc;
	}
	/* into a tunnel that is down (or a peer keepalives say is): out of the FIB until it
	 * is up; a replaced one comes back */
	gw_route_set_active(gw_route_find(&r->dst.addr, r->dst.len), gw_tunnel_nh_active(idx));
	if (old_nh >= 0 && old_nh != idx)
		neigh_forget_unused(old_nh);
	gw_tunnel_resolve_prefix(&r->dst.addr, r->dst.len);
	return 0;
}

static int
apply_route_del(const struct gw_route_conf *r, struct gw_error *err)
{
	const struct gw_route *cur = gw_route_find(&r->dst.addr, r->dst.len);
	char p[GW_PFX_STRLEN];
	uint32_t nh;

	gw_prefix_fmt(&r->dst, p, sizeof(p));
	if (cur == NULL || cur->origin == GW_ROUTE_NEIGH || cur->origin == GW_ROUTE_LOCAL)
		return gw_error_set(err, -ESRCH, "no route %s", p);
	if (cur->origin == GW_ROUTE_CONNECTED)
		return gw_error_set(err, -EINVAL,
				    "%s is the connected prefix of an address (addr del it)", p);
	if (r->via.family != 0 && !gw_ip_equal(&r->via, &cur->conf.via))
		return gw_error_set(err, -ESRCH, "no route %s via that gateway", p);
	if (r->dev[0] != '\0' && strcmp(r->dev, cur->conf.dev) != 0 &&
	    strcmp(r->dev, gw_nh_dev_name(cur->nh)) != 0)
		return gw_error_set(err, -ESRCH, "no route %s dev %s", p, r->dev);
	if (gw_tunnel_reserve_prefix(&r->dst.addr, r->dst.len) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	nh = cur->nh;
	gw_route_del(&r->dst.addr, r->dst.len);
	gw_tunnel_resolve_prefix(&r->dst.addr, r->dst.len);
	neigh_forget_unused(nh);
	return 0;
}

/*
 * Who else than its own host route leads to a neighbour: routes via it, peers
 * over it. The peer of a tunnel deleted before the commit is no user: it is
 * freed at the commit, with the neighbour's slot after it.
 */
static bool
neigh_in_use(uint32_t idx)
{
	uint32_t i, end = gw_peer_id_end();
	const struct gw_tunnel *t;

	for (i = 0; i < end; i++) {
		if (gw_peers[i] == NULL || gw_peers[i]->unh != idx)
			continue;
		t = gw_tunnels[gw_peers[i]->tunnel];
		if (t != NULL && gw_tunnel_of_iface(t->iface) == t)
			return true;
	}
	return gw_route_nh_used(idx, &gw_nhs[idx].ip, gw_ip_bits(&gw_nhs[idx].ip));
}

/*
 * Forget a neighbour: gone when nothing else leads to it, else back to
 * unresolved, to be learned again by ARP.
 */
static void
neigh_release(uint32_t idx)
{
	struct gw_nh *nh = &gw_nhs[idx];
	const struct gw_route *own = gw_route_find(&nh->ip, gw_ip_bits(&nh->ip));

	nh->is_static = 0;
	gw_nh_neigh_clear_mac(nh);
	if (neigh_in_use(idx))
		return;
	if (own != NULL && own->nh == idx)
		gw_route_del(&nh->ip, gw_ip_bits(&nh->ip));
	gw_nh_release(idx); /* free once no worker can hold it */
}

static int
apply_neigh_del(const struct gw_neigh_conf *n, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	struct gw_tunnel *t;
	struct gw_iface *ifc;
	struct gw_ip ip = n->addr;
	int rc, idx, port;

	gw_ip_fmt(&n->addr, a, sizeof(a));
	rc = gw_iface_lookup(n->dev, &ifc, err);
	if (rc < 0)
		return rc;
	t = gw_tunnel_of_iface(ifc->id);
	if (t != NULL && gw_tunnel_conf_is_multipoint(&t->conf))
		return gw_spoke_map_del(t, &n->addr, err);
	port = gw_iface_port(ifc, false);
	idx = port < 0 ? -ENOENT : gw_nh_neigh_get(port, &n->addr, false);
	if (idx < 0)
		return gw_error_set(err, -ESRCH, "no neighbour %s on dev %s", a, n->dev);
	if (gw_tunnel_reserve_prefix(&ip, gw_ip_bits(&ip)) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	neigh_release(idx);
	gw_tunnel_resolve_prefix(&ip, gw_ip_bits(&ip));
	return 0;
}

/* Learned neighbours of an interface within a prefix (its connected prefix is going). */
static void
neigh_release_in(uint16_t iface, const struct gw_ip *net, uint8_t len)
{
	uint32_t i, end = gw_nh_end();

	for (i = 0; i < end; i++)
		if (gw_nhs[i].kind == GW_NH_NEIGH && !gw_nhs[i].released &&
		    gw_nhs[i].iface == iface && !gw_nhs[i].is_static &&
		    gw_ip_in_prefix(&gw_nhs[i].ip, net, len))
			neigh_release(i);
}

/*
 * The tunnel whose local address is ip, or NULL. A deleted tunnel stays in
 * gw_tunnels[] until the commit; it no longer has its interface.
 */
static const struct gw_tunnel *
tunnel_on_local(const struct gw_ip *ip)
{
	uint32_t i, end = gw_tunnel_idx_end();
	const struct gw_tunnel *t;

	for (i = 0; i < end; i++) {
		t = gw_tunnels[i];
		if (t != NULL && gw_tunnel_of_iface(t->iface) == t &&
		    gw_ip_equal(&t->conf.local, ip))
			return t;
	}
	return NULL;
}

static int
apply_addr_add(const struct gw_addr_conf *c, struct gw_error *err)
{
	const struct gw_addr *a;
	struct gw_ip net;
	int rc;

	if (gw_tunnel_reserve_prefix(&c->prefix.addr, c->prefix.len) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	rc = gw_addr_add(c, err);
	if (rc < 0)
		return rc;
	a = &gw_addrs[gw_nb_addrs - 1];
	net = gw_addr_net(a);
	gw_tunnel_resolve_prefix(&net, a->len);
	return 0;
}

static int
apply_addr_del(const struct gw_addr_conf *c, struct gw_error *err)
{
	char p[GW_PFX_STRLEN];
	const struct gw_tunnel *t;
	const struct gw_addr *a;
	struct gw_iface *ifc;
	struct gw_ip net;
	uint8_t len;
	int i, rc;

	gw_prefix_fmt(&c->prefix, p, sizeof(p));
	rc = gw_iface_lookup(c->dev, &ifc, err);
	if (rc < 0)
		return rc;
	i = gw_addr_find(&c->prefix.addr);
	a = i >= 0 ? &gw_addrs[i] : NULL;
	if (a == NULL || a->len != c->prefix.len || a->iface != ifc->id)
		return gw_error_set(err, -EADDRNOTAVAIL, "no address %s on dev %s", p, c->dev);
	t = tunnel_on_local(&a->ip);
	if (t != NULL)
		return gw_error_set(err, -EBUSY, "%s is the local address of tunnel %s (tunnel del "
				    "or change it first)", p, t->conf.name);
	net = gw_addr_net(a);
	len = a->len;
	if (gw_tunnel_reserve_prefix(&net, len) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	if (gw_iface_port(ifc, false) >= 0 && len < gw_ip_bits(&net))
		neigh_release_in(ifc->id, &net, len);
	gw_addr_del(i);
	gw_tunnel_resolve_prefix(&net, len);
	return 0;
}

static int
apply_tunnel_del(const char *name, struct gw_error *err)
{
	const struct gw_route **list;
	const struct gw_tunnel *t, *other;
	unsigned int i, n;

	t = gw_tunnel_by_name(name);
	if (t == NULL)
		return gw_error_set(err, -ENODEV, "no tunnel \"%s\"", name);
	for (i = 0; i < gw_nb_addrs; i++) {
		if (gw_addrs[i].iface != t->iface)
			continue;
		other = tunnel_on_local(&gw_addrs[i].ip);
		if (other != NULL && other != t)
			return gw_error_set(err, -EBUSY, "an address of %s is the local address of "
					    "tunnel %s", name, other->conf.name);
	}
	n = gw_route_count();
	list = gw_alloc(sizeof(*list) * (n + 1));
	if (list == NULL || gw_route_reserve(n + 2 * GW_ADDR_MAX) < 0 ||
	    gw_bridge_member_gone_prepare(t->iface, err) < 0) {
		free(list);
		return gw_error_set(err, -ENOMEM, "out of memory");
	}

	/* what leads into the tunnel goes first: its addresses, then its routes */
	for (i = gw_nb_addrs; i-- > 0;)
		if (gw_addrs[i].iface == t->iface)
			gw_addr_del(i);
	n = gw_route_list(list, n);
	for (i = 0; i < n; i++) {
		const struct gw_nh *nh = &gw_nhs[list[i]->nh];

		/* the list's pointers do not move when others are deleted */
		if (nh->iface == t->iface && (nh->kind == GW_NH_TUNNEL || nh->kind == GW_NH_SPOKE ||
					      nh->kind == GW_NH_REPLICATE))
			gw_route_del(&list[i]->dst, list[i]->len);
	}
	free(list);
	gw_spoke_flush(gw_tunnels[t->idx]);
	gw_bridge_member_gone(t->iface);
	gw_tunnel_del(t->idx);
	return 0;
}

/* The bridge a member is in, for bridge fdb add|del ... dev NAME. */
static int
fdb_member(const struct gw_fdb_conf *f, struct gw_iface **ifc, uint16_t *bridge,
	   struct gw_error *err)
{
	int rc = gw_iface_lookup(f->dev, ifc, err);

	if (rc < 0)
		return rc;
	if ((*ifc)->master == GW_IFACE_NONE)
		return gw_error_set(err, -EINVAL, "dev %s is in no bridge (link set %s master BR "
				    "first)", f->dev, f->dev);
	*bridge = gw_ifaces[(*ifc)->master].idx;
	return 0;
}

/* A GRETAP hub's spoke (bridge fdb append 00:00:00:00:00:00 dev MGRETAP dst ADDR, or del). */
static int
apply_fdb_spoke(const struct gw_fdb_conf *f, bool add, struct gw_error *err)
{
	struct gw_tunnel *t;
	struct gw_iface *ifc;
	int rc = gw_iface_lookup(f->dev, &ifc, err);

	if (rc < 0)
		return rc;
	t = gw_tunnel_of_iface(ifc->id);
	if (t == NULL || !gw_tunnel_mode_is_tap(t->conf.mode) ||
	    !gw_tunnel_conf_is_multipoint(&t->conf))
		return gw_error_set(err, -EINVAL, "dst: dev %s is not a multipoint gretap tunnel "
				    "(remote any)", f->dev);
	return add ? gw_spoke_flood_add(t, &f->dst, err) : gw_spoke_map_del(t, &f->dst, err);
}

static int
apply_fdb_add(const struct gw_fdb_conf *f, struct gw_error *err)
{
	const struct rte_ether_addr *mac = (const struct rte_ether_addr *)f->mac;
	struct gw_iface *ifc;
	uint16_t bridge;
	int rc;

	if (f->dst.family != 0)
		return apply_fdb_spoke(f, true, err);
	if (!rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac))
		return gw_error_set(err, -EINVAL, "a bridge entry's MAC must be unicast");
	rc = fdb_member(f, &ifc, &bridge, err);
	if (rc < 0)
		return rc;
	return gw_fdb_add_static(bridge, mac, gw_bridge_member_of(ifc->id), err);
}

static int
apply_fdb_del(const struct gw_fdb_conf *f, struct gw_error *err)
{
	char m[GW_MAC_STRLEN];
	struct gw_iface *ifc;
	uint16_t bridge;
	int rc;

	if (f->dst.family != 0)
		return apply_fdb_spoke(f, false, err);
	rc = fdb_member(f, &ifc, &bridge, err);
	if (rc < 0)
		return rc;
	if (gw_fdb_del(bridge, (const struct rte_ether_addr *)f->mac, ifc->id) < 0)
		return gw_error_set(err, -ENOENT, "no entry %s dev %s in bridge %s",
				    gw_mac_fmt(f->mac, m, sizeof(m)), f->dev,
				    gw_iface_name(ifc->master));
	return 0;
}

/* Room to stage the FIB changes of one command, but for those with many (reserved there). */
#define APPLY_FIB_OPS 8

int
gw_apply(const struct gw_cmd *cmd, struct gw_error *err)
{
	if (gw_route_reserve(APPLY_FIB_OPS) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	switch (cmd->op) {
	case GW_CMD_LINK_SET:
		return gw_iface_set(&cmd->link, err);
	case GW_CMD_LINK_ADD:
		return gw_bridge_add(&cmd->bridge, err);
	case GW_CMD_LINK_DEL:
		return gw_bridge_del(cmd->name, err);
	case GW_CMD_FDB_ADD:
		return apply_fdb_add(&cmd->fdb, err);
	case GW_CMD_FDB_DEL:
		return apply_fdb_del(&cmd->fdb, err);
	case GW_CMD_ADDR_ADD:
		return apply_addr_add(&cmd->addr, err);
	case GW_CMD_ADDR_DEL:
		return apply_addr_del(&cmd->addr, err);
	case GW_CMD_NEIGH_ADD:
		return apply_neigh(&cmd->neigh, err);
	case GW_CMD_NEIGH_DEL:
		return apply_neigh_del(&cmd->neigh, err);
	case GW_CMD_ROUTE_ADD:
		return apply_route(&cmd->route, err);
	case GW_CMD_ROUTE_DEL:
		return apply_route_del(&cmd->route, err);
	case GW_CMD_TUNNEL_ADD:
		return gw_tunnel_add(&cmd->tunnel, err);
	case GW_CMD_TUNNEL_CHANGE:
		return gw_tunnel_change(&cmd->tunnel, err);
	case GW_CMD_TUNNEL_DEL:
		return apply_tunnel_del(cmd->name, err);
	case GW_CMD_LOG_SET:
		return gw_log_set(&cmd->log, err);
	default:
		return gw_error_set(err, -EINVAL, "not a change: show it instead");
	}
}
