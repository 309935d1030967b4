/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The vector kernels against the scalar ones and against independent
 * references: every variant this CPU runs must give the same result for the
 * same input, byte for byte (lib/simd/gw_simd.h). A variant the CPU lacks is
 * skipped, not passed.
 *
 * Corpus: every length 0..2100 at 8 alignments on random data; jumbo and
 * 64 KiB packets; buffers of all-ones bytes long enough to wrap a vector
 * lane's 32-bit sum if the kernels did not empty them in time (BIG); initial
 * sums. And classify's frame matcher against a byte-by-byte reference: a
 * matching frame with each bit of its 16 bytes flipped, in each of the four
 * slots, plus random templates and frames.
 */
#include "gw_test.h"

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "gw_simd.h"
#include "ref_csum.h"

/*
 * All-ones data adds 2 x 0xffff to a 32-bit lane per vector step: a lane
 * wraps after 32769 steps unless the kernel empties it first, that is past
 * 2 MiB + 64 bytes for AVX2 and 4 MiB + 128 for AVX-512. The buffer goes
 * beyond both, and those lengths are tested.
 */
#define BIG ((8u << 20) + 256)

static uint8_t *buf;

/* Deterministic random bytes (xorshift): a failing row fails the same way every time. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
fill_random(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rng();
}

/* ref_csum_sum() sums big-endian words; the kernels, like rte_raw_cksum, native ones. */
static uint16_t
ref_native(const uint8_t *p, size_t len)
{
	return rte_be_to_cpu_16(ref_csum_sum(p, len));
}

static const struct gw_simd_ops *
ops_or_skip(enum gw_simd_isa isa)
{
	if (!gw_simd_cpu_has(isa))
		skip();
	return gw_simd_ops_of(isa);
}

static void
test_cksum_lengths(void **state)
{
	const struct gw_simd_ops *ops = ops_or_skip((enum gw_simd_isa)(uintptr_t)*state);
	size_t len, off;

	fill_random(buf, 4096);
	for (off = 0; off < 8; off++)
		for (len = 0; len <= 2100; len++) {
			uint16_t want = rte_raw_cksum(buf + off, len), got = ops->cksum(buf + off, len, 0);

			if (got != want)
				fail_msg("%s: %zu bytes at offset %zu: 0x%04x, rte_raw_cksum 0x%04x",
					 ops->name, len, off, got, want);
		}
}

static void
test_cksum_big(void **state)
{
	const struct gw_simd_ops *ops = ops_or_skip((enum gw_simd_isa)(uintptr_t)*state);
	static const size_t lens[] = { 9000, 9018, 65535, 65536, (1u << 20) - 1, 1u << 20,
				       (2u << 20) + 64, (2u << 20) + 65, (4u << 20) + 128,
				       (4u << 20) + 131, BIG - 3, BIG };
	size_t i;

	fill_random(buf, BIG);
	for (i = 0; i < GW_NELEM(lens); i++)
		assert_int_equal(ops->cksum(buf + 1, lens[i] - 1, 0), ref_native(buf + 1, lens[i] - 1));
	/* all ones: every 32-bit lane gets its maximum each step */
	memset(buf, 0xff, BIG);
	for (i = 0; i < GW_NELEM(lens); i++)
		assert_int_equal(ops->cksum(buf, lens[i], 0), ref_native(buf, lens[i]));
	memset(buf, 0, BIG);
	assert_int_equal(ops->cksum(buf, BIG, 0), 0); /* zero only when all is zero */
	buf[BIG - 1] = 1;
	assert_int_equal(ops->cksum(buf, BIG, 0), ref_native(buf, BIG));
}

static void
test_cksum_initial_sum(void **state)
{
	const struct gw_simd_ops *ops = ops_or_skip((enum gw_simd_isa)(uintptr_t)*state);
	static const uint32_t sums[] = { 0, 1, 0xffff, 0x10000, 0xfffe0001, 0xffffffff };
	size_t i, len;

	fill_random(buf, 512);
	for (i = 0; i < GW_NELEM(sums); i++)
		for (len = 0; len < 300; len += 7)
			assert_int_equal(ops->cksum(buf, len, sums[i]),
					 gw_simd_ops_of(GW_SIMD_SCALAR)->cksum(buf, len, sums[i]));
	/* the scalar one against DPDK's own sum-then-reduce, whose 32-bit sum
	 * drops a carry for initial sums near 2^32: the small ones only */
	for (i = 0; i < 4; i++)
		assert_int_equal(gw_simd_ops_of(GW_SIMD_SCALAR)->cksum(buf, 100, sums[i]),
				 __rte_raw_cksum_reduce(__rte_raw_cksum(buf, 100, sums[i])));
}

/* Every variant this CPU runs against every other, on random lengths and data. */
static void
test_cksum_cross(void **state)
{
	const struct gw_simd_ops *ops = ops_or_skip((enum gw_simd_isa)(uintptr_t)*state);
	const struct gw_simd_ops *ref = gw_simd_ops_of(GW_SIMD_SCALAR);
	int i;

	for (i = 0; i < 20000; i++) {
		size_t off = rng() % 64, len = rng() % 3000;
		uint32_t sum = (uint32_t)rng();

		fill_random(buf + off, len);
		if (ops->cksum(buf + off, len, sum) != ref->cksum(buf + off, len, sum))
			fail_msg("%s: %zu bytes at %zu, sum 0x%08x differs from scalar", ops->name,
				 len, off, sum);
	}
}

/* The plain reference: byte by byte. */
static unsigned int
ref_match4(const void *const frame[4], const struct gw_match16 *m)
{
	unsigned int i, j, hit = 0;

	for (i = 0; i < 4; i++) {
		const uint8_t *f = frame[i];

		for (j = 0; j < 16; j++)
			if ((f[j] & m->mask.b[j]) != m->bytes.b[j])
				break;
		hit |= (unsigned int)(j == 16) << i;
	}
	return hit;
}

static void
test_match4(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	uint8_t frames[4][64];
	const void *fp[4] = { frames[0] + 1, frames[1] + 3, frames[2], frames[3] + 7 };
	struct gw_match16 m;
	unsigned int slot, byte, bit, i;

	gw_match16_eth_ipv4(&m, mac);
	for (i = 0; i < 4; i++) {
		uint8_t *f = (uint8_t *)(uintptr_t)fp[i];

		fill_random(frames[i], sizeof(frames[i]));
		memcpy(f, mac, 6);
		f[12] = 0x08;
		f[13] = 0x00;
		f[14] = 0x45;
	}
	assert_int_equal(gw_match16_test4(fp, &m), 0xf);
	assert_int_equal(ref_match4(fp, &m), 0xf);
	/* one bit of one byte changed in one slot: only compared bytes matter */
	for (slot = 0; slot < 4; slot++)
		for (byte = 0; byte < 16; byte++)
			for (bit = 0; bit < 8; bit++) {
				uint8_t *f = (uint8_t *)(uintptr_t)fp[slot];

				f[byte] ^= (uint8_t)(1u << bit);
				if (gw_match16_test4(fp, &m) != ref_match4(fp, &m))
					fail_msg("slot %u byte %u bit %u: 0x%x, reference 0x%x",
						 slot, byte, bit, gw_match16_test4(fp, &m),
						 ref_match4(fp, &m));
				f[byte] ^= (uint8_t)(1u << bit);
			}
	/* random templates and frames */
	for (i = 0; i < 20000; i++) {
		fill_random(m.mask.b, 16);
		for (byte = 0; byte < 16; byte++) {
			m.mask.b[byte] = m.mask.b[byte] & 1 ? 0xff : 0;
			m.bytes.b[byte] = (uint8_t)rng() & m.mask.b[byte];
		}
		for (slot = 0; slot < 4; slot++) {
			uint8_t *f = (uint8_t *)(uintptr_t)fp[slot];

			for (byte = 0; byte < 16; byte++)
				f[byte] = rng() % 4 ? m.bytes.b[byte] : (uint8_t)rng();
		}
		assert_int_equal(gw_match16_test4(fp, &m), ref_match4(fp, &m));
	}
}

/* The selection: scalar at 64 bits whatever the CPU; never a variant the CPU lacks. */
static void
test_select(void **state)
{
	static const unsigned int widths[] = { 64, 128, 256, 512 };
	size_t i;

	(void)state;
	for (i = 0; i < GW_NELEM(widths); i++) {
		enum gw_simd_isa isa = gw_simd_select(widths[i]);

		assert_true(gw_simd_cpu_has(isa));
		assert_true(gw_simd_ops_of(isa)->bitwidth <= widths[i]);
		assert_string_equal(gw_simd.name, gw_simd_ops_of(isa)->name);
		if (widths[i] < 256)
			assert_int_equal(isa, GW_SIMD_SCALAR);
		if (widths[i] >= 256 && gw_simd_cpu_has(GW_SIMD_AVX2))
			assert_true(isa >= GW_SIMD_AVX2);
	}
	gw_simd_select(64);
}

static const struct {
	enum gw_simd_isa isa;
	const char *name;
} isas[] = {
	{ GW_SIMD_SCALAR, "scalar" },
	{ GW_SIMD_AVX2, "avx2" },
	{ GW_SIMD_AVX512, "avx512" },
};

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	buf = aligned_alloc(64, BIG + 64);
	if (buf == NULL)
		abort();
	for (i = 0; i < GW_NELEM(isas); i++) {
		const void *isa = (const void *)(uintptr_t)isas[i].isa;

		if (gw_simd_ops_of(isas[i].isa) == NULL)
			continue; /* not built for this architecture */
		gw_tests_add(t, test_cksum_lengths, isa,
			     "%s: cksum of 0..2100 bytes at 8 alignments equals rte_raw_cksum",
			     isas[i].name);
		gw_tests_add(t, test_cksum_big, isa,
			     "%s: cksum of jumbo, 64 KiB and 2-8 MiB buffers (lane wrap) equals the reference",
			     isas[i].name);
		gw_tests_add(t, test_cksum_initial_sum, isa, "%s: cksum with an initial sum",
			     isas[i].name);
		gw_tests_add(t, test_cksum_cross, isa,
			     "%s: cksum equals scalar on 20000 random buffers", isas[i].name);
	}
	gw_tests_add(t, test_match4, NULL,
		     "match16: four frames against the byte reference (each bit flipped, random)");
	gw_tests_add(t, test_select, NULL, "select: bit width and CPU decide, scalar below 256");
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "simd", add_tests, NULL, 0);
}
