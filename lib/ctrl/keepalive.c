/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Keepalives, as Cisco IOS sends them (and Linux, MikroTik and others answer):
 * every PERIOD seconds the control thread sends each peer of a tunnel with
 * keepalive on (the remote of a point-to-point tunnel, each spoke of a
 * multipoint one) an IPv4 packet (over an IPv6 underlay, an IPv6 one)
 * addressed from the peer back to us, carrying GRE of protocol type 0,
 * inside the tunnel's own encapsulation.
 * The peer decapsulates it and routes it back: it arrives as bare GRE of
 * type 0, which decap hands here (GW_PUNT_KEEPALIVE). RETRIES keepalives in
 * a row unanswered mark the peer down, and the routes through it leave the
 * FIB (gw_tunnel_peer_live) until it answers again. Keepalives the peers
 * send are turned into answers by the workers (lib/dp/inner.c, inner6.c),
 * to the address they came from, so spokes behind NAT work too, and sent by
 * the control thread as its own packets (GW_PUNT_REFLECT).
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "gw_ctrl.h"
#include "gw_gre.h"
#include "gw_mbuf.h"
#include "gw_tunnel.h"

/*
 * A turn every 50 ms, of at most 512 keepalives (10,240 a second: 100,000
 * spokes every 10 s), within worker 0's inject ring (1024); a hub of many
 * spokes spreads them over turns.
 */
#define KA_PER_TICK 512
#define KA_TICKS_PER_S 20

uint64_t gw_keepalives_sent;

/*
 * The inner packet of a keepalive to p: IPv4 (over an IPv6 underlay: IPv6)
 * from p->remote to p->local, GRE type 0. The peer routes it back to us as
 * any packet; over IPv6 no NAT stands between, and its own routing is the
 * answer (Cisco's scheme).
 */
static struct rte_mbuf *
keepalive_build(const struct gw_peer *p)
{
	struct gw_gre_info g = { .proto = GW_GRE_PROTO_KEEPALIVE };
	size_t hlen = p->ip6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;
	uint8_t *h;
	size_t glen;

	m = rte_pktmbuf_alloc(gw_ctrl_pool);
	if (m == NULL)
		return NULL;
	h = (uint8_t *)rte_pktmbuf_append(m, hlen + GW_GRE_HDR_MAX);
	if (h == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	/* the answer must find this peer again in our decap: our receive key */
	if (p->opts & GW_TUN_IKEY) {
		g.flags |= GW_GRE_F_KEY;
		g.key = p->ikey;
	}
	glen = gw_gre_build(h + hlen, &g);
	rte_pktmbuf_trim(m, GW_GRE_HDR_MAX - glen);
	gw_mbuf_meta(m)->peer = p->id;
	if (p->ip6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)h;

		memset(ip6, 0, sizeof(*ip6));
		ip6->vtc_flow = RTE_BE32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(glen);
		ip6->proto = IPPROTO_GRE;
		ip6->hop_limits = 255;
		memcpy(ip6->src_addr, p->remote.v6, 16);
		memcpy(ip6->dst_addr, p->local.v6, 16);
		return m;
	}
	ip = (struct rte_ipv4_hdr *)h;
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + glen);
	ip->time_to_live = 255;
	ip->next_proto_id = IPPROTO_GRE;
	ip->src_addr = p->remote.v4;
	ip->dst_addr = p->local.v4;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/* One peer's turn: down after RETRIES unanswered, then the next keepalive. */
static bool
peer_tick(const struct gw_peer *p, uint32_t ka, uint64_t now, uint64_t hz)
{
	struct gw_peer_live *l = &gw_peer_live[p->id];
	struct rte_mbuf *m;

	if (l->sent != 0 && now - l->sent < GW_KEEPALIVE_PERIOD(ka) * hz)
		return false;
	if (l->sent != 0 && l->missed >= GW_KEEPALIVE_RETRIES(ka))
		gw_tunnel_peer_live(p->id, false);
	if (!p->up)
		return false;
	m = keepalive_build(p);
	if (m == NULL)
		return false;
	l->sent = now;
	if (l->missed < UINT8_MAX)
		l->missed++;
	gw_ctrl_send_peer(m);
	gw_keepalives_sent++;
	return true;
}

unsigned int
gw_keepalive_tick(uint64_t now)
{
	static uint32_t cur_t, cur_p; /* where the last turn stopped: tunnel index, peer */
	static uint64_t next_turn;
	uint64_t hz = rte_get_timer_hz();
	uint32_t end = gw_tunnel_idx_end(); /* the indexes ever taken: it only grows */
	unsigned int visited, sent = 0;

	if (now < next_turn || end == 0)
		return 0;
	next_turn = now + hz / KA_TICKS_PER_S;
	for (visited = 0; visited <= end; visited++) {
		const struct gw_tunnel *t = gw_tunnels[cur_t];
		uint32_t ka = t != NULL ? t->conf.keepalive : 0;

		/* a hub's wildcard peer has nobody to ask: its spokes are asked */
		if (ka != 0 && cur_p == 0 && gw_tunnel_conf_is_multipoint(&t->conf))
			cur_p = 1;
		for (; ka != 0 && cur_p < t->nb_peers; cur_p++) {
			if (sent == KA_PER_TICK)
				return sent;
			sent += peer_tick(gw_peers[t->peers[cur_p]], ka, now, hz);
		}
		cur_t = (cur_t + 1) % end;
		cur_p = 0;
	}
	return sent;
}

void
gw_keepalive_input(struct rte_mbuf *m)
{
	uint32_t id = gw_mbuf_meta(m)->peer;
	struct gw_peer_live *l;
	uint64_t now;

	rte_pktmbuf_free(m);
	if (id >= gw_limits.peers || gw_peers[id] == NULL)
		return;
	l = &gw_peer_live[id];
	now = rte_get_timer_cycles();
	if (l->sent != 0)
		l->rtt_us = (now - l->sent) * 1000000 / rte_get_timer_hz();
	l->seen = now;
	l->missed = 0;
	l->answered++;
	gw_tunnel_peer_live(id, true);
}
