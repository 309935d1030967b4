/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One name space for ports and tunnels (see gw_dev.h).
 */
#include <errno.h>

#include "gw_dev.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_tunnel.h"

int
gw_dev_lookup(const char *name, struct gw_dev *dev, struct gw_error *err)
{
	int idx = gw_port_by_name(name);

	if (idx >= 0) {
		dev->is_tunnel = false;
		dev->idx = idx;
		return 0;
	}
	idx = gw_tunnel_by_name(name);
	if (idx >= 0) {
		dev->is_tunnel = true;
		dev->idx = idx;
		return 0;
	}
	return gw_error_set(err, -ENODEV, "no device \"%s\"", name);
}

bool
gw_dev_name_taken(const char *name)
{
	return gw_port_by_name(name) >= 0 || gw_tunnel_by_name(name) >= 0;
}

const char *
gw_nh_dev_name(uint16_t idx)
{
	const struct gw_nh *nh = &gw_nhs[idx];

	switch (nh->kind) {
	case GW_NH_GLEAN:
	case GW_NH_NEIGH:
		return gw_ports[nh->port].name;
	case GW_NH_TUNNEL:
		return gw_tunnels[nh->tunnel] != NULL ? gw_tunnels[nh->tunnel]->conf.name : "";
	default:
		return "";
	}
}
