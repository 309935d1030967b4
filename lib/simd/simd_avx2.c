/* SPDX-License-Identifier: BSD-3-Clause
 *
 * AVX2 kernels. Compiled with a target attribute rather than a build flag,
 * so one binary runs everywhere and only gw_simd_select() decides.
 */
#include <immintrin.h>

#include "simd_priv.h"

#define AVX2 __attribute__((target("avx2")))

/*
 * 32-bit lanes take the low and the high 16-bit word of each lane apart;
 * every lane gains at most 2 x 0xffff per 64 bytes, so 16384 steps (1 MiB)
 * go by before a lane could wrap, and the lanes are emptied into 64 bits then.
 */
#define CKSUM_STEPS_MAX 16384

AVX2 static uint64_t
lanes_sum(__m256i a)
{
	__m256i lo = _mm256_cvtepu32_epi64(_mm256_castsi256_si128(a));
	__m256i hi = _mm256_cvtepu32_epi64(_mm256_extracti128_si256(a, 1));
	__m256i s = _mm256_add_epi64(lo, hi);
	__m128i t = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));

	return (uint64_t)_mm_cvtsi128_si64(t) + (uint64_t)_mm_extract_epi64(t, 1);
}

AVX2 static uint16_t
cksum_avx2(const void *buf, size_t len, uint32_t sum)
{
	const __m256i low16 = _mm256_set1_epi32(0xffff);
	const uint8_t *p = buf;
	uint64_t s = sum;

	while (len >= 64) {
		__m256i a = _mm256_setzero_si256(), b = _mm256_setzero_si256();
		size_t steps = len / 64 < CKSUM_STEPS_MAX ? len / 64 : CKSUM_STEPS_MAX;

		len -= steps * 64;
		for (; steps != 0; steps--, p += 64) {
			__m256i x = _mm256_loadu_si256((const __m256i *)p);
			__m256i y = _mm256_loadu_si256((const __m256i *)(p + 32));

			a = _mm256_add_epi32(a, _mm256_and_si256(x, low16));
			b = _mm256_add_epi32(b, _mm256_srli_epi32(x, 16));
			a = _mm256_add_epi32(a, _mm256_and_si256(y, low16));
			b = _mm256_add_epi32(b, _mm256_srli_epi32(y, 16));
		}
		s += lanes_sum(a) + lanes_sum(b);
	}
	return gw_simd_fold64(gw_simd_sum_scalar(p, len, s));
}

const struct gw_simd_ops gw_simd_avx2_ops = {
	.name = "avx2",
	.bitwidth = 256,
	.cksum = cksum_avx2,
};
