/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The configuration records of links, addresses, routes, neighbours and logs, as
 * the apply functions take them. The model, not the parser: the parser and
 * the RPC fill them, save formats them back. Free of EAL (libgw_base).
 */
#ifndef GW_CONF_H
#define GW_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_inet.h"
#include "gw_tunnel_conf.h"

/* Which words a link set command gave. */
#define GW_LINK_GIVEN_NAME (1u << 0)
#define GW_LINK_GIVEN_MAC  (1u << 1)
#define GW_LINK_GIVEN_MTU  (1u << 2)
#define GW_LINK_GIVEN_UP   (1u << 3)
#define GW_LINK_GIVEN_MASTER (1u << 4) /**< master BR, or nomaster (master empty) */

/** link set. */
struct gw_link_conf {
	char name[GW_NAME_MAX];    /**< link to change */
	char newname[GW_NAME_MAX]; /**< new name (GW_LINK_GIVEN_NAME) */
	uint8_t mac[6];            /**< new address (GW_LINK_GIVEN_MAC) */
	uint16_t mtu;              /**< new MTU (GW_LINK_GIVEN_MTU) */
	bool up;                   /**< admin state (GW_LINK_GIVEN_UP) */
	char master[GW_NAME_MAX];  /**< bridge to join; "" leaves it (GW_LINK_GIVEN_MASTER) */
	uint32_t given;            /**< GW_LINK_GIVEN_* */
};

#define GW_BRIDGE_AGEING_DEFAULT 300 /**< seconds a learned MAC lives unseen (802.1D) */
#define GW_BRIDGE_AGEING_MAX 1000000 /**< longest ageing_time, seconds (802.1D's bound) */
#define GW_BRIDGE_LEARNED_DEFAULT 4096 /**< learned MACs a bridge holds, at most, by default */
#define GW_BRIDGE_LEARNED_MAX 65536  /**< the largest fdb_max_learned (the FDB's size) */

/* Which words a link add gave. */
#define GW_BRIDGE_GIVEN_AGEING  (1u << 0)
#define GW_BRIDGE_GIVEN_LEARNED (1u << 1)

/**
 * link add BR type bridge [ageing_time S] [fdb_max_learned N]. ageing_time
 * is in seconds (iproute2 counts centiseconds); fdb_max_learned as Linux's
 * bridge option of that name, but never unlimited.
 */
struct gw_bridge_conf {
	char name[GW_NAME_MAX];   /**< the bridge's interface name */
	uint32_t ageing_time;     /**< seconds, 1..GW_BRIDGE_AGEING_MAX */
	uint32_t max_learned;     /**< 1..GW_BRIDGE_LEARNED_MAX */
	uint32_t given;           /**< GW_BRIDGE_GIVEN_* */
};

/** bridge fdb add|del MAC dev NAME master [static]; bridge fdb show [br BR]. */
struct gw_fdb_conf {
	uint8_t mac[6];          /**< the station's MAC (add, del) */
	char dev[GW_NAME_MAX];   /**< the bridge member it is behind (add, del) */
	char br[GW_NAME_MAX];    /**< show: only this bridge's; "" every bridge */
	/**
	 * add (append), del: a GRETAP hub's spoke, the underlay address that gets
	 * copies of flooded frames (mac all-zero, as VXLAN's default destinations);
	 * family 0: none
	 */
	struct gw_ip dst;
};

/** addr add|del. */
struct gw_addr_conf {
	struct gw_prefix prefix; /**< address and the connected prefix length */
	char dev[GW_NAME_MAX];   /**< port or tunnel */
};

/** route add|del. */
struct gw_route_conf {
	struct gw_prefix dst;  /**< destination, host bits cleared */
	struct gw_ip via;      /**< gateway; family 0 when none */
	char dev[GW_NAME_MAX]; /**< port or tunnel; empty when only via is given */
};

/** neigh add|del. */
struct gw_neigh_conf {
	struct gw_ip addr;     /**< neighbour address (on a multipoint tunnel: overlay) */
	uint8_t mac[6];        /**< its MAC (add only) */
	/** a hub's spoke mapping: lladdr is the spoke's underlay address (family 0: a MAC) */
	struct gw_ip underlay;
	char dev[GW_NAME_MAX]; /**< interface it is on; neigh show: only this one's, if set */
};

/** log set: rte_log's levels, 1 (emerg) to 8 (debug), as RTE_LOG_EMERG..RTE_LOG_DEBUG. */
struct gw_log_conf {
	char module[GW_NAME_MAX]; /**< greway module ("main", "port", ...) or "all" */
	uint8_t level;            /**< 1..8 */
};

#endif /* GW_CONF_H */
