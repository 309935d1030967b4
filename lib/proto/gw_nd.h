/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * IPv6 Neighbor Discovery (RFC 4861) on plain bytes: the receive checks of
 * §6.1 and §7.1 (hop limit 255, ICMPv6 checksum, code 0, lengths, options)
 * and the two messages greway sends, a Neighbor Solicitation to a target's
 * solicited-node group and a Neighbor Advertisement. No EAL and no mbuf, so
 * that the unit tests and the fuzzer link it alone; the control thread
 * (lib/ctrl/nd.c) does the tables' part.
 */
#ifndef GW_ND_H
#define GW_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_ND_HOP_LIMIT 255 /**< every ND message is sent and received with it (§7.1) */
#define GW_ND_OPT_SLLA 1    /**< source link-layer address option */
#define GW_ND_OPT_TLLA 2    /**< target link-layer address option */

/** Neighbor Advertisement flags, the first byte after the checksum. */
#define GW_ND_NA_ROUTER 0x80
#define GW_ND_NA_SOLICITED 0x40
#define GW_ND_NA_OVERRIDE 0x20

/** Bytes of the NS and the NA greway builds: IPv6 header, message, a link-layer option. */
#define GW_ND_MSG_LEN (40 + 24 + 8)

/** What gw_nd_parse thinks of a packet: GW_ND_OK, or why it is refused. */
enum gw_nd_verdict {
	GW_ND_OK = 0,
	GW_ND_SHORT,     /**< shorter than its headers, or its payload length says more than there is */
	GW_ND_NOT_ND,    /**< not IPv6, next header not ICMPv6 (extension headers), type not 133-137 */
	GW_ND_SOURCE,    /**< multicast source address */
	GW_ND_HOPLIMIT,  /**< hop limit not 255: sent from off the link */
	GW_ND_CKSUM,     /**< ICMPv6 checksum wrong */
	GW_ND_CODE,      /**< code not 0 */
	GW_ND_LENGTH,    /**< ICMPv6 length below the message's fixed part */
	GW_ND_OPTION,    /**< an option of length 0, past the end, or a link-layer one not 8 bytes */
	GW_ND_TARGET,    /**< NS or NA target is multicast */
	GW_ND_DAD,       /**< NS from :: not to a solicited-node group, or with a source address option */
	GW_ND_NA_MCAST,  /**< NA to a multicast group with the solicited flag */
	GW_ND_VERDICT_MAX,
};

/** A message that passed gw_nd_parse; the addresses are copies, the packet can go. */
struct gw_nd_msg {
	uint8_t type;        /**< GW_ND_ROUTER_SOLICIT .. GW_ND_REDIRECT (gw_ip6.h) */
	uint8_t flags;       /**< NA: GW_ND_NA_* */
	bool has_lladdr;     /**< lladdr holds the SLLA (NS, RS, RA) or TLLA (NA, redirect) */
	uint8_t lladdr[6];   /**< the link-layer address option's MAC */
	uint8_t src[16];     /**< IPv6 source */
	uint8_t dst[16];     /**< IPv6 destination */
	uint8_t target[16];  /**< NS, NA, redirect: the target address */
};

/**
 * Check an ND message as RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2 and §8.1
 * say, and read what greway uses of it. Bytes past the IPv6 payload length
 * (Ethernet padding) are ignored. The first link-layer address option of
 * the kind the message carries is read, later ones are ignored (as Linux).
 *
 * @param ip6  The packet from its IPv6 header on.
 * @param len  Bytes readable at ip6.
 * @param msg  Filled when the verdict is GW_ND_OK (partly filled otherwise).
 */
enum gw_nd_verdict gw_nd_parse(const void *ip6, size_t len, struct gw_nd_msg *msg);

/** A verdict's name ("short", "hop_limit", ...), for logs and tests. */
const char *gw_nd_verdict_name(enum gw_nd_verdict v);

/**
 * Build a Neighbor Solicitation for target: IPv6 from src to the target's
 * solicited-node group (hop limit 255), the NS, and a source link-layer
 * address option with mac. The Ethernet destination is that group's MAC
 * (gw_ip6_mcast_mac of the packet's destination).
 *
 * @param out  GW_ND_MSG_LEN writable bytes.
 * @return GW_ND_MSG_LEN.
 */
size_t gw_nd_build_ns(void *out, const uint8_t src[16], const uint8_t target[16],
		      const uint8_t mac[6]);

/**
 * Build a Neighbor Advertisement of target: IPv6 from src to dst (hop limit
 * 255), the NA with flags (GW_ND_NA_*), and a target link-layer address
 * option with mac.
 *
 * @param out  GW_ND_MSG_LEN writable bytes.
 * @return GW_ND_MSG_LEN.
 */
size_t gw_nd_build_na(void *out, const uint8_t src[16], const uint8_t dst[16],
		      const uint8_t target[16], const uint8_t mac[6], uint8_t flags);

#endif /* GW_ND_H */
