/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The route table: routes of either family as they were made (for show,
 * save and delete), and the FIBs workers look destinations up in, mapping a
 * destination to a next-hop index (gw_nh.h): an rte_fib (DIR-24-8) for
 * IPv4, an rte_fib6 (TRIE) for IPv6. Their entries are 2 bytes while the
 * next hops fit 15 bits (gw_limits.nhs up to GW_FIB_2B_NHS, the default),
 * 4 bytes beyond.
 *
 * Workers call rte_fib_lookup_bulk on gw_fib (rte_fib6_lookup_bulk on
 * gw_fib6) once or twice per burst. 22.11's rte_fib and rte_fib6 have no
 * RCU mode, and deleting a prefix may recycle a tbl8 group
 * under a concurrent lookup. So there are two identical FIBs: changes are
 * staged in the one workers do not read; gw_rcu_flush publishes it, waits
 * one grace period for every worker to leave the other, and replays the same
 * changes there. A burst of changes costs one grace period, lookups never
 * see a half-made change and never stop. The control thread's own lookups
 * (gw_route_lookup) see the staged changes at once.
 *
 * A route whose interface is down stays in the table, inactive: out of the
 * FIB until its interface comes up again (as Linux's linkdown routes).
 *
 * The table holds gw_limits.routes routes. A /24 that holds a longer prefix
 * (a neighbour's or a spoke mapping's host route, an address) takes one of
 * the FIB's tbl8 groups (256 entries): with 2-byte entries there are
 * gw_limits.routes / 32 of them, as many as before the sizes were settings
 * (4096 at the defaults); with 4-byte entries, the configuration of a large
 * hub, one for every other route, so that as many spoke mappings as inner
 * routes fit wherever the spokes' addresses are. doc/config.md ("Sizing")
 * gives the memory.
 */
#ifndef GW_ROUTE_H
#define GW_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_fib.h>
#include <rte_fib6.h>

#include "gw_conf.h"
#include "gw_error.h"
#include "gw_limits.h"

#define GW_FIB_2B_NHS 32768 /**< next hops a FIB of 2-byte entries names: indexes below 2^15 */

/** Who made a route; decides what may replace it and what show and save list. */
enum gw_route_origin {
	GW_ROUTE_NEIGH = 0,  /**< a neighbour's host route (neigh add, ARP, a tunnel's remote) */
	GW_ROUTE_STATIC,     /**< route add */
	GW_ROUTE_CONNECTED,  /**< the prefix of an address (addr add) */
	GW_ROUTE_LOCAL,      /**< an address of ours, host route */
};

/** One route. */
struct gw_route {
	struct gw_ip dst;    /**< prefix, host bits clear */
	uint8_t len;         /**< prefix length */
	uint8_t origin;      /**< enum gw_route_origin */
	bool active;         /**< in the FIB (false while its interface is down) */
	uint32_t nh;         /**< next-hop index */
	uint32_t seq;        /**< creation order: save replays routes in it */
	struct gw_route_conf conf; /**< STATIC: as the user gave it */
};

extern struct rte_fib *gw_fib;   /**< the IPv4 FIB workers read now */
extern struct rte_fib6 *gw_fib6; /**< the IPv6 FIB workers read now */

/** Create both FIBs and the route list. @return 0 or -errno. */
int gw_route_init(int socket);

/**
 * Add a route, or replace one of the same prefix. A NEIGH route is replaced
 * by any; a STATIC one by a STATIC one (as `ip route replace`); CONNECTED and
 * LOCAL ones by none (-EEXIST). Staged: workers see it after gw_rcu_flush.
 *
 * @param dst    Prefix, host bits clear.
 * @param len    Prefix length.
 * @param nh     Next-hop index.
 * @param origin enum gw_route_origin.
 * @param conf   STATIC: the command, kept for show and save; else NULL.
 * @return 0 or -errno with err set (err may be NULL); nothing changes on error.
 */
int gw_route_add(const struct gw_ip *dst, uint8_t len, uint32_t nh, enum gw_route_origin origin,
		 const struct gw_route_conf *conf, struct gw_error *err);

/**
 * Make room to stage n more FIB changes, so that a change made of several
 * (a tunnel's routes going with it) cannot fail half-way.
 *
 * @return 0 or -ENOMEM.
 */
int gw_route_reserve(unsigned int n);

/**
 * Delete a route. Staged: workers may use it until gw_rcu_flush, so what it
 * leads to is released with gw_rcu_defer.
 *
 * @return 0 or -ENOENT.
 */
int gw_route_del(const struct gw_ip *dst, uint8_t len);

/** Take a route out of the FIB (false) or put it back (true); staged. */
void gw_route_set_active(const struct gw_route *r, bool active);

/** The route of exactly this prefix, or NULL. */
const struct gw_route *gw_route_find(const struct gw_ip *dst, uint8_t len);

/**
 * Every route, in no particular order.
 *
 * @param out Receives up to max pointers, valid until the next change.
 * @return the number of routes (may exceed max).
 */
unsigned int gw_route_list(const struct gw_route **out, unsigned int max);

/**
 * Call cb for every route (control thread; cb may change a route's state,
 * not add or delete routes).
 */
void gw_route_foreach(void (*cb)(const struct gw_route *r, void *arg), void *arg);

/**
 * Whether a route other than the host route of own/own_len leads to a next
 * hop (control thread; no allocation).
 */
bool gw_route_nh_used(uint32_t nh, const struct gw_ip *own, uint8_t own_len);

/** How many routes exist. */
unsigned int gw_route_count(void);

/**
 * Look up one destination as the staged table has it (control thread).
 *
 * @return next-hop index (GW_NH_IDX_DROP when no route).
 */
uint32_t gw_route_lookup(const struct gw_ip *dst);

/** gw_route_lookup of an IPv4 address (network order). */
uint32_t gw_route_lookup4(uint32_t dst);

/** gw_route_lookup of an IPv6 address. */
uint32_t gw_route_lookup6(const uint8_t dst[16]);

#endif /* GW_ROUTE_H */
