/* SPDX-License-Identifier: BSD-3-Clause
 *
 * What the pieces of the daemon share: its options and its stop flag.
 */
#ifndef GW_APP_H
#define GW_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "gw_cmd.h"
#include "gw_error.h"
#include "gw_tunnel.h"

#define GW_DEFAULT_SOCKET "/run/greway/greway.sock"
#define GW_IDLE_SLEEP_US_DEFAULT 200

/** Options after EAL's "--". */
struct gw_options {
	const char *config;      /**< -c: startup file, NULL for none */
	const char *socket;      /**< -s: control socket path */
	const char *pmd_profile; /**< -p: PMD profile file, NULL for none */
	gid_t socket_gid;        /**< --socket-group: the socket's group, (gid_t)-1 for ours */
	uint32_t idle_sleep_us;  /**< --idle-sleep-us: most a worker sleeps when idle */
	bool check_profile;      /**< --check-profile: validate -p, print, exit */
};

extern struct gw_options gw_opts;
extern volatile bool gw_quit;       /**< set by SIGINT/SIGTERM */
extern volatile bool gw_dump_stats; /**< set by SIGUSR1 */
extern volatile bool gw_reload_req; /**< set by SIGHUP */

/**
 * Held by the control thread while it changes or reads the tables, and by the
 * telemetry thread's callbacks while they read them: the two threads of the
 * control plane never see each other's half-done work. Workers never take it.
 */
extern pthread_mutex_t gw_cfg_lock;

/** Parse the application's options. @return 0, 1 for --help (printed), -1 on error. */
int gw_options_parse(int argc, char **argv);

/**
 * SIGHUP: make the running configuration the startup file's, as a diff:
 * what did not change is not touched (reload.c). On failure, the
 * configuration before is restored. Control thread, under gw_cfg_lock.
 * Prints one line saying what happened. @return 0 or -errno.
 */
int gw_reload(const char *path);

/** Run the startup file through the command parser and gw_apply. @return 0 or -1 (printed). */
int gw_startup_run(const char *path);

/** A worker's loop (also run by the main lcore when it is the only one). */
int gw_worker_main(void *arg);

/** Start the control thread. @return 0 or -errno. */
int gw_control_start(void);

/** Stop and join the control thread. */
void gw_control_stop(void);

/**
 * Create the control socket, mode 0660, in a directory of mode 0750 (made
 * if missing); refuse a path someone else could have prepared (rpc_server.c).
 *
 * @param gid  Group of the socket and of a directory made here; (gid_t)-1: ours.
 * @return 0 or -errno (printed).
 */
int gw_rpc_server_open(const char *path, gid_t gid);

/** Serve what clients sent, without blocking (control thread). @return work done. */
unsigned int gw_rpc_server_poll(void);

/**
 * Sleep until a client connects, sends or can take its reply, or us
 * microseconds pass (the control thread's idle wait: a request is served at
 * once, not after the rest of a fixed sleep). Call without gw_cfg_lock.
 */
void gw_rpc_server_wait(unsigned int us);

/** Close the clients and remove the socket. */
void gw_rpc_server_close(const char *path);

/**
 * The JSON result of a show command (doc/rpc.md).
 *
 * @return a new reference, or NULL with err set (no such name).
 */
json_t *gw_show_json(const struct gw_cmd *cmd, struct gw_error *err);

/** bridge fdb show [br BR] (show_bridge.c). @return the array, or NULL with err set. */
json_t *gw_fdb_show(const char *br, struct gw_error *err);

/** bridge link show: every bridge member. */
json_t *gw_bridge_link_show(void);

/** A bridge's drops by reason, those not zero (stats show); NULL when no bridge. */
json_t *gw_bridge_stats_json(const char *name);

/** save: the bridges (link add) and those down. */
void gw_save_bridges(FILE *f, void (*line)(FILE *f, const struct gw_cmd *cmd));

/** save: each member's master, and the static MACs. */
void gw_save_members(FILE *f, void (*line)(FILE *f, const struct gw_cmd *cmd));

/** Whether a command only reads (a show). */
bool gw_cmd_is_show(enum gw_cmd_op op);

/**
 * The running configuration as a startup file that recreates it.
 *
 * @return malloc'd text, or NULL when out of memory.
 */
char *gw_save_config(void);

/**
 * Register the /greway/ telemetry commands and let them answer (call once the
 * tables, ports and workers exist). @return 0 or -errno.
 */
int gw_telemetry_init(void);

/** From now on the telemetry commands answer null: what they read is going away. */
void gw_telemetry_stop(void);

/** What keepalives say of peer id of tunnel t (state, last_seen, rtt_us), or NULL when off. */
json_t *gw_peer_live_json(const struct gw_tunnel *t, uint32_t id);

#endif /* GW_APP_H */
