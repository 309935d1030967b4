/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ARP (RFC 826) on the control thread: answer for our addresses, learn the
 * sender when it is on a connected prefix of the port it came from (replies,
 * and requests for us, as Linux does), and solicit unresolved next hops.
 * Learning publishes the MAC into the next hop and a /32 route to it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "gw_addr.h"
#include "gw_ctrl.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_route.h"
#include "gw_tunnel.h"

/* The NEIGH next hop for an IPv4 address on port (gw_neigh_for). */
static int
neigh_for(uint16_t port, uint32_t ip4, bool create)
{
	const struct gw_ip ip = gw_ip4(ip4);

	return gw_neigh_for(port, &ip, create);
}

/* Publish the sender's MAC into its next hop; false when there is none to update. */
static bool
learn(uint16_t port, uint32_t sip, const struct rte_ether_addr *sha, bool create)
{
	int idx;

	if (sip == 0 || !rte_is_unicast_ether_addr(sha))
		return false;
	idx = neigh_for(port, sip, create);
	if (idx < 0)
		return false;
	if (!gw_nhs[idx].is_static)
		gw_nh_neigh_set_mac(&gw_nhs[idx], sha);
	return true;
}

/* Keep what describes the buffer (external or indirect data), drop the rest. */
static inline void
reset_offloads(struct rte_mbuf *m)
{
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
}

void
gw_arp_input(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *a = &arp->arp_data;
	int port = gw_port_by_id(m->port);
	uint32_t sip, tip;
	bool for_us, request, learned;

	if (port < 0 || m->data_len < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || arp->arp_hlen != 6 ||
	    arp->arp_plen != 4) {
		gw_ctrl_drops[GW_DROP_LOCAL_PROTO]++;
		rte_pktmbuf_free(m);
		return;
	}
	sip = a->arp_sip;
	tip = a->arp_tip;
	request = arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST);
	for_us = gw_addr_is_local4(tip) && gw_route_lookup4(tip) == GW_NH_IDX_LOCAL;
	/*
	 * As Linux: a request for us creates the sender's entry (we are about to
	 * talk to it); anything else only refreshes an entry that exists, so an
	 * unsolicited reply cannot plant one.
	 */
	learned = learn(port, sip, &a->arp_sha, request && for_us);
	if (!request || !for_us) {
		/* consumed by its purpose only when a reply updated the entry that waited */
		if (!learned || arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REPLY))
			gw_ctrl_drops[GW_DROP_ARP_OTHER]++;
		rte_pktmbuf_free(m);
		return;
	}
	/* Turn the request into the reply in place. */
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&a->arp_sha, &a->arp_tha);
	rte_ether_addr_copy(&gw_ports[port].mac, &a->arp_sha);
	a->arp_tip = sip;
	a->arp_sip = tip;
	rte_ether_addr_copy(&a->arp_tha, &eth->dst_addr);
	rte_ether_addr_copy(&gw_ports[port].mac, &eth->src_addr);
	rte_pktmbuf_trim(m, m->pkt_len - sizeof(*eth) - sizeof(*arp));
	reset_offloads(m);
	gw_ctrl_send_l2(m, port);
}

int
gw_arp_solicit(uint16_t port, uint32_t ip)
{
	uint32_t sip = gw_addr_source4(gw_ports[port].iface, ip);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	if (sip == 0)
		return -EADDRNOTAVAIL;
	m = rte_pktmbuf_alloc(gw_ctrl_pool);
	if (m == NULL)
		return -ENOMEM;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp));
	arp = (struct rte_arp_hdr *)(eth + 1);
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&gw_ports[port].mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&gw_ports[port].mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = sip;
	memset(&arp->arp_data.arp_tha, 0, RTE_ETHER_ADDR_LEN);
	arp->arp_data.arp_tip = ip;
	gw_ctrl_send_l2(m, port);
	return 0;
}

void
gw_arp_glean(struct rte_mbuf *m, uint16_t port)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint64_t now = rte_get_timer_cycles();
	struct gw_nh *nh;
	int idx;

	/* a directed broadcast is not forwarded (RFC 2644): no host to ARP for */
	if (gw_addr_is_subnet_edge(ip->dst_addr)) {
		gw_ctrl_drops[GW_DROP_DIRECTED_BCAST]++;
		rte_pktmbuf_free(m);
		return;
	}
	/* the packet itself is lost (no queue for it), counted here, once */
	gw_ctrl_drops[GW_DROP_NEIGH_UNRESOLVED]++;
	idx = neigh_for(port, ip->dst_addr, true);
	rte_pktmbuf_free(m);
	if (idx < 0)
		return; /* cap of learned neighbours reached */
	/* once a second at most, however many packets wait for it */
	nh = &gw_nhs[idx];
	if ((nh->l2 & GW_NH_L2_VALID) ||
	    (nh->solicit_tsc != 0 && now - nh->solicit_tsc < rte_get_timer_hz()))
		return;
	if (gw_arp_solicit(port, nh->ip.v4) == 0)
		nh->solicit_tsc = now;
}

void
gw_arp_refresh(void)
{
	uint64_t now = rte_get_timer_cycles(), hz = rte_get_timer_hz();
	uint32_t i, end = gw_nh_end();

	for (i = 0; i < end; i++) {
		struct gw_nh *nh = &gw_nhs[i];

		if (nh->kind != GW_NH_NEIGH || nh->released || nh->ip.family != AF_INET ||
		    (nh->l2 & GW_NH_L2_VALID))
			continue;
		if (nh->solicit_tsc != 0 && now - nh->solicit_tsc < hz)
			continue;
		if (gw_arp_solicit(nh->port, nh->ip.v4) == 0)
			nh->solicit_tsc = now;
	}
}
