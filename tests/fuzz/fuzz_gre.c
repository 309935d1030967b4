/* SPDX-License-Identifier: BSD-3-Clause
 *
 * libFuzzer harness of the GRE codec (lib/proto/gre.c): the input is the
 * bytes from the GRE header on, as a decap worker sees them. gw_gre_parse()
 * must read nothing past the input (the sanitizers watch), agree with the
 * receive rules written out again here, and on success give an info that
 * gw_gre_build() turns back into the same header (flags cleaned, checksum
 * and reserved1 zero) and that re-parses equal. With C set, gw_gre_csum_ok()
 * must agree with the reference RFC 1071 sum, and gw_gre_csum_set() must
 * produce a checksum that verifies and equals the reference.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "gw_gre.h"
#include "ref_csum.h"

/* The receive rules of RFC 2784/2890 in the order gw_gre.h documents them. */
static enum gw_drop
ref_classify(const uint8_t *p, size_t size)
{
	uint16_t w;
	size_t hlen;

	if (size < 4)
		return GW_DROP_GRE_SHORT;
	w = be16(p);
	if (w & 0x0007)
		return GW_DROP_GRE_VERSION;
	if (w & 0x4c00) /* R, s, first recursion bit */
		return GW_DROP_GRE_FLAGS;
	hlen = 4 + (w & 0x8000 ? 4 : 0) + (w & 0x2000 ? 4 : 0) + (w & 0x1000 ? 4 : 0);
	return hlen > size ? GW_DROP_GRE_SHORT : GW_DROP_NONE;
}

static void
check_csum(const uint8_t *data, size_t size, const struct gw_gre_info *info)
{
	uint8_t *copy;
	bool ok = gw_gre_csum_ok(data, size);

	CHECK(ok == (bool)ref_csum_ok(data, size));

	copy = malloc(size);
	CHECK(copy != NULL);
	memcpy(copy, data, size);
	copy[4] = 0;
	copy[5] = 0;
	{
		uint16_t want = ref_csum(copy, size);

		gw_gre_csum_set(copy, size);
		CHECK(be16(copy + 4) == want);
	}
	CHECK(gw_gre_csum_ok(copy, size));
	/* only the checksum field was written */
	CHECK(memcmp(copy, data, 4) == 0);
	CHECK(memcmp(copy + 6, data + 6, size - 6) == 0);
	/* a checksum that verifies is the computed one or its other zero (0 <-> 0xffff) */
	if (ok)
		CHECK(info->csum == be16(copy + 4) ||
		      (uint16_t)(info->csum + be16(copy + 4)) == 0xffff);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_gre_info info, poison, again;
	uint8_t hdr[GW_GRE_HDR_MAX + 1], want[GW_GRE_HDR_MAX];
	enum gw_drop d;
	size_t n, off;

	memset(&info, 0x5a, sizeof(info));
	memcpy(&poison, &info, sizeof(info));
	d = gw_gre_parse(data, size, &info);
	CHECK(d == ref_classify(data, size));
	if (d != GW_DROP_NONE) {
		CHECK(memcmp(&info, &poison, sizeof(info)) == 0); /* untouched */
		return 0;
	}

	/* What was parsed is what the bytes say. */
	CHECK(info.hdr_len <= size);
	CHECK(info.hdr_len == gw_gre_hdr_len(info.flags));
	CHECK((info.flags & ~GW_GRE_F_OPTIONS) == 0);
	CHECK(info.flags == (be16(data) & GW_GRE_F_OPTIONS));
	CHECK(info.proto == be16(data + 2));
	off = 4;
	if (info.flags & GW_GRE_F_CSUM) {
		CHECK(info.csum == be16(data + off));
		off += 4;
	}
	if (info.flags & GW_GRE_F_KEY) {
		CHECK(info.key == be32(data + off));
		off += 4;
	}
	if (info.flags & GW_GRE_F_SEQ) {
		CHECK(info.seq == be32(data + off));
		off += 4;
	}
	CHECK(off == info.hdr_len);

	/* Rebuilt: the same header with ignored bits, checksum and reserved1 zero. */
	memset(hdr, 0xcc, sizeof(hdr));
	n = gw_gre_build(hdr, &info);
	CHECK(n == info.hdr_len);
	CHECK(hdr[n] == 0xcc);
	memcpy(want, data, n);
	want[0] &= 0xb0;
	want[1] = 0;
	if (info.flags & GW_GRE_F_CSUM)
		memset(want + 4, 0, 4);
	CHECK(memcmp(hdr, want, n) == 0);

	/* ... which parses back to the same info. */
	CHECK(gw_gre_parse(hdr, n, &again) == GW_DROP_NONE);
	CHECK(again.flags == info.flags);
	CHECK(again.proto == info.proto);
	CHECK(again.hdr_len == info.hdr_len);
	CHECK(again.csum == 0);
	CHECK(!(info.flags & GW_GRE_F_KEY) || again.key == info.key);
	CHECK(!(info.flags & GW_GRE_F_SEQ) || again.seq == info.seq);

	if (info.flags & GW_GRE_F_CSUM)
		check_csum(data, size, &info);
	return 0;
}
