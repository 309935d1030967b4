# SPDX-License-Identifier: BSD-3-Clause
"""Fragmentation of inner packets with DF clear, on net_pcap (RFC 791).

A packet larger than the tunnel MTU whose DF bit is clear is split before
encapsulation, each fragment in a GRE packet of its own (so the peer needs no
outer reassembly); on a plain route it is split to the port MTU. Each
fragment: 8-byte aligned offsets, MF on all but the last, a valid header
checksum, the original's ID, TTL decremented once; reassembled, the payload
equals what was sent. DF set is still refused (ICMP, tested elsewhere).
"""
import uuid

import pytest
from scapy.all import IP, UDP

import gwpcap as g

REMOTE = "203.0.113.2"
TUN_MTU = 1468  # key and checksum
CONFIG = g.BASE_CONFIG + [
    f"tunnel add f1 mode gre local {g.WAN_IP} remote {REMOTE} key 3 csum",
    "route add 10.16.0.0/24 dev f1",
]


def udp(src, dst, ident, size, df=False):
    return bytes(IP(src=src, dst=dst, id=ident, ttl=64, flags="DF" if df else 0) /
                 UDP(sport=ident, dport=9) / bytes((ident * 7 + i) & 0xFF for i in range(size)))


def reassemble(frags):
    """The original packet from its fragments (raw IPv4), checking each one."""
    frags = sorted(frags, key=lambda f: IP(f).frag)
    data, first = b"", IP(frags[0])
    for n, raw in enumerate(frags):
        ip = IP(raw)
        assert g.csum16(raw[:20]) == 0xFFFF, "fragment header checksum"
        assert ip.id == first.id and ip.ttl == first.ttl
        assert ip.frag * 8 == len(data), "offsets leave no gap and no overlap"
        assert bool(ip.flags.MF) == (n < len(frags) - 1), "MF on all but the last"
        if n < len(frags) - 1:
            assert (len(raw) - 20) % 8 == 0
        data += raw[20:ip.len]
    hdr = bytearray(frags[0][:20])
    hdr[2:4] = (20 + len(data)).to_bytes(2, "big")
    hdr[6:8] = b"\0\0"
    hdr[10:12] = b"\0\0"
    hdr[10:12] = (~g.csum16(bytes(hdr)) & 0xFFFF).to_bytes(2, "big")
    return bytes(hdr) + data


@pytest.fixture(scope="module")
def frag_run(greway_bin, tmp_path_factory):
    big = udp(g.LAN_HOST, "10.16.0.2", 1, 4000)           # into the tunnel: 3 fragments
    edge = udp(g.LAN_HOST, "10.16.0.2", 2, TUN_MTU - 28 + 1)  # one byte too many: 2
    fits = udp(g.LAN_HOST, "10.16.0.2", 3, TUN_MTU - 28)    # not fragmented
    df = udp(g.LAN_HOST, "10.16.0.2", 4, 2000, df=True)     # refused: too_big
    from_tunnel = udp("10.16.0.2", g.LAN_HOST, 5, 1600)     # decapsulated, to the LAN port
    lan = [g.lan_frame(p) for p in (big, edge, fits, df)]
    wan = [g.wan_gre(REMOTE, from_tunnel, key=3, csum=True)]
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("frag"), uuid.uuid4().hex[:6], CONFIG,
                     wan_in=wan, lan_in=lan, settle=0.5)
    assert res.rc == 0, res.stderr
    return res, {1: big, 2: edge, 3: fits, 5: from_tunnel}


def inner_of(frame):
    """The inner packet of one of our GRE frames (key and checksum: 12-byte GRE header)."""
    outer = IP(frame[14:])
    assert outer.proto == 47 and not outer.flags.MF and outer.frag == 0
    assert g.csum16(frame[14 + 20:14 + outer.len]) == 0xFFFF, "GRE checksum"
    return frame[14 + 20 + 12:14 + outer.len]


def test_into_tunnel_each_fragment_encapsulated(frag_run):
    res, sent = frag_run
    inners = [inner_of(f) for f in res.wan_out]
    by_id = {}
    for p in inners:
        assert len(p) <= TUN_MTU
        by_id.setdefault(IP(p).id, []).append(p)
    assert sorted(by_id) == [1, 2, 3]
    assert [len(by_id[i]) for i in (1, 2, 3)] == [3, 2, 1]
    for ident in (1, 2):
        g.assert_forwarded(reassemble(by_id[ident]), sent[ident])
    g.assert_forwarded(by_id[3][0], sent[3])
    assert res.tunnels["f1"]["tx_packets"] == 6


def test_plain_route_fragmented_to_port_mtu(frag_run):
    res, sent = frag_run
    frags = [f[14:] for f in res.lan_out if IP(f[14:]).id == 5]
    assert len(frags) == 2 and all(len(f) <= 1500 for f in frags)
    g.assert_forwarded(reassemble(frags), sent[5])


def test_df_set_is_not_fragmented(frag_run):
    """DF set: refused with ICMP fragmentation needed (quoting it), never split."""
    res, _ = frag_run
    assert res.drops["too_big"] == 1
    icmp = [IP(f[14:]) for f in res.lan_out if IP(f[14:]).proto == 1]
    assert [(p.type, p.code, p.nexthopmtu) for p in icmp] == [(3, 4, TUN_MTU)]
    assert not [f for f in res.wan_out if IP(inner_of(f)).id == 4]
