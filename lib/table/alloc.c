/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The table layer's allocations, with a failure hook for tests (gw_alloc.h).
 */
#include <stdbool.h>
#include <stdlib.h>

#include <rte_malloc.h>

#include "gw_alloc.h"

unsigned int gw_alloc_fail_at;
unsigned long gw_alloc_count;

/* Whether this allocation is the one the test asked to fail. */
static bool
fails(void)
{
	gw_alloc_count++;
	if (gw_alloc_fail_at == 0)
		return false;
	return --gw_alloc_fail_at == 0;
}

void *
gw_alloc(size_t size)
{
	return fails() ? NULL : calloc(1, size);
}

void *
gw_realloc(void *p, size_t size)
{
	return fails() ? NULL : realloc(p, size);
}

void *
gw_alloc_shared(size_t size, int socket)
{
	return fails() ? NULL : rte_zmalloc_socket("gw_table", size, RTE_CACHE_LINE_SIZE, socket);
}

void
gw_free_shared(void *p)
{
	rte_free(p);
}
