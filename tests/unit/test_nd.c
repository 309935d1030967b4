/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of IPv6 neighbour discovery and ICMPv6 errors on plain bytes
 * (lib/proto/nd.c, gw_nd.h; the IPv6 half of lib/proto/icmp_err.c): a table
 * of crafted ND packets, each with the verdict gw_nd_parse must give (invalid
 * inputs first: truncations, checksum, hop limit, code, options, DAD rules);
 * the NS and NA greway builds, every byte checked against a layout written
 * here and checksums summed by ref_csum.h, not by the code under test, and
 * parsed back; which packets may earn an ICMPv6 error, and the error itself.
 */
#include "gw_test.h"

#include "gw_icmp_err.h"
#include "gw_ip6.h"
#include "gw_nd.h"
#include "ref_csum.h"

/* 2001:db8::1 (ours), 2001:db8::2 (a neighbour), fe80::2, ff02::1 */
static const uint8_t A1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t A2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t LL2[16] = { 0xfe, 0x80, [15] = 2 };
static const uint8_t ALLNODES[16] = { 0xff, 0x02, [15] = 1 };
static const uint8_t UNSPEC[16];
static const uint8_t MAC2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC1[6] = { 0x02, 0, 0, 0, 0, 0x01 };

struct pkt {
	uint8_t b[1600];
	size_t len; /* bytes handed to the parser */
};

/* The checksum of an ICMPv6 message (its field zero) over the RFC 8200 pseudo header. */
static uint16_t
ref_icmp6_csum(const uint8_t *ip, const uint8_t *icmp, size_t len)
{
	uint8_t buf[1600];

	memcpy(buf, ip + 8, 32);
	buf[32] = (uint8_t)(len >> 24), buf[33] = (uint8_t)(len >> 16);
	buf[34] = (uint8_t)(len >> 8), buf[35] = (uint8_t)len;
	buf[36] = buf[37] = buf[38] = 0;
	buf[39] = 58;
	memcpy(buf + 40, icmp, len);
	buf[40 + 2] = buf[40 + 3] = 0;
	return ref_csum(buf, 40 + len);
}

/* IPv6 header + ICMPv6 (type, code, 4 bytes of flags/reserved), body empty so far. */
static uint8_t *
start(struct pkt *p, const uint8_t src[16], const uint8_t dst[16], uint8_t hop, uint8_t type,
      uint8_t code)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = 0x60;
	p->b[6] = 58;
	p->b[7] = hop;
	memcpy(p->b + 8, src, 16);
	memcpy(p->b + 24, dst, 16);
	p->b[40] = type;
	p->b[41] = code;
	p->len = 48;
	return p->b + 44;
}

static void
put(struct pkt *p, const void *data, size_t n)
{
	memcpy(p->b + p->len, data, n);
	p->len += n;
}

/* A link-local address option (type 1 or 2) of mac, or any option of n 8-byte units. */
static void
put_opt(struct pkt *p, uint8_t type, uint8_t units, const uint8_t mac[6])
{
	uint8_t o[2] = { type, units };

	put(p, o, 2);
	if (mac != NULL)
		put(p, mac, 6);
	else
		p->len += units == 0 ? 6 : units * 8u - 2;
}

/* Payload length and checksum, as a sender would. */
static void
seal(struct pkt *p)
{
	size_t plen = p->len - 40;
	uint16_t c;

	p->b[4] = (uint8_t)(plen >> 8);
	p->b[5] = (uint8_t)plen;
	c = ref_icmp6_csum(p->b, p->b + 40, plen);
	p->b[42] = c >> 8;
	p->b[43] = c & 0xff;
}

static void
ns(struct pkt *p, const uint8_t src[16], const uint8_t dst[16], const uint8_t target[16],
   bool slla)
{
	start(p, src, dst, 255, GW_ND_NEIGHBOR_SOLICIT, 0);
	put(p, target, 16);
	if (slla)
		put_opt(p, GW_ND_OPT_SLLA, 1, MAC2);
}

static void
sn_of(const uint8_t a[16], uint8_t out[16])
{
	gw_ip6_solicited_node(a, out);
}

/*
 * The packets, one maker each.
 */

static void
mk_ns_ok(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, A2, sn, A1, true);
	seal(p);
}

static void
mk_ns_unicast_no_opt(struct pkt *p)
{
	ns(p, A2, A1, A1, false);
	seal(p);
}

static void
mk_ns_linklocal(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, LL2, sn, A1, true);
	seal(p);
}

static void
mk_ns_padded(struct pkt *p)
{
	mk_ns_ok(p);
	p->len += 18; /* Ethernet padding of a short frame is not ICMPv6 */
}

static void
mk_ns_other_opts(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, A2, sn, A1, false);
	put_opt(p, 14, 1, NULL); /* nonce (RFC 3971) */
	put_opt(p, GW_ND_OPT_SLLA, 1, MAC2);
	put_opt(p, GW_ND_OPT_TLLA, 1, MAC1); /* not this message's kind: ignored */
	seal(p);
}

static void
mk_ns_two_slla(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, A2, sn, A1, true);
	put_opt(p, GW_ND_OPT_SLLA, 1, MAC1); /* the first one counts */
	seal(p);
}

static void
mk_dad(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, UNSPEC, sn, A1, false);
	seal(p);
}

static void
mk_dad_slla(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, UNSPEC, sn, A1, true);
	seal(p);
}

static void
mk_dad_unicast(struct pkt *p)
{
	ns(p, UNSPEC, A1, A1, false);
	seal(p);
}

static void
mk_ns_for_other(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A2, sn);
	ns(p, A1, sn, A2, true); /* a valid NS for a target that is not ours: the tables say */
	seal(p);
}

static void
mk_ns_target_mcast(struct pkt *p)
{
	ns(p, A2, ALLNODES, ALLNODES, true);
	seal(p);
}

static void
mk_ns_src_mcast(struct pkt *p)
{
	ns(p, ALLNODES, A1, A1, true);
	seal(p);
}

static void
mk_ns_hop254(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[7] = 254;
}

static void
mk_ns_hop64(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[7] = 64;
	seal(p);
}

static void
mk_ns_bad_cksum(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[43] ^= 0x01;
}

static void
mk_ns_cksum_over_padding(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[p->len - 1] ^= 0x10; /* the last byte of the option is summed: must be wrong */
}

static void
mk_ns_code1(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[41] = 1;
	seal(p);
}

static void
mk_ns_opt_len0(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, A2, sn, A1, false);
	put_opt(p, GW_ND_OPT_SLLA, 0, NULL);
	seal(p);
}

static void
mk_ns_opt_past_end(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, A2, sn, A1, true);
	p->b[64 + 1] = 2; /* says 16 bytes, 8 are there */
	seal(p);
}

static void
mk_ns_opt_one_byte(struct pkt *p)
{
	uint8_t z = 14;

	mk_ns_ok(p);
	put(p, &z, 1); /* a type without its length */
	seal(p);
}

static void
mk_ns_slla_16(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	ns(p, A2, sn, A1, false);
	put_opt(p, GW_ND_OPT_SLLA, 2, NULL); /* not an Ethernet address */
	seal(p);
}

static void
mk_ns_short_body(struct pkt *p)
{
	uint8_t sn[16];

	sn_of(A1, sn);
	start(p, A2, sn, 255, GW_ND_NEIGHBOR_SOLICIT, 0);
	put(p, A1, 12); /* 20 bytes of ICMPv6, valid checksum */
	seal(p);
}

static void
mk_plen_past_end(struct pkt *p)
{
	mk_ns_ok(p);
	p->len -= 1; /* the payload length says one byte more than was received */
}

static void
mk_plen_zero(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[4] = p->b[5] = 0; /* a jumbogram's, never ND */
}

static void
mk_version4(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[0] = 0x45;
}

static void
mk_next_hopopts(struct pkt *p)
{
	mk_ns_ok(p);
	p->b[6] = 0;
}

static void
mk_echo(struct pkt *p)
{
	start(p, A2, A1, 255, GW_ICMP6_ECHO_REQUEST, 0);
	seal(p);
}

static void
mk_na_solicited(struct pkt *p)
{
	uint8_t *f = start(p, A2, A1, 255, GW_ND_NEIGHBOR_ADVERT, 0);

	f[0] = GW_ND_NA_SOLICITED | GW_ND_NA_OVERRIDE;
	put(p, A2, 16);
	put_opt(p, GW_ND_OPT_TLLA, 1, MAC2);
	seal(p);
}

static void
mk_na_unsolicited(struct pkt *p)
{
	uint8_t *f = start(p, LL2, ALLNODES, 255, GW_ND_NEIGHBOR_ADVERT, 0);

	f[0] = GW_ND_NA_OVERRIDE | GW_ND_NA_ROUTER;
	put(p, A2, 16);
	put_opt(p, GW_ND_OPT_TLLA, 1, MAC2);
	seal(p);
}

static void
mk_na_no_tlla(struct pkt *p)
{
	uint8_t *f = start(p, A2, A1, 255, GW_ND_NEIGHBOR_ADVERT, 0);

	f[0] = GW_ND_NA_SOLICITED;
	put(p, A2, 16);
	seal(p);
}

static void
mk_na_mcast_solicited(struct pkt *p)
{
	uint8_t *f = start(p, A2, ALLNODES, 255, GW_ND_NEIGHBOR_ADVERT, 0);

	f[0] = GW_ND_NA_SOLICITED;
	put(p, A2, 16);
	put_opt(p, GW_ND_OPT_TLLA, 1, MAC2);
	seal(p);
}

static void
mk_na_target_mcast(struct pkt *p)
{
	start(p, A2, A1, 255, GW_ND_NEIGHBOR_ADVERT, 0);
	put(p, ALLNODES, 16);
	seal(p);
}

static void
mk_na_hop1(struct pkt *p)
{
	mk_na_solicited(p);
	p->b[7] = 1;
	seal(p);
}

static void
mk_rs(struct pkt *p)
{
	start(p, LL2, ALLNODES, 255, GW_ND_ROUTER_SOLICIT, 0);
	put_opt(p, GW_ND_OPT_SLLA, 1, MAC2);
	seal(p);
}

static void
mk_ra(struct pkt *p)
{
	start(p, LL2, ALLNODES, 255, GW_ND_ROUTER_ADVERT, 0);
	p->len += 8; /* reachable time, retrans timer */
	seal(p);
}

static void
mk_redirect(struct pkt *p)
{
	start(p, LL2, A1, 255, GW_ND_REDIRECT, 0);
	put(p, A2, 16);
	put(p, A2, 16);
	seal(p);
}

static void
mk_redirect_short(struct pkt *p)
{
	start(p, LL2, A1, 255, GW_ND_REDIRECT, 0);
	put(p, A2, 16);
	seal(p);
}

struct parse_case {
	const char *name;
	void (*make)(struct pkt *p);
	enum gw_nd_verdict want;
	uint8_t type;       /* GW_ND_OK: what is read */
	bool has_lladdr;
	const uint8_t *lladdr;
	uint8_t flags;
};

static const struct parse_case parse_cases[] = {
	/* refused */
	{ "payload length past the data", mk_plen_past_end, GW_ND_SHORT },
	{ "payload length 0", mk_plen_zero, GW_ND_SHORT },
	{ "IPv4", mk_version4, GW_ND_NOT_ND },
	{ "behind a hop-by-hop header", mk_next_hopopts, GW_ND_NOT_ND },
	{ "echo request", mk_echo, GW_ND_NOT_ND },
	{ "NS from a multicast source", mk_ns_src_mcast, GW_ND_SOURCE },
	{ "NS hop limit 254 (one router away)", mk_ns_hop254, GW_ND_HOPLIMIT },
	{ "NS hop limit 64", mk_ns_hop64, GW_ND_HOPLIMIT },
	{ "NA hop limit 1", mk_na_hop1, GW_ND_HOPLIMIT },
	{ "NS bad checksum", mk_ns_bad_cksum, GW_ND_CKSUM },
	{ "NS option byte changed", mk_ns_cksum_over_padding, GW_ND_CKSUM },
	{ "NS code 1", mk_ns_code1, GW_ND_CODE },
	{ "NS of 20 bytes", mk_ns_short_body, GW_ND_LENGTH },
	{ "redirect of 24 bytes", mk_redirect_short, GW_ND_LENGTH },
	{ "NS option length 0", mk_ns_opt_len0, GW_ND_OPTION },
	{ "NS option running past the end", mk_ns_opt_past_end, GW_ND_OPTION },
	{ "NS option of one byte", mk_ns_opt_one_byte, GW_ND_OPTION },
	{ "NS source link-layer option of 16 bytes", mk_ns_slla_16, GW_ND_OPTION },
	{ "NS target multicast", mk_ns_target_mcast, GW_ND_TARGET },
	{ "NA target multicast", mk_na_target_mcast, GW_ND_TARGET },
	{ "DAD NS with a source link-layer option", mk_dad_slla, GW_ND_DAD },
	{ "DAD NS to a unicast address", mk_dad_unicast, GW_ND_DAD },
	{ "NA to all-nodes with the solicited flag", mk_na_mcast_solicited, GW_ND_NA_MCAST },
	/* accepted */
	{ "NS to the solicited-node group", mk_ns_ok, GW_ND_OK, GW_ND_NEIGHBOR_SOLICIT, true, MAC2 },
	{ "NS unicast, no option (NUD)", mk_ns_unicast_no_opt, GW_ND_OK, GW_ND_NEIGHBOR_SOLICIT },
	{ "NS from a link-local source", mk_ns_linklocal, GW_ND_OK, GW_ND_NEIGHBOR_SOLICIT, true,
	  MAC2 },
	{ "NS with Ethernet padding", mk_ns_padded, GW_ND_OK, GW_ND_NEIGHBOR_SOLICIT, true, MAC2 },
	{ "NS nonce, SLLA, TLLA", mk_ns_other_opts, GW_ND_OK, GW_ND_NEIGHBOR_SOLICIT, true, MAC2 },
	{ "NS with two SLLA: the first", mk_ns_two_slla, GW_ND_OK, GW_ND_NEIGHBOR_SOLICIT, true,
	  MAC2 },
	{ "NS for a target not ours (parser: valid)", mk_ns_for_other, GW_ND_OK,
	  GW_ND_NEIGHBOR_SOLICIT, true, MAC2 },
	{ "DAD NS", mk_dad, GW_ND_OK, GW_ND_NEIGHBOR_SOLICIT },
	{ "NA solicited", mk_na_solicited, GW_ND_OK, GW_ND_NEIGHBOR_ADVERT, true, MAC2,
	  GW_ND_NA_SOLICITED | GW_ND_NA_OVERRIDE },
	{ "NA unsolicited to all-nodes", mk_na_unsolicited, GW_ND_OK, GW_ND_NEIGHBOR_ADVERT, true,
	  MAC2, GW_ND_NA_OVERRIDE | GW_ND_NA_ROUTER },
	{ "NA without TLLA", mk_na_no_tlla, GW_ND_OK, GW_ND_NEIGHBOR_ADVERT, false, NULL,
	  GW_ND_NA_SOLICITED },
	{ "RS", mk_rs, GW_ND_OK, GW_ND_ROUTER_SOLICIT, true, MAC2 },
	{ "RA", mk_ra, GW_ND_OK, GW_ND_ROUTER_ADVERT },
	{ "redirect", mk_redirect, GW_ND_OK, GW_ND_REDIRECT },
};

static void
test_parse_row(void **state)
{
	const struct parse_case *c = *state;
	struct gw_nd_msg msg;
	struct pkt p;
	enum gw_nd_verdict v;

	c->make(&p);
	v = gw_nd_parse(p.b, p.len, &msg);
	if (v != c->want)
		fail_msg("verdict %s, want %s", gw_nd_verdict_name(v), gw_nd_verdict_name(c->want));
	if (v != GW_ND_OK)
		return;
	assert_int_equal(msg.type, c->type);
	assert_int_equal(msg.has_lladdr, c->has_lladdr);
	if (c->has_lladdr)
		assert_memory_equal(msg.lladdr, c->lladdr, 6);
	assert_int_equal(msg.flags, c->flags);
	assert_memory_equal(msg.src, p.b + 8, 16);
	assert_memory_equal(msg.dst, p.b + 24, 16);
	if (c->type == GW_ND_NEIGHBOR_SOLICIT || c->type == GW_ND_NEIGHBOR_ADVERT)
		assert_memory_equal(msg.target, p.b + 48, 16);
}

/* Every cut of a valid NS and NA is refused, and read only within the cut (ASan's job). */
static void
test_truncations(void **state)
{
	void (*makers[])(struct pkt *) = { mk_ns_ok, mk_na_solicited, mk_redirect };
	struct gw_nd_msg msg;
	struct pkt p;
	size_t i, cut;
	uint8_t *copy;

	(void)state;
	for (i = 0; i < GW_NELEM(makers); i++) {
		makers[i](&p);
		for (cut = 0; cut < p.len; cut++) {
			copy = malloc(cut + 1);
			assert_non_null(copy);
			memcpy(copy, p.b, cut);
			if (gw_nd_parse(copy, cut, &msg) != GW_ND_SHORT)
				fail_msg("maker %zu cut at %zu: not refused as short", i, cut);
			free(copy);
		}
	}
}

/*
 * The builders: the layout written out again, checksums by ref_csum.h.
 */

static void
check_built(const uint8_t *b, size_t n, const uint8_t src[16], const uint8_t dst[16],
	    uint8_t type, uint8_t flags, const uint8_t target[16], uint8_t opt, const uint8_t mac[6])
{
	uint16_t ck;

	assert_int_equal(n, GW_ND_MSG_LEN);
	assert_int_equal(b[0], 0x60);
	assert_int_equal(b[1] | b[2] | b[3], 0);
	assert_int_equal(b[4] << 8 | b[5], 32);
	assert_int_equal(b[6], 58);
	assert_int_equal(b[7], 255);
	assert_memory_equal(b + 8, src, 16);
	assert_memory_equal(b + 24, dst, 16);
	assert_int_equal(b[40], type);
	assert_int_equal(b[41], 0);
	ck = ref_icmp6_csum(b, b + 40, 32);
	assert_int_equal(b[42] << 8 | b[43], ck);
	assert_int_equal(b[44], flags);
	assert_int_equal(b[45] | b[46] | b[47], 0);
	assert_memory_equal(b + 48, target, 16);
	assert_int_equal(b[64], opt);
	assert_int_equal(b[65], 1);
	assert_memory_equal(b + 66, mac, 6);
}

static void
test_build_ns(void **state)
{
	static const uint8_t sn[16] = { 0xff, 0x02, [11] = 1, 0xff, 0, 0, 2 };
	uint8_t b[GW_ND_MSG_LEN + 8];
	struct gw_nd_msg msg;
	size_t n;

	(void)state;
	memset(b, 0xee, sizeof(b));
	n = gw_nd_build_ns(b, A1, A2, MAC1);
	check_built(b, n, A1, sn, GW_ND_NEIGHBOR_SOLICIT, 0, A2, GW_ND_OPT_SLLA, MAC1);
	assert_int_equal(b[GW_ND_MSG_LEN], 0xee); /* nothing written past it */
	assert_int_equal(gw_nd_parse(b, n, &msg), GW_ND_OK);
	assert_true(msg.has_lladdr);
	assert_memory_equal(msg.lladdr, MAC1, 6);
}

static void
test_build_na(void **state)
{
	const uint8_t f = GW_ND_NA_ROUTER | GW_ND_NA_SOLICITED | GW_ND_NA_OVERRIDE;
	uint8_t b[GW_ND_MSG_LEN];
	struct gw_nd_msg msg;
	size_t n;

	(void)state;
	n = gw_nd_build_na(b, A1, LL2, A1, MAC1, f);
	check_built(b, n, A1, LL2, GW_ND_NEIGHBOR_ADVERT, f, A1, GW_ND_OPT_TLLA, MAC1);
	assert_int_equal(gw_nd_parse(b, n, &msg), GW_ND_OK);
	assert_int_equal(msg.flags, f);
	/* the answer to DAD: to all-nodes, never "solicited" (RFC 4861 §7.2.4) */
	n = gw_nd_build_na(b, A1, ALLNODES, A1, MAC1, GW_ND_NA_ROUTER | GW_ND_NA_OVERRIDE);
	assert_int_equal(gw_nd_parse(b, n, &msg), GW_ND_OK);
}

/*
 * ICMPv6 errors
 */

/* An IPv6 packet of total bytes: next header nh, then a payload that starts with first. */
static size_t
mk_ip6(uint8_t *p, size_t total, const uint8_t src[16], const uint8_t dst[16], uint8_t nh,
       uint8_t first)
{
	size_t i;

	memset(p, 0, total);
	p[0] = 0x60;
	p[4] = (uint8_t)((total - 40) >> 8);
	p[5] = (uint8_t)(total - 40);
	p[6] = nh;
	p[7] = 1;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	for (i = 40; i < total; i++)
		p[i] = (uint8_t)(i * 7);
	if (total > 40)
		p[40] = first;
	return total;
}

struct err6_case {
	const char *name;
	const uint8_t *src, *dst;
	uint8_t nh, first; /* next header, first payload byte */
	size_t len;        /* 0: 100 */
	enum gw_icmp_err_kind kind;
	bool allowed;
};

static const uint8_t LOOP[16] = { [15] = 1 };

static const struct err6_case err6_cases[] = {
	{ "udp", A2, A1, 17, 0, 0, GW_ICMP_ERR_TIME_EXCEEDED, true },
	{ "udp too big", A2, A1, 17, 0, 0, GW_ICMP_ERR_TOO_BIG, true },
	{ "from link-local", LL2, A1, 17, 0, 0, GW_ICMP_ERR_TIME_EXCEEDED, true },
	{ "echo request", A2, A1, 58, 128, 0, GW_ICMP_ERR_TIME_EXCEEDED, true },
	{ "about a destination unreachable", A2, A1, 58, 1, 0, GW_ICMP_ERR_TIME_EXCEEDED, false },
	{ "about a packet too big", A2, A1, 58, 2, 0, GW_ICMP_ERR_TOO_BIG, false },
	{ "about a time exceeded", A2, A1, 58, 3, 0, GW_ICMP_ERR_TIME_EXCEEDED, false },
	{ "about a redirect", A2, A1, 58, 137, 0, GW_ICMP_ERR_TIME_EXCEEDED, false },
	{ "icmpv6 type unreadable", A2, A1, 58, 0, 40, GW_ICMP_ERR_TIME_EXCEEDED, false },
	{ "from ::", UNSPEC, A1, 17, 0, 0, GW_ICMP_ERR_TIME_EXCEEDED, false },
	{ "from ::1", LOOP, A1, 17, 0, 0, GW_ICMP_ERR_TIME_EXCEEDED, false },
	{ "from a group", ALLNODES, A1, 17, 0, 0, GW_ICMP_ERR_TOO_BIG, false },
	{ "to a group: time exceeded", A2, ALLNODES, 17, 0, 0, GW_ICMP_ERR_TIME_EXCEEDED, false },
	{ "to a group: too big (RFC 4443 2.4(e))", A2, ALLNODES, 17, 0, 0, GW_ICMP_ERR_TOO_BIG,
	  true },
	{ "short header", A2, A1, 17, 0, 39, GW_ICMP_ERR_TOO_BIG, false },
};

static void
test_err6_allowed_row(void **state)
{
	const struct err6_case *c = *state;
	uint8_t p[200];
	size_t len = c->len ? c->len : 100;

	mk_ip6(p, 100, c->src, c->dst, c->nh, c->first);
	assert_int_equal(gw_icmp6_err_allowed(p, len, c->kind), c->allowed);
}

/* An ICMPv6 error behind extension headers: found; a later fragment: allowed. */
static void
test_err6_exthdr(void **state)
{
	uint8_t p[200];

	(void)state;
	mk_ip6(p, 100, A2, A1, 0, 0);
	p[40] = 60, p[41] = 0;  /* hop-by-hop, 8 bytes, then destination options */
	p[48] = 58, p[49] = 1;  /* destination options, 16 bytes, then ICMPv6 */
	p[64] = 1;              /* destination unreachable */
	assert_false(gw_icmp6_err_allowed(p, 100, GW_ICMP_ERR_TIME_EXCEEDED));
	p[64] = 128;
	assert_true(gw_icmp6_err_allowed(p, 100, GW_ICMP_ERR_TIME_EXCEEDED));
	mk_ip6(p, 100, A2, A1, 44, 58); /* fragment header, then ICMPv6 */
	p[42] = 0, p[43] = 0x08;        /* offset 1: no ICMPv6 header here */
	p[48] = 1;
	assert_true(gw_icmp6_err_allowed(p, 100, GW_ICMP_ERR_TIME_EXCEEDED));
	p[43] = 0x01;                   /* first fragment (M): its header is here */
	assert_false(gw_icmp6_err_allowed(p, 100, GW_ICMP_ERR_TIME_EXCEEDED));
	/* an ICMPv6 header past what was given: its type unreadable, better silent (as Linux) */
	mk_ip6(p, 100, A2, A1, 60, 58);
	p[41] = 200;
	assert_false(gw_icmp6_err_allowed(p, 100, GW_ICMP_ERR_TIME_EXCEEDED));
	/* an extension header whose own header is cut: not an error we could see */
	mk_ip6(p, 100, A2, A1, 60, 17);
	p[41] = 7; /* 64 bytes, then a hop-by-hop header at 104, past the 100 given */
	p[40] = 0;
	assert_true(gw_icmp6_err_allowed(p, 100, GW_ICMP_ERR_TIME_EXCEEDED));
}

struct err6_build_case {
	const char *name;
	enum gw_icmp_err_kind kind;
	size_t len;
	uint32_t mtu;
	size_t total;
};

static const struct err6_build_case err6_build_cases[] = {
	{ "too big, 1500-byte packet: 1280 at most", GW_ICMP_ERR_TOO_BIG, 1500, 1400, 1280 },
	{ "too big, packet of 100", GW_ICMP_ERR_TOO_BIG, 100, 1280, 148 },
	{ "time exceeded, 40 bytes", GW_ICMP_ERR_TIME_EXCEEDED, 40, 0, 88 },
	{ "time exceeded, 1232 bytes", GW_ICMP_ERR_TIME_EXCEEDED, 1232, 0, 1280 },
	{ "time exceeded, 1233 bytes", GW_ICMP_ERR_TIME_EXCEEDED, 1233, 0, 1280 },
	{ "header cut", GW_ICMP_ERR_TIME_EXCEEDED, 39, 0, 0 },
	{ "unknown kind", 0, 100, 0, 0 },
};

static void
test_err6_build_row(void **state)
{
	const struct err6_build_case *c = *state;
	static uint8_t orig[1600], out[GW_ICMP6_ERR_MAX + 16];
	size_t n, q;

	mk_ip6(orig, sizeof(orig), A2, LL2, 17, 0);
	memset(out, 0xee, sizeof(out));
	n = gw_icmp6_err_build(out, orig, c->len, c->kind, c->mtu, A1);
	assert_int_equal(n, c->total);
	assert_int_equal(out[GW_ICMP6_ERR_MAX], 0xee);
	if (n == 0)
		return;
	q = n - 48;
	assert_int_equal(out[0], 0x60);
	assert_int_equal(out[1] | out[2] | out[3], 0);
	assert_int_equal(out[4] << 8 | out[5], n - 40);
	assert_int_equal(out[6], 58);
	assert_int_equal(out[7], GW_ICMP6_ERR_HOPS);
	assert_memory_equal(out + 8, A1, 16);
	assert_memory_equal(out + 24, A2, 16); /* to the offending packet's source */
	assert_int_equal(out[40], c->kind == GW_ICMP_ERR_TOO_BIG ? 2 : 3);
	assert_int_equal(out[41], 0);
	assert_int_equal((uint32_t)out[44] << 24 | out[45] << 16 | out[46] << 8 | out[47],
			 c->kind == GW_ICMP_ERR_TOO_BIG ? c->mtu : 0);
	assert_int_equal(out[42] << 8 | out[43], ref_icmp6_csum(out, out + 40, n - 40));
	assert_memory_equal(out + 48, orig, q);
}

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < GW_NELEM(parse_cases); i++)
		gw_tests_add(t, test_parse_row, &parse_cases[i], "parse: %s -> %s",
			     parse_cases[i].name, gw_nd_verdict_name(parse_cases[i].want));
	gw_tests_add(t, test_truncations, NULL, "parse: every truncation is short");
	gw_tests_add(t, test_build_ns, NULL, "build: NS");
	gw_tests_add(t, test_build_na, NULL, "build: NA");
	for (i = 0; i < GW_NELEM(err6_cases); i++)
		gw_tests_add(t, test_err6_allowed_row, &err6_cases[i], "icmp6 allowed: %s -> %s",
			     err6_cases[i].name, err6_cases[i].allowed ? "yes" : "no");
	gw_tests_add(t, test_err6_exthdr, NULL, "icmp6 allowed: behind extension headers");
	for (i = 0; i < GW_NELEM(err6_build_cases); i++)
		gw_tests_add(t, test_err6_build_row, &err6_build_cases[i], "icmp6 build: %s",
			     err6_build_cases[i].name);
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "nd", add_tests, NULL, 0);
}
