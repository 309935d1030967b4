/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the two small pieces of libgw_base every module uses: the
 * drop reasons expanded from gw_drop.def (names usable as telemetry keys and
 * counter names, unique, "?" out of range) and the error record of
 * gw_error.h (code returned, message one line, truncated, NULL allowed).
 */
#include <errno.h>

#include "gw_test.h"

#include "gw_drop.h"
#include "gw_error.h"

static void
test_drop_none_is_zero(void **state)
{
	(void)state;
	assert_int_equal(GW_DROP_NONE, 0);
	assert_string_equal(gw_drop_name(GW_DROP_NONE), "none");
	assert_true(GW_DROP_MAX > GW_DROP_TX_FULL);
}

/* Telemetry keys may only use [A-Za-z0-9_/]; counter names are lower-case snake. */
static void
test_drop_names(void **state)
{
	unsigned int d, e;

	(void)state;
	for (d = 0; d < GW_DROP_MAX; d++) {
		const char *name = gw_drop_name(d), *text = gw_drop_text(d), *c;

		assert_non_null(name);
		assert_non_null(text);
		if (name[0] == '\0' || strcmp(name, "?") == 0)
			fail_msg("reason %u has no name", d);
		for (c = name; *c != '\0'; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
				fail_msg("reason %u: name \"%s\" has '%c'", d, name, *c);
		if (text[0] == '\0' || strchr(text, '\n') != NULL)
			fail_msg("reason %u (%s): text must be one non-empty line", d, name);
		for (e = 0; e < d; e++)
			if (strcmp(name, gw_drop_name(e)) == 0)
				fail_msg("reasons %u and %u share the name \"%s\"", e, d, name);
	}
}

struct drop_case {
	enum gw_drop d;
	const char *name;
};

/* The names stats prints and the docs use: the enum and the name come from one line. */
static const struct drop_case drop_cases[] = {
	{ GW_DROP_GRE_SHORT, "gre_short" },
	{ GW_DROP_GRE_VERSION, "gre_version" },
	{ GW_DROP_GRE_FLAGS, "gre_flags" },
	{ GW_DROP_GRE_CSUM, "gre_csum" },
	{ GW_DROP_KEY_MISMATCH, "key_mismatch" },
	{ GW_DROP_TX_FULL, "tx_full" },
};

static void
test_drop_row(void **state)
{
	const struct drop_case *c = *state;

	assert_string_equal(gw_drop_name(c->d), c->name);
}

static void
test_drop_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(gw_drop_name(GW_DROP_MAX), "?");
	assert_string_equal(gw_drop_text(GW_DROP_MAX), "?");
	assert_string_equal(gw_drop_name((enum gw_drop)-1), "?");
	assert_string_equal(gw_drop_text((enum gw_drop)1000), "?");
}

static void
test_error_set(void **state)
{
	struct gw_error err = { 0 };

	(void)state;
	assert_int_equal(gw_error_set(&err, -EINVAL, "bad word \"%s\"", "x"), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, "bad word \"x\"");
	/* a later error replaces the earlier */
	assert_int_equal(gw_error_set(&err, -ERANGE, "%d", 7), -ERANGE);
	assert_int_equal(err.code, -ERANGE);
	assert_string_equal(err.msg, "7");
}

static void
test_error_null(void **state)
{
	(void)state;
	assert_int_equal(gw_error_set(NULL, -ENAMETOOLONG, "%s", "ignored"), -ENAMETOOLONG);
}

static void
test_error_truncated(void **state)
{
	struct {
		struct gw_error err;
		char guard[32];
	} s;
	char longword[3 * GW_ERROR_SIZE];

	(void)state;
	memset(&s, 0x5a, sizeof(s));
	memset(longword, 'w', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	assert_int_equal(gw_error_set(&s.err, -EINVAL, "word %s", longword), -EINVAL);
	assert_int_equal(strlen(s.err.msg), GW_ERROR_SIZE - 1);
	assert_memory_equal(s.err.msg, "word www", 8);
	for (size_t i = 0; i < sizeof(s.guard); i++)
		assert_int_equal((unsigned char)s.guard[i], 0x5a);
}

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	gw_tests_add(t, test_drop_none_is_zero, NULL, "drop: NONE is 0");
	gw_tests_add(t, test_drop_names, NULL, "drop: every name telemetry-safe and unique");
	for (i = 0; i < GW_NELEM(drop_cases); i++)
		gw_tests_add(t, test_drop_row, &drop_cases[i], "drop: name %s", drop_cases[i].name);
	gw_tests_add(t, test_drop_out_of_range, NULL, "drop: out of range is \"?\"");
	gw_tests_add(t, test_error_set, NULL, "error: code and message recorded");
	gw_tests_add(t, test_error_null, NULL, "error: NULL record returns the code");
	gw_tests_add(t, test_error_truncated, NULL, "error: long message truncated in bounds");
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "base", add_tests, NULL, 0);
}
