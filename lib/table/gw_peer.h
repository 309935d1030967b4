/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Peers: what a tunnel holds for one remote. A point-to-point tunnel has one
 * fixed peer; a multipoint tunnel (the hub) has a wildcard peer, which
 * receives from sources no spoke has, and one peer per spoke. The peer
 * is what workers read: encap takes the next hop's peer and decap's lookup
 * finds one, and everything either needs per packet is in the peer object,
 * built by the control thread from its tunnel's configuration: the outer
 * rewrite, the underlay next hop, the MTU, the tunnel's options and admin
 * state.
 *
 * A published peer is never changed: a change builds a new object, publishes
 * it under the same id, and frees the old one after a grace period. What
 * workers write per packet lives by peer id outside the object, so it
 * survives those replacements: the tx sequence number, the rx sequence
 * state, and the counters (per lcore, in lib/dp).
 */
#ifndef GW_PEER_H
#define GW_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "gw_inet.h"
#include "gw_limits.h"

#define GW_PEER_RW_MAX 64  /**< rewrite buffer: outer IP (IPv6: and encaplimit) + GRE */
#define GW_PEER_NONE UINT32_MAX /**< no peer */

/** What a peer is to its tunnel. */
enum gw_peer_role {
	GW_PEER_FIXED = 0, /**< a point-to-point tunnel's one peer */
	GW_PEER_ANY,       /**< a multipoint tunnel's own: what comes from a source no spoke has */
	GW_PEER_SPOKE,     /**< one spoke of a multipoint tunnel (an underlay address) */
};

/** One remote of a tunnel, as workers read it. The first two cache lines are the hot ones. */
struct gw_peer {
	/**
	 * Outer IP + GRE (total length, ID and checksums 0), in the last rw_len
	 * bytes of rw, so encap copies all GW_PEER_RW_MAX bytes with one
	 * fixed-size copy ending where the inner packet starts.
	 */
	uint8_t rw[GW_PEER_RW_MAX];
	uint8_t rw_len;     /**< bytes of outer header: 20 (IPv6: 40, 48 with encaplimit) + GRE */
	uint8_t seq_off;    /**< offset of the sequence field from the outer IP; 0 without oseq */
	uint16_t opts;      /**< the tunnel's GW_TUN_* */
	uint32_t id;        /**< peer id: sequence state and counters */
	uint16_t tunnel;    /**< its tunnel's index */
	uint16_t iface;     /**< its tunnel's interface id: the ingress of what it decapsulates */
	uint32_t unh;       /**< underlay NEIGH next hop; 0 while unresolved */
	uint16_t mtu;       /**< largest inner packet sent without fragmenting */
	/**
	 * MSS ceiling of IPv4 TCP SYNs crossing the tunnel, both ways; 0:
	 * clamp-mss off. From clamp-mss N, or mtu - 40 for auto.
	 */
	uint16_t mss4_max;
	uint16_t mss6_max;  /**< the same for IPv6 SYNs: clamp-mss N, or mtu6 - 60 for auto */
	uint16_t rw_sum;    /**< folded one's-complement sum of the outer IPv4 template */
	uint16_t gre_sum;   /**< folded sum of the GRE template (checksum and sequence 0) */
	uint8_t dscp;       /**< outer TOS without ECN bits, unless GW_TUN_TOS_INHERIT */
	uint8_t up;         /**< the tunnel is administratively up */
	uint8_t any;        /**< a multipoint tunnel's wildcard peer: sending to it replicates */
	uint32_t ikey;      /**< key expected on receive (GW_TUN_IKEY) */
	uint16_t proto;     /**< GRE protocol type it carries, host order: 0x0800, or 0x6558 (gretap) */
	uint8_t ip6;        /**< an IPv6 underlay (ip6gre, ip6gretap) */
	uint8_t gre_off;    /**< offset of the GRE header in the rewrite (the outer IP's length) */
	uint16_t mtu6;      /**< largest inner IPv6 packet: mtu, but never below 1280 (RFC 8200 §5) */

	/* Control thread only, below. */
	struct gw_ip local;   /**< outer source */
	struct gw_ip remote;  /**< outer destination; family 0 for a multipoint tunnel's own */
	uint8_t role;         /**< enum gw_peer_role */
	uint32_t refs;        /**< SPOKE: the mappings (SPOKE next hops) that lead to it */
	uint32_t slot;        /**< its place in its tunnel's peers[] */
	uint16_t pmtu;        /**< underlay path MTU learned from ICMP; 0: none (workers read it to fragment) */
	uint64_t pmtu_expire; /**< TSC when pmtu is forgotten */
} __rte_cache_aligned;

/** By id, gw_limits.peers of them (peers of all tunnels); NULL when free. */
extern struct gw_peer **gw_peers;

/** The next sequence number to send, by peer id (one cache line each). */
struct gw_peer_tx_seq {
	uint32_t next; /**< taken with an atomic add */
} __rte_cache_aligned;

/** The receive sequence state (RFC 2890 §2.2), by peer id, written by the receiving worker. */
struct gw_peer_rx_seq {
	uint32_t last;  /**< last accepted sequence number */
	uint8_t valid;  /**< a sequence number was accepted */
} __rte_cache_aligned;

/** What keepalives say of a peer (gw_peer_live.state). */
enum gw_live_state {
	GW_LIVE_UNKNOWN = 0, /**< keepalives off, or none answered yet (routes stay) */
	GW_LIVE_UP,          /**< the last keepalive, or one of the last RETRIES, was answered */
	GW_LIVE_DOWN,        /**< RETRIES in a row unanswered: routes through it withdrawn */
};

/** A peer's liveness from keepalives, by peer id (control thread only). */
struct gw_peer_live {
	uint8_t state;     /**< enum gw_live_state */
	uint8_t missed;    /**< keepalives sent since the last answer */
	uint32_t rtt_us;   /**< round trip of the last answered keepalive */
	uint64_t sent;     /**< timer cycles when the last keepalive went; 0: none yet */
	uint64_t seen;     /**< timer cycles of the last answer; 0: never */
	uint64_t answered; /**< keepalives answered */
};

extern struct gw_peer_live *gw_peer_live; /**< by peer id */

/**
 * By peer id: the second (gw_fdb_now clock) a packet from the peer was last
 * decapsulated, written by workers at most once a second, for a hub's
 * learned GRETAP spokes, which age out unseen.
 */
extern uint32_t *gw_peer_seen;

/** Name of a liveness state: "unknown", "up", "down". */
const char *gw_live_state_name(uint8_t state);

extern struct gw_peer_tx_seq *gw_peer_tx_seq; /**< by peer id */
extern struct gw_peer_rx_seq *gw_peer_rx_seq; /**< by peer id */

/**
 * Called once a peer id is free and unreachable, before it is given again:
 * the owner of per-id state kept elsewhere (the per-lcore counters) resets
 * it. Set by the layer that owns that state.
 */
extern void (*gw_peer_id_reset_cb)(uint32_t id);

/**
 * Allocate the tables by peer id (gw_limits.peers entries each): the
 * objects' pointers, the sequence state, the liveness, the last seen
 * second, the free ids.
 *
 * @return 0 or -ENOMEM.
 */
int gw_peer_init(int socket);

/**
 * Called when a spoke's peer leaves its tunnel (its last mapping went), so
 * that the tunnel's counters keep what the peer counted; and with id
 * GW_PEER_NONE when a tunnel goes, to forget what its departed spokes
 * counted. Set by the layer that owns the counters.
 */
extern void (*gw_peer_gone_cb)(uint32_t id, uint16_t tunnel);

/**
 * Take a free peer id; its sequence state starts at zero.
 *
 * @return the id, or -ENOSPC.
 */
int gw_peer_id_alloc(void);

/**
 * Give a peer id back after the next grace period (gw_tables_commit), with
 * the object published under it, if any.
 */
void gw_peer_id_release(uint32_t id);

/**
 * Publish a peer object under its id (p->id); the object it replaces is
 * freed after the next grace period.
 */
void gw_peer_publish(struct gw_peer *p);

/** How many peer ids are in use (and not yet given back). */
unsigned int gw_peer_count(void);

/**
 * One past the highest peer id ever taken: a walk over the peers stops
 * there, not at gw_limits.peers.
 */
uint32_t gw_peer_id_end(void);

#endif /* GW_PEER_H */
