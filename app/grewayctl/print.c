/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The results of doc/rpc.md as text, close to what iproute2 prints for the
 * same object: one line per object, "WORD VALUE" pairs in a fixed order.
 * Members a result leaves out are left out of the line (a printer never
 * reads a missing member); -j prints the JSON instead and skips all this.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "grewayctl.h"
#include "gw_tunnel_opt.h"

/* A string member, or NULL when absent or not a string. */
static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* " WORD VALUE" for a member that is present; yes/no for booleans. */
static void
put(const char *word, const json_t *v)
{
	if (json_is_string(v))
		printf(" %s %s", word, json_string_value(v));
	else if (json_is_integer(v))
		printf(" %s %" JSON_INTEGER_FORMAT, word, json_integer_value(v));
	else if (json_is_boolean(v))
		printf(" %s %s", word, json_is_true(v) ? "yes" : "no");
}

/* "port0: kind port address 02:00:00:00:00:01 mtu 1500 state UP [master br0]" */
static void
print_link(json_t *o)
{
	printf("%s:", str(o, "ifname") ? str(o, "ifname") : "?");
	put("kind", json_object_get(o, "kind"));
	put("address", json_object_get(o, "address"));
	put("mtu", json_object_get(o, "mtu"));
	put("state", json_object_get(o, "operstate"));
	put("master", json_object_get(o, "master")); /* a bridge's member */
	printf("\n");
}

/*
 * "port0: inet 198.51.100.1/24" (inet6 for an IPv6 address);
 * "port0: inet6 fe80::ff:fe00:1/64 scope link" for a link-local one, as ip addr.
 */
static void
print_addr(json_t *o)
{
	const char *local = str(o, "local");

	if (local == NULL)
		return;
	printf("%s: %s %s/%" JSON_INTEGER_FORMAT, str(o, "dev") ? str(o, "dev") : "?",
	       strchr(local, ':') != NULL ? "inet6" : "inet", local,
	       json_integer_value(json_object_get(o, "prefixlen")));
	put("scope", json_object_get(o, "scope"));
	printf("\n");
}

/* "default via 198.51.100.254 dev port0"; proto only when not static, as ip route. */
static void
print_route(json_t *o)
{
	const char *proto = str(o, "protocol");
	json_t *flags = json_object_get(o, "flags"), *f;
	size_t i;

	printf("%s", str(o, "dst") ? str(o, "dst") : "?");
	put("via", json_object_get(o, "gateway"));
	put("dev", json_object_get(o, "dev"));
	if (proto != NULL && strcmp(proto, "static") != 0)
		printf(" proto %s", proto);
	json_array_foreach(flags, i, f) /* "linkdown", as ip route prints it */
		if (json_is_string(f))
			printf(" %s", json_string_value(f));
	printf("\n");
}

/* What keepalives say of a peer: " peer up rtt 0.4ms seen 3s ago" */
static void
print_liveness(json_t *l)
{
	json_t *rtt = json_object_get(l, "rtt_us"), *seen = json_object_get(l, "last_seen");

	if (!json_is_object(l))
		return;
	printf(" peer %s", str(l, "state") != NULL ? str(l, "state") : "?");
	if (json_is_integer(rtt))
		printf(" rtt %.1fms", (double)json_integer_value(rtt) / 1000);
	if (json_is_integer(seen))
		printf(" seen %" JSON_INTEGER_FORMAT "s ago", json_integer_value(seen));
}

/* "198.51.100.2 dev port0 lladdr 02:00:00:00:00:02 PERMANENT" */
static void
print_neigh(json_t *o)
{
	printf("%s", str(o, "dst") ? str(o, "dst") : "?");
	put("dev", json_object_get(o, "dev"));
	put("lladdr", json_object_get(o, "lladdr"));
	if (str(o, "state") != NULL)
		printf(" %s", str(o, "state"));
	print_liveness(json_object_get(o, "liveness"));
	printf("\n");
}

/*
 * Every option, always, so one line answers "what does this tunnel do":
 * "gre1: gre remote 203.0.113.1 local 198.51.100.1 ikey 5 okey 5 icsum no
 * ocsum no iseq no oseq no ttl 64 tos 0x0 pmtudisc ... mtu 1472 clamp-mss
 * auto state UP". The head is ip tunnel show's (mode, remote,
 * local, dev); the other options follow in the order of gw_tunnel_opt.def,
 * each printed as its kind is (gw_tunnel_opt_print).
 */
static void
print_tunnel(json_t *o)
{
	static const enum gw_tunnel_opt_id head[] = {
		GW_TUN_OPT_MODE, GW_TUN_OPT_REMOTE, GW_TUN_OPT_LOCAL, GW_TUN_OPT_DEV,
	};
	uint32_t done = 0;
	unsigned int i;

	printf("%s:", str(o, "ifname") ? str(o, "ifname") : "?");
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		gw_tunnel_opt_print(stdout, head[i], json_object_get(o, gw_tunnel_opts[head[i]].json));
		done |= 1u << head[i];
	}
	for (i = 0; i < GW_TUN_OPT_MAX; i++)
		if (!(done & (1u << i)))
			gw_tunnel_opt_print(stdout, i, json_object_get(o, gw_tunnel_opts[i].json));
	print_liveness(json_object_get(o, "liveness"));
	put("spokes", json_object_get(o, "spokes")); /* a hub's */
	put("learned", json_object_get(o, "learned"));
	put("state", json_object_get(o, "operstate"));
	printf("\n");
}

/*
 * As bridge fdb show: "02:00:00:00:00:01 dev gt1 master br0 static" for an
 * entry added by hand, "02:00:00:00:00:02 dev port1 master br0 age 12s" for
 * a learned one (seconds since its MAC was last seen as a source); a
 * GRETAP hub's spoke as VXLAN's default destinations: "00:00:00:00:00:00 dev
 * mgt0 dst 203.0.113.2 master br0 static".
 */
static void
print_fdb(json_t *o)
{
	const char *state = str(o, "state");
	json_t *age = json_object_get(o, "age");

	printf("%s", str(o, "mac") ? str(o, "mac") : "?");
	put("dev", json_object_get(o, "ifname"));
	put("dst", json_object_get(o, "dst"));
	put("master", json_object_get(o, "master"));
	if (state != NULL && strcmp(state, "learned") != 0) /* iproute2 names no dynamic state */
		printf(" %s", state);
	if (json_is_integer(age))
		printf(" age %" JSON_INTEGER_FORMAT "s", json_integer_value(age));
	printf("\n");
}

/* As bridge link show: "2: port1 mtu 1500 master br0 state forwarding" */
static void
print_bridge_link(json_t *o)
{
	json_t *ifindex = json_object_get(o, "ifindex");

	if (json_is_integer(ifindex))
		printf("%" JSON_INTEGER_FORMAT ": ", json_integer_value(ifindex));
	printf("%s", str(o, "ifname") ? str(o, "ifname") : "?");
	put("mtu", json_object_get(o, "mtu"));
	put("master", json_object_get(o, "master"));
	put("state", json_object_get(o, "state"));
	printf("\n");
}

/* "main info" */
static void
print_log(json_t *o)
{
	if (str(o, "module") != NULL && str(o, "level") != NULL)
		printf("%s %s\n", str(o, "module"), str(o, "level"));
}

/* One object's counters on a line, in the order greway sent them. */
static void
print_counters(const char *kind, json_t *o)
{
	const char *key;
	json_t *v;

	printf("%s %s", kind, str(o, "name") ? str(o, "name") : "?");
	json_object_foreach(o, key, v)
		if (json_is_integer(v))
			printf(" %s %" JSON_INTEGER_FORMAT, key, json_integer_value(v));
	printf("\n");
}

/* Counters as greway prints them on SIGUSR1: one object per line. */
static void
print_stats(json_t *r)
{
	const char *name;
	json_t *o, *v;
	size_t i;

	json_array_foreach(json_object_get(r, "ports"), i, o)
		print_counters("port", o);
	json_array_foreach(json_object_get(r, "tunnels"), i, o)
		print_counters("tunnel", o);
	json_array_foreach(json_object_get(r, "bridges"), i, o) {
		print_counters("bridge", o);
		/* and what it dropped, by reason: "bridge NAME drop REASON N" */
		json_object_foreach(json_object_get(o, "drops"), name, v)
			printf("bridge %s drop %s %" JSON_INTEGER_FORMAT "\n", str(o, "name"), name,
			       json_integer_value(v));
	}
	json_array_foreach(json_object_get(r, "members"), i, o)
		print_counters("member", o);
	json_object_foreach(json_object_get(r, "drops"), name, v)
		printf("drop %s %" JSON_INTEGER_FORMAT "\n", name, json_integer_value(v));
}

static void
print_version(json_t *r)
{
	if (str(r, "version") == NULL)
		return;
	if (str(r, "simd") != NULL)
		printf("greway %s simd %s\n", str(r, "version"), str(r, "simd"));
	else
		printf("greway %s\n", str(r, "version"));
}

/* The startup-file text, as is, ending in a newline. */
static void
print_save(json_t *r)
{
	const char *config = str(r, "config");
	size_t len;

	if (config == NULL)
		return;
	len = strlen(config);
	fputs(config, stdout);
	if (len > 0 && config[len - 1] != '\n')
		printf("\n");
}

/* Printers of a whole result, and of each element of an array result. */
static const struct {
	const char *method;
	void (*each)(json_t *o); /* for an array of objects */
	void (*whole)(json_t *r);
} printers[] = {
	{ "link.show", print_link, NULL },
	{ "addr.show", print_addr, NULL },
	{ "route.show", print_route, NULL },
	{ "neigh.show", print_neigh, NULL },
	{ "tunnel.show", print_tunnel, NULL },
	{ "bridge.fdb.show", print_fdb, NULL },
	{ "bridge.link.show", print_bridge_link, NULL },
	{ "log.show", print_log, NULL },
	{ "stats.show", NULL, print_stats },
	{ "version", NULL, print_version },
	{ "save", NULL, print_save },
};

bool
ctl_method_prints(const char *method)
{
	unsigned int i;

	for (i = 0; i < sizeof(printers) / sizeof(printers[0]); i++)
		if (strcmp(method, printers[i].method) == 0)
			return true;
	return false;
}

void
ctl_print(const char *method, json_t *result)
{
	unsigned int i;
	json_t *o;
	size_t k;

	for (i = 0; i < sizeof(printers) / sizeof(printers[0]); i++) {
		if (strcmp(method, printers[i].method) != 0)
			continue;
		if (printers[i].whole != NULL) {
			printers[i].whole(result);
			return;
		}
		json_array_foreach(result, k, o)
			if (json_is_object(o))
				printers[i].each(o);
		return;
	}
}
