/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The Internet checksum (RFC 1071) written the plain way, as the reference
 * the GRE checksum is checked against by the unit tests and the fuzzer:
 * big-endian 16-bit words summed in 64 bits, an odd trailing byte padded
 * with a zero byte on its right, carries folded back in. Deliberately shares
 * nothing with DPDK's rte_raw_cksum() that lib/proto uses.
 */
#ifndef GW_REF_CSUM_H
#define GW_REF_CSUM_H

#include <stddef.h>
#include <stdint.h>

/** One's complement sum of len bytes, folded to 16 bits (0 only for all-zero data). */
static inline uint16_t
ref_csum_sum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint64_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint64_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/** The checksum to store over these bytes (whose checksum field reads 0). */
static inline uint16_t
ref_csum(const uint8_t *p, size_t len)
{
	return (uint16_t)~ref_csum_sum(p, len);
}

/** Whether bytes carrying a checksum verify: their sum is 0xffff (RFC 1071). */
static inline int
ref_csum_ok(const uint8_t *p, size_t len)
{
	return ref_csum_sum(p, len) == 0xffff;
}

#endif /* GW_REF_CSUM_H */
