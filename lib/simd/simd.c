/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Kernel selection and the scalar kernels (the reference the vector ones are
 * tested against). Which variant runs is decided once, at start: a function
 * pointer per kernel, called once per packet, costs about a cycle and keeps
 * one binary right on every CPU.
 */
#include <string.h>

#include "simd_priv.h"

static uint16_t
cksum_scalar(const void *buf, size_t len, uint32_t sum)
{
	return gw_simd_fold64(gw_simd_sum_scalar(buf, len, sum));
}

#define SCALAR_OPS { .name = "scalar", .bitwidth = 64, .cksum = cksum_scalar }

const struct gw_simd_ops gw_simd_scalar_ops = SCALAR_OPS;
struct gw_simd_ops gw_simd = SCALAR_OPS; /* until gw_simd_select() */

const struct gw_simd_ops *
gw_simd_ops_of(enum gw_simd_isa isa)
{
	switch (isa) {
	case GW_SIMD_SCALAR:
		return &gw_simd_scalar_ops;
#if defined(__x86_64__)
	case GW_SIMD_AVX2:
		return &gw_simd_avx2_ops;
	case GW_SIMD_AVX512:
		return &gw_simd_avx512_ops;
#endif
	default:
		return NULL;
	}
}

bool
gw_simd_cpu_has(enum gw_simd_isa isa)
{
	switch (isa) {
	case GW_SIMD_SCALAR:
		return true;
#if defined(__x86_64__)
	case GW_SIMD_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2");
	case GW_SIMD_AVX512:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx512f");
#endif
	default:
		return false;
	}
}

enum gw_simd_isa
gw_simd_select(unsigned int max_bitwidth)
{
	int isa;

	for (isa = GW_SIMD_ISA_MAX - 1; isa > GW_SIMD_SCALAR; isa--) {
		const struct gw_simd_ops *ops = gw_simd_ops_of(isa);

		if (ops != NULL && ops->bitwidth <= max_bitwidth && gw_simd_cpu_has(isa))
			break;
	}
	gw_simd = *gw_simd_ops_of(isa);
	return isa;
}

void
gw_match16_eth_ipv4(struct gw_match16 *m, const uint8_t mac[6])
{
	struct gw_match16 t;
	unsigned int i;

	memset(&t, 0, sizeof(t));
	memcpy(t.bytes.b, mac, 6);
	memset(t.mask.b, 0xff, 6);
	t.bytes.b[12] = 0x08; /* ethertype 0x0800, network order */
	t.bytes.b[13] = 0x00;
	t.bytes.b[14] = 0x45; /* version 4, IHL 5 */
	memset(t.mask.b + 12, 0xff, 3);
	/* what never changes first, the MAC word last (see gw_simd.h) */
	for (i = 0; i < 2; i++)
		__atomic_store_n(&m->mask.w[i], t.mask.w[i], __ATOMIC_RELAXED);
	__atomic_store_n(&m->bytes.w[1], t.bytes.w[1], __ATOMIC_RELAXED);
	__atomic_store_n(&m->bytes.w[0], t.bytes.w[0], __ATOMIC_RELEASE);
}
