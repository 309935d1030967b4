/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Bridges: an interface kind that switches Ethernet frames between its
 * members, ports and gretap tunnels, by a MAC table it learns (gw_fdb.h), as
 * Linux's bridge and OVS's NORMAL action do. Members join with
 * `link set NAME master BR` and leave with `nomaster`.
 *
 * Workers read two things: gw_iface_bridge[], the bridge index of each
 * member interface (how a port's or a peer's frames find their bridge), and
 * the bridge object (struct gw_bridge), published whole and replaced on
 * each change like a peer: its members as the dataplane sends to them (the
 * flood list), its limits and its admin state.
 */
#ifndef GW_BRIDGE_H
#define GW_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "gw_conf.h"
#include "gw_error.h"
#include "gw_iface.h"

#define GW_BRIDGE_MAX 256          /**< bridges */
#define GW_BRIDGE_NONE UINT16_MAX  /**< not in a bridge */
#define GW_MEMBER_PORT_NONE UINT16_MAX /**< gw_member.port of a tunnel member */

/**
 * How a frame leaves by a member: out of a port, or encapsulated for a
 * gretap tunnel's peer. Eight bytes, so an FDB entry's destination is
 * swapped with one store when a MAC moves; the three fields fill them, so
 * two members are equal when their words are.
 */
union gw_member {
	struct {
		uint16_t iface; /**< the member's interface id */
		uint16_t port;  /**< gw_ports[] index, or GW_MEMBER_PORT_NONE */
		uint32_t peer;  /**< the tunnel's peer id, or GW_PEER_NONE */
	};
	uint64_t u64; /**< the whole, for atomic loads and stores */
};
_Static_assert(sizeof(union gw_member) == 8, "a member is one 64-bit word, without padding");

#define GW_BVI_NONE UINT16_MAX /**< gw_bridge.bvi of a bridge without address */

/** A bridge as workers read it; a change publishes a new one. */
struct gw_bridge {
	uint16_t idx;          /**< index in gw_bridges[] */
	uint16_t iface;        /**< its interface id */
	uint8_t up;            /**< administratively up: forwards */
	uint16_t nb_members;   /**< members[] in use */
	uint32_t max_learned;  /**< fdb_max_learned */
	uint16_t bvi;          /**< its BVI port (gw_ports[] index) once it has an address */
	struct rte_ether_addr mac; /**< the BVI's MAC: frames to it are routed */
	union gw_member members[]; /**< the flood list, in interface id order */
};

/** A bridge as the control thread keeps it. */
struct gw_bridge_ctl {
	struct gw_bridge_conf conf; /**< as configured (name follows renames) */
	uint16_t iface;             /**< its interface id */
	bool used;                  /**< the slot holds a bridge */
	bool mac_set;               /**< MAC given by link set (save writes it) */
	uint16_t bvi;               /**< its BVI port, GW_BVI_NONE until it has an address */
	struct rte_ether_addr mac;  /**< its own MAC: random until set */
	uint64_t aged;              /**< learned MACs that aged out */
};

extern struct gw_bridge *gw_bridges[GW_BRIDGE_MAX];     /**< by index, for workers; NULL: none */
extern struct gw_bridge_ctl gw_bridge_ctls[GW_BRIDGE_MAX]; /**< by index, control thread */
/** By interface id (gw_iface_max of them): its bridge's index, or GW_BRIDGE_NONE. */
extern uint16_t *gw_iface_bridge;

/**
 * Called when a bridge index is taken again: the owner of its per-worker
 * counters (lib/stats) starts them from zero. Set by that layer.
 */
extern void (*gw_bridge_reset_cb)(uint16_t idx);

/**
 * Create the bridge tables and the MAC table (after gw_iface_init); register
 * the kind. @return 0 or -ENOMEM.
 */
int gw_bridge_init(int socket);

/**
 * link add BR type bridge.
 *
 * @return 0, or -errno with err naming the word; nothing changes on error.
 */
int gw_bridge_add(const struct gw_bridge_conf *conf, struct gw_error *err);

/**
 * link del BR: its members leave it (and their MACs the table), then it goes.
 *
 * @return 0, or -ENODEV / -EINVAL (not a bridge) with err set.
 */
int gw_bridge_del(const char *name, struct gw_error *err);

/**
 * First half of master BR / nomaster and of up / down (gw_iface_set): check
 * that ifc may join br (NULL: no master word; empty: nomaster) and build the
 * bridge objects the command publishes, with ifc in the admin state "up" it
 * leaves it in (a member down is in no flood list). Nothing is visible until
 * gw_bridge_master_commit.
 *
 * @return 0, or -errno with err naming the word (-ENOMEM: out of memory).
 */
int gw_bridge_master_prepare(struct gw_iface *ifc, const char *br, bool up,
			     struct gw_error *err);

/** Publish what gw_bridge_master_prepare built (nothing if it built nothing); cannot fail. */
void gw_bridge_master_commit(void);

/** Forget what gw_bridge_master_prepare built. */
void gw_bridge_master_cancel(void);

/**
 * First half of a member interface going away (tunnel del): build its
 * bridge's object without it, before anything changes.
 *
 * @return 0, or -ENOMEM with err set.
 */
int gw_bridge_member_gone_prepare(uint16_t iface, struct gw_error *err);

/** Second half: it leaves its bridge, with its MACs; cannot fail. */
void gw_bridge_member_gone(uint16_t iface);

/**
 * Each BVI's MTU made its bridge's again (the smallest of its members',
 * which any change of a member's or its underlay's MTU may move): called by
 * gw_tables_commit, before what a change staged is published.
 */
void gw_bridge_bvi_sync(void);

/** The bridge of an interface, or NULL when it is no bridge. */
struct gw_bridge_ctl *gw_bridge_of_iface(uint16_t iface);

/**
 * The gw_ports[] index an interface routes by: a port's own, a bridge's BVI
 * (made when create is true and it has none yet). -ENODEV for others (a
 * tunnel, a bridge without address), -ENOSPC when no BVI slot is left.
 */
int gw_iface_port(const struct gw_iface *ifc, bool create);

/** The member of an interface as the dataplane sends to it (port or peer). */
union gw_member gw_bridge_member_of(uint16_t iface);

#endif /* GW_BRIDGE_H */
