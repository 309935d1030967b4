/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the tunnel options list (lib/model/gw_tunnel_opt.def and
 * tunnel_opt.c), walking the rows so that a new row is tested without a new
 * test: for each row (and its off word) the word parses and sets its given
 * bit, save formats it back and reparses to the same line, the RPC params
 * carry it through and back, tunnel change merges it as tunnel add sets it,
 * and show, telemetry and grewayctl's printer have a value for it. Then the
 * list itself: unique words, valid telemetry keys, every row in the error's
 * word list, the JSON members and the help. A new kind needs a sample value
 * in sample_of() below; the exact texts stay in test_cmd.c and test_rpc.c.
 */
#include "gw_test.h"

#include "gw_cmd.h"
#include "gw_rpc.h"
#include "gw_tunnel_opt.h"

#define BASE "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1"
#define BASE_MP "tunnel add gre1 mode gre local 192.0.2.1 remote any" /* multipoint rows */
#define BASE_IP6 "tunnel add gre1 mode ip6gre local 2001:db8::1 remote 2001:db8::2" /* IPv6 rows */
#define LINE_MAX 512

/* One case: a row's word, or its off word. */
struct opt_case {
	enum gw_tunnel_opt_id id;
	bool off;
};

static struct opt_case cases[GW_TUN_OPT_MAX * 2];

/* A valid value of a row of each kind (NULL: the word takes none). */
static const char *
sample_of(const struct gw_tunnel_opt *o, char *buf, size_t size)
{
	switch (o->kind) {
	case GW_TUN_KIND_MODE:
		return "gretap";
	case GW_TUN_KIND_ADDR:
		return "192.0.2.9";
	case GW_TUN_KIND_REMOTE:
		return "any";
	case GW_TUN_KIND_KEY:
		return "7";
	case GW_TUN_KIND_TTL:
		return "9";
	case GW_TUN_KIND_TOS:
		return "28";
	case GW_TUN_KIND_UINT:
	case GW_TUN_KIND_MSS:
		snprintf(buf, size, "%u", o->lo + 1);
		return buf;
	case GW_TUN_KIND_DEV:
		return "port0";
	case GW_TUN_KIND_ONOFF:
		return "on";
	case GW_TUN_KIND_KEEPALIVE:
		return "10 3";
	case GW_TUN_KIND_LIMIT:
		return "4";
	case GW_TUN_KIND_FLAG:
	case GW_TUN_KIND_NOFLAG:
		break;
	}
	return NULL;
}

static void
parse_line(const char *text, struct gw_cmd *cmd)
{
	char line[LINE_MAX], *argv[GW_CMD_ARGS_MAX];
	struct gw_error err = { 0 };
	int argc, rc;

	snprintf(line, sizeof(line), "%s", text);
	argc = gw_cmd_split(line, argv, GW_CMD_ARGS_MAX);
	assert_true(argc > 0);
	rc = gw_cmd_parse(argc, argv, cmd, &err);
	if (rc != 0)
		fail_msg("\"%s\": %s", text, err.msg);
}

static void
format_cmd(const struct gw_cmd *cmd, char *buf)
{
	assert_true(gw_cmd_format(cmd, buf, LINE_MAX) > 0);
}

/* "WORD [VALUE]" of a case. */
static void
case_words(const struct opt_case *c, char *buf, size_t size)
{
	const struct gw_tunnel_opt *o = &gw_tunnel_opts[c->id];
	char num[16];
	const char *val = sample_of(o, num, sizeof(num));

	if (c->off)
		snprintf(buf, size, "%s", o->off_word);
	else if (val == NULL)
		snprintf(buf, size, "%s", o->word);
	else
		snprintf(buf, size, "%s %s", o->word, val);
}

/* The conf through the RPC params of method and back: the same words. */
static void
json_round_trip(const struct gw_cmd *cmd, const char *method)
{
	char a[LINE_MAX], b[LINE_MAX];
	struct gw_error err = { 0 };
	struct gw_cmd back;
	json_t *j;

	j = gw_cmd_to_json(cmd);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "method")), method);
	if (gw_cmd_from_json(method, json_object_get(j, "params"), &back, &err) != 0)
		fail_msg("%s: %s", method, err.msg);
	json_decref(j);
	assert_int_equal(back.tunnel.given, cmd->tunnel.given);
	assert_int_equal(back.tunnel.opts, cmd->tunnel.opts);
	if (cmd->op == GW_CMD_TUNNEL_ADD) {
		format_cmd(cmd, a);
		format_cmd(&back, b);
		assert_string_equal(a, b);
	}
}

static void
test_row(void **state)
{
	const struct opt_case *c = *state;
	const struct gw_tunnel_opt *o = &gw_tunnel_opts[c->id];
	char words[64], text[LINE_MAX], saved[LINE_MAX], again[LINE_MAX], *out = NULL;
	struct gw_cmd add, reparsed, base, change;
	const char *base_line = o->flags & GW_TUN_OPT_F_MULTIPOINT ? BASE_MP :
				o->flags & GW_TUN_OPT_F_IP6 ? BASE_IP6 : BASE;
	struct gw_tunnel_val v;
	size_t outlen = 0;
	json_t *show;
	FILE *f;

	/* parse: the word sets its row's given bit, and only as tunnel add says */
	case_words(c, words, sizeof(words));
	snprintf(text, sizeof(text), "%s %s", base_line, words);
	parse_line(text, &add);
	assert_true(add.tunnel.given & (1u << c->id));

	/* save: the word comes back, and the line is a fixed point */
	format_cmd(&add, saved);
	snprintf(text, sizeof(text), " %s", c->off ? o->off_word : o->word);
	assert_non_null(strstr(saved, text));
	parse_line(saved, &reparsed);
	format_cmd(&reparsed, again);
	assert_string_equal(saved, again);

	/* RPC params of tunnel.add, and of a tunnel.change giving only this word */
	json_round_trip(&add, "tunnel.add");
	snprintf(text, sizeof(text), "tunnel change gre1 %s", words);
	parse_line(text, &change);
	assert_int_equal(change.tunnel.given & (1u << c->id), 1u << c->id);
	json_round_trip(&change, "tunnel.change");

	/* tunnel change merges into the base what tunnel add would have set */
	parse_line(base_line, &base);
	gw_tunnel_conf_merge(&base.tunnel, &change.tunnel);
	format_cmd(&base, again);
	assert_string_equal(saved, again);
	assert_int_equal(base.tunnel.given, add.tunnel.given);

	/* show and telemetry have a value; grewayctl prints it */
	assert_int_not_equal(gw_tunnel_opt_value(c->id, &add.tunnel, &v), GW_TUN_VAL_NONE);
	show = json_object();
	assert_int_equal(gw_tunnel_conf_json(&add.tunnel, show, true), 0);
	assert_non_null(json_object_get(show, o->json));
	f = open_memstream(&out, &outlen);
	assert_non_null(f);
	gw_tunnel_opt_print(f, c->id, json_object_get(show, o->json));
	fclose(f);
	if (o->kind == GW_TUN_KIND_MODE)
		assert_string_equal(out, " gretap");
	else
		assert_non_null(strstr(out, c->off ? o->off_word : o->word));
	free(out);
	json_decref(show);
}

/* Words are unique over rows, off words and aliases; keys are telemetry's. */
static void
test_list(void **state)
{
	const char *w[GW_TUN_OPT_MAX * 2 + 32];
	char list[512], json[512], pat[64];
	unsigned int i, k, n = 0;

	(void)state;
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		const struct gw_tunnel_opt *o = &gw_tunnel_opts[i];

		w[n++] = o->word;
		if (o->off_word != NULL)
			w[n++] = o->off_word;
		assert_true(strspn(o->tel, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789_/") == strlen(o->tel));
		assert_true(o->tel[0] != '\0' && o->json[0] != '\0');
	}
	for (i = 0; i < gw_tunnel_nb_aliases; i++) {
		assert_true(gw_tunnel_aliases[i].rows != 0);
		w[n++] = gw_tunnel_aliases[i].word;
	}
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (strcmp(w[i], w[k]) == 0)
				fail_msg("word \"%s\" twice", w[i]);

	gw_tunnel_opt_words(list, sizeof(list));
	gw_tunnel_opt_json_members(json, sizeof(json));
	snprintf(list + strlen(list), sizeof(list) - strlen(list), ", ");
	snprintf(json + strlen(json), sizeof(json) - strlen(json), ", ");
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		snprintf(pat, sizeof(pat), "%s, ", gw_tunnel_opts[i].json);
		assert_non_null(strstr(json, pat));
		if (gw_tunnel_opts[i].flags & GW_TUN_OPT_F_UNNAMED)
			continue;
		snprintf(pat, sizeof(pat), "%s, ", gw_tunnel_opts[i].word);
		assert_non_null(strstr(list, pat));
	}
}

/*
 * Each alias sets exactly its rows: a value or on alias as its rows' words
 * one by one would, an off alias back to the defaults of tunnel add.
 */
static void
test_alias(void **state)
{
	const struct gw_tunnel_alias *a = *state;
	const struct gw_tunnel_opt *first = &gw_tunnel_opts[__builtin_ctz(a->rows)];
	char text[LINE_MAX], expanded[LINE_MAX], got[LINE_MAX], want[LINE_MAX], num[16];
	const char *val = a->act == GW_TUN_ALIAS_VALUE ? sample_of(first, num, sizeof(num)) : NULL;
	struct gw_cmd cmd;
	unsigned int i;

	snprintf(text, sizeof(text), "tunnel change gre1 %s%s%s", a->word, val ? " " : "",
		 val ? val : "");
	parse_line(text, &cmd);
	assert_int_equal(cmd.tunnel.given, a->rows);
	json_round_trip(&cmd, "tunnel.change");

	snprintf(text, sizeof(text), BASE " %s%s%s", a->word, val ? " " : "", val ? val : "");
	parse_line(text, &cmd);
	format_cmd(&cmd, got);
	snprintf(expanded, sizeof(expanded), BASE);
	for (i = 0; a->act != GW_TUN_ALIAS_OFF && i < GW_TUN_OPT_MAX; i++)
		if (a->rows & (1u << i))
			snprintf(expanded + strlen(expanded), sizeof(expanded) - strlen(expanded),
				 " %s%s%s", gw_tunnel_opts[i].word, val ? " " : "", val ? val : "");
	parse_line(expanded, &cmd);
	format_cmd(&cmd, want);
	assert_string_equal(got, want);
}

/* Every option with a help line is in help tunnel. */
static void
test_help(void **state)
{
	char *out = NULL, pat[64];
	size_t len = 0;
	unsigned int i;
	FILE *f;

	(void)state;
	f = open_memstream(&out, &len);
	assert_non_null(f);
	fputc('\n', f);
	gw_tunnel_opt_help(f);
	gw_tunnel_opt_grammar(f, GW_TUN_GRAMMAR_OPTIONS, "OPTIONS :=", "           ");
	fclose(f);
	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		if (gw_tunnel_opts[i].help_head == NULL)
			continue;
		snprintf(pat, sizeof(pat), "\n  %s ", gw_tunnel_opts[i].help_head);
		assert_non_null(strstr(out, pat));
	}
	free(out);
}

static void
add_tests(struct gw_tests *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < GW_TUN_OPT_MAX; i++) {
		cases[n] = (struct opt_case){ .id = i };
		gw_tests_add(t, test_row, &cases[n++], "row %s", gw_tunnel_opts[i].word);
		if (gw_tunnel_opts[i].off_word == NULL)
			continue;
		cases[n] = (struct opt_case){ .id = i, .off = true };
		gw_tests_add(t, test_row, &cases[n++], "row %s", gw_tunnel_opts[i].off_word);
	}
	for (i = 0; i < gw_tunnel_nb_aliases; i++)
		gw_tests_add(t, test_alias, &gw_tunnel_aliases[i], "alias %s",
			     gw_tunnel_aliases[i].word);
	gw_tests_add(t, test_list, NULL, "words, JSON members, telemetry keys");
	gw_tests_add(t, test_help, NULL, "help names every option");
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "tunnel_opt", add_tests, NULL, 0);
}
