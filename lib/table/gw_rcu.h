/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The one rte_rcu_qsbr variable of greway. Workers report a quiescent state
 * after every loop, and go offline while they sleep idle, so a grace period
 * waits for no sleeping worker. A writer that unpublishes an object either
 * waits for a grace period (gw_rcu_synchronize) or defers the free
 * (gw_rcu_defer): deferred work runs after the next gw_rcu_flush, which
 * waits for one grace period for everything deferred since the last one.
 * A burst of changes (a startup file, the requests the socket has ready)
 * so costs one grace period, not one each.
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

/** A worker goes to sleep: no reference held, nothing to wait for until it wakes. */
static inline void
gw_rcu_idle(uint16_t worker)
{
	rte_rcu_qsbr_thread_offline(gw_rcu, worker);
}

/** A worker wakes from sleep and reads the tables again. */
static inline void
gw_rcu_busy(uint16_t worker)
{
	rte_rcu_qsbr_thread_online(gw_rcu, worker);
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

/** Work that runs once no worker can hold what was unpublished before it was deferred. */
typedef void (*gw_rcu_fn)(uintptr_t arg);

/**
 * Run fn(arg) after the next grace period (control thread only). Never
 * fails: when the list cannot grow, it waits for a grace period now and runs
 * everything deferred, fn included.
 */
void gw_rcu_defer(gw_rcu_fn fn, uintptr_t arg);

/** How many deferred calls wait for the next flush. */
unsigned int gw_rcu_deferred(void);

/**
 * Register what publishes a table's staged changes (the FIB's standby copy):
 * every flush calls it first, so that the grace period that follows covers
 * what it unpublished. It may defer work of its own.
 */
void gw_rcu_on_flush(void (*publish)(void));

/**
 * Publish what is staged (gw_rcu_on_flush), then one grace period for
 * everything deferred since the last flush, then run it, in the order it was
 * deferred. Nothing to do: returns at once. Control thread only; before the
 * workers exist, there is nobody to wait for.
 */
void gw_rcu_flush(void);

#endif /* GW_RCU_H */
