/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * greway's own addresses as workers test them: a small open-addressing set
 * per family, rebuilt by the control thread when a local host route (/32,
 * /128) comes or goes and published with the FIBs (gw_rcu_flush).
 *
 * Why not the FIB: rte_fib6 is a TRIE of one 24-bit level and then a level
 * per byte, so a /128 (every address of ours) is its deepest lookup, 14
 * dependent loads; the GRE a gateway terminates is addressed to exactly
 * those. One hash and one 16-byte compare tell them first, and the FIB is
 * asked only about what may be forwarded. The IPv4 set answers what the FIB
 * is not asked at all: whether a packet to forward comes from one of our
 * addresses (a martian source, RFC 1812 §5.3.7), one hash and one compare.
 */
#ifndef GW_LOCAL_H
#define GW_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

/** The published IPv6 set. The unspecified address (::) marks an empty slot: it is never ours. */
struct gw_local6 {
	uint32_t mask;      /**< slots - 1 (slots a power of two, at least twice the addresses) */
	uint32_t n;         /**< addresses in it */
	uint8_t addr[][16]; /**< the slots */
};

/** The published IPv4 set. 0.0.0.0 marks an empty slot: it is never ours. */
struct gw_local4 {
	uint32_t mask;    /**< slots - 1 (slots a power of two, at least twice the addresses) */
	uint32_t n;       /**< addresses in it */
	uint32_t addr[];  /**< the slots, network order */
};

/** The IPv6 set workers read now (never NULL once gw_local_init ran). */
extern struct gw_local6 *gw_local6_set;

/** The IPv4 set workers read now (never NULL once gw_local_init ran). */
extern struct gw_local4 *gw_local4_set;

/** The slot an IPv6 address starts its probe at. */
static inline uint32_t
gw_local6_hash(const uint8_t a[16], uint32_t mask)
{
	uint64_t lo;

	memcpy(&lo, a + 8, sizeof(lo));
	return (uint32_t)((lo * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & mask;
}

/** The slot an IPv4 address (network order) starts its probe at. */
static inline uint32_t
gw_local4_hash(uint32_t a, uint32_t mask)
{
	return (uint32_t)((a * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & mask;
}

/** Whether an IPv6 address is one of greway's own (workers: between quiescent states). */
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

/** Whether an IPv4 address (network order) is one of greway's own. */
static inline bool
gw_local4_has(const struct gw_local4 *s, uint32_t a)
{
	uint32_t h = gw_local4_hash(a, s->mask);

	for (;; h = (h + 1) & s->mask) {
		if (s->addr[h] == a)
			return a != 0;
		if (s->addr[h] == 0)
			return false; /* an empty slot ends the probe: the set is at most half full */
	}
}

/** Make the empty sets. @return 0 or -ENOMEM. */
int gw_local_init(int socket);

/** A local host route came or went: the sets are rebuilt at the next flush. */
void gw_local_changed(void);

/**
 * Rebuild the sets from the routes, if changed, and publish them; the old
 * ones are freed after the grace period. Called by the route table's
 * publication.
 */
void gw_local_publish(void);

#endif /* GW_LOCAL_H */
