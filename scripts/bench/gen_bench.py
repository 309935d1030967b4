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
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from scapy.all import GRE, IP, UDP, Ether, Raw, rdpcap, wrpcap  # noqa: F401,E402
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
    parts = [spec["kind"]]
    if spec["kind"] in TUNNELED:
        if spec.get("key") is not None:
            parts.append("key")
        if spec.get("csum"):
            parts.append("csum")
        if spec.get("seq"):
            parts.append("seq")
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
    pad = spec["size"] - FCS - ETH_IP_UDP
    if pad < 0:
        raise ValueError("size %d is below the 64-byte minimum" % spec["size"])
    return pad


def _inner_ip(spec, i, direction):
    """The inner IPv4/UDP packet of flow i (no Ethernet), as scapy layers."""
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
            gre = GRE(proto=GRE_PROTO[spec["kind"]])
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
            p = (Ether(dst=GW_PORT0_MAC, src=UNDERLAY_NH_MAC)
                 / IP(src=tunnel_remote(spec, t), dst=GW_UNDERLAY, ttl=64, id=i & 0xffff) / gre
                 / inner)
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


def _inner_ip_raw(spec, i, direction):
    """_inner_ip() as bytes, built with struct (what scapy writes, 50x faster)."""
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
            f = _mac(dst) + _mac(LAN_HOST_MAC) + b"\x08\x00" + \
                _inner_ip_raw(spec, i, "encap")
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
            gre = struct.pack("!HH", flags, GRE_PROTO[spec["kind"]]) + opt + inner
            if spec.get("csum"):
                gre = gre[:4] + struct.pack("!H", checksum(gre)) + gre[6:]
            f = (_mac(GW_PORT0_MAC) + _mac(UNDERLAY_NH_MAC) + b"\x08\x00"
                 + _ipv4_header(tunnel_remote(spec, t), GW_UNDERLAY, 64, i & 0xffff, 47, len(gre))
                 + gre)
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


def _gre_frame_errors(case, n, po, proto, prev_seq):
    """The outer headers of output frame n of an encap case: Ethernet to the underlay next
    hop, outer IPv4 to its tunnel's remote with a right checksum, GRE with the protocol and
    the tunnel's options (key, checksum over the whole GRE packet, per-tunnel consecutive
    sequence numbers, prev_seq: tunnel -> last one seen). Returns (problems, payload)."""
    t, spec = case.tunnel, case.input
    raw = bytes(po)
    e = []
    tun = tunnel_of(spec, n)
    want_key = tunnel_key(dict(spec, key=t.get("key")), tun)
    remote = tunnel_remote(spec, tun)
    if po.dst.lower() != UNDERLAY_NH_MAC or po.src.lower() != GW_PORT1_MAC or po.type != 0x0800:
        e.append("Ethernet %s > %s type %#x" % (po.src, po.dst, po.type))
    ip = raw[14:]
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
    tunnel's options (key, checksum, per-tunnel consecutive sequence numbers)."""
    errs = []
    if len(out_pkts) != len(in_pkts):
        errs.append("expected %d GRE frames out, got %d" % (len(in_pkts), len(out_pkts)))
    prev_seq = {}
    for n, (pi, po) in enumerate(zip(in_pkts, out_pkts)):
        e, inner = _gre_frame_errors(case, n, po, GRE_PROTO["gre"], prev_seq)
        want = _forwarded_inner(bytes(pi[IP]))
        if inner != want:
            e.append("inner packet differs from the input (TTL-1): %s vs %s"
                     % (inner.hex(), want.hex()))
        errs += ["packet %d: %s" % (n, x) for x in e]
    return errs


def verify_decap(case, in_pkts, out_pkts):
    """Every GRE frame leaves once, in order, as its inner packet (TTL-1) to the LAN next hop."""
    errs = []
    if len(out_pkts) != len(in_pkts):
        errs.append("expected %d inner frames out, got %d" % (len(in_pkts), len(out_pkts)))
    for n, (pi, po) in enumerate(zip(in_pkts, out_pkts)):
        raw = bytes(po)
        e = []
        if po.dst.lower() != LAN_HOST_MAC or po.src.lower() != GW_PORT1_MAC or po.type != 0x0800:
            e.append("Ethernet %s > %s type %#x" % (po.src, po.dst, po.type))
        gre_raw = bytes(pi[GRE])
        g = _gre_fields(gre_raw)
        want = _forwarded_inner(gre_raw[g["hlen"]:])
        if raw[14:] != want:
            e.append("not the inner packet (TTL-1): %s vs %s" % (raw[14:].hex(), want.hex()))
        elif not _ip_ok(raw[14:]):
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
    """(outer IPv4 header, GRE fields, payload) of an Ethernet/IPv4/GRE frame."""
    ihl = (frame[14] & 0x0f) * 4
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
    gretap or hub frames)."""
    seen = set()
    for f in frames:
        ip = f[14:]
        if ip[9] == 47:
            _, g, ip = _split_gre(f)
            if g["proto"] == GRE_PROTO["gretap"]:
                ip = ip[14:]
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
          ("gretap", "encap"): verify_gretap_encap, ("gretap", "decap"): verify_gretap_decap}
# checks that take raw frames (bytes), not scapy's: many frames (a hub of 1,000 spokes)
RAW_VERIFY = {("hub", "hairpin"): verify_hub_hairpin, ("hub", "decap"): verify_hub_decap}


def read_pcap(path):
    return list(rdpcap(path))


def flows_in(pkts):
    """Distinct inner 5-tuples in a list of input frames (udp, eth, gre or gretap)."""
    seen = set()
    for p in pkts:
        ip = p[IP]
        if ip.proto == 47:
            ip = p[GRE].payload
            if isinstance(ip, Ether):
                ip = ip[IP]
        seen.add((ip.src, ip.dst, ip.proto, ip[UDP].sport, ip[UDP].dport))
    return len(seen)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_bench.py SPEC_JSON OUT.pcap")
    s = json.loads(sys.argv[1])
    fr = write_input(s, sys.argv[2])
    print("%s: %d frames of %d bytes, %d flows"
          % (sys.argv[2], len(fr), len(fr[0]), flows_in([Ether(f) for f in fr])))
