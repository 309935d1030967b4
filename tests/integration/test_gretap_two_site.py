# SPDX-License-Identifier: BSD-3-Clause
"""Two sites joined by a GRETAP tunnel into one LAN: hosts of one /24 on both sides.

    hostA 10.50.0.1/24 -- gwA (greway) -- router -- site B -- hostB 10.50.0.2/24
    (VLAN 100: 10.60.0.1)  198.51.100.1   .254 | .254  203.0.113.2  (VLAN 100: 10.60.0.2)

gwA's LAN port (port1, a net_tap whose kernel end is hostA's interface) and
its gretap tunnel gt1 (key 1001) are the members of bridge br0: it learns
MACs and floods the rest, so ARP crosses the tunnel and both hosts talk as on
one Ethernet segment. Site B is, per variant:

  ovs     Open vSwitch's userspace datapath (tests/integration/ovs.py
          GretapPeer): bridge br-int (NORMAL) with the host's veth and a plain
          type=gre port, which in OVS carries Ethernet (GRE protocol 0x6558)
  greway  a second greway, the mirror image of gwA

Each test checks what a user sees: ARP and the hosts' neighbour tables, ping
both ways, 10 MB of TCP each way with the sha256 of both ends, the MTU that
`tunnel show` reports as the largest packet that crosses (and frame_too_big
one byte beyond it), greway's MAC table, bridge members and counters, and on
the wire (a capture in the router namespace, decoded by tshark) the GRE
protocol 0x6558 and key of both sides.

VLAN 100: this machine's kernel has no 802.1Q driver (CONFIG_VLAN_8021Q is
not set: `ip link add ... type vlan` fails), so the hosts cannot have VLAN
sub-interfaces. Their tagged frames are made by scapy instead: 802.1Q-tagged
ICMP echo requests for 10.60.0.0/24, up to the largest a VLAN sub-interface
would send (its MTU 4 less than the tunnel's), sent on one host's interface
and captured on the other's, where they must arrive byte for byte, tag
included; one byte more is dropped as frame_too_big.
"""
import json
import os
import re
import signal
import subprocess
import time
from types import SimpleNamespace

import pytest

from conftest import require_tool, run
from netns import GatewayCtl, stop_process, transfer, wait_for

KEY = 1001
SIZE = 10 * 1024 * 1024
VLAN = 100

SITES = {
    "A": {"wan": "198.51.100.1", "wan_gw": "198.51.100.254", "net": "198.51.100.0/24",
          "wan_mac": "02:00:00:0a:00:01", "r_mac": "02:00:00:0a:00:fe",
          "host": "10.50.0.1", "vhost": "10.60.0.1", "host_mac": "02:00:00:0a:01:02"},
    "B": {"wan": "203.0.113.2", "wan_gw": "203.0.113.254", "net": "203.0.113.0/24",
          "wan_mac": "02:00:00:0b:00:01", "r_mac": "02:00:00:0b:00:fe",
          "host": "10.50.0.2", "vhost": "10.60.0.2", "host_mac": "02:00:00:0b:01:02"},
}
A, B = SITES["A"], SITES["B"]

# Drop reasons that mean a bug when two gateways bridge two quiet hosts over a
# clean wire. Not listed: neigh_unresolved (the first frames while greway
# resolves its underlay next hop), and the L3 reasons of the WAN port's own
# traffic that a bridge never sees (arp_other, l2_other_host, ethertype).
MUST_BE_ZERO = ("eth_short", "ip_header", "ip_csum", "ip_fragment", "port_down", "tunnel_down",
                "gre_short", "gre_version", "gre_flags", "gre_proto", "gre_csum",
                "gre_csum_missing", "gre_seq_missing", "gre_seq_old", "no_tunnel",
                "key_mismatch", "inner_header", "no_route", "too_big", "no_headroom",
                "ecn_not_ect", "ttl_expired", "local_proto", "punt_full", "tx_full",
                "no_bridge", "l2_src_invalid", "l2_link_local", "l2_same_member", "fdb_full",
                "frame_too_big", "flood_nombuf")

FIELDS = ("ip.src", "gre.proto", "gre.key", "gre.flags.checksum", "gre.flags.sequence_number",
          "eth.type", "vlan.id", "arp.opcode")


def tool_checks(variant):
    tools = ["ping", "nc", "ss", "tcpdump", "tshark"]
    if variant == "ovs":
        tools += ["ovs-vsctl", "ovsdb-server", "ovs-appctl", "ovsdb-tool", "ethtool"]
    for tool in tools:
        require_tool(tool)
    if variant == "ovs" and not os.access("/usr/lib/openvswitch-switch/ovs-vswitchd", os.X_OK):
        pytest.skip("/usr/lib/openvswitch-switch/ovs-vswitchd is missing "
                    "(openvswitch-switch; scripts/deps.sh installs it)")


class Gateway(GatewayCtl):
    """A greway site gateway."""

    def drops(self):
        return self.stats()["drops"]

    def tunnel_mtu(self):
        (tun,) = self.json("tunnel", "show", "gt1")
        return tun["mtu"]

    def state(self):
        """Everything a failure message needs."""
        s = self.stats()
        drops = {k: v for k, v in s["drops"].items() if v}
        return (f"{self.name}: bridges {s['bridges']} members {s['members']} "
                f"tunnels {s['tunnels']} drops {drops}\n"
                f"fdb {self.cli('bridge', 'fdb', 'show', check=False).stdout}")


def greway_gateway(lab, binary, ctl, r, site, tunnel_words=f"key {KEY}", bridge_words="",
                   extra_conf=""):
    """Site `site` with greway: port0 = WAN (tap moved into r), port1 = LAN, a
    member of br0 with gretap tunnel gt1. Returns (Gateway, host namespace, LAN
    interface name, tunnel MTU); the host's interface has no address yet."""
    me, peer = SITES[site], SITES["B" if site == "A" else "A"]
    s = site.lower()
    conf = f"""# greway, site {site}: the LAN port and a gretap tunnel in one bridge
link set port0 address {me['wan_mac']}
addr add {me['wan']}/24 dev port0
route add {peer['net']} via {me['wan_gw']}
link add br0 type bridge {bridge_words}
link set port1 master br0
tunnel add gt1 mode gretap local {me['wan']} remote {peer['wan']} {tunnel_words}
link set gt1 master br0
{extra_conf}"""
    gw_ns = lab.netns(f"gw{s}")
    host = lab.netns(f"host{s}")
    wan, lan = f"g{s}-wan", f"g{s}-lan"
    gw = Gateway(lab.greway(binary, gw_ns, conf, taps=(wan, lan), name=f"gw{site}"), ctl)
    # what the LAN side must use: the tunnel's MTU as greway reports it
    mtu = gw.tunnel_mtu()
    lab.move_tap(gw_ns, wan, r, me["r_mac"], f"{me['wan_gw']}/24")
    gw_ns.ip("link", "set", lan, "netns", host.name)
    host.sysctl(f"net.ipv6.conf.{lan}.disable_ipv6", 1, check=False)
    host.ip("link", "set", lan, "address", me["host_mac"], "mtu", mtu)
    return gw, host, lan, mtu


def ovs_gateway(lab, r, host):
    """Site B with Open vSwitch: returns (GretapPeer, the host's interface)."""
    from ovs import GretapPeer

    ovs_ns = lab.netns("ovsb")
    lab.veth(r, "rB", ovs_ns, "vB")
    r.ip("addr", "add", f"{B['wan_gw']}/24", "dev", "rB")
    r.ip("link", "set", "rB", "address", B["r_mac"], "up")
    lab.veth(ovs_ns, "hostp", host, "hB")
    host.ip("link", "set", "hB", "address", B["host_mac"])
    # OVS's AF_PACKET socket does not finish partial checksums (ovs-peer.md)
    host.run("ethtool", "-K", "hB", "tx", "off")
    ovs = GretapPeer(lab, ovs_ns, "ovsb", uplink="vB", local=B["wan"], plen=24,
                     remote=A["wan"], underlay_gw=B["wan_gw"], phy_mac=B["wan_mac"],
                     hostp="hostp", gre_options={"key": KEY})
    return ovs, "hB"


def host_up(host, ifc, site, mtu):
    me = SITES[site]
    host.ip("link", "set", ifc, "mtu", mtu)
    host.ip("addr", "add", f"{me['host']}/24", "dev", ifc)
    host.ip("link", "set", ifc, "up")


def tagged_echoes(src, dst, sizes):
    """802.1Q (VLAN 100) ICMP echo requests from host src to host dst, one per IP size."""
    from scapy.all import ICMP, IP, Dot1Q, Ether, Raw

    me, peer = SITES[src], SITES[dst]
    return [Ether(src=me["host_mac"], dst=peer["host_mac"]) / Dot1Q(vlan=VLAN) /
            IP(src=me["vhost"], dst=peer["vhost"], flags="DF", id=i) /
            ICMP(id=0x4242, seq=i) / Raw(bytes([i & 0xff]) * (size - 28))
            for i, size in enumerate(sizes)]


def exchange(p, src, dst, frames, expect=None):
    """Send frames (scapy packets) on host src's interface; return the VLAN
    frames host dst's interface received meanwhile (expect of them: by default
    all; fewer ends the wait 2 s after the last frame was sent)."""
    from scapy.all import rdpcap, wrpcap

    hosts = {"A": (p.host_a, p.if_a), "B": (p.host_b, p.if_b)}
    (sns, sif), (dns, dif) = hosts[src], hosts[dst]
    expect = len(frames) if expect is None else expect
    tag = f"{src}{dst}{os.urandom(3).hex()}"
    tx, rx, log = (p.lab.dir / f"vlan-{tag}-{x}" for x in ("tx.pcap", "rx.pcap", "rx.log"))
    wrpcap(str(tx), frames)
    with open(log, "w") as err:
        cap = p.lab.popen(dns, ["tcpdump", "-n", "-U", "--immediate-mode", "-i", dif, "-w", rx,
                                "-c", max(expect, 1), f"vlan {VLAN}"],
                          stdout=subprocess.DEVNULL, stderr=err)
    wait_for(lambda: "listening on" in log.read_text(), 10, "tcpdump to start")
    sns.run("/usr/bin/python3", "-c",
            "import sys; from scapy.all import rdpcap, sendp; "
            "sendp(rdpcap(sys.argv[1]), iface=sys.argv[2], inter=0.05, verbose=False)",
            tx, sif)
    try:
        cap.wait(timeout=2 if expect < len(frames) else 15)
    except subprocess.TimeoutExpired:
        pass
    stop_process(cap, sig=signal.SIGINT)
    return list(rdpcap(str(rx))) if rx.exists() and rx.stat().st_size > 24 else []


@pytest.fixture
def lan(lab, greway_bin, ctl_bin, variant):
    """Both sites up, nothing sent yet between the hosts; a capture of the
    tunnel's packets (first 400, headers only) on the router's site-B link."""
    tool_checks(variant)
    r = lab.netns("r")
    r.sysctl("net.ipv4.ip_forward", 1)
    gw_a, host_a, if_a, mtu = greway_gateway(lab, greway_bin, ctl_bin, r, "A")
    ovs = gw_b = None
    if variant == "ovs":
        host_b = lab.netns("hostb")
        ovs, if_b = ovs_gateway(lab, r, host_b)
        r_b = "rB"
    else:
        gw_b, host_b, if_b, mtu_b = greway_gateway(lab, greway_bin, ctl_bin, r, "B")
        assert mtu_b == mtu, (mtu, mtu_b)
        r_b = "gb-wan"
    # gretap with a key on a 1500-byte underlay: 20 (IPv4) + 4 (GRE) + 4 (key) + 14
    assert mtu == 1500 - 42, f"tunnel show says mtu {mtu}"
    host_up(host_a, if_a, "A", mtu)
    host_up(host_b, if_b, "B", mtu)

    pcap = lab.dir / "underlay.pcap"
    cap_log = lab.dir / "tcpdump.log"
    with open(cap_log, "w") as err:
        cap = lab.popen(r, ["tcpdump", "-n", "-U", "--immediate-mode", "-s", "160", "-c", "400",
                            "-i", r_b, "-w", pcap, "ip proto 47"],
                        stdout=subprocess.DEVNULL, stderr=err)
    wait_for(lambda: "listening on" in cap_log.read_text(), 10, "tcpdump to start")
    return SimpleNamespace(lab=lab, variant=variant, r=r, gw_a=gw_a, gw_b=gw_b, ovs=ovs,
                           host_a=host_a, host_b=host_b, if_a=if_a, if_b=if_b, mtu=mtu,
                           cap=cap, pcap=pcap)


def gateways(p):
    return [gw for gw in (p.gw_a, p.gw_b) if gw is not None]


def state(p):
    out = [gw.state() for gw in gateways(p)]
    if p.ovs is not None:
        out.append(f"OVS drops {p.ovs.coverage_drops()} fdb {p.ovs.fdb()}")
    return "\n".join(out)


def neigh_mac(host, ip):
    """The host's neighbour entry for ip: its MAC, or None."""
    entries = json.loads(host.ip("-j", "neigh", "show", ip).stdout or "[]")
    return entries[0].get("lladdr") if entries else None


def first_ping(src, dst, timeout=30):
    """One ping until one answers (ARP through the tunnel, greway's underlay ARP)."""
    wait_for(lambda: src.run("ping", "-n", "-c", 1, "-W", 1, dst, check=False).returncode == 0,
             timeout, f"{dst} to answer a ping from {src}", interval=0)


def ping_ok(p, src, dst, count=10, size=None, df=False):
    """count echo replies from dst within 20 s (ping -w: on a busy machine a late
    reply is waited for while ping goes on sending, instead of counted lost;
    a frame greway lost would show in its drop counters, which callers check)."""
    args = ["ping", "-n", "-c", count, "-i", 0.1, "-W", 1, "-w", 20]
    if size is not None:
        args += ["-s", size]
    if df:
        args += ["-M", "do"]
    cp = src.run(*args, dst, check=False, timeout=40)
    m = re.search(r"(\d+) received", cp.stdout)
    assert cp.returncode == 0 and m and int(m.group(1)) >= count, \
        f"ping {dst} from {src}:\n{cp.stdout}{cp.stderr}{state(p)}"


def assert_no_bad_drops(p, allow=()):
    for gw in gateways(p):
        bad = {k: v for k, v in gw.drops().items() if k in MUST_BE_ZERO and k not in allow and v}
        assert not bad, f"{gw.name} dropped frames: {bad}\n{state(p)}"
    if p.ovs is not None:
        bad = {k: v for k, v in p.ovs.coverage_drops().items() if v and "tunnel" in k}
        assert not bad, f"OVS dropped greway's packets: {bad}"


def decode(pcap):
    """GRE packets of a capture as dicts of FIELDS (each a list of occurrences)."""
    cp = run(["tshark", "-r", str(pcap), "-Y", "gre", "-T", "fields", "-E", "separator=|",
              "-E", "occurrence=a", "-E", "aggregator=,",
              *[a for f in FIELDS for a in ("-e", f)]])
    return [{k: (v.split(",") if v else []) for k, v in zip(FIELDS, line.split("|"))}
            for line in cp.stdout.splitlines() if line]


def stop_capture(p):
    time.sleep(0.5)  # what the kernel still holds for tcpdump (a busy machine)
    stop_process(p.cap, sig=signal.SIGINT)
    return decode(p.pcap)


@pytest.mark.parametrize("variant", ["ovs", "greway"])
def test_arp_ping_vlan_fdb_wire(lan):
    """ARP across the tunnel, ping both ways untagged and on VLAN 100, greway's
    MAC table and members, GRE protocol 0x6558 and the key on the wire."""
    p = lan
    for host, other in ((p.host_a, B), (p.host_b, A)):
        assert neigh_mac(host, other["host"]) is None, host.ip("neigh", "show").stdout
    first_ping(p.host_a, B["host"])
    # the hosts resolved each other by ARP, through both bridges and the tunnel
    assert neigh_mac(p.host_a, B["host"]) == B["host_mac"], \
        p.host_a.ip("neigh", "show").stdout + state(p)
    assert neigh_mac(p.host_b, A["host"]) == A["host_mac"], \
        p.host_b.ip("neigh", "show").stdout + state(p)
    ping_ok(p, p.host_a, B["host"])
    ping_ok(p, p.host_b, A["host"])

    # the largest packets the MTU allows, DF set, both ways
    ping_ok(p, p.host_a, B["host"], count=3, size=p.mtu - 28, df=True)
    ping_ok(p, p.host_b, A["host"], count=3, size=p.mtu - 28, df=True)

    # VLAN 100 frames cross both bridges and the tunnel as they are, tag included,
    # up to the largest a VLAN sub-interface of MTU (tunnel MTU - 4) sends
    sizes = [64, 1000, p.mtu - 4]
    for src, dst in (("A", "B"), ("B", "A")):
        sent = tagged_echoes(src, dst, sizes)
        got = exchange(p, src, dst, sent)
        assert [bytes(x) for x in got] == [bytes(x) for x in sent], \
            f"host{src} -> host{dst}: tagged frames changed or lost\n" \
            f"sent {[x.summary() for x in sent]}\ngot {[x.summary() for x in got]}\n{state(p)}"

    # greway learned both hosts: hostA behind its LAN port, hostB behind the tunnel
    for gw, local in ((p.gw_a, A), (p.gw_b, B)):
        if gw is None:
            continue
        remote = B if local is A else A
        fdb = {e["mac"]: e for e in gw.json("bridge", "fdb", "show", "br", "br0")}
        assert set(fdb) == {A["host_mac"], B["host_mac"]}, (gw.name, fdb)
        assert fdb[local["host_mac"]]["ifname"] == "port1", (gw.name, fdb)
        assert fdb[remote["host_mac"]]["ifname"] == "gt1", (gw.name, fdb)
        assert all(e["master"] == "br0" and e["state"] == "learned" for e in fdb.values()), fdb
        links = {e["ifname"]: e for e in gw.json("bridge", "link", "show")}
        assert set(links) == {"port1", "gt1"}, links
        assert all(e["master"] == "br0" and e["state"] == "forwarding"
                   for e in links.values()), links
        s = gw.stats()
        (br,) = s["bridges"]
        assert br["name"] == "br0" and br["learned"] == 2 and br["moved"] == 0, br
        # hostA's ARP request (broadcast) was flooded, everything after it went by the table
        assert br["flooded"] >= 1 and br["unicast"] >= 40, br
        members = {m["name"]: m for m in s["members"]}
        for m in ("port1", "gt1"):
            assert members[m]["rx_frames"] >= 20 and members[m]["tx_frames"] >= 20, members
        (tun,) = s["tunnels"]
        assert tun["rx_packets"] >= 20 and tun["tx_packets"] >= 20, tun
        # and what stats show prints: a line for the bridge and one per member
        text = gw.cli("stats", "show").stdout
        assert re.search(r"^bridge br0 rx_frames \d+ unicast \d+ flooded \d+ learned 2 moved 0 "
                         r"aged 0 dropped \d+$", text, re.M), text
        for m in ("port1", "gt1"):
            assert re.search(rf"^member {m} rx_frames [1-9]\d* tx_frames [1-9]\d*$", text,
                             re.M), text
    if p.ovs is not None:
        # and so did OVS: hostB behind its veth, hostA behind the GRE port
        fdb = p.ovs.fdb()
        assert fdb.get(B["host_mac"]) == str(p.ovs.HOSTP), fdb
        assert fdb.get(A["host_mac"]) == str(p.ovs.GRE0), fdb
    assert_no_bad_drops(p)

    pkts = stop_capture(p)
    for who, src in (("greway A", A["wan"]), ("greway B" if p.gw_b else "OVS", B["wan"])):
        sent = [x for x in pkts if x["ip.src"][:1] == [src]]
        assert sent, f"no GRE packets from {who} on the wire"
        for x in sent:
            # Ethernet over GRE (transparent Ethernet bridging), the key, no csum/seq
            assert x["gre.proto"] == ["0x6558"], (who, x)
            assert [int(k, 0) for k in x["gre.key"]] == [KEY], (who, x)
            assert x["gre.flags.checksum"] in (["0"], ["False"]), (who, x)
            assert x["gre.flags.sequence_number"] in (["0"], ["False"]), (who, x)
        # the inner frames: ARP, IPv4 and 802.1Q-tagged VLAN 100 frames
        assert any(x["arp.opcode"] for x in sent), f"{who}: no ARP inside the tunnel"
        assert any(x["vlan.id"] == [str(VLAN)] for x in sent), f"{who}: no VLAN {VLAN} frame"
        # (eth.type: the outer header's, then the inner frame's)
        assert any(x["eth.type"][1:] == ["0x0800"] and not x["vlan.id"] for x in sent), who


@pytest.mark.parametrize("variant", ["ovs", "greway"])
def test_tcp_10mb_both_ways(lan, workdir):
    """10 MB of TCP each way through the gretap tunnel, content checked."""
    p = lan
    first_ping(p.host_a, B["host"])
    before = {gw: gw.stats() for gw in gateways(p)}
    for src, dst, ip, port in ((p.host_a, p.host_b, B["host"], 5001),
                               (p.host_b, p.host_a, A["host"], 5002)):
        secs, sent, got, size = transfer(p.lab, src, dst, ip, SIZE, workdir, port=port)
        print(f"{src} -> {dst}: {size} bytes in {secs:.2f} s "
              f"({size * 8 / secs / 1e6:.0f} Mbit/s)")
        assert size == SIZE, f"{src} -> {ip}: received {size} of {SIZE} bytes\n{state(p)}"
        assert got == sent, f"{src} -> {ip}: content differs"
    for gw in gateways(p):
        s, old = gw.stats(), before[gw]
        (tun,), (otun,) = s["tunnels"], old["tunnels"]
        # each gateway encapsulated one 10 MB stream and decapsulated the other
        # (tunnel byte counters count the inner frames, Ethernet header included)
        for k in ("tx_bytes", "rx_bytes"):
            assert tun[k] - otun[k] >= SIZE, (gw.name, k, tun, otun)
        for k in ("tx_packets", "rx_packets"):
            assert tun[k] - otun[k] >= SIZE // (p.mtu - 40), (gw.name, k, tun, otun)
        (br,), (obr,) = s["bridges"], old["bridges"]
        # the stream goes by the MAC table, not by flooding
        assert br["unicast"] - obr["unicast"] >= 2 * SIZE // (p.mtu - 40), (br, obr)
        assert br["flooded"] - obr["flooded"] <= 10, (br, obr)
    assert_no_bad_drops(p)


@pytest.mark.parametrize("variant", ["ovs", "greway"])
def test_mtu_1500_frames_dropped(lan):
    """The tunnel MTU is the LAN's: a host left at 1500 loses every packet with
    DF one byte over the tunnel MTU as frame_too_big (an L2 hop sends no ICMP),
    and a VLAN-tagged one byte over the tunnel MTU - 4; what fits passes."""
    p = lan
    first_ping(p.host_a, B["host"])
    ping_ok(p, p.host_a, B["host"], count=3, size=p.mtu - 28, df=True)
    before = p.gw_a.drops()["frame_too_big"]
    p.host_a.ip("link", "set", p.if_a, "mtu", 1500)
    n = 5
    cp = p.host_a.run("ping", "-n", "-c", n, "-i", 0.1, "-W", 1, "-M", "do", "-s", p.mtu - 28 + 1,
                      B["host"], check=False)
    assert cp.returncode != 0 and "100% packet loss" in cp.stdout, cp.stdout + state(p)
    def counted():
        d = p.gw_a.drops()
        return d if d["frame_too_big"] - before >= n else None

    drops = wait_for(counted, 5, f"{n} frame_too_big drops at gwA")
    assert drops["frame_too_big"] - before == n, drops
    # nothing else: the frames died at gwA's bridge, counted against br0
    (br,) = p.gw_a.stats()["bridges"]
    assert br["drops"].get("frame_too_big") == drops["frame_too_big"], br
    # a VLAN's frames carry 4 bytes of tag: an IP packet of (tunnel MTU - 3) in
    # VLAN 100 does not fit either (hostA's MTU of 1500 lets it leave)
    before = drops["frame_too_big"]
    got = exchange(p, "A", "B", tagged_echoes("A", "B", [p.mtu - 3]), expect=0)
    assert got == [], [x.summary() for x in got]
    drops = wait_for(lambda: (lambda d: d if d["frame_too_big"] > before else None)(
        p.gw_a.drops()), 5, "a frame_too_big drop of the tagged frame at gwA")
    assert drops["frame_too_big"] == before + 1, drops
    # a 1500-byte host still reaches the far side with what fits
    ping_ok(p, p.host_a, B["host"], count=3, size=p.mtu - 28, df=True)
    assert_no_bad_drops(p, allow=("frame_too_big",))


def test_bridge_address_across_the_tunnel(lab, greway_bin, ctl_bin):
    """gwA's bridge has an address (10.50.0.254, its BVI) and a short ageing
    time (2 s); hostB, across the tunnel, pings it for 5 s. hostB's MAC stays
    learned behind gt1, since a frame to the bridge's own MAC refreshes its
    source like any frame, and gwA's replies go by the MAC table into the
    tunnel: none is flooded to hostA's port."""
    tool_checks("greway")
    r = lab.netns("r")
    r.sysctl("net.ipv4.ip_forward", 1)
    gw_a, host_a, if_a, mtu = greway_gateway(lab, greway_bin, ctl_bin, r, "A",
                                             bridge_words="ageing_time 2",
                                             extra_conf="addr add 10.50.0.254/24 dev br0\n")
    gw_b, host_b, if_b, _ = greway_gateway(lab, greway_bin, ctl_bin, r, "B")
    host_up(host_a, if_a, "A", mtu)
    host_up(host_b, if_b, "B", mtu)
    p = SimpleNamespace(gw_a=gw_a, gw_b=gw_b, ovs=None)
    first_ping(host_b, "10.50.0.254")
    assert neigh_mac(host_b, "10.50.0.254") is not None, host_b.ip("neigh", "show").stdout

    def counters():
        s = gw_a.stats()
        (br,) = s["bridges"]
        return br, {m["name"]: m for m in s["members"]}

    br0, mem0 = counters()
    ping_ok(p, host_b, "10.50.0.254", count=50)  # 5 s: more than twice the ageing time
    br1, mem1 = counters()
    fdb = {e["mac"]: e for e in gw_a.json("bridge", "fdb", "show")}
    assert fdb.get(B["host_mac"], {}).get("ifname") == "gt1", (fdb, br1)
    assert br1["aged"] == br0["aged"], (br0, br1)
    # 50 requests in from the tunnel, 50 replies back into it, none anywhere else
    assert mem1["gt1"]["rx_frames"] - mem0["gt1"]["rx_frames"] >= 50, (mem0, mem1)
    assert mem1["gt1"]["tx_frames"] - mem0["gt1"]["tx_frames"] >= 50, (mem0, mem1)
    assert mem1["port1"]["tx_frames"] == mem0["port1"]["tx_frames"], (mem0, mem1)
    assert br1["flooded"] == br0["flooded"], (br0, br1)
    assert_no_bad_drops(p)
