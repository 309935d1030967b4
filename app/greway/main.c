/* SPDX-License-Identifier: BSD-3-Clause
 *
 * greway: EAL, then ports probed and named, tables built, the startup file
 * applied (any error exits 1 before a port starts), ports started, workers
 * launched on EAL's worker lcores (or run on the main lcore when it is alone)
 * and the control thread started. SIGINT/SIGTERM stop the workers, drain and
 * close the ports, print the counters and exit 0. SIGHUP reloads the
 * startup file as a diff (reload.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>
#include <rte_vect.h>

#include "gw_app.h"
#include "gw_apply.h"
#include "gw_ctrl.h"
#include "gw_dp.h"
#include "gw_log.h"
#include "gw_port.h"
#include "gw_profile.h"
#include "gw_rcu.h"
#include "gw_simd.h"
#include "gw_stats.h"

#define MBUF_CACHE 256
#define MAIN_SLEEP_US (100 * 1000)

volatile bool gw_quit;
volatile bool gw_dump_stats;
volatile bool gw_reload_req;
static struct gw_profile profile; /* -p, loaded before any port is touched */

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		gw_dump_stats = true;
	else if (sig == SIGHUP)
		gw_reload_req = true;
	else
		gw_quit = true;
}

static int
fail(const char *what, const struct gw_error *err)
{
	fprintf(stderr, "greway: %s: %s\n", what, err->msg);
	return EXIT_FAILURE;
}

/* Workers are EAL's worker lcores; with none, the main lcore is the worker. */
static uint16_t
collect_workers(unsigned int *ids)
{
	unsigned int lcore;
	uint16_t n = 0;

	RTE_LCORE_FOREACH_WORKER(lcore)
		ids[n++] = lcore;
	if (n == 0)
		ids[n++] = rte_get_main_lcore();
	return n;
}

/*
 * -p: read the profile before any port is touched. A bad one is one line,
 * FILE:LINE: reason, and exit 1. With --check-profile, print each section and
 * return 0 (the caller exits); else return -1 for "go on".
 */
static int
load_profile(const char *path, bool check)
{
	struct gw_error err = { 0 };
	char line[512];
	unsigned int i;

	if (gw_profile_load(path, &profile, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	if (!check)
		return -1;
	printf("%s: valid, %u section(s)\n", path, profile.nb);
	for (i = 0; i < profile.nb; i++) {
		gw_profile_describe(&profile.sec[i], line, sizeof(line));
		printf("  [%s] %s\n", profile.sec[i].driver[0] ? profile.sec[i].driver : "port",
		       line);
	}
	fflush(stdout);
	return 0;
}

static int
run(void)
{
	unsigned int ids[RTE_MAX_LCORE];
	struct gw_error err = { 0 };
	struct rte_mempool *mp;
	uint16_t nb_workers, w;
	int socket = rte_socket_id();
	bool main_works;
	int rc;

	/* once, before any worker: EAL's --force-max-simd-bitwidth caps the width */
	gw_simd_select(rte_vect_get_max_simd_bitwidth());
	GW_LOG(INFO, MAIN, "packet kernels: %s (SIMD bit width allowed: %u)", gw_simd.name,
	       rte_vect_get_max_simd_bitwidth());
	rc = gw_port_probe(&err);
	if (rc < 0)
		return fail("ports", &err);
	if (gw_opts.pmd_profile != NULL)
		gw_port_profile_set(&profile, gw_opts.pmd_profile);
	nb_workers = collect_workers(ids);
	main_works = rte_lcore_count() == 1;
	if (gw_tables_init(socket, &err) < 0)
		return fail("tables", &err);
	gw_iface_ports_linklocal(); /* fe80::EUI-64 of each port, before the startup file */
	if (gw_stats_init() < 0) {
		fprintf(stderr, "greway: out of memory for the counters\n");
		return EXIT_FAILURE;
	}
	if (gw_opts.config != NULL && gw_startup_run(gw_opts.config) < 0)
		return EXIT_FAILURE;

	mp = rte_pktmbuf_pool_create("gw_mbufs", gw_port_mbufs_needed(nb_workers), MBUF_CACHE, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (mp == NULL) {
		fprintf(stderr, "greway: cannot create the mbuf pool: %s\n",
			rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	rc = gw_port_start_all(mp, nb_workers, &err);
	if (rc < 0) {
		gw_port_stop_all();
		return fail("ports", &err);
	}
	gw_iface_ports_linklocal(); /* a PMD may have picked its MAC at start */
	gw_tables_commit();
	if (gw_dp_init(nb_workers, ids, socket) < 0 || gw_rcu_init(nb_workers, socket) < 0) {
		fprintf(stderr, "greway: out of memory for the workers\n");
		gw_port_stop_all();
		return EXIT_FAILURE;
	}
	gw_ctrl_init(mp);
	if (gw_rpc_server_open(gw_opts.socket, gw_opts.socket_gid) < 0) {
		gw_port_stop_all();
		return EXIT_FAILURE;
	}
	if (gw_control_start() != 0) {
		fprintf(stderr, "greway: cannot start the control thread\n");
		gw_port_stop_all();
		return EXIT_FAILURE;
	}
	/* optional, as EAL's own telemetry is (--no-telemetry): forward without it */
	if (gw_telemetry_init() < 0)
		GW_LOG(WARNING, MAIN, "telemetry commands not registered");
	GW_LOG(INFO, MAIN, "forwarding on %u worker(s), %u port(s)", nb_workers, gw_nb_ports);
	printf("greway: running, %u worker(s), %u port(s)\n", nb_workers, gw_nb_ports);
	fflush(stdout);

	if (main_works) {
		gw_worker_main(&gw_workers[0]);
	} else {
		for (w = 0; w < nb_workers; w++)
			rte_eal_remote_launch(gw_worker_main, &gw_workers[w], ids[w]);
		/* sleep, not rte_eal_mp_wait_lcore()'s spin: the main lcore has nothing to do */
		while (!gw_quit)
			rte_delay_us_sleep(MAIN_SLEEP_US);
		rte_eal_mp_wait_lcore();
	}
	gw_telemetry_stop();
	gw_control_stop();
	gw_rpc_server_close(gw_opts.socket);
	gw_stats_print(stdout);
	gw_port_stop_all();
	return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	int n, rc;

	/* before EAL: a SIGUSR1 or SIGTERM that arrives while it starts must not kill us */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "greway: EAL init failed: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	argv[n] = argv[0];
	rc = gw_options_parse(argc - n, argv + n);
	if (rc != 0) {
		rte_eal_cleanup();
		return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (gw_quit) {
		rte_eal_cleanup();
		return EXIT_SUCCESS;
	}
	if (gw_opts.pmd_profile != NULL) {
		rc = load_profile(gw_opts.pmd_profile, gw_opts.check_profile);
		if (rc >= 0 || gw_opts.check_profile) {
			rte_eal_cleanup();
			return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
		}
	}
	/*
	 * Serve dpdk-dumpcap / dpdk-pdump (secondary processes). Without shared
	 * files (--in-memory, --no-shconf) there is no secondary to serve, and
	 * rte_pdump_init says so by succeeding quietly; a failure costs capture only.
	 */
	if (rte_pdump_init() < 0)
		GW_LOG(WARNING, MAIN, "packet capture (rte_pdump) unavailable: %s",
		       rte_strerror(rte_errno));
	rc = run();
	rte_pdump_uninit();
	rte_eal_cleanup();
	return rc;
}
