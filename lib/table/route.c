/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv4 routes over rte_fib. The FIB stores host-order addresses; callers pass
 * network order, converted here once.
 */
#include <errno.h>

#include <rte_byteorder.h>
#include <rte_errno.h>

#include "gw_nh.h"
#include "gw_route.h"

struct rte_fib *gw_fib;

int
gw_route_init(int socket)
{
	struct rte_fib_conf conf = {
		.type = RTE_FIB_DIR24_8,
		.default_nh = GW_NH_IDX_DROP,
		.max_routes = 1 << 16,
		.dir24_8 = {
			.nh_sz = RTE_FIB_DIR24_8_2B,
			.num_tbl8 = 1 << 12,
		},
	};

	gw_fib = rte_fib_create("gw_fib4", socket, &conf);
	return gw_fib == NULL ? -rte_errno : 0;
}

int
gw_route_add(uint32_t ip, uint8_t len, uint16_t nh, struct gw_error *err)
{
	int rc = rte_fib_add(gw_fib, rte_be_to_cpu_32(ip), len, nh);

	if (rc < 0)
		return gw_error_set(err, rc, "route table full or invalid (%s)", rte_strerror(-rc));
	return 0;
}

uint16_t
gw_route_lookup(uint32_t ip)
{
	uint32_t host = rte_be_to_cpu_32(ip);
	uint64_t nh = GW_NH_IDX_DROP;

	rte_fib_lookup_bulk(gw_fib, &host, &nh, 1);
	return nh;
}
