/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * IPv4 header checksum for the common 20-byte header, inline.
 *
 * rte_ipv4_cksum() walks the header 16 bits at a time through a generic
 * loop; for IHL 5 (every outer header greway builds, nearly every header it
 * receives) five 32-bit adds and three folds give the same one's-complement
 * sum (RFC 1071 §2: the sum is independent of the word size and byte order
 * it is computed in).
 */
#ifndef GW_CKSUM_H
#define GW_CKSUM_H

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ip.h>

/**
 * One's-complement sum of a 20-byte header, folded to 16 bits, native order.
 *
 * @param hdr
 *   20 readable bytes (any alignment).
 * @return
 *   The folded sum; 0xffff when the header (with its checksum) is valid.
 */
static inline uint16_t
gw_ipv4_sum20(const void *hdr)
{
	uint32_t w[5];
	uint64_t s;

	/* any alignment, in C's terms too: DPDK's unaligned_uint32_t is a plain uint32_t on
	 * x86, so a load through it is undefined (UBSan says so); memcpy is the same mov */
	memcpy(w, hdr, sizeof(w));
	s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/**
 * Whether an IPv4 header's checksum is right.
 *
 * @param ip
 *   The header; ihl_bytes of it readable.
 * @param ihl_bytes
 *   Header length in bytes (20..60).
 */
/**
 * RFC 1624 incremental update: the checksum after one 16-bit word of the
 * summed data changed from old to new (both as stored, network order).
 */
static inline uint16_t
gw_cksum_update16(uint16_t cksum, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~cksum + (uint32_t)(uint16_t)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ECN codepoints of the IPv4 TOS byte's two low bits (RFC 3168). */
#define GW_ECN_MASK    0x03
#define GW_ECN_NOT_ECT 0x00
#define GW_ECN_ECT1    0x01
#define GW_ECN_ECT0    0x02
#define GW_ECN_CE      0x03

/**
 * RFC 6040 §4.2 (decapsulation, normal mode): the inner ECN field once the
 * outer one is merged in. Outer CE marks the inner packet CE; outer ECT(1)
 * over inner ECT(0) becomes ECT(1); every other pair leaves the inner field.
 *
 * @return the new inner field, or -1: drop (outer CE over a packet that is
 *   not ECN-capable).
 */
static inline int
gw_ecn_decap(uint8_t outer, uint8_t inner)
{
	if (outer == GW_ECN_CE)
		return inner == GW_ECN_NOT_ECT ? -1 : GW_ECN_CE;
	if (outer == GW_ECN_ECT1 && inner == GW_ECN_ECT0)
		return GW_ECN_ECT1;
	return inner;
}

static inline int
gw_ipv4_cksum_ok(const struct rte_ipv4_hdr *ip, uint16_t ihl_bytes)
{
	if (likely(ihl_bytes == sizeof(*ip)))
		return gw_ipv4_sum20(ip) == 0xffff;
	return rte_raw_cksum(ip, ihl_bytes) == 0xffff;
}


/**
 * One's-complement sum of an upper-layer packet of IPv6 and its pseudo
 * header (RFC 8200 §8.1), folded to 16 bits, native order: 0xffff when the
 * checksum it carries is right; the checksum to store is its complement
 * (computed with the checksum field zero).
 *
 * @param src, dst  The IPv6 source and final destination.
 * @param proto     The upper-layer protocol (58 for ICMPv6).
 * @param l4, len   The upper-layer packet and its length.
 */
static inline uint16_t
gw_ip6_l4_sum(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, const void *l4,
	      uint32_t len)
{
	uint32_t w[2] = { rte_cpu_to_be_32(len), rte_cpu_to_be_32(proto) };
	uint32_t sum;

	sum = __rte_raw_cksum(src, 16, 0);
	sum = __rte_raw_cksum(dst, 16, sum);
	sum = __rte_raw_cksum(w, sizeof(w), sum);
	sum = __rte_raw_cksum(l4, len, sum);
	return __rte_raw_cksum_reduce(sum);
}

#endif /* GW_CKSUM_H */
