/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The bridge stage: Ethernet frames from the members of bridges (ports that
 * are members, gretap tunnels' decapsulated frames) switched by MAC, as
 * 802.1D says: learn each source MAC behind the member it came in by, send
 * each frame to the member its destination MAC is behind, flood the unknown,
 * broadcast and multicast ones to every other member, never forward the
 * reserved link-local group (01:80:c2:00:00:0x).
 *
 * Per burst: parse, one bulk lookup of the source and destination keys
 * (only the first of each run of equal keys: a burst is mostly one flow),
 * then per frame learn and send. A flooded frame is cloned (rte_pktmbuf_clone:
 * the data is shared, not copied), one clone per member but the last, which
 * gets the original; a clone for a gretap member is chained behind a header
 * mbuf that takes the outer headers. A port that cannot send chains or
 * indirect mbufs gets a copy instead.
 */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_prefetch.h>

#include "gw_dp.h"
#include "gw_encap.h"
#include "gw_fdb.h"
#include "gw_tunnel.h"
#include "gw_tx.h"

/* A lookup result that matched nothing, or nothing was looked up (flood). */
#define NO_RUN UINT8_MAX
/* Not looked up: the frame is for the bridge's own MAC (its BVI). */
#define TO_BVI (UINT8_MAX - 1)

/* What stage 4 does with a frame other than sending it to one member (no member's word). */
#define TGT_FLOOD 0          /* flood it */
#define TGT_DONE UINT64_MAX  /* nothing: dropped or delivered to the BVI already */

/* What to_member says of a frame the port refused, down: counted there, to be freed. */
#define TX_REFUSED ((enum gw_drop)GW_DROP_MAX)
/* to_member: the member is a hub (multipoint gretap); the caller copies to its spokes */
#define TO_SPOKES ((enum gw_drop)(GW_DROP_MAX + 1))

/* Count a drop against the gateway and the bridge; free at the end of the burst. */
static inline void
br_drop(struct gw_lcore *lc, struct gw_burst *b, uint16_t br, struct rte_mbuf *m,
	enum gw_drop why)
{
	lc->bridge[br].drops[why]++;
	gw_burst_drop(lc, b, m, why);
}

/* The same for a flooded copy, freed at once: one frame may make many. */
static inline void
copy_drop(struct gw_lcore *lc, uint16_t br, struct rte_mbuf *m, enum gw_drop why)
{
	lc->bridge[br].drops[why]++;
	lc->drops[why]++;
	rte_pktmbuf_free(m);
}

/* 802.1D reserved addresses: 01:80:c2:00:00:00 to 0f (STP, pause, LACP, 802.1X, LLDP). */
static inline bool
mac_link_local(const struct rte_ether_addr *a)
{
	static const uint8_t group[5] = { 0x01, 0x80, 0xc2, 0x00, 0x00 };

	return memcmp(a->addr_bytes, group, 5) == 0 && (a->addr_bytes[5] & 0xf0) == 0;
}

/*
 * The largest frame a port sends: its MTU past the Ethernet header, and a
 * VLAN tag's 4 bytes for each of up to two tags (802.1Q, QinQ), as NICs take
 * them. Off the common path: only asked of frames longer than mtu + 14.
 */
static __rte_noinline bool
port_frame_fits(const struct rte_mbuf *m, const struct rte_ether_hdr *eth, uint16_t mtu)
{
	uint32_t max = mtu + RTE_ETHER_HDR_LEN;
	const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
	uint16_t type = eth->ether_type;

	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) || type == RTE_BE16(RTE_ETHER_TYPE_QINQ)) {
		max += sizeof(*vh);
		if (rte_pktmbuf_data_len(m) >= RTE_ETHER_HDR_LEN + sizeof(*vh) &&
		    vh->eth_proto == RTE_BE16(RTE_ETHER_TYPE_VLAN))
			max += sizeof(*vh);
	}
	return m->pkt_len <= max;
}

/*
 * Send a frame to one member: out of its port, or encapsulated for its
 * peer. eth is the frame when m's first segment holds it (NULL for a chain
 * whose header mbuf is still empty; then the frame is checked by the caller).
 */
static __rte_always_inline enum gw_drop
to_member(struct gw_lcore *lc, struct rte_mbuf *m, const struct rte_ether_hdr *eth,
	  union gw_member to, struct gw_seq_block *sb)
{
	const struct gw_peer *p;
	enum gw_drop why;
	uint16_t port;

	if (to.port != GW_MEMBER_PORT_NONE) {
		if (unlikely(m->pkt_len > (uint32_t)gw_ports[to.port].mtu + RTE_ETHER_HDR_LEN) &&
		    !port_frame_fits(m, eth != NULL ? eth :
					rte_pktmbuf_mtod(m, const struct rte_ether_hdr *),
					gw_ports[to.port].mtu))
			return GW_DROP_FRAME_TOO_BIG;
		m->ol_flags &= MBUF_BUFFER_FLAGS;
		if (unlikely(!gw_tx_to_port(lc, to.port, m)))
			return TX_REFUSED; /* counted as port_down; the caller frees it */
		return GW_DROP_NONE;
	}
	p = gw_peers[to.peer];
	if (unlikely(p == NULL))
		return GW_DROP_NO_BRIDGE; /* its tunnel went; the bridge object follows */
	if (unlikely(p->any))
		return TO_SPOKES; /* a hub (multipoint gretap): the caller copies to its spokes */
	/* the tunnel's MTU is what the LAN side's IP packets may be (doc/mtu.md) */
	if (unlikely(m->pkt_len > (uint32_t)p->mtu + RTE_ETHER_HDR_LEN))
		return GW_DROP_FRAME_TOO_BIG;
	port = UINT16_MAX;
	why = gw_encap_l2_one(lc, m, eth, p, sb, &port);
	if (unlikely(why != GW_DROP_NONE))
		return why;
	if (unlikely(!gw_tx_to_port(lc, port, m)))
		return TX_REFUSED;
	return GW_DROP_NONE;
}

/* The port a member's frames leave by, to know whether it sends chains. */
static inline bool
member_takes_chains(union gw_member to)
{
	const struct gw_peer *p;

	if (to.port != GW_MEMBER_PORT_NONE)
		return gw_ports[to.port].tx_multi_seg;
	p = gw_peers[to.peer];
	return p != NULL && p->unh != 0 && gw_ports[gw_nhs[p->unh].port].tx_multi_seg;
}

/*
 * A copy of a frame for one flooded member: a clone (an indirect mbuf on
 * the frame's data), behind a header mbuf for a gretap member; a real copy
 * for a port that sends no chains. NULL when out of mbufs.
 */
static struct rte_mbuf *
flood_copy(struct rte_mbuf *m, union gw_member to)
{
	return gw_mbuf_copy_shared(m, member_takes_chains(to), to.port == GW_MEMBER_PORT_NONE);
}

/* Whether a member is a hub (a multipoint gretap tunnel, its wildcard peer). */
static inline bool
member_is_hub(union gw_member mb)
{
	const struct gw_peer *p;

	return mb.port == GW_MEMBER_PORT_NONE && (p = gw_peers[mb.peer]) != NULL && p->any;
}

/*
 * A copy of a frame for each spoke of a hub member but skip (the spoke it
 * came from): head-end replication, with the copies flooding makes. The
 * frame itself is not consumed.
 */
static __rte_noinline void
to_spokes(struct gw_lcore *lc, const struct gw_bridge *o, struct rte_mbuf *m,
	  union gw_member hub, uint32_t skip, struct gw_seq_block *sb)
{
	const struct gw_spoke_set *s = __atomic_load_n(&gw_tunnel_spokes[gw_peers[hub.peer]->tunnel],
						       __ATOMIC_ACQUIRE);
	uint32_t i;

	for (i = 0; s != NULL && i < s->n; i++) {
		union gw_member to = hub;
		struct rte_mbuf *c;
		enum gw_drop why;

		if (s->peer[i] == skip)
			continue;
		to.peer = s->peer[i];
		c = flood_copy(m, to);
		if (unlikely(c == NULL)) {
			lc->bridge[o->idx].drops[GW_DROP_FLOOD_NOMBUF]++;
			lc->drops[GW_DROP_FLOOD_NOMBUF]++;
			continue;
		}
		why = to_member(lc, c, c->data_len != 0 ?
				rte_pktmbuf_mtod(c, const struct rte_ether_hdr *) : NULL, to, sb);
		if (likely(why == GW_DROP_NONE))
			lc->member[to.iface].tx_frames++;
		else if (why == TX_REFUSED || why == TO_SPOKES)
			rte_pktmbuf_free(c);
		else
			copy_drop(lc, o->idx, c, why);
	}
}

/*
 * Flood a frame to every member of its bridge but the one it came in by; a
 * hub member's spokes each get a copy, but the spoke it came from.
 */
static void
flood(struct gw_lcore *lc, struct gw_burst *b, const struct gw_bridge *o,
      struct rte_mbuf *m, union gw_member from, struct gw_seq_block *sb)
{
	const union gw_member *mb = o->members;
	int last = -1, i;
	enum gw_drop why;

	lc->bridge[o->idx].ctr[GW_BRIDGE_CTR_FLOODED]++;
	for (i = o->nb_members - 1; i >= 0; i--) {
		if (unlikely(member_is_hub(mb[i])))
			to_spokes(lc, o, m, mb[i], mb[i].iface == from.iface ? from.peer : GW_PEER_NONE,
				  sb);
		else if (mb[i].iface != from.iface && last < 0)
			last = i;
	}
	if (last < 0) {
		b->drop[b->nb_drop++] = m; /* no member but hubs or its own: copies went, if any */
		return;
	}
	for (i = 0; i < last; i++) {
		struct rte_mbuf *c;

		if (mb[i].iface == from.iface || unlikely(member_is_hub(mb[i])))
			continue;
		c = flood_copy(m, mb[i]);
		if (unlikely(c == NULL)) {
			lc->bridge[o->idx].drops[GW_DROP_FLOOD_NOMBUF]++;
			lc->drops[GW_DROP_FLOOD_NOMBUF]++;
			continue;
		}
		why = to_member(lc, c, c->data_len != 0 ?
				rte_pktmbuf_mtod(c, const struct rte_ether_hdr *) : NULL, mb[i], sb);
		if (likely(why == GW_DROP_NONE))
			lc->member[mb[i].iface].tx_frames++;
		else if (why == TX_REFUSED)
			rte_pktmbuf_free(c);
		else
			copy_drop(lc, o->idx, c, why);
	}
	why = to_member(lc, m, rte_pktmbuf_mtod(m, const struct rte_ether_hdr *), mb[last], sb);
	if (likely(why == GW_DROP_NONE))
		lc->member[mb[last].iface].tx_frames++;
	else if (why == TX_REFUSED)
		b->drop[b->nb_drop++] = m;
	else
		br_drop(lc, b, o->idx, m, why);
}

/*
 * A frame for the bridge's own MAC (or a copy of a broadcast one) goes to
 * its BVI port, to be routed on the worker's next loop: not now, so that a
 * frame nested in tunnels cannot nest the stages without bound.
 */
static void
to_bvi(struct gw_lcore *lc, struct gw_burst *b, const struct gw_bridge *o, struct rte_mbuf *m,
       bool copy)
{
	struct gw_txq *q = &lc->bvi_rx;

	if (copy) {
		/* a whole copy: the control thread answers ARP in place */
		m = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (unlikely(m == NULL)) {
			lc->bridge[o->idx].drops[GW_DROP_FLOOD_NOMBUF]++;
			lc->drops[GW_DROP_FLOOD_NOMBUF]++;
			return;
		}
	}
	if (unlikely(q->n == GW_BURST_MAX)) {
		lc->drops[GW_DROP_PUNT_FULL]++;
		lc->bridge[o->idx].drops[GW_DROP_PUNT_FULL]++;
		if (copy)
			rte_pktmbuf_free(m);
		else
			b->drop[b->nb_drop++] = m;
		return;
	}
	m->port = gw_ports[o->bvi].port_id; /* how the control thread tells the BVI's ARP */
	q->pkts[q->n++] = m;
}

/*
 * Frames counted a run at a time: a burst is mostly one bridge and one
 * member, and a counter in memory per frame is a load and a store each.
 */
struct run_ctr {
	uint16_t bridge; /* the run's bridge, GW_BRIDGE_NONE before the first */
	uint16_t iface;  /* the run's member */
	uint32_t n;      /* frames in the run */
};

/* Add a run to a bridge counter and the member's rx or tx; start the next one. */
static __rte_always_inline void
run_count(struct gw_lcore *lc, struct run_ctr *r, enum gw_bridge_ctr ctr, bool rx,
	  uint16_t bridge, uint16_t iface)
{
	if (r->n != 0) {
		lc->bridge[r->bridge].ctr[ctr] += r->n;
		if (rx)
			lc->member[r->iface].rx_frames += r->n;
		else
			lc->member[r->iface].tx_frames += r->n;
	}
	r->bridge = bridge;
	r->iface = iface;
	r->n = 0;
}

/*
 * The MAC-table keys of a frame (struct gw_fdb_key: the bridge, then the MAC)
 * as words built in registers, from one 8-byte load that holds the MAC: a
 * key assembled in memory and read back whole would wait for its three
 * stores (a failed store-to-load forward: a fifth of the worker on encap).
 * Little-endian: the bridge is the low 16 bits, the MAC the 48 above.
 */
#if RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN
#error "the MAC-table key words assume a little-endian CPU"
#endif

static __rte_always_inline uint64_t
key_dst(uint16_t bridge, const struct rte_ether_hdr *eth)
{
	uint64_t w;

	memcpy(&w, eth, sizeof(w)); /* destination MAC, and 2 bytes of the source */
	return w << 16 | bridge;
}

static __rte_always_inline uint64_t
key_src(uint16_t bridge, const struct rte_ether_hdr *eth)
{
	uint64_t w;

	memcpy(&w, (const uint8_t *)eth + 4, sizeof(w)); /* 2 bytes of the destination, source MAC */
	return (w & ~UINT64_C(0xffff)) | bridge;
}

/*
 * The source MAC of a frame: refresh its entry, move it, or learn it.
 * GW_DROP_NONE, or why the frame is dropped (the bridge's MAC limit).
 */
static inline enum gw_drop
learn(struct gw_lcore *lc, const struct gw_bridge *o, const struct rte_ether_addr *src,
      union gw_member from, int32_t idx, bool *learned, uint32_t now)
{
	struct gw_fdb_entry *e;
	union gw_member cur;

	if (idx < 0) {
		if (*learned)
			return GW_DROP_NONE; /* an earlier frame of its run learned it */
		switch (gw_fdb_learn(o->idx, src, from, o->max_learned)) {
		case GW_FDB_LEARNED:
			lc->bridge[o->idx].ctr[GW_BRIDGE_CTR_LEARNED]++;
			/* fall through */
		case GW_FDB_KNOWN:
			*learned = true;
			return GW_DROP_NONE;
		default:
			return GW_DROP_FDB_FULL;
		}
	}
	e = &gw_fdb_entries[idx];
	cur.u64 = __atomic_load_n(&e->dst.u64, __ATOMIC_ACQUIRE);
	if (unlikely(cur.u64 != from.u64) && !e->is_static) {
		/* the station moved: one store, workers see the old member or the new */
		__atomic_store_n(&e->dst.u64, from.u64, __ATOMIC_RELEASE);
		lc->bridge[o->idx].ctr[GW_BRIDGE_CTR_MOVED]++;
	}
	if (e->seen != now)
		__atomic_store_n(&e->seen, now, __ATOMIC_RELAXED); /* only once a second */
	return GW_DROP_NONE;
}

void
gw_bridge_burst(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint16_t *bridge,
		const union gw_member *from, uint16_t n, struct gw_burst *b)
{
	struct gw_fdb_key keys[2 * GW_BURST_MAX];
	const void *kp[2 * GW_BURST_MAX];
	void *data[2 * GW_BURST_MAX];
	const struct gw_bridge *obj[GW_BURST_MAX];
	struct rte_mbuf *ok[GW_BURST_MAX];
	union gw_member src_from[GW_BURST_MAX];
	uint8_t srun[GW_BURST_MAX], drun[GW_BURST_MAX];
	bool learned[2 * GW_BURST_MAX];
	uint64_t hits = 0, prev_s = 0, prev_d = 0;
	uint32_t now = __atomic_load_n(&gw_fdb_now, __ATOMIC_RELAXED);
	struct gw_seq_block sb = { .p = NULL }, fsb = { .p = NULL };
	uint64_t tgt[GW_BURST_MAX]; /* each frame's member word, or TGT_FLOOD, TGT_DONE */
	struct run_ctr rx = { .bridge = GW_BRIDGE_NONE }, tx = { .bridge = GW_BRIDGE_NONE };
	uint16_t i, nok = 0, nkeys = 0;
	uint8_t last_s = NO_RUN, last_d = NO_RUN;
	uint64_t one_nh = 0;

	/* Stage 1: check each frame, and make its keys (a run's first only). */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth;
		const struct gw_bridge *o;
		uint16_t br = bridge[i];
		uint64_t w;

		if (i + GW_PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + GW_PREFETCH], void *));
		o = likely(br != GW_BRIDGE_NONE) ? gw_bridges[br] : NULL;
		if (unlikely(o == NULL || !o->up)) {
			gw_burst_drop(lc, b, m, GW_DROP_NO_BRIDGE);
			continue;
		}
		if (unlikely(br != rx.bridge || from[i].iface != rx.iface))
			run_count(lc, &rx, GW_BRIDGE_CTR_RX, true, br, from[i].iface);
		rx.n++;
		if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)) {
			br_drop(lc, b, br, m, GW_DROP_ETH_SHORT);
			continue;
		}
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (unlikely(!rte_is_unicast_ether_addr(&eth->src_addr) ||
			     rte_is_zero_ether_addr(&eth->src_addr))) {
			br_drop(lc, b, br, m, GW_DROP_L2_SRC_INVALID);
			continue;
		}
		if (unlikely(rte_is_multicast_ether_addr(&eth->dst_addr))) {
			if (unlikely(mac_link_local(&eth->dst_addr))) {
				br_drop(lc, b, br, m, GW_DROP_L2_LINK_LOCAL);
				continue;
			}
			/* ARP, broadcast, and IPv6 to a group (neighbour discovery to a
			 * solicited-node or all-nodes group), to the bridge's address too: a
			 * copy to its BVI, whose classify keeps neighbour discovery only (the
			 * routed side takes nothing else multicast) */
			if (o->bvi != GW_BVI_NONE && from[i].iface != o->iface &&
			    (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP) ||
			     eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6)))
				to_bvi(lc, b, o, m, true);
		}
		w = key_src(br, eth);
		if (last_s == NO_RUN || w != prev_s) {
			memcpy(&keys[nkeys], &w, sizeof(w));
			kp[nkeys] = &keys[nkeys];
			learned[nkeys] = false;
			last_s = nkeys++;
			prev_s = w;
		}
		srun[nok] = last_s;
		if (rte_is_multicast_ether_addr(&eth->dst_addr)) {
			drun[nok] = NO_RUN; /* broadcast, multicast: flooded */
		} else if (unlikely(o->bvi != GW_BVI_NONE) &&
			   rte_is_same_ether_addr(&eth->dst_addr, &o->mac)) {
			drun[nok] = TO_BVI; /* routed, as a port's, once its source is learned */
		} else {
			w = key_dst(br, eth);
			if (last_d == NO_RUN || w != prev_d) {
				memcpy(&keys[nkeys], &w, sizeof(w));
				kp[nkeys] = &keys[nkeys];
				last_d = nkeys++;
				prev_d = w;
			}
			drun[nok] = last_d;
		}
		obj[nok] = o;
		src_from[nok] = from[i];
		ok[nok++] = m;
	}
	run_count(lc, &rx, GW_BRIDGE_CTR_RX, true, GW_BRIDGE_NONE, 0);
	if (nok == 0)
		return;

	/* Stage 2: one lookup for the burst's keys (at most 64, rte_hash's bulk limit). */
	if (nkeys == 1) {
		hits = rte_hash_lookup_data(gw_fdb_hash, kp[0], &data[0]) >= 0;
	} else {
		RTE_BUILD_BUG_ON(2 * GW_BURST_MAX > RTE_HASH_LOOKUP_BULK_MAX);
		rte_hash_lookup_bulk_data(gw_fdb_hash, kp, nkeys, &hits, data);
	}

	/* Stage 3: learn each source, find each destination. */
	for (i = 0; i < nok; i++) {
		struct rte_mbuf *m = ok[i];
		const struct gw_bridge *o = obj[i];
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		union gw_member to;
		enum gw_drop why;
		int32_t sidx = hits & (UINT64_C(1) << srun[i]) ?
			       (int32_t)(uintptr_t)data[srun[i]] : -1;

		tgt[i] = TGT_DONE;
		/* the bridge's own frames (its BVI's) are not learned: its MAC is no member's */
		if (likely(src_from[i].iface != o->iface)) {
			why = learn(lc, o, &eth->src_addr, src_from[i], sidx, &learned[srun[i]],
				    now);
			/* a frame for the bridge needs no entry: routed with the table full too */
			if (unlikely(why != GW_DROP_NONE) && drun[i] != TO_BVI) {
				br_drop(lc, b, o->idx, m, why);
				continue;
			}
		}
		if (unlikely(drun[i] == TO_BVI)) {
			to_bvi(lc, b, o, m, false);
			continue;
		}
		if (drun[i] == NO_RUN || !(hits & (UINT64_C(1) << drun[i]))) {
			tgt[i] = TGT_FLOOD;
			continue;
		}
		to.u64 = __atomic_load_n(&gw_fdb_entries[(uintptr_t)data[drun[i]]].dst.u64,
					 __ATOMIC_ACQUIRE);
		/* a hub's spokes are one member: to another spoke of it is no U-turn */
		if (unlikely(to.u64 == src_from[i].u64)) {
			br_drop(lc, b, o->idx, m, GW_DROP_L2_SAME_MEMBER);
			continue;
		}
		/* a member that just left: its MACs are going; flood meanwhile */
		tgt[i] = likely(gw_iface_bridge[to.iface] == o->idx) ? to.u64 : TGT_FLOOD;
	}

	/*
	 * Stage 4: send. The frames of a run to one member take their sequence
	 * numbers with one atomic add (gw_seq_take sizes the run from tgt[]);
	 * each flooded copy takes its own.
	 */
	fsb.nh = &one_nh;
	fsb.nb_nh = 1;
	for (i = 0; i < nok; i++) {
		struct rte_mbuf *m = ok[i];
		const struct gw_bridge *o = obj[i];
		union gw_member to = { .u64 = tgt[i] };
		enum gw_drop why;

		if (tgt[i] == TGT_DONE)
			continue;
		if (tgt[i] == TGT_FLOOD) {
			flood(lc, b, o, m, src_from[i], &fsb);
			continue;
		}
		sb.nh = &tgt[i];
		sb.nb_nh = nok - i;
		why = to_member(lc, m, rte_pktmbuf_mtod(m, const struct rte_ether_hdr *), to, &sb);
		if (likely(why == GW_DROP_NONE)) {
			if (unlikely(o->idx != tx.bridge || to.iface != tx.iface))
				run_count(lc, &tx, GW_BRIDGE_CTR_UNICAST, false, o->idx, to.iface);
			tx.n++;
		} else if (why == TO_SPOKES) {
			/* a MAC learned before its spoke was known: every spoke but its sender */
			to_spokes(lc, o, m, to, to.iface == src_from[i].iface ? src_from[i].peer :
						 GW_PEER_NONE, &fsb);
			b->drop[b->nb_drop++] = m;
		} else if (why == TX_REFUSED)
			b->drop[b->nb_drop++] = m; /* counted as port_down */
		else
			br_drop(lc, b, o->idx, m, why);
	}
	run_count(lc, &tx, GW_BRIDGE_CTR_UNICAST, false, GW_BRIDGE_NONE, 0);
}

void
gw_bvi_tx(struct gw_lcore *lc, uint16_t port)
{
	struct gw_txq *q = &lc->tx[port];
	struct rte_mbuf *frames[GW_BURST_MAX];
	union gw_member from[GW_BURST_MAX];
	uint16_t bridge[GW_BURST_MAX], i, n = q->n;
	const struct gw_port *p = &gw_ports[port];
	struct gw_burst b;

	/* taken out first: the bridge stage fills other ports' buffers, maybe this one's */
	memcpy(frames, q->pkts, sizeof(frames[0]) * n);
	q->n = 0;
	for (i = 0; i < n; i++) {
		from[i].iface = p->iface;
		from[i].port = port;
		from[i].peer = GW_PEER_NONE;
		bridge[i] = p->bvi ? p->bvi_bridge : GW_BRIDGE_NONE;
	}
	b.nb_drop = 0;
	b.nb_punt = 0;
	gw_bridge_burst(lc, frames, bridge, from, n, &b);
	if (b.nb_drop != 0)
		rte_pktmbuf_free_bulk(b.drop, b.nb_drop);
}
