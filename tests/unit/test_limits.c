/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the tables' sizes (gw_limits.h, greway's --max-* options).
 *
 * First the options' parser, table-driven: each word, the size it sets or
 * the one line that refuses it. Then the tables made at small sizes and
 * driven through gw_apply, as test_tables does: a change that needs one
 * more peer, tunnel, next hop or route than the sizes allow is refused with
 * a line naming the setting, and leaves the tables as they were (the judge
 * is a description of everything in them, taken after a commit). With
 * --large, the tables are made with more than 65535 peers and next hops
 * instead, and a hub with 70,000 spokes shows that ids above 16 bits
 * reach the FIB, the decap hash, the spoke set and back.
 *
 * EAL boots once per process, the tables are made once: meson runs the
 * file twice (limits, limits-large).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_fib.h>
#include <rte_hash.h>

#include "gw_test.h"

#include "gw_addr.h"
#include "gw_apply.h"
#include "gw_cmd.h"
#include "gw_iface.h"
#include "gw_limits.h"
#include "gw_nh.h"
#include "gw_peer.h"
#include "gw_port.h"
#include "gw_rcu.h"
#include "gw_route.h"
#include "gw_tunnel.h"

/*
 * The options' parser
 */

struct option_case {
	const char *option;
	const char *arg;
	int rc;
	uint32_t want;       /* the size set, when rc is 0 */
	const char *message; /* the error's line, when rc < 0 */
};

static const struct option_case option_cases[] = {
	/* out of range, not numbers: one line naming option, word and range */
	{ "max-tunnels", "0", -EINVAL, 0, "invalid --max-tunnels \"0\": expected 1..65000" },
	{ "max-tunnels", "65001", -EINVAL, 0,
	  "invalid --max-tunnels \"65001\": expected 1..65000" },
	{ "max-peers", "0", -EINVAL, 0, "invalid --max-peers \"0\": expected 1..16777216" },
	{ "max-peers", "16777217", -EINVAL, 0,
	  "invalid --max-peers \"16777217\": expected 1..16777216" },
	{ "max-peers", "-1", -EINVAL, 0, "invalid --max-peers \"-1\": expected 1..16777216" },
	{ "max-peers", "", -EINVAL, 0, "invalid --max-peers \"\": expected 1..16777216" },
	{ "max-peers", "1e6", -EINVAL, 0, "invalid --max-peers \"1e6\": expected 1..16777216" },
	{ "max-peers", "99999999999999999999", -EINVAL, 0,
	  "invalid --max-peers \"99999999999999999999\": expected 1..16777216" },
	{ "max-next-hops", "15", -EINVAL, 0,
	  "invalid --max-next-hops \"15\": expected 16..16777216" },
	{ "max-next-hops", "many", -EINVAL, 0,
	  "invalid --max-next-hops \"many\": expected 16..16777216" },
	{ "max-routes", "15", -EINVAL, 0, "invalid --max-routes \"15\": expected 16..16777216" },
	{ "max-routes", "16777217", -EINVAL, 0,
	  "invalid --max-routes \"16777217\": expected 16..16777216" },
	/* not a size: the caller's business */
	{ "max-bridges", "8", -ENOENT, 0, NULL },
	/* the bounds, hex, the sizes of a hub of 100,000 spokes and beyond */
	{ "max-tunnels", "1", 0, 1, NULL },
	{ "max-tunnels", "65000", 0, 65000, NULL },
	{ "max-peers", "1", 0, 1, NULL },
	{ "max-peers", "100001", 0, 100001, NULL },
	{ "max-peers", "1048576", 0, 1048576, NULL },
	{ "max-peers", "16777216", 0, 16777216, NULL },
	{ "max-peers", "0x100000", 0, 1048576, NULL },
	{ "max-next-hops", "16", 0, 16, NULL },
	{ "max-next-hops", "1048576", 0, 1048576, NULL },
	{ "max-routes", "16", 0, 16, NULL },
	{ "max-routes", "1048576", 0, 1048576, NULL },
};

static uint32_t
limit_of(const struct gw_limits *l, const char *option)
{
	if (strcmp(option, "max-tunnels") == 0)
		return l->tunnels;
	if (strcmp(option, "max-peers") == 0)
		return l->peers;
	if (strcmp(option, "max-next-hops") == 0)
		return l->nhs;
	return l->routes;
}

static void
test_option(void **state)
{
	const struct option_case *c = *state;
	struct gw_limits l = gw_limits, before = gw_limits;
	struct gw_error err = { 0 };
	int rc;

	rc = gw_limits_set(&l, c->option, c->arg, &err);
	assert_int_equal(rc, c->rc);
	if (rc == 0) {
		assert_int_equal(limit_of(&l, c->option), c->want);
	} else {
		/* a refused word changes nothing */
		assert_memory_equal(&l, &before, sizeof(l));
		if (c->message != NULL)
			assert_string_equal(err.msg, c->message);
	}
	assert_memory_equal(&gw_limits, &before, sizeof(before)); /* only l */
}

/*
 * The tables at their sizes
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

static void
ok(const char *line)
{
	struct gw_error err = { 0 };
	int rc = apply_line(line, &err);

	if (rc != 0)
		fail_msg("\"%s\": %d (%s)", line, rc, err.msg);
}

/* Lines separated by ';', each of which must succeed, then a commit. */
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

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * Everything in the tables, as text, after a commit: interfaces, tunnels
 * with their peers, next hops in use by kind and what they lead to, routes
 * (sorted), and the counts of every id table and hash. Raw next-hop
 * indexes are left out (a refused change may leave a freed one elsewhere
 * in the free list).
 */
static char *
describe(void)
{
	const struct gw_route **v;
	unsigned int i, j, n, nb_peers = 0, nb_nhs = 0;
	char a[GW_IP_STRLEN], b[GW_IP_STRLEN], **lines, *text = NULL;
	size_t len = 0;
	FILE *f;

	gw_tables_commit();
	assert_int_equal(gw_rcu_deferred(), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	for (i = 0; i < gw_iface_max; i++)
		if (gw_ifaces[i].used)
			fprintf(f, "iface %u %s kind %s %s\n", i, gw_ifaces[i].name,
				gw_iface_kind_name(gw_ifaces[i].kind), gw_ifaces[i].up ? "up" : "down");
	for (i = 0; i < gw_limits.tunnels; i++) {
		const struct gw_tunnel *t = gw_tunnels[i];

		if (t == NULL)
			continue;
		fprintf(f, "tunnel %u %s peers %u learned %u\n", i, t->conf.name, t->nb_peers,
			t->nb_learned);
		for (j = 0; j < t->nb_peers; j++) {
			const struct gw_peer *p = gw_peers[t->peers[j]];

			assert_non_null(p);
			assert_int_equal(p->id, t->peers[j]);
			fprintf(f, "  peer %u role %u %s -> %s refs %u\n", p->id, p->role,
				gw_ip_fmt(&p->local, a, sizeof(a)),
				p->remote.family != 0 ? gw_ip_fmt(&p->remote, b, sizeof(b)) : "any",
				p->refs);
		}
	}
	for (i = 0; i < gw_limits.peers; i++)
		nb_peers += gw_peers[i] != NULL;
	for (i = 2; i < gw_limits.nhs; i++) {
		const struct gw_nh *nh = &gw_nhs[i];

		if (nh->kind == GW_NH_DROP || nh->released)
			continue;
		nb_nhs++;
		fprintf(f, "nh kind %u iface %s %s peer %d%s\n", nh->kind, gw_iface_name(nh->iface),
			nh->ip.family != 0 ? gw_ip_fmt(&nh->ip, a, sizeof(a)) : "-",
			nh->peer == GW_PEER_NONE ? -1 : (int)nh->peer, nh->is_static ? " static" : "");
	}
	n = gw_route_count();
	v = calloc(n + 1, sizeof(*v));
	lines = calloc(n + 1, sizeof(*lines));
	assert_true(v != NULL && lines != NULL);
	assert_int_equal(gw_route_list(v, n), n);
	for (i = 0; i < n; i++) {
		const struct gw_nh *nh = &gw_nhs[v[i]->nh];

		assert_int_equal(nh->released, 0);
		/* the FIB workers read says what the record says */
		if (v[i]->active) {
			uint32_t host = rte_be_to_cpu_32(v[i]->dst.v4);
			uint64_t got = UINT64_MAX;

			rte_fib_lookup_bulk(gw_fib, &host, &got, 1);
			if (v[i]->len == 32 && got != v[i]->nh)
				fail_msg("FIB at %s: nh %" PRIu64 ", route says %u",
					 gw_ip_fmt(&v[i]->dst, a, sizeof(a)), got, v[i]->nh);
		}
		assert_true(asprintf(&lines[i], "route %s/%u origin %u kind %u %s",
				     gw_ip_fmt(&v[i]->dst, a, sizeof(a)), v[i]->len, v[i]->origin,
				     nh->kind, v[i]->active ? "active" : "inactive") > 0);
	}
	qsort(lines, n, sizeof(lines[0]), str_cmp);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	free(v);
	assert_int_equal(nb_peers, gw_peer_count());
	fprintf(f, "counts peers %u nhs %u routes %u addrs %u decap %d pairs %d\n",
		gw_peer_count(), nb_nhs, gw_route_count(), gw_nb_addrs,
		rte_hash_count(gw_tunnel_hash4), rte_hash_count(gw_tunnel_pair_hash4));
	assert_int_equal(fclose(f), 0);
	return text;
}

/* The first line where two descriptions differ, in the failure message. */
static void
same(const char *what, const char *x, const char *y)
{
	size_t i = 0, line = 0;

	if (strcmp(x, y) == 0)
		return;
	while (x[i] == y[i]) {
		if (x[i] == '\n')
			line = i + 1;
		i++;
	}
	fail_msg("%s: the tables differ at\n  %.*s\n  %.*s", what,
		 (int)strcspn(x + line, "\n"), x + line, (int)strcspn(y + line, "\n"), y + line);
}

static void
assert_has(const char *text, const char *words)
{
	if (strstr(text, words) == NULL)
		fail_msg("no \"%s\" in:\n%s", words, text);
}

/* A line refused with code rc and a message holding words; the tables unchanged. */
static void
refused(const char *line, int rc, const char *words)
{
	struct gw_error err = { 0 };
	char *before = describe(), *after;
	int got = apply_line(line, &err);

	if (got != rc)
		fail_msg("\"%s\": %d (%s), expected %d", line, got, err.msg, rc);
	if (strstr(err.msg, words) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", line, err.msg, words);
	assert_int_equal(err.code, rc);
	after = describe();
	same(line, before, after);
	free(before);
	free(after);
}

static char *empty; /* the tables right after gw_tables_init */

/* Delete what a test made, with commands, and check the tables are as at the start. */
static int
reset(void **state)
{
	char line[128], a[GW_PFX_STRLEN], *s;
	const struct gw_route **v;
	unsigned int i, n;

	(void)state;
	gw_tables_commit();
	for (i = 0; i < gw_limits.tunnels; i++)
		if (gw_tunnels[i] != NULL) {
			snprintf(line, sizeof(line), "tunnel del %s", gw_tunnels[i]->conf.name);
			ok(line);
		}
	n = gw_route_count();
	v = calloc(n + 1, sizeof(*v));
	assert_non_null(v);
	n = gw_route_list(v, n);
	for (i = 0; i < n; i++)
		if (v[i]->origin == GW_ROUTE_STATIC) {
			gw_prefix_fmt(&(struct gw_prefix){ .addr = v[i]->dst, .len = v[i]->len }, a,
				      sizeof(a));
			snprintf(line, sizeof(line), "route del %s", a);
			ok(line);
		}
	free(v);
	for (i = 2; i < gw_limits.nhs; i++)
		if (gw_nhs[i].kind == GW_NH_NEIGH && gw_nhs[i].is_static && !gw_nhs[i].released) {
			snprintf(line, sizeof(line), "neigh del %s dev %s",
				 gw_ip_fmt(&gw_nhs[i].ip, a, sizeof(a)), gw_iface_name(gw_nhs[i].iface));
			ok(line);
		}
	while (gw_nb_addrs > 0) {
		gw_prefix_fmt(&(struct gw_prefix){ .addr = gw_addrs[0].ip, .len = gw_addrs[0].len },
			      a, sizeof(a));
		snprintf(line, sizeof(line), "addr del %s dev %s", a,
			 gw_iface_name(gw_addrs[0].iface));
		ok(line);
	}
	s = describe();
	same("after deleting everything", empty, s);
	free(s);
	return 0;
}

#define UNDERLAY \
	"addr add 192.0.2.1/24 dev port0;" \
	"neigh add 192.0.2.254 lladdr 02:00:00:00:00:fe dev port0;" \
	"route add 198.18.0.0/15 via 192.0.2.254"

/* Tunnel N to 198.18.0.N. */
static void
tunnel_line(char *buf, size_t size, unsigned int n)
{
	snprintf(buf, size, "tunnel add t%u mode gre local 192.0.2.1 remote 198.18.0.%u", n, n);
}

/* --max-peers 8: eight point-to-point tunnels, the ninth refused; one freed makes room. */
static void
test_peers_tunnels(void **state)
{
	char line[128], *s;
	unsigned int i;

	(void)state;
	run(UNDERLAY);
	for (i = 1; i <= 8; i++) {
		tunnel_line(line, sizeof(line), i);
		ok(line);
	}
	s = describe();
	assert_has(s, "counts peers 8 ");
	free(s);
	assert_int_equal(gw_peer_count(), gw_limits.peers);
	tunnel_line(line, sizeof(line), 9);
	refused(line, -ENOSPC, "tunnel t9: more than 8 peers (--max-peers)");
	assert_null(gw_iface_by_name("t9")); /* its interface went with it */
	/* a gretap tunnel needs a peer as well */
	refused("tunnel add g9 mode gretap local 192.0.2.1 remote 198.18.0.99", -ENOSPC,
		"tunnel g9: more than 8 peers (--max-peers)");
	/* a peer given back is taken again after the commit */
	run("tunnel del t8");
	ok(line);
	gw_tables_commit();
	assert_non_null(gw_tunnel_by_name("t9"));
	assert_int_equal(gw_peer_count(), 8);
}

/* --max-peers 8: a hub (its own peer) and seven spokes; the eighth spoke refused. */
static void
test_peers_spokes(void **state)
{
	char line[128], *s;
	unsigned int i;

	(void)state;
	run(UNDERLAY ";tunnel add hub mode gre local 192.0.2.1 remote any key 1;"
	    "addr add 10.0.0.1/24 dev hub");
	for (i = 1; i <= 7; i++) {
		snprintf(line, sizeof(line), "neigh add 10.0.0.%u lladdr 198.18.1.%u dev hub",
			 10 + i, i);
		ok(line);
	}
	gw_tables_commit();
	assert_int_equal(gw_tunnel_by_name("hub")->nb_peers, 8);
	refused("neigh add 10.0.0.18 lladdr 198.18.1.8 dev hub", -ENOSPC,
		"hub: more than 8 peers (--max-peers)");
	/* learning would have made a spoke too: nothing of it is left */
	assert_int_equal(gw_nh_spoke_get(gw_tunnel_by_name("hub")->iface,
					 gw_tunnel_by_name("hub")->idx,
					 &(struct gw_ip){ .family = AF_INET,
							  .v4 = RTE_BE32(0x0a000012) }, false),
			 -ENOENT);
	/* another overlay address of a spoke there needs no new peer */
	run("neigh add 10.0.0.28 lladdr 198.18.1.7 dev hub");
	s = describe();
	assert_has(s, " hub peers 8 learned 0");
	assert_has(s, "-> 198.18.1.7 refs 2");
	free(s);
	/* and a spoke no mapping needs any more frees its peer for another */
	run("neigh del 10.0.0.11 dev hub");
	run("neigh add 10.0.0.18 lladdr 198.18.1.8 dev hub");
	assert_int_equal(gw_tunnel_by_name("hub")->nb_peers, 8);
}

/* --max-next-hops 32: a hub's mappings to one spoke until the next hops run out. */
static void
test_next_hops(void **state)
{
	char line[128];
	unsigned int i, n;

	(void)state;
	run(UNDERLAY ";tunnel add hub mode gre local 192.0.2.1 remote any key 1;"
	    "addr add 10.0.0.1/24 dev hub");
	/* the next hops left (beside DROP, LOCAL and those in use) go to mappings, one each */
	for (n = 2, i = 2; i < gw_limits.nhs; i++)
		n += gw_nhs[i].kind != GW_NH_DROP && !gw_nhs[i].released;
	for (i = 0; i < gw_limits.nhs - n; i++) {
		snprintf(line, sizeof(line), "neigh add 10.0.0.%u lladdr 198.18.1.1 dev hub", 10 + i);
		ok(line);
	}
	gw_tables_commit();
	snprintf(line, sizeof(line), "neigh add 10.0.0.%u lladdr 198.18.1.1 dev hub", 10 + i);
	refused(line, -ENOSPC, "out of next hops (32: --max-next-hops)");
	refused("route add 10.9.0.0/16 via 192.0.2.253", -ENOSPC,
		"out of next hops (32: --max-next-hops)");
	refused("tunnel add t1 mode gre local 192.0.2.1 remote 198.18.0.1", -ENOSPC,
		"tunnel t1: out of next hops (32: --max-next-hops)");
	/* a route that needs no new next hop still goes in */
	run("route add 10.9.0.0/16 dev port0");
}

/* --max-routes 48: static routes until the table is full. */
static void
test_routes(void **state)
{
	char line[128];
	unsigned int i;

	(void)state;
	run(UNDERLAY);
	for (i = 0; gw_route_count() < gw_limits.routes; i++) {
		snprintf(line, sizeof(line), "route add 10.%u.0.0/16 dev port0", i);
		ok(line);
	}
	gw_tables_commit();
	snprintf(line, sizeof(line), "route add 10.%u.0.0/16 dev port0", i);
	refused(line, -ENOSPC, "more than 48 routes (--max-routes)");
	/* nor does the neighbour a new gateway would have made stay */
	refused("route add 10.99.0.0/16 via 192.0.2.77", -ENOSPC,
		"more than 48 routes (--max-routes)");
	/* a neighbour's host route is a route too */
	refused("neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev port0", -ENOSPC,
		"more than 48 routes (--max-routes)");
	/* replacing a route takes no room */
	run("route add 10.0.0.0/16 via 192.0.2.254");
}

/*
 * --large: more than 65535 peers and next hops
 */

#define LARGE_SPOKES 70000u

/* Spoke i (0..): overlay 10.0.0.0/15 from 10.0.1.0, underlay 198.18.0.0/15 from 198.18.1.0. */
static uint32_t
spoke_overlay(unsigned int i)
{
	return RTE_BE32(0x0a000100 + i);
}

static uint32_t
spoke_underlay(unsigned int i)
{
	return RTE_BE32(0xc6120100 + i);
}

static void
spoke_line(char *buf, size_t size, unsigned int i)
{
	char o[GW_IP_STRLEN], u[GW_IP_STRLEN];

	gw_ip_fmt(&(struct gw_ip){ .family = AF_INET, .v4 = spoke_overlay(i) }, o, sizeof(o));
	gw_ip_fmt(&(struct gw_ip){ .family = AF_INET, .v4 = spoke_underlay(i) }, u, sizeof(u));
	snprintf(buf, size, "neigh add %s lladdr %s dev hub", o, u);
}

/* What workers find for spoke i: the FIB's next hop, its peer, the decap key's peer. */
static void
check_spoke(const struct gw_tunnel *t, unsigned int i, uint32_t ikey)
{
	uint32_t host = rte_be_to_cpu_32(spoke_overlay(i));
	struct gw_tunnel_key4 k = { .local = RTE_BE32(0xc0000201), .remote = spoke_underlay(i),
				    .key = ikey, .flags = GW_TKEY_HAS_KEY };
	const struct gw_nh *nh;
	const struct gw_peer *p;
	void *data = NULL;
	uint64_t idx = 0;

	rte_fib_lookup_bulk(gw_fib, &host, &idx, 1);
	nh = &gw_nhs[idx];
	if (nh->kind != GW_NH_SPOKE || nh->tunnel != t->idx)
		fail_msg("spoke %u: the FIB gives next hop %" PRIu64 " of kind %u", i, idx,
			 nh->kind);
	p = gw_peers[gw_nh_spoke_peer(nh)];
	assert_non_null(p);
	assert_int_equal(p->id, gw_nh_spoke_peer(nh));
	assert_int_equal(p->remote.v4, spoke_underlay(i));
	if (rte_hash_lookup_data(gw_tunnel_hash4, &k, &data) < 0 || data != p)
		fail_msg("spoke %u (peer %u): its decap key finds %p, not %p", i, p->id, data,
			 (const void *)p);
	assert_int_equal(t->peers[p->slot], p->id);
}

static void
test_large_hub(void **state)
{
	const struct gw_tunnel *t;
	const struct gw_spoke_set *set;
	uint32_t max_id = 0;
	char line[128], *s;
	unsigned int i;

	(void)state;
	run(UNDERLAY ";tunnel add hub mode gre local 192.0.2.1 remote any key 7;"
	    "addr add 10.0.0.1/15 dev hub");
	for (i = 0; i < LARGE_SPOKES; i++) {
		spoke_line(line, sizeof(line), i);
		ok(line);
	}
	gw_tables_commit();
	t = gw_tunnel_by_name("hub");
	assert_int_equal(t->nb_peers, LARGE_SPOKES + 1);
	assert_int_equal(gw_peer_count(), LARGE_SPOKES + 1);
	for (i = 0; i < t->nb_peers; i++)
		max_id = RTE_MAX(max_id, t->peers[i]);
	assert_true(max_id > UINT16_MAX);
	/* the spoke set workers replicate to: every spoke, ids past 16 bits whole */
	set = gw_tunnel_spokes[t->idx];
	assert_non_null(set);
	assert_int_equal(set->n, LARGE_SPOKES);
	for (i = 0; i < set->n; i++)
		assert_int_equal(set->peer[i], t->peers[i + 1]);
	for (i = 0; i < LARGE_SPOKES; i += 997)
		check_spoke(t, i, 7);
	check_spoke(t, LARGE_SPOKES - 1, 7);

	/* a change of every peer (a new key each) walks all of them, and returns */
	run("tunnel change hub key 8");
	for (i = 0; i < LARGE_SPOKES; i += 997)
		check_spoke(t, i, 8);
	check_spoke(t, LARGE_SPOKES - 1, 8);

	/* the tunnels run out first here (--max-tunnels 4) */
	run("tunnel add t1 mode gre local 192.0.2.1 remote 198.18.0.1;"
	    "tunnel add t2 mode gre local 192.0.2.1 remote 198.18.0.2;"
	    "tunnel add t3 mode gre local 192.0.2.1 remote 198.18.0.3");
	refused("tunnel add t4 mode gre local 192.0.2.1 remote 198.18.0.4", -ENOSPC,
		"tunnel t4: more than 4 tunnels (--max-tunnels)");

	/* and everything goes with the hub */
	run("tunnel del hub");
	s = describe();
	assert_has(s, "counts peers 3 ");
	free(s);
}

/*
 * main
 */

static void
add_option_tests(struct gw_tests *t)
{
	unsigned int i;

	for (i = 0; i < GW_NELEM(option_cases); i++)
		gw_tests_add(t, test_option, &option_cases[i], "option --%s \"%s\"",
			     option_cases[i].option, option_cases[i].arg);
}

static void
add_small(struct gw_tests *t)
{
	size_t i, first;

	add_option_tests(t);
	first = t->n;
	gw_tests_add(t, test_peers_tunnels, NULL, "--max-peers 8: the 9th tunnel refused");
	gw_tests_add(t, test_peers_spokes, NULL, "--max-peers 8: the 8th spoke of a hub refused");
	gw_tests_add(t, test_next_hops, NULL, "--max-next-hops 32: out of next hops");
	gw_tests_add(t, test_routes, NULL, "--max-routes 48: the 49th route refused");
	for (i = first; i < t->n; i++)
		t->v[i].setup_func = reset;
}

static void
add_large(struct gw_tests *t)
{
	gw_tests_add(t, test_large_hub, NULL, "a hub of %u spokes: 32-bit peer ids",
		     LARGE_SPOKES);
	t->v[t->n - 1].setup_func = reset;
}

/* EAL leaves its runtime directory (/var/run/dpdk/PREFIX): its files, then itself. */
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

/* The sizes, through the options' parser as greway's command line gives them. */
static int
set_limits(const char *const *opts)
{
	struct gw_error err = { 0 };

	for (; opts[0] != NULL; opts += 2) {
		if (gw_limits_set(&gw_limits, opts[0], opts[1], &err) < 0) {
			fprintf(stderr, "test_limits: --%s %s: %s\n", opts[0], opts[1], err.msg);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const small[] = {
		"max-tunnels", "16", "max-peers", "8", "max-next-hops", "32", "max-routes", "48",
		NULL,
	};
	/* the FIB has 4-byte entries: more than 32768 next hops */
	static const char *const large[] = {
		"max-tunnels", "4", "max-peers", "70016", "max-next-hops", "70100",
		"max-routes", "70200", NULL,
	};
	bool is_large = argc > 1 && strcmp(argv[1], "--large") == 0;
	char prefix[32], mem[8];
	char *eal_argv[] = {
		argv[0], "--no-huge", "--no-pci", "-m", mem, "--file-prefix", prefix,
		"-l", "0", "--vdev", "net_null0,no-rx=1", "--vdev", "net_null1,no-rx=1",
		"--log-level=lib.*:error",
	};
	struct gw_error err = { 0 };
	char runtime_dir[PATH_MAX];
	int rc;

	if (is_large) {
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	snprintf(mem, sizeof(mem), "%s", is_large ? "640" : "160");
	snprintf(prefix, sizeof(prefix), "ut_limits-%d", (int)getpid());
	if (set_limits(is_large ? large : small) < 0)
		return 1;
	if (rte_eal_init(GW_NELEM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "test_limits: EAL does not start\n");
		return 1;
	}
	if (gw_port_probe(&err) < 0 || gw_tables_init(SOCKET_ID_ANY, &err) < 0) {
		fprintf(stderr, "test_limits: %s\n", err.msg);
		rte_eal_cleanup();
		return 1;
	}
	empty = describe();
	rc = gw_tests_main(argc, argv, is_large ? "limits-large" : "limits",
			   is_large ? add_large : add_small, NULL, 0);
	free(empty);
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	runtime_dir_remove(runtime_dir);
	return rc;
}
