/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * ICMP error messages a router sends about a packet it cannot forward, on
 * plain bytes (no EAL, no mbuf): the RFC 1812 §4.3.2.7 rules about which
 * packets may cause one, and the message itself (RFC 792, RFC 1191 for the
 * next-hop MTU, RFC 1812 §4.3.2.3 for how much of the packet is quoted).
 *
 * The kinds are protocol-neutral: ICMPv6 (Packet Too Big, Time Exceeded,
 * RFC 4443) has its functions beside the IPv4 ones.
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

/** RFC 4443 §2.4(c): an ICMPv6 error fits the IPv6 minimum MTU. */
#define GW_ICMP6_ERR_MAX 1280
/** IPv6 header (40) and ICMPv6 header (8) in front of the quote. */
#define GW_ICMP6_ERR_HDR 48
/** Most bytes of the offending packet quoted. */
#define GW_ICMP6_ERR_QUOTE_MAX (GW_ICMP6_ERR_MAX - GW_ICMP6_ERR_HDR)
/** Hop limit of the ICMPv6 errors the gateway originates (Linux's default). */
#define GW_ICMP6_ERR_HOPS 64

/**
 * Whether an ICMPv6 error of a kind may be sent about this IPv6 packet
 * (RFC 4443 §2.4(e)): not about an ICMPv6 error or a redirect (found behind
 * the extension headers; a packet whose ICMPv6 type cannot be read is not
 * answered, one whose headers cannot be walked is, as Linux), not to a
 * multicast, unspecified or loopback source, and not about a packet to a
 * multicast group, except a Packet Too Big (so that multicast PMTU
 * discovery works).
 *
 * @param ip6  The IPv6 header and what follows.
 * @param len  Readable bytes at ip6.
 */
bool gw_icmp6_err_allowed(const void *ip6, size_t len, enum gw_icmp_err_kind kind);

/**
 * Build an ICMPv6 error about an IPv6 packet: IPv6 header (traffic class 0,
 * hop limit GW_ICMP6_ERR_HOPS) from src to the offending packet's source,
 * ICMPv6 Packet Too Big (type 2, the 32-bit MTU) or Time Exceeded (type 3
 * code 0) with its checksum, then as much of the packet as keeps the whole
 * within GW_ICMP6_ERR_MAX bytes.
 *
 * @param out    GW_ICMP6_ERR_MAX writable bytes.
 * @param orig   The offending packet from its IPv6 header on.
 * @param len    Bytes of it given; at most GW_ICMP6_ERR_QUOTE_MAX are quoted.
 * @param mtu    Next-hop MTU for GW_ICMP_ERR_TOO_BIG, else unused.
 * @param src    Source address of the message.
 * @return bytes written, 0 if orig is shorter than an IPv6 header or kind is unknown.
 */
size_t gw_icmp6_err_build(void *out, const void *orig, size_t len, enum gw_icmp_err_kind kind,
			  uint32_t mtu, const uint8_t src[16]);

#endif /* GW_ICMP_ERR_H */
