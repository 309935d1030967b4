/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The apply functions: a parsed command in, a table change out. Checks come
 * first (names exist, families match, gateways are reachable); only then is
 * anything written, so a rejected command leaves the state as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>

#include "gw_addr.h"
#include "gw_apply.h"
#include "gw_dev.h"
#include "gw_log.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_stats.h"
#include "gw_tunnel.h"

int
gw_tables_init(int socket)
{
	uint16_t p;
	int rc, nh;

	rc = gw_nh_init(socket);
	if (rc == 0)
		rc = gw_route_init(socket);
	if (rc == 0)
		rc = gw_tunnel_init(socket);
	if (rc < 0)
		return rc;
	for (p = 0; p < gw_nb_ports; p++) {
		nh = gw_nh_alloc(GW_NH_GLEAN);
		if (nh < 0)
			return nh;
		gw_nhs[nh].port = p;
		gw_ports[p].glean_nh = nh;
	}
	return 0;
}

static int
apply_link(const struct gw_link_conf *l, struct gw_error *err)
{
	unsigned int i;
	int rc;

	if ((l->given & GW_LINK_GIVEN_NAME) && gw_tunnel_by_name(l->newname) >= 0)
		return gw_error_set(err, -EEXIST, "link name \"%s\" is taken", l->newname);
	rc = gw_port_set(l, err);
	if (rc < 0)
		return rc;
	gw_tunnel_resolve_all(); /* the underlay MTU bounds the tunnels' */
	if (!(l->given & GW_LINK_GIVEN_NAME))
		return 0;
	/* tunnels pinned to the port follow it (conf is control-plane only) */
	for (i = 0; i < GW_TUNNEL_MAX; i++)
		if (gw_tunnels[i] != NULL && strcmp(gw_tunnels[i]->conf.dev, l->name) == 0)
			memcpy(gw_tunnels[i]->conf.dev, l->newname, GW_NAME_MAX);
	return 0;
}

static int
apply_neigh(const struct gw_neigh_conf *n, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	struct gw_dev dev;
	int rc, idx;

	if (n->addr.family != AF_INET)
		return gw_error_set(err, -EAFNOSUPPORT, "IPv6 neighbour \"%s\": not supported yet",
				    gw_ip_fmt(&n->addr, a, sizeof(a)));
	rc = gw_dev_lookup(n->dev, &dev, err);
	if (rc < 0)
		return rc;
	if (dev.is_tunnel)
		return gw_error_set(err, -EINVAL, "dev %s is a tunnel: neighbours live on ports",
				    n->dev);
	if (!rte_is_unicast_ether_addr((const struct rte_ether_addr *)n->mac))
		return gw_error_set(err, -EINVAL, "lladdr must be a unicast MAC");
	if (gw_addr_is_local(n->addr.v4))
		return gw_error_set(err, -EINVAL, "%s is an address of this gateway",
				    gw_ip_fmt(&n->addr, a, sizeof(a)));
	idx = gw_nh_neigh_get(dev.idx, n->addr.v4, true);
	if (idx < 0)
		return gw_error_set(err, idx, "neighbour table full");
	rc = gw_route_add(n->addr.v4, 32, idx, GW_ROUTE_NEIGH, NULL, err);
	if (rc < 0)
		return rc;
	gw_nhs[idx].is_static = 1;
	gw_nh_neigh_set_mac(&gw_nhs[idx], (const struct rte_ether_addr *)n->mac);
	gw_tunnel_resolve_all();
	return 0;
}

/* The next hop a route resolves to: dev alone, or via a gateway (recursively once). */
static int
route_nh(const struct gw_route_conf *r, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	const struct gw_nh *via;
	struct gw_dev dev = { .is_tunnel = false, .idx = 0 };
	int rc, idx;

	if (r->dev[0] != '\0') {
		rc = gw_dev_lookup(r->dev, &dev, err);
		if (rc < 0)
			return rc;
	}
	if (r->via.family == 0)
		return dev.is_tunnel ? gw_tunnels[dev.idx]->nh : gw_ports[dev.idx].glean_nh;

	gw_ip_fmt(&r->via, a, sizeof(a));
	via = &gw_nhs[gw_route_lookup(r->via.v4)];
	switch (via->kind) {
	case GW_NH_TUNNEL:
		if (r->dev[0] != '\0' && (!dev.is_tunnel || dev.idx != via->tunnel))
			return gw_error_set(err, -EINVAL, "gateway %s is not reachable by dev %s", a,
					    r->dev);
		return via - gw_nhs;
	case GW_NH_GLEAN:
	case GW_NH_NEIGH:
		if (r->dev[0] != '\0' && (dev.is_tunnel || dev.idx != via->port))
			return gw_error_set(err, -EINVAL, "gateway %s is not reachable by dev %s", a,
					    r->dev);
		if (via->kind == GW_NH_NEIGH && via->ip == r->via.v4)
			return via - gw_nhs;
		idx = gw_nh_neigh_get(via->port, r->via.v4, true);
		if (idx < 0)
			return gw_error_set(err, idx, "neighbour table full");
		return idx;
	case GW_NH_LOCAL:
		return gw_error_set(err, -EINVAL, "gateway %s is an address of this gateway", a);
	default:
		return gw_error_set(err, -ENETUNREACH,
				    "gateway %s is not on a connected network (addr add first)", a);
	}
}

static int
apply_route(const struct gw_route_conf *r, struct gw_error *err)
{
	char p[GW_PFX_STRLEN];
	int nh, rc;

	if (r->dst.addr.family != AF_INET)
		return gw_error_set(err, -EAFNOSUPPORT, "IPv6 route \"%s\": not supported yet",
				    gw_prefix_fmt(&r->dst, p, sizeof(p)));
	nh = route_nh(r, err);
	if (nh < 0)
		return nh;
	rc = gw_route_add(r->dst.addr.v4, r->dst.len, nh, GW_ROUTE_STATIC, r, err);
	if (rc < 0)
		return rc;
	gw_tunnel_resolve_all();
	return 0;
}

static int
apply_route_del(const struct gw_route_conf *r, struct gw_error *err)
{
	const struct gw_route *cur = gw_route_find(r->dst.addr.v4, r->dst.len);
	char p[GW_PFX_STRLEN];

	gw_prefix_fmt(&r->dst, p, sizeof(p));
	if (r->dst.addr.family != AF_INET || cur == NULL || cur->origin == GW_ROUTE_NEIGH ||
	    cur->origin == GW_ROUTE_LOCAL)
		return gw_error_set(err, -ESRCH, "no route %s", p);
	if (cur->origin == GW_ROUTE_CONNECTED)
		return gw_error_set(err, -EINVAL,
				    "%s is the connected prefix of an address (addr del it)", p);
	if (r->via.family != 0 && memcmp(&r->via, &cur->conf.via, sizeof(r->via)) != 0)
		return gw_error_set(err, -ESRCH, "no route %s via that gateway", p);
	if (r->dev[0] != '\0' && strcmp(r->dev, cur->conf.dev) != 0 &&
	    strcmp(r->dev, gw_nh_dev_name(cur->nh)) != 0)
		return gw_error_set(err, -ESRCH, "no route %s dev %s", p, r->dev);
	gw_route_del(r->dst.addr.v4, r->dst.len);
	gw_tunnel_resolve_all();
	return 0;
}

/* Who else than its own /32 leads to a neighbour: routes via it, tunnels over it. */
static bool
neigh_in_use(uint16_t idx)
{
	const struct gw_route **list;
	unsigned int i, n;
	bool used = false;

	for (i = 0; i < GW_TUNNEL_MAX; i++)
		if (gw_tunnels[i] != NULL && gw_tunnels[i]->unh == idx)
			return true;
	n = gw_route_count();
	list = malloc(sizeof(*list) * (n + 1));
	if (list == NULL)
		return true; /* keep it: the safe answer */
	n = gw_route_list(list, n);
	for (i = 0; i < n && !used; i++)
		used = list[i]->nh == idx &&
		       !(list[i]->origin == GW_ROUTE_NEIGH && list[i]->len == 32 &&
			 list[i]->ip == gw_nhs[idx].ip);
	free(list);
	return used;
}

/*
 * Forget a neighbour: gone when nothing else leads to it, else back to
 * unresolved, to be learned again by ARP.
 */
static void
neigh_release(uint16_t idx)
{
	struct gw_nh *nh = &gw_nhs[idx];
	const struct gw_route *own = gw_route_find(nh->ip, 32);

	nh->is_static = 0;
	gw_nh_neigh_clear_mac(nh);
	if (neigh_in_use(idx))
		return;
	if (own != NULL && own->nh == idx)
		gw_route_del(nh->ip, 32); /* waits a grace period: then nobody holds idx */
	gw_nh_free(idx);
}

static int
apply_neigh_del(const struct gw_neigh_conf *n, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	struct gw_dev dev;
	int rc, idx;

	gw_ip_fmt(&n->addr, a, sizeof(a));
	rc = gw_dev_lookup(n->dev, &dev, err);
	if (rc < 0)
		return rc;
	idx = dev.is_tunnel || n->addr.family != AF_INET ? -ENOENT :
	      gw_nh_neigh_get(dev.idx, n->addr.v4, false);
	if (idx < 0)
		return gw_error_set(err, -ESRCH, "no neighbour %s on dev %s", a, n->dev);
	neigh_release(idx);
	gw_tunnel_resolve_all();
	return 0;
}

/* Learned neighbours of a port within a prefix (its connected prefix is going). */
static void
neigh_release_in(uint16_t port, uint32_t net, uint8_t len)
{
	uint32_t mask = rte_cpu_to_be_32(gw_ipv4_mask(len));
	uint16_t *idx;
	unsigned int i, n = 0;

	idx = malloc(sizeof(*idx) * GW_NH_MAX);
	if (idx == NULL)
		return;
	for (i = 0; i < GW_NH_MAX; i++)
		if (gw_nhs[i].kind == GW_NH_NEIGH && gw_nhs[i].port == port &&
		    !gw_nhs[i].is_static && (gw_nhs[i].ip & mask) == net)
			idx[n++] = i;
	for (i = 0; i < n; i++)
		neigh_release(idx[i]);
	free(idx);
}

/* The tunnel whose local address is ip, or -1. */
static int
tunnel_on_local(uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < GW_TUNNEL_MAX; i++)
		if (gw_tunnels[i] != NULL && gw_tunnels[i]->local == ip)
			return i;
	return -1;
}

static int
apply_addr_del(const struct gw_addr_conf *c, struct gw_error *err)
{
	char p[GW_PFX_STRLEN];
	const struct gw_addr *a;
	struct gw_dev dev;
	int i, t, rc;

	gw_prefix_fmt(&c->prefix, p, sizeof(p));
	rc = gw_dev_lookup(c->dev, &dev, err);
	if (rc < 0)
		return rc;
	i = c->prefix.addr.family == AF_INET ? gw_addr_find(c->prefix.addr.v4) : -ENOENT;
	a = i >= 0 ? &gw_addrs[i] : NULL;
	if (a == NULL || a->len != c->prefix.len || a->on_tunnel != dev.is_tunnel ||
	    a->dev != dev.idx)
		return gw_error_set(err, -EADDRNOTAVAIL, "no address %s on dev %s", p, c->dev);
	t = tunnel_on_local(a->ip);
	if (t >= 0)
		return gw_error_set(err, -EBUSY, "%s is the local address of tunnel %s (tunnel del "
				    "or change it first)", p, gw_tunnels[t]->conf.name);
	if (!a->on_tunnel && a->len < 32)
		neigh_release_in(a->dev, a->ip & rte_cpu_to_be_32(gw_ipv4_mask(a->len)), a->len);
	gw_addr_del(i);
	gw_tunnel_resolve_all();
	return 0;
}

static int
apply_tunnel_del(const char *name, struct gw_error *err)
{
	const struct gw_route **list;
	const struct gw_tunnel *t;
	unsigned int i, n;
	int idx;

	idx = gw_tunnel_by_name(name);
	if (idx < 0)
		return gw_error_set(err, -ENODEV, "no tunnel \"%s\"", name);
	t = gw_tunnels[idx];
	for (i = 0; i < gw_nb_addrs; i++) {
		int other = tunnel_on_local(gw_addrs[i].ip);

		if (gw_addrs[i].on_tunnel && gw_addrs[i].dev == idx && other >= 0 && other != idx)
			return gw_error_set(err, -EBUSY, "an address of %s is the local address of "
					    "tunnel %s", name, gw_tunnels[other]->conf.name);
	}
	n = gw_route_count();
	list = malloc(sizeof(*list) * (n + 1));
	if (list == NULL)
		return gw_error_set(err, -ENOMEM, "out of memory");

	/* what leads into the tunnel goes first: its addresses, then its routes */
	for (i = gw_nb_addrs; i-- > 0;)
		if (gw_addrs[i].on_tunnel && gw_addrs[i].dev == idx)
			gw_addr_del(i);
	n = gw_route_list(list, n);
	for (i = 0; i < n; i++) {
		/* the list's pointers do not move when others are deleted */
		if (list[i]->nh == t->nh)
			gw_route_del(list[i]->ip, list[i]->len);
	}
	free(list);
	gw_tunnel_del(idx);
	gw_stats_tunnel_reset(idx);
	gw_tunnel_resolve_all();
	return 0;
}

int
gw_apply(const struct gw_cmd *cmd, struct gw_error *err)
{
	int rc;

	switch (cmd->op) {
	case GW_CMD_LINK_SET:
		return apply_link(&cmd->link, err);
	case GW_CMD_ADDR_ADD:
		rc = gw_addr_add(&cmd->addr, err);
		if (rc == 0)
			gw_tunnel_resolve_all();
		return rc;
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
	case GW_CMD_STATS_CLEAR:
		gw_stats_clear();
		return 0;
	case GW_CMD_LOG_SET:
		return gw_log_set(&cmd->log, err);
	default:
		return gw_error_set(err, -EINVAL, "not a change: show it instead");
	}
}
