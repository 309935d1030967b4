# SPDX-License-Identifier: BSD-3-Clause
"""DPDK telemetry and packet capture against a running greway (doc/telemetry.md).

One greway on two net_pcap ports (--no-huge) receives GRE, plain IPv4 and bad
frames from its rx pcaps, so its counters are non-zero and then stand still.
dpdk-telemetry.py must report the same counters as `grewayctl -j stats show`
and the SIGUSR1 dump, the tunnel config that `grewayctl -j tunnel show` gives,
and keep answering while tunnels come and go.

DPDK's capture tools are secondary processes. The tests use dpdk-pdump, which
takes EAL options and so gets --no-pci like every DPDK program here (22.11's
dpdk-dumpcap takes none, and would scan the machine's PCI bus). dpdk-pdump
cannot attach to a --no-huge greway (checked below, so doc/telemetry.md stays
true) and captures from one on hugepages; the last test reserves 2 MB
hugepages for that when too few are free, and gives them back afterwards.
"""
import contextlib
import glob
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import threading
import time
import uuid

import pytest

import gwpcap as g
import netns
from conftest import REPO, grewayctl_path, require_root, require_tool, run

TELEMETRY = "dpdk-telemetry.py"
PDUMP = "dpdk-pdump"

TUN_REMOTE = "203.0.113.2"
CONFIG = g.BASE_CONFIG + [
    f"tunnel add gre1 mode gre local {g.WAN_IP} remote {TUN_REMOTE} key 5",
    "addr add 172.16.10.1/30 dev gre1",
    "route add 10.16.0.0/24 via 172.16.10.2",
    # '-' is legal in a name, not in a telemetry key
    f"tunnel add gre-2 mode gre local {g.WAN_IP} remote 203.0.113.3 ikey 7 okey 8 csum seq "
    "ttl inherit",
    # a hub with one mapped spoke (test_hub_and_spokes turns keepalives on, then off)
    f"tunnel add mgre0 mode gre local {g.LAN_IP} remote any key 9",
    "neigh add 172.20.0.2 lladdr 203.0.113.20 dev mgre0",
]

N_DECAP, N_ENCAP, N_BAD_CSUM, N_NO_TUNNEL, N_KEY = 5, 4, 2, 3, 1


def frames():
    """(wan_in, lan_in) and the counters they must produce."""
    def inner(i, src="10.16.0.2", dst=g.LAN_HOST):
        return g.ipv4(src, dst, 17, b"\0\x09\0\x09\0\x10\0\0" + bytes([i]) * 8, ident=i)

    wan = [g.wan_gre(TUN_REMOTE, inner(i), key=5) for i in range(N_DECAP)]
    wan += [g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800,
                  g.ipv4(TUN_REMOTE, g.WAN_IP, 47, g.gre_header(key=5, payload=inner(50 + i)),
                         bad_csum=True))
            for i in range(N_BAD_CSUM)]
    wan += [g.wan_gre("203.0.113.9", inner(60 + i), key=5) for i in range(N_NO_TUNNEL)]
    wan += [g.wan_gre(TUN_REMOTE, inner(70 + i), key=6) for i in range(N_KEY)]
    lan = [g.lan_frame(inner(80 + i, src=g.LAN_HOST, dst="10.16.0.2")) for i in range(N_ENCAP)]
    return wan, lan


def telemetry(prefix, *cmds, timeout=30):
    """Send cmds to dpdk-telemetry.py -f prefix; the value of each reply, in order."""
    cp = subprocess.run([TELEMETRY, "-f", prefix], input="\n".join(cmds) + "\n",
                        capture_output=True, text=True, timeout=timeout)
    replies = [json.loads(line) for line in cp.stdout.splitlines() if line.startswith("{")]
    assert len(replies) == len(cmds), f"{cmds} -> {cp.stdout} {cp.stderr}"
    out = []
    for cmd, reply in zip(cmds, replies):
        (key, value), = reply.items()
        assert key == cmd.split(",", 1)[0]
        out.append(value)
    return out


def tel1(prefix, cmd):
    return telemetry(prefix, cmd)[0]


def ctl_json(gw, *words):
    cp = run([str(grewayctl_path()), "-s", str(gw.sock), "-j", *words])
    return json.loads(cp.stdout)


def ctl(gw, *words):
    return run([str(grewayctl_path()), "-s", str(gw.sock), *words], check=False)


class Daemon:
    pass


@pytest.fixture(scope="module")
def gw(greway_bin, tmp_path_factory):
    """greway on net_pcap ports, traffic received, counters settled; stopped by pid."""
    require_root()
    require_tool(TELEMETRY)
    d = Daemon()
    d.dir = tmp_path_factory.mktemp("telemetry")
    os.chmod(d.dir, 0o755)
    d.prefix = f"tel{uuid.uuid4().hex[:6]}"
    d.sock = d.dir / "greway.sock"
    d.log = d.dir / "greway.log"
    conf = d.dir / "gw.conf"
    conf.write_text("\n".join(CONFIG) + "\n")
    wan, lan = frames()
    paths = {n: d.dir / f"{n}.pcap" for n in ("wan_in", "wan_out", "lan_in", "lan_out")}
    g.write_pcap(paths["wan_in"], wan)
    g.write_pcap(paths["lan_in"], lan)
    cmd = g.greway_cmd(greway_bin, d.prefix, paths["wan_in"], paths["wan_out"],
                       paths["lan_in"], paths["lan_out"], ["-c", str(conf), "-s", str(d.sock)])
    with open(d.log, "w") as out:
        d.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, cwd=d.dir)
    try:
        netns.wait_for(lambda: _running(d), 30, "greway to start")
        netns.wait_for(lambda: d.sock.exists(), 10, "the control socket")

        def settled():
            ports = {p["name"]: p for p in ctl_json(d, "stats", "show")["ports"]}
            return (ports["port0"]["rx_packets"] == len(wan) and
                    ports["port1"]["rx_packets"] == len(lan))

        netns.wait_for(settled, 30, "greway to receive every frame of its rx pcaps")
        time.sleep(0.5)  # the control thread's share, if any
        yield d
    finally:
        rc = netns.stop_process(d.proc)
        shutil.rmtree(f"/var/run/dpdk/{d.prefix}", ignore_errors=True)
    assert rc == 0, d.log.read_text(errors="replace")


def _running(d):
    if d.proc.poll() is not None:
        raise AssertionError(f"greway exited {d.proc.returncode}:\n{d.log.read_text()}")
    return "greway: running" in d.log.read_text(errors="replace")


def rpc_stats(gw):
    """grewayctl -j stats show in the shape of /greway/stats (names as the values)."""
    s = ctl_json(gw, "stats", "show")
    return ({p["name"]: p for p in s["ports"]}, {t["name"]: t for t in s["tunnels"]}, s["drops"])


def by_name(group):
    """A /greway/stats group keyed by the real names (keys are made legal: '-' -> '_')."""
    out = {}
    for key, v in group.items():
        assert re.fullmatch(r"[A-Za-z0-9_]+", key), key
        assert key.startswith(re.sub(r"[^A-Za-z0-9_]", "_", v["name"])), (key, v["name"])
        out[v["name"]] = v
    return out


def test_stats_has_every_counter(gw):
    """/greway/stats: ports, tunnels and every drop reason, with the values the traffic
    must give, equal to grewayctl -j stats show, to /greway/drops and to SIGUSR1's dump."""
    stats, drops = telemetry(gw.prefix, "/greway/stats", "/greway/drops")
    ports, tunnels, rpc_drops = rpc_stats(gw)

    assert list(stats) == ["ports", "drops", "tunnels_total", "tunnels"]
    assert by_name(stats["ports"]) == ports
    assert by_name(stats["tunnels"]) == tunnels
    assert stats["tunnels_total"] == len(tunnels) == 3
    assert list(stats["tunnels"]) == ["gre1", "gre_2", "mgre0"]
    assert stats["drops"] == rpc_drops == drops
    assert sorted(drops) == sorted(g.drop_reasons())

    t = stats["tunnels"]["gre1"]
    assert (t["rx_packets"], t["tx_packets"]) == (N_DECAP, N_ENCAP)
    assert t["rx_bytes"] > 0 and t["tx_bytes"] > 0
    assert stats["tunnels"]["gre_2"]["name"] == "gre-2"
    p = stats["ports"]
    assert (p["port0"]["rx_packets"], p["port0"]["tx_packets"]) == (
        N_DECAP + N_BAD_CSUM + N_NO_TUNNEL + N_KEY, N_ENCAP)
    assert (p["port1"]["rx_packets"], p["port1"]["tx_packets"]) == (N_ENCAP, N_DECAP)
    nonzero = {k: v for k, v in drops.items() if v}
    assert nonzero == {"ip_csum": N_BAD_CSUM, "no_tunnel": N_NO_TUNNEL, "key_mismatch": N_KEY}

    # the daemon's own dump (SIGUSR1) says the same
    before = gw.log.read_text(errors="replace").count("drop tx_full ")
    gw.proc.send_signal(signal.SIGUSR1)
    netns.wait_for(lambda: gw.log.read_text(errors="replace").count("drop tx_full ") > before,
                   10, "the SIGUSR1 counter dump")
    dport, dtun, ddrop = g.parse_counters(gw.log.read_text(errors="replace"))
    assert dport == {n: {k: v for k, v in c.items() if k != "name"}
                     for n, c in by_name(stats["ports"]).items()}
    assert dtun == {n: {k: v for k, v in c.items() if k != "name"}
                    for n, c in by_name(stats["tunnels"]).items()}
    assert ddrop == drops


def test_ports(gw):
    """/greway/ports lists the names; /greway/ports,NAME gives settings and counters."""
    names, port0, port1, missing = telemetry(gw.prefix, "/greway/ports", "/greway/ports,port0",
                                             "/greway/ports,port1", "/greway/ports,nope")
    assert names == ["port0", "port1"]
    assert missing is None
    ports, _, _ = rpc_stats(gw)
    links = {link["ifname"]: link for link in ctl_json(gw, "link", "show")}
    for p in (port0, port1):
        link = links[p["name"]]
        assert (p["address"], p["mtu"], p["operstate"]) == (
            link["address"], link["mtu"], link["operstate"])
        assert {k: p[k] for k in ports[p["name"]]} == ports[p["name"]]
    assert (port0["port_id"], port1["port_id"]) == (0, 1)
    assert port0["address"] == g.WAN_MAC


def test_tunnels(gw):
    """/greway/tunnels lists the names; /greway/tunnels,NAME gives what
    `grewayctl -j tunnel show NAME` gives (booleans as 0/1) and the counters."""
    names, gre1, gre2, missing = telemetry(gw.prefix, "/greway/tunnels", "/greway/tunnels,gre1",
                                           "/greway/tunnels,gre-2", "/greway/tunnels,nope")
    assert names == ["gre1", "gre-2", "mgre0"]
    assert missing is None
    _, counters, _ = rpc_stats(gw)
    for t in (gre1, gre2):
        (show,) = ctl_json(gw, "tunnel", "show", t["name"])
        # telemetry names allow no '-': clamp-mss is clamp_mss there
        want = {("name" if k == "ifname" else k.replace("-", "_")):
                (int(v) if isinstance(v, bool) else v) for k, v in show.items()
                if not isinstance(v, dict)}
        assert {k: t[k] for k in want} == want
        assert {k: t[k] for k in counters[t["name"]]} == counters[t["name"]]
    assert (gre1["ikey"], gre1["okey"], gre1["remote"], gre1["ttl"]) == (5, 5, TUN_REMOTE, 64)
    assert (gre1["rx_packets"], gre1["tx_packets"]) == (N_DECAP, N_ENCAP)
    assert (gre2["ikey"], gre2["okey"], gre2["icsum"], gre2["oseq"], gre2["ttl"]) == (
        7, 8, 1, 1, "inherit")


def test_hub_and_spokes(gw):
    """A hub in /greway/tunnels,NAME has its spoke and learning counts;
    /greway/spokes lists the hubs, /greway/spokes,NAME its spokes by underlay
    address, with their mappings and, with keepalives on, what they say (this
    spoke never answers: down after 3 keepalives of 1 s)."""
    hub, hubs, spokes, missing = telemetry(gw.prefix, "/greway/tunnels,mgre0", "/greway/spokes",
                                           "/greway/spokes,mgre0", "/greway/spokes,gre1")
    assert (hub["remote"], hub["spokes"], hub["learned"], hub["keepalive"]) == ("any", 1, 0,
                                                                               "off")
    assert "liveness" not in spokes["203_0_113_20"]
    assert ctl(gw, "tunnel", "change", "mgre0", "keepalive", "1", "3").returncode == 0
    spokes = tel1(gw.prefix, "/greway/spokes,mgre0")
    assert {k: hub[k] for k in ("learn_learned", "learn_moved", "learn_aged",
                                "learn_refused")} == dict.fromkeys(
        ("learn_learned", "learn_moved", "learn_aged", "learn_refused"), 0)
    assert hubs == ["mgre0"]
    assert missing is None  # not a hub
    assert list(spokes) == ["203_0_113_20"]  # telemetry keys have no '.'
    s = spokes["203_0_113_20"]
    assert (s["address"], s["mappings"], s["keepalives_answered"]) == ("203.0.113.20", 1, 0)
    assert s["liveness"] in ("unknown", "down")
    netns.wait_for(lambda: tel1(gw.prefix, "/greway/spokes,mgre0")["203_0_113_20"]["liveness"]
                   == "down", 10, "the silent spoke marked down")
    (n,) = [e for e in ctl_json(gw, "neigh", "show", "dev", "mgre0")]
    assert n["liveness"]["state"] == "down" and n["lladdr"] == "203.0.113.20"
    assert ctl(gw, "tunnel", "change", "mgre0", "keepalive", "off").returncode == 0


def test_version_help_and_builtin_commands(gw):
    """/greway/version is the project's; our commands have help; EAL's own commands
    (/ethdev/list, /ethdev/stats) answer as in any DPDK application."""
    version = re.search(r"version:\s*'([^']+)'", (REPO / "meson.build").read_text()).group(1)
    ver, cmds, helptext, ethdevs, ethstats = telemetry(
        gw.prefix, "/greway/version", "/", "/help,/greway/stats", "/ethdev/list",
        "/ethdev/stats,0")
    assert ver == {"version": version, "simd": ver["simd"]}
    assert ver["simd"] in ("scalar", "avx2", "avx512")
    for c in ("/greway/version", "/greway/stats", "/greway/drops", "/greway/ports",
              "/greway/tunnels"):
        assert c in cmds
    assert helptext["/greway/stats"]
    assert ethdevs == [0, 1]
    ports, _, _ = rpc_stats(gw)
    assert ethstats["ipackets"] == ports["port0"]["rx_packets"]


def pdump_lcore(busy):
    """A cpu for dpdk-pdump's polling loop other than greway's (`busy`), if there is one."""
    cpus = sorted(os.sched_getaffinity(0))
    others = [c for c in cpus if str(c) != busy]
    return str((others or cpus)[0])


def pdump_cmd(prefix, rx, tx, lcore):
    """dpdk-pdump capturing both directions of port 0 of greway `prefix` into two pcaps.

    rx and tx are names relative to its cwd: 22.11 cuts a path at 63 characters
    without a word (and a long tmp path cut to the same name would put both
    directions in one file). A small ring and pool (~6 MB of hugepages instead of
    the default ~150 MB) hold a few pings; it runs until SIGINT."""
    assert len(rx) < 64 and len(tx) < 64
    return [PDUMP, "--no-pci", "--file-prefix", prefix, "-l", lcore, "--",
            "--pdump", f"port=0,queue=*,rx-dev={rx},tx-dev={tx},ring-size=1024,"
            "total-num-mbufs=2048"]


def no_core_dump():
    # a secondary that cannot attach panics (abort): leave no core file behind
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def test_pdump_refuses_a_no_huge_primary(gw):
    """A --no-huge greway cannot serve a secondary process: dpdk-pdump --no-pci fails
    to attach (doc/telemetry.md says so), and greway keeps running and answering."""
    require_tool(PDUMP)
    rx, tx = "refused_rx.pcap", "refused_tx.pcap"
    cp = subprocess.run(pdump_cmd(gw.prefix, rx, tx, pdump_lcore("0")), capture_output=True,
                        text=True, timeout=60, cwd=gw.dir, preexec_fn=no_core_dump,
                        stdin=subprocess.DEVNULL)
    assert cp.returncode != 0, cp.stdout + cp.stderr
    assert "Failed to open shared memory" in cp.stderr, cp.stderr
    assert "Cannot init EAL" in cp.stderr, cp.stderr
    assert not (gw.dir / rx).exists() and not (gw.dir / tx).exists()
    assert gw.proc.poll() is None
    assert tel1(gw.prefix, "/greway/ports") == ["port0", "port1"]
    assert ctl_json(gw, "stats", "show")["ports"][0]["name"] == "port0"


def test_answers_while_tunnels_change(gw):
    """Tunnels added and deleted through the control socket while telemetry clients
    read every table: every reply is whole, greway survives, the state ends as it began."""
    stop = threading.Event()
    errors = []
    replies = [0]

    def reader():
        cmds = ["/greway/stats", "/greway/tunnels", "/greway/tunnels,gre1", "/greway/tunnels,x3"]
        while not stop.is_set():
            try:
                out = telemetry(gw.prefix, *(cmds * 10))
            except AssertionError as e:
                errors.append(str(e))
                return
            for stats in out[::4]:
                if stats is None or set(stats) != {"ports", "drops", "tunnels_total",
                                                    "tunnels"}:
                    errors.append(f"bad /greway/stats reply {stats}")
                elif stats["tunnels_total"] != len(stats["tunnels"]):
                    errors.append(f"tunnels missing from {stats}")
            replies[0] += len(out)

    th = threading.Thread(target=reader)
    th.start()
    try:
        for rnd in range(3):
            for i in range(10):
                r = ctl(gw, "tunnel", "add", f"x{i}", "mode", "gre", "local", g.WAN_IP,
                        "remote", f"203.0.113.{i + 10}", "key", str(i))
                assert r.returncode == 0, r.stderr
            for i in range(10):
                r = ctl(gw, "tunnel", "del", f"x{i}")
                assert r.returncode == 0, r.stderr
    finally:
        stop.set()
        th.join(timeout=60)
    assert not errors, errors[:3]
    assert replies[0] > 0
    assert gw.proc.poll() is None
    assert tel1(gw.prefix, "/greway/tunnels") == ["gre1", "gre-2", "mgre0"]


def test_stats_clear_applies(gw):
    """After `stats clear`, /greway/stats counts from zero as grewayctl does, while EAL's
    /ethdev/stats keeps the PMD's totals. (Last of the tests on this greway.)"""
    r = ctl(gw, "stats", "clear")
    assert r.returncode == 0, r.stderr
    stats, ethstats = telemetry(gw.prefix, "/greway/stats", "/ethdev/stats,0")
    assert not [v for v in stats["drops"].values() if v]
    for group in ("ports", "tunnels"):
        for obj in stats[group].values():
            assert not [k for k, v in obj.items() if k != "name" and v], obj
    assert ethstats["ipackets"] == N_DECAP + N_BAD_CSUM + N_NO_TUNNEL + N_KEY


# --- capture: greway on hugepages, a net_tap port, dpdk-pdump ---

HUGE_DIR = "/dev/hugepages"
NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages"
HUGE_NEEDED_MB = 300  # greway with two ports (~170 MB) plus pdump's pool (~6 MB), with room
N_PINGS = 4


def meminfo():
    return {k: int(v) for k, v in
            re.findall(r"^(\w+):\s+(\d+)", open("/proc/meminfo").read(), re.M)}


def hugepages_free():
    """Free default-size hugepages that no one has reserved yet."""
    info = meminfo()
    return info["HugePages_Free"] - info.get("HugePages_Rsvd", 0)


def _write(path, value):
    with open(path, "w") as f:
        f.write(f"{value}\n")


@pytest.fixture
def hugepages():
    """HUGE_NEEDED_MB of free 2 MB hugepages in a hugetlbfs at /dev/hugepages.

    Takes what is free; when too little is, raises vm.nr_hugepages by the
    difference (compacting memory once if the kernel falls short) and mounts
    hugetlbfs if nothing is mounted there. Teardown, on failure too, puts
    nr_hugepages back to its value before and unmounts only what it mounted.
    Skips only when the kernel cannot give the pages."""
    require_root()
    info = meminfo()
    if info.get("Hugepagesize") != 2048:
        pytest.skip(f"the default hugepage size is {info.get('Hugepagesize')} kB; "
                    "this test reserves 2 MB pages through vm.nr_hugepages")
    need = HUGE_NEEDED_MB // 2
    with contextlib.ExitStack() as undo:
        if not os.path.ismount(HUGE_DIR):
            if not os.path.isdir(HUGE_DIR):
                os.makedirs(HUGE_DIR)
                undo.callback(os.rmdir, HUGE_DIR)
            netns.sh(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev", HUGE_DIR])
            undo.callback(netns.sh, ["umount", HUGE_DIR], check=False)
        orig = int(open(NR_HUGEPAGES).read())
        free = hugepages_free()
        if free < need:
            want = orig + need - free
            undo.callback(_write, NR_HUGEPAGES, orig)
            try:
                _write(NR_HUGEPAGES, want)
                if hugepages_free() < need:
                    # fragmented memory: compact it and ask once more
                    _write("/proc/sys/vm/compact_memory", 1)
                    _write(NR_HUGEPAGES, want)
            except OSError as e:
                pytest.skip(f"cannot raise {NR_HUGEPAGES} from {orig} to {want}: {e}")
            got = hugepages_free()
            if got < need:
                pytest.skip(f"the kernel gave only {got} free 2 MB hugepages of the {need} "
                            f"needed ({NR_HUGEPAGES} {orig} -> {want}, now "
                            f"{open(NR_HUGEPAGES).read().strip()})")
        yield


def test_pdump_captures_a_port(greway_bin, workdir, run_id, hugepages):
    """dpdk-pdump --no-pci (secondary, same --file-prefix) captures both directions
    of port0 of a greway on hugepages: the pings of a host in its rx file, greway's
    replies in its tx file. greway survives it, forwards afterwards, exits cleanly."""
    require_tool(PDUMP)
    require_tool("stdbuf")
    prefix = f"telcap{run_id}"
    rx_cap, tx_cap = "port0_rx.pcap", "port0_tx.pcap"  # in workdir, pdump's cwd
    log = workdir / "greway.log"
    conf = workdir / "gw.conf"
    conf.write_text(f"link set port0 address {g.WAN_MAC}\naddr add {g.WAN_IP}/24 dev port0\n")
    tap = f"tc{run_id}"
    # dpdk-pdump's pcap vdevs are hot-plugged into greway too, which opens (empty)
    # files of the same relative names in its own cwd: keep those apart
    gw_cwd = workdir / "greway"
    gw_cwd.mkdir()

    def cleanup():
        # EAL leaves its hugepage files behind; they are ours alone (our prefix)
        for f in glob.glob(f"{HUGE_DIR}/{prefix}map_*"):
            os.unlink(f)
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)

    with netns.Lab(run_id, workdir) as lab:
        ns = lab.netns("cap")
        lab.callback(cleanup)  # runs after greway is stopped (registered before it)
        with open(log, "w") as out:
            proc = lab.popen(ns, [greway_bin, "--no-pci", "--file-prefix", prefix,
                                  "--huge-dir", HUGE_DIR, "-l", netns.LCORES,
                                  "--vdev", f"net_tap0,iface={tap}",
                                  "--vdev", "net_null0,no-rx=1", "--", "-c", conf,
                                  "-s", workdir / "greway.sock"],
                             stdout=out, stderr=subprocess.STDOUT, cwd=gw_cwd)

        def running():
            if proc.poll() is not None:
                raise AssertionError(f"greway exited {proc.returncode}:\n{log.read_text()}")
            return "greway: running" in log.read_text(errors="replace") and ns.has_link(tap)

        netns.wait_for(running, 30, "greway on hugepages to start")
        # the kernel end of the tap is the host 198.51.100.254 (its own MAC)
        ns.ip("link", "set", tap, "address", g.WAN_NH_MAC)
        ns.ip("addr", "add", f"{g.WAN_NH}/24", "dev", tap)
        ns.ip("link", "set", tap, "up")
        netns.warm_up(ns, g.WAN_IP)

        pdump_out = workdir / "pdump.out"
        with open(pdump_out, "w") as out:
            # stdbuf: its "capture for" line, printed once greway acked the enable,
            # reaches the file at once
            pdump = subprocess.Popen(
                ns.cmd(["stdbuf", "-oL", *pdump_cmd(prefix, rx_cap, tx_cap,
                                                    pdump_lcore(netns.LCORES))]),
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=workdir, preexec_fn=no_core_dump)
        # SIGINT makes it disable the capture in greway before it exits (registered
        # after greway's stop, so it runs first)
        lab.callback(netns.stop_process, pdump, signal.SIGINT, 15)

        netns.wait_for(lambda: pdump.poll() is not None or
                       "capture for" in pdump_out.read_text(errors="replace"),
                       30, "dpdk-pdump to attach")
        assert pdump.poll() is None, pdump_out.read_text(errors="replace")
        cp, loss = ns.ping(g.WAN_IP, count=N_PINGS, interval=0.2)
        assert loss == 0.0, cp.stdout
        assert proc.poll() is None, "greway died under capture"
        rc = netns.stop_process(pdump, signal.SIGINT, 15)
        assert rc == 0, pdump_out.read_text(errors="replace")
        assert proc.poll() is None, "greway died when the capture ended"
        cp, loss = ns.ping(g.WAN_IP, count=3, interval=0.2)
        assert loss == 0.0, cp.stdout  # and still answers once the capture ended
        rc = netns.stop_process(proc)
        assert rc == 0, log.read_text(errors="replace")

    from scapy.all import ICMP, IP, rdpcap

    def pings(path):
        pkts = rdpcap(str(workdir / path))
        return [(p[IP].src, p[IP].dst, p[ICMP].type, p[ICMP].seq)
                for p in pkts if p.haslayer(ICMP)]

    rx, tx = pings(rx_cap), pings(tx_cap)
    # received by greway: the host's requests, every one that ping sent (N_PINGS, more
    # if a reply came late); sent by greway: a reply to each, and no other ICMP
    seqs = range(1, len(rx) + 1)
    assert len(rx) >= N_PINGS, rx
    assert rx == [(g.WAN_NH, g.WAN_IP, 8, s) for s in seqs], rx
    assert tx == [(g.WAN_IP, g.WAN_NH, 0, s) for s in seqs], tx
