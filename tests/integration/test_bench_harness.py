# SPDX-License-Identifier: BSD-3-Clause
"""scripts/bench.sh's pure parts, without DPDK: case generation, inputs for N tunnels,
queue split, the ratio and cycle arithmetic, the table formatting, OVS counter parsing."""
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


