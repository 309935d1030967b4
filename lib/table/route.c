/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv4 routes over two rte_fib copies (see gw_route.h for why two) and the
 * list of routes beside them. The FIB stores host-order addresses; callers
 * pass network order, converted here once. Control thread only.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>

#include "gw_nh.h"
#include "gw_rcu.h"
#include "gw_route.h"

struct rte_fib *gw_fib;
static struct rte_fib *fibs[2];
static struct rte_hash *route_index; /* (ip, len) -> slot in routes[] */
static struct gw_route *routes;
static bool *used;
static uint32_t *free_slots; /* stack of unused slots */
static unsigned int nb_free, nb_routes;
static uint32_t next_seq;

struct route_key {
	uint32_t ip;
	uint8_t len;
	uint8_t pad[3]; /* zeroed: rte_hash compares bytes */
};

int
gw_route_init(int socket)
{
	struct rte_fib_conf conf = {
		.type = RTE_FIB_DIR24_8,
		.default_nh = GW_NH_IDX_DROP,
		.max_routes = GW_ROUTE_MAX,
		.dir24_8 = {
			.nh_sz = RTE_FIB_DIR24_8_2B,
			.num_tbl8 = 1 << 12,
		},
	};
	struct rte_hash_parameters hp = {
		.name = "gw_routes",
		.entries = GW_ROUTE_MAX,
		.key_len = sizeof(struct route_key),
		.hash_func = rte_jhash,
		.socket_id = socket,
	};
	unsigned int i;

	fibs[0] = rte_fib_create("gw_fib4_a", socket, &conf);
	fibs[1] = rte_fib_create("gw_fib4_b", socket, &conf);
	route_index = rte_hash_create(&hp);
	routes = calloc(GW_ROUTE_MAX, sizeof(*routes));
	used = calloc(GW_ROUTE_MAX, sizeof(*used));
	free_slots = calloc(GW_ROUTE_MAX, sizeof(*free_slots));
	if (fibs[0] == NULL || fibs[1] == NULL || route_index == NULL || routes == NULL ||
	    used == NULL || free_slots == NULL)
		return -ENOMEM;
	for (i = 0; i < GW_ROUTE_MAX; i++)
		free_slots[i] = GW_ROUTE_MAX - 1 - i;
	nb_free = GW_ROUTE_MAX;
	gw_fib = fibs[0];
	return 0;
}

/* One FIB change (nh < 0: delete) made to a FIB. */
static int
fib_change(struct rte_fib *fib, uint32_t host_ip, uint8_t len, int nh)
{
	return nh >= 0 ? rte_fib_add(fib, host_ip, len, nh) : rte_fib_delete(fib, host_ip, len);
}

/*
 * Make a change to the standby FIB, publish it, wait until no worker reads
 * the other, make the change there too. old_nh (< 0: none) undoes a refused
 * change on the standby, so the two copies never differ.
 */
static int
fib_update(uint32_t ip, uint8_t len, int nh, int old_nh)
{
	struct rte_fib *standby = fibs[gw_fib == fibs[0]];
	uint32_t host = rte_be_to_cpu_32(ip);
	int rc;

	rc = fib_change(standby, host, len, nh);
	if (rc < 0) {
		fib_change(standby, host, len, old_nh);
		return rc;
	}
	__atomic_store_n(&gw_fib, standby, __ATOMIC_RELEASE);
	gw_rcu_synchronize();
	/* the same change on the same state: it cannot fail where the first did not */
	fib_change(fibs[gw_fib == fibs[0]], host, len, nh);
	return 0;
}

static int
route_slot(uint32_t ip, uint8_t len)
{
	struct route_key k = { .ip = ip, .len = len };
	void *data;

	if (rte_hash_lookup_data(route_index, &k, &data) < 0)
		return -ENOENT;
	return (int)(uintptr_t)data;
}

static const char *
ip_str(uint32_t ip, char *buf)
{
	struct gw_ip a = { .family = AF_INET, .v4 = ip };

	return gw_ip_fmt(&a, buf, GW_IP_STRLEN);
}

const struct gw_route *
gw_route_find(uint32_t ip, uint8_t len)
{
	int slot = route_slot(ip, len);

	return slot < 0 ? NULL : &routes[slot];
}

int
gw_route_add(uint32_t ip, uint8_t len, uint16_t nh, enum gw_route_origin origin,
	     const struct gw_route_conf *conf, struct gw_error *err)
{
	struct route_key k = { .ip = ip, .len = len };
	char a[GW_IP_STRLEN];
	struct gw_route *r;
	int slot, rc;

	slot = route_slot(ip, len);
	if (slot >= 0) {
		r = &routes[slot];
		if (r->origin == origin && r->nh == nh && origin != GW_ROUTE_STATIC)
			return 0; /* already so: no FIB change, no grace period */
		if (r->origin != GW_ROUTE_NEIGH &&
		    !(r->origin == GW_ROUTE_STATIC && origin == GW_ROUTE_STATIC))
			return gw_error_set(err, -EEXIST, "%s/%u is already %s", ip_str(ip, a),
					    len, r->origin == GW_ROUTE_STATIC ? "a static route" :
					    r->origin == GW_ROUTE_CONNECTED ? "a connected prefix" :
					    "an address of this gateway");
		rc = fib_update(ip, len, nh, r->nh);
		if (rc < 0)
			return gw_error_set(err, rc, "route table full (%s)", rte_strerror(-rc));
		r->nh = nh;
		r->origin = origin;
	} else {
		if (nb_free == 0)
			return gw_error_set(err, -ENOSPC, "more than %d routes", GW_ROUTE_MAX);
		rc = fib_update(ip, len, nh, -1);
		if (rc < 0)
			return gw_error_set(err, rc, "route table full (%s)", rte_strerror(-rc));
		slot = free_slots[--nb_free];
		rte_hash_add_key_data(route_index, &k, (void *)(uintptr_t)slot);
		r = &routes[slot];
		memset(r, 0, sizeof(*r));
		r->ip = ip;
		r->len = len;
		r->nh = nh;
		r->origin = origin;
		r->seq = next_seq++;
		used[slot] = true;
		nb_routes++;
	}
	if (conf != NULL)
		r->conf = *conf;
	else
		memset(&r->conf, 0, sizeof(r->conf));
	return 0;
}

int
gw_route_del(uint32_t ip, uint8_t len)
{
	struct route_key k = { .ip = ip, .len = len };
	int slot = route_slot(ip, len);

	if (slot < 0)
		return -ENOENT;
	fib_update(ip, len, -1, routes[slot].nh);
	rte_hash_del_key(route_index, &k);
	used[slot] = false;
	free_slots[nb_free++] = slot;
	nb_routes--;
	return 0;
}

unsigned int
gw_route_list(const struct gw_route **out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < GW_ROUTE_MAX && n < nb_routes; i++) {
		if (!used[i])
			continue;
		if (n < max)
			out[n] = &routes[i];
		n++;
	}
	return n;
}

unsigned int
gw_route_count(void)
{
	return nb_routes;
}

uint16_t
gw_route_lookup(uint32_t ip)
{
	uint32_t host = rte_be_to_cpu_32(ip);
	uint64_t nh = GW_NH_IDX_DROP;

	rte_fib_lookup_bulk(gw_fib, &host, &nh, 1);
	return nh;
}
