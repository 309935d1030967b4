/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Neighbor Discovery on plain bytes: the validity checks of RFC 4861 that
 * need no state, in the order that costs least first, and the NS and NA
 * greway sends. Fed by the network through the control thread (and by the
 * fuzzer, tests/fuzz/fuzz_nd.c): every read is bounded by the IPv6 payload
 * length, itself bounded by what was received.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "gw_cksum.h"
#include "gw_ip6.h"
#include "gw_nd.h"

/* The fixed part of each message, ICMPv6 header included (RFC 4861 §4). */
static size_t
fixed_len(uint8_t type)
{
	switch (type) {
	case GW_ND_ROUTER_SOLICIT:
		return 8;
	case GW_ND_ROUTER_ADVERT:
		return 16;
	case GW_ND_NEIGHBOR_SOLICIT:
	case GW_ND_NEIGHBOR_ADVERT:
		return 24;
	case GW_ND_REDIRECT:
		return 40;
	default:
		return 0;
	}
}

static bool
is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* ff02::1:ffXX:XXXX of any XX:XXXX */
static bool
is_solicited_node(const uint8_t a[16])
{
	uint8_t sn[16];

	gw_ip6_solicited_node(a, sn);
	return memcmp(a, sn, 16) == 0;
}

/*
 * §4.6: options are (type, length in 8-byte units); length 0 is invalid,
 * as is one running past the message. The link-layer address option of the
 * kind this message carries is an Ethernet address here: 8 bytes.
 */
static enum gw_nd_verdict
parse_options(const uint8_t *o, size_t len, uint8_t lla_type, struct gw_nd_msg *msg)
{
	size_t olen;

	while (len != 0) {
		if (len < 2 || o[1] == 0)
			return GW_ND_OPTION;
		olen = (size_t)o[1] * 8;
		if (olen > len)
			return GW_ND_OPTION;
		if (o[0] == lla_type) {
			if (olen != 8)
				return GW_ND_OPTION;
			if (!msg->has_lladdr) { /* the first one counts, as Linux */
				memcpy(msg->lladdr, o + 2, 6);
				msg->has_lladdr = true;
			}
		}
		o += olen;
		len -= olen;
	}
	return GW_ND_OK;
}

enum gw_nd_verdict
gw_nd_parse(const void *p, size_t len, struct gw_nd_msg *msg)
{
	const uint8_t *ip = p, *icmp = ip + GW_IP6_HDR_LEN;
	size_t plen, fixed;
	uint8_t lla_type;
	enum gw_nd_verdict v;

	memset(msg, 0, sizeof(*msg));
	if (len < GW_IP6_HDR_LEN + 4)
		return GW_ND_SHORT;
	if ((ip[0] >> 4) != 6 || ip[6] != GW_IPPROTO_ICMPV6)
		return GW_ND_NOT_ND;
	plen = (size_t)ip[4] << 8 | ip[5];
	if (plen < 4 || plen > len - GW_IP6_HDR_LEN)
		return GW_ND_SHORT;
	msg->type = icmp[0];
	fixed = fixed_len(msg->type);
	if (fixed == 0)
		return GW_ND_NOT_ND;
	memcpy(msg->src, ip + 8, 16);
	memcpy(msg->dst, ip + 24, 16);
	if (gw_ip6_is_mcast(msg->src))
		return GW_ND_SOURCE;
	if (ip[7] != GW_ND_HOP_LIMIT)
		return GW_ND_HOPLIMIT;
	if (gw_ip6_l4_sum(msg->src, msg->dst, GW_IPPROTO_ICMPV6, icmp, plen) != 0xffff)
		return GW_ND_CKSUM;
	if (icmp[1] != 0)
		return GW_ND_CODE;
	if (plen < fixed)
		return GW_ND_LENGTH;
	lla_type = msg->type == GW_ND_NEIGHBOR_ADVERT || msg->type == GW_ND_REDIRECT ?
		   GW_ND_OPT_TLLA : GW_ND_OPT_SLLA;
	v = parse_options(icmp + fixed, plen - fixed, lla_type, msg);
	if (v != GW_ND_OK)
		return v;
	if (msg->type == GW_ND_NEIGHBOR_SOLICIT || msg->type == GW_ND_NEIGHBOR_ADVERT ||
	    msg->type == GW_ND_REDIRECT)
		memcpy(msg->target, icmp + 8, 16);
	switch (msg->type) {
	case GW_ND_NEIGHBOR_SOLICIT:
		if (gw_ip6_is_mcast(msg->target))
			return GW_ND_TARGET;
		/* §7.1.1: duplicate address detection asks a group and says no address */
		if (is_unspecified(msg->src) && (!is_solicited_node(msg->dst) || msg->has_lladdr))
			return GW_ND_DAD;
		break;
	case GW_ND_NEIGHBOR_ADVERT:
		msg->flags = icmp[4] & (GW_ND_NA_ROUTER | GW_ND_NA_SOLICITED | GW_ND_NA_OVERRIDE);
		if (gw_ip6_is_mcast(msg->target))
			return GW_ND_TARGET;
		if (gw_ip6_is_mcast(msg->dst) && (msg->flags & GW_ND_NA_SOLICITED))
			return GW_ND_NA_MCAST;
		break;
	default:
		break;
	}
	return GW_ND_OK;
}

const char *
gw_nd_verdict_name(enum gw_nd_verdict v)
{
	static const char *const names[GW_ND_VERDICT_MAX] = {
		[GW_ND_OK] = "ok",
		[GW_ND_SHORT] = "short",
		[GW_ND_NOT_ND] = "not_nd",
		[GW_ND_SOURCE] = "source",
		[GW_ND_HOPLIMIT] = "hop_limit",
		[GW_ND_CKSUM] = "checksum",
		[GW_ND_CODE] = "code",
		[GW_ND_LENGTH] = "length",
		[GW_ND_OPTION] = "option",
		[GW_ND_TARGET] = "target",
		[GW_ND_DAD] = "dad",
		[GW_ND_NA_MCAST] = "na_multicast",
	};

	return (unsigned int)v < GW_ND_VERDICT_MAX ? names[v] : "?";
}

/* IPv6 header, ICMPv6 type, the target and a link-layer option; then the checksum. */
static size_t
build(uint8_t *out, const uint8_t src[16], const uint8_t dst[16], uint8_t type, uint8_t flags,
      const uint8_t target[16], uint8_t opt, const uint8_t mac[6])
{
	uint8_t *icmp = out + GW_IP6_HDR_LEN;
	const uint16_t plen = GW_ND_MSG_LEN - GW_IP6_HDR_LEN;
	uint16_t ck;

	memset(out, 0, GW_ND_MSG_LEN);
	out[0] = 0x60;
	out[4] = plen >> 8;
	out[5] = plen & 0xff;
	out[6] = GW_IPPROTO_ICMPV6;
	out[7] = GW_ND_HOP_LIMIT;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, dst, 16);
	icmp[0] = type;
	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	icmp[24] = opt;
	icmp[25] = 1; /* 8 bytes */
	memcpy(icmp + 26, mac, 6);
	ck = (uint16_t)~gw_ip6_l4_sum(src, dst, GW_IPPROTO_ICMPV6, icmp, plen);
	memcpy(icmp + 2, &ck, 2); /* the sum is in memory order already */
	return GW_ND_MSG_LEN;
}

size_t
gw_nd_build_ns(void *out, const uint8_t src[16], const uint8_t target[16], const uint8_t mac[6])
{
	uint8_t group[16];

	gw_ip6_solicited_node(target, group);
	return build(out, src, group, GW_ND_NEIGHBOR_SOLICIT, 0, target, GW_ND_OPT_SLLA, mac);
}

size_t
gw_nd_build_na(void *out, const uint8_t src[16], const uint8_t dst[16], const uint8_t target[16],
	       const uint8_t mac[6], uint8_t flags)
{
	return build(out, src, dst, GW_ND_NEIGHBOR_ADVERT, flags, target, GW_ND_OPT_TLLA, mac);
}
