/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Routes: the records in a slot array indexed by an rte_hash of (family,
 * length, prefix), and a FIB per family in two copies each (see gw_route.h
 * for why two): rte_fib (DIR-24-8) for IPv4, rte_fib6 (TRIE) for IPv6. Every
 * FIB change is made to the standby copy of its family and logged; the
 * flush publishes the standbys, and after the grace period the log is
 * replayed on the other copies. The IPv4 FIB stores host-order addresses;
 * callers pass network order. Control thread only.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "gw_alloc.h"
#include "gw_ids.h"
#include "gw_local.h"
#include "gw_nh.h"
#include "gw_rcu.h"
#include "gw_route.h"


struct rte_fib *gw_fib;
struct rte_fib6 *gw_fib6;
static struct rte_fib *fibs[2];
static struct rte_fib6 *fibs6[2];
static struct rte_hash *route_index; /* route_key -> slot in routes[] */
static struct gw_route *routes;
static bool *used;
static uint32_t *free_slots; /* storage of slots */
static struct gw_ids slots;
static unsigned int nb_routes;
static uint32_t next_seq;

/* A FIB change staged on the standby copy, to replay on the other. */
struct fib_op {
	uint8_t family;
	uint8_t len;
	int32_t nh; /* < 0: delete */
	union {
		uint32_t host_ip;  /* IPv4, host order */
		uint8_t ip6[16];   /* IPv6 */
	};
};

static struct fib_op *fib_log;
static unsigned int nb_log, log_cap;

struct route_key {
	uint8_t family;
	uint8_t len;
	uint8_t pad[2];
	uint8_t addr[16]; /* zeroed past the family's bytes: rte_hash compares bytes */
};

static void
route_key_of(const struct gw_ip *dst, uint8_t len, struct route_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = dst->family;
	k->len = len;
	memcpy(k->addr, dst->v6, gw_ip_len(dst));
}

static struct rte_fib *
standby(void)
{
	return fibs[gw_fib == fibs[0]];
}

static struct rte_fib6 *
standby6(void)
{
	return fibs6[gw_fib6 == fibs6[0]];
}

/* Before the grace period of a flush: workers move to the copy with the staged changes. */
static void route_publish(void);

/*
 * The FIB's entries and tbl8 groups from the sizes (gw_route.h): 2-byte
 * entries name indexes below 2^15, and at most 2^15 - 1 groups.
 */
static void
fib_size(struct rte_fib_conf *conf)
{
	uint32_t tbl8;

	if (gw_limits.nhs <= GW_FIB_2B_NHS) {
		conf->dir24_8.nh_sz = RTE_FIB_DIR24_8_2B;
		tbl8 = RTE_MIN(gw_limits.routes / 32, (uint32_t)INT16_MAX);
	} else {
		conf->dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
		tbl8 = gw_limits.routes / 2;
	}
	conf->dir24_8.num_tbl8 = RTE_MAX(tbl8, 64u);
}

/*
 * The IPv6 FIB's, sized by --max-routes6: the same entry size rule; a /64
 * takes 5 tbl8 groups below its /24 and a host route up to 13 more (each
 * shares those of the routes beside it), so a group for every other route,
 * at least 512.
 */
static void
fib6_size(struct rte_fib6_conf *conf)
{
	conf->trie.nh_sz = gw_limits.nhs <= GW_FIB_2B_NHS ? RTE_FIB6_TRIE_2B : RTE_FIB6_TRIE_4B;
	conf->trie.num_tbl8 = RTE_MAX(gw_limits.routes6 / 2, 512u);
}

int
gw_route_init(int socket)
{
	struct rte_fib_conf conf = {
		.type = RTE_FIB_DIR24_8,
		.default_nh = GW_NH_IDX_DROP,
		.max_routes = gw_limits.routes,
	};
	struct rte_fib6_conf conf6 = {
		.type = RTE_FIB6_TRIE,
		.default_nh = GW_NH_IDX_DROP,
		.max_routes = RTE_MIN(gw_limits.routes6, gw_limits.routes),
	};
	struct rte_hash_parameters hp = {
		.name = "gw_routes",
		.entries = gw_limits.routes,
		.key_len = sizeof(struct route_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* a key never fails to fit below the table's size (cuckoo paths can) */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	fib_size(&conf);
	fibs[0] = rte_fib_create("gw_fib4_a", socket, &conf);
	fibs[1] = rte_fib_create("gw_fib4_b", socket, &conf);
	fib6_size(&conf6);
	fibs6[0] = rte_fib6_create("gw_fib6_a", socket, &conf6);
	fibs6[1] = rte_fib6_create("gw_fib6_b", socket, &conf6);
	route_index = rte_hash_create(&hp);
	routes = calloc(gw_limits.routes, sizeof(*routes));
	used = calloc(gw_limits.routes, sizeof(*used));
	free_slots = calloc(gw_limits.routes, sizeof(*free_slots));
	if (fibs[0] == NULL || fibs[1] == NULL || fibs6[0] == NULL || fibs6[1] == NULL ||
	    route_index == NULL || routes == NULL ||
	    used == NULL || free_slots == NULL)
		return -ENOMEM;
	gw_ids_init(&slots, free_slots, 0, gw_limits.routes);
	gw_fib = fibs[0];
	gw_fib6 = fibs6[0];
	gw_rcu_on_flush(route_publish);
	return gw_local_init(socket);
}

/* One FIB change (op->nh < 0: delete) made to the standby copy of its family. */
static int
fib_change(const struct fib_op *op)
{
	if (op->family == AF_INET)
		return op->nh >= 0 ? rte_fib_add(standby(), op->host_ip, op->len, op->nh) :
				     rte_fib_delete(standby(), op->host_ip, op->len);
	return op->nh >= 0 ? rte_fib6_add(standby6(), op->ip6, op->len, op->nh) :
			     rte_fib6_delete(standby6(), op->ip6, op->len);
}

/* After the grace period: the copy workers left gets the changes the other has. */
static void
fib_replay(uintptr_t unused)
{
	unsigned int i;

	RTE_SET_USED(unused);
	/* the same changes on the same state: they cannot fail where the first did not */
	for (i = 0; i < nb_log; i++)
		fib_change(&fib_log[i]);
	nb_log = 0;
}

static void
route_publish(void)
{
	unsigned int i;
	bool v4 = false, v6 = false;

	gw_local_publish(); /* with the FIB, in the same grace period */
	for (i = 0; i < nb_log; i++) {
		v4 |= fib_log[i].family == AF_INET;
		v6 |= fib_log[i].family == AF_INET6;
	}
	if (nb_log == 0)
		return;
	/* each family's copies swap only when it changed: the replay goes to the copy left */
	if (v4)
		__atomic_store_n(&gw_fib, standby(), __ATOMIC_RELEASE);
	if (v6)
		__atomic_store_n(&gw_fib6, standby6(), __ATOMIC_RELEASE);
	gw_rcu_defer(fib_replay, 0);
}

int
gw_route_reserve(unsigned int n)
{
	struct fib_op *grown;
	unsigned int cap = log_cap == 0 ? 256 : log_cap;

	if (nb_log + n <= log_cap)
		return 0;
	while (cap < nb_log + n)
		cap *= 2;
	grown = gw_realloc(fib_log, sizeof(*fib_log) * cap);
	if (grown == NULL)
		return -ENOMEM;
	fib_log = grown;
	log_cap = cap;
	return 0;
}

/*
 * Stage a FIB change on the standby copy of the prefix's family. old_nh
 * (< 0: none) undoes a refused change, so the two copies never differ.
 */
static int
fib_stage(const struct gw_ip *dst, uint8_t len, int nh, int old_nh)
{
	struct fib_op op = { .family = dst->family, .len = len, .nh = nh };
	int rc;

	if (dst->family == AF_INET)
		op.host_ip = rte_be_to_cpu_32(dst->v4);
	else
		memcpy(op.ip6, dst->v6, sizeof(op.ip6));
	if (gw_route_reserve(1) < 0)
		return -ENOMEM;
	rc = fib_change(&op);
	if (rc < 0) {
		op.nh = old_nh;
		fib_change(&op);
		return rc;
	}
	fib_log[nb_log++] = op;
	return 0;
}

static int
route_slot(const struct gw_ip *dst, uint8_t len)
{
	struct route_key k;
	void *data;

	route_key_of(dst, len, &k);
	if (rte_hash_lookup_data(route_index, &k, &data) < 0)
		return -ENOENT;
	return (int)(uintptr_t)data;
}

const struct gw_route *
gw_route_find(const struct gw_ip *dst, uint8_t len)
{
	int slot = route_slot(dst, len);

	return slot < 0 ? NULL : &routes[slot];
}

static int
route_exists_error(const struct gw_route *r, struct gw_error *err)
{
	char a[GW_IP_STRLEN];

	return gw_error_set(err, -EEXIST, "%s/%u is already %s", gw_ip_fmt(&r->dst, a, sizeof(a)),
			    r->len, r->origin == GW_ROUTE_STATIC ? "a static route" :
			    r->origin == GW_ROUTE_CONNECTED ? "a connected prefix" :
			    "an address of this gateway");
}

/* A FIB change refused: out of tbl8 groups (-ENOSPC), or of memory. */
static int
fib_full_error(const struct gw_ip *dst, uint8_t len, int rc, struct gw_error *err)
{
	char a[GW_IP_STRLEN];

	if (dst->family == AF_INET6)
		return gw_error_set(err, rc, "route table full: no IPv6 FIB room for %s/%u "
				    "(--max-routes6 sizes it)", gw_ip_fmt(dst, a, sizeof(a)), len);
	if (rc != -ENOSPC)
		return gw_error_set(err, rc, "route table full (%s)", rte_strerror(-rc));
	return gw_error_set(err, rc, "route table full: no FIB room for %s/%u (each /24 that "
			    "holds a longer prefix takes a tbl8 group; --max-routes sizes them)",
			    gw_ip_fmt(dst, a, sizeof(a)), len);
}

int
gw_route_add(const struct gw_ip *dst, uint8_t len, uint32_t nh, enum gw_route_origin origin,
	     const struct gw_route_conf *conf, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	struct route_key k;
	struct gw_route *r;
	int slot, rc;

	if (dst->family != AF_INET && dst->family != AF_INET6)
		return gw_error_set(err, -EAFNOSUPPORT, "route %s/%u: no address family",
				    gw_ip_fmt(dst, a, sizeof(a)), len);
	slot = route_slot(dst, len);
	if (slot >= 0) {
		r = &routes[slot];
		if (r->origin == origin && r->nh == nh && origin != GW_ROUTE_STATIC)
			return 0; /* already so: no FIB change */
		if (r->origin != GW_ROUTE_NEIGH &&
		    !(r->origin == GW_ROUTE_STATIC && origin == GW_ROUTE_STATIC))
			return route_exists_error(r, err);
		if (r->active) {
			rc = fib_stage(dst, len, nh, r->nh);
			if (rc < 0)
				return fib_full_error(dst, len, rc, err);
		}
		r->nh = nh;
		r->origin = origin;
	} else {
		if (!gw_ids_left(&slots))
			return gw_error_set(err, -ENOSPC, "more than %u routes (--max-routes)",
					    gw_limits.routes);
		rc = fib_stage(dst, len, nh, -1);
		if (rc < 0)
			return fib_full_error(dst, len, rc, err);
		slot = gw_ids_take(&slots);
		route_key_of(dst, len, &k);
		rc = rte_hash_add_key_data(route_index, &k, (void *)(uintptr_t)slot);
		if (rc < 0) {
			gw_ids_give(&slots, slot);
			fib_stage(dst, len, -1, -1);
			return gw_error_set(err, rc, "route index full");
		}
		r = &routes[slot];
		memset(r, 0, sizeof(*r));
		r->dst = *dst;
		r->len = len;
		r->nh = nh;
		r->origin = origin;
		r->active = true;
		r->seq = next_seq++;
		used[slot] = true;
		nb_routes++;
	}
	if (conf != NULL)
		r->conf = *conf;
	else
		memset(&r->conf, 0, sizeof(r->conf));
	if (origin == GW_ROUTE_LOCAL)
		gw_local_changed();
	return 0;
}

int
gw_route_del(const struct gw_ip *dst, uint8_t len)
{
	struct route_key k;
	int slot = route_slot(dst, len);

	if (slot < 0)
		return -ENOENT;
	if (routes[slot].active)
		fib_stage(dst, len, -1, routes[slot].nh);
	if (routes[slot].origin == GW_ROUTE_LOCAL)
		gw_local_changed();
	route_key_of(dst, len, &k);
	rte_hash_del_key(route_index, &k);
	used[slot] = false;
	gw_ids_give(&slots, slot);
	nb_routes--;
	return 0;
}

void
gw_route_set_active(const struct gw_route *cr, bool active)
{
	struct gw_route *r = &routes[cr - routes];

	if (r->active == active)
		return;
	/* next-hop indexes fit an int: gw_limits.nhs is below 2^31 */
	if (fib_stage(&r->dst, r->len, active ? (int)r->nh : -1, active ? -1 : (int)r->nh) == 0)
		r->active = active;
}

unsigned int
gw_route_list(const struct gw_route **out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < slots.next && n < nb_routes; i++) {
		if (!used[i])
			continue;
		if (n < max)
			out[n] = &routes[i];
		n++;
	}
	return n;
}

void
gw_route_foreach(void (*cb)(const struct gw_route *r, void *arg), void *arg)
{
	unsigned int i, seen = 0, n = nb_routes;

	for (i = 0; i < slots.next && seen < n; i++) {
		if (!used[i])
			continue;
		seen++;
		cb(&routes[i], arg);
	}
}

bool
gw_route_nh_used(uint32_t nh, const struct gw_ip *own, uint8_t own_len)
{
	unsigned int i, seen = 0;

	for (i = 0; i < slots.next && seen < nb_routes; i++) {
		const struct gw_route *r = &routes[i];

		if (!used[i])
			continue;
		seen++;
		if (r->nh == nh && !(r->len == own_len && gw_ip_equal(&r->dst, own)))
			return true;
	}
	return false;
}

unsigned int
gw_route_count(void)
{
	return nb_routes;
}

uint32_t
gw_route_lookup4(uint32_t dst)
{
	uint32_t host = rte_be_to_cpu_32(dst);
	uint64_t nh = GW_NH_IDX_DROP;

	rte_fib_lookup_bulk(standby(), &host, &nh, 1); /* the newest: staged changes included */
	return nh;
}

uint32_t
gw_route_lookup6(const uint8_t dst[16])
{
	uint8_t ip[1][RTE_FIB6_IPV6_ADDR_SIZE];
	uint64_t nh = GW_NH_IDX_DROP;

	memcpy(ip[0], dst, sizeof(ip[0]));
	rte_fib6_lookup_bulk(standby6(), ip, &nh, 1); /* the newest: staged changes included */
	return nh;
}

uint32_t
gw_route_lookup(const struct gw_ip *dst)
{
	if (dst->family == AF_INET)
		return gw_route_lookup4(dst->v4);
	return dst->family == AF_INET6 ? gw_route_lookup6(dst->v6) : GW_NH_IDX_DROP;
}
