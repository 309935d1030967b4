/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The classify stage of a routed port: four frames a step, the common case
 * (to our MAC, IPv4 without options) told by one masked compare per frame
 * against the port's template; ARP and IPv6 neighbour discovery go to the
 * control thread; IPv4 is checked (RFC 1812 §5.2.2) and IPv6 (RFC 8200),
 * each stripped to L3 into a vector of its family; everything else is a
 * counted drop. Bridge members take every frame instead (bridge.c).
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_prefetch.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_ip6.h"
#include "gw_simd.h"

/* What classify decided for one frame: IPv4 or IPv6 at L3, or for the control thread. */
#define CLS_L3 0
#define CLS_PUNT (-1)
#define CLS_L3_6 (-2)
#define CLS_PUNT_ND (-3)

/*
 * The IPv4 checks after the Ethernet ones (RFC 1812 §5.2.2: total length,
 * checksum), then strip Ethernet. hl: the header length, at least 20 and in
 * the first segment.
 */
static __rte_always_inline int
classify_ipv4(struct rte_mbuf *m, uint16_t hl, uint32_t *dst)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	uint16_t tlen = rte_be_to_cpu_16(ip->total_length);
	uint64_t csum_flags;

	if (unlikely(tlen < hl || tlen > m->pkt_len - RTE_ETHER_HDR_LEN))
		return GW_DROP_IP_HEADER;
	csum_flags = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (unlikely(csum_flags != RTE_MBUF_F_RX_IP_CKSUM_GOOD)) {
		if (csum_flags == RTE_MBUF_F_RX_IP_CKSUM_BAD || !gw_ipv4_cksum_ok(ip, hl))
			return GW_DROP_IP_CSUM;
	}
	*dst = rte_be_to_cpu_32(ip->dst_addr);
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	if (unlikely(m->pkt_len > tlen))
		rte_pktmbuf_trim(m, m->pkt_len - tlen); /* Ethernet padding */
	return CLS_L3;
}

/*
 * An IPv4 multicast frame a router may forward: to the group's MAC
 * (01:00:5e + the low 23 bits, RFC 1112), a group beyond the local network
 * control block 224.0.0.0/24, which never leaves its link (RFC 5771).
 */
static inline bool
mcast_routable(const struct rte_ether_hdr *eth, const struct rte_ipv4_hdr *ip)
{
	uint32_t group = rte_be_to_cpu_32(ip->dst_addr);

	return RTE_IS_IPV4_MCAST(group) && (group >> 8) != 0xe00000 &&
	       eth->dst_addr.addr_bytes[0] == 0x01 && eth->dst_addr.addr_bytes[1] == 0x00 &&
	       eth->dst_addr.addr_bytes[2] == 0x5e &&
	       (eth->dst_addr.addr_bytes[3] & 0x7f) == ((group >> 16) & 0x7f) &&
	       eth->dst_addr.addr_bytes[4] == ((group >> 8) & 0xff) &&
	       eth->dst_addr.addr_bytes[5] == (group & 0xff);
}

/* Whether an ICMPv6 message is neighbour discovery (RFC 4861: types 133-137). */
static inline bool
is_nd(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip)
{
	uint8_t type;

	if (ip->proto != GW_IPPROTO_ICMPV6 ||
	    m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ip) + 1)
		return false;
	type = *((const uint8_t *)(ip + 1));
	return type >= GW_ND_ROUTER_SOLICIT && type <= GW_ND_REDIRECT;
}

/*
 * IPv6 (RFC 8200): the fixed header in the first segment, version 6, the
 * payload within the frame (padding trimmed), a source that is not a group.
 * Neighbour discovery, to us or to a group (a solicited-node one), goes to
 * the control thread as ARP does; other groups are not served. Off the IPv4
 * path: a frame of its own ethertype, which the template does not match.
 */
static __rte_noinline int
classify_ipv6(const struct gw_port *port, struct rte_mbuf *m, const struct rte_ether_hdr *eth)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	uint32_t len;

	if (unlikely(m->data_len < sizeof(*eth) + sizeof(*ip) ||
		     (ip->vtc_flow & RTE_BE32(0xf0000000)) != RTE_BE32(0x60000000) ||
		     gw_ip6_is_mcast(ip->src_addr)))
		return GW_DROP_IP_HEADER;
	len = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if (unlikely(len > m->pkt_len - sizeof(*eth)))
		return GW_DROP_IP6_PAYLOAD_LEN;
	if (unlikely(!rte_is_same_ether_addr(&eth->dst_addr, &port->mac))) {
		if (!rte_is_multicast_ether_addr(&eth->dst_addr))
			return GW_DROP_L2_OTHER_HOST;
		return is_nd(m, ip) ? CLS_PUNT_ND : GW_DROP_LOCAL_PROTO;
	}
	if (unlikely(is_nd(m, ip)))
		return CLS_PUNT_ND;
	if (unlikely(gw_ip6_is_mcast(ip->dst_addr)))
		return GW_DROP_LOCAL_PROTO; /* groups are not routed (only IPv4's are) */
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	if (unlikely(m->pkt_len > len))
		rte_pktmbuf_trim(m, m->pkt_len - len); /* Ethernet padding */
	return CLS_L3_6;
}

/*
 * Strip Ethernet and validate IPv4, every case: short frames, other
 * ethertypes, other hosts' frames, IP options. Returns CLS_L3 with *dst set,
 * CLS_PUNT, or a drop reason.
 */
static inline int
classify_one(const struct gw_port *port, struct rte_mbuf *m, uint32_t *dst)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip;
	uint16_t hl;

	if (unlikely(m->data_len < sizeof(*eth)))
		return GW_DROP_ETH_SHORT;
	if (unlikely(eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
			return classify_ipv6(port, m, eth);
		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
			return CLS_PUNT;
		return GW_DROP_ETHERTYPE;
	}
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	if (unlikely(!rte_is_same_ether_addr(&eth->dst_addr, &port->mac))) {
		if (!rte_is_multicast_ether_addr(&eth->dst_addr))
			return GW_DROP_L2_OTHER_HOST;
		/* IPv4 multicast beyond the link (not 224.0.0.0/24) is routed as a
		 * route says (a hub's: to its spokes); the rest is not served here */
		if (m->data_len < sizeof(*eth) + sizeof(*ip) || !mcast_routable(eth, ip))
			return GW_DROP_LOCAL_PROTO;
	}
	if (unlikely(m->data_len < sizeof(*eth) + sizeof(*ip)))
		return GW_DROP_IP_HEADER;
	hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	if (unlikely((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip) ||
		     m->data_len < sizeof(*eth) + hl))
		return GW_DROP_IP_HEADER;
	return classify_ipv4(m, hl, dst);
}

/*
 * A frame whose first 16 bytes match the port's template: for us, IPv4,
 * IHL 5. Those bytes may lie past a runt's end (the data room holds an
 * older frame's), so a frame shorter than the two headers goes to
 * classify_one, which names what is wrong with it.
 */
static __rte_always_inline int
classify_fast(const struct gw_port *port, struct rte_mbuf *m, uint32_t *dst)
{
	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr)))
		return classify_one(port, m, dst);
	return classify_ipv4(m, sizeof(struct rte_ipv4_hdr), dst);
}

/*
 * The headers, and the cache line in front of them: encapsulation writes the
 * outer headers there, into headroom no PMD has touched (a write miss each
 * packet without this).
 */
static inline void
prefetch_packet(const struct rte_mbuf *m)
{
	const char *data = rte_pktmbuf_mtod(m, const char *);

	rte_prefetch0(data);
	rte_prefetch0_write(data - RTE_CACHE_LINE_SIZE);
}

/* Where classify sends a frame: an L3 vector, the control thread, or the drop list. */
static __rte_always_inline void
cls_sort(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, int rc,
	 struct rte_mbuf **l3, uint16_t *nl3, struct gw_vec *v6)
{
	if (likely(rc == CLS_L3))
		l3[(*nl3)++] = m;
	else if (rc == CLS_L3_6)
		v6->pkts[v6->n++] = m;
	else if (rc == CLS_PUNT)
		gw_burst_punt(b, m, GW_PUNT_ARP);
	else if (rc == CLS_PUNT_ND)
		gw_burst_punt(b, m, GW_PUNT_ND);
	else
		gw_burst_drop(lc, b, m, rc);
}

uint16_t
gw_classify_burst(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n,
		  uint32_t *dst, struct gw_vec *v6, struct gw_burst *b)
{
	const struct gw_port *p = &gw_ports[port];
	uint16_t i, nl3 = 0;
	int rc;

	for (i = 0; i < GW_PREFETCH && i < n; i++)
		prefetch_packet(pkts[i]);
	/*
	 * Four frames a step: while they are classified, the next four are
	 * prefetched; one masked compare per frame (gw_match16_test4) tells which of them
	 * are the common case, to us, IPv4 without options. Those skip the
	 * Ethernet and version checks; the rest, and the last 0-3 frames, take
	 * classify_one(), which handles everything. The kept frames are
	 * compacted in place: a frame is only written back at or before its
	 * own slot, after it was read.
	 */
	for (i = 0; i + 4 <= n; i += 4) {
		struct rte_mbuf *m4[4] = { pkts[i], pkts[i + 1], pkts[i + 2], pkts[i + 3] };
		const void *frame[4] = {
			rte_pktmbuf_mtod(m4[0], void *), rte_pktmbuf_mtod(m4[1], void *),
			rte_pktmbuf_mtod(m4[2], void *), rte_pktmbuf_mtod(m4[3], void *),
		};
		unsigned int fast;
		uint16_t j;

		for (j = i + GW_PREFETCH; j < i + 2 * GW_PREFETCH && j < n; j++)
			prefetch_packet(pkts[j]);
		fast = gw_match16_test4(frame, &p->eth_match);
		for (j = 0; j < 4; j++) {
			rc = likely(fast & 1u << j) ? classify_fast(p, m4[j], &dst[nl3]) :
						      classify_one(p, m4[j], &dst[nl3]);
			cls_sort(lc, b, m4[j], rc, pkts, &nl3, v6);
		}
	}
	for (; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		cls_sort(lc, b, m, classify_one(p, m, &dst[nl3]), pkts, &nl3, v6);
	}
	return nl3;
}
