# SPDX-License-Identifier: BSD-3-Clause
"""Fragmentation of inner packets with DF clear, on net_pcap (RFC 791).

A packet larger than the tunnel MTU whose DF bit is clear is split before
encapsulation, each fragment in a GRE packet of its own (so the peer needs no
outer reassembly); on a plain route it is split to the port MTU. Each
fragment: 8-byte aligned offsets, MF on all but the last, a valid header
checksum, the original's ID, TTL decremented once; reassembled, the payload
equals what was sent. DF set is still refused (ICMP, tested elsewhere), unless
the tunnel has ignore-df: then a DF packet is split the same way, its
fragments with DF clear, and no ICMP comes back; into a noignore-df tunnel, or
on a plain route, the same packet is refused with ICMP.
"""
import uuid

import pytest
from scapy.all import IP, UDP
from scapy.layers.inet import IPerror

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


# ignore-df: one greway with an ignore-df tunnel, a noignore-df one, one made
# ignore-df by tunnel change (the startup file runs it after the add), and a
# plain route; the same 3000-byte DF packet goes to each.
IGN_REMOTES = {"d1": "203.0.113.11", "d0": "203.0.113.12", "d2": "203.0.113.13"}
IGN_CONFIG = g.BASE_CONFIG + [
    f"tunnel add d1 mode gre local {g.WAN_IP} remote {IGN_REMOTES['d1']} key 3 csum ignore-df",
    f"tunnel add d0 mode gre local {g.WAN_IP} remote {IGN_REMOTES['d0']} key 3 csum noignore-df",
    f"tunnel add d2 mode gre local {g.WAN_IP} remote {IGN_REMOTES['d2']} key 3 csum",
    "tunnel change d2 ignore-df",
    "route add 10.17.0.0/24 dev d1",
    "route add 10.18.0.0/24 dev d0",
    "route add 10.19.0.0/24 dev d2",
]
DF_SIZE = 3000 - 28  # UDP data: a 3000-byte IPv4 packet


@pytest.fixture(scope="module")
def ignore_df_run(greway_bin, tmp_path_factory):
    sent = {
        11: udp(g.LAN_HOST, "10.17.0.2", 11, DF_SIZE, df=True),    # d1: fragmented
        12: udp(g.LAN_HOST, "10.18.0.2", 12, DF_SIZE, df=True),    # d0: ICMP
        13: udp(g.LAN_HOST, "203.0.113.50", 13, DF_SIZE, df=True),  # plain route: ICMP
        14: udp(g.LAN_HOST, "10.19.0.2", 14, DF_SIZE, df=True),    # d2 (changed): fragmented
    }
    assert all(len(p) == 3000 for p in sent.values())
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("ignoredf"), uuid.uuid4().hex[:6],
                     IGN_CONFIG, lan_in=[g.lan_frame(p) for p in sent.values()], settle=0.5)
    assert res.rc == 0, res.stderr
    return res, sent


def without_df(ip_bytes):
    """The same IPv4 packet with DF clear (header checksum fixed)."""
    h = bytearray(ip_bytes[:20])
    h[6] &= ~0x40
    return g.ip_csum_fix(bytes(h)) + ip_bytes[20:]


@pytest.mark.parametrize("tunnel, ident", [("d1", 11), ("d2", 14)])
def test_ignore_df_fragments_df_packets(ignore_df_run, tunnel, ident):
    """ignore-df: the DF packet goes out as 3 GRE packets (1448 + 1448 + 84 bytes of data),
    each fragment with DF clear; reassembled, it is the original with TTL - 1 (and DF
    clear): the payload is unchanged."""
    res, sent = ignore_df_run
    frames = [f for f in res.wan_out if IP(f[14:]).dst == IGN_REMOTES[tunnel]]
    frags = [inner_of(f) for f in frames]
    assert [IP(p).id for p in frags] == [ident] * 3
    assert all(len(p) <= TUN_MTU for p in frags)
    assert [len(p) - 20 for p in sorted(frags, key=lambda p: IP(p).frag)] == [1448, 1448, 84]
    assert all(not IP(p).flags.DF for p in frags), "fragments of an ignore-df tunnel carry DF"
    assert all(IP(f[14:]).flags.DF for f in frames), "outer DF is pmtudisc's, still set"
    whole = reassemble(frags)
    g.assert_forwarded(whole, without_df(sent[ident]))
    assert whole[20:] == sent[ident][20:]
    assert res.tunnels[tunnel]["tx_packets"] == 3


def test_ignore_df_sends_no_icmp(ignore_df_run):
    """Only the noignore-df tunnel and the plain route answer with ICMP fragmentation
    needed (type 3 code 4), each quoting its packet, with that MTU; nothing for d1, d2."""
    res, _ = ignore_df_run
    icmp = [IP(f[14:]) for f in res.lan_out if IP(f[14:]).proto == 1]
    got = sorted((p[IPerror].id, p.type, p.code, p.nexthopmtu) for p in icmp)
    assert got == [(12, 3, 4, TUN_MTU), (13, 3, 4, 1500)]
    assert res.drops["too_big"] == 2


def test_noignore_df_and_plain_route_refuse(ignore_df_run):
    """noignore-df (said explicitly) and the plain route send nothing of the DF packet."""
    res, _ = ignore_df_run
    assert not [f for f in res.wan_out if IP(f[14:]).dst in (IGN_REMOTES["d0"], "203.0.113.50")]
    assert res.tunnels["d0"]["tx_packets"] == 0
    assert len(res.wan_out) == 6  # d1 and d2, 3 each


def test_fragments_that_cannot_go_are_counted_one_by_one(greway_bin, tmp_path_factory):
    """Whole bursts of packets that split into fragments none of which can leave (the
    tunnel's underlay neighbour never answers ARP): every fragment is counted and freed,
    far more than a burst's worth, and greway keeps running and exits cleanly."""
    conf = g.BASE_CONFIG + [
        "route add 192.0.2.0/24 via 198.51.100.77",  # a gateway that never answers
        f"tunnel add lost mode gre local {g.WAN_IP} remote 192.0.2.9",
        "route add 10.20.0.0/24 dev lost",
    ]
    n = 64
    lan = [g.lan_frame(udp(g.LAN_HOST, "10.20.0.1", 100 + i, 4000)) for i in range(n)]
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("fragdrop"), uuid.uuid4().hex[:6],
                     conf, lan_in=lan, settle=0.5)
    assert res.rc == 0, res.stderr
    assert res.drops["neigh_unresolved"] == 3 * n  # 4000 bytes into 1476: 3 fragments each
    assert res.wan_out == [] or all(f[12:14] == b"\x08\x06" for f in res.wan_out)  # ARP only
