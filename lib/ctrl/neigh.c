/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The neighbour entry ARP and neighbour discovery fill: which NEIGH next
 * hop an address on a port is, made when asked (learning, a packet waiting
 * for it), with its host route, so that the FIB leads to it and the tunnels
 * whose remote it is resolve their underlay. One place for both families:
 * they differ only in the host route's length and in link-local addresses.
 */
#include <errno.h>

#include "gw_ctrl.h"
#include "gw_ip6.h"
#include "gw_nh.h"
#include "gw_route.h"
#include "gw_tunnel.h"

int
gw_neigh_for(uint16_t port, const struct gw_ip *ip, bool create)
{
	const struct gw_nh *nh;
	int idx;

	/* link-local (fe80::/10): one per port, no route leads to it by prefix */
	if (ip->family == GW_AF_INET6 && gw_ip6_is_linklocal(ip->v6))
		return create ? gw_nh_neigh_learn(port, ip) : gw_nh_neigh_get(port, ip, false);
	nh = &gw_nhs[gw_route_lookup(ip)];
	if (nh->kind == GW_NH_NEIGH && nh->port == port && gw_ip_equal(&nh->ip, ip))
		return nh - gw_nhs;
	if (nh->kind != GW_NH_GLEAN || nh->port != port)
		return -ENOENT; /* not on a connected prefix of this port */
	idx = create ? gw_nh_neigh_learn(port, ip) : gw_nh_neigh_get(port, ip, false);
	if (idx < 0)
		return idx;
	if (gw_route_add(ip, gw_ip_bits(ip), idx, GW_ROUTE_NEIGH, NULL, NULL) < 0)
		return -ENOSPC;
	gw_tunnel_resolve_prefix(ip, gw_ip_bits(ip)); /* the peers whose remote it is */
	return idx;
}
