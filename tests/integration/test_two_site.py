# SPDX-License-Identifier: BSD-3-Clause
"""Two sites joined by a GRE tunnel between two greway gateways (the demo's topology).

    hostA 10.0.0.2 -- gwA (greway) -- router -- gwB (greway) -- hostB 10.16.0.2
                      198.51.100.1   .254 | .254  203.0.113.2
                      gre1 172.16.10.1/30 <=> 172.16.10.2/30, key 1001

Each greway runs in its own namespace on two net_tap ports whose kernel ends
are moved into the router and host namespaces. Live traffic: ping both ways,
ping of the far gateway's tunnel address, 10 MB of TCP each way with the
content checked, and the tunnel counters that SIGUSR1 prints.
"""
from types import SimpleNamespace

import pytest

from conftest import require_tool
from netns import SITES, greway_site, router, transfer, warm_up

A, B = SITES["A"], SITES["B"]
SIZE = 10 * 1024 * 1024

# Drop reasons that mean a bug when two greways talk over a clean wire.
# (neigh_unresolved is the first packets of a flow while ARP resolves.)
MUST_BE_ZERO = ("ip_header", "ip_csum", "ip_fragment", "gre_short", "gre_version", "gre_flags",
                "gre_proto", "gre_csum", "gre_csum_missing", "gre_seq_missing", "gre_seq_old",
                "no_tunnel", "key_mismatch", "inner_header", "ttl_expired", "no_route",
                "too_big", "no_headroom", "punt_full", "tx_full")



@pytest.fixture
def sites(lab, greway_bin):
    for tool in ("ping", "nc", "ss"):
        require_tool(tool)
    r = router(lab)
    gw_a, host_a = greway_site(lab, greway_bin, r, "A")
    gw_b, host_b = greway_site(lab, greway_bin, r, "B")
    warm_up(host_a, B["host"])
    warm_up(host_b, A["host"])
    return SimpleNamespace(lab=lab, router=r, gw_a=gw_a, gw_b=gw_b, host_a=host_a, host_b=host_b)


def state(sites):
    """Both gateways' counters, for failure messages."""
    out = []
    for gw in (sites.gw_a, sites.gw_b):
        c = gw.counters()
        drops = {k: v for k, v in c["drop"].items() if v}
        out.append(f"{gw.name}: tunnel {c['tunnel']} ports {c['port']} drops {drops}")
    return "\n".join(out)


def assert_no_bad_drops(counters, who):
    bad = {k: v for k, v in counters["drop"].items() if k in MUST_BE_ZERO and v != 0}
    assert not bad, f"{who} dropped packets: {bad}"


def test_ping_both_ways(sites):
    before = {gw: gw.counters()["tunnel"]["gre1"] for gw in (sites.gw_a, sites.gw_b)}
    for src, dst in ((sites.host_a, B["host"]), (sites.host_b, A["host"])):
        cp, loss = src.ping(dst, count=10, interval=0.1)
        assert loss == 0, f"ping {dst} from {src}:\n{cp.stdout}{cp.stderr}{state(sites)}"
    for gw in (sites.gw_a, sites.gw_b):
        c = gw.counters()
        tun = c["tunnel"]["gre1"]
        # 10 requests out and 10 replies in, each way, for each gateway
        assert tun["tx_packets"] - before[gw]["tx_packets"] >= 20, (gw.name, tun)
        assert tun["rx_packets"] - before[gw]["rx_packets"] >= 20, (gw.name, tun)
        assert_no_bad_drops(c, gw.name)


def test_ping_far_tunnel_address(sites):
    # hostA -> gwA -> tunnel -> gwB answers for 172.16.10.2 itself, and back
    for src, dst in ((sites.host_a, B["tun"]), (sites.host_b, A["tun"])):
        cp, loss = src.ping(dst, count=5, interval=0.1)
        assert loss == 0, f"ping {dst} from {src}:\n{cp.stdout}{cp.stderr}{state(sites)}"
        assert "ttl=63" in cp.stdout, cp.stdout  # one greway hop, then greway's own TTL 64
    for gw in (sites.gw_a, sites.gw_b):
        c = gw.counters()
        assert c["drop"]["local_proto"] == 0, (gw.name, c["drop"])
        assert_no_bad_drops(c, gw.name)


def test_tcp_10mb_both_ways(sites, workdir):
    before = {gw: gw.counters()["tunnel"]["gre1"] for gw in (sites.gw_a, sites.gw_b)}
    for src, dst, ip, port in ((sites.host_a, sites.host_b, B["host"], 5001),
                               (sites.host_b, sites.host_a, A["host"], 5002)):
        secs, sent, got, size = transfer(sites.lab, src, dst, ip, SIZE, workdir, port=port)
        print(f"{src} -> {dst}: {size} bytes in {secs:.2f} s "
              f"({size * 8 / secs / 1e6:.0f} Mbit/s)")
        assert size == SIZE, f"{src} -> {ip}: received {size} of {SIZE} bytes"
        assert got == sent, f"{src} -> {ip}: content differs"
    for gw in (sites.gw_a, sites.gw_b):
        c = gw.counters()
        tun, old = c["tunnel"]["gre1"], before[gw]
        # each gateway encapsulated one 10 MB stream and decapsulated the other
        # (tunnel byte counters count inner IPv4 bytes, headers included)
        assert tun["tx_bytes"] - old["tx_bytes"] >= SIZE, (gw.name, tun)
        assert tun["rx_bytes"] - old["rx_bytes"] >= SIZE, (gw.name, tun)
        assert tun["tx_packets"] - old["tx_packets"] >= SIZE // 1432, (gw.name, tun)
        assert tun["rx_packets"] - old["rx_packets"] >= SIZE // 1432, (gw.name, tun)
        assert_no_bad_drops(c, gw.name)
