/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * A hub's spoke mappings: an overlay address on a multipoint tunnel -> the
 * underlay address of the spoke it is behind, as Linux mGRE's neighbour
 * entries and VPP's TEIB. Each mapping is a SPOKE next hop (in the
 * neighbour index, by the tunnel's interface and the overlay address) with a
 * host route to it, pointing at the spoke's peer (gw_tunnel_spoke_get):
 * routes via the overlay address reach the spoke, and a mapping that moves
 * is one atomic store of the peer id.
 *
 * Mappings are static (neigh add ... lladdr UNDERLAY dev MGRE) or learned:
 * with learn on, workers notice a decapsulated packet whose inner source S
 * does not route back to the peer it came from and tell the control thread
 * (struct gw_learn_notice), which maps S to the packet's outer source. So a
 * spoke behind NAT needs no entry on the hub, and replies go where its
 * packets came from. A learned mapping moves when its source shows up from
 * another outer address, ages out unseen, and is bounded by learn-max.
 * Learning never overrides a static mapping, nor takes an address that
 * routes elsewhere (a spoke cannot claim the hub's LAN).
 */
#ifndef GW_SPOKE_H
#define GW_SPOKE_H

#include <stdint.h>

#include "gw_conf.h"
#include "gw_error.h"
#include "gw_tunnel.h"

/** What a worker tells the control thread when an inner source is to be learned. */
struct gw_learn_notice {
	uint32_t peer;      /**< the peer the packet matched (a spoke's, or the wildcard) */
	uint32_t inner_src; /**< its inner IPv4 source, network order */
	uint32_t outer_src; /**< its outer IPv4 source, network order */
	uint32_t pad;
};
_Static_assert(sizeof(struct gw_learn_notice) == 16, "a ring element of 16 bytes");

/**
 * neigh add OVERLAY lladdr UNDERLAY dev MGRE: a static mapping, made or
 * replacing a learned one (or moved to another underlay address).
 *
 * @return 0, or -errno with err naming the word; nothing changes on error.
 */
int gw_spoke_map_add(struct gw_tunnel *t, const struct gw_ip *overlay,
		     const struct gw_ip *underlay, struct gw_error *err);

/**
 * bridge fdb append 00:00:00:00:00:00 dev MGRETAP dst UNDERLAY: a GRETAP
 * hub's static spoke, which gets copies of the frames its bridge floods (as
 * a VXLAN device's default destinations in Linux). Its mapping is keyed by
 * the underlay address; gw_spoke_map_del deletes it.
 *
 * @return 0, or -errno with err naming the word; nothing changes on error.
 */
int gw_spoke_flood_add(struct gw_tunnel *t, const struct gw_ip *underlay, struct gw_error *err);

/** neigh del OVERLAY dev MGRE (static or learned). @return 0 or -ESRCH with err set. */
int gw_spoke_map_del(struct gw_tunnel *t, const struct gw_ip *overlay, struct gw_error *err);

/** Learn from a worker's notice (control thread). */
void gw_spoke_learn(const struct gw_learn_notice *n);

/** Delete the learned mappings unseen for their tunnel's learn-ageing (once a second). */
void gw_spoke_age(void);

/** Every mapping of a tunnel that is being deleted, with its host routes. */
void gw_spoke_flush(struct gw_tunnel *t);

#endif /* GW_SPOKE_H */
