/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Bridges and their members (gw_bridge.h). A change of membership or of a
 * member's state builds a new bridge object (the flood list) and publishes
 * it in place of the old one, freed after a grace period; a member's entry
 * in gw_iface_bridge[] is set after the object that lists it is published
 * and cleared before the one without it, and its MACs leave the table with
 * it. Workers also check, before sending to a member, that it still belongs
 * to the bridge, so a stale MAC entry never sends a frame out of it.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "gw_addr.h"
#include "gw_alloc.h"
#include "gw_bridge.h"
#include "gw_fdb.h"
#include "gw_ids.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_rcu.h"
#include "gw_tunnel.h"

struct gw_bridge *gw_bridges[GW_BRIDGE_MAX];
struct gw_bridge_ctl gw_bridge_ctls[GW_BRIDGE_MAX];
uint16_t *gw_iface_bridge;

void (*gw_bridge_reset_cb)(uint16_t idx);
static int bridge_socket;
static uint32_t free_idx[GW_BRIDGE_MAX];
static struct gw_ids idxs;

/* A membership change between prepare and commit. */
static struct {
	uint16_t iface;          /* who joins or leaves */
	uint16_t from, to;       /* bridge indexes, GW_BRIDGE_NONE for none */
	struct gw_bridge *obj_from, *obj_to; /* their objects after the change */
	bool pending;
} change;

static const struct gw_iface_ops bridge_ops;

int
gw_bridge_init(int socket)
{
	unsigned int i;

	bridge_socket = socket;
	/* workers read it, on their socket */
	gw_iface_bridge = rte_malloc_socket("gw_iface_bridge",
					    sizeof(*gw_iface_bridge) * gw_iface_max,
					    RTE_CACHE_LINE_SIZE, socket);
	if (gw_iface_bridge == NULL)
		return -ENOMEM;
	for (i = 0; i < gw_iface_max; i++)
		gw_iface_bridge[i] = GW_BRIDGE_NONE;
	memset(gw_bridge_ctls, 0, sizeof(gw_bridge_ctls));
	gw_ids_init(&idxs, free_idx, 0, GW_BRIDGE_MAX);
	gw_iface_ops_register(GW_IFACE_BRIDGE, &bridge_ops);
	return gw_fdb_init(socket);
}

struct gw_bridge_ctl *
gw_bridge_of_iface(uint16_t iface)
{
	const struct gw_iface *ifc = &gw_ifaces[iface];

	if (iface >= gw_iface_max || !ifc->used || ifc->kind != GW_IFACE_BRIDGE)
		return NULL;
	return &gw_bridge_ctls[ifc->idx];
}

union gw_member
gw_bridge_member_of(uint16_t iface)
{
	const struct gw_iface *ifc = &gw_ifaces[iface];
	const struct gw_tunnel *t;
	union gw_member m = { .iface = iface, .port = GW_MEMBER_PORT_NONE, .peer = GW_PEER_NONE };

	if (ifc->kind == GW_IFACE_PORT) {
		m.port = ifc->idx;
	} else {
		t = gw_tunnels[ifc->idx];
		if (t != NULL && t->nb_peers > 0)
			m.peer = t->peers[0];
	}
	return m;
}

/*
 * A bridge object for the members it has now, with the changes a command
 * is about to make: the interface "join" added, "leave" left out, and
 * interface "self" up or down as self_up says (GW_IFACE_NONE: none).
 */
static struct gw_bridge *
bridge_build(uint16_t idx, uint16_t join, uint16_t leave, uint16_t self, bool self_up)
{
	const struct gw_bridge_ctl *b = &gw_bridge_ctls[idx];
	struct gw_bridge *o;
	unsigned int i, n = 0;

	for (i = 0; i < gw_iface_max; i++)
		n += gw_ifaces[i].used && (gw_ifaces[i].master == b->iface || i == join);
	o = gw_alloc_shared(sizeof(*o) + sizeof(o->members[0]) * (n + 1), bridge_socket);
	if (o == NULL)
		return NULL;
	o->idx = idx;
	o->iface = b->iface;
	o->up = gw_ifaces[b->iface].up;
	o->max_learned = b->conf.max_learned;
	o->bvi = b->bvi;
	o->mac = b->mac;
	for (i = 0; i < gw_iface_max; i++) {
		const struct gw_iface *ifc = &gw_ifaces[i];

		if (!ifc->used || i == leave || (ifc->master != b->iface && i != join))
			continue;
		/* a member forwards while administratively up */
		if (i == self ? self_up : ifc->up)
			o->members[o->nb_members++] = gw_bridge_member_of(i);
	}
	return o;
}

static void
obj_free(uintptr_t o)
{
	gw_free_shared((void *)o);
}

static uint16_t bridge_mtu(const struct gw_iface *ifc);

static void
bridge_publish(uint16_t idx, struct gw_bridge *o)
{
	struct gw_bridge *old = gw_bridges[idx];
	const struct gw_bridge_ctl *b = &gw_bridge_ctls[idx];

	if (o != NULL && b->bvi != GW_BVI_NONE) {
		/* the BVI routes with its bridge's state, MTU and MAC */
		gw_ports[b->bvi].mtu = bridge_mtu(&gw_ifaces[b->iface]);
		gw_ports[b->bvi].up = o->up;
	}
	__atomic_store_n(&gw_bridges[idx], o, __ATOMIC_RELEASE);
	if (old != NULL)
		gw_rcu_defer(obj_free, (uintptr_t)old);
}

int
gw_bridge_add(const struct gw_bridge_conf *conf, struct gw_error *err)
{
	struct gw_bridge_ctl *b;
	struct gw_bridge *o;
	int idx, iface;

	if (gw_iface_by_name(conf->name) != NULL)
		return gw_error_set(err, -EEXIST, "name \"%s\" is taken", conf->name);
	if (!gw_ids_left(&idxs) && gw_rcu_deferred() != 0)
		gw_rcu_flush(); /* indexes wait for the grace period of an earlier delete */
	idx = gw_ids_take(&idxs);
	if (idx < 0)
		return gw_error_set(err, -ENOSPC, "more than %d bridges", GW_BRIDGE_MAX);
	iface = gw_iface_add(GW_IFACE_BRIDGE, idx, conf->name, true, err);
	if (iface < 0) {
		gw_ids_give(&idxs, idx);
		return iface;
	}
	b = &gw_bridge_ctls[idx];
	memset(b, 0, sizeof(*b));
	if (gw_bridge_reset_cb != NULL)
		gw_bridge_reset_cb(idx);
	b->conf = *conf;
	b->iface = iface;
	b->bvi = GW_BVI_NONE;
	rte_eth_random_addr(b->mac.addr_bytes); /* as Linux's bridge before its ports */
	b->used = true;
	o = bridge_build(idx, GW_IFACE_NONE, GW_IFACE_NONE, GW_IFACE_NONE, false);
	if (o == NULL) {
		b->used = false;
		gw_iface_del(iface);
		gw_ids_give(&idxs, idx);
		return gw_error_set(err, -ENOMEM, "bridge %s: out of memory", conf->name);
	}
	bridge_publish(idx, o);
	return 0;
}

/* A member's side of leaving: its port filters on its MAC again, its MACs go. */
static void
member_leave(uint16_t iface)
{
	struct gw_iface *ifc = &gw_ifaces[iface];

	__atomic_store_n(&gw_iface_bridge[iface], GW_BRIDGE_NONE, __ATOMIC_RELEASE);
	ifc->master = GW_IFACE_NONE;
	if (ifc->kind == GW_IFACE_PORT) {
		gw_port_bridged_set(ifc->idx, false);
		gw_iface_port_linklocal_sync(ifc->idx); /* routed again: its link-local address */
	}
	gw_fdb_flush_iface(iface);
}

static void
idx_free(uintptr_t idx)
{
	gw_ids_give(&idxs, idx);
}

static void
bvi_free(uintptr_t port)
{
	gw_port_bvi_del(port);
}

int
gw_bridge_del(const char *name, struct gw_error *err)
{
	struct gw_bridge_ctl *b;
	struct gw_iface *ifc;
	unsigned int i;
	uint16_t idx;
	int rc;

	rc = gw_iface_lookup(name, &ifc, err);
	if (rc < 0)
		return rc;
	if (ifc->kind != GW_IFACE_BRIDGE)
		return gw_error_set(err, -EINVAL, "%s is a %s, not a bridge (link del takes bridges; "
				    "tunnel del takes tunnels)", name, gw_iface_kind_name(ifc->kind));
	idx = ifc->idx;
	b = &gw_bridge_ctls[idx];
	if (gw_addr_count(ifc->id) != 0)
		return gw_error_set(err, -EBUSY, "bridge %s has addresses (addr del them first)",
				    name);
	for (i = 0; i < gw_nh_end(); i++)
		if (gw_nhs[i].kind == GW_NH_NEIGH && !gw_nhs[i].released &&
		    gw_nhs[i].iface == ifc->id && gw_nhs[i].is_static)
			return gw_error_set(err, -EBUSY, "bridge %s has neighbours (neigh del them "
					    "first)", name);
	for (i = 0; i < gw_iface_max; i++)
		if (gw_ifaces[i].used && gw_ifaces[i].master == b->iface)
			member_leave(i);
	gw_fdb_flush_bridge(idx);
	bridge_publish(idx, NULL);
	if (b->bvi != GW_BVI_NONE) {
		gw_ports[b->bvi].up = false; /* routes to it are gone with its addresses */
		gw_nh_release(gw_ports[b->bvi].glean_nh);
		gw_rcu_defer(bvi_free, b->bvi);
	}
	b->used = false;
	gw_iface_del(b->iface);
	gw_rcu_defer(idx_free, idx); /* once no worker holds the bridge's index */
	return 0;
}

int
gw_iface_port(const struct gw_iface *ifc, bool create)
{
	struct gw_bridge_ctl *b;
	struct gw_bridge *o;
	int port, nh;

	if (ifc->kind == GW_IFACE_PORT)
		return ifc->idx;
	if (ifc->kind != GW_IFACE_BRIDGE)
		return -ENODEV;
	b = &gw_bridge_ctls[ifc->idx];
	if (b->bvi != GW_BVI_NONE || !create)
		return b->bvi != GW_BVI_NONE ? b->bvi : -ENODEV;
	/* the object that tells workers the bridge routes, first: the one step that can fail */
	o = bridge_build(ifc->idx, GW_IFACE_NONE, GW_IFACE_NONE, GW_IFACE_NONE, false);
	if (o == NULL)
		return -ENOMEM;
	nh = gw_nh_alloc(GW_NH_GLEAN);
	if (nh < 0) {
		gw_free_shared(o);
		return nh;
	}
	port = gw_port_bvi_add(ifc->name, ifc->id, ifc->idx, &b->mac, bridge_mtu(ifc));
	if (port < 0) {
		gw_nh_release(nh);
		gw_free_shared(o);
		return port;
	}
	gw_nhs[nh].port = port;
	gw_nhs[nh].iface = ifc->id;
	gw_ports[port].glean_nh = nh;
	gw_ports[port].up = ifc->up;
	b->bvi = port;
	o->bvi = port;
	bridge_publish(ifc->idx, o); /* workers learn the bridge routes now */
	return port;
}

int
gw_bridge_master_prepare(struct gw_iface *ifc, const char *br, bool up, struct gw_error *err)
{
	struct gw_iface *bifc = NULL;
	uint16_t from = ifc->master == GW_IFACE_NONE ? GW_BRIDGE_NONE : gw_ifaces[ifc->master].idx;
	uint16_t to = from;
	int rc;

	memset(&change, 0, sizeof(change));
	change.iface = ifc->id;
	change.from = change.to = GW_BRIDGE_NONE;
	if (br != NULL && br[0] != '\0') {
		rc = gw_iface_lookup(br, &bifc, err);
		if (rc < 0)
			return rc;
		if (bifc->kind != GW_IFACE_BRIDGE)
			return gw_error_set(err, -EINVAL, "master %s is a %s, not a bridge", br,
					    gw_iface_kind_name(bifc->kind));
		if (ifc->kind == GW_IFACE_BRIDGE)
			return gw_error_set(err, -EINVAL, "%s is a bridge: a bridge is no bridge's "
					    "member", ifc->name);
		if (ifc->kind != GW_IFACE_PORT && !gw_iface_kind_is_tap(ifc->kind))
			return gw_error_set(err, -EINVAL, "%s is a %s tunnel, which carries IP "
					    "packets, not Ethernet frames: only ports and gretap "
					    "tunnels join a bridge", ifc->name,
					    gw_iface_kind_name(ifc->kind));
		if (ifc->kind == GW_IFACE_PORT && gw_addr_count(ifc->id) != 0)
			return gw_error_set(err, -EBUSY, "%s has addresses: a bridge member is "
					    "not routed (addr del them first)", ifc->name);
		to = bifc->idx;
	} else if (br != NULL) {
		to = GW_BRIDGE_NONE; /* nomaster */
	}
	if (to == from) {
		/* no move: only a member whose state changes has its bridge's object built again */
		if (from == GW_BRIDGE_NONE || up == ifc->up)
			return 0;
		change.to = from;
		change.obj_to = bridge_build(from, GW_IFACE_NONE, GW_IFACE_NONE, ifc->id, up);
		if (change.obj_to == NULL)
			return gw_error_set(err, -ENOMEM, "out of memory");
		change.pending = true;
		return 0;
	}
	change.from = from;
	change.to = to;
	if (from != GW_BRIDGE_NONE) {
		change.obj_from = bridge_build(from, GW_IFACE_NONE, ifc->id, GW_IFACE_NONE, false);
		if (change.obj_from == NULL)
			return gw_error_set(err, -ENOMEM, "out of memory");
	}
	if (to != GW_BRIDGE_NONE) {
		/* it joins in the state the command leaves it in */
		change.obj_to = bridge_build(to, ifc->id, GW_IFACE_NONE, ifc->id, up);
		if (change.obj_to == NULL) {
			gw_free_shared(change.obj_from);
			return gw_error_set(err, -ENOMEM, "out of memory");
		}
	}
	change.pending = true;
	return 0;
}

void
gw_bridge_master_commit(void)
{
	struct gw_iface *ifc = &gw_ifaces[change.iface];

	if (!change.pending)
		return;
	if (change.from != GW_BRIDGE_NONE) {
		member_leave(ifc->id);
		bridge_publish(change.from, change.obj_from);
	}
	if (change.to != GW_BRIDGE_NONE) {
		ifc->master = gw_bridge_ctls[change.to].iface;
		bridge_publish(change.to, change.obj_to);
		if (ifc->kind == GW_IFACE_PORT) {
			gw_port_bridged_set(ifc->idx, true);
			gw_iface_port_linklocal_sync(ifc->idx); /* not routed: no address */
		}
		__atomic_store_n(&gw_iface_bridge[ifc->id], change.to, __ATOMIC_RELEASE);
	}
	change.pending = false;
}

void
gw_bridge_master_cancel(void)
{
	if (!change.pending)
		return;
	gw_free_shared(change.obj_from);
	gw_free_shared(change.obj_to);
	change.pending = false;
}

int
gw_bridge_member_gone_prepare(uint16_t iface, struct gw_error *err)
{
	uint16_t master = gw_ifaces[iface].master;

	memset(&change, 0, sizeof(change));
	change.iface = iface;
	change.from = change.to = GW_BRIDGE_NONE;
	if (master == GW_IFACE_NONE)
		return 0;
	change.from = gw_ifaces[master].idx;
	change.obj_from = bridge_build(change.from, GW_IFACE_NONE, iface, GW_IFACE_NONE, false);
	if (change.obj_from == NULL)
		return gw_error_set(err, -ENOMEM, "out of memory");
	change.pending = true;
	return 0;
}

void
gw_bridge_member_gone(uint16_t iface)
{
	RTE_ASSERT(!change.pending || change.iface == iface);
	RTE_SET_USED(iface);
	gw_bridge_master_commit();
}

void
gw_bridge_bvi_sync(void)
{
	unsigned int i;

	for (i = 0; i < GW_BRIDGE_MAX; i++) {
		const struct gw_bridge_ctl *b = &gw_bridge_ctls[i];
		uint16_t mtu;

		if (!b->used || b->bvi == GW_BVI_NONE)
			continue;
		mtu = bridge_mtu(&gw_ifaces[b->iface]);
		if (gw_ports[b->bvi].mtu != mtu)
			__atomic_store_n(&gw_ports[b->bvi].mtu, mtu, __ATOMIC_RELAXED);
	}
}

/*
 * The bridge kind's interface operations.
 */

static int
bridge_set(struct gw_iface *ifc, const struct gw_link_conf *l, struct gw_error *err)
{
	struct gw_bridge_ctl *b = &gw_bridge_ctls[ifc->idx];
	const struct rte_ether_addr *mac = (const struct rte_ether_addr *)l->mac;
	struct gw_bridge *o;

	if (l->given & GW_LINK_GIVEN_MTU)
		return gw_error_set(err, -EOPNOTSUPP, "%s: a bridge's MTU is its smallest member's",
				    ifc->name);
	if ((l->given & GW_LINK_GIVEN_MAC) &&
	    (!rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac)))
		return gw_error_set(err, -EINVAL, "%s: address must be a unicast MAC", ifc->name);
	/* the object workers read first: if it cannot be made, nothing changes */
	o = bridge_build(ifc->idx, GW_IFACE_NONE, GW_IFACE_NONE, GW_IFACE_NONE, false);
	if (o == NULL)
		return gw_error_set(err, -ENOMEM, "%s: out of memory", ifc->name);
	if (l->given & GW_LINK_GIVEN_MAC) {
		b->mac = *mac;
		b->mac_set = true;
		o->mac = *mac;
		if (b->bvi != GW_BVI_NONE) {
			gw_ports[b->bvi].mac = *mac;
			gw_port_eth_word_update(&gw_ports[b->bvi]);
		}
	}
	if (l->given & GW_LINK_GIVEN_UP) {
		ifc->up = l->up;
		o->up = l->up;
	}
	bridge_publish(ifc->idx, o);
	return 0;
}

/* As Linux's: the smallest of its members', 1500 without members. */
static uint16_t
bridge_mtu(const struct gw_iface *ifc)
{
	uint16_t mtu = 0, m;
	unsigned int i;

	for (i = 0; i < gw_iface_max; i++) {
		if (!gw_ifaces[i].used || gw_ifaces[i].master != ifc->id)
			continue;
		m = gw_iface_mtu(&gw_ifaces[i]);
		if (mtu == 0 || (m != 0 && m < mtu))
			mtu = m;
	}
	return mtu != 0 ? mtu : RTE_ETHER_MTU;
}

static void
bridge_renamed(struct gw_iface *ifc, const char *old)
{
	const struct gw_bridge_ctl *b = &gw_bridge_ctls[ifc->idx];

	RTE_SET_USED(old);
	memcpy(gw_bridge_ctls[ifc->idx].conf.name, ifc->name, GW_NAME_MAX);
	if (b->bvi != GW_BVI_NONE)
		memcpy(gw_ports[b->bvi].name, ifc->name, GW_NAME_MAX);
}

static const struct gw_iface_ops bridge_ops = {
	.set = bridge_set,
	.mtu = bridge_mtu,
	.renamed = bridge_renamed,
};
