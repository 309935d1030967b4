# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark cases of scripts/bench.sh: one row per path.

A case is: a name, the input it eats (an input spec for gen_bench.py, which
also names its pcap and its testpmd baseline), the greway startup file that
routes that input from port0 (net_pcap, infinite_rx) to port1 (net_null),
the port whose tx counter is the output, a counter that proves the packets
took the intended path, and the check applied to a finite validation run.

The sweeps (--sizes, --tunnels, --workers, --peer ovs) are rows too:
make_cases() adds, for the four SWEEP_PATHS, one row per other inner size
(suffix -128B ...), per other tunnel count (-100t ...), per other worker
count (-2w ...) and, with a peer, an OVS-DPDK row per path and size
(ovs-gre-encap-key ...: runner "ovs", the same input, the same baseline).

GRETAP rows (gretap-encap..., gretap_case()) bridge instead of routing: encap
eats Ethernet frames on port0, a member of bridge br0 beside the gretap tunnel
gt1, whose underlay leaves by the routed port1; decap eats GRE/0x6558 on the
routed port0 and bridges the inner frames out of port1, br0's other member.
Their peer rows (ovs-gretap-...) are OVS's L2 GRE port in a NORMAL bridge.
Beside the path counter, a row can name bridge counters that must follow the
output, stay at zero, or move once (counter_checks).

Hub rows (hub_case(), hub_plan.py) measure a multipoint tunnel mgre0 of 1,000 spokes,
each with a mapping and a route to its /24: hub-hairpin eats GRE from every spoke in turn
(port0), each packet for the next spoke's LAN, and sends it re-encapsulated to that spoke
(decap, FIB, encap) out of port1, where the hub reaches its spokes' underlay; hub-decap eats
the same spokes' GRE for the hub's LAN, on port1 too (decap only: the same hub, the row the
hairpin is held against, HUB_MARGIN); hub-hairpin-learn is hub-hairpin's input on a hub
with learn on and no mapping: the first packets learn the spokes' hosts (those to hosts not
learned yet are dropped, no_route: warmup_drops), then the steady state is measured.

IPv6 rows (issue 13, gre_case(outer=, inner=)): ip6gre-encap-key and ip6gre-decap-key are
gre-encap-key and gre-decap-key with an IPv6 underlay (tunnel ip6gre1, mode ip6gre, local
2001:db8:1::1, remote 2001:db8:2::2, key 42; decap eats IPv4 in GRE over IPv6, 108-byte
frames), the same 64-byte inner IPv4/UDP packets; ip6gre-encap-key-v6 and
ip6gre-decap-key-v6 carry inner IPv6/UDP packets instead (GRE protocol 0x86dd), and
gre-encap-key-v6 and gre-decap-key-v6 the same IPv6 packets over the IPv4 underlay of
gre-*-key (tunnel gre1). An inner IPv6/UDP frame is at least 66 bytes with its FCS (IPv6's
header is 20 bytes longer than IPv4's, UDP with no payload): the -v6 rows are 66-byte
inner frames (size 66; gen_bench.IPV6_MIN_SIZE), the nearest IPv6 comes to the IPv4 rows'
64. Each is held against its IPv4 row (gre-encap-key or gre-decap-key) + IP6_MARGIN cycles
beyond I/O. No OVS row: OVS's userspace datapath has no L3 GRE over IPv6. ip6gretap-encap-key
and ip6gretap-decap-key (IP6GRETAP_PATHS, gretap_case(outer="ipv6"): tunnel ip6gt1, mode
ip6gretap, in br0) are gretap-*-key over the IPv6 underlay, held against gretap-*-key +
IP6_MARGIN; their peer rows (ovs-ip6gretap-...) are OVS's ip6gre port, which is L2.

Named groups (GROUPS) select rows together: --cases hub is the hub rows and the
point-to-point rows they are compared with; --cases ip6 the IPv6 rows and the IPv4 rows
they are held against.

Adding a path is one more row in CASES, with a helper like gre_case() when
the row needs a new kind of startup file or check. Every greway case gets a
testpmd io baseline on the same input pcap, measured in the same run; two
cases with the same input share it.
"""
import fnmatch
from dataclasses import dataclass, field

import gen_bench as g
import hub_plan as H


@dataclass
class Case:
    name: str
    path: str                  # "encap" | "decap": with mode, what verify function applies
    input: dict                # input spec (gen_bench.py)
    config: str                # greway startup file
    out_port: str = "port1"    # whose tx_packets is the output
    # (object, name, counter) that must move as fast as the output: the path really ran
    path_counter: tuple = ()
    tunnel: dict = field(default_factory=dict)  # tunnel options, for the checks
    runner: str = "greway"     # "greway" | "ovs" (the OVS-DPDK peer, scripts/bench/ovs_peer.py)
    note: str = ""
    base: str = ""             # the path this row sweeps (its 64-byte, 1-tunnel, 1-worker name)
    size: int = 64             # inner frame size, FCS included
    tunnels: int = 1
    workers: int = 1
    # "gre" (routed: IPv4 or IPv6 inside, IPv4 underlay) | "ip6gre" (the same over an IPv6
    # underlay) | "gretap" (bridged Ethernet) | "hub"
    mode: str = "gre"
    # more counters the run checks, (object, name, counter, rule): rule "output": moves as
    # the output does (validation: equals the frames in); 0: never moves; "once": is 1
    # after the validation run and does not move in the timed window (a MAC learned once)
    counter_checks: tuple = ()
    spokes: int = 0            # a hub's spokes (startup time grows with them)
    learn: bool = False        # a learning hub: the run waits until it knows every spoke
    # drop reasons allowed before the steady state (a learning hub's first packets); never
    # in the timed window
    warmup_drops: tuple = ()
    validate_laps: int = 0     # laps of the input in validation (0: bench.py's default)

    @property
    def input_label(self):
        return g.input_label(self.input)


def _tunnel_words(key=None, csum=False, seq=False):
    w = []
    if key is not None:
        w.append("key %d" % key)
    if csum:
        w.append("csum")
    if seq:
        w.append("seq")
    return " ".join(w)


def _tunnel_block(path, n, opts_for):
    """Tunnel (and, for encap, route) lines for n > 1 tunnels gre1..greN."""
    lines = []
    for t in range(n):
        lines.append("tunnel add gre%d mode gre local %s remote %s %s"
                     % (t + 1, g.GW_UNDERLAY, g.tunnel_remote({"tunnels": n}, t), opts_for(t)))
        if path == "encap":
            lines.append("route add %s dev gre%d" % (g.tunnel_prefix(t), t + 1))
    return "\n".join(lines) + "\n"


def gre_config(path, key=None, csum=False, seq=False, tunnels=1, outer="ipv4", inner="ipv4"):
    """Startup file for IPv4 GRE tunnels, port0 -> port1 in the given direction.

    One tunnel: gre1 with the given options. N tunnels: gre1..greN, tunnel t with key
    key + t and remote gen_bench.tunnel_remote(t); encap routes tunnel t's inner /24
    (gen_bench.tunnel_prefix(t)) into it, decap receives (remote, key) pairs.
    outer/inner "ipv6" (one tunnel): ip6_config()."""
    if outer != "ipv4" or inner != "ipv4":
        if tunnels != 1:
            raise ValueError("IPv6 rows: one tunnel")
        return ip6_config(path, key, csum, seq, outer, inner)
    opts = _tunnel_words(key, csum, seq)
    if tunnels == 1:
        tun = f"""\
tunnel add gre1 mode gre local {g.GW_UNDERLAY} remote {g.TUN_REMOTE} {opts}
addr add 172.16.0.1/30 dev gre1
"""
        enc_route = "route add 10.16.0.0/16 via 172.16.0.2\n"
    else:
        tun = _tunnel_block(path, tunnels, lambda t: _tunnel_words(
            None if key is None else key + t, csum, seq))
        enc_route = ""
    if path == "encap":
        # port0: inner side (LAN), port1: underlay (WAN, net_null)
        return f"""\
# bench: GRE encap, port0 (inner) -> gre1..{tunnels} -> port1 (underlay)
link set port0 address {g.GW_PORT0_MAC}
link set port1 address {g.GW_PORT1_MAC}
addr add 10.0.0.1/24 dev port0
addr add {g.GW_UNDERLAY}/24 dev port1
neigh add {g.UNDERLAY_NH} lladdr {g.UNDERLAY_NH_MAC} dev port1
route add 203.0.113.0/24 via {g.UNDERLAY_NH}
""" + tun + enc_route
    # decap: port0: underlay (WAN), port1: inner side (LAN, net_null)
    return f"""\
# bench: GRE decap, port0 (underlay) -> gre1..{tunnels} -> port1 (inner)
link set port0 address {g.GW_PORT0_MAC}
link set port1 address {g.GW_PORT1_MAC}
addr add {g.GW_UNDERLAY}/24 dev port0
addr add 10.0.0.1/24 dev port1
neigh add {g.UNDERLAY_NH} lladdr {g.UNDERLAY_NH_MAC} dev port0
neigh add 10.0.0.2 lladdr {g.LAN_HOST_MAC} dev port1
route add 203.0.113.0/24 via {g.UNDERLAY_NH}
""" + tun + "route add 10.32.0.0/16 via 10.0.0.2\n"


def ip6_config(path, key=None, csum=False, seq=False, outer="ipv6", inner="ipv4"):
    """Startup file of one GRE tunnel with an IPv6 underlay (outer "ipv6": ip6gre1, mode
    ip6gre, GW_UNDERLAY6 -> TUN_REMOTE6 by UNDERLAY_NH6) or IPv6 inside (inner "ipv6", GRE
    protocol 0x86dd), port0 -> port1 as gre_config()'s: the same lines where the family is
    the same. Inner IPv4 goes as gre-*-key's does (tunnel address 172.16.0.1/30, route
    10.16.0.0/16 via 172.16.0.2; decap: 10.32.0.0/16 via the LAN host 10.0.0.2); inner
    IPv6: the LAN is 2001:db8:a::/64 (greway ::1, the LAN host ::2), encap routes
    2001:db8:10::/48 into the tunnel, decap 2001:db8:20::/48 via 2001:db8:a::2."""
    opts = _tunnel_words(key, csum, seq)
    if outer == "ipv6":
        name, mode, local, remote = "ip6gre1", "ip6gre", g.GW_UNDERLAY6, g.TUN_REMOTE6
        under = f"""\
addr add {g.GW_UNDERLAY6}/64 dev {{wan}}
neigh add {g.UNDERLAY_NH6} lladdr {g.UNDERLAY_NH_MAC} dev {{wan}}
route add 2001:db8:2::/48 via {g.UNDERLAY_NH6}
"""
    else:
        name, mode, local, remote = "gre1", "gre", g.GW_UNDERLAY, g.TUN_REMOTE
        under = f"""\
addr add {g.GW_UNDERLAY}/24 dev {{wan}}
neigh add {g.UNDERLAY_NH} lladdr {g.UNDERLAY_NH_MAC} dev {{wan}}
route add 203.0.113.0/24 via {g.UNDERLAY_NH}
"""
    tun = ("tunnel add %s mode %s local %s remote %s %s" % (name, mode, local, remote, opts)
           ).rstrip() + "\n"
    if inner == "ipv4":
        lan = "addr add 10.0.0.1/24 dev {lan}\n"
        tun += "addr add 172.16.0.1/30 dev %s\n" % name
        enc_route = "route add 10.16.0.0/16 via 172.16.0.2\n"
        dec_route = ("neigh add 10.0.0.2 lladdr %s dev {lan}\n" % g.LAN_HOST_MAC,
                     "route add 10.32.0.0/16 via 10.0.0.2\n")
    else:
        lan = "addr add %s/64 dev {lan}\n" % g.GW_LAN6
        enc_route = "route add 2001:db8:10::/48 dev %s\n" % name
        dec_route = ("neigh add %s lladdr %s dev {lan}\n" % (g.LAN_HOST6, g.LAN_HOST_MAC),
                     "route add 2001:db8:20::/48 via %s\n" % g.LAN_HOST6)
    what = "%s, IPv%s inside" % (mode.upper().replace("IP6GRE", "ip6gre"), inner[-1])
    head = f"""\
link set port0 address {g.GW_PORT0_MAC}
link set port1 address {g.GW_PORT1_MAC}
"""
    if path == "encap":
        # port0: inner side (LAN), port1: underlay (WAN, net_null)
        return (f"# bench: {what} encap, port0 (inner) -> {name} -> port1 (underlay)\n"
                + head + lan.format(lan="port0") + under.format(wan="port1") + tun + enc_route)
    # decap: port0: underlay (WAN), port1: inner side (LAN, net_null)
    return (f"# bench: {what} decap, port0 (underlay) -> {name} -> port1 (inner)\n"
            + head + under.format(wan="port0") + lan.format(lan="port1")
            + dec_route[0].format(lan="port1") + tun + dec_route[1])


def gre_case(name, path, key=None, csum=False, seq=False, size=64, flows=32, tunnels=1,
             workers=1, runner="greway", base=None, outer="ipv4", inner="ipv4"):
    """A GRE case: encap eats udp frames, decap eats the same packets in GRE. outer "ipv6":
    the tunnel is ip6gre1 (mode ip6gre); inner "ipv6": the packets are IPv6 (udp6 frames,
    GRE protocol 0x86dd)."""
    tname = "ip6gre1" if outer == "ipv6" else "gre1"
    if path == "encap":
        spec = {"kind": "udp", "size": size, "flows": flows}
        counter = ("tunnel", tname, "tx_packets")
    else:
        spec = {"kind": "gre", "size": size, "flows": flows,
                "key": key, "csum": csum, "seq": seq}
        counter = ("tunnel", tname, "rx_packets")
    if inner == "ipv6":
        spec["inner"] = inner
    if outer == "ipv6" and path == "decap":
        spec["outer"] = outer
    if tunnels != 1:
        spec["tunnels"] = tunnels
        counter = (counter[0], "*", counter[2])   # the sum over gre1..greN
    return Case(name=name, path=path, input=spec,
                config=gre_config(path, key, csum, seq, tunnels, outer, inner),
                path_counter=counter,
                tunnel={"key": key, "csum": csum, "seq": seq, "tunnels": tunnels},
                runner=runner, base=base or name, size=size, tunnels=tunnels, workers=workers,
                mode="ip6gre" if outer == "ipv6" else "gre")


def gretap_config(path, key=None, csum=False, seq=False, outer="ipv4"):
    """Startup file for one gretap tunnel gt1 in bridge br0, port0 -> port1 (outer "ipv6":
    ip6gt1, mode ip6gretap, over ip6_config()'s IPv6 underlay; the rest the same).

    encap: port0 (the LAN side, a bridge member: promiscuous) -> br0 -> gt1 -> port1, the
    routed underlay port. A static entry puts the remote host's MAC behind gt1, so every
    frame goes unicast (nothing floods); the LAN host's MAC is learned on port0 once.
    decap: port0, the routed underlay port, terminates GRE/0x6558 -> gt1 -> br0 -> port1,
    br0's other member. A static entry puts the LAN host's MAC behind port1 (unicast, as
    encap); the remote host's MAC is learned behind gt1 once."""
    opts = _tunnel_words(key, csum, seq)
    wan, lan = ("port1", "port0") if path == "encap" else ("port0", "port1")
    if outer == "ipv6":
        t, what, mode, local, remote, plen, nh, net = (
            "ip6gt1", "ip6gretap", "ip6gretap", g.GW_UNDERLAY6, g.TUN_REMOTE6, 64,
            g.UNDERLAY_NH6, "2001:db8:2::/48")
    else:
        t, what, mode, local, remote, plen, nh, net = (
            "gt1", "GRETAP", "gretap", g.GW_UNDERLAY, g.TUN_REMOTE, 24, g.UNDERLAY_NH,
            "203.0.113.0/24")
    if path == "encap":
        head = "# bench: %s encap, port0 (bridge member) -> br0 -> %s -> port1 (underlay)\n" \
            % (what, t)
        fdb = "bridge fdb add %s dev %s master static\n" % (g.REMOTE_HOST_MAC, t)
    else:
        head = "# bench: %s decap, port0 (underlay) -> %s -> br0 -> port1 (bridge member)\n" \
            % (what, t)
        fdb = "bridge fdb add %s dev port1 master static\n" % g.LAN_HOST_MAC
    return head + f"""\
link set port0 address {g.GW_PORT0_MAC}
link set port1 address {g.GW_PORT1_MAC}
addr add {local}/{plen} dev {wan}
neigh add {nh} lladdr {g.UNDERLAY_NH_MAC} dev {wan}
route add {net} via {nh}
tunnel add {t} mode {mode} local {local} remote {remote} {opts}
link add br0 type bridge
link set {lan} master br0
link set {t} master br0
""".replace(" \n", "\n") + fdb


def gretap_case(name, path, key=None, csum=False, seq=False, size=64, flows=32,
                runner="greway", base=None, outer="ipv4"):
    """A GRETAP case: encap eats Ethernet frames (LAN host -> remote host), decap the same
    kind of frames in GRE/0x6558 from the tunnel's remote end. One tunnel, one worker.
    outer "ipv6": ip6gretap (tunnel ip6gt1; the decap input's GRE over IPv6)."""
    t = "ip6gt1" if outer == "ipv6" else "gt1"
    if path == "encap":
        spec = {"kind": "eth", "size": size, "flows": flows}
        counter = ("tunnel", t, "tx_packets")
        note = ("bridged port0 -> gt1, static fdb entry for the remote host: unicast; "
                "the LAN host's MAC learned once")
    else:
        spec = {"kind": "gretap", "size": size, "flows": flows,
                "key": key, "csum": csum, "seq": seq}
        if outer == "ipv6":
            spec["outer"] = outer
        counter = ("tunnel", t, "rx_packets")
        note = ("gt1 -> bridged port1, static fdb entry for the LAN host: unicast; "
                "the remote host's MAC learned once")
    note = note.replace("gt1", t)
    if runner == "ovs":
        note = ("OVS: L2 %s gre0 and port \"%s\" in br-int, NORMAL, static fdb/add entry: "
                "unicast; the other MAC learned once"
                % ("ip6gre" if outer == "ipv6" else "gre", "in" if path == "encap" else "out"))
    checks = (("bridge", "br0", "unicast", "output"), ("bridge", "br0", "flooded", 0),
              ("bridge", "br0", "learned", "once"))
    return Case(name=name, path=path, input=spec,
                config=gretap_config(path, key, csum, seq, outer),
                path_counter=counter, counter_checks=checks,
                tunnel={"key": key, "csum": csum, "seq": seq, "tunnels": 1},
                runner=runner, note=note, base=base or name, size=size,
                mode="ip6gretap" if outer == "ipv6" else "gretap")


KEY = 42
HUB_SPOKES = 1000
HUB_LEARN_LAPS = 64   # validation of a learning hub: laps replayed as fast as greway reads


def hub_case(name, to="spoke", learn=False, spokes=HUB_SPOKES, key=KEY):
    """A hub row (hub_plan.py): to "spoke", the hairpin; to "lan", decap only. learn: no
    mapping, learn on; the output counts once the hub has learned every spoke's host."""
    spec = {"kind": "hub", "size": 64, "flows": spokes, "spokes": spokes, "key": key,
            "to": to}
    out = "output" if to == "spoke" else 0
    if to == "spoke":
        note = ("%d spokes round-robin, each to the next one's /24: decap, FIB, encap out of "
                "port1 (the spokes' underlay)" % spokes)
    else:
        note = "%d spokes round-robin to the hub's LAN on port1: decap only" % spokes
    if learn:
        note += "; learn on, no mappings: learned in warm-up"
    return Case(name=name, path="hairpin" if to == "spoke" else "decap", input=spec,
                config=H.config(spokes, key, learn,
                                head="# bench: %s, hub of %d spokes (hub_plan.py)\n"
                                % (name, spokes)),
                path_counter=("tunnel", H.TUNNEL, "rx_packets"),
                counter_checks=(("tunnel", H.TUNNEL, "tx_packets", out),),
                tunnel={"key": key, "csum": False, "seq": False, "tunnels": 1},
                note=note, base=name, mode="hub", spokes=spokes, learn=learn,
                warmup_drops=("no_route",) if learn else (),
                validate_laps=HUB_LEARN_LAPS if learn else 0)


HUB_CASES = [
    hub_case("hub-hairpin"),
    hub_case("hub-hairpin-learn", learn=True),
    hub_case("hub-decap", to="lan"),
]

# the GRETAP paths: name -> gretap_case() arguments; each has an OVS row with --peer ovs
GRETAP_PATHS = {
    "gretap-encap": dict(path="encap"),
    "gretap-encap-key": dict(path="encap", key=KEY),
    "gretap-encap-key-csum-seq": dict(path="encap", key=KEY, csum=True, seq=True),
    "gretap-decap": dict(path="decap"),
    "gretap-decap-key": dict(path="decap", key=KEY),
    "gretap-decap-key-csum-seq": dict(path="decap", key=KEY, csum=True, seq=True),
}

# inner IPv6/UDP frames of the -v6 rows: the smallest there is (66 bytes with the FCS),
# the nearest to the IPv4 rows' 64
V6_SIZE = g.IPV6_MIN_SIZE

# the IPv6 paths (issue 13): name -> gre_case() arguments; each is held against its IPv4
# row (ip4_analog()) + IP6_MARGIN
IP6_PATHS = {
    "ip6gre-encap-key": dict(path="encap", key=KEY, outer="ipv6"),
    "ip6gre-encap-key-v6": dict(path="encap", key=KEY, outer="ipv6", inner="ipv6",
                                size=V6_SIZE),
    "gre-encap-key-v6": dict(path="encap", key=KEY, inner="ipv6", size=V6_SIZE),
    "ip6gre-decap-key": dict(path="decap", key=KEY, outer="ipv6"),
    "ip6gre-decap-key-v6": dict(path="decap", key=KEY, outer="ipv6", inner="ipv6",
                                size=V6_SIZE),
    "gre-decap-key-v6": dict(path="decap", key=KEY, inner="ipv6", size=V6_SIZE),
}
# ... and GRETAP over IPv6 (gretap_case()), held against gretap-*-key; each has an OVS row
# with --peer ovs (OVS's ip6gre port: L2 only)
IP6GRETAP_PATHS = {
    "ip6gretap-encap-key": dict(path="encap", key=KEY, outer="ipv6"),
    "ip6gretap-decap-key": dict(path="decap", key=KEY, outer="ipv6"),
}

CASES = [
    gre_case("gre-encap", "encap"),
    gre_case("gre-encap-key", "encap", key=KEY),
    gre_case("gre-encap-key-csum-seq", "encap", key=KEY, csum=True, seq=True),
    gre_case("gre-decap", "decap"),
    gre_case("gre-decap-key", "decap", key=KEY),
    gre_case("gre-decap-key-csum-seq", "decap", key=KEY, csum=True, seq=True),
] + [gretap_case(name, **kw) for name, kw in GRETAP_PATHS.items()] + HUB_CASES + \
    [gre_case(name, **kw) for name, kw in IP6_PATHS.items()] + \
    [gretap_case(name, **kw) for name, kw in IP6GRETAP_PATHS.items()]

# the bar for GRETAP: cycles beyond I/O at most its GRE path's + this
GRETAP_MARGIN = 10
# the bar for IPv6 (issue 13): an IPv6 row's cycles beyond I/O at most its IPv4
# row's + this
IP6_MARGIN = 10


def gre_analog(name):
    """The GRE row a GRETAP row is held against: gretap-decap-key -> gre-decap-key."""
    return "gre-" + name[len("gretap-"):] if name.startswith("gretap-") else None


def ip4_analog(name):
    """The IPv4 row an IPv6 row is held against: ip6gre-decap-key-v6, ip6gre-decap-key and
    gre-decap-key-v6 -> gre-decap-key; ip6gretap-decap-key -> gretap-decap-key."""
    if name not in IP6_PATHS and name not in IP6GRETAP_PATHS:
        return None
    if name.endswith("-v6"):
        name = name[:-len("-v6")]
    return name[len("ip6"):] if name.startswith("ip6") else name


# the bar for the hub: the hairpin's cycles beyond I/O at most its decap's + this
HUB_MARGIN = 15


def held_against(name):
    """(row, margin, key) whose cycles beyond I/O a row is held against, or None: a GRETAP
    row its GRE row's + GRETAP_MARGIN ("gre"); a hub hairpin hub-decap's + HUB_MARGIN
    ("decap": the same hub and spokes, decap only); an IPv6 row its IPv4 row's + IP6_MARGIN
    ("ip4")."""
    if name.startswith("gretap-"):
        return gre_analog(name), GRETAP_MARGIN, "gre"
    if name in IP6_PATHS or name in IP6GRETAP_PATHS:
        return ip4_analog(name), IP6_MARGIN, "ip4"
    if name.startswith("hub-hairpin"):
        return "hub-decap", HUB_MARGIN, "decap"
    return None

# the paths the size, tunnel, worker and peer sweeps repeat: name -> gre_case() arguments
SWEEP_PATHS = {
    "gre-encap-key": dict(path="encap", key=KEY),
    "gre-decap-key": dict(path="decap", key=KEY),
    "gre-encap-key-csum-seq": dict(path="encap", key=KEY, csum=True, seq=True),
    "gre-decap-key-csum-seq": dict(path="decap", key=KEY, csum=True, seq=True),
}
DEFAULT_SIZE, DEFAULT_TUNNELS, DEFAULT_WORKERS = 64, 1, 1
PEERS = ("ovs",)
WORKER_DECAP_TUNNELS = 100


def sweep_name(base, size=DEFAULT_SIZE, tunnels=DEFAULT_TUNNELS, workers=DEFAULT_WORKERS,
               runner="greway"):
    """gre-encap-key, gre-encap-key-512B, gre-decap-key-10000t, gre-encap-key-2w, ovs-..."""
    name = base
    if size != DEFAULT_SIZE:
        name += "-%dB" % size
    if tunnels != DEFAULT_TUNNELS:
        name += "-%dt" % tunnels
    if workers != DEFAULT_WORKERS:
        name += "-%dw" % workers
    return name if runner == "greway" else "%s-%s" % (runner, name)


def make_cases(sizes=(DEFAULT_SIZE,), tunnels=(DEFAULT_TUNNELS,), workers=(DEFAULT_WORKERS,),
               peers=()):
    """Every row of a run: CASES, then per sweep path its rows at the other sizes (1 tunnel),
    other tunnel counts (64 bytes), other worker counts (64 bytes, 1 tunnel), then the peer's
    rows (each size, 1 tunnel, 1 worker; and one per GRETAP path, 64 bytes). The sweeps are one dimension at a time, not their
    product, so a full sweep stays a few minutes long."""
    for v, what in ((sizes, "size"), (tunnels, "tunnel count"), (workers, "worker count")):
        if not v or any(x < 1 for x in v):
            raise ValueError("every %s must be >= 1" % what)
    if any(x < 64 for x in sizes):
        raise ValueError("sizes must be >= 64 (inner frame size with FCS)")
    for p in peers:
        if p not in PEERS:
            raise ValueError("unknown peer %r (have: %s)" % (p, ", ".join(PEERS)))
    out = list(CASES)
    seen = {c.name for c in out}

    def add(c):
        if c.name not in seen:
            seen.add(c.name)
            out.append(c)

    for base, kw in SWEEP_PATHS.items():
        for sz in sizes:
            add(gre_case(sweep_name(base, size=sz), size=sz, base=base, **kw))
        for n in tunnels:
            add(gre_case(sweep_name(base, tunnels=n), tunnels=n, base=base, **kw))
        for w in workers:
            # decap: one tunnel is one outer flow, which RSS keeps on one queue; the
            # multi-worker decap rows are a hub's 100 spokes (doc/benchmarks.md, Multi-core)
            n = WORKER_DECAP_TUNNELS if kw["path"] == "decap" and w != 1 else 1
            add(gre_case(sweep_name(base, tunnels=n, workers=w), tunnels=n, workers=w,
                         base=base, **kw))
    for peer in peers:
        for base, kw in SWEEP_PATHS.items():
            for sz in sizes:
                add(gre_case(sweep_name(base, size=sz, runner=peer), size=sz, runner=peer,
                             base=base, **kw))
        for base, kw in list(GRETAP_PATHS.items()) + list(IP6GRETAP_PATHS.items()):
            add(gretap_case(sweep_name(base, runner=peer), runner=peer, base=base, **kw))
    return out


# the rows of the comparison table (cycles beyond I/O, x peer): the sweep paths', the GRE
# rows without a key (what gretap-encap and gretap-decap are held against), GRETAP's and
# the hub's
COMPARE_PATHS = tuple(SWEEP_PATHS) + ("gre-encap", "gre-decap") + tuple(GRETAP_PATHS) + \
    tuple(c.name for c in HUB_CASES) + tuple(IP6_PATHS) + tuple(IP6GRETAP_PATHS)

# --cases NAME selects a group's rows: the hub's, next to the point-to-point paths; the
# IPv6 rows, next to the IPv4 rows they are held against (and, with --peer ovs, OVS's rows
# of the GRETAP paths among them)
GROUPS = {
    "hub": tuple(c.name for c in HUB_CASES) + ("gre-decap-key", "gre-encap-key"),
    "ip6": tuple(IP6_PATHS) + ("gre-encap-key", "gre-decap-key") + tuple(IP6GRETAP_PATHS)
    + ("gretap-encap-key", "gretap-decap-key", "ovs-ip6gretap-*", "ovs-gretap-*-key"),
}


def select(all_cases, text):
    """The rows that --cases names (comma-separated names, globs or GROUPS), in all_cases'
    order; ValueError naming a word that matches nothing. A group's members that match
    nothing are left out (its OVS rows without --peer ovs), as long as some match."""
    names = [c.name for c in all_cases]
    pats = []
    for p in (x.strip() for x in text.split(",")):
        if not p:
            continue
        group = [x for x in GROUPS.get(p, ()) if fnmatch.filter(names, x)]
        if p in GROUPS and group:
            pats += group
        elif not fnmatch.filter(names, p):
            raise ValueError("no case matches %r (have: %s; groups: %s)"
                             % (p, ", ".join(names), ", ".join(GROUPS)))
        else:
            pats.append(p)
    return [c for c in all_cases if any(fnmatch.fnmatch(c.name, p) for p in pats)]


def parse_list(text, what):
    """'64,128,512' -> (64, 128, 512); a clear ValueError otherwise."""
    try:
        v = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise ValueError("%s: expected comma-separated integers, got %r" % (what, text))
    if not v:
        raise ValueError("%s: empty list" % what)
    return v

# the target: these cases at >= TARGET x their testpmd io baseline
TARGET = 0.5
TARGET_CASES = ("gre-encap-key", "gre-decap-key")
