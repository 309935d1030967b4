/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ICMP errors on the control thread: a worker punted a packet it could not
 * forward (too big with DF set, TTL expired) after its own cheap checks;
 * here the gateway-wide rate limit, the checks that need the tables, the
 * source address from the ingress side, the message (lib/proto/icmp_err.c),
 * and the send, routed by a worker like every packet the gateway originates.
 *
 * One entry point per kind of error, protocol-neutral: IPv4 or IPv6 by the
 * version nibble (ICMPv6 Packet Too Big and Time Exceeded, RFC 4443), under
 * one rate limit.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>

#include "gw_addr.h"
#include "gw_ctrl.h"
#include "gw_icmp_err.h"
#include "gw_port.h"
#include "gw_tb.h"
#include "gw_dp.h"
#include "gw_iface.h"
#include "gw_ip6.h"

/*
 * The gateway-wide limit. Linux limits ICMP errors per destination (1/s,
 * burst 6, icmp_ratelimit) and globally (icmp_msgs_per_sec 1000, burst 50).
 * greway has one bucket for all destinations: 100/s on average answers
 * traceroutes (3 probes a hop) and the first too-big packet of hundreds of
 * TCP flows a second, which is all PMTU discovery needs (a source lowers its
 * path MTU once and stops sending too-big packets); a burst of 50 lets a
 * traceroute or a batch of new flows through at once. It bounds what a flood
 * of too-big or expiring packets makes the gateway send to 100 messages of at
 * most 576 bytes a second (~0.5 Mbit/s): the gateway cannot be turned into a
 * reflector, and the control thread's time is kept for ARP and the RPC.
 */
#define ICMP_ERR_RATE  100
#define ICMP_ERR_BURST 50

static struct gw_tb bucket; /* set by gw_ctrl_init, before any worker runs */
static uint16_t ip_id;

void
gw_icmp_error_init(void)
{
	gw_tb_init(&bucket, rte_get_timer_hz(), ICMP_ERR_RATE, ICMP_ERR_BURST,
		   rte_get_timer_cycles());
}

/* Our address on the side the packet came from (network order), 0 if none. */
static uint32_t
ingress_source(struct rte_mbuf *m, uint32_t dst)
{
	uint16_t ingress = gw_mbuf_meta(m)->ingress;
	uint32_t src = 0;
	int port;

	if (ingress != GW_IFACE_NONE)
		src = gw_addr_source4(ingress, dst);
	if (src == 0) { /* a tunnel without an address: the port it came in by */
		port = gw_port_by_id(m->port);
		if (port >= 0)
			src = gw_addr_source4(gw_ports[port].iface, dst);
	}
	return src;
}

static int
icmp4_error(enum gw_icmp_err_kind kind, struct rte_mbuf *m, uint16_t mtu)
{
	uint8_t quote[GW_ICMP4_ERR_QUOTE_MAX];
	const struct rte_ipv4_hdr *ip;
	struct rte_mbuf *out;
	uint32_t len, src;
	void *p;

	len = RTE_MIN(m->pkt_len, (uint32_t)GW_ICMP4_ERR_QUOTE_MAX);
	ip = rte_pktmbuf_read(m, 0, len, quote);
	if (ip == NULL || !gw_icmp4_err_allowed(ip, len))
		return -EINVAL;
	/* a directed broadcast to, or from, one of our subnets (RFC 1812 §4.3.2.7) */
	if (gw_addr_is_subnet_bcast(ip->dst_addr) || gw_addr_is_subnet_bcast(ip->src_addr) ||
	    gw_addr_is_local4(ip->src_addr))
		return -EINVAL;
	src = ingress_source(m, ip->src_addr);
	if (src == 0)
		return -EADDRNOTAVAIL;
	out = rte_pktmbuf_alloc(gw_ctrl_pool);
	if (out == NULL)
		return -ENOMEM;
	p = rte_pktmbuf_append(out, GW_ICMP4_ERR_MAX);
	if (p == NULL) {
		rte_pktmbuf_free(out);
		return -ENOMEM;
	}
	len = gw_icmp4_err_build(p, ip, len, kind, mtu, src, ip_id++);
	rte_pktmbuf_trim(out, GW_ICMP4_ERR_MAX - len);
	gw_ctrl_send_l3(out);
	return 0;
}

/* Our IPv6 address on the side the packet came from; false if none. */
static bool
ingress_source6(struct rte_mbuf *m, const uint8_t dst[16], uint8_t src[16])
{
	uint16_t ingress = gw_mbuf_meta(m)->ingress;
	int port;

	if (ingress != GW_IFACE_NONE && gw_addr_source6(ingress, dst, src))
		return true;
	port = gw_port_by_id(m->port); /* a tunnel without an address: the port it came in by */
	return port >= 0 && gw_addr_source6(gw_ports[port].iface, dst, src);
}

static int
icmp6_error(enum gw_icmp_err_kind kind, struct rte_mbuf *m, uint16_t mtu)
{
	uint8_t quote[GW_ICMP6_ERR_QUOTE_MAX], src[16];
	struct gw_ip osrc = { .family = AF_INET6 };
	const uint8_t *ip;
	struct rte_mbuf *out;
	uint32_t len;
	int port;
	void *p;

	len = RTE_MIN(m->pkt_len, (uint32_t)GW_ICMP6_ERR_QUOTE_MAX);
	ip = rte_pktmbuf_read(m, 0, len, quote);
	if (ip == NULL || !gw_icmp6_err_allowed(ip, len, kind))
		return -EINVAL;
	memcpy(osrc.v6, ip + 8, 16);
	if (gw_addr_is_local(&osrc))
		return -EINVAL; /* our own packet: nobody else to tell */
	if (!ingress_source6(m, ip + 8, src))
		return -EADDRNOTAVAIL;
	out = rte_pktmbuf_alloc(gw_ctrl_pool);
	if (out == NULL)
		return -ENOMEM;
	p = rte_pktmbuf_append(out, GW_ICMP6_ERR_MAX);
	if (p == NULL) {
		rte_pktmbuf_free(out);
		return -ENOMEM;
	}
	len = gw_icmp6_err_build(p, ip, len, kind, mtu, src);
	rte_pktmbuf_trim(out, GW_ICMP6_ERR_MAX - len);
	if (!gw_ip6_is_linklocal(ip + 8)) {
		gw_ctrl_send_l3(out);
		return 0;
	}
	/* to a link-local source: back out of the port it came by, to its neighbour there */
	gw_mbuf_meta(out)->ingress = gw_mbuf_meta(m)->ingress;
	out->port = m->port;
	port = gw_nd_ingress_port(out);
	if (port < 0) {
		rte_pktmbuf_free(out);
		return -ENETUNREACH;
	}
	gw_nd_send_linklocal(out, port);
	return 0;
}

void
gw_icmp_error(enum gw_icmp_err_kind kind, struct rte_mbuf *m, uint16_t mtu)
{
	if (!gw_tb_take(&bucket, rte_get_timer_cycles()))
		gw_ctrl_drops[GW_DROP_ICMP_RATELIMIT]++;
	else if (m->pkt_len != 0 && (*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 6)
		icmp6_error(kind, m, mtu);
	else
		icmp4_error(kind, m, mtu);
	rte_pktmbuf_free(m);
}
