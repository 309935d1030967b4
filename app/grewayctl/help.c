/* SPDX-License-Identifier: BSD-3-Clause
 *
 * grewayctl's help: the grammar of lib/cmd (gw_cmd.h) as users read it, and
 * per object what each word means. doc/cli.md shows this text verbatim and
 * tests/integration/test_cli_doc.py checks that it still does.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "grewayctl.h"
#include "gw_tunnel_opt.h"

void
ctl_usage(FILE *f)
{
	fprintf(f,
		"Usage: grewayctl [-s SOCKET] [-j] [-t SECONDS] OBJECT COMMAND [ARGS]\n"
		"       grewayctl help [OBJECT]\n"
		"\n"
		"  link show [NAME]\n"
		"  link set NAME [name NEW] [address MAC] [mtu N] [up|down]\n"
		"         [master BR | nomaster]\n"
		"  link add NAME type bridge [ageing_time S] [fdb_max_learned N]\n"
		"  link del NAME\n"
		"  addr add|del PREFIX dev NAME\n"
		"  addr show\n"
		"  route add|del PREFIX (dev NAME | via ADDR [dev NAME])\n"
		"  route show\n"
		"  neigh add ADDR lladdr MAC|UNDERLAY dev NAME\n"
		"  neigh del ADDR dev NAME\n"
		"  neigh show [dev NAME]\n");
	/* the options: the rows of gw_tunnel_opt.def */
	gw_tunnel_opt_grammar(f, GW_TUN_GRAMMAR_ADD, "  tunnel add NAME", "         ");
	gw_tunnel_opt_grammar(f, GW_TUN_GRAMMAR_CHANGE,
			      "  tunnel change NAME [any words of tunnel add]", "         ");
	fprintf(f,
		"  tunnel del NAME\n"
		"  tunnel show [NAME]\n"
		"  bridge fdb add MAC dev NAME [master] [static]\n"
		"  bridge fdb del MAC dev NAME [master]\n"
		"  bridge fdb show [br BR]\n"
		"  bridge link show\n"
		"  stats show [NAME]\n"
		"  stats clear\n"
		"  log set MODULE|all LEVEL\n"
		"  log show\n"
		"  save [FILE]\n"
		"  version\n"
		"\n"
		"  -s SOCKET   greway's control socket (default %s)\n"
		"  -j          print the result as JSON on one line\n"
		"  -t SECONDS  how long to wait for greway's answer (default %d)\n"
		"  -h, --help  this text; grewayctl help OBJECT explains an object's words\n"
		"\n"
		"Exit status: 0 done, 1 refused (one line naming the word),\n"
		"2 greway not reachable (the line names the socket).\n",
		CTL_SOCKET_DEFAULT, CTL_TIMEOUT_DEFAULT);
}

/*
 * help tunnel after its usage lines: the grammar and the meaning of each
 * option, from the rows of gw_tunnel_opt.def.
 */
static void
help_tunnel(void)
{
	gw_tunnel_opt_grammar(stdout, GW_TUN_GRAMMAR_OPTIONS, "OPTIONS :=", "           ");
	printf("\n"
	       "  NAME        the tunnel's name, also its dev in addr and route\n");
	gw_tunnel_opt_help(stdout);
	printf("GRE overhead over IPv4: 24 bytes (outer IPv4 20 + GRE 4); key, csum and seq\n"
	       "add 4 each: 28 with key, 32 with key and csum, 36 with seq too.\n"
	       "change alters only the words it is given. show prints every option:\n"
	       "ikey none / okey none when there is no key, yes/no for csum and seq.\n");
}

static const struct {
	const char *object;
	const char *text;
	void (*more)(void); /* prints the rest, or NULL */
} helps[] = {
	{ "link",
	  "Usage: grewayctl link show [NAME]\n"
	  "       grewayctl link set NAME [name NEW] [address MAC] [mtu N] [up|down]\n"
	  "                              [master BR | nomaster]\n"
	  "       grewayctl link add NAME type bridge [ageing_time S] [fdb_max_learned N]\n"
	  "       grewayctl link del NAME\n"
	  "\n"
	  "Links are every interface: the ports (port0, port1, ... in DPDK port order),\n"
	  "the tunnels and the bridges, each with an id (ifindex), a kind and an admin\n"
	  "state.\n"
	  "  show        every link, or link NAME: kind, address (ports), mtu, state,\n"
	  "              master (a bridge's members)\n"
	  "  name NEW    rename a port or a tunnel; later commands use the new name\n"
	  "  address MAC set a port's MAC (xx:xx:xx:xx:xx:xx); a tunnel has none\n"
	  "  mtu N       a port's L3 MTU, or a tunnel's (as tunnel change mtu N)\n"
	  "  up, down    a port forwards, or drops what it receives (port_down); a\n"
	  "              tunnel down drops both ways (tunnel_down) and its routes\n"
	  "              leave the table (route show: linkdown) until it is up\n"
	  "  master BR   make a port or a gretap tunnel a member of bridge BR\n"
	  "  nomaster    take it out of its bridge\n"
	  "  add NAME type bridge\n"
	  "              a bridge (grewayctl help bridge); bridge is the only type\n"
	  "  ageing_time S\n"
	  "              seconds a learned MAC lives unseen, 1..1000000 (default\n"
	  "              300; iproute2 counts centiseconds)\n"
	  "  fdb_max_learned N\n"
	  "              learned MACs the bridge holds at most, 1..65536 (default\n"
	  "              4096)\n"
	  "  del NAME    delete a bridge\n"
	  "State: a port's is up or down as set; a tunnel's is UP when it is up and\n"
	  "its remote is resolved (a route and a neighbour are known).\n" },
	{ "addr",
	  "Usage: grewayctl addr add|del PREFIX dev NAME\n"
	  "       grewayctl addr show\n"
	  "\n"
	  "  PREFIX      ADDR/LEN: the gateway's address and its connected prefix\n"
	  "  dev NAME    the port or tunnel it is on\n"
	  "add also adds the connected route (proto kernel); del removes both.\n"
	  "greway answers ARP and ICMP echo for its addresses.\n" },
	{ "route",
	  "Usage: grewayctl route add|del PREFIX (dev NAME | via ADDR [dev NAME])\n"
	  "       grewayctl route show\n"
	  "\n"
	  "  PREFIX      ADDR/LEN, or default (0.0.0.0/0)\n"
	  "  dev NAME    a port: the prefix is on-link (resolved by ARP);\n"
	  "              a tunnel: the prefix is reached through it\n"
	  "  via ADDR    next hop, on a connected prefix of a port or a tunnel\n"
	  "show lists user routes and the connected prefixes of addresses\n"
	  "(proto kernel).\n" },
	{ "neigh",
	  "Usage: grewayctl neigh add ADDR lladdr MAC dev NAME\n"
	  "       grewayctl neigh add OVERLAY lladdr UNDERLAY dev MGRE\n"
	  "       grewayctl neigh del ADDR dev NAME\n"
	  "       grewayctl neigh show [dev NAME]\n"
	  "\n"
	  "  ADDR        the neighbour's IP address\n"
	  "  lladdr MAC  its unicast MAC (xx:xx:xx:xx:xx:xx)\n"
	  "  dev NAME    the port (or bridge with an address) it is on\n"
	  "A hub's spoke mapping: on a multipoint tunnel (remote any) MGRE, the\n"
	  "overlay address OVERLAY is behind the spoke at underlay address UNDERLAY.\n"
	  "States: PERMANENT (neigh add, never replaced by ARP or learning),\n"
	  "REACHABLE (learned by ARP), LEARNED (a hub's, from traffic: learn on),\n"
	  "INCOMPLETE (being resolved, or routed via with no mapping yet).\n" },
	{ "tunnel",
	  "Usage: grewayctl tunnel add NAME mode MODE local ADDR remote ADDR|any [OPTIONS]\n"
	  "       grewayctl tunnel change NAME [mode MODE] [local ADDR] [remote ADDR|any]\n"
	  "                               [OPTIONS]\n"
	  "       grewayctl tunnel del NAME\n"
	  "       grewayctl tunnel show [NAME]\n",
	  help_tunnel },
	{ "bridge",
	  "Usage: grewayctl bridge fdb add MAC dev NAME [master] [static]\n"
	  "       grewayctl bridge fdb del MAC dev NAME [master]\n"
	  "       grewayctl bridge fdb show [br BR]\n"
	  "       grewayctl bridge link show\n"
	  "\n"
	  "A bridge (link add BR type bridge) switches Ethernet frames between its\n"
	  "members (link set NAME master BR): ports and gretap tunnels. It learns\n"
	  "behind which member each source MAC is, for ageing_time seconds.\n"
	  "  MAC         a station's unicast MAC (xx:xx:xx:xx:xx:xx)\n"
	  "  dev NAME    the member it is behind\n"
	  "  master      accepted as bridge(8) has it: entries are the bridge's\n"
	  "  static      accepted as bridge(8) has it: added entries are static\n"
	  "              (never aged)\n"
	  "  fdb show    each entry: MAC dev NAME master BR, then static, or the\n"
	  "              age of a learned one (age Ns); br BR: only that bridge's\n"
	  "  link show   each member: N: NAME mtu M master BR state STATE\n" },
	{ "stats",
	  "Usage: grewayctl stats show [NAME]\n"
	  "       grewayctl stats clear\n"
	  "\n"
	  "  show        one line per port and tunnel (packets, bytes, errors), then\n"
	  "              one per drop reason (doc/drops.md)\n"
	  "  NAME        only that port's, tunnel's, bridge's or member's lines\n"
	  "  clear       zero every counter that show reports\n" },
	{ "log",
	  "Usage: grewayctl log set MODULE|all LEVEL\n"
	  "       grewayctl log show\n"
	  "\n"
	  "  MODULE      main, port, cfg or ctrl (rte_log type user.greway.MODULE);\n"
	  "              all: every module\n"
	  "  LEVEL       emerg, alert, crit, err, warning, notice, info, debug\n"
	  "show prints each module and its level.\n" },
	{ "save",
	  "Usage: grewayctl save [FILE]\n"
	  "\n"
	  "The running configuration as startup-file lines (greway -c FILE recreates\n"
	  "it), written to FILE (replaced at once: a temporary file renamed) or to\n"
	  "standard output.\n" },
	{ "version",
	  "Usage: grewayctl version\n"
	  "\n"
	  "The version of the greway that answers on the socket, and the variant of its\n"
	  "packet kernels (simd scalar, avx2 or avx512; EAL's --force-max-simd-bitwidth).\n" },
};

int
ctl_help(const char *object)
{
	unsigned int i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		if (strcmp(object, helps[i].object) == 0) {
			fputs(helps[i].text, stdout);
			if (helps[i].more != NULL)
				helps[i].more();
			return 0;
		}
	}
	return -1;
}
