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
 * tunnel are active exactly while it is up, nothing is left deferred.
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

#include <rte_eal.h>
#include <rte_fib.h>
#include <rte_hash.h>

#include "gw_test.h"

#include "gw_addr.h"
#include "gw_alloc.h"
#include "gw_apply.h"
#include "gw_cmd.h"
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
	return idx < GW_TUNNEL_MAX && gw_tunnels[idx] != NULL ? gw_tunnels[idx]->conf.name : "?";
}

/* A next hop by what it does, not by its index. */
static void
nh_print(FILE *f, uint16_t idx)
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
static uint16_t
lpm_reference(uint32_t dst, const struct gw_route *const *v, unsigned int n)
{
	struct gw_ip a = gw_ip4(dst);
	int best_len = -1;
	uint16_t nh = GW_NH_IDX_DROP;
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
static uint16_t
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
	uint16_t want = lpm_reference(dst, v, n);
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
collect_neigh(uint16_t idx, void *arg)
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
	for (i = 0; i < GW_IFACE_MAX; i++) {
		const struct gw_iface *ifc = &gw_ifaces[i];

		if (!ifc->used)
			continue;
		assert_int_equal(ifc->id, i);
		assert_ptr_equal(gw_iface_by_name(ifc->name), ifc);
		fprintf(f, "iface %u %s kind %s idx %u %s mtu %u\n", ifc->id, ifc->name,
			gw_iface_kind_name(ifc->kind), ifc->idx, ifc->up ? "up" : "down",
			gw_iface_mtu(ifc));
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
		} else {
			assert_non_null(gw_tunnel_of_iface(i));
			assert_int_equal(gw_tunnel_of_iface(i)->iface, i);
		}
	}

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
	for (i = 2; i < GW_NH_MAX; i++)
		if (gw_nhs[i].kind != GW_NH_DROP && !gw_nhs[i].released && gw_nhs[i].kind < 8)
			nb_kind[gw_nhs[i].kind]++;
	fprintf(f, "nhs glean %u neigh %u tunnel %u\n", nb_kind[GW_NH_GLEAN],
		nb_kind[GW_NH_NEIGH], nb_kind[GW_NH_TUNNEL]);

	/* tunnels and their peers */
	for (i = 0; i < GW_TUNNEL_MAX; i++) {
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
		assert_int_equal(t->nb_peers, 1);
		assert_int_equal(gw_nhs[t->nh].kind, GW_NH_TUNNEL);
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
	for (i = 0; i < GW_PEER_MAX; i++)
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
	for (i = 0; i < GW_TUNNEL_MAX; i++)
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
	for (i = 2; i < GW_NH_MAX; i++)
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
	uint16_t id = gw_tunnel_by_name("gre1")->peers[0];

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

static void
test_tunnel_add_change(void **state)
{
	const struct gw_tunnel *t;
	const struct gw_peer *old;
	uint16_t id;
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
	uint16_t id = t->peers[0], idx = t->idx;
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
	{ NULL, "addr add 2001:db8::1/64 dev port0", -EAFNOSUPPORT, "IPv6 address" },
	{ NULL, "addr del 192.0.2.1/24 dev port0", -EBUSY,
	  "192.0.2.1/24 is the local address of tunnel gre1" },
	{ NULL, "addr del 203.0.113.1/24 dev port1", -EBUSY, "local address of tunnel gre2" },
	{ NULL, "addr del 192.0.2.1/16 dev port0", -EADDRNOTAVAIL, "no address 192.0.2.1/16" },
	{ NULL, "addr del 192.0.2.1/24 dev port1", -EADDRNOTAVAIL, "on dev port1" },
	{ NULL, "addr del 192.0.2.2/24 dev port0", -EADDRNOTAVAIL, "no address 192.0.2.2/24" },
	/* routes */
	{ NULL, "route add 2001:db8::/32 dev port0", -EAFNOSUPPORT, "IPv6 route" },
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
	{ NULL, "neigh add 2001:db8::5" MAC1 "dev port0", -EAFNOSUPPORT, "IPv6 neighbour" },
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
	{ NULL, TUN3 "mode ip6gre local 2001:db8::1 remote 2001:db8::3", -ENOTSUP,
	  "mode ip6gre is not supported yet" },
	{ "tunnel add gt3 mode gretap local 192.0.2.1 remote 198.51.100.3", "tunnel change gt3 "
	  "clamp-mss 1000", -EINVAL, "tunnel gt3: clamp-mss rewrites IP packets; mode gretap "
	  "carries Ethernet frames as they are" },
	{ NULL, TUN3 "local 192.0.2.1 remote any", -ENOTSUP, "remote any is not supported yet" },
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
		{ "tunnel add, change", test_tunnel_add_change },
		{ "tunnel del", test_tunnel_del },
		{ "tunnel del, add of the name in one batch", test_tunnel_del_add_same_batch },
		{ "log set", test_log_set },
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
		argv[0], "--no-huge", "--no-pci", "-m", "256", "--file-prefix", prefix,
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
