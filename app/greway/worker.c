/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The worker loop: poll, report quiescence to RCU, and back off when idle.
 * After enough empty polls a worker sleeps, doubling up to --idle-sleep-us, so
 * an idle gateway shares the machine (OVS pmd-sleep-max, VPP adaptive mode);
 * one packet brings it back to busy polling.
 */
#include <rte_cycles.h>
#include <rte_lcore.h>

#include "gw_app.h"
#include "gw_dp.h"
#include "gw_rcu.h"

#define IDLE_POLLS_BEFORE_SLEEP 256
#define IDLE_SLEEP_START_US 1

int
gw_worker_main(void *arg)
{
	struct gw_lcore *lc = arg;
	uint32_t idle = 0, sleep_us = IDLE_SLEEP_START_US;

	gw_rcu_online(lc->worker);
	while (!gw_quit) {
		if (gw_dp_poll(lc) != 0) {
			idle = 0;
			sleep_us = IDLE_SLEEP_START_US;
		} else if (gw_opts.idle_sleep_us != 0 && ++idle > IDLE_POLLS_BEFORE_SLEEP) {
			/* asleep, it holds nothing: grace periods need not wait for it */
			gw_rcu_idle(lc->worker);
			rte_delay_us_sleep(sleep_us);
			gw_rcu_busy(lc->worker);
			if (sleep_us < gw_opts.idle_sleep_us)
				sleep_us = RTE_MIN(sleep_us * 2, gw_opts.idle_sleep_us);
		}
		gw_rcu_quiescent(lc->worker);
	}
	gw_dp_drain(lc); /* what was received is sent before the ports stop */
	gw_rcu_offline(lc->worker);
	return 0;
}
