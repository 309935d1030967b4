/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Counters as users read them: per port (from the PMD), per tunnel and per
 * drop reason (summed over the workers and the control thread).
 */
#ifndef GW_STATS_H
#define GW_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "gw_dp.h"

/** Sum of one tunnel's counters over the workers. */
void gw_stats_tunnel(uint16_t idx, struct gw_tunnel_counters *sum);

/** Sum of one drop reason over the workers and the control thread. */
uint64_t gw_stats_drop(enum gw_drop why);

/**
 * Print every counter, one object per line:
 *
 *     port NAME rx_packets N rx_bytes N tx_packets N tx_bytes N rx_missed N rx_errors N tx_errors N
 *     tunnel NAME rx_packets N rx_bytes N tx_packets N tx_bytes N
 *     drop REASON N
 *
 * Drop reasons are all printed, zero or not, so scripts can diff them.
 */
void gw_stats_print(FILE *f);

#endif /* GW_STATS_H */
