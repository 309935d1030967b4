# SPDX-License-Identifier: BSD-3-Clause
"""PMD profiles (-p FILE, pmd-config/): every shipped profile validates, a bad
one stops greway with FILE:LINE: reason before any port starts, and greway
started with a profile logs what it applied and forwards as before: on
net_pcap (the same frames out as without -p), net_null, and net_tap between
two gateways in network namespaces (ping both ways).
"""
import re
import shutil
import signal
import subprocess
import time

import pytest
from scapy.all import ICMP, IP

import gwpcap as g
from conftest import REPO, require_tool, run
from netns import SITES, greway_site, router, stop_process, warm_up
from test_startup import LIFE_CONF, life_traffic

PROFILES = sorted((REPO / "pmd-config").glob("*.ini"))
APPLIED = re.compile(r"greway: (port\d+): applied: rxq (\d+) txq (\d+) rx_desc (\d+) "
                     r"tx_desc (\d+) rx_offloads (\S+) tx_offloads (\S+) rss (\S+)(?: \(profile key\))? "
                     r"mtu (\d+) promiscuous (\w+)")


def applied(text):
    """{port: dict} of the 'applied:' log lines."""
    out = {}
    for m in APPLIED.finditer(text):
        out[m.group(1)] = dict(rxq=int(m.group(2)), txq=int(m.group(3)),
                               rx_desc=int(m.group(4)), tx_desc=int(m.group(5)),
                               rx_offloads=m.group(6), tx_offloads=m.group(7),
                               rss=m.group(8), mtu=int(m.group(9)), promiscuous=m.group(10))
    return out


def _greway(greway_bin, run_id, eal, args, timeout=60):
    try:
        return run([str(greway_bin), "--no-pci", "--no-huge", "-m", "128", "--file-prefix",
                    f"gwp{run_id}", *eal, "--", *args], check=False, timeout=timeout)
    finally:
        shutil.rmtree(f"/var/run/dpdk/gwp{run_id}", ignore_errors=True)


def test_shipped_profiles_are_the_documented_set():
    names = {p.stem for p in PROFILES}
    assert names == {"net_tap", "net_pcap", "net_null", "net_ring", "net_memif", "virtio",
                     "ixgbe", "i40e", "ice", "mlx5", "af_xdp"}


@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_shipped_profile_checks(greway_bin, run_id, profile):
    """`-p FILE --check-profile`: valid, one line per section, exit 0, no port touched."""
    p = _greway(greway_bin, run_id, ["-l", "0"], ["-p", str(profile), "--check-profile"])
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    m = re.fullmatch(rf"{re.escape(str(profile))}: valid, (\d+) section\(s\)", lines[0])
    assert m, p.stdout
    assert len(lines) == 1 + int(m.group(1)) and int(m.group(1)) >= 1
    assert all(re.match(r"  \[\w+\] \S", ln) for ln in lines[1:]), p.stdout
    assert "started" not in p.stderr


def test_check_profile_needs_p(greway_bin, run_id):
    p = _greway(greway_bin, run_id, ["-l", "0"], ["--check-profile"])
    assert p.returncode == 1
    assert "greway: --check-profile needs -p PMD_PROFILE" in p.stderr


def test_check_profile_reports_bad_line(greway_bin, run_id, tmp_path):
    bad = tmp_path / "bad.ini"
    bad.write_text("[net_tap]\nrx_queues = per-worker\ntx_offloads = ipv4_cksum, tso\n")
    p = _greway(greway_bin, run_id, ["-l", "0"], ["-p", str(bad), "--check-profile"])
    assert p.returncode == 1
    assert p.stderr.splitlines()[-1] == (
        f'{bad}:3: tx_offloads "ipv4_cksum, tso": unknown name "tso" '
        "(none, ipv4_cksum, multi_segs, mbuf_fast_free, gre_tnl_tso)")


BAD_PROFILES = [
    ("unknown_key", "[port]\nrx_descs = 512\n",
     ':2: unknown key "rx_descs" (rx_queues, tx_queues, rx_desc, tx_desc, rx_offloads, '
     "tx_offloads, rss_types, rss_key, mtu, promiscuous)"),
    ("unknown_section", "[net_pcapp]\n",
     ":1: unknown section [net_pcapp] (port, or a driver: net_tap, net_pcap, net_null, "
     "net_ring, net_memif, net_virtio, net_ixgbe, net_i40e, net_ice, mlx5_pci, "
     "net_af_xdp, ...)"),
    ("out_of_range", "# c\n[net_pcap]\n\nrx_desc = 100000\n",
     ':4: rx_desc "100000": expected 32..32768'),
    ("no_equals", "[net_pcap]\nmtu 1500\n",
     ':2: "mtu 1500": neither a [section] nor key = value'),
]


@pytest.mark.parametrize("case", BAD_PROFILES, ids=[c[0] for c in BAD_PROFILES])
def test_bad_profile_stops_before_ports(greway_bin, workdir, run_id, case):
    """A bad profile: exit 1, exactly one FILE:LINE: reason line, no port started, no frame
    sent, even with a good startup file."""
    _, text, error = case
    prof = workdir / "bad.ini"
    prof.write_text(text)
    frames = [g.lan_frame(bytes(IP(src=g.LAN_HOST, dst="10.9.0.1") / ICMP()))]
    res = g.run_pcap(greway_bin, workdir, run_id, g.BASE_CONFIG, lan_in=frames,
                     args=["-c", str(workdir / "gw" / "gw.conf"), "-p", str(prof)], timeout=20)
    assert res.rc == 1
    located = [ln for ln in res.stderr.splitlines() if ln.startswith(f"{prof}:")]
    assert located == [f"{prof}{error}"]
    assert "started" not in res.stderr and "greway: running" not in res.stdout
    assert res.wan_out == [] and res.lan_out == []


def test_missing_profile(greway_bin, workdir, run_id):
    missing = workdir / "nope.ini"
    res = g.run_pcap(greway_bin, workdir, run_id, g.BASE_CONFIG,
                     args=["-p", str(missing)], timeout=20)
    assert res.rc == 1
    assert f"{missing}: cannot open: No such file or directory" in res.stderr.splitlines()
    assert "started" not in res.stderr


# --- net_pcap: the same traffic with and without the profile ---

# the lifecycle tests' config and traffic (test_startup.py), run with and without -p
PCAP_CONF, pcap_traffic = LIFE_CONF, life_traffic


def test_pcap_forwards_as_before_with_profile(greway_bin, workdir, run_id):
    """-p pmd-config/net_pcap.ini: each port logs what was applied, and greway sends
    byte for byte what it sends without -p."""
    wan, lan = pcap_traffic()
    ref = g.run_pcap(greway_bin, workdir, run_id, PCAP_CONF, wan_in=wan, lan_in=lan,
                     name="ref")
    conf = workdir / "prof" / "gw.conf"
    res = g.run_pcap(greway_bin, workdir, run_id, PCAP_CONF, wan_in=wan, lan_in=lan,
                     name="prof",
                     args=["-c", str(conf), "-p", str(REPO / "pmd-config/net_pcap.ini")])
    assert ref.rc == 0 and res.rc == 0, res.stderr
    assert "applied:" not in ref.stderr  # without -p: today's logs only
    got = applied(res.stderr)
    assert sorted(got) == ["port0", "port1"], res.stderr
    for port in got.values():
        assert port == dict(rxq=1, txq=1, rx_desc=1024, tx_desc=1024, rx_offloads="none",
                            tx_offloads="none", rss="none", mtu=1500,
                            promiscuous=port["promiscuous"])
    assert "port0: driver net_pcap, profile" in res.stderr
    assert len(ref.wan_out) == 5 and len(ref.lan_out) == 4
    assert [bytes(f) for f in res.wan_out] == [bytes(f) for f in ref.wan_out]
    assert [bytes(f) for f in res.lan_out] == [bytes(f) for f in ref.lan_out]
    assert res.nonzero_drops() == ref.nonzero_drops()


# --- net_null: queues, descriptors, offloads the port lacks ---

def _run_null(greway_bin, run_id, workdir, profile, lcores=("-l", "0"), seconds=1.0):
    """greway on two net_null vdevs with -p profile, stopped by SIGTERM once it runs."""
    prefix = f"gwn{run_id}"
    out, err = workdir / "null.out", workdir / "null.err"
    cmd = [str(greway_bin), "--no-pci", "--no-huge", "-m", "512", "--file-prefix", prefix,
           *lcores, "--vdev", "net_null0", "--vdev", "net_null1", "--",
           "-p", str(profile), "-s", str(workdir / "gw.sock"), "--idle-sleep-us", "200"]
    with open(out, "w") as o, open(err, "w") as e:
        proc = subprocess.Popen(cmd, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if "greway: running" in out.read_text():
                break
            time.sleep(0.05)
        time.sleep(seconds)
        rc = stop_process(proc, signal.SIGTERM)
    finally:
        if proc.poll() is None:
            stop_process(proc, signal.SIGKILL)
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
    return rc, out.read_text(), err.read_text()


def test_null_shipped_profile(greway_bin, run_id, workdir):
    rc, out, err = _run_null(greway_bin, run_id, workdir, REPO / "pmd-config/net_null.ini")
    assert rc == 0, err
    assert "greway: running, 1 worker(s), 2 port(s)" in out
    got = applied(err)
    assert got["port0"] == dict(rxq=1, txq=1, rx_desc=512, tx_desc=512, rx_offloads="none",
                                tx_offloads="none", rss="none", mtu=1500,
                                promiscuous=got["port0"]["promiscuous"])
    # net_null made up frames and greway received them (and dropped them: not IP)
    rx = [int(m) for m in re.findall(r"port port\d rx_packets (\d+)", out)]
    assert rx and min(rx) > 0, out


def test_null_fixed_queues_rss_and_dropped_offloads(greway_bin, run_id, workdir):
    """rx_queues fixed at 4 with 2 workers: 4 rx queues (2 per worker), one tx queue per
    worker, RSS on the profile's types; offloads the port lacks and a key of the wrong
    size are left out, logged."""
    prof = workdir / "p.ini"
    prof.write_text("[port]\nrx_queues = 4\nrx_desc = 256\ntx_desc = 128\n"
                    "tx_offloads = ipv4_cksum, multi_segs\n"
                    "rss_types = ipv4, nonfrag_ipv4_other\nrss_key = 6d5a6d5a\nmtu = 1400\n"
                    "[net_tap]\nrx_queues = 2\n")
    # three lcores on two CPUs (the main one and two workers): a 2-core CI box is enough
    rc, out, err = _run_null(greway_bin, run_id, workdir, prof,
                             lcores=("--lcores", "0@0,1@1,2@1"))
    assert rc == 0, err
    assert "greway: running, 2 worker(s), 2 port(s)" in out
    got = applied(err)
    assert got["port1"] == dict(rxq=4, txq=2, rx_desc=256, tx_desc=128, rx_offloads="none",
                                tx_offloads="none", rss="ipv4,nonfrag_ipv4_other", mtu=1400,
                                promiscuous=got["port1"]["promiscuous"]), err
    assert "port0: tx offloads ipv4_cksum,multi_segs not offered by the port: not used" in err
    assert "port0: rss_key: the port reports no key size: PMD's default key kept" in err
    assert "port0: driver net_null, profile " in err and ": [port]" in err


# --- net_tap: two gateways in namespaces, with the shipped profile ---


def test_tap_two_sites_with_profile(lab, greway_bin):
    """Both gateways start with -p pmd-config/net_tap.ini, log the tap's offloads as
    applied, and carry ping both ways through the tunnel."""
    require_tool("ping")
    args = ["-p", str(REPO / "pmd-config/net_tap.ini"), "--idle-sleep-us", "200"]
    r = router(lab)
    gw_a, host_a = greway_site(lab, greway_bin, r, "A", extra_args=args)
    gw_b, host_b = greway_site(lab, greway_bin, r, "B", extra_args=args)
    for gw in (gw_a, gw_b):
        got = applied(gw.output())
        assert sorted(got) == ["port0", "port1"], gw.output()
        for port in got.values():
            assert port["rx_desc"] == 512 and port["tx_desc"] == 512
            assert port["rx_offloads"] == "ipv4_cksum"
            assert port["tx_offloads"] == "ipv4_cksum,multi_segs"
            assert port["mtu"] == 1500
        assert "tx ip cksum hardware" in gw.output()
    warm_up(host_a, SITES["B"]["host"])
    warm_up(host_b, SITES["A"]["host"])
    for src, dst in ((host_a, SITES["B"]["host"]), (host_b, SITES["A"]["host"])):
        cp, loss = src.ping(dst, count=5, interval=0.1)
        assert loss == 0, cp.stdout + cp.stderr
    for gw in (gw_a, gw_b):
        c = gw.counters()
        assert c["tunnel"]["gre1"]["rx_packets"] >= 5 and c["tunnel"]["gre1"]["tx_packets"] >= 5
        assert c["drop"]["ip_csum"] == 0


def test_null_fixed_queues_default_rss(greway_bin, run_id, workdir):
    """rx_queues = 2 with one worker and no rss_types: both queues on the worker, and RSS on
    with greway's default types (addresses only), as with several workers."""
    prof = workdir / "q.ini"
    prof.write_text("[net_null]\nrx_queues = 2\n")
    rc, out, err = _run_null(greway_bin, run_id, workdir, prof)
    assert rc == 0, err
    got = applied(err)
    assert got["port0"]["rxq"] == 2 and got["port0"]["txq"] == 1, err
    assert "ipv4" in got["port0"]["rss"].split(","), err
    assert "tcp" not in got["port0"]["rss"] and "udp" not in got["port0"]["rss"], err
