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

"size" is the *inner* frame size on the wire, FCS included (64 -> 60-byte
frames in the pcap), as testpmd and OVS count it. "flows" varies inner
source/destination addresses and UDP ports, one packet per flow.

Sequence numbers (seq): a pcap replayed by net_pcap's infinite_rx starts
over after its last packet, and a receiver that drops old numbers (RFC 2890
section 2.2) would drop every packet after the first lap. The N packets
therefore carry i * 2^32/N: every step, the wrap from the last to the first
included, is +2^32/N, i.e. "newer, after a gap" in serial-number arithmetic,
so the stream is valid forever and the sequence check really runs.

The verify_*() functions compare what greway wrote to a tx_pcap with what
the case claims, packet by packet, and return a list of problems (empty = ok).

Standalone:  gen_bench.py '{"kind":"udp","size":64,"flows":32}' OUT.pcap
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from scapy.all import GRE, IP, UDP, Ether, Raw, rdpcap, wrpcap  # noqa: F401,E402
from scapy.utils import checksum  # noqa: E402

# Addresses shared by the generator and the startup files in cases.py, and the
# packet builders: scripts/lib/gwtraffic.py (scripts/gen-traffic.py uses them too).
from gwtraffic import (FCS, ETH_IP_UDP, GW_PORT0_MAC, GW_PORT1_MAC, GW_UNDERLAY,  # noqa: F401,E402
                       INNER_TTL, LAN_HOST_MAC, TUN_REMOTE, UNDERLAY_NH, UNDERLAY_NH_MAC,
                       freeze, gre_layer, gre_seq, inner_ip)
from gwtraffic import gre_fields as _gre_fields  # noqa: E402

INNER_SRC_NET = "10.16"   # encap: 10.0.0.x -> 10.16.f.x ; decap: 10.16.f.x -> 10.32.f.x


def input_label(spec):
    """Short stable name of an input spec, used for the pcap file and the baseline row."""
    parts = [spec["kind"]]
    if spec["kind"] == "gre":
        if spec.get("key") is not None:
            parts.append("key")
        if spec.get("csum"):
            parts.append("csum")
        if spec.get("seq"):
            parts.append("seq")
    parts.append("%dB" % spec["size"])
    parts.append("%df" % spec["flows"])
    return "-".join(parts)


def _inner_ip(spec, i, direction):
    """The inner IPv4/UDP packet of flow i (no Ethernet)."""
    f = i % 256
    if direction == "encap":
        src, dst = "10.0.0.%d" % (10 + i % 200), "10.16.%d.%d" % (f, 1 + i % 250)
    else:
        src, dst = "10.16.%d.%d" % (f, 1 + i % 250), "10.32.%d.%d" % (f, 1 + i % 250)
    return inner_ip(spec["size"], src, dst, 1024 + i, 5000 + i, i)


def build_input(spec):
    """List of scapy frames for an input spec."""
    n = spec["flows"]
    pkts = []
    for i in range(n):
        if spec["kind"] == "udp":
            p = Ether(dst=GW_PORT0_MAC, src=LAN_HOST_MAC) / _inner_ip(spec, i, "encap")
        elif spec["kind"] == "gre":
            gre = gre_layer(key=spec.get("key"), csum=spec.get("csum"),
                            seq=gre_seq(i, n) if spec.get("seq") else None)
            p = (Ether(dst=GW_PORT0_MAC, src=UNDERLAY_NH_MAC)
                 / IP(src=TUN_REMOTE, dst=GW_UNDERLAY, ttl=64, id=i) / gre
                 / _inner_ip(spec, i, "decap"))
        else:
            raise ValueError("unknown input kind %r" % spec["kind"])
        pkts.append(freeze(p))
    return pkts


def write_input(spec, path, laps=1):
    """Write the pcap of an input spec (laps > 1 repeats it, for validation)."""
    pkts = build_input(spec)
    wrpcap(path, pkts * laps)
    return pkts


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


def verify_encap(case, in_pkts, out_pkts):
    """Every input frame leaves once, in order, as GRE to the remote with the tunnel's options."""
    errs = []
    t = case.tunnel
    if len(out_pkts) != len(in_pkts):
        errs.append("expected %d GRE frames out, got %d" % (len(in_pkts), len(out_pkts)))
    prev_seq = None
    for n, (pi, po) in enumerate(zip(in_pkts, out_pkts)):
        raw = bytes(po)
        e = []
        if po.dst.lower() != UNDERLAY_NH_MAC or po.src.lower() != GW_PORT1_MAC or po.type != 0x0800:
            e.append("Ethernet %s > %s type %#x" % (po.src, po.dst, po.type))
        ip = raw[14:]
        ihl = (ip[0] & 0x0f) * 4
        o = IP(ip)
        if o.version != 4 or o.proto != 47 or o.src != GW_UNDERLAY or o.dst != TUN_REMOTE:
            e.append("outer IP %s > %s proto %d" % (o.src, o.dst, o.proto))
        if o.len != len(ip):
            e.append("outer total length %d, frame carries %d" % (o.len, len(ip)))
        if not _ip_ok(ip):
            e.append("outer IPv4 checksum wrong")
        if o.ttl == 0:
            e.append("outer TTL 0")
        g = _gre_fields(ip[ihl:])
        if g["flags"] & 0x0007 or g["proto"] != 0x0800:
            e.append("GRE version/proto %#x/%#x" % (g["flags"] & 7, g["proto"]))
        if ("key" in g) != (t.get("key") is not None) or g.get("key") != t.get("key"):
            e.append("GRE key %r, tunnel has %r" % (g.get("key"), t.get("key")))
        if ("csum" in g) != bool(t.get("csum")):
            e.append("GRE checksum present=%s, tunnel csum=%s" % ("csum" in g, t.get("csum")))
        elif "csum" in g and checksum(ip[ihl:]) != 0:
            e.append("GRE checksum wrong")
        if ("seq" in g) != bool(t.get("seq")):
            e.append("GRE seq present=%s, tunnel seq=%s" % ("seq" in g, t.get("seq")))
        elif "seq" in g:
            if prev_seq is not None and g["seq"] != (prev_seq + 1) & 0xffffffff:
                e.append("GRE seq %d after %d" % (g["seq"], prev_seq))
            prev_seq = g["seq"]
        inner = ip[ihl + g["hlen"]:]
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


VERIFY = {"encap": verify_encap, "decap": verify_decap}


def read_pcap(path):
    return list(rdpcap(path))


def flows_in(pkts):
    """Distinct inner 5-tuples in a list of input frames (udp or gre)."""
    seen = set()
    for p in pkts:
        ip = p[IP]
        if ip.proto == 47:
            ip = p[GRE].payload
        seen.add((ip.src, ip.dst, ip.proto, ip[UDP].sport, ip[UDP].dport))
    return len(seen)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_bench.py SPEC_JSON OUT.pcap")
    s = json.loads(sys.argv[1])
    pk = write_input(s, sys.argv[2])
    print("%s: %d frames of %d bytes, %d flows" % (sys.argv[2], len(pk), len(pk[0]), flows_in(pk)))
