/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Differential harness of the checksum kernels (lib/simd): the first 4
 * bytes of the input are an initial sum and the first byte also an
 * offset 0..63, the rest the data. Every variant this CPU runs must give
 * the scalar kernel's result, and the scalar kernel the plain reference's
 * (big-endian words summed in 64 bits, ref_csum.h). Network data reaches
 * these kernels on every GRE packet with a checksum, either way.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "fuzz_check.h"
#include "gw_simd.h"
#include "ref_csum.h"

static uint8_t buf[64 + (1 << 17)];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct gw_simd_ops *scalar = gw_simd_ops_of(GW_SIMD_SCALAR);
	size_t off, len;
	uint32_t sum;
	uint16_t want;
	int isa;

	if (size < 4 || size - 4 > sizeof(buf) - 64)
		return 0;
	sum = be32(data);
	off = data[0] & 63;
	len = size - 4;
	memcpy(buf + off, data + 4, len);
	/* with no initial sum, against the reference; folding an initial sum in is
	 * the same for every variant, checked below */
	want = scalar->cksum(buf + off, len, 0);
	CHECK(want == rte_be_to_cpu_16(ref_csum_sum(buf + off, len)));
	want = scalar->cksum(buf + off, len, sum);
	for (isa = GW_SIMD_SCALAR + 1; isa < GW_SIMD_ISA_MAX; isa++) {
		const struct gw_simd_ops *ops = gw_simd_ops_of(isa);

		if (ops == NULL || !gw_simd_cpu_has(isa))
			continue;
		CHECK(ops->cksum(buf + off, len, sum) == want);
		CHECK(ops->cksum(buf + off, len, 0) == scalar->cksum(buf + off, len, 0));
	}
	return 0;
}
