/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of TCP MSS clamping (lib/proto/tcp_mss.c, gw_tcp.h) as one
 * table: each row is an IPv4 + TCP packet built here from its parts (IP
 * header fields, TCP flags, option bytes, payload), a ceiling and the
 * expected outcome: changed or not, and the MSS values expected in the
 * option bytes afterwards. Every packet starts with a checksum computed by
 * the plain RFC 1071 reference (ref_csum.h); after the clamp, the checksum
 * must still verify against a full recomputation, and every byte but the
 * MSS values and the TCP checksum must be what it was. Rows are also run
 * with avail cut short (the clamp must not read or write past it), and the
 * rows that shape nothing of IPv4's own (IHL, fragment field, protocol,
 * version) once more as IPv6 + TCP (gw_tcp_mss_clamp6), the IP total length
 * becoming the payload length.
 */
#include <stdbool.h>

#include "gw_test.h"

#include "gw_tcp.h"
#include "ref_csum.h"

#define SYN 0x02
#define ACK 0x10
#define RST 0x04

struct mss_case {
	const char *name;
	uint8_t flags;       /* TCP flags */
	uint8_t opt[40];     /* option bytes */
	uint8_t optlen;      /* bytes of opt (padded to a multiple of 4 by the row) */
	uint16_t mss_max;
	bool changed;
	/* expected bytes at these option offsets afterwards (MSS values), 0 ends */
	struct {
		uint8_t off;
		uint16_t val;
	} want[3];
	/* packet shaping */
	uint8_t ihl;         /* 0: 5 */
	uint16_t frag;       /* flags + offset field */
	uint8_t proto;       /* 0: TCP */
	uint8_t version;     /* 0: 4 */
	int8_t doff_delta;   /* added to the data offset computed from optlen */
	int16_t tlen_delta;  /* added to the IP total length */
	uint16_t payload;    /* bytes of payload after the TCP header */
	uint8_t pad;         /* bytes after the packet (Ethernet padding), in avail */
};

#define MSS(hi, lo) 2, 4, hi, lo

static const struct mss_case mss_cases[] = {
	/* Clamped. */
	{ "SYN, MSS 1460 alone, clamp 1436", SYN, { MSS(0x05, 0xb4) }, 4, 1436, true,
	  { { 2, 1436 } } },
	{ "SYN-ACK, MSS 1460, clamp 1436", SYN | ACK, { MSS(0x05, 0xb4) }, 4, 1436, true,
	  { { 2, 1436 } } },
	{ "SYN, Linux order: MSS SACKOK TS NOP WS", SYN,
	  { MSS(0x05, 0xb4), 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 }, 20, 1200, true,
	  { { 2, 1200 } } },
	{ "SYN, MSS last after NOP NOP SACKOK WS NOP", SYN,
	  { 1, 1, 4, 2, 3, 3, 7, 1, MSS(0x23, 0x28) }, 12, 1400, true, { { 10, 1400 } } },
	{ "SYN, MSS at an odd offset (one NOP first)", SYN,
	  { 1, MSS(0x05, 0xb4), 0, 0, 0 }, 8, 1436, true, { { 3, 1436 } } },
	{ "SYN, MSS at an odd offset, payload odd length", SYN,
	  { 1, 1, 1, MSS(0xff, 0xff), 0 }, 8, 536, true, { { 5, 536 } }, .payload = 7 },
	{ "SYN, MSS after timestamps and EOL padding afterwards", SYN,
	  { 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, MSS(0x05, 0xb4), 0, 0 }, 16, 1000, true,
	  { { 12, 1000 } } },
	{ "SYN, two MSS options: both clamped", SYN,
	  { MSS(0x05, 0xb4), MSS(0x05, 0xdc) }, 8, 1300, true, { { 2, 1300 }, { 6, 1300 } } },
	{ "SYN, two MSS options, one already lower", SYN,
	  { MSS(0x01, 0x00), 1, MSS(0x05, 0xdc), 0, 0, 0 }, 12, 1300, true,
	  { { 2, 256 }, { 7, 1300 } } },
	{ "SYN, MSS 65535, clamp 88", SYN, { MSS(0xff, 0xff) }, 4, 88, true, { { 2, 88 } } },
	{ "SYN with data (TFO)", SYN, { MSS(0x05, 0xb4) }, 4, 1436, true, { { 2, 1436 } },
	  .payload = 100 },
	{ "SYN, IP options (IHL 6)", SYN, { MSS(0x05, 0xb4) }, 4, 1436, true, { { 2, 1436 } },
	  .ihl = 6 },
	{ "SYN, DF set is not a fragment", SYN, { MSS(0x05, 0xb4) }, 4, 1436, true,
	  { { 2, 1436 } }, .frag = 0x4000 },
	{ "SYN+RST has SYN: clamped", SYN | RST, { MSS(0x05, 0xb4) }, 4, 1436, true,
	  { { 2, 1436 } } },
	{ "SYN, unknown option kind 253 of length 2", SYN, { 253, 2, MSS(0x05, 0xb4), 0, 0 }, 8,
	  1436, true, { { 4, 1436 } } },
	{ "SYN, padding after the packet (avail > total length)", SYN, { MSS(0x05, 0xb4) }, 4,
	  1436, true, { { 2, 1436 } }, .pad = 18 },

	/* Left alone. */
	{ "SYN, MSS already lower", SYN, { MSS(0x04, 0xb0) }, 4, 1436, false, { { 2, 1200 } } },
	{ "SYN, MSS equal", SYN, { MSS(0x05, 0x9c) }, 4, 1436, false, { { 2, 1436 } } },
	{ "clamp off (0)", SYN, { MSS(0x05, 0xb4) }, 4, 0, false, { { 2, 1460 } } },
	{ "ACK, not SYN", ACK, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } } },
	{ "FIN|ACK, not SYN", 0x11, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } } },
	{ "SYN without options", SYN, { 0 }, 0, 1436, false },
	{ "SYN without MSS (only SACKOK, WS)", SYN, { 4, 2, 1, 3, 3, 7 }, 8, 1436, false },
	{ "SYN, MSS after EOL is not an option", SYN, { 0, 0, 0, 0, MSS(0x05, 0xb4) }, 8, 1436,
	  false, { { 6, 1460 } } },
	{ "SYN, MSS of length 3", SYN, { 2, 3, 0x05, 0xb4 }, 4, 1436, false },
	{ "SYN, MSS of length 5", SYN, { 2, 5, 0x05, 0xb4, 0, 0, 0, 0 }, 8, 1436, false },
	{ "SYN, an option of length 0 before MSS", SYN, { 8, 0, MSS(0x05, 0xb4), 0, 0 }, 8, 1436,
	  false, { { 4, 1460 } } },
	{ "SYN, an option of length 1 after MSS", SYN, { MSS(0x05, 0xb4), 4, 1, 0, 0 }, 8, 1436,
	  false, { { 2, 1460 } } },
	{ "SYN, option length past the header", SYN, { MSS(0x05, 0xb4), 8, 10, 0, 0 }, 8, 1436,
	  false, { { 2, 1460 } } },
	{ "SYN, option kind as the last byte, no length", SYN, { MSS(0x05, 0xb4), 1, 1, 1, 3 }, 8,
	  1436, false, { { 2, 1460 } } },
	{ "SYN, MSS cut by the header end", SYN, { 1, 1, 1, 1, 1, 1, 2, 4 }, 8, 1436, false },
	{ "first fragment (MF)", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } },
	  .frag = 0x2000 },
	{ "non-first fragment", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } },
	  .frag = 0x0010 },
	{ "UDP, not TCP", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } }, .proto = 17 },
	{ "IPv6 version nibble", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } },
	  .version = 6 },
	{ "IHL 4", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } }, .ihl = 4 },
	{ "data offset 4", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false, { { 2, 1460 } },
	  .doff_delta = -2 },
	{ "data offset past the IP total length", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false,
	  { { 2, 1460 } }, .doff_delta = 1 },
	{ "IP total length shorter than the TCP header", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false,
	  { { 2, 1460 } }, .tlen_delta = -5 },
	{ "IP total length shorter than the IP header", SYN, { MSS(0x05, 0xb4) }, 4, 1436, false,
	  { { 2, 1460 } }, .tlen_delta = -40 },
};

#define PKT_MAX 256

/* One's-complement sum of the TCP pseudo header and the segment at hl (ref_csum.h). */
static uint16_t
tcp_sum(const uint8_t *pkt, size_t len, size_t hl)
{
	uint8_t pseudo[40 + PKT_MAX];

	if (hl == 40 && (pkt[0] >> 4) == 6) {
		/* IPv6's (RFC 8200 §8.1): addresses, upper-layer length, next header */
		memcpy(pseudo, pkt + 8, 32);
		memset(pseudo + 32, 0, 8);
		pseudo[34] = (len - hl) >> 8;
		pseudo[35] = (len - hl) & 0xff;
		pseudo[39] = 6;
		memcpy(pseudo + 40, pkt + hl, len - hl);
		return ref_csum_sum(pseudo, 40 + len - hl);
	}
	memcpy(pseudo, pkt + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	pseudo[10] = (len - hl) >> 8;
	pseudo[11] = (len - hl) & 0xff;
	memcpy(pseudo + 12, pkt + hl, len - hl);
	return ref_csum_sum(pseudo, 12 + len - hl);
}

/* Whether a row shapes nothing of IPv4's own: it runs as IPv6 too. */
static bool
row_has_v6(const struct mss_case *c)
{
	return c->ihl == 0 && c->frag == 0 && c->proto == 0 && c->version == 0 &&
	       c->tlen_delta > -20;
}

/* The fixed IPv6 header of a row's packet (len bytes in all). */
static void
build_ip6(const struct mss_case *c, uint8_t *pkt, size_t len)
{
	uint16_t plen = len - 40 + c->tlen_delta;
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 2 };

	pkt[0] = 0x60;
	pkt[4] = plen >> 8;
	pkt[5] = plen & 0xff;
	pkt[6] = 6;
	pkt[7] = 64;
	memcpy(pkt + 8, src, 16);
	memcpy(pkt + 24, dst, 16);
}

/* Build the row's packet; returns its length (the IP total length unless tlen_delta). */
static size_t
build(const struct mss_case *c, uint8_t *pkt, size_t *tcp_off, size_t *opt_off, bool v6)
{
	unsigned int ihl = v6 ? 10 : c->ihl != 0 ? c->ihl : 5, doff = 5 + (c->optlen + 3) / 4;
	size_t hl = ihl * 4, len, i;
	uint16_t tlen, sum;

	memset(pkt, 0, PKT_MAX);
	len = hl + doff * 4 + c->payload;
	tlen = len + c->tlen_delta;
	if (v6) {
		build_ip6(c, pkt, len);
		goto tcp;
	}
	pkt[0] = (c->version != 0 ? c->version : 4) << 4 | ihl;
	pkt[2] = tlen >> 8;
	pkt[3] = tlen & 0xff;
	pkt[4] = 0x12;
	pkt[5] = 0x34;
	pkt[6] = c->frag >> 8;
	pkt[7] = c->frag & 0xff;
	pkt[8] = 64;
	pkt[9] = c->proto != 0 ? c->proto : 6;
	memcpy(pkt + 12, (const uint8_t[]){ 10, 1, 0, 2, 10, 2, 0, 2 }, 8);
	for (i = 20; i < hl; i++)
		pkt[i] = 1; /* IP option NOPs */
	sum = ref_csum(pkt, hl);
	pkt[10] = sum >> 8;
	pkt[11] = sum & 0xff;
tcp:
	*tcp_off = hl;
	*opt_off = hl + 20;
	pkt[hl + 0] = 0xc3;
	pkt[hl + 1] = 0x50; /* 50000 */
	pkt[hl + 3] = 80;
	pkt[hl + 4] = 0xde;
	pkt[hl + 5] = 0xad;
	pkt[hl + 12] = (uint8_t)((doff + c->doff_delta) << 4);
	pkt[hl + 13] = c->flags;
	pkt[hl + 14] = 0xfa;
	pkt[hl + 15] = 0xf0;
	memcpy(pkt + hl + 20, c->opt, c->optlen);
	for (i = 0; i < c->payload; i++)
		pkt[hl + doff * 4 + i] = (uint8_t)(0x41 + i);
	/* TCP checksum over the pseudo header and the whole segment */
	sum = (uint16_t)~tcp_sum(pkt, len, hl);
	pkt[hl + 16] = sum >> 8;
	pkt[hl + 17] = sum & 0xff;
	return len;
}

/* Whether the TCP checksum of the len-byte packet verifies (full recomputation). */
static bool
tcp_csum_ok(const uint8_t *pkt, size_t len, size_t hl)
{
	return tcp_sum(pkt, len, hl) == 0xffff;
}

static void
check_row(const struct mss_case *c, size_t cut, bool inline_fn, bool v6)
{
	uint8_t pkt[PKT_MAX], before[PKT_MAX], *buf;
	size_t len, avail, tcp, opt, i, k;
	bool changed, expect_changed = c->changed;

	len = build(c, pkt, &tcp, &opt, v6);
	assert_true(tcp_csum_ok(pkt, len, tcp));
	memset(pkt + len, 0x5a, c->pad);
	memcpy(before, pkt, sizeof(pkt));
	avail = cut == 0 ? len + c->pad : cut;
	/* the bytes handed over are exactly avail long, on the heap: ASan sees a read past them */
	buf = malloc(avail);
	assert_non_null(buf);
	memcpy(buf, pkt, avail);
	if (v6)
		changed = inline_fn ? gw_tcp_mss_clamp6(buf, avail, c->mss_max) :
				      gw_tcp_mss_clamp6_syn(buf, avail, c->mss_max);
	else
		changed = inline_fn ? gw_tcp_mss_clamp4(buf, avail, c->mss_max) :
				      gw_tcp_mss_clamp4_syn(buf, avail, c->mss_max);
	memcpy(pkt, buf, avail);
	free(buf);
	if (cut != 0 && cut < opt + (c->optlen + 3) / 4 * 4)
		expect_changed = false; /* the TCP header is not all there */
	assert_int_equal(changed, expect_changed);
	if (!changed) {
		assert_memory_equal(pkt, before, len + c->pad);
		return;
	}
	/* the checksum verifies, recomputed over everything */
	assert_true(tcp_csum_ok(pkt, len, tcp));
	/* the expected MSS values; nothing else moved but them and the checksum */
	for (k = 0; k < GW_NELEM(c->want) && c->want[k].val != 0; k++) {
		i = opt + c->want[k].off;
		assert_int_equal(pkt[i] << 8 | pkt[i + 1], c->want[k].val);
		before[i] = pkt[i];
		before[i + 1] = pkt[i + 1];
	}
	before[tcp + 16] = pkt[tcp + 16];
	before[tcp + 17] = pkt[tcp + 17];
	assert_memory_equal(pkt, before, len + c->pad);
}

static void
test_mss_row(void **state)
{
	const struct mss_case *c = *state;

	check_row(c, 0, false, false);
	check_row(c, 0, true, false);
}

static void
test_mss_row6(void **state)
{
	const struct mss_case *c = *state;

	check_row(c, 0, false, true);
	check_row(c, 0, true, true);
}

/* The same row with avail cut at every length: never past it, never changed when short. */
static void
test_mss_row_cut(void **state)
{
	const struct mss_case *c = *state;
	uint8_t pkt[PKT_MAX];
	size_t len, tcp, opt, cut;

	len = build(c, pkt, &tcp, &opt, false);
	for (cut = 1; cut < len; cut++) {
		check_row(c, cut, false, false);
		check_row(c, cut, true, false);
	}
	if (!row_has_v6(c))
		return;
	len = build(c, pkt, &tcp, &opt, true);
	for (cut = 1; cut < len; cut++) {
		check_row(c, cut, false, true);
		check_row(c, cut, true, true);
	}
}

/*
 * The checksum field at its extremes (RFC 1624 §3): a segment whose checksum
 * is 0x0000, and the same segment with 0xffff (the other zero of one's
 * complement, which verifies too), still verify after the clamp.
 */
static void
test_mss_csum_extremes(void **state)
{
	const struct mss_case base = { "x", SYN, { MSS(0x05, 0xb4) }, 4, 1436, true };
	uint8_t pkt[PKT_MAX];
	size_t len = 0, tcp = 0, opt = 0;
	unsigned int urp, variant;
	uint16_t sum = 1;

	(void)state;
	/* the urgent pointer (ignored by the clamp) picks a checksum of 0x0000 */
	for (urp = 0; urp < 0x10000 && sum != 0; urp++) {
		len = build(&base, pkt, &tcp, &opt, false);
		pkt[tcp + 16] = 0;
		pkt[tcp + 17] = 0;
		pkt[tcp + 18] = urp >> 8;
		pkt[tcp + 19] = urp & 0xff;
		sum = (uint16_t)~tcp_sum(pkt, len, tcp);
	}
	assert_int_equal(sum, 0);
	for (variant = 0; variant < 2; variant++) {
		uint8_t p[PKT_MAX];

		memcpy(p, pkt, sizeof(p));
		p[tcp + 16] = variant ? 0xff : 0;
		p[tcp + 17] = variant ? 0xff : 0;
		assert_true(tcp_csum_ok(p, len, tcp));
		assert_true(gw_tcp_mss_clamp4(p, len, 1436));
		assert_true(tcp_csum_ok(p, len, tcp));
		assert_int_equal(p[opt + 2] << 8 | p[opt + 3], 1436);
	}
}

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < GW_NELEM(mss_cases); i++) {
		gw_tests_add(t, test_mss_row, &mss_cases[i], "clamp: %s", mss_cases[i].name);
		gw_tests_add(t, test_mss_row_cut, &mss_cases[i], "clamp, avail cut short: %s",
			     mss_cases[i].name);
		if (row_has_v6(&mss_cases[i]))
			gw_tests_add(t, test_mss_row6, &mss_cases[i], "clamp IPv6: %s",
				     mss_cases[i].name);
	}
	gw_tests_add(t, test_mss_csum_extremes, NULL, "checksum 0x0000 or 0xffff stays valid");
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "tcp", add_tests, NULL, 0);
}
