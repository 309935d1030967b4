/* SPDX-License-Identifier: BSD-3-Clause
 *
 * A hub's spoke mappings (gw_spoke.h): SPOKE next hops with their host
 * routes, the spokes' peers they hold (refs), learning and ageing.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <rte_byteorder.h>

#include "gw_addr.h"
#include "gw_alloc.h"
#include "gw_fdb.h"
#include "gw_iface.h"
#include "gw_nh.h"
#include "gw_route.h"
#include "gw_spoke.h"

/* Point a mapping at a spoke (or none): the new one is held before the old one is let go. */
static void
map_point(struct gw_nh *nh, uint32_t peer)
{
	uint32_t old = nh->peer;

	if (old == peer)
		return;
	if (peer != GW_PEER_NONE)
		gw_tunnel_spoke_ref(peer, 1);
	gw_nh_spoke_set(nh, peer);
	if (old != GW_PEER_NONE)
		gw_tunnel_spoke_ref(old, -1);
}

/*
 * A mapping goes: its host route, and its next hop unless routes still lead
 * through it (via the overlay address), which then waits unmapped (its
 * packets dropped as spoke_unmapped) for a mapping or their deletion.
 */
static void
map_drop(struct gw_tunnel *t, uint32_t idx)
{
	struct gw_nh *nh = &gw_nhs[idx];
	const struct gw_route *own = gw_route_find(&nh->ip, gw_ip_bits(&nh->ip));
	struct gw_ip ip = nh->ip;

	if (nh->learned && t->nb_learned > 0 && --t->nb_learned < t->conf.learn_max)
		gw_tunnel_learn_full[t->idx] = 0;
	nh->learned = 0;
	nh->is_static = 0;
	map_point(nh, GW_PEER_NONE);
	if (gw_tunnel_mode_is_tap(t->conf.mode)) {
		gw_nh_release(idx); /* a GRETAP hub's: no host route, nothing routes through it */
		return;
	}
	if (own != NULL && own->nh == idx)
		gw_route_del(&ip, gw_ip_bits(&ip));
	gw_tunnel_resolve_prefix(&ip, gw_ip_bits(&ip));
	if (!gw_route_nh_used(idx, &ip, gw_ip_bits(&ip)))
		gw_nh_release(idx);
}

/*
 * A mapping of overlay to the spoke at underlay: the next hop (made if
 * need be), its host route, the spoke's peer. A GRETAP hub's spoke has no
 * overlay address: its mapping is keyed by the underlay address, and has no
 * route (the bridge finds it by MAC). On error nothing is left that was not
 * there.
 */
static int
map_set(struct gw_tunnel *t, const struct gw_ip *overlay, const struct gw_ip *underlay,
	bool learned, struct gw_error *err)
{
	int idx, spoke, rc;
	bool made = false;
	struct gw_nh *nh;

	if (gw_tunnel_reserve_prefix(overlay, gw_ip_bits(overlay)) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	spoke = gw_tunnel_spoke_get(t, underlay, err);
	if (spoke < 0)
		return spoke;
	idx = gw_nh_spoke_get(t->iface, t->idx, overlay, false);
	if (idx < 0) {
		idx = gw_nh_spoke_get(t->iface, t->idx, overlay, true);
		made = idx >= 0;
	}
	if (idx < 0) {
		gw_tunnel_spoke_ref(spoke, 0); /* a spoke made for nothing goes again */
		return gw_nh_error(err, idx, "");
	}
	rc = gw_tunnel_mode_is_tap(t->conf.mode) ? 0 :
	     gw_route_add(overlay, gw_ip_bits(overlay), idx, GW_ROUTE_NEIGH, NULL, err);
	if (rc < 0) {
		if (made)
			gw_nh_release(idx);
		gw_tunnel_spoke_ref(spoke, 0);
		return rc;
	}
	nh = &gw_nhs[idx];
	nh->seen = gw_fdb_now;
	if (learned && !nh->learned) {
		nh->learned = 1;
		if (++t->nb_learned >= t->conf.learn_max)
			gw_tunnel_learn_full[t->idx] = 1;
	} else if (!learned && nh->learned) {
		nh->learned = 0; /* a static mapping replaces a learned one */
		if (--t->nb_learned < t->conf.learn_max)
			gw_tunnel_learn_full[t->idx] = 0;
	}
	nh->is_static = !learned;
	map_point(nh, spoke);
	gw_peer_seen[spoke] = gw_fdb_now;
	if (!gw_tunnel_mode_is_tap(t->conf.mode))
		gw_tunnel_resolve_prefix(overlay, gw_ip_bits(overlay));
	return 0;
}

/* A spoke's underlay address, as word (lladdr, dst) gave it: one host's, not ours. */
static int
underlay_check(const struct gw_ip *underlay, const char *word, struct gw_error *err)
{
	char a[GW_IP_STRLEN];

	if ((underlay->family != AF_INET && underlay->family != AF_INET6) ||
	    !gw_ip_is_unicast(underlay) || gw_addr_is_local(underlay))
		return gw_error_set(err, -EINVAL, "%s %s is not a spoke's underlay address", word,
				    gw_ip_fmt(underlay, a, sizeof(a)));
	return 0;
}

int
gw_spoke_flood_add(struct gw_tunnel *t, const struct gw_ip *underlay, struct gw_error *err)
{
	int rc;

	if (!gw_tunnel_mode_is_tap(t->conf.mode) || !gw_tunnel_conf_is_multipoint(&t->conf))
		return gw_error_set(err, -EINVAL, "dst: %s is not a multipoint gretap tunnel "
				    "(remote any)", t->conf.name);
	rc = underlay_check(underlay, "dst", err);
	return rc < 0 ? rc : map_set(t, underlay, underlay, false, err);
}

int
gw_spoke_map_add(struct gw_tunnel *t, const struct gw_ip *overlay, const struct gw_ip *underlay,
		 struct gw_error *err)
{
	char a[GW_IP_STRLEN];
	int rc;

	if (overlay->family != AF_INET)
		return gw_error_set(err, -EAFNOSUPPORT, "IPv6 neighbour \"%s\": not supported yet",
				    gw_ip_fmt(overlay, a, sizeof(a)));
	if (gw_addr_is_local(overlay))
		return gw_error_set(err, -EINVAL, "%s is an address of this gateway",
				    gw_ip_fmt(overlay, a, sizeof(a)));
	rc = underlay_check(underlay, "lladdr", err);
	return rc < 0 ? rc : map_set(t, overlay, underlay, false, err);
}

int
gw_spoke_map_del(struct gw_tunnel *t, const struct gw_ip *overlay, struct gw_error *err)
{
	int idx = gw_nh_spoke_get(t->iface, t->idx, overlay, false);
	char a[GW_IP_STRLEN];

	if (idx < 0 || gw_nhs[idx].peer == GW_PEER_NONE)
		return gw_error_set(err, -ESRCH, "no neighbour %s on dev %s",
				    gw_ip_fmt(overlay, a, sizeof(a)), t->conf.name);
	if (gw_tunnel_reserve_prefix(overlay, gw_ip_bits(overlay)) < 0)
		return gw_error_set(err, -ENOMEM, "out of memory");
	map_drop(t, idx);
	return 0;
}

/*
 * Whether learning may map an inner source: a unicast address of nobody
 * else, which routes nowhere or into this tunnel (learning must not let a
 * spoke take the addresses of the hub's LAN or of other interfaces).
 */
static bool
learnable(const struct gw_tunnel *t, const struct gw_ip *s)
{
	const struct gw_nh *nh = &gw_nhs[gw_route_lookup(s)];

	if (!gw_ip_is_unicast(s) || gw_addr_is_local(s))
		return false;
	return nh->kind == GW_NH_DROP || nh->iface == t->iface;
}

void
gw_spoke_learn(const struct gw_learn_notice *n)
{
	const struct gw_peer *p = n->peer < gw_limits.peers ? gw_peers[n->peer] : NULL;
	struct gw_ip s = { .family = AF_INET }, u = { .family = AF_INET };
	struct gw_error err = { 0 };
	struct gw_tunnel *t;
	uint32_t spoke;
	struct gw_nh *nh;
	int idx;

	if (p == NULL || (t = gw_tunnels[p->tunnel]) == NULL || !(t->conf.opts & GW_TUN_LEARN) ||
	    p->role == GW_PEER_FIXED)
		return;
	s.v4 = n->inner_src;
	if (p->role == GW_PEER_ANY)
		u.v4 = n->outer_src;
	else
		u = p->remote;
	if (gw_tunnel_mode_is_tap(t->conf.mode))
		s = u; /* a GRETAP hub learns spokes, not addresses: the bridge learns the MACs */
	idx = gw_nh_spoke_get(t->iface, t->idx, &s, false);
	nh = idx >= 0 ? &gw_nhs[idx] : NULL;
	if (nh != NULL && nh->is_static)
		return; /* a static mapping never moves */
	if (nh != NULL && nh->learned) {
		spoke = nh->peer;
		if (spoke != GW_PEER_NONE && gw_ip_equal(&gw_peers[spoke]->remote, &u)) {
			nh->seen = gw_fdb_now; /* a notice sent before the mapping was published */
			return;
		}
		if (map_set(t, &s, &u, true, &err) == 0)
			t->learn_ctr[GW_LEARN_CTR_MOVED]++;
		return;
	}
	if (!gw_tunnel_mode_is_tap(t->conf.mode) && !learnable(t, &s))
		return;
	if (t->nb_learned >= t->conf.learn_max) {
		gw_tunnel_learn_full[t->idx] = 1;
		t->learn_ctr[GW_LEARN_CTR_REFUSED]++;
		return;
	}
	if (map_set(t, &s, &u, true, &err) == 0)
		t->learn_ctr[GW_LEARN_CTR_LEARNED]++;
}

struct age_walk {
	uint32_t *gone; /* learned mappings past their age, deleted after the walk */
	unsigned int n, cap;
};

static void
age_one(uint32_t idx, void *arg)
{
	struct gw_nh *nh = &gw_nhs[idx];
	struct age_walk *w = arg;
	const struct gw_tunnel *t;

	if (nh->kind != GW_NH_SPOKE || !nh->learned || w->n == w->cap)
		return;
	t = gw_tunnels[nh->tunnel];
	/* a GRETAP hub's spoke is seen by its frames (workers mark its peer) */
	if (t != NULL && gw_tunnel_mode_is_tap(t->conf.mode) && nh->peer != GW_PEER_NONE)
		nh->seen = RTE_MAX(nh->seen, gw_peer_seen[nh->peer]);
	if (t != NULL && gw_fdb_now - nh->seen > t->conf.learn_ageing)
		w->gone[w->n++] = idx;
}

void
gw_spoke_age(void)
{
	static uint32_t gone[1024]; /* at most this many a second: the rest the next */
	struct age_walk w = { .gone = gone, .cap = RTE_DIM(gone) };
	unsigned int i;

	gw_nh_neigh_foreach(age_one, &w);
	for (i = 0; i < w.n; i++) {
		struct gw_tunnel *t = gw_tunnels[gw_nhs[gone[i]].tunnel];

		if (gw_tunnel_reserve_prefix(&gw_nhs[gone[i]].ip, gw_ip_bits(&gw_nhs[gone[i]].ip)) < 0)
			break;
		map_drop(t, gone[i]);
		t->learn_ctr[GW_LEARN_CTR_AGED]++;
	}
}

struct flush_walk {
	uint16_t iface;
	uint32_t *idx;
	unsigned int n;
};

static void
flush_one(uint32_t idx, void *arg)
{
	struct flush_walk *w = arg;

	if (gw_nhs[idx].kind == GW_NH_SPOKE && gw_nhs[idx].iface == w->iface) {
		if (w->idx != NULL)
			w->idx[w->n] = idx;
		w->n++;
	}
}

void
gw_spoke_flush(struct gw_tunnel *t)
{
	struct flush_walk w = { .iface = t->iface };
	unsigned int i, n;

	/* the index cannot change while it is walked: count, collect, then delete */
	gw_nh_neigh_foreach(flush_one, &w);
	n = w.n;
	w.idx = gw_alloc(sizeof(*w.idx) * (n + 1));
	if (w.idx == NULL)
		return; /* the next hops stay, unreachable, until the tunnel's index is reused */
	w.n = 0;
	gw_nh_neigh_foreach(flush_one, &w);
	for (i = 0; i < w.n; i++) {
		struct gw_nh *nh = &gw_nhs[w.idx[i]];
		const struct gw_route *own = gw_route_find(&nh->ip, gw_ip_bits(&nh->ip));

		map_point(nh, GW_PEER_NONE);
		if (own != NULL && own->nh == w.idx[i])
			gw_route_del(&nh->ip, gw_ip_bits(&nh->ip));
		gw_nh_release(w.idx[i]);
	}
	free(w.idx);
	t->nb_learned = 0;
	gw_tunnel_learn_full[t->idx] = 0;
}
