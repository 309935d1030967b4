/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * A tunnel as the user configures it: its mode, endpoints and options, and
 * the overhead arithmetic every MTU derives from. The model, not the parser:
 * the parser fills it, the tables build tunnels from it, show and save print
 * it. Free of EAL (libgw_base).
 */
#ifndef GW_TUNNEL_CONF_H
#define GW_TUNNEL_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_inet.h"

#define GW_NAME_MAX 16 /**< interface name size, NUL included (IFNAMSIZ) */

/** Tunnel encapsulation. */
enum gw_tunnel_mode {
	GW_MODE_GRE,       /**< IPv4 underlay, L3 payload */
	GW_MODE_GRETAP,    /**< IPv4 underlay, Ethernet payload */
	GW_MODE_IP6GRE,    /**< IPv6 underlay, L3 payload */
	GW_MODE_IP6GRETAP, /**< IPv6 underlay, Ethernet payload */
};

/* Tunnel option bits (struct gw_tunnel_conf.opts). */
#define GW_TUN_IKEY        (1u << 0) /**< receive: packets must carry ikey */
#define GW_TUN_OKEY        (1u << 1) /**< transmit: add okey */
#define GW_TUN_ICSUM       (1u << 2) /**< receive: packets must carry a checksum */
#define GW_TUN_OCSUM       (1u << 3) /**< transmit: add a checksum */
#define GW_TUN_ISEQ        (1u << 4) /**< receive: require and enforce sequence numbers */
#define GW_TUN_OSEQ        (1u << 5) /**< transmit: add sequence numbers */
#define GW_TUN_NOPMTUDISC  (1u << 6) /**< transmit: outer DF clear */
#define GW_TUN_TTL_INHERIT (1u << 7) /**< outer TTL copied from the inner packet */
#define GW_TUN_TOS_INHERIT (1u << 8) /**< outer TOS copied from the inner packet */
#define GW_TUN_IGNORE_DF   (1u << 9) /**< transmit: fragment inner IPv4 too big even with DF */
#define GW_TUN_LEARN       (1u << 10) /**< multipoint: map inner sources to outer ones */
#define GW_TUN_FLOWLABEL_INHERIT (1u << 11) /**< IPv6 underlay: outer flow label from the inner IPv6 */
#define GW_TUN_ENCAPLIMIT  (1u << 12) /**< IPv6 underlay: send the tunnel encapsulation limit option */

/**
 * The options of a tunnel, one per row of gw_tunnel_opt.def, in its order
 * (the order of save lines, JSON members and help; gw_tunnel_opt.h).
 */
enum gw_tunnel_opt_id {
#define GW_TUN_OPT(id, ...) GW_TUN_OPT_##id,
#include "gw_tunnel_opt.def"
	GW_TUN_OPT_MAX /**< number of options */
};

/**
 * Which words a tunnel command gave (struct gw_tunnel_conf.given; tunnel
 * change merges only these): GW_TUN_GIVEN_MODE, ..., one bit per option.
 */
enum {
#define GW_TUN_OPT(id, ...) GW_TUN_GIVEN_##id = 1u << GW_TUN_OPT_##id,
#include "gw_tunnel_opt.def"
};

#define GW_TUNNEL_TTL_DEFAULT 64 /**< outer TTL when none is given (as OVS) */

/* keepalive PERIOD RETRIES, in one word of struct gw_tunnel_conf */
#define GW_KEEPALIVE(period, retries) ((uint32_t)(period) << 8 | (retries))
#define GW_KEEPALIVE_PERIOD(ka) ((ka) >> 8)    /**< seconds between keepalives; 0: off */
#define GW_KEEPALIVE_RETRIES(ka) ((ka) & 0xff) /**< unanswered ones before down */
#define GW_KEEPALIVE_PERIOD_MAX 3600

#define GW_LEARN_MAX_DEFAULT 4096     /**< learned mappings of a multipoint tunnel, by default */
#define GW_LEARN_MAX_LIMIT 1000000    /**< learn-max N at most */
#define GW_LEARN_AGEING_DEFAULT 300   /**< seconds a learned mapping lives unseen, by default */

/*
 * clamp-mss (struct gw_tunnel_conf.clamp_mss): auto (the default) lowers the
 * MSS of SYNs crossing the tunnel to what its MTU carries, N to N, off leaves
 * them. N is bounded by TCP itself: Linux refuses an MSS below 88
 * (TCP_MIN_MSS), and an IPv4 packet holds at most 65535 - 40 bytes of data.
 */
#define GW_CLAMP_MSS_AUTO 0          /**< clamp to the tunnel MTU - 40 (IPv4) */
#define GW_CLAMP_MSS_OFF  UINT16_MAX /**< leave the MSS alone */
#define GW_CLAMP_MSS_MIN  88         /**< smallest N */
#define GW_CLAMP_MSS_MAX  65495      /**< largest N */

/** A tunnel as the user describes it. */
struct gw_tunnel_conf {
	char name[GW_NAME_MAX];   /**< tunnel name, also its "dev" in addr and route */
	enum gw_tunnel_mode mode; /**< encapsulation */
	struct gw_ip local;       /**< outer source */
	struct gw_ip remote;      /**< outer destination; family 0 means "any" */
	uint32_t ikey;            /**< key expected on receive (if GW_TUN_IKEY) */
	uint32_t okey;            /**< key sent (if GW_TUN_OKEY) */
	uint16_t opts;            /**< GW_TUN_* option bits */
	uint8_t ttl;              /**< outer TTL unless GW_TUN_TTL_INHERIT */
	uint8_t tos;              /**< outer TOS unless GW_TUN_TOS_INHERIT */
	uint8_t encaplimit;       /**< IPv6 underlay: the limit sent, with GW_TUN_ENCAPLIMIT */
	uint32_t flowlabel;       /**< IPv6 underlay: outer flow label unless GW_TUN_FLOWLABEL_INHERIT */
	uint16_t mtu;             /**< tunnel MTU; 0 derives it from the underlay */
	uint16_t clamp_mss;       /**< GW_CLAMP_MSS_AUTO, GW_CLAMP_MSS_OFF or the MSS ceiling N */
	char dev[GW_NAME_MAX];    /**< underlay port; empty: the route decides */
	uint32_t keepalive;       /**< GW_KEEPALIVE(period, retries); 0: off */
	uint32_t learn_max;       /**< multipoint: learned mappings at most */
	uint32_t learn_ageing;    /**< multipoint: seconds a learned mapping lives unseen */
	uint32_t given;           /**< GW_TUN_GIVEN_* words present in the command */
};

/** Whether a tunnel is multipoint (remote any): a hub's, with one peer per spoke. */
static inline bool
gw_tunnel_conf_is_multipoint(const struct gw_tunnel_conf *c)
{
	return c->remote.family == 0;
}

/** Name of a tunnel mode ("gre", "gretap", ...); "?" out of range. */
const char *gw_tunnel_mode_name(enum gw_tunnel_mode mode);

/**
 * The mode of a name.
 *
 * @return 0 with *mode set, or -EINVAL.
 */
int gw_tunnel_mode_parse(const char *name, enum gw_tunnel_mode *mode);

/** Whether the mode carries Ethernet frames. */
static inline bool
gw_tunnel_mode_is_tap(enum gw_tunnel_mode mode)
{
	return mode == GW_MODE_GRETAP || mode == GW_MODE_IP6GRETAP;
}

/** Whether the mode has an IPv6 underlay. */
static inline bool
gw_tunnel_mode_is_ip6(enum gw_tunnel_mode mode)
{
	return mode == GW_MODE_IP6GRE || mode == GW_MODE_IP6GRETAP;
}

/** Bytes of an outer IPv4 / IPv6 header, of a GRE header without options, of an option. */
#define GW_OUTER_IP4_LEN 20
#define GW_OUTER_IP6_LEN 40
#define GW_GRE_BASE_LEN 4
#define GW_GRE_OPT_LEN 4
#define GW_ENCAPLIMIT_LEN 8 /**< the destination options header of encaplimit (RFC 2473 §5.1) */
#define GW_INNER_ETH_LEN 14 /**< a GRETAP payload's Ethernet header, without VLAN tag */

/**
 * What a tunnel adds to each inner packet it sends, as the MTU sees it: the
 * outer IP header, GRE with the options sent (okey, ocsum, oseq), and for
 * GRETAP the inner Ethernet header. 24 for plain GRE over IPv4, 28 with a
 * key, 32 with key and checksum, 36 with all three; +14 GRETAP, +20 IPv6,
 * +8 more with encaplimit.
 */
static inline unsigned int
gw_tunnel_conf_overhead(enum gw_tunnel_mode mode, uint16_t opts)
{
	unsigned int n = (gw_tunnel_mode_is_ip6(mode) ? GW_OUTER_IP6_LEN : GW_OUTER_IP4_LEN) +
			 GW_GRE_BASE_LEN;

	n += opts & GW_TUN_OKEY ? GW_GRE_OPT_LEN : 0;
	n += opts & GW_TUN_OCSUM ? GW_GRE_OPT_LEN : 0;
	n += opts & GW_TUN_OSEQ ? GW_GRE_OPT_LEN : 0;
	n += gw_tunnel_mode_is_ip6(mode) && (opts & GW_TUN_ENCAPLIMIT) ? GW_ENCAPLIMIT_LEN : 0;
	return n + (gw_tunnel_mode_is_tap(mode) ? GW_INNER_ETH_LEN : 0);
}

#endif /* GW_TUNNEL_CONF_H */
