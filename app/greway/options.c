/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The daemon's own options, after EAL's "--" (design.md fixes them).
 */
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>

#include "gw_app.h"
#include "gw_inet.h"
#include "gw_limits.h"
#include "gw_tunnel.h"

struct gw_options gw_opts = {
	.socket = GW_DEFAULT_SOCKET,
	.idle_sleep_us = GW_IDLE_SLEEP_US_DEFAULT,
	.socket_gid = (gid_t)-1,
};

/* --socket-group: a group name, or a number. @return 0 or -1 (printed). */
static int
group_parse(const char *arg, gid_t *gid)
{
	const struct group *g = getgrnam(arg);
	uint64_t v;

	if (g != NULL) {
		*gid = g->gr_gid;
		return 0;
	}
	if (gw_uint_parse(arg, UINT32_MAX - 1, &v) == 0) {
		*gid = (gid_t)v;
		return 0;
	}
	fprintf(stderr, "greway: invalid --socket-group \"%s\": no such group\n", arg);
	return -1;
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [-c FILE] [-s SOCKET] [--socket-group GROUP]\n"
		"       [-p PMD_PROFILE] [--idle-sleep-us N]\n"
		"       [--pmtu-timeout S] [--check-profile] [--max-tunnels N] [--max-peers N]\n"
		"       [--max-next-hops N] [--max-routes N] [--max-routes6 N] [--punt-rate N]\n"
		"       [--punt-source-rate N]\n"
		"\n"
		"A GRE (RFC 2784/2890) gateway. Ports are the DPDK ports EAL probes (--vdev or -a),\n"
		"named port0, port1, ...; workers are EAL's worker lcores, or the main lcore alone.\n"
		"\n"
		"  -c FILE              startup file: grewayctl command lines, run in order before the\n"
		"                       ports start ('#' starts a comment); a bad line is reported as\n"
		"                       FILE:LINE: reason and greway exits 1\n"
		"  -s SOCKET            control socket path (default %s): JSON-RPC 2.0, one\n"
		"                       object per line; grewayctl talks to it. Created mode 0660\n"
		"                       in a directory of mode 0750 (made if missing); greway\n"
		"                       refuses a symlink, a file not a socket or not its own, and a\n"
		"                       directory not its own (nor root's) or writable by others\n"
		"  --socket-group GROUP group (name or number) of the socket, and of its directory\n"
		"                       when greway makes it: its members may use grewayctl\n"
		"  -p PMD_PROFILE       per-PMD port profile (INI, pmd-config/*.ini): queues,\n"
		"                       descriptors, offloads, RSS, MTU, promiscuous, for every\n"
		"                       port ([port]) and per driver ([net_tap], [net_ice], ...);\n"
		"                       a bad line is reported as FILE:LINE: reason and greway\n"
		"                       exits 1; offloads a port lacks are dropped (logged)\n"
		"  --check-profile      with -p: validate the profile, print its sections and exit\n"
		"                       (0 valid, 1 not); no port starts\n"
		"  --idle-sleep-us N    a worker that keeps finding no packets sleeps up to N us\n"
		"                       between polls (default %u; 0 = busy poll, for benchmarks)\n"
		"  --pmtu-timeout S     how long an underlay path MTU learned from ICMP \"fragmentation\n"
		"                       needed\" lowers the tunnels' MTU (default %u s; RFC 1191)\n",
		prog, GW_DEFAULT_SOCKET, GW_IDLE_SLEEP_US_DEFAULT, GW_PMTU_TIMEOUT_DEFAULT);
	gw_limits_usage(f);
	fprintf(f,
		"  -h, --help           this text\n"
		"\n"
		"Signals: SIGUSR1 prints the counters; SIGHUP reloads -c FILE as a diff (what did not\n"
		"change is not touched; a failed reload restores the configuration before);\n"
		"SIGINT/SIGTERM stop (counters are printed at exit).\n");
}

int
gw_options_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "idle-sleep-us", required_argument, NULL, 'i' },
		{ "pmtu-timeout", required_argument, NULL, 't' },
		{ "check-profile", no_argument, NULL, 'P' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		/* the tables' sizes: gw_limits.def */
#define GW_LIMIT(field, option, def, min, max, help) { option, required_argument, NULL, 'L' },
#include "gw_limits.def"
#undef GW_LIMIT
		{ NULL, 0, NULL, 0 },
	};
	struct gw_error err = { 0 };
	int c, li = 0;
	uint64_t v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:p:h", longopts, &li)) != -1) {
		switch (c) {
		case 'L':
			if (gw_limits_set(&gw_limits, longopts[li].name, optarg, &err) < 0) {
				fprintf(stderr, "greway: %s\n", err.msg);
				return -1;
			}
			break;
		case 'c':
			gw_opts.config = optarg;
			break;
		case 's':
			gw_opts.socket = optarg;
			break;
		case 'p':
			gw_opts.pmd_profile = optarg;
			break;
		case 'g':
			if (group_parse(optarg, &gw_opts.socket_gid) < 0)
				return -1;
			break;
		case 'P':
			gw_opts.check_profile = true;
			break;
		case 'i':
			if (gw_uint_parse(optarg, 1000000, &v) < 0) {
				fprintf(stderr,
					"greway: invalid --idle-sleep-us \"%s\": expected 0..1000000\n",
					optarg);
				return -1;
			}
			gw_opts.idle_sleep_us = v;
			break;
		case 't':
			if (gw_uint_parse(optarg, 86400, &v) < 0 || v == 0) {
				fprintf(stderr,
					"greway: invalid --pmtu-timeout \"%s\": expected 1..86400\n",
					optarg);
				return -1;
			}
			gw_pmtu_timeout_s = v;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "greway: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (gw_opts.check_profile && gw_opts.pmd_profile == NULL) {
		fprintf(stderr, "greway: --check-profile needs -p PMD_PROFILE\n");
		return -1;
	}
	return 0;
}
