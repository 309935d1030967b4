/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Kernels of the packet path in several instruction-set variants, one set
 * selected once at start; and the frame template classify compares with.
 *
 * Each kernel has a scalar variant (the reference, and what any x86-64 or
 * other CPU runs), an AVX2 one and an AVX-512 one. gw_simd_select() picks the
 * widest variant the CPU has and EAL allows (`--force-max-simd-bitwidth`,
 * rte_vect_get_max_simd_bitwidth(): 256 unless raised), as DPDK's own PMDs
 * pick their rx/tx paths. The variants return identical results for every
 * input (tests/unit/test_simd.c checks them against each other and against
 * DPDK's rte_raw_cksum()); only their speed differs.
 *
 * Until gw_simd_select() runs, gw_simd holds the scalar kernels, so code
 * that never selects (grewayctl, the fuzzers, unit tests) is still right.
 */
#ifndef GW_SIMD_H
#define GW_SIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** The variants, narrowest first. */
enum gw_simd_isa {
	GW_SIMD_SCALAR, /**< plain C: 64-bit words */
	GW_SIMD_AVX2,   /**< 256-bit vectors */
	GW_SIMD_AVX512, /**< 512-bit vectors (AVX-512 F) */
	GW_SIMD_ISA_MAX,
};

/**
 * What the first 16 bytes of a frame must hold: bytes.b[i] wherever
 * mask.b[i] is 0xff; the other bytes are not looked at. As 64-bit words
 * (w, memory order) it is read and written one word at a time, atomically:
 * workers compare frames with it while the control thread changes a MAC.
 */
struct gw_match16 {
	union {
		uint8_t b[16];  /**< expected values, 0 where the mask is 0 */
		uint64_t w[2];  /**< the same bytes as two words */
	} bytes;
	union {
		uint8_t b[16];  /**< 0xff: compared, 0: ignored */
		uint64_t w[2];  /**< the same bytes as two words */
	} mask;
} __attribute__((aligned(16)));

/** One variant of every kernel. */
struct gw_simd_ops {
	const char *name;      /**< "scalar", "avx2", "avx512" */
	unsigned int bitwidth; /**< vector width it needs, in bits (64 for scalar) */
	/**
	 * One's-complement sum (RFC 1071) of len bytes at buf, added to sum.
	 * Same result as DPDK's __rte_raw_cksum() followed by its reduction:
	 * native-order 16-bit words, a trailing odd byte as the low-address half
	 * of a word, folded to 16 bits (0 only when everything summed is 0).
	 */
	uint16_t (*cksum)(const void *buf, size_t len, uint32_t sum);
};

/** The selected kernels (the scalar ones until gw_simd_select()). */
extern struct gw_simd_ops gw_simd;

/**
 * A variant's kernels, whether or not this CPU can run them.
 *
 * @return NULL for an unknown isa.
 */
const struct gw_simd_ops *gw_simd_ops_of(enum gw_simd_isa isa);

/** Whether this CPU runs the variant (CPUID, as the compiler's runtime sees it). */
bool gw_simd_cpu_has(enum gw_simd_isa isa);

/**
 * Select the widest variant that the CPU runs and that fits max_bitwidth,
 * and install it in gw_simd. Call once, before any worker starts.
 *
 * @param max_bitwidth
 *   The widest vectors allowed, in bits: rte_vect_get_max_simd_bitwidth()
 *   (64 = scalar only, 256 = up to AVX2, 512 = up to AVX-512).
 * @return the variant installed.
 */
enum gw_simd_isa gw_simd_select(unsigned int max_bitwidth);

/**
 * The template of a frame greway takes the fast path for: Ethernet to mac,
 * ethertype IPv4, IPv4 version 4 with a 20-byte header.
 *
 * Safe while workers read m: the mask and the second word never change
 * (they are stored again with the values they have), and the destination
 * MAC is the first word, stored last, in one atomic store. A reader sees the
 * old MAC or the new one, never a mix and never an empty mask.
 */
void gw_match16_eth_ipv4(struct gw_match16 *m, const uint8_t mac[6]);

/**
 * Which of four frames match m: bit i set when frame[i]'s first 16 bytes
 * equal m->bytes under m->mask. Each frame must have 16 readable bytes (an
 * mbuf's data room always has).
 *
 * Inline and scalar (two 64-bit words per frame) on purpose: AVX2 and
 * AVX-512 versions behind the kernel table measured 3 cycles per packet
 * slower in classify than this (doc/benchmarks.md), the call costing more
 * than the compare.
 */
static inline unsigned int
gw_match16_test4(const void *const frame[4], const struct gw_match16 *m)
{
	uint64_t b0 = __atomic_load_n(&m->bytes.w[0], __ATOMIC_RELAXED);
	uint64_t b1 = __atomic_load_n(&m->bytes.w[1], __ATOMIC_RELAXED);
	uint64_t k0 = __atomic_load_n(&m->mask.w[0], __ATOMIC_RELAXED);
	uint64_t k1 = __atomic_load_n(&m->mask.w[1], __ATOMIC_RELAXED);
	uint64_t x0, x1;
	unsigned int i, hit = 0;

	for (i = 0; i < 4; i++) {
		memcpy(&x0, frame[i], 8);
		memcpy(&x1, (const uint8_t *)frame[i] + 8, 8);
		hit |= (unsigned int)((((x0 & k0) ^ b0) | ((x1 & k1) ^ b1)) == 0) << i;
	}
	return hit;
}

#endif /* GW_SIMD_H */
