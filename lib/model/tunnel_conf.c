/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Tunnel modes by name, as ip-link(8) spells them.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "gw_tunnel_conf.h"

static const char *const mode_names[] = {
	[GW_MODE_GRE] = "gre",
	[GW_MODE_GRETAP] = "gretap",
	[GW_MODE_IP6GRE] = "ip6gre",
	[GW_MODE_IP6GRETAP] = "ip6gretap",
};

const char *
gw_tunnel_mode_name(enum gw_tunnel_mode mode)
{
	return (unsigned int)mode < RTE_DIM(mode_names) ? mode_names[mode] : "?";
}

int
gw_tunnel_mode_parse(const char *name, enum gw_tunnel_mode *mode)
{
	unsigned int m;

	for (m = 0; m < RTE_DIM(mode_names); m++) {
		if (strcmp(name, mode_names[m]) == 0) {
			*mode = m;
			return 0;
		}
	}
	return -EINVAL;
}
