/* SPDX-License-Identifier: BSD-3-Clause
 *
 * SIGHUP: the startup file again, as a diff against the running
 * configuration, so that what did not change is not touched and traffic on
 * it loses nothing.
 *
 * Both sides are compared as lines of the command language in one form:
 * the running configuration as `save` writes it, the file's lines parsed and
 * written again by the same formatter (gw_cmd_format). Then, toward a
 * target list of lines:
 *
 *   1. every running line the target lacks is undone, last first (save's
 *      order puts what a line needs before it): an add becomes its del, a
 *      tunnel whose line changed is changed in place (tunnel change, which
 *      keeps its routes and peers), a membership is left, a down link goes
 *      up; what went with something already undone (a tunnel's routes) is
 *      gone already;
 *   2. every target line the running configuration now lacks is applied,
 *      in the target's order (a link set only when it changes something).
 *
 * The result must equal the target; if a step fails or it does not, the
 * same walk goes back to the lines that ran before, and the reload is
 * reported as failed, FILE:LINE: reason. Only declarative lines (the ones
 * save writes: link, addr, tunnel add, neigh add, route add, bridge fdb
 * add, log set) can be compared; a file with others (del, change, stats
 * clear) is refused as a whole, before anything changes. What greway
 * learned (neighbours, spokes, bridge MACs) is not configuration and stays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "gw_app.h"
#include "gw_apply.h"
#include "gw_cmd.h"
#include "gw_iface.h"
#include "gw_log.h"
#include "gw_port.h"

#define LINE_LEN 512
#define FILE_LINE_MAX 1024

/* One line of a configuration, parsed and in its one form. */
struct line {
	struct gw_cmd cmd;
	char text[LINE_LEN];
	unsigned int lineno; /* in the file (0: from the running configuration) */
};

struct lines {
	struct line *v;
	unsigned int n, cap;
};

static void
lines_free(struct lines *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct line *
lines_push(struct lines *l)
{
	struct line *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		l->v = v;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static bool
lines_has(const struct lines *l, const char *text)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].text, text) == 0)
			return true;
	return false;
}

/* Whether a line says what is, rather than what to do: what save writes. */
static bool
declarative(enum gw_cmd_op op)
{
	switch (op) {
	case GW_CMD_LINK_SET:
	case GW_CMD_LINK_ADD:
	case GW_CMD_ADDR_ADD:
	case GW_CMD_TUNNEL_ADD:
	case GW_CMD_NEIGH_ADD:
	case GW_CMD_ROUTE_ADD:
	case GW_CMD_FDB_ADD:
	case GW_CMD_LOG_SET:
		return true;
	default:
		return false;
	}
}

/* Split, parse and format one line into l; 0 for a blank or comment line (nothing added). */
static int
line_add(struct lines *l, char *text, unsigned int lineno, struct gw_error *err)
{
	char *argv[GW_CMD_ARGS_MAX];
	struct line *ln;
	int argc;

	argc = gw_cmd_split(text, argv, GW_CMD_ARGS_MAX);
	if (argc < 0)
		return gw_error_set(err, -EINVAL, "more than %d words", GW_CMD_ARGS_MAX);
	if (argc == 0)
		return 0;
	ln = lines_push(l);
	if (ln == NULL)
		return gw_error_set(err, -ENOMEM, "out of memory");
	ln->lineno = lineno;
	if (gw_cmd_parse(argc, argv, &ln->cmd, err) < 0)
		return -EINVAL;
	if (!declarative(ln->cmd.op))
		return gw_error_set(err, -EINVAL,
				    "not a line a reload can compare (only what save writes: "
				    "link, addr add, tunnel add, neigh add, route add, "
				    "bridge fdb add, log set)");
	if (gw_cmd_format(&ln->cmd, ln->text, sizeof(ln->text)) < 0)
		return gw_error_set(err, -EINVAL, "line too long");
	return 0;
}

/* The running configuration, as save writes it. */
static int
running(struct lines *l, struct gw_error *err)
{
	char *text = gw_save_config(), *line, *next;
	int rc = 0;

	if (text == NULL)
		return gw_error_set(err, -ENOMEM, "out of memory");
	for (line = text; rc == 0 && line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		rc = line_add(l, line, 0, err);
	}
	free(text);
	return rc;
}

/* The startup file, every line checked before anything changes. */
static int
file_lines(const char *path, struct lines *l, struct gw_error *err)
{
	char buf[FILE_LINE_MAX + 2];
	unsigned int lineno = 0;
	int rc = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL)
		return gw_error_set(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	while (rc == 0 && fgets(buf, sizeof(buf), f) != NULL) {
		lineno++;
		if (strlen(buf) > FILE_LINE_MAX)
			rc = gw_error_set(err, -EINVAL, "line longer than %d bytes", FILE_LINE_MAX);
		else
			rc = line_add(l, buf, lineno, err);
	}
	fclose(f);
	if (rc < 0) {
		struct gw_error at = *err;

		return gw_error_set(err, rc, "%s:%u: %s", path, lineno, at.msg);
	}
	return 0;
}

/* A link set changes something: a word whose value differs from the interface's now. */
static bool
link_set_changes(const struct gw_link_conf *c)
{
	const struct gw_iface *ifc = gw_iface_by_name(c->name);
	const struct gw_port *p;

	if (ifc == NULL && (c->given & GW_LINK_GIVEN_NAME))
		ifc = gw_iface_by_name(c->newname); /* a port line names it as probed */
	if (ifc == NULL)
		return true; /* its error says why */
	if ((c->given & GW_LINK_GIVEN_NAME) && strcmp(ifc->name, c->newname) != 0)
		return true;
	if ((c->given & GW_LINK_GIVEN_UP) && ifc->up != c->up)
		return true;
	if ((c->given & GW_LINK_GIVEN_MASTER) &&
	    strcmp(ifc->master == GW_IFACE_NONE ? "" : gw_iface_name(ifc->master), c->master) != 0)
		return true;
	if (ifc->kind != GW_IFACE_PORT)
		return (c->given & (GW_LINK_GIVEN_MAC | GW_LINK_GIVEN_MTU)) != 0;
	p = &gw_ports[ifc->idx];
	return ((c->given & GW_LINK_GIVEN_MAC) && memcmp(&p->mac, c->mac, 6) != 0) ||
	       ((c->given & GW_LINK_GIVEN_MTU) && p->mtu != c->mtu);
}

/*
 * Apply a link set of a line from save or a file: a port's line names it as
 * probed (port0 name wan): once renamed, by its name now.
 */
static int
apply_link_set(struct gw_cmd *cmd, struct gw_error *err)
{
	struct gw_cmd renamed;

	if (!link_set_changes(&cmd->link))
		return 0;
	if (gw_iface_by_name(cmd->link.name) == NULL && (cmd->link.given & GW_LINK_GIVEN_NAME)) {
		renamed = *cmd;
		memcpy(renamed.link.name, cmd->link.newname, sizeof(renamed.link.name));
		renamed.link.given &= ~GW_LINK_GIVEN_NAME;
		return gw_apply(&renamed, err);
	}
	return gw_apply(cmd, err);
}

/* The target's tunnel line of that name, or NULL. */
static const struct line *
target_tunnel(const struct lines *target, const char *name)
{
	unsigned int i;

	for (i = 0; i < target->n; i++)
		if (target->v[i].cmd.op == GW_CMD_TUNNEL_ADD &&
		    strcmp(target->v[i].cmd.tunnel.name, name) == 0)
			return &target->v[i];
	return NULL;
}

/* Undo one running line the target lacks. Errors of what is gone already are not errors. */
static void
undo(const struct line *ln, const struct lines *target, unsigned int *changed,
     unsigned int *removed)
{
	struct gw_error err = { 0 };
	struct gw_cmd c = ln->cmd;
	const struct line *t;

	switch (ln->cmd.op) {
	case GW_CMD_TUNNEL_ADD:
		t = target_tunnel(target, ln->cmd.tunnel.name);
		if (t != NULL) {
			c = t->cmd;
			c.op = GW_CMD_TUNNEL_CHANGE;
			if (gw_apply(&c, &err) == 0) {
				(*changed)++;
				return;
			}
			c = ln->cmd; /* another mode or family: deleted, added again in step 2 */
		}
		c.op = GW_CMD_TUNNEL_DEL;
		memmove(c.name, ln->cmd.tunnel.name, sizeof(c.name));
		break;
	case GW_CMD_ADDR_ADD:
		c.op = GW_CMD_ADDR_DEL;
		break;
	case GW_CMD_ROUTE_ADD:
		c.op = GW_CMD_ROUTE_DEL;
		break;
	case GW_CMD_NEIGH_ADD:
		c.op = GW_CMD_NEIGH_DEL;
		break;
	case GW_CMD_FDB_ADD:
		c.op = GW_CMD_FDB_DEL;
		break;
	case GW_CMD_LINK_ADD:
		c.op = GW_CMD_LINK_DEL;
		memmove(c.name, ln->cmd.bridge.name, sizeof(c.name));
		break;
	case GW_CMD_LOG_SET:
		c.log.level = RTE_LOG_INFO; /* the default */
		break;
	case GW_CMD_LINK_SET:
		/* what save writes beyond a port's line: a membership, a link down */
		memset(&c.link, 0, sizeof(c.link));
		memcpy(c.link.name, ln->cmd.link.name, sizeof(c.link.name));
		if (ln->cmd.link.given & GW_LINK_GIVEN_MASTER) {
			c.link.given = GW_LINK_GIVEN_MASTER; /* nomaster */
		} else if (ln->cmd.link.given == GW_LINK_GIVEN_UP && !ln->cmd.link.up) {
			c.link.given = GW_LINK_GIVEN_UP;
			c.link.up = true;
		} else {
			return; /* a port's line: the target's own line sets it */
		}
		if (gw_iface_by_name(c.link.name) == NULL)
			return;
		break;
	default:
		return;
	}
	if (gw_apply(&c, &err) == 0)
		(*removed)++;
	else
		GW_LOG(DEBUG, MAIN, "reload: undoing \"%s\": %s (gone with another)", ln->text,
		       err.msg);
}

/*
 * Make the running configuration the target's lines (see the top). Counts
 * what changed. @return 0, or -errno with err set (FILE:LINE where the
 * target came from a file).
 */
static int
converge(const struct lines *target, const char *path, unsigned int *removed,
	 unsigned int *changed, unsigned int *added, struct gw_error *err)
{
	struct lines now = { 0 };
	unsigned int i;
	int rc;

	rc = running(&now, err);
	for (i = now.n; rc == 0 && i-- > 0;)
		if (!lines_has(target, now.v[i].text))
			undo(&now.v[i], target, changed, removed);
	lines_free(&now);
	gw_tables_commit();
	if (rc == 0)
		rc = running(&now, err);
	for (i = 0; rc == 0 && i < target->n; i++) {
		struct gw_cmd c = target->v[i].cmd;
		struct gw_error e = { 0 };

		if (lines_has(&now, target->v[i].text))
			continue;
		if (c.op == GW_CMD_LINK_SET)
			rc = apply_link_set(&c, &e);
		else
			rc = gw_apply(&c, &e);
		if (rc < 0 && path != NULL)
			gw_error_set(err, rc, "%s:%u: %s", path, target->v[i].lineno, e.msg);
		else if (rc < 0)
			gw_error_set(err, rc, "\"%s\": %s", target->v[i].text, e.msg);
		else if (c.op != GW_CMD_LINK_SET)
			(*added)++;
	}
	lines_free(&now);
	gw_tables_commit();
	if (rc < 0)
		return rc;
	/* what ran must be what was asked: else it counts as failed, and is undone */
	rc = running(&now, err);
	for (i = 0; rc == 0 && i < now.n; i++)
		if (now.v[i].cmd.op != GW_CMD_LINK_SET && !lines_has(target, now.v[i].text))
			rc = gw_error_set(err, -EINVAL, "\"%s\" still runs after the reload",
					  now.v[i].text);
	lines_free(&now);
	return rc;
}

int
gw_reload(const char *path)
{
	unsigned int removed = 0, changed = 0, added = 0, r2 = 0, c2 = 0, a2 = 0;
	struct lines before = { 0 }, target = { 0 };
	struct gw_error err = { 0 }, err2 = { 0 };
	int rc;

	rc = file_lines(path, &target, &err);
	if (rc == 0)
		rc = running(&before, &err);
	if (rc < 0) {
		printf("greway: reload of %s refused, nothing changed: %s\n", path, err.msg);
		goto out;
	}
	rc = converge(&target, path, &removed, &changed, &added, &err);
	if (rc == 0) {
		printf("greway: reloaded %s: %u removed, %u changed, %u added\n", path, removed,
		       changed, added);
		goto out;
	}
	if (converge(&before, NULL, &r2, &c2, &a2, &err2) == 0)
		printf("greway: reload of %s failed, the configuration before restored: %s\n",
		       path, err.msg);
	else
		printf("greway: reload of %s failed: %s; restoring the configuration before "
		       "failed too: %s\n", path, err.msg, err2.msg);
out:
	fflush(stdout);
	lines_free(&before);
	lines_free(&target);
	return rc;
}
