/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * One rte_log dynamic type per module, named user.greway.<module>, so
 * `--log-level=user.greway.*:debug` works. The dataplane counts; it does not log.
 */
#ifndef GW_LOG_H
#define GW_LOG_H

#include <rte_log.h>

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

#endif /* GW_LOG_H */
