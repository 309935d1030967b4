/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Encap's per-packet entry and its sequence-number reservation, for the
 * burst in encap.c and for fragments (fwd.c), which are encapsulated one by
 * one as they are cut. Private to lib/dp.
 */
#ifndef GW_ENCAP_H
#define GW_ENCAP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "gw_dp.h"

/**
 * Sequence numbers taken a run at a time: a peer's packets that follow
 * each other in a vector share one atomic add (a locked instruction costs
 * about 20 cycles, more than the rest of the header). A number reserved for
 * a packet that is then dropped is never sent: the peer sees a gap, which
 * RFC 2890 §2.2 receivers accept as loss. Fragments of one packet take
 * their numbers from a block of their own, reserved when they are cut, in
 * the order they are queued: numbers only grow in the order packets are
 * queued for tx.
 */
struct gw_seq_block {
	const struct gw_peer *p;          /**< whose numbers these are */
	uint32_t next;                    /**< the next one to use */
	uint32_t left;                    /**< how many are left */
	struct gw_peer *const *peers;     /**< the rest of the vector's peers, to size a run */
	uint16_t nb_peers;                /**< entries in peers */
};

/** The next sequence number of p, from the block or a new one sized for p's run. */
static inline uint32_t
gw_seq_take(struct gw_seq_block *sb, const struct gw_peer *p)
{
	uint16_t run = 1;

	if (unlikely(sb->p != p || sb->left == 0)) {
		while (run < sb->nb_peers && sb->peers[run] == p)
			run++;
		sb->p = p;
		sb->next = __atomic_fetch_add(&gw_peer_tx_seq[p->id].next, run, __ATOMIC_RELAXED);
		sb->left = run;
	}
	sb->left--;
	return sb->next++;
}

/**
 * Encapsulate one packet (at L3) for a peer: clamp-mss, the outer headers,
 * the underlay's Ethernet header.
 *
 * @param out_port  Receives the port it leaves by.
 * @return GW_DROP_NONE, or why it cannot go (the caller drops it).
 */
enum gw_drop gw_encap_one(struct gw_lcore *lc, struct rte_mbuf *m, const struct gw_peer *p,
			  struct gw_seq_block *sb, uint16_t *out_port);

#endif /* GW_ENCAP_H */
