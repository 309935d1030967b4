/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The IPv6 input stage: one bulk FIB lookup (rte_fib6) for the vector
 * classify made, then the split: not for us -> forward (with its next hop);
 * GRE for us (directly, or behind the destination options header that
 * carries a tunnel encapsulation limit) -> decap, outer fragments through
 * reassembly first; behind a hop-by-hop or routing header -> a counted drop
 * (greway does not walk them); anything else for us -> the control thread
 * (ICMPv6 echo, Packet Too Big from the underlay).
 */
#include <rte_cycles.h>
#include <rte_fib6.h>
#include <rte_ip.h>

#include "gw_dp.h"
#include "gw_ip6.h"
#include "gw_nh.h"
#include "gw_route.h"

void
gw_ip6_input(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint16_t iface,
	     struct gw_ip6_split *out, struct gw_burst *b)
{
	uint8_t dst[GW_BURST_MAX][RTE_FIB6_IPV6_ADDR_SIZE];
	uint64_t nh[GW_BURST_MAX];
	uint16_t i, nfwd = 0, ngre = 0;
	bool frags = false;

	for (i = 0; i < n; i++)
		memcpy(dst[i], rte_pktmbuf_mtod(pkts[i], const struct rte_ipv6_hdr *)->dst_addr,
		       sizeof(dst[i]));
	rte_fib6_lookup_bulk(gw_fib6, dst, nh, n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv6_hdr *ip;

		if (likely(nh[i] != GW_NH_IDX_LOCAL)) {
			out->fwd[nfwd] = m;
			out->nh[nfwd++] = nh[i];
			continue;
		}
		ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
		switch (ip->proto) {
		case GW_IPPROTO_GRE:
		case GW_IPPROTO_DSTOPTS: /* decap walks it */
			out->gre[ngre++] = m;
			break;
		case GW_IPPROTO_FRAGMENT:
			if ((m = gw_reass_input6(lc, m, rte_rdtsc())) != NULL)
				out->gre[ngre++] = m; /* its last fragment: the whole packet */
			else
				frags = true;
			break;
		case GW_IPPROTO_HOPOPTS:
		case GW_IPPROTO_ROUTING:
			gw_burst_drop(lc, b, m, GW_DROP_IP6_EXT_HEADER);
			break;
		default:
			gw_mbuf_meta(m)->ingress = iface;
			gw_burst_punt(b, m, GW_PUNT_LOCAL);
			break;
		}
	}
	out->nfwd = nfwd;
	out->ngre = ngre;
	if (unlikely(frags))
		gw_reass_reap(lc);
}
