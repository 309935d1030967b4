/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Between the selector (simd.c) and the variants (simd_*.c): each variant
 * file defines its table; the scalar kernels double as every vector kernel's
 * tail, so all variants agree on the last bytes by construction.
 */
#ifndef GW_SIMD_PRIV_H
#define GW_SIMD_PRIV_H

#include <stdint.h>
#include <string.h>

#include "gw_simd.h"

extern const struct gw_simd_ops gw_simd_scalar_ops;
extern const struct gw_simd_ops gw_simd_avx2_ops;
extern const struct gw_simd_ops gw_simd_avx512_ops;

/** Fold a 64-bit one's-complement accumulator to 16 bits (nonzero stays nonzero). */
static inline uint16_t
gw_simd_fold64(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/**
 * The scalar sum, unfolded: 8 bytes per step as two 32-bit halves into a
 * 64-bit accumulator (no carries to chase: 2^32 steps before it could wrap).
 */
static inline uint64_t
gw_simd_sum_scalar(const uint8_t *p, size_t len, uint64_t s)
{
	uint64_t x, y;
	uint32_t w;
	uint16_t h;

	for (; len >= 16; p += 16, len -= 16) {
		memcpy(&x, p, 8);
		memcpy(&y, p + 8, 8);
		s += (x & 0xffffffff) + (x >> 32) + (y & 0xffffffff) + (y >> 32);
	}
	if (len >= 8) {
		memcpy(&x, p, 8);
		s += (x & 0xffffffff) + (x >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w, p, 4);
		s += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		s += h;
		p += 2;
		len -= 2;
	}
	if (len != 0) {
		/* the odd byte is the first half of a zero-padded word, in memory order */
		h = 0;
		memcpy(&h, p, 1);
		s += h;
	}
	return s;
}

#endif /* GW_SIMD_PRIV_H */
