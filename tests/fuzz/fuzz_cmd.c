/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libFuzzer harness of the command language (lib/cmd): the input is one
 * line of a startup file or of grewayctl, split by gw_cmd_split() and parsed
 * by gw_cmd_parse(). The invariants are the contract of gw_cmd.h: words are
 * non-empty and blank-free; success leaves no error and a request that holds
 * together (names within GW_NAME_MAX, families that agree, required words
 * present, route prefixes masked, bridge values in range with the defaults
 * filled in, fdb MACs unicast); failure returns a documented negative
 * errno and one non-empty line that fits the error record; parsing is
 * deterministic and works with a NULL error record.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_check.h"
#include "gw_cmd.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A name the parser accepted: NUL-terminated in its field, characters as cmd_name allows. */
static void
check_name(const char *name, bool may_be_empty)
{
	const char *end = memchr(name, '\0', GW_NAME_MAX);
	const char *c;

	CHECK(end != NULL);
	CHECK(may_be_empty || end != name);
	for (c = name; c < end; c++)
		CHECK((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.');
}

static void
check_ip(const struct gw_ip *ip, bool may_be_any)
{
	CHECK(ip->family == AF_INET || ip->family == AF_INET6 || (may_be_any && ip->family == 0));
}

static void
check_tunnel(const struct gw_cmd *cmd)
{
	const struct gw_tunnel_conf *t = &cmd->tunnel;
	int family;

	check_name(t->name, false);
	check_name(t->dev, true);
	CHECK((unsigned int)t->mode <= GW_MODE_IP6GRETAP);
	CHECK(t->mtu == 0 || t->mtu >= 68);
	CHECK((t->opts & ~0x7ffu) == 0);
	CHECK((t->given & ~((1u << GW_TUN_OPT_MAX) - 1)) == 0);
	/* keepalive PERIOD RETRIES or off; a hub's options only with remote any */
	CHECK(t->keepalive == 0 || (GW_KEEPALIVE_PERIOD(t->keepalive) >= 1 &&
				    GW_KEEPALIVE_PERIOD(t->keepalive) <= GW_KEEPALIVE_PERIOD_MAX &&
				    GW_KEEPALIVE_RETRIES(t->keepalive) >= 1));
	CHECK(!(t->given & GW_TUN_GIVEN_LEARN_MAX) ||
	      (t->learn_max >= 1 && t->learn_max <= GW_LEARN_MAX_LIMIT));
	if ((t->given & GW_TUN_GIVEN_REMOTE) && t->remote.family != 0)
		CHECK(!(t->opts & GW_TUN_LEARN) && !(t->given & GW_TUN_GIVEN_LEARN_MAX));
	CHECK(t->clamp_mss == GW_CLAMP_MSS_AUTO || t->clamp_mss == GW_CLAMP_MSS_OFF ||
	      (t->clamp_mss >= GW_CLAMP_MSS_MIN && t->clamp_mss <= GW_CLAMP_MSS_MAX));
	CHECK(!(t->given & GW_TUN_GIVEN_DEV) || t->dev[0] != '\0');
	CHECK(!(t->given & GW_TUN_GIVEN_MTU) || t->mtu != 0);
	if (t->given & GW_TUN_GIVEN_LOCAL)
		check_ip(&t->local, false);
	if (t->given & GW_TUN_GIVEN_REMOTE)
		check_ip(&t->remote, true);
	if (cmd->op == GW_CMD_TUNNEL_CHANGE) {
		CHECK(t->given != 0);
	} else {
		CHECK((t->given & (GW_TUN_GIVEN_MODE | GW_TUN_GIVEN_LOCAL | GW_TUN_GIVEN_REMOTE)) ==
		      (GW_TUN_GIVEN_MODE | GW_TUN_GIVEN_LOCAL | GW_TUN_GIVEN_REMOTE));
		CHECK((t->given & GW_TUN_GIVEN_TTL) || t->ttl == GW_TUNNEL_TTL_DEFAULT);
	}
	if (t->given & GW_TUN_GIVEN_MODE) {
		family = gw_tunnel_mode_is_ip6(t->mode) ? AF_INET6 : AF_INET;
		CHECK(!(t->given & GW_TUN_GIVEN_LOCAL) || t->local.family == family);
		CHECK(!(t->given & GW_TUN_GIVEN_REMOTE) || t->remote.family == 0 ||
		      t->remote.family == family);
	}
}

static void
check_cmd(const struct gw_cmd *cmd)
{
	struct gw_prefix masked;
	static const uint8_t zero[6];

	switch (cmd->op) {
	case GW_CMD_LINK_SET:
		check_name(cmd->link.name, false);
		CHECK(cmd->link.given != 0);
		if (cmd->link.given & GW_LINK_GIVEN_NAME)
			check_name(cmd->link.newname, false);
		CHECK(!(cmd->link.given & GW_LINK_GIVEN_MTU) || cmd->link.mtu >= 68);
		CHECK((cmd->link.given & ~0x1fu) == 0);
		check_name(cmd->link.master, true);
		CHECK((cmd->link.given & GW_LINK_GIVEN_MASTER) || cmd->link.master[0] == '\0');
		break;
	case GW_CMD_LINK_ADD: /* complete: defaults where not given */
		check_name(cmd->bridge.name, false);
		CHECK(cmd->bridge.ageing_time >= 1 &&
		      cmd->bridge.ageing_time <= GW_BRIDGE_AGEING_MAX);
		CHECK(cmd->bridge.max_learned >= 1 &&
		      cmd->bridge.max_learned <= GW_BRIDGE_LEARNED_MAX);
		CHECK((cmd->bridge.given & GW_BRIDGE_GIVEN_AGEING) ||
		      cmd->bridge.ageing_time == GW_BRIDGE_AGEING_DEFAULT);
		CHECK((cmd->bridge.given & GW_BRIDGE_GIVEN_LEARNED) ||
		      cmd->bridge.max_learned == GW_BRIDGE_LEARNED_DEFAULT);
		CHECK((cmd->bridge.given & ~(GW_BRIDGE_GIVEN_AGEING | GW_BRIDGE_GIVEN_LEARNED)) == 0);
		break;
	case GW_CMD_FDB_ADD:
	case GW_CMD_FDB_DEL: /* a station: unicast, not zero; or a hub's spoke: zero with dst */
		if (cmd->fdb.dst.family != 0)
			CHECK(memcmp(cmd->fdb.mac, zero, 6) == 0);
		else
			CHECK(!(cmd->fdb.mac[0] & 1) && memcmp(cmd->fdb.mac, zero, 6) != 0);
		check_name(cmd->fdb.dev, false);
		CHECK(cmd->fdb.br[0] == '\0');
		break;
	case GW_CMD_FDB_SHOW:
		CHECK(memcmp(cmd->fdb.mac, zero, 6) == 0 && cmd->fdb.dev[0] == '\0');
		check_name(cmd->fdb.br, true);
		break;
	case GW_CMD_ADDR_ADD:
	case GW_CMD_ADDR_DEL:
		check_ip(&cmd->addr.prefix.addr, false);
		CHECK(cmd->addr.prefix.len <= (cmd->addr.prefix.addr.family == AF_INET ? 32 : 128));
		check_name(cmd->addr.dev, false);
		break;
	case GW_CMD_ROUTE_ADD:
	case GW_CMD_ROUTE_DEL:
		check_ip(&cmd->route.dst.addr, false);
		CHECK(cmd->route.dst.len <= (cmd->route.dst.addr.family == AF_INET ? 32 : 128));
		gw_prefix_masked(&cmd->route.dst, &masked);
		CHECK(gw_ip_equal(&masked.addr, &cmd->route.dst.addr));
		check_ip(&cmd->route.via, true);
		CHECK(cmd->route.via.family == 0 ||
		      cmd->route.via.family == cmd->route.dst.addr.family);
		check_name(cmd->route.dev, true);
		CHECK(cmd->op == GW_CMD_ROUTE_DEL || cmd->route.via.family != 0 ||
		      cmd->route.dev[0] != '\0');
		break;
	case GW_CMD_NEIGH_ADD:
	case GW_CMD_NEIGH_DEL:
		check_ip(&cmd->neigh.addr, false);
		check_name(cmd->neigh.dev, false);
		CHECK(cmd->op == GW_CMD_NEIGH_DEL || memcmp(cmd->neigh.mac, zero, 6) != 0 ||
		      cmd->neigh.underlay.family != 0);
		break;
	case GW_CMD_TUNNEL_ADD:
	case GW_CMD_TUNNEL_CHANGE:
		check_tunnel(cmd);
		break;
	case GW_CMD_LOG_SET:
		check_name(cmd->log.module, false);
		CHECK(gw_log_level_name(cmd->log.level) != NULL);
		break;
	case GW_CMD_TUNNEL_DEL:
	case GW_CMD_LINK_DEL:
		check_name(cmd->name, false);
		break;
	case GW_CMD_LINK_SHOW:
	case GW_CMD_TUNNEL_SHOW:
	case GW_CMD_STATS_SHOW:
		check_name(cmd->name, true);
		break;
	case GW_CMD_ADDR_SHOW:
	case GW_CMD_ROUTE_SHOW:
	case GW_CMD_NEIGH_SHOW:
	case GW_CMD_STATS_CLEAR:
	case GW_CMD_LOG_SHOW:
	case GW_CMD_BRIDGE_LINK_SHOW:
		break;
	default:
		CHECK(!"op out of range");
	}
}

/*
 * What save writes must load: an accepted add formats to a line that parses,
 * and formatting is then a fixed point.
 */
static void
check_format(const struct gw_cmd *cmd)
{
	char text[1024], again[1024], *argv[GW_CMD_ARGS_MAX];
	struct gw_cmd back;
	int n, argc;

	n = gw_cmd_format(cmd, text, sizeof(text));
	if (n == -ENOTSUP)
		return;
	CHECK(n > 0 && (size_t)n == strlen(text));
	memcpy(again, text, n + 1);
	argc = gw_cmd_split(again, argv, GW_CMD_ARGS_MAX);
	CHECK(argc > 0);
	CHECK(gw_cmd_parse(argc, argv, &back, NULL) == 0);
	CHECK(back.op == cmd->op);
	CHECK(gw_cmd_format(&back, again, sizeof(again)) == n);
	CHECK(strcmp(text, again) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[GW_CMD_ARGS_MAX];
	struct gw_cmd cmd, again;
	struct gw_error err;
	char *line;
	int argc, rc, i;

	line = malloc(size + 1);
	CHECK(line != NULL);
	memcpy(line, data, size);
	line[size] = '\0';

	argc = gw_cmd_split(line, argv, GW_CMD_ARGS_MAX);
	if (argc == -E2BIG)
		goto out;
	CHECK(argc >= 0 && argc <= GW_CMD_ARGS_MAX);
	for (i = 0; i < argc; i++) {
		const char *w;

		CHECK(argv[i] >= line && argv[i] <= line + size);
		CHECK(argv[i][0] != '\0' && argv[i][0] != '#');
		for (w = argv[i]; *w != '\0'; w++)
			CHECK(!is_blank(*w));
	}

	memset(&err, 0, sizeof(err));
	rc = gw_cmd_parse(argc, argv, &cmd, &err);
	if (rc == 0) {
		CHECK(err.code == 0 && err.msg[0] == '\0');
		check_cmd(&cmd);
	} else {
		CHECK(rc == -EINVAL || rc == -ERANGE || rc == -ENAMETOOLONG);
		CHECK(err.code == rc);
		CHECK(err.msg[0] != '\0');
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		CHECK(strchr(err.msg, '\n') == NULL && strchr(err.msg, '\r') == NULL);
	}

	/* Deterministic, and a NULL error record is allowed. */
	CHECK(gw_cmd_parse(argc, argv, &again, NULL) == rc);
	if (rc == 0)
		CHECK(memcmp(&cmd, &again, sizeof(cmd)) == 0);
	if (rc == 0)
		check_format(&cmd);
out:
	free(line);
	return 0;
}
