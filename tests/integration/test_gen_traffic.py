# SPDX-License-Identifier: BSD-3-Clause
"""scripts/gen-traffic.py and scripts/dut-testpmd.sh (doc/line-rate.md).

The pcaps are decoded twice, by scapy and by tshark, and checked against what
the options promise: per-spoke keys and addresses, valid GRE checksums,
per-spoke sequence numbers, sizes and the IMIX mix. The calculator is checked
against figures computed by hand. greway itself accepts --print-config's
startup file, forwards the generated pcaps through it without a drop, and the
vdev DUT mode forwards with greway's counters equal to testpmd's.
"""
import ipaddress
import json
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict

import pytest
from scapy.all import GRE, IP, TCP, UDP, Ether, RawPcapReader

from conftest import REPO, require_root, require_tool, run
from gwpcap import csum16, drop_reasons, run_pcap, tshark_fields

GEN = [sys.executable, str(REPO / "scripts/gen-traffic.py")]
DUT = str(REPO / "scripts/dut-testpmd.sh")
WAN_MAC = "02:00:00:00:00:10"
LAN_MAC = "02:00:00:00:00:11"


def gen(*args):
    return run(GEN + [str(a) for a in args])


def frames(path):
    return [bytes(d) for d, _ in RawPcapReader(str(path))]


def rate(*args):
    return json.loads(gen("rate", "--json", *args).stdout)


# ---------------------------------------------------------------- pcaps

def test_gre_spokes_keys_csum_seq_imix(workdir):
    pcap = workdir / "wan.pcap"
    gen("gre", "-o", pcap, "--spokes", 4, "--key", 1000, "--csum", "--seq", "--imix", "--flows", 8)
    raw = frames(pcap)
    # 8 flows x one round of simple IMIX (12 sizes) = 96 frames, 24 per spoke
    assert len(raw) == 96
    by_spoke = defaultdict(list)
    sizes = Counter()
    for b in raw:
        p = Ether(b)
        assert p.dst == WAN_MAC and p.src == "02:00:00:00:00:fe"
        assert p[IP].dst == "198.51.100.1" and p[IP].proto == 47
        assert csum16(b[14:34]) == 0xFFFF, "outer IPv4 checksum"
        g = p[GRE]
        assert g.proto == 0x0800 and g.key_present and g.chksum_present and g.seqnum_present
        gre_bytes = b[34:]
        assert csum16(gre_bytes) == 0xFFFF, "GRE checksum (RFC 2784: over header and payload)"
        spoke = int(ipaddress.ip_address(p[IP].src)) - int(ipaddress.ip_address("203.0.113.2"))
        assert 0 <= spoke < 4
        assert g.key == 1000 + spoke
        inner = g.payload
        assert ipaddress.ip_address(inner.src) in ipaddress.ip_network(f"10.64.{spoke}.0/24")
        assert ipaddress.ip_address(inner.dst) in ipaddress.ip_network("10.32.0.0/16")
        inner_frame = len(bytes(inner)) + 14 + 4
        assert len(b) + 4 == inner_frame + 36, "outer = inner + 36 (key, csum, seq)"
        sizes[inner_frame] += 1
        by_spoke[spoke].append(g.sequence_number)
    assert sizes == {64: 56, 594: 32, 1518: 8}, "simple IMIX 7:4:1"
    step = 2 ** 32 // 24
    for spoke, seqs in by_spoke.items():
        assert len(seqs) == 24
        # consecutive per spoke, and the wrap to the first is one more step: loop-safe
        assert seqs == [(k * step) & 0xFFFFFFFF for k in range(24)], spoke
        assert (seqs[0] - seqs[-1]) % 2 ** 32 == 2 ** 32 - 23 * step

    # tshark, an independent decoder
    rows = tshark_fields(pcap, ["frame.len", "ip.src", "gre.key", "gre.checksum.status",
                                "gre.sequence_number", "gre.proto", "udp.dstport"],
                         prefs=("ip.check_checksum:TRUE", "udp.check_checksum:TRUE"))
    assert len(rows) == 96
    seen = defaultdict(list)
    for r in rows:
        src = r["ip.src"].split(",")[0]
        spoke = int(ipaddress.ip_address(src)) - int(ipaddress.ip_address("203.0.113.2"))
        assert int(r["gre.key"], 16) == 1000 + spoke
        assert r["gre.checksum.status"] == "1", ("GRE checksum not good for tshark", r)
        assert r["gre.proto"] == "0x0800"
        seen[spoke].append(int(r["gre.sequence_number"]))
    assert sorted(seen) == [0, 1, 2, 3]
    assert all(s == sorted(s) and len(set(s)) == len(s) for s in seen.values()), seen
    assert Counter(int(r["frame.len"]) + 4 for r in rows) == {100: 56, 630: 32, 1554: 8}


def test_gre_seq_step_one_and_no_options(workdir):
    pcap = workdir / "wan.pcap"
    gen("gre", "-o", pcap, "--spokes", 2, "--seq", "--seq-step", 1, "--size", "128")
    seqs = defaultdict(list)
    for b in frames(pcap):
        p = Ether(b)
        assert len(b) + 4 == 128 + 28 and not p[GRE].key_present and not p[GRE].chksum_present
        seqs[p[IP].src].append(p[GRE].sequence_number)
    assert seqs == {"203.0.113.2": list(range(16)), "203.0.113.3": list(range(16))}


def test_gretap(workdir):
    pcap = workdir / "tap.pcap"
    gen("gre", "-o", pcap, "--mode", "gretap", "--spokes", 3, "--key", 7, "--size", "64,512")
    raw = frames(pcap)
    assert len(raw) == 64
    for b in raw:
        p = Ether(b)
        assert p[GRE].proto == 0x6558 and p[GRE].key == 7 + int(p[IP].src.split(".")[3]) - 2
        inner = Ether(bytes(p[GRE].payload))
        assert inner.dst == "02:00:00:00:01:02" and inner.src.startswith("02:00:00:01:")
        assert len(b) + 4 - (len(bytes(inner)) + 4) == 42, "GRETAP key: 28 + 14"
    rows = tshark_fields(pcap, ["frame.len", "gre.proto", "eth.type", "udp.dstport"])
    assert {r["gre.proto"] for r in rows} == {"0x6558"}
    assert {r["eth.type"] for r in rows} == {"0x0800,0x0800"}, "tshark sees the inner Ethernet"
    assert Counter(int(r["frame.len"]) + 4 for r in rows) == {106: 32, 554: 32}


@pytest.mark.parametrize("proto", ["udp", "tcp"])
def test_inner(workdir, proto):
    pcap = workdir / "lan.pcap"
    gen("inner", "-o", pcap, "--spokes", 5, "--flows", 20, "--proto", proto,
        "--size", "64:3,1518:1")
    raw = frames(pcap)
    assert len(raw) == 80
    flows, spokes, sizes = set(), Counter(), Counter()
    for b in raw:
        p = Ether(b)
        assert p.dst == LAN_MAC and p.src == "02:00:00:00:01:02"
        l4 = p[UDP] if proto == "udp" else p[TCP]
        flows.add((p[IP].src, p[IP].dst, l4.sport, l4.dport))
        dst = ipaddress.ip_address(p[IP].dst)
        spokes[next(i for i in range(5) if dst in ipaddress.ip_network(f"10.64.{i}.0/24"))] += 1
        sizes[len(b) + 4] += 1
    assert len(flows) == 20 and spokes == {i: 16 for i in range(5)}
    assert sizes == {64: 60, 1518: 20}
    rows = tshark_fields(pcap, ["ip.checksum.status", f"{proto}.checksum.status", "ip.proto"],
                         prefs=("ip.check_checksum:TRUE", f"{proto}.check_checksum:TRUE"))
    assert {r["ip.checksum.status"] for r in rows} == {"1"}, "IPv4 checksums good"
    assert {r[f"{proto}.checksum.status"] for r in rows} == {"1"}, f"{proto} checksums good"
    assert {r["ip.proto"] for r in rows} == {"17" if proto == "udp" else "6"}


def test_bad_options():
    r = run(GEN + ["gre", "-o", "/dev/null", "--spokes", "40", "--flows", "8"], check=False)
    assert r.returncode == 2 and "flows (8) must be >= spokes (40)" in r.stderr
    r = run(GEN + ["inner", "-o", "/dev/null", "--size", "60"], check=False)
    assert r.returncode == 2 and "bad size '60'" in r.stderr
    r = run(GEN + ["gre", "-o", "/dev/null", "--spokes", "300"], check=False)
    assert r.returncode == 2 and "do not fit in 203.0.113.0/24" in r.stderr
    r = run(GEN + ["rate", "--link", "fast"], check=False)
    assert r.returncode == 2 and "bad link speed" in r.stderr


# ------------------------------------------------------------ calculator

def test_rate_hand_computed():
    t = rate("--link", "10G", "--size", "64")
    assert t["plain_pps"] == pytest.approx(14_880_952.38, rel=1e-9)    # 10e9 / (84 * 8)
    rows = {r["mode"]: r for r in t["rows"]}
    assert [rows[m]["overhead"] for m in ("gre", "gre key", "gre key csum", "gre key csum seq",
                                          "gretap", "gretap key csum seq")] == [24, 28, 32, 36, 38, 50]
    k = rows["gre key"]
    assert k["outer_frame"] == 92
    assert k["encap"]["offered"]["pps"] == pytest.approx(10e9 / (84 * 8))
    assert k["encap"]["max_pps"] == pytest.approx(10e9 / ((92 + 20) * 8))   # 11.161 Mpps
    assert k["encap"]["max_pps"] == pytest.approx(11_160_714.29, rel=1e-9)
    assert k["encap"]["limited_by"] == "wan"
    assert k["encap"]["outer"]["l1_bps"] == pytest.approx(10e9)
    assert k["encap"]["outer"]["l2_bps"] == pytest.approx(10e9 * 92 / 112)
    assert k["encap"]["inner"]["l2_bps"] == pytest.approx(10e9 * 64 / 112)
    assert k["decap"]["offered"]["pps"] == pytest.approx(10e9 / (112 * 8))
    assert k["decap"]["inner"]["l1_bps"] == pytest.approx(10e9 * 84 / 112)
    assert rows["gretap"]["outer_frame"] == 64 + 38
    assert rows["gretap"]["decap"]["max_pps"] == pytest.approx(10e9 / ((102 + 20) * 8))

    t = rate("--link", "100G", "--size", "1518", "--mode", "gre key csum seq")
    (r,) = t["rows"]
    assert t["plain_pps"] == pytest.approx(100e9 / (1538 * 8))    # 8.127 Mpps
    assert r["encap"]["max_pps"] == pytest.approx(100e9 / ((1518 + 36 + 20) * 8))

    t = rate("--link", "25G", "--imix", "--mode", "gre")
    mean = (7 * 64 + 4 * 594 + 1518) / 12
    assert t["plain_pps"] == pytest.approx(25e9 / ((mean + 20) * 8))
    assert t["rows"][0]["decap"]["max_pps"] == pytest.approx(25e9 / ((mean + 24 + 20) * 8))


def test_rate_table_text():
    out = gen("rate", "--link", "10G", "--size", "64").stdout
    assert "plain routing (no tunnel): 14.881 Mpps" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("gre key ") and "csum" not in ln)
    assert "11.161" in line.split() and "14.881" in line.split()


# --------------------------------------------- greway accepts and forwards them

def test_print_config_accepted_by_greway(greway_bin, workdir, run_id):
    require_root()
    conf = workdir / "hub.conf"
    conf.write_text(gen("gre", "--spokes", 20, "--key", 100, "--csum", "--seq",
                        "--print-config").stdout)
    sock = workdir / "gw.sock"
    prefix = f"gwt{run_id}cfg"
    out = open(workdir / "gw.out", "w")
    proc = subprocess.Popen([str(greway_bin), "--no-pci", "--no-huge", "-m", "512",
                             "--file-prefix", prefix, "-l", "0",
                             "--vdev", "net_null0,no-rx=1", "--vdev", "net_null1,no-rx=1", "--",
                             "-c", str(conf), "-s", str(sock)],
                            stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "greway: running" not in (workdir / "gw.out").read_text():
            assert proc.poll() is None, (workdir / "gw.out").read_text()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        ctl = greway_bin.parent.parent / "grewayctl/grewayctl"
        shown = run([str(ctl), "-s", str(sock), "-j", "tunnel", "show"]).stdout
        tuns = json.loads(shown)
        assert len(tuns) == 20
        routes = run([str(ctl), "-s", str(sock), "route", "show"]).stdout
        assert "10.64.19.0/24 dev gre20" in routes
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        out.close()
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"])


@pytest.mark.parametrize("opts", [[], ["--key", 1000, "--csum", "--seq"]])
def test_pcaps_forwarded_by_greway(greway_bin, workdir, run_id, opts):
    """Through greway on net_pcap (port0 WAN, port1 LAN): every generated frame leaves, no drop."""
    require_root()
    topo = ["--spokes", 4, "--flows", 16, "--lan-port", "port1", "--wan-port", "port0",
            "--size", "64,200"] + opts
    config = gen("gre", "--print-config", *topo).stdout
    wan, lan = workdir / "wan.pcap", workdir / "lan.pcap"
    gen("gre", "-o", wan, *topo)
    gen("inner", "-o", lan, *topo)
    res = run_pcap(greway_bin, workdir, run_id, config, wan_in=frames(wan), lan_in=frames(lan))
    assert res.rc == 0, res.stderr
    assert sorted(res.drops) == sorted(drop_reasons())
    assert res.nonzero_drops() == {}
    assert len(res.lan_out) == 32 and len(res.wan_out) == 32
    for t in range(4):
        assert res.tunnels[f"gre{t + 1}"]["rx_packets"] == 8
        assert res.tunnels[f"gre{t + 1}"]["tx_packets"] == 8
    for b in res.wan_out:
        p = Ether(b)
        spoke = int(p[IP].dst.split(".")[3]) - 2
        if opts:
            assert p[GRE].key == 1000 + spoke and csum16(b[34:]) == 0xFFFF
        assert ipaddress.ip_address(p[GRE].payload.dst) in \
            ipaddress.ip_network(f"10.64.{spoke}.0/24")


# ------------------------------------------------------------ the DUT driver

@pytest.mark.parametrize("direction", ["decap", "encap"])
def test_dut_vdev_mode(greway_bin, workdir, direction):
    require_root()
    require_tool("dpdk-testpmd")
    out = workdir / "dut.json"
    r = run([DUT, "--vdev-mode", "--direction", direction, "--spokes", "2", "--key", "5",
             "--csum", "--seconds", "2", "--warmup", "0.5", "--link", "10G",
             "--build", str(greway_bin.parents[2]), "--work", str(workdir / "dut"),
             "--json", str(out)], check=False, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    d = json.loads(out.read_text())
    w, tot = d["window"], d["totals"]
    assert w["tg_tx"] > 0 and w["tg_rx"] > 0 and w["gw_tx"] > 0
    # after the generator stopped: testpmd's and greway's counters agree on both sides
    assert tot["in_match"] and tot["tg_tx"] == tot["gw_rx"], tot
    assert tot["out_match"] and tot["gw_tx"] == tot["tg_rx"], tot
    # whatever was lost, greway counted why (a slow sink on a shared CPU: tx_full)
    assert tot["gw_rx"] - tot["gw_tx"] == sum(d["gw_drops"].values()), d["gw_drops"]
    assert set(d["gw_drops"]) <= {"tx_full"}, d["gw_drops"]
    key = "rx_packets" if direction == "decap" else "tx_packets"
    assert sum(t[key] for t in d["gw_tunnels"].values()) >= tot["gw_tx"]
    assert "testpmd sink rx" in r.stdout and "Mpps" in r.stdout
