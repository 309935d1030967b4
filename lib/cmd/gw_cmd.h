/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The grewayctl command language (iproute2's words) parsed into requests.
 *
 * One parser serves the startup file (-c), grewayctl and the RPC, so they
 * cannot disagree. It knows words, not state: "is dev port7 a real port?" is
 * the apply function's question. Free of EAL; fuzzed by tests/fuzz.
 *
 *     link set NAME [name NEW] [address MAC] [mtu N] [up|down] [master BR | nomaster]
 *     link add BR type bridge [ageing_time S] [fdb_max_learned N], link del BR
 *     addr add|del PREFIX dev NAME
 *     route add|del PREFIX (dev NAME | via ADDR [dev NAME])
 *     neigh add|del ADDR lladdr MAC dev NAME
 *     tunnel add|change NAME mode gre|gretap|ip6gre|ip6gretap local ADDR remote ADDR|any
 *            [OPTIONS: the rows of lib/model/gw_tunnel_opt.def; grewayctl help tunnel]
 *     tunnel del NAME
 *     bridge fdb add MAC dev NAME [master] [static], bridge fdb del MAC dev NAME [master]
 *     bridge fdb show [br BR]
 *     bridge link show
 *     link show [NAME], addr|route|neigh show, tunnel show [NAME], stats show [NAME],
 *     stats clear
 *     log set MODULE|all LEVEL, log show
 */
#ifndef GW_CMD_H
#define GW_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_conf.h"
#include "gw_error.h"
#include "gw_inet.h"
#include "gw_tunnel_conf.h"

#define GW_CMD_ARGS_MAX 64 /**< most words in one command */

/**
 * What a command asks for: one value per row of gw_cmd_op.def (the rows'
 * comments say more), in its order.
 */
enum gw_cmd_op {
#define GW_CMD_OP(e, method, members, is_show) GW_CMD_##e,
#include "gw_cmd_op.def"
#undef GW_CMD_OP
};

/** One parsed command. */
struct gw_cmd {
	enum gw_cmd_op op; /**< what to do; selects the union member */
	union {
		struct gw_link_conf link;
		struct gw_bridge_conf bridge; /**< link add */
		struct gw_fdb_conf fdb;       /**< bridge fdb */
		struct gw_addr_conf addr;
		struct gw_route_conf route;
		struct gw_neigh_conf neigh;
		struct gw_tunnel_conf tunnel;
		struct gw_log_conf log;
		char name[GW_NAME_MAX]; /**< show/del/stats: object name, may be empty */
	};
};

/**
 * Parse one command.
 *
 * @param argc
 *   Number of words.
 * @param argv
 *   The words: OBJECT COMMAND ARGS...
 * @param cmd
 *   Filled on success (zeroed first).
 * @param err
 *   On failure: one line naming the bad word.
 * @return
 *   0, or -EINVAL (bad word), -ERANGE (value out of range), -ENAMETOOLONG.
 */
int gw_cmd_parse(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err);

/**
 * Split a line into words in place, dropping a '#' comment.
 *
 * @param line
 *   Modified: blanks become NULs.
 * @param argv
 *   Receives pointers into line.
 * @param max
 *   Capacity of argv.
 * @return
 *   Number of words (0 for a blank or comment line), or -E2BIG.
 */
int gw_cmd_split(char *line, char *argv[], int max);

/**
 * Format an add command (link set, link add, addr/route/neigh/tunnel add,
 * bridge fdb add, log set) as a line of the language, without newline, that
 * parses back to the same command. Every tunnel option is written out,
 * defaults included, and so are a bridge's ageing_time and fdb_max_learned.
 *
 * @return the line's length, -ENOSPC (buf too small), -ENOTSUP (other ops).
 */
int gw_cmd_format(const struct gw_cmd *cmd, char *buf, size_t size);

/**
 * Whether an operation only reads the state (link show, bridge fdb show, ...),
 * as its row of gw_cmd_op.def says.
 *
 * @return true for a show, false for a change or an unknown value.
 */
bool gw_cmd_op_is_show(enum gw_cmd_op op);

const char *gw_tunnel_mode_name(enum gw_tunnel_mode mode);

/**
 * Name of an rte_log level, 1 (emerg) to 8 (debug).
 *
 * @return "emerg" ... "debug", or NULL out of range.
 */
const char *gw_log_level_name(unsigned int level);

/**
 * Level of an rte_log level name ("emerg" ... "debug").
 *
 * @return 1..8, or -EINVAL.
 */
int gw_log_level_parse(const char *word);

#endif /* GW_CMD_H */
