# SPDX-License-Identifier: BSD-3-Clause
"""GRE decapsulation on net_pcap: GRE packets built byte by byte arrive on
port0, the inner packets must leave port1 towards the LAN neighbour, TTL - 1,
bytes otherwise unchanged; per-tunnel receive counters; RFC 2890 key and
sequence-number rules.

One greway run holds every tunnel below; each inner packet carries a unique
IPv4 ID so the LAN tx pcap can be matched against what was sent.
"""
import struct
import uuid

import pytest
from scapy.all import ICMP, IP, TCP, UDP, Ether

import gwpcap as g
from conftest import require_tool

TUNNELS = [
    # name, remote, options
    ("d_plain", "203.0.113.2", ""),
    ("d_key7", "203.0.113.2", "key 7"),
    ("d_key0", "203.0.113.2", "key 0"),
    ("d_seq", "203.0.113.3", "seq"),
    ("d_wrap", "203.0.113.4", "iseq"),
    ("d_csum", "203.0.113.5", "csum"),
    ("d_asym", "203.0.113.6", "ikey 111 okey 222"),
    ("d_all", "203.0.113.8", "key 9 csum seq"),
]


def inner(ident, kind=0, ttl=64, size=None):
    """An inner IPv4 packet from a remote site to the LAN host, identified by its IPv4 ID."""
    base = IP(src="10.16.0.2", dst=g.LAN_HOST, ttl=ttl, id=ident)
    if size is not None:
        return bytes(base / UDP(sport=ident, dport=9) / (b"s" * size))
    return bytes([
        base / ICMP(type=8, id=ident, seq=1) / b"ping",
        base / UDP(sport=1234, dport=53) / bytes(range(37)),
        base / TCP(sport=179, dport=40000, flags="SA", options=[("MSS", 1400)]) / (b"b" * 33),
    ][kind % 3])


class Case:
    """The WAN frames, what must come out for each, and the expected counters."""

    def __init__(self):
        self.frames = []
        self.delivered = []   # inner packets that must come out, in order
        self.rx = {name: [] for name, _, _ in TUNNELS}

    def add(self, tunnel, remote, pkt, deliver=True, pad_to=0, **kw):
        f = g.wan_gre(remote, pkt, **kw)
        self.frames.append(f + b"\0" * max(0, pad_to - len(f)))
        if deliver:
            self.delivered.append(pkt)
            self.rx[tunnel].append(pkt)


def build():
    c = Case()
    ident = iter(range(100, 10000))
    r2 = "203.0.113.2"
    # keyless, key 7 and key 0 share the addresses: the key alone picks the tunnel
    c.add("d_plain", r2, inner(next(ident), 0))
    c.add("d_key7", r2, inner(next(ident), 1), key=7)
    c.add("d_key0", r2, inner(next(ident), 2), key=0)
    c.add("d_plain", r2, inner(next(ident), 1))
    c.add("d_key7", r2, inner(next(ident), 2), key=7)
    # bits 6-12 are reserved: ignored on receipt (RFC 2784 2.3)
    c.add("d_plain", r2, inner(next(ident), 0), force_flags=0x03F8)
    c.add("d_key7", r2, inner(next(ident), 0), key=7, force_flags=0x2000 | 0x00F8)
    # a checksum or a sequence number the tunnel does not require: verified / ignored
    c.add("d_plain", r2, inner(next(ident), 1), csum=True)
    c.add("d_plain", r2, inner(next(ident), 2), seq=12345)
    # outer TTL 1 is fine for a packet addressed to us; inner TTL 2 leaves as 1
    c.add("d_plain", r2, inner(next(ident), 0), ttl=1)
    c.add("d_plain", r2, inner(next(ident), 0, ttl=2))
    # smallest inner packet in a padded 60-byte frame: the padding is not the payload
    c.add("d_plain", r2, bytes(IP(src="10.16.0.2", dst=g.LAN_HOST, proto=253, id=next(ident))),
          pad_to=60)
    # the largest inner packet the LAN port's MTU (1500) takes
    c.add("d_plain", r2, inner(next(ident), size=1500 - 28))
    # RFC 2890 2.2 with iseq: newer accepted (gaps too), repeated or older dropped
    for s, ok in [(0, True), (1, True), (2, True), (2, False), (1, False), (5, True),
                  (4, False), (6, True)]:
        c.add("d_seq", "203.0.113.3", inner(next(ident), s), deliver=ok, seq=s)
    # serial-number arithmetic (RFC 1982): steps below 2^31 are newer, across the wrap too
    for s, ok in [(0, True), (0x7FFFFFFF, True), (0xFFFFFFFE, True), (0xFFFFFFFF, True),
                  (0, True), (1, True), (0xFFFFFFFF, False)]:
        c.add("d_wrap", "203.0.113.4", inner(next(ident), s), deliver=ok, seq=s)
    # icsum: a good checksum over odd and even lengths
    c.add("d_csum", "203.0.113.5", inner(next(ident), 1), csum=True)
    c.add("d_csum", "203.0.113.5", inner(next(ident), 0), csum=True)
    c.add("d_csum", "203.0.113.5", inner(next(ident), size=1001), csum=True)
    # ikey 111 okey 222: receive needs 111
    c.add("d_asym", "203.0.113.6", inner(next(ident), 2), key=111)
    # key + checksum + sequence
    c.add("d_all", "203.0.113.8", inner(next(ident), 0), key=9, csum=True, seq=0)
    c.add("d_all", "203.0.113.8", inner(next(ident), 1), key=9, csum=True, seq=1)
    return c


def config():
    """The startup file: every tunnel of TUNNELS, the inner routes behind d_plain."""
    conf = list(g.BASE_CONFIG)
    for name, rem, opts in TUNNELS:
        conf.append(f"tunnel add {name} mode gre local {g.WAN_IP} remote {rem} {opts}")
    conf.append("route add 10.16.0.0/24 dev d_plain")
    return conf


@pytest.fixture(scope="module")
def decap(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("decap")
    work.chmod(0o755)
    conf = config()
    c = build()
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], conf, wan_in=c.frames)
    assert res.rc == 0, res.stderr
    return res, c


def test_decap_delivers_inner_packets_in_order(decap):
    """Each accepted GRE packet yields one frame on port1, in arrival order, to the LAN
    neighbour's MAC from port1's MAC; nothing goes back out of port0."""
    res, c = decap
    assert len(res.lan_out) == len(c.delivered)
    assert res.wan_out == []
    for f, pkt in zip(res.lan_out, c.delivered):
        e = Ether(f)
        assert (e.dst, e.src, e.type) == (g.LAN_HOST_MAC, g.LAN_MAC, 0x0800)
        assert IP(f[14:]).id == IP(pkt).id


def test_decap_inner_bytes_unchanged_but_ttl(decap):
    """The inner packet leaves with TTL - 1 and a valid checksum, every other byte as sent,
    no outer header, no Ethernet padding from the outer frame."""
    res, c = decap
    for f, pkt in zip(res.lan_out, c.delivered):
        out = f[14:]
        # greway may pad a short frame to 60 bytes, with zeros only
        assert len(f) == 14 + len(pkt) or (len(f) == 60 and not any(out[len(pkt):]))
        out = out[:len(pkt)]
        assert out[8] == pkt[8] - 1
        assert g.csum16(out[:20]) == 0xFFFF
        assert out[:8] + out[9:10] + out[12:] == pkt[:8] + pkt[9:10] + pkt[12:]


def test_decap_tunnel_counters_demultiplex_by_key(decap):
    """Per-tunnel rx counters: the keyless, key 7 and key 0 tunnels on the same addresses each
    got exactly their own packets (key 0 is not 'no key'); rx_bytes counts inner bytes."""
    res, c = decap
    for name, _, _ in TUNNELS:
        pkts = c.rx[name]
        assert res.tunnels[name] == dict(rx_packets=len(pkts), rx_bytes=sum(map(len, pkts)),
                                         tx_packets=0, tx_bytes=0), name


def test_decap_sequence_rules(decap):
    """iseq: 0,1,2 accepted, a repeated or older number dropped as gre_seq_old, a gap (5 after
    2) accepted; across the 2^32 wrap newer numbers are accepted. No other drop."""
    res, c = decap
    ids = [IP(f[14:]).id for f in res.lan_out]
    seq_ids = [IP(p).id for p in c.rx["d_seq"]]
    assert [i for i in ids if i in seq_ids] == seq_ids
    assert len(c.rx["d_seq"]) == 5 and len(c.rx["d_wrap"]) == 6
    res.assert_drops({"gre_seq_old": 4})


def test_decap_port_counters(decap):
    """port0 received every frame (bytes as in the pcap), port1 sent each delivered packet."""
    res, c = decap
    p0, p1 = res.ports["port0"], res.ports["port1"]
    assert (p0["rx_packets"], p0["rx_bytes"]) == (len(c.frames), sum(map(len, c.frames)))
    assert (p1["tx_packets"], p1["tx_bytes"]) == (len(res.lan_out), sum(map(len, res.lan_out)))
    assert (p0["tx_packets"], p1["rx_packets"]) == (0, 0)


def test_decap_tshark_agrees(decap):
    """tshark sees plain IPv4 on the LAN with good checksums and the decremented TTL."""
    require_tool("tshark")
    res, c = decap
    rows = g.tshark_fields(res.lan_out_path, ["eth.dst", "ip.id", "ip.ttl", "ip.checksum.status",
                                               "gre.proto"])
    assert len(rows) == len(c.delivered)
    for r, pkt in zip(rows, c.delivered):
        assert r["eth.dst"] == g.LAN_HOST_MAC
        assert int(r["ip.id"], 16) == IP(pkt).id
        assert int(r["ip.ttl"]) == pkt[8] - 1
        assert r["ip.checksum.status"] == "1"
        assert r["gre.proto"] == ""


def test_decap_first_sequence_number_is_accepted(greway_bin, workdir, run_id):
    """With iseq, the first packet is accepted whatever its sequence number (there is no
    previous one: a peer that has been up for long, or restarted greway, sends large numbers),
    as Linux's ip_gre does; the following ones are then checked against it."""
    conf = g.BASE_CONFIG + [
        f"tunnel add first mode gre local {g.WAN_IP} remote 203.0.113.7 iseq",
    ]
    seqs = [3000000000, 3000000001, 3000000001, 3000000002]
    frames = [g.wan_gre("203.0.113.7", inner(1 + n), seq=s) for n, s in enumerate(seqs)]
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=frames)
    assert res.rc == 0, res.stderr
    assert [IP(f[14:]).id for f in res.lan_out] == [1, 2, 4]
    res.assert_drops({"gre_seq_old": 1})


def test_decap_ping_tunnel_address_answered_through_tunnel(greway_bin, workdir, run_id):
    """An ICMP echo request to the gateway's address on a tunnel, arriving through that
    tunnel, is answered through the tunnel: one GRE packet (key, checksum, sequence 0) whose
    inner packet is the echo reply from that address, with valid IP and ICMP checksums."""
    conf = g.BASE_CONFIG + [
        f"tunnel add p1 mode gre local {g.WAN_IP} remote 203.0.113.2 key 3 csum seq",
        "addr add 172.16.10.1/30 dev p1",
        "route add 10.16.0.0/24 via 172.16.10.2",
    ]
    req = bytes(IP(src="10.16.0.2", dst="172.16.10.1", id=5) / ICMP(id=77, seq=3) / b"ping!")
    res = g.run_pcap(greway_bin, workdir, run_id, conf,
                     wan_in=[g.wan_gre("203.0.113.2", req, key=3, csum=True, seq=0)])
    assert res.rc == 0, res.stderr
    assert res.lan_out == [] and len(res.wan_out) == 1
    f = res.wan_out[0]
    assert f[:14] == g.eth(g.WAN_NH_MAC, g.WAN_MAC, 0x0800, b"")
    assert struct.unpack("!H", f[34:36])[0] == 0xB000 and f[42:46] == b"\0\0\0\3"
    assert struct.unpack("!I", f[46:50])[0] == 0 and g.csum16(f[34:]) == 0xFFFF
    rep = IP(f[50:])
    assert (rep.src, rep.dst, rep[ICMP].type, rep[ICMP].id, rep[ICMP].seq) == (
        "172.16.10.1", "10.16.0.2", 0, 77, 3)
    assert bytes(rep[ICMP].payload) == b"ping!"
    assert g.csum16(f[50:70]) == 0xFFFF and g.csum16(f[70:]) == 0xFFFF
    assert res.tunnels["p1"] == dict(rx_packets=1, rx_bytes=len(req), tx_packets=1,
                                     tx_bytes=len(req))
    res.assert_drops({})
