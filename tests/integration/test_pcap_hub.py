# SPDX-License-Identifier: BSD-3-Clause
"""A multipoint GRE hub (tunnel add ... remote any) on net_pcap.

port0 is the WAN of gwpcap.BASE_CONFIG (198.51.100.1, spokes 203.0.113.x behind
its next hop), port1 the LAN (10.0.0.1, host 10.0.0.2). mgre0 is the hub:
local 198.51.100.1, remote any, key 100; a spoke's overlay address 172.16.10.x
is mapped to its underlay address 203.0.113.x (neigh add ... lladdr UNDERLAY dev
mgre0) or learned from traffic (learn on); the spokes' sites are 10.16.x.0/24.

What greway sent is decoded three ways: by hand (gre_out: outer Ethernet, IPv4
header checksum and length, GRE flags and key), by scapy, and by tshark.

A pcap is replayed at once, and learning is asynchronous (workers tell the
control thread, which installs the mapping): a packet cannot be made to wait
for what an earlier one taught. So the tests where order matters (learning,
then forwarding by what was learned; learn-max) run greway on net_pcap ports
that receive from veths (rx_iface_in) in a namespace and still write their tx
pcaps (LiveHub): each step sends frames on a veth, then waits for greway to
have received them, or for `neigh show` to list what was learned, before the
next step.
"""
import ctypes
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from scapy.all import GRE, IP, UDP, Ether

import gwpcap as g
from conftest import grewayctl_path, require_root, require_tool, run
from netns import Lab, stop_process, wait_for

KEY = 100
HUB = f"tunnel add mgre0 mode gre local {g.WAN_IP} remote any key {KEY}"
SPOKE_A, SPOKE_B, SPOKE_C = "203.0.113.2", "203.0.113.3", "203.0.113.4"
MAPPINGS = [  # overlay, underlay, the site behind it
    ("172.16.10.2", SPOKE_A, "10.16.2.0/24"),
    ("172.16.10.3", SPOKE_B, "10.16.3.0/24"),
    ("172.16.10.4", SPOKE_C, "10.16.4.0/24"),
]


def hub_config(*extra, hub=HUB, spokes=0):
    """BASE_CONFIG, the hub with 172.16.10.1/24, the first `spokes` static mappings
    with their sites' routes, then extra lines."""
    conf = g.BASE_CONFIG + [hub, "addr add 172.16.10.1/24 dev mgre0"]
    for overlay, underlay, site in MAPPINGS[:spokes]:
        conf += [f"neigh add {overlay} lladdr {underlay} dev mgre0",
                 f"route add {site} via {overlay} dev mgre0"]
    return conf + list(extra)


def udp(src, dst, ident, ttl=64, size=21):
    """An inner IPv4/UDP packet, identified by its IPv4 ID (and UDP source port)."""
    return bytes(IP(src=src, dst=dst, id=ident, ttl=ttl) / UDP(sport=ident, dport=9) /
                 bytes((ident + i) & 0xFF for i in range(size)))


def gre_out(frame):
    """(remote, GRE flags, key or None, inner packet) of an IPv4-over-GRE frame greway sent.

    Asserts what each one must be: to the WAN next hop's MAC from port0's, IPv4
    without options, a valid header checksum and the right total length,
    protocol 47 from WAN_IP, GRE version 0 carrying 0x0800, no checksum or
    sequence number (the hub has neither)."""
    assert frame[:14] == g.eth(g.WAN_NH_MAC, g.WAN_MAC, 0x0800, b""), "outer Ethernet header"
    ip = frame[14:]
    assert ip[0] == 0x45, "outer IPv4 version / IHL"
    assert struct.unpack("!H", ip[2:4])[0] == len(ip), "outer total length"
    assert g.csum16(ip[:20]) == 0xFFFF, "bad outer IPv4 header checksum"
    assert ip[9] == 47 and ip[12:16] == socket.inet_aton(g.WAN_IP)
    flags, proto = struct.unpack("!HH", ip[20:24])
    assert flags & 0xDFFF == 0, f"GRE flags {flags:#x} beyond K"
    assert proto == 0x0800, f"GRE protocol {proto:#x}"
    key = None
    off = 24
    if flags & 0x2000:
        key = struct.unpack("!I", ip[24:28])[0]
        off = 28
    return socket.inet_ntoa(ip[16:20]), flags, key, ip[off:]


def by_remote(frames):
    """{remote: [inner packet, ...]} of GRE frames, each checked by gre_out, key 100."""
    out = {}
    for f in frames:
        remote, flags, key, inner = gre_out(f)
        assert (flags, key) == (0x2000, KEY)
        out.setdefault(remote, []).append(inner)
    return out


def ctl(sock, *words):
    return run([str(grewayctl_path()), "-s", str(sock), *words], check=False)


def ctl_ok(sock, *words):
    r = ctl(sock, *words)
    assert r.returncode == 0, (words, r.stderr)
    return r.stdout


def ctl_json(sock, *words):
    return json.loads(ctl_ok(sock, "-j", *words))


def hub_neigh(sock, dev="mgre0"):
    """neigh show dev mgre0 -j, as {dst: (lladdr, state)}; each row's dev checked."""
    rows = ctl_json(sock, "neigh", "show", "dev", dev)
    assert all(r["dev"] == dev for r in rows), rows
    return {r["dst"]: (r.get("lladdr"), r["state"]) for r in rows}


def hub_show(sock, name="mgre0"):
    """tunnel show NAME -j: its one object."""
    rows = ctl_json(sock, "tunnel", "show", name)
    assert len(rows) == 1
    return rows[0]


def check_ok(res):
    assert res.rc == 0, res.stderr + res.stdout[-3000:]


def tunnel_ctr(res, name, rx=(), tx=()):
    """name's exit counters are rx and tx packets (inner bytes counted)."""
    assert res.tunnels[name] == dict(
        rx_packets=len(rx), rx_bytes=sum(map(len, rx)),
        tx_packets=len(tx), tx_bytes=sum(map(len, tx))), (name, res.tunnels[name])


def tshark_gre(path):
    """The GRE frames of a pcap as tshark decodes them: one dict per frame with
    outer/inner addresses, TTLs, IDs and checksum states, the key, the protocol."""
    require_tool("tshark")
    rows = g.tshark_fields(path, ["ip.src", "ip.dst", "ip.ttl", "ip.id", "ip.checksum.status",
                                  "ip.flags.df", "gre.key", "gre.proto", "udp.srcport",
                                  "eth.dst"])
    out = []
    for r in rows:
        split = {k: v.split(",") for k, v in r.items()}
        assert len(split["ip.src"]) == 2, r  # outer and inner IPv4
        out.append(split)
    return out


# --- greway on net_pcap ports fed by veths, step by step ---

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def packet_socket(ns, ifname):
    """An AF_PACKET socket bound to ifname in namespace ns (made there, used from here)."""
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
    try:
        if _libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}")
        try:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((ifname, 0))
        finally:
            if _libc.setns(here, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(here)
        os.close(there)
    return s


def telemetry(sock_path, cmd):
    """One DPDK telemetry (v2) request to a running EAL application: its reply's value."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.settimeout(10)
        s.connect(str(sock_path))
        json.loads(s.recv(65536))  # the greeting
        s.send(cmd.encode())
        return json.loads(s.recv(1 << 20))[cmd.split(",")[0]]
    finally:
        s.close()


class LiveHub:
    """greway in a namespace on two net_pcap ports: port0 receives what is sent into
    veth wan (rx_iface_in), port1 what is sent into lan; each writes its tx pcap.
    Frames go in step by step (send waits until greway counted them received)."""

    def __init__(self, lab, greway_bin, conf):
        self.lab = lab
        self.ns = lab.netns("hub")
        d = self.dir = lab.dir
        for a, b in (("wan", "wanp"), ("lan", "lanp")):
            lab.veth(self.ns, a, self.ns, b)
            self.ns.ip("link", "set", a, "up")
            self.ns.ip("link", "set", b, "up")
        (d / "gw.conf").write_text("\n".join(conf) + "\n")
        self.wan_out_path, self.lan_out_path = d / "wan_out.pcap", d / "lan_out.pcap"
        self.prefix = f"{lab.prefix}-hub"
        self.sock = Path(f"/tmp/{self.prefix}.sock")
        self.log = d / "greway.log"
        cmd = [str(greway_bin), "--no-pci", "--no-huge", "-m", "512", "--file-prefix",
               self.prefix, "-l", "0",
               "--vdev", f"net_pcap0,rx_iface_in=wan,tx_pcap={self.wan_out_path}",
               "--vdev", f"net_pcap1,rx_iface_in=lan,tx_pcap={self.lan_out_path}",
               "--", "-c", str(d / "gw.conf"), "-s", str(self.sock)]
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(self.ns.cmd(cmd), stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        lab.callback(self._cleanup)
        wait_for(self._running, 30, "greway to start")
        self.tx = {0: packet_socket(self.ns, "wanp"), 1: packet_socket(self.ns, "lanp")}
        self.sent = [0, 0]

    def _running(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"greway exited {self.proc.returncode}:\n{self.output()}")
        return "greway: running" in self.output()

    def _cleanup(self):
        stop_process(self.proc)
        for s in getattr(self, "tx", {}).values():
            s.close()
        shutil.rmtree(f"/var/run/dpdk/{self.prefix}", ignore_errors=True)  # EAL's files
        if self.sock.exists():
            self.sock.unlink()

    def output(self):
        return self.log.read_text(errors="replace")

    def ctl(self, *words):
        return ctl(self.sock, *words)

    def ctl_json(self, *words):
        return ctl_json(self.sock, *words)

    def rx(self):
        return [p["rx_packets"] for p in self.ctl_json("stats", "show")["ports"]]

    def send(self, port, frames):
        """Send frames into port (0 WAN, 1 LAN); return once greway received them all."""
        for f in frames:
            self.tx[port].send(bytes(f))
        self.sent[port] += len(frames)
        wait_for(lambda: self.rx()[port] >= self.sent[port], 10,
                 f"greway to receive {self.sent[port]} frames on port{port}", interval=0.01)
        assert self.rx()[port] == self.sent[port], "greway received frames nobody sent"

    def wait(self, pred, what, timeout=10):
        return wait_for(pred, timeout, what, interval=0.01)

    def stop(self):
        """SIGTERM by pid; the Result of gwpcap (exit counters, tx frames)."""
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        out = self.output()
        res = g.Result(rc, out, "", self.dir / "gw.conf", self.wan_out_path, self.lan_out_path)
        tail = out.rsplit("greway: running", 1)[-1]
        res.ports, res.tunnels, res.drops = g.parse_counters(tail)
        res.wan_out = g.read_pcap(self.wan_out_path)
        res.lan_out = g.read_pcap(self.lan_out_path)
        return res


@pytest.fixture
def live(greway_bin, run_id, workdir):
    """LiveHub(conf): greway started on a config; everything undone at teardown."""
    require_root()
    with Lab(run_id, workdir) as lab:
        yield lambda conf: LiveHub(lab, greway_bin, conf)


# --- 1. demultiplexing by key: exact key semantics, point-to-point before wildcard ---

DEMUX_TUNNELS = [
    # name, remote, key words
    ("mgre0", "any", f"key {KEY}"),
    ("mgre1", "any", "key 200"),
    ("mgre2", "any", ""),
    ("mgre3", "any", "key 0"),
    ("p2p0", SPOKE_A, f"key {KEY}"),
]
NAT = "203.0.113.5"  # one outer source (a NAT) with spokes behind it in several tunnels


@pytest.fixture(scope="module")
def demux(greway_bin, tmp_path_factory):
    """One run: keys 100, 200, none, 0 and 300 from NAT and from SPOKE_A (which p2p0 has,
    key 100). Each inner packet to the LAN host has its own IPv4 ID."""
    work = tmp_path_factory.mktemp("hubdemux")
    work.chmod(0o755)
    conf = list(g.BASE_CONFIG) + [
        f"tunnel add {n} mode gre local {g.WAN_IP} remote {r} {k}".rstrip()
        for n, r, k in DEMUX_TUNNELS]
    ident = iter(range(1, 100))
    plan = [  # (outer source, key or None, the tunnel that must take it, or None: dropped)
        (NAT, KEY, "mgre0"), (NAT, 200, "mgre1"), (NAT, None, "mgre2"), (NAT, 0, "mgre3"),
        (NAT, KEY, "mgre0"), (NAT, 300, None),
        (SPOKE_A, KEY, "p2p0"), (SPOKE_A, 200, "mgre1"), (SPOKE_A, None, "mgre2"),
        (SPOKE_A, 0, "mgre3"), (SPOKE_A, 300, None), (SPOKE_A, KEY, "p2p0"),
    ]
    frames, sent = [], []
    for src, key, tun in plan:
        n = next(ident)
        pkt = udp(f"10.16.{n}.7", g.LAN_HOST, n, size=n)
        frames.append(g.wan_gre(src, pkt, **({} if key is None else {"key": key})))
        sent.append((pkt, tun))
    seen = {}

    def during(sock):
        seen["show"] = {n: hub_show(sock, n) for n, _, _ in DEMUX_TUNNELS}
        # p2p0 holds (SPOKE_A, key 100): mgre0 cannot have a spoke there, mgre1 can
        seen["refused"] = ctl(sock, "neigh", "add", "172.16.10.2", "lladdr", SPOKE_A,
                              "dev", "mgre0")
        seen["mgre1"] = ctl(sock, "neigh", "add", "172.16.20.2", "lladdr", SPOKE_A,
                            "dev", "mgre1")
        seen["neigh"] = {n: hub_neigh(sock, n) for n in ("mgre0", "mgre1")}

    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], conf, wan_in=frames,
                     during=during)
    check_ok(res)
    return res, sent, seen


def test_hub_demux_delivers_each_packet_once(demux):
    """Every packet some tunnel takes leaves port1 once, in order, TTL - 1, bytes otherwise
    as sent; nothing goes back out of port0."""
    res, sent, _ = demux
    delivered = [p for p, tun in sent if tun is not None]
    assert res.wan_out == []
    assert len(res.lan_out) == len(delivered)
    for f, pkt in zip(res.lan_out, delivered):
        assert f[:14] == g.eth(g.LAN_HOST_MAC, g.LAN_MAC, 0x0800, b"")
        g.assert_forwarded(f[14:14 + len(pkt)], pkt)


def test_hub_demux_counts_each_packet_on_its_tunnel(demux):
    """Per-tunnel rx counters: keys 100 and 200 from one outer source go to mgre0 and
    mgre1; keyless to mgre2, key 0 to mgre3 (key 0 is a key); from SPOKE_A, key 100 goes to
    the point-to-point p2p0, which wins over mgre0's wildcard, and its other keys to the
    hubs that take them. Key 300 (nobody's) is dropped as key_mismatch, from SPOKE_A, whose
    address p2p0 knows, and from NAT: the hubs receive on that local address with other
    keys."""
    res, sent, _ = demux
    for name, _, _ in DEMUX_TUNNELS:
        tunnel_ctr(res, name, rx=[p for p, tun in sent if tun == name])
    res.assert_drops({"key_mismatch": 2})


def test_hub_demux_tshark_agrees(demux):
    """tshark reads plain IPv4 on the LAN, in the order sent: the IDs, TTL - 1, good
    header checksums."""
    require_tool("tshark")
    res, sent, _ = demux
    rows = g.tshark_fields(res.lan_out_path, ["ip.id", "ip.ttl", "ip.checksum.status",
                                              "gre.key"])
    delivered = [IP(p) for p, tun in sent if tun is not None]
    assert [(int(r["ip.id"], 16), int(r["ip.ttl"]), r["ip.checksum.status"], r["gre.key"])
            for r in rows] == [(p.id, p.ttl - 1, "1", "") for p in delivered]


def test_hub_demux_show_and_spoke_refused(demux):
    """tunnel show: the hubs have remote any, no spoke, nothing learned; p2p0 is no hub. A
    spoke mapping of mgre0 to SPOKE_A is refused (p2p0 receives from it with key 100: the
    mapping's spoke could never receive), naming p2p0; one of mgre1 (key 200) is made."""
    _, _, seen = demux
    for name, remote, _ in DEMUX_TUNNELS:
        t = seen["show"][name]
        assert t["remote"] == remote, t
        if remote == "any":
            assert (t["spokes"], t["learned"], t["learning"]) == (0, 0, dict(
                learned=0, moved=0, aged=0, refused=0)), t
        else:
            assert "spokes" not in t and "learning" not in t, t
    assert seen["show"]["mgre0"]["ikey"] == seen["show"]["mgre0"]["okey"] == KEY
    assert seen["show"]["mgre3"]["ikey"] == 0 and "ikey" not in seen["show"]["mgre2"]
    refused = seen["refused"]
    assert refused.returncode == 1 and "p2p0" in refused.stderr, refused
    assert len(refused.stderr.strip().splitlines()) == 1
    assert seen["mgre1"].returncode == 0, seen["mgre1"].stderr
    assert seen["neigh"] == {"mgre0": {}, "mgre1": {"172.16.20.2": (SPOKE_A, "PERMANENT")}}


# --- 4. spoke to spoke through the hub (hairpin), never back to the sender ---

@pytest.fixture(scope="module")
def hairpin(greway_bin, tmp_path_factory):
    """Spokes A and B mapped (172.16.10.2 at SPOKE_A with 10.16.2.0/24 behind it,
    172.16.10.3 at SPOKE_B with 10.16.3.0/24). In order: B to A's site; A to its own site;
    A to its own overlay address; B to an overlay address no mapping places; A to B's site;
    the LAN host to A's site; B to the LAN host."""
    work = tmp_path_factory.mktemp("hubhairpin")
    work.chmod(0o755)
    pkts = {
        "b_to_a": udp("10.16.3.7", "10.16.2.9", 1, ttl=20),
        "a_to_a": udp("10.16.2.5", "10.16.2.6", 2),
        "a_to_a_overlay": udp("10.16.2.5", "172.16.10.2", 3),
        "b_unmapped": udp("10.16.3.7", "172.16.10.9", 4),
        "a_to_b": udp("10.16.2.5", "10.16.3.8", 5, ttl=2, size=301),
        "lan_to_a": udp(g.LAN_HOST, "10.16.2.9", 6, ttl=33),
        "b_to_lan": udp("10.16.3.7", g.LAN_HOST, 7),
    }
    src = {"b": SPOKE_B, "a": SPOKE_A}
    wan = [g.wan_gre(src[k[0]], p, key=KEY) for k, p in pkts.items() if k != "lan_to_a"]
    seen = {}

    def during(sock):
        seen["neigh"] = hub_neigh(sock)
        seen["show"] = hub_show(sock)

    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], hub_config(spokes=2),
                     wan_in=wan, lan_in=[g.lan_frame(pkts["lan_to_a"])], during=during)
    check_ok(res)
    return res, pkts, seen


def test_hub_hairpin_to_the_other_spoke(hairpin):
    """B to A's site leaves port0 to SPOKE_A, A to B's site to SPOKE_B, the LAN's packet to
    A's site to SPOKE_A: outer IPv4 from the hub (TTL 64, DF, valid checksum), GRE key 100,
    the inner packet TTL - 1 (once: decap and encap are one hop), bytes otherwise as sent.
    B's packet to the LAN host leaves port1. Nothing goes back to the spoke it came from."""
    res, pkts, _ = hairpin
    out = by_remote(res.wan_out)
    assert sorted(out) == [SPOKE_A, SPOKE_B]
    # one worker, one pass over the WAN burst, then the LAN's
    assert len(out[SPOKE_A]) == 2 and len(out[SPOKE_B]) == 1
    for inner, sent in zip(out[SPOKE_A] + out[SPOKE_B],
                           [pkts["b_to_a"], pkts["lan_to_a"], pkts["a_to_b"]]):
        g.assert_forwarded(inner, sent)
    for f in res.wan_out:
        ip = IP(f[14:])
        assert (ip.ttl, ip.tos, ip.flags.DF) == (64, 0, True)
    assert len(res.lan_out) == 1
    g.assert_forwarded(res.lan_out[0][14:], pkts["b_to_lan"])


def test_hub_hairpin_scapy_and_tshark_agree(hairpin):
    """scapy and tshark decode each GRE packet the same: outer 198.51.100.1 -> the spoke,
    key 100, protocol 0x0800, inner addresses and ID, inner TTL one less than sent, both IPv4
    checksums good (tshark verifies them)."""
    res, pkts, _ = hairpin
    want = {1: (SPOKE_A, pkts["b_to_a"]), 6: (SPOKE_A, pkts["lan_to_a"]),
            5: (SPOKE_B, pkts["a_to_b"])}
    got = []
    for f in res.wan_out:
        p = Ether(f)
        inner = p[GRE].payload
        remote, sent = want[inner.id]
        s = IP(sent)
        assert (p[IP].src, p[IP].dst, p[GRE].key, p[GRE].proto) == (g.WAN_IP, remote, KEY,
                                                                      0x0800)
        assert (inner.src, inner.dst, inner.ttl) == (s.src, s.dst, s.ttl - 1)
        assert bytes(inner[UDP].payload) == bytes(s[UDP].payload)
        got.append(inner.id)
    assert sorted(got) == [1, 5, 6]
    rows = tshark_gre(res.wan_out_path)
    assert len(rows) == 3
    for r in rows:
        remote, sent = want[int(r["ip.id"][1], 16)]
        s = IP(sent)
        assert r["ip.src"] == [g.WAN_IP, s.src] and r["ip.dst"] == [remote, s.dst]
        assert r["ip.ttl"] == ["64", str(s.ttl - 1)]
        assert r["ip.checksum.status"] == ["1", "1"], r
        assert r["ip.flags.df"][0] == "1"
        assert int(r["gre.key"][0], 16) == KEY and int(r["gre.proto"][0], 16) == 0x0800
        assert r["eth.dst"] == [g.WAN_NH_MAC]


def test_hub_hairpin_drops_and_counters(hairpin):
    """A to its own site and to its own overlay address: peer_hairpin (never sent back to
    the spoke it came from); B to 172.16.10.9, on mgre0's prefix but placed by no
    mapping: spoke_unmapped. mgre0 counts the six packets it received and the three it
    sent; the spokes and their mappings are shown."""
    res, pkts, seen = hairpin
    res.assert_drops({"peer_hairpin": 2, "spoke_unmapped": 1})
    wan_keys = [k for k in pkts if k != "lan_to_a"]
    tunnel_ctr(res, "mgre0", rx=[pkts[k] for k in wan_keys],
               tx=[pkts["b_to_a"], pkts["a_to_b"], pkts["lan_to_a"]])
    assert seen["neigh"] == {"172.16.10.2": (SPOKE_A, "PERMANENT"),
                             "172.16.10.3": (SPOKE_B, "PERMANENT")}
    assert (seen["show"]["spokes"], seen["show"]["learned"]) == (2, 0)


# --- 5. head-end replication of multicast to the spokes ---

MCAST = "route add 224.0.0.0/4 dev mgre0"


@pytest.fixture(scope="module")
def replication(greway_bin, tmp_path_factory):
    """Spokes A, B and C mapped, 224.0.0.0/4 routed into mgre0. A multicast packet from each
    spoke (so that the sender is first, middle and last of the spoke set), one from an
    outer source no spoke has (the wildcard peer), one from the LAN host (to port1's MAC:
    a routed port takes no other)."""
    work = tmp_path_factory.mktemp("hubrepl")
    work.chmod(0o755)
    wan = {SPOKE_A: udp("10.16.2.5", "224.1.2.3", 1, ttl=8, size=100),
           SPOKE_B: udp("10.16.3.5", "224.1.2.3", 2, ttl=8, size=31),
           SPOKE_C: udp("10.16.4.5", "239.9.9.9", 3, ttl=2, size=0),
           "203.0.113.9": udp("10.16.9.5", "224.1.2.3", 4, ttl=64, size=1400)}
    lan = udp(g.LAN_HOST, "224.0.1.1", 5, ttl=5, size=77)
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], hub_config(MCAST, spokes=3),
                     wan_in=[g.wan_gre(s, p, key=KEY) for s, p in wan.items()],
                     lan_in=[g.lan_frame(lan)])
    check_ok(res)
    return res, wan, lan


def copies(res):
    """{(remote, inner IPv4 ID): [inner packet, ...]} of what port0 sent."""
    out = {}
    for remote, inners in by_remote(res.wan_out).items():
        for inner in inners:
            out.setdefault((remote, IP(inner).id), []).append(inner)
    return out


def test_hub_replicates_to_every_other_spoke(replication):
    """A spoke's multicast packet goes to each other spoke exactly once and never back to
    its sender; the wildcard's and the LAN's to all three spokes. Each copy: GRE key 100,
    the inner packet byte for byte as sent but TTL - 1 (and its checksum)."""
    res, wan, lan = replication
    spokes = [SPOKE_A, SPOKE_B, SPOKE_C]
    want = {}
    for src, p in list(wan.items()) + [("lan", lan)]:
        for s in spokes:
            if s != src:
                want[(s, IP(p).id)] = [g.forwarded(p)]
    got = copies(res)
    assert sorted(got) == sorted(want)
    assert got == want
    assert res.lan_out == []


def test_hub_replication_tshark_agrees(replication):
    """tshark: 2 + 2 + 2 + 3 + 3 GRE packets, outer checksums good, key 100; for each
    inner ID the set of spokes it reached."""
    res, wan, lan = replication
    by_id = {IP(p).id: IP(p) for p in [*wan.values(), lan]}
    reached = {}
    for r in tshark_gre(res.wan_out_path):
        assert r["ip.checksum.status"] == ["1", "1"], r
        assert int(r["gre.key"][0], 16) == KEY
        sent = by_id[int(r["ip.id"][1], 16)]
        assert r["ip.dst"][1] == sent.dst and r["ip.ttl"][1] == str(sent.ttl - 1)
        reached.setdefault(sent.id, set()).add(r["ip.dst"][0])
    all3 = {SPOKE_A, SPOKE_B, SPOKE_C}
    assert reached == {1: all3 - {SPOKE_A}, 2: all3 - {SPOKE_B}, 3: all3 - {SPOKE_C},
                       4: all3, 5: all3}


def test_hub_replication_counters(replication):
    """mgre0 received the four WAN packets and sent one per copy (bytes of the inner
    packet); port0 sent as many frames; no drop."""
    res, wan, lan = replication
    underlays = {u for _, u, _ in MAPPINGS}
    sent = [g.forwarded(p) for s, p in wan.items() for _ in range(2 if s in underlays else 3)]
    sent += [g.forwarded(lan)] * 3
    tunnel_ctr(res, "mgre0", rx=list(wan.values()), tx=sent)
    assert res.ports["port0"]["tx_packets"] == len(res.wan_out) == 12
    res.assert_drops({})



# --- 2. learning: a spoke's inner source mapped to its outer source, and moved ---

LEARN = HUB + " learn on"
NAT_OLD, NAT_NEW = SPOKE_B, "203.0.113.30"  # a spoke behind NAT, before and after rebinding
S = "10.16.3.5"                              # a host behind it


def learned_row(h, dst):
    """dst's row of neigh show dev mgre0 -j, or None."""
    rows = [r for r in h.ctl_json("neigh", "show", "dev", "mgre0") if r["dst"] == dst]
    return rows[0] if rows else None


def test_hub_learns_and_follows_a_nat_rebinding(live):
    """learn on, no mapping. In order:
    0. the LAN host to S: no route yet (no_route);
    1. S's packet from NAT_OLD, unknown: delivered to the LAN; S is learned, LEARNED
       lladdr NAT_OLD (text and JSON, age 0 or 1), tunnel show spokes 1 learned 1;
    2. the LAN host to S: encapsulated to NAT_OLD, key 100;
    3. S's packet from NAT_NEW (its NAT rebound): delivered; the mapping moves to NAT_NEW
       (learning.moved 1, still spokes 1 learned 1: the old spoke is gone);
    4. the LAN host to S: to NAT_NEW.
    tshark agrees on the two GRE packets; the only drop is step 0's."""
    h = live(hub_config(hub=LEARN))
    to_s = [udp(g.LAN_HOST, S, 10 + n, ttl=40, size=n) for n in range(3)]
    from_s = [udp(S, g.LAN_HOST, 20 + n, ttl=50) for n in range(2)]

    h.send(1, [g.lan_frame(to_s[0])])
    assert learned_row(h, S) is None
    h.send(0, [g.wan_gre(NAT_OLD, from_s[0], key=KEY)])
    row = h.wait(lambda: learned_row(h, S), "S to be learned")
    assert row.pop("age") in (0, 1), row  # seconds unseen, on a clock that may just tick
    assert row == dict(dst=S, dev="mgre0", lladdr=NAT_OLD, state="LEARNED")
    text = h.ctl("neigh", "show", "dev", "mgre0").stdout
    assert text.splitlines() == [f"{S} dev mgre0 lladdr {NAT_OLD} LEARNED"]
    t = hub_show(h.sock)
    assert (t["spokes"], t["learned"], t["learning"]) == (1, 1, dict(
        learned=1, moved=0, aged=0, refused=0))
    assert "spokes 1 learned 1" in h.ctl("tunnel", "show", "mgre0").stdout

    h.send(1, [g.lan_frame(to_s[1])])
    h.send(0, [g.wan_gre(NAT_NEW, from_s[1], key=KEY)])
    h.wait(lambda: learned_row(h, S)["lladdr"] == NAT_NEW, "S to move to NAT_NEW")
    assert learned_row(h, S)["state"] == "LEARNED"
    t = hub_show(h.sock)
    assert (t["spokes"], t["learned"], t["learning"]) == (1, 1, dict(
        learned=1, moved=1, aged=0, refused=0))
    h.send(1, [g.lan_frame(to_s[2])])
    res = h.stop()

    check_ok(res)
    assert [gre_out(f)[:3] for f in res.wan_out] == [(NAT_OLD, 0x2000, KEY),
                                                     (NAT_NEW, 0x2000, KEY)]
    for f, sent in zip(res.wan_out, to_s[1:]):
        g.assert_forwarded(gre_out(f)[3], sent)
    assert [f[:14] for f in res.lan_out] == [g.eth(g.LAN_HOST_MAC, g.LAN_MAC, 0x0800, b"")] * 2
    for f, sent in zip(res.lan_out, from_s):
        g.assert_forwarded(f[14:], sent)
    rows = tshark_gre(res.wan_out_path)
    assert [(r["ip.dst"], r["ip.ttl"], r["ip.checksum.status"], int(r["gre.key"][0], 16))
            for r in rows] == [([NAT_OLD, S], ["64", "39"], ["1", "1"], KEY),
                               ([NAT_NEW, S], ["64", "39"], ["1", "1"], KEY)]
    res.assert_drops({"no_route": 1})
    assert res.tunnels["mgre0"]["rx_packets"] == 2


def test_hub_counters_survive_a_spoke_going(live):
    """mgre0's tx counter must not go down when a learned mapping moves: the LAN's packet
    sent to NAT_OLD stays counted after the spoke NAT_OLD is gone."""
    h = live(hub_config(hub=LEARN))
    h.send(0, [g.wan_gre(NAT_OLD, udp(S, g.LAN_HOST, 1), key=KEY)])
    h.wait(lambda: learned_row(h, S), "S to be learned")
    h.send(1, [g.lan_frame(udp(g.LAN_HOST, S, 2))])

    def mgre0():
        return h.ctl_json("stats", "show", "mgre0")["tunnels"][0]

    h.wait(lambda: mgre0()["tx_packets"] == 1, "mgre0 to count the packet sent")
    h.send(0, [g.wan_gre(NAT_NEW, udp(S, g.LAN_HOST, 3), key=KEY)])
    h.wait(lambda: learned_row(h, S)["lladdr"] == NAT_NEW, "S to move")
    after = mgre0()
    res = h.stop()
    check_ok(res)
    assert len(res.wan_out) == 1
    assert (after["rx_packets"], after["tx_packets"]) == (2, 1), after
    assert (res.tunnels["mgre0"]["rx_packets"], res.tunnels["mgre0"]["tx_packets"]) == (2, 1)


# --- 3. learn-max ---

def test_hub_learn_max_refuses_a_third_source_in_one_burst(greway_bin, workdir, run_id):
    """learn-max 2, one burst (a pcap replays at once) from three new inner sources behind
    three outer sources: the workers tell the control thread of all three before it learns
    any; it learns the first two and refuses the third (learning.refused 1, learned 2).
    All three packets were past the check already: each reaches the LAN host."""
    srcs = [("10.16.3.1", NAT_OLD), ("10.16.3.2", NAT_NEW), ("10.16.3.3", "203.0.113.31")]
    pkts = [udp(s, g.LAN_HOST, n + 1) for n, (s, _) in enumerate(srcs)]
    seen = {}

    def during(sock):
        wait_for(lambda: hub_show(sock)["learning"]["refused"] == 1, 10, "the refusal")
        seen["show"], seen["neigh"] = hub_show(sock), hub_neigh(sock)

    res = g.run_pcap(greway_bin, workdir, run_id, hub_config(hub=LEARN + " learn-max 2"),
                     wan_in=[g.wan_gre(o, p, key=KEY) for (_, o), p in zip(srcs, pkts)],
                     during=during)
    check_ok(res)
    assert seen["neigh"] == {s: (o, "LEARNED") for s, o in srcs[:2]}
    t = seen["show"]
    assert (t["learn-max"], t["spokes"], t["learned"], t["learning"]) == (2, 2, 2, dict(
        learned=2, moved=0, aged=0, refused=1))
    assert [f[14:] for f in res.lan_out] == [g.forwarded(p) for p in pkts]
    res.assert_drops({})


def test_hub_learn_max_full(live):
    """learn-max 2, in order: 10.16.3.1 behind NAT_OLD and 10.16.3.2 behind NAT_NEW are
    learned; three packets of 10.16.3.3 (new) are then dropped as learn_full and it is not
    learned; the two learned hosts still reach the LAN, and the LAN reaches them, each
    through its own spoke."""
    h = live(hub_config(hub=LEARN + " learn-max 2"))
    s1, s2, s3 = "10.16.3.1", "10.16.3.2", "10.16.3.3"
    h.send(0, [g.wan_gre(NAT_OLD, udp(s1, g.LAN_HOST, 1), key=KEY),
               g.wan_gre(NAT_NEW, udp(s2, g.LAN_HOST, 2), key=KEY)])
    h.wait(lambda: len(hub_neigh(h.sock)) == 2, "two mappings learned")
    full = [g.wan_gre("203.0.113.31", udp(s3, g.LAN_HOST, 3 + n), key=KEY) for n in range(3)]
    h.send(0, full)
    h.wait(lambda: h.ctl_json("stats", "show")["drops"]["learn_full"] == 3, "3 learn_full")
    after = [udp(s1, g.LAN_HOST, 6), udp(s2, g.LAN_HOST, 7)]
    h.send(0, [g.wan_gre(NAT_OLD, after[0], key=KEY), g.wan_gre(NAT_NEW, after[1], key=KEY)])
    to = [udp(g.LAN_HOST, s1, 8), udp(g.LAN_HOST, s2, 9), udp(g.LAN_HOST, s3, 10)]
    h.send(1, [g.lan_frame(p) for p in to])
    neigh, t = hub_neigh(h.sock), hub_show(h.sock)
    res = h.stop()

    check_ok(res)
    assert neigh == {s1: (NAT_OLD, "LEARNED"), s2: (NAT_NEW, "LEARNED")}
    assert (t["learned"], t["spokes"], t["learning"]["learned"]) == (2, 2, 2)
    assert [IP(f[14:]).id for f in res.lan_out] == [1, 2, 6, 7]
    out = by_remote(res.wan_out)
    assert sorted(out) == sorted([NAT_OLD, NAT_NEW])
    g.assert_forwarded(out[NAT_OLD][0], to[0])
    g.assert_forwarded(out[NAT_NEW][0], to[1])
    # 10.16.3.3 has no route: never learned
    res.assert_drops({"learn_full": 3, "no_route": 1})
    assert res.tunnels["mgre0"]["rx_packets"] == 4


def test_hub_learn_max_raised_lets_learning_resume(live):
    """learn-max 1, full with 10.16.3.1: 10.16.3.2's packet is dropped (learn_full);
    `tunnel change mgre0 learn-max 2` makes room, so its next packet is delivered and it is
    learned."""
    h = live(hub_config(hub=LEARN + " learn-max 1"))
    h.send(0, [g.wan_gre(NAT_OLD, udp("10.16.3.1", g.LAN_HOST, 1), key=KEY)])
    h.wait(lambda: len(hub_neigh(h.sock)) == 1, "10.16.3.1 learned")
    h.send(0, [g.wan_gre(NAT_NEW, udp("10.16.3.2", g.LAN_HOST, 2), key=KEY)])
    h.wait(lambda: h.ctl_json("stats", "show")["drops"]["learn_full"] == 1, "learn_full")
    assert h.ctl("tunnel", "change", "mgre0", "learn-max", "2").returncode == 0
    assert hub_show(h.sock)["learn-max"] == 2
    h.send(0, [g.wan_gre(NAT_NEW, udp("10.16.3.2", g.LAN_HOST, 3), key=KEY)])
    h.wait(lambda: "10.16.3.2" in hub_neigh(h.sock), "10.16.3.2 learned after the change",
           timeout=3)
    res = h.stop()
    check_ok(res)
    assert [IP(f[14:]).id for f in res.lan_out] == [1, 3]
    res.assert_drops({"learn_full": 1})


# --- 5b. replication: what the LAN sends, what does not fit ---

def test_hub_replicates_lan_multicast_sent_to_its_group_mac(greway_bin, workdir, run_id):
    """A LAN host sends multicast to the group's MAC (01:00:5e + the low 23 bits of the
    group, RFC 1112 §6.4), not to the gateway's: with 224.0.0.0/4 routed into mgre0, its
    packet must reach each of the three spokes."""
    pkt = udp(g.LAN_HOST, "224.1.2.3", 1, ttl=5)
    res = g.run_pcap(greway_bin, workdir, run_id, hub_config(MCAST, spokes=3),
                     lan_in=[g.eth("01:00:5e:01:02:03", g.LAN_HOST_MAC, 0x0800, pkt)])
    check_ok(res)
    assert sorted(copies(res)) == [(s, 1) for s in (SPOKE_A, SPOKE_B, SPOKE_C)]


def test_hub_replication_too_big_for_the_spokes_leaks_nothing(live):
    """A multicast packet larger than mgre0's MTU (1472) is copied to no spoke (too_big,
    once per spoke); the packet itself must be freed: after more such packets than the
    gateway has mbufs, it still receives and forwards (a leak would leave it deaf)."""
    h = live(hub_config(MCAST, spokes=1))
    size = telemetry(f"/var/run/dpdk/{h.prefix}/dpdk_telemetry.v2",
                     "/mempool/info,gw_mbufs")["size"]
    big = g.lan_frame(udp(g.LAN_HOST, "224.1.2.3", 1, size=1460))  # inner 1488 bytes
    n = size + size // 8
    for i in range(0, n, 500):
        try:
            h.send(1, [big] * min(500, n - i))
        except AssertionError as e:
            raise AssertionError(f"greway stopped receiving after {h.rx()[1]} of {n} "
                                 f"multicast packets too big for the spokes ({size} mbufs): "
                                 "they leak") from e
    ok = udp(g.LAN_HOST, "10.16.2.9", 2)
    h.send(1, [g.lan_frame(ok)])
    res = h.stop()
    check_ok(res)
    assert len(res.wan_out) == 1
    g.assert_forwarded(gre_out(res.wan_out[0])[3], ok)
    res.assert_drops({"too_big": n})


# --- 6. save: static mappings, not learned ones ---

def test_hub_save_keeps_static_mappings_only(greway_bin, workdir, run_id):
    """With two static mappings and one learned: `save` writes the hub (learn options as
    given), its address, and a `neigh add OVERLAY lladdr UNDERLAY dev mgre0` line for each
    static mapping, none for the learned one. greway started on the saved file has the same
    static mappings and routes, and nothing learned."""
    hub = LEARN + " learn-max 7 learn-ageing 60"
    seen = {}

    def during(sock):
        wait_for(lambda: "10.16.9.5" in hub_neigh(sock), 10, "10.16.9.5 learned")
        seen["neigh"] = hub_neigh(sock)
        seen["routes"] = ctl_ok(sock, "route", "show")
        seen["save"] = ctl_ok(sock, "save")

    res = g.run_pcap(greway_bin, workdir, run_id, hub_config(hub=hub, spokes=2),
                     wan_in=[g.wan_gre("203.0.113.9", udp("10.16.9.5", g.LAN_HOST, 1),
                                       key=KEY)], during=during)
    check_ok(res)
    assert seen["neigh"] == {"172.16.10.2": (SPOKE_A, "PERMANENT"),
                             "172.16.10.3": (SPOKE_B, "PERMANENT"),
                             "10.16.9.5": ("203.0.113.9", "LEARNED")}
    lines = seen["save"].splitlines()
    tun = [ln for ln in lines if ln.startswith("tunnel add mgre0 ")]
    assert len(tun) == 1, lines
    words = tun[0].split()
    for w in (["remote", "any"], ["ikey", str(KEY)], ["okey", str(KEY)], ["learn", "on"],
              ["learn-max", "7"], ["learn-ageing", "60"]):
        i = words.index(w[0])
        assert words[i:i + 2] == w, tun[0]
    neigh = [ln for ln in lines if ln.startswith("neigh add") and "mgre0" in ln]
    assert neigh == ["neigh add 172.16.10.2 lladdr 203.0.113.2 dev mgre0",
                     "neigh add 172.16.10.3 lladdr 203.0.113.3 dev mgre0"]
    assert not [ln for ln in lines if "10.16.9.5" in ln or "203.0.113.9" in ln]
    # the mappings come after the tunnel and its address, before the routes via them
    order = [lines.index(x) for x in (tun[0], "addr add 172.16.10.1/24 dev mgre0", neigh[0],
                                      "route add 10.16.2.0/24 via 172.16.10.2 dev mgre0")]
    assert order == sorted(order)

    again = {}

    def during2(sock):
        again["neigh"] = hub_neigh(sock)
        again["routes"] = ctl_ok(sock, "route", "show")
        again["show"] = hub_show(sock)

    res2 = g.run_pcap(greway_bin, workdir, run_id, seen["save"], during=during2, name="saved")
    check_ok(res2)
    assert again["neigh"] == {k: v for k, v in seen["neigh"].items() if v[1] == "PERMANENT"}
    assert again["routes"] == seen["routes"]
    t = again["show"]
    assert (t["learn"], t["learn-max"], t["learn-ageing"], t["spokes"], t["learned"]) == (
        True, 7, 60, 2, 0)


# --- 7. a GRETAP hub in a bridge: spokes as VXLAN's default destinations ---

GT_KEY = 7
ST_A, ST_B, ST_C, ST_LAN = (f"02:00:00:00:0e:0{i}" for i in (1, 2, 3, 4))
GT_SPOKES = ("203.0.113.2", "203.0.113.3")


def gt_frame(src, dst, ident):
    return bytes(Ether(src=src, dst=dst) / IP(src="10.50.0.1", dst="10.50.0.2", id=ident) /
                 UDP(sport=ident, dport=9) / (b"g" * 20))


def test_gretap_hub_replicates_and_learns_spokes(greway_bin, workdir, run_id):
    """mgt0 (gretap, remote any, learn on) and port1 in br0; two static spokes
    (`bridge fdb append 00:00:00:00:00:00 dev mgt0 dst ADDR`). A LAN broadcast
    goes to both spokes; one from spoke .2 goes to the LAN and to .3, never back
    to .2; one from the unknown .9 goes to the LAN and both static spokes, and
    .9 becomes a learned spoke. `bridge fdb show` lists the spokes with dst,
    `save` the static ones as bridge fdb append; `neigh show` none of them."""
    conf = [line for line in g.BASE_CONFIG if "port1" not in line and g.LAN_HOST not in line]
    conf += ["link add br0 type bridge",
             f"tunnel add mgt0 mode gretap local {g.WAN_IP} remote any key {GT_KEY} learn on",
             "link set port1 master br0", "link set mgt0 master br0"]
    conf += [f"bridge fdb append 00:00:00:00:00:00 dev mgt0 dst {s}" for s in GT_SPOKES]
    lan = [gt_frame(ST_LAN, "ff:ff:ff:ff:ff:ff", 1)]
    wan = [g.wan_gretap("203.0.113.2", gt_frame(ST_A, "ff:ff:ff:ff:ff:ff", 2), key=GT_KEY),
           g.wan_gretap("203.0.113.9", gt_frame(ST_C, "ff:ff:ff:ff:ff:ff", 3), key=GT_KEY)]
    seen = {}

    def during(sock):
        ctl = [str(grewayctl_path()), "-s", str(sock)]
        wait_for(lambda: any(e.get("dst") == "203.0.113.9" for e in json.loads(
            run(ctl + ["-j", "bridge", "fdb", "show"]).stdout)), 10, "spoke .9 learned")
        seen["fdb"] = json.loads(run(ctl + ["-j", "bridge", "fdb", "show"]).stdout)
        seen["text"] = run(ctl + ["bridge", "fdb", "show"]).stdout
        seen["save"] = run(ctl + ["save"]).stdout
        seen["neigh"] = json.loads(run(ctl + ["-j", "neigh", "show", "dev", "mgt0"]).stdout)

    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=wan, lan_in=lan, during=during)
    check_ok(res)
    sent = sorted((g.gretap_payload(f)[0], IP(g.gretap_payload(f)[4][14:]).id)
                  for f in res.wan_out)
    assert sent == [("203.0.113.2", 1), ("203.0.113.2", 3), ("203.0.113.3", 1),
                    ("203.0.113.3", 2), ("203.0.113.3", 3)]
    assert sorted(IP(f[14:]).id for f in res.lan_out) == [2, 3]
    spokes = [(e["dst"], e["state"]) for e in seen["fdb"] if "dst" in e]
    assert spokes == [("203.0.113.2", "static"), ("203.0.113.3", "static"),
                      ("203.0.113.9", "learned")]
    assert "00:00:00:00:00:00 dev mgt0 dst 203.0.113.2 master br0 static" in seen["text"]
    assert sorted(line for line in seen["save"].splitlines() if "fdb append" in line) == [
        f"bridge fdb append 00:00:00:00:00:00 dev mgt0 dst {s}" for s in GT_SPOKES]
    assert seen["neigh"] == []
    # each frame's MAC is behind the member (the spoke) it came from
    macs = {e["mac"]: e["ifname"] for e in seen["fdb"] if "dst" not in e}
    assert macs == {ST_LAN: "port1", ST_A: "mgt0", ST_C: "mgt0"}


def test_hub_learned_mapping_ages_out(live):
    """learn-ageing 1: S learned from NAT_OLD is gone once unseen for more than a second
    (learning.aged 1, spokes 0), and the LAN host's next packet to S has no route; a
    packet from S while it lives keeps it (seen again), so it ages only once S is quiet."""
    h = live(hub_config(hub=LEARN + " learn-ageing 2"))
    h.send(0, [g.wan_gre(NAT_OLD, udp(S, g.LAN_HOST, 1), key=KEY)])
    h.wait(lambda: learned_row(h, S), "S to be learned")
    # S talks for 3 s, more than learn-ageing: seen each second, never aged
    for i in range(3):
        time.sleep(1)
        h.send(0, [g.wan_gre(NAT_OLD, udp(S, g.LAN_HOST, 2 + i), key=KEY)])
        assert learned_row(h, S) is not None, f"aged while S talked ({i + 1} s)"
    # then quiet: gone within ageing + 1 s and a turn of the control thread's clock
    h.wait(lambda: learned_row(h, S) is None, "S to age out", timeout=6)
    show = hub_show(h.sock)
    assert (show["spokes"], show["learned"], show["learning"]["aged"]) == (0, 0, 1), show
    h.send(1, [g.lan_frame(udp(g.LAN_HOST, S, 9))])
    res = h.stop()
    check_ok(res)
    assert res.wan_out == []
    res.assert_drops({"no_route": 1})


# --- 8. keepalives: answered to the outer source, sent per spoke, liveness ---

def keepalive_inner(src, dst, key=KEY):
    """What a peer puts inside its keepalive: IPv4 src -> dst carrying bare GRE of type 0."""
    return bytes(IP(src=src, dst=dst, ttl=255, proto=47) /
                 GRE(key_present=1, key=key, proto=0))


def test_hub_keepalives(greway_bin, workdir, run_id):
    """keepalive 1 3 on mgre0 with spokes A and B mapped.
    - A's keepalive addressed as Cisco does (inner destination A's own outer address)
      and B's as MikroTik behind NAT does (inner destination B's private address) are
      both answered to the outer source they came from, from the hub's address: bare GRE
      of type 0 with the key, TTL one less, a good checksum (scapy and tshark);
    - the hub sends each spoke its own keepalive inside the tunnel's encapsulation:
      outer hub -> spoke, key 100, inner IPv4 spoke -> hub carrying GRE type 0;
    - A answers one (a bare type-0 GRE from A): A is "up" in
      `neigh show`, B "down" after 3 unanswered; the route via B's mapping leaves the
      FIB (linkdown), A's stays."""
    conf = hub_config("tunnel change mgre0 keepalive 1 3", spokes=2)
    wan = [g.wan_gre(SPOKE_A, keepalive_inner(g.WAN_IP, SPOKE_A), key=KEY),
           g.wan_gre(SPOKE_B, keepalive_inner(g.WAN_IP, "192.168.1.5"), key=KEY),
           # A answers the hub's keepalive: bare GRE of type 0, key 100
           g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800,
                 bytes(IP(src=SPOKE_A, dst=g.WAN_IP, ttl=254, proto=47) /
                       GRE(key_present=1, key=KEY, proto=0)))]
    seen = {}

    def during(sock):
        ctl = [str(grewayctl_path()), "-s", str(sock)]

        def live(dst):
            rows = [r for r in json.loads(run(ctl + ["-j", "neigh", "show", "dev",
                                                     "mgre0"]).stdout) if r["dst"] == dst]
            return rows[0].get("liveness", {}) if rows else {}
        wait_for(lambda: live("172.16.10.3").get("state") == "down", 10, "B marked down")
        seen["A"], seen["B"] = live("172.16.10.2"), live("172.16.10.3")
        seen["text"] = run(ctl + ["neigh", "show", "dev", "mgre0"]).stdout
        seen["routes"] = {r["dst"]: r.get("flags", []) for r in
                          json.loads(run(ctl + ["-j", "route", "show"]).stdout)}

    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=wan, during=during)
    check_ok(res)
    answers, sent = [], {}
    for f in res.wan_out:
        p = Ether(f)
        assert p[IP].src == g.WAN_IP and p[GRE].key == KEY, p.summary()
        if p[GRE].proto == 0:
            answers.append((p[IP].dst, p[IP].ttl, len(bytes(p[GRE].payload))))
        else:
            inner = p[GRE].payload
            assert (inner.src, inner.dst, inner.proto) == (p[IP].dst, g.WAN_IP, 47)
            assert inner[GRE].proto == 0 and inner[GRE].key == KEY
            sent[p[IP].dst] = sent.get(p[IP].dst, 0) + 1
    # each spoke's keepalive answered once, to its outer source, TTL 254, nothing after GRE
    assert sorted(answers) == [(SPOKE_A, 254, 0), (SPOKE_B, 254, 0)]
    assert set(sent) == {SPOKE_A, SPOKE_B} and min(sent.values()) >= 3, sent
    rows = g.tshark_fields(res.wan_out_path, ["ip.dst", "ip.checksum.status", "gre.proto"])
    # every IPv4 header good: outer, and a keepalive's inner one
    assert all(set(r["ip.checksum.status"].split(",")) == {"1"} for r in rows), rows
    assert (seen["A"].get("state"), seen["B"].get("state")) == ("up", "down"), seen
    assert seen["A"]["answered"] == 1
    assert "172.16.10.2 dev mgre0 lladdr 203.0.113.2 PERMANENT peer up" in seen["text"]
    assert "172.16.10.3 dev mgre0 lladdr 203.0.113.3 PERMANENT peer down" in seen["text"]
    assert seen["routes"]["10.16.2.0/24"] == [] and seen["routes"]["10.16.3.0/24"] == \
        ["linkdown"], seen["routes"]
