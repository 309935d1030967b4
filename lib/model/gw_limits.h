/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The sizes of the tables (gw_limits.def): how many tunnels, peers, next
 * hops and routes the gateway holds. Startup settings, not compile-time
 * ones: greway's options set them before the tables are made, and nothing
 * changes them afterwards. Every array by tunnel index, peer id or next-hop
 * index (the workers' counters too) is allocated from them. Free of EAL
 * (libgw_base).
 */
#ifndef GW_LIMITS_H
#define GW_LIMITS_H

#include <stdint.h>
#include <stdio.h>

#include "gw_error.h"

/** The most tunnels: with the ports and bridges, interface ids stay 16-bit (gw_iface.h). */
#define GW_LIMIT_TUNNELS_MAX 65000

/** The sizes of the tables, one member per row of gw_limits.def. */
struct gw_limits {
#define GW_LIMIT(field, option, def, min, max, help) uint32_t field;
#include "gw_limits.def"
#undef GW_LIMIT
};

/** The sizes in force: the defaults until an option changes them (before gw_tables_init). */
extern struct gw_limits gw_limits;

/**
 * Set a size from greway's option and its argument.
 *
 * @param option  The long option without "--" ("max-peers").
 * @param arg     Its argument: a number within the row's range.
 * @return 0; -ENOENT when option is not a size; -EINVAL with err naming the
 *   option, its argument and the range ("invalid --max-peers \"x\": expected 1..16777216").
 */
int gw_limits_set(struct gw_limits *l, const char *option, const char *arg,
		  struct gw_error *err);

/** Print the options' lines of `greway --help`: the tables' sizes, allocated at start. */
void gw_limits_usage(FILE *f);

#endif /* GW_LIMITS_H */
