/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Addresses as users type them: IPv4/IPv6 addresses and prefixes, MAC
 * addresses, GRE keys and bounded integers. Used by the command parser, so
 * free of EAL; every function rejects trailing garbage and empty strings.
 */
#ifndef GW_INET_H
#define GW_INET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* AF_INET and AF_INET6 without <sys/socket.h>; checked against it in inet.c. */
#define GW_AF_INET 2
#define GW_AF_INET6 10

/** An IPv4 or IPv6 address. */
struct gw_ip {
	uint8_t family; /**< AF_INET or AF_INET6 */
	union {
		uint32_t v4;     /**< IPv4, network byte order */
		uint8_t v6[16];  /**< IPv6, network byte order */
	};
};

/** An address with a prefix length. */
struct gw_prefix {
	struct gw_ip addr; /**< address as typed (host bits kept, see gw_prefix_masked) */
	uint8_t len;       /**< prefix length: 0..32 or 0..128 */
};

#define GW_IP_STRLEN 46  /**< enough for any formatted address */
#define GW_PFX_STRLEN 50 /**< enough for any formatted prefix */
#define GW_MAC_STRLEN 18 /**< "xx:xx:xx:xx:xx:xx" plus NUL */

/**
 * Parse an IPv4 or IPv6 address.
 *
 * @return 0, or -EINVAL when s is not an address.
 */
int gw_ip_parse(const char *s, struct gw_ip *ip);

/**
 * Parse ADDR/LEN; a bare ADDR means a host prefix (/32 or /128).
 *
 * @return 0, or -EINVAL (bad address) or -ERANGE (length too long).
 */
int gw_prefix_parse(const char *s, struct gw_prefix *p);

/**
 * Parse a MAC address "xx:xx:xx:xx:xx:xx".
 *
 * @return 0, or -EINVAL.
 */
int gw_mac_parse(const char *s, uint8_t mac[6]);

/**
 * Parse an unsigned integer within [0, max]: decimal (leading zeros allowed, never
 * octal) or hex with 0x.
 *
 * @return 0, -EINVAL when not a number, -ERANGE when above max.
 */
int gw_uint_parse(const char *s, uint64_t max, uint64_t *v);

/**
 * Parse a GRE key as iproute2 does: a 32-bit number or a dotted quad.
 *
 * @return 0, or -EINVAL.
 */
int gw_key_parse(const char *s, uint32_t *key);

/** Format an address into buf (at least GW_IP_STRLEN bytes); returns buf. */
const char *gw_ip_fmt(const struct gw_ip *ip, char *buf, size_t size);

/** Format a prefix as ADDR/LEN into buf (GW_PFX_STRLEN); returns buf. */
const char *gw_prefix_fmt(const struct gw_prefix *p, char *buf, size_t size);

/** Format a MAC address into buf (GW_MAC_STRLEN); returns buf. */
const char *gw_mac_fmt(const uint8_t mac[6], char *buf, size_t size);

/** IPv4 netmask of a prefix length, host order (len 0..32). */
static inline uint32_t
gw_ipv4_mask(uint8_t len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/** Clear the host bits of a prefix (10.0.0.1/24 -> 10.0.0.0/24). */
void gw_prefix_masked(const struct gw_prefix *in, struct gw_prefix *out);

/** Whether two addresses are equal (same family and bytes). */
bool gw_ip_equal(const struct gw_ip *a, const struct gw_ip *b);

/** Bytes of an address of its family: 4, 16, or 0 for none. */
static inline unsigned int
gw_ip_len(const struct gw_ip *ip)
{
	return ip->family == GW_AF_INET ? 4 : ip->family == GW_AF_INET6 ? 16 : 0;
}

/** An IPv4 address (network order) as a struct gw_ip. */
static inline struct gw_ip
gw_ip4(uint32_t v4)
{
	struct gw_ip ip = { .family = GW_AF_INET };

	ip.v4 = v4;
	return ip;
}

/** Maximum prefix length of an address's family: 32 or 128. */
static inline uint8_t
gw_ip_bits(const struct gw_ip *ip)
{
	return ip->family == GW_AF_INET6 ? 128 : 32;
}

/**
 * Whether addr lies within prefix/len (same family; len up to the family's
 * width).
 */
bool gw_ip_in_prefix(const struct gw_ip *addr, const struct gw_ip *prefix, uint8_t len);

/**
 * Whether an address may be one host's: not unspecified, loopback,
 * multicast or (IPv4) limited broadcast or class E.
 */
bool gw_ip_is_unicast(const struct gw_ip *ip);

#endif /* GW_INET_H */
