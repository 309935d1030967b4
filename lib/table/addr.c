/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Local addresses. A port's connected prefix resolves through the port's
 * GLEAN next hop (per-destination ARP or ND); a tunnel's through the
 * tunnel's own next hop, as a point-to-point link needs no resolution. A
 * link-local IPv6 address has no connected route: fe80::/64 is on every
 * port, and one FIB cannot tell which (its neighbours are found by port,
 * lib/ctrl/nd.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>

#include "gw_addr.h"
#include "gw_bridge.h"
#include "gw_iface.h"
#include "gw_inet.h"
#include "gw_ip6.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_tunnel.h"

struct gw_addr gw_addrs[GW_ADDR_MAX];
unsigned int gw_nb_addrs;
static bool linklocal_on;

static bool
is_linklocal(const struct gw_ip *ip)
{
	return ip->family == AF_INET6 && gw_ip6_is_linklocal(ip->v6);
}

/* Whether an address comes with a connected route for its prefix. */
static bool
has_connected(const struct gw_addr *a)
{
	return a->len < gw_ip_bits(&a->ip) && !is_linklocal(&a->ip);
}

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
	a->flags = 0;
	net = gw_addr_net(a);
	/* connected first, so a failure leaves no local host route behind */
	if (has_connected(a)) {
		rc = gw_route_add(&net, a->len, connected_nh(ifc), GW_ROUTE_CONNECTED, NULL, err);
		if (rc < 0)
			return rc;
		/* a port (a BVI) down drops what it gets; a tunnel's routes leave the FIB */
		if (!ifc->up && gw_iface_kind_is_tunnel(ifc->kind))
			gw_route_set_active(gw_route_find(&net, a->len), false);
	}
	rc = gw_route_add(&a->ip, gw_ip_bits(&a->ip), GW_NH_IDX_LOCAL, GW_ROUTE_LOCAL, NULL, err);
	if (rc < 0) {
		if (has_connected(a))
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
	if (has_connected(a))
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
		n += gw_addrs[i].iface == iface && !(gw_addrs[i].flags & GW_ADDR_F_AUTO);
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
gw_addr_source6(uint16_t iface, const uint8_t dst[16], uint8_t out[16])
{
	const struct gw_addr *ll = NULL, *first = NULL, *pick;
	struct gw_ip d = { .family = AF_INET6 };
	bool dst_ll = gw_ip6_is_linklocal(dst);
	unsigned int i;

	memcpy(d.v6, dst, 16);
	for (i = 0; i < gw_nb_addrs; i++) {
		const struct gw_addr *a = &gw_addrs[i];

		if (a->iface != iface || a->ip.family != AF_INET6)
			continue;
		if (is_linklocal(&a->ip)) {
			if (ll == NULL)
				ll = a;
			continue;
		}
		if (!dst_ll && gw_ip_in_prefix(&d, &a->ip, a->len)) {
			memcpy(out, a->ip.v6, 16);
			return true;
		}
		if (first == NULL)
			first = a;
	}
	/* a link-local destination is answered from the link, whatever else we have */
	pick = dst_ll ? ll : first != NULL ? first : ll;
	if (pick == NULL)
		return false;
	memcpy(out, pick->ip.v6, 16);
	return true;
}

int
gw_addr_linklocal_sync(uint16_t port)
{
	const struct gw_port *p = &gw_ports[port];
	struct gw_ip want = { .family = AF_INET6 };
	bool routed = !p->bvi && !p->bridged;
	struct gw_addr *a;
	unsigned int i;
	int rc;

	if (!linklocal_on)
		return 0;
	gw_ip6_linklocal_of_mac(p->mac.addr_bytes, want.v6);
	for (i = 0; i < gw_nb_addrs; i++) {
		if (gw_addrs[i].iface != p->iface || !(gw_addrs[i].flags & GW_ADDR_F_AUTO))
			continue;
		if (routed && gw_ip_equal(&gw_addrs[i].ip, &want))
			return 0;
		gw_addr_del(i); /* the old MAC's, or the port joined a bridge */
		break;
	}
	if (!routed)
		return 0;
	if (gw_addr_is_local(&want))
		return -EEXIST;
	if (gw_nb_addrs == GW_ADDR_MAX)
		return -ENOSPC;
	rc = gw_route_add(&want, 128, GW_NH_IDX_LOCAL, GW_ROUTE_LOCAL, NULL, NULL);
	if (rc < 0)
		return rc;
	a = &gw_addrs[gw_nb_addrs++];
	a->ip = want;
	a->len = 64;
	a->iface = p->iface;
	a->flags = GW_ADDR_F_AUTO;
	return 0;
}

void
gw_addr_linklocal_enable(void)
{
	linklocal_on = true;
}

/* Whether ip is in one of our /30-or-wider prefixes with all host bits set, or with none. */
static bool
subnet_edge(uint32_t ip, bool network_too)
{
	uint32_t mask;
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++) {
		const struct gw_addr *a = &gw_addrs[i];

		if (a->ip.family != AF_INET || a->len >= 31)
			continue; /* /31 and /32 have no broadcast address (RFC 3021) */
		mask = rte_cpu_to_be_32(gw_ipv4_mask(a->len));
		if ((ip & mask) == (a->ip.v4 & mask) &&
		    ((ip | mask) == UINT32_MAX || (network_too && (ip & ~mask) == 0)))
			return true;
	}
	return false;
}

bool
gw_addr_is_subnet_bcast(uint32_t ip)
{
	return subnet_edge(ip, false);
}

bool
gw_addr_is_subnet_edge(uint32_t ip)
{
	return subnet_edge(ip, true);
}
