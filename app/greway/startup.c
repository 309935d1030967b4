/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The startup file (-c): command lines run in order through the same parser
 * and apply functions as every other front end. The first bad line stops the
 * daemon before any port starts, reported as FILE:LINE: reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw_app.h"
#include "gw_apply.h"
#include "gw_cmd.h"

#define LINE_MAX_LEN 1024

int
gw_startup_run(const char *path)
{
	char line[LINE_MAX_LEN + 2], *argv[GW_CMD_ARGS_MAX];
	struct gw_error err = { 0 };
	struct gw_cmd cmd;
	unsigned int lineno = 0;
	int argc, rc = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strlen(line) > LINE_MAX_LEN) {
			fprintf(stderr, "%s:%u: line longer than %d bytes\n", path, lineno,
				LINE_MAX_LEN);
			rc = -1;
			break;
		}
		argc = gw_cmd_split(line, argv, GW_CMD_ARGS_MAX);
		if (argc < 0) {
			fprintf(stderr, "%s:%u: more than %d words\n", path, lineno,
				GW_CMD_ARGS_MAX);
			rc = -1;
			break;
		}
		if (argc == 0)
			continue;
		if (gw_cmd_parse(argc, argv, &cmd, &err) < 0 || gw_apply(&cmd, &err) < 0) {
			fprintf(stderr, "%s:%u: %s\n", path, lineno, err.msg);
			rc = -1;
			break;
		}
	}
	gw_tables_commit(); /* the whole file, published at once */
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		rc = -1;
	}
	fclose(f);
	return rc;
}
