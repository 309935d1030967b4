/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The command language: OBJECT COMMAND ARGS, dispatched by a table of
 * objects, each parsed by its own function below (tunnel's in cmd_tunnel.c).
 * Words are matched exactly, as iproute2's users type them; every error
 * names the word that was wrong.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd_priv.h"
#include "gw_cmd.h"

int
gw_cmd_split(char *line, char *argv[], int max)
{
	char *p = line;
	int argc = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = '\0';
		if (*p == '\0' || *p == '#')
			break;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
	}
	*p = '\0';
	return argc;
}

int
cmd_name(const char *word, char *out, const char *what, struct gw_error *err)
{
	size_t i, len = strlen(word);

	if (len == 0)
		return gw_error_set(err, -EINVAL, "empty %s", what);
	if (len >= GW_NAME_MAX)
		return gw_error_set(err, -ENAMETOOLONG, "%s \"%s\" is longer than %d characters",
				    what, word, GW_NAME_MAX - 1);
	for (i = 0; i < len; i++) {
		char c = word[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return gw_error_set(err, -EINVAL,
					    "%s \"%s\" may only use letters, digits, '_', '-' and '.'",
					    what, word);
	}
	memcpy(out, word, len + 1);
	return 0;
}

int
cmd_value(int argc, char *const argv[], int *i, const char **val, struct gw_error *err)
{
	if (*i + 1 >= argc)
		return gw_error_set(err, -EINVAL, "\"%s\" needs a value", argv[*i]);
	*i += 1;
	*val = argv[*i];
	return 0;
}

int
cmd_uint_range(const char *word, const char *what, uint64_t min, uint64_t max, uint64_t *v,
	       struct gw_error *err)
{
	int rc = gw_uint_parse(word, max, v);

	if (rc == 0 && *v < min)
		rc = -ERANGE;
	if (rc < 0)
		return gw_error_set(err, rc, "invalid %s \"%s\": expected %" PRIu64 "..%" PRIu64,
				    what, word, min, max);
	return 0;
}

int
cmd_ip(const char *word, const char *what, struct gw_ip *ip, struct gw_error *err)
{
	if (gw_ip_parse(word, ip) < 0)
		return gw_error_set(err, -EINVAL, "invalid %s \"%s\": expected an IPv4 or IPv6 address",
				    what, word);
	return 0;
}

int
cmd_unicast_mac(const char *word, const char *what, uint8_t mac[6], struct gw_error *err)
{
	if (gw_mac_parse(word, mac) < 0)
		return gw_error_set(err, -EINVAL, "invalid %s \"%s\": expected xx:xx:xx:xx:xx:xx",
				    what, word);
	if ((mac[0] & 1) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return gw_error_set(err, -EINVAL, "invalid %s \"%s\": not a unicast MAC", what,
				    word);
	return 0;
}

/* link add NAME type bridge [ageing_time S] [fdb_max_learned N]: the record complete. */
static int
parse_link_add(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	struct gw_bridge_conf *b = &cmd->bridge;
	const char *val = NULL;
	bool typed = false;
	uint64_t v = 0;
	int i, rc;

	cmd->op = GW_CMD_LINK_ADD;
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "link add needs a NAME");
	rc = cmd_name(argv[2], b->name, "bridge name", err);
	if (rc < 0)
		return rc;
	b->ageing_time = GW_BRIDGE_AGEING_DEFAULT;
	b->max_learned = GW_BRIDGE_LEARNED_DEFAULT;
	for (i = 3; i < argc; i++) {
		const char *word = argv[i];

		if (strcmp(word, "type") != 0 && strcmp(word, "ageing_time") != 0 &&
		    strcmp(word, "fdb_max_learned") != 0)
			return gw_error_set(err, -EINVAL, "unknown word \"%s\" in link add (type, "
					    "ageing_time, fdb_max_learned)", word);
		rc = cmd_value(argc, argv, &i, &val, err);
		if (rc < 0)
			return rc;
		if (word[0] == 't') {
			if (strcmp(val, "bridge") != 0)
				return gw_error_set(err, -EINVAL,
						    "link add: type \"%s\" is not supported (bridge)",
						    val);
			typed = true;
		} else if (word[0] == 'a') {
			rc = cmd_uint_range(val, "ageing_time", 1, GW_BRIDGE_AGEING_MAX, &v, err);
			if (rc < 0)
				return rc;
			b->ageing_time = v;
			b->given |= GW_BRIDGE_GIVEN_AGEING;
		} else {
			rc = cmd_uint_range(val, "fdb_max_learned", 1, GW_BRIDGE_LEARNED_MAX, &v,
					    err);
			if (rc < 0)
				return rc;
			b->max_learned = v;
			b->given |= GW_BRIDGE_GIVEN_LEARNED;
		}
	}
	if (!typed)
		return gw_error_set(err, -EINVAL, "link add %s needs type bridge", b->name);
	return 0;
}

/* link set NAME ...: each word given sets its bit of l->given. */
static int
parse_link_set(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	struct gw_link_conf *l = &cmd->link;
	const char *val = NULL;
	uint64_t v = 0;
	int i, rc;

	cmd->op = GW_CMD_LINK_SET;
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "link set needs a NAME");
	rc = cmd_name(argv[2], l->name, "link name", err);
	if (rc < 0)
		return rc;
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "up") == 0 || strcmp(argv[i], "down") == 0) {
			l->up = argv[i][0] == 'u';
			l->given |= GW_LINK_GIVEN_UP;
			continue;
		}
		if (strcmp(argv[i], "name") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_name(val, l->newname, "link name", err);
			l->given |= GW_LINK_GIVEN_NAME;
		} else if (strcmp(argv[i], "address") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0 && gw_mac_parse(val, l->mac) < 0)
				rc = gw_error_set(err, -EINVAL,
						  "invalid address \"%s\": expected xx:xx:xx:xx:xx:xx",
						  val);
			l->given |= GW_LINK_GIVEN_MAC;
		} else if (strcmp(argv[i], "mtu") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_uint_range(val, "mtu", 68, 65535, &v, err);
			l->mtu = v;
			l->given |= GW_LINK_GIVEN_MTU;
		} else if (strcmp(argv[i], "master") == 0 || strcmp(argv[i], "nomaster") == 0) {
			bool no = argv[i][0] == 'n';

			/* either may repeat; together they contradict (a master is never "") */
			if ((l->given & GW_LINK_GIVEN_MASTER) && no != (l->master[0] == '\0'))
				return gw_error_set(err, -EINVAL,
						    "\"%s\" and \"%s\" exclude each other in link set",
						    argv[i], no ? "master" : "nomaster");
			l->master[0] = '\0';
			rc = 0;
			if (!no) {
				rc = cmd_value(argc, argv, &i, &val, err);
				if (rc == 0)
					rc = cmd_name(val, l->master, "bridge name", err);
			}
			l->given |= GW_LINK_GIVEN_MASTER;
		} else {
			rc = gw_error_set(err, -EINVAL,
					  "unknown word \"%s\" in link set (name, address, mtu, up, down, "
					  "master, nomaster)", argv[i]);
		}
		if (rc < 0)
			return rc;
	}
	if (l->given == 0)
		return gw_error_set(err, -EINVAL,
				    "link set %s: nothing to change (name, address, mtu, up, down, "
				    "master, nomaster)", l->name);
	return 0;
}

static int
parse_link(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	if (strcmp(argv[1], "show") == 0) {
		cmd->op = GW_CMD_LINK_SHOW;
		if (argc > 3)
			return gw_error_set(err, -EINVAL, "unexpected \"%s\" after link show", argv[3]);
		return argc == 3 ? cmd_name(argv[2], cmd->name, "link name", err) : 0;
	}
	if (strcmp(argv[1], "set") == 0)
		return parse_link_set(argc, argv, cmd, err);
	if (strcmp(argv[1], "add") == 0)
		return parse_link_add(argc, argv, cmd, err);
	if (strcmp(argv[1], "del") != 0)
		return gw_error_set(err, -EINVAL,
				    "unknown command \"%s\" for link (add, del, set, show)", argv[1]);
	cmd->op = GW_CMD_LINK_DEL;
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "link del needs a NAME");
	if (argc > 3)
		return gw_error_set(err, -EINVAL, "unexpected \"%s\" after link del %s", argv[3],
				    argv[2]);
	return cmd_name(argv[2], cmd->name, "link name", err);
}

/*
 * A neighbour's lladdr: a MAC, or on a multipoint tunnel the spoke's
 * underlay address (ip-neighbour(8) takes either, by the device's kind).
 */
static int
cmd_lladdr(const char *val, struct gw_neigh_conf *n, struct gw_error *err)
{
	if (gw_mac_parse(val, n->mac) == 0)
		return cmd_unicast_mac(val, "lladdr", n->mac, err);
	if (gw_ip_parse(val, &n->underlay) == 0)
		return 0;
	return gw_error_set(err, -EINVAL, "invalid lladdr \"%s\": expected a MAC "
			    "(xx:xx:xx:xx:xx:xx), or a spoke's underlay address", val);
}

/* "addr add|del PREFIX dev NAME", "neigh add|del ADDR [lladdr MAC|ADDR] dev NAME": both end in dev. */
static int
parse_dev_tail(int argc, char *const argv[], int i, const char *ctx, char *dev,
	       struct gw_neigh_conf *neigh, struct gw_error *err)
{
	const char *val = NULL;
	int rc;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "dev") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_name(val, dev, "device name", err);
		} else if (neigh != NULL && strcmp(argv[i], "lladdr") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_lladdr(val, neigh, err);
		} else {
			rc = gw_error_set(err, -EINVAL, "unknown word \"%s\" in %s", argv[i], ctx);
		}
		if (rc < 0)
			return rc;
	}
	if (dev[0] == '\0')
		return gw_error_set(err, -EINVAL, "%s needs dev NAME", ctx);
	return 0;
}

static int
parse_addr(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	struct gw_addr_conf *a = &cmd->addr;
	int rc;

	if (strcmp(argv[1], "show") == 0) {
		cmd->op = GW_CMD_ADDR_SHOW;
		return argc > 2 ? gw_error_set(err, -EINVAL, "unexpected \"%s\" after addr show",
					       argv[2]) : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		cmd->op = GW_CMD_ADDR_ADD;
	else if (strcmp(argv[1], "del") == 0)
		cmd->op = GW_CMD_ADDR_DEL;
	else
		return gw_error_set(err, -EINVAL, "unknown command \"%s\" for addr (add, del, show)",
				    argv[1]);
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "addr %s needs PREFIX dev NAME", argv[1]);
	rc = gw_prefix_parse(argv[2], &a->prefix);
	if (rc < 0)
		return gw_error_set(err, rc, "invalid prefix \"%s\": expected ADDR/LEN", argv[2]);
	return parse_dev_tail(argc, argv, 3, cmd->op == GW_CMD_ADDR_ADD ? "addr add" : "addr del",
			      a->dev, NULL, err);
}

static int
parse_neigh(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	static const uint8_t zero[6];
	struct gw_neigh_conf *n = &cmd->neigh;
	int rc;

	if (strcmp(argv[1], "show") == 0) {
		cmd->op = GW_CMD_NEIGH_SHOW;
		if (argc == 2)
			return 0;
		if (strcmp(argv[2], "dev") != 0 || argc != 4)
			return gw_error_set(err, -EINVAL, "unexpected \"%s\" after neigh show "
					    "(neigh show [dev NAME])", argv[argc == 4 ? 2 : argc - 1]);
		return cmd_name(argv[3], n->dev, "device name", err);
	}
	if (strcmp(argv[1], "add") == 0)
		cmd->op = GW_CMD_NEIGH_ADD;
	else if (strcmp(argv[1], "del") == 0)
		cmd->op = GW_CMD_NEIGH_DEL;
	else
		return gw_error_set(err, -EINVAL,
				    "unknown command \"%s\" for neigh (add, del, show)", argv[1]);
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "neigh %s needs ADDR", argv[1]);
	rc = cmd_ip(argv[2], "neighbour address", &n->addr, err);
	if (rc < 0)
		return rc;
	rc = parse_dev_tail(argc, argv, 3, cmd->op == GW_CMD_NEIGH_ADD ? "neigh add" : "neigh del",
			    n->dev, n, err);
	if (rc < 0)
		return rc;
	if (cmd->op == GW_CMD_NEIGH_ADD && memcmp(n->mac, zero, 6) == 0 && n->underlay.family == 0)
		return gw_error_set(err, -EINVAL, "neigh add needs lladdr MAC (or lladdr ADDR, "
				    "a spoke's underlay address, on a multipoint tunnel)");
	return 0;
}

/*
 * bridge fdb add MAC dev NAME [master] [static], bridge fdb del MAC dev NAME [master].
 * master and static are bridge(8)'s words, accepted for its users: entries are
 * always the bridge's (never the port's own, "self"), and added ones are static.
 * A GRETAP hub's spokes are bridge(8)'s VXLAN words: bridge fdb append (or add)
 * 00:00:00:00:00:00 dev MGRETAP dst UNDERLAY, and del with dst.
 */
static int
parse_fdb_change(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	bool add = cmd->op == GW_CMD_FDB_ADD;
	const char *ctx = add ? "bridge fdb add" : "bridge fdb del";
	const char *val = NULL;
	int i, rc;

	static const uint8_t zero[6];

	if (argc < 4)
		return gw_error_set(err, -EINVAL, "%s needs MAC dev NAME", ctx);
	if (gw_mac_parse(argv[3], cmd->fdb.mac) < 0 || memcmp(cmd->fdb.mac, zero, 6) != 0) {
		rc = cmd_unicast_mac(argv[3], "mac", cmd->fdb.mac, err);
		if (rc < 0)
			return rc;
	}
	for (i = 4; i < argc; i++) {
		if (strcmp(argv[i], "dev") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_name(val, cmd->fdb.dev, "device name", err);
		} else if (strcmp(argv[i], "dst") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_ip(val, "dst", &cmd->fdb.dst, err);
		} else if (strcmp(argv[i], "master") == 0 ||
			   (add && strcmp(argv[i], "static") == 0)) {
			rc = 0;
		} else {
			rc = gw_error_set(err, -EINVAL, "unknown word \"%s\" in %s (%s)", argv[i], ctx,
					  add ? "dev, dst, master, static" : "dev, dst, master");
		}
		if (rc < 0)
			return rc;
	}
	if (cmd->fdb.dev[0] == '\0')
		return gw_error_set(err, -EINVAL, "%s needs dev NAME", ctx);
	if ((cmd->fdb.dst.family != 0) != (memcmp(cmd->fdb.mac, zero, 6) == 0))
		return gw_error_set(err, -EINVAL, "%s: a hub's spoke is 00:00:00:00:00:00 with dst "
				    "ADDR; a station's MAC takes no dst", ctx);
	return 0;
}

/* bridge fdb add|del|show. */
static int
parse_fdb(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	const char *val = NULL;
	int i, rc;

	if (argc < 3)
		return gw_error_set(err, -EINVAL, "bridge fdb needs a command");
	if (strcmp(argv[2], "add") == 0 || strcmp(argv[2], "append") == 0 ||
	    strcmp(argv[2], "del") == 0) {
		cmd->op = argv[2][0] == 'a' ? GW_CMD_FDB_ADD : GW_CMD_FDB_DEL;
		return parse_fdb_change(argc, argv, cmd, err);
	}
	if (strcmp(argv[2], "show") != 0)
		return gw_error_set(err, -EINVAL,
				    "unknown command \"%s\" for bridge fdb (add, append, del, show)",
				    argv[2]);
	cmd->op = GW_CMD_FDB_SHOW;
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "br") != 0)
			return gw_error_set(err, -EINVAL, "unknown word \"%s\" in bridge fdb show (br)",
					    argv[i]);
		rc = cmd_value(argc, argv, &i, &val, err);
		if (rc == 0)
			rc = cmd_name(val, cmd->fdb.br, "bridge name", err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* bridge(8)'s objects: fdb (the forwarding database) and link (the bridges' ports). */
static int
parse_bridge(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	if (strcmp(argv[1], "fdb") == 0)
		return parse_fdb(argc, argv, cmd, err);
	if (strcmp(argv[1], "link") != 0)
		return gw_error_set(err, -EINVAL, "unknown object \"%s\" for bridge (fdb, link)",
				    argv[1]);
	cmd->op = GW_CMD_BRIDGE_LINK_SHOW;
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "bridge link needs a command");
	if (strcmp(argv[2], "show") != 0)
		return gw_error_set(err, -EINVAL, "unknown command \"%s\" for bridge link (show)",
				    argv[2]);
	return argc > 3 ? gw_error_set(err, -EINVAL, "unexpected \"%s\" after bridge link show",
				       argv[3]) : 0;
}

static int
parse_route(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	struct gw_route_conf *r = &cmd->route;
	struct gw_prefix p;
	const char *val = NULL;
	int i, rc;

	if (strcmp(argv[1], "show") == 0) {
		cmd->op = GW_CMD_ROUTE_SHOW;
		return argc > 2 ? gw_error_set(err, -EINVAL, "unexpected \"%s\" after route show",
					       argv[2]) : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		cmd->op = GW_CMD_ROUTE_ADD;
	else if (strcmp(argv[1], "del") == 0)
		cmd->op = GW_CMD_ROUTE_DEL;
	else
		return gw_error_set(err, -EINVAL,
				    "unknown command \"%s\" for route (add, del, show)", argv[1]);
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "route %s needs PREFIX", argv[1]);
	memset(&p, 0, sizeof(p)); /* padding too: commands compare byte for byte */
	if (strcmp(argv[2], "default") == 0) {
		p.addr.family = AF_INET;
	} else {
		rc = gw_prefix_parse(argv[2], &p);
		if (rc < 0)
			return gw_error_set(err, rc, "invalid prefix \"%s\": expected ADDR/LEN",
					    argv[2]);
	}
	gw_prefix_masked(&p, &r->dst);
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "via") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_ip(val, "gateway", &r->via, err);
			if (rc == 0 && r->via.family != r->dst.addr.family)
				rc = gw_error_set(err, -EINVAL,
						  "gateway \"%s\" is not of the prefix's family", val);
		} else if (strcmp(argv[i], "dev") == 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc == 0)
				rc = cmd_name(val, r->dev, "device name", err);
		} else {
			rc = gw_error_set(err, -EINVAL, "unknown word \"%s\" in route %s (via, dev)",
					  argv[i], argv[1]);
		}
		if (rc < 0)
			return rc;
	}
	if (cmd->op == GW_CMD_ROUTE_ADD && r->via.family == 0 && r->dev[0] == '\0')
		return gw_error_set(err, -EINVAL, "route add needs dev NAME or via ADDR");
	return 0;
}

static int
parse_stats(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	if (strcmp(argv[1], "clear") == 0) {
		cmd->op = GW_CMD_STATS_CLEAR;
		return argc > 2 ? gw_error_set(err, -EINVAL, "unexpected \"%s\" after stats clear",
					       argv[2]) : 0;
	}
	if (strcmp(argv[1], "show") != 0)
		return gw_error_set(err, -EINVAL, "unknown command \"%s\" for stats (show, clear)",
				    argv[1]);
	cmd->op = GW_CMD_STATS_SHOW;
	if (argc > 3)
		return gw_error_set(err, -EINVAL, "unexpected \"%s\" after stats show", argv[3]);
	return argc == 3 ? cmd_name(argv[2], cmd->name, "name", err) : 0;
}

static const char *const log_levels[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

const char *
gw_log_level_name(unsigned int level)
{
	return level >= 1 && level <= 8 ? log_levels[level - 1] : NULL;
}

int
gw_log_level_parse(const char *word)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (strcmp(word, log_levels[i]) == 0)
			return i + 1;
	return -EINVAL;
}

static int
parse_log(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	int rc, level;

	if (strcmp(argv[1], "show") == 0) {
		cmd->op = GW_CMD_LOG_SHOW;
		return argc > 2 ? gw_error_set(err, -EINVAL, "unexpected \"%s\" after log show",
					       argv[2]) : 0;
	}
	if (strcmp(argv[1], "set") != 0)
		return gw_error_set(err, -EINVAL, "unknown command \"%s\" for log (set, show)",
				    argv[1]);
	cmd->op = GW_CMD_LOG_SET;
	if (argc < 4)
		return gw_error_set(err, -EINVAL, "log set needs MODULE LEVEL");
	if (argc > 4)
		return gw_error_set(err, -EINVAL, "unexpected \"%s\" after log set", argv[4]);
	rc = cmd_name(argv[2], cmd->log.module, "log module", err);
	if (rc < 0)
		return rc;
	level = gw_log_level_parse(argv[3]);
	if (level < 0)
		return gw_error_set(err, -EINVAL,
				    "invalid log level \"%s\" (emerg, alert, crit, err, warning, "
				    "notice, info, debug)", argv[3]);
	cmd->log.level = level;
	return 0;
}

bool
gw_cmd_op_is_show(enum gw_cmd_op op)
{
	static const bool show[] = {
#define GW_CMD_OP(e, method, members, is_show) [GW_CMD_##e] = is_show,
#include "gw_cmd_op.def"
#undef GW_CMD_OP
	};

	return (unsigned int)op < sizeof(show) / sizeof(show[0]) && show[op];
}

static const struct {
	const char *word;
	int (*parse)(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err);
} objects[] = {
	{ "link", parse_link },
	{ "addr", parse_addr },
	{ "route", parse_route },
	{ "neigh", parse_neigh },
	{ "tunnel", cmd_parse_tunnel },
	{ "bridge", parse_bridge },
	{ "stats", parse_stats },
	{ "log", parse_log },
};

int
gw_cmd_parse(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	unsigned int i;

	memset(cmd, 0, sizeof(*cmd));
	if (argc < 1)
		return gw_error_set(err, -EINVAL, "empty command");
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (strcmp(argv[0], objects[i].word) != 0)
			continue;
		if (argc < 2)
			return gw_error_set(err, -EINVAL, "%s needs a command", argv[0]);
		return objects[i].parse(argc, argv, cmd, err);
	}
	return gw_error_set(err, -EINVAL,
			    "unknown object \"%s\" (link, addr, route, neigh, tunnel, bridge, stats, "
			    "log)",
			    argv[0]);
}
