# SPDX-License-Identifier: BSD-3-Clause
"""IPv6 everywhere, on net_pcap: IPv6 payloads and IPv6 underlays, golden cases.

port0 (the WAN) has 198.51.100.1/24 (gwpcap.BASE_CONFIG) and 2001:db8:1::1/64,
its IPv6 next hop 2001:db8:1::fe at the same MAC as the IPv4 one; underlay
remotes are 203.0.113.x (mode gre) and 2001:db8:2::x (mode ip6gre and
ip6gretap). port1 (the LAN) has 10.0.0.1/24 and 2001:db8:a::1/64, its host
10.0.0.2 and 2001:db8:a::2 at LAN_HOST_MAC.

The three combinations that IPv4 in IPv4 (test_pcap_encap, test_pcap_decap)
leaves: IPv6 in IPv4 (mode gre, GRE protocol 0x86dd), IPv4 in IPv6 and IPv6 in
IPv6 (mode ip6gre, outer next header 47), each both ways, without options and
with key, csum, seq and all three. Then the IPv6 options (flowlabel,
encaplimit, ttl/tos inherit), ECN (RFC 6040), clamp-mss, ip6gretap in a
bridge, the decap drop reasons of an IPv6 underlay, and outer IPv6 fragments.

Each group is one greway run. What greway sends is decoded by hand here
(RFC 8200, 2784, 2890, 1071), by scapy and by tshark. Outputs are compared
byte for byte with what a router must make of the input: IPv6 hop limit - 1
(no checksum in the IPv6 header), IPv4 TTL - 1 and its header checksum fixed.
"""
import json
import socket
import struct
import uuid

import pytest
from scapy.all import (ARP, GRE, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, ICMPv6EchoReply,
                       ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, PadN,
                       fragment6)
from scapy.utils import checksum

import gwpcap as g
from conftest import grewayctl_path, require_tool, run

W6 = "2001:db8:1::1"          # port0
NH6 = "2001:db8:1::fe"        # port0's IPv6 next hop (at WAN_NH_MAC)
LAN6 = "2001:db8:a::1"        # port1
LAN6_HOST = "2001:db8:a::2"   # the LAN host (at LAN_HOST_MAC)

BASE6 = g.BASE_CONFIG + [
    f"addr add {W6}/64 dev port0",
    f"addr add {LAN6}/64 dev port1",
    f"neigh add {NH6} lladdr {g.WAN_NH_MAC} dev port0",
    f"neigh add {LAN6_HOST} lladdr {g.LAN_HOST_MAC} dev port1",
    f"route add 2001:db8:2::/48 via {NH6}",
]

ETH_IP4, ETH_IP6 = 0x0800, 0x86DD
DSTOPTS, HOPOPTS, ROUTING, FRAGMENT = 60, 0, 43, 44
# the destination options header Linux's ip6_tunnel adds by default (encaplimit 4):
# next header GRE, length 0, tunnel encapsulation limit 4, a PadN of one byte
LINUX_EL4 = bytes([47, 0, 4, 1, 4, 1, 1, 0])


def norm6(a):
    return socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, a))


def ipv6(src, dst, nh, payload, hlim=64, tc=0, fl=0, plen=None):
    """A raw IPv6 packet (plen: the payload length written, default the true one)."""
    payload = bytes(payload)
    return struct.pack("!IHBB", 6 << 28 | tc << 20 | fl,
                       len(payload) if plen is None else plen, nh, hlim) + \
        socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) + payload


def wan6_gre(remote, inner, proto=ETH_IP6, local=W6, hlim=64, tc=0, ext=b"", nh=None,
             plen=None, trailer=b"", **gre):
    """A frame from the IPv6 next hop: IPv6 from remote to local, [ext headers], GRE."""
    if nh is None:
        nh = DSTOPTS if ext else 47
    body = ext + g.gre_header(payload=bytes(inner), proto=proto, **gre)
    return g.eth(g.WAN_MAC, g.WAN_NH_MAC, ETH_IP6,
                 ipv6(remote, local, nh, body, hlim=hlim, tc=tc, plen=plen)) + trailer


def lan6_frame(ip6):
    return g.eth(g.LAN_MAC, g.LAN_HOST_MAC, ETH_IP6, bytes(ip6))


def lan_any(pkt):
    """The LAN host's frame for an IPv4 or IPv6 packet."""
    return lan6_frame(pkt) if pkt[0] >> 4 == 6 else g.lan_frame(pkt)


def forwarded6(p):
    """What a router must emit for this IPv6 packet: hop limit - 1, nothing else changed."""
    b = bytearray(p)
    b[7] -= 1
    return bytes(b)


def forwarded_any(p):
    return forwarded6(p) if p[0] >> 4 == 6 else g.forwarded(p)


def to_lan_frame(inner):
    """The frame port1 must send for an inner packet it forwards to the LAN host."""
    v6 = inner[0] >> 4 == 6
    return g.eth(g.LAN_HOST_MAC, g.LAN_MAC, ETH_IP6 if v6 else ETH_IP4, forwarded_any(inner))


def same_frame(out, want):
    """out is want, or want padded to 60 bytes with zeros (a short frame)."""
    return out == want or (len(want) < 60 and len(out) == 60 and out[:len(want)] == want
                           and not any(out[len(want):]))


def ecn_of(inner):
    """The ECN field of an IPv4 or IPv6 packet."""
    return tclass(inner) & 3


def tclass(inner):
    """IPv4 TOS or IPv6 traffic class."""
    if inner[0] >> 4 == 6:
        return (struct.unpack("!I", inner[:4])[0] >> 20) & 0xFF
    return inner[1]


def flow_of(inner):
    return struct.unpack("!I", inner[:4])[0] & 0xFFFFF if inner[0] >> 4 == 6 else 0


def hop_of(inner):
    return inner[7] if inner[0] >> 4 == 6 else inner[8]


class Wire:
    """A frame greway sent on port0, taken apart by hand (RFC 791/8200, 2784/2890)."""

    def __init__(self, f):
        self.frame = f
        self.eth = f[:14]
        self.ethertype = struct.unpack("!H", f[12:14])[0]
        ip = f[14:]
        self.ext = b""
        if self.ethertype == ETH_IP6:
            assert ip[0] >> 4 == 6, "outer version"
            vtf, self.plen, self.nh, self.hop = struct.unpack("!IHBB", ip[:8])
            self.tc, self.flow = (vtf >> 20) & 0xFF, vtf & 0xFFFFF
            self.src = socket.inet_ntop(socket.AF_INET6, ip[8:24])
            self.dst = socket.inet_ntop(socket.AF_INET6, ip[24:40])
            assert len(ip) == 40 + self.plen, "outer payload length / frame length"
            off, nh = 40, self.nh
            if nh == DSTOPTS:
                self.ext = ip[40:40 + 8 * (ip[41] + 1)]
                nh = self.ext[0]
                off += len(self.ext)
            assert nh == 47, f"outer next header {nh}"
            self.gre = ip[off:]
        else:
            assert self.ethertype == ETH_IP4
            ihl = (ip[0] & 15) * 4
            assert ip[0] >> 4 == 4 and ihl == 20
            self.tlen = struct.unpack("!H", ip[2:4])[0]
            assert self.tlen == len(ip), "outer total length / frame length"
            self.tc, self.hop, self.nh = ip[1], ip[8], ip[9]
            self.df = bool(ip[6] & 0x40)
            self.frag = struct.unpack("!H", ip[6:8])[0] & 0xBFFF
            self.src = ".".join(map(str, ip[12:16]))
            self.dst = ".".join(map(str, ip[16:20]))
            assert g.csum16(ip[:20]) == 0xFFFF, "outer IPv4 header checksum"
            assert self.nh == 47
            self.gre = ip[20:]
        gre = self.gre
        self.flags, self.proto = struct.unpack("!HH", gre[:4])
        off, self.csum, self.key, self.seq = 4, None, None, None
        if self.flags & 0x8000:
            self.csum = struct.unpack("!H", gre[4:6])[0]
            self.reserved1 = gre[6:8]
            off += 4
        if self.flags & 0x2000:
            self.key = struct.unpack("!I", gre[off:off + 4])[0]
            off += 4
        if self.flags & 0x1000:
            self.seq = struct.unpack("!I", gre[off:off + 4])[0]
            off += 4
        self.gre_len = off
        self.inner = gre[off:]

    def gre_csum_expected(self):
        """The GRE checksum computed by scapy's checksum() over GRE header + payload."""
        b = bytearray(self.gre)
        b[4:6] = b"\0\0"
        return checksum(bytes(b))


def gre_opt_len(flags):
    return 4 * bin(flags & 0xB000).count("1")


def check_ok(res):
    assert res.rc == 0, res.stderr + res.stdout[-3000:]


def ctl_json(sock, *words):
    r = run([str(grewayctl_path()), "-s", str(sock), "-j", *words], check=False)
    assert r.returncode == 0, (words, r.stderr)
    return json.loads(r.stdout)


def is_icmp6_error(f):
    """A frame carrying (maybe inside GRE) an ICMPv6 error greway originated."""
    try:
        p = Ether(f)
    except Exception:  # noqa: BLE001
        return False
    return any(l.name.startswith("ICMPv6") and getattr(l, "type", 128) < 128
               for l in p.iterpayloads())


# =====================================================================================
# 1. The matrix: IPv6 in IPv4, IPv4 in IPv6, IPv6 in IPv6; each with none, key, csum,
#    seq, all three; both ways, in one run.
# =====================================================================================

OPTS = [("p", "", 0x0000, None), ("k", "key 1001", 0x2000, 1001), ("c", "csum", 0x8000, None),
        ("s", "seq", 0x1000, None), ("a", "key 4294967295 csum seq", 0xB000, 0xFFFFFFFF)]
COMBOS = [("6in4", "gre", 6), ("4in6", "ip6gre", 4), ("6in6", "ip6gre", 6)]


def m_name(mode, j):
    return ("m4" if mode == "gre" else "m6") + OPTS[j][0]


def m_remote(mode, j):
    return f"203.0.113.{20 + j}" if mode == "gre" else f"2001:db8:2::{20 + j}"


def m_mtu(mode, j):
    return 1500 - (24 if mode == "gre" else 44) - gre_opt_len(OPTS[j][2])


def m_prefix(mode, j, inner_v):
    """The inner network routed into tunnel (mode, j), as a prefix of addresses."""
    if inner_v == 4:
        return f"10.{60 + j}.0."
    return f"2001:db8:{40 if mode == 'gre' else 60}:{j}::"


def matrix_config():
    conf = list(BASE6)
    for mode in ("gre", "ip6gre"):
        local = g.WAN_IP if mode == "gre" else W6
        for j, (_, opts, _, _) in enumerate(OPTS):
            name = m_name(mode, j)
            conf.append(f"tunnel add {name} mode {mode} local {local} remote {m_remote(mode, j)}"
                        f" {opts}".rstrip())
            conf.append(f"route add {m_prefix(mode, j, 6)}/64 dev {name}")
            if mode == "ip6gre":
                conf.append(f"route add {m_prefix(mode, j, 4)}0/24 dev {name}")
    return conf


def encap_inners(inner_v, pfx, mtu, ident):
    """(inner bytes, LAN frame) from the LAN host into a tunnel whose inner MTU is mtu."""
    if inner_v == 6:
        s = LAN6_HOST
        pkts = [
            IPv6(src=s, dst=pfx + "1", hlim=64) / ICMPv6EchoRequest(id=ident, seq=1) / b"ping",
            IPv6(src=s, dst=pfx + "2", hlim=2, tc=0xBA, fl=0x12345)
            / UDP(sport=ident, dport=53) / bytes(range(37)),
            IPv6(src=s, dst=pfx + "3", hlim=255, tc=0x01)
            / TCP(sport=ident, dport=443, flags="PA", seq=7, ack=9) / (b"t" * 100),
            # an extension header of the inner packet: carried, not parsed
            IPv6(src=s, dst=pfx + "4", hlim=33, tc=0x03)
            / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)])
            / UDP(sport=ident, dport=6) / (b"\xa5" * 1001),
            # exactly the tunnel MTU
            IPv6(src=s, dst=pfx + "5", hlim=60) / UDP(sport=ident, dport=12) / (b"m" * (mtu - 48)),
        ]
        return [(bytes(p), lan6_frame(p)) for p in pkts]
    s = g.LAN_HOST
    pkts = [
        IP(src=s, dst=pfx + "1", ttl=64, id=ident) / ICMP(id=ident, seq=1),
        IP(src=s, dst=pfx + "2", ttl=2, tos=0xBA, id=ident + 1) / UDP(sport=ident, dport=53)
        / bytes(range(37)),
        # 31 bytes of IPv4 in a 60-byte frame: the Ethernet padding is not carried
        IP(src=s, dst=pfx + "3", ttl=9, id=ident + 2) / UDP(sport=7, dport=8) / b"abc",
        IP(src=s, dst=pfx + "4", ttl=128, tos=0x01, flags="DF", id=ident + 3)
        / TCP(sport=ident, dport=443, flags="PA", seq=7, ack=9) / (b"t" * 100),
        IP(src=s, dst=pfx + "5", ttl=60, flags="DF", id=ident + 4) / UDP(sport=11, dport=12)
        / (b"m" * (mtu - 28)),
    ]
    out = []
    for p in pkts:
        f = g.lan_frame(bytes(p))
        out.append((bytes(p), f + b"\0" * max(0, 60 - len(f))))
    return out


def decap_inners(inner_v, pfx, mtu, ident):
    """Inner packets from behind a tunnel to the LAN host."""
    if inner_v == 6:
        d, s = LAN6_HOST, pfx + "2"
        pkts = [
            IPv6(src=s, dst=d, hlim=64) / ICMPv6EchoReply(id=ident, seq=1) / b"pong",
            IPv6(src=s, dst=d, hlim=2, tc=0xB8, fl=0xABCDE) / UDP(sport=ident, dport=53)
            / bytes(range(37)),
            IPv6(src=s, dst=d, hlim=64)
            / TCP(sport=179, dport=ident, flags="SA", options=[("MSS", 1200)]) / (b"b" * 33),
            IPv6(src=s, dst=d, hlim=61) / UDP(sport=ident, dport=9) / (b"s" * (mtu - 48)),
        ]
    else:
        d, s = g.LAN_HOST, pfx + "2"
        pkts = [
            IP(src=s, dst=d, ttl=64, id=ident) / ICMP(type=0, id=ident, seq=1) / b"pong",
            IP(src=s, dst=d, ttl=2, tos=0xB8, id=ident + 1) / UDP(sport=1234, dport=53)
            / bytes(range(37)),
            IP(src=s, dst=d, ttl=64, id=ident + 2)
            / TCP(sport=179, dport=40000, flags="SA", options=[("MSS", 1200)]) / (b"b" * 33),
            IP(src=s, dst=d, ttl=64, id=ident + 3, proto=253),  # 20 bytes: a padded frame
            IP(src=s, dst=d, ttl=61, id=ident + 4) / UDP(sport=ident, dport=9)
            / (b"s" * (mtu - 28)),
        ]
    return [bytes(p) for p in pkts]


class Matrix:
    """The frames of the matrix run and what must come of them."""

    def __init__(self):
        self.lan, self.wan = [], []
        self.encap = []       # (mode, j, inner) in LAN order
        self.decap = []       # (mode, j, inner) in WAN order
        seqs = {}
        per = {}
        for ci, (combo, mode, inner_v) in enumerate(COMBOS):
            for j in range(len(OPTS)):
                pfx = m_prefix(mode, j, inner_v)
                ident = 1000 * (ci + 1) + 100 * j
                per[(ci, j)] = (encap_inners(inner_v, pfx, m_mtu(mode, j), ident),
                                decap_inners(inner_v, pfx, m_mtu(mode, j), ident + 50))
        n_enc = len(per[(0, 0)][0])
        n_dec = max(len(v[1]) for v in per.values())
        for k in range(max(n_enc, n_dec)):  # interleaved: packet k of every tunnel
            for ci, (combo, mode, inner_v) in enumerate(COMBOS):
                for j, (_, _, flags, key) in enumerate(OPTS):
                    enc, dec = per[(ci, j)]
                    if k < len(enc):
                        self.lan.append(enc[k][1])
                        self.encap.append((mode, j, enc[k][0]))
                    if k < len(dec):
                        inner = dec[k]
                        kw = {}
                        if flags & 0x8000:
                            kw["csum"] = True
                        if key is not None:
                            kw["key"] = key
                        if flags & 0x1000:
                            name = m_name(mode, j)
                            kw["seq"] = seqs.get(name, 0)
                            seqs[name] = kw["seq"] + 1
                        proto = ETH_IP6 if inner_v == 6 else ETH_IP4
                        if mode == "gre":
                            f = g.wan_gre(m_remote(mode, j), inner, proto=proto,
                                          ttl=1 if k == 0 else 64, **kw)
                        else:
                            # the first of each: outer hop limit 1 (to us: fine) and an
                            # ECT(0) outer over a Not-ECT inner (RFC 6040: unchanged)
                            f = wan6_gre(m_remote(mode, j), inner, proto=proto,
                                         hlim=1 if k == 0 else 64, tc=0x4A if k == 1 else 0,
                                         **kw)
                        self.wan.append(f)
                        self.decap.append((mode, j, inner))


@pytest.fixture(scope="module")
def matrix(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("ip6matrix")
    work.chmod(0o755)
    m = Matrix()
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], matrix_config(),
                     wan_in=m.wan, lan_in=m.lan)
    check_ok(res)
    return res, m


def matrix_by_tunnel(res):
    """{(mode, j): [Wire]} of the WAN tx pcap, in order."""
    remotes = {norm6(m_remote("ip6gre", j)): ("ip6gre", j)
               for j in range(len(OPTS))}
    remotes.update({m_remote("gre", j): ("gre", j) for j in range(len(OPTS))})
    out = {}
    for f in res.wan_out:
        w = Wire(f)
        assert w.dst in remotes, f"a frame to {w.dst}, which is no tunnel's remote"
        out.setdefault(remotes[w.dst], []).append(w)
    return out


def fam(pkt):
    return pkt[0] >> 4


def matrix_pairs(res, m):
    """[(mode, j, n, Wire, inner sent)]: every GRE packet with the inner packet it carries.

    n counts the tunnel's packets in wire order (its sequence number). The inner packets
    of one family are matched in LAN order; across families greway may reorder (classify
    splits a burst into per-path vectors; packets of different flows may be reordered)."""
    got = matrix_by_tunnel(res)
    sent = {}
    for mode, j, inner in m.encap:
        sent.setdefault((mode, j, fam(inner)), []).append(inner)
    out = []
    for (mode, j), wires in got.items():
        want = sum(len(v) for k, v in sent.items() if k[:2] == (mode, j))
        assert len(wires) == want, (m_name(mode, j), len(wires), want)
        nxt = {}
        for n, w in enumerate(wires):
            v = 6 if w.proto == ETH_IP6 else 4
            lst = sent.get((mode, j, v), [])
            i = nxt.get(v, 0)
            assert i < len(lst), (m_name(mode, j), n, hex(w.proto))
            nxt[v] = i + 1
            out.append((mode, j, n, w, lst[i]))
    return out


def lan_matched(lan_out, sent, flow=lambda x: x[:-1]):
    """[(frame, sent item)] in LAN tx order. sent items are (..., inner): each frame is
    matched to the inner packet it forwards (to_lan_frame), and the packets of one flow
    (flow(item): the tunnel; with the inner family) must come out in the order sent. Across
    flows greway may reorder (classify splits a burst by underlay and payload family)."""
    left = list(enumerate(sent))
    out, last = [], {}
    for f in lan_out:
        hit = [k for k, (i, x) in enumerate(left) if same_frame(f, to_lan_frame(x[-1]))]
        assert hit, f"a frame on the LAN that no sent packet makes: {f.hex()}"
        i, x = left.pop(hit[0])
        fl = (flow(x), fam(x[-1]))
        assert last.get(fl, -1) < i, f"reordered within a flow {fl}"
        last[fl] = i
        out.append((f, x))
    return out


def test_matrix_encap_one_gre_packet_per_inner_packet(matrix):
    """Every IPv4 or IPv6 packet routed into a gre or ip6gre tunnel leaves port0 as exactly
    one GRE packet to that tunnel's remote, in order; nothing is dropped."""
    res, m = matrix
    assert len(res.wan_out) == len(m.encap)
    pairs = matrix_pairs(res, m)
    assert len(pairs) == len(m.encap)
    res.assert_drops({})


def test_matrix_encap_outer_headers(matrix):
    """Outer Ethernet to the next hop from port0's MAC, type 0x86dd or 0x0800 by the
    underlay. IPv6 underlay: version 6, source 2001:db8:1::1, the remote, next header 47,
    payload length = GRE + inner, hop limit 64, traffic class = tos 0 | the inner ECN bits
    (RFC 6040), flow label 0. IPv4 underlay (IPv6 inside): total length, TTL 64, TOS = the
    inner traffic class's ECN bits, DF, no fragment bits, protocol 47, checksum valid.
    scapy decodes the same values."""
    res, m = matrix
    for mode, j, n, w, inner in matrix_pairs(res, m):
        case = (m_name(mode, j), n)
        if mode == "ip6gre":
            assert w.eth == g.eth(g.WAN_NH_MAC, g.WAN_MAC, ETH_IP6, b""), case
            assert (w.src, w.dst, w.nh) == (norm6(W6), norm6(m_remote(mode, j)), 47), case
            assert w.plen == len(w.gre) == w.gre_len + len(inner), case
            assert (w.hop, w.tc, w.flow) == (64, ecn_of(inner), 0), case
            s = Ether(w.frame)[IPv6]
            assert (s.version, s.src, s.dst, s.nh, s.plen, s.hlim, s.tc, s.fl) == (
                6, norm6(W6), norm6(m_remote(mode, j)), 47, w.plen, 64, ecn_of(inner), 0), case
        else:
            assert w.eth == g.eth(g.WAN_NH_MAC, g.WAN_MAC, ETH_IP4, b""), case
            assert (w.src, w.dst) == (g.WAN_IP, m_remote(mode, j)), case
            assert (w.hop, w.tc, w.df, w.frag) == (64, ecn_of(inner), True, 0), case
            s = Ether(w.frame)[IP]
            assert (s.ttl, s.tos, s.proto, s.len, s.flags.DF, s.frag) == (
                64, ecn_of(inner), 47, len(w.frame) - 14, True, 0), case
            clean = s.copy()
            del clean.chksum
            assert IP(bytes(clean)).chksum == s.chksum, case


def test_matrix_encap_gre_header(matrix):
    """GRE: exactly the configured C/K/S bits, version 0, protocol 0x86dd for IPv6 and 0x0800
    for IPv4, reserved1 0, the key, sequence numbers 0, 1, 2... per tunnel (one counter for
    both payload families of an ip6gre tunnel), the checksum scapy's checksum() computes over
    GRE header and payload (no pseudo header over IPv6: RFC 2784)."""
    res, m = matrix
    for mode, j, n, w, inner in matrix_pairs(res, m):
        _, _, flags, key = OPTS[j]
        case = (m_name(mode, j), n)
        assert w.flags == flags, (case, hex(w.flags))
        assert w.proto == (ETH_IP6 if inner[0] >> 4 == 6 else ETH_IP4), case
        assert w.key == key, case
        if flags & 0x1000:
            assert w.seq == n, case
        if flags & 0x8000:
            assert w.reserved1 == b"\0\0", case
            assert w.csum == w.gre_csum_expected(), case
            assert g.csum16(w.gre) == 0xFFFF, case
        s = Ether(w.frame)[GRE]
        assert (s.chksum_present, s.key_present, s.seqnum_present) == (
            bool(flags & 0x8000), bool(flags & 0x2000), bool(flags & 0x1000)), case
        assert (s.routing_present, s.recursion_control, s.flags, s.version) == (0, 0, 0, 0)
        assert s.proto == w.proto, case


def test_matrix_encap_inner_packet_forwarded(matrix):
    """The GRE payload is the inner packet as received (no Ethernet padding), as a router
    forwards it: IPv6 hop limit - 1, IPv4 TTL - 1 with its checksum fixed, nothing else."""
    res, m = matrix
    for mode, j, n, w, inner in matrix_pairs(res, m):
        assert w.inner == forwarded_any(inner), (m_name(mode, j), n)


def test_matrix_encap_tshark_agrees(matrix):
    """tshark decodes each frame: outer and inner addresses, next header, payload lengths,
    hop limits, traffic class, flow label; GRE flags, protocol, key, sequence number and
    checksum (the value we computed, and its status good); IPv4 checksums good."""
    require_tool("tshark")
    res, m = matrix
    fields = ["ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen", "ipv6.hlim", "ipv6.tclass",
              "ipv6.flow", "ip.src", "ip.dst", "ip.proto", "ip.len", "ip.ttl", "ip.dsfield",
              "ip.flags.df", "ip.checksum.status", "gre.flags_and_version", "gre.proto",
              "gre.key", "gre.sequence_number", "gre.checksum", "gre.checksum.status"]
    rows = g.tshark_fields(res.wan_out_path, fields,
                           prefs=("ip.check_checksum:TRUE", "ip.defragment:FALSE",
                                  "ipv6.defragment:FALSE"))
    assert len(rows) == len(res.wan_out)
    wires = [w for ws in matrix_by_tunnel(res).values() for w in ws]
    wire_of = {w.frame: w for w in wires}
    pairs = {w.frame: (mode, j, n, inner) for mode, j, n, w, inner in matrix_pairs(res, m)}
    for r, f in zip(rows, res.wan_out):
        w = wire_of[f]
        mode, j, n, inner = pairs[f]
        _, _, flags, key = OPTS[j]
        case = (m_name(mode, j), n, r)
        v6 = [x for x in r["ipv6.src"].split(",") if x]
        v4 = [x for x in r["ip.src"].split(",") if x]
        inner6 = inner[0] >> 4 == 6
        if mode == "ip6gre":
            assert r["ipv6.dst"].split(",")[0] == norm6(m_remote(mode, j)), case
            assert v6[0] == norm6(W6), case
            assert r["ipv6.nxt"].split(",")[0] == "47", case
            assert int(r["ipv6.plen"].split(",")[0]) == len(f) - 54, case
            assert int(r["ipv6.hlim"].split(",")[0]) == 64, case
            assert int(r["ipv6.tclass"].split(",")[0], 16) == ecn_of(inner), case
            assert int(r["ipv6.flow"].split(",")[0], 16) == 0, case
            inner_i = 1
        else:
            assert (v4[0], r["ip.dst"].split(",")[0]) == (g.WAN_IP, m_remote(mode, j)), case
            assert r["ip.proto"].split(",")[0] == "47", case
            assert int(r["ip.len"].split(",")[0]) == len(f) - 14, case
            assert int(r["ip.ttl"].split(",")[0]) == 64, case
            assert int(r["ip.dsfield"].split(",")[0], 16) == ecn_of(inner), case
            assert r["ip.flags.df"].split(",")[0] in ("1", "True"), case
            assert r["ip.checksum.status"].split(",")[0] == "1", case
            inner_i = 0
        # the inner header, as tshark reads it
        if inner6:
            assert int(r["ipv6.hlim"].split(",")[inner_i]) == inner[7] - 1, case
            assert int(r["ipv6.plen"].split(",")[inner_i]) == len(inner) - 40, case
            assert int(r["ipv6.flow"].split(",")[inner_i], 16) == flow_of(inner), case
        else:
            assert int(r["ip.ttl"].split(",")[0]) == inner[8] - 1, case
            assert r["ip.checksum.status"].split(",")[0] == "1", case
        assert int(r["gre.flags_and_version"], 16) == flags, case
        assert int(r["gre.proto"], 16) == (ETH_IP6 if inner6 else ETH_IP4), case
        assert (r["gre.key"] == "") if key is None else (int(r["gre.key"], 16) == key), case
        if flags & 0x1000:
            assert int(r["gre.sequence_number"]) == n, case
        else:
            assert r["gre.sequence_number"] == "", case
        if flags & 0x8000:
            assert int(r["gre.checksum"], 16) == w.gre_csum_expected(), case
            assert r["gre.checksum.status"] == "1", case
        else:
            assert r["gre.checksum"] == "", case


def test_matrix_decap_delivers_inner_packets(matrix):
    """Each GRE packet (IPv6 in IPv4, IPv4 in IPv6, IPv6 in IPv6; every option set; an
    outer hop limit or TTL of 1, which is fine for a packet to us) yields its inner packet
    on port1, in order, to the LAN host's MAC from port1's, forwarded (hop limit or TTL
    - 1), no outer header, the largest the tunnel carries included; nothing else goes out."""
    res, m = matrix
    assert len(res.lan_out) == len(m.decap)
    assert len(lan_matched(res.lan_out, m.decap)) == len(m.decap)


def test_matrix_decap_tshark_agrees(matrix):
    """tshark reads the LAN tx pcap as plain IPv4/IPv6 with the decremented hop limit / TTL,
    unchanged traffic class and flow label, good IPv4 checksums, no GRE."""
    require_tool("tshark")
    res, m = matrix
    rows = g.tshark_fields(res.lan_out_path, ["eth.dst", "ipv6.hlim", "ipv6.tclass",
                                               "ipv6.flow", "ipv6.plen", "ip.ttl",
                                               "ip.checksum.status", "gre.proto"])
    assert len(rows) == len(m.decap)
    for r, (_, (mode, j, inner)) in zip(rows, lan_matched(res.lan_out, m.decap)):
        case = (m_name(mode, j), r)
        assert r["eth.dst"] == g.LAN_HOST_MAC and r["gre.proto"] == "", case
        if inner[0] >> 4 == 6:
            assert int(r["ipv6.hlim"]) == inner[7] - 1, case
            assert int(r["ipv6.tclass"], 16) == tclass(inner), case
            assert int(r["ipv6.flow"], 16) == flow_of(inner), case
            assert int(r["ipv6.plen"]) == len(inner) - 40, case
        else:
            assert int(r["ip.ttl"]) == inner[8] - 1, case
            assert r["ip.checksum.status"] == "1", case


def test_matrix_counters(matrix):
    """Per tunnel: rx_packets/rx_bytes the inner packets decapsulated (both families on an
    ip6gre tunnel), tx_packets/tx_bytes the inner packets encapsulated; port counters."""
    res, m = matrix
    for mode in ("gre", "ip6gre"):
        for j in range(len(OPTS)):
            rx = [p for md, jj, p in m.decap if (md, jj) == (mode, j)]
            tx = [p for md, jj, p in m.encap if (md, jj) == (mode, j)]
            assert res.tunnels[m_name(mode, j)] == dict(
                rx_packets=len(rx), rx_bytes=sum(map(len, rx)),
                tx_packets=len(tx), tx_bytes=sum(map(len, tx))), m_name(mode, j)
    p0, p1 = res.ports["port0"], res.ports["port1"]
    assert (p0["rx_packets"], p0["tx_packets"]) == (len(m.wan), len(m.encap))
    assert (p1["rx_packets"], p1["tx_packets"]) == (len(m.lan), len(m.decap))
