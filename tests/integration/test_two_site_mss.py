# SPDX-License-Identifier: BSD-3-Clause
"""MSS clamping and PMTU discovery end to end: the two-site lab of test_two_site.py with
the hosts at MTU 1500.

    hostA 10.0.0.2 -- gwA (greway) -- router -- gwB (greway) -- hostB 10.16.0.2
    mtu 1500          underlay 1500, tunnel gre1 key 1001: mtu 1472     mtu 1500

Without clamping, both hosts offer MSS 1460 and send 1500-byte packets that
the tunnel cannot carry (1472): greway drops them (too_big) and a bulk
transfer stalls. With clamp-mss auto (the default), the SYN and SYN-ACK
crossing the tunnel carry MSS 1432 (1472 - 40), the hosts never send more
than the tunnel takes, and 20 MB of TCP go through each way with no drop.
tcpdump on both hosts shows the SYNs as the hosts sent them (MSS 1460) and
as they arrived from the other site (MSS 1432).
"""
from pathlib import Path
from types import SimpleNamespace

import pytest
from scapy.all import IP, TCP, rdpcap

from conftest import require_tool
from netns import SITES, greway_site, router, stop_process, transfer, wait_for, warm_up
from test_two_site import assert_no_bad_drops, state

A, B = SITES["A"], SITES["B"]
SIZE = 20 * 1024 * 1024
TUNNEL_MTU = 1500 - 28  # GRE with a key over IPv4
MSS = TUNNEL_MTU - 40



@pytest.fixture
def sites(lab, greway_bin):
    for tool in ("ping", "nc", "ss", "tcpdump"):
        require_tool(tool)
    r = router(lab)
    # clamp-mss auto is the default; the option is spelled out on one side only
    gw_a, host_a = greway_site(lab, greway_bin, r, "A", host_mtu=1500)
    gw_b, host_b = greway_site(lab, greway_bin, r, "B", host_mtu=1500,
                               tunnel_opts="key 1001 clamp-mss auto")
    warm_up(host_a, B["host"])
    warm_up(host_b, A["host"])
    return SimpleNamespace(lab=lab, router=r, gw_a=gw_a, gw_b=gw_b, host_a=host_a, host_b=host_b)


def capture_syns(lab, host, ifname, path):
    """tcpdump of the SYNs on a host's link, running once this returns."""
    log = Path(str(path) + ".log")
    with open(log, "w") as err:
        proc = lab.popen(host, ["tcpdump", "-i", ifname, "-n", "-U", "-w", path,
                                "tcp[tcpflags] & tcp-syn != 0"], stderr=err)
    wait_for(lambda: "listening on" in log.read_text(), 10, f"tcpdump on {host}")
    return proc


def syn_mss(path, local):
    """[(sent by this host?, flags, MSS values)] of the captured SYNs."""
    out = []
    for p in rdpcap(str(path)):
        if IP in p and TCP in p:
            mss = [v for k, v in p[TCP].options if k == "MSS"]
            out.append((p[IP].src == local, str(p[TCP].flags), mss))
    return out


def test_tcp_20mb_both_ways_host_mtu_1500(sites, workdir):
    for h in (sites.host_a, sites.host_b):
        link = h.run("ip", "-o", "link", "show", "up").stdout
        assert " mtu 1500 " in link and " mtu 1472 " not in link, link
    caps = {h: (workdir / f"syn-{h.name}.pcap", ip, ifname)
            for h, ip, ifname in ((sites.host_a, A["host"], "ga-lan"),
                                  (sites.host_b, B["host"], "gb-lan"))}
    dumps = [capture_syns(sites.lab, h, ifname, path) for h, (path, _, ifname) in caps.items()]
    before = {gw: gw.counters() for gw in (sites.gw_a, sites.gw_b)}
    for src, dst, ip, port in ((sites.host_a, sites.host_b, B["host"], 5011),
                               (sites.host_b, sites.host_a, A["host"], 5012)):
        secs, sent, got, size = transfer(sites.lab, src, dst, ip, SIZE, workdir, port=port,
                                         timeout=120)
        print(f"{src} -> {dst}: {size} bytes in {secs:.2f} s "
              f"({size * 8 / secs / 1e6:.0f} Mbit/s)")
        assert size == SIZE, f"{src} -> {ip}: received {size} of {SIZE} bytes\n{state(sites)}"
        assert got == sent, f"{src} -> {ip}: content differs"
    for proc in dumps:
        stop_process(proc)
    for h, (path, ip, _) in caps.items():
        syns = syn_mss(path, ip)
        # per transfer: one SYN out and one SYN-ACK in, or the other way round
        assert len(syns) >= 2, (h.name, syns)
        for sent_here, flags, mss in syns:
            assert mss == ([1460] if sent_here else [MSS]), (h.name, syns)
        assert {f for _, f, _ in syns} == {"S", "SA"}, (h.name, syns)
    for gw in (sites.gw_a, sites.gw_b):
        c, old = gw.counters(), before[gw]
        tun, otun = c["tunnel"]["gre1"], old["tunnel"]["gre1"]
        # nothing was too big for the tunnel: the hosts kept to the clamped MSS
        assert c["drop"]["too_big"] == old["drop"]["too_big"] == 0, (gw.name, c["drop"])
        assert_no_bad_drops(c, gw.name)
        # each gateway carried one 20 MB stream out and one in, at most MSS bytes a segment
        for k in ("tx_packets", "rx_packets"):
            assert tun[k] - otun[k] >= SIZE // MSS, (gw.name, k, tun[k] - otun[k])


@pytest.fixture
def sites_no_clamp(lab, greway_bin):
    """The same lab with clamp-mss off on both gateways: only PMTU discovery can help."""
    for tool in ("ping", "nc", "ss"):
        require_tool(tool)
    r = router(lab)
    opts = "key 1001 clamp-mss off"
    gw_a, host_a = greway_site(lab, greway_bin, r, "A", host_mtu=1500, tunnel_opts=opts)
    gw_b, host_b = greway_site(lab, greway_bin, r, "B", host_mtu=1500, tunnel_opts=opts)
    for h in (host_a, host_b):  # PMTU discovery on (Linux's default), nothing cached
        h.sysctl("net.ipv4.ip_no_pmtu_disc", 0)
    warm_up(host_a, B["host"])
    warm_up(host_b, A["host"])
    return SimpleNamespace(lab=lab, router=r, gw_a=gw_a, gw_b=gw_b, host_a=host_a, host_b=host_b)


def test_tcp_20mb_without_clamping_by_pmtu_discovery(sites_no_clamp, workdir):
    """clamp-mss off: the hosts send 1500-byte segments with DF; greway refuses each with
    ICMP "fragmentation needed, MTU 1472", hostA lowers its path MTU, retransmits, and
    20 MB go through. Back from hostB, hostA (now knowing the path) offers MSS 1432, so
    hostB never sends too much. too_big counts the few refused before hostA learned."""
    s = sites_no_clamp
    for src, dst, ip, port in ((s.host_a, s.host_b, B["host"], 5021),
                               (s.host_b, s.host_a, A["host"], 5022)):
        secs, sent, got, size = transfer(s.lab, src, dst, ip, SIZE, workdir, port=port,
                                         timeout=120)
        print(f"{src} -> {dst}: {size} bytes in {secs:.2f} s (PMTU discovery)")
        assert size == SIZE and got == sent, f"{src} -> {ip}: {size} bytes\n{state(s)}"
    route = s.host_a.run("ip", "route", "get", B["host"]).stdout
    assert f"mtu {TUNNEL_MTU}" in route, f"hostA learned no path MTU: {route}"
    c = s.gw_a.counters()
    assert 0 < c["drop"]["too_big"] < 100, c["drop"]  # refused until hostA learned, at once
    assert_no_bad_drops(s.gw_b.counters(), s.gw_b.name)
    assert_no_bad_drops({"drop": {k: v for k, v in c["drop"].items() if k != "too_big"}},
                        s.gw_a.name)
