/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Peer ids and the publication of peer objects (gw_peer.h). An id and the
 * object under it are given back after a grace period; the sequence state by
 * id starts at zero when the id is taken again. The tables by id are
 * allocated once, gw_limits.peers entries each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "gw_alloc.h"
#include "gw_ids.h"
#include "gw_peer.h"
#include "gw_rcu.h"

struct gw_peer **gw_peers;
struct gw_peer_tx_seq *gw_peer_tx_seq;
struct gw_peer_rx_seq *gw_peer_rx_seq;
struct gw_peer_live *gw_peer_live;
uint32_t *gw_peer_seen;
void (*gw_peer_id_reset_cb)(uint32_t id);
void (*gw_peer_gone_cb)(uint32_t id, uint16_t tunnel);

static uint32_t *free_ids;
static struct gw_ids ids;

int
gw_peer_init(int socket)
{
	uint32_t n = gw_limits.peers;

	/* what workers read, on their socket; the free ids are the control thread's */
	gw_peers = rte_zmalloc_socket("gw_peers", sizeof(*gw_peers) * n, RTE_CACHE_LINE_SIZE,
				      socket);
	gw_peer_tx_seq = rte_zmalloc_socket("gw_peer_tx_seq", sizeof(*gw_peer_tx_seq) * n,
					    RTE_CACHE_LINE_SIZE, socket);
	gw_peer_rx_seq = rte_zmalloc_socket("gw_peer_rx_seq", sizeof(*gw_peer_rx_seq) * n,
					    RTE_CACHE_LINE_SIZE, socket);
	gw_peer_seen = rte_zmalloc_socket("gw_peer_seen", sizeof(*gw_peer_seen) * n,
					  RTE_CACHE_LINE_SIZE, socket);
	gw_peer_live = calloc(n, sizeof(*gw_peer_live));
	free_ids = calloc(n, sizeof(*free_ids));
	if (gw_peers == NULL || gw_peer_tx_seq == NULL || gw_peer_rx_seq == NULL ||
	    gw_peer_seen == NULL || gw_peer_live == NULL || free_ids == NULL)
		return -ENOMEM;
	gw_ids_init(&ids, free_ids, 0, n);
	return 0;
}

int
gw_peer_id_alloc(void)
{
	int id = gw_ids_take(&ids);

	if (id < 0)
		return id;
	/* nobody reads a free id: its last reader left before it was given back */
	gw_peer_tx_seq[id].next = 0;
	/*
	 * RFC 2890 §2.2 starts the receive counter at 2^32-1, which refuses a
	 * first number of 2^31 or more: a long-running peer would lose up to 2^31
	 * packets. As Linux does, the first number is accepted whatever it is.
	 */
	gw_peer_rx_seq[id].last = 0;
	gw_peer_rx_seq[id].valid = 0;
	memset(&gw_peer_live[id], 0, sizeof(gw_peer_live[id]));
	if (gw_peer_id_reset_cb != NULL)
		gw_peer_id_reset_cb(id);
	return id;
}

/* After the grace period: free the object and the id. */
static void
peer_free(uintptr_t id)
{
	gw_free_shared(gw_peers[id]);
	gw_peers[id] = NULL;
	gw_ids_give(&ids, id);
}

void
gw_peer_id_release(uint32_t id)
{
	gw_rcu_defer(peer_free, id);
}

static void
peer_obj_free(uintptr_t p)
{
	gw_free_shared((void *)p);
}

void
gw_peer_publish(struct gw_peer *p)
{
	struct gw_peer *old = gw_peers[p->id];

	__atomic_store_n(&gw_peers[p->id], p, __ATOMIC_RELEASE);
	if (old != NULL)
		gw_rcu_defer(peer_obj_free, (uintptr_t)old);
}

const char *
gw_live_state_name(uint8_t state)
{
	static const char *const names[] = {
		[GW_LIVE_UNKNOWN] = "unknown", [GW_LIVE_UP] = "up", [GW_LIVE_DOWN] = "down",
	};

	return state < RTE_DIM(names) ? names[state] : "?";
}

unsigned int
gw_peer_count(void)
{
	return gw_ids_used(&ids);
}

uint32_t
gw_peer_id_end(void)
{
	return ids.next;
}
