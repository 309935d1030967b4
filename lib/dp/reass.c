/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Reassembly of outer fragments of GRE addressed to us (a peer with
 * nopmtudisc, or a router that fragments, splits the outer packet). One
 * rte_ip_frag table per worker, so no locks: fragments of one packet come in
 * on one queue as long as RSS hashes on addresses only, which is what IPv4
 * fragments (no ports) give it. Bounded in memory (GW_REASS_FLOWS packets in
 * progress, RTE_LIBRTE_IP_FRAG_MAX_FRAG fragments each) and in time
 * (GW_REASS_TIMEOUT_MS); what is given up is counted as ip_fragment.
 */
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>

#include "gw_dp.h"

#define GW_REASS_FLOWS 1024       /* packets being reassembled at once, per worker */
#define GW_REASS_BUCKET_ENTRIES 8 /* associativity of the table (a power of 2) */
#define GW_REASS_TIMEOUT_MS 1000  /* a packet whose fragments take longer is given up */

int
gw_reass_init(struct gw_lcore *lc, int socket)
{
	uint64_t cycles = rte_get_tsc_hz() * GW_REASS_TIMEOUT_MS / 1000;

	lc->frag_tbl = rte_ip_frag_table_create(GW_REASS_FLOWS / GW_REASS_BUCKET_ENTRIES,
						GW_REASS_BUCKET_ENTRIES, GW_REASS_FLOWS, cycles,
						socket);
	return lc->frag_tbl == NULL ? -ENOMEM : 0;
}

struct rte_mbuf *
gw_reass_input(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t tsc)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	/* the library finds the headers by these lengths: data starts at IPv4 here */
	m->l2_len = 0;
	m->l3_len = (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * 4;
	return rte_ipv4_frag_reassemble_packet(lc->frag_tbl, &lc->death_row, m, tsc, ip);
}

struct rte_mbuf *
gw_reass_input6(struct gw_lcore *lc, struct rte_mbuf *m, uint64_t tsc)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct rte_ipv6_fragment_ext *fh;

	if (m->data_len < sizeof(*ip) + sizeof(*fh)) {
		lc->drops[GW_DROP_IP_FRAGMENT]++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	fh = (struct rte_ipv6_fragment_ext *)(ip + 1);
	/* the library counts the fragment header in l3_len and moves what precedes it */
	m->l2_len = 0;
	m->l3_len = sizeof(*ip) + sizeof(*fh);
	return rte_ipv6_frag_reassemble_packet(lc->frag_tbl, &lc->death_row, m, tsc, ip, fh);
}

void
gw_reass_expire(struct gw_lcore *lc, uint64_t tsc)
{
	/* walks the table's age list only as far as the first packet still in time */
	rte_ip_frag_table_del_expired_entries(lc->frag_tbl, &lc->death_row, tsc);
	if (unlikely(lc->death_row.cnt != 0))
		gw_reass_reap(lc);
}

void
gw_reass_reap(struct gw_lcore *lc)
{
	/* fragments of given-up packets (timed out, table full, inconsistent) */
	lc->drops[GW_DROP_IP_FRAGMENT] += lc->death_row.cnt;
	rte_ip_frag_free_death_row(&lc->death_row, 0);
}
