/* SPDX-License-Identifier: BSD-3-Clause
 *
 * greway's own addresses as a set per family that workers test without the
 * FIB (gw_local.h): rebuilt whole from the local host routes when one comes
 * or goes (they are few and change seldom), published with the FIBs, the
 * old sets freed after the grace period. Control thread only.
 */
#include <errno.h>
#include <sys/socket.h>

#include <rte_malloc.h>

#include "gw_local.h"
#include "gw_rcu.h"
#include "gw_route.h"

struct gw_local6 *gw_local6_set;
struct gw_local4 *gw_local4_set;
static const uint8_t empty[16]; /* the unspecified address: an empty slot */
static int local_socket;
static bool dirty;

/* A set of slots entries of size bytes each, after a header of hdr bytes. */
static void *
set_alloc(size_t hdr, size_t size, uint32_t slots)
{
	uint32_t *mask = rte_zmalloc_socket("gw_local", hdr + slots * size, RTE_CACHE_LINE_SIZE,
					    local_socket);

	if (mask != NULL)
		*mask = slots - 1; /* both sets start with their mask */
	return mask;
}

static struct gw_local6 *
set6_alloc(uint32_t slots)
{
	return set_alloc(sizeof(struct gw_local6), sizeof(gw_local6_set->addr[0]), slots);
}

static struct gw_local4 *
set4_alloc(uint32_t slots)
{
	return set_alloc(sizeof(struct gw_local4), sizeof(gw_local4_set->addr[0]), slots);
}

int
gw_local_init(int socket)
{
	local_socket = socket;
	gw_local6_set = set6_alloc(16);
	gw_local4_set = set4_alloc(16);
	dirty = false;
	return gw_local6_set == NULL || gw_local4_set == NULL ? -ENOMEM : 0;
}

void
gw_local_changed(void)
{
	dirty = true;
}

static bool
is_local(const struct gw_route *r)
{
	return r->origin == GW_ROUTE_LOCAL && r->len == (r->dst.family == AF_INET6 ? 128 : 32);
}

/* Local host routes by family: [0] IPv4, [1] IPv6. */
static void
count_local(const struct gw_route *r, void *arg)
{
	if (is_local(r))
		((uint32_t *)arg)[r->dst.family == AF_INET6]++;
}

struct sets {
	struct gw_local4 *s4;
	struct gw_local6 *s6;
};

static void
insert_local(const struct gw_route *r, void *arg)
{
	struct sets *s = arg;
	uint32_t h;

	if (!is_local(r))
		return;
	if (r->dst.family == AF_INET6) {
		for (h = gw_local6_hash(r->dst.v6, s->s6->mask);
		     memcmp(s->s6->addr[h], empty, 16) != 0; h = (h + 1) & s->s6->mask)
			;
		memcpy(s->s6->addr[h], r->dst.v6, 16);
		s->s6->n++;
		return;
	}
	for (h = gw_local4_hash(r->dst.v4, s->s4->mask); s->s4->addr[h] != 0;
	     h = (h + 1) & s->s4->mask)
		;
	s->s4->addr[h] = r->dst.v4;
	s->s4->n++;
}

static void
set_free(uintptr_t s)
{
	rte_free((void *)s);
}

static uint32_t
slots_for(uint32_t n)
{
	uint32_t slots = 16;

	while (slots < 2 * n)
		slots *= 2;
	return slots;
}

void
gw_local_publish(void)
{
	struct gw_local6 *old6 = gw_local6_set;
	struct gw_local4 *old4 = gw_local4_set;
	uint32_t n[2] = { 0, 0 };
	struct sets s;

	if (!dirty)
		return;
	gw_route_foreach(count_local, n);
	s.s4 = set4_alloc(slots_for(n[0]));
	s.s6 = set6_alloc(slots_for(n[1]));
	if (s.s4 == NULL || s.s6 == NULL) {
		rte_free(s.s4);
		rte_free(s.s6);
		return; /* stays dirty: the next flush tries again, the FIB still says it */
	}
	gw_route_foreach(insert_local, &s);
	__atomic_store_n(&gw_local4_set, s.s4, __ATOMIC_RELEASE);
	__atomic_store_n(&gw_local6_set, s.s6, __ATOMIC_RELEASE);
	gw_rcu_defer(set_free, (uintptr_t)old4);
	gw_rcu_defer(set_free, (uintptr_t)old6);
	dirty = false;
}
