/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Our own addresses, of either family, on interfaces of any kind. Adding one
 * installs a local host route and a connected route for its prefix; the list
 * itself is for the control thread (ARP answers, source address choice).
 * IPv6 addresses are refused until the IPv6 routes exist.
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
};

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

/** How many addresses an interface has. */
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

/** Whether ip (network order) is the broadcast address of one of our prefixes (/30 or wider). */
bool gw_addr_is_subnet_bcast(uint32_t ip);

/** The connected prefix of an address: its address with the host bits cleared. */
struct gw_ip gw_addr_net(const struct gw_addr *a);

#endif /* GW_ADDR_H */
