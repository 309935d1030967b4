/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * A token bucket on a cycle counter, in integers: no division per call, no
 * floating point, no EAL (the caller reads the clock). Tokens are kept in
 * cycles: each event costs hz / rate cycles and the bucket holds at most
 * burst events' worth. One reader/writer per bucket (a worker's own, or the
 * control thread's).
 */
#ifndef GW_TB_H
#define GW_TB_H

#include <stdbool.h>
#include <stdint.h>

/** A token bucket. */
struct gw_tb {
	uint64_t credit; /**< cycles' worth of tokens available */
	uint64_t last;   /**< clock at the last call */
	uint64_t cost;   /**< cycles per event: hz / rate */
	uint64_t depth;  /**< most credit kept: cost * burst */
};

/**
 * Fill a bucket: rate events per second on average, burst at once; it starts full.
 *
 * @param hz  Clock frequency (cycles per second).
 * @param now The clock now.
 */
static inline void
gw_tb_init(struct gw_tb *tb, uint64_t hz, uint32_t rate, uint32_t burst, uint64_t now)
{
	tb->cost = hz / (rate != 0 ? rate : 1);
	if (tb->cost == 0)
		tb->cost = 1;
	tb->depth = tb->cost * (burst != 0 ? burst : 1);
	tb->credit = tb->depth;
	tb->last = now;
}

/** Take one token if there is one: true when the event may go. */
static inline bool
gw_tb_take(struct gw_tb *tb, uint64_t now)
{
	uint64_t delta = now - tb->last, credit;

	tb->last = now;
	/* compared before adding: a long idle time cannot overflow the sum */
	credit = delta >= tb->depth - tb->credit ? tb->depth : tb->credit + delta;
	if (credit < tb->cost) {
		tb->credit = credit;
		return false;
	}
	tb->credit = credit - tb->cost;
	return true;
}

#endif /* GW_TB_H */
