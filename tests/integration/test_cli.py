# SPDX-License-Identifier: BSD-3-Clause
"""grewayctl against a running greway: the control socket, exit codes, errors, state.

greway runs with two net_null ports (no traffic) and no startup file; everything is
configured through grewayctl, which parses with the same lib/cmd as the startup file
and reaches the same apply functions over JSON-RPC.
"""
import contextlib
import ipaddress
import json
import os
import re
import signal
import socket
import stat
import subprocess
import threading
import time

import pytest

from conftest import require_root, run


@contextlib.contextmanager
def greway(greway_bin, workdir, prefix, sock, *args):
    """A greway with two net_null ports (no traffic), its control socket at sock."""
    require_root()
    log = open(workdir / f"{prefix}.log", "w")
    proc = subprocess.Popen(
        [str(greway_bin), "--no-pci", "--no-huge", "-m", "512", "--file-prefix", prefix,
         "-l", "0", "--vdev", "net_null0,no-rx=1", "--vdev", "net_null1,no-rx=1",
         "--", "-s", str(sock), *args], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if sock.exists():
                break
            assert proc.poll() is None, (workdir / f"{prefix}.log").read_text()
            time.sleep(0.1)
        assert sock.exists(), "control socket never appeared"
        yield sock
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        log.close()
        assert not sock.exists(), "socket left behind after exit"
        run(["rm", "-rf", f"/var/run/dpdk/{prefix}"], check=False)


def linklocal(mac):
    """A port's own link-local address: fe80:: and the modified EUI-64 of its MAC."""
    b = bytes.fromhex(mac.replace(":", ""))
    eui = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + eui))


@pytest.fixture
def daemon(greway_bin, workdir, run_id):
    """A greway with an empty configuration and its control socket in workdir."""
    with greway(greway_bin, workdir, f"cli{run_id}", workdir / "run" / "greway.sock") as sock:
        yield sock


def ctl(ctl_bin, sock, *words):
    return run([ctl_bin, "-s", str(sock), *words], check=False)


SITE_A = [
    "addr add 198.51.100.1/24 dev port0",
    "addr add 10.0.0.1/24 dev port1",
    "neigh add 198.51.100.254 lladdr 02:00:00:00:00:fe dev port0",
    "route add 203.0.113.0/24 via 198.51.100.254",
    "tunnel add gre1 mode gre local 198.51.100.1 remote 203.0.113.2 key 1001 csum seq",
    "addr add 172.16.10.1/30 dev gre1",
    "route add 10.16.0.0/24 via 172.16.10.2",
]


def test_configure_through_grewayctl(ctl_bin, daemon):
    """The demo's site A configuration is accepted line by line (exit 0, no output),
    the socket is mode 0660, and stats show then lists the tunnel, in text and -j."""
    assert stat.S_IMODE(os.stat(daemon).st_mode) == 0o660
    for line in SITE_A:
        r = ctl(ctl_bin, daemon, *line.split())
        assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), line
    r = ctl(ctl_bin, daemon, "stats", "show")
    assert r.returncode == 0
    assert "tunnel gre1 rx_packets 0 rx_bytes 0 tx_packets 0 tx_bytes 0" in r.stdout.splitlines()
    assert any(line.startswith("port port0 ") for line in r.stdout.splitlines())
    r = ctl(ctl_bin, daemon, "-j", "stats", "show")
    data = json.loads(r.stdout)
    assert [t["name"] for t in data["tunnels"]] == ["gre1"]
    assert [p["name"] for p in data["ports"]] == ["port0", "port1"]
    assert data["drops"]["gre_csum"] == 0
    r = ctl(ctl_bin, daemon, "version")
    assert r.returncode == 0 and r.stdout.startswith("greway ")


@pytest.mark.parametrize("line, message", [
    ("tunnel add gre2 mode gre local 198.51.100.1 remote 203.0.113.9 kye 5",
     'Error: unknown word "kye" in tunnel add'),
    ("tunnel add gre2 mode gre local 192.0.2.9 remote 203.0.113.9",
     "Error: tunnel gre2: local 192.0.2.9 is not an address of this gateway"),
    ("tunnel add gre1 mode gre local 198.51.100.1 remote 203.0.113.7",
     'Error: name "gre1" is taken'),
    ("route add 10.99.0.0/16 via 192.0.2.77",
     "Error: gateway 192.0.2.77 is not on a connected network"),
    ("link set port9 up", 'Error: no link "port9"'),
    ("tunnel del gre9", 'Error: no tunnel "gre9"'),
    ("tunnel show gre9", 'Error: no tunnel "gre9"'),
    ("stats show gre9", 'Error: no port, tunnel, bridge or bridge member "gre9"'),
    ("addr del 198.51.100.7/24 dev port0", "Error: no address 198.51.100.7/24 on dev port0"),
])
def test_refused_commands_change_nothing(ctl_bin, daemon, line, message):
    """A refused command exits 1 with one line naming the word, and the state is as before."""
    for good in SITE_A[:5]:
        assert ctl(ctl_bin, daemon, *good.split()).returncode == 0
    before = ctl(ctl_bin, daemon, "save").stdout
    r = ctl(ctl_bin, daemon, *line.split())
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(message), r.stderr
    assert r.stderr.count("\n") == 1
    assert ctl(ctl_bin, daemon, "save").stdout == before


def test_unreachable_daemon_exits_2(ctl_bin, workdir):
    """Without a greway on the socket, grewayctl exits 2 and names the socket it tried."""
    sock = workdir / "nobody.sock"
    r = ctl(ctl_bin, sock, "stats", "show")
    assert r.returncode == 2
    assert r.stderr.strip() == f"grewayctl: cannot reach greway at {sock}: No such file or directory"


@pytest.mark.parametrize("line, message", [
    ("link add br0 type vxlan", 'link add: type "vxlan" is not supported (bridge)'),
    ("link add br0", "link add br0 needs type bridge"),
    ("link add br0 type bridge ageing_time 0", 'invalid ageing_time "0": expected 1..1000000'),
    ("link add br0 type bridge fdb_max_learned 65537",
     'invalid fdb_max_learned "65537": expected 1..65536'),
    ("link del br0 now", 'unexpected "now" after link del br0'),
    ("link set port1 master br0 nomaster",
     '"nomaster" and "master" exclude each other in link set'),
    ("bridge fdb add 01:00:5e:00:00:01 dev gt1",
     'invalid mac "01:00:5e:00:00:01": not a unicast MAC'),
    ("bridge fdb add 02:00:00:00:00:01 dev gt1 self",
     'unknown word "self" in bridge fdb add (dev, dst, master, static)'),
    ("bridge fdb del 02:00:00:00:00:01 dev gt1 static",
     'unknown word "static" in bridge fdb del (dev, dst, master)'),
    ("bridge fdb show br", '"br" needs a value'),
    ("bridge vlan show", 'unknown object "vlan" for bridge (fdb, link)'),
])
def test_bridge_words_refused_before_sending(ctl_bin, workdir, line, message):
    """A bridge line the parser refuses is exit 1 and one line naming the word, before
    any socket is tried (there is none here: reaching for it would be exit 2)."""
    r = ctl(ctl_bin, workdir / "nobody.sock", *line.split())
    assert r.returncode == 1
    assert r.stderr == f"Error: {message}\n"
    assert r.stdout == ""


@pytest.mark.parametrize("words", [["help", "bridge"], ["bridge", "help"]])
def test_help_bridge_needs_no_greway(ctl_bin, words):
    """help bridge (and bridge help, as ip link help) prints bridge(8)'s words."""
    r = run([ctl_bin, *words], check=False)
    assert r.returncode == 0
    assert r.stdout.startswith("Usage: grewayctl bridge fdb add MAC dev NAME [master] [static]\n")
    assert "bridge link show" in r.stdout


def test_hung_client_does_not_block_others(ctl_bin, daemon):
    """A client that sends half a request and never finishes does not stop another
    client from being served; malformed JSON gets a JSON-RPC parse error."""
    hung = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hung.connect(str(daemon))
    hung.sendall(b'{"jsonrpc": "2.0", "id": 1, "method": "vers')
    try:
        r = ctl(ctl_bin, daemon, "version")
        assert r.returncode == 0
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        raw.connect(str(daemon))
        raw.sendall(b"{not json\n")
        raw.settimeout(5)
        reply = json.loads(raw.makefile().readline())
        assert reply["error"]["code"] == -32700
        assert reply["jsonrpc"] == "2.0"
        raw.sendall(b'{"jsonrpc": "2.0", "id": 7, "method": "tunnel.frob"}\n')
        reply = json.loads(raw.makefile().readline())
        assert (reply["id"], reply["error"]["code"]) == (7, -32601)
        raw.close()
    finally:
        hung.close()


def configure(ctl_bin, sock, lines):
    for line in lines:
        r = ctl(ctl_bin, sock, *line.split())
        assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), line


def show(ctl_bin, sock, *words):
    """(text lines, -j result) of one show command, both exit 0 with nothing on stderr."""
    r = ctl(ctl_bin, sock, *words)
    assert (r.returncode, r.stderr) == (0, ""), words
    j = ctl(ctl_bin, sock, "-j", *words)
    assert (j.returncode, j.stderr) == (0, ""), words
    assert j.stdout.count("\n") == 1 and j.stdout.endswith("\n"), "-j is one line"
    return r.stdout.splitlines(), json.loads(j.stdout)


def test_show_text_and_json(ctl_bin, daemon):
    """Each show prints one iproute2-like line per object, and -j the JSON of doc/rpc.md."""
    configure(ctl_bin, daemon, SITE_A)

    # net_null's MACs are random, and a running port's MAC cannot change: read them
    text, data = show(ctl_bin, daemon, "link", "show")
    mac0, mac1 = data[0]["address"], data[1]["address"]
    assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", mac0)
    assert text == [f"port0: kind port address {mac0} mtu 1500 state UP",
                    f"port1: kind port address {mac1} mtu 1500 state UP",
                    "gre1: kind gre mtu 1464 state UP"]
    assert data[0] == {"ifindex": 0, "ifname": "port0", "kind": "port", "address": mac0,
                       "mtu": 1500, "flags": ["UP"], "operstate": "UP"}
    assert data[2] == {"ifindex": 2, "ifname": "gre1", "kind": "gre", "mtu": 1464,
                       "flags": ["UP"], "operstate": "UP"}
    text, data = show(ctl_bin, daemon, "link", "show", "port1")
    assert text == [f"port1: kind port address {mac1} mtu 1500 state UP"]

    text, data = show(ctl_bin, daemon, "addr", "show")
    assert sorted(text) == ["gre1: inet 172.16.10.1/30", "port0: inet 198.51.100.1/24",
                            f"port0: inet6 {linklocal(mac0)}/64 scope link",
                            "port1: inet 10.0.0.1/24",
                            f"port1: inet6 {linklocal(mac1)}/64 scope link"]
    assert {"dev": "port0", "local": "198.51.100.1", "prefixlen": 24} in data
    assert {"dev": "port0", "local": linklocal(mac0), "prefixlen": 64, "scope": "link"} in data
    assert len(data) == 5

    text, data = show(ctl_bin, daemon, "route", "show")
    assert sorted(text) == sorted([
        "203.0.113.0/24 via 198.51.100.254 dev port0",
        "10.16.0.0/24 via 172.16.10.2 dev gre1",
        "198.51.100.0/24 dev port0 proto kernel",
        "10.0.0.0/24 dev port1 proto kernel",
        "172.16.10.0/30 dev gre1 proto kernel"])
    assert len(data) == len(text)
    assert {"dst": "203.0.113.0/24", "gateway": "198.51.100.254", "dev": "port0",
            "protocol": "static"} in data
    assert {"dst": "10.0.0.0/24", "dev": "port1", "protocol": "kernel"} in data

    text, data = show(ctl_bin, daemon, "neigh", "show")
    assert text == ["198.51.100.254 dev port0 lladdr 02:00:00:00:00:fe PERMANENT"]
    assert data == [{"dst": "198.51.100.254", "dev": "port0", "lladdr": "02:00:00:00:00:fe",
                     "state": "PERMANENT"}]

    gre1 = ("gre1: gre remote 203.0.113.2 local 198.51.100.1 ikey 1001 okey 1001 icsum yes "
            "ocsum yes iseq yes oseq yes ttl 64 tos 0x0 pmtudisc noignore-df mtu 1464 clamp-mss auto keepalive off "
            "state UP")
    text, data = show(ctl_bin, daemon, "tunnel", "show")
    assert text == [gre1]
    assert data == [{"ifname": "gre1", "mode": "gre", "local": "198.51.100.1",
                     "remote": "203.0.113.2", "ikey": 1001, "okey": 1001, "icsum": True,
                     "ocsum": True, "iseq": True, "oseq": True, "ttl": 64, "tos": 0,
                     "pmtudisc": True, "ignore-df": False, "mtu": 1464, "clamp-mss": "auto",
                     "keepalive": "off", "operstate": "UP"}]
    assert show(ctl_bin, daemon, "tunnel", "show", "gre1")[0] == [gre1]

    text, data = show(ctl_bin, daemon, "stats", "show", "gre1")
    assert text == ["tunnel gre1 rx_packets 0 rx_bytes 0 tx_packets 0 tx_bytes 0"]
    assert data == {"ports": [], "tunnels": [{"name": "gre1", "rx_packets": 0, "rx_bytes": 0,
                                              "tx_packets": 0, "tx_bytes": 0}],
                    "bridges": [], "members": []}
    text, data = show(ctl_bin, daemon, "stats", "show", "port1")
    assert len(text) == 1 and text[0].startswith("port port1 rx_packets ")
    assert [p["name"] for p in data["ports"]] == ["port1"] and "drops" not in data
    text, data = show(ctl_bin, daemon, "stats", "show")
    assert [line.split()[:2] for line in text[:3]] == [["port", "port0"], ["port", "port1"],
                                                       ["tunnel", "gre1"]]
    assert all(line.startswith("drop ") for line in text[3:])
    assert [line.split()[1] for line in text[3:]] == list(data["drops"])

    text, data = show(ctl_bin, daemon, "version")
    assert text == [f"greway {data['version']} simd {data['simd']}"]
    assert data["simd"] in ("scalar", "avx2", "avx512")


def test_tunnel_show_every_option(ctl_bin, daemon):
    """tunnel show names every option: keys absent (none), one-sided keys, csum and seq
    flags, ttl/tos inherit, nopmtudisc, ignore-df, clamp-mss, dev; tunnel change alters only
    what it names."""
    configure(ctl_bin, daemon, SITE_A[:4] + [
        "tunnel add gre2 mode gre local 198.51.100.1 remote 203.0.113.3",
        "tunnel add gre3 mode gre local 198.51.100.1 remote 203.0.113.4 ikey 0 okey 0.0.1.2 "
        "icsum oseq ttl inherit tos 28 nopmtudisc ignore-df mtu 1400 clamp-mss 1200 dev port0",
    ])
    text, data = show(ctl_bin, daemon, "tunnel", "show")
    assert text == [
        "gre2: gre remote 203.0.113.3 local 198.51.100.1 ikey none okey none icsum no ocsum no "
        "iseq no oseq no ttl 64 tos 0x0 pmtudisc noignore-df mtu 1476 clamp-mss auto keepalive off state UP",
        "gre3: gre remote 203.0.113.4 local 198.51.100.1 dev port0 ikey 0 okey 258 icsum yes "
        "ocsum no iseq no oseq yes ttl inherit tos 0x28 nopmtudisc ignore-df mtu 1400 "
        "clamp-mss 1200 keepalive off state UP"]
    assert "ikey" not in data[0] and "dev" not in data[0]
    assert (data[1]["ikey"], data[1]["okey"], data[1]["ttl"], data[1]["tos"]) == \
        (0, 258, "inherit", 0x28)
    assert (data[0]["clamp-mss"], data[1]["clamp-mss"]) == ("auto", 1200)
    assert (data[0]["ignore-df"], data[1]["ignore-df"]) == (False, True)
    configure(ctl_bin, daemon, ["tunnel change gre3 nokey ttl 9 tos inherit pmtudisc",
                                "tunnel change gre2 clamp-mss off"])
    assert show(ctl_bin, daemon, "tunnel", "show", "gre3")[0] == [
        "gre3: gre remote 203.0.113.4 local 198.51.100.1 dev port0 ikey none okey none "
        "icsum yes ocsum no iseq no oseq yes ttl 9 tos inherit pmtudisc ignore-df mtu 1400 "
        "clamp-mss 1200 keepalive off state UP"]
    text, data = show(ctl_bin, daemon, "tunnel", "show", "gre2")
    assert text[0].endswith(" mtu 1476 clamp-mss off keepalive off state UP") and \
        data[0]["clamp-mss"] == "off"
    configure(ctl_bin, daemon, ["tunnel change gre3 noignore-df", "tunnel change gre2 ignore-df"])
    text, data = show(ctl_bin, daemon, "tunnel", "show")
    assert [line.split(" mtu ")[0].split()[-2:] for line in text] == [
        ["pmtudisc", "ignore-df"], ["pmtudisc", "noignore-df"]]
    assert [d["ignore-df"] for d in data] == [True, False]
    assert text[0].endswith(" clamp-mss off keepalive off state UP")  # change kept the rest
    r = ctl(ctl_bin, daemon, "tunnel", "change", "gre2", "clamp-mss", "40")
    assert (r.returncode, r.stderr) == (
        1, 'Error: invalid clamp-mss "40": expected auto, off or 88..65495\n')


def test_changes_print_nothing(ctl_bin, daemon):
    """Every change exits 0 and prints nothing, with -j too; the shows then agree."""
    configure(ctl_bin, daemon, SITE_A)
    for line in ["route del 10.16.0.0/24", "addr del 172.16.10.1/30 dev gre1",
                 "tunnel change gre1 nocsum", "stats clear", "log set ctrl debug"]:
        r = ctl(ctl_bin, daemon, "-j", *line.split())
        assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), line
    configure(ctl_bin, daemon, ["tunnel del gre1", "route del 203.0.113.0/24",
                                "neigh del 198.51.100.254 dev port0",
                                "addr del 10.0.0.1/24 dev port1", "link set port1 down"])
    assert show(ctl_bin, daemon, "tunnel", "show") == ([], [])
    assert show(ctl_bin, daemon, "neigh", "show") == ([], [])
    assert [a for a in show(ctl_bin, daemon, "addr", "show")[0]
            if not a.endswith(" scope link")] == ["port0: inet 198.51.100.1/24"]
    assert show(ctl_bin, daemon, "route", "show")[0] == ["198.51.100.0/24 dev port0 proto kernel"]
    assert show(ctl_bin, daemon, "link", "show", "port1")[0][0].endswith(" state DOWN")


def test_log_set_and_show(ctl_bin, daemon):
    """log show lists each module and its level; log set changes one or all."""
    text, data = show(ctl_bin, daemon, "log", "show")
    assert text == ["main info", "port info", "cfg info", "ctrl info"]
    assert data[0] == {"module": "main", "level": "info"}
    configure(ctl_bin, daemon, ["log set ctrl debug"])
    assert show(ctl_bin, daemon, "log", "show")[0] == ["main info", "port info", "cfg info",
                                                       "ctrl debug"]
    configure(ctl_bin, daemon, ["log set all warning"])
    assert show(ctl_bin, daemon, "log", "show")[0] == [f"{m} warning" for m in
                                                       ("main", "port", "cfg", "ctrl")]
    r = ctl(ctl_bin, daemon, "log", "set", "dp", "info")
    assert r.returncode == 1 and '"dp"' in r.stderr and r.stderr.count("\n") == 1


def test_save_to_file_and_stdout(ctl_bin, greway_bin, daemon, workdir, run_id):
    """save prints the configuration; save FILE replaces FILE with the same text (no
    temporary left behind); greway -c FILE recreates the same configuration."""
    configure(ctl_bin, daemon, SITE_A + [
        "tunnel add gre2 mode gre local 198.51.100.1 remote 203.0.113.3 ikey 7 ttl inherit "
        "tos 28 nopmtudisc ignore-df mtu 1400 clamp-mss 1300 dev port0", "link set port1 down",
        "log set cfg debug"])
    r = ctl(ctl_bin, daemon, "save")
    assert (r.returncode, r.stderr) == (0, "")
    config = r.stdout
    assert config.endswith("\n") and "tunnel add gre2 " in config
    assert " nopmtudisc ignore-df mtu 1400 clamp-mss 1300 dev port0\n" in config
    assert " clamp-mss auto" in config  # gre1: the default is written out too
    assert " pmtudisc noignore-df " in config  # so is noignore-df
    j = ctl(ctl_bin, daemon, "-j", "save")
    assert json.loads(j.stdout) == {"config": config}

    saved = workdir / "conf" / "greway.conf"
    saved.parent.mkdir()
    saved.write_text("old contents\n")
    r = ctl(ctl_bin, daemon, "save", str(saved))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert saved.read_text() == config
    assert os.listdir(saved.parent) == ["greway.conf"], "temporary file left behind"
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o666 & ~current_umask()

    r = ctl(ctl_bin, daemon, "save", str(workdir / "no" / "such" / "dir.conf"))
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith(f'Error: cannot write "{workdir}/no/such/dir.conf": ')

    sock2 = workdir / "run2" / "greway.sock"
    with greway(greway_bin, workdir, f"cli2{run_id}", sock2, "-c", str(saved)):
        assert ctl(ctl_bin, sock2, "save").stdout == config


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_help(ctl_bin):
    """-h, --help and help print the whole grammar (exit 0, no socket needed); help OBJECT
    and OBJECT help explain one object's words; an unknown object exits 1, one line."""
    outs = [run([ctl_bin, *a], check=False) for a in (["-h"], ["--help"], ["help"])]
    assert {(r.returncode, r.stdout, r.stderr) for r in outs} == {(0, outs[0].stdout, "")}
    usage = outs[0].stdout
    for cmd in ["link show", "link set", "addr add|del", "addr show", "route add|del",
                "route show", "neigh add", "neigh del", "neigh show", "tunnel add",
                "tunnel change", "tunnel del", "tunnel show", "stats show", "stats clear",
                "log set MODULE|all LEVEL", "log show", "save [FILE]", "version",
                "link add NAME type bridge", "link del NAME", "bridge fdb add", "bridge fdb del",
                "bridge fdb show [br BR]", "bridge link show"]:
        assert f"\n  {cmd}" in usage, cmd
    for word in ["ikey K okey K", "icsum ocsum", "iseq oseq", "ttl N|inherit", "tos N|inherit",
                 "pmtudisc|nopmtudisc", "ignore-df|noignore-df", "mtu N", "dev PORT",
                 "-s SOCKET", "-j", "-t SECONDS", "[master BR | nomaster]", "ageing_time S",
                 "fdb_max_learned N"]:
        assert word in usage, word
    assert all(len(line) <= 80 for line in usage.splitlines())
    for obj in ["link", "addr", "route", "neigh", "tunnel", "bridge", "stats", "log", "save",
                "version"]:
        r = run([ctl_bin, "help", obj], check=False)
        assert (r.returncode, r.stderr) == (0, "") and r.stdout.startswith(
            f"Usage: grewayctl {obj}"), obj
        assert all(len(line) <= 80 for line in r.stdout.splitlines()), obj
        assert run([ctl_bin, obj, "help"], check=False).stdout == r.stdout
    tunnel = run([ctl_bin, "help", "tunnel"], check=False).stdout
    for word in ["  key K", "  ikey K", "  okey K", "  csum", "  icsum", "  ocsum", "  seq",
                 "  iseq", "  oseq", "  ttl N", "inherit", "  tos N", "  pmtudisc",
                 "nopmtudisc", "  ignore-df", "noignore-df", "  mtu N", "  dev PORT", "24 bytes",
                 "28 with key",
                 "32 with key and csum", "ikey none"]:
        assert word in tunnel, word
    link = run([ctl_bin, "help", "link"], check=False).stdout
    for word in ["  master BR", "  nomaster", "  ageing_time S", "  fdb_max_learned N",
                 "  del NAME"]:
        assert word in link, word
    r = run([ctl_bin, "help", "vxlan"], check=False)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr.startswith('Error: no help for "vxlan"') and r.stderr.count("\n") == 1


@pytest.mark.parametrize("words, message", [
    ([], "Error: no command given"),
    (["-x", "version"], 'Error: unknown option "-x"'),
    (["-t", "0", "version"], 'Error: invalid timeout "0"'),
    (["frob", "show"], 'Error: unknown object "frob"'),
    (["link", "flip"], 'Error: unknown command "flip" for link'),
    (["addr", "add", "198.51.100.1/33", "dev", "port0"], 'Error: invalid prefix "198.51.100.1/33"'),
    (["route", "add", "10.0.0.0/8", "via", "10.0.0.300"], 'Error: invalid gateway "10.0.0.300"'),
    (["neigh", "add", "198.51.100.2", "lladdr", "01:00:00:00:00:01", "dev", "port0"],
     'Error: invalid lladdr "01:00:00:00:00:01"'),
    (["tunnel", "add", "gre1", "mode", "gre", "local", "198.51.100.1", "remote", "203.0.113.1",
      "ttl", "256"], 'Error: invalid ttl "256"'),
    (["tunnel", "del", "gre1", "now"], 'Error: unexpected "now" after tunnel del gre1'),
    (["log", "set", "main", "loud"], 'Error: invalid log level "loud"'),
    (["stats", "show", "a", "b"], 'Error: unexpected "b" after stats show'),
    (["save", "a", "b"], 'Error: unexpected "b" after save'),
    (["version", "now"], 'Error: unexpected "now" after version'),
    (["help", "tunnel", "add"], 'Error: unexpected "add" after help tunnel'),
])
def test_bad_words_exit_1_before_connecting(ctl_bin, workdir, words, message):
    """A command lib/cmd refuses exits 1 with one line naming the word, without asking
    greway (no socket here: that would be exit 2)."""
    r = ctl(ctl_bin, workdir / "nobody.sock", *words)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr.startswith(message), r.stderr
    assert r.stderr.count("\n") == 1


@contextlib.contextmanager
def fake_server(path, behaviour):
    """A Unix socket that accepts and then answers nothing ("mute") or hangs up ("close")."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(str(path))
    srv.listen(4)
    conns = []

    def serve():
        try:
            while True:
                c, _ = srv.accept()
                if behaviour == "close":
                    c.recv(4096)
                    c.close()
                else:
                    conns.append(c)
        except OSError:
            pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield path
    finally:
        srv.shutdown(socket.SHUT_RDWR)
        srv.close()
        for c in conns:
            c.close()


def test_silent_daemon_exits_2(ctl_bin, workdir):
    """A greway that accepts but never answers cannot hang grewayctl: after -t seconds it
    exits 2 naming the socket; one that hangs up without answering is exit 2 too."""
    sock = workdir / "mute.sock"
    with fake_server(sock, "mute"):
        start = time.monotonic()
        r = ctl(ctl_bin, sock, "-t", "1", "version")
        took = time.monotonic() - start
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"grewayctl: greway at {sock} did not answer within 1 s\n"
    assert 0.9 < took < 5
    sock = workdir / "close.sock"
    with fake_server(sock, "close"):
        r = ctl(ctl_bin, sock, "version")
    assert r.returncode == 2
    assert r.stderr == f"grewayctl: greway at {sock} closed the connection without answering\n"
