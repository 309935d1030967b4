/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The MAC table of the bridges (gw_fdb.h). One rte_hash with lock-free
 * readers; writers (workers learning, the control thread adding, deleting
 * and ageing) take gw_fdb_lock one at a time, as rte_hash's lock-free mode
 * wants a single writer. Entries are slots of one array, taken from a free
 * stack under the lock and given back after a grace period with their hash
 * slot, so a worker holding an index reads a whole entry.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "gw_alloc.h"
#include "gw_fdb.h"
#include "gw_ids.h"
#include "gw_rcu.h"

struct rte_hash *gw_fdb_hash;
struct gw_fdb_entry *gw_fdb_entries;
uint32_t gw_fdb_now;
uint32_t gw_fdb_learned[GW_BRIDGE_MAX];

/*
 * Never held across gw_rcu_defer: a defer that has no memory to queue its
 * work waits for a grace period at once and runs the deferred frees, which
 * take this lock; and a worker spinning on it to learn a MAC would never
 * report the quiescent state that wait needs.
 */
static rte_spinlock_t fdb_lock = RTE_SPINLOCK_INITIALIZER;
static uint32_t free_idx[GW_FDB_MAX];
static struct gw_ids idxs;

int
gw_fdb_init(int socket)
{
	struct rte_hash_parameters hp = {
		.name = "gw_fdb",
		.entries = GW_FDB_MAX,
		.key_len = sizeof(struct gw_fdb_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	gw_fdb_hash = rte_hash_create(&hp);
	gw_fdb_entries = rte_zmalloc_socket("gw_fdb_entries", sizeof(*gw_fdb_entries) * GW_FDB_MAX,
					    RTE_CACHE_LINE_SIZE, socket);
	if (gw_fdb_hash == NULL || gw_fdb_entries == NULL)
		return -ENOMEM;
	gw_ids_init(&idxs, free_idx, 0, GW_FDB_MAX);
	memset(gw_fdb_learned, 0, sizeof(gw_fdb_learned));
	/*
	 * The clock the control thread ages by (gw_fdb_age), from now on: at 0,
	 * a MAC learned before its first tick would be seen at second 0 and aged
	 * by that tick, as if unseen since the machine booted.
	 */
	gw_fdb_now = (uint32_t)(rte_get_timer_cycles() / rte_get_timer_hz());
	return 0;
}

/* A new entry, published last (the hash add is its release). Under the lock. */
static int
entry_insert(const struct gw_fdb_key *k, union gw_member dst, bool is_static)
{
	struct gw_fdb_entry *e;
	int idx, rc;

	idx = gw_ids_take(&idxs);
	if (idx < 0)
		return -ENOSPC;
	e = &gw_fdb_entries[idx];
	e->dst = dst;
	e->seen = __atomic_load_n(&gw_fdb_now, __ATOMIC_RELAXED);
	e->is_static = is_static;
	e->key = *k;
	e->used = 1;
	rc = rte_hash_add_key_data(gw_fdb_hash, k, (void *)(uintptr_t)idx);
	if (rc < 0) {
		e->used = 0;
		gw_ids_give(&idxs, idx); /* never visible */
		return -ENOSPC;
	}
	if (!is_static)
		gw_fdb_learned[k->bridge]++;
	return 0;
}

enum gw_fdb_learn_rc
gw_fdb_learn(uint16_t bridge, const struct rte_ether_addr *mac, union gw_member dst,
	     uint32_t max)
{
	struct gw_fdb_key k = { .bridge = bridge, .mac = *mac };
	enum gw_fdb_learn_rc rc;

	/*
	 * A MAC in the table is known, full or not: the caller's lookup may be
	 * older than the entry (an earlier frame of its burst learned it).
	 * Before the lock when the bridge is full: a flood of new MACs costs a
	 * load and a lock-free lookup each.
	 */
	if (__atomic_load_n(&gw_fdb_learned[bridge], __ATOMIC_RELAXED) >= max)
		return rte_hash_lookup(gw_fdb_hash, &k) >= 0 ? GW_FDB_KNOWN : GW_FDB_FULL;
	rte_spinlock_lock(&fdb_lock);
	if (rte_hash_lookup(gw_fdb_hash, &k) >= 0)
		rc = GW_FDB_KNOWN;
	else if (gw_fdb_learned[bridge] >= max)
		rc = GW_FDB_FULL;
	else
		rc = entry_insert(&k, dst, false) == 0 ? GW_FDB_LEARNED : GW_FDB_FULL;
	rte_spinlock_unlock(&fdb_lock);
	return rc;
}

/* After the grace period: nobody holds the index or the hash slot any more. */
static void
entry_free(uintptr_t arg)
{
	uint32_t idx = arg & 0xffffffff, pos = arg >> 32;

	rte_spinlock_lock(&fdb_lock);
	rte_hash_free_key_with_position(gw_fdb_hash, pos);
	gw_ids_give(&idxs, idx);
	rte_spinlock_unlock(&fdb_lock);
}

/*
 * Unpublish an entry, under the lock. Its slots are given back after the
 * grace period: *gone receives what entry_free needs, for the caller to
 * defer once it has let the lock go (a defer that finds no room waits for
 * the grace period at once and frees then, and freeing takes the lock).
 * false: removed already, waiting for its grace period.
 */
static bool
entry_unpublish(uint32_t idx, uint64_t *gone)
{
	struct gw_fdb_entry *e = &gw_fdb_entries[idx];
	int32_t pos = rte_hash_del_key(gw_fdb_hash, &e->key);

	if (pos < 0)
		return false;
	if (!e->is_static)
		gw_fdb_learned[e->key.bridge]--;
	e->used = 0; /* gone for the control thread; workers may read it until the grace period */
	*gone = (uint64_t)pos << 32 | idx;
	return true;
}

int
gw_fdb_add_static(uint16_t bridge, const struct rte_ether_addr *mac, union gw_member dst,
		  struct gw_error *err)
{
	struct gw_fdb_key k = { .bridge = bridge, .mac = *mac };
	struct gw_fdb_entry *e;
	void *data;
	int rc = 0;

	rte_spinlock_lock(&fdb_lock);
	if (rte_hash_lookup_data(gw_fdb_hash, &k, &data) >= 0) {
		e = &gw_fdb_entries[(uintptr_t)data];
		if (!e->is_static)
			gw_fdb_learned[bridge]--;
		e->is_static = 1;
		__atomic_store_n(&e->dst.u64, dst.u64, __ATOMIC_RELEASE);
	} else {
		rc = entry_insert(&k, dst, true);
	}
	rte_spinlock_unlock(&fdb_lock);
	if (rc < 0)
		return gw_error_set(err, rc, "the MAC table is full (%d entries)", GW_FDB_MAX);
	return 0;
}

int
gw_fdb_del(uint16_t bridge, const struct rte_ether_addr *mac, uint16_t iface)
{
	struct gw_fdb_key k = { .bridge = bridge, .mac = *mac };
	uint64_t gone;
	bool found = false;
	void *data;

	rte_spinlock_lock(&fdb_lock);
	if (rte_hash_lookup_data(gw_fdb_hash, &k, &data) >= 0 &&
	    gw_fdb_entries[(uintptr_t)data].dst.iface == iface)
		found = entry_unpublish((uintptr_t)data, &gone);
	rte_spinlock_unlock(&fdb_lock);
	if (!found)
		return -ENOENT;
	gw_rcu_defer(entry_free, gone);
	return 0;
}

#define REMOVE_BATCH 64 /* entries unpublished per hold of the lock */

/* Remove every entry for which match() holds, a batch at a time, deferred outside the lock. */
static void
remove_if(bool (*match)(const struct gw_fdb_entry *e, uint32_t arg), uint32_t arg)
{
	uint64_t gone[REMOVE_BATCH];
	uint32_t i = 0, k, n;

	while (i < GW_FDB_MAX) {
		n = 0;
		rte_spinlock_lock(&fdb_lock);
		for (; i < GW_FDB_MAX && n < REMOVE_BATCH; i++)
			if (gw_fdb_entries[i].used && match(&gw_fdb_entries[i], arg) &&
			    entry_unpublish(i, &gone[n]))
				n++;
		rte_spinlock_unlock(&fdb_lock);
		for (k = 0; k < n; k++)
			gw_rcu_defer(entry_free, gone[k]);
	}
}

static bool
behind_iface(const struct gw_fdb_entry *e, uint32_t iface)
{
	return __atomic_load_n(&e->dst.iface, __ATOMIC_RELAXED) == iface;
}

static bool
behind_peer(const struct gw_fdb_entry *e, uint32_t peer)
{
	return __atomic_load_n(&e->dst.peer, __ATOMIC_RELAXED) == peer;
}

static bool
of_bridge(const struct gw_fdb_entry *e, uint32_t bridge)
{
	return e->key.bridge == bridge;
}

void
gw_fdb_flush_iface(uint16_t iface)
{
	remove_if(behind_iface, iface);
}

void
gw_fdb_flush_peer(uint32_t peer)
{
	remove_if(behind_peer, peer);
}

void
gw_fdb_flush_bridge(uint16_t bridge)
{
	remove_if(of_bridge, bridge);
}

/*
 * Learned, and unseen for longer than its bridge's ageing_time. The clock
 * counts whole seconds: seen is the second of the last frame, anywhere in
 * it, so the entry is surely unseen for ageing_time seconds only once now is
 * more than ageing_time past it (an entry lives ageing_time to ageing_time +
 * 1 seconds unseen; with "at least", a station that talks every half second
 * was aged at every turn of the second with ageing_time 1).
 */
static bool
expired(const struct gw_fdb_entry *e, uint32_t now)
{
	const struct gw_bridge_ctl *b = &gw_bridge_ctls[e->key.bridge];
	uint32_t seen = __atomic_load_n(&e->seen, __ATOMIC_RELAXED);

	if (e->is_static || !b->used || now - seen <= b->conf.ageing_time)
		return false;
	gw_bridge_ctls[e->key.bridge].aged++; /* under the lock, from the control thread */
	return true;
}

void
gw_fdb_age(uint32_t now)
{
	__atomic_store_n(&gw_fdb_now, now, __ATOMIC_RELAXED);
	remove_if(expired, now);
}

/* Under the lock: a worker may be learning (filling an entry) meanwhile. */
void
gw_fdb_foreach(void (*cb)(const struct gw_fdb_entry *e, void *arg), void *arg)
{
	uint32_t i;

	rte_spinlock_lock(&fdb_lock);
	for (i = 0; i < GW_FDB_MAX; i++)
		if (gw_fdb_entries[i].used)
			cb(&gw_fdb_entries[i], arg);
	rte_spinlock_unlock(&fdb_lock);
}
