# SPDX-License-Identifier: BSD-3-Clause
"""The benchmarks' hub: its addresses, its startup file and the GRE frames its spokes send.

Standard library only: scripts/bench/hub_scale.py (scripts/bench-hub.sh) runs without
scapy; scripts/bench.sh's hub rows (cases.py, gen_bench.py) use the same plan, and
tests/integration/test_bench_harness.py checks these frames byte for byte against scapy's.

    the hub     mgre0, mode gre, local 198.51.100.1 (port0), remote any, key KEY;
                overlay address 172.16.0.1/12
    spoke s     underlay 198.18.0.0/15 host 2 + s: RFC 2544's benchmarking range (RFC 5737's
                three /24s hold 762 hosts, fewer than the issue's 1,000 spokes; greway's
                vdevs send nothing anywhere anyway), as gwtraffic.Topology numbers spokes;
                overlay 172.16.0.0/12 host 2 + s;
                LAN the s-th /24 of 10.64.0.0/10, whose host .1 sends (spoke_host)
    mapping     neigh add OVERLAY(s) lladdr UNDERLAY(s) dev mgre0
    route       route add LAN(s) via OVERLAY(s) dev mgre0
    port0       198.51.100.1/24: where the spokes' GRE comes in (the input pcap)
    port1       the hub's LAN, 10.0.0.1/24 (10.32.0.0/16 behind 10.0.0.2), and the way back
                to the spokes' underlay (198.18.0.0/15 via 192.0.2.254 from 192.0.2.1/24):
                everything the hub sends leaves by port1, as every row of scripts/bench.sh
                sends from port0's input to port1 (net_null), on testpmd's I/O path too

A hairpin packet of spoke s goes to spoke hairpin_dst(s) = s + 1 (mod N): decap, FIB, encap
into the other spoke, out of port1. A LAN packet of spoke s goes to lan_host(s): decap only.
"""
import ipaddress
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from gwtraffic import (ETH_IP_UDP, FCS, GW_LAN, GW_PORT0_MAC, GW_PORT1_MAC,  # noqa: E402
                       GW_UNDERLAY, INNER_TTL, LAN_HOST, LAN_HOST_MAC, UNDERLAY_NH,
                       UNDERLAY_NH_MAC)

TUNNEL = "mgre0"
KEY = 42
SPOKE_NET = ipaddress.ip_network("198.18.0.0/15")     # RFC 2544
OVERLAY_NET = ipaddress.ip_network("172.16.0.0/12")
HUB_OVERLAY = "172.16.0.1"
SPOKE_INNER = ipaddress.ip_network("10.64.0.0/10")
LAN_INNER = "10.32.0.0/16"                           # behind LAN_HOST, as the decap rows'
BACK_ADDR, BACK_NH, BACK_NH_MAC = "192.0.2.1", "192.0.2.254", "02:00:00:00:00:fd"
MAX_SPOKES = SPOKE_INNER.num_addresses // 256         # a /24 each: 16384
MAX_LEARN_SPOKES = 250 * MAX_SPOKES                   # learn_host(): 250 a /24


def spoke_underlay(s):
    """Spoke s's underlay address: the outer source of what it sends."""
    return str(SPOKE_NET[2 + s])


def spoke_overlay(s):
    """Spoke s's overlay address on mgre0 (the mapping's and its route's via)."""
    return str(OVERLAY_NET[2 + s])


def spoke_prefix(s):
    """Spoke s's LAN: the s-th /24 of 10.64.0.0/10."""
    if not 0 <= s < MAX_SPOKES:
        raise ValueError("spoke %d: at most %d spokes have a /24 of %s"
                         % (s, MAX_SPOKES, SPOKE_INNER))
    return "%s/24" % (SPOKE_INNER.network_address + 256 * s)


def spoke_host(s):
    """The host of spoke s's LAN that sends (.1): the inner source of its packets."""
    return str(SPOKE_INNER.network_address + 256 * s + 1)


def learn_host(s):
    """hub_scale.py's inner source of spoke s: 250 spokes a /24 (a learned mapping is a /32
    route; one /24 each would take a FIB tbl8 group each, and there are 4096)."""
    if not 0 <= s < MAX_LEARN_SPOKES:
        raise ValueError("spoke %d: at most %d" % (s, MAX_LEARN_SPOKES))
    return str(SPOKE_INNER.network_address + 256 * (s // 250) + 1 + s % 250)


def lan_host(i):
    """A host of the hub's LAN (10.32.0.0/16, behind 10.0.0.2): where packet i goes."""
    return "10.32.%d.%d" % ((i // 250) % 256, 1 + i % 250)


def hairpin_dst(s, n):
    """The spoke that spoke s's hairpin packets go to, of n: the next one."""
    if n < 2:
        raise ValueError("a hairpin needs two spokes")
    return (s + 1) % n


# ------------------------------------------------------------------ startup file

def base_config(key=KEY, learn=False, learn_max=None, head=None):
    """The hub without its spokes: ports, the way to the spokes' underlay, mgre0."""
    opts = "key %d" % key
    if learn:
        opts += " learn on"
        if learn_max is not None:
            opts += " learn-max %d" % learn_max
    return (head or "# bench: the hub (scripts/bench/hub_plan.py)\n") + f"""\
link set port0 address {GW_PORT0_MAC}
link set port1 address {GW_PORT1_MAC}
addr add {GW_UNDERLAY}/24 dev port0
addr add {GW_LAN}/24 dev port1
addr add {BACK_ADDR}/24 dev port1
neigh add {UNDERLAY_NH} lladdr {UNDERLAY_NH_MAC} dev port0
neigh add {LAN_HOST} lladdr {LAN_HOST_MAC} dev port1
neigh add {BACK_NH} lladdr {BACK_NH_MAC} dev port1
route add {LAN_INNER} via {LAN_HOST}
route add {SPOKE_NET} via {BACK_NH}
tunnel add {TUNNEL} mode gre local {GW_UNDERLAY} remote any {opts}
addr add {HUB_OVERLAY}/{OVERLAY_NET.prefixlen} dev {TUNNEL}
"""


def spoke_lines(s, route=True):
    """Spoke s's mapping and (route) the route to its LAN via its overlay address."""
    lines = ["neigh add %s lladdr %s dev %s" % (spoke_overlay(s), spoke_underlay(s), TUNNEL)]
    if route:
        lines.append("route add %s via %s dev %s" % (spoke_prefix(s), spoke_overlay(s), TUNNEL))
    return lines


def config(spokes, key=KEY, learn=False, head=None):
    """The whole hub: learn off, a static mapping and a route per spoke; learn on, none
    (what the spokes send maps their hosts)."""
    text = base_config(key, learn, head=head)
    if not learn:
        text += "\n".join(line for s in range(spokes) for line in spoke_lines(s)) + "\n"
    return text


# ------------------------------------------------------------------ frames

def _mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def _ip4(s):
    return ipaddress.IPv4Address(s).packed


def csum16(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4_header(src, dst, ttl, ident, proto, payload_len):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0, ttl, proto,
                              0, _ip4(src), _ip4(dst)))
    struct.pack_into("!H", h, 10, csum16(bytes(h)))
    return bytes(h)


def inner_udp(src, dst, i, size):
    """Packet i's inner IPv4/UDP packet, filling a `size`-byte frame (FCS included)."""
    pad = size - FCS - ETH_IP_UDP
    if pad < 0:
        raise ValueError("size %d is below the 64-byte minimum" % size)
    sport, dport = 1024 + i % 60000, 5000 + i % 60000
    ulen = 8 + pad
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + b"\x00" * pad
    ck = csum16(_ip4(src) + _ip4(dst) + struct.pack("!BBH", 0, 17, ulen) + udp)
    udp = udp[:6] + struct.pack("!H", ck or 0xffff) + udp[8:]
    return ipv4_header(src, dst, INNER_TTL, i & 0xffff, 17, ulen) + udp


def gre_frame(i, s, src, dst, size=64, key=KEY):
    """Frame i: spoke s's GRE (key) to the hub on port0, inner src -> dst IPv4/UDP."""
    gre = struct.pack("!HHI", 0x2000, 0x0800, key) + inner_udp(src, dst, i, size)
    return (_mac(GW_PORT0_MAC) + _mac(UNDERLAY_NH_MAC) + b"\x08\x00"
            + ipv4_header(spoke_underlay(s), GW_UNDERLAY, 64, i & 0xffff, 47, len(gre)) + gre)


def frames(spokes, n=None, to="spoke", size=64, key=KEY, src=spoke_host):
    """n frames (default one per spoke), frame i from spoke i % spokes (its host src(s)):
    to "spoke" (its hairpin_dst's host) or "lan" (lan_host(i))."""
    out = []
    for i in range(spokes if n is None else n):
        s = i % spokes
        dst = src(hairpin_dst(s, spokes)) if to == "spoke" else lan_host(i)
        out.append(gre_frame(i, s, src(s), dst, size, key))
    return out

