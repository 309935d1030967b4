/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 neighbour discovery (RFC 4861) on the control thread, the counterpart
 * of arp.c: answer solicitations for our addresses, learn the neighbours'
 * MACs by ARP's rules, solicit unresolved next hops, and send what the
 * control thread originates to a link-local destination (no route leads
 * there: gw_addr.h). Packets are checked by lib/proto/nd.c first.
 *
 * A neighbour on a connected prefix gets a /128 NEIGH route, as ARP's /32;
 * a link-local one (fe80::/10) is known by (port, address) only: the same
 * link-local address may be a different host on each port, and one FIB
 * cannot tell them apart. Routes via it name its next hop directly.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_ether.h>

#include "gw_addr.h"
#include "gw_bridge.h"
#include "gw_ctrl.h"
#include "gw_iface.h"
#include "gw_ip6.h"
#include "gw_mbuf.h"
#include "gw_nd.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_tunnel.h"

static bool
is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static struct gw_ip
ip6_of(const uint8_t a[16])
{
	struct gw_ip ip = { .family = AF_INET6 };

	memcpy(ip.v6, a, 16);
	return ip;
}

/* The NEIGH next hop for an IPv6 address on port (gw_neigh_for). */
static int
neigh_for(uint16_t port, const uint8_t a[16], bool create)
{
	const struct gw_ip ip = ip6_of(a);

	return gw_neigh_for(port, &ip, create);
}

/*
 * Publish a neighbour's MAC; false when there is none to update. Without
 * the override flag an advertisement fills an incomplete entry but does not
 * change a known MAC (RFC 4861 §7.2.5); static entries never change.
 */
static bool
learn(uint16_t port, const uint8_t a[16], const uint8_t mac[6], bool create, bool override)
{
	const struct rte_ether_addr *ea = (const struct rte_ether_addr *)mac;
	struct gw_nh *nh;
	uint64_t l2 = 0;
	int idx;

	if (!rte_is_unicast_ether_addr(ea) || rte_is_zero_ether_addr(ea))
		return false;
	idx = neigh_for(port, a, create);
	if (idx < 0)
		return false;
	nh = &gw_nhs[idx];
	memcpy(&l2, mac, RTE_ETHER_ADDR_LEN);
	if (nh->is_static || (!override && (nh->l2 & GW_NH_L2_VALID) &&
			      (nh->l2 & ~GW_NH_L2_VALID) != l2))
		return true;
	gw_nh_neigh_set_mac(nh, ea);
	return true;
}

/* A new frame of an L3 packet, Ethernet header from the port's MAC to dmac. */
static struct rte_mbuf *
frame_alloc(uint16_t port, const uint8_t dmac[6], size_t l3_len, void **l3)
{
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m = rte_pktmbuf_alloc(gw_ctrl_pool);

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + l3_len);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(&eth->dst_addr, dmac, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&gw_ports[port].mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	*l3 = eth + 1;
	return m;
}

/* The NA of one of our addresses to a solicitation (RFC 4861 §7.2.4). */
static void
advertise(uint16_t port, const struct gw_nd_msg *ns, const uint8_t eth_src[6])
{
	static const uint8_t allnodes[16] = { 0xff, 0x02, [15] = 1 };
	const uint8_t *dst = ns->src, *dmac = ns->has_lladdr ? ns->lladdr : eth_src;
	uint8_t flags = GW_ND_NA_ROUTER | GW_ND_NA_SOLICITED | GW_ND_NA_OVERRIDE, group_mac[6];
	struct rte_mbuf *m;
	void *l3;

	if (is_unspecified(ns->src)) {
		/* duplicate address detection: tell every node, and it was nobody's question */
		dst = allnodes;
		flags &= ~GW_ND_NA_SOLICITED;
		gw_ip6_mcast_mac(allnodes, group_mac);
		dmac = group_mac;
	}
	m = frame_alloc(port, dmac, GW_ND_MSG_LEN, &l3);
	if (m == NULL)
		return;
	gw_nd_build_na(l3, ns->target, dst, ns->target, gw_ports[port].mac.addr_bytes, flags);
	gw_ctrl_send_l2(m, port);
}

/* Whether a is one of our addresses on this port (Linux answers for the receiving link's). */
static bool
ours_on(uint16_t port, const uint8_t a[16])
{
	const struct gw_ip ip = ip6_of(a);
	int i = gw_addr_find(&ip);

	return i >= 0 && gw_addrs[i].iface == gw_ports[port].iface;
}

void
gw_nd_input(struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	int port = gw_port_by_id(m->port);
	struct gw_nd_msg msg;
	bool for_us, learned;

	if (port < 0 || !rte_pktmbuf_is_contiguous(m) || m->data_len < sizeof(*eth) ||
	    gw_nd_parse(eth + 1, m->data_len - sizeof(*eth), &msg) != GW_ND_OK) {
		gw_ctrl_drops[GW_DROP_ND_INVALID]++;
		rte_pktmbuf_free(m);
		return;
	}
	switch (msg.type) {
	case GW_ND_NEIGHBOR_SOLICIT:
		for_us = ours_on(port, msg.target);
		/*
		 * As ARP: a solicitation for us creates the sender's entry (we are
		 * about to answer it); one for another only refreshes an entry. A
		 * DAD probe (from ::) names nobody to learn.
		 */
		if (msg.has_lladdr && !is_unspecified(msg.src))
			learn(port, msg.src, msg.lladdr, for_us, true);
		if (!for_us)
			gw_ctrl_drops[GW_DROP_ND_OTHER]++;
		else
			advertise(port, &msg, eth->src_addr.addr_bytes);
		break;
	case GW_ND_NEIGHBOR_ADVERT:
		/* only an entry that exists is updated: an unsolicited NA cannot plant one */
		learned = msg.has_lladdr && !ours_on(port, msg.target) &&
			  learn(port, msg.target, msg.lladdr, false,
				msg.flags & GW_ND_NA_OVERRIDE);
		if (!learned)
			gw_ctrl_drops[GW_DROP_ND_OTHER]++;
		break;
	default:
		/* RS, RA, redirect: greway's routes are its own, and it advertises none */
		gw_ctrl_drops[GW_DROP_ND_OTHER]++;
		break;
	}
	rte_pktmbuf_free(m);
}

int
gw_nd_solicit(uint16_t port, const uint8_t ip[16])
{
	uint8_t src[16], group[16], mac[6];
	struct rte_mbuf *m;
	void *l3;

	if (!gw_addr_source6(gw_ports[port].iface, ip, src))
		return -EADDRNOTAVAIL;
	gw_ip6_solicited_node(ip, group);
	gw_ip6_mcast_mac(group, mac);
	m = frame_alloc(port, mac, GW_ND_MSG_LEN, &l3);
	if (m == NULL)
		return -ENOMEM;
	gw_nd_build_ns(l3, src, ip, gw_ports[port].mac.addr_bytes);
	gw_ctrl_send_l2(m, port);
	return 0;
}

/* Solicit a next hop, once a second at most however many packets wait for it. */
static void
solicit_limited(struct gw_nh *nh, uint64_t now)
{
	if ((nh->l2 & GW_NH_L2_VALID) ||
	    (nh->solicit_tsc != 0 && now - nh->solicit_tsc < rte_get_timer_hz()))
		return;
	if (gw_nd_solicit(nh->port, nh->ip.v6) == 0)
		nh->solicit_tsc = now;
}

void
gw_nd_glean(struct rte_mbuf *m, uint16_t port)
{
	const uint8_t *dst;
	uint8_t buf[16];
	int idx = -ENOENT;

	/* the packet itself is lost (no queue for it), counted here, once */
	gw_ctrl_drops[GW_DROP_NEIGH_UNRESOLVED]++;
	dst = rte_pktmbuf_read(m, 24, 16, buf); /* the IPv6 destination */
	if (dst != NULL && !gw_ip6_is_mcast(dst))
		idx = neigh_for(port, dst, true);
	rte_pktmbuf_free(m);
	if (idx >= 0)
		solicit_limited(&gw_nhs[idx], rte_get_timer_cycles());
}

void
gw_nd_refresh(void)
{
	uint64_t now = rte_get_timer_cycles();
	uint32_t i, end = gw_nh_end();

	for (i = 0; i < end; i++) {
		struct gw_nh *nh = &gw_nhs[i];

		if (nh->kind == GW_NH_NEIGH && !nh->released && nh->ip.family == AF_INET6)
			solicit_limited(nh, now);
	}
}

void
gw_nd_send_linklocal(struct rte_mbuf *m, uint16_t port)
{
	const uint8_t *ip6 = rte_pktmbuf_mtod(m, const uint8_t *);
	struct rte_ether_hdr *eth;
	uint64_t l2 = 0;
	int idx;

	idx = neigh_for(port, ip6 + 24, true);
	if (idx >= 0)
		l2 = gw_nh_l2_load(&gw_nhs[idx]);
	if (!(l2 & GW_NH_L2_VALID)) {
		/* as a glean: this one is lost, the next finds the neighbour */
		gw_ctrl_drops[GW_DROP_NEIGH_UNRESOLVED]++;
		rte_pktmbuf_free(m);
		if (idx >= 0)
			solicit_limited(&gw_nhs[idx], rte_get_timer_cycles());
		return;
	}
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (eth == NULL) {
		gw_ctrl_drops[GW_DROP_NO_HEADROOM]++;
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(&eth->dst_addr, &l2, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&gw_ports[port].mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	gw_ctrl_send_l2(m, port);
}

int
gw_nd_ingress_port(struct rte_mbuf *m)
{
	uint16_t ingress = gw_mbuf_meta(m)->ingress;

	if (ingress != GW_IFACE_NONE)
		return gw_iface_port(&gw_ifaces[ingress], false);
	return gw_port_by_id(m->port);
}
