# SPDX-License-Identifier: BSD-3-Clause
"""A hub and three spokes: greway as the hub concentrator, two greway spokes, one OVS spoke.

                                  hostH 10.16.0.2
                                      |  10.16.0.0/24
                                  hub (greway)  192.0.2.1/26
                                      |
    host1 -- spoke1 (greway) ---- router ---- spoke3 (OVS) -- host3
    10.16.1.2  198.51.100.1/26        |        192.0.2.65/26    10.16.3.2
                                  spoke2 (greway)  203.0.113.1/26
                                      |
                                  host2 10.16.2.2

The router namespace joins four underlay /26s (its own address in each is .62
or .126, the last of the /26). Every spoke has one ordinary point-to-point
GRE tunnel, key 100, to the hub's 192.0.2.1: the greway spokes
`tunnel add gre1 mode gre local WAN remote 192.0.2.1 key 100` with
172.16.10.N/24 on it and `route add 10.16.0.0/16 dev gre1`; the OVS spoke an
L3 GRE port (ovs.py GrePeer, packet_type=legacy_l3) that sends everything its
host sends into the tunnel. Spoke-to-spoke traffic crosses the hub: decap,
route, encap into the other spoke's tunnel (the hub's hairpin).

The hub is configured per variant:

  p2p   three ordinary point-to-point tunnels gre1..gre3, one per spoke, each
        key 100 from the same local address, and one route per spoke LAN.
  mgre  one multipoint tunnel, iproute2 style:
            tunnel add mgre0 mode gre local 192.0.2.1 remote any key 100
            addr add 172.16.10.1/24 dev mgre0
            neigh add 172.16.10.N lladdr SPOKE_WAN dev mgre0
            route add 10.16.N.0/24 via 172.16.10.N dev mgre0
            route add 224.0.0.0/4 dev mgre0

What a user sees and the tests check:
  - every pair of the four sites pings (spoke <-> spoke through the hub), and
    TCP transfers with equal sha256 at both ends: two spoke pairs (greway <->
    greway, greway <-> OVS) and spoke <-> hub LAN both ways (both variants);
  - learning (mgre): with `tunnel change mgre0 learn on` and no mapping for
    spoke1, spoke1's host talking to the hub LAN makes `neigh show dev mgre0`
    list a LEARNED entry for that host (lladdr = spoke1's underlay address),
    and the hub LAN reaches it; after spoke1 moves to a new underlay address,
    traffic recovers and the entry follows it;
  - multicast (mgre): a UDP datagram to 239.1.1.1 sent by the hub LAN's host,
    then by the OVS spoke's, arrives exactly once at each other spoke's host
    and never back at the sender's site; a capture of the hub's underlay link
    shows one GRE copy per other spoke. The greway spokes route the group to
    their LAN (`route add 224.0.0.0/4 dev port1`): greway routes a group to
    one interface, it has no multicast routing protocol;
  - NAT (mgre, learn on): spoke1 behind a NAT router namespace that
    masquerades its underlay address (192.0.2.129, on the NAT's inside /26
    192.0.2.128/26, which the router does not route) to the NAT's public
    198.51.100.10 (on a veth to the router, 198.51.100.62 its gateway); the
    hub has no mapping for it. Its host reaches the hub LAN and the other
    spokes; the hub learns that host behind 198.51.100.10 (never the inside
    address) and the hub LAN, the other spokes and TCP both ways reach it
    through the NAT's binding; spoke1's own keepalives (keepalive 1 3) come
    back reflected by the hub to the NAT's address and it shows peer up;
  - keepalives (mgre, keepalive 1 3): the greway spokes answer and show up
    with a round trip in `neigh show`; a spoke whose tunnel goes down is
    marked down and the route to its LAN leaves the FIB (linkdown) while the
    others stay; it comes back when the spoke answers again.
"""
import json
import os
import re
import signal
import subprocess
import time
from types import SimpleNamespace

import pytest

from conftest import require_tool
from netns import sh, stop_process, transfer, wait_for, warm_up
from ovs import GrePeer

KEY = 100
SIZE = 3 * 1024 * 1024
MTU = 1500 - 20 - 4 - 4   # inner MTU of GRE with a key over a 1500 underlay
GROUP = "239.1.1.1"
MC_PORT = 5400

HUB = {"wan": "192.0.2.1", "wan_gw": "192.0.2.62", "plen": 26, "wan_mac": "02:00:00:10:00:01",
       "r_mac": "02:00:00:10:00:fe", "lan_gw": "10.16.0.1", "host": "10.16.0.2",
       "lan": "10.16.0.0/24", "lan_mac": "02:00:00:10:01:01", "host_mac": "02:00:00:10:01:02",
       "tun": "172.16.10.1"}
# spoke n: LAN 10.16.n.0/24, overlay 172.16.10.(n+1)
SPOKES = {
    1: {"kind": "greway", "wan": "198.51.100.1", "wan_gw": "198.51.100.62"},
    2: {"kind": "greway", "wan": "203.0.113.1", "wan_gw": "203.0.113.62"},
    3: {"kind": "ovs", "wan": "192.0.2.65", "wan_gw": "192.0.2.126"},
}
for _n, _s in SPOKES.items():
    _s.update(lan=f"10.16.{_n}.0/24", lan_gw=f"10.16.{_n}.1", host=f"10.16.{_n}.2",
              tun=f"172.16.10.{_n + 1}", wan_mac=f"02:00:00:1{_n}:00:01",
              r_mac=f"02:00:00:1{_n}:00:fe", lan_mac=f"02:00:00:1{_n}:01:01",
              host_mac=f"02:00:00:1{_n}:01:02")
SPOKE1_NEW_WAN = "198.51.100.2"  # spoke1's address after it moves (same /26)
# spoke1 behind a NAT (test_mgre_spoke_behind_nat): its underlay address is
# on the NAT router's inside /26, which nothing outside routes to; the NAT
# router masquerades it to its own public address on 198.51.100.0/26, where
# the router's .62 (spoke1's gateway otherwise) is its gateway
NAT = {"inside": "192.0.2.129", "inside_gw": "192.0.2.190", "inside_net": "192.0.2.128/26",
       "public": "198.51.100.10", "public_gw": "198.51.100.62", "out_if": "nat-out"}

# greway drop reasons that mean a bug on this clean wire
MUST_BE_ZERO = ("ip_header", "ip_csum", "gre_short", "gre_version", "gre_flags", "gre_proto",
                "gre_csum", "gre_csum_missing", "gre_seq_missing", "gre_seq_old", "no_tunnel",
                "key_mismatch", "inner_header", "too_big", "no_headroom", "punt_full",
                "tx_full")

VARIANTS = [pytest.param("p2p", id="p2p"), pytest.param("mgre", id="mgre")]


def tool_checks():
    for tool in ("ovs-vsctl", "ovsdb-server", "ovs-ofctl", "ovs-appctl", "ovsdb-tool", "tcpdump",
                 "ping", "nc", "ss", "ethtool"):
        require_tool(tool)
    if not os.access("/usr/lib/openvswitch-switch/ovs-vswitchd", os.X_OK):
        pytest.skip("/usr/lib/openvswitch-switch/ovs-vswitchd is missing "
                    "(openvswitch-switch; scripts/deps.sh installs it)")


def underlay_routes(via, nets):
    return "".join(f"route add {net} via {via}\n" for net in nets)


def hub_conf(variant, unmapped=(), mgre_opts=""):
    """The hub's startup file. unmapped: spokes (mgre) with a plain device
    route and no neigh mapping, left to learning; mgre_opts: more words for
    mgre0's tunnel add (e.g. "learn on")."""
    h = HUB
    conf = f"""# greway, the hub ({variant})
link set port0 address {h['wan_mac']}
link set port1 address {h['lan_mac']}
addr add {h['wan']}/{h['plen']} dev port0
addr add {h['lan_gw']}/24 dev port1
"""
    conf += underlay_routes(h["wan_gw"], ("198.51.100.0/24", "203.0.113.0/24", "192.0.2.64/26"))
    if variant == "p2p":
        for n, s in SPOKES.items():
            conf += (f"tunnel add gre{n} mode gre local {h['wan']} remote {s['wan']} key {KEY}\n"
                     f"route add {s['lan']} dev gre{n}\n")
        return conf
    conf += (f"tunnel add mgre0 mode gre local {h['wan']} remote any key {KEY}"
             f"{' ' + mgre_opts if mgre_opts else ''}\n"
             f"addr add {h['tun']}/24 dev mgre0\n")
    for n, s in SPOKES.items():
        if n in unmapped:
            conf += f"route add {s['lan']} dev mgre0\n"
        else:
            conf += (f"neigh add {s['tun']} lladdr {s['wan']} dev mgre0\n"
                     f"route add {s['lan']} via {s['tun']} dev mgre0\n")
    conf += "route add 224.0.0.0/4 dev mgre0\n"
    return conf


def spoke_conf(n, variant, wan=None, wan_gw=None, tun_opts=""):
    """Spoke n's startup file; wan, wan_gw: its underlay address and gateway
    when not SPOKES[n]'s (behind a NAT); tun_opts: more words for gre1."""
    s = dict(SPOKES[n], **{k: v for k, v in (("wan", wan), ("wan_gw", wan_gw)) if v})
    opts = f" {tun_opts}" if tun_opts else ""
    conf = f"""# greway, spoke {n}
link set port0 address {s['wan_mac']}
link set port1 address {s['lan_mac']}
addr add {s['wan']}/26 dev port0
addr add {s['lan_gw']}/24 dev port1
route add 192.0.2.0/26 via {s['wan_gw']}
tunnel add gre1 mode gre local {s['wan']} remote {HUB['wan']} key {KEY}{opts}
addr add {s['tun']}/24 dev gre1
route add 10.16.0.0/16 dev gre1
"""
    if variant == "mgre":
        # a group is routed to one interface: these spokes receive, onto their LAN
        conf += "route add 224.0.0.0/4 dev port1\n"
    return conf


def ctl(ctl_bin, gw, *words, check=True):
    cp = sh([ctl_bin, "-s", str(gw.sock), *map(str, words)], check=False)
    if check:
        assert cp.returncode == 0, f"grewayctl {' '.join(map(str, words))}: {cp.stderr}{cp.stdout}"
    return cp


def greway_gateway(lab, binary, r, name, conf, site, r_prefix):
    """greway in namespace `name` with its WAN tap in the router (r_prefix there)
    and its LAN tap as the interface of host namespace "h<name>"."""
    ns = lab.netns(name)
    host = lab.netns(f"h{name}")
    wan, lan = f"{name}-wan", f"{name}-lan"
    gw = lab.greway(binary, ns, conf, taps=(wan, lan), name=name)
    lab.move_tap(ns, wan, r, site["r_mac"], r_prefix)
    # net_tap leaves the tap's tx checksum offload off: the host sends full checksums
    lab.move_tap(ns, lan, host, site["host_mac"], f"{site['host']}/24", mtu=MTU)
    host.ip("route", "add", "default", "via", site["lan_gw"])
    host.ifname = lan
    return gw, host


def ovs_spoke(lab, r, n):
    s = SPOKES[n]
    ns = lab.netns(f"ovs{n}")
    host = lab.netns(f"hspoke{n}")
    lab.veth(r, f"r{n}", ns, f"v{n}")
    r.ip("addr", "add", f"{s['wan_gw']}/26", "dev", f"r{n}")
    r.ip("link", "set", f"r{n}", "up")
    lab.veth(ns, "hostp", host, f"h{n}")
    host.ip("link", "set", f"h{n}", "address", s["host_mac"], "mtu", MTU)
    host.ip("addr", "add", f"{s['host']}/24", "dev", f"h{n}")
    host.ip("link", "set", f"h{n}", "up")
    host.ip("route", "add", "default", "via", s["lan_gw"])
    # OVS's AF_PACKET socket does not finish partial checksums (ovs-peer.md)
    host.run("ethtool", "-K", f"h{n}", "tx", "off")
    host.ifname = f"h{n}"
    ovs = GrePeer(lab, ns, f"ovs{n}", uplink=f"v{n}", local=s["wan"], plen=26, remote=HUB["wan"],
                  underlay_gw=s["wan_gw"], phy_mac=s["wan_mac"], hostp="hostp",
                  host_mac=s["host_mac"], host_gw=s["lan_gw"], host_gw_mac=s["lan_mac"],
                  gre_options={"key": KEY})
    return ovs, host


NAT_RULES = """
table ip nat {{
    chain postrouting {{
        type nat hook postrouting priority srcnat; policy accept;
        oifname "{out_if}" ip saddr {inside_net} masquerade
    }}
}}
"""


def nat_router(lab, r):
    """The NAT router namespace: its outside interface on a veth to r with
    NAT["public"], masquerading NAT["inside_net"] (nftables, in the namespace:
    the rules go with it). The inside link is left to the caller."""
    nat = lab.netns("nat")
    nat.sysctl("net.ipv4.ip_forward", 1)
    lab.veth(r, "r-nat", nat, NAT["out_if"])
    r.ip("addr", "add", f"{NAT['public_gw']}/26", "dev", "r-nat")
    r.ip("link", "set", "r-nat", "up")
    nat.ip("addr", "add", f"{NAT['public']}/26", "dev", NAT["out_if"])
    nat.ip("link", "set", NAT["out_if"], "up")
    nat.ip("route", "add", "default", "via", NAT["public_gw"])
    cp = nat.run("nft", "-f", "-", input=NAT_RULES.format(**NAT), check=False)
    if cp.returncode != 0:
        pytest.skip(f"this kernel cannot NAT in a namespace (nft masquerade: "
                    f"{cp.stderr.strip()})")
    return nat


def build(lab, greway_bin, variant, unmapped=(), hub_opts="", nat=None, spoke_opts=None):
    """The whole topology; returns it with hosts keyed "hub", 1, 2, 3.

    hub_opts: more words for the hub's mgre0; nat: a greway spoke (1 or 2)
    behind the NAT router (nat_router) instead of on the router, with
    NAT["inside"] as its underlay address; spoke_opts: {n: more words for
    greway spoke n's gre1}."""
    spoke_opts = spoke_opts or {}
    tool_checks()
    if nat:
        require_tool("nft")
    r = lab.netns("r")
    r.sysctl("net.ipv4.ip_forward", 1)
    hub, hub_host = greway_gateway(lab, greway_bin, r, "hub",
                                   hub_conf(variant, unmapped, hub_opts), HUB,
                                   f"{HUB['wan_gw']}/{HUB['plen']}")
    gws, hosts = {"hub": hub}, {"hub": hub_host}
    nat_ns = nat_router(lab, r) if nat else None
    for n in (1, 2):
        # behind the NAT: its WAN tap on the NAT router's inside, a private address
        up, wan = (nat_ns, {"wan": NAT["inside"], "wan_gw": NAT["inside_gw"]}) if n == nat \
            else (r, {})
        conf = spoke_conf(n, variant, tun_opts=spoke_opts.get(n, ""), **wan)
        gw_prefix = f"{wan.get('wan_gw', SPOKES[n]['wan_gw'])}/26"
        gws[n], hosts[n] = greway_gateway(lab, greway_bin, up, f"spoke{n}", conf, SPOKES[n],
                                          gw_prefix)
    ovs, hosts[3] = ovs_spoke(lab, r, 3)
    ips = {"hub": HUB["host"], **{n: SPOKES[n]["host"] for n in SPOKES}}
    return SimpleNamespace(lab=lab, router=r, gws=gws, hosts=hosts, ovs=ovs, ips=ips,
                           variant=variant, nat=nat_ns)


def state(t):
    """Every gateway's counters, for failure messages."""
    out = []
    for name, gw in t.gws.items():
        c = gw.counters()
        drops = {k: v for k, v in c["drop"].items() if v}
        out.append(f"{gw.name}: tunnel {c['tunnel']} drops {drops}")
    out.append(f"ovs drops: {t.ovs.coverage_drops()}")
    return "\n".join(out)


def ping_ok(t, src, dst_ip, count=5):
    cp, loss = t.hosts[src].ping(dst_ip, count=count, interval=0.1)
    assert loss == 0, f"ping {dst_ip} from site {src}:\n{cp.stdout}{cp.stderr}\n{state(t)}"


@pytest.fixture
def topo(lab, greway_bin, variant):
    return build(lab, greway_bin, variant)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_site_pair_ping_and_tcp(topo, workdir):
    """Every pair of sites pings through the hub; TCP with equal sha256 on
    spoke<->spoke (greway<->greway, greway<->OVS) and spoke<->hub LAN."""
    t = topo
    sites = ["hub", 1, 2, 3]
    pairs = [(a, b) for i, a in enumerate(sites) for b in sites[i + 1:]]
    for a, b in pairs:
        warm_up(t.hosts[a], t.ips[b])
    for a, b in pairs:
        ping_ok(t, a, t.ips[b])
        ping_ok(t, b, t.ips[a])
    before = t.gws["hub"].counters()

    port = 5001
    for src, dst in ((1, 2), (2, 1), (3, 1), (2, 3), ("hub", 3), (1, "hub")):
        secs, sent, got, size = transfer(t.lab, t.hosts[src], t.hosts[dst], t.ips[dst], SIZE,
                                         workdir, port=port)
        port += 1
        print(f"site {src} -> site {dst}: {size} bytes in {secs:.2f} s")
        assert size == SIZE and got == sent, (
            f"site {src} -> {t.ips[dst]}: {size} of {SIZE} bytes, sha256 "
            f"{'matches' if got == sent else 'differs'}\n{state(t)}")

    # the hub decapsulated and encapsulated every spoke's stream
    after = t.gws["hub"].counters()
    tunnels = ["gre1", "gre2", "gre3"] if t.variant == "p2p" else ["mgre0"]
    for name in tunnels:
        tun, old = after["tunnel"][name], before["tunnel"][name]
        assert tun["rx_bytes"] - old["rx_bytes"] >= SIZE, (name, tun)
        assert tun["tx_bytes"] - old["tx_bytes"] >= SIZE, (name, tun)
    for name, gw in t.gws.items():
        c = gw.counters()
        bad = {k: v for k, v in c["drop"].items() if k in MUST_BE_ZERO and v}
        assert not bad, f"{gw.name} dropped packets: {bad}"
    assert not {k: v for k, v in t.ovs.coverage_drops().items() if v and "tunnel" in k}, \
        t.ovs.coverage_drops()


def neigh_json(ctl_bin, hub):
    cp = ctl(ctl_bin, hub, "-j", "neigh", "show", "dev", "mgre0")
    return json.loads(cp.stdout or "[]")


def neigh_entry(ctl_bin, hub, dst):
    for e in neigh_json(ctl_bin, hub):
        if e.get("dst") == dst:
            return e
    return None


def test_mgre_learning_follows_spoke(lab, greway_bin, ctl_bin):
    """learn on, no mapping for spoke1: its host's traffic installs a LEARNED
    entry (host -> spoke1's underlay); after spoke1 moves to a new underlay
    address, traffic recovers and the entry follows it."""
    t = build(lab, greway_bin, "mgre", unmapped=(1,))
    hub, s1 = t.gws["hub"], SPOKES[1]
    ctl(ctl_bin, hub, "tunnel", "change", "mgre0", "learn", "on")
    entries = neigh_json(ctl_bin, hub)
    assert not [e for e in entries if e.get("dst") == s1["host"]
                or e.get("lladdr") == s1["wan"]], entries

    warm_up(t.hosts[1], HUB["host"])
    ping_ok(t, 1, HUB["host"])
    e = neigh_entry(ctl_bin, hub, s1["host"])
    assert e is not None, f"no learned entry for {s1['host']}: {neigh_json(ctl_bin, hub)}"
    assert e.get("lladdr") == s1["wan"] and str(e.get("state")).upper() == "LEARNED", e
    assert e.get("dev") == "mgre0", e
    text = ctl(ctl_bin, hub, "neigh", "show", "dev", "mgre0").stdout
    assert re.search(rf"^{re.escape(s1['host'])} dev mgre0 lladdr {re.escape(s1['wan'])}\b.*"
                     r"\bLEARNED\b", text, re.M), text
    # the mapped spokes stay as configured
    for n in (2, 3):
        m = neigh_entry(ctl_bin, hub, SPOKES[n]["tun"])
        assert m and m.get("lladdr") == SPOKES[n]["wan"] and \
            str(m.get("state")).upper() == "PERMANENT", (n, m)
    ping_ok(t, "hub", s1["host"])

    # spoke1 moves to a new underlay address (same /26: the router needs no change)
    gw1 = t.gws[1]
    ctl(ctl_bin, gw1, "addr", "add", f"{SPOKE1_NEW_WAN}/26", "dev", "port0")
    ctl(ctl_bin, gw1, "tunnel", "change", "gre1", "local", SPOKE1_NEW_WAN)
    ctl(ctl_bin, gw1, "addr", "del", f"{s1['wan']}/26", "dev", "port0")
    warm_up(t.hosts[1], HUB["host"])
    ping_ok(t, 1, HUB["host"])

    def moved():
        x = neigh_entry(ctl_bin, hub, s1["host"])
        return x if x and x.get("lladdr") == SPOKE1_NEW_WAN else None

    try:
        e = wait_for(moved, 5, f"the learned entry of {s1['host']} to follow spoke1 to "
                     f"{SPOKE1_NEW_WAN}")
    except AssertionError as err:
        raise AssertionError(f"{err}: {neigh_json(ctl_bin, hub)}") from None
    assert str(e.get("state")).upper() == "LEARNED", e
    ping_ok(t, "hub", s1["host"])
    ping_ok(t, 2, s1["host"])


SEND_MC = """
import socket, sys
src, group, port, ttl = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
for payload in sys.argv[5:]:
    s.sendto(payload.encode(), (group, port))
"""


def start_capture(lab, ns, ifname, path, filt):
    log = path.with_suffix(".log")
    with open(log, "w") as err:
        proc = lab.popen(ns, ["tcpdump", "-n", "-U", "-Q", "in", "-i", ifname, "-w", path, filt],
                         stdout=subprocess.DEVNULL, stderr=err)
    wait_for(lambda: "listening on" in log.read_text(), 10, f"tcpdump on {ifname} in {ns}")
    return proc


def payloads(pcap, tag):
    """The UDP payloads (str) of a capture that start with tag, in order."""
    from scapy.all import UDP, rdpcap
    out = []
    for p in rdpcap(str(pcap)):
        if UDP in p:
            data = bytes(p[UDP].payload)
            if data.startswith(tag.encode()):
                out.append(data.decode(errors="replace"))
    return out


def test_mgre_multicast_replication(lab, greway_bin, run_id):
    """UDP to 239.1.1.1 from one site's host reaches each other spoke's host
    exactly once and never comes back to the sender's site."""
    require_tool("tcpdump")
    t = build(lab, greway_bin, "mgre")
    for n in SPOKES:  # ARP resolved on every hop of every spoke's path
        warm_up(t.hosts[n], HUB["host"])
        warm_up(t.hosts["hub"], t.ips[n])

    # senders: the hub's LAN (route 224.0.0.0/4 dev mgre0 on the hub), and the
    # OVS spoke, whose bridge sends its host's multicast into its tunnel; the
    # greway spokes route the group to their LAN (one interface per route)
    for sender in ("hub", 3):
        caps = {}
        for site, host in t.hosts.items():
            path = t.lab.dir / f"mc-{sender}-{site}.pcap"
            caps[site] = (start_capture(t.lab, host, host.ifname, path,
                                        f"udp and dst host {GROUP}"), path)
        # the hub's underlay link, as the router sees it: GRE from the hub
        wire = t.lab.dir / f"mc-{sender}-wire.pcap"
        caps["wire"] = (start_capture(t.lab, t.router, "hub-wan", wire,
                                      f"ip proto 47 and src host {HUB['wan']}"), wire)
        tag = f"hub-mc-{run_id}-{sender}-"
        sent = [f"{tag}{i}" for i in range(3)]
        t.hosts[sender].run("/usr/bin/python3", "-c", SEND_MC, t.ips[sender], GROUP, MC_PORT,
                            16, *sent)
        # let the copies arrive, then stop every capture (SIGINT flushes)
        time.sleep(2)
        got = {}
        for site, (proc, path) in caps.items():
            stop_process(proc, sig=signal.SIGINT)
            got[site] = payloads(path, tag) if path.exists() else []

        # what the hub put on its underlay, per spoke: from the outer destination
        from scapy.all import GRE, IP, UDP, rdpcap
        per_spoke = {n: [] for n in SPOKES}
        by_wan = {s["wan"]: n for n, s in SPOKES.items()}
        if wire.exists():
            for p in rdpcap(str(wire)):
                if GRE in p and IP in p[GRE] and UDP in p[GRE]:
                    data = bytes(p[GRE][UDP].payload).decode(errors="replace")
                    if data.startswith(tag) and p[IP].dst in by_wan:
                        per_spoke[by_wan[p[IP].dst]].append(data)
        msg = (f"sender {sender}: at the hosts {got}\nhub's GRE copies per spoke {per_spoke}"
               f"\n{state(t)}")
        for n in SPOKES:
            if n == sender:
                assert per_spoke[n] == [], "the hub sent the datagrams back to their spoke\n" + msg
            else:
                assert sorted(per_spoke[n]) == sent, \
                    f"the hub did not send spoke {n} one copy of each\n" + msg
        for site in t.hosts:
            if site == sender:
                assert got[site] == [], "the datagrams came back to their own site\n" + msg
            elif site == "hub":
                # route 224.0.0.0/4 dev mgre0 replicates to the spokes: the hub's
                # own LAN is not promised a copy, but never more than one
                assert len(got[site]) == len(set(got[site])), msg
            else:
                assert sorted(got[site]) == sent, f"site {site}: not each exactly once\n" + msg


def route_flags(ctl_bin, gw, dst):
    """The flags of route dst in `route show -j` (None: no such route)."""
    for r in json.loads(ctl(ctl_bin, gw, "-j", "route", "show").stdout or "[]"):
        if r.get("dst") == dst:
            return r.get("flags", [])
    return None


def test_mgre_keepalive_liveness(lab, greway_bin, ctl_bin):
    """keepalive 1 3 on the hub: every greway spoke answers (greway reflects
    keepalives to their outer source) and shows up with a round trip; a spoke
    that stops answering (its tunnel down) is marked down after the retries and
    the routes through it leave the FIB (linkdown), and come back when it
    answers again; the other spokes stay up."""
    t = build(lab, greway_bin, "mgre")
    hub = t.gws["hub"]
    s1, s2 = SPOKES[1], SPOKES[2]
    for n in (1, 2):  # ARP resolved on every hop
        warm_up(t.hosts["hub"], SPOKES[n]["host"])
    ctl(ctl_bin, hub, "tunnel", "change", "mgre0", "keepalive", "1", "3")

    def live(n):
        e = neigh_entry(ctl_bin, hub, SPOKES[n]["tun"])
        return (e or {}).get("liveness", {})

    wait_for(lambda: live(1).get("state") == "up" and live(2).get("state") == "up", 10,
             "both greway spokes answer keepalives")
    assert live(1)["rtt_us"] < 1000000, live(1)
    text = ctl(ctl_bin, hub, "neigh", "show", "dev", "mgre0").stdout
    assert re.search(rf"^{re.escape(s1['tun'])} dev mgre0 lladdr {re.escape(s1['wan'])} "
                     r"PERMANENT peer up rtt [0-9.]+ms", text, re.M), text
    assert route_flags(ctl_bin, hub, s1["lan"]) == []
    ping_ok(t, "hub", s1["host"])

    # spoke1 stops answering: its tunnel goes down
    ctl(ctl_bin, t.gws[1], "link", "set", "gre1", "down")
    wait_for(lambda: live(1).get("state") == "down", 10, "spoke1 marked down")
    assert route_flags(ctl_bin, hub, s1["lan"]) == ["linkdown"], \
        ctl(ctl_bin, hub, "route", "show").stdout
    assert live(2).get("state") == "up" and route_flags(ctl_bin, hub, s2["lan"]) == []
    ping_ok(t, "hub", s2["host"])

    # it answers again: up, the route back, traffic flows
    ctl(ctl_bin, t.gws[1], "link", "set", "gre1", "up")
    wait_for(lambda: live(1).get("state") == "up", 10, "spoke1 up again")
    assert route_flags(ctl_bin, hub, s1["lan"]) == []
    ping_ok(t, "hub", s1["host"])


def nat_bindings(ns):
    """The namespace's conntrack table (/proc/net/nf_conntrack); None where
    the kernel does not list it."""
    cp = ns.run("cat", "/proc/net/nf_conntrack", check=False)
    return cp.stdout if cp.returncode == 0 else None


def test_mgre_spoke_behind_nat(lab, greway_bin, ctl_bin, workdir):
    """NAT-safe: greway spoke1 sits behind a NAT router that masquerades its
    underlay address (NAT["inside"]) to the NAT's public one; the hub has
    learn on and no mapping for it (route add 10.16.1.0/24 dev mgre0). Its
    host reaches the hub LAN and the other spokes' hosts; the hub learns the
    host behind the NAT's PUBLIC address, and the hub LAN's pings, another
    spoke's, and TCP both ways reach it through the NAT binding. spoke1 runs
    keepalive 1 3: the hub reflects them to the NAT's address, the binding
    takes them back, and spoke1 sees its peer up."""
    t = build(lab, greway_bin, "mgre", unmapped=(1,), hub_opts="learn on", nat=1,
              spoke_opts={1: "keepalive 1 3"})
    hub, s1 = t.gws["hub"], SPOKES[1]
    entries = neigh_json(ctl_bin, hub)
    assert not [e for e in entries if e.get("dst") == s1["host"]
                or e.get("lladdr") in (NAT["public"], NAT["inside"])], entries

    # spoke1's host -> the hub LAN: the NAT binds spoke1's GRE, the hub learns
    warm_up(t.hosts[1], HUB["host"])
    ping_ok(t, 1, HUB["host"])
    e = neigh_entry(ctl_bin, hub, s1["host"])
    assert e is not None, f"no learned entry for {s1['host']}: {neigh_json(ctl_bin, hub)}"
    assert e.get("lladdr") == NAT["public"] and str(e.get("state")).upper() == "LEARNED" \
        and e.get("dev") == "mgre0", e
    entries = neigh_json(ctl_bin, hub)
    assert not [x for x in entries if x.get("lladdr") == NAT["inside"]], entries
    text = ctl(ctl_bin, hub, "neigh", "show", "dev", "mgre0").stdout
    print(f"hub: neigh show dev mgre0\n{text}")
    assert re.search(rf"^{re.escape(s1['host'])} dev mgre0 lladdr {re.escape(NAT['public'])}\b.*"
                     r"\bLEARNED\b", text, re.M), text
    for n in (2, 3):  # the mapped spokes stay as configured
        m = neigh_entry(ctl_bin, hub, SPOKES[n]["tun"])
        assert m and m.get("lladdr") == SPOKES[n]["wan"] and \
            str(m.get("state")).upper() == "PERMANENT", (n, m)
    # the NAT router's binding: spoke1's GRE to the hub, answered to the public address
    ct = nat_bindings(t.nat)
    if ct is not None:
        print(f"NAT router: /proc/net/nf_conntrack\n{ct}")
        assert re.search(rf"\bgre\b.*src={re.escape(NAT['inside'])} dst={re.escape(HUB['wan'])} "
                         rf".*src={re.escape(HUB['wan'])} dst={re.escape(NAT['public'])} ", ct), ct

    # the other spokes' hosts, both ways, hairpinned through the hub
    for n in (2, 3):
        warm_up(t.hosts[1], SPOKES[n]["host"])
        ping_ok(t, 1, SPOKES[n]["host"])
        ping_ok(t, n, s1["host"])
    # the hub LAN reaches the NATed host: replies and new traffic take the binding
    ping_ok(t, "hub", s1["host"])

    # spoke1's keepalives: the hub reflects each to the NAT's public address
    def live():
        data = json.loads(ctl(ctl_bin, t.gws[1], "-j", "tunnel", "show", "gre1").stdout)
        return (data[0] if data else {}).get("liveness", {})

    wait_for(lambda: live().get("state") == "up", 10, "spoke1's keepalives answered by the hub")
    text = ctl(ctl_bin, t.gws[1], "tunnel", "show", "gre1").stdout
    assert re.search(r"\bkeepalive 1 3 peer up rtt [0-9.]+ms", text), text

    # the hub's keepalives to the learned spoke: spoke1 answers from its own address,
    # which the NAT translates to the public one the hub knows it by
    ctl(ctl_bin, hub, "tunnel", "change", "mgre0", "keepalive", "1", "3")
    wait_for(lambda: (neigh_entry(ctl_bin, hub, s1["host"]) or {}).get("liveness", {})
             .get("state") == "up", 10, "the hub's keepalives answered through the NAT")

    port = 5301
    for src, dst in ((1, "hub"), ("hub", 1)):
        secs, sent, got, size = transfer(t.lab, t.hosts[src], t.hosts[dst], t.ips[dst], SIZE,
                                         workdir, port=port)
        port += 1
        print(f"site {src} -> site {dst}: {size} bytes in {secs:.2f} s")
        assert size == SIZE and got == sent, (
            f"site {src} -> {t.ips[dst]}: {size} of {SIZE} bytes, sha256 "
            f"{'matches' if got == sent else 'differs'}\n{state(t)}")

    # still learned behind the public address; nothing dropped for a bug
    e = neigh_entry(ctl_bin, hub, s1["host"])
    assert e and e.get("lladdr") == NAT["public"] and \
        str(e.get("state")).upper() == "LEARNED", e
    for gw in t.gws.values():
        c = gw.counters()
        bad = {k: v for k, v in c["drop"].items() if k in MUST_BE_ZERO and v}
        assert not bad, f"{gw.name} dropped packets: {bad}"
