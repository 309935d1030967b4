/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TCP MSS clamping on plain bytes (no EAL, no mbuf): the MSS option of a
 * SYN or SYN-ACK is lowered to a ceiling and the TCP checksum is fixed
 * incrementally (RFC 1624); the IP header is never written.
 *
 * The dataplane calls gw_tcp_mss_clamp4() on every packet that crosses a
 * tunnel with clamping on; for anything but a TCP SYN it costs a protocol
 * compare and one flags test, and the full parse (gw_tcp_mss_clamp4_syn)
 * runs only for SYNs.
 */
#ifndef GW_TCP_H
#define GW_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_TCP_HDR_LEN 20       /**< TCP header without options */
#define GW_TCP_FLAG_SYN 0x02    /**< in byte 13 of the TCP header */
#define GW_TCP_OPT_EOL 0        /**< end of option list */
#define GW_TCP_OPT_NOP 1        /**< one-byte padding */
#define GW_TCP_OPT_MSS 2        /**< maximum segment size, 4 bytes (RFC 9293 §3.2) */
#define GW_TCP_OPT_MSS_LEN 4

/*
 * The MSS that fits a tunnel MTU: the MTU less the inner IP and TCP headers
 * without options (RFC 9293 §3.7.1, RFC 6691): IPv4 20 + TCP 20, IPv6 40 +
 * TCP 20.
 */
#define GW_TCP_MSS_OVERHEAD_IPV4 40 /**< inner IPv4 + TCP headers */
#define GW_TCP_MSS_OVERHEAD_IPV6 60 /**< inner IPv6 + TCP headers */
#define GW_TCP_IP6_HDR_LEN 40       /**< IPv6's fixed header */

/**
 * Clamp the MSS options of an IPv4 TCP SYN (full parse).
 *
 * Does nothing (returns false) unless the bytes are an IPv4 packet (version
 * 4, IHL >= 5) that is not a fragment, carries TCP with SYN set, whose IP
 * total length covers the TCP header and options, and avail covers them too.
 * The whole option list must be well formed (every option but EOL and NOP
 * with a length >= 2 that stays inside the header, every MSS option 4 bytes
 * long), else nothing is changed. Each MSS option above mss_max is set to
 * mss_max; no option is ever added.
 *
 * @param ip
 *   The IPv4 header; avail bytes readable and writable from there.
 * @param avail
 *   Bytes available at ip (may be less than the packet: only the headers
 *   are read).
 * @param mss_max
 *   The ceiling; 0 changes nothing.
 * @return
 *   true when the packet was changed (MSS and TCP checksum written).
 */
bool gw_tcp_mss_clamp4_syn(void *ip, size_t avail, uint16_t mss_max);

/**
 * Clamp the MSS of an IPv4 TCP SYN or SYN-ACK; the fast test for everything
 * else. Same contract as gw_tcp_mss_clamp4_syn().
 */
static inline bool
gw_tcp_mss_clamp4(void *ip, size_t avail, uint16_t mss_max)
{
	const uint8_t *p = ip;
	size_t ihl;

	if (__builtin_expect(avail < 20 || p[9] != 6 /* IPPROTO_TCP */, 1))
		return false;
	ihl = (size_t)(p[0] & 0xf) * 4;
	/* the one flags test; a non-first fragment's "flags" are payload: the full parse says no */
	if (__builtin_expect(avail < ihl + GW_TCP_HDR_LEN ||
			     !(p[ihl + 13] & GW_TCP_FLAG_SYN), 1))
		return false;
	return gw_tcp_mss_clamp4_syn(ip, avail, mss_max);
}

/**
 * Clamp the MSS options of an IPv6 TCP SYN (full parse): as
 * gw_tcp_mss_clamp4_syn(), for an IPv6 packet whose next header is TCP
 * (a SYN behind extension headers is left alone: they are not walked).
 */
bool gw_tcp_mss_clamp6_syn(void *ip, size_t avail, uint16_t mss_max);

/** Clamp the MSS of an IPv6 TCP SYN or SYN-ACK; the fast test for everything else. */
static inline bool
gw_tcp_mss_clamp6(void *ip, size_t avail, uint16_t mss_max)
{
	const uint8_t *p = ip;

	if (__builtin_expect(avail < GW_TCP_IP6_HDR_LEN + GW_TCP_HDR_LEN ||
			     p[6] != 6 /* IPPROTO_TCP */ ||
			     !(p[GW_TCP_IP6_HDR_LEN + 13] & GW_TCP_FLAG_SYN), 1))
		return false;
	return gw_tcp_mss_clamp6_syn(ip, avail, mss_max);
}

#endif /* GW_TCP_H */
