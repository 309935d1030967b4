/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The port kind of interface: every port EAL probed becomes an interface at
 * start, and link words reach lib/port through these operations.
 */
#include <errno.h>
#include <string.h>

#include "gw_addr.h"
#include "gw_iface.h"
#include "gw_log.h"
#include "gw_port.h"
#include "gw_tunnel.h"

/* A port without its link-local address still forwards: a log line, not a refusal. */
static void
port_linklocal_sync(uint16_t port)
{
	int rc = gw_addr_linklocal_sync(port);

	if (rc < 0)
		GW_LOG(WARNING, CFG, "%s: no link-local IPv6 address: %s", gw_ports[port].name,
		       rc == -EEXIST ? "another interface has it (same MAC)" :
		       "address or route table full");
}

static int
port_set(struct gw_iface *ifc, const struct gw_link_conf *l, struct gw_error *err)
{
	uint16_t mtu = gw_ports[ifc->idx].mtu;
	int rc;

	if ((l->given & GW_LINK_GIVEN_MTU) && gw_tunnel_reserve_port(ifc->idx) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	rc = gw_port_set(ifc->idx, l, err);
	if (rc < 0)
		return rc;
	if (l->given & GW_LINK_GIVEN_UP)
		ifc->up = l->up;
	if (gw_ports[ifc->idx].mtu != mtu)
		gw_tunnel_resolve_port(ifc->idx); /* the underlay MTU bounds the tunnels' */
	if (l->given & GW_LINK_GIVEN_MAC)
		port_linklocal_sync(ifc->idx); /* its link-local address follows, as Linux's */
	return 0;
}

static uint16_t
port_mtu(const struct gw_iface *ifc)
{
	return gw_ports[ifc->idx].mtu;
}

/* The port's own copy (its logs) and the tunnels pinned to it by name follow. */
static void
port_renamed(struct gw_iface *ifc, const char *old)
{
	unsigned int i;

	memcpy(gw_ports[ifc->idx].name, ifc->name, GW_NAME_MAX);
	for (i = 0; i < gw_tunnel_idx_end(); i++)
		if (gw_tunnels[i] != NULL && strcmp(gw_tunnels[i]->conf.dev, old) == 0)
			memcpy(gw_tunnels[i]->conf.dev, ifc->name, GW_NAME_MAX);
}

static const struct gw_iface_ops port_ops = {
	.set = port_set,
	.mtu = port_mtu,
	.renamed = port_renamed,
};

int
gw_iface_ports_add(struct gw_error *err)
{
	uint16_t p;
	int id;

	gw_iface_ops_register(GW_IFACE_PORT, &port_ops);
	for (p = 0; p < gw_nb_ports; p++) {
		id = gw_iface_add(GW_IFACE_PORT, p, gw_ports[p].name, gw_ports[p].up, err);
		if (id < 0)
			return id;
		gw_ports[p].iface = id;
	}
	return 0;
}

void
gw_iface_ports_linklocal(void)
{
	uint16_t p;

	gw_addr_linklocal_enable();
	for (p = 0; p < gw_nb_ports; p++)
		port_linklocal_sync(p);
}

void
gw_iface_port_linklocal_sync(uint16_t port)
{
	port_linklocal_sync(port);
}
