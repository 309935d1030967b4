#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark traffic for scripts/bench.sh: input pcaps and output checks.

Run with Debian's /usr/bin/python3 (its scapy only imports there).

An input is described by a small dict (an "input spec"), so that a case of
scripts/bench/cases.py names its traffic in one line and two cases with the
same spec share one pcap and one testpmd baseline:

    {"kind": "udp", "size": 64, "flows": 32}
        IPv4/UDP frames to the gateway's port0 MAC (what encap eats)
    {"kind": "gre", "size": 64, "flows": 32, "key": 42, "csum": True, "seq": True}
        the same inner packets, already in GRE from the tunnel's remote end
        (what decap eats)
    {"kind": "eth", "size": 64, "flows": 32}
        GRETAP encap's input: Ethernet frames (the udp flows) from a LAN host's MAC
        to a host behind the tunnel (REMOTE_HOST_MAC), bridged as they are
    {"kind": "gretap", "size": 64, "flows": 32, "key": 42, "csum": True, "seq": True}
        GRETAP decap's input: the tunnel's remote end sends Ethernet frames from
        REMOTE_HOST_MAC to the LAN host in GRE protocol 0x6558 (the inner frame is
        "size" bytes with its FCS, as in "eth"; the GRE frame 14+20+4 bytes and the
        options more)
    {"kind": "hub", "size": 64, "flows": 1000, "spokes": 1000, "key": 42, "to": "spoke"}
        a hub's input (hub_plan.py): packet i from spoke i % spokes (its underlay address,
        the hub's key; inner source the spoke's host), to "spoke": the host of the next
        spoke (a hairpin: decap, route, encap into that spoke), or to "lan": a host of the
        hub's LAN (decap only); one flow per packet, as many packets as flows

"size" is the *inner* frame size on the wire, FCS included (64 -> 60-byte
frames in the pcap), as testpmd and OVS count it. "flows" varies inner
source/destination addresses and UDP ports, one packet per flow.

IPv6 (one tunnel): "inner": "ipv6" (udp and gre) makes the inner packet
IPv6/UDP (hop limit 64, traffic class and flow label 0) instead of IPv4/UDP,
in GRE protocol 0x86dd; "outer": "ipv6" (gre and gretap) puts the GRE of a
decap input in an outer IPv6 header (next header 47, hop limit 64, no
extension header) from TUN_REMOTE6 to GW_UNDERLAY6 (ip6gre, ip6gretap). Left
out, both are "ipv4" (the labels of the IPv4 inputs do not change). An inner
IPv6/UDP frame is at least 66 bytes with its FCS (14 + 40 + 8 + 4: IPv6's
header is 20 bytes longer than IPv4's), so "size" >= IPV6_MIN_SIZE; the IPv6
rows use exactly that, the nearest to the IPv4 rows' 64 (a UDP packet with no
payload). Labels: udp6-66B-32f (encap), gre-key-v6-66B-32f (IPv6 in GRE over
IPv4), ip6gre-key-64B-32f (IPv4 in GRE over IPv6), ip6gre-key-v6-66B-32f (IPv6
in GRE over IPv6), ip6gretap-key-64B-32f (GRETAP over IPv6: the gretap input's
frames behind an outer IPv6 header).

"tunnels" (default 1, then left out of the spec; udp and gre only) spreads the
packets over N tunnels, packet i belonging to tunnel i % N (tunnel_of()):
  encap: the inner destination of packet i is in tunnel t's own /24
         (tunnel_prefix(t)), which the startup file routes into tunnel t;
  decap: packet i comes from tunnel t's remote end with tunnel t's key
         (tunnel_key(t), tunnel_remote(t)): N (remote, key) combinations.
The pcap then has frames_for(spec) packets: at least "flows", a multiple of
N, and three per tunnel with seq (see below), so every tunnel is hit on
every lap of the pcap.

Sequence numbers (seq): a pcap replayed by net_pcap's infinite_rx starts
over after its last packet, and a receiver that drops old numbers (RFC 2890
section 2.2) would drop every packet after the first lap. The N packets
therefore carry i * 2^32/N: every step, the wrap from the last to the first
included, is +2^32/N, i.e. "newer, after a gap" in serial-number arithmetic,
so the stream is valid forever and the sequence check really runs. With N
tunnels every tunnel has its own sequence space, and the same holds for the
k packets of each tunnel (k >= 3).

The verify_*() functions compare what greway wrote to a tx_pcap with what
the case claims, packet by packet, and return a list of problems (empty = ok).

Standalone:  gen_bench.py '{"kind":"udp","size":64,"flows":32}' OUT.pcap
"""
import json
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from scapy.all import GRE, IP, UDP, Ether, IPv6, Raw, rdpcap, wrpcap  # noqa: F401,E402
from scapy.utils import checksum  # noqa: E402

# Addresses shared by the generator and the startup files in cases.py, with
# scripts/gen-traffic.py: scripts/lib/gwtraffic.py holds them.
# Underlay: RFC 5737; inner networks: 10.x (never leave the vdevs anyway).
from gwtraffic import (ETH_IP_UDP, FCS, GW_PORT0_MAC, GW_PORT1_MAC,  # noqa: F401,E402
                       GW_UNDERLAY, INNER_TTL, LAN_HOST_MAC, REMOTE_HOST_MAC, TUN_REMOTE,
                       UNDERLAY_NH, UNDERLAY_NH_MAC, gre_seq)
from gwtraffic import gre_fields as _gre_fields  # noqa: E402

import hub_plan as H  # noqa: E402
from vdev import read_frames, write_pcap  # noqa: F401,E402  (theirs, re-exported)

INNER_SRC_NET = "10.16"   # encap: 10.0.0.x -> 10.16.f.x ; decap: 10.16.f.x -> 10.32.f.x
KEY_BASE = 42                         # tunnel t has key KEY_BASE + t
KINDS = ("udp", "gre", "eth", "gretap", "hub")
TUNNELED = ("gre", "gretap")          # the decap inputs: GRE frames from the remote end
GRE_PROTO = {"gre": 0x0800, "gretap": 0x6558}
ETH_P_IPV6 = 0x86dd                   # GRE protocol and Ethernet type of IPv6

# IPv6 (RFC 3849): the gateway's underlay address on the WAN port, its next hop there, the
# ip6gre tunnel's remote; the LAN side's prefix (greway .1, the LAN host .2); the inner
# prefixes: encap 2001:db8:a::x -> 2001:db8:10:f::x (routed into the tunnel), decap
# 2001:db8:10:f::x -> 2001:db8:20:f::x (routed to the LAN host), as 10.0.0.x, 10.16 and 10.32
GW_UNDERLAY6 = "2001:db8:1::1"
UNDERLAY_NH6 = "2001:db8:1::fe"
TUN_REMOTE6 = "2001:db8:2::2"
GW_LAN6 = "2001:db8:a::1"
LAN_HOST6 = "2001:db8:a::2"
IPV6_HDR = 40
IPV6_MIN_SIZE = 14 + IPV6_HDR + 8 + FCS   # 66: an IPv6/UDP frame with no payload, FCS in


def input_label(spec):
    """Short stable name of an input spec, used for the pcap file and the baseline row."""
    if spec["kind"] == "hub":
        parts = ["hub" if spec.get("to", "spoke") == "spoke" else "hub-lan"]
        if spec.get("key") is not None:
            parts.append("key")
        parts += ["%dB" % spec["size"], "%ds" % spec["spokes"]]
        if spec["flows"] != spec["spokes"]:
            parts.append("%df" % spec["flows"])
        return "-".join(parts)
    kind = spec["kind"]
    if kind == "udp" and _v6(spec, "inner"):
        kind = "udp6"
    elif kind in TUNNELED and _v6(spec, "outer"):
        kind = "ip6" + kind
    parts = [kind]
    if spec["kind"] in TUNNELED:
        if spec.get("key") is not None:
            parts.append("key")
        if spec.get("csum"):
            parts.append("csum")
        if spec.get("seq"):
            parts.append("seq")
        if _v6(spec, "inner"):
            parts.append("v6")
    parts.append("%dB" % spec["size"])
    parts.append("%df" % spec["flows"])
    if spec.get("tunnels", 1) != 1:
        parts.append("%dt" % spec["tunnels"])
    return "-".join(parts)


def frames_for(spec):
    """Packets in the pcap of a spec: >= flows, a multiple of tunnels, >= 3 per tunnel with seq."""
    n, flows = spec.get("tunnels", 1), spec["flows"]
    if spec["kind"] not in KINDS:
        raise ValueError("unknown input kind %r" % spec["kind"])
    if spec["kind"] == "hub":
        if spec.get("to", "spoke") not in ("spoke", "lan") or spec.get("key") is None:
            raise ValueError("hub input: to spoke or lan, with a key")
        if not 2 <= spec["spokes"] <= H.MAX_SPOKES or flows < spec["spokes"]:
            raise ValueError("hub input: 2..%d spokes, flows >= spokes" % H.MAX_SPOKES)
        return flows
    if n < 1:
        raise ValueError("tunnels must be >= 1")
    if n > 1 and spec["kind"] in ("eth", "gretap"):
        # one remote host MAC: over N tunnels it would move between them in the bridge
        raise ValueError("%s input: one tunnel only" % spec["kind"])
    for side in ("inner", "outer"):
        if spec.get(side, "ipv4") not in ("ipv4", "ipv6"):
            raise ValueError("%s: ipv4 or ipv6, not %r" % (side, spec[side]))
    if _v6(spec, "inner") or _v6(spec, "outer"):
        if (_v6(spec, "inner") and spec["kind"] not in ("udp", "gre")) or \
                (_v6(spec, "outer") and spec["kind"] not in TUNNELED):
            raise ValueError("IPv6: inner in udp and gre inputs, outer in gre and gretap "
                             "inputs only")
        if n != 1:
            raise ValueError("IPv6 inputs: one tunnel only")
        if _v6(spec, "inner") and spec["size"] < IPV6_MIN_SIZE:
            raise ValueError("size %d is below the %d-byte minimum of an IPv6/UDP frame"
                             % (spec["size"], IPV6_MIN_SIZE))
    per = max(-(-flows // n), 3 if spec.get("seq") else 1)
    return per * n


def tunnel_of(spec, i):
    """The tunnel (0..N-1) packet i of the pcap belongs to (a hub's input: its spoke)."""
    if spec["kind"] == "hub":
        return i % spec["spokes"]
    return i % spec.get("tunnels", 1)


def tunnel_key(spec, t):
    """GRE key of tunnel t (None when the spec has no key)."""
    if spec.get("key") is None:
        return None
    return spec["key"] + t if spec.get("tunnels", 1) > 1 else spec["key"]


def tunnel_remote(spec, t):
    """Remote (outer source of decap input) of tunnel t: one remote for one tunnel, else
    spread over 203.0.113.2-251 so that the (remote, key) pairs differ in both fields."""
    if spec.get("tunnels", 1) == 1:
        return TUN_REMOTE
    return "203.0.113.%d" % (2 + t % 250)


def tunnel_prefix(t):
    """Encap: tunnel t's inner /24 (10.16.0.0 + t*256: 10.16.0.0/24 ... 10.55.15.0/24)."""
    return "10.%d.%d.0/24" % (16 + t // 256, t % 256)



def _v6(spec, side):
    """Whether the spec's inner (or outer) header is IPv6."""
    return spec.get(side, "ipv4") == "ipv6"


def gre_proto(spec):
    """The GRE protocol of a tunneled input: 0x6558 (gretap), 0x86dd (IPv6 inside), 0x0800."""
    if spec["kind"] == "gretap":
        return GRE_PROTO["gretap"]
    return ETH_P_IPV6 if _v6(spec, "inner") else GRE_PROTO["gre"]


def _inner_fields6(i, direction):
    """(src, dst, UDP sport, UDP dport) of the inner IPv6 packet of flow i (one tunnel)."""
    f = i % 256
    if direction == "encap":
        src, dst = "2001:db8:a::%x" % (10 + i % 200), "2001:db8:10:%x::%x" % (f, 1 + i % 250)
    else:
        src, dst = "2001:db8:10:%x::%x" % (f, 1 + i % 250), "2001:db8:20:%x::%x" % (f, 1 + i % 250)
    return src, dst, 1024 + i % 60000, 5000 + i % 60000


def _inner_fields(spec, i, direction):
    """(src, dst, IP id, UDP sport, UDP dport) of the inner packet of flow i."""
    f = i % 256
    n = spec.get("tunnels", 1)
    if direction == "encap" and n > 1:
        t = tunnel_of(spec, i)
        net = tunnel_prefix(t).rsplit(".", 1)[0]
        src, dst = "10.0.0.%d" % (10 + i % 200), "%s.%d" % (net, 1 + (i // n) % 250)
    elif direction == "encap":
        src, dst = "10.0.0.%d" % (10 + i % 200), "10.16.%d.%d" % (f, 1 + i % 250)
    else:
        src, dst = "10.16.%d.%d" % (f, 1 + i % 250), "10.32.%d.%d" % (f, 1 + i % 250)
    return src, dst, i & 0xffff, 1024 + i % 60000, 5000 + i % 60000


def _pad(spec):
    if _v6(spec, "inner"):
        pad = spec["size"] - IPV6_MIN_SIZE
        if pad < 0:
            raise ValueError("size %d is below the %d-byte minimum of an IPv6/UDP frame"
                             % (spec["size"], IPV6_MIN_SIZE))
        return pad
    pad = spec["size"] - FCS - ETH_IP_UDP
    if pad < 0:
        raise ValueError("size %d is below the 64-byte minimum" % spec["size"])
    return pad


def _inner_ip(spec, i, direction):
    """The inner IPv4/UDP (or IPv6/UDP) packet of flow i (no Ethernet), as scapy layers."""
    if _v6(spec, "inner"):
        src, dst, sport, dport = _inner_fields6(i, direction)
        return (IPv6(src=src, dst=dst, hlim=INNER_TTL)
                / UDP(sport=sport, dport=dport) / Raw(b"\x00" * _pad(spec)))
    src, dst, ident, sport, dport = _inner_fields(spec, i, direction)
    return (IP(src=src, dst=dst, ttl=INNER_TTL, id=ident)
            / UDP(sport=sport, dport=dport) / Raw(b"\x00" * _pad(spec)))


def build_input_scapy(spec):
    """List of scapy frames for an input spec, built layer by layer (slow: the reference
    that build_frames() must equal byte for byte; tests/integration/test_bench_harness.py)."""
    n = frames_for(spec)
    tunnels = spec.get("tunnels", 1)
    pkts = []
    for i in range(n):
        if spec["kind"] == "hub":
            s, n_sp = tunnel_of(spec, i), spec["spokes"]
            dst = H.spoke_host(H.hairpin_dst(s, n_sp)) if spec.get("to", "spoke") == "spoke" \
                else H.lan_host(i)
            p = (Ether(dst=GW_PORT0_MAC, src=UNDERLAY_NH_MAC)
                 / IP(src=H.spoke_underlay(s), dst=GW_UNDERLAY, ttl=64, id=i & 0xffff)
                 / GRE(proto=0x0800, key_present=1, key=spec["key"])
                 / IP(src=H.spoke_host(s), dst=dst, ttl=INNER_TTL, id=i & 0xffff)
                 / UDP(sport=1024 + i % 60000, dport=5000 + i % 60000)
                 / Raw(b"\x00" * _pad(spec)))
        elif spec["kind"] == "udp":
            p = Ether(dst=GW_PORT0_MAC, src=LAN_HOST_MAC) / _inner_ip(spec, i, "encap")
        elif spec["kind"] == "eth":
            p = Ether(dst=REMOTE_HOST_MAC, src=LAN_HOST_MAC) / _inner_ip(spec, i, "encap")
        elif spec["kind"] in TUNNELED:
            gre = GRE(proto=gre_proto(spec))
            t = tunnel_of(spec, i)
            if spec.get("key") is not None:
                gre.key_present = 1
                gre.key = tunnel_key(spec, t)
            if spec.get("csum"):
                gre.chksum_present = 1   # scapy fills the checksum in
            if spec.get("seq"):
                gre.seqnum_present = 1
                gre.sequence_number = gre_seq(i // tunnels, n // tunnels)
            inner = _inner_ip(spec, i, "decap")
            if spec["kind"] == "gretap":
                inner = Ether(dst=LAN_HOST_MAC, src=REMOTE_HOST_MAC) / inner
            if _v6(spec, "outer"):
                outer = IPv6(src=TUN_REMOTE6, dst=GW_UNDERLAY6, nh=47, hlim=64)
            else:
                outer = IP(src=tunnel_remote(spec, t), dst=GW_UNDERLAY, ttl=64, id=i & 0xffff)
            p = Ether(dst=GW_PORT0_MAC, src=UNDERLAY_NH_MAC) / outer / gre / inner
        else:
            raise ValueError("unknown input kind %r" % spec["kind"])
        p = Ether(bytes(p))   # freeze lengths and checksums
        pkts.append(p)
    return pkts


def _mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def _ip4(s):
    return bytes(int(x) for x in s.split("."))


def _ipv4_header(src, dst, ttl, ident, proto, payload_len):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0, ttl, proto,
                              0, _ip4(src), _ip4(dst)))
    struct.pack_into("!H", h, 10, checksum(bytes(h)))
    return bytes(h)


def _ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def _ipv6_header(src, dst, hlim, nh, payload_len):
    """An IPv6 header: traffic class and flow label 0."""
    return struct.pack("!IHBB16s16s", 6 << 28, payload_len, nh, hlim, _ip6(src), _ip6(dst))


def _inner_ip6_raw(spec, i, direction):
    """_inner_ip() of an inner IPv6 spec as bytes (UDP checksum over the pseudo-header)."""
    src, dst, sport, dport = _inner_fields6(i, direction)
    payload = b"\x00" * _pad(spec)
    ulen = 8 + len(payload)
    pseudo = _ip6(src) + _ip6(dst) + struct.pack("!IxxxB", ulen, 17)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    ck = checksum(pseudo + udp)
    udp = udp[:6] + struct.pack("!H", ck if ck else 0xffff) + udp[8:]
    return _ipv6_header(src, dst, INNER_TTL, 17, ulen) + udp


def _inner_ip_raw(spec, i, direction):
    """_inner_ip() as bytes, built with struct (what scapy writes, 50x faster)."""
    if _v6(spec, "inner"):
        return _inner_ip6_raw(spec, i, direction)
    src, dst, ident, sport, dport = _inner_fields(spec, i, direction)
    payload = b"\x00" * _pad(spec)
    ulen = 8 + len(payload)
    pseudo = _ip4(src) + _ip4(dst) + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    ck = checksum(pseudo + udp)
    udp = udp[:6] + struct.pack("!H", ck if ck else 0xffff) + udp[8:]
    return _ipv4_header(src, dst, INNER_TTL, ident, 17, ulen) + udp


def build_frames(spec):
    """The frames (bytes) of an input spec: the same bytes as build_input_scapy(), fast."""
    n = frames_for(spec)
    if spec["kind"] == "hub":
        return H.frames(spec["spokes"], n, spec.get("to", "spoke"), spec["size"], spec["key"])
    tunnels = spec.get("tunnels", 1)
    frames = []
    for i in range(n):
        if spec["kind"] in ("udp", "eth"):
            dst = GW_PORT0_MAC if spec["kind"] == "udp" else REMOTE_HOST_MAC
            et = struct.pack("!H", ETH_P_IPV6 if _v6(spec, "inner") else 0x0800)
            f = _mac(dst) + _mac(LAN_HOST_MAC) + et + _inner_ip_raw(spec, i, "encap")
        elif spec["kind"] in TUNNELED:
            t = tunnel_of(spec, i)
            inner = _inner_ip_raw(spec, i, "decap")
            if spec["kind"] == "gretap":
                inner = _mac(LAN_HOST_MAC) + _mac(REMOTE_HOST_MAC) + b"\x08\x00" + inner
            flags, opt = 0, b""
            if spec.get("csum"):
                flags |= 0x8000
                opt += b"\x00\x00\x00\x00"
            if spec.get("key") is not None:
                flags |= 0x2000
                opt += struct.pack("!I", tunnel_key(spec, t))
            if spec.get("seq"):
                flags |= 0x1000
                opt += struct.pack("!I", gre_seq(i // tunnels, n // tunnels))
            gre = struct.pack("!HH", flags, gre_proto(spec)) + opt + inner
            if spec.get("csum"):
                gre = gre[:4] + struct.pack("!H", checksum(gre)) + gre[6:]
            if _v6(spec, "outer"):
                outer = b"\x86\xdd" + _ipv6_header(TUN_REMOTE6, GW_UNDERLAY6, 64, 47, len(gre))
            else:
                outer = b"\x08\x00" + _ipv4_header(tunnel_remote(spec, t), GW_UNDERLAY, 64,
                                                    i & 0xffff, 47, len(gre))
            f = _mac(GW_PORT0_MAC) + _mac(UNDERLAY_NH_MAC) + outer + gre
        else:
            raise ValueError("unknown input kind %r" % spec["kind"])
        frames.append(f)
    return frames


def build_input(spec):
    """List of scapy frames for an input spec (parsed from build_frames())."""
    return [Ether(f) for f in build_frames(spec)]


def queue_of(spec, i, nq):
    """The rx queue packet i reaches when a port spreads the input over nq queues the way
    RSS on IPv4 addresses would: encap input by its inner flow (every packet differs),
    decap input by its outer source, i.e. its tunnel's remote (one tunnel: one queue)."""
    if nq == 1:
        return 0
    if spec["kind"] in ("udp", "eth"):
        return i % nq
    if spec["kind"] == "hub":
        return tunnel_of(spec, i) % nq
    return (tunnel_of(spec, i) % 250) % nq


def split_queues(spec, frames, nq):
    """The frames of each of nq rx queues (queue_of()), in order; an empty queue is an error:
    the vdev cannot replay an empty pcap, and the rows would not measure nq workers."""
    out = [[] for _ in range(nq)]
    for i, f in enumerate(frames):
        out[queue_of(spec, i, nq)].append(f)
    if any(not q for q in out):
        raise ValueError("%s spreads over fewer than %d queues (one outer flow per tunnel)"
                         % (input_label(spec), nq))
    return out


def write_input(spec, path, laps=1):
    """Write the pcap of an input spec (laps > 1 repeats it, for validation); the frames."""
    frames = build_frames(spec)
    write_pcap(path, frames * laps)
    return frames


# --------------------------------------------------------------------- checks

def _ip_ok(raw_ip):
    ihl = (raw_ip[0] & 0x0f) * 4
    return checksum(raw_ip[:ihl]) == 0


def _forwarded_inner(inner_bytes):
    """What a router makes of an inner IPv4 packet: TTL - 1, checksum fixed."""
    ip = IP(inner_bytes)
    ip.ttl -= 1
    ip.chksum = None
    return bytes(ip)


def _forwarded(inner):
    """What a router makes of an inner packet (bytes): IPv4 TTL - 1 and its header checksum
    again (_forwarded_inner_raw), IPv6 hop limit - 1 (nothing else: no header checksum)."""
    if inner[0] >> 4 == 6:
        return inner[:7] + bytes([(inner[7] - 1) & 0xff]) + inner[8:]
    return _forwarded_inner_raw(inner)


def _ip6_str(b):
    return socket.inet_ntop(socket.AF_INET6, bytes(b))


def _outer6_errors(ip, remote):
    """The outer IPv6 header of an ip6gre frame (ip: from the header on): version 6, traffic
    class and flow label 0 (the tunnel's defaults: tos 0, flowlabel 0), payload length the
    rest of the frame, next header 47 (GRE, no extension header: encaplimit is none by
    default), hop limit 64 (ttl's default), from GW_UNDERLAY6 to the remote."""
    e = []
    w = struct.unpack("!I", ip[:4])[0]
    ver, tc, fl = w >> 28, (w >> 20) & 0xff, w & 0xfffff
    plen, nh, hlim = struct.unpack("!HBB", ip[4:8])
    src, dst = _ip6_str(ip[8:24]), _ip6_str(ip[24:40])
    if ver != 6 or nh != 47 or src != GW_UNDERLAY6 or dst != remote:
        e.append("outer IPv6 version %d %s > %s next header %d (want 6 %s > %s, 47)"
                 % (ver, src, dst, nh, GW_UNDERLAY6, remote))
    if plen != len(ip) - IPV6_HDR:
        e.append("outer payload length %d, frame carries %d" % (plen, len(ip) - IPV6_HDR))
    if tc or fl:
        e.append("outer traffic class %#x flow label %#x (tunnel: tos 0, flowlabel 0)"
                 % (tc, fl))
    if hlim != 64:
        e.append("outer hop limit %d (tunnel: ttl 64)" % hlim)
    return e


def _gre_frame_errors(case, n, po, proto, prev_seq):
    """The outer headers of output frame n of an encap case: Ethernet to the underlay next
    hop, outer IPv4 to its tunnel's remote with a right checksum (an ip6gre case: outer IPv6,
    _outer6_errors), GRE with the protocol and the tunnel's options (key, checksum over the
    whole GRE packet, per-tunnel consecutive sequence numbers, prev_seq: tunnel -> last one
    seen). Returns (problems, payload)."""
    t, spec = case.tunnel, case.input
    raw = bytes(po)
    e = []
    tun = tunnel_of(spec, n)
    want_key = tunnel_key(dict(spec, key=t.get("key")), tun)
    v6 = case.mode.startswith("ip6")
    remote = TUN_REMOTE6 if v6 else tunnel_remote(spec, tun)
    etype = ETH_P_IPV6 if v6 else 0x0800
    if po.dst.lower() != UNDERLAY_NH_MAC or po.src.lower() != GW_PORT1_MAC or po.type != etype:
        e.append("Ethernet %s > %s type %#x" % (po.src, po.dst, po.type))
    ip = raw[14:]
    if v6:
        ihl = IPV6_HDR
        e += _outer6_errors(ip, remote)
    else:
        ihl = (ip[0] & 0x0f) * 4
        o = IP(ip)
        if o.version != 4 or o.proto != 47 or o.src != GW_UNDERLAY or o.dst != remote:
            e.append("outer IP %s > %s proto %d (want %s > %s)"
                     % (o.src, o.dst, o.proto, GW_UNDERLAY, remote))
        if o.len != len(ip):
            e.append("outer total length %d, frame carries %d" % (o.len, len(ip)))
        if not _ip_ok(ip):
            e.append("outer IPv4 checksum wrong")
        if o.ttl == 0:
            e.append("outer TTL 0")
    g = _gre_fields(ip[ihl:])
    if g["flags"] & 0x0007 or g["proto"] != proto:
        e.append("GRE version/proto %#x/%#x (want 0/%#x)" % (g["flags"] & 7, g["proto"], proto))
    if ("key" in g) != (want_key is not None) or g.get("key") != want_key:
        e.append("GRE key %r, tunnel has %r" % (g.get("key"), want_key))
    if ("csum" in g) != bool(t.get("csum")):
        e.append("GRE checksum present=%s, tunnel csum=%s" % ("csum" in g, t.get("csum")))
    elif "csum" in g and checksum(ip[ihl:]) != 0:
        e.append("GRE checksum wrong")
    if ("seq" in g) != bool(t.get("seq")):
        e.append("GRE seq present=%s, tunnel seq=%s" % ("seq" in g, t.get("seq")))
    elif "seq" in g:
        if tun in prev_seq and g["seq"] != (prev_seq[tun] + 1) & 0xffffffff:
            e.append("GRE seq %d after %d" % (g["seq"], prev_seq[tun]))
        prev_seq[tun] = g["seq"]
    return e, ip[ihl + g["hlen"]:]


def verify_encap(case, in_pkts, out_pkts):
    """Every input frame leaves once, in order, as GRE to its tunnel's remote with the
    tunnel's options (key, checksum, per-tunnel consecutive sequence numbers), over IPv4 or
    (mode ip6gre) IPv6; inside, the input's IPv4 packet with TTL-1 and its checksum again
    (GRE protocol 0x0800) or its IPv6 packet with hop limit-1 (0x86dd)."""
    errs = []
    if len(out_pkts) != len(in_pkts):
        errs.append("expected %d GRE frames out, got %d" % (len(in_pkts), len(out_pkts)))
    prev_seq = {}
    proto = ETH_P_IPV6 if _v6(case.input, "inner") else GRE_PROTO["gre"]
    for n, (pi, po) in enumerate(zip(in_pkts, out_pkts)):
        e, inner = _gre_frame_errors(case, n, po, proto, prev_seq)
        want = _forwarded(bytes(pi)[14:])
        if inner != want:
            e.append("inner packet differs from the input (TTL-1): %s vs %s"
                     % (inner.hex(), want.hex()))
        errs += ["packet %d: %s" % (n, x) for x in e]
    return errs


def verify_decap(case, in_pkts, out_pkts):
    """Every GRE frame (over IPv4 or IPv6) leaves once, in order, as its inner packet
    (IPv4: TTL-1, a right header checksum; IPv6: hop limit-1) to the LAN next hop, with the
    inner packet's Ethernet type."""
    errs = []
    if len(out_pkts) != len(in_pkts):
        errs.append("expected %d inner frames out, got %d" % (len(in_pkts), len(out_pkts)))
    etype = ETH_P_IPV6 if _v6(case.input, "inner") else 0x0800
    for n, (pi, po) in enumerate(zip(in_pkts, out_pkts)):
        raw = bytes(po)
        e = []
        if po.dst.lower() != LAN_HOST_MAC or po.src.lower() != GW_PORT1_MAC or po.type != etype:
            e.append("Ethernet %s > %s type %#x" % (po.src, po.dst, po.type))
        want = _forwarded(_split_gre(bytes(pi))[2])
        if raw[14:] != want:
            e.append("not the inner packet (TTL-1): %s vs %s" % (raw[14:].hex(), want.hex()))
        elif etype == 0x0800 and not _ip_ok(raw[14:]):
            e.append("inner IPv4 checksum wrong")
        errs += ["packet %d: %s" % (n, x) for x in e]
    return errs


def _forwarded_inner_raw(inner):
    """_forwarded_inner() on bytes, without scapy: TTL - 1, header checksum again."""
    ihl = (inner[0] & 0x0f) * 4
    h = bytearray(inner[:ihl])
    h[8] -= 1
    h[10:12] = b"\x00\x00"
    struct.pack_into("!H", h, 10, checksum(bytes(h)))
    return bytes(h) + inner[ihl:]


def _split_gre(frame):
    """(outer IP header, GRE fields, payload) of an Ethernet/IPv4/GRE frame, or of an
    Ethernet/IPv6/GRE one (GRE right after the 40-byte header)."""
    ihl = IPV6_HDR if frame[12:14] == b"\x86\xdd" else (frame[14] & 0x0f) * 4
    g = _gre_fields(frame[14 + ihl:])
    return frame[14:14 + ihl], g, frame[14 + ihl + g["hlen"]:]


def _hub_spokes(case):
    """A spoke's host (inner destination, packed) -> its underlay address (packed)."""
    return {_ip4(H.spoke_host(s)): _ip4(H.spoke_underlay(s)) for s in range(case.input["spokes"])}


def _hub_frame_errors(case, spokes, fin, fout):
    """Output frame fout of the hairpin of input frame fin (bytes): Ethernet by port1's next
    hop to the spokes (hub_plan.BACK_NH_MAC), GRE with the hub's key (and no other option)
    from the hub's address to the underlay address of the spoke whose host the packet is
    for, with a right checksum; inside, the input's packet with TTL-1."""
    e = []
    _, _, inner_in = _split_gre(fin)
    want_dst = spokes.get(inner_in[16:20])
    if want_dst is None:
        return ["input to %s, no spoke's host" % ".".join(map(str, inner_in[16:20]))]
    if want_dst == fin[26:30]:
        e.append("input goes back to its own spoke")
    if fout[:14] != _mac(H.BACK_NH_MAC) + _mac(GW_PORT1_MAC) + b"\x08\x00":
        e.append("Ethernet %s" % fout[:14].hex())
        return e
    oh, g, inner = _split_gre(fout)
    if oh[0] >> 4 != 4 or oh[9] != 47 or oh[12:16] != _ip4(GW_UNDERLAY) or oh[16:20] != want_dst:
        e.append("outer IP %s > %s proto %d (want %s > %s)"
                 % (".".join(map(str, oh[12:16])), ".".join(map(str, oh[16:20])), oh[9],
                    GW_UNDERLAY, ".".join(map(str, want_dst))))
    if struct.unpack("!H", oh[2:4])[0] != len(fout) - 14:
        e.append("outer total length %d, frame carries %d"
                 % (struct.unpack("!H", oh[2:4])[0], len(fout) - 14))
    if checksum(oh) != 0 or oh[8] == 0:
        e.append("outer IPv4 checksum wrong or TTL 0")
    if g["flags"] != 0x2000 or g["proto"] != GRE_PROTO["gre"] or g["key"] != case.tunnel["key"]:
        e.append("GRE flags %#x proto %#x key %r (want 0x2000 %#x %r)"
                 % (g["flags"], g["proto"], g.get("key"), GRE_PROTO["gre"], case.tunnel["key"]))
    want = _forwarded_inner_raw(inner_in)
    if inner != want:
        e.append("inner packet differs from the input's (TTL-1): %s vs %s"
                 % (inner.hex(), want.hex()))
    return e


def verify_hub_hairpin(case, in_frames, out_frames):
    """Every spoke's packet leaves once, in order, re-encapsulated to the spoke whose host
    it is for (_hub_frame_errors). Raw frames (RAW_VERIFY): 2,000 of them in scapy take
    seconds."""
    errs = []
    if len(out_frames) != len(in_frames):
        errs.append("expected %d GRE frames out, got %d" % (len(in_frames), len(out_frames)))
    spokes = _hub_spokes(case)
    for n, (fi, fo) in enumerate(zip(in_frames, out_frames)):
        errs += ["packet %d: %s" % (n, x) for x in _hub_frame_errors(case, spokes, fi, fo)]
    return errs


def verify_hub_decap(case, in_frames, out_frames):
    """verify_decap() on raw frames (RAW_VERIFY): every spoke's packet leaves once, in
    order, as its inner packet (TTL-1) to the LAN next hop."""
    errs = []
    if len(out_frames) != len(in_frames):
        errs.append("expected %d inner frames out, got %d" % (len(in_frames), len(out_frames)))
    eth = _mac(LAN_HOST_MAC) + _mac(GW_PORT1_MAC) + b"\x08\x00"
    for n, (fi, fo) in enumerate(zip(in_frames, out_frames)):
        want = _forwarded_inner_raw(_split_gre(fi)[2])
        if fo[:14] != eth:
            errs.append("packet %d: Ethernet %s" % (n, fo[:14].hex()))
        elif fo[14:] != want:
            errs.append("packet %d: not the inner packet (TTL-1): %s vs %s"
                        % (n, fo[14:].hex(), want.hex()))
    return errs


def verify_hub_learning(case, lap, laps, out_frames):
    """What a learning hub sent for `laps` laps of the input `lap` (raw frames). Packets to a
    host it has not learned yet are dropped (no_route), when depends on the control thread:
    so every frame out must be the hairpin of an input frame (_hub_frame_errors), in the
    input's order: a subsequence of the laps (matched greedily: the laps are alike, so which
    lap a frame came from is not known). Returns the problems."""
    spokes = _hub_spokes(case)
    n = len(lap)
    index = {_forwarded_inner_raw(_split_gre(f)[2]): j for j, f in enumerate(lap)}
    errs = []
    k = 0           # the next input frame (over all laps) an output frame may be
    for m, fo in enumerate(out_frames):
        j = index.get(_split_gre(fo)[2]) if fo[12:14] == b"\x08\x00" else None
        if j is None:
            errs.append("frame %d out: its inner packet is no input's (TTL-1)" % m)
            continue
        k += (j - k) % n
        if k >= laps * n:
            errs.append("frame %d out: more frames out than in, or out of order" % m)
            break
        errs += ["frame %d out (input %d): %s" % (m, k, x)
                 for x in _hub_frame_errors(case, spokes, lap[j], fo)]
        k += 1
    return errs


def flows_in_frames(frames):
    """flows_in() on raw frames, without scapy: distinct inner 5-tuples (udp, eth, gre,
    gretap or hub frames; IPv4 or IPv6, inside and outside)."""
    seen = set()
    for f in frames:
        ip = f[14:]
        if ip[9 if ip[0] >> 4 == 4 else 6] == 47:
            _, g, ip = _split_gre(f)
            if g["proto"] == GRE_PROTO["gretap"]:
                ip = ip[14:]
        if ip[0] >> 4 == 6:
            seen.add((ip[8:24], ip[24:40], ip[6], ip[IPV6_HDR:IPV6_HDR + 4]))
            continue
        ihl = (ip[0] & 0x0f) * 4
        seen.add((ip[12:16], ip[16:20], ip[9], ip[ihl:ihl + 4]))
    return len(seen)


def verify_gretap_encap(case, in_pkts, out_pkts):
    """Every bridged frame leaves once, in order, in GRE protocol 0x6558 to the tunnel's
    remote with its options, the inner frame byte for byte the input frame (a bridge
    changes nothing in it: no TTL, no MACs)."""
    errs = []
    if len(out_pkts) != len(in_pkts):
        errs.append("expected %d GRETAP frames out, got %d" % (len(in_pkts), len(out_pkts)))
    prev_seq = {}
    for n, (pi, po) in enumerate(zip(in_pkts, out_pkts)):
        e, inner = _gre_frame_errors(case, n, po, GRE_PROTO["gretap"], prev_seq)
        want = bytes(pi)
        if inner != want:
            e.append("inner frame differs from the input frame: %s vs %s"
                     % (inner.hex(), want.hex()))
        errs += ["packet %d: %s" % (n, x) for x in e]
    return errs


def verify_gretap_decap(case, in_pkts, out_pkts):
    """Every GRETAP frame leaves once, in order, as its inner Ethernet frame, byte for byte
    (the GRE protocol checked too: 0x6558)."""
    errs = []
    if len(out_pkts) != len(in_pkts):
        errs.append("expected %d inner frames out, got %d" % (len(in_pkts), len(out_pkts)))
    for n, (pi, po) in enumerate(zip(in_pkts, out_pkts)):
        e = []
        gre_raw = bytes(pi[GRE])
        g = _gre_fields(gre_raw)
        if g["proto"] != GRE_PROTO["gretap"]:
            e.append("input GRE protocol %#x, not 0x6558" % g["proto"])
        want = gre_raw[g["hlen"]:]
        if bytes(po) != want:
            e.append("not the inner frame: %s vs %s" % (bytes(po).hex(), want.hex()))
        errs += ["packet %d: %s" % (n, x) for x in e]
    return errs


# (mode, path) of a case -> its check
VERIFY = {("gre", "encap"): verify_encap, ("gre", "decap"): verify_decap,
          ("ip6gre", "encap"): verify_encap, ("ip6gre", "decap"): verify_decap,
          ("ip6gretap", "encap"): verify_gretap_encap, ("ip6gretap", "decap"): verify_gretap_decap,
          ("gretap", "encap"): verify_gretap_encap, ("gretap", "decap"): verify_gretap_decap}
# checks that take raw frames (bytes), not scapy's: many frames (a hub of 1,000 spokes)
RAW_VERIFY = {("hub", "hairpin"): verify_hub_hairpin, ("hub", "decap"): verify_hub_decap}


def read_pcap(path):
    return list(rdpcap(path))


def flows_in(pkts):
    """Distinct inner 5-tuples in a list of input frames (udp, eth, gre or gretap, IPv4 or
    IPv6), scapy's parse of them."""
    seen = set()
    for p in pkts:
        ip = p.payload
        if (ip.proto if isinstance(ip, IP) else ip.nh) == 47:
            ip = p[GRE].payload
            if isinstance(ip, Ether):
                ip = ip.payload
        nh = ip.proto if isinstance(ip, IP) else ip.nh
        seen.add((ip.src, ip.dst, nh, ip[UDP].sport, ip[UDP].dport))
    return len(seen)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_bench.py SPEC_JSON OUT.pcap")
    s = json.loads(sys.argv[1])
    fr = write_input(s, sys.argv[2])
    print("%s: %d frames of %d bytes, %d flows"
          % (sys.argv[2], len(fr), len(fr[0]), flows_in([Ether(f) for f in fr])))
