/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * PMD profiles (`greway -- -p FILE`, files in pmd-config/): per-driver port
 * settings read at start with DPDK's rte_cfgfile, validated strictly.
 *
 * A profile is an INI file ('#' starts a comment). Section `[port]` applies to
 * every port; a section named after a driver (rte_eth_dev_info.driver_name,
 * e.g. `[net_tap]`, `[net_ice]`, `[mlx5_pci]`) applies on top of it to the
 * ports of that driver, so one file can serve several PMDs. Every key is
 * optional; a key that is absent keeps greway's default (what greway does
 * without -p). Keys (doc/pmd-profiles.md has the full reference):
 *
 *     rx_queues   = per-worker | 1..1024
 *     tx_queues   = per-worker
 *     rx_desc     = 32..32768           (tx_desc likewise)
 *     rx_offloads = none | NAME[,NAME...]   (ipv4_cksum, rss_hash)
 *     tx_offloads = none | NAME[,NAME...]   (ipv4_cksum, multi_segs, mbuf_fast_free,
 *                                            gre_tnl_tso)
 *     rss_types   = none | TYPE[,TYPE...]   (ip, ipv4, frag_ipv4, nonfrag_ipv4_other, ...)
 *     rss_key     = HEX (1..64 bytes)
 *     mtu         = 68..16000
 *     promiscuous = on | off
 *
 * The loader needs no EAL (only librte_cfgfile), so unit tests and the fuzzer
 * run it alone.
 */
#ifndef GW_PROFILE_H
#define GW_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_error.h"

#define GW_PROFILE_SECTIONS_MAX 16  /**< sections one file may hold */
#define GW_PROFILE_DRIVER_LEN 32    /**< longest driver name, NUL included */
#define GW_PROFILE_RSS_KEY_MAX 64   /**< longest RSS key, bytes */
#define GW_PROFILE_RXQ_MAX 1024     /**< RTE_MAX_QUEUES_PER_PORT */
#define GW_PROFILE_DESC_MIN 32      /**< fewest descriptors a profile may ask for */
#define GW_PROFILE_DESC_MAX 32768   /**< most descriptors a profile may ask for */
#define GW_PROFILE_MTU_MIN 68       /**< RFC 791 minimum */
#define GW_PROFILE_MTU_MAX 16000    /**< above every NIC's jumbo limit */

/** Which keys a section gave (gw_profile_port.given). */
enum gw_profile_key {
	GW_PROF_RX_QUEUES = 1u << 0,   /**< rx_queues */
	GW_PROF_TX_QUEUES = 1u << 1,   /**< tx_queues */
	GW_PROF_RX_DESC = 1u << 2,     /**< rx_desc */
	GW_PROF_TX_DESC = 1u << 3,     /**< tx_desc */
	GW_PROF_RX_OFFLOADS = 1u << 4, /**< rx_offloads */
	GW_PROF_TX_OFFLOADS = 1u << 5, /**< tx_offloads */
	GW_PROF_RSS_TYPES = 1u << 6,   /**< rss_types */
	GW_PROF_RSS_KEY = 1u << 7,     /**< rss_key */
	GW_PROF_MTU = 1u << 8,         /**< mtu */
	GW_PROF_PROMISC = 1u << 9,     /**< promiscuous */
};

/** The settings of one section, or of a port once sections are merged. */
struct gw_profile_port {
	char driver[GW_PROFILE_DRIVER_LEN]; /**< "" for [port], else the driver name */
	unsigned int line;                  /**< line of the [section] heading (0: none) */
	uint32_t given;                     /**< GW_PROF_* of the keys set */
	uint16_t rx_queues;                 /**< 0: one per worker; else fixed */
	uint16_t rx_desc;                   /**< descriptors per rx queue */
	uint16_t tx_desc;                   /**< descriptors per tx queue */
	uint64_t rx_offloads;               /**< RTE_ETH_RX_OFFLOAD_* */
	uint64_t tx_offloads;               /**< RTE_ETH_TX_OFFLOAD_* */
	uint64_t rss_hf;                    /**< RTE_ETH_RSS_* (0: no RSS) */
	uint8_t rss_key[GW_PROFILE_RSS_KEY_MAX]; /**< hash key */
	uint8_t rss_key_len;                /**< bytes of rss_key in use */
	uint16_t mtu;                       /**< L3 MTU */
	bool promiscuous;                   /**< promiscuous mode on */
};

/** A loaded profile: its sections in file order. */
struct gw_profile {
	unsigned int nb;                                   /**< sections */
	struct gw_profile_port sec[GW_PROFILE_SECTIONS_MAX]; /**< [port] and driver sections */
};

/**
 * Read and validate a profile.
 *
 * @param path
 *   The file.
 * @param prof
 *   Filled on success (zeroed first).
 * @param err
 *   On failure, one line "PATH:LINE: reason" (or "PATH: reason" when the file
 *   cannot be read at all).
 * @return 0 or -errno.
 */
int gw_profile_load(const char *path, struct gw_profile *prof, struct gw_error *err);

/**
 * The settings for a port of a driver: [port], then the section of that
 * driver on top (a key given in both: the driver's wins).
 *
 * @param prof
 *   The loaded profile.
 * @param driver
 *   rte_eth_dev_info.driver_name of the port.
 * @param out
 *   The merged settings; out->given says which keys are set.
 * @return the number of sections that applied (0, 1 or 2).
 */
unsigned int gw_profile_resolve(const struct gw_profile *prof, const char *driver,
				struct gw_profile_port *out);

/** Whether a section name is one the loader accepts as a driver name. */
bool gw_profile_driver_known(const char *driver);

/**
 * Write the names of the offload bits set in mask, comma-separated, "none"
 * for 0.
 *
 * @param tx
 *   true for tx offloads, false for rx offloads.
 */
void gw_profile_offload_names(bool tx, uint64_t mask, char *buf, size_t size);

/** Write the names of the RSS types set in rss_hf, comma-separated, "none" for 0. */
void gw_profile_rss_names(uint64_t rss_hf, char *buf, size_t size);

/**
 * One line of what a section (or merged settings) sets, as key=value pairs in
 * the file's words, "(nothing: defaults)" when it sets nothing.
 */
void gw_profile_describe(const struct gw_profile_port *s, char *buf, size_t size);

#endif /* GW_PROFILE_H */
