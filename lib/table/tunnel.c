/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Tunnel objects and their decap hashes. Everything a worker needs per packet
 * is computed here at add time: the outer IPv4 + GRE bytes, the offset of the
 * sequence field, the MTU. The hashes are rte_hash with lock-free readers; the
 * control thread is the only writer.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "gw_addr.h"
#include "gw_cksum.h"
#include "gw_dev.h"
#include "gw_gre.h"
#include "gw_nh.h"
#include "gw_port.h"
#include "gw_rcu.h"
#include "gw_route.h"
#include "gw_tunnel.h"
#include "gw_tunnel_opt.h"

struct gw_tunnel *gw_tunnels[GW_TUNNEL_MAX];
struct gw_tunnel_tx_seq gw_tunnel_tx_seq[GW_TUNNEL_MAX];
unsigned int gw_pmtu_timeout_s = GW_PMTU_TIMEOUT_DEFAULT;
struct rte_hash *gw_tunnel_hash;
struct rte_hash *gw_tunnel_pair_hash;
static int tunnel_socket;

struct pair_key {
	uint32_t local;
	uint32_t remote;
};

/*
 * Hash slots deleted but not yet reusable: with lock-free readers rte_hash
 * keeps a deleted key's slot until rte_hash_free_key_with_position, which
 * greway calls after a grace period. PAIR_POS marks a slot of the pair hash.
 */
#define PAIR_POS (1 << 30)
static int32_t pending_pos[4];
static unsigned int nb_pending;

int
gw_tunnel_init(int socket)
{
	struct rte_hash_parameters hp = {
		.name = "gw_tunnels",
		.entries = GW_TUNNEL_MAX * 2,
		.key_len = sizeof(struct gw_tunnel_key),
		/* CRC32 instructions: two for a 16-byte key, a third of jhash's cost per
		 * packet with many tunnels (doc/benchmarks.md) */
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	tunnel_socket = socket;
	gw_tunnel_hash = rte_hash_create(&hp);
	if (gw_tunnel_hash == NULL)
		return -ENOMEM;
	hp.name = "gw_tunnel_pairs";
	hp.key_len = sizeof(struct pair_key);
	gw_tunnel_pair_hash = rte_hash_create(&hp);
	return gw_tunnel_pair_hash == NULL ? -ENOMEM : 0;
}

int
gw_tunnel_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < GW_TUNNEL_MAX; i++)
		if (gw_tunnels[i] != NULL && strcmp(gw_tunnels[i]->conf.name, name) == 0)
			return i;
	return -ENOENT;
}

/* Outer IPv4 + GRE as sent; per packet only length, ID, checksum, seq change. */
static void
build_rewrite(struct gw_tunnel *t)
{
	const struct gw_tunnel_conf *c = &t->conf;
	struct gw_gre_info gre = { .proto = GW_GRE_PROTO_IPV4 };
	uint8_t hdr[GW_TUNNEL_RW_MAX];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)hdr;
	size_t gre_len;

	memset(hdr, 0, sizeof(hdr));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	/* per packet: DSCP (configured or inherited) | the inner ECN bits (RFC 6040) */
	ip->type_of_service = 0;
	t->dscp = c->opts & GW_TUN_TOS_INHERIT ? 0 : c->tos & ~GW_ECN_MASK;
	ip->fragment_offset = c->opts & GW_TUN_NOPMTUDISC ? 0 :
			      rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = c->opts & GW_TUN_TTL_INHERIT ? 0 : c->ttl;
	ip->next_proto_id = IPPROTO_GRE;
	ip->src_addr = c->local.v4;
	ip->dst_addr = c->remote.v4;

	if (c->opts & GW_TUN_OCSUM)
		gre.flags |= GW_GRE_F_CSUM;
	if (c->opts & GW_TUN_OKEY) {
		gre.flags |= GW_GRE_F_KEY;
		gre.key = c->okey;
	}
	if (c->opts & GW_TUN_OSEQ)
		gre.flags |= GW_GRE_F_SEQ;
	/* the per-packet checksum starts from this sum (length, ID, inherited TTL/TOS added) */
	t->rw_sum = gw_ipv4_sum20(ip);
	gre_len = gw_gre_build(hdr + sizeof(*ip), &gre);
	/* and the GRE checksum from this one (sequence number and payload added) */
	t->gre_sum = rte_raw_cksum(hdr + sizeof(*ip), gre_len);
	t->rw_len = sizeof(*ip) + gre_len;
	memset(t->rw, 0, sizeof(t->rw));
	memcpy(t->rw + GW_TUNNEL_RW_MAX - t->rw_len, hdr, t->rw_len);
	RTE_ASSERT(t->rw_len == gw_tunnel_conf_overhead(c->mode, c->opts));
	/* the sequence number is the last option when present */
	t->seq_off = c->opts & GW_TUN_OSEQ ? t->rw_len - 4 : 0;
}

static void
tunnel_key_of(const struct gw_tunnel *t, struct gw_tunnel_key *k)
{
	memset(k, 0, sizeof(*k));
	k->local = t->local;
	k->remote = t->remote;
	if (t->opts & GW_TUN_IKEY) {
		k->key = t->ikey;
		k->has_key = 1;
	}
}

static void tunnel_resolve(struct gw_tunnel *t);

static int
check_conf(const struct gw_tunnel_conf *c, bool is_new, struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	struct gw_dev dev;
	int rc;

	if (c->mode != GW_MODE_GRE)
		return gw_error_set(err, -ENOTSUP, "tunnel %s: mode %s is not supported yet", c->name,
				    gw_tunnel_mode_name(c->mode));
	if (c->remote.family == 0)
		return gw_error_set(err, -ENOTSUP, "tunnel %s: remote any is not supported yet",
				    c->name);
	if (is_new && gw_dev_name_taken(c->name))
		return gw_error_set(err, -EEXIST, "name \"%s\" is taken", c->name);
	if (!gw_addr_is_local(c->local.v4))
		return gw_error_set(err, -EADDRNOTAVAIL,
				    "tunnel %s: local %s is not an address of this gateway (addr add it first)",
				    c->name, gw_ip_fmt(&c->local, a, sizeof(a)));
	if (c->dev[0] != '\0') {
		rc = gw_dev_lookup(c->dev, &dev, err);
		if (rc < 0)
			return rc;
		if (dev.is_tunnel)
			return gw_error_set(err, -EINVAL, "tunnel %s: dev %s is a tunnel, not a port",
					    c->name, c->dev);
	}
	return 0;
}

/* A tunnel object from its configuration: rewrite built, not published. */
static struct gw_tunnel *
tunnel_new(const struct gw_tunnel_conf *conf, uint16_t idx)
{
	struct gw_tunnel *t;

	t = rte_zmalloc_socket("gw_tunnel", sizeof(*t), RTE_CACHE_LINE_SIZE, tunnel_socket);
	if (t == NULL)
		return NULL;
	t->conf = *conf;
	t->idx = idx;
	t->opts = conf->opts;
	t->ikey = conf->ikey;
	t->local = conf->local.v4;
	t->remote = conf->remote.v4;
	/*
	 * RFC 2890 §2.2 starts the receive counter at 2^32-1, which refuses a
	 * first number of 2^31 or more: a long-running peer would lose up to 2^31
	 * packets. As Linux does, the first number is accepted whatever it is.
	 */
	t->rx_seq_valid = 0;
	build_rewrite(t);
	return t;
}

/* The (local, remote) pair count, for telling key mismatches from strangers. */
static void
pair_count(const struct gw_tunnel *t, int delta)
{
	struct pair_key pk = { .local = t->local, .remote = t->remote };
	uintptr_t n = 0;
	void *data;

	if (rte_hash_lookup_data(gw_tunnel_pair_hash, &pk, &data) >= 0)
		n = (uintptr_t)data;
	n += delta;
	if (n > 0) {
		rte_hash_add_key_data(gw_tunnel_pair_hash, &pk, (void *)n);
		return;
	}
	/* freed after the grace period the caller waits for anyway */
	pending_pos[nb_pending++] = rte_hash_del_key(gw_tunnel_pair_hash, &pk) | PAIR_POS;
}

/* Free the hash slots deleted before the last grace period. */
static void
free_pending(void)
{
	unsigned int i;

	for (i = 0; i < nb_pending; i++) {
		if (pending_pos[i] < 0)
			continue;
		if (pending_pos[i] & PAIR_POS)
			rte_hash_free_key_with_position(gw_tunnel_pair_hash,
							pending_pos[i] & ~PAIR_POS);
		else
			rte_hash_free_key_with_position(gw_tunnel_hash, pending_pos[i]);
	}
	nb_pending = 0;
}

static bool
key_taken(const struct gw_tunnel_key *k, const struct gw_tunnel *self)
{
	void *data;

	return rte_hash_lookup_data(gw_tunnel_hash, k, &data) >= 0 && data != self;
}

int
gw_tunnel_add(const struct gw_tunnel_conf *conf, struct gw_error *err)
{
	struct gw_tunnel_key k;
	struct gw_tunnel *t;
	int rc, nh, idx;

	rc = check_conf(conf, true, err);
	if (rc < 0)
		return rc;
	for (idx = 0; idx < GW_TUNNEL_MAX && gw_tunnels[idx] != NULL; idx++)
		;
	if (idx == GW_TUNNEL_MAX)
		return gw_error_set(err, -ENOSPC, "more than %d tunnels", GW_TUNNEL_MAX);
	t = tunnel_new(conf, idx);
	if (t == NULL)
		return gw_error_set(err, -ENOMEM, "tunnel %s: out of memory", conf->name);
	/* a free index has no reader left (its tunnel was freed after a grace period) */
	__atomic_store_n(&gw_tunnel_tx_seq[idx].next, 0, __ATOMIC_RELAXED);
	tunnel_key_of(t, &k);
	if (key_taken(&k, NULL)) {
		rte_free(t);
		return gw_error_set(err, -EEXIST,
				    "tunnel %s: another tunnel already receives these local, remote and key",
				    conf->name);
	}
	nh = gw_nh_alloc(GW_NH_TUNNEL);
	if (nh < 0) {
		rte_free(t);
		return gw_error_set(err, nh, "tunnel %s: out of next hops", conf->name);
	}
	gw_nhs[nh].tunnel = idx;
	t->nh = nh;
	tunnel_resolve(t);

	/* Publish: the object first, then the hash entries that lead to it. */
	__atomic_store_n(&gw_tunnels[idx], t, __ATOMIC_RELEASE);
	rc = rte_hash_add_key_data(gw_tunnel_hash, &k, t);
	if (rc < 0) {
		gw_tunnels[idx] = NULL;
		gw_nh_free(nh);
		rte_free(t);
		return gw_error_set(err, rc, "tunnel %s: tunnel table full", conf->name);
	}
	pair_count(t, 1);
	return 0;
}

/* tunnel change: the words given replace the configured ones. */
static void
merge_conf(struct gw_tunnel_conf *c, const struct gw_tunnel_conf *d)
{
	gw_tunnel_conf_merge(c, d);
}

int
gw_tunnel_change(const struct gw_tunnel_conf *delta, struct gw_error *err)
{
	struct gw_tunnel_key k_old, k_new;
	struct gw_tunnel *old, *t;
	struct gw_tunnel_conf conf;
	int idx, rc;

	idx = gw_tunnel_by_name(delta->name);
	if (idx < 0)
		return gw_error_set(err, -ENODEV, "no tunnel \"%s\"", delta->name);
	old = gw_tunnels[idx];
	conf = old->conf;
	merge_conf(&conf, delta);
	rc = check_conf(&conf, false, err);
	if (rc < 0)
		return rc;
	t = tunnel_new(&conf, idx);
	if (t == NULL)
		return gw_error_set(err, -ENOMEM, "tunnel %s: out of memory", conf.name);
	tunnel_key_of(old, &k_old);
	tunnel_key_of(t, &k_new);
	if (key_taken(&k_new, old)) {
		rte_free(t);
		return gw_error_set(err, -EEXIST,
				    "tunnel %s: another tunnel already receives these local, remote and key",
				    conf.name);
	}
	t->nh = old->nh;
	if (t->local == old->local && t->remote == old->remote) { /* the same path */
		t->pmtu = old->pmtu;
		t->pmtu_expire = old->pmtu_expire;
	}
	tunnel_resolve(t);

	/* Publish the new object everywhere the old one is reachable, then free it. */
	rc = rte_hash_add_key_data(gw_tunnel_hash, &k_new, t);
	if (rc < 0) {
		rte_free(t);
		return gw_error_set(err, rc, "tunnel %s: tunnel table full", conf.name);
	}
	__atomic_store_n(&gw_tunnels[idx], t, __ATOMIC_RELEASE);
	if (memcmp(&k_old, &k_new, sizeof(k_old)) != 0)
		pending_pos[nb_pending++] = rte_hash_del_key(gw_tunnel_hash, &k_old);
	pair_count(old, -1);
	pair_count(t, 1);
	gw_rcu_synchronize();
	free_pending();
	rte_free(old);
	return 0;
}

int
gw_tunnel_del(uint16_t idx)
{
	struct gw_tunnel *t = gw_tunnels[idx];
	struct gw_tunnel_key k;

	if (t == NULL)
		return -ENOENT;
	tunnel_key_of(t, &k);
	pending_pos[nb_pending++] = rte_hash_del_key(gw_tunnel_hash, &k);
	pair_count(t, -1);
	__atomic_store_n(&gw_tunnels[idx], NULL, __ATOMIC_RELEASE);
	gw_rcu_synchronize();
	free_pending();
	gw_nh_free(t->nh);
	rte_free(t);
	return 0;
}

static void
tunnel_resolve(struct gw_tunnel *t)
{
	uint16_t nh = gw_route_lookup(t->remote), unh = 0, port = 0, max_mtu;
	const struct gw_nh *n = &gw_nhs[nh];
	int idx;

	if (n->kind == GW_NH_GLEAN) {
		/* remote on a connected prefix: it is its own neighbour */
		idx = gw_nh_neigh_get(n->port, t->remote, true);
		if (idx > 0 && gw_route_add(t->remote, 32, idx, GW_ROUTE_NEIGH, NULL, NULL) == 0)
			unh = idx;
	} else if (n->kind == GW_NH_NEIGH) {
		unh = nh;
	}
	if (unh != 0) {
		port = gw_nhs[unh].port;
		if (t->conf.dev[0] != '\0' && strcmp(gw_ports[port].name, t->conf.dev) != 0)
			unh = 0; /* the route leaves by another port than dev says */
	}
	/*
	 * The underlay's MTU bounds the tunnel's: a larger "mtu N" would send
	 * outer packets the port cannot carry (and outer fragmentation does not
	 * exist yet), so the effective MTU is the smaller of the two.
	 */
	max_mtu = unh != 0 ? gw_ports[port].mtu : RTE_ETHER_MTU;
	if (t->pmtu != 0)
		max_mtu = RTE_MIN(max_mtu, t->pmtu); /* what the path beyond said */
	max_mtu -= gw_tunnel_conf_overhead(t->conf.mode, t->conf.opts);
	t->mtu = t->conf.mtu != 0 ? RTE_MIN(t->conf.mtu, max_mtu) : max_mtu;
	/* follows the MTU; a worker may read the old ceiling or the new one, either is whole */
	__atomic_store_n(&t->mss4_max, gw_tunnel_mss4_max(t->mtu, t->conf.clamp_mss),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&t->unh, unh, __ATOMIC_RELEASE);
}

void
gw_tunnel_resolve_all(void)
{
	unsigned int i;

	for (i = 0; i < GW_TUNNEL_MAX; i++)
		if (gw_tunnels[i] != NULL)
			tunnel_resolve(gw_tunnels[i]);
}

unsigned int
gw_tunnel_pmtu_learn(uint32_t local, uint32_t remote, uint16_t mtu)
{
	uint64_t expire = rte_get_timer_cycles() + gw_pmtu_timeout_s * rte_get_timer_hz();
	unsigned int i, n = 0;

	mtu = RTE_MAX(mtu, (uint16_t)GW_PMTU_MIN);
	for (i = 0; i < GW_TUNNEL_MAX; i++) {
		struct gw_tunnel *t = gw_tunnels[i];

		if (t == NULL || t->local != local || t->remote != remote)
			continue;
		if (t->pmtu != 0 && t->pmtu <= mtu)
			continue; /* knows as low already: an old or repeated report */
		t->pmtu = mtu;
		t->pmtu_expire = expire;
		tunnel_resolve(t);
		n++;
	}
	return n;
}

void
gw_tunnel_pmtu_age(uint64_t now)
{
	unsigned int i;

	for (i = 0; i < GW_TUNNEL_MAX; i++) {
		struct gw_tunnel *t = gw_tunnels[i];

		if (t != NULL && t->pmtu != 0 && now >= t->pmtu_expire) {
			t->pmtu = 0;
			tunnel_resolve(t);
		}
	}
}
