/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * greway's own IPv6 addresses as workers test them: a small open-addressing
 * set, rebuilt by the control thread when a local /128 route comes or goes
 * and published with the FIBs (gw_rcu_flush).
 *
 * Why not the FIB: rte_fib6 is a TRIE of one 24-bit level and then a level
 * per byte, so a /128 (every address of ours) is its deepest lookup, 14
 * dependent loads; the GRE a gateway terminates is addressed to exactly
 * those. One hash and one 16-byte compare tell them first, and the FIB is
 * asked only about what may be forwarded.
 */
#ifndef GW_LOCAL6_H
#define GW_LOCAL6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

/** The published set. The unspecified address (::) marks an empty slot: it is never ours. */
struct gw_local6 {
	uint32_t mask;      /**< slots - 1 (slots a power of two, at least twice the addresses) */
	uint32_t n;         /**< addresses in it */
	uint8_t addr[][16]; /**< the slots */
};

/** The set workers read now (never NULL once gw_local6_init ran). */
extern struct gw_local6 *gw_local6_set;

/** The slot an address starts its probe at. */
static inline uint32_t
gw_local6_hash(const uint8_t a[16], uint32_t mask)
{
	uint64_t lo;

	memcpy(&lo, a + 8, sizeof(lo));
	return (uint32_t)((lo * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & mask;
}

/** Whether an address is one of greway's own (workers: between quiescent states). */
static inline bool
gw_local6_has(const struct gw_local6 *s, const uint8_t a[16])
{
	uint64_t a0, a1, s0, s1;
	uint32_t h = gw_local6_hash(a, s->mask);

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	for (;; h = (h + 1) & s->mask) {
		memcpy(&s0, s->addr[h], 8);
		memcpy(&s1, s->addr[h] + 8, 8);
		if (s0 == a0 && s1 == a1)
			return (a0 | a1) != 0;
		if ((s0 | s1) == 0)
			return false; /* an empty slot ends the probe: the set is at most half full */
	}
}

/** Make the empty set. @return 0 or -ENOMEM. */
int gw_local6_init(int socket);

/** A local IPv6 /128 route came or went: the set is rebuilt at the next flush. */
void gw_local6_changed(void);

/**
 * Rebuild the set from the routes, if changed, and publish it; the old one
 * is freed after the grace period. Called by the route table's publication.
 */
void gw_local6_publish(void);

#endif /* GW_LOCAL6_H */
