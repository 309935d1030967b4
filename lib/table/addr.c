/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Local addresses. A port's connected prefix resolves through the port's
 * GLEAN next hop (per-destination ARP); a tunnel's through the tunnel's own
 * next hop, as a point-to-point link needs no resolution.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>

#include "gw_addr.h"
#include "gw_bridge.h"
#include "gw_iface.h"
#include "gw_inet.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_tunnel.h"

struct gw_addr gw_addrs[GW_ADDR_MAX];
unsigned int gw_nb_addrs;

struct gw_ip
gw_addr_net(const struct gw_addr *a)
{
	struct gw_prefix in = { .addr = a->ip, .len = a->len }, out;

	gw_prefix_masked(&in, &out);
	return out.addr;
}

/* The next hop of an interface's connected prefixes: a port's (a bridge's BVI's) or a tunnel's. */
static uint32_t
connected_nh(const struct gw_iface *ifc)
{
	int port = gw_iface_port(ifc, false);

	if (port >= 0)
		return gw_ports[port].glean_nh;
	/* a hub's: dropped as unmapped, unless a mapping gives the address a spoke */
	if (gw_tunnels[ifc->idx]->unmapped_nh != 0)
		return gw_tunnels[ifc->idx]->unmapped_nh;
	return gw_tunnels[ifc->idx]->nh;
}

int
gw_addr_add(const struct gw_addr_conf *conf, struct gw_error *err)
{
	char buf[GW_PFX_STRLEN];
	struct gw_iface *ifc;
	struct gw_addr *a;
	struct gw_ip net;
	int rc;

	rc = gw_iface_lookup(conf->dev, &ifc, err);
	if (rc < 0)
		return rc;
	if (gw_iface_kind_is_tap(ifc->kind))
		return gw_error_set(err, -EINVAL, "dev %s is a gretap tunnel, which carries Ethernet "
				    "frames: it has no address of its own", conf->dev);
	if (ifc->master != GW_IFACE_NONE)
		return gw_error_set(err, -EBUSY, "dev %s is a member of bridge %s: a bridge member "
				    "is not routed", conf->dev, gw_iface_name(ifc->master));
	if (gw_addr_is_local(&conf->prefix.addr))
		return gw_error_set(err, -EEXIST, "address %s is already assigned",
				    gw_prefix_fmt(&conf->prefix, buf, sizeof(buf)));
	if (gw_nb_addrs == GW_ADDR_MAX)
		return gw_error_set(err, -ENOSPC, "more than %d addresses", GW_ADDR_MAX);
	/* a bridge routes by its BVI port, made with its first address */
	if (ifc->kind == GW_IFACE_BRIDGE && (rc = gw_iface_port(ifc, true)) < 0)
		return gw_error_set(err, rc, "dev %s: %s", conf->dev,
				    rc == -ENOMEM ? "out of memory" : rc == -ENOSPC ?
				    "more bridges with addresses than " RTE_STR(GW_BVI_MAX) :
				    "out of next hops");

	a = &gw_addrs[gw_nb_addrs];
	a->ip = conf->prefix.addr;
	a->len = conf->prefix.len;
	a->iface = ifc->id;
	net = gw_addr_net(a);
	/* connected first, so a failure leaves no local host route behind */
	if (a->len < gw_ip_bits(&a->ip)) {
		rc = gw_route_add(&net, a->len, connected_nh(ifc), GW_ROUTE_CONNECTED, NULL, err);
		if (rc < 0)
			return rc;
		/* a port (a BVI) down drops what it gets; a tunnel's routes leave the FIB */
		if (!ifc->up && gw_iface_kind_is_tunnel(ifc->kind))
			gw_route_set_active(gw_route_find(&net, a->len), false);
	}
	rc = gw_route_add(&a->ip, gw_ip_bits(&a->ip), GW_NH_IDX_LOCAL, GW_ROUTE_LOCAL, NULL, err);
	if (rc < 0) {
		if (a->len < gw_ip_bits(&a->ip))
			gw_route_del(&net, a->len);
		return rc;
	}
	gw_nb_addrs++;
	return 0;
}

int
gw_addr_find(const struct gw_ip *ip)
{
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++)
		if (gw_ip_equal(&gw_addrs[i].ip, ip))
			return i;
	return -ENOENT;
}

void
gw_addr_del(unsigned int i)
{
	const struct gw_addr *a = &gw_addrs[i];
	struct gw_ip net = gw_addr_net(a);

	gw_route_del(&a->ip, gw_ip_bits(&a->ip));
	if (a->len < gw_ip_bits(&a->ip))
		gw_route_del(&net, a->len);
	/* keep the order of the others: show and save list them as they were added */
	memmove(&gw_addrs[i], &gw_addrs[i + 1], (gw_nb_addrs - i - 1) * sizeof(gw_addrs[0]));
	gw_nb_addrs--;
}

unsigned int
gw_addr_count(uint16_t iface)
{
	unsigned int i, n = 0;

	for (i = 0; i < gw_nb_addrs; i++)
		n += gw_addrs[i].iface == iface;
	return n;
}

bool
gw_addr_is_local(const struct gw_ip *ip)
{
	return gw_addr_find(ip) >= 0;
}

bool
gw_addr_is_local4(uint32_t ip)
{
	struct gw_ip a = gw_ip4(ip);

	return gw_addr_is_local(&a);
}

uint32_t
gw_addr_source4(uint16_t iface, uint32_t dst)
{
	uint32_t first = 0, mask;
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++) {
		const struct gw_addr *a = &gw_addrs[i];

		if (a->iface != iface || a->ip.family != AF_INET)
			continue;
		mask = rte_cpu_to_be_32(gw_ipv4_mask(a->len));
		if ((a->ip.v4 & mask) == (dst & mask))
			return a->ip.v4;
		if (first == 0)
			first = a->ip.v4;
	}
	return first;
}

bool
gw_addr_is_subnet_bcast(uint32_t ip)
{
	uint32_t mask;
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++) {
		const struct gw_addr *a = &gw_addrs[i];

		if (a->ip.family != AF_INET || a->len >= 31)
			continue; /* /31 and /32 have no broadcast address (RFC 3021) */
		mask = rte_cpu_to_be_32(gw_ipv4_mask(a->len));
		if ((ip & mask) == (a->ip.v4 & mask) && (ip | mask) == UINT32_MAX)
			return true;
	}
	return false;
}
