/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Tunnels: their precomputed rewrite (outer IPv4 + GRE with its options,
 * built once at add time), the lock-free hash that decap looks them up in by
 * (outer destination, outer source, key), and their underlay next hop.
 *
 * Key semantics are exact (RFC 2890 §2.1): a keyed packet matches only the
 * tunnel with that ikey; a keyless packet only a tunnel without ikey. Key 0
 * is a key.
 */
#ifndef GW_TUNNEL_H
#define GW_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_hash.h>

#include "gw_tunnel_conf.h"
#include "gw_error.h"
#include "gw_tcp.h"

#define GW_TUNNEL_MAX 16384 /**< tunnels; also the size of per-lcore tunnel counters */
#define GW_TUNNEL_RW_MAX 64 /**< rewrite buffer: outer IP + GRE */

/** Decap lookup key. Padded explicitly: rte_hash compares bytes. */
struct gw_tunnel_key {
	uint32_t local;   /**< outer destination (ours), network order */
	uint32_t remote;  /**< outer source, network order */
	uint32_t key;     /**< GRE key, host order; 0 when has_key is 0 */
	uint32_t has_key; /**< 1 when the packet carries a key */
};
_Static_assert(sizeof(struct gw_tunnel_key) == 16, "rte_hash keys have no padding");

/** A tunnel. The first cache line is what encap and decap read. */
struct gw_tunnel {
	/**
	 * Outer IPv4 + GRE (total length, ID and checksum 0), in the last rw_len
	 * bytes of rw, so encap copies all GW_TUNNEL_RW_MAX bytes with one fixed-size
	 * copy ending where the inner packet starts.
	 */
	uint8_t rw[GW_TUNNEL_RW_MAX];
	uint8_t rw_len;       /**< bytes of outer header: 20 + GRE */
	uint8_t seq_off;      /**< offset of the sequence field from the outer IP; 0 without oseq */
	uint16_t opts;        /**< GW_TUN_* */
	uint16_t idx;         /**< index in gw_tunnels[] and the counters */
	uint16_t nh;          /**< the TUNNEL next hop that routes into this tunnel */
	uint16_t unh;         /**< underlay NEIGH next hop; 0 while unresolved */
	uint16_t mtu;         /**< largest inner packet sent without fragmenting */
	/**
	 * MSS ceiling of TCP SYNs crossing the tunnel, both ways (IPv4 inner);
	 * 0: clamp-mss off. From clamp-mss N, or mtu - 40 for auto, recomputed
	 * with mtu (gw_tunnel_mss_max). An IPv6 inner packet will need its own,
	 * mtu - 60.
	 */
	uint16_t mss4_max;
	uint16_t rw_sum;      /**< folded one's-complement sum of the outer IPv4 template */
	uint16_t gre_sum;     /**< folded sum of the GRE template (checksum and sequence 0) */
	uint8_t dscp;         /**< outer TOS without ECN bits, unless GW_TUN_TOS_INHERIT */
	uint32_t ikey;        /**< key expected on receive (GW_TUN_IKEY) */
	uint32_t local;       /**< outer source, network order */
	uint32_t remote;      /**< outer destination, network order */

	/** Written per packet: kept off the read-mostly line above. */
	uint32_t rx_seq __rte_cache_aligned; /**< last accepted sequence number */
	uint8_t rx_seq_valid;                 /**< a sequence number was accepted */

	struct gw_tunnel_conf conf; /**< as configured, for show and change */
	uint16_t pmtu;              /**< underlay path MTU learned from ICMP; 0: none */
	uint64_t pmtu_expire;       /**< TSC when pmtu is forgotten */
};

#define GW_PMTU_MIN 552             /**< lowest underlay path MTU believed (Linux's min_pmtu) */
#define GW_PMTU_TIMEOUT_DEFAULT 600 /**< seconds a learned path MTU holds (RFC 1191 §6.3) */

extern unsigned int gw_pmtu_timeout_s; /**< --pmtu-timeout */

extern struct gw_tunnel *gw_tunnels[GW_TUNNEL_MAX]; /**< by index; NULL when free */

/**
 * The next sequence number to send, by tunnel index: outside the tunnel
 * object, so that `tunnel change` (a new object) cannot hand out again a
 * number a worker took from the old object while the change was published.
 * One cache line each: workers sending into different tunnels never share one.
 */
struct gw_tunnel_tx_seq {
	uint32_t next; /**< taken with an atomic add */
} __rte_cache_aligned;

extern struct gw_tunnel_tx_seq gw_tunnel_tx_seq[GW_TUNNEL_MAX]; /**< by tunnel index */
extern struct rte_hash *gw_tunnel_hash;             /**< gw_tunnel_key -> tunnel */
extern struct rte_hash *gw_tunnel_pair_hash;        /**< (local, remote) -> count */

/** Create the tunnel tables. @return 0 or -errno. */
int gw_tunnel_init(int socket);

/**
 * tunnel add: validate the whole request, build the rewrite, then publish.
 *
 * @return 0 or -errno with err naming the word; nothing is published on error.
 */
int gw_tunnel_add(const struct gw_tunnel_conf *conf, struct gw_error *err);

/**
 * tunnel change: merge the words given into the tunnel's configuration,
 * validate the result whole, build a new object and publish it in place of
 * the old one (same index, next hop and counters), which is freed after a
 * grace period. Workers see the old tunnel or the new one, never a mix.
 *
 * @return 0 or -errno with err naming the word; nothing changes on error.
 */
int gw_tunnel_change(const struct gw_tunnel_conf *delta, struct gw_error *err);

/**
 * Unpublish a tunnel, wait a grace period, free it and its next hop. Routes
 * and addresses on it must be gone already (gw_apply does that).
 *
 * @return 0 or -ENOENT.
 */
int gw_tunnel_del(uint16_t idx);

/**
 * Find a tunnel by name.
 *
 * @return its index, or -ENOENT.
 */
int gw_tunnel_by_name(const char *name);

/**
 * Resolve each tunnel's underlay next hop and MTU from the current routes.
 * Called by the control thread after every route or address change.
 */
void gw_tunnel_resolve_all(void);

/**
 * An ICMP "fragmentation needed" from the underlay says the path from local to
 * remote carries at most mtu bytes: every tunnel on that path (any key; the
 * quoted header rarely holds it, and the path is the same) lowers its
 * effective MTU, for gw_pmtu_timeout_s. Never below GW_PMTU_MIN; never raised.
 *
 * @return how many tunnels changed.
 */
unsigned int gw_tunnel_pmtu_learn(uint32_t local, uint32_t remote, uint16_t mtu);

/** Forget the learned path MTUs that expired (control thread, periodically). */
void gw_tunnel_pmtu_age(uint64_t now);

/**
 * The MSS ceiling of IPv4 SYNs for a tunnel MTU and a clamp-mss setting:
 * 0 (off), N, or mtu - 40 (auto; 28 at the smallest MTU, 68).
 */
static inline uint16_t
gw_tunnel_mss4_max(uint16_t mtu, uint16_t clamp_mss)
{
	if (clamp_mss == GW_CLAMP_MSS_OFF)
		return 0;
	if (clamp_mss != GW_CLAMP_MSS_AUTO)
		return clamp_mss;
	return mtu > GW_TCP_MSS_OVERHEAD_IPV4 ? mtu - GW_TCP_MSS_OVERHEAD_IPV4 : 1;
}

#endif /* GW_TUNNEL_H */
