/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the table layer (lib/table) driven through its one entry,
 * gw_apply(), with command-language lines (gw_cmd_parse) and
 * gw_tables_commit(). EAL boots once (no hugepages, two net_null ports); the
 * tables are created once per process, so every test first deletes what the
 * previous one left (and checks that this gives back the tables of the
 * start), then applies one base configuration.
 *
 * The judge is a snapshot: a text of everything a user or a worker can
 * observe in the tables, taken after a commit. Raw next-hop indexes are left
 * out (a next hop is described by what it does: kind, interface, address,
 * MAC, tunnel and peer), since a refused change may legitimately leave a
 * freed index in another place of the free list; interface ids, tunnel
 * indexes and peer ids are in (they name counters and appear in link show).
 * Taking one also checks invariants that no snapshot comparison could
 * catch: both FIB copies agree with the route records (longest match over
 * the active routes), each peer is what its decap key finds, routes into a
 * tunnel are active exactly while it is up, nothing is left deferred, a
 * bridge's flood list (what workers read) is its members that are up, every
 * MAC entry is behind a member of its bridge and the learned counts add up.
 *
 * Three tables: the apply functions, each with what the tables hold after
 * it; refused commands (error code, words of the message, snapshot
 * unchanged); and allocation failures in jansson's style (the k-th
 * allocation fails, for k = 1, 2, ... until a command makes fewer).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_hash.h>

#include "gw_test.h"

#include "gw_addr.h"
#include "gw_alloc.h"
#include "gw_apply.h"
#include "gw_bridge.h"
#include "gw_cmd.h"
#include "gw_fdb.h"
#include "gw_iface.h"
#include "gw_log.h"
#include "gw_nh.h"
#include "gw_peer.h"
#include "gw_port.h"
#include "gw_rcu.h"
#include "gw_route.h"
#include "gw_tunnel.h"

/*
 * Commands
 */

/* Parse a line (the test's own lines always parse) and apply it. */
static int
apply_line(const char *line, struct gw_error *err)
{
	char buf[512], *argv[GW_CMD_ARGS_MAX];
	struct gw_cmd cmd;
	int argc;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = gw_cmd_split(buf, argv, GW_CMD_ARGS_MAX);
	if (argc <= 0 || gw_cmd_parse(argc, argv, &cmd, err) < 0)
		fail_msg("\"%s\" does not parse: %s", line, err->msg);
	memset(err, 0, sizeof(*err));
	return gw_apply(&cmd, err);
}

/* Apply a line that must succeed (staged: the caller commits). */
static void
ok(const char *line)
{
	struct gw_error err = { 0 };
	int rc = apply_line(line, &err);

	if (rc != 0)
		fail_msg("\"%s\": %d (%s)", line, rc, err.msg);
}

/* Apply lines separated by ';', each of which must succeed, then commit. */
static void
run(const char *lines)
{
	char *buf = strdup(lines), *save = NULL, *line;

	assert_non_null(buf);
	for (line = strtok_r(buf, ";", &save); line != NULL; line = strtok_r(NULL, ";", &save))
		ok(line);
	free(buf);
	gw_tables_commit();
}

/*
 * Snapshot
 */

static const char *
ip_str(const struct gw_ip *ip, char *buf)
{
	return gw_ip_fmt(ip, buf, GW_IP_STRLEN);
}

static const char *
ip4_str(uint32_t v4, char *buf)
{
	struct gw_ip ip = gw_ip4(v4);

	return gw_ip_fmt(&ip, buf, GW_IP_STRLEN);
}

static uint32_t
ip4(const char *s)
{
	struct gw_ip ip;

	if (gw_ip_parse(s, &ip) < 0 || ip.family != AF_INET)
		fail_msg("bad test address %s", s);
	return ip.v4;
}

static const char *
tunnel_name(uint16_t idx)
{
	return idx < gw_limits.tunnels && gw_tunnels[idx] != NULL ? gw_tunnels[idx]->conf.name : "?";
}

/* A next hop by what it does, not by its index. */
static void
nh_print(FILE *f, uint32_t idx)
{
	const struct gw_nh *nh = &gw_nhs[idx];
	uint64_t l2 = gw_nh_l2_load(nh);
	char a[GW_IP_STRLEN], m[24];

	switch (nh->kind) {
	case GW_NH_DROP:
		fprintf(f, "drop");
		break;
	case GW_NH_LOCAL:
		fprintf(f, "local");
		break;
	case GW_NH_GLEAN:
		fprintf(f, "glean dev %s port %u", gw_iface_name(nh->iface), nh->port);
		break;
	case GW_NH_NEIGH:
		gw_mac_fmt((const uint8_t *)&l2, m, sizeof(m));
		fprintf(f, "neigh %s dev %s port %u lladdr %s%s%s", ip_str(&nh->ip, a),
			gw_iface_name(nh->iface), nh->port,
			(l2 & GW_NH_L2_VALID) ? m : "none", nh->is_static ? " static" : "",
			nh->learned ? " learned" : "");
		break;
	case GW_NH_TUNNEL:
		fprintf(f, "tunnel %s peer %u dev %s", tunnel_name(nh->tunnel), nh->peer,
			gw_iface_name(nh->iface));
		break;
	default:
		fprintf(f, "kind %u", nh->kind);
	}
	if (nh->released)
		fprintf(f, " RELEASED");
}

static int
route_cmp(const void *x, const void *y)
{
	const struct gw_route *a = *(const struct gw_route *const *)x;
	const struct gw_route *b = *(const struct gw_route *const *)y;
	int c = (int)a->dst.family - (int)b->dst.family;

	if (c == 0)
		c = memcmp(a->dst.v6, b->dst.v6, gw_ip_len(&a->dst));
	return c != 0 ? c : (int)a->len - (int)b->len;
}

/* Every route, sorted; the caller frees the array. */
static const struct gw_route **
routes_sorted(unsigned int *n)
{
	const struct gw_route **v;

	*n = gw_route_count();
	v = calloc(*n + 1, sizeof(*v));
	assert_non_null(v);
	assert_int_equal(gw_route_list(v, *n), *n);
	qsort(v, *n, sizeof(*v), route_cmp);
	return v;
}

/* The next hop of an address by longest match over the active route records. */
static uint32_t
lpm_reference(uint32_t dst, const struct gw_route *const *v, unsigned int n)
{
	struct gw_ip a = gw_ip4(dst);
	int best_len = -1;
	uint32_t nh = GW_NH_IDX_DROP;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i]->dst.family == AF_INET && v[i]->active && (int)v[i]->len > best_len &&
		    gw_ip_in_prefix(&a, &v[i]->dst, v[i]->len)) {
			best_len = v[i]->len;
			nh = v[i]->nh;
		}
	return nh;
}

/* What workers find: the published FIB, not the staged copy gw_route_lookup4 reads. */
static uint32_t
lookup_workers(uint32_t dst)
{
	uint32_t host = rte_be_to_cpu_32(dst);
	uint64_t nh = GW_NH_IDX_DROP;

	rte_fib_lookup_bulk(gw_fib, &host, &nh, 1);
	return nh;
}

/* Both FIB copies give what the route records say, at an address. */
static void
check_fib_at(uint32_t dst, const struct gw_route *const *v, unsigned int n)
{
	uint32_t want = lpm_reference(dst, v, n);
	char a[GW_IP_STRLEN];

	if (gw_route_lookup4(dst) != want || lookup_workers(dst) != want)
		fail_msg("FIB at %s: staged nh %u, workers' nh %u, route records nh %u",
			 ip4_str(dst, a), gw_route_lookup4(dst), lookup_workers(dst), want);
}

/* Fixed probes: around every prefix the tests configure. */
static const char *const probes[] = {
	"0.0.0.1", "8.8.8.8", "10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.16.1.1",
	"10.17.1.1", "10.18.1.1", "10.32.1.1", "10.64.0.1", "10.64.1.44", "10.99.0.1",
	"172.16.0.1", "172.16.0.9", "172.16.9.9", "192.0.2.1", "192.0.2.7", "192.0.2.50",
	"192.0.2.253", "192.0.2.254", "198.51.100.1", "198.51.100.7", "198.51.100.10",
	"198.51.100.200", "203.0.113.1", "203.0.113.2", "203.0.113.9", "255.255.255.255",
};

struct neigh_list {
	char lines[64][160];
	unsigned int n;
};

static void
collect_neigh(uint32_t idx, void *arg)
{
	struct neigh_list *l = arg;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	nh_print(f, idx);
	fclose(f);
	assert_true(l->n < GW_NELEM(l->lines));
	snprintf(l->lines[l->n++], sizeof(l->lines[0]), "%s", buf);
	free(buf);
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(x, y);
}

struct log_state {
	FILE *f;
};

static void
print_log(const char *module, unsigned int level, void *arg)
{
	fprintf(((struct log_state *)arg)->f, "log %s %u\n", module, level);
}

/*
 * A bridge as workers see it (its object: state, limits, flood list) checked
 * against the control thread's records, then described: its MTU, limits, BVI
 * and members, in interface id order, "(down)" after one that is down (not in
 * the flood list).
 */
static void
bridge_print(FILE *f, const struct gw_iface *ifc)
{
	const struct gw_bridge_ctl *b = gw_bridge_of_iface(ifc->id);
	const struct gw_bridge *o;
	unsigned int i, n = 0;

	assert_non_null(b);
	assert_true(b->used);
	assert_int_equal(b->iface, ifc->id);
	assert_string_equal(b->conf.name, ifc->name);
	o = gw_bridges[ifc->idx];
	assert_non_null(o);
	assert_int_equal(o->idx, ifc->idx);
	assert_int_equal(o->iface, ifc->id);
	assert_int_equal(o->up, ifc->up);
	assert_int_equal(o->max_learned, b->conf.max_learned);
	assert_int_equal(o->bvi, b->bvi);
	fprintf(f, "  bridge %s mtu %u ageing %u max_learned %u", ifc->name, gw_iface_mtu(ifc),
		b->conf.ageing_time, b->conf.max_learned);
	if (b->bvi != GW_BVI_NONE) {
		const struct gw_port *p = &gw_ports[b->bvi];

		assert_true(p->bvi);
		assert_int_equal(p->bvi_bridge, ifc->idx);
		assert_int_equal(p->iface, ifc->id);
		assert_int_equal(gw_nhs[p->glean_nh].kind, GW_NH_GLEAN);
		/* the BVI routes with its bridge's state and MTU */
		if (p->up != ifc->up || p->mtu != gw_iface_mtu(ifc))
			fail_msg("bridge %s: BVI up %d mtu %u, the bridge up %d mtu %u", ifc->name,
				 p->up, p->mtu, ifc->up, gw_iface_mtu(ifc));
		fprintf(f, " bvi");
	}
	fprintf(f, " flood");
	for (i = 0; i < gw_iface_max; i++) {
		const struct gw_iface *m = &gw_ifaces[i];
		union gw_member want;

		if (!m->used || m->master != ifc->id)
			continue;
		if (!m->up) {
			fprintf(f, " %s(down)", m->name);
			continue;
		}
		want = gw_bridge_member_of(i);
		if (n >= o->nb_members || o->members[n].u64 != want.u64)
			fail_msg("bridge %s: flood list entry %u is not member %s", ifc->name, n,
				 m->name);
		fprintf(f, " %s", m->name);
		n++;
	}
	if (o->nb_members != n)
		fail_msg("bridge %s: %u members in its flood list, %u up", ifc->name,
			 o->nb_members, n);
	fprintf(f, "\n");
}

/* The MAC table, copied under its lock (no assert there: it would leave the lock held). */
struct fdb_copy {
	struct gw_fdb_entry e[1024];
	uint32_t idx[1024];
	unsigned int n;
	bool overflow;
};

static void
copy_fdb(const struct gw_fdb_entry *e, void *arg)
{
	struct fdb_copy *c = arg;

	if (c->n == GW_NELEM(c->e)) {
		c->overflow = true;
		return;
	}
	c->idx[c->n] = e - gw_fdb_entries;
	c->e[c->n++] = *e;
}

/* Every MAC entry, checked (its key finds it, it is behind a member of its bridge). */
static void
fdb_print(FILE *f)
{
	struct fdb_copy *c = calloc(1, sizeof(*c));
	unsigned int learned[GW_BRIDGE_MAX] = { 0 };
	char lines[GW_NELEM(c->e)][96], m[GW_MAC_STRLEN];
	unsigned int i;

	assert_non_null(c);
	gw_fdb_foreach(copy_fdb, c);
	assert_false(c->overflow);
	assert_int_equal(rte_hash_count(gw_fdb_hash), c->n);
	for (i = 0; i < c->n; i++) {
		const struct gw_fdb_entry *e = &c->e[i];
		const struct gw_bridge_ctl *b = &gw_bridge_ctls[e->key.bridge];
		void *data = NULL;

		gw_mac_fmt(e->key.mac.addr_bytes, m, sizeof(m));
		if (rte_hash_lookup_data(gw_fdb_hash, &e->key, &data) < 0 ||
		    (uintptr_t)data != c->idx[i])
			fail_msg("MAC %s: its key does not find its entry", m);
		assert_true(b->used);
		if (e->dst.iface >= gw_iface_max || gw_ifaces[e->dst.iface].master != b->iface ||
		    e->dst.u64 != gw_bridge_member_of(e->dst.iface).u64)
			fail_msg("MAC %s of bridge %s: not behind one of its members", m,
				 b->conf.name);
		learned[e->key.bridge] += !e->is_static;
		snprintf(lines[i], sizeof(lines[i]), "fdb %s %s dev %s %s", b->conf.name, m,
			 gw_iface_name(e->dst.iface), e->is_static ? "static" : "learned");
	}
	for (i = 0; i < GW_BRIDGE_MAX; i++)
		if (learned[i] != gw_fdb_learned[i])
			fail_msg("bridge index %u: %u learned MACs, counted %u", i, learned[i],
				 gw_fdb_learned[i]);
	qsort(lines, c->n, sizeof(lines[0]), str_cmp);
	for (i = 0; i < c->n; i++)
		fprintf(f, "%s\n", lines[i]);
	free(c);
}

/*
 * Commit, check the invariants, and describe every table. The caller frees
 * the text.
 */
static char *
snap(void)
{
	const struct gw_route **v;
	struct neigh_list *neighs;
	struct log_state ls;
	char *text = NULL, a[GW_IP_STRLEN], b[GW_IP_STRLEN], pfx[GW_PFX_STRLEN], m[24];
	unsigned int i, j, n, nb_peers = 0, nb_keys = 0, nb_kind[8] = { 0 };
	size_t len = 0;
	FILE *f;

	gw_tables_commit();
	assert_int_equal(gw_rcu_deferred(), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);

	/* interfaces */
	for (i = 0; i < gw_iface_max; i++) {
		const struct gw_iface *ifc = &gw_ifaces[i];

		if (!ifc->used)
			continue;
		assert_int_equal(ifc->id, i);
		assert_ptr_equal(gw_iface_by_name(ifc->name), ifc);
		fprintf(f, "iface %u %s kind %s idx %u %s mtu %u", ifc->id, ifc->name,
			gw_iface_kind_name(ifc->kind), ifc->idx, ifc->up ? "up" : "down",
			gw_iface_mtu(ifc));
		if (ifc->master != GW_IFACE_NONE) {
			const struct gw_iface *br = &gw_ifaces[ifc->master];

			assert_true(br->used);
			assert_int_equal(br->kind, GW_IFACE_BRIDGE);
			assert_int_equal(gw_iface_bridge[i], br->idx);
			fprintf(f, " master %s", br->name);
		} else {
			assert_int_equal(gw_iface_bridge[i], GW_BRIDGE_NONE);
		}
		fprintf(f, "\n");
		if (ifc->kind == GW_IFACE_PORT) {
			const struct gw_port *p = &gw_ports[ifc->idx];

			assert_int_equal(p->iface, i);
			assert_string_equal(p->name, ifc->name);
			assert_int_equal(p->up, ifc->up);
			gw_mac_fmt(p->mac.addr_bytes, m, sizeof(m));
			fprintf(f, "  port mtu %u mac %s ", p->mtu, m);
			nh_print(f, p->glean_nh);
			fprintf(f, "\n");
			assert_int_equal(gw_nhs[p->glean_nh].kind, GW_NH_GLEAN);
			assert_int_equal(p->bridged, ifc->master != GW_IFACE_NONE);
		} else if (ifc->kind == GW_IFACE_BRIDGE) {
			bridge_print(f, ifc);
		} else {
			assert_non_null(gw_tunnel_of_iface(i));
			assert_int_equal(gw_tunnel_of_iface(i)->iface, i);
		}
	}

	/* the MAC table */
	fdb_print(f);

	/* addresses, in order */
	for (i = 0; i < gw_nb_addrs; i++) {
		struct gw_prefix p = { .addr = gw_addrs[i].ip, .len = gw_addrs[i].len };

		fprintf(f, "addr %s dev %s\n", gw_prefix_fmt(&p, pfx, sizeof(pfx)),
			gw_iface_name(gw_addrs[i].iface));
	}

	/* routes, and the FIB against them */
	v = routes_sorted(&n);
	for (i = 0; i < n; i++) {
		const struct gw_route *r = v[i];
		const struct gw_nh *nh = &gw_nhs[r->nh];
		bool want_active = true;

		fprintf(f, "route %s/%u origin %u %s -> ", ip_str(&r->dst, a), r->len, r->origin,
			r->active ? "active" : "INACTIVE");
		nh_print(f, r->nh);
		if (r->origin == GW_ROUTE_STATIC)
			fprintf(f, " (conf via %s dev %s)",
				r->conf.via.family != 0 ? ip_str(&r->conf.via, b) : "-",
				r->conf.dev[0] != '\0' ? r->conf.dev : "-");
		fprintf(f, "\n");
		assert_int_equal(nh->released, 0);
		if (nh->kind == GW_NH_TUNNEL)
			want_active = gw_ifaces[nh->iface].up;
		if (r->active != want_active)
			fail_msg("route %s/%u: active %d, its interface says %d",
				 ip_str(&r->dst, a), r->len, r->active, want_active);
		if (r->dst.family == AF_INET) {
			uint32_t host = rte_be_to_cpu_32(r->dst.v4);

			check_fib_at(r->dst.v4, v, n);
			check_fib_at(rte_cpu_to_be_32(host | ~gw_ipv4_mask(r->len)), v, n);
		}
	}
	fprintf(f, "routes %u\n", gw_route_count());
	for (i = 0; i < GW_NELEM(probes); i++) {
		uint32_t dst = ip4(probes[i]);

		check_fib_at(dst, v, n);
		fprintf(f, "fib %s -> ", probes[i]);
		nh_print(f, lookup_workers(dst));
		fprintf(f, "\n");
	}
	free(v);

	/* neighbours, as the neighbour index has them */
	neighs = calloc(1, sizeof(*neighs));
	assert_non_null(neighs);
	gw_nh_neigh_foreach(collect_neigh, neighs);
	qsort(neighs->lines, neighs->n, sizeof(neighs->lines[0]), str_cmp);
	for (i = 0; i < neighs->n; i++)
		fprintf(f, "neighbour %s\n", neighs->lines[i]);
	free(neighs);

	/* next hops in use, by kind: a leak shows here */
	for (i = 2; i < gw_limits.nhs; i++)
		if (gw_nhs[i].kind != GW_NH_DROP && !gw_nhs[i].released && gw_nhs[i].kind < 8)
			nb_kind[gw_nhs[i].kind]++;
	fprintf(f, "nhs glean %u neigh %u tunnel %u spoke %u replicate %u\n", nb_kind[GW_NH_GLEAN],
		nb_kind[GW_NH_NEIGH], nb_kind[GW_NH_TUNNEL], nb_kind[GW_NH_SPOKE],
		nb_kind[GW_NH_REPLICATE]);

	/* tunnels and their peers */
	for (i = 0; i < gw_limits.tunnels; i++) {
		const struct gw_tunnel *t = gw_tunnels[i];
		struct gw_cmd cmd = { .op = GW_CMD_TUNNEL_ADD };
		char line[512];

		if (t == NULL)
			continue;
		cmd.tunnel = t->conf;
		assert_true(gw_cmd_format(&cmd, line, sizeof(line)) > 0);
		fprintf(f, "tunnel idx %u iface %u given %#x peers", t->idx, t->iface,
			t->conf.given);
		for (j = 0; j < t->nb_peers; j++)
			fprintf(f, " %u", t->peers[j]);
		fprintf(f, "\n  %s\n", line);
		assert_int_equal(t->idx, i);
		assert_string_equal(t->conf.name, gw_iface_name(t->iface));
		if (gw_tunnel_conf_is_multipoint(&t->conf)) {
			/* a hub: the wildcard peer first, then one per spoke */
			assert_int_equal(gw_nhs[t->nh].kind, GW_NH_REPLICATE);
			assert_int_equal(gw_peers[t->peers[0]]->role, GW_PEER_ANY);
			for (j = 1; j < t->nb_peers; j++) {
				assert_int_equal(gw_peers[t->peers[j]]->role, GW_PEER_SPOKE);
				assert_int_equal(gw_peers[t->peers[j]]->slot, j);
				assert_true(gw_peers[t->peers[j]]->refs > 0);
			}
		} else {
			assert_int_equal(t->nb_peers, 1);
			assert_int_equal(gw_nhs[t->nh].kind, GW_NH_TUNNEL);
		}
		assert_int_equal(gw_nhs[t->nh].tunnel, t->idx);
		assert_int_equal(gw_nhs[t->nh].peer, t->peers[0]);
		assert_int_equal(gw_nhs[t->nh].iface, t->iface);
		assert_int_equal(gw_nhs[t->nh].released, 0);
		for (j = 0; j < t->nb_peers; j++) {
			const struct gw_peer *p = gw_peers[t->peers[j]];
			struct gw_tunnel_key4 k;
			void *data = NULL;
			unsigned int b8;

			assert_non_null(p);
			assert_int_equal(p->id, t->peers[j]);
			assert_int_equal(p->tunnel, t->idx);
			assert_int_equal(p->iface, t->iface);
			assert_int_equal(p->up, gw_ifaces[t->iface].up);
			fprintf(f, "  peer %u %s -> %s up %u mtu %u mss %u opts %#x ikey %u "
				"dscp %u rw_len %u seq_off %u sums %#x %#x pmtu %u unh ", p->id,
				ip_str(&p->local, a), ip_str(&p->remote, b), p->up, p->mtu,
				p->mss4_max, p->opts, p->ikey, p->dscp, p->rw_len, p->seq_off,
				p->rw_sum, p->gre_sum, p->pmtu);
			if (p->unh == 0)
				fprintf(f, "none");
			else
				nh_print(f, p->unh);
			fprintf(f, "\n  rw");
			for (b8 = GW_PEER_RW_MAX - p->rw_len; b8 < GW_PEER_RW_MAX; b8++)
				fprintf(f, " %02x", p->rw[b8]);
			fprintf(f, "\n");
			gw_tunnel_key4_of(p, &k);
			if (rte_hash_lookup_data(gw_tunnel_hash4, &k, &data) < 0 || data != p)
				fail_msg("tunnel %s: its decap key finds %p, not its peer %p",
					 t->conf.name, data, (const void *)p);
			nb_keys++;
		}
	}
	for (i = 0; i < gw_limits.peers; i++)
		nb_peers += gw_peers[i] != NULL;
	assert_int_equal(nb_peers, gw_peer_count());
	assert_int_equal(rte_hash_count(gw_tunnel_hash4), nb_keys);

	ls.f = f;
	gw_log_foreach(print_log, &ls);
	fprintf(f, "counts routes %u peers %u addrs %u decap %d pairs %d\n", gw_route_count(),
		gw_peer_count(), gw_nb_addrs, rte_hash_count(gw_tunnel_hash4),
		rte_hash_count(gw_tunnel_pair_hash4));
	assert_int_equal(fclose(f), 0);
	return text;
}

/* The first line where two snapshots differ, in the failure message. */
static void
snap_equal(const char *what, const char *x, const char *y)
{
	size_t i = 0, line = 1, bol = 0;

	if (strcmp(x, y) == 0)
		return;
	while (x[i] == y[i]) {
		if (x[i] == '\n') {
			line++;
			bol = i + 1;
		}
		i++;
	}
	fprintf(stderr, "%s: the tables differ at line %zu:\n  was: %.*s\n  now: %.*s\n", what,
		line, (int)strcspn(x + bol, "\n"), x + bol, (int)strcspn(y + bol, "\n"), y + bol);
	fail_msg("%s: the tables differ (above)", what);
}

/* Whether a snapshot holds a line containing all of these words, in this order. */
static bool
has(const char *text, const char *words)
{
	return strstr(text, words) != NULL;
}

/* cmocka cuts its messages short: the tables go to stderr whole. */
#define assert_has(text, words) do { \
	if (!has((text), (words))) { \
		fprintf(stderr, "%s", (text)); \
		fail_msg("no \"%s\" in the tables above", (words)); \
	} \
} while (0)

#define assert_hasnt(text, words) do { \
	if (has((text), (words))) { \
		fprintf(stderr, "%s", (text)); \
		fail_msg("\"%s\" still in the tables above", (words)); \
	} \
} while (0)

static int
ptr_str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* A bridge's members as a snapshot lists them, sorted by name (ids depend on history). */
static void
assert_flood(const char *text, const char *br, const char *sorted)
{
	char key[64], buf[512], got[512] = "", *words[64], *save = NULL, *w;
	const char *p, *q;
	unsigned int n = 0, i;

	snprintf(key, sizeof(key), "  bridge %s mtu ", br);
	p = strstr(text, key);
	p = p != NULL ? strstr(p, " flood") : NULL;
	q = p != NULL ? strchr(p, '\n') : NULL;
	if (q == NULL) {
		fprintf(stderr, "%s", text);
		fail_msg("no bridge %s in the tables above", br);
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(q - p - 6), p + 6);
	for (w = strtok_r(buf, " ", &save); w != NULL && n < GW_NELEM(words);
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, n, sizeof(words[0]), ptr_str_cmp);
	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i != 0 ? " " : "",
			 words[i]);
	if (strcmp(got, sorted) != 0) {
		fprintf(stderr, "%s", text);
		fail_msg("bridge %s: members \"%s\", expected \"%s\"", br, got, sorted);
	}
}

/*
 * Fixtures
 */

static char *empty_snap; /* the tables right after gw_tables_init */

/* The base configuration every test starts from. */
#define BASE \
	"addr add 192.0.2.1/24 dev port0;" \
	"addr add 203.0.113.1/24 dev port1;" \
	"neigh add 192.0.2.254 lladdr 02:00:00:00:00:fe dev port0;" \
	"route add 198.51.100.0/24 via 192.0.2.254;" \
	"tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 key 5;" \
	"addr add 10.0.0.1/30 dev gre1;" \
	"route add 10.16.0.0/16 dev gre1;" \
	"route add 10.17.0.0/16 via 10.0.0.2;" \
	"tunnel add gre2 mode gre local 203.0.113.1 remote 203.0.113.2;" \
	"route add 10.32.0.0/16 dev gre2"

static char log_levels[256]; /* log set lines that restore the levels of the start */
static char port_macs[GW_PORT_MAX][24]; /* the MACs the ports had at the start */

static void
save_log_level(const char *module, unsigned int level, void *arg)
{
	char *p = log_levels + strlen(log_levels);

	snprintf(p, sizeof(log_levels) - (p - log_levels), "%slog set %s %s",
		 p == log_levels ? "" : ";", module, gw_log_level_name(level));
}

/* Delete whatever the tables hold, with commands, and check that they are as at the start. */
static void
reset(void)
{
	struct gw_error err;
	char line[128], a[GW_PFX_STRLEN];
	const struct gw_route **v;
	unsigned int i, n;
	char *s;

	gw_alloc_fail_at = 0;
	gw_tables_commit(); /* what a failed test deleted is gone */
	for (i = 0; i < gw_limits.tunnels; i++)
		if (gw_tunnels[i] != NULL) {
			snprintf(line, sizeof(line), "tunnel del %s", gw_tunnels[i]->conf.name);
			ok(line);
		}
	v = routes_sorted(&n);
	for (i = 0; i < n; i++)
		if (v[i]->origin == GW_ROUTE_STATIC) {
			snprintf(line, sizeof(line), "route del %s/%u", ip_str(&v[i]->dst, a),
				 v[i]->len);
			ok(line);
		}
	free(v);
	for (i = 2; i < gw_limits.nhs; i++)
		if (gw_nhs[i].kind == GW_NH_NEIGH && gw_nhs[i].is_static && !gw_nhs[i].released) {
			snprintf(line, sizeof(line), "neigh del %s dev %s",
				 ip_str(&gw_nhs[i].ip, a), gw_iface_name(gw_nhs[i].iface));
			ok(line);
		}
	while (gw_nb_addrs > 0) {
		struct gw_prefix p = { .addr = gw_addrs[0].ip, .len = gw_addrs[0].len };

		snprintf(line, sizeof(line), "addr del %s dev %s", gw_prefix_fmt(&p, a, sizeof(a)),
			 gw_iface_name(gw_addrs[0].iface));
		ok(line);
	}
	for (i = 0; i < GW_BRIDGE_MAX; i++)
		if (gw_bridge_ctls[i].used) {
			snprintf(line, sizeof(line), "link del %s", gw_bridge_ctls[i].conf.name);
			ok(line);
		}
	for (i = 0; i < gw_nb_ports; i++) {
		snprintf(line, sizeof(line), "link set %s name port%u mtu 1500 up address %s",
			 gw_ports[i].name, i, port_macs[i]);
		assert_int_equal(apply_line(line, &err), 0);
	}
	run(log_levels);
	s = snap();
	snap_equal("after deleting everything", empty_snap, s);
	free(s);
}

static int
setup_base(void **state)
{
	(void)state;
	reset();
	run(BASE);
	return 0;
}

/*
 * The apply functions
 */

static void
test_base(void **state)
{
	char *s = snap();

	(void)state;
	assert_has(s, "addr 192.0.2.1/24 dev port0\naddr 203.0.113.1/24 dev port1\n"
		   "addr 10.0.0.1/30 dev gre1\n");
	assert_has(s, "route 198.51.100.0/24 origin 1 active -> neigh 192.0.2.254 dev port0 "
		   "port 0 lladdr 02:00:00:00:00:fe static (conf via 192.0.2.254 dev -)");
	assert_has(s, "route 10.17.0.0/16 origin 1 active -> tunnel gre1 peer");
	assert_has(s, "route 10.0.0.0/30 origin 2 active -> tunnel gre1");
	assert_has(s, "route 10.0.0.1/32 origin 3 active -> local");
	/* gre2's remote is on port1's prefix: it became a neighbour, unresolved */
	assert_has(s, "route 203.0.113.2/32 origin 0 active -> neigh 203.0.113.2 dev port1 "
		   "port 1 lladdr none\n");
	assert_has(s, "fib 10.16.1.1 -> tunnel gre1");
	assert_has(s, "fib 10.32.1.1 -> tunnel gre2");
	assert_has(s, "fib 8.8.8.8 -> drop");
	assert_has(s, "fib 192.0.2.7 -> glean dev port0");
	/* key 5: ikey and okey, 28 bytes of overhead under port0's 1500 */
	assert_has(s, "up 1 mtu 1472 mss 1432 opts 0x3 ikey 5");
	assert_has(s, "up 1 mtu 1476 mss 1436 opts 0 ikey 0");
	assert_has(s, "unh neigh 192.0.2.254 dev port0");
	assert_has(s, "counts routes 12 peers 2 addrs 3 decap 2 pairs 2");
	free(s);
}

static void
test_link_set_port(void **state)
{
	char *s;

	(void)state;
	run("link set port0 mtu 1400");
	s = snap();
	assert_has(s, "port0 kind port idx 0 up mtu 1400");
	assert_has(s, "192.0.2.1 -> 198.51.100.1 up 1 mtu 1372 mss 1332");
	assert_has(s, "203.0.113.2 up 1 mtu 1476"); /* gre2 leaves by port1 */
	free(s);

	run("link set port0 down address 02:aa:00:00:00:01 name lan0");
	s = snap();
	assert_has(s, "lan0 kind port idx 0 down mtu 1400\n  port mtu 1400 mac 02:aa:00:00:00:01");
	assert_null(gw_iface_by_name("port0"));
	assert_has(s, "addr 192.0.2.1/24 dev lan0");
	assert_has(s, "fib 192.0.2.7 -> glean dev lan0"); /* a port down keeps its routes */
	assert_has(s, "198.51.100.1 up 1"); /* and its tunnels up */
	free(s);

	run("link set lan0 up name port0 mtu 1500");
	s = snap();
	assert_has(s, "port0 kind port idx 0 up mtu 1500");
	assert_has(s, "198.51.100.1 up 1 mtu 1472");
	free(s);
}

static void
test_link_set_tunnel_down_up(void **state)
{
	char *before, *s;
	uint32_t id = gw_tunnel_by_name("gre1")->peers[0];

	(void)state;
	before = snap();
	run("link set gre1 down");
	s = snap();
	assert_has(s, "gre1 kind gre idx 1 down");
	assert_has(s, "route 10.16.0.0/16 origin 1 INACTIVE -> tunnel gre1");
	assert_has(s, "route 10.17.0.0/16 origin 1 INACTIVE -> tunnel gre1");
	assert_has(s, "route 10.0.0.0/30 origin 2 INACTIVE -> tunnel gre1");
	assert_has(s, "route 10.0.0.1/32 origin 3 active -> local");
	assert_has(s, "fib 10.16.1.1 -> drop");
	assert_has(s, "fib 10.0.0.2 -> drop");
	assert_has(s, "fib 10.32.1.1 -> tunnel gre2");
	assert_int_equal(gw_peers[id]->up, 0);
	assert_int_equal(gw_tunnel_by_name("gre1")->peers[0], id);
	assert_false(gw_tunnel_oper_up(gw_tunnel_by_name("gre1")));
	/* a route added while it is down waits with it */
	run("route add 10.18.0.0/16 dev gre1");
	s = (free(s), snap());
	assert_has(s, "route 10.18.0.0/16 origin 1 INACTIVE -> tunnel gre1");
	free(s);

	run("link set gre1 up; route del 10.18.0.0/16");
	s = snap();
	assert_int_equal(gw_peers[id]->up, 1);
	snap_equal("down then up", before, s);
	free(s);
	free(before);
}

static void
test_link_set_tunnel_mtu_name(void **state)
{
	char *s;

	(void)state;
	run("link set gre1 mtu 1300");
	s = snap();
	assert_has(s, "gre1 kind gre idx 1 up mtu 1300");
	assert_has(s, "198.51.100.1 up 1 mtu 1300 mss 1260");
	assert_int_equal(gw_tunnel_by_name("gre1")->conf.mtu, 1300);
	free(s);
	run("link set gre1 mtu 9000"); /* bounded by the underlay */
	s = snap();
	assert_has(s, "gre1 kind gre idx 1 up mtu 1472");
	free(s);

	run("link set gre1 name tun1");
	s = snap();
	assert_null(gw_iface_by_name("gre1"));
	assert_has(s, "tun1 kind gre idx 1 up");
	assert_has(s, "tunnel add tun1 mode gre");
	assert_has(s, "route 10.16.0.0/16 origin 1 active -> tunnel tun1 peer");
	free(s);
	run("route del 10.16.0.0/16 dev tun1; link set tun1 name gre1");
	s = snap();
	assert_hasnt(s, "route 10.16.0.0/16");
	assert_has(s, "tunnel add gre1 mode gre");
	free(s);
}

static void
test_addr(void **state)
{
	char *before = snap(), *s;

	(void)state;
	run("addr add 172.16.0.1/16 dev port1; addr add 10.99.0.1/32 dev gre2");
	s = snap();
	assert_has(s, "addr 172.16.0.1/16 dev port1\naddr 10.99.0.1/32 dev gre2\n");
	assert_has(s, "route 172.16.0.0/16 origin 2 active -> glean dev port1");
	assert_has(s, "route 172.16.0.1/32 origin 3 active -> local");
	assert_has(s, "route 10.99.0.1/32 origin 3 active -> local");
	assert_has(s, "fib 172.16.9.9 -> glean dev port1");
	assert_int_equal(gw_nb_addrs, 5);
	free(s);

	/* a tunnel down: its connected prefix waits */
	run("link set gre2 down; addr add 10.64.0.1/24 dev gre2");
	s = snap();
	assert_has(s, "route 10.64.0.0/24 origin 2 INACTIVE -> tunnel gre2");
	assert_has(s, "fib 10.64.0.1 -> local");
	free(s);

	run("addr del 10.64.0.1/24 dev gre2; link set gre2 up;"
	    "addr del 172.16.0.1/16 dev port1; addr del 10.99.0.1/32 dev gre2");
	s = snap();
	snap_equal("addr add then del", before, s);
	free(s);
	free(before);
}

static void
test_route(void **state)
{
	char *before = snap(), *s;

	(void)state;
	run("route add 10.64.0.0/16 dev port1;"
	    "route add 10.65.0.0/16 via 192.0.2.7;"
	    "route add 10.66.0.0/16 via 10.0.0.2 dev gre1;"
	    "route add 10.67.0.0/16 via 192.0.2.254 dev port0");
	s = snap();
	assert_has(s, "route 10.64.0.0/16 origin 1 active -> glean dev port1");
	assert_has(s, "route 10.65.0.0/16 origin 1 active -> neigh 192.0.2.7 dev port0 port 0 "
		   "lladdr none (conf via 192.0.2.7 dev -)");
	assert_has(s, "route 10.66.0.0/16 origin 1 active -> tunnel gre1");
	assert_has(s, "route 10.67.0.0/16 origin 1 active -> neigh 192.0.2.254");
	assert_has(s, "fib 10.64.1.44 -> glean dev port1");
	free(s);

	/* replace a static route (ip route replace), then delete them all */
	run("route add 10.64.0.0/16 dev gre2");
	s = snap();
	assert_has(s, "route 10.64.0.0/16 origin 1 active -> tunnel gre2");
	free(s);
	run("route del 10.64.0.0/16; route del 10.65.0.0/16 via 192.0.2.7;"
	    "route del 10.66.0.0/16 dev gre1; route del 10.67.0.0/16");
	s = snap();
	snap_equal("routes added then deleted", before, s);
	free(s);
	free(before);
}

/* A route into a tunnel that is down, replaced by one that leaves by a port, is active. */
static void
test_route_replace_inactive(void **state)
{
	char *s;

	(void)state;
	run("link set gre1 down; route add 10.16.0.0/16 via 192.0.2.254");
	s = snap();
	assert_has(s, "route 10.16.0.0/16 origin 1 active -> neigh 192.0.2.254");
	assert_has(s, "fib 10.16.1.1 -> neigh 192.0.2.254");
	free(s);
	run("route add 10.16.0.0/16 dev gre1");
	s = snap();
	assert_has(s, "route 10.16.0.0/16 origin 1 INACTIVE -> tunnel gre1");
	free(s);
}

static void
test_neigh(void **state)
{
	char *before = snap(), *s;

	(void)state;
	run("neigh add 192.0.2.50 lladdr 02:00:00:00:00:50 dev port0");
	s = snap();
	assert_has(s, "route 192.0.2.50/32 origin 0 active -> neigh 192.0.2.50 dev port0 port 0 "
		   "lladdr 02:00:00:00:00:50 static\n");
	assert_has(s, "fib 192.0.2.50 -> neigh 192.0.2.50");
	free(s);
	run("neigh del 192.0.2.50 dev port0");
	s = snap();
	snap_equal("neigh add then del", before, s);
	free(s);

	/* a neighbour others lead to stays, unresolved, until they let it go */
	run("neigh del 192.0.2.254 dev port0");
	s = snap();
	assert_has(s, "route 192.0.2.254/32 origin 0 active -> neigh 192.0.2.254 dev port0 port 0 "
		   "lladdr none\n");
	assert_has(s, "unh neigh 192.0.2.254 dev port0 port 0 lladdr none\n");
	assert_false(gw_tunnel_oper_up(gw_tunnel_by_name("gre1")));
	free(s);
	run("neigh add 192.0.2.254 lladdr 02:00:00:00:00:fe dev port0");
	s = snap();
	snap_equal("neigh del then add of a neighbour in use", before, s);
	free(s);
	free(before);
}

/* An IPv6 address of the tests' own (they always parse). */
static struct gw_ip
ip6(const char *s)
{
	struct gw_ip ip;

	if (gw_ip_parse(s, &ip) < 0 || ip.family != AF_INET6)
		fail_msg("bad test address %s", s);
	return ip;
}

/* The next hop of an IPv6 destination, as the staged FIB and the workers' FIB give it. */
static uint32_t
nh6(const char *dst)
{
	uint8_t a[1][RTE_FIB6_IPV6_ADDR_SIZE];
	struct gw_ip ip = ip6(dst);
	uint64_t workers = UINT64_MAX;

	memcpy(a[0], ip.v6, 16);
	rte_fib6_lookup_bulk(gw_fib6, a, &workers, 1);
	if (workers != gw_route_lookup6(ip.v6))
		fail_msg("FIB6 at %s: staged nh %u, workers' nh %" PRIu64, dst,
			 gw_route_lookup6(ip.v6), workers);
	return (uint32_t)workers;
}

/* The peer an IPv6 underlay's decap key finds, or NULL. */
static const struct gw_peer *
decap6(const char *local, const char *remote, bool has_key, uint32_t key)
{
	struct gw_tunnel_key6 k = { .key = has_key ? key : 0,
				    .flags = has_key ? GW_TKEY_HAS_KEY : 0 };
	void *data;

	memcpy(k.local, ip6(local).v6, 16);
	memcpy(k.remote, ip6(remote).v6, 16);
	return rte_hash_lookup_data(gw_tunnel_hash6, &k, &data) >= 0 ? data : NULL;
}

/*
 * IPv6 in the tables: an address (connected prefix and local /128), a
 * static neighbour and a route via it in both FIB copies, an ip6gre tunnel
 * whose remote resolves through that route (its peer's rewrite, MTU and
 * decap key), the encapsulation limit changing its rewrite and MTU, the
 * route leaving and coming back re-resolving the peer (the rte_rib6 of
 * remotes), and everything deleted giving the tables back as they were.
 */
static void
test_ip6(void **state)
{
	char *before = snap(), *s;
	const struct gw_tunnel *t;
	const struct gw_peer *p;
	int neigh;

	(void)state;
	run("addr add 2001:db8:1::1/64 dev port0;"
	    "neigh add 2001:db8:1::fe lladdr 02:00:00:00:06:fe dev port0;"
	    "route add 2001:db8:2::/48 via 2001:db8:1::fe");
	assert_int_equal(gw_nhs[nh6("2001:db8:1::9")].kind, GW_NH_GLEAN);
	assert_int_equal(nh6("2001:db8:1::1"), GW_NH_IDX_LOCAL);
	neigh = nh6("2001:db8:1::fe");
	assert_int_equal(gw_nhs[neigh].kind, GW_NH_NEIGH);
	assert_true(gw_nhs[neigh].is_static);
	assert_int_equal(nh6("2001:db8:2::77"), neigh);
	assert_int_equal(nh6("2001:db8:3::1"), GW_NH_IDX_DROP);

	run("tunnel add t6 mode ip6gre local 2001:db8:1::1 remote 2001:db8:2::2 key 5");
	t = gw_tunnel_by_name("t6");
	assert_non_null(t);
	p = gw_peers[t->peers[0]];
	assert_int_equal(p->unh, neigh);
	assert_true(p->ip6);
	assert_int_equal(p->rw_len, 48);  /* IPv6 40, GRE with key 8 */
	assert_int_equal(p->gre_off, 40);
	assert_int_equal(p->mtu, 1500 - 48);
	assert_int_equal(p->mtu6, 1452);
	assert_ptr_equal(decap6("2001:db8:1::1", "2001:db8:2::2", true, 5), p);
	assert_null(decap6("2001:db8:1::1", "2001:db8:2::2", false, 0));
	assert_true(gw_tunnel_oper_up(t));

	run("tunnel change t6 encaplimit 4");
	p = gw_peers[t->peers[0]];
	assert_int_equal(p->rw_len, 56);
	assert_int_equal(p->mtu, 1500 - 56);
	/* the destination options header: next GRE, the limit option (RFC 2473 §5.1) */
	assert_int_equal(p->rw[GW_PEER_RW_MAX - p->rw_len + 6], 60);
	assert_int_equal(p->rw[GW_PEER_RW_MAX - p->rw_len + 40], 47);
	assert_int_equal(p->rw[GW_PEER_RW_MAX - p->rw_len + 42], 4);
	assert_int_equal(p->rw[GW_PEER_RW_MAX - p->rw_len + 44], 4);

	/* the route goes: the peer has no underlay; back: it resolves again */
	run("route del 2001:db8:2::/48");
	assert_int_equal(gw_peers[t->peers[0]]->unh, 0);
	assert_false(gw_tunnel_oper_up(t));
	run("route add 2001:db8:2::/48 via 2001:db8:1::fe");
	assert_int_equal(gw_peers[t->peers[0]]->unh, neigh);

	/* IPv6 routes into the tunnel, and IPv4 ones */
	run("route add 2001:db8:10::/48 dev t6; route add 10.18.0.0/16 dev t6");
	assert_int_equal(gw_nhs[nh6("2001:db8:10::1")].kind, GW_NH_TUNNEL);
	assert_int_equal(gw_nhs[gw_route_lookup4(ip4("10.18.1.1"))].kind, GW_NH_TUNNEL);

	run("tunnel del t6; route del 2001:db8:2::/48; neigh del 2001:db8:1::fe dev port0;"
	    "addr del 2001:db8:1::1/64 dev port0");
	assert_null(decap6("2001:db8:1::1", "2001:db8:2::2", true, 5));
	assert_int_equal(nh6("2001:db8:2::77"), GW_NH_IDX_DROP);
	assert_int_equal(nh6("2001:db8:1::9"), GW_NH_IDX_DROP);
	assert_int_equal(nh6("2001:db8:10::1"), GW_NH_IDX_DROP);
	s = snap();
	snap_equal("IPv6 added then deleted", before, s);
	free(s);
	free(before);
}

/* The spoke peers of hub "mg1": (underlay address, refs), in peers[] order. */
static void
hub_spokes(char *buf, size_t size)
{
	const struct gw_tunnel *t = gw_tunnel_by_name("mg1");
	char a[GW_IP_STRLEN];
	size_t len = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 1; t != NULL && i < t->nb_peers; i++) {
		const struct gw_peer *p = gw_peers[t->peers[i]];

		len += snprintf(buf + len, size - len, "%s%s/%u", i > 1 ? " " : "",
				gw_ip_fmt(&p->remote, a, sizeof(a)), p->refs);
	}
}

/*
 * A hub: mappings to spokes (two overlay addresses behind one spoke share
 * its peer), routes via an overlay address before and after its mapping, a
 * mapping moved, the spoke set published at the commit; deleting it all,
 * then the tunnel, gives back every peer, next hop and route.
 */
static void
test_hub(void **state)
{
	char *before = snap(), *s, spokes[256];
	const struct gw_tunnel *t;
	const struct gw_nh *nh;
	int idx;

	(void)state;
	run("tunnel add mg1 mode gre local 192.0.2.1 remote any key 9;"
	    "addr add 172.20.0.1/24 dev mg1;"
	    "route add 10.20.0.0/24 via 172.20.0.2 dev mg1"); /* before its mapping */
	t = gw_tunnel_by_name("mg1");
	assert_non_null(t);
	assert_int_equal(gw_nhs[t->nh].kind, GW_NH_REPLICATE);
	idx = gw_nh_spoke_get(t->iface, t->idx, &(struct gw_ip){ .family = AF_INET,
				 .v4 = RTE_BE32(0xac140002) }, false);
	assert_true(idx > 0);
	assert_int_equal(gw_nhs[idx].peer, GW_PEER_NONE); /* routed via, not mapped yet */

	run("neigh add 172.20.0.2 lladdr 198.51.100.20 dev mg1;"
	    "neigh add 172.20.0.3 lladdr 198.51.100.20 dev mg1;"
	    "neigh add 172.20.0.4 lladdr 198.51.100.21 dev mg1");
	hub_spokes(spokes, sizeof(spokes));
	assert_string_equal(spokes, "198.51.100.20/2 198.51.100.21/1");
	nh = &gw_nhs[idx];
	assert_int_equal(nh->peer, t->peers[1]);
	assert_true(nh->is_static);
	assert_non_null(gw_tunnel_spokes[t->idx]);
	assert_int_equal(gw_tunnel_spokes[t->idx]->n, 2);

	/* a mapping moves: its next hop (and the route via it) stay, the spoke changes */
	run("neigh add 172.20.0.3 lladdr 198.51.100.21 dev mg1");
	hub_spokes(spokes, sizeof(spokes));
	assert_string_equal(spokes, "198.51.100.20/1 198.51.100.21/2");
	/* the last mapping to a spoke goes: its peer goes, the set shrinks at the commit */
	run("neigh del 172.20.0.2 dev mg1");
	hub_spokes(spokes, sizeof(spokes));
	assert_string_equal(spokes, "198.51.100.21/2");
	assert_int_equal(gw_tunnel_spokes[t->idx]->n, 1);
	assert_int_equal(nh->peer, GW_PEER_NONE); /* the route via 172.20.0.2 keeps it, unmapped */
	assert_null(gw_route_find(&nh->ip, 32)); /* without its host route */
	run("route del 10.20.0.0/24; neigh del 172.20.0.3 dev mg1; neigh del 172.20.0.4 dev mg1");
	hub_spokes(spokes, sizeof(spokes));
	assert_string_equal(spokes, "");
	run("addr del 172.20.0.1/24 dev mg1; tunnel del mg1");
	s = snap();
	snap_equal("a hub built and taken down", before, s);
	free(s);

	/* tunnel del with everything still on it gives it all back too */
	run("tunnel add mg1 mode gre local 192.0.2.1 remote any key 9;"
	    "addr add 172.20.0.1/24 dev mg1;"
	    "neigh add 172.20.0.2 lladdr 198.51.100.20 dev mg1;"
	    "route add 10.20.0.0/24 via 172.20.0.2 dev mg1;"
	    "route add 224.0.0.0/4 dev mg1;"
	    "tunnel del mg1");
	s = snap();
	snap_equal("a hub deleted whole", before, s);
	free(s);
	free(before);
}

static void
test_tunnel_add_change(void **state)
{
	const struct gw_tunnel *t;
	const struct gw_peer *old;
	uint32_t id;
	char *s;

	(void)state;
	run("tunnel add gre3 mode gre local 192.0.2.1 remote 198.51.100.7 ikey 7 okey 8 csum seq "
	    "ttl 9 tos 0x20 mtu 1400");
	s = snap();
	t = gw_tunnel_by_name("gre3");
	assert_non_null(t);
	assert_has(s, "192.0.2.1 -> 198.51.100.7 up 1 mtu 1400 mss 1360 opts 0x3f ikey 7 dscp 32 "
		   "rw_len 36 seq_off 32");
	assert_has(s, "counts routes 12 peers 3 addrs 3 decap 3 pairs 3");
	free(s);

	id = t->peers[0];
	old = gw_peers[id];
	run("tunnel change gre3 ikey 70 ttl 10");
	s = snap();
	assert_int_equal(t->peers[0], id); /* the same peer, a new object */
	assert_ptr_not_equal(gw_peers[id], old);
	assert_int_equal(gw_nhs[t->nh].peer, id);
	assert_int_equal(gw_nhs[t->nh].tunnel, t->idx);
	assert_has(s, "opts 0x3f ikey 70");
	assert_has(s, "counts routes 12 peers 3 addrs 3 decap 3 pairs 3");
	free(s);

	run("tunnel change gre3 remote 203.0.113.9 local 203.0.113.1");
	s = snap();
	assert_int_equal(t->peers[0], id);
	assert_has(s, "203.0.113.1 -> 203.0.113.9 up 1 mtu 1400");
	assert_has(s, "unh neigh 203.0.113.9 dev port1");
	assert_has(s, "route 203.0.113.9/32 origin 0 active -> neigh 203.0.113.9");
	free(s);
}

static void
test_tunnel_del(void **state)
{
	const struct gw_tunnel *t = gw_tunnel_by_name("gre1");
	unsigned int peers = gw_peer_count();
	uint32_t id = t->peers[0], idx = t->idx;
	char *s;

	(void)state;
	ok("tunnel del gre1");
	/* gone for the control thread now; its peer and index after the grace period */
	assert_null(gw_tunnel_by_name("gre1"));
	assert_int_equal(gw_peer_count(), peers);
	assert_null(gw_tunnels[idx]);
	assert_non_null(gw_peers[id]);
	s = snap();
	assert_int_equal(gw_peer_count(), peers - 1);
	assert_null(gw_tunnels[idx]);
	assert_null(gw_peers[id]);
	assert_hasnt(s, "gre1");
	assert_hasnt(s, "addr 10.0.0.1");
	assert_has(s, "fib 10.16.1.1 -> drop");
	assert_has(s, "counts routes 8 peers 1 addrs 2 decap 1 pairs 1");
	free(s);
}

/* A name freed by a delete can be taken again in the same batch. */
static void
test_tunnel_del_add_same_batch(void **state)
{
	char *s;

	(void)state;
	ok("tunnel del gre1");
	ok("tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 key 5");
	ok("route add 10.16.0.0/16 dev gre1");
	ok("link set gre2 name gre4");
	ok("tunnel add gre2 mode gre local 192.0.2.1 remote 198.51.100.7");
	s = snap();
	assert_has(s, "route 10.16.0.0/16 origin 1 active -> tunnel gre1");
	assert_hasnt(s, "route 10.17.0.0/16");
	assert_has(s, "tunnel add gre2 mode gre local 192.0.2.1 remote 198.51.100.7");
	assert_has(s, "tunnel add gre4 mode gre local 203.0.113.1 remote 203.0.113.2");
	assert_has(s, "counts routes 9 peers 3 addrs 2 decap 3 pairs 3");
	free(s);
}

static void
test_log_set(void **state)
{
	char *s;

	(void)state;
	run("log set port debug");
	s = snap();
	assert_has(s, "log port 8\n");
	free(s);
	run("log set all warning");
	s = snap();
	assert_has(s, "log port 5\n");
	assert_has(s, "log main 5\n");
	free(s);
}

/*
 * Bridges: members (ports and gretap tunnels), the flood list workers read,
 * the MAC table (static entries by command, learned ones as a worker learns
 * them: gw_fdb_learn), its limit and its ageing.
 */

/* port1 without its address (gre2 used it): a port that may join a bridge */
#define FREE_PORT1 "tunnel del gre2;addr del 203.0.113.1/24 dev port1;"
#define GT1 "tunnel add gt1 mode gretap local 192.0.2.1 remote 198.51.100.5 key 9"
#define GT2 "tunnel add gt2 mode gretap local 192.0.2.1 remote 198.51.100.6 key 10"
#define BR "link add br0 type bridge"
#define BR_GT1 BR ";" GT1 ";link set gt1 master br0"
#define MAC_S "02:00:00:00:aa:01"

static uint16_t
iface_id(const char *name)
{
	const struct gw_iface *ifc = gw_iface_by_name(name);

	if (ifc == NULL)
		fail_msg("no interface %s", name);
	return ifc->id;
}

/* A bridge's index, by its name. */
static uint16_t
bridge_idx(const char *name)
{
	return gw_ifaces[iface_id(name)].idx;
}

/* What a worker does with a frame from a new MAC (the bridge's own limit). */
static enum gw_fdb_learn_rc
learn(const char *br, const char *mac, const char *member)
{
	struct rte_ether_addr a;
	uint16_t idx = bridge_idx(br);

	if (rte_ether_unformat_addr(mac, &a) < 0)
		fail_msg("bad test MAC %s", mac);
	return gw_fdb_learn(idx, &a, gw_bridge_member_of(iface_id(member)),
			    gw_bridge_ctls[idx].conf.max_learned);
}

static void
test_bridge_add_del(void **state)
{
	char *before = snap(), *s;

	(void)state;
	run(BR " ageing_time 20 fdb_max_learned 8; link add br1 type bridge");
	s = snap();
	/* no member: Linux's 1500; the defaults: 300 s, 4096 MACs */
	assert_has(s, " br0 kind bridge idx ");
	assert_has(s, "  bridge br0 mtu 1500 ageing 20 max_learned 8 flood\n");
	assert_has(s, "  bridge br1 mtu 1500 ageing 300 max_learned 4096 flood\n");
	free(s);
	run("link set br0 down; link set br1 name br2");
	s = snap();
	assert_has(s, " br0 kind bridge idx ");
	assert_has(s, " down mtu 1500\n  bridge br0 mtu");
	assert_has(s, "  bridge br2 mtu 1500 ageing 300");
	assert_null(gw_iface_by_name("br1"));
	free(s);
	run("link del br0; link del br2");
	s = snap();
	snap_equal("bridges added then deleted", before, s);
	free(s);
	free(before);
}

static void
test_bridge_members(void **state)
{
	char *before, *s;

	(void)state;
	run(FREE_PORT1 GT1 ";" GT2);
	before = snap();
	run(BR "; link set port1 master br0; link set gt1 master br0; link set gt2 master br0");
	s = snap();
	assert_has(s, " port1 kind port idx 1 up mtu 1500 master br0\n");
	assert_has(s, " gt1 kind gretap idx ");
	assert_has(s, " up mtu 1458 master br0\n"); /* 1500 - 38 - 4 for the key */
	/* the bridge's MTU is its smallest member's */
	assert_has(s, "  bridge br0 mtu 1458 ageing 300 max_learned 4096 flood");
	assert_flood(s, "br0", "gt1 gt2 port1");
	assert_true(gw_ports[1].bridged);
	free(s);

	/* a member down leaves the flood list, stays a member */
	run("link set gt2 down");
	s = snap();
	assert_flood(s, "br0", "gt1 gt2(down) port1");
	free(s);
	/* master of its own bridge again, nomaster twice: no-ops */
	run("link set gt2 up; link set gt1 master br0; link set port1 nomaster; "
	    "link set port1 nomaster");
	s = snap();
	assert_has(s, " port1 kind port idx 1 up mtu 1500\n");
	assert_flood(s, "br0", "gt1 gt2");
	assert_false(gw_ports[1].bridged);
	free(s);

	/* from one bridge to another in one command */
	run("link add br1 type bridge; link set gt2 master br1");
	s = snap();
	assert_flood(s, "br0", "gt1");
	assert_flood(s, "br1", "gt2");
	free(s);

	/* link del: the members leave first, then the bridge goes */
	run("link set port1 master br0; link del br0; link del br1");
	s = snap();
	snap_equal("members left with their bridges", before, s);
	assert_false(gw_ports[1].bridged);
	free(s);
	free(before);
}

static void
test_bridge_tunnel_del_member(void **state)
{
	char *s;

	(void)state;
	run(BR_GT1 ";" GT2 ";link set gt2 master br0;"
	    "bridge fdb add " MAC_S " dev gt1 master static");
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "gt1"), GW_FDB_LEARNED);
	assert_int_equal(learn("br0", "02:00:00:00:bb:02", "gt2"), GW_FDB_LEARNED);
	s = snap();
	assert_flood(s, "br0", "gt1 gt2");
	assert_has(s, "fdb br0 " MAC_S " dev gt1 static\n"
		   "fdb br0 02:00:00:00:bb:01 dev gt1 learned\n"
		   "fdb br0 02:00:00:00:bb:02 dev gt2 learned\n");
	free(s);
	/* a member that goes takes its MACs, static ones too, and leaves the flood list */
	run("tunnel del gt1");
	s = snap();
	assert_flood(s, "br0", "gt2");
	assert_hasnt(s, "dev gt1");
	assert_has(s, "fdb br0 02:00:00:00:bb:02 dev gt2 learned\n");
	free(s);
}

static void
test_bridge_fdb(void **state)
{
	char *before, *s;

	(void)state;
	run(FREE_PORT1 BR_GT1 ";link set port1 master br0");
	before = snap();
	run("bridge fdb add " MAC_S " dev gt1 master static; "
	    "bridge fdb add 02:00:00:00:aa:02 dev port1");
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "port1"), GW_FDB_LEARNED);
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "gt1"), GW_FDB_KNOWN);
	assert_int_equal(gw_fdb_learned[bridge_idx("br0")], 1);
	s = snap();
	assert_has(s, "fdb br0 " MAC_S " dev gt1 static\n"
		   "fdb br0 02:00:00:00:aa:02 dev port1 static\n"
		   "fdb br0 02:00:00:00:bb:01 dev port1 learned\n");
	free(s);

	/* a learned MAC added by hand becomes static, behind the member named */
	run("bridge fdb add 02:00:00:00:bb:01 dev gt1 master static");
	s = snap();
	assert_has(s, "fdb br0 02:00:00:00:bb:01 dev gt1 static\n");
	assert_int_equal(gw_fdb_learned[bridge_idx("br0")], 0);
	free(s);
	/* a static one again: moved */
	run("bridge fdb add 02:00:00:00:bb:01 dev port1 master static");
	s = snap();
	assert_has(s, "fdb br0 02:00:00:00:bb:01 dev port1 static\n");
	free(s);

	run("bridge fdb del " MAC_S " dev gt1 master; bridge fdb del 02:00:00:00:aa:02 dev port1;"
	    "bridge fdb del 02:00:00:00:bb:01 dev port1 master");
	s = snap();
	snap_equal("entries added then deleted", before, s);
	free(s);

	/* nomaster: the member's MACs go with it, the others stay */
	run("bridge fdb add " MAC_S " dev gt1; bridge fdb add 02:00:00:00:aa:02 dev port1");
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "gt1"), GW_FDB_LEARNED);
	run("link set gt1 nomaster");
	s = snap();
	assert_hasnt(s, "dev gt1");
	assert_has(s, "fdb br0 02:00:00:00:aa:02 dev port1 static\n");
	assert_int_equal(gw_fdb_learned[bridge_idx("br0")], 0);
	free(s);
	free(before);
}

/* fdb_max_learned: new MACs beyond it are refused; known ones, static ones are not. */
static void
test_bridge_fdb_limit(void **state)
{
	char *s;

	(void)state;
	run("link add br0 type bridge fdb_max_learned 2;" GT1 ";link set gt1 master br0");
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "gt1"), GW_FDB_LEARNED);
	assert_int_equal(learn("br0", "02:00:00:00:bb:02", "gt1"), GW_FDB_LEARNED);
	assert_int_equal(learn("br0", "02:00:00:00:bb:03", "gt1"), GW_FDB_FULL);
	/* a MAC in the table is known, full or not (a frame whose burst's lookup came
	 * before an earlier frame of that burst learned it asks again) */
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "gt1"), GW_FDB_KNOWN);
	run("bridge fdb add " MAC_S " dev gt1 static");
	s = snap();
	assert_has(s, "fdb br0 " MAC_S " dev gt1 static\n"
		   "fdb br0 02:00:00:00:bb:01 dev gt1 learned\n"
		   "fdb br0 02:00:00:00:bb:02 dev gt1 learned\n");
	assert_hasnt(s, "bb:03");
	free(s);
	/* one gone: room for one more */
	run("bridge fdb del 02:00:00:00:bb:02 dev gt1");
	assert_int_equal(learn("br0", "02:00:00:00:bb:03", "gt1"), GW_FDB_LEARNED);
	assert_int_equal(learn("br0", "02:00:00:00:bb:04", "gt1"), GW_FDB_FULL);
	free(snap());
}

/*
 * The clock starts when the tables do: a MAC a worker learns before the
 * control thread's first tick is not aged by that tick as unseen since
 * second 0 (while the clock read 0, it was). Before any other test ages.
 */
static void
test_bridge_fdb_first_tick(void **state)
{
	char *s;

	(void)state;
	run(BR_GT1);
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "gt1"), GW_FDB_LEARNED);
	gw_fdb_age((uint32_t)(rte_get_timer_cycles() / rte_get_timer_hz()));
	s = snap();
	assert_has(s, "fdb br0 02:00:00:00:bb:01 dev gt1 learned\n");
	assert_int_equal(gw_bridge_ctls[bridge_idx("br0")].aged, 0);
	free(s);
}

/* ageing_time S: a learned MAC unseen for more than S seconds goes; a static one never. */
static void
test_bridge_ageing(void **state)
{
	uint32_t t0 = gw_fdb_now;
	uint16_t idx;
	char *s;

	(void)state;
	run("link add br0 type bridge ageing_time 5;" GT1 ";link set gt1 master br0;"
	    "bridge fdb add " MAC_S " dev gt1 master static");
	idx = bridge_idx("br0");
	assert_int_equal(learn("br0", "02:00:00:00:bb:01", "gt1"), GW_FDB_LEARNED);
	/* seen during second t0, maybe at its end: 5 s unseen are not sure before t0 + 6 */
	gw_fdb_age(t0 + 5);
	assert_int_equal(learn("br0", "02:00:00:00:bb:02", "gt1"), GW_FDB_LEARNED); /* at t0 + 5 */
	s = snap();
	assert_has(s, "fdb br0 02:00:00:00:bb:01 dev gt1 learned\n");
	assert_int_equal(gw_bridge_ctls[idx].aged, 0);
	free(s);
	gw_fdb_age(t0 + 6);
	s = snap();
	assert_hasnt(s, "bb:01");
	assert_has(s, "fdb br0 " MAC_S " dev gt1 static\n"
		   "fdb br0 02:00:00:00:bb:02 dev gt1 learned\n");
	assert_int_equal(gw_bridge_ctls[idx].aged, 1);
	free(s);
	gw_fdb_age(t0 + 100);
	s = snap();
	assert_has(s, "fdb br0 " MAC_S " dev gt1 static\n");
	assert_hasnt(s, "dev gt1 learned");
	assert_int_equal(gw_bridge_ctls[idx].aged, 2);
	assert_int_equal(gw_fdb_learned[idx], 0);
	free(s);
	__atomic_store_n(&gw_fdb_now, t0, __ATOMIC_RELAXED); /* the clock back for the others */
}

/* A bridge with an address routes by its BVI port, which follows its state and MTU. */
static void
test_bridge_address(void **state)
{
	char *s;

	(void)state;
	run(BR_GT1 ";addr add 10.99.0.1/24 dev br0; neigh add 10.99.0.7 lladdr "
	    "02:00:00:00:00:07 dev br0; route add 10.50.0.0/16 via 10.99.0.7");
	s = snap();
	assert_has(s, "  bridge br0 mtu 1458 ageing 300 max_learned 4096 bvi flood gt1\n");
	assert_has(s, "route 10.99.0.0/24 origin 2 active -> glean dev br0");
	assert_has(s, "route 10.50.0.0/16 origin 1 active -> neigh 10.99.0.7 dev br0");
	free(s);
	/* the BVI follows a member's MTU and the bridge's state (bridge_print checks it) */
	run("link set gt1 mtu 1400");
	s = snap();
	assert_has(s, "  bridge br0 mtu 1400 ageing 300 max_learned 4096 bvi flood gt1\n");
	free(s);
	run("link set br0 down");
	free(snap());
}

/* master BR with up or down in the same command: the member joins in the state it is left in. */
static void
test_bridge_master_with_state(void **state)
{
	char *s;

	(void)state;
	run(FREE_PORT1 BR ";" GT1 ";link set port1 down; link set gt1 down");
	run("link set port1 master br0 up");
	s = snap();
	assert_flood(s, "br0", "port1");
	free(s);
	run("link set gt1 master br0");
	s = snap();
	assert_flood(s, "br0", "gt1(down) port1");
	free(s);
	run("link set gt1 nomaster up");
	run("link set gt1 master br0 down");
	s = snap();
	assert_flood(s, "br0", "gt1(down) port1");
	free(s);
	run("link set port1 down");
	s = snap();
	assert_flood(s, "br0", "gt1(down) port1(down)");
	free(s);
	run("link set gt1 up; link set port1 up");
	s = snap();
	assert_flood(s, "br0", "gt1 port1");
	free(s);
}

/*
 * addr add on a bridge makes its BVI; every allocation of it failing in turn:
 * -ENOMEM, out of memory, or a success whose bridge object knows its BVI.
 */
static void
test_bridge_address_alloc(void **state)
{
	struct gw_error err;
	unsigned int k;
	bool hit;
	char *s;
	int rc;

	(void)state;
	run(BR_GT1);
	for (k = 1;; k++) {
		gw_alloc_fail_at = k;
		rc = apply_line("addr add 10.99.0.1/24 dev br0", &err);
		hit = gw_alloc_fail_at == 0;
		gw_alloc_fail_at = 0;
		s = snap(); /* checks the object's BVI against the bridge's */
		if (rc < 0) {
			if (rc != -ENOMEM || strstr(err.msg, "out of memory") == NULL)
				fail_msg("allocation %u failed: %d (%s)", k, rc, err.msg);
			free(s);
			continue;
		}
		assert_has(s, "  bridge br0 mtu 1458 ageing 300 max_learned 4096 bvi flood gt1\n");
		assert_has(s, "route 10.99.0.0/24 origin 2 active -> glean dev br0");
		free(s);
		if (!hit)
			break;
		run("addr del 10.99.0.1/24 dev br0");
	}
	assert_true(k > 1);
}

/*
 * Refused commands: the code, the words of the message, and nothing changed.
 */

struct refused {
	const char *pre; /* run first (';'-separated), or NULL */
	const char *line;
	int rc;
	const char *words;
	int mtu; /* > 0: the command's link mtu, below what the parser takes */
};

#define TUN3 "tunnel add gre3 mode gre "
#define MAC1 " lladdr 02:00:00:00:00:05 "

static const struct refused refused[] = {
	/* interfaces that are not there, or not of the right kind */
	{ NULL, "link set nope up", -ENODEV, "no link \"nope\"" },
	{ NULL, "addr add 192.0.2.9/24 dev nope", -ENODEV, "no device \"nope\"" },
	{ NULL, "addr del 192.0.2.1/24 dev nope", -ENODEV, "no device \"nope\"" },
	{ NULL, "route add 10.50.0.0/16 dev nope", -ENODEV, "no device \"nope\"" },
	{ NULL, "neigh add 192.0.2.9" MAC1 "dev nope", -ENODEV, "no device \"nope\"" },
	{ NULL, "neigh del 192.0.2.254 dev nope", -ENODEV, "no device \"nope\"" },
	{ NULL, "neigh add 10.0.0.2" MAC1 "dev gre1", -EINVAL, "neighbours live on ports" },
	{ NULL, "neigh del 10.0.0.2 dev gre1", -ESRCH, "no neighbour 10.0.0.2 on dev gre1" },
	{ NULL, "tunnel change nope ttl 3", -ENODEV, "no tunnel \"nope\"" },
	{ NULL, "tunnel change port0 ttl 3", -ENODEV, "no tunnel \"port0\"" },
	{ NULL, "tunnel del nope", -ENODEV, "no tunnel \"nope\"" },
	{ NULL, "tunnel del port0", -ENODEV, "no tunnel \"port0\"" },
	{ NULL, TUN3 "local 192.0.2.1 remote 198.51.100.3 dev nope", -ENODEV,
	  "no device \"nope\"" },
	{ NULL, TUN3 "local 192.0.2.1 remote 198.51.100.3 dev gre2", -EINVAL,
	  "dev gre2 is a tunnel, not a port" },
	/* names */
	{ NULL, TUN3 "local 192.0.2.1 remote 198.51.100.3", 0, NULL }, /* the row below's control */
	{ NULL, "tunnel add port0 mode gre local 192.0.2.1 remote 198.51.100.3", -EEXIST,
	  "name \"port0\" is taken" },
	{ NULL, "tunnel add gre2 mode gre local 192.0.2.1 remote 198.51.100.3", -EEXIST,
	  "name \"gre2\" is taken" },
	{ NULL, "link set gre1 name port0", -EEXIST, "link name \"port0\" is taken" },
	{ NULL, "link set port1 name gre2", -EEXIST, "link name \"gre2\" is taken" },
	{ NULL, "link set port1 name gre2 mtu 1400", -EEXIST, "link name \"gre2\" is taken" },
	/* addresses */
	{ NULL, "addr add 192.0.2.1/24 dev port1", -EEXIST, "192.0.2.1/24 is already assigned" },
	{ NULL, "addr add 10.0.0.1/32 dev gre2", -EEXIST, "10.0.0.1/32 is already assigned" },
	{ NULL, "addr add 192.0.2.9/24 dev port1", -EEXIST, "192.0.2.0/24 is already a connected" },
	{ NULL, "addr add 10.16.0.1/16 dev port1", -EEXIST, "10.16.0.0/16 is already a static" },
	{ NULL, "addr del 192.0.2.1/24 dev port0", -EBUSY,
	  "192.0.2.1/24 is the local address of tunnel gre1" },
	{ NULL, "addr del 203.0.113.1/24 dev port1", -EBUSY, "local address of tunnel gre2" },
	{ NULL, "addr del 192.0.2.1/16 dev port0", -EADDRNOTAVAIL, "no address 192.0.2.1/16" },
	{ NULL, "addr del 192.0.2.1/24 dev port1", -EADDRNOTAVAIL, "on dev port1" },
	{ NULL, "addr del 192.0.2.2/24 dev port0", -EADDRNOTAVAIL, "no address 192.0.2.2/24" },
	/* routes */
	{ NULL, "route add 10.50.0.0/16 via 172.31.0.1", -ENETUNREACH,
	  "gateway 172.31.0.1 is not on a connected network" },
	{ "link set gre1 down", "route add 10.50.0.0/16 via 10.0.0.2", -ENETUNREACH,
	  "gateway 10.0.0.2 is not on a connected network" },
	{ NULL, "route add 10.50.0.0/16 via 192.0.2.1", -EINVAL,
	  "gateway 192.0.2.1 is an address of this gateway" },
	{ NULL, "route add 10.50.0.0/16 via 192.0.2.254 dev port1", -EINVAL,
	  "gateway 192.0.2.254 is not reachable by dev port1" },
	{ NULL, "route add 10.50.0.0/16 via 10.0.0.2 dev port0", -EINVAL,
	  "gateway 10.0.0.2 is not reachable by dev port0" },
	{ NULL, "route add 192.0.2.0/24 dev port1", -EEXIST,
	  "192.0.2.0/24 is already a connected prefix" },
	{ NULL, "route add 192.0.2.1/32 dev port1", -EEXIST,
	  "192.0.2.1/32 is already an address of this gateway" },
	{ NULL, "route del 10.99.0.0/16", -ESRCH, "no route 10.99.0.0/16" },
	{ NULL, "route del 192.0.2.254/32", -ESRCH, "no route 192.0.2.254/32" },
	{ NULL, "route del 192.0.2.1/32", -ESRCH, "no route 192.0.2.1/32" },
	{ NULL, "route del 192.0.2.0/24", -EINVAL, "is the connected prefix of an address" },
	{ NULL, "route del 10.16.0.0/16 dev port0", -ESRCH, "no route 10.16.0.0/16 dev port0" },
	{ NULL, "route del 198.51.100.0/24 via 192.0.2.253", -ESRCH, "via that gateway" },
	/* neighbours */
	{ NULL, "neigh add 192.0.2.1" MAC1 "dev port0", -EINVAL,
	  "192.0.2.1 is an address of this gateway" },
	{ NULL, "neigh add 192.0.2.0" MAC1 "dev port0", 0, NULL }, /* no check of the prefix */
	{ NULL, "neigh del 192.0.2.77 dev port0", -ESRCH, "no neighbour 192.0.2.77 on dev port0" },
	{ NULL, "neigh del 192.0.2.254 dev port1", -ESRCH,
	  "no neighbour 192.0.2.254 on dev port1" },
	/* tunnels */
	{ NULL, TUN3 "local 192.0.2.99 remote 198.51.100.3", -EADDRNOTAVAIL,
	  "tunnel gre3: local 192.0.2.99 is not an address of this gateway" },
	{ NULL, TUN3 "local 192.0.2.1 remote 198.51.100.1 key 5", -EEXIST,
	  "tunnel gre3: another tunnel already receives these local, remote and key" },
	{ NULL, TUN3 "local 203.0.113.1 remote 203.0.113.2", -EEXIST, "already receives" },
	{ NULL, TUN3 "local 192.0.2.1 remote 198.51.100.1 ikey 5 okey 9", -EEXIST,
	  "already receives" },
	{ NULL, TUN3 "local 192.0.2.1 remote 198.51.100.1", 0, NULL }, /* keyless: no clash */
	{ NULL, "tunnel change gre2 local 192.0.2.1 remote 198.51.100.1 key 5", -EEXIST,
	  "tunnel gre2: another tunnel already receives" },
	{ NULL, "tunnel change gre1 local 192.0.2.99", -EADDRNOTAVAIL,
	  "local 192.0.2.99 is not an address" },
	{ NULL, "tunnel change gre1 dev gre2", -EINVAL, "dev gre2 is a tunnel, not a port" },
	{ NULL, "tunnel change gre1 mode gretap", -EINVAL,
	  "mode gre carries IP packets, mode gretap frames: tunnel del and add it instead" },
	{ NULL, TUN3 "mode ip6gre local 2001:db8::1 remote 2001:db8::3", -EADDRNOTAVAIL,
	  "tunnel gre3: local 2001:db8::1 is not an address of this gateway" },
	{ NULL, "tunnel change gre1 mode ip6gre", -EINVAL,
	  "tunnel gre1: mode gre runs over IPv4, mode ip6gre over IPv6: tunnel del and add it "
	  "instead" },
	{ "tunnel add gt3 mode gretap local 192.0.2.1 remote 198.51.100.3", "tunnel change gt3 "
	  "clamp-mss 1000", -EINVAL, "tunnel gt3: clamp-mss rewrites IP packets; mode gretap "
	  "carries Ethernet frames as they are" },
	/* multipoint: learning only there, mappings only there, spokes of others refused */
	{ NULL, "tunnel change gre1 learn-max 9", -EINVAL,
	  "tunnel gre1: learn-max is for a multipoint tunnel (remote any)" },
	{ NULL, "neigh add 172.16.0.2 lladdr 198.51.100.9 dev gre1", -EINVAL,
	  "lladdr 198.51.100.9: an underlay address is for a multipoint tunnel's spokes" },
	{ TUN3 "local 192.0.2.1 remote any key 5", "neigh add 172.16.0.2 lladdr 02:00:00:00:00:09 "
	  "dev gre3", -EINVAL, "dev gre3 is a multipoint tunnel: lladdr is the spoke's underlay" },
	{ TUN3 "local 192.0.2.1 remote any key 5", "neigh add 172.16.0.2 lladdr 198.51.100.1 dev gre3",
	  -EEXIST, "gre3: tunnel gre1 already receives from that address with the same key" },
	{ TUN3 "local 192.0.2.1 remote any", "neigh add 172.16.0.2 lladdr 192.0.2.1 dev gre3",
	  -EINVAL, "lladdr 192.0.2.1 is not a spoke's underlay address" },
	{ TUN3 "local 192.0.2.1 remote any", "neigh add 172.16.0.2 lladdr 224.0.0.9 dev gre3",
	  -EINVAL, "lladdr 224.0.0.9 is not a spoke's underlay address" },
	{ TUN3 "local 192.0.2.1 remote any", "neigh del 172.16.0.2 dev gre3", -ESRCH,
	  "no neighbour 172.16.0.2 on dev gre3" },
	{ TUN3 "local 192.0.2.1 remote any", "tunnel change gre3 remote 198.51.100.3", -EINVAL,
	  "tunnel gre3: remote ADDR would make a multipoint tunnel point-to-point: tunnel del "
	  "and add it instead" },
	{ NULL, "tunnel change gre1 remote any", -EINVAL,
	  "tunnel gre1: remote any would make a point-to-point tunnel multipoint" },
	/* link words of a kind */
	{ NULL, "link set gre1 address 02:00:00:00:00:01", -EOPNOTSUPP,
	  "gre1: a gre tunnel has no MAC address" },
	{ NULL, "link set gre1 down address 02:00:00:00:00:01", -EOPNOTSUPP, "has no MAC" },
	{ NULL, "link set gre1 mtu 1400", -ERANGE, "gre1: mtu 67 is below 68", 67 },
	{ NULL, "link set gre1 down mtu 1400", -ERANGE, "mtu 0 is below 68", -1 },
	{ NULL, "link set port0 address 01:00:5e:00:00:01", -EINVAL,
	  "port0: address must be a unicast MAC" },
	{ NULL, "link set port0 name lan0 down address 01:00:5e:00:00:01", -EINVAL,
	  "unicast MAC" },
	/* bridges: names, kinds */
	{ BR, BR, -EEXIST, "name \"br0\" is taken" },
	{ NULL, "link add gre1 type bridge", -EEXIST, "name \"gre1\" is taken" },
	{ NULL, "link add port0 type bridge", -EEXIST, "name \"port0\" is taken" },
	{ BR, "tunnel add br0 mode gre local 192.0.2.1 remote 198.51.100.3", -EEXIST,
	  "name \"br0\" is taken" },
	{ BR, "link set gre1 name br0", -EEXIST, "link name \"br0\" is taken" },
	{ NULL, "link del nope", -ENODEV, "no device \"nope\"" },
	{ NULL, "link del gre1", -EINVAL, "gre1 is a gre, not a bridge" },
	{ NULL, "link del port0", -EINVAL, "port0 is a port, not a bridge" },
	{ BR ";addr add 10.99.0.1/24 dev br0", "link del br0", -EBUSY,
	  "bridge br0 has addresses (addr del them first)" },
	{ BR, "link set br0 mtu 1400", -EOPNOTSUPP, "a bridge's MTU is its smallest member's" },
	{ BR, "link set br0 address 01:00:5e:00:00:01", -EINVAL,
	  "br0: address must be a unicast MAC" },
	/* members */
	{ BR, "link set port1 master nope", -ENODEV, "no device \"nope\"" },
	{ BR, "link set port1 master gre1", -EINVAL, "master gre1 is a gre, not a bridge" },
	{ BR, "link set port1 master port0", -EINVAL, "master port0 is a port, not a bridge" },
	{ BR, "link set gre1 master br0", -EINVAL,
	  "gre1 is a gre tunnel, which carries IP packets, not Ethernet frames" },
	{ BR ";link add br1 type bridge", "link set br1 master br0", -EINVAL,
	  "br1 is a bridge: a bridge is no bridge's member" },
	{ BR, "link set br0 master br0", -EINVAL, "a bridge is no bridge's member" },
	{ BR, "link set port0 master br0", -EBUSY,
	  "port0 has addresses: a bridge member is not routed" },
	/* the master word is undone when another word of the command is refused */
	{ BR ";" GT1, "link set gt1 master br0 address 02:00:00:00:00:01", -EOPNOTSUPP,
	  "has no MAC address" },
	{ BR_GT1, "link set gt1 nomaster address 02:00:00:00:00:01", -EOPNOTSUPP,
	  "has no MAC address" },
	{ BR_GT1 ";link add br1 type bridge", "link set gt1 master br1 mtu 1400 address "
	  "02:00:00:00:00:01", -EOPNOTSUPP, "has no MAC address" },
	/* what members, gretap tunnels and bridges without address do not take */
	{ FREE_PORT1 BR ";link set port1 master br0", "addr add 10.99.0.1/24 dev port1", -EBUSY,
	  "dev port1 is a member of bridge br0: a bridge member is not routed" },
	{ GT1, "addr add 10.99.0.1/24 dev gt1", -EINVAL,
	  "dev gt1 is a gretap tunnel, which carries Ethernet frames" },
	{ GT1, "route add 10.50.0.0/16 dev gt1", -EINVAL,
	  "dev gt1 is a gretap: routes go to ports, gre tunnels and bridges with an address" },
	{ BR, "route add 10.50.0.0/16 dev br0", -EINVAL, "dev br0 is a bridge without address" },
	{ BR, "neigh add 10.50.0.1" MAC1 "dev br0", -EINVAL,
	  "dev br0 is a bridge without address: neighbours live on ports" },
	{ GT1, "neigh add 10.50.0.1" MAC1 "dev gt1", -EINVAL,
	  "dev gt1 is a tunnel: neighbours live on ports" },
	{ BR_GT1, "tunnel change gt1 mode gre", -EINVAL,
	  "mode gretap carries frames, mode gre IP packets: tunnel del and add it instead" },
	/* bridge fdb */
	{ BR, "bridge fdb add " MAC_S " dev port0 master static", -EINVAL,
	  "dev port0 is in no bridge (link set port0 master BR first)" },
	{ BR, "bridge fdb add " MAC_S " dev br0 master static", -EINVAL,
	  "dev br0 is in no bridge" },
	{ NULL, "bridge fdb add " MAC_S " dev nope master", -ENODEV, "no device \"nope\"" },
	{ BR_GT1, "bridge fdb del " MAC_S " dev gt1 master", -ENOENT,
	  "no entry " MAC_S " dev gt1 in bridge br0" },
	{ BR_GT1 ";" GT2 ";link set gt2 master br0;bridge fdb add " MAC_S " dev gt1",
	  "bridge fdb del " MAC_S " dev gt2", -ENOENT, "no entry " MAC_S " dev gt2" },
	/* logs */
	{ NULL, "log set nope debug", -ENOENT, "unknown log module \"nope\"" },
	{ NULL, "link show", -EINVAL, "not a change" },
};

static void
test_refused(void **state)
{
	const struct refused *c = *state;
	char buf[512], *argv[GW_CMD_ARGS_MAX], *before, *after;
	struct gw_error err = { 0 };
	struct gw_cmd cmd;
	int rc;

	if (c->pre != NULL)
		run(c->pre);
	before = snap();
	snprintf(buf, sizeof(buf), "%s", c->line);
	rc = gw_cmd_split(buf, argv, GW_CMD_ARGS_MAX);
	assert_true(rc > 0);
	if (gw_cmd_parse(rc, argv, &cmd, &err) < 0)
		fail_msg("does not parse: %s", err.msg);
	if (c->mtu != 0)
		cmd.link.mtu = c->mtu < 0 ? 0 : c->mtu;
	rc = gw_apply(&cmd, &err);
	if (rc != c->rc)
		fail_msg("%d (%s), expected %d", rc, err.msg, c->rc);
	if (c->rc == 0) {
		free(before);
		free(snap());
		return;
	}
	if (strstr(err.msg, c->words) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, c->words);
	assert_int_equal(err.code, c->rc);
	after = snap();
	snap_equal("refused", before, after);
	free(before);
	free(after);
}

/*
 * Allocation failures: the k-th allocation of the command fails, for
 * k = 1, 2, ... While the command fails it must say -ENOMEM, out of memory,
 * and leave the tables as they were. A failure the table layer absorbs (its
 * deferred list waits for a grace period at once instead) must leave the
 * tables as the command without failure does. Once the command makes
 * fewer than k allocations, it is done. After each success the inverse
 * command must bring the tables back.
 */

struct alloc_case {
	const char *name;
	const char *pre;  /* run first, or NULL */
	const char *line;
	const char *undo; /* ';'-separated */
	bool no_fail;     /* allocates nothing that can fail: every failure is absorbed */
};

/* Four more tunnels behind 198.51.100.0/24: a route change there re-resolves them all. */
#define FOUR_PEERS \
	"tunnel add gre5 mode gre local 192.0.2.1 remote 198.51.100.10;" \
	"tunnel add gre6 mode gre local 192.0.2.1 remote 198.51.100.11;" \
	"tunnel add gre7 mode gre local 192.0.2.1 remote 198.51.100.12;" \
	"tunnel add gre8 mode gre local 192.0.2.1 remote 198.51.100.13"

/* 300 routes into gre1: more FIB changes than the log holds at first. */
static char big_table[300 * 40];

#define GRE1_AGAIN \
	"tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 key 5;" \
	"addr add 10.0.0.1/30 dev gre1; route add 10.16.0.0/16 dev gre1;" \
	"route add 10.17.0.0/16 via 10.0.0.2"

static char big_undo[sizeof(big_table) + 256]; /* GRE1_AGAIN, then big_table */

#define HUB "tunnel add mg1 mode gre local 192.0.2.1 remote any key 9"
#define HUB_MAPS \
	"addr add 172.20.0.1/24 dev mg1;" \
	"neigh add 172.20.0.2 lladdr 198.51.100.20 dev mg1;" \
	"neigh add 172.20.0.3 lladdr 198.51.100.21 dev mg1;" \
	"route add 10.20.0.0/24 via 172.20.0.2 dev mg1;" \
	"route add 224.0.0.0/4 dev mg1"
#define HUB_MAPPED HUB ";" HUB_MAPS

static const struct alloc_case alloc_cases[] = {
	{ "tunnel add", NULL,
	  "tunnel add gre3 mode gre local 192.0.2.1 remote 198.51.100.3 key 7",
	  "tunnel del gre3" },
	{ "tunnel add on a connected prefix",
	  "neigh add 203.0.113.9 lladdr 02:00:00:00:00:09 dev port1",
	  "tunnel add gre3 mode gre local 203.0.113.1 remote 203.0.113.9", "tunnel del gre3" },
	{ "tunnel change key", NULL, "tunnel change gre1 key 6", "tunnel change gre1 key 5" },
	{ "tunnel change remote", NULL, "tunnel change gre1 remote 198.51.100.7",
	  "tunnel change gre1 remote 198.51.100.1" },
	{ "link set gre down", NULL, "link set gre1 down", "link set gre1 up" },
	{ "link set gre up", "link set gre1 down", "link set gre1 up", "link set gre1 down" },
	{ "link set gre mtu", "link set gre1 mtu 1400", "link set gre1 mtu 1300",
	  "link set gre1 mtu 1400" },
	{ "link set gre down, big table", big_table, "link set gre1 down", "link set gre1 up" },
	{ "tunnel del", NULL, "tunnel del gre1", GRE1_AGAIN },
	{ "tunnel del, big table", big_table, "tunnel del gre1", big_undo },
	{ "route add under peers", FOUR_PEERS, "route add 198.51.100.0/25 via 192.0.2.253",
	  "route del 198.51.100.0/25" },
	{ "route del under peers", FOUR_PEERS, "route del 198.51.100.0/24",
	  "route add 198.51.100.0/24 via 192.0.2.254" },
	{ "addr del", "addr add 172.16.0.1/16 dev port1", "addr del 172.16.0.1/16 dev port1",
	  "addr add 172.16.0.1/16 dev port1", true },
	{ "link set port mtu", FOUR_PEERS, "link set port0 mtu 1400", "link set port0 mtu 1500" },
	{ "link add bridge", NULL, BR, "link del br0" },
	{ "tunnel add (a hub)", NULL, "tunnel add mg1 mode gre local 192.0.2.1 remote any key 9",
	  "tunnel del mg1" },
	{ "neigh add (a spoke mapping)", HUB,
	  "neigh add 172.20.0.2 lladdr 198.51.100.20 dev mg1", "neigh del 172.20.0.2 dev mg1" },
	{ "route add via a hub's overlay address", HUB ";addr add 172.20.0.1/24 dev mg1",
	  "route add 10.20.0.0/24 via 172.20.0.2 dev mg1", "route del 10.20.0.0/24", true },
	{ "neigh del (a spoke's last mapping)", HUB_MAPPED, "neigh del 172.20.0.3 dev mg1",
	  "neigh add 172.20.0.3 lladdr 198.51.100.21 dev mg1", true },
	{ "bridge fdb append (a GRETAP hub's spoke)",
	  BR ";tunnel add mgt1 mode gretap local 192.0.2.1 remote any key 9;"
	  "link set mgt1 master br0",
	  "bridge fdb append 00:00:00:00:00:00 dev mgt1 dst 198.51.100.30",
	  "bridge fdb del 00:00:00:00:00:00 dev mgt1 dst 198.51.100.30" },
	/* its one allocation, the deferred list's, is absorbed: MACs freed at once, no deadlock */
	{ "link del bridge with members", BR_GT1 ";bridge fdb add " MAC_S " dev gt1",
	  "link del br0",
	  BR ";link set gt1 master br0;bridge fdb add " MAC_S " dev gt1", true },
	{ "link set master (a gretap tunnel)", BR ";" GT1, "link set gt1 master br0",
	  "link set gt1 nomaster" },
	{ "link set master (a port)", FREE_PORT1 BR, "link set port1 master br0",
	  "link set port1 nomaster" },
	{ "link set nomaster", BR_GT1, "link set gt1 nomaster", "link set gt1 master br0" },
	{ "link set master (another bridge)", BR_GT1 ";link add br1 type bridge",
	  "link set gt1 master br1", "link set gt1 master br0" },
	{ "link set member down", BR_GT1, "link set gt1 down", "link set gt1 up" },
	/* nothing to fail (a port of no tunnel): the BVI's MTU follows its member's */
	{ "link set member port mtu, BVI", FREE_PORT1 BR ";link set port1 master br0;"
	  "addr add 10.99.0.1/24 dev br0", "link set port1 mtu 1400", "link set port1 mtu 1500",
	  true },
	{ "link set member up with its master", BR ";" GT1 ";link set gt1 down",
	  "link set gt1 master br0 up", "link set gt1 nomaster down" },
	{ "link set bridge down", BR_GT1, "link set br0 down", "link set br0 up" },
	{ "tunnel add gretap", NULL, GT1, "tunnel del gt1" },
	{ "tunnel del of a member", BR_GT1 ";" GT2 ";link set gt2 master br0", "tunnel del gt1",
	  GT1 ";link set gt1 master br0" },
	{ "bridge fdb add", BR_GT1, "bridge fdb add " MAC_S " dev gt1",
	  "bridge fdb del " MAC_S " dev gt1", true },
};

static void
test_alloc(void **state)
{
	const struct alloc_case *c = *state;
	struct gw_error err;
	char *s0, *s1, *s0u, *s;
	unsigned long count;
	unsigned int k, failed = 0, absorbed = 0;
	bool hit;
	int rc;

	if (c->pre != NULL)
		run(c->pre);

	/* without failure: what the command makes, and what undoing it gives back */
	s0 = snap();
	count = gw_alloc_count;
	rc = apply_line(c->line, &err);
	if (rc != 0)
		fail_msg("\"%s\": %d (%s)", c->line, rc, err.msg);
	count = gw_alloc_count - count;
	s1 = snap();
	run(c->undo);
	s0u = snap();
	snap_equal("undone", s0, s0u);

	for (k = 1;; k++) {
		gw_alloc_fail_at = k;
		rc = apply_line(c->line, &err);
		hit = gw_alloc_fail_at == 0;
		gw_alloc_fail_at = 0;
		s = snap();
		if (rc < 0) {
			if (rc != -ENOMEM || strstr(err.msg, "out of memory") == NULL)
				fail_msg("allocation %u failed: %d (%s), expected -ENOMEM, out of "
					 "memory", k, rc, err.msg);
			assert_true(hit);
			snap_equal("a failed allocation", s0u, s);
			failed++;
			free(s);
			continue;
		}
		snap_equal(hit ? "an absorbed allocation failure" : "a success", s1, s);
		free(s);
		run(c->undo);
		s = snap();
		snap_equal("undone", s0u, s);
		free(s);
		if (!hit)
			break;
		absorbed++;
	}
	print_message("%s: %lu allocations, %u failing points, %u absorbed\n", c->name, count,
		      failed, absorbed);
	if (c->no_fail)
		assert_int_equal(failed, 0);
	else if (failed == 0)
		fail_msg("no allocation of \"%s\" made it fail: the test proves nothing", c->line);
	free(s0);
	free(s1);
	free(s0u);
}

/*
 * main
 */

/* EAL leaves its runtime directory (/var/run/dpdk/ut_tables-PID): its files, then itself. */
static void
runtime_dir_remove(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
add_tests(struct gw_tests *t)
{
	static const struct {
		const char *name;
		CMUnitTestFunction fn;
	} apply[] = {
		{ "base configuration", test_base },
		{ "link set port mtu, down, address, name", test_link_set_port },
		{ "link set tunnel down, up", test_link_set_tunnel_down_up },
		{ "link set tunnel mtu, name", test_link_set_tunnel_mtu_name },
		{ "addr add, del", test_addr },
		{ "route add, del", test_route },
		{ "route replace of an inactive route", test_route_replace_inactive },
		{ "neigh add, del", test_neigh },
		{ "IPv6: address, neighbour, routes, an ip6gre tunnel", test_ip6 },
		{ "a hub: mappings, moves, tunnel del", test_hub },
		{ "tunnel add, change", test_tunnel_add_change },
		{ "tunnel del", test_tunnel_del },
		{ "tunnel del, add of the name in one batch", test_tunnel_del_add_same_batch },
		{ "log set", test_log_set },
		{ "link add, del of bridges", test_bridge_add_del },
		{ "bridge members: join, leave, MTU, down, link del", test_bridge_members },
		{ "bridge: tunnel del of a member", test_bridge_tunnel_del_member },
		{ "bridge fdb add, del, learned, nomaster", test_bridge_fdb },
		{ "bridge fdb: fdb_max_learned", test_bridge_fdb_limit },
		{ "bridge fdb: a MAC learned before the first tick", test_bridge_fdb_first_tick },
		{ "bridge fdb: ageing", test_bridge_ageing },
		{ "bridge with an address", test_bridge_address },
		{ "bridge with an address: allocation failures", test_bridge_address_alloc },
		{ "link set master with up or down", test_bridge_master_with_state },
	};
	unsigned int i;

	for (i = 0; i < GW_NELEM(apply); i++)
		gw_tests_add(t, apply[i].fn, NULL, "apply: %s", apply[i].name);
	for (i = 0; i < GW_NELEM(refused); i++)
		gw_tests_add(t, test_refused, &refused[i], "refused: %s%s%s",
			     refused[i].pre != NULL ? refused[i].pre : "",
			     refused[i].pre != NULL ? ", then " : "", refused[i].line);
	for (i = 0; i < GW_NELEM(alloc_cases); i++)
		gw_tests_add(t, test_alloc, &alloc_cases[i], "allocation: %s",
			     alloc_cases[i].name);
}

/* gw_tests_run has no per-test setup: each test function starts from the base. */
static void
wrap_setup(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		t->v[i].setup_func = setup_base;
}

static void
add_all(struct gw_tests *t)
{
	add_tests(t);
	wrap_setup(t);
}

int
main(int argc, char **argv)
{
	char prefix[32];
	char *eal_argv[] = {
		argv[0], "--no-huge", "--no-pci", "-m", "384", "--file-prefix", prefix,
		"-l", "0", "--vdev", "net_null0,no-rx=1", "--vdev", "net_null1,no-rx=1",
		"--log-level=lib.*:error",
	};
	struct gw_error err = { 0 };
	char *p, runtime_dir[PATH_MAX];
	unsigned int i;
	int rc;

	/* one of its own: two runs (two build trees, a CI and a developer) do not collide */
	snprintf(prefix, sizeof(prefix), "ut_tables-%d", (int)getpid());
	if (rte_eal_init(GW_NELEM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "test_tables: EAL does not start\n");
		return 1;
	}
	if (gw_port_probe(&err) < 0 || gw_tables_init(SOCKET_ID_ANY, &err) < 0) {
		fprintf(stderr, "test_tables: %s\n", err.msg);
		rte_eal_cleanup();
		return 1;
	}
	gw_log_foreach(save_log_level, NULL);
	for (i = 0; i < gw_nb_ports; i++)
		gw_mac_fmt(gw_ports[i].mac.addr_bytes, port_macs[i], sizeof(port_macs[i]));
	for (i = 0, p = big_table; i < 300; i++)
		p += sprintf(p, "%sroute add 10.%u.%u.0/24 dev gre1", i == 0 ? "" : ";",
			     100 + i / 256, i % 256);
	snprintf(big_undo, sizeof(big_undo), "%s;%s", GRE1_AGAIN, big_table);
	empty_snap = NULL;
	{
		/* snap() asserts with cmocka: outside a test a failure aborts, which is right */
		empty_snap = snap();
	}
	rc = gw_tests_main(argc, argv, "tables", add_all, NULL, 0);
	free(empty_snap);
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	runtime_dir_remove(runtime_dir);
	return rc;
}
