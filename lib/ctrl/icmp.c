/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Local delivery on the control thread: ICMP echo to one of our addresses
 * is answered (so ping of a tunnel endpoint works), "fragmentation needed"
 * about our GRE packets teaches the tunnels their path MTU (pmtu.c);
 * anything else for us is counted as local_proto and dropped. The reply is routed by a worker.
 * IPv6 goes to icmp6.c.
 */
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>

#include "gw_ctrl.h"

#define ECHO_REPLY_TTL 64

void
gw_icmp_local(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t hl = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	struct rte_icmp_hdr *icmp;
	uint32_t tmp, sum;

	if (m->pkt_len != 0 && (ip->version_ihl >> 4) == 6) {
		gw_icmp6_local(m); /* the worker's punt says "local", the version nibble which */
		return;
	}
	if (ip->next_proto_id != IPPROTO_ICMP || rte_ipv4_frag_pkt_is_fragmented(ip) ||
	    !rte_pktmbuf_is_contiguous(m) || m->pkt_len < hl + sizeof(*icmp))
		goto drop;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hl);
	if (rte_raw_cksum(icmp, m->pkt_len - hl) != 0xffff)
		goto drop;
	if (gw_pmtu_input(ip, m->pkt_len)) {
		rte_pktmbuf_free(m); /* learned from, answered never (RFC 1122 §3.2.2) */
		return;
	}
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		goto drop;

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	/* RFC 1624: the type byte went from 8 to 0 */
	sum = icmp->icmp_cksum + rte_cpu_to_be_16(RTE_IP_ICMP_ECHO_REQUEST << 8);
	icmp->icmp_cksum = (uint16_t)(sum + (sum >> 16));
	tmp = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = ECHO_REPLY_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	gw_ctrl_send_l3(m);
	return;
drop:
	gw_ctrl_drops[GW_DROP_LOCAL_PROTO]++;
	rte_pktmbuf_free(m);
}
