/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * What the two forward stages (fwd.c: IPv4, fwd6.c: IPv6) share: where a
 * packet of a forward vector came in, the sources no router forwards from,
 * the Ethernet rewrite to a resolved neighbour, and the punt of a packet
 * that earns an ICMP error. Private to lib/dp.
 */
#ifndef GW_FWD_H
#define GW_FWD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "gw_dp.h"
#include "gw_encap.h"
#include "gw_ip6.h"
#include "gw_local.h"
#include "gw_nh.h"
#include "gw_peer.h"

/** The interface a packet of a forward vector came in by (for an ICMP error). */
static inline uint16_t
gw_fwd_ingress_iface(const struct gw_ingress *in, uint16_t i)
{
	/* the peer is published until the worker's next quiescent state at least */
	return i < in->ndirect ? in->port_iface : gw_peers[in->peer[i - in->ndirect]]->iface;
}

/** The peer a packet of a forward vector came out of, or GW_PEER_NONE from a port. */
static inline uint32_t
gw_fwd_ingress_peer(const struct gw_ingress *in, uint16_t i)
{
	return i < in->ndirect ? GW_PEER_NONE : in->peer[i - in->ndirect];
}

/**
 * Whether an IPv4 source is martian (RFC 1812 §5.3.7): a router forwards
 * nothing from "this network" (0/8), loopback (127/8), a group, class E or
 * the limited broadcast (224/3 and up), nor from one of its own addresses.
 * The first three are one compare of the top byte each; ours, the local
 * set's one probe.
 */
static __rte_always_inline bool
gw_fwd_martian4(uint32_t src_be)
{
	const uint8_t top = rte_be_to_cpu_32(src_be) >> 24;

	return top == 0 || top == 127 || top >= 224 ||
	       gw_local4_has(__atomic_load_n(&gw_local4_set, __ATOMIC_ACQUIRE), src_be);
}

/**
 * Whether an IPv6 source is one no router forwards from: the unspecified
 * address, loopback, IPv4-mapped (RFC 4291 §2.5.2, §2.5.3, §2.5.5.2), a
 * group, link-local (§2.5.6: never to another link), or one of ours.
 */
static __rte_always_inline bool
gw_fwd_martian6(const uint8_t src[16])
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint64_t hi, lo;

	memcpy(&hi, src, sizeof(hi));
	memcpy(&lo, src + 8, sizeof(lo));
	if (hi == 0 && (rte_be_to_cpu_64(lo) <= 1 || memcmp(src, mapped, sizeof(mapped)) == 0))
		return true;
	return gw_ip6_is_mcast(src) || gw_ip6_is_linklocal(src) ||
	       gw_local6_has(__atomic_load_n(&gw_local6_set, __ATOMIC_ACQUIRE), src);
}

/**
 * The Ethernet header for a resolved neighbour (the packet's data starts at
 * L3): two 8-byte stores, the destination (and 2 bytes the second store
 * overwrites), then the port's source MAC and ethertype of the family.
 */
static __rte_always_inline enum gw_drop
gw_fwd_to_neigh(struct rte_mbuf *m, const struct gw_nh *nh, uint16_t *out_port, bool ip6)
{
	uint64_t l2 = gw_nh_l2_load(nh);
	struct rte_ether_hdr *eth;

	if (unlikely(!(l2 & GW_NH_L2_VALID)))
		return GW_DROP_NEIGH_UNRESOLVED;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (unlikely(eth == NULL))
		return GW_DROP_NO_HEADROOM;
	memcpy(eth, &l2, sizeof(l2));
	memcpy((uint8_t *)eth + RTE_ETHER_ADDR_LEN,
	       ip6 ? &gw_ports[nh->port].eth_src_type6 : &gw_ports[nh->port].eth_src_type,
	       sizeof(uint64_t));
	m->ol_flags &= MBUF_BUFFER_FLAGS;
	*out_port = nh->port;
	return GW_DROP_NONE;
}

/**
 * Whether the worker's token bucket lets one more ICMP error go (else the
 * suppressed message counts as icmp_ratelimit).
 */
static inline bool
gw_fwd_icmp_allowed(struct gw_lcore *lc)
{
	if (gw_tb_take(&lc->icmp_tb, rte_rdtsc()))
		return true;
	lc->drops[GW_DROP_ICMP_RATELIMIT]++;
	return false;
}

/**
 * Punt a packet for the control thread to answer with an ICMP error (the
 * caller decided it may), counted under why.
 */
static inline void
gw_fwd_icmp_punt(struct gw_lcore *lc, struct gw_burst *b, struct rte_mbuf *m, enum gw_drop why,
		 enum gw_punt punt, uint16_t mtu, uint16_t ingress)
{
	struct gw_mbuf_meta *meta = gw_mbuf_meta(m);

	meta->mtu = mtu;
	meta->ingress = ingress;
	lc->drops[why]++;
	gw_burst_punt(b, m, punt);
}

#endif /* GW_FWD_H */
