/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Registration of greway's log types (see gw_log.h).
 */
#include "gw_log.h"

RTE_LOG_REGISTER(gw_logtype_main, user.greway.main, INFO);
RTE_LOG_REGISTER(gw_logtype_port, user.greway.port, INFO);
RTE_LOG_REGISTER(gw_logtype_cfg, user.greway.cfg, INFO);
RTE_LOG_REGISTER(gw_logtype_ctrl, user.greway.ctrl, INFO);
