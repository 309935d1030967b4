/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Registration of greway's log types (see gw_log.h), and their levels as the
 * RPC sets and shows them.
 */
#include <errno.h>
#include <string.h>

#include "gw_log.h"

RTE_LOG_REGISTER(gw_logtype_main, user.greway.main, INFO);
RTE_LOG_REGISTER(gw_logtype_port, user.greway.port, INFO);
RTE_LOG_REGISTER(gw_logtype_cfg, user.greway.cfg, INFO);
RTE_LOG_REGISTER(gw_logtype_ctrl, user.greway.ctrl, INFO);

static const struct {
	const char *name;
	const int *type;
} modules[] = {
	{ "main", &gw_logtype_main },
	{ "port", &gw_logtype_port },
	{ "cfg", &gw_logtype_cfg },
	{ "ctrl", &gw_logtype_ctrl },
};

#define NMODULES (sizeof(modules) / sizeof(modules[0]))

int
gw_log_set(const struct gw_log_conf *conf, struct gw_error *err)
{
	bool all = strcmp(conf->module, "all") == 0;
	unsigned int i, n = 0;

	for (i = 0; i < NMODULES; i++) {
		if (!all && strcmp(conf->module, modules[i].name) != 0)
			continue;
		if (rte_log_set_level(*modules[i].type, conf->level) < 0)
			return gw_error_set(err, -EINVAL, "log %s: cannot set level", conf->module);
		n++;
	}
	if (n == 0)
		return gw_error_set(err, -ENOENT,
				    "unknown log module \"%s\" (all, main, port, cfg, ctrl)",
				    conf->module);
	return 0;
}

void
gw_log_foreach(void (*cb)(const char *module, unsigned int level, void *arg), void *arg)
{
	unsigned int i;

	for (i = 0; i < NMODULES; i++)
		cb(modules[i].name, (unsigned int)rte_log_get_level(*modules[i].type), arg);
}
