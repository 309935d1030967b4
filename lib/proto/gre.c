/* SPDX-License-Identifier: BSD-3-Clause
 *
 * GRE header codec: the receive checks of RFC 2784/2890 and the builder
 * used for every tunnel's precomputed rewrite. Byte-level and stateless;
 * the decap burst and the fuzz harness call gw_gre_parse() on raw packets.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "gw_gre.h"

static inline uint16_t
load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
store_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

enum gw_drop
gw_gre_parse(const void *hdr, size_t len, struct gw_gre_info *info)
{
	const uint8_t *p = hdr;
	uint16_t flags, hlen;
	size_t off;

	/* Lengths first: nothing past len is ever read. */
	if (len < GW_GRE_HDR_MIN)
		return GW_DROP_GRE_SHORT;
	flags = load_be16(p);
	if (flags & GW_GRE_VER_MASK)
		return GW_DROP_GRE_VERSION;
	if (flags & GW_GRE_F_REFUSED)
		return GW_DROP_GRE_FLAGS;
	hlen = gw_gre_hdr_len(flags);
	if (hlen > len)
		return GW_DROP_GRE_SHORT;

	info->flags = flags & GW_GRE_F_OPTIONS;
	info->proto = load_be16(p + 2);
	info->hdr_len = hlen;
	info->csum = 0;
	info->key = 0;
	info->seq = 0;
	off = GW_GRE_HDR_MIN;
	if (flags & GW_GRE_F_CSUM) {
		/* reserved1 (p[off + 2..3]) is ignored on receipt */
		info->csum = load_be16(p + off);
		off += 4;
	}
	if (flags & GW_GRE_F_KEY) {
		info->key = load_be32(p + off);
		off += 4;
	}
	if (flags & GW_GRE_F_SEQ)
		info->seq = load_be32(p + off);
	return GW_DROP_NONE;
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
	return rte_raw_cksum(hdr, len) == 0xffff;
}

void
gw_gre_csum_set(void *hdr, size_t len)
{
	uint8_t *p = hdr;
	uint16_t sum;

	p[4] = 0;
	p[5] = 0;
	sum = ~rte_raw_cksum(p, len);
	/* rte_raw_cksum sums native-order 16-bit words: store as is, no swap. */
	memcpy(p + 4, &sum, sizeof(sum));
}
