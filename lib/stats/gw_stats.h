/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Counters as users read them: per port (from the PMD), per peer and per
 * tunnel (the sum of its peers), and per drop reason (summed over the
 * workers and the control thread). Above lib/dp and lib/ctrl, whose
 * counters it reads.
 */
#ifndef GW_STATS_H
#define GW_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "gw_dp.h"

struct gw_tunnel;

/**
 * Start counting: a peer id or interface id given again starts from zero.
 * Call once, after gw_tables_init (the tables' sizes) and before any tunnel.
 *
 * @return 0 or -ENOMEM.
 */
int gw_stats_init(void);

/** Sum of one peer's counters over the workers. */
void gw_stats_peer(uint32_t id, struct gw_peer_counters *sum);

/** Sum of one tunnel's counters: its peers'. */
void gw_stats_tunnel(const struct gw_tunnel *t, struct gw_peer_counters *sum);

/** Sum of one bridge's counters over the workers, and the MACs it aged out. */
void gw_stats_bridge(uint16_t idx, struct gw_bridge_counters *sum, uint64_t *aged);

/** Sum of one bridge member's frame counters over the workers. */
void gw_stats_member(uint16_t iface, struct gw_member_counters *sum);

/** Sum of one drop reason over the workers and the control thread. */
uint64_t gw_stats_drop(enum gw_drop why);

/** stats clear: every counter reads zero from now on (the PMD's are not reset). */
void gw_stats_clear(void);

#define GW_STATS_PORT_FIELDS 8 /**< a port's row: rx/tx packets and bytes, missed, errors, nombuf */
/** most counters in one row: a bridge's or a port's */
#define GW_STATS_FIELDS_MAX (GW_BRIDGE_CTR_MAX + 2 > GW_STATS_PORT_FIELDS ? \
			     GW_BRIDGE_CTR_MAX + 2 : GW_STATS_PORT_FIELDS)

/** One object's counters, as every printer (text, JSON) sees them. */
struct gw_stats_row {
	const char *kind;                       /**< "port", "tunnel", "bridge", "member" or "drop" */
	const char *name;                       /**< port or tunnel name, or drop reason */
	unsigned int n;                         /**< counters in the row */
	const char *keys[GW_STATS_FIELDS_MAX];  /**< their names ("rx_packets", ...; "count") */
	uint64_t vals[GW_STATS_FIELDS_MAX];     /**< their values */
};

/**
 * Call cb for every port, every tunnel, every bridge, every bridge member,
 * then every drop reason (all of them,
 * zero or not), in that order: the one place that knows which counters exist.
 */
void gw_stats_foreach(void (*cb)(const struct gw_stats_row *row, void *arg), void *arg);

/**
 * Print every counter, one object per line:
 *
 *     port NAME rx_packets N rx_bytes N tx_packets N tx_bytes N rx_missed N rx_errors N tx_errors N
 *         rx_nombuf N
 *     tunnel NAME rx_packets N rx_bytes N tx_packets N tx_bytes N
 *     bridge NAME rx_frames N unicast N flooded N learned N moved N aged N dropped N
 *     member NAME rx_frames N tx_frames N
 *     drop REASON N
 *
 * Drop reasons are all printed, zero or not, so scripts can diff them.
 */
void gw_stats_print(FILE *f);

#endif /* GW_STATS_H */
