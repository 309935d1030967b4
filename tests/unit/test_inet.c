/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of what users type for addresses (lib/proto/inet.c, gw_inet.h):
 * IPv4/IPv6 addresses and prefixes, MAC addresses, bounded integers and GRE
 * keys, each a table of strings with the expected result, invalid ones
 * first; formatting round trips; masking of prefixes. Expected addresses are
 * written as bytes, never produced by the code under test.
 */
#include <errno.h>
#include <sys/socket.h>

#include "gw_test.h"

#include "gw_inet.h"

/* Addresses as bytes in network order; IPv4 uses the first 4. */
#define V4(a, b, c, d) AF_INET, { a, b, c, d }
#define V6(...) AF_INET6, { __VA_ARGS__ }
#define NONE 0, { 0 }
/* The same, as a struct gw_ip. */
#define IP4(a, b, c, d) { .family = AF_INET, .v6 = { a, b, c, d } }
#define IP6(...) { .family = AF_INET6, .v6 = { __VA_ARGS__ } }
#define IPANY { .family = 0 }

static void
assert_ip(const struct gw_ip *ip, uint8_t family, const uint8_t *bytes)
{
	assert_int_equal(ip->family, family);
	if (family == AF_INET)
		assert_memory_equal(&ip->v4, bytes, 4);
	else
		assert_memory_equal(ip->v6, bytes, 16);
}

/*
 * gw_ip_parse
 */

struct ip_case {
	const char *s;
	int rc;
	uint8_t family;
	uint8_t bytes[16];
};

static const struct ip_case ip_cases[] = {
	{ "", -EINVAL, NONE },
	{ " ", -EINVAL, NONE },
	{ "any", -EINVAL, NONE },
	{ "1.2.3", -EINVAL, NONE },
	{ "1.2.3.4.5", -EINVAL, NONE },
	{ "256.0.0.0", -EINVAL, NONE },
	{ "01.2.3.4", -EINVAL, NONE },
	{ "0x1.2.3.4", -EINVAL, NONE },
	{ " 1.2.3.4", -EINVAL, NONE },
	{ "1.2.3.4 ", -EINVAL, NONE },
	{ "1.2.3.4/24", -EINVAL, NONE },
	{ "1.2.3.4:", -EINVAL, NONE },
	{ "::g", -EINVAL, NONE },
	{ "1::2::3", -EINVAL, NONE },
	{ "1:2:3:4:5:6:7:8:9", -EINVAL, NONE },
	{ "[::1]", -EINVAL, NONE },
	{ "2001:db8::1%eth0", -EINVAL, NONE },
	{ "2001:db8::1/64", -EINVAL, NONE },
	{ "0.0.0.0", 0, V4(0, 0, 0, 0) },
	{ "192.0.2.1", 0, V4(192, 0, 2, 1) },
	{ "255.255.255.255", 0, V4(255, 255, 255, 255) },
	{ "::", 0, V6(0) },
	{ "::1", 0, V6([15] = 1) },
	{ "2001:db8::1", 0, V6(0x20, 0x01, 0x0d, 0xb8, [15] = 1) },
	{ "2001:DB8::A", 0, V6(0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a) },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", 0, V6(0x20, 0x01, 0x0d, 0xb8, [15] = 1) },
	{ "::ffff:192.0.2.1", 0, V6([10] = 0xff, 0xff, 192, 0, 2, 1) },
};

static void
test_ip_row(void **state)
{
	const struct ip_case *c = *state;
	struct gw_ip ip;

	memset(&ip, 0xa5, sizeof(ip));
	assert_int_equal(gw_ip_parse(c->s, &ip), c->rc);
	if (c->rc == 0)
		assert_ip(&ip, c->family, c->bytes);
}

/*
 * gw_prefix_parse
 */

struct prefix_case {
	const char *s;
	int rc;
	uint8_t family;
	uint8_t bytes[16];
	uint8_t len;
};

static const struct prefix_case prefix_cases[] = {
	{ "", -EINVAL, NONE },
	{ "/24", -EINVAL, NONE },
	{ "/", -EINVAL, NONE },
	{ "1.2.3.4/", -EINVAL, NONE },
	{ "1.2.3.4/x", -EINVAL, NONE },
	{ "1.2.3.4/ 24", -EINVAL, NONE },
	{ "1.2.3.4/24 ", -EINVAL, NONE },
	{ " 1.2.3.4/24", -EINVAL, NONE },
	{ "1.2.3.4/-1", -EINVAL, NONE },
	{ "1.2.3.4/+24", -EINVAL, NONE },
	{ "1.2.3.4/24/1", -EINVAL, NONE },
	{ "1.2.3/24", -EINVAL, NONE },
	{ "any/0", -EINVAL, NONE },
	{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa/64", -EINVAL, NONE },
	{ "1.2.3.4/33", -ERANGE, NONE },
	{ "1.2.3.4/128", -ERANGE, NONE },
	{ "::/129", -ERANGE, NONE },
	{ "2001:db8::/200", -ERANGE, NONE },
	{ "192.0.2.1", 0, V4(192, 0, 2, 1), 32 },
	{ "2001:db8::1", 0, V6(0x20, 0x01, 0x0d, 0xb8, [15] = 1), 128 },
	{ "192.0.2.1/24", 0, V4(192, 0, 2, 1), 24 }, /* host bits kept */
	{ "0.0.0.0/0", 0, V4(0, 0, 0, 0), 0 },
	{ "10.0.0.0/8", 0, V4(10, 0, 0, 0), 8 },
	{ "1.2.3.4/32", 0, V4(1, 2, 3, 4), 32 },
	{ "1.2.3.4/0x18", 0, V4(1, 2, 3, 4), 24 },
	{ "::/0", 0, V6(0), 0 },
	{ "::/128", 0, V6(0), 128 },
	{ "2001:db8::/32", 0, V6(0x20, 0x01, 0x0d, 0xb8), 32 },
	{ "2001:db8::1/64", 0, V6(0x20, 0x01, 0x0d, 0xb8, [15] = 1), 64 },
};

static void
test_prefix_row(void **state)
{
	const struct prefix_case *c = *state;
	struct gw_prefix p;

	memset(&p, 0xa5, sizeof(p));
	assert_int_equal(gw_prefix_parse(c->s, &p), c->rc);
	if (c->rc != 0)
		return;
	assert_ip(&p.addr, c->family, c->bytes);
	assert_int_equal(p.len, c->len);
}

/*
 * gw_mac_parse
 */

struct mac_case {
	const char *s;
	int rc;
	uint8_t mac[6];
};

static const struct mac_case mac_cases[] = {
	{ "", -EINVAL },
	{ "02:00:5e:10:00", -EINVAL },          /* 5 octets */
	{ "02:00:5e:10:00:01:02", -EINVAL },    /* 7 octets */
	{ "02:00:5e:10:00:01:", -EINVAL },
	{ "+1:00:5e:10:00:01", -EINVAL },       /* sscanf's %x takes a sign */
	{ "-1:00:5e:10:00:01", -EINVAL },
	{ " 1:00:5e:10:00:01", -EINVAL },       /* ... and a blank */
	{ "02:00:5e:10:00: 1", -EINVAL },
	{ "02:00:5e:10:00:1", -EINVAL },
	{ "2:0:5e:10:0:1", -EINVAL },
	{ "2:00:5e:10:00:001", -EINVAL },
	{ "02:00:5e:10:00:0g", -EINVAL },
	{ "0x:00:5e:10:00:01", -EINVAL },
	{ "02-00-5e-10-00-01", -EINVAL },
	{ "0200.5e10.0001", -EINVAL },
	{ "02:00:5e:10:00:01 ", -EINVAL },
	{ "02:00:5e:10:00:01", 0, { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 } },
	{ "AA:BB:CC:DD:EE:FF", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
	{ "aA:Bb:0C:d0:E1:f2", 0, { 0xaa, 0xbb, 0x0c, 0xd0, 0xe1, 0xf2 } },
	{ "ff:ff:ff:ff:ff:ff", 0, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "00:00:00:00:00:00", 0, { 0 } },
};

static void
test_mac_row(void **state)
{
	const struct mac_case *c = *state;
	uint8_t mac[6];

	memset(mac, 0xa5, sizeof(mac));
	assert_int_equal(gw_mac_parse(c->s, mac), c->rc);
	if (c->rc == 0)
		assert_memory_equal(mac, c->mac, 6);
}

/*
 * gw_uint_parse
 */

struct uint_case {
	const char *s;
	uint64_t max;
	int rc;
	uint64_t v;
};

static const struct uint_case uint_cases[] = {
	{ "", UINT64_MAX, -EINVAL },
	{ "-1", UINT64_MAX, -EINVAL },
	{ "+1", UINT64_MAX, -EINVAL },
	{ "-0", UINT64_MAX, -EINVAL },
	{ " 1", UINT64_MAX, -EINVAL },
	{ "1 ", UINT64_MAX, -EINVAL },
	{ "1x", UINT64_MAX, -EINVAL },
	{ "0x", UINT64_MAX, -EINVAL },
	{ "0x1g", UINT64_MAX, -EINVAL },
	{ "x1", UINT64_MAX, -EINVAL },
	{ "1e3", UINT64_MAX, -EINVAL },
	{ "1.0", UINT64_MAX, -EINVAL },
	{ "256", 255, -ERANGE },
	{ "0x100", 255, -ERANGE },
	{ "1", 0, -ERANGE },
	{ "4294967296", UINT32_MAX, -ERANGE },
	{ "0x100000000", UINT32_MAX, -ERANGE },
	{ "18446744073709551616", UINT64_MAX, -ERANGE }, /* 2^64: overflow */
	{ "99999999999999999999999", UINT64_MAX, -ERANGE },
	{ "0", 0, 0, 0 },
	{ "0", UINT64_MAX, 0, 0 },
	{ "42", 255, 0, 42 },
	{ "255", 255, 0, 255 },
	{ "0x2a", 255, 0, 42 },
	{ "0X2A", 255, 0, 42 },
	{ "0xff", 255, 0, 255 },
	{ "4294967295", UINT32_MAX, 0, UINT32_MAX },
	{ "0xffffffff", UINT32_MAX, 0, UINT32_MAX },
	{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
	{ "0xffffffffffffffff", UINT64_MAX, 0, UINT64_MAX },
};

static void
test_uint_row(void **state)
{
	const struct uint_case *c = *state;
	uint64_t v = 0xa5a5;

	assert_int_equal(gw_uint_parse(c->s, c->max, &v), c->rc);
	if (c->rc == 0)
		assert_int_equal(v, c->v);
}

/*
 * gw_key_parse
 */

struct key_case {
	const char *s;
	int rc;
	uint32_t key;
};

static const struct key_case key_cases[] = {
	{ "", -EINVAL },
	{ "-1", -EINVAL },
	{ " 1", -EINVAL },
	{ "0x1g", -EINVAL },
	{ "4294967296", -EINVAL },
	{ "0x100000000", -EINVAL },
	{ "1.2.3", -EINVAL },
	{ "1.2.3.4.5", -EINVAL },
	{ "256.0.0.0", -EINVAL },
	{ "1.2.3.4 ", -EINVAL },
	{ "1.2.3.4/8", -EINVAL },
	{ "0", 0, 0 },
	{ "1001", 0, 1001 },
	{ "4294967295", 0, 4294967295u },
	{ "0xffffffff", 0, 0xffffffff },
	{ "0.0.0.0", 0, 0 },
	{ "0.0.3.233", 0, 1001 },
	{ "1.2.3.4", 0, 0x01020304 },
	{ "255.255.255.255", 0, 0xffffffff },
};

static void
test_key_row(void **state)
{
	const struct key_case *c = *state;
	uint32_t key = 0xa5a5a5a5;

	assert_int_equal(gw_key_parse(c->s, &key), c->rc);
	if (c->rc == 0)
		assert_int_equal(key, c->key);
}

/*
 * Formatting: fmt(parse(s)) gives the canonical form, and parses back equal.
 */

struct fmt_case {
	const char *in;
	const char *out;
};

static const struct fmt_case ip_fmt_cases[] = {
	{ "192.0.2.1", "192.0.2.1" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "::", "::" },
	{ "::1", "::1" },
	{ "2001:db8::1", "2001:db8::1" },
	{ "2001:DB8:0000:0000::0001", "2001:db8::1" },
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	{ "fe80::1:2", "fe80::1:2" },
	{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
};

static void
test_ip_fmt_row(void **state)
{
	const struct fmt_case *c = *state;
	struct gw_ip ip, back;
	char buf[GW_IP_STRLEN];

	assert_int_equal(gw_ip_parse(c->in, &ip), 0);
	assert_ptr_equal(gw_ip_fmt(&ip, buf, sizeof(buf)), buf);
	assert_string_equal(buf, c->out);
	assert_int_equal(gw_ip_parse(buf, &back), 0);
	assert_true(gw_ip_equal(&ip, &back));
}

static void
test_ip_fmt_any(void **state)
{
	struct gw_ip any = { 0 };
	char buf[GW_IP_STRLEN];

	(void)state;
	assert_string_equal(gw_ip_fmt(&any, buf, sizeof(buf)), "any");
}

static const struct fmt_case prefix_fmt_cases[] = {
	{ "192.0.2.0/24", "192.0.2.0/24" },
	{ "192.0.2.1/24", "192.0.2.1/24" },
	{ "192.0.2.1", "192.0.2.1/32" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "10.0.0.0/0x8", "10.0.0.0/8" },
	{ "2001:db8::/32", "2001:db8::/32" },
	{ "2001:db8::1", "2001:db8::1/128" },
	{ "::/0", "::/0" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
};

static void
test_prefix_fmt_row(void **state)
{
	const struct fmt_case *c = *state;
	struct gw_prefix p, back;
	char buf[GW_PFX_STRLEN];

	assert_int_equal(gw_prefix_parse(c->in, &p), 0);
	assert_ptr_equal(gw_prefix_fmt(&p, buf, sizeof(buf)), buf);
	assert_string_equal(buf, c->out);
	assert_int_equal(gw_prefix_parse(buf, &back), 0);
	assert_true(gw_ip_equal(&p.addr, &back.addr));
	assert_int_equal(p.len, back.len);
}

static const struct fmt_case mac_fmt_cases[] = {
	{ "02:00:5e:10:00:01", "02:00:5e:10:00:01" },
	{ "AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff" },
	{ "00:00:00:00:00:00", "00:00:00:00:00:00" },
};

static void
test_mac_fmt_row(void **state)
{
	const struct fmt_case *c = *state;
	uint8_t mac[6], back[6];
	char buf[GW_MAC_STRLEN];

	assert_int_equal(gw_mac_parse(c->in, mac), 0);
	assert_ptr_equal(gw_mac_fmt(mac, buf, sizeof(buf)), buf);
	assert_string_equal(buf, c->out);
	assert_int_equal(gw_mac_parse(buf, back), 0);
	assert_memory_equal(mac, back, 6);
}

/*
 * gw_prefix_masked, gw_ipv4_mask, gw_ip_equal
 */

struct masked_case {
	struct gw_prefix in;
	uint8_t want[16];
};

#define P4(a, b, c, d, l) { { AF_INET, { .v6 = { a, b, c, d } } }, l }
#define P6(l, ...) { { AF_INET6, { .v6 = { __VA_ARGS__ } } }, l }
#define ONES16 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

static const struct masked_case masked_cases[] = {
	{ P4(192, 0, 2, 77, 24), { 192, 0, 2, 0 } },
	{ P4(255, 255, 255, 255, 0), { 0, 0, 0, 0 } },
	{ P4(255, 255, 255, 255, 1), { 128, 0, 0, 0 } },
	{ P4(10, 255, 255, 255, 9), { 10, 128, 0, 0 } },
	{ P4(192, 0, 2, 77, 31), { 192, 0, 2, 76 } },
	{ P4(192, 0, 2, 77, 32), { 192, 0, 2, 77 } },
	{ P4(255, 255, 255, 255, 23), { 255, 255, 254, 0 } },
	{ P6(0, ONES16), { 0 } },
	{ P6(7, ONES16), { 0xfe } },
	{ P6(8, ONES16), { 0xff } },
	{ P6(32, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1), { 0x20, 0x01, 0x0d, 0xb8 } },
	{ P6(65, ONES16), { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80 } },
	{ P6(121, ONES16), { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			     0xff, 0xff, 0xff, 0xff, 0x80 } },
	{ P6(127, ONES16), { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			     0xff, 0xff, 0xff, 0xff, 0xfe } },
	{ P6(128, ONES16), { ONES16 } },
};

static void
test_masked_row(void **state)
{
	const struct masked_case *c = *state;
	struct gw_prefix in = c->in, out;

	memset(&out, 0xa5, sizeof(out));
	gw_prefix_masked(&in, &out);
	assert_memory_equal(&in, &c->in, sizeof(in)); /* input untouched */
	assert_ip(&out.addr, c->in.addr.family, c->want);
	assert_int_equal(out.len, c->in.len);
}

struct mask_case {
	uint8_t len;
	uint32_t mask;
};

static const struct mask_case mask_cases[] = {
	{ 0, 0x00000000 }, { 1, 0x80000000 }, { 8, 0xff000000 }, { 23, 0xfffffe00 },
	{ 24, 0xffffff00 }, { 31, 0xfffffffe }, { 32, 0xffffffff },
};

static void
test_mask_row(void **state)
{
	const struct mask_case *c = *state;

	assert_int_equal(gw_ipv4_mask(c->len), c->mask);
}

struct equal_case {
	const char *name;
	struct gw_ip a;
	struct gw_ip b;
	bool equal;
};

static const struct equal_case equal_cases[] = {
	{ "v4 differs in the last byte", IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), false },
	{ "v6 differs in the last byte", IP6(0x20, 0x01, [15] = 1), IP6(0x20, 0x01, [15] = 2),
	  false },
	{ "v4 and v6 with the same first bytes", IP4(0x20, 0x01, 0, 0), IP6(0x20, 0x01), false },
	{ "any and 0.0.0.0", IPANY, IP4(0, 0, 0, 0), false },
	{ "v4 equal", IP4(192, 0, 2, 1), IP4(192, 0, 2, 1), true },
	{ "v6 equal", IP6(0x20, 0x01, [15] = 1), IP6(0x20, 0x01, [15] = 1), true },
	{ "any and any", IPANY, IPANY, true },
};

static void
test_equal_row(void **state)
{
	const struct equal_case *c = *state;

	assert_int_equal(gw_ip_equal(&c->a, &c->b), c->equal);
	assert_int_equal(gw_ip_equal(&c->b, &c->a), c->equal);
}

/*
 * Regressions: rows that once failed (found by the unit tests and fuzzing),
 * kept so the bugs stay fixed.
 */

/*
 * FIXED BUG "octal" (lib/proto/inet.c:90, gw_uint_parse): strtoull(s, &end, 0) reads a
 * leading 0 as octal, but gw_inet.h documents "decimal, or hex with 0x": "010"
 * gives 8, "08" is refused, so "mtu 01500" is 832 and "10.0.0.0/010" is a /8.
 */
static const struct uint_case uint_bug_cases[] = {
	{ "010", 255, 0, 10 },
	{ "08", 255, 0, 8 },
	{ "01500", 65535, 0, 1500 },
};

/* The same bug seen through gw_prefix_parse. */
static const struct prefix_case prefix_octal_bug_cases[] = {
	{ "10.0.0.0/010", 0, V4(10, 0, 0, 0), 10 },
};

/*
 * FIXED BUG "prefix-erange" (lib/proto/inet.c:52-54, gw_prefix_parse): a length too long for
 * gw_uint_parse's bound of 255 is turned into -EINVAL, while gw_inet.h
 * promises -ERANGE for a length too long (as /33 gets).
 */
static const struct prefix_case prefix_bug_cases[] = {
	{ "1.2.3.4/256", -ERANGE, NONE },
	{ "::/4294967296", -ERANGE, NONE },
};

static void
add_fixed_octal(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < GW_NELEM(uint_bug_cases); i++)
		gw_tests_add(t, test_uint_row, &uint_bug_cases[i],
			     "regression uint: \"%s\" is decimal", uint_bug_cases[i].s);
	for (i = 0; i < GW_NELEM(prefix_octal_bug_cases); i++)
		gw_tests_add(t, test_prefix_row, &prefix_octal_bug_cases[i],
			     "regression prefix: \"%s\" is decimal", prefix_octal_bug_cases[i].s);
}

static void
add_fixed_prefix_erange(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < GW_NELEM(prefix_bug_cases); i++)
		gw_tests_add(t, test_prefix_row, &prefix_bug_cases[i],
			     "regression prefix: \"%s\" -> %d", prefix_bug_cases[i].s,
			     prefix_bug_cases[i].rc);
}

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	add_fixed_octal(t);
	add_fixed_prefix_erange(t);
	for (i = 0; i < GW_NELEM(ip_cases); i++)
		gw_tests_add(t, test_ip_row, &ip_cases[i], "ip: \"%s\" -> %d", ip_cases[i].s,
			     ip_cases[i].rc);
	for (i = 0; i < GW_NELEM(prefix_cases); i++)
		gw_tests_add(t, test_prefix_row, &prefix_cases[i], "prefix: \"%s\" -> %d",
			     prefix_cases[i].s, prefix_cases[i].rc);
	for (i = 0; i < GW_NELEM(mac_cases); i++)
		gw_tests_add(t, test_mac_row, &mac_cases[i], "mac: \"%s\" -> %d", mac_cases[i].s,
			     mac_cases[i].rc);
	for (i = 0; i < GW_NELEM(uint_cases); i++)
		gw_tests_add(t, test_uint_row, &uint_cases[i], "uint: \"%s\" max %llu -> %d",
			     uint_cases[i].s, (unsigned long long)uint_cases[i].max,
			     uint_cases[i].rc);
	for (i = 0; i < GW_NELEM(key_cases); i++)
		gw_tests_add(t, test_key_row, &key_cases[i], "key: \"%s\" -> %d", key_cases[i].s,
			     key_cases[i].rc);
	for (i = 0; i < GW_NELEM(ip_fmt_cases); i++)
		gw_tests_add(t, test_ip_fmt_row, &ip_fmt_cases[i], "ip_fmt: \"%s\" -> \"%s\"",
			     ip_fmt_cases[i].in, ip_fmt_cases[i].out);
	gw_tests_add(t, test_ip_fmt_any, NULL, "ip_fmt: family 0 -> \"any\"");
	for (i = 0; i < GW_NELEM(prefix_fmt_cases); i++)
		gw_tests_add(t, test_prefix_fmt_row, &prefix_fmt_cases[i],
			     "prefix_fmt: \"%s\" -> \"%s\"", prefix_fmt_cases[i].in,
			     prefix_fmt_cases[i].out);
	for (i = 0; i < GW_NELEM(mac_fmt_cases); i++)
		gw_tests_add(t, test_mac_fmt_row, &mac_fmt_cases[i], "mac_fmt: \"%s\" -> \"%s\"",
			     mac_fmt_cases[i].in, mac_fmt_cases[i].out);
	for (i = 0; i < GW_NELEM(masked_cases); i++)
		gw_tests_add(t, test_masked_row, &masked_cases[i], "masked: IPv%c /%u",
			     masked_cases[i].in.addr.family == AF_INET ? '4' : '6',
			     masked_cases[i].in.len);
	for (i = 0; i < GW_NELEM(mask_cases); i++)
		gw_tests_add(t, test_mask_row, &mask_cases[i], "ipv4_mask: /%u", mask_cases[i].len);
	for (i = 0; i < GW_NELEM(equal_cases); i++)
		gw_tests_add(t, test_equal_row, &equal_cases[i], "ip_equal: %s",
			     equal_cases[i].name);
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "inet", add_tests, NULL, 0);
}
