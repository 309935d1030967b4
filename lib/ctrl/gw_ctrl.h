/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Packet work of the control thread: what workers punt (ARP, IPv6 neighbour
 * discovery, traffic to our own addresses, packets waiting for a neighbour,
 * packets that earn an ICMP error) and what the control thread originates
 * (ARP and ND requests and replies, ICMP and ICMPv6 echo replies and
 * errors), sent through a
 * worker's inject ring so only workers ever touch tx queues.
 */
#ifndef GW_CTRL_H
#define GW_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "gw_drop.h"
#include "gw_icmp_err.h"
#include "gw_inet.h"

extern uint64_t gw_ctrl_drops[GW_DROP_MAX]; /**< drops counted by the control thread */
extern struct rte_mempool *gw_ctrl_pool;    /**< where the control thread allocates */

/** Give the control thread the pool it allocates from. */
void gw_ctrl_init(struct rte_mempool *mp);

/**
 * Drain the punt rings and run timers (ARP retries). Call often.
 *
 * @return packets handled.
 */
unsigned int gw_ctrl_poll(void);

/** Send a full Ethernet frame out of a port (takes ownership). */
void gw_ctrl_send_l2(struct rte_mbuf *m, uint16_t port);

/** Send an IPv4 or IPv6 packet (data at L3) to be routed by a worker (takes ownership). */
void gw_ctrl_send_l3(struct rte_mbuf *m);

/** Send an IPv4 or IPv6 packet encapsulated for the peer of id gw_mbuf_meta(m)->peer (worker 0). */
void gw_ctrl_send_peer(struct rte_mbuf *m);

extern uint64_t gw_keepalives_sent; /**< keepalives sent, all peers */

/**
 * Send the keepalives that are due (tunnels with keepalive PERIOD RETRIES),
 * a bounded number per turn (one every 50 ms), and mark down the peers that
 * left RETRIES in a row unanswered. Called every turn of the control loop.
 *
 * @return how many were sent.
 */
unsigned int gw_keepalive_tick(uint64_t now);

/** A peer answered a keepalive (GW_PUNT_KEEPALIVE): up, its round trip, routes back. */
void gw_keepalive_input(struct rte_mbuf *m);

/**
 * The NEIGH next hop of an address on a port, if it may live there (a
 * connected prefix of that port, or link-local), created when asked (within
 * the cap of gw_nh_neigh_learn) with its host route.
 *
 * @return its index, -ENOENT (not on the port, or not found and create false),
 *   -ENOSPC.
 */
int gw_neigh_for(uint16_t port, const struct gw_ip *ip, bool create);

/** Handle a punted ARP frame (takes ownership). */
void gw_arp_input(struct rte_mbuf *m);

/**
 * Send an ARP request for ip (network order) on a port.
 *
 * @return 0, or -ENOMEM / -EADDRNOTAVAIL (no address of ours on the port).
 */
int gw_arp_solicit(uint16_t port, uint32_t ip);

/**
 * A packet for an unresolved destination on a connected prefix of a port:
 * create its neighbour entry and ARP for it, at most once a second (takes
 * ownership; the packet is counted as neigh_unresolved).
 */
void gw_arp_glean(struct rte_mbuf *m, uint16_t port);

/** Re-send ARP for every unresolved neighbour not asked in the last second. */
void gw_arp_refresh(void);

/**
 * An ICMP message for one of our addresses that may be a "fragmentation
 * needed" about one of our GRE packets: if it is, the tunnels on that path
 * learn the smaller MTU (gw_tunnel_pmtu_learn).
 *
 * @param ip  The ICMP packet's IPv4 header, contiguous, checksums verified.
 * @param len Bytes from ip to the end of the packet.
 * @return true when it was a frag-needed message (consumed), else false.
 */
bool gw_pmtu_input(const struct rte_ipv4_hdr *ip, uint32_t len);

/**
 * An ICMPv6 message for one of our addresses that may be a Packet Too Big
 * about one of our ip6gre packets: if it is, the tunnels on that path learn
 * the smaller MTU (gw_tunnel_pmtu_learn).
 *
 * @param ip   The packet's IPv6 header, ICMPv6 right behind it, contiguous,
 *             checksum verified.
 * @param len  Bytes from ip to the end of the packet.
 * @return true when it was a Packet Too Big (consumed), else false.
 */
bool gw_pmtu6_input(const uint8_t *ip, uint32_t len);

/** Handle an IPv4 or IPv6 packet (by its version nibble) for one of our addresses (takes ownership). */
void gw_icmp_local(struct rte_mbuf *m);

/** Handle an IPv6 packet for one of our addresses: echo, Packet Too Big (takes ownership). */
void gw_icmp6_local(struct rte_mbuf *m);

/**
 * Handle a punted IPv6 neighbour discovery frame, Ethernet header on,
 * mbuf->port its DPDK port (takes ownership): answer an NS for one of our
 * addresses on that port, learn from NS and NA, count the rest.
 */
void gw_nd_input(struct rte_mbuf *m);

/**
 * Send a Neighbor Solicitation for ip on a port, to its solicited-node
 * group, from our address there (gw_addr_source6).
 *
 * @param port  gw_ports[] index.
 * @return 0, or -ENOMEM / -EADDRNOTAVAIL (no IPv6 address of ours on the port).
 */
int gw_nd_solicit(uint16_t port, const uint8_t ip[16]);

/**
 * An IPv6 packet for an unresolved destination on a connected prefix of a
 * port: create its neighbour entry and solicit it, at most once a second
 * (takes ownership; the packet is counted as neigh_unresolved).
 */
void gw_nd_glean(struct rte_mbuf *m, uint16_t port);

/** Re-solicit every unresolved IPv6 neighbour not asked in the last second. */
void gw_nd_refresh(void);

/**
 * Send an IPv6 packet the control thread made (at L3) to a link-local
 * destination, out of a port: no route leads to fe80::/10, so its
 * neighbour on that port is found here (created and solicited when unknown;
 * the packet is then counted as neigh_unresolved). Takes ownership.
 */
void gw_nd_send_linklocal(struct rte_mbuf *m, uint16_t port);

/**
 * The port a punted packet came in by, for an answer to a link-local
 * address: its ingress interface's port (gw_mbuf_meta), else mbuf->port's.
 *
 * @return gw_ports[] index, or < 0 (it came by a tunnel).
 */
int gw_nd_ingress_port(struct rte_mbuf *m);

/** Reset the gateway-wide ICMP error rate limit (full bucket). */
void gw_icmp_error_init(void);

/**
 * Report a packet the gateway could not forward to its source, within the
 * gateway-wide rate limit (what it suppresses counts as icmp_ratelimit);
 * from our address on the ingress side (the interface in the packet's
 * gw_mbuf_meta, else the port mbuf->port). IPv4 or IPv6 by the version
 * nibble (ICMPv6 Packet Too Big, Time Exceeded). Takes ownership of m (at
 * L3, as received).
 *
 * @param mtu  Next-hop MTU, for GW_ICMP_ERR_TOO_BIG.
 */
void gw_icmp_error(enum gw_icmp_err_kind kind, struct rte_mbuf *m, uint16_t mtu);

#endif /* GW_CTRL_H */
