/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The conductor: where a packet's walk starts. A worker's loop body polls
 * its queues and hands each burst through the stages (gw_dp.h), drains the
 * control thread's injections, and flushes the tx buffers.
 */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "gw_bridge.h"
#include "gw_dp.h"
#include "gw_encap.h"
#include "gw_iface.h"
#include "gw_nh.h"
#include "gw_route.h"
#include "gw_fdb.h"
#include "gw_spoke.h"
#include "gw_tunnel.h"
#include "gw_tx.h"

struct gw_lcore *gw_workers;
struct rte_mempool *gw_indirect_pool;
uint16_t gw_nb_workers;

int
gw_dp_init(uint16_t nb_workers, const unsigned int *lcore_ids, int socket)
{
	char name[RTE_RING_NAMESIZE];
	uint16_t w, p, q;

	if (gw_mbuf_meta_register() < 0)
		return -ENOMEM;
	gw_workers = rte_zmalloc_socket("gw_workers", sizeof(*gw_workers) * nb_workers,
					RTE_CACHE_LINE_SIZE, socket);
	/* a fragment is a header mbuf chained to an indirect one on the original's data */
	gw_indirect_pool = rte_pktmbuf_pool_create("gw_indirect", 4095 + nb_workers * 256, 256,
						   0, 0, socket);
	if (gw_workers == NULL || gw_indirect_pool == NULL)
		return -ENOMEM;
	gw_nb_workers = nb_workers;
	for (w = 0; w < nb_workers; w++) {
		struct gw_lcore *lc = &gw_workers[w];

		lc->worker = w;
		lc->lcore_id = lcore_ids[w];
		/* outer IDs of different workers start far apart (RFC 6864, DF clear) */
		lc->ip_id = (uint16_t)(w * (UINT16_MAX / nb_workers));
		lc->ip6_frag_id = w * (UINT32_MAX / nb_workers);
		lc->peer = rte_zmalloc_socket("gw_peer_ctr", sizeof(*lc->peer) * gw_limits.peers,
					      RTE_CACHE_LINE_SIZE, socket);
		lc->bridge = rte_zmalloc_socket("gw_bridge_ctr",
						sizeof(*lc->bridge) * GW_BRIDGE_MAX,
						RTE_CACHE_LINE_SIZE, socket);
		lc->member = rte_zmalloc_socket("gw_member_ctr", sizeof(*lc->member) * gw_iface_max,
						RTE_CACHE_LINE_SIZE, socket);
		snprintf(name, sizeof(name), "gw_punt%u", w);
		lc->punt = rte_ring_create(name, 1024, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "gw_inject%u", w);
		lc->inject = rte_ring_create(name, 1024, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "gw_learn%u", w);
		lc->learn = rte_ring_create_elem(name, sizeof(struct gw_learn_notice), GW_LEARN_RING,
						 socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		gw_tb_init(&lc->learn_tb, rte_get_tsc_hz(), GW_LEARN_WORKER_RATE,
			   GW_LEARN_WORKER_BURST, rte_rdtsc());
		if (lc->peer == NULL || lc->bridge == NULL || lc->member == NULL ||
		    lc->punt == NULL || lc->inject == NULL || lc->learn == NULL ||
		    gw_reass_init(lc, socket) < 0 || gw_punt_police_init(lc, socket) < 0)
			return -ENOMEM;
		gw_tb_init(&lc->icmp_tb, rte_get_tsc_hz(), GW_ICMP_ERR_WORKER_RATE,
			   GW_ICMP_ERR_WORKER_BURST, rte_rdtsc());
	}
	/* Queue q of every port goes to worker q: ports have one rx queue per worker. */
	for (p = 0; p < gw_nb_ports; p++) {
		for (q = 0; q < gw_ports[p].nb_rxq; q++) {
			struct gw_lcore *lc = &gw_workers[q % nb_workers];

			lc->rxq[lc->nb_rxq].port = p;
			lc->rxq[lc->nb_rxq].queue = q;
			lc->nb_rxq++;
		}
	}
	return 0;
}

static inline void
burst_finish(struct gw_lcore *lc, struct gw_burst *b)
{
	unsigned int sent;

	if (b->nb_punt != 0)
		b->nb_punt = gw_punt_police(lc, b->punt, b->nb_punt);
	if (b->nb_punt != 0) {
		sent = rte_ring_enqueue_burst(lc->punt, (void **)b->punt, b->nb_punt, NULL);
		if (unlikely(sent < b->nb_punt)) {
			lc->drops[GW_DROP_PUNT_FULL] += b->nb_punt - sent;
			rte_pktmbuf_free_bulk(&b->punt[sent], b->nb_punt - sent);
		}
	}
	if (b->nb_drop != 0)
		rte_pktmbuf_free_bulk(b->drop, b->nb_drop);
}

/*
 * A learning GRETAP hub: a spoke's frame marks it seen (at most once a
 * second: its learned mapping ages out unseen); a frame from a source no
 * spoke has tells the control thread, which makes it a spoke (gw_spoke.h).
 */
static __rte_noinline void
hub_l2_seen(struct gw_lcore *lc, const struct gw_peer *p, uint32_t osrc)
{
	struct gw_learn_notice n;

	if (!p->any) {
		if (gw_peer_seen[p->id] != gw_fdb_now)
			gw_peer_seen[p->id] = gw_fdb_now;
		return;
	}
	if (gw_tunnel_learn_full[p->tunnel] || !gw_tb_take(&lc->learn_tb, rte_rdtsc()))
		return;
	n = (struct gw_learn_notice){ .peer = p->id, .outer_src = osrc };
	rte_ring_enqueue_elem(lc->learn, &n, sizeof(n));
}

/* Decapsulated frames of gretap peers into their bridges; the peers count them. */
static void
dp_l2_from_peers(struct gw_lcore *lc, const struct gw_decap_out *dec, struct gw_burst *b)
{
	struct rte_mbuf *frames[GW_BURST_MAX];
	union gw_member from[GW_BURST_MAX];
	uint16_t bridge[GW_BURST_MAX], i, n = 0;

	for (i = 0; i < dec->n_l2; i++) {
		struct rte_mbuf *m = dec->l2[i];
		const struct gw_peer *p = dec->l2_peer[i];
		uint16_t br = gw_iface_bridge[p->iface];

		lc->peer[p->id].rx_packets++;
		lc->peer[p->id].rx_bytes += m->pkt_len;
		if (unlikely(p->opts & GW_TUN_LEARN))
			hub_l2_seen(lc, p, dec->l2_osrc[i]);
		if (unlikely(br == GW_BRIDGE_NONE)) {
			gw_burst_drop(lc, b, m, GW_DROP_NO_BRIDGE);
			continue;
		}
		from[n].iface = p->iface;
		from[n].port = GW_MEMBER_PORT_NONE;
		from[n].peer = p->id;
		bridge[n] = br;
		frames[n++] = m;
	}
	if (n != 0)
		gw_bridge_burst(lc, frames, bridge, from, n, b);
}

/* A bridge member port's burst: every frame to its bridge. */
static void
dp_bridge_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct gw_port *p = &gw_ports[port];
	union gw_member from[GW_BURST_MAX];
	uint16_t bridge[GW_BURST_MAX], i, br = gw_iface_bridge[p->iface];
	struct gw_burst b;

	b.nb_drop = 0;
	b.nb_punt = 0;
	for (i = 0; i < n; i++) {
		from[i].iface = p->iface;
		from[i].port = port;
		from[i].peer = GW_PEER_NONE;
		bridge[i] = br;
	}
	gw_bridge_burst(lc, pkts, bridge, from, n, &b);
	burst_finish(lc, &b);
}

/* A routed port's IPv6 packets, up to decap (whose output joins the IPv4 underlay's). */
static __rte_noinline void
dp_input6(struct gw_lcore *lc, uint16_t iface, struct gw_vec *v6, struct gw_ip6_split *s6,
	  struct gw_decap_out *dec, struct gw_burst *b)
{
	gw_ip6_input(lc, v6->pkts, v6->n, iface, s6, b);
	if (s6->ngre != 0)
		gw_decap6_burst(lc, s6->gre, s6->ngre, dec, b);
}

/*
 * The IPv6 forward vector: the port's own IPv6 packets (s6, or none), then
 * the inner IPv6 packets decap took out of tunnels of either underlay.
 */
static __rte_noinline void
dp_fwd6(struct gw_lcore *lc, uint16_t port_iface, const struct gw_ip6_split *s6,
	const struct gw_decap_out *dec, struct gw_burst *b)
{
	uint8_t dst[GW_BURST_MAX][RTE_FIB6_IPV6_ADDR_SIZE];
	struct rte_mbuf *pkts[GW_BURST_MAX];
	uint32_t tun_ingress[GW_BURST_MAX];
	struct gw_ingress in = { .port_iface = port_iface, .peer = tun_ingress };
	uint64_t nh[GW_BURST_MAX];
	uint16_t i, n = 0, ndec;

	if (s6 != NULL) {
		n = s6->nfwd;
		memcpy(pkts, s6->fwd, sizeof(pkts[0]) * n);
		memcpy(nh, s6->nh, sizeof(nh[0]) * n);
	}
	in.ndirect = n;
	if (dec->n_ip6 != 0) {
		/* a copy: the stage compacts the vector it is given */
		memcpy(&pkts[n], dec->ip6, sizeof(pkts[0]) * dec->n_ip6);
		ndec = gw_inner_ip6_burst(lc, &pkts[n], dec->ip6_peer, dec->ip6_ecn, dec->n_ip6,
					  tun_ingress, b);
		for (i = 0; i < ndec; i++)
			memcpy(dst[i], rte_pktmbuf_mtod(pkts[n + i], const struct rte_ipv6_hdr *)->dst_addr,
			       sizeof(dst[i]));
		rte_fib6_lookup_bulk(gw_fib6, dst, &nh[n], ndec);
		n += ndec;
	}
	gw_fwd6_burst(lc, pkts, nh, n, &in, true, b);
}

/* A routed port's burst, from classify to the tx buffers. */
static void
dp_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t tun_ingress[GW_BURST_MAX];
	uint16_t i, nl3, ndec, nfwd;
	struct gw_ingress in = { .port_iface = gw_ports[port].iface, .peer = tun_ingress };
	struct gw_ip4_split split;
	struct gw_ip6_split split6;
	struct gw_decap_out dec;
	uint32_t dst[GW_BURST_MAX];
	struct gw_vec v6;
	struct gw_burst b;

	b.nb_drop = 0;
	b.nb_punt = 0;
	v6.n = 0;
	nl3 = gw_classify_burst(lc, port, pkts, n, dst, &v6, &b);
	gw_ip4_input(lc, pkts, dst, nl3, &split, &b);
	nfwd = split.nfwd;
	in.ndirect = nfwd;
	dec.n_ip4 = 0;
	dec.n_ip6 = 0;
	dec.n_l2 = 0;
	if (split.ngre != 0)
		gw_decap_burst(lc, split.gre, split.ngre, &dec, &b);
	if (unlikely(v6.n != 0))
		dp_input6(lc, in.port_iface, &v6, &split6, &dec, &b);
	if (dec.n_l2 != 0)
		dp_l2_from_peers(lc, &dec, &b);
	if (dec.n_ip4 != 0) {
		/* the inner IPv4 packets join the forward vector, after the direct ones */
		ndec = gw_inner_ip4_burst(lc, dec.ip4, dec.ip4_peer, dec.ip4_ecn, dec.ip4_osrc,
					  dec.n_ip4, dst, tun_ingress, &b);
		rte_fib_lookup_bulk(gw_fib, dst, &split.nh[nfwd], ndec);
		for (i = 0; i < ndec; i++)
			split.fwd[nfwd + i] = dec.ip4[i];
		nfwd += ndec;
	}
	gw_fwd_burst(lc, split.fwd, split.nh, nfwd, &in, true, &b);
	if (unlikely((v6.n | dec.n_ip6) != 0))
		dp_fwd6(lc, in.port_iface, v6.n != 0 ? &split6 : NULL, &dec, &b);
	burst_finish(lc, &b);
}

/*
 * What bridges delivered to their BVIs last loop: routed as the BVI port's
 * received frames, a run of one BVI at a time.
 */
static void
dp_bvi_input(struct gw_lcore *lc)
{
	struct rte_mbuf *pkts[GW_BURST_MAX];
	uint16_t i, j, n = lc->bvi_rx.n, port;

	memcpy(pkts, lc->bvi_rx.pkts, sizeof(pkts[0]) * n);
	lc->bvi_rx.n = 0; /* routing them may deliver more: those wait for the next loop */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && pkts[j]->port == pkts[i]->port; j++)
			;
		port = GW_PORT_BVI_FIRST + (pkts[i]->port - GW_BVI_PORT_ID_BASE);
		dp_input(lc, port, &pkts[i], j - i);
	}
}

/* A packet the control thread built for a peer (a keepalive): encapsulated for it and sent. */
static void
dp_inject_peer(struct gw_lcore *lc, struct rte_mbuf *m, struct gw_burst *b)
{
	const uint32_t id = gw_mbuf_meta(m)->peer;
	const struct gw_peer *p = id < gw_limits.peers ? gw_peers[id] : NULL;
	struct gw_seq_block sb = { .p = NULL, .nb_nh = 1 };
	uint64_t one = 0;
	uint16_t port = UINT16_MAX;
	enum gw_drop why;

	sb.nh = &one;
	if (p == NULL)
		why = GW_DROP_NO_TUNNEL;
	else if ((*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 6)
		why = gw_encap6_one(lc, m, p, &sb, &port); /* an IPv6 underlay's keepalive */
	else
		why = gw_encap_one(lc, m, p, &sb, &port);
	if (unlikely(why != GW_DROP_NONE))
		gw_burst_drop(lc, b, m, why);
	else if (unlikely(!gw_tx_to_port(lc, port, m)))
		b->drop[b->nb_drop++] = m; /* counted as port_down */
}

/* The control thread's IPv6 packets: routed, never answered with ICMPv6. */
static __rte_noinline void
dp_inject6(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, struct gw_burst *b)
{
	uint8_t dst[GW_BURST_MAX][RTE_FIB6_IPV6_ADDR_SIZE];
	struct gw_ingress in = { .port_iface = GW_IFACE_NONE, .ndirect = n };
	uint64_t nh[GW_BURST_MAX];
	uint16_t i;

	for (i = 0; i < n; i++)
		memcpy(dst[i], rte_pktmbuf_mtod(pkts[i], const struct rte_ipv6_hdr *)->dst_addr,
		       sizeof(dst[i]));
	rte_fib6_lookup_bulk(gw_fib6, dst, nh, n);
	gw_fwd6_burst(lc, pkts, nh, n, &in, false, b);
}

/* Packets from the control thread: frames go straight out, IPv4 and IPv6 are routed. */
static void
dp_inject(struct gw_lcore *lc)
{
	struct rte_mbuf *pkts[GW_BURST_MAX], *l3[GW_BURST_MAX], *l3v6[GW_BURST_MAX];
	uint16_t nl3v6 = 0;
	/* the gateway's own: never answered with ICMP */
	struct gw_ingress in = { .port_iface = GW_IFACE_NONE };
	uint32_t dst[GW_BURST_MAX];
	uint64_t nh[GW_BURST_MAX];
	uint16_t i, n, nl3 = 0;
	struct gw_burst b;

	n = rte_ring_dequeue_burst(lc->inject, (void **)pkts, GW_BURST_MAX, NULL);
	if (n == 0)
		return;
	b.nb_drop = 0;
	b.nb_punt = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (gw_mbuf_meta(m)->inject == GW_INJECT_L2) {
			gw_tx_enqueue(lc, m->port, m);
			continue;
		}
		if (gw_mbuf_meta(m)->inject == GW_INJECT_PEER) {
			dp_inject_peer(lc, m, &b);
			continue;
		}
		if ((*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 6) {
			l3v6[nl3v6++] = m;
			continue;
		}
		dst[nl3] = rte_be_to_cpu_32(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->dst_addr);
		l3[nl3++] = m;
	}
	rte_fib_lookup_bulk(gw_fib, dst, nh, nl3);
	in.ndirect = nl3;
	gw_fwd_burst(lc, l3, nh, nl3, &in, false, &b);
	if (nl3v6 != 0)
		dp_inject6(lc, l3v6, nl3v6, &b);
	burst_finish(lc, &b);
}

/* Send what the tx buffers hold: the BVIs' first, whose frames enter bridges and ports. */
static void
dp_flush(struct gw_lcore *lc)
{
	uint16_t port;

	for (port = GW_PORT_BVI_FIRST; port < gw_bvi_end; port++)
		if (unlikely(lc->tx[port].n != 0))
			gw_tx_flush(lc, port);
	for (port = 0; port < gw_nb_ports; port++)
		if (lc->tx[port].n != 0)
			gw_tx_flush(lc, port);
}

void
gw_dp_drain(struct gw_lcore *lc)
{
	if (lc->bvi_rx.n != 0)
		dp_bvi_input(lc);
	dp_inject(lc);
	dp_flush(lc);
}

unsigned int
gw_dp_poll(struct gw_lcore *lc)
{
	struct rte_mbuf *pkts[GW_BURST_MAX];
	unsigned int total = 0;
	uint16_t i, n, port;

	for (i = 0; i < lc->nb_rxq; i++) {
		port = lc->rxq[i].port;
		n = rte_eth_rx_burst(gw_ports[port].port_id, lc->rxq[i].queue, pkts, GW_BURST_MAX);
		if (n == 0)
			continue;
		total += n;
		if (unlikely(!gw_ports[port].up)) {
			lc->drops[GW_DROP_PORT_DOWN] += n;
			rte_pktmbuf_free_bulk(pkts, n);
			continue;
		}
		if (unlikely(gw_ports[port].bridged))
			dp_bridge_input(lc, port, pkts, n);
		else
			dp_input(lc, port, pkts, n);
	}
	if (unlikely(lc->bvi_rx.n != 0))
		dp_bvi_input(lc);
	dp_inject(lc);
	gw_reass_expire(lc, rte_rdtsc());
	dp_flush(lc);
	return total;
}
