/* SPDX-License-Identifier: BSD-3-Clause
 *
 * tunnel add|change|del|show: iproute2's words for GRE tunnels. Presence is
 * kept apart from value (key 0 is a real key); key = ikey + okey, csum =
 * icsum + ocsum, seq = iseq + oseq, as in ip-tunnel(8).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd_priv.h"
#include "gw_cmd.h"

/* Words without a value that set (and mark as given) option bits. */
static const struct {
	const char *word;
	uint16_t set;   /* GW_TUN_* bits turned on */
	uint16_t clear; /* GW_TUN_* bits turned off */
	uint32_t given;
} flag_words[] = {
	{ "csum", GW_TUN_ICSUM | GW_TUN_OCSUM, 0, GW_TUN_GIVEN_ICSUM | GW_TUN_GIVEN_OCSUM },
	{ "icsum", GW_TUN_ICSUM, 0, GW_TUN_GIVEN_ICSUM },
	{ "ocsum", GW_TUN_OCSUM, 0, GW_TUN_GIVEN_OCSUM },
	{ "nocsum", 0, GW_TUN_ICSUM | GW_TUN_OCSUM, GW_TUN_GIVEN_ICSUM | GW_TUN_GIVEN_OCSUM },
	{ "seq", GW_TUN_ISEQ | GW_TUN_OSEQ, 0, GW_TUN_GIVEN_ISEQ | GW_TUN_GIVEN_OSEQ },
	{ "iseq", GW_TUN_ISEQ, 0, GW_TUN_GIVEN_ISEQ },
	{ "oseq", GW_TUN_OSEQ, 0, GW_TUN_GIVEN_OSEQ },
	{ "noseq", 0, GW_TUN_ISEQ | GW_TUN_OSEQ, GW_TUN_GIVEN_ISEQ | GW_TUN_GIVEN_OSEQ },
	{ "nokey", 0, GW_TUN_IKEY | GW_TUN_OKEY, GW_TUN_GIVEN_IKEY | GW_TUN_GIVEN_OKEY },
	{ "pmtudisc", 0, GW_TUN_NOPMTUDISC, GW_TUN_GIVEN_PMTU },
	{ "nopmtudisc", GW_TUN_NOPMTUDISC, 0, GW_TUN_GIVEN_PMTU },
	{ "ignore-df", GW_TUN_IGNORE_DF, 0, GW_TUN_GIVEN_IGNORE_DF },
	{ "noignore-df", 0, GW_TUN_IGNORE_DF, GW_TUN_GIVEN_IGNORE_DF },
};

static int
parse_key(const char *word, const char *val, uint32_t *key, struct gw_error *err)
{
	if (gw_key_parse(val, key) < 0)
		return gw_error_set(err, -EINVAL,
				    "invalid %s \"%s\": expected a 32-bit number or dotted quad",
				    word, val);
	return 0;
}

static int
parse_byte_or_inherit(const char *word, const char *val, uint8_t *out, bool *inherit,
		      uint64_t min, struct gw_error *err)
{
	uint64_t v = 0;
	int rc;

	if (strcmp(val, "inherit") == 0) {
		*inherit = true;
		return 0;
	}
	rc = gw_uint_parse(val, 255, &v);
	if (rc == 0 && v < min)
		rc = -ERANGE;
	if (rc < 0)
		return gw_error_set(err, rc, "invalid %s \"%s\": expected %u..255 or inherit", word,
				    val, (unsigned int)min);
	*inherit = false;
	*out = v;
	return 0;
}

/*
 * TOS is hexadecimal, with or without 0x, as iproute2 reads it (ip-tunnel(8),
 * rtnl_dsfield_a2n): "tos 28" is 0x28, so a line copied from Linux marks the
 * same DSCP.
 */
static int
parse_tos(const char *val, uint8_t *out, bool *inherit, struct gw_error *err)
{
	const char *hex = val;
	unsigned long v;
	char *end;
	size_t n;

	if (strcmp(val, "inherit") == 0) {
		*inherit = true;
		return 0;
	}
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	n = strspn(hex, "0123456789abcdefABCDEF");
	if (n == 0 || hex[n] != '\0')
		return gw_error_set(err, -EINVAL,
				    "invalid tos \"%s\": expected a hex byte (00..ff) or inherit", val);
	v = strtoul(hex, &end, 16);
	if (n > 8 || v > 0xff)
		return gw_error_set(err, -ERANGE,
				    "invalid tos \"%s\": expected a hex byte (00..ff) or inherit", val);
	*inherit = false;
	*out = v;
	return 0;
}

/* clamp-mss auto|N|off; one message for every bad value, as the RPC gives it. */
int
cmd_clamp_mss(const char *val, uint16_t *out, struct gw_error *err)
{
	uint64_t v = 0;
	int rc;

	if (strcmp(val, "auto") == 0) {
		*out = GW_CLAMP_MSS_AUTO;
		return 0;
	}
	if (strcmp(val, "off") == 0) {
		*out = GW_CLAMP_MSS_OFF;
		return 0;
	}
	rc = gw_uint_parse(val, GW_CLAMP_MSS_MAX, &v);
	if (rc == 0 && v < GW_CLAMP_MSS_MIN)
		rc = -ERANGE;
	if (rc < 0)
		return gw_error_set(err, rc, "invalid clamp-mss \"%s\": expected auto, off or %u..%u",
				    val, GW_CLAMP_MSS_MIN, GW_CLAMP_MSS_MAX);
	*out = v;
	return 0;
}

/* One "WORD VALUE" pair of tunnel add/change; *i is on WORD. */
static int
parse_valued(int argc, char *const argv[], int *i, struct gw_tunnel_conf *t,
	     struct gw_error *err)
{
	const char *word = argv[*i], *val = NULL;
	bool inherit = false;
	uint64_t v = 0;
	int rc;

	rc = cmd_value(argc, argv, i, &val, err);
	if (rc < 0)
		return rc;
	if (strcmp(word, "mode") == 0) {
		if (gw_tunnel_mode_parse(val, &t->mode) < 0)
			return gw_error_set(err, -EINVAL,
					    "invalid mode \"%s\": expected gre, gretap, ip6gre or ip6gretap",
					    val);
		t->given |= GW_TUN_GIVEN_MODE;
	} else if (strcmp(word, "local") == 0) {
		rc = cmd_ip(val, "local", &t->local, err);
		t->given |= GW_TUN_GIVEN_LOCAL;
	} else if (strcmp(word, "remote") == 0) {
		if (strcmp(val, "any") == 0)
			memset(&t->remote, 0, sizeof(t->remote));
		else
			rc = cmd_ip(val, "remote", &t->remote, err);
		t->given |= GW_TUN_GIVEN_REMOTE;
	} else if (strcmp(word, "key") == 0) {
		rc = parse_key(word, val, &t->ikey, err);
		t->okey = t->ikey;
		t->opts |= GW_TUN_IKEY | GW_TUN_OKEY;
		t->given |= GW_TUN_GIVEN_IKEY | GW_TUN_GIVEN_OKEY;
	} else if (strcmp(word, "ikey") == 0) {
		rc = parse_key(word, val, &t->ikey, err);
		t->opts |= GW_TUN_IKEY;
		t->given |= GW_TUN_GIVEN_IKEY;
	} else if (strcmp(word, "okey") == 0) {
		rc = parse_key(word, val, &t->okey, err);
		t->opts |= GW_TUN_OKEY;
		t->given |= GW_TUN_GIVEN_OKEY;
	} else if (strcmp(word, "ttl") == 0 || strcmp(word, "hoplimit") == 0) {
		/* ip-tunnel(8): ttl 0 is the same as inherit */
		rc = parse_byte_or_inherit("ttl", val, &t->ttl, &inherit, 0, err);
		if (rc == 0 && t->ttl == 0)
			inherit = true;
		t->opts = inherit ? t->opts | GW_TUN_TTL_INHERIT : t->opts & ~GW_TUN_TTL_INHERIT;
		t->given |= GW_TUN_GIVEN_TTL;
	} else if (strcmp(word, "tos") == 0 || strcmp(word, "dsfield") == 0) {
		rc = parse_tos(val, &t->tos, &inherit, err);
		t->opts = inherit ? t->opts | GW_TUN_TOS_INHERIT : t->opts & ~GW_TUN_TOS_INHERIT;
		t->given |= GW_TUN_GIVEN_TOS;
	} else if (strcmp(word, "mtu") == 0) {
		rc = cmd_uint_range(val, "mtu", 68, 65535, &v, err);
		if (rc < 0)
			return rc;
		t->mtu = v;
		t->given |= GW_TUN_GIVEN_MTU;
	} else if (strcmp(word, "clamp-mss") == 0) {
		rc = cmd_clamp_mss(val, &t->clamp_mss, err);
		t->given |= GW_TUN_GIVEN_MSS;
	} else {
		rc = cmd_name(val, t->dev, "device name", err);
		t->given |= GW_TUN_GIVEN_DEV;
	}
	return rc;
}

static bool
is_valued_word(const char *w)
{
	static const char *const words[] = { "mode", "local", "remote", "key", "ikey", "okey",
					     "ttl", "hoplimit", "tos", "dsfield", "mtu", "clamp-mss",
					     "dev" };
	unsigned int k;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strcmp(w, words[k]) == 0)
			return true;
	return false;
}

static int
parse_spec(int argc, char *const argv[], struct gw_tunnel_conf *t, struct gw_error *err)
{
	unsigned int k;
	int i, rc;

	for (i = 3; i < argc; i++) {
		for (k = 0; k < sizeof(flag_words) / sizeof(flag_words[0]); k++)
			if (strcmp(argv[i], flag_words[k].word) == 0)
				break;
		if (k < sizeof(flag_words) / sizeof(flag_words[0])) {
			t->opts = (t->opts | flag_words[k].set) & ~flag_words[k].clear;
			t->given |= flag_words[k].given;
			continue;
		}
		if (!is_valued_word(argv[i]))
			return gw_error_set(err, -EINVAL,
					    "unknown word \"%s\" in tunnel %s (mode, local, remote, key, ikey, okey, csum, seq, ttl, tos, pmtudisc, nopmtudisc, ignore-df, noignore-df, mtu, clamp-mss, dev)",
					    argv[i], argv[1]);
		rc = parse_valued(argc, argv, &i, t, err);
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
		if (!(t->given & GW_TUN_GIVEN_TTL))
			t->ttl = GW_TUNNEL_TTL_DEFAULT;
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
	return 0;
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
