/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The tunnel overhead table users size their MTUs by (doc/mtu.md): every
 * mode and combination of transmit options, and the MTU it leaves on a
 * 1500-byte underlay. Receive-only options (ikey, icsum, iseq) add nothing to
 * what greway sends.
 */
#include "gw_test.h"

#include "gw_cmd.h"

struct mtu_case {
	const char *name;
	enum gw_tunnel_mode mode;
	uint16_t opts;
	unsigned int overhead;
	unsigned int mtu; /* on a 1500-byte underlay */
};

#define KEY (GW_TUN_IKEY | GW_TUN_OKEY)
#define CSUM (GW_TUN_ICSUM | GW_TUN_OCSUM)
#define SEQ (GW_TUN_ISEQ | GW_TUN_OSEQ)

static const struct mtu_case mtu_cases[] = {
	{ "gre", GW_MODE_GRE, 0, 24, 1476 },
	{ "gre key", GW_MODE_GRE, KEY, 28, 1472 },
	{ "gre csum", GW_MODE_GRE, CSUM, 28, 1472 },
	{ "gre seq", GW_MODE_GRE, SEQ, 28, 1472 },
	{ "gre key csum", GW_MODE_GRE, KEY | CSUM, 32, 1468 },
	{ "gre key seq", GW_MODE_GRE, KEY | SEQ, 32, 1468 },
	{ "gre key csum seq", GW_MODE_GRE, KEY | CSUM | SEQ, 36, 1464 },
	{ "gre ikey only", GW_MODE_GRE, GW_TUN_IKEY, 24, 1476 },
	{ "gre okey only", GW_MODE_GRE, GW_TUN_OKEY, 28, 1472 },
	{ "gre icsum iseq only", GW_MODE_GRE, GW_TUN_ICSUM | GW_TUN_ISEQ, 24, 1476 },
	{ "gre flags that are not options", GW_MODE_GRE,
	  GW_TUN_NOPMTUDISC | GW_TUN_TTL_INHERIT | GW_TUN_TOS_INHERIT, 24, 1476 },
	{ "gretap", GW_MODE_GRETAP, 0, 38, 1462 },
	{ "gretap key", GW_MODE_GRETAP, KEY, 42, 1458 },
	{ "gretap key csum seq", GW_MODE_GRETAP, KEY | CSUM | SEQ, 50, 1450 },
	{ "ip6gre", GW_MODE_IP6GRE, 0, 44, 1456 },
	{ "ip6gre key", GW_MODE_IP6GRE, KEY, 48, 1452 },
	{ "ip6gre key csum seq", GW_MODE_IP6GRE, KEY | CSUM | SEQ, 56, 1444 },
	{ "ip6gretap", GW_MODE_IP6GRETAP, 0, 58, 1442 },
	{ "ip6gretap key", GW_MODE_IP6GRETAP, KEY, 62, 1438 },
};

static void
test_mtu_row(void **state)
{
	const struct mtu_case *c = *state;

	assert_int_equal(gw_tunnel_conf_overhead(c->mode, c->opts), c->overhead);
	assert_int_equal(1500 - gw_tunnel_conf_overhead(c->mode, c->opts), c->mtu);
}

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < GW_NELEM(mtu_cases); i++)
		gw_tests_add(t, test_mtu_row, &mtu_cases[i], "overhead: %s -> %u, mtu %u",
			     mtu_cases[i].name, mtu_cases[i].overhead, mtu_cases[i].mtu);
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "mtu", add_tests, NULL, 0);
}
