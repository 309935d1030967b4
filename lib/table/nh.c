/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Next-hop array and the (interface, address) index of neighbours. Written by
 * the control thread only; workers read gw_nhs[] by the index a FIB lookup
 * gave. A released next hop is freed after a grace period (gw_rcu_defer).
 * The array and the index hold gw_limits.nhs entries, allocated once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "gw_iface.h"
#include "gw_ids.h"
#include "gw_limits.h"
#include "gw_nh.h"
#include "gw_peer.h"
#include "gw_port.h"
#include "gw_rcu.h"

struct gw_nh *gw_nhs;
static uint32_t *free_nhs;
static struct gw_ids ids;
static struct rte_hash *neigh_index;
static unsigned int nb_learned, learned_max;

/* The neighbour index's key: zeroed first, rte_hash compares bytes. */
struct neigh_key {
	uint16_t iface;
	uint8_t family;
	uint8_t pad;
	uint8_t addr[16];
};

static void
neigh_key_of(uint16_t iface, const struct gw_ip *ip, struct neigh_key *k)
{
	memset(k, 0, sizeof(*k));
	k->iface = iface;
	k->family = ip->family;
	memcpy(k->addr, ip->v6, gw_ip_len(ip));
}

int
gw_nh_init(int socket)
{
	struct rte_hash_parameters hp = {
		.name = "gw_neigh_index",
		.entries = gw_limits.nhs,
		.key_len = sizeof(struct neigh_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* a key never fails to fit below the table's size (cuckoo paths can) */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	gw_nhs = rte_zmalloc_socket("gw_nhs", sizeof(*gw_nhs) * gw_limits.nhs,
				    RTE_CACHE_LINE_SIZE, socket);
	free_nhs = calloc(gw_limits.nhs, sizeof(*free_nhs));
	neigh_index = rte_hash_create(&hp);
	if (gw_nhs == NULL || free_nhs == NULL || neigh_index == NULL)
		return -ENOMEM;
	gw_nhs[GW_NH_IDX_DROP].kind = GW_NH_DROP;
	gw_nhs[GW_NH_IDX_LOCAL].kind = GW_NH_LOCAL;
	gw_ids_init(&ids, free_nhs, 2, gw_limits.nhs); /* after DROP and LOCAL */
	nb_learned = 0;
	learned_max = gw_limits.nhs / 4;
	return 0;
}

int
gw_nh_alloc(enum gw_nh_kind kind)
{
	int idx = gw_ids_take(&ids);
	struct gw_nh *nh;

	if (idx < 0)
		return idx;
	nh = &gw_nhs[idx];
	memset(nh, 0, sizeof(*nh));
	nh->kind = kind;
	nh->iface = GW_IFACE_NONE;
	nh->peer = GW_PEER_NONE;
	return idx;
}

/* After the grace period: nobody holds it, the slot may be given again. */
static void
nh_free(uintptr_t idx)
{
	memset(&gw_nhs[idx], 0, sizeof(gw_nhs[idx])); /* kind DROP */
	gw_ids_give(&ids, idx);
}

void
gw_nh_release(uint32_t idx)
{
	struct gw_nh *nh = &gw_nhs[idx];
	struct neigh_key k;

	if (nh->released)
		return;
	if (nh->kind == GW_NH_NEIGH || nh->kind == GW_NH_SPOKE) {
		neigh_key_of(nh->iface, &nh->ip, &k);
		rte_hash_del_key(neigh_index, &k);
		if (nh->learned && nh->kind == GW_NH_NEIGH)
			nb_learned--;
	}
	nh->released = 1;
	gw_rcu_defer(nh_free, idx);
}

void
gw_nh_neigh_foreach(void (*cb)(uint32_t idx, void *arg), void *arg)
{
	const void *key;
	uint32_t next = 0;
	void *data;

	while (rte_hash_iterate(neigh_index, &key, &data, &next) >= 0)
		cb((uint32_t)(uintptr_t)data, arg);
}

uint32_t
gw_nh_end(void)
{
	return ids.next;
}

void
gw_nh_neigh_clear_mac(struct gw_nh *nh)
{
	__atomic_store_n(&nh->l2, 0, __ATOMIC_RELEASE);
}

/* The next hop of (interface, address) in the neighbour index, made of a kind if asked. */
static int
index_get(enum gw_nh_kind kind, uint16_t iface, const struct gw_ip *ip, bool create)
{
	struct neigh_key k;
	void *data;
	int idx;

	neigh_key_of(iface, ip, &k);
	if (rte_hash_lookup_data(neigh_index, &k, &data) >= 0)
		return (int)(uintptr_t)data;
	if (!create)
		return -ENOENT;
	idx = gw_nh_alloc(kind);
	if (idx < 0)
		return idx;
	gw_nhs[idx].ip = *ip;
	gw_nhs[idx].iface = iface;
	if (rte_hash_add_key_data(neigh_index, &k, (void *)(uintptr_t)idx) < 0) {
		gw_nhs[idx].kind = GW_NH_DROP; /* never published: free at once */
		nh_free(idx);
		return -ENOSPC;
	}
	return idx;
}

int
gw_nh_neigh_get(uint16_t port, const struct gw_ip *ip, bool create)
{
	int idx = index_get(GW_NH_NEIGH, gw_ports[port].iface, ip, create);

	if (idx >= 0)
		gw_nhs[idx].port = port;
	return idx;
}

int
gw_nh_spoke_get(uint16_t iface, uint16_t tunnel, const struct gw_ip *ip, bool create)
{
	int idx = index_get(GW_NH_SPOKE, iface, ip, create);

	if (idx >= 0)
		gw_nhs[idx].tunnel = tunnel;
	return idx;
}

int
gw_nh_neigh_learn(uint16_t port, const struct gw_ip *ip)
{
	int idx = gw_nh_neigh_get(port, ip, false);

	if (idx >= 0)
		return idx;
	if (nb_learned == learned_max)
		return -ENOSPC;
	idx = gw_nh_neigh_get(port, ip, true);
	if (idx >= 0) {
		gw_nhs[idx].learned = 1;
		nb_learned++;
	}
	return idx;
}

void
gw_nh_neigh_set_mac(struct gw_nh *nh, const struct rte_ether_addr *mac)
{
	uint64_t l2 = 0;

	memcpy(&l2, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	__atomic_store_n(&nh->l2, l2 | GW_NH_L2_VALID, __ATOMIC_RELEASE);
}

int
gw_nh_error(struct gw_error *err, int rc, const char *who)
{
	if (rc == -ENOSPC)
		return gw_error_set(err, rc, "%sout of next hops (%u: --max-next-hops)", who,
				    gw_limits.nhs);
	return gw_error_set(err, rc, "%sout of memory", who);
}

const char *
gw_nh_dev_name(uint32_t idx)
{
	const struct gw_nh *nh = &gw_nhs[idx];

	return nh->kind == GW_NH_DROP || nh->kind == GW_NH_LOCAL ? "" : gw_iface_name(nh->iface);
}
