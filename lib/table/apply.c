/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The apply functions: a parsed command in, a table change out. Checks come
 * first (names exist, families match, gateways are reachable); only then is
 * anything written, so a rejected command leaves the state as it was.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>

#include "gw_addr.h"
#include "gw_apply.h"
#include "gw_dev.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
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
	if ((l->given & GW_LINK_GIVEN_NAME) && gw_tunnel_by_name(l->newname) >= 0)
		return gw_error_set(err, -EEXIST, "link name \"%s\" is taken", l->newname);
	return gw_port_set(l, err);
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
	rc = gw_route_add(n->addr.v4, 32, idx, err);
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
	rc = gw_route_add(r->dst.addr.v4, r->dst.len, nh, err);
	if (rc < 0)
		return rc;
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
	case GW_CMD_NEIGH_ADD:
		return apply_neigh(&cmd->neigh, err);
	case GW_CMD_ROUTE_ADD:
		return apply_route(&cmd->route, err);
	case GW_CMD_TUNNEL_ADD:
		return gw_tunnel_add(&cmd->tunnel, err);
	default:
		return gw_error_set(err, -ENOTSUP,
				    "only link set, addr add, neigh add, route add and tunnel add are supported yet");
	}
}
