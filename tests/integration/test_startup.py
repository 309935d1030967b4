# SPDX-License-Identifier: BSD-3-Clause
"""The startup file, greway's own options and its lifecycle, on net_pcap vdevs.

A bad startup line is reported as FILE:LINE: reason on stderr, greway exits 1
and no port starts (no "started" log, no "running", no frame written). Good
runs forward with one lcore (the main lcore is the worker) or with a worker
lcore, and stop with SIGTERM or SIGINT, exit 0, counters printed.
"""
import shutil
import signal

import pytest
from scapy.all import ICMP, IP, UDP

import gwpcap as g
from conftest import run

WAN = g.WAN_IP
TUN = f"tunnel add t1 mode gre local {WAN} remote 203.0.113.2"

# (id, lines after BASE_CONFIG, index of the bad line among them, message)
BAD_FILES = [
    ("unknown_object", ["frobnicate add x"], 0,
     'unknown object "frobnicate" (link, addr, route, neigh, tunnel, bridge, stats, log)'),
    ("route_del_missing", ["route del 10.9.0.0/16"], 0, "no route 10.9.0.0/16"),
    ("tunnel_del_missing", ["tunnel del nope"], 0, 'no tunnel "nope"'),
    ("addr_del_in_use", [TUN, f"addr del {WAN}/24 dev port0"], 1,
     f"{WAN}/24 is the local address of tunnel t1 (tunnel del or change it first)"),
    ("show_in_file", ["tunnel show"], 0, "not a change: show it instead"),
    ("log_module", ["log set dp debug"], 0,
     'unknown log module "dp" (all, main, port, cfg, ctrl)'),
    ("unknown_command", ["route flush all"], 0,
     'unknown command "flush" for route (add, del, show)'),
    ("bad_key_range", [TUN + " key 4294967296"], 0,
     'invalid key "4294967296": expected a 32-bit number or dotted quad'),
    ("bad_key_word", ["# a comment", "", TUN + " key ten"], 2,
     'invalid key "ten": expected a 32-bit number or dotted quad'),
    ("bad_ttl", [TUN + " ttl 256"], 0, 'invalid ttl "256": expected 0..255 or inherit'),
    ("local_not_ours", ["tunnel add t1 mode gre local 198.51.100.7 remote 203.0.113.2"], 0,
     "tunnel t1: local 198.51.100.7 is not an address of this gateway (addr add it first)"),
    ("via_unreachable", ["route add 10.9.0.0/16 via 192.0.2.1"], 0,
     "gateway 192.0.2.1 is not on a connected network (addr add first)"),
    ("duplicate_tunnel", [TUN + " key 1", "", f"tunnel add t2 mode gre local {WAN} "
                          "remote 203.0.113.2 key 1"], 2,
     "tunnel t2: another tunnel already receives these local, remote and key"),
    ("duplicate_name", [TUN, "tunnel add t1 mode gre local 198.51.100.1 remote 203.0.113.3"], 1,
     'name "t1" is taken'),
    ("addr_dev_missing", ["addr add 10.1.0.1/24 dev port7"], 0, 'no device "port7"'),
    ("route_dev_missing", ["route add 10.9.0.0/16 dev nope"], 0, 'no device "nope"'),
    ("tunnel_dev_missing", [TUN + " dev port5"], 0, 'no device "port5"'),
    ("link_missing", ["link set port9 mtu 1400"], 0, 'no link "port9"'),
    ("mode_ip6gre", ["tunnel add t1 mode ip6gre local 2001:db8::1 remote 2001:db8::2"], 0,
     "tunnel t1: local 2001:db8::1 is not an address of this gateway (addr add it first)"),
    ("ipv6_encaplimit", ["tunnel add t1 mode gre local 198.51.100.1 remote 203.0.113.2 "
                         "encaplimit 4"], 0,
     "encaplimit is for a tunnel over IPv6 (mode ip6gre or ip6gretap)"),
    ("ipv6_tunnel_local", ["tunnel add t1 mode gre local 2001:db8::1 remote 203.0.113.2"], 0,
     "local address is not IPv4 as mode gre needs"),
    ("first_bad_line_wins", ["neigh add 10.0.0.9 lladdr ff:ff:ff:ff:ff:ff dev port1",
                             "frobnicate"], 0,
     'invalid lladdr "ff:ff:ff:ff:ff:ff": not a unicast MAC'),
]


def assert_nothing_started(res):
    assert "started" not in res.stderr, "a port started despite the bad startup file"
    assert "greway: running" not in res.stdout
    assert res.wan_out == [] and res.lan_out == []


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_startup_bad_line_names_file_and_line(greway_bin, workdir, run_id, case):
    """A bad startup line: exit status 1, stderr has exactly one `FILE:LINE: reason` line with
    the line's number (comments and blank lines count) and nothing started."""
    _, lines, bad, message = case
    conf = g.BASE_CONFIG + lines
    frames = [g.lan_frame(bytes(IP(src=g.LAN_HOST, dst="10.9.0.1") / ICMP()))]
    res = g.run_pcap(greway_bin, workdir, run_id, conf, lan_in=frames, timeout=20)
    assert res.rc == 1
    lineno = len(g.BASE_CONFIG) + bad + 1
    located = [ln for ln in res.stderr.splitlines() if ln.startswith(f"{res.conf}:")]
    assert located == [f"{res.conf}:{lineno}: {message}"]
    assert_nothing_started(res)


def test_startup_missing_file(greway_bin, workdir, run_id):
    """-c with a file that does not exist: one line naming it, exit 1, nothing started."""
    missing = workdir / "nope.conf"
    res = g.run_pcap(greway_bin, workdir, run_id, [], args=["-c", str(missing)])
    assert res.rc == 1
    assert f"{missing}: cannot open: No such file or directory" in res.stderr.splitlines()
    assert_nothing_started(res)


def _greway(greway_bin, run_id, args):
    try:
        return run([str(greway_bin), "--no-pci", "--no-huge", "-m", "128", "--file-prefix",
                    f"gwt{run_id}", "-l", "0", "--", *args], check=False, timeout=60)
    finally:
        shutil.rmtree(f"/var/run/dpdk/gwt{run_id}", ignore_errors=True)


def test_help_prints_usage(greway_bin, run_id):
    """`greway ... -- --help` prints the usage with every option on stdout and exits 0."""
    p = _greway(greway_bin, run_id, ["--help"])
    assert p.returncode == 0
    assert p.stdout.startswith("Usage: ")
    for opt in ("-c FILE", "-s SOCKET", "-p PMD_PROFILE", "--idle-sleep-us N", "--max-tunnels N",
                "--max-peers N", "--max-next-hops N", "--max-routes N"):
        assert opt in p.stdout


@pytest.mark.parametrize("value", ["abc", "-1", "1000001", ""])
def test_bad_idle_sleep_us(greway_bin, run_id, value):
    """--idle-sleep-us outside 0..1000000 or not a number: one line naming it, exit 1."""
    p = _greway(greway_bin, run_id, ["--idle-sleep-us", value])
    assert p.returncode == 1
    assert f'greway: invalid --idle-sleep-us "{value}": expected 0..1000000' in p.stderr
    assert "greway: running" not in p.stdout


BAD_SIZES = [
    ("--max-tunnels", "0", "1..65000"),
    ("--max-tunnels", "65001", "1..65000"),
    ("--max-peers", "many", "1..16777216"),
    ("--max-peers", "16777217", "1..16777216"),
    ("--max-next-hops", "15", "16..16777216"),
    ("--max-routes", "", "16..16777216"),
]


@pytest.mark.parametrize("option,value,bounds", BAD_SIZES)
def test_bad_table_size(greway_bin, run_id, option, value, bounds):
    """A --max-* size outside its range or not a number: one line naming it, exit 1."""
    p = _greway(greway_bin, run_id, [option, value])
    assert p.returncode == 1
    assert f'greway: invalid {option} "{value}": expected {bounds}' in p.stderr.splitlines()
    assert "greway: running" not in p.stdout


def test_max_peers_refuses_the_tunnel_beyond(greway_bin, workdir, run_id):
    """--max-peers 1: the startup file's second tunnel needs a second peer, and is refused
    as FILE:LINE: reason naming the option; nothing starts."""
    lines = [TUN, f"tunnel add t2 mode gre local {WAN} remote 203.0.113.3"]
    conf = workdir / "gw" / "gw.conf"
    res = g.run_pcap(greway_bin, workdir, run_id, g.BASE_CONFIG + lines,
                     args=["-c", str(conf), "--max-peers", "1"])
    assert res.rc == 1
    lineno = len(g.BASE_CONFIG) + 2
    assert [ln for ln in res.stderr.splitlines() if ln.startswith(f"{res.conf}:")] == [
        f"{res.conf}:{lineno}: tunnel t2: more than 1 peers (--max-peers)"]
    assert_nothing_started(res)


def test_unknown_option_and_extra_argument(greway_bin, run_id):
    """An unknown option prints the usage on stderr; a stray argument is named; both exit 1."""
    p = _greway(greway_bin, run_id, ["--frobnicate"])
    assert p.returncode == 1 and "Usage: " in p.stderr
    p = _greway(greway_bin, run_id, ["stray"])
    assert p.returncode == 1 and 'greway: unexpected argument "stray"' in p.stderr


# --- lifecycle: the same traffic through different lcore layouts and signals ---

LIFE_CONF = g.BASE_CONFIG + [
    f"tunnel add t1 mode gre local {WAN} remote 203.0.113.2 key 42 csum seq",
    "route add 10.16.0.0/24 dev t1",
]


def life_traffic():
    lan = [g.lan_frame(bytes(IP(src=g.LAN_HOST, dst="10.16.0.2", id=i) / UDP(dport=i)
                             / (b"l" * i))) for i in range(1, 6)]
    wan = [g.wan_gre("203.0.113.2", bytes(IP(src="10.16.0.2", dst=g.LAN_HOST, id=100 + i)
                                          / ICMP(seq=i)), key=42, csum=True, seq=i)
           for i in range(4)]
    return wan, lan


@pytest.fixture(scope="module")
def one_lcore(greway_bin, tmp_path_factory):
    """The reference run: -l 0, the main lcore is the only worker, stopped by SIGTERM."""
    work = tmp_path_factory.mktemp("life")
    wan, lan = life_traffic()
    return g.run_pcap(greway_bin, work, "l0", LIFE_CONF, wan_in=wan, lan_in=lan)


def test_lifecycle_one_lcore_forwards(one_lcore):
    """With one lcore greway says it runs 1 worker, forwards both ways, exits 0 on SIGTERM
    and prints every counter."""
    res = one_lcore
    assert res.rc == 0, res.stderr
    assert "greway: running, 1 worker(s), 2 port(s)" in res.stdout
    assert len(res.wan_out) == 5 and len(res.lan_out) == 4
    assert res.tunnels["t1"] == dict(rx_packets=4, rx_bytes=4 * 28, tx_packets=5,
                                     tx_bytes=sum(28 + i for i in range(1, 6)))
    res.assert_drops({})


def test_lifecycle_worker_lcore_same_output(greway_bin, workdir, run_id, one_lcore):
    """With --lcores '0@0,1@1' (main lcore + one worker lcore) the same input gives
    byte-identical output and counters."""
    wan, lan = life_traffic()
    res = g.run_pcap(greway_bin, workdir, run_id, LIFE_CONF, wan_in=wan, lan_in=lan,
                     eal=("--lcores", "0@0,1@1"))
    assert res.rc == 0, res.stderr
    assert "greway: running, 1 worker(s), 2 port(s)" in res.stdout
    assert res.wan_out == one_lcore.wan_out
    assert res.lan_out == one_lcore.lan_out
    assert (res.tunnels, res.drops) == (one_lcore.tunnels, one_lcore.drops)


def test_lifecycle_large_tables_same_output(greway_bin, workdir, run_id, one_lcore):
    """With more next hops than 2-byte FIB entries name (--max-next-hops 40000: 4-byte
    entries) and more peers than 16-bit ids, the same input gives byte-identical output and
    counters."""
    wan, lan = life_traffic()
    conf = workdir / "gw" / "gw.conf"
    res = g.run_pcap(greway_bin, workdir, run_id, LIFE_CONF, wan_in=wan, lan_in=lan,
                     args=["-c", str(conf), "--max-next-hops", "40000", "--max-peers", "70000",
                           "--max-routes", "16384", "--max-tunnels", "100"])
    assert res.rc == 0, res.stderr
    assert res.wan_out == one_lcore.wan_out
    assert res.lan_out == one_lcore.lan_out
    assert (res.tunnels, res.drops) == (one_lcore.tunnels, one_lcore.drops)


def test_lifecycle_sigint_stops(greway_bin, workdir, run_id, one_lcore):
    """SIGINT stops greway as SIGTERM does: exit 0, counters printed, tx pcaps complete."""
    wan, lan = life_traffic()
    res = g.run_pcap(greway_bin, workdir, run_id, LIFE_CONF, wan_in=wan, lan_in=lan,
                     stop=signal.SIGINT)
    assert res.rc == 0, res.stderr
    assert res.wan_out == one_lcore.wan_out and res.lan_out == one_lcore.lan_out
    assert res.ports["port0"]["tx_packets"] == 5 and res.ports["port1"]["tx_packets"] == 4


def test_lifecycle_sigusr1_prints_counters_and_keeps_running(greway_bin, workdir, run_id):
    """SIGUSR1 prints the counters while greway keeps running (several dumps, one exit)."""
    wan, lan = life_traffic()
    res = g.run_pcap(greway_bin, workdir, run_id, LIFE_CONF, wan_in=wan, lan_in=lan)
    assert res.rc == 0
    assert res.stdout.count("port port0 ") >= 2  # at least one SIGUSR1 dump and the exit one
    assert res.stdout.count("greway: running") == 1
