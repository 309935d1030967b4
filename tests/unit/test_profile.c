/* SPDX-License-Identifier: BSD-3-Clause
 *
 * PMD profiles (lib/port/profile.c): good files give the settings they say,
 * merged [port] then [driver]; every bad file gives exactly one line,
 * FILE:LINE: reason, naming the word. Each row is written to a temporary file
 * and loaded through rte_cfgfile as greway does. Every shipped profile in
 * pmd-config/ loads.
 */
#include "gw_test.h"

#include <dirent.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "gw_profile.h"

#ifndef GW_PMD_CONFIG_DIR
#error "GW_PMD_CONFIG_DIR: the pmd-config directory (tests/unit/meson.build)"
#endif

/* Write text to a new temporary file; returns its malloc'd path. */
static char *
tmpfile_with(const char *text)
{
	char *path = strdup("/tmp/gw_profile_XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

struct bad_case {
	const char *name;
	const char *text;
	const char *error; /* after "PATH" */
};

#define OFFLOADS_TX "(none, ipv4_cksum, multi_segs, mbuf_fast_free, gre_tnl_tso)"

static const struct bad_case bad_cases[] = {
	{ "unknown key", "[port]\nrx_descs = 512\n",
	  ":2: unknown key \"rx_descs\" (rx_queues, tx_queues, rx_desc, tx_desc, rx_offloads, "
	  "tx_offloads, rss_types, rss_key, mtu, promiscuous)" },
	{ "unknown section", "# x\n[net_foo]\nmtu = 1500\n",
	  ":2: unknown section [net_foo] (port, or a driver: net_tap, net_pcap, net_null, "
	  "net_ring, net_memif, net_virtio, net_ixgbe, net_i40e, net_ice, mlx5_pci, "
	  "net_af_xdp, ...)" },
	{ "not a number", "[port]\nrx_desc = 1k\n", ":2: rx_desc \"1k\": expected 32..32768" },
	{ "desc too big", "[net_tap]\ntx_desc = 70000\n",
	  ":2: tx_desc \"70000\": expected 32..32768" },
	{ "desc too small", "[port]\nrx_desc = 16\n", ":2: rx_desc \"16\": expected 32..32768" },
	{ "negative", "[port]\nmtu = -1\n", ":2: mtu \"-1\": expected 68..16000" },
	{ "mtu too small", "[port]\nmtu = 67\n", ":2: mtu \"67\": expected 68..16000" },
	{ "rx_queues zero", "[port]\nrx_queues = 0\n",
	  ":2: rx_queues \"0\": per-worker or 1..1024" },
	{ "rx_queues too many", "[port]\nrx_queues = 1025\n",
	  ":2: rx_queues \"1025\": per-worker or 1..1024" },
	{ "tx_queues fixed", "[port]\ntx_queues = 4\n",
	  ":2: tx_queues \"4\": only per-worker: each worker owns one tx queue per port "
	  "(no locks)" },
	{ "unknown tx offload", "[port]\ntx_offloads = ipv4_cksum, tcp_tso\n",
	  ":2: tx_offloads \"ipv4_cksum, tcp_tso\": unknown name \"tcp_tso\" " OFFLOADS_TX },
	{ "unknown rx offload", "[port]\nrx_offloads = scatter\n",
	  ":2: rx_offloads \"scatter\": unknown name \"scatter\" (none, ipv4_cksum, rss_hash)" },
	{ "offload names are lower case", "[port]\ntx_offloads = IPV4_CKSUM\n",
	  ":2: tx_offloads \"IPV4_CKSUM\": unknown name \"IPV4_CKSUM\" " OFFLOADS_TX },
	{ "none among names", "[port]\ntx_offloads = none, multi_segs\n",
	  ":2: tx_offloads \"none, multi_segs\": unknown name \"none\" " OFFLOADS_TX },
	{ "empty name in list", "[port]\ntx_offloads = ipv4_cksum,,multi_segs\n",
	  ":2: tx_offloads \"ipv4_cksum,,multi_segs\": empty name in the list" },
	{ "trailing comma", "[port]\nrss_types = ipv4,\n",
	  ":2: rss_types \"ipv4,\": empty name in the list" },
	{ "unknown rss type", "[port]\nrss_types = gre\n",
	  ":2: rss_types \"gre\": unknown name \"gre\" (none, ip, ipv4, frag_ipv4, "
	  "nonfrag_ipv4_other, nonfrag_ipv4_tcp, nonfrag_ipv4_udp, ipv6, frag_ipv6, "
	  "nonfrag_ipv6_other, nonfrag_ipv6_tcp, nonfrag_ipv6_udp, ipv6_ex)" },
	{ "rss key odd", "[port]\nrss_key = abc\n",
	  ":2: rss_key \"abc\": expected 1..64 bytes as an even number of hex digits" },
	{ "rss key not hex", "[port]\nrss_key = 6d5z\n", ":2: rss_key \"6d5z\": \"5z\" is not a hex byte" },
	{ "promiscuous word", "[port]\npromiscuous = yes\n",
	  ":2: promiscuous \"yes\": expected on or off" },
	{ "empty value", "[port]\nmtu =\n", ":2: mtu: empty value" },
	{ "no equals sign", "[port]\nrx_desc 512\n",
	  ":2: \"rx_desc 512\": neither a [section] nor key = value" },
	{ "semicolon is no comment", "[port]\n; mtu 1500\n",
	  ":2: \"; mtu 1500\": neither a [section] nor key = value" },
	{ "key before any section", "mtu = 1500\n[port]\n", ":1: mtu before any [section]" },
	{ "duplicate key", "[port]\nmtu = 1500\nmtu = 1400\n", ":3: mtu given twice in [port]" },
	{ "duplicate section", "[port]\nmtu = 1500\n[port]\n", ":3: section [port] given twice" },
	{ "no closing bracket", "[port\nmtu = 1500\n", ":1: \"[port\": no closing ]" },
	{ "text after heading", "[port] x\n",
	  ":1: \"[port] x\": text after the ] of a section heading" },
	{ "section named GLOBAL", "[GLOBAL]\n",
	  ":1: unknown section [GLOBAL] (port, or a driver: net_tap, net_pcap, net_null, "
	  "net_ring, net_memif, net_virtio, net_ixgbe, net_i40e, net_ice, mlx5_pci, "
	  "net_af_xdp, ...)" },
	{ "line numbers count comments and blanks",
	  "# profile\n\n[port]\n# the mtu\nmtu = 1500 # fine\n\n[net_tap]\nrx_desc = 8\n",
	  ":8: rx_desc \"8\": expected 32..32768" },
	{ "first error wins", "[port]\nmtu = 1\nrx_desc = 1\n", ":2: mtu \"1\": expected 68..16000" },
	{ "line too long",
	  "[port]\nrss_key = "
	  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000\n",
	  ":2: line longer than 322 characters" },
	{ "rss key too long",
	  "[port]\nrss_key = "
	  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	  "000000000000000000000000000000000000000000000000000000\n",
	  ":2: rss_key \"0000000000000000000000000000000000000000\": expected 1..64 bytes as "
	  "an even number of hex digits" },
};

static void
test_bad(void **state)
{
	const struct bad_case *c = *state;
	struct gw_error err = { 0 };
	struct gw_profile prof;
	char *path = tmpfile_with(c->text), want[GW_ERROR_SIZE * 2];

	assert_true(gw_profile_load(path, &prof, &err) < 0);
	snprintf(want, sizeof(want), "%s%s", path, c->error);
	assert_string_equal(err.msg, want);
	assert_int_equal(prof.nb, 0);
	unlink(path);
	free(path);
}

static void
test_missing_file(void **state)
{
	struct gw_error err = { 0 };
	struct gw_profile prof;

	(void)state;
	assert_int_equal(gw_profile_load("/nonexistent/p.ini", &prof, &err), -ENOENT);
	assert_string_equal(err.msg, "/nonexistent/p.ini: cannot open: No such file or directory");
}

static const char good_text[] =
	"# a full profile\n"
	"[port]\n"
	"rx_queues = per-worker\n"
	"tx_queues = per-worker\n"
	"rx_desc = 512\n"
	"tx_desc = 256\n"
	"rx_offloads = ipv4_cksum\n"
	"tx_offloads = ipv4_cksum , multi_segs\n"
	"rss_types = ip\n"
	"mtu = 1500   # a comment after a value\n"
	"\n"
	"[net_ice]\n"
	"rx_queues = 8\n"
	"tx_offloads = ipv4_cksum,multi_segs,mbuf_fast_free,gre_tnl_tso\n"
	"rss_types = frag_ipv4, nonfrag_ipv4_other\n"
	"rss_key = 6d5A6d5a\n"
	"promiscuous = on\n"
	"[net_tap]\n"
	"rx_offloads = none\n";

static void
test_good(void **state)
{
	struct gw_error err = { 0 };
	struct gw_profile prof;
	struct gw_profile_port p;
	char *path = tmpfile_with(good_text);

	(void)state;
	assert_int_equal(gw_profile_load(path, &prof, &err), 0);
	assert_int_equal(prof.nb, 3);
	assert_string_equal(prof.sec[0].driver, "");
	assert_int_equal(prof.sec[0].line, 2);
	assert_string_equal(prof.sec[1].driver, "net_ice");
	assert_int_equal(prof.sec[1].line, 12);
	assert_string_equal(prof.sec[2].driver, "net_tap");

	/* a driver without a section: [port] alone */
	assert_int_equal(gw_profile_resolve(&prof, "net_null", &p), 1);
	assert_int_equal(p.rx_queues, 0);
	assert_int_equal(p.rx_desc, 512);
	assert_int_equal(p.tx_desc, 256);
	assert_int_equal(p.rx_offloads, RTE_ETH_RX_OFFLOAD_IPV4_CKSUM);
	assert_int_equal(p.tx_offloads,
			 RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	assert_int_equal(p.rss_hf, RTE_ETH_RSS_IP);
	assert_int_equal(p.mtu, 1500);
	assert_false(p.given & (GW_PROF_PROMISC | GW_PROF_RSS_KEY));

	/* [net_ice] on top of [port] */
	assert_int_equal(gw_profile_resolve(&prof, "net_ice", &p), 2);
	assert_int_equal(p.rx_queues, 8);
	assert_int_equal(p.rx_desc, 512);
	assert_int_equal(p.tx_offloads,
			 RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
				 RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE | RTE_ETH_TX_OFFLOAD_GRE_TNL_TSO);
	assert_int_equal(p.rss_hf, RTE_ETH_RSS_FRAG_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_OTHER);
	assert_int_equal(p.rss_key_len, 4);
	assert_memory_equal(p.rss_key, "\x6d\x5a\x6d\x5a", 4);
	assert_true(p.given & GW_PROF_PROMISC);
	assert_true(p.promiscuous);

	/* "none" is given and empty: it replaces the default rx offloads */
	assert_int_equal(gw_profile_resolve(&prof, "net_tap", &p), 2);
	assert_true(p.given & GW_PROF_RX_OFFLOADS);
	assert_int_equal(p.rx_offloads, 0);
	unlink(path);
	free(path);
}

static void
test_empty_file(void **state)
{
	struct gw_error err = { 0 };
	struct gw_profile prof;
	struct gw_profile_port p;
	char *path = tmpfile_with("# nothing\n\n");

	(void)state;
	assert_int_equal(gw_profile_load(path, &prof, &err), 0);
	assert_int_equal(prof.nb, 0);
	assert_int_equal(gw_profile_resolve(&prof, "net_tap", &p), 0);
	assert_int_equal(p.given, 0);
	unlink(path);
	free(path);
}

static void
test_describe(void **state)
{
	struct gw_error err = { 0 };
	struct gw_profile prof;
	char *path = tmpfile_with(good_text), buf[512];

	(void)state;
	assert_int_equal(gw_profile_load(path, &prof, &err), 0);
	gw_profile_describe(&prof.sec[1], buf, sizeof(buf));
	assert_string_equal(buf, "rx_queues=8 tx_offloads=ipv4_cksum,multi_segs,mbuf_fast_free,"
			    "gre_tnl_tso rss_types=frag_ipv4,nonfrag_ipv4_other "
			    "rss_key=6d5a6d5a promiscuous=on");
	gw_profile_describe(&prof.sec[0], buf, sizeof(buf));
	assert_string_equal(buf, "rx_queues=per-worker tx_queues=per-worker rx_desc=512 "
			    "tx_desc=256 rx_offloads=ipv4_cksum tx_offloads=ipv4_cksum,"
			    "multi_segs rss_types=ipv4,frag_ipv4,nonfrag_ipv4_other,ipv6,"
			    "frag_ipv6,nonfrag_ipv6_other,ipv6_ex mtu=1500");
	unlink(path);
	free(path);
}

/* Every shipped profile loads, has at least one section and only known drivers. */
static void
test_shipped(void **state)
{
	const char *name = *state;
	struct gw_error err = { 0 };
	struct gw_profile prof;
	char path[1024];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/%s", GW_PMD_CONFIG_DIR, name);
	if (gw_profile_load(path, &prof, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(prof.nb >= 1);
	for (i = 0; i < prof.nb; i++)
		assert_true(gw_profile_driver_known(prof.sec[i].driver));
}

static const char *const shipped[] = {
	"net_tap.ini", "net_pcap.ini", "net_null.ini", "net_ring.ini", "net_memif.ini",
	"virtio.ini",  "ixgbe.ini",    "i40e.ini",     "ice.ini",      "mlx5.ini",
	"af_xdp.ini",
};

static void
add_tests(struct gw_tests *t)
{
	size_t i;

	for (i = 0; i < GW_NELEM(bad_cases); i++)
		gw_tests_add(t, test_bad, &bad_cases[i], "bad: %s", bad_cases[i].name);
	gw_tests_add(t, test_missing_file, NULL, "bad: missing file");
	gw_tests_add(t, test_good, NULL, "good: [port] and driver sections merged");
	gw_tests_add(t, test_empty_file, NULL, "good: empty file");
	gw_tests_add(t, test_describe, NULL, "good: describe");
	for (i = 0; i < GW_NELEM(shipped); i++)
		gw_tests_add(t, test_shipped, shipped[i], "shipped: %s", shipped[i]);
}

int
main(int argc, char **argv)
{
	return gw_tests_main(argc, argv, "profile", add_tests, NULL, 0);
}
