/* SPDX-License-Identifier: BSD-3-Clause
 *
 * greway's own IPv6 addresses as a set workers test before the FIB
 * (gw_local6.h): rebuilt whole from the local /128 routes when one comes or
 * goes (they are few and change seldom), published with the FIBs, the old
 * set freed after the grace period. Control thread only.
 */
#include <errno.h>
#include <sys/socket.h>

#include <rte_malloc.h>

#include "gw_local6.h"
#include "gw_rcu.h"
#include "gw_route.h"

struct gw_local6 *gw_local6_set;
static const uint8_t empty[16]; /* the unspecified address: an empty slot */
static int local6_socket;
static bool dirty;

static struct gw_local6 *
set_alloc(uint32_t slots)
{
	struct gw_local6 *s;

	s = rte_zmalloc_socket("gw_local6", sizeof(*s) + slots * sizeof(s->addr[0]),
			       RTE_CACHE_LINE_SIZE, local6_socket);
	if (s != NULL)
		s->mask = slots - 1;
	return s;
}

int
gw_local6_init(int socket)
{
	local6_socket = socket;
	gw_local6_set = set_alloc(16);
	dirty = false;
	return gw_local6_set == NULL ? -ENOMEM : 0;
}

void
gw_local6_changed(void)
{
	dirty = true;
}

static void
count_local6(const struct gw_route *r, void *arg)
{
	if (r->origin == GW_ROUTE_LOCAL && r->dst.family == AF_INET6 && r->len == 128)
		(*(uint32_t *)arg)++;
}

static void
insert_local6(const struct gw_route *r, void *arg)
{
	struct gw_local6 *s = arg;
	uint32_t h;

	if (r->origin != GW_ROUTE_LOCAL || r->dst.family != AF_INET6 || r->len != 128)
		return;
	for (h = gw_local6_hash(r->dst.v6, s->mask); memcmp(s->addr[h], empty, 16) != 0;
	     h = (h + 1) & s->mask)
		;
	memcpy(s->addr[h], r->dst.v6, 16);
	s->n++;
}

static void
set_free(uintptr_t s)
{
	rte_free((void *)s);
}

void
gw_local6_publish(void)
{
	struct gw_local6 *s, *old = gw_local6_set;
	uint32_t n = 0, slots = 16;

	if (!dirty)
		return;
	gw_route_foreach(count_local6, &n);
	while (slots < 2 * n)
		slots *= 2;
	s = set_alloc(slots);
	if (s == NULL)
		return; /* stays dirty: the next flush tries again, the FIB still says it */
	gw_route_foreach(insert_local6, s);
	__atomic_store_n(&gw_local6_set, s, __ATOMIC_RELEASE);
	gw_rcu_defer(set_free, (uintptr_t)old);
	dirty = false;
}
