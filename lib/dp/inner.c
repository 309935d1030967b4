/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The inner IPv4 stage, after decap: the inner header is checked as a
 * router checks what it forwards (RFC 1812 §5.2.2), the outer ECN field is
 * merged in (RFC 6040 §4.2), a TCP SYN leaving the tunnel has its MSS clamped
 * to the tunnel's (clamp-mss), and the peer counts the packet. IPv6 and
 * Ethernet payloads get stages of their own beside it.
 */
#include <rte_byteorder.h>
#include <rte_ip.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_tcp.h"

/* The inner packet must be IPv4 with a sane header, wholly in the first segment. */
static inline bool
inner_ok(struct rte_mbuf *m, uint32_t *dst)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t hl, tlen;

	if (unlikely(m->data_len < sizeof(*ip)))
		return false;
	hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip) || tlen < hl ||
		     tlen > m->pkt_len || m->data_len < hl))
		return false;
	/* RFC 1812 §5.2.2: a router verifies the header it forwards; the TTL
	 * update is incremental and would carry a bad checksum along */
	if (unlikely(!gw_ipv4_cksum_ok(ip, hl)))
		return false;
	if (m->pkt_len > tlen)
		rte_pktmbuf_trim(m, m->pkt_len - tlen);
	*dst = rte_be_to_cpu_32(ip->dst_addr);
	return true;
}

/*
 * RFC 6040 §4.2 (decapsulation, normal mode), on the inner header once it is
 * verified: outer CE marks the inner packet CE, or drops it when the inner
 * packet is not ECN-capable; outer ECT(1) over inner ECT(0) becomes ECT(1);
 * every other combination leaves the inner field as it is.
 */
static inline enum gw_drop
ecn_decap(struct rte_mbuf *m, uint8_t outer)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint8_t tos = ip->type_of_service, inner = tos & GW_ECN_MASK, ecn;
	uint16_t old;

	if (outer == GW_ECN_CE) {
		if (inner == GW_ECN_NOT_ECT)
			return GW_DROP_ECN_NOT_ECT;
		ecn = GW_ECN_CE;
	} else if (outer == GW_ECN_ECT1 && inner == GW_ECN_ECT0) {
		ecn = GW_ECN_ECT1;
	} else {
		return GW_DROP_NONE;
	}
	if (ecn == inner)
		return GW_DROP_NONE;
	old = *(const unaligned_uint16_t *)ip; /* version/IHL and TOS, as summed */
	ip->type_of_service = (tos & ~GW_ECN_MASK) | ecn;
	ip->hdr_checksum = gw_cksum_update16(ip->hdr_checksum, old,
					     *(const unaligned_uint16_t *)ip);
	return GW_DROP_NONE;
}

uint16_t
gw_inner_ip4_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const struct gw_peer **peers,
		   const uint8_t *outer_ecn, uint16_t n, uint32_t *dst, uint16_t *ingress,
		   struct gw_burst *b)
{
	uint16_t i, kept = 0;
	enum gw_drop why;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct gw_peer *p = peers[i];

		if (unlikely(!inner_ok(m, &dst[kept]))) {
			gw_burst_drop(lc, b, m, GW_DROP_INNER_HEADER);
			continue;
		}
		if (unlikely(outer_ecn[i] != GW_ECN_NOT_ECT) &&
		    unlikely((why = ecn_decap(m, outer_ecn[i])) != GW_DROP_NONE)) {
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		/* a SYN out of the tunnel offers no more than the tunnel carries (clamp-mss) */
		if (p->mss4_max != 0)
			gw_tcp_mss_clamp4(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m),
					  p->mss4_max);
		lc->peer[p->id].rx_packets++;
		lc->peer[p->id].rx_bytes += m->pkt_len;
		ingress[kept] = p->iface;
		pkts[kept++] = m;
	}
	return kept;
}
