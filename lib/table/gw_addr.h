/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Our own IPv4 addresses, on ports and on tunnels. Adding one installs a
 * local /32 route and a connected route for its prefix; the list itself is
 * for the control thread (ARP answers, source address choice).
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
	uint32_t ip;        /**< network order */
	uint8_t len;        /**< prefix length */
	bool on_tunnel;     /**< dev is a tunnel (else a port) */
	uint16_t dev;       /**< port or tunnel index */
};

extern struct gw_addr gw_addrs[GW_ADDR_MAX]; /**< the addresses */
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
 * @param ip Network order.
 * @return its index in gw_addrs[], or -ENOENT.
 */
int gw_addr_find(uint32_t ip);

/**
 * Remove an address, its local /32 and its connected prefix. The caller has
 * checked that nothing depends on it (a tunnel's local address).
 */
void gw_addr_del(unsigned int i);

/** Whether ip (network order) is one of our addresses. */
bool gw_addr_is_local(uint32_t ip);

/**
 * Our address on a port that shares a prefix with dst, else the port's first.
 *
 * @return network-order address, or 0 when the port has none.
 */
uint32_t gw_addr_source(uint16_t port, uint32_t dst);

/**
 * Our address on a tunnel that shares a prefix with dst, else the tunnel's first.
 *
 * @return network-order address, or 0 when the tunnel has none.
 */
uint32_t gw_addr_source_tunnel(uint16_t tunnel, uint32_t dst);

/** Whether ip (network order) is the broadcast address of one of our prefixes (/30 or wider). */
bool gw_addr_is_subnet_bcast(uint32_t ip);

#endif /* GW_ADDR_H */
