/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Interfaces: the one table of everything that has a name, an admin state
 * and an MTU, whatever its kind (gw_iface_kind.def): ports and tunnels now,
 * bridges later. Addresses, routes, next hops and counters name interfaces
 * by id; `link show` and `link set` work on every kind, each kind bringing
 * its own operations (as grout's iface types do).
 *
 * The table is the control thread's: workers never read it. What a worker
 * needs of an interface (a port's MAC, a tunnel's admin state) lives in the
 * kind's own objects, published to the workers by the kind.
 */
#ifndef GW_IFACE_H
#define GW_IFACE_H

#include <stdbool.h>
#include <stdint.h>

#include "gw_conf.h"
#include "gw_error.h"

#define GW_IFACE_NONE UINT16_MAX /**< no interface */

/** Kinds of interface. */
enum gw_iface_kind {
#define GW_IFACE_KIND(e, name, what) GW_IFACE_##e,
#include "gw_iface_kind.def"
#undef GW_IFACE_KIND
	GW_IFACE_KIND_MAX
};

/** One interface. */
struct gw_iface {
	char name[GW_NAME_MAX]; /**< unique among every kind */
	uint16_t id;            /**< index in gw_ifaces[] */
	uint16_t idx;           /**< index in the kind's own table (gw_ports[], gw_tunnels[]) */
	uint8_t kind;           /**< enum gw_iface_kind */
	bool used;              /**< the slot holds an interface */
	bool up;                /**< administratively up */
	uint16_t master;        /**< the bridge interface it is a member of, or GW_IFACE_NONE */
};

/** What a kind does for the generic link words. Every member may be NULL: not supported. */
struct gw_iface_ops {
	/**
	 * link set of this kind's words (address, mtu, up|down): validate every
	 * word given, then apply all of them; the name is the table's business.
	 *
	 * @return 0, or -errno with err naming the word; nothing changes on error.
	 */
	int (*set)(struct gw_iface *ifc, const struct gw_link_conf *conf, struct gw_error *err);
	/** The interface's MTU as link show prints it: what an L3 packet may carry. */
	uint16_t (*mtu)(const struct gw_iface *ifc);
	/** The name changed (ifc->name is the new one); old is the one it had. */
	void (*renamed)(struct gw_iface *ifc, const char *old);
};

/**
 * Interface ids are below it: a port, a tunnel or a bridge each
 * (GW_PORT_MAX + gw_limits.tunnels + GW_BRIDGE_MAX), set by gw_iface_init;
 * 0 before.
 */
extern uint32_t gw_iface_max;

extern struct gw_iface *gw_ifaces; /**< by id, gw_iface_max of them; control thread only */

/** The interface kind of a tunnel mode. */
static inline enum gw_iface_kind
gw_iface_kind_of_mode(enum gw_tunnel_mode mode)
{
	if (gw_tunnel_mode_is_ip6(mode))
		return gw_tunnel_mode_is_tap(mode) ? GW_IFACE_IP6GRETAP : GW_IFACE_IP6GRE;
	return gw_tunnel_mode_is_tap(mode) ? GW_IFACE_GRETAP : GW_IFACE_GRE;
}

/** Whether an interface of a kind is a tunnel. */
static inline bool
gw_iface_kind_is_tunnel(enum gw_iface_kind kind)
{
	return kind == GW_IFACE_GRE || kind == GW_IFACE_GRETAP || kind == GW_IFACE_IP6GRE ||
	       kind == GW_IFACE_IP6GRETAP;
}

/** Whether an interface of a kind is a tunnel that carries Ethernet frames (a bridge member). */
static inline bool
gw_iface_kind_is_tap(enum gw_iface_kind kind)
{
	return kind == GW_IFACE_GRETAP || kind == GW_IFACE_IP6GRETAP;
}

/** Whether an interface of a kind is a tunnel that carries IP packets (routes lead into it). */
static inline bool
gw_iface_kind_is_ip_tunnel(enum gw_iface_kind kind)
{
	return kind == GW_IFACE_GRE || kind == GW_IFACE_IP6GRE;
}

/**
 * Called when an interface id is taken again: the owner of per-id counters
 * (lib/stats: a bridge member's) starts them from zero. Set by that layer.
 */
extern void (*gw_iface_id_reset_cb)(uint16_t id);

/** Create the table (gw_iface_max interfaces) and its name index. @return 0 or -ENOMEM. */
int gw_iface_init(int socket);

/** A kind's operations, given once by the file that implements the kind. */
void gw_iface_ops_register(enum gw_iface_kind kind, const struct gw_iface_ops *ops);

/** Name of a kind ("port", "gre", ...). */
const char *gw_iface_kind_name(enum gw_iface_kind kind);

/**
 * Add an interface.
 *
 * @param idx  Its index in the kind's table.
 * @return its id, or -EEXIST (name taken), -ENOSPC, -ENOMEM with err set.
 */
int gw_iface_add(enum gw_iface_kind kind, uint16_t idx, const char *name, bool up,
		 struct gw_error *err);

/**
 * Make every probed port an interface, in port order (port0 gets id 0), and
 * register the port kind's operations.
 *
 * @return 0 or -errno with err set.
 */
int gw_iface_ports_add(struct gw_error *err);

/**
 * Turn the ports' automatic link-local IPv6 addresses on and give each
 * routed port its own now (gw_addr_linklocal_sync); called at start and
 * again once the ports started (a PMD may pick its MAC then). A port that
 * cannot have one (same MAC as another, tables full) is logged, not refused.
 */
void gw_iface_ports_linklocal(void);

/** gw_addr_linklocal_sync of one port, its failure logged (its MAC or bridge changed). */
void gw_iface_port_linklocal_sync(uint16_t port);

/** Remove an interface: its name may be reused at once, its id after the next grace period. */
void gw_iface_del(uint16_t id);

/** The interface of a name, or NULL. */
struct gw_iface *gw_iface_by_name(const char *name);

/**
 * The interface of a name, for a command's "dev NAME".
 *
 * @return 0 with *out set, or -ENODEV with err naming it.
 */
int gw_iface_lookup(const char *name, struct gw_iface **out, struct gw_error *err);

/**
 * link set on any kind: the new name is checked against every kind, the
 * kind checks and applies its own words, the interface joins or leaves a
 * bridge (master BR, nomaster; gw_bridge.h), then the name changes.
 *
 * @return 0, or -errno with err naming the word; nothing changes on error.
 */
int gw_iface_set(const struct gw_link_conf *conf, struct gw_error *err);

/** The MTU of an interface (link show), 0 when its kind has none. */
uint16_t gw_iface_mtu(const struct gw_iface *ifc);

/** Name of the interface of an id; "" for GW_IFACE_NONE or a free id. */
const char *gw_iface_name(uint16_t id);

/** Call cb for every interface, in id order. */
void gw_iface_foreach(void (*cb)(struct gw_iface *ifc, void *arg), void *arg);

#endif /* GW_IFACE_H */
