/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A worker's loop body: rx bursts, classification with one FIB lookup per
 * burst, the split into decap / local / forward vectors, the control thread's
 * injections, and tx flushing. Decap and forwarding are in decap.c and fwd.c.
 */
#include <errno.h>
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_fib.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "gw_cksum.h"
#include "gw_dp.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_simd.h"

struct gw_lcore *gw_workers;
struct rte_mempool *gw_indirect_pool;
uint16_t gw_nb_workers;

int
gw_dp_init(uint16_t nb_workers, const unsigned int *lcore_ids, int socket)
{
	char name[RTE_RING_NAMESIZE];
	uint16_t w, p, q;

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
		lc->tun = rte_zmalloc_socket("gw_tun_ctr", sizeof(*lc->tun) * GW_TUNNEL_MAX,
					     RTE_CACHE_LINE_SIZE, socket);
		snprintf(name, sizeof(name), "gw_punt%u", w);
		lc->punt = rte_ring_create(name, 1024, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "gw_inject%u", w);
		lc->inject = rte_ring_create(name, 1024, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (lc->tun == NULL || lc->punt == NULL || lc->inject == NULL ||
		    gw_reass_init(lc, socket) < 0)
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

/* What classify decided for one frame. */
#define CLS_L3 0
#define CLS_PUNT (-1)

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
		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
			return CLS_PUNT;
		return GW_DROP_ETHERTYPE;
	}
	if (unlikely(!rte_is_same_ether_addr(&eth->dst_addr, &port->mac)))
		return rte_is_multicast_ether_addr(&eth->dst_addr) ? GW_DROP_LOCAL_PROTO :
								     GW_DROP_L2_OTHER_HOST;
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
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

static inline void
burst_finish(struct gw_lcore *lc, struct gw_burst *b)
{
	unsigned int sent;

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

/* Where classify sends a frame: the L3 vector, the control thread, or the drop list. */
static __rte_always_inline void
cls_sort(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, int rc,
	 struct rte_mbuf **l3, uint16_t *nl3)
{
	if (likely(rc == CLS_L3))
		l3[(*nl3)++] = m;
	else if (rc == CLS_PUNT)
		gw_burst_punt(b, m, GW_PUNT_ARP);
	else
		gw_burst_drop(lc, b, m, rc);
}

static void
dp_input(struct gw_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct gw_port *p = &gw_ports[port];
	struct rte_mbuf *l3[GW_BURST_MAX], *gre[GW_BURST_MAX], *fwd[GW_BURST_MAX];
	uint32_t dst[GW_BURST_MAX];
	uint64_t nh[GW_BURST_MAX], fwd_nh[GW_BURST_MAX];
	uint16_t i, nl3 = 0, ngre = 0, nfwd = 0, ndirect, ndec;
	struct gw_burst b;
	bool frags = false;
	int rc;

	b.nb_drop = 0;
	b.nb_punt = 0;
	for (i = 0; i < GW_PREFETCH && i < n; i++)
		prefetch_packet(pkts[i]);
	/*
	 * Four frames a step: while they are classified, the next four are
	 * prefetched; one masked compare per frame (gw_match16_test4) tells which of them
	 * are the common case, to us, IPv4 without options. Those skip the
	 * Ethernet and version checks; the rest, and the last 0-3 frames, take
	 * classify_one(), which handles everything.
	 */
	for (i = 0; i + 4 <= n; i += 4) {
		const void *frame[4] = {
			rte_pktmbuf_mtod(pkts[i], void *), rte_pktmbuf_mtod(pkts[i + 1], void *),
			rte_pktmbuf_mtod(pkts[i + 2], void *), rte_pktmbuf_mtod(pkts[i + 3], void *),
		};
		unsigned int fast;
		uint16_t j;

		for (j = i + GW_PREFETCH; j < i + 2 * GW_PREFETCH && j < n; j++)
			prefetch_packet(pkts[j]);
		fast = gw_match16_test4(frame, &p->eth_match);
		for (j = i; j < i + 4; j++) {
			rc = likely(fast & 1u << (j - i)) ? classify_fast(p, pkts[j], &dst[nl3]) :
							    classify_one(p, pkts[j], &dst[nl3]);
			cls_sort(lc, &b, pkts[j], rc, l3, &nl3);
		}
	}
	for (; i < n; i++)
		cls_sort(lc, &b, pkts[i], classify_one(p, pkts[i], &dst[nl3]), l3, &nl3);

	rte_fib_lookup_bulk(gw_fib, dst, nh, nl3);
	for (i = 0; i < nl3; i++) {
		struct rte_mbuf *m = l3[i];
		const struct rte_ipv4_hdr *ip;

		if (likely(nh[i] != GW_NH_IDX_LOCAL)) {
			fwd[nfwd] = m;
			fwd_nh[nfwd++] = nh[i];
			continue;
		}
		ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		if (ip->next_proto_id != IPPROTO_GRE)
			gw_burst_punt(&b, m, GW_PUNT_LOCAL);
		else if (likely(!rte_ipv4_frag_pkt_is_fragmented(ip)))
			gre[ngre++] = m;
		else if ((m = gw_reass_input(lc, m, rte_rdtsc())) != NULL)
			gre[ngre++] = m; /* its last fragment: the whole packet */
		else
			frags = true;
	}
	if (unlikely(frags))
		gw_reass_reap(lc);

	ndirect = nfwd;
	if (ngre != 0) {
		ndec = gw_decap_burst(lc, gre, ngre, dst, &b);
		rte_fib_lookup_bulk(gw_fib, dst, nh, ndec);
		for (i = 0; i < ndec; i++) {
			fwd[nfwd] = gre[i];
			fwd_nh[nfwd++] = nh[i];
		}
	}
	gw_fwd_burst(lc, fwd, fwd_nh, nfwd, ndirect, true, &b);
	burst_finish(lc, &b);
}

/* Packets from the control thread: frames go straight out, IPv4 is routed. */
static void
dp_inject(struct gw_lcore *lc)
{
	struct rte_mbuf *pkts[GW_BURST_MAX], *l3[GW_BURST_MAX];
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

		if (m->hash.usr == GW_INJECT_L2) {
			gw_tx_enqueue(lc, m->port, m);
			continue;
		}
		dst[nl3] = rte_be_to_cpu_32(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->dst_addr);
		l3[nl3++] = m;
	}
	rte_fib_lookup_bulk(gw_fib, dst, nh, nl3);
	gw_fwd_burst(lc, l3, nh, nl3, nl3, false, &b);
	burst_finish(lc, &b);
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
		dp_input(lc, port, pkts, n);
	}
	dp_inject(lc);
	gw_reass_expire(lc, rte_rdtsc());
	for (port = 0; port < gw_nb_ports; port++)
		if (lc->tx[port].n != 0)
			gw_tx_flush(lc, port);
	return total;
}
