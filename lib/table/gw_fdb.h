/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The MAC table of every bridge (its forwarding database): (bridge, MAC) ->
 * the member the station is behind, learned from source MACs by workers or
 * added by hand (static). One lock-free rte_hash for all bridges: workers
 * look up without locks; writers take the table's spinlock, which a worker takes only
 * to learn a MAC it has not seen (a new station, not a packet of a known
 * one). A MAC that moves to another member is one atomic store. The control
 * thread ages learned entries and frees every deleted one after a grace
 * period (gw_rcu.h), so a worker that found an entry may still read it.
 *
 * A bridge learns at most its fdb_max_learned MACs; the whole table holds
 * GW_FDB_MAX. Beyond them, frames from new MACs are dropped and counted, so
 * a flood of random source MACs cannot fill the table or memory.
 */
#ifndef GW_FDB_H
#define GW_FDB_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_spinlock.h>

#include "gw_bridge.h"
#include "gw_error.h"

#define GW_FDB_MAX 65536 /**< MAC entries of all bridges */

/** The lookup key: the bridge and the MAC. No padding. */
struct gw_fdb_key {
	uint16_t bridge;           /**< bridge index */
	struct rte_ether_addr mac; /**< station MAC */
};
_Static_assert(sizeof(struct gw_fdb_key) == 8, "rte_hash keys have no padding");

/** One entry; the hash's data is its index in gw_fdb_entries. */
struct gw_fdb_entry {
	union gw_member dst; /**< the member the MAC is behind (atomic 8-byte word) */
	uint32_t seen;       /**< gw_fdb_now when a frame from it was last seen */
	uint8_t is_static;   /**< added by hand: never ages, never moves */
	uint8_t used;        /**< the slot holds an entry */
	struct gw_fdb_key key; /**< its key, for show and ageing */
};

extern struct rte_hash *gw_fdb_hash;          /**< gw_fdb_key -> entry index */
extern struct gw_fdb_entry *gw_fdb_entries;   /**< GW_FDB_MAX entries */
extern uint32_t gw_fdb_now;                   /**< timer seconds: init, then control thread */
extern uint32_t gw_fdb_learned[GW_BRIDGE_MAX]; /**< learned entries per bridge */

/** Create the table. @return 0 or -ENOMEM. */
int gw_fdb_init(int socket);

/** Result of gw_fdb_learn. */
enum gw_fdb_learn_rc {
	GW_FDB_LEARNED = 0, /**< a new entry */
	GW_FDB_KNOWN,       /**< in the table already (learned by any worker, any frame) */
	GW_FDB_FULL,        /**< the bridge's limit or the table's size is reached */
};

/**
 * Learn a MAC behind a member (workers; takes the table's lock).
 *
 * @param max  The bridge's fdb_max_learned.
 */
enum gw_fdb_learn_rc gw_fdb_learn(uint16_t bridge, const struct rte_ether_addr *mac,
				  union gw_member dst, uint32_t max);

/**
 * bridge fdb add: a static entry, or an entry made static and moved there.
 *
 * @return 0, or -ENOSPC with err set.
 */
int gw_fdb_add_static(uint16_t bridge, const struct rte_ether_addr *mac, union gw_member dst,
		      struct gw_error *err);

/**
 * bridge fdb del: an entry of the bridge behind member iface.
 *
 * @return 0 or -ENOENT.
 */
int gw_fdb_del(uint16_t bridge, const struct rte_ether_addr *mac, uint16_t iface);

/** Every entry behind a member (it left its bridge; static ones too). */
void gw_fdb_flush_iface(uint16_t iface);

/** Delete every entry behind a peer (a hub's GRETAP spoke that went). */
void gw_fdb_flush_peer(uint32_t peer);

/** Every entry of a bridge. */
void gw_fdb_flush_bridge(uint16_t bridge);

/**
 * Advance gw_fdb_now and delete the learned entries unseen for their bridge's
 * ageing_time (control thread, about once a second).
 */
void gw_fdb_age(uint32_t now);

/** Call cb for every entry in use (control thread). */
void gw_fdb_foreach(void (*cb)(const struct gw_fdb_entry *e, void *arg), void *arg);

#endif /* GW_FDB_H */
