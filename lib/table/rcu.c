/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The QSBR variable and the list of deferred work (see gw_rcu.h).
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_debug.h>
#include <rte_malloc.h>

#include "gw_alloc.h"
#include "gw_rcu.h"

struct rte_rcu_qsbr *gw_rcu;

int
gw_rcu_init(uint16_t nb_workers, int socket)
{
	size_t sz = rte_rcu_qsbr_get_memsize(nb_workers);

	gw_rcu = rte_zmalloc_socket("gw_rcu", sz, RTE_CACHE_LINE_SIZE, socket);
	if (gw_rcu == NULL)
		return -ENOMEM;
	return rte_rcu_qsbr_init(gw_rcu, nb_workers) == 0 ? 0 : -EINVAL;
}

struct deferred {
	gw_rcu_fn fn;
	uintptr_t arg;
};

#define PUBLISH_MAX 4 /* tables that stage changes */

static struct deferred *list;
static unsigned int nb_list, list_cap;
static void (*publishers[PUBLISH_MAX])(void);
static unsigned int nb_publishers;

void
gw_rcu_on_flush(void (*publish)(void))
{
	unsigned int i;

	for (i = 0; i < nb_publishers; i++)
		if (publishers[i] == publish)
			return;
	RTE_VERIFY(nb_publishers < PUBLISH_MAX);
	publishers[nb_publishers++] = publish;
}

/* Run what is deferred; what it defers in turn waits for the next flush. */
static void
run_all(void)
{
	struct deferred *todo = list;
	unsigned int i, n = nb_list;

	list = NULL;
	nb_list = 0;
	list_cap = 0;
	for (i = 0; i < n; i++)
		todo[i].fn(todo[i].arg);
	free(todo);
}

static void
publish_all(void)
{
	unsigned int i;

	for (i = 0; i < nb_publishers; i++)
		publishers[i]();
}

void
gw_rcu_defer(gw_rcu_fn fn, uintptr_t arg)
{
	struct deferred *grown;
	unsigned int cap;

	if (nb_list == list_cap) {
		cap = list_cap == 0 ? 64 : list_cap * 2;
		grown = gw_realloc(list, sizeof(*list) * cap);
		if (grown == NULL) {
			/* no room to wait: publish and wait now, for this one and the rest */
			publish_all();
			gw_rcu_synchronize();
			run_all();
			fn(arg);
			return;
		}
		list = grown;
		list_cap = cap;
	}
	list[nb_list].fn = fn;
	list[nb_list].arg = arg;
	nb_list++;
}

unsigned int
gw_rcu_deferred(void)
{
	return nb_list;
}

void
gw_rcu_flush(void)
{
	publish_all();
	if (nb_list == 0)
		return;
	gw_rcu_synchronize();
	run_all();
}
