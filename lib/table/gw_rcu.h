/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The one rte_rcu_qsbr variable of greway. Workers report a quiescent state
 * after every loop; a writer that unpublishes an object waits for a grace
 * period (gw_rcu_synchronize) before freeing it.
 */
#ifndef GW_RCU_H
#define GW_RCU_H

#include <stdint.h>

#include <rte_rcu_qsbr.h>

extern struct rte_rcu_qsbr *gw_rcu; /**< thread ids are worker indexes */

/** Create the variable for nb_workers readers. @return 0 or -ENOMEM. */
int gw_rcu_init(uint16_t nb_workers, int socket);

/** A worker starts reading (call once, on its lcore). */
static inline void
gw_rcu_online(uint16_t worker)
{
	rte_rcu_qsbr_thread_register(gw_rcu, worker);
	rte_rcu_qsbr_thread_online(gw_rcu, worker);
}

/** A worker holds no reference to any table object (once per loop). */
static inline void
gw_rcu_quiescent(uint16_t worker)
{
	rte_rcu_qsbr_quiescent(gw_rcu, worker);
}

/** A worker stops reading for good. */
static inline void
gw_rcu_offline(uint16_t worker)
{
	rte_rcu_qsbr_thread_offline(gw_rcu, worker);
	rte_rcu_qsbr_thread_unregister(gw_rcu, worker);
}

/**
 * Wait until every worker has passed a quiescent state (control thread only).
 * Before the workers exist (startup file) there is nobody to wait for.
 */
static inline void
gw_rcu_synchronize(void)
{
	if (gw_rcu != NULL)
		rte_rcu_qsbr_synchronize(gw_rcu, RTE_QSBR_THRID_INVALID);
}

#endif /* GW_RCU_H */
