/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * One rte_log dynamic type per module, named user.greway.<module>, so
 * `--log-level=user.greway.*:debug` works. The dataplane counts; it does not log.
 */
#ifndef GW_LOG_H
#define GW_LOG_H

#include <rte_log.h>

#include "gw_conf.h"
#include "gw_error.h"

extern int gw_logtype_main;  /**< user.greway.main */
extern int gw_logtype_port;  /**< user.greway.port */
extern int gw_logtype_cfg;   /**< user.greway.cfg */
extern int gw_logtype_ctrl;  /**< user.greway.ctrl */

/** Log at LEVEL (INFO, ERR, ...) for MODULE (MAIN, PORT, CFG, CTRL). */
#define GW_LOG(level, module, fmt, ...)                                                    \
	rte_log(RTE_LOG_##level, gw_logtype_##module##_alias, "greway: " fmt "\n",         \
		##__VA_ARGS__)

#define gw_logtype_MAIN_alias gw_logtype_main
#define gw_logtype_PORT_alias gw_logtype_port
#define gw_logtype_CFG_alias gw_logtype_cfg
#define gw_logtype_CTRL_alias gw_logtype_ctrl

/**
 * log set: change the level of one module, or of all with "all".
 *
 * @return 0, or -ENOENT with err naming the unknown module.
 */
int gw_log_set(const struct gw_log_conf *conf, struct gw_error *err);

/** Call cb with each module's name and level (1 emerg .. 8 debug). */
void gw_log_foreach(void (*cb)(const char *module, unsigned int level, void *arg), void *arg);

#endif /* GW_LOG_H */
