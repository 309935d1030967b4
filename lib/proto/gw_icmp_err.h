/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * ICMP error messages a router sends about a packet it cannot forward, on
 * plain bytes (no EAL, no mbuf): the RFC 1812 §4.3.2.7 rules about which
 * packets may cause one, and the message itself (RFC 792, RFC 1191 for the
 * next-hop MTU, RFC 1812 §4.3.2.3 for how much of the packet is quoted).
 *
 * The kinds are protocol-neutral so that ICMPv6 (Packet Too Big, Time
 * Exceeded, RFC 4443) can be added beside the IPv4 functions.
 */
#ifndef GW_ICMP_ERR_H
#define GW_ICMP_ERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Why the gateway reports a packet to its source. */
enum gw_icmp_err_kind {
	GW_ICMP_ERR_TOO_BIG = 1,       /**< IPv4: type 3 code 4; IPv6: Packet Too Big */
	GW_ICMP_ERR_TIME_EXCEEDED = 2, /**< TTL / hop limit exceeded in transit */
};

/** RFC 1812 §4.3.2.3: an ICMP error datagram is at most 576 bytes long. */
#define GW_ICMP4_ERR_MAX 576
/** IPv4 header (20) and ICMP header (8) in front of the quote. */
#define GW_ICMP4_ERR_HDR 28
/** Most bytes of the offending packet quoted. */
#define GW_ICMP4_ERR_QUOTE_MAX (GW_ICMP4_ERR_MAX - GW_ICMP4_ERR_HDR)
/** TTL of the messages the gateway originates. */
#define GW_ICMP4_ERR_TTL 64

/**
 * Whether an ICMP error may be sent about this IPv4 packet (RFC 1812 §4.3.2.7):
 * not about an ICMP error (types 3, 4, 5, 11, 12), a non-first fragment, a
 * multicast, broadcast or class E destination, nor a source that does not
 * name one host (0/8, 127/8, multicast, class E, broadcast). A directed
 * broadcast to a subnet needs the routing tables: the caller checks that.
 *
 * @param ip   The IPv4 header, its options and what follows.
 * @param len  Readable bytes at ip (an ICMP packet needs its type byte in them).
 */
bool gw_icmp4_err_allowed(const void *ip, size_t len);

/**
 * Build an ICMP error about an IPv4 packet: IPv4 header (no options, DF
 * clear, TOS 0xc0 as Linux sends, TTL GW_ICMP4_ERR_TTL, valid checksum),
 * ICMP header with its checksum, then the start of the offending packet.
 *
 * @param out    GW_ICMP4_ERR_MAX writable bytes.
 * @param orig   The offending packet from its IPv4 header on.
 * @param len    Bytes of it given; at most GW_ICMP4_ERR_QUOTE_MAX are quoted.
 * @param kind   What to report.
 * @param mtu    Next-hop MTU for GW_ICMP_ERR_TOO_BIG (RFC 1191), else unused.
 * @param src    Source address of the message, network order.
 * @param id     IPv4 identification, host order.
 * @return bytes written (the message's total length), 0 if orig is shorter
 *         than an IPv4 header or kind is unknown.
 */
size_t gw_icmp4_err_build(void *out, const void *orig, size_t len, enum gw_icmp_err_kind kind,
			  uint16_t mtu, uint32_t src, uint16_t id);

#endif /* GW_ICMP_ERR_H */
