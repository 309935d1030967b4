/* SPDX-License-Identifier: BSD-3-Clause
 *
 * tunnel add|change|del|show: iproute2's words for GRE tunnels. The option
 * words themselves (key = ikey + okey, csum = icsum + ocsum, ... as in
 * ip-tunnel(8)) are the rows of lib/model/gw_tunnel_opt.def; this file reads
 * the verb and the name, and checks the whole command.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd_priv.h"
#include "gw_cmd.h"
#include "gw_tunnel_opt.h"

static int
parse_spec(int argc, char *const argv[], struct gw_tunnel_conf *t, struct gw_error *err)
{
	char words[256], pair[64];
	const char *val;
	int i, rc;

	for (i = 3; i < argc; i++) {
		const char *word = argv[i];

		rc = gw_tunnel_opt_takes_value(word);
		if (rc < 0) {
			gw_tunnel_opt_words(words, sizeof(words));
			return gw_error_set(err, -EINVAL, "unknown word \"%s\" in tunnel %s (%s)",
					    word, argv[1], words);
		}
		val = NULL;
		if (rc == 2 && i + 1 < argc && strcmp(argv[i + 1], "off") != 0) {
			/* keepalive PERIOD RETRIES: one value, "PERIOD RETRIES" */
			if (i + 2 >= argc)
				return gw_error_set(err, -EINVAL, "%s needs two values", word);
			snprintf(pair, sizeof(pair), "%s %s", argv[i + 1], argv[i + 2]);
			val = pair;
			i += 2;
		} else if (rc > 0) {
			rc = cmd_value(argc, argv, &i, &val, err);
			if (rc < 0)
				return rc;
		}
		rc = gw_tunnel_opt_parse(word, val, t, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Checks that need the whole command: families agree, required words present. */
static int
check_spec(struct gw_cmd *cmd, struct gw_error *err)
{
	struct gw_tunnel_conf *t = &cmd->tunnel;
	int family;

	if (cmd->op == GW_CMD_TUNNEL_ADD) {
		if (!(t->given & GW_TUN_GIVEN_MODE))
			return gw_error_set(err, -EINVAL, "tunnel add %s needs mode", t->name);
		if (!(t->given & GW_TUN_GIVEN_LOCAL))
			return gw_error_set(err, -EINVAL, "tunnel add %s needs local ADDR", t->name);
		if (!(t->given & GW_TUN_GIVEN_REMOTE))
			return gw_error_set(err, -EINVAL, "tunnel add %s needs remote ADDR|any",
					    t->name);
		gw_tunnel_conf_defaults(t);
	}
	if (!(t->given & GW_TUN_GIVEN_MODE))
		return 0; /* change without mode: the apply function checks families */
	family = gw_tunnel_mode_is_ip6(t->mode) ? AF_INET6 : AF_INET;
	if ((t->given & GW_TUN_GIVEN_LOCAL) && t->local.family != family)
		return gw_error_set(err, -EINVAL, "local address is not IPv%c as mode %s needs",
				    family == AF_INET ? '4' : '6', gw_tunnel_mode_name(t->mode));
	if ((t->given & GW_TUN_GIVEN_REMOTE) && t->remote.family != 0 &&
	    t->remote.family != family)
		return gw_error_set(err, -EINVAL, "remote address is not IPv%c as mode %s needs",
				    family == AF_INET ? '4' : '6', gw_tunnel_mode_name(t->mode));
	return gw_tunnel_conf_check_mode(t, err);
}

int
cmd_parse_tunnel(int argc, char *const argv[], struct gw_cmd *cmd, struct gw_error *err)
{
	const char *verb = argv[1];
	int rc;

	if (strcmp(verb, "show") == 0) {
		cmd->op = GW_CMD_TUNNEL_SHOW;
		if (argc > 3)
			return gw_error_set(err, -EINVAL, "unexpected \"%s\" after tunnel show",
					    argv[3]);
		return argc == 3 ? cmd_name(argv[2], cmd->name, "tunnel name", err) : 0;
	}
	if (strcmp(verb, "add") == 0)
		cmd->op = GW_CMD_TUNNEL_ADD;
	else if (strcmp(verb, "change") == 0)
		cmd->op = GW_CMD_TUNNEL_CHANGE;
	else if (strcmp(verb, "del") == 0)
		cmd->op = GW_CMD_TUNNEL_DEL;
	else
		return gw_error_set(err, -EINVAL,
				    "unknown command \"%s\" for tunnel (add, change, del, show)",
				    verb);
	if (argc < 3)
		return gw_error_set(err, -EINVAL, "tunnel %s needs a NAME", verb);
	rc = cmd_name(argv[2], cmd->tunnel.name, "tunnel name", err);
	if (rc < 0)
		return rc;
	if (cmd->op == GW_CMD_TUNNEL_DEL)
		return argc > 3 ? gw_error_set(err, -EINVAL, "unexpected \"%s\" after tunnel del %s",
					       argv[3], argv[2]) : 0;
	rc = parse_spec(argc, argv, &cmd->tunnel, err);
	if (rc < 0)
		return rc;
	if (cmd->op == GW_CMD_TUNNEL_CHANGE && cmd->tunnel.given == 0)
		return gw_error_set(err, -EINVAL, "tunnel change %s: nothing to change", argv[2]);
	return check_spec(cmd, err);
}
