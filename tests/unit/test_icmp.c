/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of ICMP errors on plain bytes (lib/proto/icmp_err.c,
 * gw_icmp_err.h) and of the token bucket that limits them (gw_tb.h): which
 * packets may cause an error (RFC 1812 §4.3.2.7), a table of crafted IPv4
 * headers; the message built, every field checked against bytes written
 * here and checksums summed by ref_csum.h, not by the code under test; the
 * bucket driven by a fake clock.
 */
#include <netinet/in.h>

#include "gw_test.h"

#include "gw_icmp_err.h"
#include "gw_tb.h"
#include "ref_csum.h"

#define A4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* A 20-byte IPv4 header (plus payload) in a buffer; fields in host order. */
static size_t
mk_ip(uint8_t *p, size_t total, uint8_t proto, uint16_t frag, uint32_t src, uint32_t dst,
      uint8_t ttl)
{
	memset(p, 0, total);
	p[0] = 0x45;
	p[2] = total >> 8;
	p[3] = total & 0xff;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = frag >> 8;
	p[7] = frag & 0xff;
	p[8] = ttl;
	p[9] = proto;
	p[12] = src >> 24, p[13] = src >> 16, p[14] = src >> 8, p[15] = src;
	p[16] = dst >> 24, p[17] = dst >> 16, p[18] = dst >> 8, p[19] = dst;
	for (size_t i = 20; i < total; i++)
		p[i] = (uint8_t)(i * 7);
	return total;
}

/*
 * gw_icmp4_err_allowed
 */

struct allowed_case {
	const char *name;
	uint8_t proto;
	uint8_t icmp_type;
	uint16_t frag; /* flags + offset word */
	uint32_t src, dst;
	size_t len;    /* bytes given; 0 means 40 */
	uint8_t vhl;   /* 0 means 0x45 */
	bool allowed;
};

#define H A4(10, 0, 0, 2)
#define R A4(10, 16, 0, 2)

static const struct allowed_case allowed_cases[] = {
	{ "udp", IPPROTO_UDP, 0, 0, H, R, 0, 0, true },
	{ "udp DF", IPPROTO_UDP, 0, 0x4000, H, R, 0, 0, true },
	{ "first fragment (MF)", IPPROTO_UDP, 0, 0x2000, H, R, 0, 0, true },
	{ "non-first fragment", IPPROTO_UDP, 0, 0x0001, H, R, 0, 0, false },
	{ "last fragment", IPPROTO_UDP, 0, 0x00b9, H, R, 0, 0, false },
	{ "icmp echo request", IPPROTO_ICMP, 8, 0, H, R, 0, 0, true },
	{ "icmp echo reply", IPPROTO_ICMP, 0, 0, H, R, 0, 0, true },
	{ "icmp dest unreachable", IPPROTO_ICMP, 3, 0, H, R, 0, 0, false },
	{ "icmp source quench", IPPROTO_ICMP, 4, 0, H, R, 0, 0, false },
	{ "icmp redirect", IPPROTO_ICMP, 5, 0, H, R, 0, 0, false },
	{ "icmp time exceeded", IPPROTO_ICMP, 11, 0, H, R, 0, 0, false },
	{ "icmp parameter problem", IPPROTO_ICMP, 12, 0, H, R, 0, 0, false },
	{ "icmp timestamp", IPPROTO_ICMP, 13, 0, H, R, 0, 0, true },
	{ "icmp, type byte missing", IPPROTO_ICMP, 8, 0, H, R, 20, 0, false },
	{ "icmp non-first fragment of an echo", IPPROTO_ICMP, 8, 0x0010, H, R, 0, 0, false },
	{ "dst multicast 224.0.0.1", IPPROTO_UDP, 0, 0, H, A4(224, 0, 0, 1), 0, 0, false },
	{ "dst multicast 239.255.255.255", IPPROTO_UDP, 0, 0, H, A4(239, 255, 255, 255), 0, 0,
	  false },
	{ "dst class E 240.0.0.1", IPPROTO_UDP, 0, 0, H, A4(240, 0, 0, 1), 0, 0, false },
	{ "dst broadcast", IPPROTO_UDP, 0, 0, H, A4(255, 255, 255, 255), 0, 0, false },
	{ "dst 223.255.255.255", IPPROTO_UDP, 0, 0, H, A4(223, 255, 255, 255), 0, 0, true },
	{ "src 0.0.0.0", IPPROTO_UDP, 0, 0, 0, R, 0, 0, false },
	{ "src 0.1.2.3", IPPROTO_UDP, 0, 0, A4(0, 1, 2, 3), R, 0, 0, false },
	{ "src loopback", IPPROTO_UDP, 0, 0, A4(127, 0, 0, 1), R, 0, 0, false },
	{ "src multicast", IPPROTO_UDP, 0, 0, A4(224, 0, 0, 5), R, 0, 0, false },
	{ "src broadcast", IPPROTO_UDP, 0, 0, A4(255, 255, 255, 255), R, 0, 0, false },
	{ "src 1.0.0.1", IPPROTO_UDP, 0, 0, A4(1, 0, 0, 1), R, 0, 0, true },
	{ "shorter than a header", IPPROTO_UDP, 0, 0, H, R, 19, 0, false },
	{ "version 6", IPPROTO_UDP, 0, 0, H, R, 0, 0x65, false },
	{ "IHL 4", IPPROTO_UDP, 0, 0, H, R, 0, 0x44, false },
	{ "IHL 6, icmp error after the option", IPPROTO_ICMP, 3, 0, H, R, 0, 0x46, false },
};

static void
test_allowed_row(void **state)
{
	const struct allowed_case *c = *state;
	uint8_t p[64];
	size_t hl;

	mk_ip(p, 40, c->proto, c->frag, c->src, c->dst, 64);
	if (c->vhl != 0)
		p[0] = c->vhl;
	hl = (p[0] & 15) * 4u;
	if (hl < sizeof(p))
		p[hl] = c->icmp_type;
	assert_int_equal(gw_icmp4_err_allowed(p, c->len != 0 ? c->len : 40), c->allowed);
}

/*
 * gw_icmp4_err_build
 */

struct build_case {
	const char *name;
	enum gw_icmp_err_kind kind;
	size_t orig_len;  /* the offending packet's length */
	size_t given;     /* bytes of it handed over */
	uint16_t mtu;
	uint8_t type, code;
	size_t total;     /* the message's length, 0: refused */
};

static const struct build_case build_cases[] = {
	{ "too big 1477, 1476", GW_ICMP_ERR_TOO_BIG, 1477, 1477, 1476, 3, 4, 576 },
	{ "too big, 548 given of 1500", GW_ICMP_ERR_TOO_BIG, 1500, 548, 1400, 3, 4, 576 },
	{ "too big 549 (one byte cut)", GW_ICMP_ERR_TOO_BIG, 549, 549, 500, 3, 4, 576 },
	{ "too big 548 (whole)", GW_ICMP_ERR_TOO_BIG, 548, 548, 500, 3, 4, 576 },
	{ "time exceeded 60", GW_ICMP_ERR_TIME_EXCEEDED, 60, 60, 0, 11, 0, 88 },
	{ "time exceeded 21 (odd)", GW_ICMP_ERR_TIME_EXCEEDED, 21, 21, 0, 11, 0, 49 },
	{ "time exceeded, mtu ignored", GW_ICMP_ERR_TIME_EXCEEDED, 100, 100, 1476, 11, 0, 128 },
	{ "header only", GW_ICMP_ERR_TIME_EXCEEDED, 20, 20, 0, 11, 0, 48 },
	{ "shorter than a header", GW_ICMP_ERR_TIME_EXCEEDED, 19, 19, 0, 0, 0, 0 },
	{ "unknown kind", (enum gw_icmp_err_kind)9, 60, 60, 0, 0, 0, 0 },
};

static void
test_build_row(void **state)
{
	const struct build_case *c = *state;
	static uint8_t orig[1600], out[GW_ICMP4_ERR_MAX + 16];
	const uint8_t src_bytes[4] = { 10, 0, 0, 1 };
	uint32_t src;
	size_t n, quote;

	memcpy(&src, src_bytes, sizeof(src)); /* network order */
	mk_ip(orig, c->orig_len, IPPROTO_UDP, 0x4000, A4(10, 0, 0, 2), A4(10, 16, 0, 2), 63);
	memset(out, 0xee, sizeof(out));
	n = gw_icmp4_err_build(out, orig, c->given, c->kind, c->mtu, src, 0xbeef);
	assert_int_equal(n, c->total);
	if (n == 0)
		return;
	assert_int_equal(out[GW_ICMP4_ERR_MAX], 0xee); /* nothing past 576 */
	quote = n - 28;
	/* IPv4 header: 45 c0 len | beef 0000 | 40 01 csum | src | dst = orig src */
	assert_int_equal(out[0], 0x45);
	assert_int_equal(out[1], 0xc0);
	assert_int_equal((out[2] << 8) | out[3], n);
	assert_int_equal((out[4] << 8) | out[5], 0xbeef);
	assert_int_equal((out[6] << 8) | out[7], 0);
	assert_int_equal(out[8], 64);
	assert_int_equal(out[9], IPPROTO_ICMP);
	assert_true(ref_csum_ok(out, 20));
	assert_memory_equal(out + 12, "\x0a\x00\x00\x01", 4);
	assert_memory_equal(out + 16, orig + 12, 4);
	/* ICMP header */
	assert_int_equal(out[20], c->type);
	assert_int_equal(out[21], c->code);
	assert_true(ref_csum_ok(out + 20, n - 20));
	assert_int_equal((out[24] << 8) | out[25], 0);
	assert_int_equal((out[26] << 8) | out[27], c->kind == GW_ICMP_ERR_TOO_BIG ? c->mtu : 0);
	/* the quote: the packet as given, header first, at most 548 bytes */
	assert_true(quote <= 548 && quote == (c->given < 548 ? c->given : 548));
	assert_memory_equal(out + 28, orig, quote);
}

/*
 * gw_tb: a bucket of 100/s, burst 50, on a 1 MHz fake clock (10000 cycles a token)
 */

struct tb_step {
	uint64_t now;
	unsigned int tries;
	unsigned int granted;
};

struct tb_case {
	const char *name;
	uint32_t rate, burst;
	struct tb_step steps[6];
	unsigned int nsteps;
};

static const struct tb_case tb_cases[] = {
	{ "burst then empty", 100, 50, { { 0, 60, 50 }, { 0, 5, 0 } }, 2 },
	{ "refill one token per 10 ms", 100, 50,
	  { { 0, 50, 50 }, { 9999, 1, 0 }, { 19999, 1, 1 }, { 29999, 2, 1 } }, 4 },
	{ "long idle fills to the burst only", 100, 50, { { 0, 50, 50 }, { UINT64_C(1) << 62, 80, 50 } },
	  2 },
	{ "clock near wrap", 100, 50, { { UINT64_MAX - 5, 50, 50 }, { 9994, 2, 1 } }, 2 },
	{ "a quarter second refills 25", 100, 50, { { 0, 50, 50 }, { 250000, 30, 25 } }, 2 },
	{ "burst 1", 1, 1, { { 0, 3, 1 }, { 999999, 1, 0 }, { 1999999, 1, 1 } }, 3 },
	{ "rate 0 is 1/s, burst 0 is 1", 0, 0, { { 0, 2, 1 }, { 1000000, 2, 1 } }, 2 },
};

static void
test_tb_row(void **state)
{
	const struct tb_case *c = *state;
	struct gw_tb tb;
	unsigned int s, i, got;

	gw_tb_init(&tb, 1000000, c->rate, c->burst, c->steps[0].now);
	for (s = 0; s < c->nsteps; s++) {
		got = 0;
		for (i = 0; i < c->steps[s].tries; i++)
			got += gw_tb_take(&tb, c->steps[s].now);
		assert_int_equal(got, c->steps[s].granted);
	}
}

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < GW_NELEM(allowed_cases); i++)
		gw_tests_add(t, test_allowed_row, &allowed_cases[i], "allowed: %s -> %s",
			     allowed_cases[i].name, allowed_cases[i].allowed ? "yes" : "no");
	for (i = 0; i < GW_NELEM(build_cases); i++)
		gw_tests_add(t, test_build_row, &build_cases[i], "build: %s -> %zu bytes",
			     build_cases[i].name, build_cases[i].total);
	for (i = 0; i < GW_NELEM(tb_cases); i++)
		gw_tests_add(t, test_tb_row, &tb_cases[i], "tb: %s", tb_cases[i].name);
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "icmp", add_tests, NULL, 0);
}
