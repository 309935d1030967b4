/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Port probe, naming and start. Offloads are masked by what the PMD reports:
 * outer IPv4 checksum at tx and rx checksum flags are used where offered, the
 * dataplane falls back to software otherwise (gw_port.tx_ip_cksum).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "gw_log.h"
#include "gw_port.h"

#define PORT_RXD 1024
#define PORT_TXD 1024

struct gw_port gw_ports[GW_PORT_SLOTS];
uint16_t gw_nb_ports;
uint16_t gw_bvi_end = GW_PORT_BVI_FIRST;

/* -p: each port's merged profile; without -p, none and today's defaults */
static bool have_profile;
static struct gw_profile_port port_prof[GW_PORT_SLOTS];
static unsigned int worker0_rxqs; /* (port, queue) pairs worker 0 polls, see dp.c */

int
gw_port_probe(struct gw_error *err)
{
	uint16_t pid;

	gw_nb_ports = 0;
	RTE_ETH_FOREACH_DEV(pid) {
		struct gw_port *p;

		if (gw_nb_ports == GW_PORT_MAX)
			return gw_error_set(err, -ENOSPC, "more than %d ports", GW_PORT_MAX);
		p = &gw_ports[gw_nb_ports];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "port%u", gw_nb_ports);
		p->port_id = pid;
		p->up = true;
		if (rte_eth_macaddr_get(pid, &p->mac) != 0)
			return gw_error_set(err, -EIO, "%s: cannot read MAC", p->name);
		gw_port_eth_word_update(p);
		if (rte_eth_dev_get_mtu(pid, &p->mtu) != 0 || p->mtu == 0)
			p->mtu = RTE_ETHER_MTU;
		gw_nb_ports++;
	}
	if (gw_nb_ports == 0)
		return gw_error_set(err, -ENODEV,
				    "no ports: give EAL a --vdev or a PCI allow-list (-a)");
	return 0;
}

void
gw_port_eth_word_update(struct gw_port *p)
{
	uint64_t w = 0;
	uint16_t type = RTE_BE16(RTE_ETHER_TYPE_IPV4);

	memcpy(&w, p->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	memcpy((uint8_t *)&w + RTE_ETHER_ADDR_LEN, &type, sizeof(type));
	__atomic_store_n(&p->eth_src_type, w, __ATOMIC_RELAXED);
	type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	memcpy((uint8_t *)&w + RTE_ETHER_ADDR_LEN, &type, sizeof(type));
	__atomic_store_n(&p->eth_src_type6, w, __ATOMIC_RELAXED);
	/* workers see the old MAC or the new one (gw_match16_eth_ipv4) */
	gw_match16_eth_ipv4(&p->eth_match, p->mac.addr_bytes);
}

int
gw_port_by_id(uint16_t port_id)
{
	uint16_t i;

	for (i = 0; i < gw_nb_ports; i++)
		if (gw_ports[i].port_id == port_id)
			return i;
	for (i = GW_PORT_BVI_FIRST; i < gw_bvi_end; i++)
		if (gw_ports[i].bvi && gw_ports[i].port_id == port_id)
			return i;
	return -ENOENT;
}

int
gw_port_bvi_add(const char *name, uint16_t iface, uint16_t bridge,
		const struct rte_ether_addr *mac, uint16_t mtu)
{
	struct gw_port *p;
	uint16_t i;

	for (i = GW_PORT_BVI_FIRST; i < GW_PORT_SLOTS && gw_ports[i].bvi; i++)
		;
	if (i == GW_PORT_SLOTS)
		return -ENOSPC;
	p = &gw_ports[i];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->iface = iface;
	p->port_id = GW_BVI_PORT_ID_BASE + (i - GW_PORT_BVI_FIRST);
	p->mac = *mac;
	p->mtu = mtu;
	p->bvi_bridge = bridge;
	gw_port_eth_word_update(p);
	p->bvi = true;
	if (i + 1 > gw_bvi_end)
		__atomic_store_n(&gw_bvi_end, i + 1, __ATOMIC_RELEASE);
	return i;
}

void
gw_port_bvi_del(uint16_t idx)
{
	gw_ports[idx].bvi = false;
	gw_ports[idx].up = false;
}

/* Set the MAC on the PMD; one that cannot filter on it receives everything. */
static int
port_mac_set(struct gw_port *p, struct rte_ether_addr *mac, struct gw_error *err)
{
	int rc = rte_eth_dev_default_mac_addr_set(p->port_id, mac);

	if (rc == -ENOTSUP) {
		rte_eth_promiscuous_enable(p->port_id);
		p->mac_soft = true;
		GW_LOG(INFO, PORT, "%s: PMD cannot set its MAC; promiscuous, MAC kept in software",
		       p->name);
		return 0;
	}
	if (rc != 0)
		return gw_error_set(err, rc, "%s: address refused: %s", p->name, rte_strerror(-rc));
	return 0;
}

/* A running port takes a new MTU and MAC at once, or keeps both old ones. */
static int
port_set_running(struct gw_port *p, const struct gw_link_conf *conf, struct gw_error *err)
{
	struct rte_ether_addr mac;
	int rc;

	if (!p->started)
		return 0; /* port_start applies them */
	if (conf->given & GW_LINK_GIVEN_MTU) {
		rc = rte_eth_dev_set_mtu(p->port_id, conf->mtu);
		if (rc != 0)
			return gw_error_set(err, rc, "%s: mtu %u refused: %s", p->name, conf->mtu,
					    rte_strerror(-rc));
	}
	if (conf->given & GW_LINK_GIVEN_MAC) {
		memcpy(&mac, conf->mac, sizeof(mac));
		rc = port_mac_set(p, &mac, err);
		if (rc < 0) {
			if (conf->given & GW_LINK_GIVEN_MTU)
				rte_eth_dev_set_mtu(p->port_id, p->mtu);
			return rc;
		}
	}
	return 0;
}

int
gw_port_set(uint16_t idx, const struct gw_link_conf *conf, struct gw_error *err)
{
	struct gw_port *p = &gw_ports[idx];
	int rc;

	if ((conf->given & GW_LINK_GIVEN_MAC) &&
	    !rte_is_unicast_ether_addr((const struct rte_ether_addr *)conf->mac))
		return gw_error_set(err, -EINVAL, "%s: address must be a unicast MAC", conf->name);

	rc = port_set_running(p, conf, err);
	if (rc < 0)
		return rc;

	/* Validated: apply every word. */
	if (conf->given & GW_LINK_GIVEN_MAC) {
		memcpy(&p->mac, conf->mac, RTE_ETHER_ADDR_LEN);
		gw_port_eth_word_update(p);
		p->mac_set = true;
	}
	if (conf->given & GW_LINK_GIVEN_MTU) {
		p->mtu = conf->mtu;
		p->mtu_set = true;
	}
	if (conf->given & GW_LINK_GIVEN_UP)
		p->up = conf->up;
	return 0;
}

void
gw_port_profile_set(const struct gw_profile *prof, const char *path)
{
	struct rte_eth_dev_info info;
	uint16_t i;

	have_profile = true;
	for (i = 0; i < gw_nb_ports; i++) {
		struct gw_port *p = &gw_ports[i];
		struct gw_profile_port *pp = &port_prof[i];
		const char *drv = "?";
		unsigned int n, j;
		char secs[96];

		if (rte_eth_dev_info_get(p->port_id, &info) == 0 && info.driver_name != NULL)
			drv = info.driver_name;
		gw_profile_resolve(prof, drv, pp);
		for (n = 0, j = 0; j < prof->nb; j++) {
			if (prof->sec[j].driver[0] == '\0')
				n |= 1;
			else if (strcmp(prof->sec[j].driver, drv) == 0)
				n |= 2;
		}
		if (n == 0)
			snprintf(secs, sizeof(secs), "no section applies, defaults");
		else
			snprintf(secs, sizeof(secs), "%s%s%s%s", n & 1 ? "[port]" : "",
				 n == 3 ? " then " : "", n & 2 ? "[" : "", n & 2 ? drv : "");
		GW_LOG(INFO, PORT, "%s: driver %s, profile %s: %s%s", p->name, drv, path, secs,
		       n & 2 ? "]" : "");
		if (pp->given & GW_PROF_MTU) {
			p->mtu = pp->mtu;
			p->mtu_set = true;
		}
	}
}

unsigned int
gw_port_mbufs_needed(uint16_t nb_workers)
{
	unsigned int n = 0;
	uint16_t i;

	if (!have_profile) /* rx and tx rings full, plus bursts in flight and the control's */
		return gw_nb_ports * nb_workers * (PORT_RXD + PORT_TXD) + nb_workers * 1024 + 4096;
	for (i = 0; i < gw_nb_ports; i++) {
		const struct gw_profile_port *pp = &port_prof[i];
		unsigned int rxq = pp->rx_queues != 0 ? pp->rx_queues : nb_workers;

		n += rxq * ((pp->given & GW_PROF_RX_DESC) ? pp->rx_desc : PORT_RXD);
		n += nb_workers * ((pp->given & GW_PROF_TX_DESC) ? pp->tx_desc : PORT_TXD);
	}
	return n + nb_workers * 1024 + 4096;
}

/* Offloads the profile asks for and the port lacks: dropped, said once. */
static uint64_t
offloads_offered(const struct gw_port *p, bool tx, uint64_t want, uint64_t capa)
{
	char names[128];

	if (want & ~capa) {
		gw_profile_offload_names(tx, want & ~capa, names, sizeof(names));
		GW_LOG(INFO, PORT, "%s: %s offloads %s not offered by the port: not used",
		       p->name, tx ? "tx" : "rx", names);
	}
	return want & capa;
}

/*
 * The profile on top of the defaults port_start computed: RSS, offloads and
 * descriptor counts (the rx queue count is port_start's, before RSS). Nothing here fails: what the port cannot do
 * is left out and logged.
 */
static void
profile_apply(struct gw_port *p, const struct gw_profile_port *pp,
	      const struct rte_eth_dev_info *info, struct rte_eth_conf *conf, uint16_t *nb_rxd,
	      uint16_t *nb_txd)
{
	struct rte_eth_rss_conf *rss = &conf->rx_adv_conf.rss_conf;
	char names[256];

	if (pp->given & GW_PROF_RSS_TYPES) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
		rss->rss_hf = 0;
		if (pp->rss_hf & ~info->flow_type_rss_offloads) {
			gw_profile_rss_names(pp->rss_hf & ~info->flow_type_rss_offloads, names,
					     sizeof(names));
			GW_LOG(INFO, PORT, "%s: rss types %s not offered by the port: not used",
			       p->name, names);
		}
		if (p->nb_rxq > 1 && (pp->rss_hf & info->flow_type_rss_offloads) != 0) {
			conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			rss->rss_hf = pp->rss_hf & info->flow_type_rss_offloads;
		}
	}
	if ((pp->given & GW_PROF_RSS_KEY) && conf->rxmode.mq_mode == RTE_ETH_MQ_RX_RSS) {
		if (pp->rss_key_len == info->hash_key_size) {
			rss->rss_key = (uint8_t *)(uintptr_t)pp->rss_key;
			rss->rss_key_len = pp->rss_key_len;
		} else if (info->hash_key_size == 0) {
			GW_LOG(INFO, PORT, "%s: rss_key: the port reports no key size: PMD's "
			       "default key kept", p->name);
		} else {
			GW_LOG(INFO, PORT, "%s: rss_key has %u bytes, the port's has %u: "
			       "PMD's default key kept", p->name, pp->rss_key_len,
			       info->hash_key_size);
		}
	}
	if (pp->given & GW_PROF_RX_OFFLOADS) {
		uint64_t want = pp->rx_offloads;

		if ((want & RTE_ETH_RX_OFFLOAD_RSS_HASH) &&
		    conf->rxmode.mq_mode != RTE_ETH_MQ_RX_RSS) {
			GW_LOG(INFO, PORT, "%s: rx offload rss_hash needs RSS (several rx "
			       "queues and rss_types the port offers): not used", p->name);
			want &= ~RTE_ETH_RX_OFFLOAD_RSS_HASH;
		}
		conf->rxmode.offloads = offloads_offered(p, false, want, info->rx_offload_capa);
	}
	if (pp->given & GW_PROF_TX_OFFLOADS) {
		conf->txmode.offloads = offloads_offered(p, true, pp->tx_offloads,
							 info->tx_offload_capa);
		if (conf->txmode.offloads & RTE_ETH_TX_OFFLOAD_GRE_TNL_TSO)
			GW_LOG(INFO, PORT, "%s: gre_tnl_tso enabled on the port; greway's "
			       "dataplane sends no TSO packets yet", p->name);
	}
	if (pp->given & GW_PROF_RX_DESC)
		*nb_rxd = pp->rx_desc;
	if (pp->given & GW_PROF_TX_DESC)
		*nb_txd = pp->tx_desc;
}

/* One line with what the port runs with, for a port started with a profile. */
static void
profile_log(const struct gw_port *p, const struct rte_eth_conf *conf, uint16_t nb_rxd,
	    uint16_t nb_txd)
{
	char rxo[128], txo[128], rss[256];
	int promisc = rte_eth_promiscuous_get(p->port_id);

	gw_profile_offload_names(false, conf->rxmode.offloads, rxo, sizeof(rxo));
	gw_profile_offload_names(true, conf->txmode.offloads, txo, sizeof(txo));
	gw_profile_rss_names(conf->rxmode.mq_mode == RTE_ETH_MQ_RX_RSS ?
			     conf->rx_adv_conf.rss_conf.rss_hf : 0, rss, sizeof(rss));
	GW_LOG(INFO, PORT, "%s: applied: rxq %u txq %u rx_desc %u tx_desc %u rx_offloads %s "
	       "tx_offloads %s rss %s%s mtu %u promiscuous %s", p->name, p->nb_rxq, p->nb_txq,
	       nb_rxd, nb_txd, rxo, txo, rss,
	       conf->rx_adv_conf.rss_conf.rss_key != NULL ? " (profile key)" : "", p->mtu,
	       promisc == 1 ? "on" : promisc == 0 ? "off" : "unknown");
}

/* promiscuous = on|off of a profile, once the port runs; never fails the start. */
static void
profile_promisc(const struct gw_port *p, const struct gw_profile_port *pp)
{
	int rc;

	if (!(pp->given & GW_PROF_PROMISC))
		return;
	if (!pp->promiscuous && p->mac_soft) {
		GW_LOG(INFO, PORT, "%s: promiscuous off not applied: the PMD cannot set its "
		       "MAC, greway filters on it in software", p->name);
		return;
	}
	rc = pp->promiscuous ? rte_eth_promiscuous_enable(p->port_id) :
			       rte_eth_promiscuous_disable(p->port_id);
	if (rc != 0)
		GW_LOG(INFO, PORT, "%s: promiscuous %s refused by the PMD: %s", p->name,
		       pp->promiscuous ? "on" : "off", rte_strerror(-rc));
}

void
gw_port_bridged_set(uint16_t idx, bool on)
{
	struct gw_port *p = &gw_ports[idx];
	const struct gw_profile_port *pp = have_profile ? &port_prof[idx] : NULL;
	int rc;

	p->bridged = on;
	if (!p->started)
		return; /* applied at start */
	if (on)
		rc = rte_eth_promiscuous_enable(p->port_id);
	else if (p->mac_soft || (pp != NULL && (pp->given & GW_PROF_PROMISC) && pp->promiscuous))
		rc = 0;
	else
		rc = rte_eth_promiscuous_disable(p->port_id);
	if (rc != 0)
		GW_LOG(INFO, PORT, "%s: promiscuous %s refused by the PMD: %s", p->name,
		       on ? "on" : "off", rte_strerror(-rc));
}

static int
port_start(struct gw_port *p, struct rte_mempool *mp, uint16_t nb_workers, struct gw_error *err)
{
	const struct gw_profile_port *pp = have_profile ? &port_prof[p - gw_ports] : NULL;
	uint16_t nb_rxd = PORT_RXD, nb_txd = PORT_TXD, want_rxd, want_txd, q;
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	int rc, socket;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return gw_error_set(err, rc, "%s: cannot read device info", p->name);
	if (info.max_tx_queues < nb_workers)
		return gw_error_set(err, -EINVAL,
				    "%s: %u workers need %u tx queues, the device has %u", p->name,
				    nb_workers, nb_workers, info.max_tx_queues);
	memset(&conf, 0, sizeof(conf));
	p->nb_rxq = RTE_MIN(nb_workers, info.max_rx_queues);
	if (pp != NULL && (pp->given & GW_PROF_RX_QUEUES) && pp->rx_queues != 0) {
		p->nb_rxq = RTE_MIN(pp->rx_queues, info.max_rx_queues);
		if (p->nb_rxq < pp->rx_queues)
			GW_LOG(INFO, PORT, "%s: rx_queues %u: the device has %u", p->name,
			       pp->rx_queues, info.max_rx_queues);
	}
	p->nb_txq = nb_workers;
	if (p->nb_rxq > 1 && info.flow_type_rss_offloads != 0) {
		/* GRE has no ports: spread on outer addresses, which keeps a tunnel on one queue */
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	if (pp != NULL)
		profile_apply(p, pp, &info, &conf, &nb_rxd, &nb_txd);
	/* fast free wants every mbuf direct, from one pool: fragments are then copied whole */
	p->tx_multi_seg = (conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) &&
			  !(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
	p->tx_ip_cksum = conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	/* dp.c gives queue q to worker q % workers; a worker polls at most GW_PORT_MAX */
	worker0_rxqs += (p->nb_rxq + nb_workers - 1) / nb_workers;
	if (worker0_rxqs > GW_PORT_MAX)
		return gw_error_set(err, -E2BIG, "%s: %u rx queues: a worker would poll more "
				    "than %d queues (fewer rx_queues, or more workers)", p->name,
				    p->nb_rxq, GW_PORT_MAX);

	rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &conf);
	if (rc != 0)
		return gw_error_set(err, rc, "%s: configure failed: %s", p->name, rte_strerror(-rc));
	if (p->mtu_set) {
		rc = rte_eth_dev_set_mtu(p->port_id, p->mtu);
		if (rc != 0)
			return gw_error_set(err, rc, "%s: mtu %u refused: %s", p->name, p->mtu,
					    rte_strerror(-rc));
	}
	if (p->mac_set) {
		rc = port_mac_set(p, &p->mac, err);
		if (rc < 0)
			return rc;
	}
	want_rxd = nb_rxd;
	want_txd = nb_txd;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (rc != 0)
		return gw_error_set(err, rc, "%s: descriptor counts refused", p->name);
	if (pp != NULL && (nb_rxd != want_rxd || nb_txd != want_txd))
		GW_LOG(INFO, PORT, "%s: descriptors %u rx %u tx adjusted by the PMD to %u rx %u tx",
		       p->name, want_rxd, want_txd, nb_rxd, nb_txd);
	socket = rte_eth_dev_socket_id(p->port_id);
	if (socket < 0)
		socket = SOCKET_ID_ANY;
	for (q = 0; q < p->nb_rxq; q++) {
		struct rte_eth_rxconf rxc = info.default_rxconf;

		rxc.offloads = conf.rxmode.offloads;
		rc = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, socket, &rxc, mp);
		if (rc != 0)
			return gw_error_set(err, rc, "%s: rx queue %u: %s", p->name, q,
					    rte_strerror(-rc));
	}
	for (q = 0; q < p->nb_txq; q++) {
		struct rte_eth_txconf txc = info.default_txconf;

		txc.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, socket, &txc);
		if (rc != 0)
			return gw_error_set(err, rc, "%s: tx queue %u: %s", p->name, q,
					    rte_strerror(-rc));
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0)
		return gw_error_set(err, rc, "%s: start failed: %s", p->name, rte_strerror(-rc));
	p->started = true;
	if (!p->mac_set)
		rte_eth_macaddr_get(p->port_id, &p->mac); /* some PMDs pick it at start */
	gw_port_eth_word_update(p);
	if (pp != NULL)
		profile_promisc(p, pp);
	if (p->bridged)
		rte_eth_promiscuous_enable(p->port_id);
	if (pp != NULL)
		profile_log(p, &conf, nb_rxd, nb_txd);
	GW_LOG(INFO, PORT, "%s: port %u started, %u rxq %u txq, mtu %u, tx ip cksum %s",
	       p->name, p->port_id, p->nb_rxq, p->nb_txq, p->mtu,
	       p->tx_ip_cksum ? "hardware" : "software");
	return 0;
}

int
gw_port_start_all(struct rte_mempool *mp, uint16_t nb_workers, struct gw_error *err)
{
	uint16_t i;
	int rc;

	worker0_rxqs = 0;
	for (i = 0; i < gw_nb_ports; i++) {
		rc = port_start(&gw_ports[i], mp, nb_workers, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
gw_port_stop_all(void)
{
	uint16_t i;

	for (i = 0; i < gw_nb_ports; i++) {
		if (!gw_ports[i].started)
			continue;
		rte_eth_dev_stop(gw_ports[i].port_id);
		rte_eth_dev_close(gw_ports[i].port_id);
		gw_ports[i].started = false;
	}
}
