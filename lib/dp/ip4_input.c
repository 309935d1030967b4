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
gw_ip4_input(struct gw_lcore *lc, struct rte_mbuf **pkts, uint32_t *dst, uint16_t n,
	     struct gw_ip4_split *out, struct gw_burst *b)
{
	uint64_t nh[GW_BURST_MAX];
	uint16_t i, nfwd = 0, ngre = 0; /* in registers: out's counters would be a store-to-load chain */
	bool frags = false;

	rte_fib_lookup_bulk(gw_fib, dst, nh, n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip;

		if (likely(nh[i] != GW_NH_IDX_LOCAL)) {
			out->fwd[nfwd] = m;
			out->nh[nfwd++] = nh[i];
			continue;
		}
		ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		if (ip->next_proto_id != IPPROTO_GRE)
			gw_burst_punt(b, m, GW_PUNT_LOCAL);
		else if (likely(!rte_ipv4_frag_pkt_is_fragmented(ip)))
			out->gre[ngre++] = m;
		else if ((m = gw_reass_input(lc, m, rte_rdtsc())) != NULL)
			out->gre[ngre++] = m; /* its last fragment: the whole packet */
		else
			frags = true;
	}
	out->nfwd = nfwd;
	out->ngre = ngre;
	if (unlikely(frags))
		gw_reass_reap(lc);
}
