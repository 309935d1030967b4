# SPDX-License-Identifier: BSD-3-Clause
"""TCP MSS clamping (tunnel option clamp-mss) on net_pcap, both directions.

One greway run holds one tunnel per setting, each with its own remote
(203.0.113.40+i) and inner /24 (10.140+i.0.0/24). The LAN pcap carries TCP
segments into every tunnel (encap: clamped before encapsulation), the WAN
pcap GRE packets out of every tunnel towards the LAN host (decap: clamped
after decapsulation). Every packet has a unique IPv4 ID.

What must come out is computed here without greway's code: the packet as a
router forwards it (TTL - 1, header checksum fixed), with the MSS option
rewritten and the TCP checksum recomputed from scratch over the pseudo header
and segment. Outputs must equal that byte for byte; scapy checks the TCP
checksum again on the output, after the GRE packets are decapsulated here.
"""
import struct
import uuid

import pytest
from scapy.all import IP, TCP, UDP

import gwpcap as g

# name, options, MSS ceiling (None: clamp-mss off). The tunnel MTU is the port's
# 1500 less the GRE overhead (24, +4 per key/csum/seq), or mtu N; auto is MTU - 40.
TUNNELS = [
    ("m_auto", "", 1500 - 24 - 40),                          # default: auto
    ("m_kcs", "key 5 csum seq clamp-mss auto", 1500 - 36 - 40),
    ("m_mtu", "mtu 1400", 1400 - 40),
    ("m_1200", "clamp-mss 1200", 1200),
    ("m_off", "clamp-mss off", None),
    ("m_chg", "clamp-mss off", 1300),                         # then: change clamp-mss 1300
]
CHANGES = ["tunnel change m_chg clamp-mss 1300"]
KEYED = {"m_kcs": 5}

LINUX_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (123456, 0)), ("NOP", None),
              ("WScale", 7)]


def remote(i):
    return f"203.0.113.{40 + i}"


def far(i):
    return f"10.{140 + i}.0.2"


def segments(src, dst, ident):
    """(name, IPv4 bytes, clamp applies) of the TCP (and other) packets of one direction."""
    ids = iter(range(ident, ident + 100))

    def ip(**kw):
        return IP(src=src, dst=dst, ttl=64, id=next(ids), flags="DF", **kw)

    return [
        ("syn mss 1460", ip() / TCP(sport=40001, dport=80, flags="S", seq=1000,
                                    options=LINUX_OPTS), True),
        ("syn-ack mss 1460", ip() / TCP(sport=80, dport=40001, flags="SA", seq=5000, ack=1001,
                                        options=[("MSS", 1460), ("NOP", None), ("NOP", None),
                                                 ("SAckOK", b""), ("NOP", None),
                                                 ("WScale", 9)]), True),
        ("syn mss at an odd offset", ip() / TCP(sport=40002, dport=80, flags="S",
                                                options=[("NOP", None), ("MSS", 8960),
                                                         ("EOL", None)]), True),
        ("syn mss last", ip() / TCP(sport=40003, dport=80, flags="S",
                                    options=[("WScale", 2), ("NOP", None), ("SAckOK", b""),
                                             ("MSS", 65495)]), True),
        ("syn with data (TFO)", ip() / TCP(sport=40004, dport=80, flags="S",
                                           options=[("MSS", 1460)]) / (b"d" * 51), True),
        ("syn mss already lower", ip() / TCP(sport=40005, dport=80, flags="S",
                                             options=[("MSS", 536)]), False),
        ("syn without mss", ip() / TCP(sport=40006, dport=80, flags="S",
                                       options=[("SAckOK", b""), ("NOP", None),
                                                ("WScale", 7)]), False),
        ("syn without options", ip() / TCP(sport=40007, dport=80, flags="S"), False),
        # MSS, then an option whose length (12) runs past the header: data offset 7 makes
        # these 8 bytes the option list
        ("syn, option of a bad length", ip() / TCP(sport=40008, dport=80, flags="S", dataofs=7)
         / b"\x02\x04\x05\xb4\x08\x0c\0\0", False),
        ("first fragment of a syn", IP(src=src, dst=dst, ttl=64, id=next(ids), flags="MF")
         / TCP(sport=40009, dport=80, flags="S", options=[("MSS", 1460)]), False),
        ("ack with data", ip() / TCP(sport=40001, dport=80, flags="A", seq=1001, ack=5001)
         / (b"a" * 333), False),
        ("ack whose payload looks like an mss option", ip() / TCP(
            sport=40001, dport=80, flags="PA", seq=1334, ack=5001) / (b"\x02\x04\x05\xb4" * 4),
         False),
        ("fin", ip() / TCP(sport=40001, dport=80, flags="FA", seq=1350, ack=5001), False),
        ("udp", ip() / UDP(sport=53, dport=53) / b"\x02\x04\x05\xb4", False),
    ]


def tcp_csum_ok(ip_bytes):
    """The TCP checksum verifies over pseudo header + segment (own RFC 1071 sum)."""
    ihl = (ip_bytes[0] & 15) * 4
    tlen = struct.unpack("!H", ip_bytes[2:4])[0]
    seg = ip_bytes[ihl:tlen]
    pseudo = ip_bytes[12:20] + struct.pack("!BBH", 0, 6, len(seg))
    return g.csum16(pseudo + seg) == 0xFFFF


def clamped(ip_bytes, ceiling):
    """ip_bytes with every MSS option above ceiling lowered to it, TCP checksum recomputed."""
    b = bytearray(ip_bytes)
    ihl = (b[0] & 15) * 4
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
    assert changed, "the row expects a clamp but has no MSS above the ceiling"
    tlen = struct.unpack("!H", b[2:4])[0]
    b[ihl + 16:ihl + 18] = b"\0\0"
    seg = bytes(b[ihl:tlen])
    pseudo = bytes(b[12:20]) + struct.pack("!BBH", 0, 6, len(seg))
    b[ihl + 16:ihl + 18] = struct.pack("!H", ~g.csum16(pseudo + seg) & 0xFFFF)
    return bytes(b)


def mss_of(ip_bytes):
    """The MSS options' values, as scapy reads them."""
    return [v for k, v in IP(ip_bytes)[TCP].options if k == "MSS"]


def decapsulated(frame):
    """The inner IPv4 packet of a GRE frame greway sent (parsed here, not by greway)."""
    gre = frame[34:]
    word = struct.unpack("!H", gre[:2])[0]
    off = 4 + 4 * bin(word & 0xB000).count("1")
    return gre[off:]


@pytest.fixture(scope="module")
def mss(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("mss")
    work.chmod(0o755)
    conf = list(g.BASE_CONFIG)
    for i, (name, opts, _) in enumerate(TUNNELS):
        conf.append(f"tunnel add {name} mode gre local {g.WAN_IP} remote {remote(i)} {opts}")
        conf.append(f"route add 10.{140 + i}.0.0/24 dev {name}")
    conf += CHANGES
    lan, wan, cases = [], [], []  # cases: (direction, tunnel index, row name, sent, clamp)
    seq = {}
    for i, (name, _, _) in enumerate(TUNNELS):
        for row, pkt, clamp in segments(g.LAN_HOST, far(i), 1000 * (i + 1)):
            lan.append(g.lan_frame(bytes(pkt)))
            cases.append(("encap", i, row, bytes(pkt), clamp))
        for row, pkt, clamp in segments(far(i), g.LAN_HOST, 1000 * (i + 1) + 500):
            kw = {}
            if name in KEYED:
                seq[name] = seq.get(name, 0) + 1
                kw = dict(key=KEYED[name], csum=True, seq=seq[name])
            wan.append(g.wan_gre(remote(i), bytes(pkt), **kw))
            cases.append(("decap", i, row, bytes(pkt), clamp))
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], conf, wan_in=wan, lan_in=lan)
    assert res.rc == 0, res.stderr
    return res, cases


def outputs(res):
    """{(direction, tunnel index, IPv4 ID): inner IPv4 bytes} of what greway sent."""
    remotes = {remote(i): i for i in range(len(TUNNELS))}
    out = {}
    for f in res.wan_out:
        i = remotes[".".join(str(x) for x in f[30:34])]
        inner = decapsulated(f)
        out[("encap", i, struct.unpack("!H", inner[4:6])[0])] = inner
    for f in res.lan_out:
        inner = f[14:]
        i = int(inner[13]) - 140  # source 10.(140+i).0.2
        out[("decap", i, struct.unpack("!H", inner[4:6])[0])] = inner
    return out


def test_every_packet_forwarded_once(mss):
    """Every segment crosses its tunnel, in both directions; nothing is dropped."""
    res, cases = mss
    assert len(res.wan_out) == sum(1 for c in cases if c[0] == "encap")
    assert len(res.lan_out) == sum(1 for c in cases if c[0] == "decap")
    res.assert_drops({})


@pytest.mark.parametrize("direction", ["encap", "decap"])
def test_clamp(mss, direction):
    """Each output is the forwarded input, with the MSS lowered to the tunnel's ceiling where
    the rule applies (SYN or SYN-ACK, MSS above the ceiling, clamping on) and the TCP checksum
    valid; every other packet (lower MSS, no MSS, bad option lengths, fragment, non-SYN, UDP,
    clamp-mss off) is the forwarded input byte for byte."""
    res, cases = mss
    out = outputs(res)
    for d, i, row, sent, clamp in cases:
        if d != direction:
            continue
        name, _, ceiling = TUNNELS[i]
        got = out.get((d, i, struct.unpack("!H", sent[4:6])[0]))
        assert got is not None, f"{d} {name}: {row}: not forwarded"
        want = g.forwarded(sent)
        if clamp and ceiling is not None:
            want = g.forwarded(clamped(sent, ceiling))
            assert all(m <= ceiling for m in mss_of(got)), (d, name, row, mss_of(got))
        assert got == want, f"{d} {name}: {row}: {got.hex()} != {want.hex()}"
        if sent[9] == 6 and not (struct.unpack("!H", sent[6:8])[0] & 0x3FFF):
            assert tcp_csum_ok(got), f"{d} {name}: {row}: bad TCP checksum"
            # scapy's own recomputation agrees with the checksum carried (not for the
            # option list of bad lengths: scapy rebuilds it differently)
            p = IP(got)
            if "bad length" not in row:
                carried = p[TCP].chksum
                del p[TCP].chksum
                assert IP(bytes(p))[TCP].chksum == carried, (d, name, row)


def test_clamp_values(mss):
    """The SYN with MSS 1460 leaves each tunnel with the MSS its setting gives: tunnel MTU - 40
    for auto (1436, 1424 with key+csum+seq, 1360 with mtu 1400), 1200 for clamp-mss 1200,
    1460 for off, 1300 after tunnel change; the SYN-ACK coming out of the tunnel likewise."""
    res, cases = mss
    out = outputs(res)
    want = {"m_auto": 1436, "m_kcs": 1424, "m_mtu": 1360, "m_1200": 1200, "m_off": 1460,
            "m_chg": 1300}
    for d, i, row, sent, _ in cases:
        if row in ("syn mss 1460", "syn-ack mss 1460"):
            got = out[(d, i, struct.unpack("!H", sent[4:6])[0])]
            assert mss_of(got) == [want[TUNNELS[i][0]]], (d, TUNNELS[i][0], row)
