/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libFuzzer harness of TCP MSS clamping (lib/proto/tcp_mss.c): the input is
 * a 2-byte ceiling (big-endian) followed by the bytes from the IPv4 header
 * on, as the dataplane hands them over (the packet, or less of it). The
 * clamp must read and write nothing past the input (the sanitizers watch),
 * the inline fast test and the full parse must agree, and the result must be
 * what a reference written out again here says: the same decision, the same
 * MSS options rewritten to the ceiling and nothing else touched but the TCP
 * checksum, which verifies afterwards (RFC 1071 recomputation over the
 * pseudo header and segment) whenever it verified before. A second clamp
 * changes nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "gw_tcp.h"
#include "ref_csum.h"

/*
 * The rules of gw_tcp.h again: the offsets (from p) of the MSS values to
 * lower, or -1 when the packet must be left alone. Returns the count.
 */
static int
ref_mss_positions(const uint8_t *p, size_t n, uint16_t mss_max, size_t pos[20])
{
	size_t ihl, tlen, thl, o, end;
	int k = 0;

	if (mss_max == 0 || n < 20 || p[0] >> 4 != 4 || p[9] != 6)
		return -1;
	ihl = (p[0] & 15) * 4u;
	tlen = be16(p + 2) < n ? be16(p + 2) : n;
	if (ihl < 20 || (be16(p + 6) & 0x1fff) || (be16(p + 6) & 0x2000) ||
	    tlen < ihl + 20 || !(p[ihl + 13] & 2))
		return -1;
	thl = (p[ihl + 12] >> 4) * 4u;
	if (thl < 20 || ihl + thl > tlen)
		return -1;
	end = ihl + thl;
	for (o = ihl + 20; o < end && p[o] != 0;) {
		if (p[o] == 1) {
			o++;
			continue;
		}
		if (o + 2 > end || p[o + 1] < 2 || o + p[o + 1] > end)
			return -1;
		if (p[o] == 2) {
			if (p[o + 1] != 4)
				return -1;
			if (be16(p + o + 2) > mss_max)
				pos[k++] = o + 2;
		}
		o += p[o + 1];
	}
	return k;
}

/* Whether the TCP checksum verifies over the packet's IP total length; -1: cannot say. */
static int
tcp_csum_state(const uint8_t *p, size_t n)
{
	size_t ihl, tlen, seg;
	uint8_t *buf;
	int ok;

	if (n < 20)
		return -1;
	ihl = (p[0] & 15) * 4u;
	tlen = be16(p + 2);
	if (ihl < 20 || tlen > n || tlen < ihl + 20)
		return -1;
	seg = tlen - ihl;
	buf = malloc(12 + seg);
	CHECK(buf != NULL);
	memcpy(buf, p + 12, 8);
	buf[8] = 0;
	buf[9] = 6;
	buf[10] = seg >> 8;
	buf[11] = seg & 0xff;
	memcpy(buf + 12, p + ihl, seg);
	ok = ref_csum_ok(buf, 12 + seg);
	free(buf);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos[20], n, i, ihl;
	uint8_t *a, *b;
	uint16_t mss_max;
	bool ca, cb;
	int k, before;

	if (size < 2)
		return 0;
	mss_max = be16(data);
	data += 2;
	n = size - 2;
	/* exactly n bytes each, so a sanitized build sees any access past them */
	a = malloc(n > 0 ? n : 1);
	b = malloc(n > 0 ? n : 1);
	CHECK(a != NULL && b != NULL);
	memcpy(a, data, n);
	memcpy(b, data, n);

	ca = gw_tcp_mss_clamp4(a, n, mss_max);
	cb = gw_tcp_mss_clamp4_syn(b, n, mss_max);
	CHECK(ca == cb);
	CHECK(memcmp(a, b, n) == 0);

	k = ref_mss_positions(data, n, mss_max, pos);
	CHECK(ca == (k > 0));
	if (!ca) {
		CHECK(memcmp(a, data, n) == 0);
	} else {
		ihl = (data[0] & 15) * 4u;
		/* the MSS values are the ceiling now; apart from them only the checksum moved */
		memcpy(b, data, n);
		for (i = 0; i < (size_t)k; i++) {
			CHECK(be16(a + pos[i]) == mss_max);
			b[pos[i]] = a[pos[i]];
			b[pos[i] + 1] = a[pos[i] + 1];
		}
		b[ihl + 16] = a[ihl + 16];
		b[ihl + 17] = a[ihl + 17];
		CHECK(memcmp(a, b, n) == 0);
		before = tcp_csum_state(data, n);
		if (before == 1)
			CHECK(tcp_csum_state(a, n) == 1);
		/* clamped once is clamped */
		CHECK(!gw_tcp_mss_clamp4(a, n, mss_max));
	}
	free(a);
	free(b);
	return 0;
}
