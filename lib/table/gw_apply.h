/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * One apply function per change. The startup file, the RPC and so
 * grewayctl all reach the tables through gw_apply(), so they cannot
 * disagree. Each change is validated whole before anything is written, and
 * is staged: gw_tables_commit() publishes every change staged since the last
 * commit with one grace period, so a burst of changes (a startup file, the
 * requests a socket has ready) costs one, not one each.
 */
#ifndef GW_APPLY_H
#define GW_APPLY_H

#include "gw_cmd.h"
#include "gw_error.h"

/**
 * Create every table (interfaces, peers, next hops, FIB, tunnels, bridges)
 * at the sizes gw_limits says, make each port an interface and give it its
 * glean next hop. Call once, after gw_port_probe().
 *
 * @return 0 or -errno with err set.
 */
int gw_tables_init(int socket, struct gw_error *err);

/**
 * Publish what gw_apply staged: workers use it from now on, and what the
 * changes released is freed. Call after each burst of changes, before
 * telling anyone they are done.
 */
void gw_tables_commit(void);

/**
 * Apply one parsed command to the running configuration (staged until
 * gw_tables_commit).
 *
 * @return 0, or -errno with err naming the word; the state is unchanged on error.
 */
int gw_apply(const struct gw_cmd *cmd, struct gw_error *err);

#endif /* GW_APPLY_H */
