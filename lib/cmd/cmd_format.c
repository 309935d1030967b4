/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The other direction of the parser: a command back to a line of the
 * language. `save` writes the running configuration with it, so what it
 * prints must parse back to the same command (tests/unit and the fuzzer
 * check that formatting a parsed line is a fixed point).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gw_cmd.h"
#include "gw_tunnel_opt.h"

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = true;
	else
		o->len += n;
}

/* "tunnel add NAME" and every option, in the rows' order (gw_tunnel_opt.def). */
static void
put_tunnel(struct out *o, const struct gw_tunnel_conf *t)
{
	put(o, "tunnel add %s", t->name);
	if (o->full)
		return;
	if (gw_tunnel_conf_format(t, o->buf + o->len, o->size - o->len) < 0)
		o->full = true;
	else
		o->len += strlen(o->buf + o->len);
}

int
gw_cmd_format(const struct gw_cmd *cmd, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	char a[GW_PFX_STRLEN], m[GW_MAC_STRLEN], u[GW_IP_STRLEN];
	const struct gw_link_conf *l = &cmd->link;
	const struct gw_route_conf *r = &cmd->route;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	switch (cmd->op) {
	case GW_CMD_LINK_SET:
		put(&o, "link set %s", l->name);
		if (l->given & GW_LINK_GIVEN_NAME)
			put(&o, " name %s", l->newname);
		if (l->given & GW_LINK_GIVEN_MAC)
			put(&o, " address %s", gw_mac_fmt(l->mac, m, sizeof(m)));
		if (l->given & GW_LINK_GIVEN_MTU)
			put(&o, " mtu %u", l->mtu);
		if (l->given & GW_LINK_GIVEN_UP)
			put(&o, l->up ? " up" : " down");
		if ((l->given & GW_LINK_GIVEN_MASTER) && l->master[0] != '\0')
			put(&o, " master %s", l->master);
		else if (l->given & GW_LINK_GIVEN_MASTER)
			put(&o, " nomaster");
		break;
	case GW_CMD_LINK_ADD: /* both values, given or default, as tunnel add's options */
		put(&o, "link add %s type bridge ageing_time %u fdb_max_learned %u",
		    cmd->bridge.name, cmd->bridge.ageing_time, cmd->bridge.max_learned);
		break;
	case GW_CMD_ADDR_ADD:
		put(&o, "addr add %s dev %s", gw_prefix_fmt(&cmd->addr.prefix, a, sizeof(a)),
		    cmd->addr.dev);
		break;
	case GW_CMD_ROUTE_ADD:
		if (r->dst.len == 0 && r->dst.addr.family == AF_INET) /* "default" is IPv4's */
			put(&o, "route add default");
		else
			put(&o, "route add %s", gw_prefix_fmt(&r->dst, a, sizeof(a)));
		if (r->via.family != 0)
			put(&o, " via %s", gw_ip_fmt(&r->via, a, sizeof(a)));
		if (r->dev[0] != '\0')
			put(&o, " dev %s", r->dev);
		break;
	case GW_CMD_NEIGH_ADD:
		if (cmd->neigh.underlay.family != 0) /* a hub's spoke mapping */
			gw_ip_fmt(&cmd->neigh.underlay, u, sizeof(u));
		else
			gw_mac_fmt(cmd->neigh.mac, u, sizeof(u));
		put(&o, "neigh add %s lladdr %s dev %s", gw_ip_fmt(&cmd->neigh.addr, a, sizeof(a)),
		    u, cmd->neigh.dev);
		break;
	case GW_CMD_TUNNEL_ADD:
		put_tunnel(&o, &cmd->tunnel);
		break;
	case GW_CMD_FDB_ADD: /* bridge(8)'s words for what every added entry is */
		if (cmd->fdb.dst.family != 0) /* a GRETAP hub's spoke, as VXLAN's */
			put(&o, "bridge fdb append 00:00:00:00:00:00 dev %s dst %s", cmd->fdb.dev,
			    gw_ip_fmt(&cmd->fdb.dst, a, sizeof(a)));
		else
			put(&o, "bridge fdb add %s dev %s master static",
			    gw_mac_fmt(cmd->fdb.mac, m, sizeof(m)), cmd->fdb.dev);
		break;
	case GW_CMD_LOG_SET:
		put(&o, "log set %s %s", cmd->log.module, gw_log_level_name(cmd->log.level));
		break;
	default:
		return -ENOTSUP;
	}
	return o.full ? -ENOSPC : (int)o.len;
}
