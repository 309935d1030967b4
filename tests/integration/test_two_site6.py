# SPDX-License-Identifier: BSD-3-Clause
"""Two sites joined by greway tunnels carrying IPv4 and IPv6, over an IPv6 or IPv4 underlay.

    hostA 10.0.0.2 2001:db8:a::2 -- gwA -- router -- gwB -- hostB 10.16.0.2 2001:db8:b::2
                              2001:db8:1::1  ::fe | ::fe  2001:db8:2::2     (underlay ip6)
                               198.51.100.1  .254 | .254  203.0.113.2       (underlay ip4)
          gre1 172.16.10.1/30 2001:db8:ff::1/64 <=> 172.16.10.2/30 2001:db8:ff::2/64, key 1001

The topology of test_two_site.py with IPv6 everywhere it can be: per variant
the tunnel is ip6gre over the IPv6 underlay (2001:db8:1::/64 and
2001:db8:2::/64, routed by a Linux router namespace) or gre over the IPv4
one; both carry IPv4 and IPv6 between the LANs. Every IPv6 neighbour is
learned by neighbour discovery against a real kernel: no static neigh in
either greway, the router and the hosts resolve greway by NS/NA, greway
resolves its underlay next hop (the router) and its LAN host by NS.

Checked as a user would: ping both families both ways and to the far
tunnel addresses, TCP in both families with the sha256 of both ends, the
tunnel counters of `grewayctl -j stats show`, the neighbours greway learned
(`neigh show`: address, MAC, REACHABLE) and what the Linux side learned
from greway's NAs (`ip -6 neigh`: greway's MAC, and the router flag), ping of
greway's global and link-local (fe80::, modified EUI-64 of the port's MAC)
addresses from the host and from the router.
"""
import ipaddress
import json
import re
import signal
import subprocess
import time
from types import SimpleNamespace

import pytest

from conftest import require_tool
from netns import SITES as SITES4, GatewayCtl, sh, stop_process, transfer, wait_for

KEY = 1001
SIZE = 2 * 1024 * 1024


def site(s):
    four = SITES4[s]
    n = {"A": 1, "B": 2}[s]
    lan = {"A": "a", "B": "b"}[s]
    mac = {"A": "0a", "B": "0b"}[s]
    return {
        **four,
        "wan6": f"2001:db8:{n}::{n}", "wan6_gw": f"2001:db8:{n}::fe",
        "wan6_net": f"2001:db8:{n}::/64",
        "lan6_gw": f"2001:db8:{lan}::1", "host6": f"2001:db8:{lan}::2",
        "lan6": f"2001:db8:{lan}::/64", "tun6": f"2001:db8:ff::{n}",
        "wan_mac": f"02:00:00:{mac}:00:01", "r_mac": f"02:00:00:{mac}:00:fe",
        "lan_mac": f"02:00:00:{mac}:01:01", "host_mac": f"02:00:00:{mac}:01:02",
    }


A, B = site("A"), site("B")

# Drop reasons that mean a bug when two greways talk over a clean wire.
# (neigh_unresolved: the first packets of a flow while ARP/ND resolves;
# nd_other: the hosts' router solicitations, MLD reports, NS for others.)
MUST_BE_ZERO = ("ip_header", "ip_csum", "ip_fragment", "gre_short", "gre_version", "gre_flags",
                "gre_proto", "gre_csum", "gre_csum_missing", "gre_seq_missing", "gre_seq_old",
                "no_tunnel", "key_mismatch", "inner_header", "ttl_expired", "no_route",
                "too_big", "no_headroom", "punt_full", "tx_full", "nd_invalid")


def eui64_linklocal(mac):
    """The modified EUI-64 link-local address of a MAC (RFC 4291 appendix A)."""
    b = [int(x, 16) for x in mac.split(":")]
    iid = bytes([b[0] ^ 2, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]])
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))


class Gateway(GatewayCtl):
    """A greway site gateway."""

    def tunnel(self):
        (tun,) = [t for t in self.stats()["tunnels"] if t["name"] == "gre1"]
        return tun

    def neighbours(self):
        """{(address, dev): entry} of `neigh show`."""
        return {(e["dst"], e["dev"]): e for e in self.json("neigh", "show")}

    def state(self):
        s = self.stats()
        drops = {k: v for k, v in s["drops"].items() if v}
        return (f"{self.name}: tunnels {s['tunnels']} drops {drops}\n"
                f"neigh:\n{self.cli('neigh', 'show', check=False).stdout}"
                f"tunnel:\n{self.cli('tunnel', 'show', check=False).stdout}")


def gateway(lab, binary, ctl, r, s, underlay, wan_mtu=None):
    """Site s ("A" or "B") with greway: port0 = WAN tap (moved into the router
    namespace r; its MTU wan_mtu on both ends if given), port1 = LAN tap (moved
    into the site's host namespace, which has IPv4 and IPv6 and routes both by
    greway; its MTU the tunnel's, or 1280 if that is less: Linux has no IPv6
    below). Returns (Gateway, host)."""
    me, peer = (A, B) if s == "A" else (B, A)
    if underlay == "ip6":
        wan = f"""addr add {me['wan6']}/64 dev port0
route add {peer['wan6_net']} via {me['wan6_gw']}
tunnel add gre1 mode ip6gre local {me['wan6']} remote {peer['wan6']} key {KEY}"""
    else:
        wan = f"""addr add {me['wan']}/24 dev port0
route add {peer['wan'].rsplit('.', 1)[0]}.0/24 via {me['wan_gw']}
tunnel add gre1 mode gre local {me['wan']} remote {peer['wan']} key {KEY}"""
    conf = f"""# greway, site {s}, {underlay} underlay: no static neighbour anywhere
link set port0 address {me['wan_mac']}{f" mtu {wan_mtu}" if wan_mtu else ""}
link set port1 address {me['lan_mac']}
addr add {me['lan_gw']}/24 dev port1
addr add {me['lan6_gw']}/64 dev port1
{wan}
addr add {me['tun']}/30 dev gre1
addr add {me['tun6']}/64 dev gre1
route add {peer['lan']} via {peer['tun']}
route add {peer['lan6']} via {peer['tun6']}
"""
    x = s.lower()
    gw_ns = lab.netns(f"gw{x}")
    host = lab.netns(f"host{x}", ipv6=True)
    wan_if, lan_if = f"g{x}-wan", f"g{x}-lan"
    gw = Gateway(lab.greway(binary, gw_ns, conf, taps=(wan_if, lan_if), name=f"gw{s}"), ctl)
    (tun,) = gw.json("tunnel", "show", "gre1")
    lab.move_tap(gw_ns, wan_if, r, me["r_mac"],
                 [f"{me['wan6_gw']}/64"] if underlay == "ip6" else [f"{me['wan_gw']}/24"],
                 mtu=wan_mtu, ipv6=True)
    lab.move_tap(gw_ns, lan_if, host, me["host_mac"],
                 [f"{me['host']}/24", f"{me['host6']}/64"], mtu=max(tun["mtu"], 1280), ipv6=True)
    host.ip("route", "add", "default", "via", me["lan_gw"])
    host.ip("-6", "route", "add", "default", "via", me["lan6_gw"])
    return gw, host


def first_ping(src, dst, timeout=30):
    """One ping until dst answers once (ND/ARP on every hop)."""
    wait_for(lambda: src.run("ping", "-n", "-c", 1, "-W", 1, dst, check=False).returncode == 0,
             timeout, f"{dst} to answer a ping from {src}", interval=0)


@pytest.fixture
def wan_mtu_a():
    """gwA's WAN MTU (both ends of its link to the router): default 1500."""
    return None


@pytest.fixture
def sites(lab, greway_bin, ctl_bin, underlay, wan_mtu_a):
    for tool in ("ping", "nc", "ss"):
        require_tool(tool)
    r = lab.netns("r", ipv6=True)
    r.sysctl("net.ipv4.ip_forward", 1)
    r.sysctl("net.ipv6.conf.all.forwarding", 1)
    gw_a, host_a = gateway(lab, greway_bin, ctl_bin, r, "A", underlay, wan_mtu=wan_mtu_a)
    gw_b, host_b = gateway(lab, greway_bin, ctl_bin, r, "B", underlay)
    p = SimpleNamespace(lab=lab, r=r, gw_a=gw_a, gw_b=gw_b, host_a=host_a, host_b=host_b,
                        underlay=underlay)
    return p


def state(p):
    return "\n".join(gw.state() for gw in (p.gw_a, p.gw_b))


def assert_no_bad_drops(p):
    for gw in (p.gw_a, p.gw_b):
        bad = {k: v for k, v in gw.stats()["drops"].items() if k in MUST_BE_ZERO and v}
        assert not bad, f"{gw.name} dropped packets: {bad}\n{state(p)}"


def ping_ok(p, src, dst, count=10):
    cp, loss = src.ping(dst, count=count, interval=0.1)
    assert loss == 0, f"ping {dst} from {src}:\n{cp.stdout}{cp.stderr}{state(p)}"
    return cp


def linux_neigh(ns, addr, dev):
    """A Linux namespace's neighbour entry for addr on dev (ip -j neigh), or {}."""
    entries = json.loads(ns.ip("-j", "-6", "neigh", "show", addr, "dev", dev).stdout or "[]")
    return entries[0] if entries else {}


def capture(p, ifname):
    """tcpdump of the underlay's GRE on the router's interface ifname; returns
    a function that stops it and decodes what it saw: (outer source, GRE
    protocol, key) per packet, by tshark."""
    pcap, log = p.lab.dir / f"{ifname}.pcap", p.lab.dir / f"{ifname}.tcpdump.log"
    filt = "ip6 proto 47" if p.underlay == "ip6" else "ip proto 47"
    with open(log, "w") as err:
        cap = p.lab.popen(p.r, ["tcpdump", "-n", "-U", "--immediate-mode", "-s", "128",
                                "-i", ifname, "-w", pcap, filt],
                          stdout=subprocess.DEVNULL, stderr=err)
    wait_for(lambda: "listening on" in log.read_text(), 10, "tcpdump to start")

    def stop():
        time.sleep(0.3)
        stop_process(cap, sig=signal.SIGINT)
        src = "ipv6.src" if p.underlay == "ip6" else "ip.src"
        out = sh(["tshark", "-r", pcap, "-Y", "gre", "-T", "fields", "-E", "separator=|",
                  "-E", "occurrence=f", "-e", src, "-e", "gre.proto", "-e", "gre.key"]).stdout
        return [tuple(line.split("|")) for line in out.splitlines() if line]

    return stop


@pytest.mark.parametrize("underlay", ["ip6", "ip4"])
def test_ping_both_families(sites):
    """IPv4 and IPv6 between the hosts, both ways, and to the far tunnel
    addresses; every packet counted by both tunnels; on the wire between the
    router and gwB, GRE over the underlay's family from both gateways, with
    the key, protocol 0x0800 and 0x86dd."""
    p = sites
    for tool in ("tcpdump", "tshark"):
        require_tool(tool)
    first_ping(p.host_a, B["host6"])
    first_ping(p.host_b, A["host"])
    first_ping(p.host_a, B["host"])
    stop = capture(p, "gb-wan")
    before = {gw: gw.tunnel() for gw in (p.gw_a, p.gw_b)}
    for src, dst in ((p.host_a, B["host"]), (p.host_b, A["host"]),
                     (p.host_a, B["host6"]), (p.host_b, A["host6"])):
        ping_ok(p, src, dst, count=5)
    for src, peer in ((p.host_a, B), (p.host_b, A)):
        for dst in (peer["tun"], peer["tun6"]):
            cp = ping_ok(p, src, dst, count=3)
            # one greway hop, then the far greway's own TTL / hop limit 64
            assert re.search(r"(ttl|hlim)=63 ", cp.stdout), cp.stdout
    for gw in (p.gw_a, p.gw_b):
        tun, old = gw.tunnel(), before[gw]
        # each gateway, each way: 2 x 5 echo requests or replies of each
        # family between the hosts, and 2 x 3 of each with the far gateway
        for k in ("tx_packets", "rx_packets"):
            assert tun[k] - old[k] >= 32, (gw.name, k, tun, old)
    assert_no_bad_drops(p)

    pkts = stop()
    wan = "wan6" if p.underlay == "ip6" else "wan"
    for me in (A, B):
        sent = [x for x in pkts if x[0] == me[wan]]
        assert len(sent) >= 32, (me[wan], len(sent), pkts[:5])
        assert {x[1] for x in sent} == {"0x0800", "0x86dd"}, (me[wan], {x[1] for x in sent})
        assert {int(x[2], 0) for x in sent} == {KEY}, (me[wan], sent[:5])


@pytest.mark.parametrize("underlay", ["ip6", "ip4"])
def test_tcp_both_families(sites, workdir):
    """TCP over IPv4 and over IPv6, each way, content checked end to end."""
    p = sites
    first_ping(p.host_a, B["host6"])
    first_ping(p.host_a, B["host"])
    before = {gw: gw.tunnel() for gw in (p.gw_a, p.gw_b)}
    port = 5001
    for src, dst, ip in ((p.host_a, p.host_b, B["host6"]), (p.host_b, p.host_a, A["host6"]),
                         (p.host_a, p.host_b, B["host"]), (p.host_b, p.host_a, A["host"])):
        secs, sent, got, size = transfer(p.lab, src, dst, ip, SIZE, workdir, port=port)
        port += 1
        print(f"{src} -> {ip}: {size} bytes in {secs:.2f} s "
              f"({size * 8 / secs / 1e6:.0f} Mbit/s)")
        assert size == SIZE, f"{src} -> {ip}: received {size} of {SIZE} bytes\n{state(p)}"
        assert got == sent, f"{src} -> {ip}: content differs"
    for gw in (p.gw_a, p.gw_b):
        tun, old = gw.tunnel(), before[gw]
        # each gateway encapsulated two streams and decapsulated two
        for k in ("tx_bytes", "rx_bytes"):
            assert tun[k] - old[k] >= 2 * SIZE, (gw.name, k, tun, old)
    assert_no_bad_drops(p)


def linklocals(me):
    """greway's link-local addresses on its LAN (port1) and WAN (port0) ports."""
    return eui64_linklocal(me["lan_mac"]), eui64_linklocal(me["wan_mac"])


def solicit(ns, dst, dev):
    """Make Linux resolve dst on dev afresh (a ping: its NS, greway's NA); the entry
    it learned. (An entry Linux made from greway's own NS is STALE, without the
    router flag, until an NA confirms it: it is deleted first.)"""
    ns.ip("-6", "neigh", "del", dst, "dev", dev, check=False)

    def resolved():
        ns.run("ping", "-n", "-c", 1, "-W", 1, f"{dst}%{dev}" if dst.startswith("fe80") else dst,
               check=False)
        e = linux_neigh(ns, dst, dev)
        return e if e.get("lladdr") else None

    return wait_for(resolved, 20, f"{ns} to resolve {dst} on {dev}", interval=0)


@pytest.mark.parametrize("underlay", ["ip6"])
def test_nd_resolution(sites):
    """Neighbour discovery against Linux: greway learns its underlay next hop
    and its host by ND (no static neighbour), Linux learns greway's MAC with
    the router flag from its NAs, for greway's global and link-local
    addresses, and those addresses answer ping (the LAN port's link-local:
    test_ping_lan_linklocal)."""
    p = sites
    first_ping(p.host_a, B["host6"])
    first_ping(p.host_b, A["host6"])
    for gw, host, me, x in ((p.gw_a, p.host_a, A, "a"), (p.gw_b, p.host_b, B, "b")):
        lan_if, wan_if = f"g{x}-lan", f"g{x}-wan"
        ll_lan, ll_wan = linklocals(me)
        # greway's link-local addresses, as addr show lists them
        addrs = {(a["dev"], a["local"]): a for a in gw.json("addr", "show")}
        for dev, ll in (("port0", ll_wan), ("port1", ll_lan)):
            assert addrs.get((dev, ll), {}).get("scope") == "link", (gw.name, dev, ll, addrs)

        # Linux learned greway's MAC from NAs with the router flag, global and link-local
        for ns, addr, dev, mac in ((host, me["lan6_gw"], lan_if, me["lan_mac"]),
                                   (host, ll_lan, lan_if, me["lan_mac"]),
                                   (p.r, me["wan6"], wan_if, me["wan_mac"]),
                                   (p.r, ll_wan, wan_if, me["wan_mac"])):
            e = solicit(ns, addr, dev)
            assert e.get("lladdr") == mac, (f"{ns}: {addr} dev {dev}", e)
            assert "router" in e, (f"{ns}: greway's NA for {addr} lacks the router flag", e)
            text = ns.ip("-6", "neigh", "show", addr, "dev", dev).stdout
            assert re.search(rf"lladdr {mac} router ", text), text

        # the host and the router ping greway's global addresses, the router its link-local
        for ns, dst in ((host, me["lan6_gw"]), (p.r, me["wan6"]), (p.r, f"{ll_wan}%{wan_if}")):
            cp = ping_ok(p, ns, dst, count=5)
            assert re.search(r"(ttl|hlim)=64 ", cp.stdout), cp.stdout

        # greway learned its next hop and its host (both of its addresses) by ND
        neigh = gw.neighbours()
        for addr, dev, mac in ((me["wan6_gw"], "port0", me["r_mac"]),
                               (me["host6"], "port1", me["host_mac"]),
                               (eui64_linklocal(me["host_mac"]), "port1", me["host_mac"])):
            e = neigh.get((addr, dev))
            assert e is not None, f"{gw.name} has no neighbour {addr} dev {dev}\n{state(p)}"
            assert e.get("lladdr") == mac and e["state"] == "REACHABLE", (gw.name, e)
        assert not [e for e in neigh.values() if e["state"] == "PERMANENT"], neigh
        text = gw.cli("neigh", "show").stdout
        assert f"{me['wan6_gw']} dev port0 lladdr {me['r_mac']} REACHABLE" in text, text
    assert_no_bad_drops(p)


@pytest.mark.parametrize("underlay", ["ip6"])
def test_ping_lan_linklocal(sites):
    """The host pings greway's link-local address on its LAN port (port1):
    the reply leaves by port1, to the host's link-local address, and greway
    learns no neighbour for that address on another port."""
    p = sites
    ll_lan, _ = linklocals(A)
    solicit(p.host_a, ll_lan, "ga-lan")
    cp, loss = p.host_a.ping(f"{ll_lan}%ga-lan", count=5, interval=0.1, patient=False)
    assert loss == 0, f"ping {ll_lan}%ga-lan from hostA:\n{cp.stdout}{cp.stderr}{state(p)}"
    assert re.search(r"(ttl|hlim)=64 ", cp.stdout), cp.stdout
    host_ll = eui64_linklocal(A["host_mac"])
    wrong = {k: v for k, v in p.gw_a.neighbours().items() if k[0] == host_ll and k[1] != "port1"}
    assert not wrong, f"gwA resolves the host's link-local address elsewhere: {wrong}"


def ping_replies(p, src, dst, size, count=5, deadline=20):
    """ping -M do -s size: count replies (a lost one is waited for, up to
    deadline seconds); the output."""
    cp = src.run("ping", "-n", "-c", count, "-i", 0.2, "-W", 1, "-w", deadline, "-M", "do",
                 "-s", size, dst, check=False, timeout=deadline + 20)
    m = re.search(r"(\d+) received", cp.stdout)
    assert m and int(m.group(1)) >= count, f"ping -s {size} {dst} from {src}:\n" \
        f"{cp.stdout}{cp.stderr}{state(p)}"
    return cp


def tshark(pcap, filt, *fields):
    out = sh(["tshark", "-r", pcap, "-Y", filt, "-T", "fields", "-E", "separator=|",
              "-E", "occurrence=a", "-E", "aggregator=,",
              *[a for f in fields for a in ("-e", f)]]).stdout
    return [line.split("|") for line in out.splitlines() if line]


def captures(p, where, filt="ip6"):
    """tcpdump on each (namespace, interface) of where; returns a function that
    stops them all and gives {interface: pcap path}."""
    caps = {}
    for ns, ifc in where:
        pcap, log = p.lab.dir / f"{ifc}.pcap", p.lab.dir / f"{ifc}.log"
        with open(log, "w") as err:
            caps[ifc] = (p.lab.popen(ns, ["tcpdump", "-n", "-U", "--immediate-mode", "-s", "200",
                                          "-i", ifc, "-w", pcap, filt],
                                     stdout=subprocess.DEVNULL, stderr=err), pcap)
        wait_for(lambda: "listening on" in log.read_text(), 10, "tcpdump to start")

    def stop():
        time.sleep(0.3)
        for cap, _ in caps.values():
            stop_process(cap, sig=signal.SIGINT)
        return {ifc: pcap for ifc, (_, pcap) in caps.items()}

    return stop


@pytest.mark.parametrize("underlay,wan_mtu_a", [("ip6", 1300)])
def test_outer_fragmented_to_1280(sites):
    """gwA's underlay MTU is 1300 < 1280 + 48 (IPv6 + GRE + key): its tunnel's
    MTU is 1252, its IPv6 MTU 1280 (RFC 8200 §5). hostA's 1280-byte IPv6
    packets are encapsulated whole and the outer packets fragmented (RFC 2473
    §7.1); gwB reassembles them, hostB receives them whole. hostB's 1280-byte
    replies leave gwB whole (its own link is 1500): the router answers with
    Packet Too Big (MTU 1300) and gwB learns that path MTU (`tunnel show`:
    pmtu 1300, mtu 1252). (Whether the replies then cross:
    test_outer_fragmented_to_path_mtu.)"""
    p = sites
    for tool in ("tcpdump", "tshark"):
        require_tool(tool)
    (tun,) = p.gw_a.json("tunnel", "show", "gre1")
    assert tun["mtu"] == 1300 - 48, tun
    first_ping(p.host_a, B["host6"])
    stop = captures(p, ((p.r, "ga-wan"), (p.r, "gb-wan"), (p.host_b, "gb-lan")))
    p.host_a.ping(B["host6"], count=5, interval=0.2, size=1280 - 48, patient=False)
    pcaps = stop()

    # hostB received 1280-byte echo requests, whole: no fragment header
    reqs = tshark(pcaps["gb-lan"], "icmpv6.type == 128", "ipv6.plen", "ipv6.nxt")
    assert len(reqs) == 5 and all(r == ["1240", "58"] for r in reqs), reqs
    # between gwA and the router: gwA's GRE in fragments of at most 1300 bytes
    frags = tshark(pcaps["ga-wan"], f"ipv6.src == {A['wan6']} and ipv6.fraghdr",
                   "ipv6.plen", "ipv6.fraghdr.nxt")
    assert len(frags) == 10, frags
    assert all(int(f[0]) + 40 <= 1300 and f[1] == "47" for f in frags), frags
    whole = tshark(pcaps["ga-wan"], f"ipv6.src == {A['wan6']} and frame.len > 1314", "frame.len")
    assert not whole, whole

    # the router told gwB about its 1300-byte link, and gwB learned the path MTU
    ptb = tshark(pcaps["gb-wan"], f"icmpv6.type == 2 and ipv6.dst == {B['wan6']}",
                 "icmpv6.mtu")
    assert ptb and all(x == ["1300"] for x in ptb), ptb
    (tun_b,) = p.gw_b.json("tunnel", "show", "gre1")
    assert tun_b.get("pmtu") == 1300 and tun_b["mtu"] == 1300 - 48, tun_b
    assert f"mtu {1300 - 48} " in p.gw_b.cli("tunnel", "show", "gre1").stdout
    assert p.gw_a.stats()["drops"]["too_big"] == 0


@pytest.mark.parametrize("underlay,wan_mtu_a", [("ip6", 1300)])
def test_outer_fragmented_to_path_mtu(sites):
    """Once gwB has learned the path MTU of 1300 (test_outer_fragmented_to_1280),
    1280-byte IPv6 packets cross both ways: gwB fragments its outer packets
    to the path MTU as gwA does to its port's."""
    p = sites
    for tool in ("tcpdump", "tshark"):
        require_tool(tool)
    first_ping(p.host_a, B["host6"])
    # hostB's 1280-byte reply teaches gwB the path MTU (the router's Packet Too Big)
    p.host_a.ping(B["host6"], count=1, size=1280 - 48, patient=False)
    wait_for(lambda: p.gw_b.json("tunnel", "show", "gre1")[0].get("pmtu") == 1300, 5,
             "gwB to learn the path MTU 1300")
    stop = captures(p, ((p.r, "gb-wan"),))
    try:
        cp = ping_replies(p, p.host_a, B["host6"], 1280 - 48, count=3, deadline=4)
        assert "1240 bytes from" in cp.stdout, cp.stdout
        ping_replies(p, p.host_b, A["host6"], 1280 - 48, count=3, deadline=4)
    finally:
        pcaps = stop()
    big = tshark(pcaps["gb-wan"], f"ipv6.src == {B['wan6']} and frame.len > 1314", "frame.len")
    assert not big, f"gwB sent outer packets bigger than the path MTU: {big}"


@pytest.mark.parametrize("underlay,wan_mtu_a", [("ip6", 1300)])
def test_outer_fragment_identification(sites):
    """Each fragmented outer packet of gwA has an Identification of its own."""
    p = sites
    for tool in ("tcpdump", "tshark"):
        require_tool(tool)
    first_ping(p.host_a, B["host6"])
    stop = captures(p, ((p.r, "ga-wan"),))
    p.host_a.ping(B["host6"], count=5, interval=0.1, size=1280 - 48, patient=False)
    pcaps = stop()
    frags = tshark(pcaps["ga-wan"], f"ipv6.src == {A['wan6']} and ipv6.fraghdr",
                   "ipv6.fraghdr.ident", "ipv6.fraghdr.offset")
    assert len(frags) == 10, frags
    firsts = [ident for ident, off in frags if off == "0"]
    assert len(set(firsts)) == len(firsts) == 5, f"fragment identifications: {frags}"


@pytest.mark.parametrize("underlay", ["ip6"])
def test_packet_too_big_to_inner_source(sites):
    """hostB (MTU 1500) sends IPv6 with DF semantics (ping -M do) bigger than
    gwB's tunnel (1452): gwB answers with an ICMPv6 Packet Too Big, MTU 1452,
    from its LAN address; Linux takes the path MTU (ip route get) and what
    fits crosses."""
    p = sites
    (tun,) = p.gw_b.json("tunnel", "show", "gre1")
    mtu6 = tun["mtu"]
    assert mtu6 == 1500 - 48, tun
    p.host_b.ip("link", "set", "gb-lan", "mtu", 1500)
    first_ping(p.host_b, A["host6"])
    before = p.gw_b.stats()["drops"]["too_big"]
    cp = p.host_b.run("ping", "-n", "-c", 3, "-i", 0.2, "-W", 1, "-M", "do", "-s", 1500 - 48,
                      A["host6"], check=False)
    assert f"From {B['lan6_gw']} icmp_seq=1 Packet too big: mtu={mtu6}" in cp.stdout, \
        cp.stdout + cp.stderr + state(p)
    route = p.host_b.ip("-6", "route", "get", A["host6"]).stdout
    assert f" mtu {mtu6} " in route, route
    assert p.gw_b.stats()["drops"]["too_big"] - before >= 1
    # the largest that fits crosses whole
    cp = ping_replies(p, p.host_b, A["host6"], mtu6 - 48, count=3)
    assert f"{mtu6 - 40} bytes from" in cp.stdout, cp.stdout
