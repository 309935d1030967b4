/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Allocation of the QSBR variable (see gw_rcu.h).
 */
#include <errno.h>

#include <rte_malloc.h>

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
