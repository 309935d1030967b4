/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ICMPv6 to our addresses on the control thread, the counterpart of icmp.c:
 * an echo request is answered (ping6 of a tunnel endpoint or of a port's
 * link-local address works); a Packet Too Big about one of our ip6gre
 * packets teaches the tunnels their path MTU (pmtu.c); anything else for us
 * is counted as local_proto and dropped. Neighbour discovery never comes
 * here (GW_PUNT_ND, nd.c). A reply to a global address is routed by a
 * worker; one to a link-local address leaves by the port it came in by.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "gw_cksum.h"
#include "gw_ctrl.h"
#include "gw_ip6.h"

#define ECHO_REPLY_HOPS 64

void
gw_icmp6_local(struct rte_mbuf *m)
{
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *), *icmp = ip + GW_IP6_HDR_LEN, tmp[16];
	uint32_t plen;
	uint16_t ck;
	int port;

	/* ICMPv6 right behind the header: what greway serves never carries extension headers */
	if (!rte_pktmbuf_is_contiguous(m) || m->pkt_len < GW_IP6_HDR_LEN + 8 ||
	    ip[6] != GW_IPPROTO_ICMPV6)
		goto drop;
	plen = (uint32_t)ip[4] << 8 | ip[5];
	if (plen < 8 || plen > m->pkt_len - GW_IP6_HDR_LEN)
		goto drop;
	rte_pktmbuf_trim(m, m->pkt_len - GW_IP6_HDR_LEN - plen); /* Ethernet padding */
	if (gw_ip6_l4_sum(ip + 8, ip + 24, GW_IPPROTO_ICMPV6, icmp, plen) != 0xffff)
		goto drop;
	if (gw_pmtu6_input(ip, GW_IP6_HDR_LEN + plen)) {
		rte_pktmbuf_free(m); /* learned from, answered never (RFC 4443 §2.4(e.1)) */
		return;
	}
	/* echo to a group would need a source of our choosing: not served */
	if (icmp[0] != GW_ICMP6_ECHO_REQUEST || icmp[1] != 0 || gw_ip6_is_mcast(ip + 24) ||
	    gw_ip6_is_mcast(ip + 8))
		goto drop;

	icmp[0] = GW_ICMP6_ECHO_REPLY;
	/* RFC 1624: the type byte went from 128 to 129; the pseudo header's sum keeps its terms */
	memcpy(&ck, icmp + 2, 2);
	ck = gw_cksum_update16(ck, rte_cpu_to_be_16(GW_ICMP6_ECHO_REQUEST << 8),
			       rte_cpu_to_be_16(GW_ICMP6_ECHO_REPLY << 8));
	memcpy(icmp + 2, &ck, 2);
	memcpy(tmp, ip + 8, 16);
	memcpy(ip + 8, ip + 24, 16);
	memcpy(ip + 24, tmp, 16);
	ip[7] = ECHO_REPLY_HOPS;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	if (!gw_ip6_is_linklocal(ip + 24)) {
		gw_ctrl_send_l3(m);
		return;
	}
	port = gw_nd_ingress_port(m);
	if (port < 0)
		goto drop; /* link-local through a tunnel: no neighbour to find it by */
	gw_nd_send_linklocal(m, port);
	return;
drop:
	gw_ctrl_drops[GW_DROP_LOCAL_PROTO]++;
	rte_pktmbuf_free(m);
}
