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

Adding a path is one more row in CASES, with a helper like gre_case() when
the row needs a new kind of startup file or check. Every greway case gets a
testpmd io baseline on the same input pcap, measured in the same run; two
cases with the same input share it.
"""
from dataclasses import dataclass, field

import gen_bench as g


@dataclass
class Case:
    name: str
    path: str                  # what verify function applies: "encap" | "decap"
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


def gre_config(path, key=None, csum=False, seq=False, tunnels=1):
    """Startup file for IPv4 GRE tunnels, port0 -> port1 in the given direction.

    One tunnel: gre1 with the given options. N tunnels: gre1..greN, tunnel t with key
    key + t and remote gen_bench.tunnel_remote(t); encap routes tunnel t's inner /24
    (gen_bench.tunnel_prefix(t)) into it, decap receives (remote, key) pairs."""
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


def gre_case(name, path, key=None, csum=False, seq=False, size=64, flows=32, tunnels=1,
             workers=1, runner="greway", base=None):
    """An IPv4 GRE case: encap eats udp frames, decap eats the same packets in GRE."""
    if path == "encap":
        spec = {"kind": "udp", "size": size, "flows": flows}
        counter = ("tunnel", "gre1", "tx_packets")
    else:
        spec = {"kind": "gre", "size": size, "flows": flows,
                "key": key, "csum": csum, "seq": seq}
        counter = ("tunnel", "gre1", "rx_packets")
    if tunnels != 1:
        spec["tunnels"] = tunnels
        counter = (counter[0], "*", counter[2])   # the sum over gre1..greN
    return Case(name=name, path=path, input=spec,
                config=gre_config(path, key, csum, seq, tunnels), path_counter=counter,
                tunnel={"key": key, "csum": csum, "seq": seq, "tunnels": tunnels},
                runner=runner, base=base or name, size=size, tunnels=tunnels, workers=workers)


KEY = 42

CASES = [
    gre_case("gre-encap", "encap"),
    gre_case("gre-encap-key", "encap", key=KEY),
    gre_case("gre-encap-key-csum-seq", "encap", key=KEY, csum=True, seq=True),
    gre_case("gre-decap-key", "decap", key=KEY),
    gre_case("gre-decap-key-csum-seq", "decap", key=KEY, csum=True, seq=True),
    # later: gretap, ip6gre (one more row each; add them to SWEEP_PATHS to sweep them)
]

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
    rows (each size, 1 tunnel, 1 worker). The sweeps are one dimension at a time, not their
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
    return out


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
