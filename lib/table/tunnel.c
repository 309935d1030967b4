/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Tunnels and their peers' publication. Everything a worker needs per packet
 * is computed here, into the peer object: the outer IPv4 or IPv6 + GRE
 * bytes, the offset of the sequence field, the MTU, the underlay next hop.
 * The decap hashes (one per underlay family) are rte_hash with lock-free
 * readers; the control thread is the only writer, and gives hash slots back
 * after a grace period. An rte_rib (rte_rib6) of the peers' remote addresses
 * tells which peers a route change concerns. The tables are sized once,
 * from gw_limits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_rib.h>
#include <rte_rib6.h>

#include "gw_addr.h"
#include "gw_alloc.h"
#include "gw_cksum.h"
#include "gw_fdb.h"
#include "gw_gre.h"
#include "gw_ids.h"
#include "gw_ip6.h"
#include "gw_iface.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_rcu.h"
#include "gw_route.h"
#include "gw_tunnel.h"
#include "gw_tunnel_opt.h"

struct gw_tunnel **gw_tunnels;
struct gw_spoke_set **gw_tunnel_spokes;
uint8_t *gw_tunnel_learn_full;
unsigned int gw_pmtu_timeout_s = GW_PMTU_TIMEOUT_DEFAULT;
struct rte_hash *gw_tunnel_hash4;
struct rte_hash *gw_tunnel_pair_hash4;
struct rte_hash *gw_tunnel_hash6;
struct rte_hash *gw_tunnel_pair_hash6;
static int tunnel_socket;
static uint32_t *free_idx;
static struct gw_ids idxs;

/* The peers by remote address, for route changes: a host node's ext is its chain's head. */
static struct rte_rib *remotes4;
static struct rte_rib6 *remotes6;
static uint32_t *remote_next; /* by peer id: the chain of peers of one remote */

/* (local, remote) of either family, the address bytes zeroed past the family's */
struct pair_key {
	uint8_t local[16];
	uint8_t remote[16];
};

struct pair_key4 {
	uint32_t local;
	uint32_t remote;
};

/* a deferred hash slot's tag: the pair hash, not the tunnel hash; IPv6's, not IPv4's */
#define PAIR_POS (1u << 31)
#define V6_POS (1u << 30)

static const struct gw_iface_ops tunnel_ops;
static void spokes_publish(uint16_t idx, struct gw_spoke_set *s);

int
gw_tunnel_init(int socket)
{
	struct rte_hash_parameters hp = {
		.name = "gw_tunnels4",
		/* a tunnel change adds its peers' new keys before the old ones go; and
		 * rte_hash takes no fewer than a bucket's entries */
		.entries = RTE_MAX(gw_limits.peers * 2, 64u),
		.key_len = sizeof(struct gw_tunnel_key4),
		/* CRC32 instructions: two for a 16-byte key, a third of jhash's cost per
		 * packet with many tunnels (doc/benchmarks.md) */
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_rib_conf rc = { .ext_sz = sizeof(uint32_t), .max_nodes = gw_limits.peers * 2 };
	struct rte_rib6_conf rc6 = { .ext_sz = sizeof(uint32_t), .max_nodes = gw_limits.peers * 2 };

	tunnel_socket = socket;
	gw_tunnels = calloc(gw_limits.tunnels, sizeof(*gw_tunnels));
	free_idx = calloc(gw_limits.tunnels, sizeof(*free_idx));
	remote_next = calloc(gw_limits.peers, sizeof(*remote_next));
	/* what workers read, on their socket */
	gw_tunnel_spokes = rte_zmalloc_socket("gw_tunnel_spokes",
					      sizeof(*gw_tunnel_spokes) * gw_limits.tunnels,
					      RTE_CACHE_LINE_SIZE, socket);
	gw_tunnel_learn_full = rte_zmalloc_socket("gw_tunnel_learn_full",
						  sizeof(*gw_tunnel_learn_full) * gw_limits.tunnels,
						  RTE_CACHE_LINE_SIZE, socket);
	if (gw_tunnels == NULL || free_idx == NULL || remote_next == NULL ||
	    gw_tunnel_spokes == NULL || gw_tunnel_learn_full == NULL)
		return -ENOMEM;
	gw_tunnel_hash4 = rte_hash_create(&hp);
	hp.name = "gw_tunnels6";
	hp.key_len = sizeof(struct gw_tunnel_key6);
	gw_tunnel_hash6 = rte_hash_create(&hp);
	hp.name = "gw_tunnel_pairs4";
	hp.key_len = sizeof(struct pair_key4);
	gw_tunnel_pair_hash4 = rte_hash_create(&hp);
	hp.name = "gw_tunnel_pairs6";
	hp.key_len = sizeof(struct pair_key);
	gw_tunnel_pair_hash6 = rte_hash_create(&hp);
	remotes4 = rte_rib_create("gw_peer_remotes4", socket, &rc);
	remotes6 = rte_rib6_create("gw_peer_remotes6", socket, &rc6);
	if (gw_tunnel_hash4 == NULL || gw_tunnel_pair_hash4 == NULL || remotes4 == NULL ||
	    gw_tunnel_hash6 == NULL || gw_tunnel_pair_hash6 == NULL || remotes6 == NULL)
		return -ENOMEM;
	gw_ids_init(&idxs, free_idx, 0, gw_limits.tunnels);
	gw_iface_ops_register(GW_IFACE_GRE, &tunnel_ops);
	gw_iface_ops_register(GW_IFACE_GRETAP, &tunnel_ops);
	gw_iface_ops_register(GW_IFACE_IP6GRE, &tunnel_ops);
	gw_iface_ops_register(GW_IFACE_IP6GRETAP, &tunnel_ops);
	return 0;
}

uint32_t
gw_tunnel_idx_end(void)
{
	return idxs.next;
}

struct gw_tunnel *
gw_tunnel_of_iface(uint16_t iface)
{
	const struct gw_iface *ifc = &gw_ifaces[iface];

	if (iface >= gw_iface_max || !ifc->used || !gw_iface_kind_is_tunnel(ifc->kind))
		return NULL;
	return gw_tunnels[ifc->idx];
}

struct gw_tunnel *
gw_tunnel_by_name(const char *name)
{
	const struct gw_iface *ifc = gw_iface_by_name(name);

	return ifc == NULL ? NULL : gw_tunnel_of_iface(ifc->id);
}

bool
gw_tunnel_oper_up(const struct gw_tunnel *t)
{
	const struct gw_peer *p = t->nb_peers > 0 ? gw_peers[t->peers[0]] : NULL;

	if (p != NULL && p->role == GW_PEER_ANY)
		return p->up; /* a hub receives from anyone; each spoke has its own underlay */
	/* the line protocol, as Cisco's: down while keepalives go unanswered */
	return p != NULL && p->up && p->unh != 0 && gw_peer_live[p->id].state != GW_LIVE_DOWN &&
	       (gw_nh_l2_load(&gw_nhs[p->unh]) & GW_NH_L2_VALID);
}

/*
 * The hash slots: with lock-free readers rte_hash keeps a deleted key's slot
 * until rte_hash_free_key_with_position, called after the grace period.
 */
static void
slot_free(uintptr_t pos)
{
	struct rte_hash *h = pos & PAIR_POS ?
		(pos & V6_POS ? gw_tunnel_pair_hash6 : gw_tunnel_pair_hash4) :
		(pos & V6_POS ? gw_tunnel_hash6 : gw_tunnel_hash4);

	rte_hash_free_key_with_position(h, pos & ~(PAIR_POS | V6_POS));
}

static void
key_del(struct rte_hash *h, const void *key, uint32_t tag)
{
	int32_t pos = rte_hash_del_key(h, key);

	if (pos >= 0)
		gw_rcu_defer(slot_free, (uint32_t)pos | tag);
}

void
gw_tunnel_key4_of(const struct gw_peer *p, struct gw_tunnel_key4 *k)
{
	memset(k, 0, sizeof(*k));
	k->local = p->local.v4;
	if (p->role == GW_PEER_ANY)
		k->flags = GW_TKEY_ANY_REMOTE;
	else
		k->remote = p->remote.v4;
	if (p->opts & GW_TUN_IKEY) {
		k->key = p->ikey;
		k->flags |= GW_TKEY_HAS_KEY;
	}
}

void
gw_tunnel_key6_of(const struct gw_peer *p, struct gw_tunnel_key6 *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->local, p->local.v6, sizeof(k->local));
	if (p->role == GW_PEER_ANY)
		k->flags = GW_TKEY_ANY_REMOTE;
	else
		memcpy(k->remote, p->remote.v6, sizeof(k->remote));
	if (p->opts & GW_TUN_IKEY) {
		k->key = p->ikey;
		k->flags |= GW_TKEY_HAS_KEY;
	}
}

/* A peer's decap key, of its underlay's family. */
static void
key_of(const struct gw_peer *p, struct gw_tunnel_key *k)
{
	k->family = p->local.family;
	if (k->family == AF_INET6)
		gw_tunnel_key6_of(p, &k->k6);
	else
		gw_tunnel_key4_of(p, &k->k4);
}

/* The decap hash of a key's family, and the key as that hash takes it. */
static struct rte_hash *
key_hash(const struct gw_tunnel_key *k)
{
	return k->family == AF_INET6 ? gw_tunnel_hash6 : gw_tunnel_hash4;
}

static const void *
key_bytes(const struct gw_tunnel_key *k)
{
	return k->family == AF_INET6 ? (const void *)&k->k6 : (const void *)&k->k4;
}

static bool
key_same(const struct gw_tunnel_key *a, const struct gw_tunnel_key *b)
{
	return a->family == b->family &&
	       memcmp(key_bytes(a), key_bytes(b), a->family == AF_INET6 ? sizeof(a->k6) :
								      sizeof(a->k4)) == 0;
}

static int
key_add(const struct gw_tunnel_key *k, struct gw_peer *p)
{
	return rte_hash_add_key_data(key_hash(k), key_bytes(k), p);
}

static void
key_remove(const struct gw_tunnel_key *k)
{
	key_del(key_hash(k), key_bytes(k), k->family == AF_INET6 ? V6_POS : 0);
}

/*
 * Outer IPv6 (and the tunnel encapsulation limit option, RFC 2473 §5.1) as
 * sent; per packet only the payload length, traffic class, flow label and
 * hop limit change. Returns its length.
 */
static size_t
build_ip6(uint8_t *hdr, struct gw_peer *p, const struct gw_tunnel_conf *c)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)hdr;
	uint8_t *opt = hdr + sizeof(*ip);
	uint32_t flow = c->opts & GW_TUN_FLOWLABEL_INHERIT ? 0 : c->flowlabel;

	p->dscp = c->opts & GW_TUN_TOS_INHERIT ? 0 : c->tos & ~GW_ECN_MASK;
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | (flow & 0xfffff));
	ip->hop_limits = c->opts & GW_TUN_TTL_INHERIT ? 0 : c->ttl;
	memcpy(ip->src_addr, p->local.v6, 16);
	memcpy(ip->dst_addr, p->remote.v6, 16);
	if (c->opts & GW_TUN_ENCAPLIMIT) {
		/* a destination options header: next GRE, length 0 (8 bytes), the
		 * tunnel encapsulation limit option, a PadN of one byte */
		ip->proto = GW_IPPROTO_DSTOPTS;
		opt[0] = IPPROTO_GRE;
		opt[1] = 0;
		opt[2] = GW_IP6_OPT_TUNNEL_LIMIT;
		opt[3] = 1;
		opt[4] = c->encaplimit;
		opt[5] = 1; /* PadN */
		opt[6] = 1;
		opt[7] = 0;
		return sizeof(*ip) + 8;
	}
	ip->proto = IPPROTO_GRE;
	return sizeof(*ip);
}

/* Outer IPv4 or IPv6 + GRE as sent; per packet only length, ID, checksum, seq change. */
static void
build_rewrite(struct gw_peer *p, const struct gw_tunnel_conf *c)
{
	struct gw_gre_info gre = { .proto = p->proto };
	uint8_t hdr[GW_PEER_RW_MAX];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)hdr;
	size_t gre_len, ip_len = sizeof(*ip);

	memset(hdr, 0, sizeof(hdr));
	if (p->local.family == AF_INET6) {
		ip_len = build_ip6(hdr, p, c);
		p->rw_sum = 0;
		goto gre;
	}
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	/* per packet: DSCP (configured or inherited) | the inner ECN bits (RFC 6040) */
	ip->type_of_service = 0;
	p->dscp = c->opts & GW_TUN_TOS_INHERIT ? 0 : c->tos & ~GW_ECN_MASK;
	ip->fragment_offset = c->opts & GW_TUN_NOPMTUDISC ? 0 :
			      rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = c->opts & GW_TUN_TTL_INHERIT ? 0 : c->ttl;
	ip->next_proto_id = IPPROTO_GRE;
	ip->src_addr = p->local.v4;
	ip->dst_addr = p->remote.v4;
	/* the per-packet checksum starts from this sum (length, ID, inherited TTL/TOS added) */
	p->rw_sum = gw_ipv4_sum20(ip);
gre:
	if (c->opts & GW_TUN_OCSUM)
		gre.flags |= GW_GRE_F_CSUM;
	if (c->opts & GW_TUN_OKEY) {
		gre.flags |= GW_GRE_F_KEY;
		gre.key = c->okey;
	}
	if (c->opts & GW_TUN_OSEQ)
		gre.flags |= GW_GRE_F_SEQ;
	gre_len = gw_gre_build(hdr + ip_len, &gre);
	/* the GRE checksum starts from this one (sequence number and payload added) */
	p->gre_sum = rte_raw_cksum(hdr + ip_len, gre_len);
	p->gre_off = ip_len;
	p->rw_len = ip_len + gre_len;
	memset(p->rw, 0, sizeof(p->rw));
	memcpy(p->rw + GW_PEER_RW_MAX - p->rw_len, hdr, p->rw_len);
	RTE_ASSERT(p->rw_len == gw_tunnel_conf_overhead(c->mode, c->opts) -
			       (gw_tunnel_mode_is_tap(c->mode) ? GW_INNER_ETH_LEN : 0));
	/* the sequence number is the last option when present */
	p->seq_off = c->opts & GW_TUN_OSEQ ? p->rw_len - 4 : 0;
}

/* The port index a tunnel's "dev" names, or -1 for none (the route decides). */
static int
dev_port(const struct gw_tunnel_conf *c)
{
	const struct gw_iface *ifc;

	if (c->dev[0] == '\0')
		return -1;
	ifc = gw_iface_by_name(c->dev);
	return ifc != NULL && ifc->kind == GW_IFACE_PORT ? ifc->idx : -1;
}

/* A peer's underlay next hop and MTU from the staged routes. */
static void
peer_resolve(struct gw_peer *p, const struct gw_tunnel_conf *c)
{
	uint32_t nh = p->role == GW_PEER_ANY ? GW_NH_IDX_DROP : gw_route_lookup(&p->remote);
	uint32_t unh = 0;
	uint16_t port = 0, max_mtu;
	const struct gw_nh *n = &gw_nhs[nh];
	int idx, pin = dev_port(c);

	/* a hub's wildcard peer sends nothing: its MTU is the default underlay's */
	if (n->kind == GW_NH_GLEAN) {
		/* remote on a connected prefix: it is its own neighbour */
		idx = gw_nh_neigh_get(n->port, &p->remote, true);
		if (idx > 0 && gw_route_add(&p->remote, gw_ip_bits(&p->remote), idx, GW_ROUTE_NEIGH, NULL, NULL) == 0)
			unh = idx;
	} else if (n->kind == GW_NH_NEIGH) {
		unh = nh;
	}
	if (unh != 0) {
		port = gw_nhs[unh].port;
		if (c->dev[0] != '\0' && pin != port)
			unh = 0; /* the route leaves by another port than dev says */
	}
	/*
	 * The underlay's MTU bounds the tunnel's: a larger "mtu N" would send
	 * outer packets the port cannot carry, so the effective MTU is the
	 * smaller of the two.
	 */
	max_mtu = unh != 0 ? gw_ports[port].mtu : RTE_ETHER_MTU;
	if (p->pmtu != 0)
		max_mtu = RTE_MIN(max_mtu, p->pmtu); /* what the path beyond said */
	max_mtu -= gw_tunnel_conf_overhead(c->mode, c->opts);
	p->mtu = c->mtu != 0 ? RTE_MIN(c->mtu, max_mtu) : max_mtu;
	/* a gretap tunnel carries frames as they are: no TCP to clamp */
	p->mss4_max = gw_tunnel_mode_is_tap(c->mode) ? 0 :
		      gw_tunnel_mss_max(p->mtu, c->clamp_mss, GW_TCP_MSS_OVERHEAD_IPV4);
	/* an IPv6 packet is never told an MTU below 1280 (RFC 8200 §5): the outer one fragments */
	p->mtu6 = RTE_MAX(p->mtu, (uint16_t)GW_IPV6_MIN_MTU);
	p->mss6_max = gw_tunnel_mode_is_tap(c->mode) ? 0 :
		      gw_tunnel_mss_max(p->mtu6, c->clamp_mss, GW_TCP_MSS_OVERHEAD_IPV6);
	p->unh = unh;
}

/*
 * A new peer object for a tunnel's configuration, resolved, not published:
 * its remote is the tunnel's, or a spoke's own (old's, or remote for a new spoke).
 */
static struct gw_peer *
peer_build(const struct gw_tunnel *t, const struct gw_tunnel_conf *c, uint32_t id,
	   const struct gw_peer *old, enum gw_peer_role role, const struct gw_ip *remote)
{
	struct gw_peer *p;

	p = gw_alloc_shared(sizeof(*p), tunnel_socket);
	if (p == NULL)
		return NULL;
	p->id = id;
	p->tunnel = t->idx;
	p->iface = t->iface;
	p->opts = c->opts;
	p->ikey = c->ikey;
	p->proto = gw_tunnel_mode_is_tap(c->mode) ? GW_GRE_PROTO_TEB : GW_GRE_PROTO_IPV4;
	p->ip6 = gw_tunnel_mode_is_ip6(c->mode);
	p->local = c->local;
	p->role = role;
	p->any = role == GW_PEER_ANY;
	p->remote = role == GW_PEER_SPOKE ? (old != NULL ? old->remote : *remote) : c->remote;
	if (old != NULL) {
		p->refs = old->refs;
		p->slot = old->slot;
	}
	p->up = gw_ifaces[t->iface].up;
	if (old != NULL && gw_ip_equal(&old->local, &p->local) &&
	    gw_ip_equal(&old->remote, &p->remote)) { /* the same path */
		p->pmtu = old->pmtu;
		p->pmtu_expire = old->pmtu_expire;
	}
	build_rewrite(p, c);
	peer_resolve(p, c);
	return p;
}

/* Publish a peer object and point its decap entry at it. */
static void
peer_publish(struct gw_peer *p)
{
	struct gw_tunnel_key k;

	gw_peer_publish(p);
	key_of(p, &k);
	if (rte_hash_lookup(key_hash(&k), key_bytes(&k)) >= 0)
		key_add(&k, p); /* an atomic data update */
}

/*
 * The remote index: a peer joins or leaves the chain of its remote. A
 * node's ext holds the first peer's id + 1 (0: none); remote_next[] links
 * the rest, GW_PEER_NONE ending the chain.
 */
/* The chain head of a remote address's host node, inserted when asked; NULL: none. */
static uint32_t *
remote_head(const struct gw_ip *ip, bool insert)
{
	uint32_t host = rte_be_to_cpu_32(ip->v4);
	struct rte_rib6_node *n6;
	struct rte_rib_node *n;

	if (ip->family == AF_INET6) {
		n6 = insert ? rte_rib6_insert(remotes6, ip->v6, 128) : NULL;
		if (n6 != NULL) {
			*(uint32_t *)rte_rib6_get_ext(n6) = 0; /* a new node: ext is not zeroed */
			return rte_rib6_get_ext(n6);
		}
		n6 = rte_rib6_lookup_exact(remotes6, ip->v6, 128);
		return n6 == NULL ? NULL : rte_rib6_get_ext(n6);
	}
	n = insert ? rte_rib_insert(remotes4, host, 32) : NULL;
	if (n != NULL) {
		*(uint32_t *)rte_rib_get_ext(n) = 0;
		return rte_rib_get_ext(n);
	}
	n = rte_rib_lookup_exact(remotes4, host, 32);
	return n == NULL ? NULL : rte_rib_get_ext(n);
}

/* Call fn with the chain head of every remote within dst/len. */
static void
remotes_within(const struct gw_ip *dst, uint8_t len, void (*fn)(uint32_t *head, void *arg),
	       void *arg)
{
	struct gw_prefix in = { .addr = *dst, .len = len }, net;
	struct rte_rib6_node *n6 = NULL;
	struct rte_rib_node *n = NULL;
	uint32_t *head;

	if (len == gw_ip_bits(dst)) {
		head = remote_head(dst, false);
		if (head != NULL)
			fn(head, arg);
		return;
	}
	gw_prefix_masked(&in, &net);
	if (dst->family == AF_INET6) {
		while ((n6 = rte_rib6_get_nxt(remotes6, net.addr.v6, len, n6,
					      RTE_RIB6_GET_NXT_ALL)) != NULL)
			fn(rte_rib6_get_ext(n6), arg);
		return;
	}
	while ((n = rte_rib_get_nxt(remotes4, rte_be_to_cpu_32(net.addr.v4), len, n,
				    RTE_RIB_GET_NXT_ALL)) != NULL)
		fn(rte_rib_get_ext(n), arg);
}

static void
remote_link(const struct gw_peer *p)
{
	uint32_t *head = remote_head(&p->remote, true);

	if (head == NULL)
		return; /* out of nodes: route changes will miss this peer */
	remote_next[p->id] = *head == 0 ? GW_PEER_NONE : *head - 1;
	*head = p->id + 1;
}

static void
remote_unlink(const struct gw_peer *p)
{
	uint32_t *head = remote_head(&p->remote, false), id, prev = GW_PEER_NONE;

	if (head == NULL)
		return;
	for (id = *head == 0 ? GW_PEER_NONE : *head - 1; id != GW_PEER_NONE;
	     prev = id, id = remote_next[id]) {
		if (id != p->id)
			continue;
		if (prev == GW_PEER_NONE)
			*head = remote_next[id] == GW_PEER_NONE ? 0 : remote_next[id] + 1;
		else
			remote_next[prev] = remote_next[id];
		break;
	}
	if (*head != 0)
		return;
	if (p->remote.family == AF_INET6)
		rte_rib6_remove(remotes6, p->remote.v6, 128);
	else
		rte_rib_remove(remotes4, rte_be_to_cpu_32(p->remote.v4), 32);
}

static int
check_conf(const struct gw_tunnel_conf *c, bool is_new, struct gw_error *err)
{
	struct gw_error why = { 0 };
	char a[GW_IP_STRLEN];
	struct gw_iface *dev;
	int rc;

	/* what only IP tunnels have (clamp-mss), on a tunnel change that gave no mode */
	rc = gw_tunnel_conf_check_mode(c, &why);
	if (rc < 0)
		return gw_error_set(err, rc, "tunnel %s: %s", c->name, why.msg);
	if (c->local.family != (gw_tunnel_mode_is_ip6(c->mode) ? AF_INET6 : AF_INET) ||
	    (c->remote.family != 0 && c->remote.family != c->local.family))
		return gw_error_set(err, -EINVAL, "tunnel %s: mode %s takes %s local and remote "
				    "addresses", c->name, gw_tunnel_mode_name(c->mode),
				    gw_tunnel_mode_is_ip6(c->mode) ? "IPv6" : "IPv4");
	if (gw_tunnel_mode_is_ip6(c->mode) && (c->opts & GW_TUN_LEARN))
		return gw_error_set(err, -ENOTSUP, "tunnel %s: learn: a hub over IPv6 takes its "
				    "spokes from neigh add (learning is IPv4's for now)", c->name);
	if (is_new && gw_iface_by_name(c->name) != NULL)
		return gw_error_set(err, -EEXIST, "name \"%s\" is taken", c->name);
	if (!gw_addr_is_local(&c->local))
		return gw_error_set(err, -EADDRNOTAVAIL,
				    "tunnel %s: local %s is not an address of this gateway (addr add it first)",
				    c->name, gw_ip_fmt(&c->local, a, sizeof(a)));
	if (c->dev[0] != '\0') {
		rc = gw_iface_lookup(c->dev, &dev, err);
		if (rc < 0)
			return rc;
		if (dev->kind != GW_IFACE_PORT)
			return gw_error_set(err, -EINVAL, "tunnel %s: dev %s is a %s, not a port",
					    c->name, c->dev, gw_iface_kind_is_tunnel(dev->kind) ?
					    "tunnel" : gw_iface_kind_name(dev->kind));
	}
	return 0;
}

/* The (local, remote) pair count, for telling key mismatches from strangers. */
static void
pair_count(const struct gw_peer *p, int delta)
{
	struct pair_key4 pk4 = { .local = p->local.v4, .remote = p->remote.v4 };
	struct pair_key pk6;
	bool v6 = p->local.family == AF_INET6;
	struct rte_hash *h = v6 ? gw_tunnel_pair_hash6 : gw_tunnel_pair_hash4;
	const void *pk = &pk4;
	uintptr_t n = 0;
	void *data;

	if (v6) {
		memcpy(pk6.local, p->local.v6, 16);
		memcpy(pk6.remote, p->remote.v6, 16); /* zero for a hub's (family 0) */
		if (p->remote.family == 0)
			memset(pk6.remote, 0, 16);
		pk = &pk6;
	}
	if (rte_hash_lookup_data(h, pk, &data) >= 0)
		n = (uintptr_t)data;
	n += delta;
	if (n > 0)
		rte_hash_add_key_data(h, pk, (void *)n);
	else
		key_del(h, pk, PAIR_POS | (v6 ? V6_POS : 0));
}

static bool
key_taken(const struct gw_tunnel_key *k, const struct gw_peer *self)
{
	void *data;

	return rte_hash_lookup_data(key_hash(k), key_bytes(k), &data) >= 0 && data != self;
}

static int
taken_error(const char *name, struct gw_error *err)
{
	return gw_error_set(err, -EEXIST,
			    "tunnel %s: another tunnel already receives these local, remote and key",
			    name);
}

/*
 * After the grace period: the index may be given again (a worker may still
 * hold a peer naming it until then; the tunnel object itself is the control
 * thread's and went at once).
 */
static void
idx_free(uintptr_t idx)
{
	gw_ids_give(&idxs, idx);
}

int
gw_tunnel_add(const struct gw_tunnel_conf *conf, struct gw_error *err)
{
	char who[GW_NAME_MAX + 16];
	struct gw_tunnel_key k;
	struct gw_tunnel *t;
	struct gw_peer *p;
	int rc, nh, id, iface;

	rc = check_conf(conf, true, err);
	if (rc < 0)
		return rc;
	if (!gw_ids_left(&idxs) && gw_rcu_deferred() != 0)
		gw_rcu_flush(); /* indexes wait for the grace period of an earlier delete */
	if (!gw_ids_left(&idxs))
		return gw_error_set(err, -ENOSPC, "tunnel %s: more than %u tunnels (--max-tunnels)",
				    conf->name, gw_limits.tunnels);
	t = gw_alloc(sizeof(*t));
	if (t != NULL)
		t->peers = gw_alloc(sizeof(*t->peers));
	if (t == NULL || t->peers == NULL) {
		free(t);
		return gw_error_set(err, -ENOMEM, "tunnel %s: out of memory", conf->name);
	}
	t->conf = *conf;
	t->idx = gw_ids_take(&idxs); /* given back below on failure: nobody named it yet */
	t->peers_cap = 1;
	iface = gw_iface_add(gw_iface_kind_of_mode(conf->mode), t->idx, conf->name, true, err);
	if (iface < 0)
		goto fail_tunnel;
	t->iface = iface;
	id = gw_peer_id_alloc();
	if (id < 0) {
		rc = gw_error_set(err, id, "tunnel %s: more than %u peers (--max-peers)", conf->name,
				  gw_limits.peers);
		goto fail_iface;
	}
	p = peer_build(t, conf, id, NULL,
		       gw_tunnel_conf_is_multipoint(conf) ? GW_PEER_ANY : GW_PEER_FIXED, NULL);
	if (p == NULL) {
		rc = gw_error_set(err, -ENOMEM, "tunnel %s: out of memory", conf->name);
		goto fail_id;
	}
	key_of(p, &k);
	if (key_taken(&k, NULL)) {
		rc = taken_error(conf->name, err);
		goto fail_peer;
	}
	nh = gw_nh_alloc(p->role == GW_PEER_ANY ? GW_NH_REPLICATE : GW_NH_TUNNEL);
	if (nh < 0) {
		snprintf(who, sizeof(who), "tunnel %s: ", conf->name);
		rc = gw_nh_error(err, nh, who);
		goto fail_peer;
	}
	gw_nhs[nh].tunnel = t->idx;
	gw_nhs[nh].peer = id;
	gw_nhs[nh].iface = t->iface;
	t->nh = nh;
	t->unmapped_nh = 0;
	if (p->role == GW_PEER_ANY) {
		/* what a connected prefix leads to until a mapping says where its address is */
		rc = gw_nh_alloc(GW_NH_SPOKE);
		if (rc < 0) {
			gw_nh_release(nh);
			snprintf(who, sizeof(who), "tunnel %s: ", conf->name);
			rc = gw_nh_error(err, rc, who);
			goto fail_peer;
		}
		t->unmapped_nh = rc;
		gw_nhs[rc].tunnel = t->idx;
		gw_nhs[rc].iface = t->iface;
	}

	/* Publish: the object first, then the hash entry that leads to it. */
	gw_peer_publish(p);
	rc = key_add(&k, p);
	if (rc < 0) {
		gw_nh_release(nh);
		if (t->unmapped_nh != 0)
			gw_nh_release(t->unmapped_nh);
		gw_peer_id_release(id);
		gw_iface_del(t->iface);
		gw_ids_give(&idxs, t->idx);
		free(t->peers);
		free(t);
		return gw_error_set(err, rc, "tunnel %s: tunnel table full", conf->name);
	}
	t->peers[t->nb_peers++] = id;
	gw_tunnels[t->idx] = t;
	gw_tunnel_learn_full[t->idx] = 0;
	pair_count(p, 1); /* a hub's as (local, 0): a key it lacks is a key mismatch */
	if (p->role != GW_PEER_ANY)
		remote_link(p);
	return 0;

fail_peer:
	gw_free_shared(p);
fail_id:
	gw_peer_id_release(id);
fail_iface:
	gw_iface_del(t->iface);
fail_tunnel:
	rc = rc < 0 ? rc : iface;
	gw_ids_give(&idxs, t->idx);
	free(t->peers);
	free(t);
	return rc;
}

/* tunnel change: the words given replace the configured ones. */
static void
merge_conf(struct gw_tunnel_conf *c, const struct gw_tunnel_conf *d)
{
	gw_tunnel_conf_merge(c, d);
}

/*
 * Give a tunnel a new configuration (or the same one after a state change):
 * a new object for every peer, each published in place of the old one.
 */
static void
fresh_free(struct gw_peer **fresh, uint32_t n)
{
	while (n-- > 0)
		gw_free_shared(fresh[n]);
	free(fresh);
}

static int
tunnel_apply(struct gw_tunnel *t, const struct gw_tunnel_conf *conf, struct gw_error *err)
{
	struct gw_tunnel_key k_old, k_new;
	struct gw_peer **fresh;
	uint32_t i;
	int rc;

	fresh = gw_alloc(sizeof(*fresh) * (t->nb_peers + 1));
	if (fresh == NULL)
		return gw_error_set(err, -ENOMEM, "tunnel %s: out of memory", conf->name);
	for (i = 0; i < t->nb_peers; i++) {
		const struct gw_peer *old = gw_peers[t->peers[i]];

		fresh[i] = peer_build(t, conf, old->id, old, old->role, NULL);
		if (fresh[i] == NULL) {
			fresh_free(fresh, i);
			return gw_error_set(err, -ENOMEM, "tunnel %s: out of memory", conf->name);
		}
		key_of(fresh[i], &k_new);
		if (key_taken(&k_new, old)) {
			fresh_free(fresh, i + 1);
			return taken_error(conf->name, err);
		}
	}
	/*
	 * Validated: publish each new object everywhere its old one is reachable.
	 * The decap hash has room for every peer (twice gw_limits.peers entries and
	 * an extendable table): adding a key cannot fail here.
	 */
	for (i = 0; i < t->nb_peers; i++) {
		const struct gw_peer *old = gw_peers[t->peers[i]];
		struct gw_peer *p = fresh[i];

		key_of(old, &k_old);
		key_of(p, &k_new);
		if (!key_same(&k_old, &k_new)) {
			rc = key_add(&k_new, p);
			RTE_VERIFY(rc == 0);
			key_remove(&k_old);
		}
		if (!gw_ip_equal(&old->remote, &p->remote) || !gw_ip_equal(&old->local, &p->local)) {
			pair_count(old, -1);
			pair_count(p, 1);
			if (p->role != GW_PEER_ANY) {
				remote_unlink(old);
				remote_link(p);
			}
		}
		peer_publish(p);
	}
	free(fresh);
	t->conf = *conf;
	gw_tunnel_learn_full[t->idx] = t->nb_learned >= t->conf.learn_max; /* learn-max changed */
	return 0;
}

int
gw_tunnel_change(const struct gw_tunnel_conf *delta, struct gw_error *err)
{
	struct gw_tunnel_conf conf;
	struct gw_tunnel *t;
	int rc;

	t = gw_tunnel_by_name(delta->name);
	if (t == NULL)
		return gw_error_set(err, -ENODEV, "no tunnel \"%s\"", delta->name);
	conf = t->conf;
	merge_conf(&conf, delta);
	if (gw_tunnel_mode_is_ip6(conf.mode) != gw_tunnel_mode_is_ip6(t->conf.mode))
		return gw_error_set(err, -EINVAL, "tunnel %s: mode %s runs over %s, mode %s over "
				    "%s: tunnel del and add it instead", delta->name,
				    gw_tunnel_mode_name(t->conf.mode),
				    gw_tunnel_mode_is_ip6(t->conf.mode) ? "IPv6" : "IPv4",
				    gw_tunnel_mode_name(conf.mode),
				    gw_tunnel_mode_is_ip6(conf.mode) ? "IPv6" : "IPv4");
	if (gw_iface_kind_of_mode(conf.mode) != gw_iface_kind_of_mode(t->conf.mode))
		return gw_error_set(err, -EINVAL, "tunnel %s: mode %s carries %s, mode %s %s: "
				    "tunnel del and add it instead", delta->name,
				    gw_tunnel_mode_name(t->conf.mode),
				    gw_tunnel_mode_is_tap(t->conf.mode) ? "frames" : "IP packets",
				    gw_tunnel_mode_name(conf.mode),
				    gw_tunnel_mode_is_tap(conf.mode) ? "frames" : "IP packets");
	if (gw_tunnel_conf_is_multipoint(&conf) != gw_tunnel_conf_is_multipoint(&t->conf))
		return gw_error_set(err, -EINVAL, "tunnel %s: remote %s would make a %s tunnel "
				    "%s: tunnel del and add it instead", delta->name,
				    gw_tunnel_conf_is_multipoint(&conf) ? "any" : "ADDR",
				    gw_tunnel_conf_is_multipoint(&t->conf) ? "multipoint" :
				    "point-to-point",
				    gw_tunnel_conf_is_multipoint(&conf) ? "multipoint" :
				    "point-to-point");
	rc = check_conf(&conf, false, err);
	if (rc < 0)
		return rc;
	return tunnel_apply(t, &conf, err);
}

int
gw_tunnel_del(uint16_t idx)
{
	struct gw_tunnel *t = gw_tunnels[idx];
	struct gw_tunnel_key k;
	uint32_t i;

	if (t == NULL)
		return -ENOENT;
	for (i = 0; i < t->nb_peers; i++) {
		const struct gw_peer *p = gw_peers[t->peers[i]];

		key_of(p, &k);
		key_remove(&k);
		pair_count(p, -1);
		if (p->role != GW_PEER_ANY)
			remote_unlink(p);
		gw_peer_id_release(p->id);
	}
	gw_nh_release(t->nh);
	if (t->unmapped_nh != 0)
		gw_nh_release(t->unmapped_nh);
	spokes_publish(idx, NULL);
	if (gw_peer_gone_cb != NULL)
		gw_peer_gone_cb(GW_PEER_NONE, idx);
	gw_iface_del(t->iface);
	gw_tunnels[idx] = NULL; /* gone for the control thread: show, save, lookups */
	free(t->peers);
	free(t);
	gw_rcu_defer(idx_free, idx); /* the index, once no worker can name it */
	return 0;
}

/*
 * Spokes. A spoke's peer is keyed in the decap hash by its own address, so
 * what it sends matches it before the wildcard; pair_count and the remote
 * index know it as any peer. Its id is in its tunnel's peers[] at p->slot.
 */

static void
spoke_set_free(uintptr_t s)
{
	free((void *)s);
}

/* Put a tunnel's spoke set in place (NULL: none); the old one goes after the grace period. */
static void
spokes_publish(uint16_t idx, struct gw_spoke_set *s)
{
	struct gw_spoke_set *old = gw_tunnel_spokes[idx];

	__atomic_store_n(&gw_tunnel_spokes[idx], s, __ATOMIC_RELEASE);
	if (old != NULL)
		gw_rcu_defer(spoke_set_free, (uintptr_t)old);
}

void
gw_tunnel_spokes_sync(void)
{
	struct gw_spoke_set *s;
	unsigned int idx;
	uint32_t i;

	for (idx = 0; idx < idxs.next; idx++) {
		struct gw_tunnel *t = gw_tunnels[idx];

		if (t == NULL || !t->spokes_dirty)
			continue;
		/* workers read it without locks: from the heap they may read, as peers are */
		s = gw_alloc(sizeof(*s) + sizeof(s->peer[0]) * t->nb_peers);
		if (s == NULL)
			continue; /* stays dirty: the next commit tries again */
		s->n = 0;
		for (i = 1; i < t->nb_peers; i++)
			s->peer[s->n++] = t->peers[i];
		spokes_publish(idx, s);
		t->spokes_dirty = false;
	}
}

int
gw_tunnel_spoke_get(struct gw_tunnel *t, const struct gw_ip *remote, struct gw_error *err)
{
	struct gw_tunnel_key k;
	struct gw_peer *p, probe;
	uint32_t *grown;
	void *data;
	int id, rc;

	p = gw_peers[t->peers[0]];
	if (remote->family != p->local.family)
		return gw_error_set(err, -EAFNOSUPPORT, "%s: an %s hub's spokes are %s",
				    t->conf.name, p->local.family == AF_INET6 ? "IPv6" : "IPv4",
				    p->local.family == AF_INET6 ? "IPv6" : "IPv4");
	/* the spoke's key: the wildcard's, with its address */
	probe = *p;
	probe.role = GW_PEER_SPOKE;
	probe.remote = *remote;
	key_of(&probe, &k);
	if (rte_hash_lookup_data(key_hash(&k), key_bytes(&k), &data) >= 0) {
		const struct gw_peer *q = data;

		if (q->tunnel == t->idx)
			return q->id;
		return gw_error_set(err, -EEXIST, "%s: tunnel %s already receives from that address "
				    "with the same key", t->conf.name, gw_tunnels[q->tunnel]->conf.name);
	}
	if (t->nb_peers == t->peers_cap) {
		uint32_t cap = t->peers_cap * 2;

		grown = gw_realloc(t->peers, sizeof(*t->peers) * cap);
		if (grown == NULL)
			return gw_error_set(err, -ENOMEM, "%s: out of memory", t->conf.name);
		t->peers = grown;
		t->peers_cap = cap;
	}
	id = gw_peer_id_alloc();
	if (id < 0)
		return gw_error_set(err, id, "%s: more than %u peers (--max-peers)", t->conf.name,
				    gw_limits.peers);
	p = peer_build(t, &t->conf, id, NULL, GW_PEER_SPOKE, remote);
	if (p == NULL) {
		gw_peer_id_release(id);
		return gw_error_set(err, -ENOMEM, "%s: out of memory", t->conf.name);
	}
	p->slot = t->nb_peers;
	gw_peer_publish(p);
	rc = key_add(&k, p);
	if (rc < 0) {
		gw_peer_id_release(id);
		return gw_error_set(err, rc, "%s: tunnel table full", t->conf.name);
	}
	t->peers[t->nb_peers++] = id;
	t->spokes_dirty = true;
	pair_count(p, 1);
	remote_link(p);
	return id;
}

void
gw_tunnel_spoke_ref(uint32_t id, int delta)
{
	struct gw_peer *p = gw_peers[id];
	struct gw_tunnel_key k;
	struct gw_tunnel *t;
	uint32_t last;

	if (p == NULL || p->role != GW_PEER_SPOKE)
		return;
	p->refs += delta;
	if (p->refs != 0)
		return;
	t = gw_tunnels[p->tunnel];
	if (gw_peer_gone_cb != NULL)
		gw_peer_gone_cb(id, t->idx); /* what it counted stays the tunnel's */
	if (gw_tunnel_mode_is_tap(t->conf.mode))
		gw_fdb_flush_peer(id); /* MACs learned behind it */
	key_of(p, &k);
	key_remove(&k);
	pair_count(p, -1);
	remote_unlink(p);
	/* out of peers[]: the last one takes its place */
	last = t->peers[--t->nb_peers];
	if (last != id) {
		t->peers[p->slot] = last;
		gw_peers[last]->slot = p->slot;
	}
	t->spokes_dirty = true;
	gw_peer_id_release(id);
}

/*
 * Peer objects allocated before a change that re-resolves peers
 * (gw_tunnel_reserve_prefix, gw_tunnel_reserve_port), so that re-resolving
 * cannot fail once the change is made.
 */
static struct gw_peer **spares;
static unsigned int nb_spares, spares_cap;

static int
spares_reserve(unsigned int n)
{
	struct gw_peer **grown, *p;

	if (n > spares_cap) {
		grown = gw_realloc(spares, sizeof(*spares) * n);
		if (grown == NULL)
			return -ENOMEM;
		spares = grown;
		spares_cap = n;
	}
	while (nb_spares < n) {
		p = gw_alloc_shared(sizeof(*p), tunnel_socket);
		if (p == NULL)
			return -ENOMEM; /* those made stay for the next change */
		spares[nb_spares++] = p;
	}
	/* and room in the FIB log for a neighbour's host route each, on top of the command's */
	return gw_route_reserve(n + 8);
}

static void
remote_count(uint32_t *head, void *arg)
{
	unsigned int *c = arg;
	uint32_t id;

	for (id = *head == 0 ? GW_PEER_NONE : *head - 1; id != GW_PEER_NONE; id = remote_next[id])
		(*c)++;
}

int
gw_tunnel_reserve_prefix(const struct gw_ip *dst, uint8_t len)
{
	unsigned int c = 0;

	if (dst->family != AF_INET && dst->family != AF_INET6)
		return 0;
	remotes_within(dst, len, remote_count, &c);
	return spares_reserve(c);
}

int
gw_tunnel_reserve_port(uint16_t port)
{
	uint32_t id, end = gw_peer_id_end();
	unsigned int c = 0;

	for (id = 0; id < end; id++) {
		const struct gw_peer *p = gw_peers[id];

		c += p != NULL && (p->unh == 0 || gw_nhs[p->unh].port == port);
	}
	return spares_reserve(c);
}

/* Resolve a peer again; a new object only when what workers read changed. */
static void
peer_reresolve(uint32_t id)
{
	const struct gw_peer *old = gw_peers[id];
	struct gw_peer probe, *p;
	const struct gw_tunnel *t;

	if (old == NULL || (t = gw_tunnels[old->tunnel]) == NULL)
		return;
	probe = *old;
	peer_resolve(&probe, &t->conf);
	if (probe.unh == old->unh && probe.mtu == old->mtu && probe.mss4_max == old->mss4_max &&
	    probe.mss6_max == old->mss6_max)
		return;
	p = nb_spares > 0 ? spares[--nb_spares] : gw_alloc_shared(sizeof(*p), tunnel_socket);
	if (p == NULL)
		return; /* no reservation: keeps the old resolution */
	*p = probe;
	peer_publish(p);
}

static void
resolve_remote(uint32_t *head, void *arg)
{
	uint32_t id;

	RTE_SET_USED(arg);
	if (*head == 0)
		return;
	for (id = *head - 1; id != GW_PEER_NONE; id = remote_next[id])
		peer_reresolve(id);
}

void
gw_tunnel_resolve_prefix(const struct gw_ip *dst, uint8_t len)
{
	if (dst->family == AF_INET || dst->family == AF_INET6)
		remotes_within(dst, len, resolve_remote, NULL);
}

void
gw_tunnel_resolve_port(uint16_t port)
{
	uint32_t id, end = gw_peer_id_end();

	for (id = 0; id < end; id++) {
		const struct gw_peer *p = gw_peers[id];

		if (p != NULL && (p->unh == 0 || gw_nhs[p->unh].port == port))
			peer_reresolve(id);
	}
}

/* Rebuild a peer with a new learned path MTU. */
static void
peer_set_pmtu(const struct gw_peer *old, uint16_t pmtu, uint64_t expire)
{
	struct gw_peer *p;
	const struct gw_tunnel *t = gw_tunnels[old->tunnel];

	p = gw_alloc_shared(sizeof(*p), tunnel_socket);
	if (p == NULL || t == NULL) {
		gw_free_shared(p);
		return;
	}
	*p = *old;
	p->pmtu = pmtu;
	p->pmtu_expire = expire;
	peer_resolve(p, &t->conf);
	peer_publish(p);
}

unsigned int
gw_tunnel_pmtu_learn(const struct gw_ip *local, const struct gw_ip *remote, uint16_t mtu)
{
	uint64_t expire = rte_get_timer_cycles() + gw_pmtu_timeout_s * rte_get_timer_hz();
	unsigned int n = 0;
	uint32_t *head, id, next;

	if (remote->family != AF_INET && remote->family != AF_INET6)
		return 0;
	head = remote_head(remote, false);
	if (head == NULL)
		return 0;
	/* IPv6 links carry 1280 at least (RFC 8200 §5) */
	mtu = RTE_MAX(mtu, remote->family == AF_INET6 ? (uint16_t)GW_IPV6_MIN_MTU :
							(uint16_t)GW_PMTU_MIN);
	for (id = *head == 0 ? GW_PEER_NONE : *head - 1; id != GW_PEER_NONE; id = next) {
		const struct gw_peer *p = gw_peers[id];

		next = remote_next[id];
		if (p == NULL || !gw_ip_equal(&p->local, local))
			continue;
		if (p->pmtu != 0 && p->pmtu <= mtu)
			continue; /* knows as low already: an old or repeated report */
		peer_set_pmtu(p, mtu, expire);
		n++;
	}
	return n;
}

void
gw_tunnel_pmtu_age(uint64_t now)
{
	uint32_t id, end = gw_peer_id_end();

	for (id = 0; id < end; id++) {
		const struct gw_peer *p = gw_peers[id];

		if (p != NULL && p->pmtu != 0 && now >= p->pmtu_expire)
			peer_set_pmtu(p, 0, 0);
	}
}

/*
 * The tunnel kinds' interface operations.
 */

/* Routes into a tunnel leave the FIB while it is down and come back with it. */
struct routes_state {
	uint16_t iface;
	bool up;
};

static void
route_follow(const struct gw_route *r, void *arg)
{
	const struct routes_state *st = arg;
	const struct gw_nh *nh = &gw_nhs[r->nh];

	if ((nh->kind == GW_NH_TUNNEL || nh->kind == GW_NH_SPOKE || nh->kind == GW_NH_REPLICATE) &&
	    nh->iface == st->iface)
		gw_route_set_active(r, st->up && gw_tunnel_nh_active(r->nh));
}

bool
gw_tunnel_nh_active(uint32_t idx)
{
	const struct gw_nh *nh = &gw_nhs[idx];

	switch (nh->kind) {
	case GW_NH_TUNNEL:
	case GW_NH_SPOKE:
		if (nh->peer != GW_PEER_NONE && gw_peer_live[nh->peer].state == GW_LIVE_DOWN)
			return false;
		/* fall through */
	case GW_NH_REPLICATE:
		return gw_ifaces[nh->iface].up;
	default:
		return true;
	}
}

/* Routes through one peer follow its liveness. */
static void
route_follow_peer(const struct gw_route *r, void *arg)
{
	const struct gw_nh *nh = &gw_nhs[r->nh];
	uint32_t id = *(const uint32_t *)arg;

	if ((nh->kind == GW_NH_TUNNEL || nh->kind == GW_NH_SPOKE) && nh->peer == id)
		gw_route_set_active(r, gw_tunnel_nh_active(r->nh));
}

void
gw_tunnel_peer_live(uint32_t id, bool up)
{
	uint8_t state = up ? GW_LIVE_UP : GW_LIVE_DOWN;

	if (gw_peer_live[id].state == state)
		return;
	gw_peer_live[id].state = state;
	if (gw_route_reserve(gw_route_count()) < 0)
		return; /* the routes stay as they were; the next change of state tries again */
	gw_route_foreach(route_follow_peer, &id);
}

static int
tunnel_set(struct gw_iface *ifc, const struct gw_link_conf *l, struct gw_error *err)
{
	struct gw_tunnel *t = gw_tunnels[ifc->idx];
	struct gw_tunnel_conf conf = t->conf;
	bool was_up = ifc->up;
	int rc;

	if (l->given & GW_LINK_GIVEN_MAC)
		return gw_error_set(err, -EOPNOTSUPP, "%s: a %s tunnel has no MAC address",
				    ifc->name, gw_iface_kind_name(ifc->kind));
	if ((l->given & GW_LINK_GIVEN_MTU) && l->mtu < 68)
		return gw_error_set(err, -ERANGE, "%s: mtu %u is below 68", ifc->name, l->mtu);
	/* room for every route to follow the state: then nothing below can fail half-way */
	if (gw_route_reserve(gw_route_count()) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	if (l->given & GW_LINK_GIVEN_MTU)
		conf.mtu = l->mtu;
	if (l->given & GW_LINK_GIVEN_UP)
		ifc->up = l->up;
	rc = tunnel_apply(t, &conf, err); /* the peers take the MTU and the state */
	if (rc < 0) {
		ifc->up = was_up;
		return rc;
	}
	if (ifc->up != was_up) {
		struct routes_state st = { .iface = t->iface, .up = ifc->up };

		gw_route_foreach(route_follow, &st);
	}
	return 0;
}

static uint16_t
tunnel_mtu(const struct gw_iface *ifc)
{
	const struct gw_tunnel *t = gw_tunnels[ifc->idx];

	return t != NULL && t->nb_peers > 0 ? gw_peers[t->peers[0]]->mtu : 0;
}

static void
tunnel_renamed(struct gw_iface *ifc, const char *old)
{
	RTE_SET_USED(old);
	memcpy(gw_tunnels[ifc->idx]->conf.name, ifc->name, GW_NAME_MAX);
}

static const struct gw_iface_ops tunnel_ops = {
	.set = tunnel_set,
	.mtu = tunnel_mtu,
	.renamed = tunnel_renamed,
};
