/* SPDX-License-Identifier: BSD-3-Clause
 *
 * TCP MSS clamping (gw_tcp.h). Defensive by construction: every length is
 * checked against both the IP total length and the bytes available before it
 * is used, the option list is validated whole before anything is written,
 * and only the MSS value and the TCP checksum are ever modified.
 *
 * The checksum update is RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), on the
 * 16-bit word as the checksum sees it: an MSS value that starts at an odd
 * offset from the TCP header straddles two checksum words, and its
 * contribution to the sum is then the value byte-swapped (RFC 1071 §2(B)).
 */
#include <stdint.h>
#include <string.h>

#include "gw_tcp.h"

static inline uint16_t
be16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
be16_put(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline uint16_t
swap16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

/* Checksum hc (host value of the big-endian field) after word old becomes new. */
static uint16_t
csum_replace(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~hc + (uint32_t)(uint16_t)~old + new;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * The SYN's options, whatever the IP version: tcp is the TCP header, room
 * the bytes of TCP segment both the IP length and the buffer cover. The
 * pseudo-header does not change, so neither does the family matter.
 */
static bool
clamp_syn(uint8_t *tcp, size_t room, uint16_t mss_max)
{
	uint8_t *opt;
	size_t thl, i, len;
	uint16_t mss, hc;
	bool changed = false;

	if (room < GW_TCP_HDR_LEN || !(tcp[13] & GW_TCP_FLAG_SYN))
		return false;
	thl = (size_t)(tcp[12] >> 4) * 4;
	if (thl < GW_TCP_HDR_LEN || thl > room)
		return false;
	if (thl == GW_TCP_HDR_LEN)
		return false; /* no options, no MSS: nothing is inserted */

	/* Pass 1: the whole option list must be well formed. */
	opt = tcp + GW_TCP_HDR_LEN;
	len = thl - GW_TCP_HDR_LEN;
	for (i = 0; i < len;) {
		if (opt[i] == GW_TCP_OPT_EOL)
			break;
		if (opt[i] == GW_TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || opt[i + 1] > len - i)
			return false;
		if (opt[i] == GW_TCP_OPT_MSS && opt[i + 1] != GW_TCP_OPT_MSS_LEN)
			return false;
		i += opt[i + 1];
	}
	/* Pass 2: clamp every MSS option (a receiver may use any of them). */
	hc = be16_get(tcp + 16);
	for (i = 0; i < len;) {
		if (opt[i] == GW_TCP_OPT_EOL)
			break;
		if (opt[i] == GW_TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (opt[i] == GW_TCP_OPT_MSS) {
			mss = be16_get(opt + i + 2);
			if (mss > mss_max) {
				/* the value's offset from the TCP header: 20 + i + 2 */
				if ((i & 1) == 0)
					hc = csum_replace(hc, mss, mss_max);
				else
					hc = csum_replace(hc, swap16(mss), swap16(mss_max));
				be16_put(opt + i + 2, mss_max);
				changed = true;
			}
		}
		i += opt[i + 1];
	}
	if (changed)
		be16_put(tcp + 16, hc);
	return changed;
}

bool
gw_tcp_mss_clamp4_syn(void *ip, size_t avail, uint16_t mss_max)
{
	uint8_t *p = ip;
	size_t ihl, tlen;
	uint16_t frag;

	if (mss_max == 0 || avail < 20 || (p[0] >> 4) != 4 || p[9] != 6)
		return false;
	ihl = (size_t)(p[0] & 0xf) * 4;
	tlen = be16_get(p + 2);
	frag = be16_get(p + 6);
	if (ihl < 20 || (frag & 0x3fff) != 0) /* MF or an offset: a fragment */
		return false;
	if (tlen > avail)
		tlen = avail; /* only the headers are read; they must be in both */
	if (tlen < ihl + GW_TCP_HDR_LEN)
		return false;
	return clamp_syn(p + ihl, tlen - ihl, mss_max);
}

bool
gw_tcp_mss_clamp6_syn(void *ip, size_t avail, uint16_t mss_max)
{
	uint8_t *p = ip;
	size_t tlen;

	if (mss_max == 0 || avail < GW_TCP_IP6_HDR_LEN || (p[0] >> 4) != 6 || p[6] != 6)
		return false;
	tlen = GW_TCP_IP6_HDR_LEN + be16_get(p + 4);
	if (tlen > avail)
		tlen = avail;
	if (tlen < GW_TCP_IP6_HDR_LEN + GW_TCP_HDR_LEN)
		return false;
	return clamp_syn(p + GW_TCP_IP6_HDR_LEN, tlen - GW_TCP_IP6_HDR_LEN, mss_max);
}
