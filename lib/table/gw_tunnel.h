/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Tunnels: an interface of a tunnel kind, its configuration, and its peers
 * (gw_peer.h). A point-to-point tunnel has one fixed peer, whose TUNNEL next
 * hop routes lead into it. A multipoint tunnel (remote any, a hub) has a
 * wildcard peer, which receives what no spoke's peer does, and one peer per
 * spoke (an underlay address), made while a mapping (gw_spoke.h) leads to
 * it; its own next hop is a REPLICATE one, a copy to every spoke. The tunnel
 * object is the control thread's; workers read the peers, which carry
 * everything of their tunnel that the dataplane needs, and the spoke sets.
 *
 * Decap finds a peer in a lock-free rte_hash by (family, local address,
 * remote address or wildcard, key presence and key). Key semantics are exact
 * (RFC 2890 §2.1): a keyed packet matches only the tunnel with that ikey; a
 * keyless packet only a tunnel without ikey. Key 0 is a key.
 */
#ifndef GW_TUNNEL_H
#define GW_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_hash.h>

#include "gw_error.h"
#include "gw_peer.h"
#include "gw_tcp.h"
#include "gw_tunnel_conf.h"

#define GW_TKEY_HAS_KEY 1u /**< gw_tunnel_key4.flags: the packet carries a key */
#define GW_TKEY_ANY_REMOTE 2u /**< gw_tunnel_key4.flags: wildcard remote (remote any) */

/** The decap lookup key of an IPv4 underlay (the table is the family). No padding. */
struct gw_tunnel_key4 {
	uint32_t local;  /**< outer destination (ours), network order */
	uint32_t remote; /**< outer source, network order; 0 with GW_TKEY_ANY_REMOTE */
	uint32_t key;    /**< GRE key, host order; 0 without GW_TKEY_HAS_KEY */
	uint32_t flags;  /**< GW_TKEY_* */
};
_Static_assert(sizeof(struct gw_tunnel_key4) == 16, "rte_hash keys have no padding");

/**
 * The decap key of an IPv6 underlay (the table is the family). 48 bytes, the
 * last 8 zero: rte_hash compares keys of 16, 32, 48 ... bytes with vector
 * code, any other length with memcmp.
 */
struct gw_tunnel_key6 {
	uint8_t local[16];  /**< outer destination (ours) */
	uint8_t remote[16]; /**< outer source; zero with GW_TKEY_ANY_REMOTE */
	uint32_t key;       /**< GRE key, host order; 0 without GW_TKEY_HAS_KEY */
	uint32_t flags;     /**< GW_TKEY_* */
	uint64_t zero;      /**< always 0: the key's length is one rte_hash compares fast */
};
_Static_assert(sizeof(struct gw_tunnel_key6) == 48, "rte_hash keys have no padding");

/** A decap key of either family, as the control thread handles them. */
struct gw_tunnel_key {
	uint8_t family; /**< the underlay's: AF_INET or AF_INET6 */
	union {
		struct gw_tunnel_key4 k4; /**< family AF_INET */
		struct gw_tunnel_key6 k6; /**< family AF_INET6 */
	};
};

/** The decap key that leads to a peer of an IPv4 underlay. */
void gw_tunnel_key4_of(const struct gw_peer *p, struct gw_tunnel_key4 *k);

/** The decap key that leads to a peer of an IPv6 underlay. */
void gw_tunnel_key6_of(const struct gw_peer *p, struct gw_tunnel_key6 *k);

/** Counters of a multipoint tunnel's learning (control thread), gw_learn_ctr.def. */
enum gw_learn_ctr {
#define GW_LEARN_CTR(e, name, what) GW_LEARN_CTR_##e,
#include "gw_learn_ctr.def"
#undef GW_LEARN_CTR
	GW_LEARN_CTR_MAX
};

/** A tunnel, as the control thread keeps it. */
struct gw_tunnel {
	struct gw_tunnel_conf conf; /**< as configured, for show, save and change */
	uint16_t idx;      /**< index in gw_tunnels[] */
	uint16_t iface;    /**< its interface id */
	/** TUNNEL next hop of its fixed peer; REPLICATE for a multipoint tunnel */
	uint32_t nh;
	/** multipoint: SPOKE next hop without spoke, of its connected prefixes */
	uint32_t unmapped_nh;
	uint32_t nb_peers; /**< peers in peers[]: the fixed or wildcard one first, spokes after */
	uint32_t peers_cap; /**< room in peers[] */
	uint32_t *peers;   /**< its peers' ids */
	uint32_t nb_learned; /**< multipoint: learned mappings */
	bool spokes_dirty;   /**< multipoint: its spoke set is to be published again */
	uint64_t learn_ctr[GW_LEARN_CTR_MAX]; /**< multipoint: learning counters */
};

/** The spokes of a multipoint tunnel, as workers replicate to them: RCU-replaced. */
struct gw_spoke_set {
	uint32_t n;        /**< spokes */
	uint32_t peer[];   /**< their peer ids */
};

/** By tunnel index (gw_limits.tunnels): a multipoint tunnel's spokes, NULL for none. */
extern struct gw_spoke_set **gw_tunnel_spokes;

/**
 * By tunnel index: its learned mappings reached learn-max, so a packet from
 * a new inner source is dropped (learn_full). Written by the control thread.
 */
extern uint8_t *gw_tunnel_learn_full;

#define GW_IPV6_MIN_MTU 1280      /**< every IPv6 link carries this much (RFC 8200 §5) */
#define GW_PMTU_MIN 552             /**< lowest underlay path MTU believed (Linux's min_pmtu) */
#define GW_PMTU_TIMEOUT_DEFAULT 600 /**< seconds a learned path MTU holds (RFC 1191 §6.3) */

extern unsigned int gw_pmtu_timeout_s; /**< --pmtu-timeout */

/** By index, gw_limits.tunnels of them (control thread); NULL when free. */
extern struct gw_tunnel **gw_tunnels;
extern struct rte_hash *gw_tunnel_hash4;      /**< gw_tunnel_key4 -> struct gw_peer * */
extern struct rte_hash *gw_tunnel_pair_hash4; /**< (local, remote) -> count of tunnels */
extern struct rte_hash *gw_tunnel_hash6;      /**< gw_tunnel_key6 -> struct gw_peer * */
extern struct rte_hash *gw_tunnel_pair_hash6; /**< (local, remote), 16 bytes each -> count */

/**
 * Create the tunnel tables (gw_limits.tunnels tunnels, gw_limits.peers
 * peers: gw_peer_init first) and register the tunnel kinds' interface
 * operations.
 *
 * @return 0 or -ENOMEM.
 */
int gw_tunnel_init(int socket);

/**
 * One past the highest tunnel index ever taken: a walk over gw_tunnels[]
 * stops there, not at gw_limits.tunnels.
 */
uint32_t gw_tunnel_idx_end(void);

/**
 * tunnel add: validate the whole request, build the peer, then publish.
 *
 * @return 0 or -errno with err naming the word; nothing is published on error.
 */
int gw_tunnel_add(const struct gw_tunnel_conf *conf, struct gw_error *err);

/**
 * tunnel change: merge the words given into the tunnel's configuration,
 * validate the result whole, build new peer objects and publish them in
 * place of the old ones (same ids, next hop and counters), which are freed
 * after a grace period. Workers see the old peer or the new one, never a mix.
 *
 * @return 0 or -errno with err naming the word; nothing changes on error.
 */
int gw_tunnel_change(const struct gw_tunnel_conf *delta, struct gw_error *err);

/**
 * Unpublish a tunnel; its peers, next hop, interface and index are given
 * back after the next grace period. Routes and addresses on it must be gone
 * already (gw_apply does that).
 *
 * @return 0 or -ENOENT.
 */
int gw_tunnel_del(uint16_t idx);

/**
 * The peer of a multipoint tunnel's spoke at underlay address remote,
 * made if there is none (with no mapping yet: refs 0).
 *
 * @return the peer id, or -errno with err set (a point-to-point tunnel
 *   receives from that address with the same key; out of peers).
 */
int gw_tunnel_spoke_get(struct gw_tunnel *t, const struct gw_ip *remote, struct gw_error *err);

/**
 * A mapping leads to a spoke (delta 1) or no longer does (-1). A spoke no
 * mapping leads to is unpublished; its id is given back after the grace period.
 */
void gw_tunnel_spoke_ref(uint32_t id, int delta);

/**
 * Keepalives say a peer is down (up false) or answers again: the routes
 * through it (its tunnel's, for a point-to-point peer; those via the
 * mappings of a spoke) leave the FIB or come back. Staged.
 */
void gw_tunnel_peer_live(uint32_t id, bool up);

/** Whether routes through a next hop may be in the FIB: its tunnel is up, its peer not down. */
bool gw_tunnel_nh_active(uint32_t nh);

/** Publish the spoke sets of the multipoint tunnels whose spokes changed (gw_tables_commit). */
void gw_tunnel_spokes_sync(void);

/** The tunnel of a name, or NULL. */
struct gw_tunnel *gw_tunnel_by_name(const char *name);

/** The tunnel of an interface id, or NULL when the interface is no tunnel. */
struct gw_tunnel *gw_tunnel_of_iface(uint16_t iface);

/**
 * Whether a tunnel carries traffic: administratively up, and its (first)
 * peer's underlay next hop resolved and not down by keepalives; a hub:
 * administratively up. What show and telemetry call its operstate.
 */
bool gw_tunnel_oper_up(const struct gw_tunnel *t);

/**
 * Routes to prefix dst/len changed: resolve again the underlay next hop and
 * MTU of every peer whose remote lies in it, and of no other.
 */
void gw_tunnel_resolve_prefix(const struct gw_ip *dst, uint8_t len);

/** A port's MTU changed: resolve again the peers whose underlay leaves by it. */
void gw_tunnel_resolve_port(uint16_t port);

/**
 * Before a change to routes of prefix dst/len: allocate what
 * gw_tunnel_resolve_prefix needs for it (a new object for each peer whose
 * remote lies in it), so that the change cannot be made and its peers left
 * resolved the old way.
 *
 * @return 0 or -ENOMEM.
 */
int gw_tunnel_reserve_prefix(const struct gw_ip *dst, uint8_t len);

/** The same before a change of a port's MTU (gw_tunnel_resolve_port). @return 0 or -ENOMEM. */
int gw_tunnel_reserve_port(uint16_t port);

/**
 * An ICMP "fragmentation needed" from the underlay says the path from local to
 * remote carries at most mtu bytes: every peer on that path (any key; the
 * quoted header rarely holds it, and the path is the same) lowers its
 * effective MTU, for gw_pmtu_timeout_s. Never below GW_PMTU_MIN; never raised.
 *
 * @return how many peers changed.
 */
unsigned int gw_tunnel_pmtu_learn(const struct gw_ip *local, const struct gw_ip *remote,
				  uint16_t mtu);

/** Forget the learned path MTUs that expired (control thread, periodically). */
void gw_tunnel_pmtu_age(uint64_t now);

/**
 * The MSS ceiling of SYNs for a tunnel MTU and a clamp-mss setting: 0 (off),
 * N, or mtu less the inner IP and TCP headers (auto: headers is
 * GW_TCP_MSS_OVERHEAD_IPV4, 40, or GW_TCP_MSS_OVERHEAD_IPV6, 60; 1 at least).
 */
static inline uint16_t
gw_tunnel_mss_max(uint16_t mtu, uint16_t clamp_mss, uint16_t headers)
{
	if (clamp_mss == GW_CLAMP_MSS_OFF)
		return 0;
	if (clamp_mss != GW_CLAMP_MSS_AUTO)
		return clamp_mss;
	return mtu > headers ? mtu - headers : 1;
}

#endif /* GW_TUNNEL_H */
