/* SPDX-License-Identifier: BSD-3-Clause
 *
 * GRE header codec: the receive checks of RFC 2784/2890 and the builder
 * used for every tunnel's precomputed rewrite. Byte-level and stateless;
 * the decap burst and the fuzz harness call gw_gre_parse() (inline, in
 * gw_gre.h, for the decap loop) on raw packets.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "gw_gre.h"
#include "gw_simd.h"

static inline void
store_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

size_t
gw_gre_build(void *hdr, const struct gw_gre_info *info)
{
	uint16_t flags = info->flags & GW_GRE_F_OPTIONS;
	uint8_t *p = hdr;
	size_t off = GW_GRE_HDR_MIN;

	p[0] = flags >> 8;
	p[1] = 0;
	p[2] = info->proto >> 8;
	p[3] = info->proto & 0xff;
	if (flags & GW_GRE_F_CSUM) {
		memset(p + off, 0, 4); /* checksum filled later, reserved1 is 0 */
		off += 4;
	}
	if (flags & GW_GRE_F_KEY) {
		store_be32(p + off, info->key);
		off += 4;
	}
	if (flags & GW_GRE_F_SEQ) {
		store_be32(p + off, info->seq);
		off += 4;
	}
	return off;
}

bool
gw_gre_csum_ok(const void *hdr, size_t len)
{
	/* RFC 1071: summing the data together with a correct checksum gives 0xffff. */
	return gw_simd.cksum(hdr, len, 0) == 0xffff;
}

void
gw_gre_csum_set(void *hdr, size_t len)
{
	uint8_t *p = hdr;
	uint16_t sum;

	p[4] = 0;
	p[5] = 0;
	sum = ~gw_simd.cksum(p, len, 0);
	/* the sum is of native-order 16-bit words: stored as is, no swap */
	memcpy(p + 4, &sum, sizeof(sum));
}
