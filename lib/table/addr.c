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
#include "gw_dev.h"
#include "gw_inet.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_tunnel.h"

struct gw_addr gw_addrs[GW_ADDR_MAX];
unsigned int gw_nb_addrs;

int
gw_addr_add(const struct gw_addr_conf *conf, struct gw_error *err)
{
	char buf[GW_PFX_STRLEN];
	struct gw_dev dev;
	struct gw_addr *a;
	uint32_t net;
	uint16_t nh;
	int rc;

	if (conf->prefix.addr.family != AF_INET)
		return gw_error_set(err, -EAFNOSUPPORT, "IPv6 address \"%s\": not supported yet",
				    gw_prefix_fmt(&conf->prefix, buf, sizeof(buf)));
	rc = gw_dev_lookup(conf->dev, &dev, err);
	if (rc < 0)
		return rc;
	if (gw_addr_is_local(conf->prefix.addr.v4))
		return gw_error_set(err, -EEXIST, "address %s is already assigned",
				    gw_prefix_fmt(&conf->prefix, buf, sizeof(buf)));
	if (gw_nb_addrs == GW_ADDR_MAX)
		return gw_error_set(err, -ENOSPC, "more than %d addresses", GW_ADDR_MAX);

	nh = dev.is_tunnel ? gw_tunnels[dev.idx]->nh : gw_ports[dev.idx].glean_nh;
	net = rte_cpu_to_be_32(rte_be_to_cpu_32(conf->prefix.addr.v4) &
			       gw_ipv4_mask(conf->prefix.len));
	/* connected first, so a failure leaves no local /32 behind */
	if (conf->prefix.len < 32) {
		rc = gw_route_add(net, conf->prefix.len, nh, GW_ROUTE_CONNECTED, NULL, err);
		if (rc < 0)
			return rc;
	}
	rc = gw_route_add(conf->prefix.addr.v4, 32, GW_NH_IDX_LOCAL, GW_ROUTE_LOCAL, NULL, err);
	if (rc < 0) {
		if (conf->prefix.len < 32)
			gw_route_del(net, conf->prefix.len);
		return rc;
	}
	a = &gw_addrs[gw_nb_addrs++];
	a->ip = conf->prefix.addr.v4;
	a->len = conf->prefix.len;
	a->on_tunnel = dev.is_tunnel;
	a->dev = dev.idx;
	return 0;
}

int
gw_addr_find(uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++)
		if (gw_addrs[i].ip == ip)
			return i;
	return -ENOENT;
}

void
gw_addr_del(unsigned int i)
{
	const struct gw_addr *a = &gw_addrs[i];
	uint32_t net = rte_cpu_to_be_32(rte_be_to_cpu_32(a->ip) & gw_ipv4_mask(a->len));

	gw_route_del(a->ip, 32);
	if (a->len < 32)
		gw_route_del(net, a->len);
	/* keep the order of the others: show and save list them as they were added */
	memmove(&gw_addrs[i], &gw_addrs[i + 1], (gw_nb_addrs - i - 1) * sizeof(gw_addrs[0]));
	gw_nb_addrs--;
}

bool
gw_addr_is_local(uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++)
		if (gw_addrs[i].ip == ip)
			return true;
	return false;
}

static uint32_t
source_on(bool on_tunnel, uint16_t dev, uint32_t dst)
{
	uint32_t first = 0, mask;
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++) {
		const struct gw_addr *a = &gw_addrs[i];

		if (a->on_tunnel != on_tunnel || a->dev != dev)
			continue;
		mask = rte_cpu_to_be_32(gw_ipv4_mask(a->len));
		if ((a->ip & mask) == (dst & mask))
			return a->ip;
		if (first == 0)
			first = a->ip;
	}
	return first;
}

uint32_t
gw_addr_source(uint16_t port, uint32_t dst)
{
	return source_on(false, port, dst);
}

uint32_t
gw_addr_source_tunnel(uint16_t tunnel, uint32_t dst)
{
	return source_on(true, tunnel, dst);
}

bool
gw_addr_is_subnet_bcast(uint32_t ip)
{
	uint32_t mask;
	unsigned int i;

	for (i = 0; i < gw_nb_addrs; i++) {
		const struct gw_addr *a = &gw_addrs[i];

		if (a->len >= 31)
			continue; /* /31 and /32 have no broadcast address (RFC 3021) */
		mask = rte_cpu_to_be_32(gw_ipv4_mask(a->len));
		if ((ip & mask) == (a->ip & mask) && (ip | mask) == UINT32_MAX)
			return true;
	}
	return false;
}
