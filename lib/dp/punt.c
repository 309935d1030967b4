/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Policing of what a worker hands the control thread (the punt ring): one
 * control thread serves every worker, the socket and the timers, so what
 * reaches it from the network is bounded twice, on each worker:
 *
 * - per source: a token bucket per slot of a small table that the source
 *   address hashes into (GW_PUNT_SOURCES slots: a flood from one address,
 *   or a few, empties its own slots and no others';
 * - per kind: a bucket for each kind of work (gw_punt_kind below), so a
 *   flood of one kind (ARP requests, pings) cannot starve another: answers
 *   to our own neighbour solicitations, keepalives, ICMP errors.
 *
 * A packet over either limit is freed and counted (punt_source_limit,
 * punt_limit); one that passes both costs its tokens from both. This runs
 * on punted packets only, once per burst: never on the forwarding paths.
 * Why not rte_meter: its srTCM/trTCM color bytes against committed and
 * excess rates, where this counts packets against one rate, in integers
 * (gw_tb.h), and needs no profile per bucket.
 */
#include <assert.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "gw_dp.h"
#include "gw_ip6.h"
#include "gw_limits.h"

#define ETH_LEN sizeof(struct rte_ether_hdr)

/* The kind of a punted packet: its own total bucket. */
enum punt_kind {
	KIND_RESOLVE,   /* ARP replies and neighbour advertisements: our solicitations answered */
	KIND_NEIGH,     /* ARP requests, neighbour solicitations, other ND */
	KIND_LOCAL,     /* to one of our addresses: ICMP echo, other protocols */
	KIND_GLEAN,     /* to a neighbour not resolved yet */
	KIND_ERROR,     /* to be answered with an ICMP error */
	KIND_KEEPALIVE, /* keepalives: ours answered, a peer's to answer */
	KIND_MAX
};

static_assert(KIND_MAX == GW_PUNT_KINDS, "GW_PUNT_KINDS counts the kinds");

/** A worker's buckets (gw_lcore.police). */
struct gw_punt_police {
	struct gw_tb kind[GW_PUNT_KINDS];     /**< by enum punt_kind */
	struct gw_tb source[GW_PUNT_SOURCES]; /**< by hash of the source address */
};

int
gw_punt_police_init(struct gw_lcore *lc, int socket)
{
	uint64_t hz = rte_get_tsc_hz(), now = rte_rdtsc();
	struct gw_punt_police *p;
	unsigned int i;

	p = rte_zmalloc_socket("gw_punt_police", sizeof(*p), RTE_CACHE_LINE_SIZE, socket);
	if (p == NULL)
		return -ENOMEM;
	/* a tenth of a second's worth at once: a burst of a busy second passes whole */
	for (i = 0; i < GW_PUNT_KINDS; i++)
		gw_tb_init(&p->kind[i], hz, gw_limits.punt_rate,
			   RTE_MAX(gw_limits.punt_rate / 10, 64u), now);
	for (i = 0; i < GW_PUNT_SOURCES; i++)
		gw_tb_init(&p->source[i], hz, gw_limits.punt_source_rate,
			   RTE_MAX(gw_limits.punt_source_rate / 10, 64u), now);
	lc->police = p;
	return 0;
}

/* An IPv6 address folded to 32 bits for the source hash. */
static inline uint32_t
fold6(const uint8_t *a)
{
	uint32_t w[4];

	memcpy(w, a, sizeof(w));
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

/*
 * The kind of m and its source (0 when its header is cut short: such a
 * packet shares slot 0, and the control thread counts it as malformed).
 */
static enum punt_kind
kind_of(struct rte_mbuf *m, uint32_t *src)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t punt = gw_mbuf_meta(m)->punt;
	const uint16_t len = m->data_len;
	uint16_t op;

	*src = 0;
	if (punt == GW_PUNT_ARP) {
		if (len < ETH_LEN + sizeof(struct rte_arp_hdr))
			return KIND_NEIGH;
		memcpy(src, d + ETH_LEN + offsetof(struct rte_arp_hdr, arp_data.arp_sip), 4);
		memcpy(&op, d + ETH_LEN + offsetof(struct rte_arp_hdr, arp_opcode), 2);
		return op == RTE_BE16(RTE_ARP_OP_REPLY) ? KIND_RESOLVE : KIND_NEIGH;
	}
	if (punt == GW_PUNT_ND) {
		if (len < ETH_LEN + sizeof(struct rte_ipv6_hdr) + 1)
			return KIND_NEIGH;
		*src = fold6(d + ETH_LEN + offsetof(struct rte_ipv6_hdr, src_addr));
		/* an advertisement right behind the fixed header; else solicitation or other */
		return d[ETH_LEN + offsetof(struct rte_ipv6_hdr, proto)] == IPPROTO_ICMPV6 &&
		       d[ETH_LEN + sizeof(struct rte_ipv6_hdr)] == GW_ND_NEIGHBOR_ADVERT ?
		       KIND_RESOLVE : KIND_NEIGH;
	}
	/* at L3: IPv4 or IPv6 by the version nibble */
	if (len >= sizeof(struct rte_ipv6_hdr) && (d[0] >> 4) == 6)
		/* a peer's keepalive answered goes from us to the peer: the peer is the source */
		*src = fold6(d + (punt == GW_PUNT_REFLECT ? offsetof(struct rte_ipv6_hdr, dst_addr) :
							    offsetof(struct rte_ipv6_hdr, src_addr)));
	else if (len >= sizeof(struct rte_ipv4_hdr) && (d[0] >> 4) == 4)
		memcpy(src, d + (punt == GW_PUNT_REFLECT ? offsetof(struct rte_ipv4_hdr, dst_addr) :
							   offsetof(struct rte_ipv4_hdr, src_addr)), 4);
	switch (punt) {
	case GW_PUNT_LOCAL:
		return KIND_LOCAL;
	case GW_PUNT_GLEAN:
		return KIND_GLEAN;
	case GW_PUNT_KEEPALIVE:
	case GW_PUNT_REFLECT:
		return KIND_KEEPALIVE;
	default:
		return KIND_ERROR;
	}
}

uint16_t
gw_punt_police(struct gw_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	struct gw_punt_police *p = lc->police;
	uint64_t now = rte_rdtsc();
	uint16_t i, kept = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		enum punt_kind k;
		uint32_t src, slot;

		k = kind_of(m, &src);
		slot = (src * UINT32_C(0x9e3779b1)) >> (32 - GW_PUNT_SOURCES_LOG2);
		if (!gw_tb_take(&p->source[slot], now)) {
			lc->drops[GW_DROP_PUNT_SOURCE_LIMIT]++;
			rte_pktmbuf_free(m);
		} else if (!gw_tb_take(&p->kind[k], now)) {
			lc->drops[GW_DROP_PUNT_LIMIT]++;
			rte_pktmbuf_free(m);
		} else {
			pkts[kept++] = m;
		}
	}
	return kept;
}
