/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Next hops: what a route resolves to, read by workers after each FIB lookup.
 *
 * As in VPP's adjacencies: a connected prefix points at its port's GLEAN next
 * hop (the destination itself must be resolved by ARP, after which a /32 route
 * to a NEIGH next hop is added); a route via a gateway points at the gateway's
 * NEIGH next hop; a route into a tunnel at a TUNNEL next hop, which names the
 * tunnel and the peer the packet goes to (a point-to-point tunnel's one peer).
 * Next hops name interfaces by id (gw_iface.h) and hold IPv4 or IPv6 addresses.
 *
 * A NEIGH's MAC and state live in one 64-bit word that the control thread
 * stores atomically, so a worker never sees half an address.
 */
#ifndef GW_NH_H
#define GW_NH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "gw_error.h"
#include "gw_inet.h"


/** What a next hop does with a packet. */
enum gw_nh_kind {
	GW_NH_DROP = 0, /**< no route */
	GW_NH_LOCAL,    /**< one of our addresses: deliver locally */
	GW_NH_GLEAN,    /**< connected prefix: resolve the destination by ARP */
	GW_NH_NEIGH,    /**< a neighbour on a port, MAC in l2 */
	GW_NH_TUNNEL,   /**< into a tunnel: its one peer */
	GW_NH_SPOKE,    /**< an overlay neighbour on a multipoint tunnel: its spoke's peer */
	GW_NH_REPLICATE, /**< a multipoint tunnel itself: a copy to every spoke */
};

#define GW_NH_IDX_DROP 0  /**< FIB default: no route */
#define GW_NH_IDX_LOCAL 1 /**< shared by every local address */

#define GW_NH_L2_VALID (UINT64_C(1) << 63) /**< l2 holds a resolved MAC */

/** One next hop. What workers read comes first. */
struct gw_nh {
	uint64_t l2;       /**< NEIGH: MAC in bytes 0-5 (memory order) | GW_NH_L2_VALID */
	uint16_t port;     /**< NEIGH, GLEAN: the port it leaves by (gw_ports[] index) */
	uint8_t kind;      /**< enum gw_nh_kind */
	uint8_t is_static; /**< NEIGH, SPOKE: from neigh add, never overwritten by ARP or learning */
	uint8_t learned;   /**< NEIGH: counted against the learned cap; SPOKE: learned from traffic */
	uint8_t released;  /**< given back, free after the next grace period */
	uint16_t iface;    /**< NEIGH, GLEAN: the port's interface; the others: the tunnel's */
	/**
	 * TUNNEL: the peer id. SPOKE: the spoke's peer, GW_PEER_NONE while no
	 * mapping says where the overlay address is; a learned entry moves with
	 * one atomic store (gw_nh_spoke_set).
	 */
	uint32_t peer;
	uint16_t tunnel;   /**< TUNNEL, SPOKE, REPLICATE: tunnel index */
	uint32_t seen;     /**< SPOKE, learned: when traffic last confirmed it (gw_fdb_now clock) */
	struct gw_ip ip;   /**< NEIGH, SPOKE: the neighbour's (overlay) address */
	uint64_t solicit_tsc; /**< NEIGH: when ARP was last sent (control thread only) */
} __rte_cache_aligned; /* one line each: what a worker reads never straddles two */

extern struct gw_nh *gw_nhs; /**< gw_limits.nhs entries, index 0 and 1 preset */

/** Allocate the next-hop array and its neighbour index. @return 0 or -ENOMEM. */
int gw_nh_init(int socket);

/**
 * Allocate a next hop of a kind.
 *
 * @return its index, or -ENOSPC.
 */
int gw_nh_alloc(enum gw_nh_kind kind);

/**
 * Give a next hop back. The caller has unpublished it (no route or peer
 * refers to it any more); it leaves the neighbour index now and becomes free
 * after the next grace period (gw_rcu_flush), so a worker still holding it
 * reads it whole.
 */
void gw_nh_release(uint32_t idx);

/** Call cb with the index of every NEIGH and SPOKE next hop not released (control thread). */
void gw_nh_neigh_foreach(void (*cb)(uint32_t idx, void *arg), void *arg);

/**
 * One past the highest next-hop index ever taken: a walk over gw_nhs[]
 * stops there, not at gw_limits.nhs.
 */
uint32_t gw_nh_end(void);

/**
 * Find the NEIGH next hop for (port, ip), creating an unresolved one if asked.
 *
 * @param port  gw_ports[] index; the next hop's iface is the port's.
 * @return its index, -ENOENT (not found, create false), -ENOSPC.
 */
int gw_nh_neigh_get(uint16_t port, const struct gw_ip *ip, bool create);

/**
 * Find the SPOKE next hop of an overlay address on a multipoint tunnel,
 * creating one without a spoke (GW_PEER_NONE) if asked.
 *
 * @param iface  The tunnel's interface id.
 * @return its index, -ENOENT (not found, create false), -ENOSPC.
 */
int gw_nh_spoke_get(uint16_t iface, uint16_t tunnel, const struct gw_ip *ip, bool create);

/** Point a SPOKE next hop at a spoke's peer (or GW_PEER_NONE): workers see one or the other. */
static inline void
gw_nh_spoke_set(struct gw_nh *nh, uint32_t peer)
{
	__atomic_store_n(&nh->peer, peer, __ATOMIC_RELEASE);
}

/** Read a SPOKE's peer once (workers). */
static inline uint32_t
gw_nh_spoke_peer(const struct gw_nh *nh)
{
	return __atomic_load_n(&nh->peer, __ATOMIC_ACQUIRE);
}

/**
 * Find or create the NEIGH next hop of a neighbour the gateway learns by
 * itself (ARP, traffic to a connected prefix). At most a quarter of the
 * next hops (gw_limits.nhs / 4) are those, so no traffic can exhaust the
 * next hops that routes and tunnels need (learned entries do not age yet).
 *
 * @return its index, or -ENOSPC when it does not exist and the cap is reached.
 */
int gw_nh_neigh_learn(uint16_t port, const struct gw_ip *ip);

/**
 * Publish a neighbour's MAC: workers see the whole address or none of it.
 */
void gw_nh_neigh_set_mac(struct gw_nh *nh, const struct rte_ether_addr *mac);

/** Forget a neighbour's MAC: workers solicit it again. */
void gw_nh_neigh_clear_mac(struct gw_nh *nh);

/**
 * The error of a next hop that could not be made (gw_nh_alloc and the
 * finders that create): out of next hops, naming --max-next-hops, or of
 * memory.
 *
 * @param who  What needed it ("tunnel gre1: "), or "".
 * @return rc, with err set.
 */
int gw_nh_error(struct gw_error *err, int rc, const char *who);

/** Name of the interface a next hop leaves by; "" for local and drop. */
const char *gw_nh_dev_name(uint32_t idx);

/** Read a NEIGH's l2 word once (workers). */
static inline uint64_t
gw_nh_l2_load(const struct gw_nh *nh)
{
	return __atomic_load_n(&nh->l2, __ATOMIC_ACQUIRE);
}

#endif /* GW_NH_H */
