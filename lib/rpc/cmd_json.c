/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The params of the RPC methods, converted to and from struct gw_cmd. One
 * method per OBJECT VERB of the command language ("tunnel.add"), members
 * named with iproute2's words. Reading is strict: the members a method
 * takes are listed once, in its row of lib/cmd/gw_cmd_op.def (and named in
 * the error when another one comes), every member has one JSON type, and
 * values go through lib/cmd's own helpers (cmd_name, cmd_ip, cmd_uint_range,
 * cmd_unicast_mac, gw_*_parse), so the RPC accepts exactly what a command
 * line accepts, with the same limits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd_priv.h"
#include "gw_rpc.h"
#include "gw_tunnel_opt.h"

/* One method: its name, the command it makes and the members it takes. */
struct method {
	const char *name;
	enum gw_cmd_op op;
	const char *members; /* ", "-separated, as printed in errors; "" none; NULL tunnel's */
};

/* The rows of gw_cmd_op.def, in the order of enum gw_cmd_op. */
static const struct method methods[] = {
#define GW_CMD_OP(e, method, members, is_show) { method, GW_CMD_##e, members },
#include "gw_cmd_op.def"
#undef GW_CMD_OP
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

/*
 * gw_cmd_to_json
 */

static const struct method *
method_of_op(enum gw_cmd_op op)
{
	return (unsigned int)op < NMETHODS ? &methods[op] : NULL;
}

/* Add key: value (stolen) to o; a NULL value (out of memory) is remembered in *bad. */
static void
put(json_t *o, const char *key, json_t *value, bool *bad)
{
	if (value == NULL || json_object_set_new(o, key, value) < 0)
		*bad = true;
}

static json_t *
ip_json(const struct gw_ip *ip)
{
	char buf[GW_IP_STRLEN];

	return json_string(gw_ip_fmt(ip, buf, sizeof(buf)));
}

static json_t *
prefix_json(const struct gw_prefix *p)
{
	char buf[GW_PFX_STRLEN];

	return json_string(gw_prefix_fmt(p, buf, sizeof(buf)));
}

static json_t *
mac_json(const uint8_t mac[6])
{
	char buf[GW_MAC_STRLEN];

	return json_string(gw_mac_fmt(mac, buf, sizeof(buf)));
}

static void
tunnel_to_json(const struct gw_tunnel_conf *t, json_t *p, bool *bad)
{
	put(p, "name", json_string(t->name), bad);
	if (gw_tunnel_conf_json(t, p, false) < 0)
		*bad = true;
}

json_t *
gw_cmd_to_json(const struct gw_cmd *cmd)
{
	static const uint8_t zero[6];
	const struct method *m = method_of_op(cmd->op);
	json_t *p, *out;
	bool bad = false;

	if (m == NULL)
		return NULL;
	p = json_object();
	if (p == NULL)
		return NULL;
	switch (cmd->op) {
	case GW_CMD_LINK_SET:
		put(p, "dev", json_string(cmd->link.name), &bad);
		if (cmd->link.given & GW_LINK_GIVEN_NAME)
			put(p, "name", json_string(cmd->link.newname), &bad);
		if (cmd->link.given & GW_LINK_GIVEN_MAC)
			put(p, "address", mac_json(cmd->link.mac), &bad);
		if (cmd->link.given & GW_LINK_GIVEN_MTU)
			put(p, "mtu", json_integer(cmd->link.mtu), &bad);
		if (cmd->link.given & GW_LINK_GIVEN_UP)
			put(p, "up", json_boolean(cmd->link.up), &bad);
		if ((cmd->link.given & GW_LINK_GIVEN_MASTER) && cmd->link.master[0] != '\0')
			put(p, "master", json_string(cmd->link.master), &bad);
		else if (cmd->link.given & GW_LINK_GIVEN_MASTER)
			put(p, "nomaster", json_true(), &bad);
		break;
	case GW_CMD_LINK_ADD:
		put(p, "name", json_string(cmd->bridge.name), &bad);
		put(p, "type", json_string("bridge"), &bad);
		if (cmd->bridge.given & GW_BRIDGE_GIVEN_AGEING)
			put(p, "ageing_time", json_integer(cmd->bridge.ageing_time), &bad);
		if (cmd->bridge.given & GW_BRIDGE_GIVEN_LEARNED)
			put(p, "fdb_max_learned", json_integer(cmd->bridge.max_learned), &bad);
		break;
	case GW_CMD_LINK_DEL:
		put(p, "name", json_string(cmd->name), &bad);
		break;
	case GW_CMD_LINK_SHOW:
		if (cmd->name[0] != '\0')
			put(p, "dev", json_string(cmd->name), &bad);
		break;
	case GW_CMD_ADDR_ADD:
	case GW_CMD_ADDR_DEL:
		put(p, "prefix", prefix_json(&cmd->addr.prefix), &bad);
		put(p, "dev", json_string(cmd->addr.dev), &bad);
		break;
	case GW_CMD_ROUTE_ADD:
	case GW_CMD_ROUTE_DEL:
		put(p, "dst", prefix_json(&cmd->route.dst), &bad);
		if (cmd->route.via.family != 0)
			put(p, "via", ip_json(&cmd->route.via), &bad);
		if (cmd->route.dev[0] != '\0')
			put(p, "dev", json_string(cmd->route.dev), &bad);
		break;
	case GW_CMD_NEIGH_ADD:
	case GW_CMD_NEIGH_DEL:
		put(p, "dst", ip_json(&cmd->neigh.addr), &bad);
		if (cmd->neigh.underlay.family != 0)
			put(p, "lladdr", ip_json(&cmd->neigh.underlay), &bad);
		else if (memcmp(cmd->neigh.mac, zero, 6) != 0)
			put(p, "lladdr", mac_json(cmd->neigh.mac), &bad);
		put(p, "dev", json_string(cmd->neigh.dev), &bad);
		break;
	case GW_CMD_TUNNEL_ADD:
	case GW_CMD_TUNNEL_CHANGE:
		tunnel_to_json(&cmd->tunnel, p, &bad);
		break;
	case GW_CMD_TUNNEL_DEL:
		put(p, "name", json_string(cmd->name), &bad);
		break;
	case GW_CMD_TUNNEL_SHOW:
	case GW_CMD_STATS_SHOW:
		if (cmd->name[0] != '\0')
			put(p, "name", json_string(cmd->name), &bad);
		break;
	case GW_CMD_LOG_SET:
		put(p, "module", json_string(cmd->log.module), &bad);
		put(p, "level", json_string(gw_log_level_name(cmd->log.level)), &bad);
		break;
	case GW_CMD_FDB_ADD: /* "static" left out: every added entry is */
	case GW_CMD_FDB_DEL:
		put(p, "mac", mac_json(cmd->fdb.mac), &bad);
		put(p, "dev", json_string(cmd->fdb.dev), &bad);
		if (cmd->fdb.dst.family != 0)
			put(p, "dst", ip_json(&cmd->fdb.dst), &bad);
		break;
	case GW_CMD_FDB_SHOW:
		if (cmd->fdb.br[0] != '\0')
			put(p, "br", json_string(cmd->fdb.br), &bad);
		break;
	case GW_CMD_NEIGH_SHOW:
		if (cmd->neigh.dev[0] != '\0')
			put(p, "dev", json_string(cmd->neigh.dev), &bad);
		break;
	case GW_CMD_ADDR_SHOW:
	case GW_CMD_ROUTE_SHOW:
	case GW_CMD_STATS_CLEAR:
	case GW_CMD_LOG_SHOW:
	case GW_CMD_BRIDGE_LINK_SHOW:
		break;
	}
	if (bad) {
		json_decref(p);
		return NULL;
	}
	out = json_pack("{s:s, s:o}", "method", m->name, "params", p);
	return out;
}

/*
 * gw_cmd_from_json
 */

/* What the readers of one request share. */
struct ctx {
	const char *method;
	json_t *params;
	struct gw_error *err;
};

/* Whether key is one of the ", "-separated names in list. */
static bool
member_known(const char *list, const char *key)
{
	size_t klen = strlen(key), n;
	const char *p = list;

	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n == klen && strncmp(p, key, n) == 0)
			return true;
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return false;
}

static int
type_error(const struct ctx *c, const char *key, const char *expected)
{
	return gw_error_set(c->err, -EINVAL, "member \"%s\" of %s must be %s", key, c->method,
			    expected);
}

static int
missing(const struct ctx *c, const char *key)
{
	return gw_error_set(c->err, -EINVAL, "%s needs member \"%s\"", c->method, key);
}

/* A string member: 1 and *out when present, 0 when absent, <0 on a wrong type. */
static int
get_str(const struct ctx *c, const char *key, const char **out)
{
	json_t *v = json_object_get(c->params, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return type_error(c, key, "a string");
	*out = json_string_value(v);
	return 1;
}

static int
get_bool(const struct ctx *c, const char *key, bool *out)
{
	json_t *v = json_object_get(c->params, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return type_error(c, key, "true or false");
	*out = json_is_true(v);
	return 1;
}

/* An integer member checked by cmd_uint_range(), so the limits and messages are lib/cmd's. */
static int
int_value(const struct ctx *c, const char *key, json_t *v, uint64_t min, uint64_t max,
	  uint64_t *out)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return cmd_uint_range(buf, key, min, max, out, c->err);
}

static int
get_uint(const struct ctx *c, const char *key, uint64_t min, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(c->params, key);
	int rc;

	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return type_error(c, key, "an integer");
	rc = int_value(c, key, v, min, max, out);
	return rc < 0 ? rc : 1;
}

/* A name member (cmd_name's rules); required ones are reported missing. */
static int
get_name(const struct ctx *c, const char *key, const char *what, bool required, char *out)
{
	const char *s = NULL;
	int rc = get_str(c, key, &s);

	if (rc == 0)
		return required ? missing(c, key) : 0;
	if (rc < 0)
		return rc;
	rc = cmd_name(s, out, what, c->err);
	return rc < 0 ? rc : 1;
}

static int
get_ip(const struct ctx *c, const char *key, const char *what, bool required, struct gw_ip *ip)
{
	const char *s = NULL;
	int rc = get_str(c, key, &s);

	if (rc == 0)
		return required ? missing(c, key) : 0;
	if (rc < 0)
		return rc;
	rc = cmd_ip(s, what, ip, c->err);
	return rc < 0 ? rc : 1;
}

static int
get_mac(const struct ctx *c, const char *key, uint8_t mac[6])
{
	const char *s = NULL;
	int rc = get_str(c, key, &s);

	if (rc <= 0)
		return rc;
	if (gw_mac_parse(s, mac) < 0)
		return gw_error_set(c->err, -EINVAL, "invalid %s \"%s\": expected xx:xx:xx:xx:xx:xx",
				    key, s);
	return 1;
}

static int
get_prefix(const struct ctx *c, const char *key, bool allow_default, struct gw_prefix *p)
{
	const char *s = NULL;
	int rc = get_str(c, key, &s);

	if (rc == 0)
		return missing(c, key);
	if (rc < 0)
		return rc;
	if (allow_default && strcmp(s, "default") == 0) {
		memset(p, 0, sizeof(*p));
		p->addr.family = AF_INET;
		return 1;
	}
	rc = gw_prefix_parse(s, p);
	if (rc < 0)
		return gw_error_set(c->err, rc, "invalid prefix \"%s\": expected ADDR/LEN", s);
	return 1;
}

static int
from_link_set(const struct ctx *c, struct gw_cmd *cmd)
{
	struct gw_link_conf *l = &cmd->link;
	uint64_t v = 0;
	bool no;
	int rc;

	rc = get_name(c, "dev", "link name", true, l->name);
	if (rc < 0)
		return rc;
	rc = get_name(c, "name", "link name", false, l->newname);
	if (rc < 0)
		return rc;
	if (rc > 0)
		l->given |= GW_LINK_GIVEN_NAME;
	rc = get_mac(c, "address", l->mac);
	if (rc < 0)
		return rc;
	if (rc > 0)
		l->given |= GW_LINK_GIVEN_MAC;
	rc = get_uint(c, "mtu", 68, 65535, &v);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		l->mtu = v;
		l->given |= GW_LINK_GIVEN_MTU;
	}
	rc = get_bool(c, "up", &l->up);
	if (rc < 0)
		return rc;
	if (rc > 0)
		l->given |= GW_LINK_GIVEN_UP;
	rc = get_name(c, "master", "bridge name", false, l->master);
	if (rc < 0)
		return rc;
	if (rc > 0)
		l->given |= GW_LINK_GIVEN_MASTER;
	rc = get_bool(c, "nomaster", &no);
	if (rc < 0)
		return rc;
	if (rc > 0 && !no)
		return type_error(c, "nomaster", "true (leave out to keep the master)");
	if (rc > 0 && (l->given & GW_LINK_GIVEN_MASTER))
		return gw_error_set(c->err, -EINVAL,
				    "members \"master\" and \"nomaster\" of %s exclude each other",
				    c->method);
	if (rc > 0)
		l->given |= GW_LINK_GIVEN_MASTER;
	if (l->given == 0)
		return gw_error_set(c->err, -EINVAL, "%s %s: nothing to change (%s)", c->method,
				    l->name, "name, address, mtu, up, master, nomaster");
	return 0;
}

/* link.add: a bridge, its record complete as gw_cmd_parse() makes it. */
static int
from_link_add(const struct ctx *c, struct gw_cmd *cmd)
{
	struct gw_bridge_conf *b = &cmd->bridge;
	const char *type = NULL;
	uint64_t v = 0;
	int rc;

	rc = get_name(c, "name", "bridge name", true, b->name);
	if (rc < 0)
		return rc;
	rc = get_str(c, "type", &type);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return missing(c, "type");
	if (strcmp(type, "bridge") != 0)
		return gw_error_set(c->err, -EINVAL, "%s: type \"%s\" is not supported (bridge)",
				    c->method, type);
	b->ageing_time = GW_BRIDGE_AGEING_DEFAULT;
	b->max_learned = GW_BRIDGE_LEARNED_DEFAULT;
	rc = get_uint(c, "ageing_time", 1, GW_BRIDGE_AGEING_MAX, &v);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		b->ageing_time = v;
		b->given |= GW_BRIDGE_GIVEN_AGEING;
	}
	rc = get_uint(c, "fdb_max_learned", 1, GW_BRIDGE_LEARNED_MAX, &v);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		b->max_learned = v;
		b->given |= GW_BRIDGE_GIVEN_LEARNED;
	}
	return 0;
}

/* bridge.fdb.add and bridge.fdb.del: mac and dev; static, when given, is true. */
static int
from_fdb(const struct ctx *c, struct gw_cmd *cmd)
{
	const char *s = NULL;
	bool is_static;
	int rc;

	rc = get_str(c, "mac", &s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return missing(c, "mac");
	rc = get_ip(c, "dst", "dst", false, &cmd->fdb.dst);
	if (rc < 0)
		return rc;
	if (cmd->fdb.dst.family != 0 && gw_mac_parse(s, cmd->fdb.mac) == 0 &&
	    memcmp(cmd->fdb.mac, "\0\0\0\0\0\0", 6) == 0)
		rc = 0; /* a GRETAP hub's spoke */
	else
		rc = cmd_unicast_mac(s, "mac", cmd->fdb.mac, c->err);
	if (rc < 0)
		return rc;
	rc = get_name(c, "dev", "device name", true, cmd->fdb.dev);
	if (rc < 0)
		return rc;
	rc = get_bool(c, "static", &is_static);
	if (rc < 0)
		return rc;
	if (rc > 0 && !is_static)
		return type_error(c, "static", "true (added entries are static)");
	return 0;
}

static int
from_addr(const struct ctx *c, struct gw_cmd *cmd)
{
	int rc = get_prefix(c, "prefix", false, &cmd->addr.prefix);

	if (rc < 0)
		return rc;
	rc = get_name(c, "dev", "device name", true, cmd->addr.dev);
	return rc < 0 ? rc : 0;
}

static int
from_route(const struct ctx *c, struct gw_cmd *cmd)
{
	struct gw_route_conf *r = &cmd->route;
	struct gw_prefix p;
	const char *via = NULL;
	int rc;

	memset(&p, 0, sizeof(p));
	rc = get_prefix(c, "dst", true, &p);
	if (rc < 0)
		return rc;
	gw_prefix_masked(&p, &r->dst);
	rc = get_ip(c, "via", "gateway", false, &r->via);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		get_str(c, "via", &via);
		if (r->via.family != r->dst.addr.family)
			return gw_error_set(c->err, -EINVAL,
					    "gateway \"%s\" is not of the prefix's family", via);
	}
	rc = get_name(c, "dev", "device name", false, r->dev);
	if (rc < 0)
		return rc;
	if (cmd->op == GW_CMD_ROUTE_ADD && r->via.family == 0 && r->dev[0] == '\0')
		return gw_error_set(c->err, -EINVAL, "%s needs member \"dev\" or \"via\"",
				    c->method);
	return 0;
}

static int
from_neigh(const struct ctx *c, struct gw_cmd *cmd)
{
	struct gw_neigh_conf *n = &cmd->neigh;
	const char *s = NULL;
	int rc;

	rc = get_ip(c, "dst", "neighbour address", true, &n->addr);
	if (rc < 0)
		return rc;
	rc = get_str(c, "lladdr", &s);
	if (rc < 0)
		return rc;
	if (rc > 0 && gw_ip_parse(s, &n->underlay) == 0)
		rc = 0; /* a hub's spoke mapping: the spoke's underlay address */
	else if (rc > 0)
		rc = cmd_unicast_mac(s, "lladdr", n->mac, c->err);
	else if (cmd->op == GW_CMD_NEIGH_ADD)
		rc = missing(c, "lladdr");
	if (rc < 0)
		return rc;
	rc = get_name(c, "dev", "device name", true, n->dev);
	return rc < 0 ? rc : 0;
}

static int
from_log_set(const struct ctx *c, struct gw_cmd *cmd)
{
	const char *s = NULL;
	int rc, level;

	rc = get_name(c, "module", "log module", true, cmd->log.module);
	if (rc < 0)
		return rc;
	rc = get_str(c, "level", &s);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return missing(c, "level");
	level = gw_log_level_parse(s);
	if (level < 0)
		return gw_error_set(c->err, -EINVAL,
				    "invalid log level \"%s\" (emerg, alert, crit, err, warning, "
				    "notice, info, debug)", s);
	cmd->log.level = level;
	return 0;
}

static int
from_tunnel_spec(const struct ctx *c, struct gw_cmd *cmd)
{
	struct gw_tunnel_conf *t = &cmd->tunnel;
	int rc, family;

	rc = gw_tunnel_conf_from_json(c->params, c->method, t, c->err);
	if (rc < 0)
		return rc;

	/* The whole-command checks of gw_cmd_parse(), with the members' names. */
	if (cmd->op == GW_CMD_TUNNEL_ADD) {
		if (!(t->given & GW_TUN_GIVEN_MODE))
			return missing(c, "mode");
		if (!(t->given & GW_TUN_GIVEN_LOCAL))
			return missing(c, "local");
		if (!(t->given & GW_TUN_GIVEN_REMOTE))
			return missing(c, "remote");
		gw_tunnel_conf_defaults(t);
	} else if (t->given == 0) {
		return gw_error_set(c->err, -EINVAL, "%s %s: nothing to change", c->method,
				    t->name);
	}
	if (!(t->given & GW_TUN_GIVEN_MODE))
		return 0; /* change without mode: the apply function checks families */
	family = gw_tunnel_mode_is_ip6(t->mode) ? AF_INET6 : AF_INET;
	if ((t->given & GW_TUN_GIVEN_LOCAL) && t->local.family != family)
		return gw_error_set(c->err, -EINVAL, "local address is not IPv%c as mode %s needs",
				    family == AF_INET ? '4' : '6', gw_tunnel_mode_name(t->mode));
	if ((t->given & GW_TUN_GIVEN_REMOTE) && t->remote.family != 0 &&
	    t->remote.family != family)
		return gw_error_set(c->err, -EINVAL, "remote address is not IPv%c as mode %s needs",
				    family == AF_INET ? '4' : '6', gw_tunnel_mode_name(t->mode));
	return gw_tunnel_conf_check_mode(t, c->err);
}

int
gw_cmd_from_json(const char *method, json_t *params, struct gw_cmd *cmd, struct gw_error *err)
{
	const struct method *m = NULL;
	struct ctx c = { .method = method, .params = params, .err = err };
	const char *key, *members;
	char list[256];
	unsigned int i;
	int rc, len;
	json_t *v;

	memset(cmd, 0, sizeof(*cmd));
	for (i = 0; i < NMETHODS; i++)
		if (strcmp(method, methods[i].name) == 0)
			m = &methods[i];
	if (m == NULL)
		return gw_error_set(err, -ENOENT, "unknown method \"%s\"", method);
	if (params != NULL && !json_is_object(params))
		return gw_error_set(err, -EINVAL, "params of %s must be an object", method);
	members = m->members;
	if (members == NULL) {
		len = snprintf(list, sizeof(list), "name, ");
		gw_tunnel_opt_json_members(list + len, sizeof(list) - len);
		members = list;
	}
	json_object_foreach(params, key, v) {
		if (member_known(members, key))
			continue;
		if (members[0] == '\0')
			return gw_error_set(err, -EINVAL, "unknown member \"%s\": %s takes no params",
					    key, method);
		return gw_error_set(err, -EINVAL, "unknown member \"%s\" in %s (%s)", key, method,
				    members);
	}
	cmd->op = m->op;
	switch (m->op) {
	case GW_CMD_LINK_SET:
		return from_link_set(&c, cmd);
	case GW_CMD_LINK_SHOW:
		rc = get_name(&c, "dev", "link name", false, cmd->name);
		break;
	case GW_CMD_ADDR_ADD:
	case GW_CMD_ADDR_DEL:
		return from_addr(&c, cmd);
	case GW_CMD_ROUTE_ADD:
	case GW_CMD_ROUTE_DEL:
		return from_route(&c, cmd);
	case GW_CMD_NEIGH_ADD:
	case GW_CMD_NEIGH_DEL:
		return from_neigh(&c, cmd);
	case GW_CMD_TUNNEL_ADD:
	case GW_CMD_TUNNEL_CHANGE:
		rc = get_name(&c, "name", "tunnel name", true, cmd->tunnel.name);
		if (rc < 0)
			return rc;
		return from_tunnel_spec(&c, cmd);
	case GW_CMD_TUNNEL_DEL:
		rc = get_name(&c, "name", "tunnel name", true, cmd->name);
		break;
	case GW_CMD_TUNNEL_SHOW:
		rc = get_name(&c, "name", "tunnel name", false, cmd->name);
		break;
	case GW_CMD_STATS_SHOW:
		rc = get_name(&c, "name", "name", false, cmd->name);
		break;
	case GW_CMD_LOG_SET:
		return from_log_set(&c, cmd);
	case GW_CMD_LINK_ADD:
		return from_link_add(&c, cmd);
	case GW_CMD_LINK_DEL:
		rc = get_name(&c, "name", "link name", true, cmd->name);
		break;
	case GW_CMD_FDB_ADD:
	case GW_CMD_FDB_DEL:
		return from_fdb(&c, cmd);
	case GW_CMD_FDB_SHOW:
		rc = get_name(&c, "br", "bridge name", false, cmd->fdb.br);
		break;
	case GW_CMD_NEIGH_SHOW:
		rc = get_name(&c, "dev", "device name", false, cmd->neigh.dev);
		break;
	default:
		rc = 0;
		break;
	}
	return rc < 0 ? rc : 0;
}
