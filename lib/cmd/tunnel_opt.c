/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The tunnel options of gw_tunnel_opt.def expanded into a table, and the
 * code that every consumer of an option shares, once per kind: the command
 * words (parse, save), the JSON of the RPC params and of tunnel show (write,
 * read), the values of telemetry, the merge of tunnel change and grewayctl's
 * help and text. Values go through lib/cmd's helpers (cmd_ip, cmd_name,
 * cmd_uint_range), so the messages are the command line's wherever a value
 * comes from.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_priv.h"
#include "gw_tunnel_opt.h"

const struct gw_tunnel_opt gw_tunnel_opts[GW_TUN_OPT_MAX] = {
#define GW_TUN_OPT(id, k, field, b, l, h, d, f, w, off, j, te, u, hh, hl)                          \
	[GW_TUN_OPT_##id] = {                                                                     \
		.kind = GW_TUN_KIND_##k,                                                          \
		.offset = offsetof(struct gw_tunnel_conf, field),                                \
		.size = sizeof(((struct gw_tunnel_conf *)0)->field),                              \
		.bit = (b), .lo = (l), .hi = (h), .def = (d), .flags = (f),                       \
		.word = (w), .off_word = (off), .json = (j), .tel = (te), .usage = (u),           \
		.help_head = (hh), .help = (hl),                                                  \
	},
#include "gw_tunnel_opt.def"
};

const struct gw_tunnel_alias gw_tunnel_aliases[] = {
#define GW_TUN_ALIAS(w, a, r, an, u, cu, o, hh, hl)                                               \
	{ .word = (w), .act = GW_TUN_ALIAS_##a, .rows = (r), .anchor = GW_TUN_OPT_##an,          \
	  .usage = (u), .change_usage = (cu), .options = (o), .help_head = (hh), .help = (hl) },
#include "gw_tunnel_opt.def"
};

const unsigned int gw_tunnel_nb_aliases = sizeof(gw_tunnel_aliases) / sizeof(gw_tunnel_aliases[0]);

#define ROW(id) (&gw_tunnel_opts[id])

/*
 * A row's field as a number, whatever its width (the mode is an enum).
 */

static uint64_t
field_get(const struct gw_tunnel_conf *t, const struct gw_tunnel_opt *o)
{
	const uint8_t *p = (const uint8_t *)t + o->offset;
	uint32_t v32;
	uint16_t v16;

	switch (o->size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	default:
		memcpy(&v32, p, 4);
		return v32;
	}
}

static void
field_set(struct gw_tunnel_conf *t, const struct gw_tunnel_opt *o, uint64_t v)
{
	uint8_t *p = (uint8_t *)t + o->offset;
	uint32_t v32 = v;
	uint16_t v16 = v;

	switch (o->size) {
	case 1:
		*p = v;
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	default:
		memcpy(p, &v32, 4);
		break;
	}
}

static void
bit_set(struct gw_tunnel_conf *t, uint16_t bit, bool set)
{
	t->opts = set ? t->opts | bit : t->opts & ~bit;
}

/* Whether a flag or key row is on (NOFLAG: its bit says off). */
static bool
is_on(const struct gw_tunnel_conf *t, const struct gw_tunnel_opt *o)
{
	bool set = (t->opts & o->bit) != 0;

	return o->kind == GW_TUN_KIND_NOFLAG ? !set : set;
}

static void
set_on(struct gw_tunnel_conf *t, const struct gw_tunnel_opt *o, bool on)
{
	bit_set(t, o->bit, o->kind == GW_TUN_KIND_NOFLAG ? !on : on);
}

/* Whether a row holds its default: every GW_TUN_* bit defaults to clear. */
static bool
is_default(const struct gw_tunnel_conf *t, const struct gw_tunnel_opt *o)
{
	if (o->bit != 0 && (t->opts & o->bit))
		return false;
	return o->offset == offsetof(struct gw_tunnel_conf, opts) || field_get(t, o) == o->def;
}

static bool
takes_value(const struct gw_tunnel_opt *o)
{
	return o->kind != GW_TUN_KIND_FLAG && o->kind != GW_TUN_KIND_NOFLAG;
}

/* keepalive PERIOD RETRIES, or off. */
static int
parse_keepalive(const struct gw_tunnel_opt *o, const char *val, struct gw_tunnel_conf *t,
		struct gw_error *err)
{
	unsigned int period, retries;
	char end;

	if (strcmp(val, "off") == 0) {
		field_set(t, o, 0);
		return 0;
	}
	if (sscanf(val, "%u %u%c", &period, &retries, &end) != 2 || strchr(val, '-') != NULL ||
	    period < o->lo || period > o->hi || retries < 1 || retries > 255)
		return gw_error_set(err, -EINVAL, "invalid %s \"%s\": expected PERIOD RETRIES "
				    "(%u..%u seconds, 1..255) or off", o->word, val, o->lo, o->hi);
	field_set(t, o, GW_KEEPALIVE(period, retries));
	return 0;
}

/* The lowest row of a GW_TUN_GIVEN_* mask. */
static enum gw_tunnel_opt_id
first_row(uint32_t rows)
{
	return (enum gw_tunnel_opt_id)__builtin_ctz(rows);
}

/*
 * Command words
 */

/* "N" or "inherit" as ip-tunnel(8) reads ttl: 0 is inherit too. */
static int
parse_ttl(const struct gw_tunnel_opt *o, const char *val, struct gw_tunnel_conf *t,
	  struct gw_error *err)
{
	uint64_t v = 0;
	int rc;

	if (strcmp(val, "inherit") == 0) {
		bit_set(t, o->bit, true);
		return 0;
	}
	rc = gw_uint_parse(val, o->hi, &v);
	if (rc == 0 && v < o->lo)
		rc = -ERANGE;
	if (rc < 0)
		return gw_error_set(err, rc, "invalid %s \"%s\": expected %u..%u or inherit", o->word,
				    val, o->lo, o->hi);
	field_set(t, o, v);
	bit_set(t, o->bit, v == 0);
	return 0;
}

/*
 * TOS is hexadecimal, with or without 0x, as iproute2 reads it (ip-tunnel(8),
 * rtnl_dsfield_a2n): "tos 28" is 0x28, so a line copied from Linux marks the
 * same DSCP.
 */
static int
parse_tos(const struct gw_tunnel_opt *o, const char *val, struct gw_tunnel_conf *t,
	  struct gw_error *err)
{
	const char *hex = val;
	char what[32];
	unsigned long v;
	char *end;
	size_t n;

	if (strcmp(val, "inherit") == 0) {
		bit_set(t, o->bit, true);
		return 0;
	}
	if (o->hi == 0xff)
		snprintf(what, sizeof(what), "a hex byte (00..ff)");
	else
		snprintf(what, sizeof(what), "hex 0..%x", o->hi);
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	n = strspn(hex, "0123456789abcdefABCDEF");
	if (n == 0 || hex[n] != '\0')
		return gw_error_set(err, -EINVAL, "invalid %s \"%s\": expected %s or inherit",
				    o->word, val, what);
	v = strtoul(hex, &end, 16);
	if (n > 8 || v > o->hi)
		return gw_error_set(err, -ERANGE, "invalid %s \"%s\": expected %s or inherit",
				    o->word, val, what);
	field_set(t, o, v);
	bit_set(t, o->bit, false);
	return 0;
}

/* encaplimit N|none: the bit says whether the option is sent. */
static int
parse_limit(const struct gw_tunnel_opt *o, const char *val, struct gw_tunnel_conf *t,
	    struct gw_error *err)
{
	uint64_t v = 0;
	int rc;

	if (strcmp(val, "none") == 0) {
		bit_set(t, o->bit, false);
		field_set(t, o, 0);
		return 0;
	}
	rc = gw_uint_parse(val, o->hi, &v);
	if (rc < 0)
		return gw_error_set(err, rc, "invalid %s \"%s\": expected %u..%u or none", o->word,
				    val, o->lo, o->hi);
	field_set(t, o, v);
	bit_set(t, o->bit, true);
	return 0;
}

/* clamp-mss auto|N|off; one message for every bad value, as the RPC gives it. */
static int
parse_mss(const struct gw_tunnel_opt *o, const char *val, struct gw_tunnel_conf *t,
	  struct gw_error *err)
{
	uint64_t v = 0;
	int rc;

	if (strcmp(val, "auto") == 0) {
		field_set(t, o, GW_CLAMP_MSS_AUTO);
		return 0;
	}
	if (strcmp(val, "off") == 0) {
		field_set(t, o, GW_CLAMP_MSS_OFF);
		return 0;
	}
	rc = gw_uint_parse(val, o->hi, &v);
	if (rc == 0 && v < o->lo)
		rc = -ERANGE;
	if (rc < 0)
		return gw_error_set(err, rc, "invalid %s \"%s\": expected auto, off or %u..%u",
				    o->word, val, o->lo, o->hi);
	field_set(t, o, v);
	return 0;
}

/* The value of a row; word is the one typed (key names itself in its errors). */
static int
parse_value(const struct gw_tunnel_opt *o, const char *word, const char *val,
	    struct gw_tunnel_conf *t, struct gw_error *err)
{
	uint8_t *field = (uint8_t *)t + o->offset;
	enum gw_tunnel_mode mode;
	uint64_t v = 0;
	uint32_t key;
	int rc;

	switch (o->kind) {
	case GW_TUN_KIND_MODE:
		if (gw_tunnel_mode_parse(val, &mode) < 0)
			return gw_error_set(err, -EINVAL,
					    "invalid %s \"%s\": expected gre, gretap, ip6gre or ip6gretap",
					    o->word, val);
		field_set(t, o, mode);
		return 0;
	case GW_TUN_KIND_REMOTE:
		if (strcmp(val, "any") == 0) {
			memset(field, 0, o->size);
			return 0;
		}
		/* fall through */
	case GW_TUN_KIND_ADDR:
		return cmd_ip(val, o->word, (struct gw_ip *)field, err);
	case GW_TUN_KIND_KEY:
		if (gw_key_parse(val, &key) < 0)
			return gw_error_set(err, -EINVAL,
					    "invalid %s \"%s\": expected a 32-bit number or dotted quad",
					    word, val);
		field_set(t, o, key);
		set_on(t, o, true);
		return 0;
	case GW_TUN_KIND_TTL:
		return parse_ttl(o, val, t, err);
	case GW_TUN_KIND_TOS:
		return parse_tos(o, val, t, err);
	case GW_TUN_KIND_UINT:
		rc = cmd_uint_range(val, o->word, o->lo, o->hi, &v, err);
		if (rc == 0)
			field_set(t, o, v);
		return rc;
	case GW_TUN_KIND_MSS:
		return parse_mss(o, val, t, err);
	case GW_TUN_KIND_LIMIT:
		return parse_limit(o, val, t, err);
	case GW_TUN_KIND_DEV:
		return cmd_name(val, (char *)field, "device name", err);
	case GW_TUN_KIND_KEEPALIVE:
		return parse_keepalive(o, val, t, err);
	case GW_TUN_KIND_ONOFF:
		if (strcmp(val, "on") != 0 && strcmp(val, "off") != 0)
			return gw_error_set(err, -EINVAL, "invalid %s \"%s\": expected on or off",
					    o->word, val);
		set_on(t, o, val[1] == 'n');
		return 0;
	case GW_TUN_KIND_FLAG:
	case GW_TUN_KIND_NOFLAG:
		break;
	}
	return -EINVAL;
}

int
gw_tunnel_opt_takes_value(const char *word)
{
	unsigned int i;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		if (strcmp(word, o->word) == 0)
			return o->kind == GW_TUN_KIND_KEEPALIVE ? 2 : takes_value(o);
		if (o->off_word != NULL && strcmp(word, o->off_word) == 0)
			return 0;
	}
	for (i = 0; i < gw_tunnel_nb_aliases; i++)
		if (strcmp(word, gw_tunnel_aliases[i].word) == 0)
			return gw_tunnel_aliases[i].act == GW_TUN_ALIAS_VALUE;
	return -ENOENT;
}

/* An alias: its first row reads the value, the others copy it. */
static int
parse_alias(const struct gw_tunnel_alias *a, const char *val, struct gw_tunnel_conf *t,
	    struct gw_error *err)
{
	const struct gw_tunnel_opt *first = ROW(first_row(a->rows));
	unsigned int i;
	int rc = 0;

	if (a->act == GW_TUN_ALIAS_VALUE)
		rc = parse_value(first, a->word, val, t, err);
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		if (!(a->rows & (1u << i)))
			continue;
		if (a->act != GW_TUN_ALIAS_VALUE) {
			set_on(t, o, a->act == GW_TUN_ALIAS_ON);
		} else if (o != first) {
			memcpy((uint8_t *)t + o->offset, (uint8_t *)t + first->offset, o->size);
			if (o->bit != 0)
				bit_set(t, o->bit, (t->opts & first->bit) != 0);
		}
	}
	t->given |= a->rows;
	return rc;
}

int
gw_tunnel_opt_parse(const char *word, const char *val, struct gw_tunnel_conf *t,
		    struct gw_error *err)
{
	unsigned int i;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		if (strcmp(word, o->word) == 0) {
			t->given |= 1u << i;
			if (!takes_value(o)) {
				set_on(t, o, true);
				return 0;
			}
			return parse_value(o, word, val, t, err);
		}
		if (o->off_word != NULL && strcmp(word, o->off_word) == 0) {
			t->given |= 1u << i;
			set_on(t, o, false);
			return 0;
		}
	}
	for (i = 0; i < gw_tunnel_nb_aliases; i++)
		if (strcmp(word, gw_tunnel_aliases[i].word) == 0)
			return parse_alias(&gw_tunnel_aliases[i], val, t, err);
	return gw_error_set(err, -EINVAL, "unknown tunnel option \"%s\"", word);
}

/* Append ", s" (or s first) to buf; the length so far in *len, truncated to size. */
static void
list_add(char *buf, size_t size, size_t *len, const char *s)
{
	int n;

	if (*len >= size)
		return;
	n = snprintf(buf + *len, size - *len, "%s%s", *len > 0 ? ", " : "", s);
	if (n > 0)
		*len += (size_t)n;
	if (*len >= size)
		*len = size - 1;
}

size_t
gw_tunnel_opt_words(char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i, k;

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		for (k = 0; k < gw_tunnel_nb_aliases; k++)
			if (gw_tunnel_aliases[k].anchor == i && gw_tunnel_aliases[k].usage[0] != '\0')
				list_add(buf, size, &len, gw_tunnel_aliases[k].word);
		if (o->flags & GW_TUN_OPT_F_UNNAMED)
			continue;
		list_add(buf, size, &len, o->word);
		if (o->off_word != NULL)
			list_add(buf, size, &len, o->off_word);
	}
	return len;
}

size_t
gw_tunnel_opt_json_members(char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < GW_TUN_OPT_MAX; i++)
		list_add(buf, size, &len, ROW(i)->json);
	return len;
}

void
gw_tunnel_conf_defaults(struct gw_tunnel_conf *t)
{
	unsigned int i;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		if ((t->given & (1u << i)) || o->def == 0)
			continue;
		if (takes_value(o))
			field_set(t, o, o->def);
		else
			set_on(t, o, true);
	}
}

int
gw_tunnel_conf_check_mode(const struct gw_tunnel_conf *t, struct gw_error *err)
{
	unsigned int i;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		if (is_default(t, o))
			continue;
		if ((o->flags & GW_TUN_OPT_F_L3) && gw_tunnel_mode_is_tap(t->mode))
			return gw_error_set(err, -EINVAL, "%s rewrites IP packets; mode %s carries "
					    "Ethernet frames as they are", o->word,
					    gw_tunnel_mode_name(t->mode));
		if ((o->flags & GW_TUN_OPT_F_MULTIPOINT) && !gw_tunnel_conf_is_multipoint(t))
			return gw_error_set(err, -EINVAL, "%s is for a multipoint tunnel (remote any)",
					    o->word);
		if ((o->flags & GW_TUN_OPT_F_IP6) && !gw_tunnel_mode_is_ip6(t->mode))
			return gw_error_set(err, -EINVAL, "%s is for a tunnel over IPv6 (mode ip6gre "
					    "or ip6gretap)", o->word);
	}
	return 0;
}

/*
 * Values: save, tunnel show, telemetry
 */

enum gw_tunnel_val_type
gw_tunnel_opt_value(enum gw_tunnel_opt_id id, const struct gw_tunnel_conf *t,
		    struct gw_tunnel_val *v)
{
	const struct gw_tunnel_opt *o = ROW(id);
	const uint8_t *field = (const uint8_t *)t + o->offset;
	uint64_t n = field_get(t, o);

	v->type = GW_TUN_VAL_STR;
	v->u = 0;
	v->s = NULL;
	if (((o->flags & GW_TUN_OPT_F_L3) && gw_tunnel_mode_is_tap(t->mode)) ||
	    ((o->flags & GW_TUN_OPT_F_MULTIPOINT) && !gw_tunnel_conf_is_multipoint(t)) ||
	    /* a tunnel change without mode: the tunnel's mode decides, when merged */
	    ((o->flags & GW_TUN_OPT_F_IP6) && (t->given & GW_TUN_GIVEN_MODE) &&
	     !gw_tunnel_mode_is_ip6(t->mode))) {
		v->type = GW_TUN_VAL_NONE; /* frames are carried as they are; a p2p learns nothing */
		return v->type;
	}
	switch (o->kind) {
	case GW_TUN_KIND_MODE:
		v->s = gw_tunnel_mode_name(n);
		break;
	case GW_TUN_KIND_REMOTE:
	case GW_TUN_KIND_ADDR:
		if (o->kind == GW_TUN_KIND_REMOTE && ((const struct gw_ip *)field)->family == 0)
			v->s = "any";
		else
			v->s = gw_ip_fmt((const struct gw_ip *)field, v->buf, sizeof(v->buf));
		break;
	case GW_TUN_KIND_KEY:
		v->type = is_on(t, o) ? GW_TUN_VAL_UINT : GW_TUN_VAL_NONE;
		v->u = n;
		break;
	case GW_TUN_KIND_KEEPALIVE:
		if (n == 0) {
			v->s = "off";
			break;
		}
		snprintf(v->buf, sizeof(v->buf), "%u %u", (unsigned int)GW_KEEPALIVE_PERIOD(n),
			 (unsigned int)GW_KEEPALIVE_RETRIES(n));
		v->s = v->buf;
		break;
	case GW_TUN_KIND_FLAG:
	case GW_TUN_KIND_NOFLAG:
	case GW_TUN_KIND_ONOFF:
		v->type = GW_TUN_VAL_BOOL;
		v->u = is_on(t, o);
		break;
	case GW_TUN_KIND_TTL:
	case GW_TUN_KIND_TOS:
		if (t->opts & o->bit) {
			v->s = "inherit";
		} else {
			v->type = GW_TUN_VAL_UINT;
			v->u = n;
		}
		break;
	case GW_TUN_KIND_UINT:
		v->type = GW_TUN_VAL_UINT;
		v->u = n;
		break;
	case GW_TUN_KIND_LIMIT:
		if (!(t->opts & o->bit)) {
			v->s = "none";
		} else {
			v->type = GW_TUN_VAL_UINT;
			v->u = n;
		}
		break;
	case GW_TUN_KIND_MSS:
		if (n == GW_CLAMP_MSS_AUTO) {
			v->s = "auto";
		} else if (n == GW_CLAMP_MSS_OFF) {
			v->s = "off";
		} else {
			v->type = GW_TUN_VAL_UINT;
			v->u = n;
		}
		break;
	case GW_TUN_KIND_DEV:
		if (field[0] == '\0')
			v->type = GW_TUN_VAL_NONE;
		else
			v->s = (const char *)field;
		break;
	}
	return v->type;
}

/* One row as words of tunnel add (" ikey 5"), or nothing; snprintf's return. */
static int
format_row(enum gw_tunnel_opt_id id, const struct gw_tunnel_conf *t, char *buf, size_t size)
{
	const struct gw_tunnel_opt *o = ROW(id);
	struct gw_tunnel_val v;

	gw_tunnel_opt_value(id, t, &v);
	switch (o->kind) {
	case GW_TUN_KIND_FLAG:
	case GW_TUN_KIND_NOFLAG:
		if (v.u)
			return snprintf(buf, size, " %s", o->word);
		if (o->off_word != NULL)
			return snprintf(buf, size, " %s", o->off_word);
		return snprintf(buf, size, "%s", "");
	case GW_TUN_KIND_TOS: /* hex, as the parser (and iproute2) reads it */
		if (v.type == GW_TUN_VAL_UINT)
			return snprintf(buf, size, " %s 0x%02" PRIx64, o->word, v.u);
		break;
	case GW_TUN_KIND_LIMIT: /* none is the default */
		if (v.type != GW_TUN_VAL_UINT)
			return snprintf(buf, size, "%s", "");
		break;
	case GW_TUN_KIND_KEEPALIVE: /* off is the default */
		if (v.u == 0 && v.s != NULL && strcmp(v.s, "off") == 0)
			return snprintf(buf, size, "%s", "");
		break;
	case GW_TUN_KIND_ONOFF: /* off is the default */
		if (v.type == GW_TUN_VAL_BOOL && v.u)
			return snprintf(buf, size, " %s on", o->word);
		return snprintf(buf, size, "%s", "");
	case GW_TUN_KIND_UINT: /* the default (0 for mtu: unset, derived) goes without saying */
		if (v.u == o->def)
			return snprintf(buf, size, "%s", "");
		break;
	default:
		break;
	}
	switch (v.type) {
	case GW_TUN_VAL_UINT:
		return snprintf(buf, size, " %s %" PRIu64, o->word, v.u);
	case GW_TUN_VAL_STR:
		return snprintf(buf, size, " %s %s", o->word, v.s);
	default:
		return snprintf(buf, size, "%s", "");
	}
}

int
gw_tunnel_conf_format(const struct gw_tunnel_conf *t, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;
	int n;

	if (size == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		n = format_row(i, t, buf + len, size - len);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return (int)len;
}

/*
 * JSON
 */

json_t *
gw_tunnel_opt_json(enum gw_tunnel_opt_id id, const struct gw_tunnel_conf *t, bool params)
{
	struct gw_tunnel_val v;

	switch (gw_tunnel_opt_value(id, t, &v)) {
	case GW_TUN_VAL_NONE:
		return params ? json_null() : NULL;
	case GW_TUN_VAL_BOOL:
		return json_boolean(v.u);
	case GW_TUN_VAL_UINT:
		return json_integer((json_int_t)v.u);
	case GW_TUN_VAL_STR:
		return json_string(v.s);
	}
	return NULL;
}

int
gw_tunnel_conf_json(const struct gw_tunnel_conf *t, json_t *o, bool all)
{
	unsigned int i;
	json_t *v;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		if (!all && !(t->given & (1u << i)))
			continue;
		v = gw_tunnel_opt_json(i, t, !all);
		if (v == NULL && !all)
			return -ENOMEM;
		if (v != NULL && json_object_set_new(o, ROW(i)->json, v) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int
type_error(const char *method, const char *key, const char *expected, struct gw_error *err)
{
	return gw_error_set(err, -EINVAL, "member \"%s\" of %s must be %s", key, method, expected);
}

/* An integer member through the command line's check, as text. */
static int
int_text(const json_t *v, char *buf, size_t size)
{
	return snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
}

/* One member into its row: *given true when it sets the row. */
static int
from_json(const struct gw_tunnel_opt *o, json_t *v, const char *method, struct gw_tunnel_conf *t,
	  struct gw_error *err)
{
	char buf[32];
	uint64_t n = 0;
	int rc;

	switch (o->kind) {
	case GW_TUN_KIND_MODE:
	case GW_TUN_KIND_ADDR:
	case GW_TUN_KIND_REMOTE:
	case GW_TUN_KIND_DEV:
	case GW_TUN_KIND_KEEPALIVE: /* "PERIOD RETRIES" or "off" */
		if (!json_is_string(v))
			return type_error(method, o->json, "a string", err);
		return parse_value(o, o->word, json_string_value(v), t, err);
	case GW_TUN_KIND_KEY: /* an integer, or null for no key (nokey) */
		if (json_is_null(v)) {
			set_on(t, o, false);
			return 0;
		}
		if (!json_is_integer(v))
			return type_error(method, o->json, "an integer or null", err);
		int_text(v, buf, sizeof(buf));
		rc = cmd_uint_range(buf, o->json, o->lo, o->hi, &n, err);
		if (rc < 0)
			return rc;
		field_set(t, o, n);
		set_on(t, o, true);
		return 0;
	case GW_TUN_KIND_FLAG:
	case GW_TUN_KIND_NOFLAG:
	case GW_TUN_KIND_ONOFF:
		if (!json_is_boolean(v))
			return type_error(method, o->json, "true or false", err);
		set_on(t, o, json_is_true(v));
		return 0;
	case GW_TUN_KIND_TTL: /* an integer or "inherit"; ttl 0 means inherit (ip-tunnel(8)) */
	case GW_TUN_KIND_TOS:
		if (json_is_string(v)) {
			if (strcmp(json_string_value(v), "inherit") != 0)
				return gw_error_set(err, -EINVAL,
						    "invalid %s \"%s\": expected %u..%u or inherit",
						    o->json, json_string_value(v), o->lo, o->hi);
			bit_set(t, o->bit, true);
			return 0;
		}
		if (!json_is_integer(v))
			return type_error(method, o->json, "an integer or \"inherit\"", err);
		int_text(v, buf, sizeof(buf));
		rc = cmd_uint_range(buf, o->json, o->lo, o->hi, &n, err);
		if (rc < 0)
			return rc;
		field_set(t, o, n);
		bit_set(t, o->bit, n == 0 && o->kind == GW_TUN_KIND_TTL);
		return 0;
	case GW_TUN_KIND_UINT:
		if (!json_is_integer(v))
			return type_error(method, o->json, "an integer", err);
		int_text(v, buf, sizeof(buf));
		rc = cmd_uint_range(buf, o->json, o->lo, o->hi, &n, err);
		if (rc == 0)
			field_set(t, o, n);
		return rc;
	case GW_TUN_KIND_LIMIT: /* an integer or "none" */
		if (json_is_string(v)) {
			if (strcmp(json_string_value(v), "none") != 0)
				return type_error(method, o->json, "an integer or \"none\"", err);
			return parse_limit(o, "none", t, err);
		}
		if (!json_is_integer(v))
			return type_error(method, o->json, "an integer or \"none\"", err);
		int_text(v, buf, sizeof(buf));
		return parse_limit(o, buf, t, err);
	case GW_TUN_KIND_MSS: /* "auto", "off" or an integer: a number in a string is a type error */
		if (json_is_string(v)) {
			rc = parse_mss(o, json_string_value(v), t, err);
			n = field_get(t, o);
			if (rc == 0 && n != GW_CLAMP_MSS_AUTO && n != GW_CLAMP_MSS_OFF)
				return type_error(method, o->json, "an integer, \"auto\" or \"off\"",
						  err);
			return rc;
		}
		if (!json_is_integer(v))
			return type_error(method, o->json, "an integer, \"auto\" or \"off\"", err);
		int_text(v, buf, sizeof(buf));
		return parse_mss(o, buf, t, err);
	}
	return -EINVAL;
}

int
gw_tunnel_conf_from_json(json_t *params, const char *method, struct gw_tunnel_conf *t,
			 struct gw_error *err)
{
	unsigned int i;
	json_t *v;
	int rc;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		v = json_object_get(params, ROW(i)->json);
		if (v == NULL)
			continue;
		rc = from_json(ROW(i), v, method, t, err);
		if (rc < 0)
			return rc;
		t->given |= 1u << i;
	}
	return 0;
}

void
gw_tunnel_conf_merge(struct gw_tunnel_conf *c, const struct gw_tunnel_conf *delta)
{
	unsigned int i;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		if (!(delta->given & (1u << i)))
			continue;
		if (o->bit != 0)
			bit_set(c, o->bit, (delta->opts & o->bit) != 0);
		if (o->offset != offsetof(struct gw_tunnel_conf, opts))
			memcpy((uint8_t *)c + o->offset, (const uint8_t *)delta + o->offset,
			       o->size);
	}
	c->given |= delta->given;
}

/*
 * grewayctl: text of tunnel show, usage and help
 */

void
gw_tunnel_opt_print(FILE *f, enum gw_tunnel_opt_id id, const json_t *v)
{
	const struct gw_tunnel_opt *o = ROW(id);

	switch (o->kind) {
	case GW_TUN_KIND_MODE: /* "gre1: gre remote ...", as ip tunnel show */
		if (json_is_string(v))
			fprintf(f, " %s", json_string_value(v));
		return;
	case GW_TUN_KIND_KEY: /* key 0 is a real key, so absence needs its own word */
		if (json_is_integer(v))
			fprintf(f, " %s %" JSON_INTEGER_FORMAT, o->word, json_integer_value(v));
		else
			fprintf(f, " %s none", o->word);
		return;
	case GW_TUN_KIND_FLAG:
	case GW_TUN_KIND_NOFLAG:
		if (json_is_boolean(v) && o->off_word != NULL) /* the word that sets it */
			fprintf(f, " %s", json_is_true(v) ? o->word : o->off_word);
		else if (json_is_boolean(v))
			fprintf(f, " %s %s", o->word, json_is_true(v) ? "yes" : "no");
		return;
	case GW_TUN_KIND_ONOFF:
		if (json_is_boolean(v))
			fprintf(f, " %s %s", o->word, json_is_true(v) ? "on" : "off");
		return;
	case GW_TUN_KIND_TOS: /* hex, as it is typed (tos 28 is 0x28) */
		if (json_is_integer(v)) {
			fprintf(f, " %s 0x%" PRIx64, o->word, (uint64_t)json_integer_value(v));
			return;
		}
		break;
	default:
		break;
	}
	if (json_is_string(v))
		fprintf(f, " %s %s", o->word, json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, " %s %" JSON_INTEGER_FORMAT, o->word, json_integer_value(v));
}

#define GRAMMAR_WIDTH 80

struct wrap {
	FILE *f;
	const char *indent;
	size_t col;
};

/* One fragment of grammar, on this line if it fits in GRAMMAR_WIDTH. */
static void
wrap_put(struct wrap *w, const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return;
	if (w->col + 1 + n > GRAMMAR_WIDTH) {
		fprintf(w->f, "\n%s", w->indent);
		w->col = strlen(w->indent);
	} else {
		fputc(' ', w->f);
		w->col++;
	}
	fputs(s, w->f);
	w->col += n;
}

/* A row's grammar: its own, or derived from its words ("[on|off]", "[on | off]"). */
static void
row_grammar(struct wrap *w, const struct gw_tunnel_opt *o, bool spaced)
{
	char buf[64];

	if (o->usage != NULL) {
		wrap_put(w, o->usage);
	} else if (o->off_word != NULL) {
		snprintf(buf, sizeof(buf), "[%s%s%s]", o->word, spaced ? " | " : "|", o->off_word);
		wrap_put(w, buf);
	} else {
		snprintf(buf, sizeof(buf), "[%s]", o->word);
		wrap_put(w, buf);
	}
}

void
gw_tunnel_opt_grammar(FILE *f, enum gw_tunnel_grammar g, const char *first, const char *indent)
{
	struct wrap w = { .f = f, .indent = indent, .col = strlen(first) };
	unsigned int i, k;

	fputs(first, f);
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = ROW(i);

		for (k = 0; k < gw_tunnel_nb_aliases; k++) {
			const struct gw_tunnel_alias *a = &gw_tunnel_aliases[k];

			if (a->anchor != i)
				continue;
			wrap_put(&w, g == GW_TUN_GRAMMAR_ADD ? a->usage :
				     g == GW_TUN_GRAMMAR_CHANGE ? a->change_usage : a->options);
		}
		if (g == GW_TUN_GRAMMAR_CHANGE ||
		    (g == GW_TUN_GRAMMAR_OPTIONS && (o->flags & GW_TUN_OPT_F_REQUIRED)))
			continue;
		row_grammar(&w, o, g == GW_TUN_GRAMMAR_OPTIONS);
	}
	fputc('\n', f);
}

/* "  head        text", the text's further lines under its first. */
static void
help_line(FILE *f, const char *head, const char *text)
{
	const char *p = text, *nl;

	fprintf(f, "  %-11s ", head);
	while ((nl = strchr(p, '\n')) != NULL) {
		fprintf(f, "%.*s\n%14s", (int)(nl - p), p, "");
		p = nl + 1;
	}
	fprintf(f, "%s\n", p);
}

void
gw_tunnel_opt_help(FILE *f)
{
	unsigned int i, k;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		for (k = 0; k < gw_tunnel_nb_aliases; k++)
			if (gw_tunnel_aliases[k].anchor == i && gw_tunnel_aliases[k].help != NULL)
				help_line(f, gw_tunnel_aliases[k].help_head, gw_tunnel_aliases[k].help);
		if (ROW(i)->help != NULL)
			help_line(f, ROW(i)->help_head, ROW(i)->help);
	}
}
