# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark cases of scripts/bench.sh: one row per path.

A case is: a name, the input it eats (an input spec for gen_bench.py, which
also names its pcap and its testpmd baseline), the greway startup file that
routes that input from port0 (net_pcap, infinite_rx) to port1 (net_null),
the port whose tx counter is the output, a counter that proves the packets
took the intended path, and the check applied to a finite validation run.

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
    runner: str = "greway"     # later: "ovs" for the OVS-DPDK peer
    note: str = ""

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


def gre_config(path, key=None, csum=False, seq=False):
    """Startup file for one IPv4 GRE tunnel, port0 -> port1 in the given direction."""
    opts = _tunnel_words(key, csum, seq)
    if path == "encap":
        # port0: inner side (LAN), port1: underlay (WAN, net_null)
        return f"""\
# bench: GRE encap, port0 (inner) -> gre1 -> port1 (underlay)
link set port0 address {g.GW_PORT0_MAC}
link set port1 address {g.GW_PORT1_MAC}
addr add 10.0.0.1/24 dev port0
addr add {g.GW_UNDERLAY}/24 dev port1
neigh add {g.UNDERLAY_NH} lladdr {g.UNDERLAY_NH_MAC} dev port1
route add 203.0.113.0/24 via {g.UNDERLAY_NH}
tunnel add gre1 mode gre local {g.GW_UNDERLAY} remote {g.TUN_REMOTE} {opts}
addr add 172.16.0.1/30 dev gre1
route add 10.16.0.0/16 via 172.16.0.2
"""
    # decap: port0: underlay (WAN), port1: inner side (LAN, net_null)
    return f"""\
# bench: GRE decap, port0 (underlay) -> gre1 -> port1 (inner)
link set port0 address {g.GW_PORT0_MAC}
link set port1 address {g.GW_PORT1_MAC}
addr add {g.GW_UNDERLAY}/24 dev port0
addr add 10.0.0.1/24 dev port1
neigh add {g.UNDERLAY_NH} lladdr {g.UNDERLAY_NH_MAC} dev port0
neigh add 10.0.0.2 lladdr {g.LAN_HOST_MAC} dev port1
route add 203.0.113.0/24 via {g.UNDERLAY_NH}
tunnel add gre1 mode gre local {g.GW_UNDERLAY} remote {g.TUN_REMOTE} {opts}
addr add 172.16.0.1/30 dev gre1
route add 10.32.0.0/16 via 10.0.0.2
"""


def gre_case(name, path, key=None, csum=False, seq=False, size=64, flows=32):
    """An IPv4 GRE case: encap eats udp frames, decap eats the same packets in GRE."""
    if path == "encap":
        spec = {"kind": "udp", "size": size, "flows": flows}
        counter = ("tunnel", "gre1", "tx_packets")
    else:
        spec = {"kind": "gre", "size": size, "flows": flows,
                "key": key, "csum": csum, "seq": seq}
        counter = ("tunnel", "gre1", "rx_packets")
    return Case(name=name, path=path, input=spec,
                config=gre_config(path, key, csum, seq), path_counter=counter,
                tunnel={"key": key, "csum": csum, "seq": seq})


KEY = 42

CASES = [
    gre_case("gre-encap", "encap"),
    gre_case("gre-encap-key", "encap", key=KEY),
    gre_case("gre-encap-key-csum-seq", "encap", key=KEY, csum=True, seq=True),
    gre_case("gre-decap-key", "decap", key=KEY),
    gre_case("gre-decap-key-csum-seq", "decap", key=KEY, csum=True, seq=True),
    # later: gretap, ip6gre, sizes 128/512/1400, 100/10000 tunnels, OVS-DPDK peer rows
]

# the target: these cases at >= TARGET x their testpmd io baseline
TARGET = 0.5
TARGET_CASES = ("gre-encap-key", "gre-decap-key")
