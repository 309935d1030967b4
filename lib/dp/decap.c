/* SPDX-License-Identifier: BSD-3-Clause
 *
 * GRE decapsulation: validate before trusting. Per burst: parse every GRE
 * header (gw_gre_parse: length, version, refused bits), one bulk lookup of the
 * tunnels by (outer destination, outer source, key), then per packet the
 * tunnel's policy (protocol, checksum, sequence number), strip, and check the
 * inner IPv4 header. Each failed check is its own drop reason. A TCP SYN
 * that leaves the tunnel has its MSS clamped to the tunnel's (clamp-mss).
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_ip.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_gre.h"
#include "gw_tcp.h"
#include "gw_tunnel.h"

/* Why no tunnel matched: the addresses are known (key problem) or not at all. */
static inline enum gw_drop
miss_reason(const struct gw_tunnel_key *k)
{
	const struct {
		uint32_t local, remote;
	} pair = { k->local, k->remote };

	return rte_hash_lookup(gw_tunnel_pair_hash, &pair) >= 0 ? GW_DROP_KEY_MISMATCH :
								  GW_DROP_NO_TUNNEL;
}

static inline bool
key_equal(const struct gw_tunnel_key *a, const struct gw_tunnel_key *b)
{
	/* field by field, as the keys were written: wider loads would stall on those stores */
	return ((a->local ^ b->local) | (a->remote ^ b->remote) | (a->key ^ b->key) |
		(a->has_key ^ b->has_key)) == 0;
}

/* GRE checksum over header and payload; the mbuf may be segmented. */
static inline bool
gre_csum_ok(const struct rte_mbuf *m, uint16_t off)
{
	uint32_t len = m->pkt_len - off;
	uint16_t sum;

	if (likely(m->data_len >= off + len))
		return gw_gre_csum_ok(rte_pktmbuf_mtod_offset(m, const void *, off), len);
	if (rte_raw_cksum_mbuf(m, off, len, &sum) != 0)
		return false;
	return sum == 0xffff;
}

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

/* Tunnel policy on a matched packet: protocol, checksum, sequence (RFC 2890 §2.2). */
static inline enum gw_drop
tunnel_accept(struct gw_tunnel *t, const struct rte_mbuf *m, uint16_t gre_off,
	      const struct gw_gre_info *g)
{
	if (unlikely(g->proto != GW_GRE_PROTO_IPV4))
		return GW_DROP_GRE_PROTO;
	if (g->flags & GW_GRE_F_CSUM) {
		if (unlikely(!gre_csum_ok(m, gre_off)))
			return GW_DROP_GRE_CSUM;
	} else if (unlikely(t->opts & GW_TUN_ICSUM)) {
		return GW_DROP_GRE_CSUM_MISSING;
	}
	if (t->opts & GW_TUN_ISEQ) {
		if (unlikely(!(g->flags & GW_GRE_F_SEQ)))
			return GW_DROP_GRE_SEQ_MISSING;
		/* serial-number arithmetic: drop what is not newer, accept gaps */
		if (unlikely((int32_t)(g->seq - t->rx_seq) <= 0) && likely(t->rx_seq_valid))
			return GW_DROP_GRE_SEQ_OLD;
		t->rx_seq = g->seq;
		t->rx_seq_valid = 1;
	}
	return GW_DROP_NONE;
}

uint16_t
gw_decap_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint32_t *dst,
	       struct gw_burst *b)
{
	struct gw_gre_info gre[GW_BURST_MAX];
	struct gw_tunnel_key keys[GW_BURST_MAX];
	const void *kp[GW_BURST_MAX];
	void *data[GW_BURST_MAX];
	uint16_t off[GW_BURST_MAX];
	uint8_t run[GW_BURST_MAX];
	uint8_t ecn[GW_BURST_MAX]; /* outer ECN field */
	struct rte_mbuf *ok[GW_BURST_MAX];
	uint8_t hbuf[GW_GRE_HDR_MAX];
	uint64_t hits = 0;
	uint16_t i, nok = 0, kept = 0, nkeys;
	enum gw_drop why;

	/* Stage 1: parse; build a lookup key for each well-formed header. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		uint16_t hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
		uint32_t avail = m->pkt_len - hl;
		const void *h;

		h = rte_pktmbuf_read(m, hl, RTE_MIN(avail, (uint32_t)GW_GRE_HDR_MAX), hbuf);
		why = h == NULL ? GW_DROP_GRE_SHORT : gw_gre_parse(h, avail, &gre[nok]);
		if (unlikely(why != GW_DROP_NONE)) {
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		keys[nok].local = ip->dst_addr;
		keys[nok].remote = ip->src_addr;
		keys[nok].has_key = !!(gre[nok].flags & GW_GRE_F_KEY);
		keys[nok].key = gre[nok].key;
		off[nok] = hl;
		ecn[nok] = ip->type_of_service & GW_ECN_MASK;
		ok[nok++] = m;
	}
	if (nok == 0)
		return 0;

	/*
	 * Stage 2: one bulk lookup for the burst, of the first key of each run
	 * of equal keys (a burst from one peer is mostly one tunnel; VPP keeps
	 * a one-entry cache for the same reason).
	 */
	nkeys = 0;
	for (i = 0; i < nok; i++) {
		/* the run index stays in a register: no store-to-load chain through run[] */
		if (i == 0 || !key_equal(&keys[i], &keys[i - 1]))
			kp[nkeys++] = &keys[i];
		run[i] = nkeys - 1;
	}
	if (likely(nkeys == 1)) {
		/* one peer's burst: the single lookup skips the bulk path's staging */
		hits = rte_hash_lookup_data(gw_tunnel_hash, kp[0], &data[0]) >= 0;
	} else {
		rte_hash_lookup_bulk_data(gw_tunnel_hash, kp, nkeys, &hits, data);
	}

	/* Stage 3: policy, strip, inner check. */
	for (i = 0; i < nok; i++) {
		struct rte_mbuf *m = ok[i];
		struct gw_tunnel *t = data[run[i]];

		if (unlikely(!(hits & (UINT64_C(1) << run[i])))) {
			gw_burst_drop(lc, b, m, miss_reason(&keys[i]));
			continue;
		}
		why = tunnel_accept(t, m, off[i], &gre[i]);
		if (unlikely(why != GW_DROP_NONE)) {
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		if (unlikely(rte_pktmbuf_adj(m, off[i] + gre[i].hdr_len) == NULL)) {
			/* outer and GRE headers not all in the first segment */
			gw_burst_drop(lc, b, m, GW_DROP_GRE_SHORT);
			continue;
		}
		if (unlikely(!inner_ok(m, &dst[kept]))) {
			gw_burst_drop(lc, b, m, GW_DROP_INNER_HEADER);
			continue;
		}
		if (unlikely(ecn[i] != GW_ECN_NOT_ECT) &&
		    unlikely((why = ecn_decap(m, ecn[i])) != GW_DROP_NONE)) {
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		/* a SYN out of the tunnel offers no more than the tunnel carries (clamp-mss) */
		if (t->mss4_max != 0)
			gw_tcp_mss_clamp4(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m),
					  t->mss4_max);
		lc->tun[t->idx].rx_packets++;
		lc->tun[t->idx].rx_bytes += m->pkt_len;
		/* the ingress, for an ICMP error: one store to the line adj just wrote */
		m->hash.fdir.hi = t->idx + 1u;
		pkts[kept++] = m;
	}
	return kept;
}
