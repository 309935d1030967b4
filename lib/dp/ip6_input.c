/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The IPv6 input stage: greway's own addresses told first by a hash set
 * (gw_local.h: a /128 is rte_fib6's deepest lookup), then one bulk FIB
 * lookup (rte_fib6) for the rest of the vector classify made. The split:
 * not for us -> forward (with its next hop); GRE for us (directly, or behind the destination options header that
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
#include "gw_local.h"
#include "gw_nh.h"
#include "gw_route.h"

/* A packet for greway: decap, reassembly, a counted drop or the control thread. */
static inline void
local6(struct gw_lcore *lc, struct rte_mbuf *m, uint16_t iface, struct gw_ip6_split *out,
       uint16_t *ngre, bool *frags, struct gw_burst *b)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	switch (ip->proto) {
	case GW_IPPROTO_GRE:
	case GW_IPPROTO_DSTOPTS: /* decap walks it */
		out->gre[(*ngre)++] = m;
		break;
	case GW_IPPROTO_FRAGMENT:
		if ((m = gw_reass_input6(lc, m, rte_rdtsc())) != NULL)
			out->gre[(*ngre)++] = m; /* its last fragment: the whole packet */
		else
			*frags = true;
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

void
gw_ip6_input(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n, uint16_t iface,
	     struct gw_ip6_split *out, struct gw_burst *b)
{
	const struct gw_local6 *mine = __atomic_load_n(&gw_local6_set, __ATOMIC_ACQUIRE);
	uint8_t dst[GW_BURST_MAX][RTE_FIB6_IPV6_ADDR_SIZE];
	struct rte_mbuf *rest[GW_BURST_MAX];
	uint64_t nh[GW_BURST_MAX];
	uint16_t i, nrest = 0, nfwd = 0, ngre = 0;
	bool frags = false;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *a = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *)->dst_addr;

		if (gw_local6_has(mine, a)) {
			local6(lc, m, iface, out, &ngre, &frags, b);
			continue;
		}
		memcpy(dst[nrest], a, sizeof(dst[nrest]));
		rest[nrest++] = m;
	}
	if (nrest != 0)
		rte_fib6_lookup_bulk(gw_fib6, dst, nh, nrest);
	for (i = 0; i < nrest; i++) {
		if (unlikely(nh[i] == GW_NH_IDX_LOCAL)) {
			local6(lc, rest[i], iface, out, &ngre, &frags, b); /* the set is the FIB's */
			continue;
		}
		out->fwd[nfwd] = rest[i];
		out->nh[nfwd++] = nh[i];
	}
	out->nfwd = nfwd;
	out->ngre = ngre;
	if (unlikely(frags))
		gw_reass_reap(lc);
}
