/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The decap stage: validate before trusting, the outer IP and the GRE header
 * only. Per burst: parse every GRE header (gw_gre_parse: length, version,
 * refused bits), one bulk lookup of the peers by (outer destination, outer
 * source, key), then per packet the tunnel's receive policy (admin state,
 * checksum, sequence number), strip, and sort by protocol type into one
 * vector per payload stage: IPv4 to the inner IPv4 stage, IPv6 to the inner
 * IPv6 stage, Ethernet (gretap) to the bridge stage. Each failed check is
 * its own drop reason; a type no stage takes is counted.
 *
 * One code for both underlays: decap_burst() takes the family as a
 * constant, and each family's entry point gets its own copy, so the IPv4
 * path reads no IPv6 key and tests no family per packet. An IPv6 outer
 * header may carry one destination options header before GRE (Linux's
 * ip6gre sends the tunnel encapsulation limit, RFC 2473, by default); its
 * options are walked as RFC 8200 §4.2 says.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_ip.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_gre.h"
#include "gw_ip6.h"
#include "gw_tunnel.h"

/* The (local, remote) pair keys, as lib/table/tunnel.c writes them. */
struct pair4 {
	uint32_t local, remote;
};

struct pair6 {
	uint8_t local[16], remote[16];
};

/*
 * Why no peer matched: the addresses are known (key problem: a tunnel has
 * them, or a hub receives on that local address) or not at all.
 */
static __rte_noinline enum gw_drop
miss_reason(const struct gw_tunnel_key4 *k)
{
	struct pair4 pair = { k->local, k->remote };

	if (rte_hash_lookup(gw_tunnel_pair_hash4, &pair) >= 0)
		return GW_DROP_KEY_MISMATCH;
	pair.remote = 0; /* a hub's */
	return rte_hash_lookup(gw_tunnel_pair_hash4, &pair) >= 0 ? GW_DROP_KEY_MISMATCH :
								   GW_DROP_NO_TUNNEL;
}

static __rte_noinline enum gw_drop
miss_reason6(const struct gw_tunnel_key6 *k)
{
	struct pair6 pair;

	memcpy(pair.local, k->local, sizeof(pair.local));
	memcpy(pair.remote, k->remote, sizeof(pair.remote));
	if (rte_hash_lookup(gw_tunnel_pair_hash6, &pair) >= 0)
		return GW_DROP_KEY_MISMATCH;
	memset(pair.remote, 0, sizeof(pair.remote)); /* a hub's */
	return rte_hash_lookup(gw_tunnel_pair_hash6, &pair) >= 0 ? GW_DROP_KEY_MISMATCH :
								   GW_DROP_NO_TUNNEL;
}

static inline bool
key_equal(const struct gw_tunnel_key4 *a, const struct gw_tunnel_key4 *b)
{
	/* field by field, as the keys were written: wider loads would stall on those stores */
	return ((a->local ^ b->local) | (a->remote ^ b->remote) | (a->key ^ b->key) |
		(a->flags ^ b->flags)) == 0;
}

static inline bool
key6_equal(const struct gw_tunnel_key6 *a, const struct gw_tunnel_key6 *b)
{
	uint64_t x[6], y[6];

	/* word by word, in registers: memcmp of a length not a constant power of two is a call */
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		(x[4] ^ y[4]) | (x[5] ^ y[5])) == 0;
}

/*
 * The runs whose key missed, looked up again with a wildcard remote: a
 * hub's multipoint tunnel takes, by (local, key), what comes from sources
 * none of its spokes (nor any point-to-point tunnel) has. Off the common
 * path: a hub's known spokes match their own entries.
 *
 * @return the hit bits of the runs found.
 */
static __rte_noinline uint64_t
wildcard_lookup(const void **kp, uint16_t nkeys, uint64_t hits, void **data, bool v6)
{
	struct gw_tunnel_key6 wk6;
	struct gw_tunnel_key4 wk;
	uint64_t found = 0;
	uint16_t r;
	int rc;

	for (r = 0; r < nkeys; r++) {
		if (hits & (UINT64_C(1) << r))
			continue;
		if (v6) {
			wk6 = *(const struct gw_tunnel_key6 *)kp[r];
			memset(wk6.remote, 0, sizeof(wk6.remote));
			wk6.flags |= GW_TKEY_ANY_REMOTE;
			rc = rte_hash_lookup_data(gw_tunnel_hash6, &wk6, &data[r]);
		} else {
			wk = *(const struct gw_tunnel_key4 *)kp[r];
			wk.remote = 0;
			wk.flags |= GW_TKEY_ANY_REMOTE;
			rc = rte_hash_lookup_data(gw_tunnel_hash4, &wk, &data[r]);
		}
		if (rc >= 0)
			found |= UINT64_C(1) << r;
	}
	return found;
}

/*
 * The destination options header in front of GRE (RFC 8200 §4.6): its
 * options walked (Pad1, PadN, the tunnel encapsulation limit; an unknown
 * one whose type says skip), as a receiver must. Returns the header's
 * length with *next set, or a drop reason as a negative number.
 */
static __rte_noinline int
ip6_dstopts(const struct rte_mbuf *m, uint8_t *next)
{
	uint8_t buf[GW_IP6_DSTOPTS_MAX];
	const uint8_t *h;
	uint32_t len, i;

	h = rte_pktmbuf_read(m, GW_IP6_HDR_LEN, 2, buf);
	if (h == NULL)
		return -GW_DROP_IP6_EXT_HEADER;
	len = (h[1] + 1u) * 8;
	*next = h[0];
	if (len > sizeof(buf) ||
	    (h = rte_pktmbuf_read(m, GW_IP6_HDR_LEN, len, buf)) == NULL)
		return -GW_DROP_IP6_EXT_HEADER;
	for (i = 2; i < len;) {
		if (h[i] == GW_IP6_OPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + h[i + 1] > len)
			return -GW_DROP_IP6_EXT_HEADER;
		/* the two high bits of an unknown type: 00 skip it, else discard */
		if (h[i] != GW_IP6_OPT_PADN && h[i] != GW_IP6_OPT_TUNNEL_LIMIT && (h[i] >> 6) != 0)
			return -GW_DROP_IP6_EXT_HEADER;
		i += 2 + h[i + 1];
	}
	if (*next != GW_IPPROTO_GRE)
		return -GW_DROP_IP6_NEXT_HEADER;
	return (int)len;
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

/* peer_accept: not a drop, a keepalive answered (GRE of type 0): the control thread's */
#define KEEPALIVE ((enum gw_drop)GW_DROP_MAX)

/* The tunnel's receive policy on a matched packet: state, checksum, sequence (RFC 2890 §2.2). */
static inline enum gw_drop
peer_accept(const struct gw_peer *p, const struct rte_mbuf *m, uint16_t gre_off,
	    const struct gw_gre_info *g)
{
	struct gw_peer_rx_seq *rs;

	if (unlikely(!p->up))
		return GW_DROP_TUNNEL_DOWN;
	/* a type its tunnel does not carry (a frame on gre, a packet on gretap), before
	 * its sequence number counts */
	if (unlikely(g->proto != p->proto) &&
	    !(g->proto == GW_GRE_PROTO_IPV6 && p->proto == GW_GRE_PROTO_IPV4))
		return g->proto == GW_GRE_PROTO_KEEPALIVE ? KEEPALIVE : GW_DROP_GRE_PROTO;
	if (g->flags & GW_GRE_F_CSUM) {
		if (unlikely(!gre_csum_ok(m, gre_off)))
			return GW_DROP_GRE_CSUM;
	} else if (unlikely(p->opts & GW_TUN_ICSUM)) {
		return GW_DROP_GRE_CSUM_MISSING;
	}
	if (p->opts & GW_TUN_ISEQ) {
		if (unlikely(!(g->flags & GW_GRE_F_SEQ)))
			return GW_DROP_GRE_SEQ_MISSING;
		rs = &gw_peer_rx_seq[p->id];
		/* serial-number arithmetic: drop what is not newer, accept gaps */
		if (unlikely((int32_t)(g->seq - rs->last) <= 0) && likely(rs->valid))
			return GW_DROP_GRE_SEQ_OLD;
		rs->last = g->seq;
		rs->valid = 1;
	}
	return GW_DROP_NONE;
}

/*
 * Stage 1 of an IPv6 underlay: the GRE header's offset (behind the fixed
 * header, or behind destination options) and the outer ECN field.
 */
static __rte_always_inline enum gw_drop
outer6(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip, uint16_t *off, uint8_t *ecn)
{
	uint8_t next;
	int len;

	*ecn = gw_ip6_tc(ip->vtc_flow) & GW_ECN_MASK;
	if (likely(ip->proto == GW_IPPROTO_GRE)) {
		*off = GW_IP6_HDR_LEN;
		return GW_DROP_NONE;
	}
	if (ip->proto != GW_IPPROTO_DSTOPTS)
		return GW_DROP_IP6_NEXT_HEADER; /* reassembled, and not GRE after all */
	len = ip6_dstopts(m, &next);
	if (len < 0)
		return (enum gw_drop)-len;
	*off = GW_IP6_HDR_LEN + len;
	return GW_DROP_NONE;
}

static __rte_always_inline void
decap_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, struct gw_decap_out *out,
	    struct gw_burst *b, const bool v6)
{
	struct gw_gre_info gre[GW_BURST_MAX];
	struct gw_tunnel_key4 keys[GW_BURST_MAX];
	struct gw_tunnel_key6 keys6[GW_BURST_MAX];
	struct rte_hash *hash = v6 ? gw_tunnel_hash6 : gw_tunnel_hash4;
	const void *kp[GW_BURST_MAX];
	void *data[GW_BURST_MAX];
	uint16_t off[GW_BURST_MAX];
	uint8_t run[GW_BURST_MAX];
	uint8_t ecn[GW_BURST_MAX]; /* outer ECN field */
	struct rte_mbuf *ok[GW_BURST_MAX];
	uint8_t hbuf[GW_GRE_HDR_MAX];
	uint64_t hits = 0;
	uint16_t i, nok = 0, nkeys, n_ip4 = out->n_ip4, n_ip6 = out->n_ip6, n_l2 = out->n_l2;
	enum gw_drop why;

	/* Stage 1: parse; build a lookup key for each well-formed header. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
		uint16_t hl = 0;
		uint32_t avail;
		const void *h;

		if (v6) {
			why = outer6(m, ip6, &hl, &ecn[nok]);
			if (unlikely(why != GW_DROP_NONE)) {
				gw_burst_drop(lc, b, m, why);
				continue;
			}
		} else {
			hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
		}
		avail = m->pkt_len - hl;
		h = rte_pktmbuf_read(m, hl, RTE_MIN(avail, (uint32_t)GW_GRE_HDR_MAX), hbuf);
		why = h == NULL ? GW_DROP_GRE_SHORT : gw_gre_parse(h, avail, &gre[nok]);
		if (unlikely(why != GW_DROP_NONE)) {
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		if (v6) {
			memcpy(keys6[nok].local, ip6->dst_addr, 16);
			memcpy(keys6[nok].remote, ip6->src_addr, 16);
			keys6[nok].flags = gre[nok].flags & GW_GRE_F_KEY ? GW_TKEY_HAS_KEY : 0;
			keys6[nok].key = gre[nok].key;
			keys6[nok].zero = 0;
		} else {
			keys[nok].local = ip->dst_addr;
			keys[nok].remote = ip->src_addr;
			keys[nok].flags = gre[nok].flags & GW_GRE_F_KEY ? GW_TKEY_HAS_KEY : 0;
			keys[nok].key = gre[nok].key;
			ecn[nok] = ip->type_of_service & GW_ECN_MASK;
		}
		off[nok] = hl;
		ok[nok++] = m;
	}
	if (nok == 0)
		return;

	/*
	 * Stage 2: one bulk lookup for the burst, of the first key of each run
	 * of equal keys (a burst from one peer is mostly one tunnel; VPP keeps
	 * a one-entry cache for the same reason).
	 */
	nkeys = 0;
	for (i = 0; i < nok; i++) {
		/* the run index stays in a register: no store-to-load chain through run[] */
		if (v6) {
			if (i == 0 || !key6_equal(&keys6[i], &keys6[i - 1]))
				kp[nkeys++] = &keys6[i];
		} else if (i == 0 || !key_equal(&keys[i], &keys[i - 1])) {
			kp[nkeys++] = &keys[i];
		}
		run[i] = nkeys - 1;
	}
	if (likely(nkeys == 1)) {
		/* one peer's burst: the single lookup skips the bulk path's staging */
		hits = rte_hash_lookup_data(hash, kp[0], &data[0]) >= 0;
	} else {
		rte_hash_lookup_bulk_data(hash, kp, nkeys, &hits, data);
	}
	/* a source no tunnel or spoke has: a hub's wildcard peer, if one takes its key */
	if (unlikely(hits != (nkeys == 64 ? UINT64_MAX : (UINT64_C(1) << nkeys) - 1)))
		hits |= wildcard_lookup(kp, nkeys, hits, data, v6);

	/* Stage 3: policy, strip, and the payload's vector. */
	for (i = 0; i < nok; i++) {
		struct rte_mbuf *m = ok[i];
		const struct gw_peer *p = data[run[i]];

		if (unlikely(!(hits & (UINT64_C(1) << run[i])))) {
			gw_burst_drop(lc, b, m, v6 ? miss_reason6(&keys6[i]) : miss_reason(&keys[i]));
			continue;
		}
		why = peer_accept(p, m, off[i], &gre[i]);
		if (unlikely(why != GW_DROP_NONE)) {
			if (why == KEEPALIVE) {
				/* our keepalive, reflected by the peer: the control thread's */
				gw_mbuf_meta(m)->peer = p->id;
				gw_burst_punt(b, m, GW_PUNT_KEEPALIVE);
				continue;
			}
			gw_burst_drop(lc, b, m, why);
			continue;
		}
		if (unlikely(rte_pktmbuf_adj(m, off[i] + gre[i].hdr_len) == NULL)) {
			/* outer and GRE headers not all in the first segment */
			gw_burst_drop(lc, b, m, GW_DROP_GRE_SHORT);
			continue;
		}
		/* one vector per payload type (the peer's, checked above) */
		if (p->proto == GW_GRE_PROTO_TEB) {
			out->l2[n_l2] = m;
			/* an IPv6 hub learns no spoke (gw_spoke.h): no IPv4 source to learn */
			out->l2_osrc[n_l2] = v6 ? 0 : keys[i].remote;
			out->l2_peer[n_l2++] = p;
			continue;
		}
		if (unlikely(gre[i].proto == GW_GRE_PROTO_IPV6)) {
			out->ip6[n_ip6] = m;
			out->ip6_peer[n_ip6] = p;
			out->ip6_ecn[n_ip6++] = ecn[i];
			continue;
		}
		out->ip4[n_ip4] = m;
		out->ip4_peer[n_ip4] = p;
		out->ip4_osrc[n_ip4] = v6 ? 0 : keys[i].remote;
		out->ip4_ecn[n_ip4++] = ecn[i];
	}
	out->n_ip4 = n_ip4;
	out->n_ip6 = n_ip6;
	out->n_l2 = n_l2;
}

void
gw_decap_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, struct gw_decap_out *out,
	       struct gw_burst *b)
{
	decap_burst(lc, pkts, n, out, b, false);
}

void
gw_decap6_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
		struct gw_decap_out *out, struct gw_burst *b)
{
	decap_burst(lc, pkts, n, out, b, true);
}
