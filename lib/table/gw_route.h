/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The IPv4 route table: an rte_fib (DIR-24-8, 2-byte next hops) mapping a
 * destination to a next-hop index (gw_nh.h). Workers call rte_fib_lookup_bulk
 * once per burst on gw_fib; the control thread adds routes.
 *
 * 22.11's rte_fib has no RCU mode: adding a prefix is safe against concurrent
 * lookups (entries are published with single stores), deleting is not, so
 * route deletion waits for the RCU-guarded rebuild of the control-plane issue.
 */
#ifndef GW_ROUTE_H
#define GW_ROUTE_H

#include <stdint.h>

#include <rte_fib.h>

#include "gw_error.h"

extern struct rte_fib *gw_fib; /**< the IPv4 FIB read by workers */

/** Create the FIB. @return 0 or -errno. */
int gw_route_init(int socket);

/**
 * Add or replace a route.
 *
 * @param ip   Prefix, network order, host bits clear.
 * @param len  Prefix length.
 * @param nh   Next-hop index.
 * @return 0 or -errno with err set.
 */
int gw_route_add(uint32_t ip, uint8_t len, uint16_t nh, struct gw_error *err);

/**
 * Look up one destination (control thread).
 *
 * @param ip Network order.
 * @return next-hop index (GW_NH_IDX_DROP when no route).
 */
uint16_t gw_route_lookup(uint32_t ip);

#endif /* GW_ROUTE_H */
