/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The IPv4 route table: an rte_fib (DIR-24-8, 2-byte next hops) mapping a
 * destination to a next-hop index (gw_nh.h), and beside it the list of routes
 * as they were made (for show, save and delete).
 *
 * Workers call rte_fib_lookup_bulk on gw_fib once or twice per burst. 22.11's
 * rte_fib has no RCU mode, and deleting a prefix may recycle a tbl8 group
 * under a concurrent lookup. So there are two identical FIBs: a change is
 * made to the one workers do not read, that one is published, a grace period
 * (rte_rcu_qsbr) lets every worker leave the other, and the same change is
 * then made to it. Lookups never see a half-made change and never stop.
 */
#ifndef GW_ROUTE_H
#define GW_ROUTE_H

#include <stdint.h>

#include <rte_fib.h>

#include "gw_conf.h"
#include "gw_error.h"

#define GW_ROUTE_MAX (1 << 16) /**< routes of every origin */

/** Who made a route; decides what may replace it and what show and save list. */
enum gw_route_origin {
	GW_ROUTE_NEIGH = 0,  /**< a neighbour's /32 (neigh add, ARP, a tunnel's remote) */
	GW_ROUTE_STATIC,     /**< route add */
	GW_ROUTE_CONNECTED,  /**< the prefix of an address (addr add) */
	GW_ROUTE_LOCAL,      /**< an address of ours, /32 */
};

/** One route. */
struct gw_route {
	uint32_t ip;         /**< prefix, network order, host bits clear */
	uint8_t len;         /**< prefix length */
	uint8_t origin;      /**< enum gw_route_origin */
	uint16_t nh;         /**< next-hop index */
	uint32_t seq;        /**< creation order: save replays routes in it */
	struct gw_route_conf conf; /**< STATIC: as the user gave it */
};

extern struct rte_fib *gw_fib; /**< the FIB workers read now */

/** Create both FIBs and the route list. @return 0 or -errno. */
int gw_route_init(int socket);

/**
 * Add a route, or replace one of the same prefix. A NEIGH route is replaced
 * by any; a STATIC one by a STATIC one (as `ip route replace`); CONNECTED and
 * LOCAL ones by none (-EEXIST).
 *
 * @param ip     Prefix, network order, host bits clear.
 * @param len    Prefix length.
 * @param nh     Next-hop index.
 * @param origin enum gw_route_origin.
 * @param conf   STATIC: the command, kept for show and save; else NULL.
 * @return 0 or -errno with err set (err may be NULL).
 */
int gw_route_add(uint32_t ip, uint8_t len, uint16_t nh, enum gw_route_origin origin,
		 const struct gw_route_conf *conf, struct gw_error *err);

/**
 * Delete a route; workers stop using it before this returns.
 *
 * @return 0 or -ENOENT.
 */
int gw_route_del(uint32_t ip, uint8_t len);

/** The route of exactly this prefix, or NULL. */
const struct gw_route *gw_route_find(uint32_t ip, uint8_t len);

/**
 * Every route, in no particular order.
 *
 * @param out Receives up to max pointers, valid until the next change.
 * @return the number of routes (may exceed max).
 */
unsigned int gw_route_list(const struct gw_route **out, unsigned int max);

/** How many routes exist. */
unsigned int gw_route_count(void);

/**
 * Look up one destination (control thread).
 *
 * @param ip Network order.
 * @return next-hop index (GW_NH_IDX_DROP when no route).
 */
uint16_t gw_route_lookup(uint32_t ip);

#endif /* GW_ROUTE_H */
