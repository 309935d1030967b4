/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Parsing and formatting of the addresses, keys and numbers that users type
 * into startup files and grewayctl. Strict: the whole word must match.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_inet.h"

int
gw_ip_parse(const char *s, struct gw_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, ip->v6) != 1)
			return -EINVAL;
		ip->family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, s, &ip->v4) != 1)
		return -EINVAL;
	ip->family = AF_INET;
	return 0;
}

int
gw_prefix_parse(const char *s, struct gw_prefix *p)
{
	char buf[GW_PFX_STRLEN];
	const char *slash = strchr(s, '/');
	uint64_t len;
	size_t alen;
	int rc;

	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	rc = gw_ip_parse(buf, &p->addr);
	if (rc < 0)
		return rc;
	if (slash == NULL) {
		p->len = p->addr.family == AF_INET ? 32 : 128;
		return 0;
	}
	rc = gw_uint_parse(slash + 1, UINT64_MAX, &len);
	if (rc < 0)
		return rc; /* -EINVAL: not a number; -ERANGE: too long for any prefix */
	if (len > (p->addr.family == AF_INET ? 32u : 128u))
		return -ERANGE;
	p->len = len;
	return 0;
}

int
gw_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		/* sscanf %x accepts a sign or a space; insist on two hex digits each. */
		if (!isxdigit((unsigned char)s[3 * i]) || !isxdigit((unsigned char)s[3 * i + 1]))
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

int
gw_uint_parse(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2; /* hex; anything else is decimal, leading zeros included (no octal) */
		base = 16;
		if (!isxdigit((unsigned char)s[0]))
			return -EINVAL;
	} else if (!isdigit((unsigned char)s[0])) {
		return -EINVAL; /* no sign, no space, no empty word */
	}
	errno = 0;
	x = strtoull(s, &end, base);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || x > max)
		return -ERANGE;
	*v = x;
	return 0;
}

int
gw_key_parse(const char *s, uint32_t *key)
{
	struct in_addr a;
	uint64_t v;

	if (strchr(s, '.') != NULL) {
		if (inet_pton(AF_INET, s, &a) != 1)
			return -EINVAL;
		*key = ntohl(a.s_addr);
		return 0;
	}
	if (gw_uint_parse(s, UINT32_MAX, &v) < 0)
		return -EINVAL;
	*key = v;
	return 0;
}

const char *
gw_ip_fmt(const struct gw_ip *ip, char *buf, size_t size)
{
	if (ip->family == AF_INET6)
		inet_ntop(AF_INET6, ip->v6, buf, size);
	else if (ip->family == AF_INET)
		inet_ntop(AF_INET, &ip->v4, buf, size);
	else
		snprintf(buf, size, "any");
	return buf;
}

const char *
gw_prefix_fmt(const struct gw_prefix *p, char *buf, size_t size)
{
	char a[GW_IP_STRLEN];

	snprintf(buf, size, "%s/%u", gw_ip_fmt(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

const char *
gw_mac_fmt(const uint8_t mac[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

void
gw_prefix_masked(const struct gw_prefix *in, struct gw_prefix *out)
{
	unsigned int i, bits;

	*out = *in;
	if (in->addr.family == AF_INET) {
		out->addr.v4 = htonl(ntohl(in->addr.v4) & gw_ipv4_mask(in->len));
		return;
	}
	for (i = 0; i < 16; i++) {
		bits = in->len > i * 8 ? in->len - i * 8 : 0;
		if (bits < 8)
			out->addr.v6[i] &= (uint8_t)(0xff00 >> bits);
	}
}

bool
gw_ip_equal(const struct gw_ip *a, const struct gw_ip *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4 == b->v4;
	return memcmp(a->v6, b->v6, 16) == 0;
}

_Static_assert(GW_AF_INET == AF_INET && GW_AF_INET6 == AF_INET6, "Linux's address families");

bool
gw_ip_in_prefix(const struct gw_ip *addr, const struct gw_ip *prefix, uint8_t len)
{
	unsigned int full = len / 8, rest = len % 8;

	if (addr->family != prefix->family || len > gw_ip_bits(prefix))
		return false;
	if (memcmp(addr->v6, prefix->v6, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((addr->v6[full] ^ prefix->v6[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
gw_ip_is_unicast(const struct gw_ip *ip)
{
	static const uint8_t loop6[16] = { [15] = 1 }, zero6[16];
	uint32_t h;

	if (ip->family == AF_INET6)
		return ip->v6[0] != 0xff && memcmp(ip->v6, zero6, 16) != 0 &&
		       memcmp(ip->v6, loop6, 16) != 0;
	if (ip->family != AF_INET)
		return false;
	h = ntohl(ip->v4);
	/* 0/8, 127/8, and 224/3: multicast, class E and 255.255.255.255 */
	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 29) != 7;
}
