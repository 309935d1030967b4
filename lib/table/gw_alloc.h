/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Every allocation an apply function makes goes through here, so that a
 * test can fail each one in turn (jansson's style) and check that the
 * tables are left as they were and the error is clear.
 */
#ifndef GW_ALLOC_H
#define GW_ALLOC_H

#include <stddef.h>

/**
 * Test hook: 0 (the default) never fails. N > 0: the N-th allocation from
 * now fails, and the hook goes back to 0.
 */
extern unsigned int gw_alloc_fail_at;

/** Allocations made so far (a test counts an apply's with it). */
extern unsigned long gw_alloc_count;

/** Zeroed memory from the C heap, or NULL. */
void *gw_alloc(size_t size);

/** Grow or shrink gw_alloc memory, or NULL (p unchanged). */
void *gw_realloc(void *p, size_t size);

/** Zeroed, cache-aligned memory that workers read, on a NUMA socket, or NULL. */
void *gw_alloc_shared(size_t size, int socket);

/** Free gw_alloc_shared memory. */
void gw_free_shared(void *p);

#endif /* GW_ALLOC_H */
