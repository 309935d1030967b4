# SPDX-License-Identifier: BSD-3-Clause
"""GRE encapsulation on net_pcap: every field of every GRE packet greway sends.

One greway run carries the whole matrix: one tunnel per combination of
options, each with its own remote (203.0.113.10+i) and its own inner /24
(10.100+i.0.0/24) routed into it. The LAN pcap holds the same set of inner
packets for every tunnel (ICMP, UDP, TCP; odd sizes, Ethernet padding, IP
options, a fragment, the largest packet the tunnel takes), interleaved across
tunnels. The WAN tx pcap is decoded three ways: bytes by hand (RFC 791, 2784,
2890, 1071), scapy's dissectors, and tshark.
"""
import struct
import uuid

import pytest
from scapy.all import GRE, ICMP, IP, TCP, UDP, Ether

import gwpcap as g
from conftest import require_tool

# name, options, expected outer fields. flags: the exact first 16 bits of GRE.
# ttl/tos None: inherited from the inner packet. df: outer DF bit.
TUNNELS = [
    ("t_plain", "", dict(flags=0x0000)),
    ("t_key", "key 1001", dict(flags=0x2000, key=1001)),
    ("t_kcsum", "key 1002 csum", dict(flags=0xA000, key=1002)),
    ("t_kseq", "key 1003 seq", dict(flags=0x3000, key=1003)),
    ("t_kcs", "key 4294967295 csum seq", dict(flags=0xB000, key=0xFFFFFFFF)),
    ("t_asym", "ikey 111 okey 222", dict(flags=0x2000, key=222)),
    ("t_key0", "key 0", dict(flags=0x2000, key=0)),
    ("t_dotkey", "key 10.20.30.40", dict(flags=0x2000, key=0x0A141E28)),
    ("t_csum", "csum", dict(flags=0x8000)),
    ("t_seq", "seq", dict(flags=0x1000)),
    ("t_ocs", "ocsum oseq", dict(flags=0x9000)),
    ("t_ttl17", "ttl 17", dict(flags=0, ttl=17)),
    ("t_ttlinh", "ttl inherit", dict(flags=0, ttl=None)),
    ("t_tos28", "tos 0x28", dict(flags=0, tos=0x28)),
    ("t_tosinh", "tos inherit", dict(flags=0, tos=None)),
    ("t_nopmtu", "nopmtudisc", dict(flags=0, df=False)),
]
DEFAULTS = dict(key=None, ttl=64, tos=0, df=True)


def remote(i):
    return f"203.0.113.{10 + i}"


def overhead(flags):
    return 20 + 4 + 4 * bin(flags & 0xB000).count("1")


def inner_packets(i, flags):
    """The inner IPv4 packets sent into tunnel i, as (bytes, frame padding)."""
    dst = f"10.{100 + i}.0."
    src = g.LAN_HOST
    mtu = 1500 - overhead(flags)
    pkts = [
        (IP(src=src, dst=dst + "1", ttl=64, id=1) / ICMP(id=i, seq=1), 0),
        (IP(src=src, dst=dst + "2", ttl=2, tos=0xB8, id=2) / ICMP(id=i, seq=2) / b"x", 0),
        (IP(src=src, dst=dst + "3", ttl=255, tos=0x02, id=3) / UDP(sport=1000 + i, dport=53)
         / bytes(range(37)), 0),
        (IP(src=src, dst=dst + "4", ttl=128, flags="DF", id=4)
         / TCP(sport=40000 + i, dport=443, flags="PA", seq=7, ack=9,
               options=[("MSS", 1460), ("NOP", None), ("WScale", 7)]) / (b"t" * 100), 0),
        (IP(src=src, dst=dst + "5", ttl=33, tos=0x11, id=5) / UDP(sport=5, dport=6)
         / (b"\xa5" * 1001), 0),
        # 31 bytes of IP in a 60-byte frame: the Ethernet padding must not be carried
        (IP(src=src, dst=dst + "6", ttl=9, id=6) / UDP(sport=7, dport=8) / b"abc", 60),
        # a first fragment is forwarded as it is (the tunnel does not reassemble)
        (IP(src=src, dst=dst + "7", ttl=50, id=0x1234, flags="MF") / UDP(sport=9, dport=10)
         / (b"f" * 64), 0),
        # IP options (IHL 6): copied, not parsed
        (IP(src=src, dst=dst + "8", ttl=77, id=8, options=b"\x01\x01\x01\x00") / ICMP(seq=8), 0),
        # exactly the tunnel MTU (port MTU 1500 minus outer IP and GRE)
        (IP(src=src, dst=dst + "9", ttl=60, id=9) / UDP(sport=11, dport=12) / (b"m" * (mtu - 28)),
         0),
    ]
    return [(bytes(p), pad) for p, pad in pkts]


def corpus():
    """The startup file, the LAN frames and [(tunnel index, inner bytes)] in LAN order."""
    conf = list(g.BASE_CONFIG)
    per_tunnel = []
    for i, (name, opts, exp) in enumerate(TUNNELS):
        conf.append(f"tunnel add {name} mode gre local {g.WAN_IP} remote {remote(i)} {opts}")
        conf.append(f"route add 10.{100 + i}.0.0/24 dev {name}")
        per_tunnel.append(inner_packets(i, exp["flags"]))
    sent, frames = [], []
    for k in range(len(per_tunnel[0])):  # interleaved: packet k of every tunnel, then k+1
        for i, pkts in enumerate(per_tunnel):
            ip, pad = pkts[k]
            f = g.lan_frame(ip)
            frames.append(f + b"\0" * max(0, pad - len(f)))
            sent.append((i, ip))
    return conf, frames, sent


@pytest.fixture(scope="module")
def encap(greway_bin, tmp_path_factory):
    """One greway run: (result, [(tunnel index, inner bytes)] in LAN order, LAN frames)."""
    work = tmp_path_factory.mktemp("encap")
    work.chmod(0o755)
    conf, frames, sent = corpus()
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], conf, lan_in=frames)
    assert res.rc == 0, res.stderr
    return res, sent, frames


def expected(i):
    e = dict(DEFAULTS)
    e.update(TUNNELS[i][2])
    return e


def by_tunnel(res):
    """Frames of the WAN tx pcap grouped by tunnel index (outer destination), in order."""
    remotes = {remote(i): i for i in range(len(TUNNELS))}
    out = {i: [] for i in range(len(TUNNELS))}
    for f in res.wan_out:
        dst = ".".join(str(b) for b in f[30:34])
        assert dst in remotes, f"a frame to {dst}, which is no tunnel's remote"
        out[remotes[dst]].append(f)
    return out


def sent_by_tunnel(sent):
    out = {i: [] for i in range(len(TUNNELS))}
    for i, ip in sent:
        out[i].append(ip)
    return out


def test_encap_one_gre_packet_per_inner_packet(encap):
    """Every inner packet routed into a tunnel leaves port0 as exactly one GRE packet, in order
    per tunnel; nothing leaves the LAN port and nothing is dropped."""
    res, sent, _ = encap
    assert len(res.wan_out) == len(sent)
    assert res.lan_out == []
    got = by_tunnel(res)
    for i, ips in sent_by_tunnel(sent).items():
        assert len(got[i]) == len(ips), TUNNELS[i][0]
    res.assert_drops({})


def test_encap_ethernet_header(encap):
    """The outer Ethernet header goes to the underlay next hop's static MAC, from port0's MAC."""
    res, _, _ = encap
    for f in res.wan_out:
        e = Ether(f)
        assert (e.dst, e.src, e.type) == (g.WAN_NH_MAC, g.WAN_MAC, 0x0800)


def test_encap_outer_ipv4(encap):
    """Outer IPv4: version 4, IHL 5, total length = frame - 14, addresses, protocol 47,
    TTL/TOS/DF as configured (inherit copies the inner packet's, after its TTL decrement),
    no fragment bits, a valid checksum (own RFC 1071 sum and scapy's recomputation)."""
    res, sent, _ = encap
    ins = sent_by_tunnel(sent)
    for i, frames in by_tunnel(res).items():
        e = expected(i)
        for f, inner in zip(frames, ins[i]):
            hdr = f[14:34]
            ip = IP(f[14:])
            assert ip.version == 4 and ip.ihl == 5
            assert ip.len == len(f) - 14
            assert (ip.src, ip.dst, ip.proto) == (g.WAN_IP, remote(i), 47)
            assert ip.ttl == (inner[8] - 1 if e["ttl"] is None else e["ttl"]), TUNNELS[i][0]
            # RFC 6040 normal mode: DSCP configured (or inherited), ECN copied from inside
            want = inner[1] if e["tos"] is None else (e["tos"] & 0xFC) | (inner[1] & 3)
            assert ip.tos == want, TUNNELS[i][0]
            assert ip.flags.DF == e["df"] and not ip.flags.MF and ip.frag == 0
            assert ip.flags.evil == 0  # the reserved bit
            assert g.csum16(hdr) == 0xFFFF
            assert hdr == g.ip_csum_fix(hdr)
            clean = ip.copy()
            del clean.chksum
            assert IP(bytes(clean)).chksum == ip.chksum


def test_encap_outer_ip_id_unique_without_df(encap):
    """Packets that may be fragmented (nopmtudisc: DF clear) carry distinct IPv4 IDs (RFC 6864)."""
    res, _, _ = encap
    nopmtu = [i for i in range(len(TUNNELS)) if not expected(i)["df"]]
    for i in nopmtu:
        ids = [IP(f[14:]).id for f in by_tunnel(res)[i]]
        assert len(set(ids)) == len(ids)


def test_encap_gre_header(encap):
    """GRE: exactly the configured C/K/S bits, version 0, reserved bits 0, protocol 0x0800,
    reserved1 0 after the checksum, the key (okey; 0 is a key), sequence numbers 0, 1, 2..."""
    res, _, _ = encap
    for i, frames in by_tunnel(res).items():
        e = expected(i)
        for n, f in enumerate(frames):
            gre = f[34:]
            word, proto = struct.unpack("!HH", gre[:4])
            assert word == e["flags"], (TUNNELS[i][0], hex(word))
            assert proto == 0x0800
            off = 4
            if word & 0x8000:
                assert gre[off + 2:off + 4] == b"\0\0"  # reserved1
                off += 4
            if word & 0x2000:
                assert struct.unpack("!I", gre[off:off + 4])[0] == e["key"]
                off += 4
            if word & 0x1000:
                assert struct.unpack("!I", gre[off:off + 4])[0] == n, TUNNELS[i][0]
                off += 4
            assert off == overhead(word) - 20
            # scapy agrees
            s = Ether(f)[GRE]
            assert s.chksum_present == bool(word & 0x8000)
            assert s.key_present == bool(word & 0x2000)
            assert s.seqnum_present == bool(word & 0x1000)
            assert (s.routing_present, s.strict_route_source, s.recursion_control, s.flags,
                    s.version) == (0, 0, 0, 0, 0)
            if e["key"] is not None:
                assert s.key == e["key"]
            if word & 0x1000:
                assert s.sequence_number == n


def test_encap_gre_checksum(encap):
    """With csum/ocsum the GRE checksum is the RFC 1071 checksum of GRE header and payload."""
    res, _, _ = encap
    seen = 0
    for i, frames in by_tunnel(res).items():
        if not expected(i)["flags"] & 0x8000:
            continue
        for f in frames:
            gre = bytearray(f[34:])
            assert g.csum16(bytes(gre)) == 0xFFFF
            stored = gre[4:6]
            gre[4:6] = b"\0\0"
            assert struct.pack("!H", ~g.csum16(bytes(gre)) & 0xFFFF) == stored
            seen += 1
    assert seen > 0


def test_encap_inner_packet_unchanged_but_ttl(encap):
    """The GRE payload is the inner packet as received minus Ethernet padding, with TTL - 1
    and a valid header checksum; every other byte is unchanged."""
    res, sent, _ = encap
    ins = sent_by_tunnel(sent)
    for i, frames in by_tunnel(res).items():
        hl = overhead(expected(i)["flags"]) - 20
        for f, inner in zip(frames, ins[i]):
            out = f[34 + hl:]
            assert len(out) == len(inner)
            ihl = (inner[0] & 0xF) * 4
            assert out[8] == inner[8] - 1
            assert g.csum16(out[:ihl]) == 0xFFFF
            assert out[:8] + out[9:10] + out[12:] == inner[:8] + inner[9:10] + inner[12:]


def test_encap_tshark_agrees(encap):
    """tshark decodes every frame as IPv4/GRE/IPv4 with good outer and inner IP checksums,
    good GRE checksums, the configured key and sequence numbers 0, 1, 2..."""
    require_tool("tshark")
    res, sent, _ = encap
    fields = ["ip.dst", "ip.proto", "ip.len", "ip.checksum.status", "ip.ttl", "ip.dsfield",
              "ip.flags.df", "gre.flags_and_version", "gre.proto", "gre.key",
              "gre.sequence_number", "gre.checksum.status"]
    rows = g.tshark_fields(res.wan_out_path, fields,
                           prefs=("ip.check_checksum:TRUE", "ip.defragment:FALSE"))
    assert len(rows) == len(sent)
    remotes = {remote(i): i for i in range(len(TUNNELS))}
    count = {}
    for r, f in zip(rows, res.wan_out):
        outer_dst = r["ip.dst"].split(",")[0]
        i = remotes[outer_dst]
        e = expected(i)
        n = count.get(i, 0)
        count[i] = n + 1
        assert r["ip.proto"].split(",")[0] == "47"
        assert int(r["ip.len"].split(",")[0]) == len(f) - 14
        assert r["ip.checksum.status"] == "1,1", (TUNNELS[i][0], r)
        assert int(r["ip.flags.df"].split(",")[0]) == int(e["df"])
        assert int(r["gre.flags_and_version"], 16) == e["flags"]
        assert int(r["gre.proto"], 16) == 0x0800
        if e["ttl"] is not None:
            assert int(r["ip.ttl"].split(",")[0]) == e["ttl"]
        if e["tos"] is not None:
            dsfield = [int(x, 16) for x in r["ip.dsfield"].split(",")]  # outer, inner
            assert dsfield[0] == (e["tos"] & 0xFC) | (dsfield[1] & 3)
        if e["key"] is None:
            assert r["gre.key"] == ""
        else:
            assert int(r["gre.key"], 16) == e["key"]
        if e["flags"] & 0x1000:
            assert int(r["gre.sequence_number"]) == n
        else:
            assert r["gre.sequence_number"] == ""
        if e["flags"] & 0x8000:
            assert r["gre.checksum.status"] == "1", (TUNNELS[i][0], r)
        else:
            assert r["gre.checksum.status"] == ""


def test_encap_counters(encap):
    """Tunnel counters: tx_packets and tx_bytes (inner bytes) per tunnel, nothing received;
    port counters: port1 received every frame, port0 sent every GRE packet."""
    res, sent, frames = encap
    ins = sent_by_tunnel(sent)
    for i, (name, _, _) in enumerate(TUNNELS):
        assert res.tunnels[name] == dict(rx_packets=0, rx_bytes=0, tx_packets=len(ins[i]),
                                         tx_bytes=sum(len(p) for p in ins[i]))
    p0, p1 = res.ports["port0"], res.ports["port1"]
    assert (p1["rx_packets"], p1["rx_bytes"]) == (len(frames), sum(len(f) for f in frames))
    assert (p0["tx_packets"], p0["tx_bytes"]) == (len(res.wan_out),
                                                  sum(len(f) for f in res.wan_out))
    assert (p0["rx_packets"], p1["tx_packets"]) == (0, 0)
    for p in (p0, p1):
        assert (p["rx_missed"], p["rx_errors"], p["tx_errors"]) == (0, 0, 0)


def test_encap_tos_word_is_hex_as_in_iproute2(greway_bin, workdir, run_id):
    """`tos 28` means 0x28, as ip-tunnel(8) reads it (iproute2 parses DS field values as hex),
    so a tunnel line copied from a Linux configuration marks the same DSCP."""
    conf = g.BASE_CONFIG + [
        f"tunnel add tos28 mode gre local {g.WAN_IP} remote 203.0.113.9 tos 28",
        "route add 10.99.0.0/24 dev tos28",
    ]
    inner = bytes(IP(src=g.LAN_HOST, dst="10.99.0.1") / ICMP())
    res = g.run_pcap(greway_bin, workdir, run_id, conf, lan_in=[g.lan_frame(inner)])
    assert res.rc == 0, res.stderr
    assert len(res.wan_out) == 1
    assert IP(res.wan_out[0][14:]).tos == 0x28


def test_encap_outer_packet_fits_underlay_mtu(greway_bin, workdir, run_id):
    """A tunnel `mtu` larger than its underlay allows never puts a frame bigger than the
    egress port's MTU (1500) on the wire: with DF set the outer packet cannot be fragmented,
    so an inner packet with DF that does not fit is dropped as too_big (as Linux's ip_gre
    refuses it with its route's PMTU); one that fits is sent; one without DF is fragmented
    to fit (test_pcap_frag)."""
    conf = g.BASE_CONFIG + [
        f"tunnel add big mode gre local {g.WAN_IP} remote 203.0.113.9 mtu 3000",
        "route add 10.99.0.0/24 dev big",
    ]
    fits = bytes(IP(src=g.LAN_HOST, dst="10.99.0.1", id=1) / UDP() / (b"f" * (1476 - 28)))
    over = bytes(IP(src=g.LAN_HOST, dst="10.99.0.1", id=2, flags="DF") / UDP() /
                 (b"o" * (1477 - 28)))
    res = g.run_pcap(greway_bin, workdir, run_id, conf,
                     lan_in=[g.lan_frame(fits), g.lan_frame(over)])
    assert res.rc == 0, res.stderr
    assert [len(f) - 14 for f in res.wan_out] == [1500]
    res.assert_drops({"too_big": 1})
