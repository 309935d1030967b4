/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * A set of small ids (interfaces, peers, tunnels, next hops, route slots):
 * the never-used ones in increasing order, then the ones given back, last
 * given first. Control thread only; the owner gives an id back after the
 * grace period when workers may still hold it.
 */
#ifndef GW_IDS_H
#define GW_IDS_H

#include <errno.h>
#include <stdint.h>

/** The ids first..max-1; free is the owner's storage for max entries. */
struct gw_ids {
	uint32_t next;    /**< the lowest id never taken */
	uint32_t first;   /**< the lowest id */
	uint32_t max;     /**< ids are below it */
	uint32_t nb_free; /**< ids given back, in free[] */
	uint32_t *free;   /**< ids given back, taken again last first */
};

/** Start with every id in first..max-1 free. */
static inline void
gw_ids_init(struct gw_ids *ids, uint32_t *storage, uint32_t first, uint32_t max)
{
	ids->next = first;
	ids->first = first;
	ids->max = max;
	ids->nb_free = 0;
	ids->free = storage;
}

/** Take an id. @return it, or -ENOSPC. */
static inline int
gw_ids_take(struct gw_ids *ids)
{
	if (ids->nb_free > 0)
		return ids->free[--ids->nb_free];
	if (ids->next < ids->max)
		return ids->next++;
	return -ENOSPC;
}

/** Give an id back. */
static inline void
gw_ids_give(struct gw_ids *ids, uint32_t id)
{
	ids->free[ids->nb_free++] = id;
}

/** How many ids are taken. */
static inline uint32_t
gw_ids_used(const struct gw_ids *ids)
{
	return ids->next - ids->first - ids->nb_free;
}

/** Whether an id can be taken now. */
static inline int
gw_ids_left(const struct gw_ids *ids)
{
	return ids->nb_free > 0 || ids->next < ids->max;
}

#endif /* GW_IDS_H */
