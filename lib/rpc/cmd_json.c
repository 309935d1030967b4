/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The params of the RPC methods, converted to and from struct gw_cmd. One
 * method per OBJECT VERB of the command language ("tunnel.add"), members
 * named with iproute2's words. Reading is strict: the members a method
 * takes are listed once (and named in the error when another one comes),
 * every member has one JSON type, and values go through lib/cmd's own
 * helpers (cmd_name, cmd_ip, cmd_uint_range, gw_*_parse), so the RPC
 * accepts exactly what a command line accepts, with the same limits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd_priv.h"
#include "gw_rpc.h"

/* One method: its name, the command it makes and the members it takes. */
struct method {
	const char *name;
	enum gw_cmd_op op;
	const char *members; /* ", "-separated, as printed in errors; "" for none */
};

#define TUNNEL_MEMBERS "name, mode, local, remote, ikey, okey, icsum, ocsum, iseq, oseq, ttl, " \
	"tos, pmtudisc, ignore-df, mtu, clamp-mss, dev"

static const struct method methods[] = {
	{ "link.set", GW_CMD_LINK_SET, "dev, name, address, mtu, up" },
	{ "link.show", GW_CMD_LINK_SHOW, "dev" },
	{ "addr.add", GW_CMD_ADDR_ADD, "prefix, dev" },
	{ "addr.del", GW_CMD_ADDR_DEL, "prefix, dev" },
	{ "addr.show", GW_CMD_ADDR_SHOW, "" },
	{ "route.add", GW_CMD_ROUTE_ADD, "dst, via, dev" },
	{ "route.del", GW_CMD_ROUTE_DEL, "dst, via, dev" },
	{ "route.show", GW_CMD_ROUTE_SHOW, "" },
	{ "neigh.add", GW_CMD_NEIGH_ADD, "dst, lladdr, dev" },
	{ "neigh.del", GW_CMD_NEIGH_DEL, "dst, lladdr, dev" },
	{ "neigh.show", GW_CMD_NEIGH_SHOW, "" },
	{ "tunnel.add", GW_CMD_TUNNEL_ADD, TUNNEL_MEMBERS },
	{ "tunnel.change", GW_CMD_TUNNEL_CHANGE, TUNNEL_MEMBERS },
	{ "tunnel.del", GW_CMD_TUNNEL_DEL, "name" },
	{ "tunnel.show", GW_CMD_TUNNEL_SHOW, "name" },
	{ "stats.show", GW_CMD_STATS_SHOW, "name" },
	{ "stats.clear", GW_CMD_STATS_CLEAR, "" },
	{ "log.set", GW_CMD_LOG_SET, "module, level" },
	{ "log.show", GW_CMD_LOG_SHOW, "" },
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

/*
 * gw_cmd_to_json
 */

static const struct method *
method_of_op(enum gw_cmd_op op)
{
	unsigned int i;

	for (i = 0; i < NMETHODS; i++)
		if (methods[i].op == op)
			return &methods[i];
	return NULL;
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

json_t *
gw_clamp_mss_json(uint16_t clamp_mss)
{
	if (clamp_mss == GW_CLAMP_MSS_AUTO)
		return json_string("auto");
	if (clamp_mss == GW_CLAMP_MSS_OFF)
		return json_string("off");
	return json_integer(clamp_mss);
}

static void
tunnel_to_json(const struct gw_tunnel_conf *t, json_t *p, bool *bad)
{
	uint32_t g = t->given;

	put(p, "name", json_string(t->name), bad);
	if (g & GW_TUN_GIVEN_MODE)
		put(p, "mode", json_string(gw_tunnel_mode_name(t->mode)), bad);
	if (g & GW_TUN_GIVEN_LOCAL)
		put(p, "local", ip_json(&t->local), bad);
	if (g & GW_TUN_GIVEN_REMOTE)
		put(p, "remote", t->remote.family == 0 ? json_string("any") : ip_json(&t->remote),
		    bad);
	if (g & GW_TUN_GIVEN_IKEY)
		put(p, "ikey", (t->opts & GW_TUN_IKEY) ? json_integer(t->ikey) : json_null(), bad);
	if (g & GW_TUN_GIVEN_OKEY)
		put(p, "okey", (t->opts & GW_TUN_OKEY) ? json_integer(t->okey) : json_null(), bad);
	if (g & GW_TUN_GIVEN_ICSUM)
		put(p, "icsum", json_boolean(t->opts & GW_TUN_ICSUM), bad);
	if (g & GW_TUN_GIVEN_OCSUM)
		put(p, "ocsum", json_boolean(t->opts & GW_TUN_OCSUM), bad);
	if (g & GW_TUN_GIVEN_ISEQ)
		put(p, "iseq", json_boolean(t->opts & GW_TUN_ISEQ), bad);
	if (g & GW_TUN_GIVEN_OSEQ)
		put(p, "oseq", json_boolean(t->opts & GW_TUN_OSEQ), bad);
	if (g & GW_TUN_GIVEN_TTL)
		put(p, "ttl", (t->opts & GW_TUN_TTL_INHERIT) ? json_string("inherit") :
			      json_integer(t->ttl), bad);
	if (g & GW_TUN_GIVEN_TOS)
		put(p, "tos", (t->opts & GW_TUN_TOS_INHERIT) ? json_string("inherit") :
			      json_integer(t->tos), bad);
	if (g & GW_TUN_GIVEN_PMTU)
		put(p, "pmtudisc", json_boolean(!(t->opts & GW_TUN_NOPMTUDISC)), bad);
	if (g & GW_TUN_GIVEN_IGNORE_DF)
		put(p, "ignore-df", json_boolean(t->opts & GW_TUN_IGNORE_DF), bad);
	if (g & GW_TUN_GIVEN_MTU)
		put(p, "mtu", json_integer(t->mtu), bad);
	if (g & GW_TUN_GIVEN_MSS)
		put(p, "clamp-mss", gw_clamp_mss_json(t->clamp_mss), bad);
	if (g & GW_TUN_GIVEN_DEV)
		put(p, "dev", json_string(t->dev), bad);
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
		if (memcmp(cmd->neigh.mac, zero, 6) != 0)
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
	case GW_CMD_ADDR_SHOW:
	case GW_CMD_ROUTE_SHOW:
	case GW_CMD_NEIGH_SHOW:
	case GW_CMD_STATS_CLEAR:
	case GW_CMD_LOG_SHOW:
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
	if (l->given == 0)
		return gw_error_set(c->err, -EINVAL, "%s %s: nothing to change", c->method,
				    l->name);
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
	const uint8_t *mac = n->mac;
	const char *s = NULL;
	int rc;

	rc = get_ip(c, "dst", "neighbour address", true, &n->addr);
	if (rc < 0)
		return rc;
	rc = get_mac(c, "lladdr", n->mac);
	if (rc < 0)
		return rc;
	if (rc > 0 && ((mac[0] & 1) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)) {
		get_str(c, "lladdr", &s);
		return gw_error_set(c->err, -EINVAL, "invalid lladdr \"%s\": not a unicast MAC", s);
	}
	if (rc == 0 && cmd->op == GW_CMD_NEIGH_ADD)
		return missing(c, "lladdr");
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

/* ikey/okey: an integer key, or null for no key (nokey). */
static int
tunnel_key(const struct ctx *c, const char *key, struct gw_tunnel_conf *t, uint32_t *val,
	   uint16_t opt, uint32_t given)
{
	json_t *v = json_object_get(c->params, key);
	uint64_t k = 0;
	int rc;

	if (v == NULL)
		return 0;
	t->given |= given;
	if (json_is_null(v)) {
		t->opts &= ~opt;
		return 0;
	}
	if (!json_is_integer(v))
		return type_error(c, key, "an integer or null");
	rc = int_value(c, key, v, 0, UINT32_MAX, &k);
	if (rc < 0)
		return rc;
	*val = k;
	t->opts |= opt;
	return 0;
}

/* ttl/tos: an integer 0..255 or "inherit"; ttl 0 means inherit (ip-tunnel(8)). */
static int
tunnel_byte(const struct ctx *c, const char *key, struct gw_tunnel_conf *t, uint8_t *val,
	    uint16_t inherit_opt, uint32_t given)
{
	json_t *v = json_object_get(c->params, key);
	bool inherit = false;
	uint64_t b = 0;
	int rc;

	if (v == NULL)
		return 0;
	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "inherit") != 0)
			return gw_error_set(c->err, -EINVAL,
					    "invalid %s \"%s\": expected 0..255 or inherit", key,
					    json_string_value(v));
		inherit = true;
	} else if (json_is_integer(v)) {
		rc = int_value(c, key, v, 0, 255, &b);
		if (rc < 0)
			return rc;
		*val = b;
		inherit = b == 0 && inherit_opt == GW_TUN_TTL_INHERIT;
	} else {
		return type_error(c, key, "an integer or \"inherit\"");
	}
	t->opts = inherit ? t->opts | inherit_opt : t->opts & ~inherit_opt;
	t->given |= given;
	return 0;
}

/* clamp-mss: "auto", "off" or an integer, with the command line's message for bad values. */
static int
tunnel_clamp_mss(const struct ctx *c, struct gw_tunnel_conf *t)
{
	json_t *v = json_object_get(c->params, "clamp-mss");
	char buf[32];
	int rc;

	if (v == NULL)
		return 0;
	if (json_is_string(v)) {
		rc = cmd_clamp_mss(json_string_value(v), &t->clamp_mss, c->err);
		/* a number in a string is a type error, as for mtu */
		if (rc == 0 && t->clamp_mss != GW_CLAMP_MSS_AUTO && t->clamp_mss != GW_CLAMP_MSS_OFF)
			return type_error(c, "clamp-mss", "an integer, \"auto\" or \"off\"");
	} else if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		rc = cmd_clamp_mss(buf, &t->clamp_mss, c->err);
	} else {
		return type_error(c, "clamp-mss", "an integer, \"auto\" or \"off\"");
	}
	if (rc < 0)
		return rc;
	t->given |= GW_TUN_GIVEN_MSS;
	return 0;
}

static int
tunnel_flag(const struct ctx *c, const char *key, struct gw_tunnel_conf *t, uint16_t opt,
	    uint32_t given)
{
	bool on = false;
	int rc = get_bool(c, key, &on);

	if (rc <= 0)
		return rc;
	t->opts = on ? t->opts | opt : t->opts & ~opt;
	t->given |= given;
	return 0;
}

static int
from_tunnel_spec(const struct ctx *c, struct gw_cmd *cmd)
{
	struct gw_tunnel_conf *t = &cmd->tunnel;
	bool pmtudisc = true;
	const char *s = NULL;
	uint64_t v = 0;
	unsigned int m;
	int rc, family;

	rc = get_str(c, "mode", &s);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		for (m = 0; m < 4; m++)
			if (strcmp(s, gw_tunnel_mode_name(m)) == 0)
				break;
		if (m == 4)
			return gw_error_set(c->err, -EINVAL,
					    "invalid mode \"%s\": expected gre, gretap, ip6gre or ip6gretap",
					    s);
		t->mode = m;
		t->given |= GW_TUN_GIVEN_MODE;
	}
	rc = get_ip(c, "local", "local", false, &t->local);
	if (rc < 0)
		return rc;
	if (rc > 0)
		t->given |= GW_TUN_GIVEN_LOCAL;
	rc = get_str(c, "remote", &s);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		if (strcmp(s, "any") != 0) {
			rc = cmd_ip(s, "remote", &t->remote, c->err);
			if (rc < 0)
				return rc;
		}
		t->given |= GW_TUN_GIVEN_REMOTE;
	}
	rc = tunnel_key(c, "ikey", t, &t->ikey, GW_TUN_IKEY, GW_TUN_GIVEN_IKEY);
	if (rc == 0)
		rc = tunnel_key(c, "okey", t, &t->okey, GW_TUN_OKEY, GW_TUN_GIVEN_OKEY);
	if (rc == 0)
		rc = tunnel_flag(c, "icsum", t, GW_TUN_ICSUM, GW_TUN_GIVEN_ICSUM);
	if (rc == 0)
		rc = tunnel_flag(c, "ocsum", t, GW_TUN_OCSUM, GW_TUN_GIVEN_OCSUM);
	if (rc == 0)
		rc = tunnel_flag(c, "iseq", t, GW_TUN_ISEQ, GW_TUN_GIVEN_ISEQ);
	if (rc == 0)
		rc = tunnel_flag(c, "oseq", t, GW_TUN_OSEQ, GW_TUN_GIVEN_OSEQ);
	if (rc == 0)
		rc = tunnel_byte(c, "ttl", t, &t->ttl, GW_TUN_TTL_INHERIT, GW_TUN_GIVEN_TTL);
	if (rc == 0)
		rc = tunnel_byte(c, "tos", t, &t->tos, GW_TUN_TOS_INHERIT, GW_TUN_GIVEN_TOS);
	if (rc < 0)
		return rc;
	rc = get_bool(c, "pmtudisc", &pmtudisc);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		t->opts = pmtudisc ? t->opts & ~GW_TUN_NOPMTUDISC : t->opts | GW_TUN_NOPMTUDISC;
		t->given |= GW_TUN_GIVEN_PMTU;
	}
	rc = tunnel_flag(c, "ignore-df", t, GW_TUN_IGNORE_DF, GW_TUN_GIVEN_IGNORE_DF);
	if (rc < 0)
		return rc;
	rc = get_uint(c, "mtu", 68, 65535, &v);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		t->mtu = v;
		t->given |= GW_TUN_GIVEN_MTU;
	}
	rc = tunnel_clamp_mss(c, t);
	if (rc < 0)
		return rc;
	rc = get_name(c, "dev", "device name", false, t->dev);
	if (rc < 0)
		return rc;
	if (rc > 0)
		t->given |= GW_TUN_GIVEN_DEV;

	/* The whole-command checks of gw_cmd_parse(), with the members' names. */
	if (cmd->op == GW_CMD_TUNNEL_ADD) {
		if (!(t->given & GW_TUN_GIVEN_MODE))
			return missing(c, "mode");
		if (!(t->given & GW_TUN_GIVEN_LOCAL))
			return missing(c, "local");
		if (!(t->given & GW_TUN_GIVEN_REMOTE))
			return missing(c, "remote");
		if (!(t->given & GW_TUN_GIVEN_TTL))
			t->ttl = GW_TUNNEL_TTL_DEFAULT;
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
	return 0;
}

int
gw_cmd_from_json(const char *method, json_t *params, struct gw_cmd *cmd, struct gw_error *err)
{
	const struct method *m = NULL;
	struct ctx c = { .method = method, .params = params, .err = err };
	const char *key;
	unsigned int i;
	json_t *v;
	int rc;

	memset(cmd, 0, sizeof(*cmd));
	for (i = 0; i < NMETHODS; i++)
		if (strcmp(method, methods[i].name) == 0)
			m = &methods[i];
	if (m == NULL)
		return gw_error_set(err, -ENOENT, "unknown method \"%s\"", method);
	if (params != NULL && !json_is_object(params))
		return gw_error_set(err, -EINVAL, "params of %s must be an object", method);
	json_object_foreach(params, key, v) {
		if (member_known(m->members, key))
			continue;
		if (m->members[0] == '\0')
			return gw_error_set(err, -EINVAL, "unknown member \"%s\": %s takes no params",
					    key, method);
		return gw_error_set(err, -EINVAL, "unknown member \"%s\" in %s (%s)", key, method,
				    m->members);
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
	default:
		rc = 0;
		break;
	}
	return rc < 0 ? rc : 0;
}
