/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * One apply function per change. The startup file, and later the RPC and
 * so grewayctl, all reach the tables through gw_apply(), so they cannot
 * disagree. Each change is validated whole before anything is published.
 */
#ifndef GW_APPLY_H
#define GW_APPLY_H

#include "gw_cmd.h"
#include "gw_error.h"

/**
 * Create every table (next hops, FIB, tunnels) and each port's glean next
 * hop. Call once, after gw_port_probe().
 *
 * @return 0 or -errno.
 */
int gw_tables_init(int socket);

/**
 * Apply one parsed command to the running configuration.
 *
 * @return 0, or -errno with err naming the word; the state is unchanged on error.
 */
int gw_apply(const struct gw_cmd *cmd, struct gw_error *err);

#endif /* GW_APPLY_H */
