/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The IPv4 input stage: one bulk FIB lookup for the vector classify made,
 * then the split: not for us -> forward (with its next hop); GRE for us ->
 * decap, outer fragments through reassembly first; anything else for us ->
 * the control thread (ICMP echo, and what it answers with errors).
 */
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_fib.h>
#include <rte_ip.h>

#include "gw_dp.h"
#include "gw_nh.h"
#include "gw_route.h"

void
gw_ip4_input(struct gw_lcore *lc, struct rte_mbuf **pkts, const uint32_t *dst, uint16_t n,
	     struct gw_ip4_split *out, struct gw_burst *b)
{
	uint64_t nh[GW_BURST_MAX];
	bool frags = false;
	uint16_t i;

	out->nfwd = 0;
	out->ngre = 0;
	rte_fib_lookup_bulk(gw_fib, (uint32_t *)(uintptr_t)dst, nh, n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip;

		if (likely(nh[i] != GW_NH_IDX_LOCAL)) {
			out->fwd[out->nfwd] = m;
			out->nh[out->nfwd++] = nh[i];
			continue;
		}
		ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		if (ip->next_proto_id != IPPROTO_GRE)
			gw_burst_punt(b, m, GW_PUNT_LOCAL);
		else if (likely(!rte_ipv4_frag_pkt_is_fragmented(ip)))
			out->gre[out->ngre++] = m;
		else if ((m = gw_reass_input(lc, m, rte_rdtsc())) != NULL)
			out->gre[out->ngre++] = m; /* its last fragment: the whole packet */
		else
			frags = true;
	}
	if (unlikely(frags))
		gw_reass_reap(lc);
}
