# SPDX-License-Identifier: BSD-3-Clause
"""scripts/bench.sh's pure parts, without DPDK: case generation, inputs for N tunnels,
queue split, the ratio and cycle arithmetic, the table formatting, OVS counter parsing;
the GRETAP rows (startup files, inputs, the output checks, the OVS L2 setup); the hub rows
(startup file, input, the hairpin check, the group, the comparison with hub-decap); the
IPv6 rows (ip6gre, IPv6 inside, ip6gretap: startup files, inputs, the output checks, the
group, the comparison with the IPv4 rows, OVS's ip6gre setup). And runs of greway:
bench.py's validation of the hub rows and of the IPv6 rows beside their IPv4 rows (a
finite pass, every frame checked; no timed run)."""
import os
import sys
import types

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts/bench"))
sys.dont_write_bytecode = True

import bench as B  # noqa: E402
import cases as C  # noqa: E402
import gen_bench as G  # noqa: E402
import ovs_peer as O  # noqa: E402


def names(cases):
    return [c.name for c in cases]


def test_default_cases_are_the_existing_rows():
    assert names(C.make_cases()) == names(C.CASES)


def test_sweeps_add_one_row_per_value():
    cs = C.make_cases(sizes=(64, 128, 512, 1400), tunnels=(1, 100, 10000), workers=(1, 2),
                      peers=("ovs",))
    n = names(cs)
    assert len(n) == len(set(n))
    for base in C.SWEEP_PATHS:
        for sz in (128, 512, 1400):
            assert "%s-%dB" % (base, sz) in n
            assert "ovs-%s-%dB" % (base, sz) in n
        for t in (100, 10000):
            assert "%s-%dt" % (base, t) in n
        assert "ovs-" + base in n
    assert "gre-encap-key-2w" in n
    # one decap tunnel is one outer flow: its multi-worker rows are a hub of 100 spokes
    assert "gre-decap-key-100t-2w" in n and "gre-decap-key-2w" not in n
    c = next(x for x in cs if x.name == "gre-decap-key-csum-seq-512B")
    assert (c.size, c.tunnels, c.workers, c.base) == (512, 1, 1, "gre-decap-key-csum-seq")
    assert c.input_label == "gre-key-csum-seq-512B-32f"


def test_bad_sweep_values():
    for kw in ({"sizes": (60,)}, {"tunnels": (0,)}, {"workers": ()}, {"peers": ("vpp",)}):
        with pytest.raises(ValueError):
            C.make_cases(**kw)
    assert C.parse_list("64,128", "--sizes") == (64, 128)
    with pytest.raises(ValueError):
        C.parse_list("64,x", "--sizes")


def test_config_for_n_tunnels():
    enc = C.gre_config("encap", key=42, csum=True, seq=True, tunnels=3)
    assert "tunnel add gre3 mode gre local 198.51.100.1 remote 203.0.113.4 key 44 csum seq" in enc
    assert "route add 10.16.2.0/24 dev gre3" in enc
    dec = C.gre_config("decap", key=42, tunnels=3)
    assert dec.count("tunnel add gre") == 3 and "route add 10.16." not in dec
    assert G.tunnel_prefix(9999) == "10.55.15.0/24"
    one = C.gre_config("encap", key=42)
    assert "route add 10.16.0.0/16 via 172.16.0.2" in one and "gre2" not in one


@pytest.mark.parametrize("spec", [
    {"kind": "udp", "size": 64, "flows": 32},
    {"kind": "udp", "size": 1400, "flows": 32, "tunnels": 7},
    {"kind": "gre", "size": 128, "flows": 32, "key": 42},
    {"kind": "gre", "size": 64, "flows": 32, "key": 42, "csum": True, "seq": True,
     "tunnels": 5},
    {"kind": "eth", "size": 64, "flows": 32},
    {"kind": "gretap", "size": 64, "flows": 32},
    {"kind": "gretap", "size": 512, "flows": 32, "key": 42, "csum": True, "seq": True},
    {"kind": "udp", "size": 66, "flows": 32, "inner": "ipv6"},
    {"kind": "udp", "size": 512, "flows": 32, "inner": "ipv6"},
    {"kind": "gre", "size": 66, "flows": 32, "key": 42, "inner": "ipv6"},
    {"kind": "gre", "size": 64, "flows": 32, "key": 42, "outer": "ipv6"},
    {"kind": "gre", "size": 128, "flows": 32, "key": 42, "csum": True, "seq": True,
     "outer": "ipv6", "inner": "ipv6"},
    {"kind": "gretap", "size": 64, "flows": 32, "key": 42, "csum": True, "outer": "ipv6"},
])
def test_fast_frames_equal_scapy(spec):
    assert G.build_frames(spec) == [bytes(p) for p in G.build_input_scapy(spec)]


def test_n_tunnel_input():
    spec = {"kind": "gre", "size": 64, "flows": 32, "key": 42, "csum": True, "seq": True,
            "tunnels": 100}
    pk = G.build_input(spec)
    assert len(pk) == G.frames_for(spec) == 300     # three per tunnel with seq
    keys = [p[G.GRE].key for p in pk]
    assert sorted(set(keys)) == list(range(42, 142))
    # each tunnel's sequence numbers step by 2^32/3, the wrap included
    t5 = [p[G.GRE].sequence_number for i, p in enumerate(pk) if i % 100 == 5]
    assert t5 == [0, 2 ** 32 // 3, 2 * (2 ** 32 // 3)]
    assert len({p[G.IP].src for p in pk}) == 100 and len(pk[0]) == 96
    udp = {"kind": "udp", "size": 64, "flows": 32, "tunnels": 10000}
    assert G.frames_for(udp) == 10000
    assert G.input_label(udp) == "udp-64B-32f-10000t"
    assert G.frames_for({"kind": "udp", "size": 64, "flows": 32}) == 32


def test_queue_split():
    udp = {"kind": "udp", "size": 64, "flows": 32}
    qs = G.split_queues(udp, list(range(32)), 2)
    assert qs == [list(range(0, 32, 2)), list(range(1, 32, 2))]
    gre = {"kind": "gre", "size": 64, "flows": 32, "key": 42}
    with pytest.raises(ValueError):      # one tunnel: one outer flow, one queue
        G.split_queues(gre, list(range(32)), 2)
    hub = dict(gre, tunnels=100)
    qs = G.split_queues(hub, list(range(100)), 2)
    assert all(G.tunnel_of(hub, i) % 2 == q for q, fr in enumerate(qs) for i in fr)


def test_pcap_round_trip(tmp_path):
    fr = G.build_frames({"kind": "udp", "size": 128, "flows": 4})
    G.write_pcap(tmp_path / "a.pcap", fr)
    assert G.read_frames(tmp_path / "a.pcap") == fr
    assert [bytes(p) for p in G.read_pcap(str(tmp_path / "a.pcap"))] == fr


def test_pool_ports():
    assert B.Bench.pool_ports(32, 1) == []
    extra = B.Bench.pool_ports(30000, 1)
    assert extra and extra[0] == "net_null1,no-rx=1"
    pool = (2 + len(extra)) * 2048 + 1024 + 4096
    assert pool >= 30000 + 2 * 2048 + 1024


def test_lcores():
    b = types.SimpleNamespace(cpus=["0", "1"])
    assert B.Bench.lcores_for(b, 1) == "0@0,1@1"
    assert B.Bench.lcores_for(b, 2) == "0@0,1@1,2@0"
    b.cpus = ["2", "3", "4"]
    assert B.Bench.lcores_for(b, 2) == "0@2,1@3,2@4"


def sample(mpps, cyc):
    return {"mpps": mpps, "mpps_wall": mpps, "cycles_per_pkt": cyc, "worker_cpu": 1.0,
            "machine_busy_cpus": 1.0, "process_cpus": 1.0, "other_cpus": 0.0,
            "steal_cpus": 0.0, "command": "x"}


def test_result_arithmetic():
    b = types.SimpleNamespace(tsc=2.0e9)
    cpu = {"worker_cpu": 0.5, "process_cpus": 0.5, "machine_busy_cpus": 1,
           "other_cpus": 0.5, "steal_cpus": 0}
    r = B.Bench.result(b, 10_000_000, 1.0, cpu, ["x"], None)
    assert r["mpps_wall"] == pytest.approx(10)
    assert r["mpps"] == pytest.approx(20)              # per second of worker CPU
    assert r["cycles_per_pkt"] == pytest.approx(100)   # 2e9 * 0.5 / 1e7
    cpu["worker_cpu"] = 1.6
    r = B.Bench.result(b, 10_000_000, 1.0, cpu, ["x"], None, workers=2)
    assert r["mpps"] == pytest.approx(10 / 1.6)


def test_rows_ratios_and_comparison():
    sel = [c for c in C.make_cases(peers=("ovs",))
           if c.name in ("gre-encap-key", "ovs-gre-encap-key")]
    groups = [("udp-64B-32f", 1)]
    samples = {"gre-encap-key": [sample(30.0, 70.0)], "ovs-gre-encap-key": [sample(10.0, 210.0)]}
    base = {"udp-64B-32f": [sample(80.0, 26.0), sample(60.0, 35.0)]}
    rows = B.build_rows(sel, groups, samples, base, {})
    assert [r["case"] for r in rows] == ["testpmd-io", "gre-encap-key", "ovs-gre-encap-key"]
    assert rows[1]["ratio"] == pytest.approx(30 / 80)   # best of the baseline's repeats
    assert rows[2]["ratio"] == pytest.approx(10 / 80)
    comp = B.compare_rows(sel, rows)
    assert len(comp) == 1
    c = comp[0]
    assert c["beyond_io"] == pytest.approx(70 - 26)
    assert c["vpp_beyond_io"] == 48 and c["below_vpp"]
    assert c["ovs"]["greway_x"] == pytest.approx(3.0)
    assert c["ovs"]["beyond_io"] == pytest.approx(210 - 26)
    text = "\n".join(B.comparison_text(comp))
    assert "gre-encap-key" in text and "3.00x" in text and " 44 " in text
    md = B.comparison_markdown(comp)
    assert md.splitlines()[2] == "| gre-encap-key | 70 | 26 | 44 | 48 | 210 | 3.00x |"


def test_markdown_table_keeps_its_format():
    summary = {
        "machine": {"date": "D", "cpu_model": "CPU", "cpus": 2, "kernel": "K", "dpdk": "22.11",
                    "greway_commit": "abc"},
        "options": {"warmup": 1, "seconds": 1, "repeat": 1, "lcores": "0@0,1@1"},
        "memory": {"hugepages": True}, "tsc_hz": 2.1e9, "command": "scripts/bench.sh",
        "results": [dict(case="testpmd-io", input="udp-64B-32f", ratio=1.0,
                         samples=[1], mpps_min=80, mpps_max=80, **sample(80.0, 26.0))],
    }
    md = B.markdown(summary)
    assert "| case | input | Mpps | x baseline | cycles/pkt | Mpps wall | worker CPU | " \
           "other CPUs |" in md
    assert "| testpmd-io | udp-64B-32f | 80.00 | 1.00 | 26 | 80.00 | 100% | 0.00 |" in md


def test_ovs_counter_parsing():
    text = """netdev@ovs-netdev:
  lookups: hit:10 missed:2 lost:0
  port 0: ovs-netdev (tap)
    RX packets:0 errors:0 dropped:0 overruns:0 frame:0
    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0
  port 1: out (dpdk: configured_rx_queues=1)
    RX packets:0 errors:0 dropped:0 overruns:0 frame:0
    TX packets:1234 errors:0 dropped:0 aborted:0 carrier:0
  port 2: in (dpdk: configured_rx_queues=1)
    RX packets:1240 errors:0 dropped:0 overruns:0 frame:0
    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0
"""
    p = O.parse_dpctl_show(text)
    assert p["out"]["tx_packets"] == 1234 and p["in"]["rx_packets"] == 1240


def test_fail_line():
    assert B.fail_line("greway: exited; log:\nEAL: x\nconf:4085: tunnel gre4077: out of next "
                       "hops\n") == \
        "greway: exited; log: ... conf:4085: tunnel gre4077: out of next hops"




# ------------------------------------------------------------------------ GRETAP

GRETAP_ROWS = ["gretap-encap", "gretap-encap-key", "gretap-encap-key-csum-seq",
               "gretap-decap", "gretap-decap-key", "gretap-decap-key-csum-seq"]


def case(name, peers=("ovs",)):
    return next(c for c in C.make_cases(peers=peers) if c.name == name)


def test_gretap_rows():
    n = names(C.make_cases())
    for r in GRETAP_ROWS:
        assert r in n
        # its GRE row, which the issue holds it against, is in the default run too
        assert C.gre_analog(r) in n
    n = names(C.make_cases(peers=("ovs",)))
    for r in GRETAP_ROWS:
        assert "ovs-" + r in n
        assert r in C.COMPARE_PATHS
    enc, dec = case("gretap-encap-key-csum-seq"), case("gretap-decap-key")
    assert (enc.mode, enc.path, enc.out_port) == ("gretap", "encap", "port1")
    assert enc.input_label == "eth-64B-32f"
    assert enc.path_counter == ("tunnel", "gt1", "tx_packets")
    assert dec.input_label == "gretap-key-64B-32f"
    assert dec.path_counter == ("tunnel", "gt1", "rx_packets")
    assert ("bridge", "br0", "unicast", "output") in enc.counter_checks
    assert ("bridge", "br0", "flooded", 0) in dec.counter_checks
    assert case("ovs-gretap-decap-key").input_label == dec.input_label


def test_gretap_configs():
    enc = case("gretap-encap-key-csum-seq").config.splitlines()
    # port0 is the bridge member, port1 the routed underlay
    for line in ("addr add 198.51.100.1/24 dev port1",
                 "neigh add 198.51.100.254 lladdr 02:00:00:00:00:fe dev port1",
                 "tunnel add gt1 mode gretap local 198.51.100.1 remote 203.0.113.2 key 42 "
                 "csum seq",
                 "link add br0 type bridge", "link set port0 master br0",
                 "link set gt1 master br0",
                 "bridge fdb add %s dev gt1 master static" % G.REMOTE_HOST_MAC):
        assert line in enc
    assert not any(x.startswith("addr add") and "port0" in x for x in enc)
    dec = case("gretap-decap").config.splitlines()
    for line in ("addr add 198.51.100.1/24 dev port0",
                 "tunnel add gt1 mode gretap local 198.51.100.1 remote 203.0.113.2",
                 "link set port1 master br0", "link set gt1 master br0",
                 "bridge fdb add %s dev port1 master static" % G.LAN_HOST_MAC):
        assert line in dec
    assert not any(x.startswith("addr add") and "port1" in x for x in dec)


def test_gretap_inputs():
    eth = G.build_input({"kind": "eth", "size": 64, "flows": 32})
    assert len(eth) == 32 and all(len(p) == 60 for p in eth)
    assert eth[0].dst == G.REMOTE_HOST_MAC and eth[0].src == G.LAN_HOST_MAC
    for spec, length in (({"kind": "gretap", "size": 64, "flows": 32}, 98),
                         ({"kind": "gretap", "size": 64, "flows": 32, "key": 42}, 102),
                         ({"kind": "gretap", "size": 64, "flows": 32, "key": 42, "csum": True,
                           "seq": True}, 110)):
        pk = G.build_input(spec)
        assert all(len(p) == length for p in pk)
        p = pk[0]
        assert p.dst == G.GW_PORT0_MAC and p[G.IP].dst == G.GW_UNDERLAY
        assert p[G.GRE].proto == 0x6558
        inner = p[G.GRE].payload
        assert isinstance(inner, G.Ether) and len(inner) == 60
        assert inner.dst == G.LAN_HOST_MAC and inner.src == G.REMOTE_HOST_MAC
        assert G.flows_in(pk) == 32
    assert G.input_label({"kind": "gretap", "size": 64, "flows": 32, "key": 42, "csum": True,
                          "seq": True}) == "gretap-key-csum-seq-64B-32f"
    with pytest.raises(ValueError):   # one remote host MAC: one tunnel
        G.build_frames({"kind": "gretap", "size": 64, "flows": 32, "tunnels": 2})


def gretap_out(c, frames, seq0=7):
    """What greway should send for a GRETAP encap case: the input frames in GRE/0x6558."""
    out = []
    for i, f in enumerate(frames):
        gre = G.GRE(proto=0x6558)
        if c.tunnel["key"] is not None:
            gre.key_present, gre.key = 1, c.tunnel["key"]
        if c.tunnel["csum"]:
            gre.chksum_present = 1
        if c.tunnel["seq"]:
            gre.seqnum_present, gre.sequence_number = 1, seq0 + i
        p = (G.Ether(dst=G.UNDERLAY_NH_MAC, src=G.GW_PORT1_MAC)
             / G.IP(src=G.GW_UNDERLAY, dst=G.TUN_REMOTE, ttl=64) / gre / G.Raw(bytes(f)))
        out.append(G.Ether(bytes(p)))
    return out


@pytest.mark.parametrize("name", ["gretap-encap", "gretap-encap-key-csum-seq"])
def test_verify_gretap_encap(name):
    c = case(name)
    inp = G.build_input(c.input)
    out = gretap_out(c, inp)
    assert G.VERIFY[("gretap", "encap")](c, inp, out) == []
    # an inner frame changed by one byte (a TTL decremented, as routing would)
    bad = bytearray(bytes(inp[3]))
    bad[22] -= 1
    errs = G.VERIFY[("gretap", "encap")](c, inp, gretap_out(c, inp[:3] + [G.Ether(bytes(bad))]
                                                           + inp[4:]))
    assert len(errs) == 1 and errs[0].startswith("packet 3: inner frame differs")
    # GRE protocol 0x0800, as a GRE (L3) tunnel would send
    wrong = [G.Ether(bytes(p).replace(b"\x65\x58", b"\x08\x00", 1)) for p in out[:1]]
    assert any("proto" in e for e in G.VERIFY[("gretap", "encap")](c, inp[:1], wrong))
    assert G.VERIFY[("gretap", "encap")](c, inp, out[:-1])[0].startswith("expected 32")


def test_verify_gretap_decap():
    c = case("gretap-decap-key-csum-seq")
    inp = G.build_input(c.input)
    out = [G.Ether(bytes(p[G.GRE].payload)) for p in inp]
    assert G.VERIFY[("gretap", "decap")](c, inp, out) == []
    routed = [G.Ether(dst=G.LAN_HOST_MAC, src=G.GW_PORT1_MAC) / p[G.GRE].payload[G.IP]
              for p in inp]
    errs = G.VERIFY[("gretap", "decap")](c, inp, routed)
    assert len(errs) == 32 and "not the inner frame" in errs[0]


def test_gw_dump_bridge_counters():
    d = B.parse_gw_dump("port port0 rx_packets 64 rx_bytes 1 tx_packets 0 tx_bytes 0 "
                        "rx_missed 0 rx_errors 0 tx_errors 0\n"
                        "tunnel gt1 rx_packets 0 rx_bytes 0 tx_packets 64 tx_bytes 9\n"
                        "bridge br0 rx_frames 64 unicast 64 flooded 0 learned 1 moved 0 "
                        "aged 0 dropped 0\n"
                        "member port0 rx_frames 64 tx_frames 0\n"
                        "drop no_route 0\n")
    assert d["bridge"]["br0"]["unicast"] == 64 and d["member"]["port0"]["rx_frames"] == 64
    c = case("gretap-encap-key")
    assert B.check_counters(c, None, d, 64, validation=True) == []
    d1 = {k: {n: dict(v) for n, v in d[k].items()} for k in d if k != "drop"}
    d1["drop"] = {}
    d1["bridge"]["br0"].update(unicast=1064, flooded=5, learned=2)
    errs = B.check_counters(c, d, d1, 1000)
    assert errs == ["bridge br0 flooded moved 5, expected 0",
                    "bridge br0 learned moved 1, expected 0"]


def test_gretap_comparison():
    sel = [c for c in C.make_cases(peers=("ovs",))
           if c.name in ("gre-decap-key", "gretap-decap-key", "ovs-gretap-decap-key")]
    groups = [("gre-key-64B-32f", 1), ("gretap-key-64B-32f", 1)]
    samples = {"gre-decap-key": [sample(25.0, 83.0)], "gretap-decap-key": [sample(22.0, 95.0)],
               "ovs-gretap-decap-key": [sample(8.0, 260.0)]}
    base = {"gre-key-64B-32f": [sample(75.0, 28.0)], "gretap-key-64B-32f": [sample(70.0, 30.0)]}
    rows = B.build_rows(sel, groups, samples, base, {})
    comp = B.compare_rows(sel, rows)
    assert [r["case"] for r in comp] == ["gre-decap-key", "gretap-decap-key"]
    t = comp[1]
    assert t["beyond_io"] == pytest.approx(65) and t["gre"]["beyond_io"] == pytest.approx(55)
    assert t["gre"]["over"] == pytest.approx(10) and t["gre"]["met"]
    assert t["ovs"]["greway_x"] == pytest.approx(22 / 8)
    md = B.comparison_markdown(comp).splitlines()
    assert md[0].endswith("| beyond I/O vs GRE |")
    assert md[3] == "| gretap-decap-key | 95 | 30 | 65 | 48 | 260 | 2.75x | +10 |"
    assert md[2].endswith("| - | - | - |")
    assert "vs GRE" in "\n".join(B.comparison_text(comp))


def test_ovs_gretap_setup():
    gre, tap = case("ovs-gre-encap-key"), case("ovs-gretap-encap-key-csum-seq")
    assert "options:packet_type=legacy_l3" in O.gre_port_options(gre)
    opts = O.gre_port_options(tap)
    assert not any("packet_type" in o for o in opts)     # OVS's plain gre port: L2, 0x6558
    assert {"options:key=42", "options:csum=true", "options:seq=true"} <= set(opts)
    assert ("br-int", "actions=NORMAL") in O.openflow_rules(tap)
    assert O.static_macs(tap) == [("br-int", "gre0", G.REMOTE_HOST_MAC)]
    dec = case("ovs-gretap-decap")
    assert O.openflow_rules(dec) == [("br-phy", "in_port=1,actions=LOCAL"),
                                     ("br-int", "actions=NORMAL")]
    assert O.static_macs(dec) == [("br-int", "out", G.LAN_HOST_MAC)]
    assert O.static_macs(gre) == [] and not any("NORMAL" in f for _, f in O.openflow_rules(gre))


# --------------------------------------------------------------------------- hub

HUB_ROWS = ["hub-hairpin", "hub-hairpin-learn", "hub-decap"]


def test_hub_rows_and_group():
    n = names(C.make_cases())
    assert all(r in n for r in HUB_ROWS)
    hp, hl, hd = (case(r) for r in HUB_ROWS)
    assert (hp.mode, hp.path, hp.out_port, hp.spokes) == ("hub", "hairpin", "port1", 1000)
    assert hp.input_label == hl.input_label == "hub-key-64B-1000s"    # one baseline
    assert hd.input_label == "hub-lan-key-64B-1000s" and hd.path == "decap"
    assert hp.path_counter == ("tunnel", "mgre0", "rx_packets")
    assert ("tunnel", "mgre0", "tx_packets", "output") in hp.counter_checks
    assert ("tunnel", "mgre0", "tx_packets", 0) in hd.counter_checks
    assert hl.learn and hl.warmup_drops == ("no_route",) and not hp.warmup_drops
    # one invocation: the hub rows beside the point-to-point rows they are compared with
    sel = C.select(C.make_cases(), "hub-hairpin,hub-decap,gre-decap-key,gre-encap-key")
    assert names(sel) == ["gre-encap-key", "gre-decap-key", "hub-hairpin", "hub-decap"]
    assert names(C.select(C.make_cases(), "hub")) == \
        ["gre-encap-key", "gre-decap-key"] + HUB_ROWS
    with pytest.raises(ValueError):
        C.select(C.make_cases(), "hub-nothing")
    assert C.held_against("hub-hairpin-learn") == ("hub-decap", C.HUB_MARGIN, "decap")
    assert C.held_against("gretap-decap-key") == ("gre-decap-key", C.GRETAP_MARGIN, "gre")
    assert C.held_against("gre-decap-key") is None


def test_hub_configs():
    hp = case("hub-hairpin").config.splitlines()
    for line in ("addr add 198.51.100.1/24 dev port0", "addr add 10.0.0.1/24 dev port1",
                 "route add 198.18.0.0/15 via 192.0.2.254",
                 "tunnel add mgre0 mode gre local 198.51.100.1 remote any key 42",
                 "neigh add 172.16.0.2 lladdr 198.18.0.2 dev mgre0",
                 "route add 10.64.0.0/24 via 172.16.0.2 dev mgre0",
                 "neigh add 172.16.3.233 lladdr 198.18.3.233 dev mgre0",
                 "route add 10.67.231.0/24 via 172.16.3.233 dev mgre0"):
        assert line in hp
    assert sum(x.startswith("neigh add") and "dev mgre0" in x for x in hp) == 1000
    assert sum(x.startswith("route add") and "dev mgre0" in x for x in hp) == 1000
    assert case("hub-decap").config.replace("hub-decap", "X") == \
        case("hub-hairpin").config.replace("hub-hairpin", "X")      # the same hub
    hl = case("hub-hairpin-learn").config.splitlines()
    assert "tunnel add mgre0 mode gre local 198.51.100.1 remote any key 42 learn on" in hl
    assert not any("dev mgre0" in x and not x.startswith("addr") for x in hl)


def test_hub_input():
    spec = case("hub-hairpin").input
    fr = G.build_frames(spec)
    assert len(fr) == G.frames_for(spec) == 1000 and G.flows_in_frames(fr) == 1000
    assert len({f[26:30] for f in fr}) == 1000                     # 1,000 outer sources
    pk = [G.Ether(f) for f in fr[:3] + fr[-3:]]
    assert {p[G.GRE].key for p in pk} == {42}
    p = pk[-1]
    assert (p[G.IP].src, p[G.IP].dst) == ("198.18.3.233", "198.51.100.1")
    inner = p[G.GRE].payload
    assert (inner.src, inner.dst) == ("10.67.231.1", "10.64.0.1")   # to the next spoke: 0
    assert len(p) == 88 and len(inner) == 46
    lan = G.Ether(G.build_frames(case("hub-decap").input)[5])
    assert lan[G.GRE].payload.dst == "10.32.0.6"
    with pytest.raises(ValueError):
        G.frames_for(dict(spec, spokes=1, flows=1))


def hub_out(c, inp, spoke_of):
    """What greway should send for the hairpin (bytes): each packet re-encapsulated to the
    spoke spoke_of(its inner destination), TTL-1 inside."""
    H = C.H
    out = []
    for p in inp:
        inner = G.IP(bytes(p[G.GRE].payload))
        d = spoke_of(inner.dst)
        inner.ttl -= 1
        inner.chksum = None
        q = (G.Ether(dst=H.BACK_NH_MAC, src=G.GW_PORT1_MAC)
             / G.IP(src=G.GW_UNDERLAY, dst=H.spoke_underlay(d), ttl=64)
             / G.GRE(proto=0x0800, key_present=1, key=42) / inner)
        out.append(bytes(q))
    return out


def test_verify_hub_hairpin():
    c = case("hub-hairpin")
    frames = G.build_frames(c.input)[:50]
    inp = [G.Ether(f) for f in frames]
    spoke_of = {C.H.spoke_host(s): s for s in range(c.spokes)}.get
    out = hub_out(c, inp, spoke_of)
    verify = G.RAW_VERIFY[("hub", "hairpin")]
    assert verify(c, frames, out) == []
    # to the spoke it came from, not the one its destination is behind
    errs = verify(c, frames[:1], hub_out(c, inp[:1], lambda dst: 0))
    assert len(errs) == 1 and "outer IP" in errs[0]
    # a TTL not decremented
    bad = bytearray(out[1])
    bad[14 + 20 + 8 + 8] += 1
    assert "inner packet differs" in verify(c, frames[1:2], [bytes(bad)])[0]
    # decapsulated instead, to the hub's LAN
    lan = [bytes(G.Ether(dst=G.LAN_HOST_MAC, src=G.GW_PORT1_MAC) / p[G.GRE].payload)
           for p in inp[:2]]
    assert len(verify(c, frames[:2], lan)) == 2
    assert verify(c, frames, out[:-1])[0] == "expected 50 GRE frames out, got 49"
    # a learning hub: frames out are the hairpins of a subsequence of the laps in
    learning = G.verify_hub_learning
    assert learning(c, frames, 2, out[3:4] + out[7:9] + out[1:3]) == []
    assert learning(c, frames, 1, out) == []
    assert learning(c, frames, 1, out[7:8] + out[3:4]) == \
        ["frame 1 out: more frames out than in, or out of order"]
    assert learning(c, frames, 2, out[7:8] + out[3:4]) == []
    bad = bytearray(out[4])
    bad[-1] ^= 1
    assert "no input's" in learning(c, frames, 1, [bytes(bad)])[0]
    errs = learning(c, frames, 1, hub_out(c, inp[5:6], lambda dst: 9))
    assert len(errs) == 1 and "outer IP" in errs[0]


def test_verify_hub_decap():
    c = case("hub-decap")
    frames = G.build_frames(c.input)[:40]
    inp = [G.Ether(f) for f in frames]
    verify = G.RAW_VERIFY[("hub", "decap")]
    # what verify_decap (scapy) accepts, the raw check accepts, and the other way round
    out = []
    for p in inp:
        inner = G.IP(bytes(p[G.GRE].payload))
        inner.ttl -= 1
        inner.chksum = None
        out.append(bytes(G.Ether(dst=G.LAN_HOST_MAC, src=G.GW_PORT1_MAC) / inner))
    assert verify(c, frames, out) == [] == G.verify_decap(c, inp, [G.Ether(f) for f in out])
    # the right Ethernet header, but the GRE packet itself: not decapsulated
    assert len(verify(c, frames, [o[:14] + f[14:] for o, f in zip(out, frames)])) == 40
    assert G.flows_in_frames(frames) == G.flows_in(inp) == 40


def test_hub_comparison():
    sel = [case(r) for r in ("gre-decap-key", "hub-hairpin", "hub-decap")]
    groups = [("gre-key-64B-32f", 1), ("hub-key-64B-1000s", 1), ("hub-lan-key-64B-1000s", 1)]
    samples = {"gre-decap-key": [sample(25.0, 83.0)], "hub-hairpin": [sample(20.0, 110.0)],
               "hub-decap": [sample(24.0, 88.0)]}
    base = {k: [sample(75.0, 28.0)] for k, _ in groups}
    comp = B.compare_rows(sel, B.build_rows(sel, groups, samples, base, {}))
    assert [r["case"] for r in comp] == ["gre-decap-key", "hub-hairpin", "hub-decap"]
    h = comp[1]["decap"]
    assert h["case"] == "hub-decap" and h["over"] == pytest.approx(22) and not h["met"]
    assert h["margin"] == 15 and "decap" not in comp[2] and "gre" not in comp[1]
    md = B.comparison_markdown(comp).splitlines()
    assert md[0].endswith("| beyond I/O vs decap |")
    assert md[3] == "| hub-hairpin | 110 | 28 | 82 | 48 | +22 |"
    assert "vs decap" in "\n".join(B.comparison_text(comp))


def test_hub_rows_validate(greway_bin, tmp_path):
    """bench.py's validation of the hub rows, on greway: every frame of a finite pass is what
    the row claims (a learning hub: 64 laps, drops until it knows the spokes)."""
    cores = "0,1" if (os.cpu_count() or 1) > 1 else "0"
    a = types.SimpleNamespace(build=str(tmp_path), cores=cores, validate_laps=2,
                              simd_bitwidth=0)
    b = B.Bench(a)
    b.greway, b.huge = str(greway_bin), False
    for name in HUB_ROWS:
        c = case(name)
        v = b.validate(c, b.make_input(c.input))
        assert v["frames_out"] == v["frames_checked"] > 0, (name, v)
        assert v["flows"] == 1000
        if c.learn:
            assert v["learned"] == 1000 and v["dropped_warming_up"]["count"] > 0
            assert v["frames_in"] == v["frames_out"] + v["dropped_warming_up"]["count"]
            assert v["frames_out"] > 0
        else:
            assert v["frames_in"] == v["frames_out"] == 2000


# -------------------------------------------------------------------------- IPv6

IP6_ROWS = ["ip6gre-encap-key", "ip6gre-encap-key-v6", "gre-encap-key-v6",
            "ip6gre-decap-key", "ip6gre-decap-key-v6", "gre-decap-key-v6",
            "ip6gretap-encap-key", "ip6gretap-decap-key"]


def test_ip6_rows_and_group():
    n = names(C.make_cases())
    assert all(r in n for r in IP6_ROWS)       # the default run: beside the IPv4 rows
    want = {  # row: (mode, input, frame bytes in the pcap, held against)
        "ip6gre-encap-key": ("ip6gre", "udp-64B-32f", 60, "gre-encap-key"),
        "ip6gre-encap-key-v6": ("ip6gre", "udp6-66B-32f", 62, "gre-encap-key"),
        "gre-encap-key-v6": ("gre", "udp6-66B-32f", 62, "gre-encap-key"),
        "ip6gre-decap-key": ("ip6gre", "ip6gre-key-64B-32f", 108, "gre-decap-key"),
        "ip6gre-decap-key-v6": ("ip6gre", "ip6gre-key-v6-66B-32f", 110, "gre-decap-key"),
        "gre-decap-key-v6": ("gre", "gre-key-v6-66B-32f", 90, "gre-decap-key"),
        "ip6gretap-encap-key": ("ip6gretap", "eth-64B-32f", 60, "gretap-encap-key"),
        "ip6gretap-decap-key": ("ip6gretap", "ip6gretap-key-64B-32f", 122, "gretap-decap-key"),
    }
    for r, (mode, label, length, ip4) in want.items():
        c = case(r)
        assert (c.mode, c.input_label, c.tunnel["key"]) == (mode, label, C.KEY), r
        assert {len(f) for f in G.build_frames(c.input)} == {length}, r
        assert C.held_against(r) == (ip4, C.IP6_MARGIN, "ip4") and ip4 in n
        assert r in C.COMPARE_PATHS
        t = "ip6gt1" if mode == "ip6gretap" else "ip6gre1" if mode == "ip6gre" else "gre1"
        assert c.path_counter == ("tunnel", t, "tx_packets" if c.path == "encap"
                                  else "rx_packets")
    # the inner IPv6 rows: the smallest IPv6/UDP frame, 66 bytes with the FCS
    assert case("gre-encap-key-v6").size == C.V6_SIZE == 66 and case("ip6gre-encap-key").size == 64
    assert C.IP6_MARGIN == 10
    # ip6gre-encap-key eats gre-encap-key's input: one pcap, one baseline
    assert case("ip6gre-encap-key").input == case("gre-encap-key").input
    assert C.held_against("gre-encap-key") is None
    sel = names(C.select(C.make_cases(), "ip6"))
    assert sorted(sel) == sorted(IP6_ROWS + ["gre-encap-key", "gre-decap-key",
                                             "gretap-encap-key", "gretap-decap-key"])
    # with the peer: OVS's rows of the GRETAP paths among them (no L3 ip6gre in OVS)
    cs = C.make_cases(peers=("ovs",))
    sel = names(C.select(cs, "ip6"))
    assert {"ovs-ip6gretap-encap-key", "ovs-ip6gretap-decap-key", "ovs-gretap-encap-key",
            "ovs-gretap-decap-key"} <= set(sel)
    assert not any(x.startswith("ovs-ip6gre-") or x.startswith("ovs-") and x.endswith("-v6")
                   for x in names(cs))
    with pytest.raises(ValueError):
        C.select(C.make_cases(), "ovs-ip6gretap-encap-key")   # a name, not a group member


def test_ip6_configs():
    enc = case("ip6gre-encap-key").config.splitlines()
    for line in ("addr add 10.0.0.1/24 dev port0", "addr add 2001:db8:1::1/64 dev port1",
                 "neigh add 2001:db8:1::fe lladdr 02:00:00:00:00:fe dev port1",
                 "route add 2001:db8:2::/48 via 2001:db8:1::fe",
                 "tunnel add ip6gre1 mode ip6gre local 2001:db8:1::1 remote 2001:db8:2::2 key 42",
                 "addr add 172.16.0.1/30 dev ip6gre1", "route add 10.16.0.0/16 via 172.16.0.2"):
        assert line in enc
    # the same lines as gre-encap-key's where the family is the same
    gre = case("gre-encap-key").config.splitlines()
    assert [x for x in enc if "10." in x or "172.16" in x] == \
        [x.replace("gre1", "ip6gre1") for x in gre if "10.0" in x or "10.16" in x
         or "172.16" in x]
    dec = case("ip6gre-decap-key-v6").config.splitlines()
    for line in ("addr add 2001:db8:1::1/64 dev port0", "addr add 2001:db8:a::1/64 dev port1",
                 "neigh add 2001:db8:a::2 lladdr 02:00:00:00:01:02 dev port1",
                 "tunnel add ip6gre1 mode ip6gre local 2001:db8:1::1 remote 2001:db8:2::2 key 42",
                 "route add 2001:db8:20::/48 via 2001:db8:a::2"):
        assert line in dec
    enc6 = case("gre-encap-key-v6").config.splitlines()
    for line in ("addr add 2001:db8:a::1/64 dev port0", "addr add 198.51.100.1/24 dev port1",
                 "tunnel add gre1 mode gre local 198.51.100.1 remote 203.0.113.2 key 42",
                 "route add 2001:db8:10::/48 dev gre1"):
        assert line in enc6
    tap = case("ip6gretap-decap-key").config.split("\n", 1)[1]     # after the comment
    assert tap.replace("ip6gt1", "gt1").replace("mode ip6gretap", "mode gretap") \
        .replace("2001:db8:1::1/64", "198.51.100.1/24").replace("2001:db8:1::1", "198.51.100.1") \
        .replace("2001:db8:1::fe", "198.51.100.254").replace("2001:db8:2::2", "203.0.113.2") \
        .replace("2001:db8:2::/48", "203.0.113.0/24") == \
        case("gretap-decap-key").config.split("\n", 1)[1]
    with pytest.raises(ValueError):
        C.gre_config("encap", key=42, tunnels=2, outer="ipv6")


def test_ip6_inputs():
    p = G.build_input(case("ip6gre-decap-key-v6").input)[3]
    assert p.type == 0x86dd and (p[G.IPv6].src, p[G.IPv6].dst) == (G.TUN_REMOTE6, G.GW_UNDERLAY6)
    assert (p[G.IPv6].nh, p[G.IPv6].hlim, p[G.IPv6].fl, p[G.IPv6].tc) == (47, 64, 0, 0)
    assert p[G.GRE].proto == 0x86dd and p[G.GRE].key == 42
    inner = p[G.GRE].payload
    assert isinstance(inner, G.IPv6) and len(inner) == 48 and inner.hlim == 64
    assert (inner.src, inner.dst) == ("2001:db8:10:3::4", "2001:db8:20:3::4")
    assert inner[G.UDP].len == 8                      # no payload: 66 bytes with Ethernet+FCS
    q = G.build_input(case("ip6gre-decap-key").input)[0]
    assert q[G.GRE].proto == 0x0800 and len(q[G.GRE].payload) == 46
    assert G.flows_in([p for p in G.build_input(case("gre-decap-key-v6").input)]) == 32
    e = G.build_input(case("gre-encap-key-v6").input)[0]
    assert e.type == 0x86dd and e.dst == G.GW_PORT0_MAC and e[G.IPv6].dst == "2001:db8:10::1"
    for bad in ({"kind": "udp", "size": 64, "flows": 32, "inner": "ipv6"},   # below 66
                {"kind": "udp", "size": 66, "flows": 32, "inner": "ipv6", "tunnels": 2},
                {"kind": "eth", "size": 64, "flows": 32, "inner": "ipv6"},
                {"kind": "udp", "size": 64, "flows": 32, "outer": "ipv6"},
                {"kind": "gre", "size": 64, "flows": 32, "outer": "ipv5"}):
        with pytest.raises(ValueError):
            G.build_frames(bad)


def ip6_out(c, frames, mutate=None):
    """What greway should send for an encap row of IPv6 (bytes): the input's packet, TTL or
    hop limit - 1, in GRE (key 42, protocol by the inner family) over the row's underlay."""
    out = []
    for f in frames:
        p = G.Ether(f)
        inner = p.payload.copy()
        if isinstance(inner, G.IPv6):
            inner.hlim -= 1
        else:
            inner.ttl -= 1
            inner.chksum = None
        gre = G.GRE(proto=p.type, key_present=1, key=42)
        if c.mode == "ip6gre":
            outer = G.IPv6(src=G.GW_UNDERLAY6, dst=G.TUN_REMOTE6, nh=47, hlim=64)
        else:
            outer = G.IP(src=G.GW_UNDERLAY, dst=G.TUN_REMOTE, ttl=64)
        q = G.Ether(dst=G.UNDERLAY_NH_MAC, src=G.GW_PORT1_MAC) / outer / gre / inner
        if mutate:
            mutate(q)
        out.append(G.Ether(bytes(q)))
    return out


@pytest.mark.parametrize("name", ["ip6gre-encap-key", "ip6gre-encap-key-v6", "gre-encap-key-v6"])
def test_verify_ip6_encap(name):
    c = case(name)
    frames = G.build_frames(c.input)
    inp = [G.Ether(f) for f in frames]
    verify = G.VERIFY[(c.mode, "encap")]
    assert verify(c, inp, ip6_out(c, frames)) == []
    # the inner TTL / hop limit not decremented
    def keep_ttl(q):
        if isinstance(q[G.GRE].payload, G.IPv6):
            q[G.GRE].payload.hlim += 1
        else:
            q[G.GRE].payload.ttl += 1
    errs = verify(c, inp[:2], ip6_out(c, frames[:2], keep_ttl))
    assert len(errs) == 2 and "inner packet differs" in errs[0]
    # the wrong GRE protocol for the inner family
    def proto(q):
        q[G.GRE].proto = 0x0800 if q[G.GRE].proto == 0x86dd else 0x86dd
    assert any("proto" in e for e in verify(c, inp[:1], ip6_out(c, frames[:1], proto)))
    if c.mode == "ip6gre":
        for field, value, what in (("fl", 0x12345, "flow label"), ("hlim", 255, "hop limit"),
                                   ("dst", "2001:db8:2::3", "2001:db8:2::3"),
                                   ("tc", 0x20, "traffic class")):
            def m(q):
                setattr(q[G.IPv6], field, value)
            errs = verify(c, inp[:1], ip6_out(c, frames[:1], m))
            assert len(errs) == 1 and what in errs[0], (field, errs)
        # an IPv4 underlay where the row has IPv6
        errs = verify(c, inp[:1], ip6_out(case("gre-encap-key"), frames[:1]))
        assert errs and "Ethernet" in errs[0]
    assert verify(c, inp, ip6_out(c, frames)[:-1])[0].startswith("expected 32")


@pytest.mark.parametrize("name", ["ip6gre-decap-key", "ip6gre-decap-key-v6", "gre-decap-key-v6"])
def test_verify_ip6_decap(name):
    c = case(name)
    frames = G.build_frames(c.input)
    inp = [G.Ether(f) for f in frames]
    out = []
    for p in inp:
        inner = p[G.GRE].payload.copy()
        if isinstance(inner, G.IPv6):
            inner.hlim -= 1
        else:
            inner.ttl -= 1
            inner.chksum = None
        out.append(G.Ether(bytes(G.Ether(dst=G.LAN_HOST_MAC, src=G.GW_PORT1_MAC) / inner)))
    verify = G.VERIFY[(c.mode, "decap")]
    assert verify(c, inp, out) == []
    # the inner packet as it came (no TTL / hop limit - 1)
    same = [G.Ether(bytes(G.Ether(dst=G.LAN_HOST_MAC, src=G.GW_PORT1_MAC)
                          / p[G.GRE].payload)) for p in inp]
    errs = verify(c, inp, same)
    assert len(errs) == 32 and "not the inner packet" in errs[0]
    # the Ethernet type of the other family
    wrong = [G.Ether(bytes(o)[:12] + (b"\x08\x00" if o.type == 0x86dd else b"\x86\xdd")
                     + bytes(o)[14:]) for o in out[:1]]
    assert "Ethernet" in verify(c, inp[:1], wrong)[0]


def test_verify_ip6gretap():
    c = case("ip6gretap-encap-key")
    inp = G.build_input(c.input)
    out = [G.Ether(bytes(G.Ether(dst=G.UNDERLAY_NH_MAC, src=G.GW_PORT1_MAC)
                         / G.IPv6(src=G.GW_UNDERLAY6, dst=G.TUN_REMOTE6, nh=47, hlim=64)
                         / G.GRE(proto=0x6558, key_present=1, key=42) / G.Raw(bytes(p))))
           for p in inp]
    assert G.VERIFY[("ip6gretap", "encap")](c, inp, out) == []
    # GRETAP over IPv4 where the row has IPv6
    assert G.VERIFY[("ip6gretap", "encap")](c, inp[:1], gretap_out(case("gretap-encap-key"),
                                                                   inp[:1]))
    d = case("ip6gretap-decap-key")
    dinp = G.build_input(d.input)
    assert dinp[0].type == 0x86dd and dinp[0][G.GRE].proto == 0x6558
    assert G.VERIFY[("ip6gretap", "decap")](d, dinp, [G.Ether(bytes(p[G.GRE].payload))
                                                      for p in dinp]) == []


def test_ip6_comparison():
    sel = [case(r) for r in ("gre-encap-key", "ip6gre-encap-key", "ip6gre-encap-key-v6")]
    groups = [("udp-64B-32f", 1), ("udp6-66B-32f", 1)]
    samples = {"gre-encap-key": [sample(30.0, 70.0)], "ip6gre-encap-key": [sample(29.0, 76.0)],
               "ip6gre-encap-key-v6": [sample(25.0, 90.0)]}
    base = {"udp-64B-32f": [sample(80.0, 26.0)], "udp6-66B-32f": [sample(78.0, 27.0)]}
    comp = B.compare_rows(sel, B.build_rows(sel, groups, samples, base, {}))
    assert [r["case"] for r in comp] == ["gre-encap-key", "ip6gre-encap-key",
                                         "ip6gre-encap-key-v6"]
    a, b = comp[1]["ip4"], comp[2]["ip4"]
    assert a["case"] == "gre-encap-key" and a["over"] == pytest.approx(6) and a["met"]
    assert b["over"] == pytest.approx(63 - 44) and not b["met"] and b["margin"] == 10
    assert "ip4" not in comp[0]
    md = B.comparison_markdown(comp).splitlines()
    assert md[0].endswith("| beyond I/O vs IPv4 |")
    assert md[3] == "| ip6gre-encap-key | 76 | 26 | 50 | 48 | +6 |"
    text = "\n".join(B.comparison_text(comp))
    assert "vs IPv4" in text and "<= +10" in text
    assert B.HELD_WHAT["ip4"] == "IPv4"


def test_ovs_ip6gretap_setup():
    enc, dec = case("ovs-ip6gretap-encap-key"), case("ovs-ip6gretap-decap-key")
    opts = O.gre_port_options(enc)
    assert "options:remote_ip=2001:db8:2::2" in opts and "options:local_ip=2001:db8:1::1" in opts
    assert "options:key=42" in opts and not any("packet_type" in o for o in opts)
    assert O.underlay(enc) == ("2001:db8:1::1", 64, "2001:db8:1::fe", "2001:db8:2::/48",
                               "2001:db8:2::2")
    assert O.underlay(case("ovs-gretap-encap-key"))[4] == "203.0.113.2"
    assert ("br-int", "actions=NORMAL") in O.openflow_rules(enc)
    assert O.static_macs(enc) == [("br-int", "gre0", G.REMOTE_HOST_MAC)]
    assert O.static_macs(dec) == [("br-int", "out", G.LAN_HOST_MAC)]
    assert dec.input_label == case("ip6gretap-decap-key").input_label


def test_ip6_rows_validate(greway_bin, tmp_path):
    """bench.py's validation of the IPv6 rows and the IPv4 rows they are held against, on
    greway: every frame of a finite pass (two laps) is what the row claims."""
    cores = "0,1" if (os.cpu_count() or 1) > 1 else "0"
    a = types.SimpleNamespace(build=str(tmp_path), cores=cores, validate_laps=2,
                              simd_bitwidth=0)
    b = B.Bench(a)
    b.greway, b.huge = str(greway_bin), False
    for c in C.select(C.make_cases(), "ip6"):
        v = b.validate(c, b.make_input(c.input))
        assert v["frames_in"] == v["frames_out"] == v["frames_checked"] == 64, (c.name, v)
        assert v["flows"] == 32
