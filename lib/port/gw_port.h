/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Ports: the DPDK ethdevs that EAL probed, under the names users see
 * (port0, port1, ... in port-id order until renamed), with the settings the
 * startup file gives them before they start, and the offloads each offers.
 */
#ifndef GW_PORT_H
#define GW_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#include "gw_conf.h"
#include "gw_error.h"
#include "gw_profile.h"
#include "gw_simd.h"

#define GW_PORT_MAX 32 /**< most DPDK ports greway drives */
#define GW_BVI_MAX 16  /**< bridges with addresses: their BVI ports */
#define GW_PORT_BVI_FIRST GW_PORT_MAX /**< gw_ports[] index of the first BVI port */
#define GW_PORT_SLOTS (GW_PORT_MAX + GW_BVI_MAX) /**< gw_ports[]: DPDK ports, then BVIs */
#define GW_BVI_PORT_ID_BASE 0xff00 /**< port_id of BVI k: never a DPDK port id */

/**
 * One port. Index in gw_ports[] is not the DPDK port id (port_id is). The
 * slots from GW_PORT_BVI_FIRST on are BVI ports (VPP's bridge virtual
 * interface): the L3 side of a bridge that has an address. A BVI has no
 * ethdev: what routing sends out of it enters its bridge, and what its
 * bridge delivers to its MAC is routed as if a port had received it, so
 * ARP, neighbours and routes work on a bridge as on a port.
 */
struct gw_port {
	char name[GW_NAME_MAX];     /**< its interface's name (gw_iface.h owns it), for logs */
	uint16_t iface;             /**< its interface id */
	uint16_t port_id;           /**< DPDK port id */
	struct rte_ether_addr mac;  /**< our MAC on this port */
	uint64_t eth_src_type;      /**< mac and the IPv4 ethertype as Ethernet bytes 6-13 */
	uint64_t eth_src_type6;     /**< mac and the IPv6 ethertype as Ethernet bytes 6-13 */
	struct gw_match16 eth_match; /**< a frame for classify's fast path: to mac, IPv4, IHL 5 */
	uint16_t mtu;               /**< L3 MTU */
	bool up;                    /**< administratively up (forwarding on) */
	bool bridged;               /**< a bridge member: promiscuous, every frame bridged
				     (beside up: the poll loop reads both per burst) */
	bool mac_set;               /**< MAC given by link set: applied at start */
	bool mtu_set;               /**< MTU given by link set: applied at start */
	bool started;               /**< rte_eth_dev_start succeeded */
	bool mac_soft;              /**< PMD cannot set its MAC: kept in software,
				     port promiscuous */
	bool tx_ip_cksum;           /**< outer IPv4 checksum offloaded at tx */
	bool tx_multi_seg;          /**< fragments may leave as chains of indirect mbufs
				     (MULTI_SEGS on, MBUF_FAST_FREE off) */
	uint16_t nb_rxq;            /**< rx queues configured */
	uint16_t nb_txq;            /**< tx queues configured (one per worker) */
	uint32_t glean_nh;          /**< next hop of this port's connected prefixes */
	bool bvi;                   /**< a BVI port: its frames go to bridge bvi_bridge */
	uint16_t bvi_bridge;        /**< a BVI's bridge index */
};

extern struct gw_port gw_ports[GW_PORT_SLOTS]; /**< indexed by greway port index */
extern uint16_t gw_nb_ports;                 /**< DPDK ports: gw_ports[0 .. gw_nb_ports-1] */
extern uint16_t gw_bvi_end;                  /**< BVI slots in use end before this index */

/**
 * Take every DPDK port EAL probed, name it portN and read its MAC and MTU.
 *
 * @return 0, or -ENODEV (no port) / -ENOSPC (more than GW_PORT_MAX) with err set.
 */
int gw_port_probe(struct gw_error *err);

/**
 * Take a PMD profile (-p) for the ports gw_port_probe found: each port gets
 * [port] and the section of its driver (rte_eth_dev_info.driver_name) on top of
 * the defaults, applied by gw_port_start_all. A profile MTU becomes the port's
 * MTU now, so tunnels the startup file adds see it (link set mtu still wins).
 * Without a call, ports start exactly as they always did.
 *
 * @param prof
 *   The loaded profile; copied.
 * @param path
 *   Its file, for the logs.
 */
void gw_port_profile_set(const struct gw_profile *prof, const char *path);

/**
 * Find the port index of a DPDK port id.
 *
 * @return the port index, or -ENOENT.
 */
int gw_port_by_id(uint16_t port_id);

/**
 * Apply a "link set" to a port, before or after the ports start (MAC, MTU,
 * up/down; the name is the interface table's).
 *
 * @param idx  gw_ports[] index.
 * @return 0 or -errno with err naming the word; nothing changes on error.
 */
int gw_port_set(uint16_t idx, const struct gw_link_conf *conf, struct gw_error *err);

/**
 * Configure and start every port: one rx queue per worker (as the PMD allows),
 * one tx queue per worker, offloads enabled where offered; or, with a profile,
 * what it asks for (offloads and RSS types the port lacks are dropped, logged).
 *
 * @param mp
 *   Mbuf pool for the rx queues.
 * @param nb_workers
 *   Number of worker lcores.
 * @return 0 or -errno with err naming the port.
 */
int gw_port_start_all(struct rte_mempool *mp, uint16_t nb_workers, struct gw_error *err);

/** Recompute eth_src_type after p->mac changed (one 8-byte store: workers see old or new). */
void gw_port_eth_word_update(struct gw_port *p);

/**
 * A port joins (on) or leaves (off) a bridge: a member takes every frame
 * (promiscuous), now or when it starts; one that leaves filters on its MAC
 * again, unless it never could (mac_soft) or its profile says promiscuous.
 */
void gw_port_bridged_set(uint16_t idx, bool on);

/**
 * Take a BVI slot for a bridge that gets an address.
 *
 * @param name    The bridge's name (logs).
 * @param iface   The bridge's interface id.
 * @param bridge  The bridge's index.
 * @return the gw_ports[] index, or -ENOSPC (more than GW_BVI_MAX).
 */
int gw_port_bvi_add(const char *name, uint16_t iface, uint16_t bridge,
		    const struct rte_ether_addr *mac, uint16_t mtu);

/** Give a BVI slot back (its bridge is gone; no worker can send to it any more). */
void gw_port_bvi_del(uint16_t idx);

/** Stop and close every started port (flushes net_pcap tx files). */
void gw_port_stop_all(void);

/** Mbufs the pool needs for all ports' descriptors with nb_workers workers. */
unsigned int gw_port_mbufs_needed(uint16_t nb_workers);

#endif /* GW_PORT_H */
