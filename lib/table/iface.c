/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The interface table (gw_iface.h): ids from a free stack, names in an
 * rte_hash, and the dispatch of link words to each kind's operations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "gw_bridge.h"
#include "gw_iface.h"
#include "gw_ids.h"
#include "gw_port.h"
#include "gw_rcu.h"
#include "gw_tunnel.h"

_Static_assert(GW_PORT_MAX + GW_LIMIT_TUNNELS_MAX + GW_BRIDGE_MAX < GW_IFACE_NONE,
	       "a port, a tunnel or a bridge each: 16-bit interface ids");

uint32_t gw_iface_max;
struct gw_iface *gw_ifaces;
void (*gw_iface_id_reset_cb)(uint16_t id);
static const struct gw_iface_ops *kind_ops[GW_IFACE_KIND_MAX];
static struct rte_hash *names; /* zero-padded name -> id */
static uint32_t *free_ids;
static struct gw_ids ids;

static const char *const kind_names[] = {
#define GW_IFACE_KIND(e, name, what) [GW_IFACE_##e] = #name,
#include "gw_iface_kind.def"
#undef GW_IFACE_KIND
};

int
gw_iface_init(int socket)
{
	uint32_t n = GW_PORT_MAX + gw_limits.tunnels + GW_BRIDGE_MAX;
	struct rte_hash_parameters hp = {
		.name = "gw_iface_names",
		.entries = n,
		.key_len = GW_NAME_MAX,
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* a key never fails to fit below the table's size (cuckoo paths can) */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	gw_ifaces = calloc(n, sizeof(*gw_ifaces));
	free_ids = calloc(n, sizeof(*free_ids));
	if (gw_ifaces == NULL || free_ids == NULL)
		return -ENOMEM;
	names = rte_hash_create(&hp);
	if (names == NULL)
		return -ENOMEM;
	gw_iface_max = n;
	gw_ids_init(&ids, free_ids, 0, n); /* lowest first: ports get 0, 1, ... */
	return 0;
}

void
gw_iface_ops_register(enum gw_iface_kind kind, const struct gw_iface_ops *ops)
{
	kind_ops[kind] = ops;
}

const char *
gw_iface_kind_name(enum gw_iface_kind kind)
{
	return (unsigned int)kind < RTE_DIM(kind_names) ? kind_names[kind] : "?";
}

/* A name as the hash keys it: NUL-padded to GW_NAME_MAX. */
static void
name_key(const char *name, char key[GW_NAME_MAX])
{
	memset(key, 0, GW_NAME_MAX);
	strncpy(key, name, GW_NAME_MAX - 1);
}

struct gw_iface *
gw_iface_by_name(const char *name)
{
	char key[GW_NAME_MAX];
	void *data;

	if (names == NULL)
		return NULL;
	name_key(name, key);
	if (rte_hash_lookup_data(names, key, &data) < 0)
		return NULL;
	return &gw_ifaces[(uintptr_t)data];
}

int
gw_iface_lookup(const char *name, struct gw_iface **out, struct gw_error *err)
{
	*out = gw_iface_by_name(name);
	if (*out == NULL)
		return gw_error_set(err, -ENODEV, "no device \"%s\"", name);
	return 0;
}

int
gw_iface_add(enum gw_iface_kind kind, uint16_t idx, const char *name, bool up,
	     struct gw_error *err)
{
	char key[GW_NAME_MAX];
	struct gw_iface *ifc;
	uint16_t id;
	int rc;

	if (gw_iface_by_name(name) != NULL)
		return gw_error_set(err, -EEXIST, "name \"%s\" is taken", name);
	rc = gw_ids_take(&ids);
	if (rc < 0)
		return gw_error_set(err, rc, "more than %u interfaces", gw_iface_max);
	id = rc;
	name_key(name, key);
	rc = rte_hash_add_key_data(names, key, (void *)(uintptr_t)id);
	if (rc < 0) {
		gw_ids_give(&ids, id); /* never published */
		return gw_error_set(err, rc, "%s: interface name table full", name);
	}
	ifc = &gw_ifaces[id];
	memset(ifc, 0, sizeof(*ifc));
	memcpy(ifc->name, key, GW_NAME_MAX);
	ifc->id = id;
	ifc->idx = idx;
	ifc->kind = kind;
	ifc->up = up;
	ifc->master = GW_IFACE_NONE;
	ifc->used = true;
	if (gw_iface_id_reset_cb != NULL)
		gw_iface_id_reset_cb(id);
	return id;
}

/* After the grace period: no packet in flight names the id as its ingress any more. */
static void
id_free(uintptr_t id)
{
	gw_ids_give(&ids, id);
}

void
gw_iface_del(uint16_t id)
{
	struct gw_iface *ifc = &gw_ifaces[id];

	if (!ifc->used)
		return;
	rte_hash_del_key(names, ifc->name);
	memset(ifc, 0, sizeof(*ifc));
	gw_rcu_defer(id_free, id);
}

int
gw_iface_set(const struct gw_link_conf *conf, struct gw_error *err)
{
	const struct gw_iface_ops *ops;
	char key[GW_NAME_MAX], old[GW_NAME_MAX];
	struct gw_iface *ifc, *other;
	int rc;

	ifc = gw_iface_by_name(conf->name);
	if (ifc == NULL)
		return gw_error_set(err, -ENODEV, "no link \"%s\"", conf->name);
	ops = kind_ops[ifc->kind];
	if (conf->given & GW_LINK_GIVEN_NAME) {
		other = gw_iface_by_name(conf->newname);
		if (other != NULL && other != ifc)
			return gw_error_set(err, -EEXIST, "link name \"%s\" is taken", conf->newname);
	}
	/*
	 * Joining or leaving a bridge, or a member going up or down, is checked
	 * and its bridge objects built first (with the state the command leaves
	 * the interface in), made last: it cannot fail then.
	 */
	if (conf->given & (GW_LINK_GIVEN_MASTER | GW_LINK_GIVEN_UP)) {
		rc = gw_bridge_master_prepare(ifc, conf->given & GW_LINK_GIVEN_MASTER ?
					      conf->master : NULL, conf->given & GW_LINK_GIVEN_UP ?
					      conf->up : ifc->up, err);
		if (rc < 0)
			return rc;
	}
	if ((conf->given & ~(GW_LINK_GIVEN_NAME | GW_LINK_GIVEN_MASTER)) != 0) {
		if (ops == NULL || ops->set == NULL)
			rc = gw_error_set(err, -EOPNOTSUPP, "%s: a %s has no such settings",
					  ifc->name, gw_iface_kind_name(ifc->kind));
		else
			rc = ops->set(ifc, conf, err);
		if (rc < 0) {
			gw_bridge_master_cancel();
			return rc;
		}
	}
	gw_bridge_master_commit(); /* nothing when nothing was prepared */
	if (!(conf->given & GW_LINK_GIVEN_NAME) || strcmp(conf->newname, ifc->name) == 0)
		return 0;
	/* the kind accepted its words: the rename cannot fail (its slot is freed first) */
	memcpy(old, ifc->name, sizeof(old));
	rte_hash_del_key(names, ifc->name);
	name_key(conf->newname, key);
	rte_hash_add_key_data(names, key, (void *)(uintptr_t)ifc->id);
	memcpy(ifc->name, key, sizeof(ifc->name));
	if (ops != NULL && ops->renamed != NULL)
		ops->renamed(ifc, old);
	return 0;
}

uint16_t
gw_iface_mtu(const struct gw_iface *ifc)
{
	const struct gw_iface_ops *ops = kind_ops[ifc->kind];

	return ops != NULL && ops->mtu != NULL ? ops->mtu(ifc) : 0;
}

const char *
gw_iface_name(uint16_t id)
{
	return id < gw_iface_max && gw_ifaces[id].used ? gw_ifaces[id].name : "";
}

void
gw_iface_foreach(void (*cb)(struct gw_iface *ifc, void *arg), void *arg)
{
	unsigned int i;

	for (i = 0; i < gw_iface_max; i++)
		if (gw_ifaces[i].used)
			cb(&gw_ifaces[i], arg);
}
