/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the GRE codec (lib/proto/gre.c, gw_gre.h): the receive rules
 * of RFC 2784 and RFC 2890 as one table row each, invalid inputs first;
 * header lengths and field offsets of every C/K/S combination; the builder
 * and its round trip through the parser; the checksum checked against an
 * independent RFC 1071 implementation (ref_csum.h) and vectors from scapy.
 */
#include "gw_test.h"

#include "gw_gre.h"
#include "ref_csum.h"

#define F_C GW_GRE_F_CSUM
#define F_K GW_GRE_F_KEY
#define F_S GW_GRE_F_SEQ

/* The 8 C/K/S combinations, in the order their header lengths grow. */
static const uint16_t combos[] = { 0, F_C, F_K, F_S, F_C | F_K, F_C | F_S, F_K | F_S,
				   F_C | F_K | F_S };

static const char *
combo_name(uint16_t flags)
{
	static const char *const names[8] = { "none", "S", "K", "KS", "C", "CS", "CK", "CKS" };

	return names[(flags & F_C ? 4 : 0) | (flags & F_K ? 2 : 0) | (flags & F_S ? 1 : 0)];
}

/* Copy into a heap buffer of exactly len bytes, so a sanitized build catches over-reads. */
static uint8_t *
exact_copy(const void *bytes, size_t len)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	assert_non_null(p);
	memcpy(p, bytes, len);
	return p;
}

/*
 * gw_gre_parse: one row per receive rule.
 */

struct parse_case {
	const char *name;
	uint8_t bytes[GW_GRE_HDR_MAX + 4];
	size_t len;
	enum gw_drop drop;
	/* expected info when drop == GW_DROP_NONE */
	uint16_t flags;
	uint16_t proto;
	uint16_t hdr_len;
	uint16_t csum;
	uint32_t key;
	uint32_t seq;
};

#define SHORT GW_DROP_GRE_SHORT
#define BADVER GW_DROP_GRE_VERSION
#define BADFLAGS GW_DROP_GRE_FLAGS
#define OK GW_DROP_NONE

static const struct parse_case parse_cases[] = {
	/* Truncated: the fixed part first, then options beyond len, for each combination. */
	{ "short: 0 bytes", { 0x00, 0x00, 0x08, 0x00 }, 0, SHORT },
	{ "short: 1 byte", { 0x00, 0x00, 0x08, 0x00 }, 1, SHORT },
	{ "short: 2 bytes", { 0x00, 0x00, 0x08, 0x00 }, 2, SHORT },
	{ "short: 3 bytes", { 0x00, 0x00, 0x08, 0x00 }, 3, SHORT },
	{ "short: C, 7 of 8 bytes", { 0x80, 0x00, 0x08, 0x00, 0, 0, 0 }, 7, SHORT },
	{ "short: C, only the fixed 4", { 0x80, 0x00, 0x08, 0x00 }, 4, SHORT },
	{ "short: K, 7 of 8 bytes", { 0x20, 0x00, 0x08, 0x00, 0, 0, 0 }, 7, SHORT },
	{ "short: S, 7 of 8 bytes", { 0x10, 0x00, 0x08, 0x00, 0, 0, 0 }, 7, SHORT },
	{ "short: CK, 11 of 12 bytes", { 0xa0, 0x00, 0x08, 0x00 }, 11, SHORT },
	{ "short: CS, 11 of 12 bytes", { 0x90, 0x00, 0x08, 0x00 }, 11, SHORT },
	{ "short: KS, 11 of 12 bytes", { 0x30, 0x00, 0x08, 0x00 }, 11, SHORT },
	{ "short: KS, 8 of 12 bytes (key fits, seq does not)", { 0x30, 0x00, 0x08, 0x00 }, 8,
	  SHORT },
	{ "short: CKS, 15 of 16 bytes", { 0xb0, 0x00, 0x08, 0x00 }, 15, SHORT },
	{ "short: CKS, 12 of 16 bytes", { 0xb0, 0x00, 0x08, 0x00 }, 12, SHORT },
	{ "short: CKS, only the fixed 4", { 0xb0, 0x00, 0x08, 0x00 }, 4, SHORT },
	{ "short: ignored bits do not add length", { 0x03, 0xf8, 0x08, 0x00 }, 3, SHORT },

	/* Version: only 0 (RFC 2784 2.3.1). */
	{ "version 1 (PPTP)", { 0x00, 0x01, 0x88, 0x0b }, 4, BADVER },
	{ "version 2", { 0x00, 0x02, 0x08, 0x00 }, 4, BADVER },
	{ "version 3", { 0x00, 0x03, 0x08, 0x00 }, 4, BADVER },
	{ "version 4", { 0x00, 0x04, 0x08, 0x00 }, 4, BADVER },
	{ "version 5", { 0x00, 0x05, 0x08, 0x00 }, 4, BADVER },
	{ "version 6", { 0x00, 0x06, 0x08, 0x00 }, 4, BADVER },
	{ "version 7", { 0x00, 0x07, 0x08, 0x00 }, 4, BADVER },
	{ "version 7 with the ignored bits set", { 0x03, 0xff, 0x08, 0x00 }, 4, BADVER },
	{ "version checked before the options' length", { 0xb0, 0x01, 0x08, 0x00 }, 4, BADVER },
	{ "version checked before the refused bits", { 0x4c, 0x01, 0x08, 0x00 }, 4, BADVER },

	/* Bits 1, 4 and 5 (RFC 2784 2.2 minus RFC 2890's K and S): discard. */
	{ "R bit (routing, 0x4000)", { 0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0 }, 8, BADFLAGS },
	{ "s bit (strict source route, 0x0800)", { 0x08, 0x00, 0x08, 0x00 }, 4, BADFLAGS },
	{ "first recursion bit (0x0400)", { 0x04, 0x00, 0x08, 0x00 }, 4, BADFLAGS },
	{ "all refused bits with C, K and S", { 0xfc, 0x00, 0x08, 0x00 }, 16, BADFLAGS },
	{ "R with K: refused bits checked before the options' length",
	  { 0x60, 0x00, 0x08, 0x00 }, 4, BADFLAGS },

	/* Bits 6-12: ignored on receipt, cleared in info.flags. */
	{ "ignored bits 6-12 all set (0x03f8)", { 0x03, 0xf8, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "ignored bit 6 (0x0200, recursion bit 2)", { 0x02, 0x00, 0x08, 0x00 }, 4, OK, 0, 0x0800,
	  4 },
	{ "ignored bit 7 (0x0100, recursion bit 3)", { 0x01, 0x00, 0x08, 0x00 }, 4, OK, 0, 0x0800,
	  4 },
	{ "ignored bit 8 (0x0080)", { 0x00, 0x80, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "ignored bit 9 (0x0040)", { 0x00, 0x40, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "ignored bit 10 (0x0020)", { 0x00, 0x20, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "ignored bit 11 (0x0010)", { 0x00, 0x10, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "ignored bit 12 (0x0008)", { 0x00, 0x08, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "ignored bits with C, K and S",
	  { 0xb3, 0xf8, 0x08, 0x00, 0xc1, 0xc2, 0, 0, 0x4b, 1, 2, 3, 0x53, 1, 2, 3 }, 16, OK,
	  F_C | F_K | F_S, 0x0800, 16, 0xc1c2, 0x4b010203, 0x53010203 },

	/* Each C/K/S combination: length and field offsets (checksum + reserved1, key, seq). */
	{ "options: none", { 0x00, 0x00, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "options: C", { 0x80, 0x00, 0x08, 0x00, 0xc1, 0xc2, 0x00, 0x00 }, 8, OK, F_C, 0x0800, 8,
	  0xc1c2 },
	{ "options: K", { 0x20, 0x00, 0x08, 0x00, 0x4b, 0x01, 0x02, 0x03 }, 8, OK, F_K, 0x0800, 8,
	  0, 0x4b010203 },
	{ "options: S", { 0x10, 0x00, 0x08, 0x00, 0x53, 0x01, 0x02, 0x03 }, 8, OK, F_S, 0x0800, 8,
	  0, 0, 0x53010203 },
	{ "options: CK", { 0xa0, 0x00, 0x08, 0x00, 0xc1, 0xc2, 0, 0, 0x4b, 1, 2, 3 }, 12, OK,
	  F_C | F_K, 0x0800, 12, 0xc1c2, 0x4b010203 },
	{ "options: CS", { 0x90, 0x00, 0x08, 0x00, 0xc1, 0xc2, 0, 0, 0x53, 1, 2, 3 }, 12, OK,
	  F_C | F_S, 0x0800, 12, 0xc1c2, 0, 0x53010203 },
	{ "options: KS", { 0x30, 0x00, 0x08, 0x00, 0x4b, 1, 2, 3, 0x53, 1, 2, 3 }, 12, OK,
	  F_K | F_S, 0x0800, 12, 0, 0x4b010203, 0x53010203 },
	{ "options: CKS",
	  { 0xb0, 0x00, 0x08, 0x00, 0xc1, 0xc2, 0, 0, 0x4b, 1, 2, 3, 0x53, 1, 2, 3 }, 16, OK,
	  F_C | F_K | F_S, 0x0800, 16, 0xc1c2, 0x4b010203, 0x53010203 },
	{ "options: CKS with payload after the header",
	  { 0xb0, 0x00, 0x08, 0x00, 0xc1, 0xc2, 0, 0, 0x4b, 1, 2, 3, 0x53, 1, 2, 3, 0x45, 0, 0, 0 },
	  20, OK, F_C | F_K | F_S, 0x0800, 16, 0xc1c2, 0x4b010203, 0x53010203 },

	/* Values. */
	{ "key 0 is a key (K present)", { 0x20, 0x00, 0x08, 0x00, 0, 0, 0, 0 }, 8, OK, F_K,
	  0x0800, 8, 0, 0 },
	{ "key and seq all ones", { 0x30, 0x00, 0x08, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0xff, 0xff }, 12, OK, F_K | F_S, 0x0800, 12, 0, 0xffffffff,
	  0xffffffff },
	{ "reserved1 ignored", { 0x80, 0x00, 0x08, 0x00, 0x12, 0x34, 0xff, 0xff }, 8, OK, F_C,
	  0x0800, 8, 0x1234 },
	{ "proto IPv4 kept", { 0x00, 0x00, 0x08, 0x00 }, 4, OK, 0, 0x0800, 4 },
	{ "proto IPv6 kept", { 0x00, 0x00, 0x86, 0xdd }, 4, OK, 0, 0x86dd, 4 },
	{ "proto TEB kept", { 0x00, 0x00, 0x65, 0x58 }, 4, OK, 0, 0x6558, 4 },
	{ "proto unknown (MPLS) returned for the caller", { 0x00, 0x00, 0x88, 0x47 }, 4, OK, 0,
	  0x8847, 4 },
	{ "proto 0 returned for the caller", { 0x00, 0x00, 0x00, 0x00 }, 4, OK, 0, 0x0000, 4 },
	{ "proto 0xffff returned for the caller", { 0x00, 0x00, 0xff, 0xff }, 4, OK, 0, 0xffff,
	  4 },
};

static void
test_parse_row(void **state)
{
	const struct parse_case *c = *state;
	struct gw_gre_info info, poison;
	uint8_t *buf = exact_copy(c->bytes, c->len);
	enum gw_drop d;

	memset(&info, 0xa5, sizeof(info));
	memcpy(&poison, &info, sizeof(info));
	d = gw_gre_parse(buf, c->len, &info);
	free(buf);
	assert_string_equal(gw_drop_name(d), gw_drop_name(c->drop));
	if (c->drop != GW_DROP_NONE) {
		/* "untouched on failure" */
		assert_memory_equal(&info, &poison, sizeof(info));
		return;
	}
	assert_int_equal(info.flags, c->flags);
	assert_int_equal(info.proto, c->proto);
	assert_int_equal(info.hdr_len, c->hdr_len);
	assert_int_equal(info.hdr_len, gw_gre_hdr_len(info.flags));
	if (c->flags & F_C)
		assert_int_equal(info.csum, c->csum);
	if (c->flags & F_K)
		assert_int_equal(info.key, c->key);
	if (c->flags & F_S)
		assert_int_equal(info.seq, c->seq);
}

/* Every length below a combination's header length is short; from it on, it parses. */
static void
test_parse_length_sweep(void **state)
{
	uint16_t flags = *(const uint16_t *)*state;
	uint16_t hlen = 4 + 4 * ((flags & F_C ? 1 : 0) + (flags & F_K ? 1 : 0) +
				 (flags & F_S ? 1 : 0));
	uint8_t bytes[GW_GRE_HDR_MAX + 8] = { flags >> 8, 0x00, 0x65, 0x58 };
	struct gw_gre_info info;
	size_t len;

	for (len = 0; len < sizeof(bytes); len++) {
		uint8_t *buf = exact_copy(bytes, len);
		enum gw_drop d = gw_gre_parse(buf, len, &info);

		free(buf);
		if (len < hlen) {
			if (d != GW_DROP_GRE_SHORT)
				fail_msg("%s, len %zu: got %s, expected gre_short",
					 combo_name(flags), len, gw_drop_name(d));
			continue;
		}
		if (d != GW_DROP_NONE)
			fail_msg("%s, len %zu: got %s, expected none", combo_name(flags), len,
				 gw_drop_name(d));
		assert_int_equal(info.hdr_len, hlen);
		assert_int_equal(info.flags, flags);
	}
}

/* Every one of the 2^16 flags words: the refused/version/ignored classification. */
static void
test_parse_all_flag_words(void **state)
{
	uint8_t bytes[GW_GRE_HDR_MAX] = { 0 };
	struct gw_gre_info info;
	unsigned int w;

	(void)state;
	for (w = 0; w <= 0xffff; w++) {
		enum gw_drop want, got;

		bytes[0] = w >> 8;
		bytes[1] = w & 0xff;
		if (w & 0x0007)
			want = GW_DROP_GRE_VERSION;
		else if (w & 0x4c00)
			want = GW_DROP_GRE_FLAGS;
		else
			want = GW_DROP_NONE;
		got = gw_gre_parse(bytes, sizeof(bytes), &info);
		if (got != want)
			fail_msg("flags 0x%04x: got %s, expected %s", w, gw_drop_name(got),
				 gw_drop_name(want));
		if (got == GW_DROP_NONE && info.flags != (w & 0xb000))
			fail_msg("flags 0x%04x: info.flags 0x%04x, expected 0x%04x", w, info.flags,
				 w & 0xb000);
	}
}

/*
 * gw_gre_hdr_len, gw_gre_proto_known.
 */

static void
test_hdr_len_all_words(void **state)
{
	unsigned int w;

	(void)state;
	assert_int_equal(gw_gre_hdr_len(0), GW_GRE_HDR_MIN);
	assert_int_equal(gw_gre_hdr_len(0xffff), GW_GRE_HDR_MAX);
	for (w = 0; w <= 0xffff; w++) {
		unsigned int want = 4 + 4 * __builtin_popcount(w & 0xb000);

		if (gw_gre_hdr_len(w) != want)
			fail_msg("flags 0x%04x: hdr_len %u, expected %u", w, gw_gre_hdr_len(w),
				 want);
	}
}

struct proto_case {
	uint16_t proto;
	bool known;
};

static const struct proto_case proto_cases[] = {
	{ 0x0000, false }, { 0x0008, false }, /* IPv4 byte-swapped */
	{ 0xdd86, false },                    /* IPv6 byte-swapped */
	{ 0x5865, false },                    /* TEB byte-swapped */
	{ 0x0806, false },                    /* ARP */
	{ 0x8847, false },                    /* MPLS */
	{ 0x880b, false },                    /* PPP (PPTP's GRE) */
	{ 0xffff, false },
	{ 0x0800, true },
	{ 0x86dd, true },
	{ 0x6558, true },
};

static void
test_proto_known_row(void **state)
{
	const struct proto_case *c = *state;

	assert_int_equal(gw_gre_proto_known(c->proto), c->known);
}

/*
 * gw_gre_build and the round trip.
 */

/* Reference encoder: the wire format of RFC 2784/2890 written out by hand. */
static size_t
ref_build(uint8_t *p, uint16_t flags, uint16_t proto, uint32_t key, uint32_t seq)
{
	size_t off = 4;

	p[0] = (flags & F_C ? 0x80 : 0) | (flags & F_K ? 0x20 : 0) | (flags & F_S ? 0x10 : 0);
	p[1] = 0;
	p[2] = proto >> 8;
	p[3] = proto;
	if (flags & F_C) {
		p[off++] = 0; /* checksum, filled later */
		p[off++] = 0;
		p[off++] = 0; /* reserved1 */
		p[off++] = 0;
	}
	if (flags & F_K) {
		p[off++] = key >> 24;
		p[off++] = key >> 16;
		p[off++] = key >> 8;
		p[off++] = key;
	}
	if (flags & F_S) {
		p[off++] = seq >> 24;
		p[off++] = seq >> 16;
		p[off++] = seq >> 8;
		p[off++] = seq;
	}
	return off;
}

struct build_case {
	uint16_t flags;
	uint32_t key;
	uint32_t seq;
};

static struct build_case build_cases[8 * 3 * 2];

#define CANARY 0xcc

static void
test_build_roundtrip(void **state)
{
	const struct build_case *c = *state;
	struct gw_gre_info in = {
		.flags = c->flags, .proto = GW_GRE_PROTO_TEB, .key = c->key, .seq = c->seq,
	};
	struct gw_gre_info out;
	uint8_t buf[GW_GRE_HDR_MAX + 8], want[GW_GRE_HDR_MAX];
	size_t n, wn, i;

	memset(buf, CANARY, sizeof(buf));
	n = gw_gre_build(buf, &in);
	wn = ref_build(want, c->flags, GW_GRE_PROTO_TEB, c->key, c->seq);
	assert_int_equal(n, wn);
	assert_int_equal(n, gw_gre_hdr_len(c->flags));
	assert_memory_equal(buf, want, n);
	for (i = n; i < sizeof(buf); i++)
		assert_int_equal(buf[i], CANARY); /* nothing written past the header */

	assert_int_equal(gw_gre_parse(buf, n, &out), GW_DROP_NONE);
	assert_int_equal(out.flags, c->flags);
	assert_int_equal(out.proto, GW_GRE_PROTO_TEB);
	assert_int_equal(out.hdr_len, n);
	if (c->flags & F_C)
		assert_int_equal(out.csum, 0); /* written as 0 for gw_gre_csum_set() */
	if (c->flags & F_K)
		assert_int_equal(out.key, c->key);
	if (c->flags & F_S)
		assert_int_equal(out.seq, c->seq);
}

struct build_bits_case {
	const char *name;
	uint16_t flags;    /* given to the builder */
	uint16_t proto;
	uint8_t want[4];   /* first 4 bytes written */
	size_t len;
};

static const struct build_bits_case build_bits_cases[] = {
	{ "R, s, recursion, bits 6-12 and version are never sent", 0x4fff, 0x0800,
	  { 0x00, 0x00, 0x08, 0x00 }, 4 },
	{ "all 16 bits asked: only C, K, S sent", 0xffff, 0x86dd, { 0xb0, 0x00, 0x86, 0xdd }, 16 },
	{ "K with bits 6-12", 0x23f8, 0x6558, { 0x20, 0x00, 0x65, 0x58 }, 8 },
	{ "version 1 asked: 0 sent", 0x0001, 0x0800, { 0x00, 0x00, 0x08, 0x00 }, 4 },
	{ "unknown proto written as is", 0x0000, 0x1234, { 0x00, 0x00, 0x12, 0x34 }, 4 },
};

static void
test_build_bits_row(void **state)
{
	const struct build_bits_case *c = *state;
	struct gw_gre_info in = { .flags = c->flags, .proto = c->proto, .key = ~0u, .seq = ~0u };
	uint8_t buf[GW_GRE_HDR_MAX + 4];

	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(gw_gre_build(buf, &in), c->len);
	assert_memory_equal(buf, c->want, 4);
	assert_int_equal(buf[c->len], CANARY);
	if (c->flags & F_C) {
		/* checksum and reserved1 zero */
		assert_int_equal(buf[4] | buf[5] | buf[6] | buf[7], 0);
	}
}

/*
 * Checksum.
 */

struct csum_case {
	uint16_t flags;
	size_t payload;
	size_t align; /* offset of the header in the buffer */
};

static struct csum_case csum_cases[4 * 9 + 2];

/* Deterministic payload bytes. */
static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

static uint16_t
wire16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
test_csum_row(void **state)
{
	const struct csum_case *c = *state;
	struct gw_gre_info in = { .flags = c->flags, .proto = GW_GRE_PROTO_IPV4, .key = 0x01020304,
				  .seq = 0xfffffffe };
	struct gw_gre_info out;
	uint8_t *mem, *p;
	size_t hlen, len, i, k;
	uint16_t want;
	static const uint8_t flips[] = { 0x01, 0x80, 0xff };

	mem = malloc(c->align + GW_GRE_HDR_MAX + c->payload);
	assert_non_null(mem);
	p = mem + c->align;
	hlen = gw_gre_build(p, &in);
	len = hlen + c->payload;
	fill(p + hlen, c->payload, (uint32_t)(c->payload * 7 + c->flags));
	want = ref_csum(p, len); /* checksum field is 0 after build */

	/* Whatever the field held before, csum_set replaces it. */
	p[4] = 0xde;
	p[5] = 0xad;
	gw_gre_csum_set(p, len);
	assert_int_equal(wire16(p + 4), want);
	assert_int_equal(wire16(p + 6), 0); /* reserved1 untouched */
	assert_true(gw_gre_csum_ok(p, len));
	assert_true(ref_csum_ok(p, len));
	assert_int_equal(gw_gre_parse(p, len, &out), GW_DROP_NONE);
	assert_int_equal(out.csum, want);

	/* Any one byte changed, header or payload, checksum field included: refused. */
	for (i = 0; i < len; i++) {
		for (k = 0; k < sizeof(flips); k++) {
			p[i] ^= flips[k];
			if (gw_gre_csum_ok(p, len))
				fail_msg("byte %zu ^ 0x%02x of %zu accepted", i, flips[k], len);
			p[i] ^= flips[k];
		}
	}
	assert_true(gw_gre_csum_ok(p, len));
	free(mem);
}

/* Checksummed GRE packets as scapy 2.5 writes them (GRE(chksum_present=1, ...)/Raw). */
struct vector_case {
	const char *name;
	uint8_t bytes[64];
	size_t len;
	uint16_t csum;
};

static const struct vector_case vector_cases[] = {
	{ "scapy: C, IPv4, payload \"greway\" (even)",
	  { 0x80, 0x00, 0x08, 0x00, 0x49, 0x9c, 0x00, 0x00, 'g', 'r', 'e', 'w', 'a', 'y' }, 14,
	  0x499c },
	{ "scapy: C, IPv4, payload \"greway!\" (odd)",
	  { 0x80, 0x00, 0x08, 0x00, 0x28, 0x9c, 0x00, 0x00, 'g', 'r', 'e', 'w', 'a', 'y', '!' },
	  15, 0x289c },
	{ "scapy: CKS, TEB, key 0x01020304, seq 0xfffffffe, payload 0..32",
	  { 0xb0, 0x00, 0x65, 0x58, 0xd5, 0xa0, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0xff, 0xff,
	    0xff, 0xfe, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	    0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
	    0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20 },
	  49, 0xd5a0 },
};

static void
test_vector_row(void **state)
{
	const struct vector_case *c = *state;
	uint8_t *p = exact_copy(c->bytes, c->len);
	struct gw_gre_info info;

	assert_true(gw_gre_csum_ok(p, c->len));
	assert_int_equal(gw_gre_parse(p, c->len, &info), GW_DROP_NONE);
	assert_int_equal(info.csum, c->csum);

	/* Recomputed from a zeroed field: the same bytes. */
	p[4] = 0;
	p[5] = 0;
	assert_int_equal(ref_csum(p, c->len), c->csum);
	assert_false(gw_gre_csum_ok(p, c->len));
	gw_gre_csum_set(p, c->len);
	assert_memory_equal(p, c->bytes, c->len);
	free(p);
}

/* Data whose sum is 0xffff has checksum 0 (not 0xffff), and it verifies. */
static void
test_csum_zero_result(void **state)
{
	/* flags C, proto 0x7fff: 0x8000 + 0x7fff = 0xffff */
	uint8_t p[8] = { 0x80, 0x00, 0x7f, 0xff, 0xaa, 0xaa, 0x00, 0x00 };

	(void)state;
	gw_gre_csum_set(p, sizeof(p));
	assert_int_equal(wire16(p + 4), 0x0000);
	assert_int_equal(ref_csum(p, sizeof(p)), 0x0000);
	assert_true(gw_gre_csum_ok(p, sizeof(p)));
	/* 0xffff is the other one's complement zero: RFC 1071 accepts it too. */
	p[4] = 0xff;
	p[5] = 0xff;
	assert_true(ref_csum_ok(p, sizeof(p)));
	assert_true(gw_gre_csum_ok(p, sizeof(p)));
}

/* All-zero bytes never verify: their sum is 0, not 0xffff. */
static void
test_csum_all_zero(void **state)
{
	uint8_t p[16] = { 0 };

	(void)state;
	assert_false(gw_gre_csum_ok(p, sizeof(p)));
	gw_gre_csum_set(p, sizeof(p));
	assert_int_equal(wire16(p + 4), 0xffff);
	assert_true(gw_gre_csum_ok(p, sizeof(p)));
}

static void
add_tests(struct gw_tests *t)
{
	static const size_t payloads[] = { 0, 1, 2, 3, 7, 8, 64, 1499, 1500 };
	static const uint32_t keys[] = { 0, 1, 0xffffffff };
	static const uint32_t seqs[] = { 0, 0xffffffff };
	size_t i, j, k, n;

	for (i = 0; i < GW_NELEM(parse_cases); i++)
		gw_tests_add(t, test_parse_row, &parse_cases[i], "parse: %s", parse_cases[i].name);
	for (i = 0; i < GW_NELEM(combos); i++)
		gw_tests_add(t, test_parse_length_sweep, &combos[i], "parse: length sweep, %s",
			     combo_name(combos[i]));
	gw_tests_add(t, test_parse_all_flag_words, NULL, "parse: all 65536 flags words");
	gw_tests_add(t, test_hdr_len_all_words, NULL, "hdr_len: all 65536 flags words");
	for (i = 0; i < GW_NELEM(proto_cases); i++)
		gw_tests_add(t, test_proto_known_row, &proto_cases[i], "proto_known: 0x%04x -> %s",
			     proto_cases[i].proto, proto_cases[i].known ? "true" : "false");

	n = 0;
	for (i = 0; i < GW_NELEM(combos); i++)
		for (j = 0; j < GW_NELEM(keys); j++)
			for (k = 0; k < GW_NELEM(seqs); k++) {
				build_cases[n] = (struct build_case){ combos[i], keys[j], seqs[k] };
				gw_tests_add(t, test_build_roundtrip, &build_cases[n],
					     "build: %s key 0x%08x seq 0x%08x round trip",
					     combo_name(combos[i]), keys[j], seqs[k]);
				n++;
			}
	for (i = 0; i < GW_NELEM(build_bits_cases); i++)
		gw_tests_add(t, test_build_bits_row, &build_bits_cases[i], "build: %s",
			     build_bits_cases[i].name);

	n = 0;
	for (i = 0; i < GW_NELEM(combos); i++) {
		if (!(combos[i] & F_C))
			continue;
		for (j = 0; j < GW_NELEM(payloads); j++) {
			csum_cases[n] = (struct csum_case){ combos[i], payloads[j], 0 };
			gw_tests_add(t, test_csum_row, &csum_cases[n],
				     "csum: %s, %zu-byte payload: set, ok, any byte flipped fails",
				     combo_name(combos[i]), payloads[j]);
			n++;
		}
	}
	csum_cases[n] = (struct csum_case){ F_C, 33, 1 };
	gw_tests_add(t, test_csum_row, &csum_cases[n++], "csum: C, header at an odd address");
	csum_cases[n] = (struct csum_case){ F_C | F_K | F_S, 100, 3 };
	gw_tests_add(t, test_csum_row, &csum_cases[n++], "csum: CKS, header at address 4n+3");
	for (i = 0; i < GW_NELEM(vector_cases); i++)
		gw_tests_add(t, test_vector_row, &vector_cases[i], "csum: %s",
			     vector_cases[i].name);
	gw_tests_add(t, test_csum_zero_result, NULL, "csum: sum 0xffff gives checksum 0");
	gw_tests_add(t, test_csum_all_zero, NULL, "csum: all-zero bytes do not verify");
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "gre", add_tests, NULL, 0);
}
