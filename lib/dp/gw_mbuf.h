/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * What travels with a packet between a worker and the control thread, in a
 * registered mbuf dynamic field (rte_mbuf_dynfield_register), not in fields
 * the PMDs own (the RSS hash). Inside a worker, stages hand each other
 * vectors and side arrays instead: the field is written only when a packet
 * crosses to or from the control thread.
 */
#ifndef GW_MBUF_H
#define GW_MBUF_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

/** Why a worker hands a packet to the control thread. */
enum gw_punt {
	GW_PUNT_NONE = 0,
	GW_PUNT_ARP,           /**< an ARP frame, Ethernet header still on */
	GW_PUNT_LOCAL,         /**< IPv4 or IPv6 (the version nibble says) to one of our addresses, at L3 */
	GW_PUNT_GLEAN,         /**< IPv4 or IPv6 to an unresolved neighbour, at L3; nh: the GLEAN hop */
	/** IPv4 too big with DF, or IPv6 too big, at L3 as received; mtu: the egress MTU */
	GW_PUNT_TOO_BIG,
	GW_PUNT_TIME_EXCEEDED, /**< IPv4 whose TTL (IPv6: hop limit) ran out here, at L3 as received */
	GW_PUNT_KEEPALIVE,     /**< an answered keepalive (GRE protocol 0); peer: whose */
	/** IPv6 neighbour discovery (ICMPv6 133-137) to us or a group, Ethernet header still on */
	GW_PUNT_ND,
	/**
	 * A peer's keepalive to answer: its inner packet, at L3, already
	 * addressed from our local address back to the peer; peer: whose. The
	 * control thread sends it as its own: from one of our addresses, the
	 * forward stages would drop it as a martian.
	 */
	GW_PUNT_REFLECT,
};

/** What the control thread hands a worker to send. */
enum gw_inject {
	GW_INJECT_L2 = 1, /**< a full frame for the port of index mbuf->port */
	GW_INJECT_L3,     /**< an IPv4 or IPv6 packet for the worker to route (no TTL decrement) */
	GW_INJECT_PEER,   /**< an IPv4 or IPv6 packet to encapsulate for the peer of id peer */
};

/** The dynamic field. */
struct gw_mbuf_meta {
	uint8_t punt;     /**< enum gw_punt */
	uint8_t inject;   /**< enum gw_inject */
	uint16_t mtu;     /**< GW_PUNT_TOO_BIG: the MTU it exceeded */
	uint32_t nh;      /**< GW_PUNT_GLEAN: next-hop index */
	uint16_t ingress; /**< the interface it came in by (a port's, or a tunnel's once decapsulated) */
	uint32_t peer;    /**< GW_PUNT_KEEPALIVE, GW_PUNT_REFLECT, GW_INJECT_PEER: the peer id */
};

extern int gw_mbuf_meta_offset; /**< the field's offset, once registered */

/** Register the field (once, before any packet). @return 0 or -rte_errno. */
int gw_mbuf_meta_register(void);

/** A packet's dynamic field. */
static inline struct gw_mbuf_meta *
gw_mbuf_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, gw_mbuf_meta_offset, struct gw_mbuf_meta *);
}

#endif /* GW_MBUF_H */
