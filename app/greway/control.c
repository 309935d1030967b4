/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The control thread: a non-EAL pthread (rte_ctrl_thread_create) that serves
 * what workers punt, runs the ARP timers, prints the counters on SIGUSR1 and
 * reloads the startup file on SIGHUP.
 * It sleeps briefly when there is nothing to do; it is never on the packet
 * path of a worker.
 */
#include <pthread.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_lcore.h>

#include "gw_app.h"
#include "gw_ctrl.h"
#include "gw_stats.h"

#define CONTROL_IDLE_US 200

pthread_mutex_t gw_cfg_lock = PTHREAD_MUTEX_INITIALIZER;

static pthread_t control_tid;
static volatile bool control_stop;

static void *
control_main(void *arg)
{
	unsigned int work;

	(void)arg;
	while (!control_stop) {
		pthread_mutex_lock(&gw_cfg_lock);
		if (gw_dump_stats) {
			gw_dump_stats = false;
			gw_stats_print(stdout);
		}
		if (gw_reload_req) {
			gw_reload_req = false;
			if (gw_opts.config != NULL)
				gw_reload(gw_opts.config);
			else
				printf("greway: SIGHUP: no startup file (-c) to reload\n");
			fflush(stdout);
		}
		work = gw_ctrl_poll() + gw_rpc_server_poll();
		pthread_mutex_unlock(&gw_cfg_lock);
		if (work == 0) /* woken at once by a request; ARP timers and punts wait at most this */
			gw_rpc_server_wait(CONTROL_IDLE_US);
	}
	return NULL;
}

int
gw_control_start(void)
{
	control_stop = false;
	return rte_ctrl_thread_create(&control_tid, "greway-ctrl", NULL, control_main, NULL);
}

void
gw_control_stop(void)
{
	control_stop = true;
	pthread_join(control_tid, NULL);
}
