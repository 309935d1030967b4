# SPDX-License-Identifier: BSD-3-Clause
"""Reassembly of outer fragments on decap, on net_pcap.

A peer with nopmtudisc (or a router on the way) splits big GRE packets. scapy
fragments them here; greway must put each back together whatever the order,
with other packets interleaved, and deliver the inner packet exactly once, byte
for byte (TTL - 1). A packet with a fragment missing is given up after the
timeout and counted as ip_fragment; so is a packet whose fragments overlap and never
add up to a whole (rte_ip_frag holds them until the timeout too, it does not reject an
overlap on arrival).
"""
import uuid

import pytest
from scapy.all import IP, UDP, fragment

import gwpcap as g

REMOTE = "203.0.113.2"
CONFIG = g.BASE_CONFIG + [
    f"tunnel add r1 mode gre local {g.WAN_IP} remote {REMOTE} key 5 csum",
    "route add 10.16.0.0/24 dev r1",
]


def inner(ident, size):
    return bytes(IP(src="10.16.0.2", dst=g.LAN_HOST, id=ident, ttl=64) /
                 UDP(sport=ident, dport=9) / bytes((ident + i) & 0xFF for i in range(size)))


def outer_fragments(pkt, ident, fragsize):
    """The GRE packet carrying pkt, split by scapy into outer fragments (raw IPv4)."""
    whole = IP(g.ipv4(REMOTE, g.WAN_IP, 47, g.gre_header(key=5, csum=True, payload=pkt),
                      ident=ident))
    return [bytes(f) for f in fragment(whole, fragsize=fragsize)]


def frame(ip_bytes):
    return g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800, ip_bytes)


@pytest.fixture(scope="module")
def reass(greway_bin, tmp_path_factory):
    a, b, c, d = inner(1, 1400), inner(2, 1440), inner(3, 1000), inner(4, 1200)
    fa = outer_fragments(a, 101, 600)   # 3 fragments
    fb = outer_fragments(b, 102, 200)   # 8 fragments: the most a packet may have
    assert len(fb) == 8
    fc = outer_fragments(c, 103, 400)   # 3 fragments, the middle one lost
    fd = outer_fragments(d, 104, 600)
    overlap = bytearray(fd[1])          # 2nd fragment claims the 1st one's offset
    overlap[6:8] = (0x2000 | 1).to_bytes(2, "big")  # MF, offset 8 bytes: inside fragment 1
    overlap[10:12] = b"\0\0"
    overlap[10:12] = (~g.csum16(bytes(overlap[:20])) & 0xFFFF).to_bytes(2, "big")
    single = g.ipv4(REMOTE, g.WAN_IP, 47, g.gre_header(key=5, csum=True, payload=inner(5, 100)),
                    ident=105)
    wan = [frame(f) for f in (
        fa[2], fb[0], fa[0], single, fb[3], fc[0], fb[1], fa[1],  # a done, out of order
        fb[7], fb[6], fb[2], fb[5], fc[2], fb[4],                # b done
        fd[0], bytes(overlap))]                                  # d: overlapping
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("reass"), uuid.uuid4().hex[:6],
                     CONFIG, wan_in=wan, settle=1.5)
    assert res.rc == 0, res.stderr
    return res, {1: a, 2: b, 5: inner(5, 100)}


def test_fragments_are_reassembled_and_delivered_once(reass):
    res, sent = reass
    got = {IP(f[14:]).id: f[14:] for f in res.lan_out}
    assert sorted(got) == sorted(sent), f"delivered {sorted(got)}"
    assert len(res.lan_out) == len(sent)
    for ident, pkt in sent.items():
        g.assert_forwarded(got[ident], pkt)
    assert res.tunnels["r1"]["rx_packets"] == len(sent)


def test_incomplete_and_overlapping_are_counted(reass):
    res, _ = reass
    # c: two fragments held until the timeout; d: the two that overlap, also held until
    # the timeout (they never complete), so this does not tell overlap from loss
    res.assert_drops({"ip_fragment": 4})
