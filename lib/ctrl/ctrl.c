/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The control thread's packet loop: drain every worker's punt ring, hand
 * each packet to ARP, ND, local delivery or ICMP errors (IPv4 or IPv6 by the
 * version nibble), and send what the control thread builds through worker
 * 0's inject ring.
 */
#include <rte_cycles.h>
#include <rte_ring.h>

#include "gw_apply.h"
#include "gw_ctrl.h"
#include "gw_fdb.h"
#include "gw_dp.h"
#include "gw_nh.h"
#include "gw_spoke.h"
#include "gw_tunnel.h"

uint64_t gw_ctrl_drops[GW_DROP_MAX];
struct rte_mempool *gw_ctrl_pool;
static uint64_t next_refresh;

void
gw_ctrl_init(struct rte_mempool *mp)
{
	gw_ctrl_pool = mp;
	next_refresh = 0;
	gw_icmp_error_init();
}

static void
ctrl_send(struct rte_mbuf *m, enum gw_inject what)
{
	gw_mbuf_meta(m)->inject = what;
	/* worker 0 owns a tx queue on every port; the ring is single-producer: us */
	if (rte_ring_enqueue(gw_workers[0].inject, m) != 0) {
		gw_ctrl_drops[GW_DROP_PUNT_FULL]++;
		rte_pktmbuf_free(m);
	}
}

void
gw_ctrl_send_l2(struct rte_mbuf *m, uint16_t port)
{
	m->port = port;
	ctrl_send(m, GW_INJECT_L2);
}

void
gw_ctrl_send_l3(struct rte_mbuf *m)
{
	ctrl_send(m, GW_INJECT_L3);
}

void
gw_ctrl_send_peer(struct rte_mbuf *m)
{
	ctrl_send(m, GW_INJECT_PEER);
}

static void
glean(struct rte_mbuf *m)
{
	const struct gw_nh *nh = &gw_nhs[gw_mbuf_meta(m)->nh];

	if (nh->kind != GW_NH_GLEAN || m->pkt_len == 0) {
		gw_ctrl_drops[GW_DROP_NEIGH_UNRESOLVED]++; /* the route changed meanwhile */
		rte_pktmbuf_free(m);
		return;
	}
	/* one GLEAN next hop per port for both families: the version nibble says which */
	if ((*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 6)
		gw_nd_glean(m, nh->port);
	else
		gw_arp_glean(m, nh->port);
}

/* The workers' hub learning notices (gw_spoke.h), a bounded number per loop. */
static unsigned int
learn_poll(void)
{
	struct gw_learn_notice n[64];
	unsigned int w, i, got, total = 0;

	for (w = 0; w < gw_nb_workers; w++) {
		got = rte_ring_dequeue_burst_elem(gw_workers[w].learn, n, sizeof(n[0]), RTE_DIM(n),
						  NULL);
		for (i = 0; i < got; i++)
			gw_spoke_learn(&n[i]);
		total += got;
	}
	return total;
}

unsigned int
gw_ctrl_poll(void)
{
	struct rte_mbuf *pkts[GW_BURST_MAX];
	unsigned int w, i, n, total = 0;
	uint64_t now;

	for (w = 0; w < gw_nb_workers; w++) {
		n = rte_ring_dequeue_burst(gw_workers[w].punt, (void **)pkts, GW_BURST_MAX, NULL);
		for (i = 0; i < n; i++) {
			const struct gw_mbuf_meta *meta = gw_mbuf_meta(pkts[i]);

			switch (meta->punt) {
			case GW_PUNT_ARP:
				gw_arp_input(pkts[i]);
				break;
			case GW_PUNT_ND:
				gw_nd_input(pkts[i]);
				break;
			case GW_PUNT_LOCAL:
				gw_icmp_local(pkts[i]);
				break;
			case GW_PUNT_TOO_BIG:
				gw_icmp_error(GW_ICMP_ERR_TOO_BIG, pkts[i], meta->mtu);
				break;
			case GW_PUNT_TIME_EXCEEDED:
				gw_icmp_error(GW_ICMP_ERR_TIME_EXCEEDED, pkts[i], 0);
				break;
			case GW_PUNT_KEEPALIVE:
				gw_keepalive_input(pkts[i]);
				break;
			case GW_PUNT_REFLECT:
				gw_ctrl_send_l3(pkts[i]); /* a peer's keepalive, answered */
				break;
			default:
				glean(pkts[i]);
				break;
			}
		}
		total += n;
	}
	total += learn_poll();
	gw_keepalive_tick(rte_get_timer_cycles());
	if (total != 0)
		gw_tables_commit(); /* what ARP and ND learned, published with one grace period */
	now = rte_get_timer_cycles();
	if (now >= next_refresh) {
		gw_arp_refresh();
		gw_nd_refresh();
		gw_tunnel_pmtu_age(now);
		/* the bridges' clock, in seconds: learned MACs age against it */
		if (now / rte_get_timer_hz() != gw_fdb_now) {
			gw_fdb_age(now / rte_get_timer_hz());
			gw_spoke_age(); /* a hub's learned mappings, on the same clock */
		}
		gw_tables_commit();
		next_refresh = now + rte_get_timer_hz() / 4;
	}
	return total;
}
