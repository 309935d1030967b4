/* SPDX-License-Identifier: BSD-3-Clause
 *
 * AVX-512 (F) kernels: the AVX2 ones at twice the width. Selected only when
 * EAL allows 512-bit vectors (--force-max-simd-bitwidth=512), as DPDK does:
 * on some CPUs the wide units lower the clock for everything else.
 */
#include <immintrin.h>

#include "simd_priv.h"

#define AVX512 __attribute__((target("avx512f")))

/* As in simd_avx2.c: 2 x 0xffff per lane per step, emptied before a lane could wrap. */
#define CKSUM_STEPS_MAX 16384

AVX512 static uint64_t
lanes_sum(__m512i a)
{
	__m512i lo = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(a));
	__m512i hi = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(a, 1));

	return (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(lo, hi));
}

AVX512 static uint16_t
cksum_avx512(const void *buf, size_t len, uint32_t sum)
{
	const __m512i low16 = _mm512_set1_epi32(0xffff);
	const uint8_t *p = buf;
	uint64_t s = sum;

	while (len >= 128) {
		__m512i a = _mm512_setzero_si512(), b = _mm512_setzero_si512();
		size_t steps = len / 128 < CKSUM_STEPS_MAX ? len / 128 : CKSUM_STEPS_MAX;

		len -= steps * 128;
		for (; steps != 0; steps--, p += 128) {
			__m512i x = _mm512_loadu_si512(p);
			__m512i y = _mm512_loadu_si512(p + 64);

			a = _mm512_add_epi32(a, _mm512_and_si512(x, low16));
			b = _mm512_add_epi32(b, _mm512_srli_epi32(x, 16));
			a = _mm512_add_epi32(a, _mm512_and_si512(y, low16));
			b = _mm512_add_epi32(b, _mm512_srli_epi32(y, 16));
		}
		s += lanes_sum(a) + lanes_sum(b);
	}
	return gw_simd_fold64(gw_simd_sum_scalar(p, len, s));
}

const struct gw_simd_ops gw_simd_avx512_ops = {
	.name = "avx512",
	.bitwidth = 512,
	.cksum = cksum_avx512,
};
