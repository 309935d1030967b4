# SPDX-License-Identifier: BSD-3-Clause
"""ICMP errors greway sends on net_pcap: every field of every message, and when it stays silent.

Fragmentation needed (type 3 code 4, RFC 792 and RFC 1191) for a packet with
DF set that is larger than the tunnel MTU or the egress port's MTU, and Time
Exceeded (type 11 code 0) for a packet whose TTL runs out here, each sent to
the packet's source from the gateway's address on the side the packet came
in (the tunnel's address if it has one, else the port's), quoting the packet
as received: its header and as much of the rest as fits in 576 bytes (RFC
1812 §4.3.2.3). Never about ICMP errors, non-first fragments, multicast or
broadcast destinations, or sources that do not name one host (RFC 1812
§4.3.2.7); at most the rate limit's burst at once, the rest counted as
icmp_ratelimit.

Every message is decoded twice: bytes by hand (RFC 791, 792, 1071) and scapy.
"""
import struct
import uuid

import pytest
from scapy.all import ICMP, IP, UDP, IPerror

import gwpcap as g

REMOTE = "203.0.113.2"       # x_plain: no address of its own
REMOTE_ADDR = "203.0.113.7"  # x_addr: 172.16.20.1/30 on the tunnel
TUN_ADDR = "172.16.20.1"
LAN_MTU = 1500               # the LAN port's (net_pcap refuses another MTU)
TUN_MTU = 1500 - 24          # x_plain's (derived from the WAN port's 1500)
PLAIN = "203.0.113.50"       # routed in plain IPv4 via the WAN next hop (MTU 1500)
BURST = 50                   # the rate limit's burst (per worker and gateway-wide)

CONFIG = g.BASE_CONFIG + [
    f"tunnel add x_plain mode gre local {g.WAN_IP} remote {REMOTE}",
    f"tunnel add x_addr mode gre local {g.WAN_IP} remote {REMOTE_ADDR} key 7",
    f"addr add {TUN_ADDR}/30 dev x_addr",
    "route add 10.16.0.0/24 dev x_plain",
    "route add 10.18.0.0/24 dev x_addr",
    # multicast and the limited broadcast have a route, so only the ICMP rules stop them
    "route add 224.0.0.0/4 dev x_plain",
    "route add 255.255.255.255/32 dev x_plain",
]

DF = "DF"


def udp(src, dst, ident, size, ttl=64, flags=DF, frag=0, **kw):
    """An IPv4/UDP packet of exactly size bytes."""
    p = IP(src=src, dst=dst, ttl=ttl, id=ident, flags=flags, frag=frag, **kw)
    return bytes(p / UDP(sport=4000 + ident % 1000, dport=9) / (b"p" * (size - 28)))


def icmp_error_pkt(src, dst, ident, size):
    """An ICMP destination unreachable (itself an error) of size bytes, DF set."""
    quoted = bytes(IP(src=dst, dst=src, id=1) / UDP(sport=9, dport=4000))
    p = IP(src=src, dst=dst, id=ident, flags=DF) / ICMP(type=3, code=1) / quoted
    return bytes(p / (b"q" * (size - len(p))))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def check_icmp(ip_bytes, src, dst, typ, code, orig, mtu=None):
    """One ICMP error, at L3, checked byte by byte and then with scapy."""
    quote = orig[:576 - 28]
    assert len(ip_bytes) == 28 + len(quote) <= 576
    assert ip_bytes[0] == 0x45, "version 4, no options"
    assert struct.unpack("!H", ip_bytes[2:4])[0] == len(ip_bytes), "total length"
    assert struct.unpack("!H", ip_bytes[6:8])[0] & 0xBFFF == 0, "fragment offset / MF"
    assert ip_bytes[8] == 64, "TTL 64"
    assert ip_bytes[9] == 1, "protocol ICMP"
    assert g.csum16(ip_bytes[:20]) == 0xFFFF, "IPv4 header checksum"
    assert ip_bytes[12:16] == ip4(src) and ip_bytes[16:20] == ip4(dst), "addresses"
    icmp = ip_bytes[20:]
    assert (icmp[0], icmp[1]) == (typ, code)
    assert g.csum16(icmp) == 0xFFFF, "ICMP checksum"
    rest = struct.unpack("!HH", icmp[4:8])
    assert rest == (0, mtu if mtu is not None else 0), "unused / next-hop MTU (RFC 1191)"
    assert icmp[8:] == quote, "quote: the packet as received (header first), up to 576 bytes"
    # the same through scapy's dissectors
    p = IP(ip_bytes)
    assert (p.src, p.dst, p.ttl, p.proto, p[ICMP].type, p[ICMP].code) == (src, dst, 64, 1,
                                                                           typ, code)
    if mtu is not None:
        assert p[ICMP].nexthopmtu == mtu
    assert p[IPerror].src == IP(orig).src and p[IPerror].id == IP(orig).id
    assert p[IPerror].ttl == IP(orig).ttl, "the quoted TTL is the one received"
    assert p[IPerror].chksum == IP(orig).chksum


def icmp_errors_in(frames, encapsulated):
    """(ip bytes) of the ICMP errors among frames; GRE frames are opened when encapsulated."""
    out = []
    for f in frames:
        if f[12:14] != b"\x08\x00":
            continue
        ip = f[14:]
        if encapsulated:
            if ip[9] != 47:
                continue
            ihl = (ip[0] & 15) * 4
            flags = struct.unpack("!H", ip[ihl:ihl + 2])[0]
            ip = ip[ihl + 4 + 4 * bin(flags & 0xB000).count("1"):]
        ihl = (ip[0] & 15) * 4
        if ip[9] == 1 and ip[ihl] in (3, 4, 5, 11, 12):
            out.append(ip)
    return out


class Cases:
    def __init__(self):
        self.wan, self.lan = [], []
        self.ident = 100

    def _id(self):
        self.ident += 1
        return self.ident

    def from_lan(self, pkt):
        self.lan.append(g.lan_frame(pkt))
        return pkt

    def from_tunnel(self, remote, pkt, **gre):
        self.wan.append(g.wan_gre(remote, pkt, **gre))
        return pkt


def build():
    c = Cases()
    h, i = g.LAN_HOST, c._id
    k = {}
    # answered, to the LAN host from the LAN address
    k["tunnel_too_big"] = c.from_lan(udp(h, "10.16.0.2", i(), TUN_MTU + 1))
    k["tunnel_fits"] = c.from_lan(udp(h, "10.16.0.2", i(), TUN_MTU))
    k["plain_too_big"] = c.from_lan(udp(h, PLAIN, i(), 1501))
    k["ttl1"] = c.from_lan(udp(h, "10.16.0.3", i(), 60, ttl=1))
    k["ttl0"] = c.from_lan(udp(h, PLAIN, i(), 60, ttl=0))
    k["too_big_options"] = c.from_lan(
        bytes(IP(src=h, dst="10.16.0.2", id=i(), flags=DF, options=b"\x94\x04\x00\x00")
              / UDP(sport=1, dport=9) / (b"o" * 1500)))
    # silent: not DF (fragmented instead), ICMP errors, non-first fragments, multicast,
    # broadcast, bad sources
    k["no_df"] = c.from_lan(udp(h, "10.16.0.2", i(), TUN_MTU + 1, flags=0))
    k["icmp_error"] = c.from_lan(icmp_error_pkt(h, "10.16.0.2", i(), TUN_MTU + 1))
    k["icmp_error_ttl"] = c.from_lan(
        bytes(IP(src=h, dst="10.16.0.2", id=i(), ttl=1) / ICMP(type=11) / (b"x" * 28)))
    k["fragment"] = c.from_lan(udp(h, "10.16.0.2", i(), TUN_MTU + 1, flags=0, frag=185))
    k["fragment_ttl"] = c.from_lan(udp(h, "10.16.0.2", i(), 60, ttl=1, flags="MF", frag=10))
    k["multicast"] = c.from_lan(udp(h, "224.1.2.3", i(), TUN_MTU + 1))
    k["multicast_ttl"] = c.from_lan(udp(h, "239.0.0.1", i(), 60, ttl=1))
    k["broadcast"] = c.from_lan(udp(h, "255.255.255.255", i(), TUN_MTU + 1))
    # martian sources (RFC 1812 §5.3.7): dropped before their TTL is looked at
    k["src_zero"] = c.from_lan(udp("0.0.0.0", "10.16.0.2", i(), 60, ttl=1))
    k["src_multicast"] = c.from_lan(udp("224.0.0.9", "10.16.0.2", i(), 60, ttl=1))
    k["src_lan_bcast"] = c.from_lan(udp("10.0.0.255", "10.16.0.2", i(), 60, ttl=1))
    # decapsulated: answered into the tunnel they came from
    k["decap_too_big"] = c.from_tunnel(REMOTE, udp("10.16.0.2", h, i(), LAN_MTU + 1))
    k["decap_ttl1"] = c.from_tunnel(REMOTE, udp("10.16.0.2", h, i(), 80, ttl=1))
    k["decap_addr_ttl1"] = c.from_tunnel(REMOTE_ADDR, udp("10.18.0.2", h, i(), 80, ttl=1),
                                         key=7)
    return c, k


@pytest.fixture(scope="module")
def run(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("icmp")
    work.chmod(0o755)
    c, k = build()
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], CONFIG, wan_in=c.wan, lan_in=c.lan,
                     settle=0.5)
    assert res.rc == 0, res.stderr
    return res, k


def test_icmp_lan_messages(run):
    """Exactly the four LAN-side cases get an ICMP error, in order, each field right."""
    res, k = run
    errs = icmp_errors_in(res.lan_out, False)
    want = [("tunnel_too_big", 3, 4, TUN_MTU), ("plain_too_big", 3, 4, 1500),
            ("ttl1", 11, 0, None), ("ttl0", 11, 0, None), ("too_big_options", 3, 4, TUN_MTU)]
    assert len(errs) == len(want), [IP(e).summary() for e in errs]
    for e, (name, typ, code, mtu) in zip(errs, want):
        check_icmp(e, g.LAN_IP, g.LAN_HOST, typ, code, k[name], mtu)
    frames = [f for f in res.lan_out if f[12:14] == b"\x08\x00" and f[23] == 1]
    for f in frames:
        assert f[:12] == g.mac_bytes(g.LAN_HOST_MAC) + g.mac_bytes(g.LAN_MAC)


def test_icmp_quote_is_576_bytes_at_most(run):
    """A 1477-byte packet is quoted for 548 bytes: the message is exactly 576 bytes."""
    res, _ = run
    errs = icmp_errors_in(res.lan_out, False)
    assert len(errs[0]) == 576 and len(errs[2]) == 28 + 60


def test_icmp_into_tunnel(run):
    """Decapsulated packets are answered into their tunnel: from the tunnel's address when it
    has one, else from the address of the port they came in on."""
    res, k = run
    errs = icmp_errors_in(res.wan_out, True)
    assert len(errs) == 3, [IP(e).summary() for e in errs]
    check_icmp(errs[0], g.WAN_IP, "10.16.0.2", 3, 4, k["decap_too_big"], LAN_MTU)
    check_icmp(errs[1], g.WAN_IP, "10.16.0.2", 11, 0, k["decap_ttl1"])
    check_icmp(errs[2], TUN_ADDR, "10.18.0.2", 11, 0, k["decap_addr_ttl1"])
    remotes = [".".join(map(str, f[30:34])) for f in res.wan_out
               if icmp_errors_in([f], True)]
    assert remotes == [REMOTE, REMOTE, REMOTE_ADDR]


def test_icmp_counters(run):
    """Every packet not forwarded is counted under its reason, answered or not; the packet
    that fits goes out; the two with DF clear go out fragmented (test_pcap_frag.py);
    nothing was rate-limited."""
    res, _ = run
    res.assert_drops({"too_big": 7, "ttl_expired": 8, "martian_src": 2})
    # the packet that fits, 2 + 2 fragments of the DF-clear ones, 2 errors
    assert res.tunnels["x_plain"]["tx_packets"] == 1 + 4 + 2
    assert res.tunnels["x_addr"]["tx_packets"] == 1


def test_icmp_rate_limit(greway_bin, workdir, run_id):
    """A burst of 200 too-big DF packets: at most the bucket's burst of ICMP errors (plus what
    refills while they arrive), the rest counted as icmp_ratelimit; all 200 as too_big."""
    n = 200
    lan = [g.lan_frame(udp(g.LAN_HOST, "10.16.0.2", 1000 + j, TUN_MTU + 1)) for j in range(n)]
    res = g.run_pcap(greway_bin, workdir, run_id, CONFIG, lan_in=lan, settle=0.5)
    assert res.rc == 0, res.stderr
    errs = icmp_errors_in(res.lan_out, False)
    assert BURST <= len(errs) <= BURST + 5, len(errs)
    for e in errs:
        assert IP(e)[ICMP].type == 3 and IP(e)[ICMP].nexthopmtu == TUN_MTU
    res.assert_drops({"too_big": n, "icmp_ratelimit": n - len(errs)})
