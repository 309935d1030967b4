/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * IPv6 on bytes: the constants and small helpers the dataplane and the
 * control thread share (RFC 8200, RFC 4861, RFC 2473). Free of EAL.
 */
#ifndef GW_IP6_H
#define GW_IP6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define GW_IP6_HDR_LEN 40          /**< the fixed header */
#define GW_IP6_OPT_TUNNEL_LIMIT 4  /**< RFC 2473 §5.1: tunnel encapsulation limit option type */
#define GW_IP6_OPT_PAD1 0          /**< one byte of padding */
#define GW_IP6_OPT_PADN 1          /**< N bytes of padding */
#define GW_IP6_DSTOPTS_MAX 64      /**< longest destination options header greway walks */

/** Next header values greway names (IANA protocol numbers). */
#define GW_IPPROTO_HOPOPTS 0
#define GW_IPPROTO_GRE 47
#define GW_IPPROTO_ROUTING 43
#define GW_IPPROTO_FRAGMENT 44
#define GW_IPPROTO_ICMPV6 58
#define GW_IPPROTO_NONE 59
#define GW_IPPROTO_DSTOPTS 60

/** ICMPv6 types (RFC 4443, RFC 4861). */
#define GW_ICMP6_DST_UNREACH 1
#define GW_ICMP6_PACKET_TOO_BIG 2
#define GW_ICMP6_TIME_EXCEEDED 3
#define GW_ICMP6_PARAM_PROB 4
#define GW_ICMP6_ECHO_REQUEST 128
#define GW_ICMP6_ECHO_REPLY 129
#define GW_ND_ROUTER_SOLICIT 133
#define GW_ND_ROUTER_ADVERT 134
#define GW_ND_NEIGHBOR_SOLICIT 135
#define GW_ND_NEIGHBOR_ADVERT 136
#define GW_ND_REDIRECT 137

/** The traffic class of an IPv6 header's first word (network order). */
static inline uint8_t
gw_ip6_tc(uint32_t vtc_flow_be)
{
	uint32_t v = __builtin_bswap32(vtc_flow_be);

	return (uint8_t)(v >> 20);
}

/** Whether an IPv6 address is link-local unicast (fe80::/10). */
static inline bool
gw_ip6_is_linklocal(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/** Whether an IPv6 address is multicast (ff00::/8). */
static inline bool
gw_ip6_is_mcast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

/** The solicited-node multicast address of a, ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
static inline void
gw_ip6_solicited_node(const uint8_t a[16], uint8_t out[16])
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, a + 13, 3);
}

/** The link-local address of a MAC, fe80::/64 with its modified EUI-64 (RFC 4291 App. A). */
static inline void
gw_ip6_linklocal_of_mac(const uint8_t mac[6], uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

/** The Ethernet multicast MAC of an IPv6 group, 33:33 + its last 32 bits (RFC 2464 §7). */
static inline void
gw_ip6_mcast_mac(const uint8_t group[16], uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}

#endif /* GW_IP6_H */
