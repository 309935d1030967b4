/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The sizes of the tables (gw_limits.h): the rows of gw_limits.def as the
 * defaults, the parser of greway's --max-* options and their help.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "gw_inet.h"
#include "gw_limits.h"

struct gw_limits gw_limits = {
#define GW_LIMIT(field, option, def, min, max, help) .field = def,
#include "gw_limits.def"
#undef GW_LIMIT
};

static const struct {
	const char *option;
	size_t off;
	uint32_t def, min, max;
	const char *help;
} rows[] = {
#define GW_LIMIT(field, option, def, min, max, help) \
	{ option, offsetof(struct gw_limits, field), def, min, max, help },
#include "gw_limits.def"
#undef GW_LIMIT
};

int
gw_limits_set(struct gw_limits *l, const char *option, const char *arg, struct gw_error *err)
{
	unsigned int i;
	uint64_t v;

	for (i = 0; i < RTE_DIM(rows); i++) {
		if (strcmp(option, rows[i].option) != 0)
			continue;
		if (gw_uint_parse(arg, rows[i].max, &v) < 0 || v < rows[i].min)
			return gw_error_set(err, -EINVAL, "invalid --%s \"%s\": expected %u..%u",
					    option, arg, rows[i].min, rows[i].max);
		*(uint32_t *)((char *)l + rows[i].off) = v;
		return 0;
	}
	return -ENOENT;
}

void
gw_limits_usage(FILE *f)
{
	const char *s, *nl;
	unsigned int i;
	char head[32];

	for (i = 0; i < RTE_DIM(rows); i++) {
		snprintf(head, sizeof(head), "--%s N", rows[i].option);
		/* the help's lines, the first beside the option, the default on the last */
		for (s = rows[i].help; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
			fprintf(f, "  %-20s %.*s\n", head, (int)(nl - s), s);
			head[0] = '\0';
		}
		fprintf(f, "  %-20s %s (default %u; %u..%u)\n", head, s, rows[i].def, rows[i].min,
			rows[i].max);
	}
}
