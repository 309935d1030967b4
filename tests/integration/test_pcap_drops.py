# SPDX-License-Identifier: BSD-3-Clause
"""Every drop reason the dataplane can hit on net_pcap: crafted packets, exact counters.

One greway run receives, on both ports, crafted bad frames for each reason of
lib/gw_drop.def, each followed by a good frame. The test asserts that each
reason's counter rose by exactly the number of its crafted frames, that no
other counter moved, and that every good frame was forwarded, in order: a bad
packet costs only itself.

Reasons not triggered here, and why:
  none        placeholder, never counted.
  no_headroom encap prepends at most 14 + 20 + 16 bytes; every mbuf net_pcap
              fills has RTE_PKTMBUF_HEADROOM (128) in front: cannot happen.
  punt_full   the punt ring holds 1024 packets and the control thread drains
              it continuously; filling it depends on scheduling, not on the
              input, so no deterministic test exists with one pcap.
  tx_full     net_pcap's tx writes to a file and never refuses a packet.
  icmp_ratelimit  needs a burst of ICMP errors: test_pcap_icmp.py has it.
  punt_limit, punt_source_limit  need floods beyond the punt rates:
              test_hostile.py has them.
  flood_nombuf  needs the indirect mbuf pool empty while a frame is flooded:
              it depends on what the pool lends elsewhere, not on the input.
The bridge's reasons are hit on br_x, a bridge of two gretap tunnels, one
with an MTU (68) that no frame here fits: nothing is forwarded through it.
test_pcap_gretap.py counts them per bridge too, with port members.
The ttl_expired packets here earn ICMP Time Exceeded messages (checked in
test_pcap_icmp.py); they are left out of the forwarded-traffic checks.
port_down and tunnel_down have their own runs below (the link must be down
for the whole run).
"""
import struct
import uuid

import pytest
from scapy.all import ARP, ICMP, IP, TCP, UDP, Ether, ICMPv6ND_NS, ICMPv6ND_RS, IPv6

import gwpcap as g

REMOTE = "203.0.113.2"        # x_plain: keyless
REMOTE_KEY = "203.0.113.3"    # x_key: key 5 only
REMOTE_ICSUM = "203.0.113.4"  # x_icsum
REMOTE_ISEQ = "203.0.113.5"   # x_iseq
REMOTE_SMALL = "203.0.113.6"  # x_small: mtu 200
REMOTE_TAP1 = "203.0.113.9"   # x_tap1: gretap, in br_x
REMOTE_TAP2 = "203.0.113.10"  # x_tap2: gretap, in br_x, mtu 68
REMOTE_TAP3 = "203.0.113.11"  # x_tap3: gretap, in no bridge
STATIC_MAC = "02:00:00:00:5a:01"  # br_x: behind x_tap1
SPOKE = "203.0.113.20"        # x_hub's one mapped spoke: 172.20.0.2, 10.20.0.0/24 behind it
WAN6 = "2001:db8:ff::1"       # port0's IPv6 address: IPv6's own reasons
CONFIG = g.BASE_CONFIG + [
    f"tunnel add x_plain mode gre local {g.WAN_IP} remote {REMOTE}",
    f"tunnel add x_key mode gre local {g.WAN_IP} remote {REMOTE_KEY} key 5",
    f"tunnel add x_icsum mode gre local {g.WAN_IP} remote {REMOTE_ICSUM} icsum",
    f"tunnel add x_iseq mode gre local {g.WAN_IP} remote {REMOTE_ISEQ} iseq",
    f"tunnel add x_small mode gre local {g.WAN_IP} remote {REMOTE_SMALL} mtu 200",
    "route add 10.16.0.0/24 dev x_plain",
    "route add 10.17.0.0/24 dev x_small",
    "link add br_x type bridge fdb_max_learned 1",
    f"tunnel add x_tap1 mode gretap local {g.WAN_IP} remote {REMOTE_TAP1}",
    f"tunnel add x_tap2 mode gretap local {g.WAN_IP} remote {REMOTE_TAP2} mtu 68",
    f"tunnel add x_tap3 mode gretap local {g.WAN_IP} remote {REMOTE_TAP3}",
    "link set x_tap1 master br_x",
    "link set x_tap2 master br_x",
    f"bridge fdb add {STATIC_MAC} dev x_tap1 master static",
    # on an address of its own: a hub on one takes every source there, so a wrong key
    # to that address is a key mismatch, no longer no_tunnel
    "addr add 172.30.0.1/24 dev port1",
    "tunnel add x_hub mode gre local 172.30.0.1 remote any key 77",
    "addr add 172.20.0.1/24 dev x_hub",
    f"neigh add 172.20.0.2 lladdr {SPOKE} dev x_hub",
    "route add 10.20.0.0/24 via 172.20.0.2 dev x_hub",
    f"addr add {WAN6}/64 dev port0",
]


def to_lan(ident, dst=g.LAN_HOST, ttl=64, size=None, **kw):
    """An inner packet from a remote site to the LAN."""
    p = IP(src="10.16.0.2", dst=dst, ttl=ttl, id=ident, **kw)
    return bytes(p / UDP(sport=ident, dport=7) / (b"d" * (size if size is not None else 11)))


def from_lan(ident, dst="10.16.0.2", ttl=64, size=None, **kw):
    """A packet from the LAN host to a remote site."""
    p = IP(src=g.LAN_HOST, dst=dst, ttl=ttl, id=ident, **kw)
    if size is not None:
        return bytes(p / UDP(sport=ident, dport=7) / (b"u" * (size - 28)))
    return bytes(p / ICMP(id=ident, seq=1) / b"hello")


class Bench:
    """Bad frames with their reason, each followed by a good frame on the same port."""

    def __init__(self):
        self.wan, self.lan = [], []
        self.expect = {}
        self.good_to_lan, self.good_to_wan = [], []  # inner packets that must come out
        self.ident = 1000

    def _id(self):
        self.ident += 1
        return self.ident

    def good(self, port):
        if port == 0:
            pkt = to_lan(self._id())
            self.wan.append(g.wan_gre(REMOTE, pkt))
            self.good_to_lan.append(pkt)
        else:
            pkt = from_lan(self._id())
            self.lan.append(g.lan_frame(pkt))
            self.good_to_wan.append(pkt)

    def bad(self, port, reason, frame):
        (self.wan if port == 0 else self.lan).append(bytes(frame))
        self.expect[reason] = self.expect.get(reason, 0) + 1
        self.good(port)

    def ok(self, port, frame, inner, to_lan=True):
        """A frame that must be forwarded although it looks unusual."""
        (self.wan if port == 0 else self.lan).append(bytes(frame))
        (self.good_to_lan if to_lan else self.good_to_wan).append(inner)


def build():
    b = Bench()
    b.good(0)
    b.good(1)
    wan_frame = lambda ip: g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800, ip)  # noqa: E731
    gre_ip = lambda gre, **kw: g.ipv4(REMOTE, g.WAN_IP, 47, gre, **kw)  # noqa: E731
    inner = to_lan(1)

    # eth_short: frames shorter than an Ethernet header (net_pcap delivers them)
    for n in (0, 5, 13):
        b.bad(0, "eth_short", b"\x02" * n)
    b.bad(1, "eth_short", g.mac_bytes(g.LAN_MAC) + b"\x00" * 7)

    # l2_other_host: unicast IPv4 to a MAC that is not ours
    b.bad(0, "l2_other_host", g.eth(g.OTHER_MAC, g.WAN_NH_MAC, 0x0800,
                                    g.ipv4(REMOTE, g.WAN_IP, 47, g.gre_header(payload=inner))))
    b.bad(1, "l2_other_host", g.lan_frame(from_lan(2), dst_mac=g.OTHER_MAC))

    # ethertype: a local experimental one, LLDP, an 802.1Q tag
    b.bad(1, "ethertype", g.eth(g.LAN_MAC, g.LAN_HOST_MAC, 0x88B5, b"x" * 46))
    lldp = b"\x02\x07" + b"\0" * 40
    b.bad(0, "ethertype", g.eth("01:80:c2:00:00:0e", g.WAN_NH_MAC, 0x88CC, lldp))
    b.bad(1, "ethertype", g.eth(g.LAN_MAC, g.LAN_HOST_MAC, 0x8100,
                                struct.pack("!HH", 10, 0x0800) + from_lan(3)))

    # IPv6's: a payload length beyond the frame; to us behind a hop-by-hop or a routing
    # header; destination options leading to something other than GRE
    v6 = lambda nh, payload: bytes(Ether(dst=g.WAN_MAC, src=g.WAN_NH_MAC) /  # noqa: E731
                                   IPv6(src="2001:db8:ff::2", dst=WAN6, nh=nh) / payload)
    short = bytearray(v6(59, b""))
    short[18:20] = struct.pack("!H", 100)
    b.bad(0, "ip6_payload_len", bytes(short))
    b.bad(0, "ip6_ext_header", v6(0, bytes([47, 0, 1, 4, 0, 0, 0, 0]) + g.gre_header()))
    b.bad(0, "ip6_ext_header", v6(43, bytes([47, 0, 0, 0, 0, 0, 0, 0]) + g.gre_header()))
    b.bad(0, "ip6_ext_header", v6(60, bytes([47, 0, 0x80, 1, 0, 0, 0, 0]) + g.gre_header()))
    b.bad(0, "ip6_next_header", v6(60, bytes([17, 0, 1, 4, 0, 0, 0, 0]) + b"u" * 8))
    # nd_invalid: a neighbour solicitation for us with a hop limit other than 255 (RFC 4861
    # §7.1.1: it came from beyond the link); nd_other: a router solicitation (greway sends
    # no advertisements)
    b.bad(0, "nd_invalid", Ether(dst=g.WAN_MAC, src=g.WAN_NH_MAC) /
          IPv6(src="2001:db8:ff::2", dst=WAN6, hlim=64) / ICMPv6ND_NS(tgt=WAN6))
    b.bad(0, "nd_other", Ether(dst="33:33:00:00:00:02", src=g.WAN_NH_MAC) /
          IPv6(src="fe80::2", dst="ff02::2", hlim=255) / ICMPv6ND_RS())
    # an IPv6 version nibble that is not 6
    bad_version = bytearray(v6(59, b""))
    bad_version[14] = 0x40
    b.bad(0, "ip_header", bytes(bad_version))

    # ip_header: version, IHL, total length
    b.bad(1, "ip_header", g.lan_frame(g.ipv4(g.LAN_HOST, "10.16.0.2", 1, b"\0" * 20, ihl=4)))
    b.bad(1, "ip_header", g.lan_frame(g.ipv4(g.LAN_HOST, "10.16.0.2", 1, b"\0" * 20, tlen=200)))
    b.bad(1, "ip_header", g.lan_frame(g.ipv4(g.LAN_HOST, "10.16.0.2", 1, b"\0" * 20, tlen=12)))
    b.bad(1, "ip_header", g.lan_frame(b"\x65" + g.ipv4(g.LAN_HOST, "10.16.0.2", 1, b"\0" * 8)[1:]))
    b.bad(1, "ip_header", g.lan_frame(g.ipv4(g.LAN_HOST, "10.16.0.2", 1, b"")[:10]))
    b.bad(0, "ip_header", wan_frame(gre_ip(g.gre_header(), ihl=15)))  # 60-byte header, 24 sent
    b.bad(0, "ip_header", wan_frame(gre_ip(g.gre_header(payload=inner),
                                           tlen=20 + 4 + len(inner) + 1)))

    # ip_csum: outer GRE and a LAN packet
    b.bad(0, "ip_csum", wan_frame(gre_ip(g.gre_header(payload=inner), bad_csum=True)))
    b.bad(1, "ip_csum", g.lan_frame(g.ipv4(g.LAN_HOST, "10.16.0.2", 17, b"\0" * 12,
                                           bad_csum=True)))

    # ip_fragment: GRE to us in an outer fragment (MF, or a non-zero offset) whose other
    # fragments never come: given up after the reassembly timeout (1 s)
    b.bad(0, "ip_fragment", g.wan_gre(REMOTE, inner, flags_frag=0x2000))
    b.bad(0, "ip_fragment", g.wan_gre(REMOTE, inner, flags_frag=0x0010))

    # gre_short: the header (with its options) is longer than what follows the IP header
    b.bad(0, "gre_short", wan_frame(gre_ip(b"\x00\x00")))
    b.bad(0, "gre_short", wan_frame(gre_ip(struct.pack("!HH", 0xB000, 0x0800) + b"\0" * 6)))

    # gre_version: version 1 (PPTP's enhanced GRE) and 7
    b.bad(0, "gre_version", g.wan_gre(REMOTE, inner, force_flags=0x2001, key=0))
    b.bad(0, "gre_version", g.wan_gre(REMOTE, inner, force_flags=0x0007))

    # gre_flags: routing (R), strict source route (s), first recursion-control bit
    for bit in (0x4000, 0x0800, 0x0400):
        b.bad(0, "gre_flags", g.wan_gre(REMOTE, inner, force_flags=bit))

    # gre_proto: an IPv4 packet carried to a gretap tunnel, Ethernet (GRETAP) to a gre one
    b.bad(0, "gre_proto", g.wan_gre(REMOTE_TAP3, inner, proto=0x0800))
    b.bad(0, "gre_proto", g.wan_gre(REMOTE, bytes(Ether(dst=g.LAN_HOST_MAC) / IP(inner)),
                                    proto=0x6558))

    # the bridge's: frames from x_tap1 into br_x (one MAC learned at most), x_tap3 in none
    def tap(remote, dst, src, n=30, ethertype=0x88B5, payload=None):
        frame = g.eth(dst, src, ethertype, payload if payload is not None else b"t" * n)
        return g.wan_gretap(remote, frame, key=None)

    m1, m2 = "02:00:00:00:5a:11", "02:00:00:00:5a:12"
    b.bad(0, "no_bridge", tap(REMOTE_TAP3, m1, m2))
    b.bad(0, "l2_src_invalid", tap(REMOTE_TAP1, m2, "01:00:5e:00:00:01"))
    b.bad(0, "l2_src_invalid", tap(REMOTE_TAP1, m2, "00:00:00:00:00:00"))
    b.bad(0, "l2_link_local", tap(REMOTE_TAP1, "01:80:c2:00:00:0e", m1, ethertype=0x88CC,
                                  payload=g.LLDP))
    b.bad(0, "eth_short", g.wan_gretap(REMOTE_TAP1, bytes(13), key=None))  # a 13-byte frame
    # m1 is learned, its broadcast flooded into x_tap2, where 114 bytes do not fit in 68 + 14
    b.bad(0, "frame_too_big", tap(REMOTE_TAP1, "ff:ff:ff:ff:ff:ff", m1, n=100))
    b.bad(0, "fdb_full", tap(REMOTE_TAP1, "ff:ff:ff:ff:ff:ff", m2))
    b.bad(0, "l2_same_member", tap(REMOTE_TAP1, STATIC_MAC, m1))

    # gre_csum: a wrong checksum, on a tunnel with and without icsum
    b.bad(0, "gre_csum", g.wan_gre(REMOTE, inner, csum=True, bad_csum=True))
    b.bad(0, "gre_csum", g.wan_gre(REMOTE_ICSUM, inner, csum=True, bad_csum=True))

    # gre_csum_missing / gre_seq_missing
    b.bad(0, "gre_csum_missing", g.wan_gre(REMOTE_ICSUM, inner))
    b.bad(0, "gre_seq_missing", g.wan_gre(REMOTE_ISEQ, inner))

    # gre_seq_old: 0 accepted, then 0 again
    pkt = to_lan(b._id())
    b.ok(0, g.wan_gre(REMOTE_ISEQ, pkt, seq=0), pkt)
    b.bad(0, "gre_seq_old", g.wan_gre(REMOTE_ISEQ, inner, seq=0))

    # no_tunnel: unknown remote; a known remote to another of our addresses
    b.bad(0, "no_tunnel", g.wan_gre("203.0.113.99", inner))
    b.bad(0, "no_tunnel", g.wan_gre(REMOTE, inner, local=g.LAN_IP))

    # key_mismatch: the addresses of a tunnel, but not its key
    b.bad(0, "key_mismatch", g.wan_gre(REMOTE_KEY, inner, key=6))
    b.bad(0, "key_mismatch", g.wan_gre(REMOTE_KEY, inner))
    b.bad(0, "key_mismatch", g.wan_gre(REMOTE, inner, key=5))

    # inner_header: what the GRE packet carries is no valid IPv4 packet
    b.bad(0, "inner_header", g.wan_gre(REMOTE, b"\x45\x00\x00\x0a" + b"\0" * 6))
    b.bad(0, "inner_header", g.wan_gre(REMOTE, bytes(IPv6(dst="2001:db8::3"))))
    b.bad(0, "inner_header", g.wan_gre(REMOTE, b"\x43" + inner[1:]))
    b.bad(0, "inner_header", g.wan_gre(REMOTE, inner[:2] + struct.pack("!H", 1000) + inner[4:]))

    # ecn_not_ect: congestion marked outside, but the inner packet cannot carry it
    b.bad(0, "ecn_not_ect", g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800,
                                  g.ipv4(REMOTE, g.WAN_IP, 47,
                                         g.gre_header(payload=to_lan(b._id())), tos=0x03)))

    # ttl_expired: after decap and on the way into a tunnel
    b.bad(0, "ttl_expired", g.wan_gre(REMOTE, to_lan(b._id(), ttl=1)))
    b.bad(0, "ttl_expired", g.wan_gre(REMOTE, to_lan(b._id(), ttl=0)))
    b.bad(1, "ttl_expired", g.lan_frame(from_lan(b._id(), ttl=1)))
    b.bad(1, "ttl_expired", g.lan_frame(from_lan(b._id(), ttl=0)))

    # no_route: no default route
    b.bad(0, "no_route", g.wan_gre(REMOTE, to_lan(b._id(), dst="192.0.2.55")))
    b.bad(1, "no_route", g.lan_frame(from_lan(b._id(), dst="172.31.0.1")))

    # neigh_unresolved: a connected LAN address nobody answered for yet (greway ARPs)
    b.bad(0, "neigh_unresolved", g.wan_gre(REMOTE, to_lan(b._id(), dst="10.0.0.77")))
    # directed_bcast: out of the tunnel to the LAN's broadcast and network addresses
    # (never ARPed for: test_drops_unresolved_neighbour_is_arped sees only 10.0.0.77)
    b.bad(0, "directed_bcast", g.wan_gre(REMOTE, to_lan(b._id(), dst="10.0.0.255")))
    b.bad(0, "directed_bcast", g.wan_gre(REMOTE, to_lan(b._id(), dst="10.0.0.0")))

    # martian_src (RFC 1812 §5.3.7): out of the tunnel from this network, loopback, a
    # group, class E, the limited broadcast and our own addresses; from the LAN too
    for src in ("0.0.0.5", "127.0.0.1", "224.0.0.5", "240.0.0.1", "255.255.255.255",
                g.LAN_IP, g.WAN_IP):
        pkt = IP(src=src, dst=g.LAN_HOST, id=b._id()) / UDP(sport=1, dport=7) / b"m"
        b.bad(0, "martian_src", g.wan_gre(REMOTE, bytes(pkt)))
    b.bad(1, "martian_src", g.lan_frame(bytes(IP(src="127.0.0.1", dst="10.16.0.2")
                                              / UDP(sport=1, dport=7))))
    # and IPv6's: loopback, IPv4-mapped, link-local, our own, on the way to the WAN's /64
    for src in ("::1", "::ffff:10.0.0.2", "fe80::2", WAN6):
        b.bad(0, "martian_src", Ether(dst=g.WAN_MAC, src=g.WAN_NH_MAC) /
              IPv6(src=src, dst="2001:db8:ff::77") / UDP(sport=1, dport=7))

    # local_proto: for the gateway but not served
    b.bad(1, "local_proto", g.lan_frame(bytes(IP(src=g.LAN_HOST, dst=g.LAN_IP)
                                              / UDP(sport=5, dport=5) / b"x")))
    b.bad(0, "local_proto", wan_frame(bytes(IP(src=REMOTE, dst=g.WAN_IP)
                                            / TCP(sport=5, dport=22, flags="S"))))
    b.bad(1, "local_proto", g.lan_frame(bytes(IP(src=g.LAN_HOST, dst=g.LAN_IP)
                                              / ICMP(type=13))))
    b.bad(1, "local_proto", g.lan_frame(bytes(IP(src=g.LAN_HOST, dst="10.0.0.255")
                                              / UDP(sport=137, dport=137)),
                                        dst_mac="ff:ff:ff:ff:ff:ff"))
    b.bad(1, "local_proto", Ether(dst="ff:ff:ff:ff:ff:ff", src=g.LAN_HOST_MAC)
          / ARP(hwlen=8, psrc=g.LAN_HOST, pdst=g.LAN_IP))

    # arp_other: a request for another host on the LAN, and a reply nothing waited for
    # (an unsolicited reply must not plant a neighbour entry)
    b.bad(1, "arp_other", Ether(dst="ff:ff:ff:ff:ff:ff", src=g.LAN_HOST_MAC)
          / ARP(op=1, hwsrc=g.LAN_HOST_MAC, psrc=g.LAN_HOST, pdst="10.0.0.99"))
    b.bad(1, "arp_other", Ether(dst=g.LAN_MAC, src="02:00:00:00:0a:58")
          / ARP(op=2, hwsrc="02:00:00:00:0a:58", psrc="10.0.0.88", hwdst=g.LAN_MAC,
                pdst=g.LAN_IP))

    # too_big (DF set; DF clear is fragmented, test_pcap_frag): into a tunnel of mtu 200
    # (200 passes), and out of the LAN port (MTU 1500)
    pkt = from_lan(b._id(), dst="10.17.0.1", size=200, flags="DF")
    b.ok(1, g.lan_frame(pkt), pkt, to_lan=False)
    b.bad(1, "too_big", g.lan_frame(from_lan(b._id(), dst="10.17.0.1", size=201, flags="DF")))
    # the default tunnel MTU: port MTU 1500 - 20 - 4 (1476 passes, see test_pcap_encap)
    b.bad(1, "too_big", g.lan_frame(from_lan(b._id(), size=1477, flags="DF")))
    b.bad(0, "too_big", g.wan_gre(REMOTE, to_lan(b._id(), size=1501 - 28, flags="DF")))

    # spoke_unmapped: to an overlay address of the hub that no mapping places
    b.bad(1, "spoke_unmapped", g.lan_frame(from_lan(b._id(), dst="172.20.0.9")))
    # peer_hairpin: from the spoke to its own prefix, never sent back to it
    b.bad(0, "peer_hairpin", g.wan_gre(SPOKE, to_lan(b._id(), dst="10.20.0.5"), key=77,
                                       local="172.30.0.1"))

    # unusual but valid: outer IP options, outer Ethernet padding
    pkt = to_lan(b._id())
    b.ok(0, wan_frame(g.ipv4(REMOTE, g.WAN_IP, 47, g.gre_header(payload=pkt, csum=True),
                             options=b"\x01\x01\x01\x00")), pkt)
    pkt = to_lan(b._id())
    b.ok(0, g.wan_gre(REMOTE, pkt) + b"\0" * 20, pkt)
    return b


def is_icmp_error(ip):
    """An ICMP error greway originated (all its ICMP here are 20-byte-header packets)."""
    return ip[9] == 1 and ip[20] in (3, 11) and ip[0] == 0x45


@pytest.fixture(scope="module")
def drops(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("drops")
    work.chmod(0o755)
    b = build()
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], CONFIG, wan_in=b.wan, lan_in=b.lan,
                     settle=1.5)  # outlive the reassembly timeout
    assert res.rc == 0, res.stderr
    return res, b


def test_drops_every_reason_counted_exactly(drops):
    """Each crafted packet raises its own reason's counter by one; no other counter moves."""
    res, b = drops
    # learn_full depends on when the control thread learns: test_pcap_hub orders it
    assert set(b.expect) == set(g.drop_reasons()) - {"port_down", "tunnel_down", "no_headroom",
                                                     "punt_full", "tx_full", "icmp_ratelimit",
                                                     "flood_nombuf", "replicate_nombuf",
                                                     "learn_full", "punt_limit",
                                                     "punt_source_limit"}
    res.assert_drops(b.expect)


def test_drops_good_traffic_still_forwarded(drops):
    """Good packets interleaved with the bad ones all come out, in order, and nothing else
    (but the ARP requests for the unresolved neighbour)."""
    res, b = drops
    ip_out = [f for f in res.lan_out if f[12:14] == b"\x08\x00" and not is_icmp_error(f[14:])]
    assert [IP(f[14:]).id for f in ip_out] == [IP(p).id for p in b.good_to_lan]
    for f, p in zip(ip_out, b.good_to_lan):
        assert f[:14] == g.eth(g.LAN_HOST_MAC, g.LAN_MAC, 0x0800, b"")
        g.assert_forwarded(f[14:14 + len(p)], p)
    wan_out = [f for f in res.wan_out if not is_icmp_error(f[38:])]
    assert [IP(f[38:]).id for f in wan_out] == [IP(p).id for p in b.good_to_wan]
    for f, p in zip(wan_out, b.good_to_wan):
        assert f[23] == 47 and len(f) == 14 + 24 + len(p)
        g.assert_forwarded(f[38:], p)


def test_drops_unresolved_neighbour_is_arped(drops):
    """A packet to an unresolved neighbour makes greway broadcast an ARP request for it from
    its LAN address and MAC (and the non-IP frames on the LAN are nothing but that)."""
    res, _ = drops
    arps = [Ether(f) for f in res.lan_out if f[12:14] != b"\x08\x00"]
    assert arps
    for a in arps:
        assert (a.dst, a.src, a.type) == ("ff:ff:ff:ff:ff:ff", g.LAN_MAC, 0x0806)
        assert (a[ARP].op, a[ARP].psrc, a[ARP].hwsrc, a[ARP].pdst) == (1, g.LAN_IP, g.LAN_MAC,
                                                                     "10.0.0.77")


def test_drops_port_counters(drops):
    """Every crafted frame was received (rx_packets), none counted as a port error."""
    res, b = drops
    p0, p1 = res.ports["port0"], res.ports["port1"]
    assert (p0["rx_packets"], p1["rx_packets"]) == (len(b.wan), len(b.lan))
    assert (p0["rx_bytes"], p1["rx_bytes"]) == (sum(map(len, b.wan)), sum(map(len, b.lan)))
    assert (p0["tx_packets"], p1["tx_packets"]) == (len(res.wan_out), len(res.lan_out))


def test_drops_port_down(greway_bin, workdir, run_id):
    """`link set port1 down`: frames received on port1 and packets routed out of it are
    dropped as port_down; nothing is sent on either port."""
    conf = CONFIG + ["link set port1 down"]
    lan = [g.lan_frame(from_lan(i)) for i in range(3)]
    wan = [g.wan_gre(REMOTE, to_lan(10 + i)) for i in range(2)]
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=wan, lan_in=lan)
    assert res.rc == 0, res.stderr
    assert (res.wan_out, res.lan_out) == ([], [])
    res.assert_drops({"port_down": 5})
    assert res.tunnels["x_plain"]["tx_packets"] == 0


def test_drops_tunnel_down(greway_bin, workdir, run_id):
    """`link set x_plain down` stops the tunnel both ways: GRE from its remote is dropped as
    tunnel_down, and its route leaves the FIB (route show says linkdown), so LAN packets for
    10.16.0.0/24 find no route; the other tunnels carry on."""
    conf = CONFIG + ["link set x_plain down"]
    lan = [g.lan_frame(from_lan(i)) for i in range(3)]
    wan = [g.wan_gre(REMOTE, to_lan(10 + i)) for i in range(2)]
    small = to_lan(20)
    wan.append(g.wan_gre(REMOTE_SMALL, small))
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=wan, lan_in=lan)
    assert res.rc == 0, res.stderr
    assert res.wan_out == []
    assert [IP(f[14:]).id for f in res.lan_out] == [20]
    res.assert_drops({"tunnel_down": 2, "no_route": 3})
    assert res.tunnels["x_plain"]["tx_packets"] == 0
    assert res.tunnels["x_plain"]["rx_packets"] == 0


def test_drops_tunnel_down_then_up(greway_bin, workdir, run_id):
    """`link set x_plain down` then `up` (a startup file may say both): the tunnel and its
    route are back, traffic flows both ways and nothing is dropped."""
    conf = CONFIG + ["link set x_plain down", "link set x_plain up"]
    lan = [g.lan_frame(from_lan(i)) for i in range(3)]
    wan = [g.wan_gre(REMOTE, to_lan(10 + i)) for i in range(2)]
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=wan, lan_in=lan)
    assert res.rc == 0, res.stderr
    assert len(res.wan_out) == 3 and len(res.lan_out) == 2
    assert res.nonzero_drops() == {}
    assert res.tunnels["x_plain"]["tx_packets"] == 3
    assert res.tunnels["x_plain"]["rx_packets"] == 2


def test_drops_inner_bad_checksum(greway_bin, workdir, run_id):
    """A decapsulated packet whose IPv4 header checksum is wrong is not a valid IPv4 packet
    (RFC 1812 5.2.2): it is dropped and counted (inner_header or ip_csum), not forwarded."""
    good = to_lan(1)
    bad = bytearray(to_lan(2))
    bad[10] ^= 0xFF
    wan = [g.wan_gre(REMOTE, bytes(bad)), g.wan_gre(REMOTE, good)]
    res = g.run_pcap(greway_bin, workdir, run_id, CONFIG, wan_in=wan)
    assert res.rc == 0, res.stderr
    assert [IP(f[14:]).id for f in res.lan_out] == [1]
    drops = res.nonzero_drops()
    assert drops in ({"inner_header": 1}, {"ip_csum": 1})
