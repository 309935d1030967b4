/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * GRE header codec (RFC 2784, with the key and sequence number of RFC 2890).
 *
 * Works on plain bytes: no mbufs, no state, no EAL, so the dataplane, the
 * unit tests and the fuzzer call the same code. Multi-byte values in
 * struct gw_gre_info are in host byte order.
 *
 * Wire layout of the first 16 bits (RFC 1701 numbering, bit 0 first):
 *
 *     C R K S s Recur(3) Flags(5) Ver(3)
 *
 * Receipt rules: version must be 0; R (1), s (4) and the first recursion bit
 * (5) are refused, as RFC 2784 orders for bits 1-5 minus the K and S that
 * RFC 2890 gave meaning to; bits 6-12 are ignored. On transmit they are all 0.
 */
#ifndef GW_GRE_H
#define GW_GRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include <rte_byteorder.h>

#include "gw_drop.h"

#define GW_GRE_F_CSUM    0x8000 /**< C: checksum and reserved1 present */
#define GW_GRE_F_ROUTING 0x4000 /**< R: RFC 1701 routing, refused */
#define GW_GRE_F_KEY     0x2000 /**< K: key present (RFC 2890) */
#define GW_GRE_F_SEQ     0x1000 /**< S: sequence number present (RFC 2890) */
#define GW_GRE_F_SSR     0x0800 /**< s: RFC 1701 strict source route, refused */
#define GW_GRE_F_RECUR1  0x0400 /**< first bit of the RFC 1701 recursion field, refused */
#define GW_GRE_F_IGNORED 0x03f8 /**< bits 6-12: ignored on receipt, sent as 0 */
#define GW_GRE_VER_MASK  0x0007 /**< version, must be 0 */

/** Bits whose presence makes a receiver discard the packet. */
#define GW_GRE_F_REFUSED (GW_GRE_F_ROUTING | GW_GRE_F_SSR | GW_GRE_F_RECUR1)
/** The option bits greway understands and emits. */
#define GW_GRE_F_OPTIONS (GW_GRE_F_CSUM | GW_GRE_F_KEY | GW_GRE_F_SEQ)

#define GW_GRE_PROTO_IPV4 0x0800 /**< payload is IPv4 */
#define GW_GRE_PROTO_IPV6 0x86dd /**< payload is IPv6 */
#define GW_GRE_PROTO_TEB  0x6558 /**< payload is an Ethernet frame (GRETAP) */
/**
 * A Cisco keepalive: GRE with protocol type 0 and no payload. The sender
 * puts it, inside an IPv4 header addressed back to itself, in a GRE packet
 * to its peer, which decapsulates and routes it: the peer sends back a bare
 * GRE packet of type 0, which tells the sender the tunnel works both ways.
 */
#define GW_GRE_PROTO_KEEPALIVE 0x0000

#define GW_GRE_HDR_MIN 4  /**< flags + protocol */
#define GW_GRE_HDR_MAX 16 /**< with checksum, key and sequence number */

/** A parsed (or to-be-built) GRE header. */
struct gw_gre_info {
	uint16_t flags;   /**< GW_GRE_F_CSUM/KEY/SEQ present, other bits cleared */
	uint16_t proto;   /**< protocol type (EtherType) */
	uint16_t hdr_len; /**< header length in bytes: 4 + 4 per option */
	uint16_t csum;    /**< checksum field as on the wire (valid if F_CSUM) */
	uint32_t key;     /**< key (valid if F_KEY); 0 is a real key */
	uint32_t seq;     /**< sequence number (valid if F_SEQ) */
};

/**
 * Header length implied by a flags word.
 *
 * @param flags
 *   First 16 bits of the header, host order; only C, K and S count.
 * @return
 *   4 plus 4 for each of checksum, key and sequence number.
 */
static inline uint16_t
gw_gre_hdr_len(uint16_t flags)
{
	return GW_GRE_HDR_MIN + (flags & GW_GRE_F_CSUM ? 4 : 0) +
		(flags & GW_GRE_F_KEY ? 4 : 0) + (flags & GW_GRE_F_SEQ ? 4 : 0);
}

/**
 * Validate and decode a received GRE header.
 *
 * Checks, in order: enough bytes for the fixed part, version 0, refused
 * bits clear, the options fit in len. It does not check the protocol type
 * (the tunnel decides what it carries) nor verify the checksum (that needs
 * the payload: see gw_gre_csum_ok()).
 *
 * @param hdr
 *   First byte of the GRE header.
 * @param len
 *   Bytes available from hdr (header plus payload).
 * @param info
 *   Filled on success; untouched on failure.
 * @return
 *   GW_DROP_NONE, or GW_DROP_GRE_SHORT, GW_DROP_GRE_VERSION, GW_DROP_GRE_FLAGS.
 */
static inline enum gw_drop
gw_gre_parse(const void *hdr, size_t len, struct gw_gre_info *info)
{
	const uint8_t *p = hdr;
	uint16_t flags, proto, hlen;
	uint32_t word;
	size_t off;

	/* Lengths first: nothing past len is ever read. */
	if (len < GW_GRE_HDR_MIN)
		return GW_DROP_GRE_SHORT;
	memcpy(&flags, p, 2);
	flags = rte_be_to_cpu_16(flags);
	if (flags & GW_GRE_VER_MASK)
		return GW_DROP_GRE_VERSION;
	if (flags & GW_GRE_F_REFUSED)
		return GW_DROP_GRE_FLAGS;
	hlen = gw_gre_hdr_len(flags);
	if (hlen > len)
		return GW_DROP_GRE_SHORT;

	memcpy(&proto, p + 2, 2);
	info->flags = flags & GW_GRE_F_OPTIONS;
	info->proto = rte_be_to_cpu_16(proto);
	info->hdr_len = hlen;
	info->csum = 0;
	info->key = 0;
	info->seq = 0;
	off = GW_GRE_HDR_MIN;
	if (flags & GW_GRE_F_CSUM) {
		/* reserved1 (p[off + 2..3]) is ignored on receipt */
		memcpy(&proto, p + off, 2);
		info->csum = rte_be_to_cpu_16(proto);
		off += 4;
	}
	if (flags & GW_GRE_F_KEY) {
		memcpy(&word, p + off, 4);
		info->key = rte_be_to_cpu_32(word);
		off += 4;
	}
	if (flags & GW_GRE_F_SEQ) {
		memcpy(&word, p + off, 4);
		info->seq = rte_be_to_cpu_32(word);
	}
	return GW_DROP_NONE;
}

/**
 * Write a GRE header.
 *
 * Emits the options in RFC order (checksum + reserved1, key, sequence);
 * the checksum field is written as 0 for gw_gre_csum_set() to fill once the
 * payload is in place.
 *
 * @param hdr
 *   Destination, at least gw_gre_hdr_len(info->flags) bytes.
 * @param info
 *   flags (only C, K, S are used), proto, key, seq.
 * @return
 *   Bytes written.
 */
size_t gw_gre_build(void *hdr, const struct gw_gre_info *info);

/**
 * Check the RFC 1071 checksum of a GRE packet with the C bit set.
 *
 * @param hdr
 *   First byte of the GRE header.
 * @param len
 *   Length of header plus payload.
 * @return
 *   true when the one's-complement sum over all len bytes is 0xffff.
 */
bool gw_gre_csum_ok(const void *hdr, size_t len);

/**
 * Compute and store the checksum of a GRE packet with the C bit set.
 *
 * @param hdr
 *   First byte of the GRE header (checksum field at offset 4).
 * @param len
 *   Length of header plus payload.
 */
void gw_gre_csum_set(void *hdr, size_t len);

/**
 * Whether a protocol type is one greway can carry at all.
 *
 * @param proto
 *   Protocol type, host order.
 * @return
 *   true for IPv4, IPv6 and transparent Ethernet bridging.
 */
static inline bool
gw_gre_proto_known(uint16_t proto)
{
	return proto == GW_GRE_PROTO_IPV4 || proto == GW_GRE_PROTO_IPV6 ||
		proto == GW_GRE_PROTO_TEB;
}

#endif /* GW_GRE_H */
