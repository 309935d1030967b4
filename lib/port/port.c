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

struct gw_port gw_ports[GW_PORT_MAX];
uint16_t gw_nb_ports;

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

int
gw_port_by_name(const char *name)
{
	uint16_t i;

	for (i = 0; i < gw_nb_ports; i++)
		if (strcmp(gw_ports[i].name, name) == 0)
			return i;
	return -ENOENT;
}

void
gw_port_eth_word_update(struct gw_port *p)
{
	uint64_t w = 0;
	uint16_t type = RTE_BE16(RTE_ETHER_TYPE_IPV4);

	memcpy(&w, p->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	memcpy((uint8_t *)&w + RTE_ETHER_ADDR_LEN, &type, sizeof(type));
	__atomic_store_n(&p->eth_src_type, w, __ATOMIC_RELAXED);
}

int
gw_port_by_id(uint16_t port_id)
{
	uint16_t i;

	for (i = 0; i < gw_nb_ports; i++)
		if (gw_ports[i].port_id == port_id)
			return i;
	return -ENOENT;
}

/* Set the MAC on the PMD; one that cannot filter on it receives everything. */
static int
port_mac_set(struct gw_port *p, struct rte_ether_addr *mac, struct gw_error *err)
{
	int rc = rte_eth_dev_default_mac_addr_set(p->port_id, mac);

	if (rc == -ENOTSUP) {
		rte_eth_promiscuous_enable(p->port_id);
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
gw_port_set(const struct gw_link_conf *conf, struct gw_error *err)
{
	int idx = gw_port_by_name(conf->name), rc;
	struct gw_port *p;

	if (idx < 0)
		return gw_error_set(err, -ENODEV, "no link \"%s\"", conf->name);
	p = &gw_ports[idx];
	if ((conf->given & GW_LINK_GIVEN_NAME) && strcmp(conf->newname, conf->name) != 0 &&
	    gw_port_by_name(conf->newname) >= 0)
		return gw_error_set(err, -EEXIST, "link name \"%s\" is taken", conf->newname);
	if ((conf->given & GW_LINK_GIVEN_MAC) &&
	    !rte_is_unicast_ether_addr((const struct rte_ether_addr *)conf->mac))
		return gw_error_set(err, -EINVAL, "%s: address must be a unicast MAC", conf->name);

	rc = port_set_running(p, conf, err);
	if (rc < 0)
		return rc;

	/* Validated: apply every word. */
	if (conf->given & GW_LINK_GIVEN_NAME)
		memcpy(p->name, conf->newname, sizeof(p->name));
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

unsigned int
gw_port_mbufs_needed(uint16_t nb_workers)
{
	/* rx and tx rings full, plus bursts in flight and the control thread's share */
	return gw_nb_ports * nb_workers * (PORT_RXD + PORT_TXD) + nb_workers * 1024 + 4096;
}

static int
port_start(struct gw_port *p, struct rte_mempool *mp, uint16_t nb_workers, struct gw_error *err)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = PORT_RXD, nb_txd = PORT_TXD, q;
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
	p->tx_multi_seg = conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	p->tx_ip_cksum = conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;

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
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (rc != 0)
		return gw_error_set(err, rc, "%s: descriptor counts refused", p->name);
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
