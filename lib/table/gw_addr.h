/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Our own addresses, of either family, on interfaces of any kind. Adding one
 * installs a local host route and a connected route for its prefix; the list
 * itself is for the control thread (ARP and ND answers, source address
 * choice). Each routed port also has a link-local IPv6 address of its own,
 * fe80::/64 with the EUI-64 of its MAC, made by greway as Linux makes it
 * (GW_ADDR_F_AUTO): a local host route only, no connected fe80::/64 route,
 * since every port would have that prefix; and it is not configuration
 * (save leaves it out, gw_addr_count does not count it).
 */
#ifndef GW_ADDR_H
#define GW_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_conf.h"
#include "gw_error.h"

#define GW_ADDR_MAX 256 /**< addresses on all interfaces */

/** An address of ours. */
struct gw_addr {
	struct gw_ip ip;    /**< the address */
	uint8_t len;        /**< prefix length */
	uint16_t iface;     /**< the interface it is on */
	uint8_t flags;      /**< GW_ADDR_F_* */
};

#define GW_ADDR_F_AUTO 0x01 /**< a port's link-local address, made by greway, not configured */

extern struct gw_addr gw_addrs[GW_ADDR_MAX]; /**< the addresses, in the order they were added */
extern unsigned int gw_nb_addrs;             /**< how many */

/**
 * addr add: record the address, add its local and connected routes.
 *
 * @return 0 or -errno (unknown dev, duplicate, IPv6 not yet, full) with err set.
 */
int gw_addr_add(const struct gw_addr_conf *conf, struct gw_error *err);

/**
 * Find one of our addresses.
 *
 * @return its index in gw_addrs[], or -ENOENT.
 */
int gw_addr_find(const struct gw_ip *ip);

/**
 * Remove an address, its local host route and its connected prefix. The
 * caller has checked that nothing depends on it (a tunnel's local address).
 */
void gw_addr_del(unsigned int i);

/** How many addresses an interface was given (its automatic link-local one not counted). */
unsigned int gw_addr_count(uint16_t iface);

/** Whether ip is one of our addresses. */
bool gw_addr_is_local(const struct gw_ip *ip);

/** Whether an IPv4 address (network order) is one of ours. */
bool gw_addr_is_local4(uint32_t ip);

/**
 * Our IPv4 address on an interface that shares a prefix with dst, else the
 * interface's first IPv4 one.
 *
 * @return network-order address, or 0 when the interface has none.
 */
uint32_t gw_addr_source4(uint16_t iface, uint32_t dst);

/**
 * Our IPv6 source address on an interface for a destination (RFC 6724 as
 * far as a router needs it): its link-local address for a link-local
 * destination; else a global one on the destination's prefix, else its
 * first global one, else its link-local one.
 *
 * @param out  Receives the address.
 * @return true, or false when the interface has no IPv6 address.
 */
bool gw_addr_source6(uint16_t iface, const uint8_t dst[16], uint8_t out[16]);

/**
 * From now on, give each routed DPDK port its link-local address and keep
 * it following the port's MAC (gw_addr_linklocal_sync). greway turns it on
 * once the tables exist (gw_iface_ports_linklocal); the unit tests of the
 * tables run without, or turn it on themselves.
 */
void gw_addr_linklocal_enable(void);

/**
 * Make a port's automatic link-local address match its state: fe80::EUI-64
 * of its MAC while it is routed (not a bridge member), none otherwise. A
 * no-op until gw_addr_linklocal_enable. Staged, as every route change.
 *
 * @param port  gw_ports[] index of a DPDK port.
 * @return 0, -EEXIST (another interface has that address: two ports with
 *         one MAC), -ENOSPC (the address or route table is full).
 */
int gw_addr_linklocal_sync(uint16_t port);

/** Whether ip (network order) is the broadcast address of one of our prefixes (/30 or wider). */
bool gw_addr_is_subnet_bcast(uint32_t ip);

/**
 * Whether ip (network order) is the broadcast or the network address of one
 * of our prefixes (/30 or wider): a directed broadcast (RFC 2644), or the
 * old all-zeros one (RFC 1812 §4.2.3.1), no host to ARP for.
 */
bool gw_addr_is_subnet_edge(uint32_t ip);

/** The connected prefix of an address: its address with the host bits cleared. */
struct gw_ip gw_addr_net(const struct gw_addr *a);

#endif /* GW_ADDR_H */
