/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Next-hop array and the (port, address) index of neighbours. Written by the
 * control thread only; workers read gw_nhs[] by the index a FIB lookup gave.
 */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "gw_nh.h"

struct gw_nh *gw_nhs;
static uint16_t nh_used; /* next never-used index */
static uint16_t free_nhs[GW_NH_MAX]; /* freed indexes, reused first */
static unsigned int nb_free_nhs;
static struct rte_hash *neigh_index;
static unsigned int nb_learned;

struct neigh_key {
	uint32_t ip;
	uint16_t port;
	uint16_t pad; /* zeroed: rte_hash compares keys byte-wise */
};

int
gw_nh_init(int socket)
{
	struct rte_hash_parameters hp = {
		.name = "gw_neigh_index",
		.entries = GW_NH_MAX,
		.key_len = sizeof(struct neigh_key),
		.hash_func = rte_jhash,
		.socket_id = socket,
	};

	gw_nhs = rte_zmalloc_socket("gw_nhs", sizeof(*gw_nhs) * GW_NH_MAX, RTE_CACHE_LINE_SIZE,
				    socket);
	if (gw_nhs == NULL)
		return -ENOMEM;
	neigh_index = rte_hash_create(&hp);
	if (neigh_index == NULL) {
		rte_free(gw_nhs);
		gw_nhs = NULL;
		return -ENOMEM;
	}
	gw_nhs[GW_NH_IDX_DROP].kind = GW_NH_DROP;
	gw_nhs[GW_NH_IDX_LOCAL].kind = GW_NH_LOCAL;
	nh_used = 2;
	return 0;
}

int
gw_nh_alloc(enum gw_nh_kind kind)
{
	struct gw_nh *nh;
	uint16_t idx;

	if (nb_free_nhs > 0)
		idx = free_nhs[--nb_free_nhs];
	else if (nh_used < GW_NH_MAX)
		idx = nh_used++;
	else
		return -ENOSPC;
	nh = &gw_nhs[idx];
	memset(nh, 0, sizeof(*nh));
	nh->kind = kind;
	return idx;
}

void
gw_nh_free(uint16_t idx)
{
	struct gw_nh *nh = &gw_nhs[idx];
	struct neigh_key k = { .ip = nh->ip, .port = nh->port, .pad = 0 };

	if (nh->kind == GW_NH_NEIGH) {
		rte_hash_del_key(neigh_index, &k);
		if (nh->learned)
			nb_learned--;
	}
	memset(nh, 0, sizeof(*nh)); /* kind DROP */
	free_nhs[nb_free_nhs++] = idx;
}

void
gw_nh_neigh_foreach(void (*cb)(uint16_t idx, void *arg), void *arg)
{
	const void *key;
	uint32_t next = 0;
	void *data;

	while (rte_hash_iterate(neigh_index, &key, &data, &next) >= 0)
		cb((uint16_t)(uintptr_t)data, arg);
}

void
gw_nh_neigh_clear_mac(struct gw_nh *nh)
{
	__atomic_store_n(&nh->l2, 0, __ATOMIC_RELEASE);
}

int
gw_nh_neigh_get(uint16_t port, uint32_t ip, bool create)
{
	struct neigh_key k = { .ip = ip, .port = port, .pad = 0 };
	void *data;
	int idx;

	if (rte_hash_lookup_data(neigh_index, &k, &data) >= 0)
		return (int)(uintptr_t)data;
	if (!create)
		return -ENOENT;
	idx = gw_nh_alloc(GW_NH_NEIGH);
	if (idx < 0)
		return idx;
	gw_nhs[idx].ip = ip;
	gw_nhs[idx].port = port;
	if (rte_hash_add_key_data(neigh_index, &k, (void *)(uintptr_t)idx) < 0)
		return -ENOSPC; /* the slot stays unused, as a DROP-equivalent NEIGH */
	return idx;
}

int
gw_nh_neigh_learn(uint16_t port, uint32_t ip)
{
	int idx = gw_nh_neigh_get(port, ip, false);

	if (idx >= 0)
		return idx;
	if (nb_learned == GW_NH_LEARNED_MAX)
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
