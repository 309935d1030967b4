/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Shared by the unit tests: a list of cmocka tests built at run time, so
 * that every row of a table becomes one named test (a failure names its
 * row), and the main() that runs either the tests or, given --known-bug ID,
 * the rows that expose one bug not fixed yet (meson expects those to fail).
 */
#ifndef GW_TEST_H
#define GW_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/** Tests collected before running them as one cmocka group. */
struct gw_tests {
	struct CMUnitTest *v;
	size_t n;
	size_t cap;
};

#define GW_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/** Add one test; state is handed to fn as *state; name is printf-formatted. */
static inline void
gw_tests_add(struct gw_tests *t, CMUnitTestFunction fn, const void *state, const char *fmt,
	     ...) __attribute__((format(printf, 4, 5)));

static inline void
gw_tests_add(struct gw_tests *t, CMUnitTestFunction fn, const void *state, const char *fmt,
	     ...)
{
	va_list ap;
	char *name;

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->v = realloc(t->v, t->cap * sizeof(t->v[0]));
		if (t->v == NULL)
			abort();
	}
	va_start(ap, fmt);
	if (vasprintf(&name, fmt, ap) < 0)
		abort();
	va_end(ap);
	t->v[t->n++] = (struct CMUnitTest){
		.name = name,
		.test_func = fn,
		.initial_state = (void *)(uintptr_t)state,
	};
}

/** Run the collected tests as group `group`; returns the number that failed. */
static inline int
gw_tests_run(struct gw_tests *t, const char *group)
{
	size_t i;
	int failed;

	if (t->n == 0) {
		fprintf(stderr, "%s: no tests\n", group);
		return 1;
	}
	failed = _cmocka_run_group_tests(group, t->v, t->n, NULL, NULL);
	for (i = 0; i < t->n; i++)
		free((void *)(uintptr_t)t->v[i].name);
	free(t->v);
	return failed;
}

/** A bug in lib/ not fixed yet, and the function adding the rows that show it. */
struct gw_known_bug {
	const char *id;                    /**< short name: "--known-bug ID" runs it */
	void (*add)(struct gw_tests *t);   /**< adds the rows that fail until it is fixed */
};

/**
 * main() of a test file: with no argument, add_tests() adds the tests to
 * run; with "--known-bug ID", only the rows of that known bug run. meson
 * registers those with should_fail, so this mode inverts the exit status:
 * 1 while every row still fails (the bug is there), 0 as soon as one row
 * passes or ID is unknown, which meson reports as an unexpected pass.
 */
static inline int
gw_tests_main(int argc, char **argv, const char *group, void (*add_tests)(struct gw_tests *),
	      const struct gw_known_bug *bugs, size_t nbugs)
{
	struct gw_tests t = { 0 };
	char name[96];
	size_t i, n;
	int failed;

	if (argc == 3 && strcmp(argv[1], "--known-bug") == 0) {
		for (i = 0; i < nbugs; i++)
			if (strcmp(argv[2], bugs[i].id) == 0)
				break;
		if (i == nbugs) {
			fprintf(stderr, "%s: no known bug \"%s\"\n", group, argv[2]);
			return 0;
		}
		bugs[i].add(&t);
		n = t.n;
		snprintf(name, sizeof(name), "%s known bug %s", group, bugs[i].id);
		failed = gw_tests_run(&t, name);
		if (n > 0 && (size_t)failed == n)
			return 1;
		fprintf(stderr, "%s: %zu of %zu rows of known bug \"%s\" pass now: move them to "
			"the main table\n", group, n - failed, n, argv[2]);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--known-bug ID]\n", argv[0]);
		return 2;
	}
	add_tests(&t);
	return gw_tests_run(&t, group);
}

#endif /* GW_TEST_H */
