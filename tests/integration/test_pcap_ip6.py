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
from netns import wait_for

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


# =====================================================================================
# 3. The IPv6 options: flowlabel N|inherit, encaplimit N|none, ttl/tos inherit over IPv6;
#    decap of Linux-style packets behind a destination options header; 7. outer IPv6
#    fragments of GRE reassembled before decap. One run.
# =====================================================================================

# name, mode, options, expected outer: flow (int or "inherit"), hop (int or "inherit"),
# tc (the DSCP byte, or "inherit"), el (encapsulation limit or None), flags, key, mtu
O_TUNNELS = [
    ("o_fl", "ip6gre", "flowlabel 12345", dict(flow=0x12345)),
    ("o_flx", "ip6gre", "flowlabel 0xfffff", dict(flow=0xFFFFF)),
    ("o_flinh", "ip6gre", "flowlabel inherit", dict(flow="inherit")),
    ("o_el4", "ip6gre", "encaplimit 4", dict(el=4, mtu=1448)),
    ("o_elkcs", "ip6gre", "encaplimit 0 key 5 csum seq", dict(el=0, flags=0xB000, key=5,
                                                               mtu=1436)),
    ("o_elnone", "ip6gre", "encaplimit none", dict()),
    ("o_ttlinh", "ip6gre", "ttl inherit", dict(hop="inherit")),
    ("o_ttl17", "ip6gre", "ttl 17", dict(hop=17)),
    ("o_tosinh", "ip6gre", "tos inherit", dict(tc="inherit")),
    ("o_tos28", "ip6gre", "tos 0x28", dict(tc=0x28)),
    ("o_all", "ip6gre", "flowlabel inherit ttl inherit tos inherit encaplimit 255",
     dict(flow="inherit", hop="inherit", tc="inherit", el=255, mtu=1448)),
    ("o_4inh", "gre", "ttl inherit tos inherit", dict(hop="inherit", tc="inherit", mtu=1476)),
]
O_DEFAULTS = dict(flow=0, hop=64, tc=0, el=None, flags=0, key=None, mtu=1456)


def o_exp(i):
    e = dict(O_DEFAULTS)
    e.update(O_TUNNELS[i][3])
    return e


def o_remote(i):
    return f"2001:db8:2::{0x40 + i:x}" if O_TUNNELS[i][1] == "ip6gre" else f"203.0.113.{40 + i}"


def o_config():
    conf = list(BASE6)
    for i, (name, mode, opts, _) in enumerate(O_TUNNELS):
        local = W6 if mode == "ip6gre" else g.WAN_IP
        conf += [f"tunnel add {name} mode {mode} local {local} remote {o_remote(i)} {opts}",
                 f"route add 10.{80 + i}.0.0/24 dev {name}",
                 f"route add 2001:db8:80:{i}::/64 dev {name}"]
    return conf


def o_encap_inners(i):
    """What the LAN host sends into tunnel i: IPv6 with a flow label and a traffic class,
    IPv6 without, IPv4 with a TOS, and IPv4 (DF) of exactly the tunnel MTU."""
    p6, p4 = f"2001:db8:80:{i}::", f"10.{80 + i}.0."
    mtu = o_exp(i)["mtu"]
    return [bytes(p) for p in (
        IPv6(src=LAN6_HOST, dst=p6 + "1", hlim=40, tc=0xB9, fl=0x54321)
        / UDP(sport=100 + i, dport=7) / b"flow",
        IPv6(src=LAN6_HOST, dst=p6 + "2", hlim=7) / ICMPv6EchoRequest(id=i, seq=2),
        IP(src=g.LAN_HOST, dst=p4 + "1", ttl=50, tos=0x6A, id=200 + i) / UDP(sport=1, dport=2)
        / b"four",
        IP(src=g.LAN_HOST, dst=p4 + "2", ttl=64, flags="DF", id=300 + i) / UDP(sport=3, dport=4)
        / (b"M" * (mtu - 28)),
    )]


def o_index(name):
    return [t[0] for t in O_TUNNELS].index(name)


def frags(remote, ident, unfrag_payload_nh, body, size=600):
    """Outer IPv6 fragments (scapy's fragment6) of IPv6(remote -> W6)/Fragment/body, where
    body is what follows the fragment header (next header unfrag_payload_nh)."""
    pkt = IPv6(src=remote, dst=W6, hlim=64) / IPv6ExtHdrFragment(id=ident, nh=unfrag_payload_nh) \
        / body
    out = fragment6(pkt, size)
    assert len(out) >= 3
    return [g.eth(g.WAN_MAC, g.WAN_NH_MAC, ETH_IP6, bytes(f)) for f in out]


class Options:
    """Frames of the options run; decap items are (tunnel name, inner)."""

    def __init__(self):
        self.lan, self.encap = [], []   # encap: (i, inner)
        self.wan, self.decap = [], []
        for k in range(4):
            for i in range(len(O_TUNNELS)):
                inner = o_encap_inners(i)[k]
                self.lan.append(lan_any(inner))
                self.encap.append((i, inner))
        # one byte over o_el4's MTU (1448: the encapsulation limit option costs 8): too_big
        self.too_big = bytes(IP(src=g.LAN_HOST, dst=f"10.{80 + o_index('o_el4')}.0.3",
                                flags="DF", id=999) / UDP(sport=5, dport=6)
                             / (b"X" * (1449 - 28)))
        self.lan.append(g.lan_frame(self.too_big))

        el4, kcs, fl = (o_remote(o_index(n)) for n in ("o_el4", "o_elkcs", "o_fl"))
        ids = iter(range(1, 1000))

        def in6(n=16, src="2001:db8:80:3::2"):
            return bytes(IPv6(src=src, dst=LAN6_HOST, hlim=30, fl=next(ids))
                         / UDP(sport=9, dport=next(ids)) / (b"6" * n))

        def in4(n=16, src="10.83.0.2"):
            return bytes(IP(src=src, dst=g.LAN_HOST, ttl=30, id=next(ids)) / UDP(sport=9, dport=9)
                         / (b"4" * n))

        def add(name, frame_or_frames, inner):
            self.wan.extend(frame_or_frames if isinstance(frame_or_frames, list)
                            else [frame_or_frames])
            self.decap.append((name, inner))

        # Linux's ip6_tunnel default: encaplimit 4 in a destination options header
        x = in6()
        add("o_el4", wan6_gre(el4, x, ext=LINUX_EL4), x)
        x = in4()
        add("o_el4", wan6_gre(el4, x, proto=ETH_IP4, ext=LINUX_EL4), x)
        # the option padded with Pad1s instead of a PadN
        x = in6()
        add("o_el4", wan6_gre(el4, x, ext=bytes([47, 0, 4, 1, 4, 0, 0, 0])), x)
        # 16 bytes: the limit, an unknown option whose type says "skip" (high bits 00), PadN 6
        x = in4()
        add("o_el4", wan6_gre(el4, x, proto=ETH_IP4,
                              ext=bytes([47, 1, 4, 1, 4, 0x1E, 1, 0, 1, 6, 0, 0, 0, 0, 0, 0])), x)
        # no encapsulation limit option at all, only padding
        x = in6()
        add("o_el4", wan6_gre(el4, x, ext=bytes([47, 0, 1, 4, 0, 0, 0, 0])), x)
        # to a tunnel that has no encaplimit itself: receiving does not depend on it
        x = in6(src="2001:db8:80:0::2")
        add("o_fl", wan6_gre(fl, x, ext=LINUX_EL4), x)
        # key, checksum, sequence behind the option (limit 0 arriving is fine: it binds the
        # next encapsulation, not this decapsulation)
        for s in (0, 1):
            x = in6(src="2001:db8:80:4::2")
            add("o_elkcs", wan6_gre(kcs, x, ext=bytes([47, 0, 4, 1, 0, 1, 1, 0]), key=5,
                                    csum=True, seq=s), x)
        # 7. fragments of the outer IPv6 packet: reassembled, then decapsulated.
        # Two GRE packets whose fragments interleave, one of them in reverse order
        a6, a4 = in6(1300, src="2001:db8:80:0::2"), in4(1200, src="10.80.0.2")
        fa = frags(fl, 0x1001, 47, g.gre_header(payload=a6, proto=ETH_IP6))
        fb = frags(fl, 0x1002, 47, g.gre_header(payload=a4, proto=ETH_IP4))[::-1]
        inter = [f for pair in zip(fa, fb) for f in pair]
        self.wan.extend(inter)
        self.decap += [("o_fl", a6), ("o_fl", a4)]
        # Linux style: fragment header, then destination options (encaplimit 4), then GRE
        x = in6(1000, src="2001:db8:80:3::2")
        add("o_el4", frags(el4, 0x1003, DSTOPTS, LINUX_EL4
                           + g.gre_header(payload=x, proto=ETH_IP6), size=400), x)
        # key, checksum (over the reassembled GRE packet) and sequence number
        x = in4(1100, src="10.84.0.2")
        add("o_elkcs", frags(kcs, 0x1004, 47, g.gre_header(payload=x, proto=ETH_IP4, key=5,
                                                           csum=True, seq=2)), x)
        # and a packet after them all
        x = in6()
        add("o_el4", wan6_gre(el4, x, ext=LINUX_EL4), x)


@pytest.fixture(scope="module")
def options(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("ip6opts")
    work.chmod(0o755)
    o = Options()
    seen = {}

    def probe(sock):
        seen["tunnels"] = {t["ifname"]: t for t in ctl_json(sock, "tunnel", "show")}

    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], o_config(), wan_in=o.wan,
                     lan_in=o.lan, during=probe)
    check_ok(res)
    return res, o, seen


def o_pairs(res, o):
    """[(i, n, Wire, inner)] per tunnel, matched per payload family in LAN order."""
    remotes = {(norm6(o_remote(i)) if O_TUNNELS[i][1] == "ip6gre" else o_remote(i)): i
               for i in range(len(O_TUNNELS))}
    sent = {}
    for i, inner in o.encap:
        sent.setdefault((i, fam(inner)), []).append(inner)
    count, out = {}, []
    for f in res.wan_out:
        w = Wire(f)
        i = remotes[w.dst]
        n = count.get(i, 0)
        count[i] = n + 1
        q = sent[(i, 6 if w.proto == ETH_IP6 else 4)]
        assert q, (O_TUNNELS[i][0], "more packets than sent")
        out.append((i, n, w, q.pop(0)))
    assert all(not q for q in sent.values()), "packets not sent on"
    return out


def test_options_every_packet_sent_once(options):
    """Every LAN packet leaves once through its tunnel; the one a byte over o_el4's MTU
    (1448: 1500 - 40 - 4 - the 8-byte option) with DF is dropped as too_big, nothing else."""
    res, o, _ = options
    assert len(res.wan_out) == len(o.encap)
    o_pairs(res, o)
    res.assert_drops({"too_big": 1})


def test_options_mtu_shown(options):
    """tunnel show: mtu 1448 with encaplimit N (8 less), 1436 with it and key+csum+seq,
    1456 without, 1476 for gre; flowlabel and encaplimit as configured."""
    _, _, seen = options
    t = seen["tunnels"]
    for i, (name, _, _, _) in enumerate(O_TUNNELS):
        assert t[name]["mtu"] == o_exp(i)["mtu"], name
    assert t["o_fl"]["flowlabel"] == 0x12345 and t["o_flinh"]["flowlabel"] == "inherit"
    assert t["o_el4"]["encaplimit"] == 4 and t["o_elnone"]["encaplimit"] == "none"
    assert t["o_elkcs"]["encaplimit"] == 0


def test_options_outer_fields(options):
    """Per tunnel: flow label N, or the inner IPv6 packet's with inherit (0 for IPv4 inside);
    hop limit N, 64, or the inner one after its decrement with ttl inherit; traffic class =
    tos DSCP | inner ECN, or the inner traffic class / TOS whole with tos inherit; the same
    over an IPv4 underlay (gre, ttl/tos inherit). scapy reads the same values."""
    res, o, _ = options
    for i, n, w, inner in o_pairs(res, o):
        e, case = o_exp(i), (O_TUNNELS[i][0], n, inner.hex()[:16])
        hop = hop_of(inner) - 1 if e["hop"] == "inherit" else e["hop"]
        tc = tclass(inner) if e["tc"] == "inherit" else (e["tc"] & 0xFC) | ecn_of(inner)
        assert (w.hop, w.tc) == (hop, tc), case
        assert w.inner == forwarded_any(inner), case
        if O_TUNNELS[i][1] == "gre":
            s = Ether(w.frame)[IP]
            assert (s.ttl, s.tos) == (hop, tc), case
            continue
        flow = flow_of(inner) if e["flow"] == "inherit" else e["flow"]
        assert w.flow == flow, case
        s = Ether(w.frame)[IPv6]
        assert (s.hlim, s.tc, s.fl) == (hop, tc, flow), case


def test_options_encaplimit_on_the_wire(options):
    """encaplimit N: outer next header 60, then the 8 bytes of RFC 2473 §5.1: next header 47,
    length 0, option type 4 length 1 value N, PadN of one byte (1, 1, 0); the payload length
    counts them; GRE and its checksum (over GRE only), key and sequence follow. encaplimit
    none and the default: next header 47 directly. scapy and tshark agree."""
    require_tool("tshark")
    res, o, _ = options
    pairs = o_pairs(res, o)
    for i, n, w, inner in pairs:
        e, case = o_exp(i), (O_TUNNELS[i][0], n)
        if O_TUNNELS[i][1] == "gre":
            continue
        if e["el"] is None:
            assert w.nh == 47 and w.ext == b"", case
            continue
        assert w.nh == DSTOPTS, case
        assert w.ext == bytes([47, 0, 4, 1, e["el"], 1, 1, 0]), (case, w.ext.hex())
        assert w.plen == 8 + len(w.gre), case
        assert (w.flags, w.key) == (e["flags"], e["key"]), case
        if e["flags"] & 0x1000:
            assert w.seq == n, case
        if e["flags"] & 0x8000:
            assert w.csum == w.gre_csum_expected(), case
        s = Ether(w.frame)[IPv6ExtHdrDestOpt]
        assert s.nh == 47 and s.len == 0, case
        opts = [(x.otype, bytes(x.optdata)) for x in s.options]
        assert opts[0] == (4, bytes([e["el"]])), (case, opts)
        assert Ether(w.frame)[GRE].proto == w.proto, case
    rows = g.tshark_fields(res.wan_out_path, ["ipv6.nxt", "ipv6.dstopts.nxt",
                                              "ipv6.dstopts.len", "ipv6.opt.type",
                                              "ipv6.opt.tel", "ipv6.opt.padn", "ipv6.plen",
                                              "gre.proto", "gre.checksum.status"])
    assert len(rows) == len(res.wan_out)
    for r, f in zip(rows, res.wan_out):
        w = Wire(f)
        if w.ethertype != ETH_IP6:
            continue
        if w.ext:
            assert r["ipv6.nxt"].split(",")[0] == "60", r
            assert (r["ipv6.dstopts.nxt"], r["ipv6.dstopts.len"]) == ("47", "0"), r
            assert r["ipv6.opt.type"] == "0x04,0x01", r  # the limit, then PadN
            assert r["ipv6.opt.tel"] == str(w.ext[4]) and r["ipv6.opt.padn"] == "00", r
            assert int(r["ipv6.plen"].split(",")[0]) == w.plen, r
            if w.flags & 0x8000:
                assert r["gre.checksum.status"] == "1", r
        else:
            assert r["ipv6.nxt"].split(",")[0] == "47", r
        assert int(r["gre.proto"], 16) == w.proto, r


def test_options_decap_behind_destination_options_and_fragments(options):
    """GRE behind a destination options header is decapsulated: Linux's encaplimit 4 (PadN),
    the option padded by Pad1s, an unknown option whose type says skip, padding alone, with
    key + csum + seq, on tunnels with and without encaplimit of their own. Outer IPv6
    fragments (in order, in reverse order, interleaved with another packet's, Linux's
    fragment header then destination options, GRE with checksum and sequence number) are
    reassembled first. Each inner packet comes out forwarded, once, in order per tunnel;
    the tunnels count them."""
    res, o, _ = options
    icmp = [f for f in res.lan_out if f[12:14] == b"\x08\x00" and f[23] == 1]
    rest = [f for f in res.lan_out if f not in icmp]
    assert len(rest) == len(o.decap)
    lan_matched(rest, o.decap)
    for i, (name, _, _, _) in enumerate(O_TUNNELS):
        rx = [x for n, x in o.decap if n == name]
        tx = [x for j, x in o.encap if j == i]
        assert res.tunnels[name] == dict(rx_packets=len(rx), rx_bytes=sum(map(len, rx)),
                                         tx_packets=len(tx), tx_bytes=sum(map(len, tx))), name


def test_options_too_big_reports_the_encaplimit_mtu(options):
    """The packet a byte over o_el4's MTU earns one ICMP fragmentation needed (type 3 code
    4) to the LAN host, next-hop MTU 1448."""
    res, o, _ = options
    icmp = [IP(f[14:]) for f in res.lan_out if f[12:14] == b"\x08\x00" and f[23] == 1]
    assert len(icmp) == 1
    m = icmp[0]
    assert (m.dst, m[ICMP].type, m[ICMP].code, m[ICMP].nexthopmtu) == (g.LAN_HOST, 3, 4, 1448)


def match_wan(res, remotes, sent):
    """Match each GRE packet greway sent to the inner packet it must carry.

    remotes: {outer destination: tunnel}; sent: [(tunnel, inner as it must arrive, i.e.
    before the forwarding decrement)]. Returns [(tunnel, n, Wire, inner)]; packets of one
    tunnel and family must keep their order. Fails on anything unexpected or missing."""
    left = list(enumerate(sent))
    out, last, count = [], {}, {}
    for f in res.wan_out:
        w = Wire(f)
        assert w.dst in remotes, f"a frame to {w.dst}"
        t = remotes[w.dst]
        hit = [k for k, (i, (tt, inner)) in enumerate(left)
               if tt == t and w.inner == forwarded_any(inner)]
        assert hit, f"{t}: a GRE packet carrying what nobody sent: {w.inner.hex()}"
        i, (_, inner) = left.pop(hit[0])
        fl = (t, fam(inner))
        assert last.get(fl, -1) < i, f"reordered within {fl}"
        last[fl] = i
        n = count.get(t, 0)
        count[t] = n + 1
        out.append((t, n, w, inner))
    assert not left, f"not sent on: {[(t, p.hex()[:40]) for _, (t, p) in left]}"
    return out


# =====================================================================================
# 4. ECN, RFC 6040 normal mode, for IPv6 payloads and IPv6 outers
# =====================================================================================

NOT_ECT, ECT1, ECT0, CE = 0, 1, 2, 3
ECN_NAMES = {NOT_ECT: "Not-ECT", ECT1: "ECT(1)", ECT0: "ECT(0)", CE: "CE"}
# RFC 6040 figure 4: (inner, outer) -> inner after decapsulation, None = drop
ECN_DECAP = {
    (NOT_ECT, NOT_ECT): NOT_ECT, (NOT_ECT, ECT0): NOT_ECT, (NOT_ECT, ECT1): NOT_ECT,
    (NOT_ECT, CE): None,
    (ECT0, NOT_ECT): ECT0, (ECT0, ECT0): ECT0, (ECT0, ECT1): ECT1, (ECT0, CE): CE,
    (ECT1, NOT_ECT): ECT1, (ECT1, ECT0): ECT1, (ECT1, ECT1): ECT1, (ECT1, CE): CE,
    (CE, NOT_ECT): CE, (CE, ECT0): CE, (CE, ECT1): CE, (CE, CE): CE,
}
E_DSCP = 0x28
# name, mode, options, remote; the inner networks: 2001:db8:90:i::/64 and 10.(90+i).0.0/24
E_TUNNELS = [
    ("e4", "gre", f"tos 0x{E_DSCP:02x}", "203.0.113.60"),
    ("e4i", "gre", "tos inherit", "203.0.113.61"),
    ("e6", "ip6gre", f"tos 0x{E_DSCP:02x}", "2001:db8:2::60"),
    ("e6i", "ip6gre", "tos inherit", "2001:db8:2::61"),
]


def with_ecn(pkt, ecn):
    """pkt with its ECN field set (an IPv4 header checksum fixed)."""
    b = bytearray(pkt)
    if b[0] >> 4 == 6:
        b[1] = (b[1] & ~0x30 & 0xFF) | ecn << 4
        return bytes(b)
    b[1] = (b[1] & 0xFC) | ecn
    return g.ip_csum_fix(bytes(b[:20])) + bytes(b[20:])


@pytest.fixture(scope="module")
def ecn6(greway_bin, tmp_path_factory):
    conf = list(BASE6)
    for i, (name, mode, opts, rem) in enumerate(E_TUNNELS):
        local = g.WAN_IP if mode == "gre" else W6
        conf += [f"tunnel add {name} mode {mode} local {local} remote {rem} {opts}",
                 f"route add 2001:db8:90:{i}::/64 dev {name}",
                 f"route add 10.{90 + i}.0.0/24 dev {name}"]
    wan, decap, lan, encap = [], [], [], []
    port = iter(range(2000, 3000))
    for combo, t in (("6in4", 0), ("4in6", 2), ("6in6", 2)):
        rem = E_TUNNELS[t][3]
        for (in_ecn, out_ecn), result in sorted(ECN_DECAP.items()):
            if combo.startswith("6"):
                inner = bytes(IPv6(src=f"2001:db8:90:{t}::2", dst=LAN6_HOST, tc=0xB8 | in_ecn)
                              / UDP(sport=next(port), dport=9) / b"ecn")
            else:
                inner = bytes(IP(src=f"10.{90 + t}.0.2", dst=g.LAN_HOST, tos=0xB8 | in_ecn,
                                 id=next(port)) / UDP(sport=9, dport=9) / b"ecn")
            proto = ETH_IP6 if combo.startswith("6") else ETH_IP4
            if combo.endswith("4"):
                # the outer TOS: the ECN under test, and a DSCP that decap ignores
                wan.append(g.eth(g.WAN_MAC, g.WAN_NH_MAC, ETH_IP4,
                                 g.ipv4(rem, g.WAN_IP, 47, g.gre_header(payload=inner,
                                                                        proto=proto),
                                        tos=0x48 | out_ecn)))
            else:
                wan.append(wan6_gre(rem, inner, proto=proto, tc=0x48 | out_ecn))
            decap.append((combo, in_ecn, out_ecn, result, inner))
    for ecn in (NOT_ECT, ECT1, ECT0, CE):
        for i, (name, mode, _, _) in enumerate(E_TUNNELS):
            pkts = [IPv6(src=LAN6_HOST, dst=f"2001:db8:90:{i}::9", tc=0x10 | ecn, hlim=9)
                    / UDP(sport=next(port), dport=9) / b"e"]
            if mode == "ip6gre":
                pkts.append(IP(src=g.LAN_HOST, dst=f"10.{90 + i}.0.9", tos=0x60 | ecn, ttl=9,
                               id=next(port)) / UDP(sport=9, dport=9) / b"e")
            for p in pkts:
                lan.append(lan_any(bytes(p)))
                encap.append((name, bytes(p)))
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("ip6ecn"), uuid.uuid4().hex[:6], conf,
                     wan_in=wan, lan_in=lan)
    check_ok(res)
    return res, decap, encap


def test_ecn_decap_follows_rfc6040_table(ecn6):
    """All 16 (inner, outer) ECN pairs for IPv6 in IPv4, IPv4 in IPv6 and IPv6 in IPv6: the
    inner packet leaves with the ECN field of RFC 6040's table, its DSCP (EF) untouched,
    forwarded; Not-ECT under a CE outer is dropped as ecn_not_ect, once per combination."""
    res, decap, _ = ecn6
    want = [(combo, with_ecn(inner, result)) for combo, _, _, result, inner in decap
            if result is not None]
    got = lan_matched(res.lan_out, want)
    assert len(got) == len(want) == len(res.lan_out)
    res.assert_drops({"ecn_not_ect": 3})


def test_ecn_encap_copies_inner_ecn_into_the_outer_traffic_class(ecn6):
    """Encapsulation: outer traffic class (IPv6) or TOS (IPv4) = the tunnel's DSCP 0x28 |
    the inner ECN field, or with tos inherit the inner traffic class / TOS whole; the inner
    packet itself is forwarded unchanged but for its hop limit / TTL. scapy agrees."""
    res, _, encap = ecn6
    remotes = {(norm6(t[3]) if t[1] == "ip6gre" else t[3]): t[0] for t in E_TUNNELS}
    got = match_wan(res, remotes, encap)
    assert len(got) == len(encap)
    for t, n, w, inner in got:
        want = tclass(inner) if t.endswith("i") else E_DSCP | ecn_of(inner)
        assert w.tc == want, (t, n, hex(w.tc), inner.hex()[:8])
        layer = Ether(w.frame)[IPv6 if w.ethertype == ETH_IP6 else IP]
        assert (layer.tc if w.ethertype == ETH_IP6 else layer.tos) == want, (t, n)


# =====================================================================================
# 5. clamp-mss on IPv6 SYNs (and IPv4 ones over an IPv6 underlay), both ways
# =====================================================================================

# name, mode, options, remote, MSS ceiling for IPv6 and for IPv4 payloads (None: no clamp).
# auto: IPv6 = tunnel MTU6 - 60 (MTU6 = max(MTU, 1280)), IPv4 = tunnel MTU - 40.
C_TUNNELS = [
    ("c6", "ip6gre", "", "2001:db8:2::70", 1456 - 60, 1456 - 40),
    ("c6el", "ip6gre", "encaplimit 4 key 1 csum seq", "2001:db8:2::71", 1436 - 60, 1436 - 40),
    ("c6small", "ip6gre", "mtu 1000", "2001:db8:2::72", 1280 - 60, 1000 - 40),
    ("c6fix", "ip6gre", "clamp-mss 1300", "2001:db8:2::73", 1300, 1300),
    ("c6off", "ip6gre", "clamp-mss off", "2001:db8:2::74", None, None),
    ("c4", "gre", "", "203.0.113.70", 1476 - 60, None),
    ("c4small", "gre", "mtu 1000", "203.0.113.71", 1280 - 60, None),
]
C_KEYED = {"c6el": 1}
LINUX_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (123456, 0)), ("NOP", None),
              ("WScale", 7)]


def tcp_segments(v, src, dst, base):
    """(row, packet bytes, clamp applies) of TCP segments of one direction."""
    ports = iter(range(base, base + 50))

    def ip(**kw):
        if v == 6:
            return IPv6(src=src, dst=dst, hlim=64, **kw)
        return IP(src=src, dst=dst, ttl=64, flags="DF", id=next(ports), **kw)

    rows = [
        ("syn mss 1460", ip() / TCP(sport=next(ports), dport=80, flags="S", seq=1000,
                                    options=LINUX_OPTS), True),
        ("syn-ack mss 1460", ip() / TCP(sport=80, dport=next(ports), flags="SA", seq=5000,
                                        ack=1001, options=[("MSS", 1460), ("NOP", None),
                                                           ("NOP", None), ("SAckOK", b"")]),
         True),
        ("syn mss last, odd offset", ip() / TCP(sport=next(ports), dport=80, flags="S",
                                                options=[("WScale", 2), ("NOP", None),
                                                         ("SAckOK", b""), ("MSS", 65495)]),
         True),
        ("syn mss 536", ip() / TCP(sport=next(ports), dport=80, flags="S",
                                   options=[("MSS", 536)]), False),
        ("syn without mss", ip() / TCP(sport=next(ports), dport=80, flags="S",
                                       options=[("SAckOK", b"")]), False),
        ("ack with data", ip() / TCP(sport=next(ports), dport=80, flags="A", seq=1001,
                                     ack=5001) / (b"\x02\x04\x05\xb4" * 8), False),
    ]
    return [(r, bytes(p), c) for r, p, c in rows]


def clamp_any(pkt, ceiling):
    """pkt with every TCP MSS option above ceiling lowered to it and the TCP checksum
    recomputed from scratch (RFC 8200 §8.1 pseudo header for IPv6, RFC 793's for IPv4)."""
    b = bytearray(pkt)
    v6 = b[0] >> 4 == 6
    ihl = 40 if v6 else (b[0] & 15) * 4
    doff = (b[ihl + 12] >> 4) * 4
    o, end, changed = ihl + 20, ihl + doff, False
    while o < end and b[o] != 0:
        if b[o] == 1:
            o += 1
            continue
        if b[o] == 2 and struct.unpack("!H", b[o + 2:o + 4])[0] > ceiling:
            b[o + 2:o + 4] = struct.pack("!H", ceiling)
            changed = True
        o += b[o + 1]
    assert changed
    b[ihl + 16:ihl + 18] = b"\0\0"
    seg = bytes(b[ihl:])
    if v6:
        pseudo = bytes(b[8:40]) + struct.pack("!IxxxB", len(seg), 6)
    else:
        pseudo = bytes(b[12:20]) + struct.pack("!BBH", 0, 6, len(seg))
    b[ihl + 16:ihl + 18] = struct.pack("!H", ~g.csum16(pseudo + seg) & 0xFFFF)
    return bytes(b)


def tcp_csum_ok(pkt):
    """scapy recomputes the TCP checksum carried (pseudo header of either family)."""
    p = IPv6(pkt) if pkt[0] >> 4 == 6 else IP(pkt)
    carried = p[TCP].chksum
    del p[TCP].chksum
    q = IPv6(bytes(p)) if pkt[0] >> 4 == 6 else IP(bytes(p))
    return q[TCP].chksum == carried


@pytest.fixture(scope="module")
def mss6(greway_bin, tmp_path_factory):
    conf = list(BASE6)
    lan, wan, enc, dec, rows = [], [], [], [], []
    seq = {}
    for i, (name, mode, opts, rem, c6, c4) in enumerate(C_TUNNELS):
        local = g.WAN_IP if mode == "gre" else W6
        conf += [f"tunnel add {name} mode {mode} local {local} remote {rem} {opts}".rstrip(),
                 f"route add 2001:db8:70:{i}::/64 dev {name}",
                 f"route add 10.{70 + i}.0.0/24 dev {name}"]
        for v in ((6, 4) if mode == "ip6gre" else (6,)):
            ceiling = c6 if v == 6 else c4
            far = f"2001:db8:70:{i}::2" if v == 6 else f"10.{70 + i}.0.2"
            me = LAN6_HOST if v == 6 else g.LAN_HOST
            for row, p, clamp in tcp_segments(v, me, far, 10000 + 100 * i + 50 * (v == 4)):
                want = clamp_any(p, ceiling) if clamp and ceiling is not None else p
                lan.append(lan_any(p))
                enc.append((name, want))
                rows.append(("encap", name, v, row, p, want))
            for row, p, clamp in tcp_segments(v, far, me, 20000 + 100 * i + 50 * (v == 4)):
                want = clamp_any(p, ceiling) if clamp and ceiling is not None else p
                kw = dict(proto=ETH_IP6 if v == 6 else ETH_IP4)
                if name in C_KEYED:
                    kw.update(key=C_KEYED[name], csum=True, seq=seq.setdefault(name, 0))
                    seq[name] += 1
                wan.append(wan6_gre(rem, p, **kw) if mode == "ip6gre" else
                           g.wan_gre(rem, p, **kw))
                dec.append((name, want))
                rows.append(("decap", name, v, row, p, want))
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("ip6mss"), uuid.uuid4().hex[:6], conf,
                     wan_in=wan, lan_in=lan)
    check_ok(res)
    return res, enc, dec, rows


def test_mss_encap(mss6):
    """Into each tunnel: a SYN or SYN-ACK whose MSS is above the tunnel's ceiling leaves with
    the MSS lowered to it and a TCP checksum recomputed (over the IPv6 pseudo header), as a
    router forwards it; every other segment unchanged but for the hop limit / TTL."""
    res, enc, _, _ = mss6
    remotes = {(norm6(t[3]) if t[1] == "ip6gre" else t[3]): t[0] for t in C_TUNNELS}
    got = match_wan(res, remotes, enc)
    for t, n, w, inner in got:
        if inner[6 if inner[0] >> 4 == 6 else 9] == 6:
            assert tcp_csum_ok(w.inner), (t, n)
    res.assert_drops({})


def test_mss_decap(mss6):
    """Out of each tunnel, the same rule after decapsulation (key, csum and seq too)."""
    res, _, dec, _ = mss6
    got = lan_matched(res.lan_out, dec)
    assert len(got) == len(dec)
    for f, _ in got:
        assert tcp_csum_ok(f[14:])


def test_mss_values(mss6):
    """The SYN with MSS 1460 leaves with: IPv6 payloads tunnel MTU6 - 60 (1396 for ip6gre,
    1376 with encaplimit and key+csum+seq, 1416 for gre, 1220 where mtu 1000 raises MTU6 to
    1280), IPv4 payloads MTU - 40 (1416, 1396, 960); 1300 for clamp-mss 1300; 1460 when
    off; both ways."""
    res, enc, dec, rows = mss6
    outs = [Wire(f).inner for f in res.wan_out] + [f[14:] for f in res.lan_out]
    for d, name, v, row, sent, want in rows:
        if row != "syn mss 1460":
            continue
        t = [x for x in C_TUNNELS if x[0] == name][0]
        ceiling = t[4] if v == 6 else t[5]
        hits = [o for o in outs if o == forwarded_any(want)]
        assert len(hits) == 1, (d, name, v)
        p = IPv6(hits[0]) if v == 6 else IP(hits[0])
        mss = [val for k, val in p[TCP].options if k == "MSS"]
        assert mss == [ceiling if ceiling is not None else 1460], (d, name, v, mss)


# =====================================================================================
# 2. ip6gretap: Ethernet through a bridge over an IPv6 underlay, both ways
# =====================================================================================

GT6_REMOTE = "2001:db8:2::80"
HOST_A = g.LAN_HOST_MAC          # on the LAN, behind port1
HOST_B = "02:00:00:00:02:01"     # behind gt6
BCAST = "ff:ff:ff:ff:ff:ff"


def gt6_config():
    return [
        f"link set port0 address {g.WAN_MAC}",
        f"addr add {W6}/64 dev port0",
        f"neigh add {NH6} lladdr {g.WAN_NH_MAC} dev port0",
        f"route add 2001:db8:2::/48 via {NH6}",
        "link add br0 type bridge",
        "link set port1 master br0",
        f"tunnel add gt6 mode ip6gretap local {W6} remote {GT6_REMOTE} key 7 csum seq",
        "link set gt6 master br0",
    ]


def l2_frames(dst, src, base, mtu_frame=None):
    """Untagged, 802.1Q and QinQ frames carrying IPv6/UDP, an ARP padded to 60 bytes, and
    (mtu_frame) a frame of exactly that many bytes."""
    def f(ident, tags=(), size=37):
        p = Ether(dst=dst, src=src)
        if len(tags) == 2:
            p = p / Dot1AD(vlan=tags[0]) / Dot1Q(vlan=tags[1])
        elif tags:
            p = p / Dot1Q(vlan=tags[0])
        return bytes(p / IPv6(src="2001:db8:a::2", dst="2001:db8:a::9", fl=ident)
                     / UDP(sport=ident, dport=9) / bytes((ident + k) & 0xFF
                                                         for k in range(size)))
    arp = bytes(Ether(dst=BCAST if dst == BCAST else dst, src=src)
                / ARP(op=1 if dst == BCAST else 2, hwsrc=src, psrc="10.0.0.2",
                      pdst="10.0.0.9"))
    out = [f(base), f(base + 1, (100,)), f(base + 2, (200, 100)),
           arp + b"\0" * (60 - len(arp))]
    if mtu_frame:
        big = f(base + 4, size=mtu_frame - 14 - 48)
        assert len(big) == mtu_frame
        out.append(big)
    return out


@pytest.fixture(scope="module")
def gt6(greway_bin, tmp_path_factory):
    # from B (behind gt6) to A: A unknown, flooded to port1; B learned. Then from A: to B
    # (known: unicast into gt6), a broadcast ARP (flooded: into gt6), a frame of exactly
    # gt6's MTU (1500 - 40 - 16 - 14 = 1430) + 14. port0 is polled first (gwpcap.in_order).
    to_lan = l2_frames(HOST_A, HOST_B, 11)
    lan = l2_frames(HOST_B, HOST_A, 21, mtu_frame=1444)
    lan[3] = l2_frames(BCAST, HOST_A, 21)[3]
    wan = [wan6_gre(GT6_REMOTE, f, proto=g.GRE_PROTO_TEB, key=7, csum=True, seq=s)
           for s, f in enumerate(to_lan)]
    seq = g.in_order([(0, wan), (1, lan)])
    assert seq.fillers() == {"l2_other_host": 0, "l2_link_local": 0}
    seen = {}

    def probe(sock):
        seen["tunnel"] = ctl_json(sock, "tunnel", "show", "gt6")

    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("ip6gt"), uuid.uuid4().hex[:6],
                     gt6_config(), wan_in=seq.wan, lan_in=seq.lan, during=probe)
    check_ok(res)
    return res, to_lan, lan, seen


def test_ip6gretap_encap(gt6):
    """Each LAN frame leaves port0 as IPv6 (next header 47, from 2001:db8:1::1 to gt6's
    remote, hop limit 64, traffic class 0, flow label 0, payload length) / GRE (flags 0xB000,
    key 7, sequence 0, 1, 2..., a valid checksum, protocol 0x6558) / the frame byte for byte,
    tags and padding included; scapy and tshark read the same; gt6's MTU is 1430."""
    res, _, lan, seen = gt6
    assert len(res.wan_out) == len(lan)
    for n, (f, sent) in enumerate(zip(res.wan_out, lan)):
        w = Wire(f)
        assert w.eth == g.eth(g.WAN_NH_MAC, g.WAN_MAC, ETH_IP6, b""), n
        assert (w.src, w.dst, w.nh, w.hop, w.tc, w.flow) == (
            norm6(W6), norm6(GT6_REMOTE), 47, 64, 0, 0), n
        assert w.plen == 16 + len(sent), n
        assert (w.flags, w.proto, w.key, w.seq) == (0xB000, g.GRE_PROTO_TEB, 7, n), n
        assert w.csum == w.gre_csum_expected(), n
        assert w.inner == sent, n
        p = Ether(f)
        assert p[GRE].key == 7 and p[GRE].proto == 0x6558 and p[IPv6].dst == norm6(GT6_REMOTE)
        assert isinstance(p[GRE].payload, Ether) and p[GRE].payload.src == HOST_A
    assert seen["tunnel"][0]["mtu"] == 1430
    require_tool("tshark")
    rows = g.tshark_fields(res.wan_out_path, ["ipv6.dst", "ipv6.nxt", "ipv6.plen",
                                              "gre.proto", "gre.key", "gre.checksum.status",
                                              "gre.sequence_number", "eth.dst", "eth.src",
                                              "vlan.id", "ieee8021ad.id"])
    assert len(rows) == len(lan)
    for n, (r, sent) in enumerate(zip(rows, lan)):
        inner = Ether(sent)
        assert r["ipv6.dst"].split(",")[0] == norm6(GT6_REMOTE), r
        assert r["ipv6.nxt"].split(",")[0] == "47", r
        assert int(r["ipv6.plen"].split(",")[0]) == 16 + len(sent), r
        assert (int(r["gre.proto"], 16), int(r["gre.key"], 16)) == (0x6558, 7), r
        assert (r["gre.checksum.status"], r["gre.sequence_number"]) == ("1", str(n)), r
        assert r["eth.dst"].split(",") == [g.WAN_NH_MAC, inner.dst], r
        assert r["eth.src"].split(",") == [g.WAN_MAC, inner.src], r
    assert [(r["ieee8021ad.id"], r["vlan.id"]) for r in rows[:3]] == [
        ("", ""), ("", "100"), ("200", "100")]


def test_ip6gretap_decap(gt6):
    """Each GRE/0x6558 packet from gt6's remote (key 7, checksum, sequence) leaves port1 as
    the frame it carried, byte for byte (a short one at most padded to 60 with zeros)."""
    res, to_lan, _, _ = gt6
    assert len(res.lan_out) == len(to_lan)
    for out, sent in zip(res.lan_out, to_lan):
        assert same_frame(out, sent), (out.hex(), sent.hex())


def test_ip6gretap_counters(gt6):
    """gt6 counts frames both ways (bytes of the frames); the bridge learned B and A, flooded
    the frames to the unknown A and the broadcast, sent the rest to the learned B."""
    res, to_lan, lan, _ = gt6
    assert res.tunnels["gt6"] == dict(rx_packets=len(to_lan), rx_bytes=sum(map(len, to_lan)),
                                      tx_packets=len(lan), tx_bytes=sum(map(len, lan)))
    assert res.bridges["br0"] == dict(rx_frames=len(to_lan) + len(lan),
                                      flooded=len(to_lan) + 1, unicast=len(lan) - 1,
                                      learned=2, moved=0, aged=0, dropped=0)
    res.assert_drops({})


# =====================================================================================
# 6. The decap drop reasons over an IPv6 underlay, each counted exactly
# =====================================================================================

X6 = "2001:db8:2::2"     # x6: ip6gre, keyless; 2001:db8:b::/48 and 10.16.0.0/24 behind it
X6K = "2001:db8:2::3"    # x6k: key 5
X6C = "2001:db8:2::4"    # x6c: icsum
X6S = "2001:db8:2::5"    # x6s: iseq
X6T = "2001:db8:2::6"    # x6t: ip6gretap, in no bridge
X4 = "203.0.113.2"       # x4: gre over IPv4; 2001:db8:c::/48 behind it
X_CONFIG = BASE6 + [
    f"tunnel add x6 mode ip6gre local {W6} remote {X6}",
    f"tunnel add x6k mode ip6gre local {W6} remote {X6K} key 5",
    f"tunnel add x6c mode ip6gre local {W6} remote {X6C} icsum",
    f"tunnel add x6s mode ip6gre local {W6} remote {X6S} iseq",
    f"tunnel add x6t mode ip6gretap local {W6} remote {X6T}",
    f"tunnel add x4 mode gre local {g.WAN_IP} remote {X4}",
    "route add 2001:db8:b::/48 dev x6",
    "route add 10.16.0.0/24 dev x6",
    "route add 2001:db8:c::/48 dev x4",
]


def is_icmp_error(pkt):
    """An ICMPv6 (type < 128) or ICMP (3, 11, 12) error: what a ttl_expired punt may earn."""
    if not pkt:
        return False
    if pkt[0] >> 4 == 6:
        return len(pkt) > 40 and pkt[6] == 58 and pkt[40] < 128
    ihl = (pkt[0] & 15) * 4
    return pkt[9] == 1 and len(pkt) > ihl and pkt[ihl] in (3, 11, 12)


class XBench:
    """Bad WAN frames with their reason, each followed by a good one (IPv6 from x6 to the
    LAN host); a good LAN packet (into x6) after each bad LAN one."""

    def __init__(self):
        self.wan, self.lan, self.expect = [], [], {}
        self.to_lan, self.to_wan = [], []
        self.fl = 0x100

    def inner6(self, src="2001:db8:b::2", hlim=64, **kw):
        self.fl += 1
        return bytes(IPv6(src=src, dst=LAN6_HOST, hlim=hlim, fl=self.fl, **kw)
                     / UDP(sport=self.fl, dport=7) / b"x6")

    def good(self, port=0):
        if port == 0:
            p = self.inner6()
            self.wan.append(wan6_gre(X6, p))
            self.to_lan.append(("x6", p))
        else:
            self.fl += 1
            p = bytes(IPv6(src=LAN6_HOST, dst="2001:db8:b::2", fl=self.fl) / UDP(sport=self.fl)
                      / b"up")
            self.lan.append(lan6_frame(p))
            self.to_wan.append(("x6", p))

    def bad(self, reason, frame, port=0):
        (self.wan if port == 0 else self.lan).append(bytes(frame))
        self.expect[reason] = self.expect.get(reason, 0) + 1
        self.good(port)

    def ok(self, tunnel, frame, inner):
        self.wan.append(bytes(frame))
        self.to_lan.append((tunnel, inner))


def x_build():
    b = XBench()
    b.good(0)
    b.good(1)
    i6 = b.inner6
    # key_mismatch: x6k's addresses, a wrong key or none
    b.bad("key_mismatch", wan6_gre(X6K, i6(), key=6))
    b.bad("key_mismatch", wan6_gre(X6K, i6()))
    # no_tunnel: from an address no tunnel has, with a key or without
    b.bad("no_tunnel", wan6_gre("2001:db8:2::99", i6()))
    b.bad("no_tunnel", wan6_gre("2001:db8:2::99", i6(), key=5))
    # icsum: a wrong checksum, none
    x = i6()
    b.ok("x6c", wan6_gre(X6C, x, csum=True), x)
    b.bad("gre_csum", wan6_gre(X6C, i6(), csum=True, bad_csum=True))
    b.bad("gre_csum_missing", wan6_gre(X6C, i6()))
    # iseq: 10 accepted, then none, 10 again, 9
    x = i6()
    b.ok("x6s", wan6_gre(X6S, x, seq=10), x)
    b.bad("gre_seq_missing", wan6_gre(X6S, i6()))
    b.bad("gre_seq_old", wan6_gre(X6S, i6(), seq=10))
    b.bad("gre_seq_old", wan6_gre(X6S, i6(), seq=9))
    x = i6()
    b.ok("x6s", wan6_gre(X6S, x, seq=11), x)
    # gre_proto: Ethernet to an ip6gre tunnel, IPv6 to an ip6gretap one, ARP to ip6gre
    b.bad("gre_proto", wan6_gre(X6, bytes(Ether(dst=g.LAN_HOST_MAC) / IPv6(i6())),
                                proto=g.GRE_PROTO_TEB))
    b.bad("gre_proto", wan6_gre(X6T, i6(), proto=ETH_IP6))
    b.bad("gre_proto", wan6_gre(X6, bytes(ARP(psrc="10.16.0.2", pdst="10.0.0.2")),
                                proto=0x0806))
    # inner_header: RFC 8200 checks of the inner IPv6 packet (both underlays), and a family
    # that is not the one the GRE protocol says
    v4 = bytes(IP(src="10.16.0.2", dst=g.LAN_HOST) / UDP() / b"four")
    b.bad("inner_header", wan6_gre(X6, v4, proto=ETH_IP6))                # version 4 as 0x86dd
    b.bad("inner_header", wan6_gre(X6, i6(), proto=ETH_IP4))               # IPv6 as 0x0800
    x = bytearray(i6())
    x[4:6] = struct.pack("!H", len(x) - 40 + 1)                            # length past the end
    b.bad("inner_header", wan6_gre(X6, bytes(x)))
    b.bad("inner_header", wan6_gre(X6, i6(src="ff02::1")))                 # multicast source
    b.bad("inner_header", wan6_gre(X6, i6()[:39]))                         # shorter than 40
    x = bytearray(i6(src="2001:db8:c::2"))
    x[0] = 0x40 | (x[0] & 15)
    b.bad("inner_header", g.wan_gre(X4, bytes(x), proto=ETH_IP6))          # over IPv4
    # ip6_payload_len: the outer payload length one byte past the frame
    f = wan6_gre(X6, i6())
    plen = struct.unpack("!H", f[18:20])[0]
    b.bad("ip6_payload_len", f[:18] + struct.pack("!H", plen + 1) + f[20:])
    # a payload length shorter than the frame is Ethernet trailer: fine
    x = i6()
    b.ok("x6", wan6_gre(X6, x, trailer=b"\xee" * 6), x)
    # ip6_ext_header: hop-by-hop or routing header before GRE; destination options with an
    # option whose type says discard (high bits 01, 10, 11); malformed headers
    gre = g.gre_header(payload=i6(), proto=ETH_IP6)
    b.bad("ip6_ext_header", wan6_gre(X6, i6(), ext=bytes([47, 0, 1, 4, 0, 0, 0, 0]),
                                     nh=HOPOPTS))
    b.bad("ip6_ext_header", wan6_gre(X6, i6(), ext=bytes([47, 0, 0, 0, 0, 0, 0, 0]),
                                     nh=ROUTING))
    for t in (0x5E, 0x9E, 0xDE):
        b.bad("ip6_ext_header", wan6_gre(X6, i6(), ext=bytes([47, 0, t, 4, 0, 0, 0, 0])))
    b.bad("ip6_ext_header", g.eth(g.WAN_MAC, g.WAN_NH_MAC, ETH_IP6,     # header past the end
                                  ipv6(X6, W6, DSTOPTS, bytes([47, 200, 1, 4, 0, 0, 0, 0])
                                       + gre)))
    b.bad("ip6_ext_header", wan6_gre(X6, i6(), ext=bytes([47, 0, 1, 9, 0, 0, 0, 0])))  # option
    # ip6_next_header: destination options that lead elsewhere than GRE
    udp = bytes(UDP(sport=1, dport=2) / b"u")
    for nh, body in ((17, udp), (6, bytes(TCP())), (59, b"")):
        b.bad("ip6_next_header", g.eth(g.WAN_MAC, g.WAN_NH_MAC, ETH_IP6,
                                       ipv6(X6, W6, DSTOPTS, bytes([nh, 0, 1, 4, 0, 0, 0, 0])
                                            + body)))
    # ttl_expired: inner hop limit 1 and 0 over IPv6, 1 over IPv4, IPv4 TTL 1 over IPv6;
    # and from the LAN into a tunnel, hop limit 1
    b.bad("ttl_expired", wan6_gre(X6, i6(hlim=1)))
    b.bad("ttl_expired", wan6_gre(X6, i6(hlim=0)))
    b.bad("ttl_expired", g.wan_gre(X4, i6(src="2001:db8:c::2", hlim=1), proto=ETH_IP6))
    b.bad("ttl_expired", wan6_gre(X6, bytes(IP(src="10.16.0.2", dst=g.LAN_HOST, ttl=1)
                                            / UDP() / b"t"), proto=ETH_IP4))
    b.bad("ttl_expired", lan6_frame(IPv6(src=LAN6_HOST, dst="2001:db8:b::2", hlim=1)
                                    / UDP() / b"t"), port=1)
    return b


@pytest.fixture(scope="module")
def xdrops(greway_bin, tmp_path_factory):
    b = x_build()
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("ip6drops"), uuid.uuid4().hex[:6],
                     X_CONFIG, wan_in=b.wan, lan_in=b.lan)
    check_ok(res)
    return res, b


def test_drops_ip6_each_reason_counted_exactly(xdrops):
    """Each reason's counter rose by exactly its crafted frames: key_mismatch 2, no_tunnel 2,
    gre_csum 1, gre_csum_missing 1, gre_seq_missing 1, gre_seq_old 2, gre_proto 3,
    inner_header 6, ip6_payload_len 1, ip6_ext_header 7, ip6_next_header 3, ttl_expired 5;
    no other counter moved."""
    res, b = xdrops
    assert b.expect == {"key_mismatch": 2, "no_tunnel": 2, "gre_csum": 1,
                        "gre_csum_missing": 1, "gre_seq_missing": 1, "gre_seq_old": 2,
                        "gre_proto": 3, "inner_header": 6, "ip6_payload_len": 1,
                        "ip6_ext_header": 7, "ip6_next_header": 3, "ttl_expired": 5}
    res.assert_drops(b.expect)


def test_drops_ip6_good_packets_still_flow(xdrops):
    """A bad packet costs only itself: every good packet after one comes out, forwarded, in
    order (ICMP errors greway may originate for the expired ones aside); the ones that look
    odd but are fine (a checksum icsum wants, sequence numbers, an Ethernet trailer after
    the IPv6 payload) too; the tunnels count them, and the expired ones, which they did
    receive, but none of those dropped before or at the inner header."""
    res, b = xdrops
    lan = [f for f in res.lan_out if not is_icmp_error(f[14:])]
    assert len(lan) == len(b.to_lan)
    lan_matched(lan, b.to_lan)
    wan = [f for f in res.wan_out if not is_icmp_error(Wire(f).inner)]
    assert [Wire(f).inner for f in wan] == [forwarded6(p) for _, p in b.to_wan]
    # rx counts what was decapsulated into a valid inner packet: the delivered ones, and
    # those that forwarding then found expired (3 from x6, 1 from x4; as for IPv4)
    for t, expired in (("x6", 3), ("x6c", 0), ("x6s", 0), ("x6k", 0), ("x6t", 0), ("x4", 1)):
        rx = [p for tt, p in b.to_lan if tt == t]
        assert res.tunnels[t]["rx_packets"] == len(rx) + expired, t


def test_drops_ip6_tunnel_down(greway_bin, workdir, run_id):
    """`link set x6 down`: GRE from its remote over IPv6 is dropped as tunnel_down, its
    routes (IPv6 and IPv4) leave the FIB so LAN packets for them find no route; x4, up,
    carries on."""
    conf = X_CONFIG + ["link set x6 down"]
    good = bytes(IPv6(src="2001:db8:c::2", dst=LAN6_HOST, fl=7) / UDP() / b"up")
    wan = [wan6_gre(X6, bytes(IPv6(src="2001:db8:b::2", dst=LAN6_HOST, fl=k) / UDP()))
           for k in (1, 2)]
    wan += [wan6_gre(X6, bytes(IP(src="10.16.0.2", dst=g.LAN_HOST) / UDP()), proto=ETH_IP4),
            g.wan_gre(X4, good, proto=ETH_IP6)]
    lan = [lan6_frame(IPv6(src=LAN6_HOST, dst="2001:db8:b::2") / UDP()),
           g.lan_frame(bytes(IP(src=g.LAN_HOST, dst="10.16.0.2") / UDP()))]
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=wan, lan_in=lan)
    check_ok(res)
    assert res.wan_out == []
    assert res.lan_out == [to_lan_frame(good)]
    res.assert_drops({"tunnel_down": 3, "no_route": 2})
    assert res.tunnels["x6"]["rx_packets"] == 0 and res.tunnels["x6"]["tx_packets"] == 0


# =====================================================================================
# The IPv6 minimum MTU over a tunnel whose MTU is below it (RFC 8200 §5, RFC 2473 §7.1)
# =====================================================================================

def reassembled_wires(frames):
    """Wire of every GRE packet in frames, outer IPv4 or IPv6 fragments reassembled (scapy)."""
    from scapy.all import defragment
    whole, f4, f6 = [], [], {}
    for f in frames:
        e = Ether(f)
        if IPv6ExtHdrFragment in e:
            f6.setdefault(e[IPv6ExtHdrFragment].id, []).append(e[IPv6])
        elif IP in e and (e[IP].flags.MF or e[IP].frag):
            f4.append(e[IP])
        else:
            whole.append(Wire(f))
    for pieces in f6.values():
        from scapy.all import defragment6
        p = defragment6(pieces)
        whole.append(Wire(g.eth(g.WAN_NH_MAC, g.WAN_MAC, ETH_IP6, bytes(p))))
    for p in (defragment(f4) if f4 else []):
        whole.append(Wire(g.eth(g.WAN_NH_MAC, g.WAN_MAC, ETH_IP4, bytes(p))))
    return whole


def test_ipv6_minimum_mtu_over_a_small_tunnel(greway_bin, workdir, run_id):
    """A tunnel whose MTU is below 1280 (mtu 1000) still carries IPv6 packets up to 1280
    bytes, the minimum every IPv6 link must carry (RFC 8200 §5; its IPv6 MTU is
    max(MTU, 1280), as clamp-mss already assumes: 1220), fragmenting the outer packet where
    the underlay needs it (RFC 2473 §7.1; here the outer packet fits port0's 1500 whole).
    A packet of 1281 bytes is too big (counted), one of 1000 fits: over gre and ip6gre."""
    conf = BASE6 + [
        f"tunnel add f4 mode gre local {g.WAN_IP} remote 203.0.113.90 mtu 1000",
        "route add 2001:db8:92::/48 dev f4",
        f"tunnel add f6 mode ip6gre local {W6} remote 2001:db8:2::90 mtu 1000",
        "route add 2001:db8:93::/48 dev f6",
    ]
    sent, lan = [], []
    for t, dst in (("f4", "2001:db8:92::1"), ("f6", "2001:db8:93::1")):
        for size in (1000, 1280, 1281):
            p = bytes(IPv6(src=LAN6_HOST, dst=dst, fl=size) / UDP(sport=size, dport=9)
                      / (b"z" * (size - 48)))
            lan.append(lan6_frame(p))
            if size <= 1280:
                sent.append((t, p))
    res = g.run_pcap(greway_bin, workdir, run_id, conf, lan_in=lan)
    check_ok(res)
    remotes = {"203.0.113.90": "f4", norm6("2001:db8:2::90"): "f6"}
    got = [(remotes[w.dst], w.inner) for w in reassembled_wires(res.wan_out)]
    assert sorted(got) == sorted((t, forwarded6(p)) for t, p in sent), \
        [(t, len(i)) for t, i in got]
    assert all(len(f) <= 1514 for f in res.wan_out)
    res.assert_drops({"too_big": 2})


# --- keepalives over an IPv6 underlay ---

def test_keepalive_over_ipv6(greway_bin, workdir, run_id):
    """keepalive 1 3 on two ip6gre tunnels, ka1 (key 5) and ka2.
    - greway sends each remote its keepalive inside the tunnel's encapsulation: outer
      W6 -> remote, GRE 0x86dd (and ka1's key), inner IPv6 remote -> W6 (hop limit 255)
      carrying bare GRE of type 0 with the key greway receives;
    - ka1's remote answers (bare type-0 GRE from it, key 5): ka1 is up, answered once;
      ka2's never does: down after 3, its route withdrawn (linkdown);
    - a remote's own keepalive arriving in ka1 is routed back to it as any packet (the
      inner IPv6 to R1 leaves by the underlay, hop limit 254): no NAT over IPv6 needs more.
    """
    r1, r2 = "2001:db8:2::51", "2001:db8:2::52"
    conf = BASE6 + [
        f"tunnel add ka1 mode ip6gre local {W6} remote {r1} key 5 keepalive 1 3",
        f"tunnel add ka2 mode ip6gre local {W6} remote {r2} keepalive 1 3",
        "route add 2001:db8:c1::/48 dev ka1",
        "route add 2001:db8:c2::/48 dev ka2",
    ]
    answer = g.eth(g.WAN_MAC, g.WAN_NH_MAC, ETH_IP6,
                   ipv6(r1, W6, 47, g.gre_header(proto=0, key=5), hlim=254))
    theirs = wan6_gre(r1, ipv6(W6, r1, 47, g.gre_header(proto=0, key=5), hlim=255), key=5)
    seen = {}

    def during(sock):
        def state():
            return {t["ifname"]: (t["operstate"], t.get("liveness", {}))
                    for t in ctl_json(sock, "tunnel", "show")}
        wait_for(lambda: state()["ka2"][1].get("state") == "down", 10, "ka2 marked down")
        seen["state"] = state()
        seen["routes"] = {r["dst"]: r.get("flags", []) for r in ctl_json(sock, "route", "show")}

    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=[answer, theirs], during=during)
    check_ok(res)
    sent, routed = {}, []
    for f in res.wan_out:
        p = Ether(f)
        if IPv6 not in p or GRE not in p:
            continue  # neighbour discovery
        if p[GRE].proto == 0:
            routed.append((p[IPv6].src, p[IPv6].dst, p[IPv6].hlim, p[GRE].key))
            continue
        assert p[IPv6].src == W6 and p[GRE].proto == ETH_IP6, p.summary()
        inner = IPv6(bytes(p[GRE].payload))
        assert (inner.src, inner.dst, inner.nh, inner.hlim) == (p[IPv6].dst, W6, 47, 255)
        ka = GRE(bytes(inner.payload))
        assert ka.proto == 0
        assert (p[GRE].key, ka.key) == ((5, 5) if p[IPv6].dst == r1 else (None, None))
        sent[p[IPv6].dst] = sent.get(p[IPv6].dst, 0) + 1
    assert set(sent) == {r1, r2} and min(sent.values()) >= 3, sent
    assert routed == [(W6, r1, 254, 5)], routed
    st = seen["state"]
    assert st["ka1"][1].get("state") == "up" and st["ka1"][1].get("answered") == 1, st
    assert st["ka2"][1].get("state") == "down" and st["ka2"][0] == "DOWN", st
    assert seen["routes"]["2001:db8:c1::/48"] == []
    assert seen["routes"]["2001:db8:c2::/48"] == ["linkdown"], seen["routes"]
