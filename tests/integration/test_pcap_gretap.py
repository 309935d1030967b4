# SPDX-License-Identifier: BSD-3-Clause
"""GRETAP tunnels in a bridge, on net_pcap (and, for ageing, on net_tap).

port0 is the routed WAN of gwpcap.BASE_CONFIG; port1 is a member of bridge
br0, with gretap tunnel gt1 (key 7, to 203.0.113.2) and, where a test needs a
second tunnel to tell flooding from unicast, gt2 (to 203.0.113.3).

What a frame that enters port1 must become on port0: IPv4 from 198.51.100.1 to
the tunnel's remote, GRE with the tunnel's options and protocol 0x6558, and the
frame byte for byte (padding and VLAN tags included); and the reverse. Frames
and GRE packets are built by hand or by scapy; what greway sent is decoded by
hand (gwpcap.gretap_payload), by scapy and by tshark.

A pcap is replayed at once: where the MAC table must have learned from one
frame before the next is switched, gwpcap.in_order puts each step in a burst
of its own (filler frames, dropped before any learning, complete the bursts).
Ageing needs time to pass, which a pcap cannot give: those tests run greway
on net_tap ports in a namespace and send with scapy there.
"""
import json
import uuid

import pytest
from scapy.all import ARP, GRE, IP, UDP, Dot1AD, Dot1Q, Ether, fragment

import gwpcap as g
from conftest import grewayctl_path, require_tool, run

A = g.LAN_HOST_MAC            # a host on the LAN, behind port1
B = "02:00:00:00:02:01"       # a host behind gt1
C = "02:00:00:00:03:01"       # a host behind gt2
D = "02:00:00:00:04:01"       # a host nobody has heard of
S = "02:00:00:00:aa:01"       # a static entry's MAC
BCAST = "ff:ff:ff:ff:ff:ff"
R1, R2 = g.GT1_REMOTE, g.GT2_REMOTE

# untagged, 802.1Q, QinQ (802.1ad outer tag 0x88a8 + 802.1Q inner tag)
KINDS = [("untagged", ()), ("802.1Q", (100,)), ("QinQ", (200, 100))]


def frame(dst, src, ident, size=37, tags=()):
    """An Ethernet frame carrying IPv4/UDP (IPv4 ID and UDP source port ident), maybe tagged."""
    p = Ether(dst=dst, src=src)
    if len(tags) == 2:
        p = p / Dot1AD(vlan=tags[0]) / Dot1Q(vlan=tags[1])
    elif len(tags) == 1:
        p = p / Dot1Q(vlan=tags[0])
    return bytes(p / IP(src="10.0.0.2", dst="10.0.0.9", id=ident, ttl=9) /
                 UDP(sport=ident, dport=9) / bytes((ident + i) & 0xFF for i in range(size)))


def sized(dst, src, length, ident, tags=()):
    """A frame of exactly length bytes."""
    f = frame(dst, src, ident, size=length - 14 - 4 * len(tags) - 28, tags=tags)
    assert len(f) == length
    return f


def arp_padded(src, dst=BCAST):
    """An ARP request padded to 60 bytes with zeros, as a NIC sends it."""
    f = bytes(Ether(dst=dst, src=src) / ARP(hwsrc=src, psrc="10.0.0.2", pdst="10.0.0.9"))
    return f + b"\0" * (60 - len(f))


def bare_header(dst, src):
    """A 14-byte frame: an Ethernet header, nothing after it (local experimental type)."""
    return g.eth(dst, src, 0x88B5, b"")


def by_remote(res):
    """What greway sent on port0: {remote: [(flags, key, seq, inner frame)]}, in order."""
    out = {}
    for f in res.wan_out:
        remote, flags, key, seq, inner = g.gretap_payload(f)
        out.setdefault(remote, []).append((flags, key, seq, inner))
    return out


def inners(res, remote):
    return [x[3] for x in by_remote(res).get(remote, [])]


def ctl(sock, *words):
    return run([str(grewayctl_path()), "-s", str(sock), *words], check=False)


def ctl_json(sock, *words):
    r = ctl(sock, "-j", *words)
    assert r.returncode == 0, (words, r.stderr)
    return json.loads(r.stdout)


def fdb(sock):
    """bridge fdb show, as {mac: (ifname, state)}; every entry is br0's."""
    rows = ctl_json(sock, "bridge", "fdb", "show")
    assert all(r["master"] == "br0" for r in rows), rows
    return {r["mac"]: (r["ifname"], r["state"]) for r in rows}


class Probe:
    """What `during` saw of a running greway."""

    def __init__(self, *queries):
        self.queries = queries
        self.seen = {}

    def __call__(self, sock):
        for name, words in self.queries:
            self.seen[name] = fdb(sock) if words == "fdb" else ctl_json(sock, *words)


def check_ok(res):
    assert res.rc == 0, res.stderr + res.stdout[-3000:]


def bridge_ctr(res, **kw):
    """br0's counters, with every counter not given expected zero."""
    want = dict(rx_frames=0, unicast=0, flooded=0, learned=0, moved=0, aged=0, dropped=0)
    want.update(kw)
    assert res.bridges["br0"] == want, res.bridges["br0"]


# --- encapsulation: frames into port1 leave port0 in GRE ---

def encap_frames():
    """What the LAN host sends, to a host not learned yet (flooded: into gt1, the only other
    member): the three kinds, a padded ARP broadcast, a frame of exactly gt1's MTU + 14."""
    return [frame(B, A, 1 + n, tags=t) for n, (_, t) in enumerate(KINDS)] + [
        arp_padded(A), sized(B, A, 1458 + 14, 5)]


@pytest.fixture(scope="module")
def encap(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("gtencap")
    work.chmod(0o755)
    frames = encap_frames()
    probe = Probe(("tunnel", ("tunnel", "show", "gt1")), ("link", ("link", "show")))
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], g.bridge_config(),
                     lan_in=frames, during=probe)
    check_ok(res)
    return res, frames, probe


def test_gretap_encap_carries_frames_byte_for_byte(encap):
    """Untagged, 802.1Q and QinQ frames, a padded 60-byte ARP broadcast and a frame of
    exactly tunnel MTU + 14 bytes each leave port0 as one IPv4/GRE packet to gt1's remote:
    to the WAN next hop's MAC, GRE with key 7 (flags 0x2000) and protocol 0x6558, the frame
    as it came (its padding and tags too); outer TTL 64, TOS 0, DF as gre tunnels."""
    res, frames, _ = encap
    assert res.lan_out == []
    assert len(res.wan_out) == len(frames)
    for f, sent in zip(res.wan_out, frames):
        remote, flags, key, seq, inner = g.gretap_payload(f)
        assert (remote, flags, key, seq) == (R1, 0x2000, 7, None)
        assert inner == sent
        ip = IP(f[14:])
        assert (ip.ttl, ip.tos, ip.flags.DF, ip.len) == (64, 0, True, 20 + 8 + len(sent))


def test_gretap_encap_scapy_decodes(encap):
    """scapy sees Ether/IP/GRE(key 7, proto 0x6558)/Ether[/802.1ad/802.1Q] with the tags
    and the inner IPv4 ID of each frame."""
    res, frames, _ = encap
    for n, (name, tags) in enumerate(KINDS):
        p = Ether(res.wan_out[n])
        assert p[IP].dst == R1 and p[GRE].key == 7 and p[GRE].proto == 0x6558, name
        inner = p[GRE].payload
        assert isinstance(inner, Ether) and (inner.src, inner.dst) == (A, B)
        if len(tags) == 2:
            assert inner.type == 0x88A8
            assert (inner[Dot1AD].vlan, inner[Dot1Q].vlan) == tags
        elif tags:
            assert inner.type == 0x8100 and inner[Dot1Q].vlan == tags[0]
        assert inner[IP].id == 1 + n


def test_gretap_encap_tshark_agrees(encap):
    """tshark: outer IPv4 checksum good, GRE key 7 protocol 0x6558, the inner Ethernet
    addresses and VLAN IDs of each frame."""
    require_tool("tshark")
    res, frames, _ = encap
    rows = g.tshark_fields(res.wan_out_path, ["ip.dst", "ip.checksum.status", "gre.key",
                                              "gre.proto", "eth.dst", "eth.src", "vlan.id",
                                              "ieee8021ad.id", "frame.len"])
    assert len(rows) == len(frames)
    for r, sent in zip(rows, frames):
        assert r["ip.dst"].split(",")[0] == R1
        assert r["ip.checksum.status"].split(",")[0] == "1"
        assert int(r["gre.key"], 16) == 7 and int(r["gre.proto"], 16) == 0x6558
        inner = Ether(sent)
        assert r["eth.dst"].split(",") == [g.WAN_NH_MAC, inner.dst]
        assert r["eth.src"].split(",") == [g.WAN_MAC, inner.src]
        assert int(r["frame.len"]) == 14 + 20 + 8 + len(sent)
    # the QinQ frame's outer tag is 802.1ad's (S-tag 200), its inner one 802.1Q's
    assert [(r["ieee8021ad.id"], r["vlan.id"]) for r in rows[:3]] == [
        ("", ""), ("", "100"), ("200", "100")]


def test_gretap_encap_counters_and_mtu(encap):
    """Each frame flooded (its destination unknown) to gt1, the LAN host learned once; gt1
    counts each frame as tx (bytes of the frame); tunnel show says mtu 1458 (1500 - 38 -
    4 for the key), and the bridge's mtu is its smallest member's."""
    res, frames, probe = encap
    bridge_ctr(res, rx_frames=len(frames), flooded=len(frames), learned=1)
    assert res.members["port1"] == dict(rx_frames=len(frames), tx_frames=0)
    assert res.members["gt1"] == dict(rx_frames=0, tx_frames=len(frames))
    assert res.tunnels["gt1"] == dict(rx_packets=0, rx_bytes=0, tx_packets=len(frames),
                                      tx_bytes=sum(map(len, frames)))
    res.assert_drops({})
    assert probe.seen["tunnel"][0]["mtu"] == 1458
    links = {o["ifname"]: o for o in probe.seen["link"]}
    assert links["br0"]["kind"] == "bridge" and links["br0"]["mtu"] == 1458
    assert links["port1"]["master"] == "br0" and links["gt1"]["master"] == "br0"
    assert "master" not in links["port0"]


# --- decapsulation: GRE packets into port0, frames out of port1 ---

def decap_frames():
    """Frames from a host behind gt1 to the LAN host: the three kinds, a padded ARP reply,
    and a bare 14-byte header (whose GRE packet the sender pads to 60 bytes)."""
    return [frame(A, B, 11 + n, tags=t) for n, (_, t) in enumerate(KINDS)] + [
        arp_padded(B, dst=A), bare_header(A, B)]


@pytest.fixture(scope="module")
def decap(greway_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("gtdecap")
    work.chmod(0o755)
    frames = decap_frames()
    wan = []
    for f in frames:
        pkt = g.wan_gretap(R1, f)
        wan.append(pkt + b"\0" * max(0, 60 - len(pkt)))
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], g.bridge_config(), wan_in=wan)
    check_ok(res)
    return res, frames


def test_gretap_decap_delivers_frames_byte_for_byte(decap):
    """Each GRE/0x6558 packet from gt1's remote with key 7 leaves port1 as the frame it
    carried, nothing added or removed (the outer frame's Ethernet padding is not part of
    the inner frame: only zero padding to 60 bytes may follow it)."""
    res, frames = decap
    assert res.wan_out == []
    assert len(res.lan_out) == len(frames)
    for out, sent in zip(res.lan_out, frames):
        assert out == sent or (len(out) == 60 and out[:len(sent)] == sent
                               and not any(out[len(sent):])), (out.hex(), sent.hex())
    assert res.lan_out[:4] == frames[:4]


def test_gretap_decap_tshark_agrees(decap):
    """tshark reads the frames port1 sent: Ethernet addresses, VLAN IDs, inner IPv4 ID."""
    require_tool("tshark")
    res, frames = decap
    rows = g.tshark_fields(res.lan_out_path, ["eth.dst", "eth.src", "vlan.id", "ieee8021ad.id",
                                              "ip.id", "arp.opcode"])
    assert [(r["eth.dst"], r["eth.src"]) for r in rows] == [(A, B)] * len(frames)
    assert [(r["ieee8021ad.id"], r["vlan.id"]) for r in rows[:3]] == [
        ("", ""), ("", "100"), ("200", "100")]
    assert [int(r["ip.id"], 16) for r in rows[:3]] == [11, 12, 13]
    assert rows[3]["arp.opcode"] == "1"


def test_gretap_decap_counters(decap):
    """gt1 counts each packet received (bytes of the frame); the bridge learned the remote
    host once and flooded every frame (the LAN host never spoke) to port1 alone."""
    res, frames = decap
    n = len(frames)
    assert res.tunnels["gt1"] == dict(rx_packets=n, rx_bytes=sum(map(len, frames)),
                                      tx_packets=0, tx_bytes=0)
    bridge_ctr(res, rx_frames=n, flooded=n, learned=1)
    assert res.members["gt1"] == dict(rx_frames=n, tx_frames=0)
    assert res.members["port1"] == dict(rx_frames=0, tx_frames=n)
    res.assert_drops({})


# --- checksum and sequence numbers (csum seq = icsum ocsum iseq oseq) ---

@pytest.fixture(scope="module")
def csum_seq(greway_bin, tmp_path_factory):
    """gt1 'key 7 csum seq', gt2 'key 8 csum seq'; the LAN host is a static entry on port1
    (so that frames from gt1 go there alone, whatever the poll order)."""
    work = tmp_path_factory.mktemp("gtcsum")
    work.chmod(0o755)
    conf = g.bridge_config(gt1="key 7 csum seq", extra=g.gt2_lines("key 8 csum seq") + [
        f"bridge fdb add {A} dev port1 master static"])
    # to a host nobody knows, and an odd-length broadcast: flooded into both tunnels (one
    # of them gets a clone chained behind a header mbuf: its checksum is summed over both)
    lan = [frame(D, A, 21 + n, tags=t) for n, (_, t) in enumerate(KINDS)] + [
        frame(BCAST, A, 24, size=101)]
    good = [frame(A, B, 31 + n, tags=t) for n, (_, t) in enumerate(KINDS)] + [
        frame(A, B, 34, size=333)]
    wan = [g.wan_gretap(R1, good[0], csum=True, seq=0),
           g.wan_gretap(R1, good[1], csum=True, seq=1),
           g.wan_gretap(R1, good[2], csum=True, seq=2),
           g.wan_gretap(R1, frame(A, B, 40), csum=True, seq=2),                  # seq_old
           g.wan_gretap(R1, frame(A, B, 41), csum=True, seq=3, bad_csum=True),   # gre_csum
           g.wan_gretap(R1, frame(A, B, 42), seq=4),                              # csum_missing
           g.wan_gretap(R1, good[3], csum=True, seq=9)]                            # a gap: fine
    res = g.run_pcap(greway_bin, work, uuid.uuid4().hex[:6], conf, wan_in=wan, lan_in=lan)
    check_ok(res)
    return res, lan, good


def test_gretap_csum_seq_encap(csum_seq):
    """Into each tunnel: flags 0xB000, the tunnel's key, sequence numbers 0, 1, 2, 3 of its
    own, a valid GRE checksum over header and frame (even when the frame is a clone behind
    a header mbuf, odd length), the frame byte for byte; tshark agrees on each checksum."""
    res, lan, _ = csum_seq
    out = by_remote(res)
    assert sorted(out) == [R1, R2]
    for remote, key in ((R1, 7), (R2, 8)):
        assert [(fl, k, s) for fl, k, s, _ in out[remote]] == [(0xB000, key, n)
                                                               for n in range(len(lan))]
        assert [x[3] for x in out[remote]] == lan
    require_tool("tshark")
    rows = g.tshark_fields(res.wan_out_path, ["gre.checksum.status", "gre.sequence_number"])
    assert len(rows) == 2 * len(lan)
    assert all(r["gre.checksum.status"] == "1" for r in rows), rows


def test_gretap_csum_seq_decap(csum_seq):
    """From gt1: good checksums with newer sequence numbers (a gap too) are delivered byte
    for byte; a repeated number, a bad checksum and a missing one are each counted."""
    res, _, good = csum_seq
    assert res.lan_out == good
    res.assert_drops({"gre_seq_old": 1, "gre_csum": 1, "gre_csum_missing": 1})
    assert res.tunnels["gt1"]["rx_packets"] == len(good)


# --- a round trip: the WAN output of one gateway is the WAN input of its peer ---

def test_gretap_round_trip_through_two_gateways(greway_bin, workdir, run_id, encap):
    """What site A sent into gt1 (the encap run's WAN pcap) is given to site B, whose
    gretap tunnel is the other end (local 203.0.113.2, remote 198.51.100.1, key 7): every
    frame leaves site B's LAN port exactly as it entered site A's."""
    res_a, frames, _ = encap
    conf_b = [
        f"link set port0 address {g.WAN_NH_MAC}",   # site A sent to this MAC
        f"addr add {R1}/24 dev port0",
        f"neigh add 203.0.113.254 lladdr {g.WAN_NH_MAC[:-2]}fd dev port0",
        "route add 198.51.100.0/24 via 203.0.113.254",
        "link add br0 type bridge",
        "link set port1 master br0",
        f"tunnel add gt1 mode gretap local {R1} remote {g.WAN_IP} key 7",
        "link set gt1 master br0",
    ]
    res_b = g.run_pcap(greway_bin, workdir, run_id, conf_b, wan_in=res_a.wan_out, name="siteb")
    check_ok(res_b)
    assert res_b.lan_out == frames
    assert res_b.wan_out == []
    res_b.assert_drops({})


# --- flooding, learning, unicast ---

def test_gretap_flood_learn_unicast(greway_bin, workdir, run_id):
    """With port1, gt1 and gt2 in br0, in this order:
    1. A (LAN) to B, unknown: flooded, one copy into each tunnel, the same frame in both;
    2. B (from gt1) to A: A was learned on port1: out of port1 only;
    3. A to B: B was learned behind gt1: into gt1 only;
    4. C (from gt2) broadcasts: to port1 and gt1, never back into gt2;
    5. A to C: into gt2 only;  6. B (from gt1) to C: into gt2 only, tunnel to tunnel.
    Counters: 3 learned, 2 flooded, 4 unicast; per member rx/tx; fdb show has the three."""
    f = [frame(B, A, 1), frame(A, B, 2), frame(B, A, 3), frame(BCAST, C, 4), frame(C, A, 5),
         frame(C, B, 6)]
    seq = g.in_order([(1, f[0]), (0, g.wan_gretap(R1, f[1])), (1, f[2]),
                      (0, g.wan_gretap(R2, f[3])), (1, f[4]), (0, g.wan_gretap(R1, f[5]))])
    probe = Probe(("fdb", "fdb"))
    res = g.run_pcap(greway_bin, workdir, run_id, g.bridge_config(extra=g.gt2_lines()),
                     wan_in=seq.wan, lan_in=seq.lan, during=probe)
    check_ok(res)
    assert inners(res, R1) == [f[0], f[2], f[3]]
    assert inners(res, R2) == [f[0], f[4], f[5]]
    assert res.lan_out == [f[1], f[3]]
    res.assert_drops(seq.fillers())
    bridge_ctr(res, rx_frames=6 + seq.lan_fillers, flooded=2, unicast=4, learned=3,
               dropped=seq.lan_fillers)
    assert res.members == {"port1": dict(rx_frames=3 + seq.lan_fillers, tx_frames=2),
                           "gt1": dict(rx_frames=2, tx_frames=3),
                           "gt2": dict(rx_frames=1, tx_frames=3)}
    assert probe.seen["fdb"] == {A: ("port1", "learned"), B: ("gt1", "learned"),
                                 C: ("gt2", "learned")}


def test_gretap_flood_copies_identical_tshark(greway_bin, workdir, run_id):
    """One broadcast from the LAN makes exactly two GRE packets, one per tunnel, whose
    inner frames tshark decodes the same (addresses, VLAN, IPv4 ID), and greway counts one
    flooded frame that went out twice."""
    require_tool("tshark")
    f = frame(BCAST, A, 77, tags=(100,))
    res = g.run_pcap(greway_bin, workdir, run_id, g.bridge_config(extra=g.gt2_lines()),
                     lan_in=[f])
    check_ok(res)
    assert sorted(by_remote(res)) == [R1, R2]
    assert inners(res, R1) == inners(res, R2) == [f]
    rows = g.tshark_fields(res.wan_out_path, ["ip.dst", "eth.dst", "vlan.id", "ip.id"])
    assert sorted(r["ip.dst"] for r in rows) == sorted([f"{R1},10.0.0.9", f"{R2},10.0.0.9"])
    assert [r["eth.dst"].split(",")[1] for r in rows] == [BCAST, BCAST]
    assert [(r["vlan.id"], r["ip.id"].split(",")[1]) for r in rows] == [("100", "0x004d")] * 2
    bridge_ctr(res, rx_frames=1, flooded=1, learned=1)
    assert res.members["gt1"]["tx_frames"] == res.members["gt2"]["tx_frames"] == 1


# --- the MAC limit ---

def test_gretap_fdb_max_learned(greway_bin, workdir, run_id):
    """fdb_max_learned 4: of 10 frames from 10 new MACs, the first 4 are learned and
    flooded into gt1, the other 6 dropped as fdb_full (the gateway's counter and the
    bridge's); a known MAC still passes once the table is full; fdb show has the 4."""
    macs = [f"02:00:00:00:05:{i:02x}" for i in range(10)]
    lan = [frame(BCAST, m, 50 + i) for i, m in enumerate(macs)] + [frame(BCAST, macs[0], 60)]
    probe = Probe(("fdb", "fdb"), ("stats", ("stats", "show", "br0")))
    res = g.run_pcap(greway_bin, workdir, run_id,
                     g.bridge_config(bridge="fdb_max_learned 4"), lan_in=lan, during=probe)
    check_ok(res)
    assert inners(res, R1) == lan[:4] + [lan[10]]
    res.assert_drops({"fdb_full": 6})
    bridge_ctr(res, rx_frames=11, flooded=5, learned=4, dropped=6)
    assert probe.seen["fdb"] == {m: ("port1", "learned") for m in macs[:4]}
    br0 = probe.seen["stats"]["bridges"][0]
    assert (br0["name"], br0["learned"], br0["drops"]) == ("br0", 4, {"fdb_full": 6})


# --- a MAC that moves ---

def test_gretap_mac_move(greway_bin, workdir, run_id):
    """B is learned behind gt1 (a frame from C in gt2 to B goes into gt1), then shows up on
    the LAN: the entry moves to port1 (moved 1) and the next frame to B from gt2 leaves
    port1; fdb show has it there."""
    f = [frame(BCAST, B, 1), frame(B, C, 2), frame(BCAST, B, 3), frame(B, C, 4)]
    seq = g.in_order([(0, g.wan_gretap(R1, f[0])), (0, g.wan_gretap(R2, f[1])), (1, f[2]),
                      (0, g.wan_gretap(R2, f[3]))])
    probe = Probe(("fdb", "fdb"))
    res = g.run_pcap(greway_bin, workdir, run_id, g.bridge_config(extra=g.gt2_lines()),
                     wan_in=seq.wan, lan_in=seq.lan, during=probe)
    check_ok(res)
    assert inners(res, R1) == [f[1], f[2]]  # the unicast to B before the move, the flood
    assert inners(res, R2) == [f[0], f[2]]
    assert res.lan_out == [f[0], f[3]]     # the first flood, the unicast after the move
    bridge_ctr(res, rx_frames=4 + seq.lan_fillers, flooded=2, unicast=2, learned=2, moved=1,
               dropped=seq.lan_fillers)
    assert probe.seen["fdb"] == {B: ("port1", "learned"), C: ("gt2", "learned")}


# --- static entries ---

def test_gretap_static_entry(greway_bin, workdir, run_id):
    """`bridge fdb add S dev gt1 master static` in the startup file: frames to S go into
    gt1 alone, never flooded, from the LAN or from gt2; a frame from S on port1 is switched
    (flooded, a broadcast) but does not move the entry; a frame from gt1 to S (behind the
    member it came by) is dropped as l2_same_member; fdb show says static."""
    conf = g.bridge_config(extra=g.gt2_lines() + [f"bridge fdb add {S} dev gt1 master static"])
    f = [frame(S, A, 1), frame(S, C, 2), frame(BCAST, S, 3), frame(S, A, 4), frame(A, S, 5),
         frame(S, B, 6)]
    seq = g.in_order([(1, f[0]), (0, g.wan_gretap(R2, f[1])), (1, f[2]), (1, f[3]),
                      (0, g.wan_gretap(R2, f[4])), (0, g.wan_gretap(R1, f[5]))])
    probe = Probe(("fdb", "fdb"))
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=seq.wan, lan_in=seq.lan,
                     during=probe)
    check_ok(res)
    assert inners(res, R1) == [f[0], f[1], f[2], f[3]]
    assert inners(res, R2) == [f[2]]
    assert res.lan_out == [f[4]]
    res.assert_drops({**seq.fillers(), "l2_same_member": 1})
    bridge_ctr(res, rx_frames=6 + seq.lan_fillers, flooded=1, unicast=4, learned=3,
               dropped=seq.lan_fillers + 1)
    assert probe.seen["fdb"] == {S: ("gt1", "static"), A: ("port1", "learned"),
                                 B: ("gt1", "learned"), C: ("gt2", "learned")}


def test_gretap_frames_a_bridge_drops(greway_bin, workdir, run_id):
    """From the LAN: a multicast or an all-zero source MAC (l2_src_invalid), a frame to the
    802.1D reserved group (STP, LLDP: l2_link_local) and a runt shorter than an Ethernet
    header (eth_short) are dropped, counted by the gateway and per bridge (stats show's
    drops), never learned; the good frame after them passes."""
    good = frame(B, A, 9)
    lan = [frame(B, "01:00:5e:00:00:01", 1), frame(B, "00:00:00:00:00:00", 2),
           g.eth("01:80:c2:00:00:00", A, 0x0026, b"\x42\x42\x03" + b"\0" * 35),
           g.eth("01:80:c2:00:00:0e", A, 0x88CC, g.LLDP), bytes(13), good]
    probe = Probe(("stats", ("stats", "show", "br0")), ("fdb", "fdb"))
    res = g.run_pcap(greway_bin, workdir, run_id, g.bridge_config(), lan_in=lan, during=probe)
    check_ok(res)
    assert inners(res, R1) == [good]
    drops = {"l2_src_invalid": 2, "l2_link_local": 2, "eth_short": 1}
    res.assert_drops(drops)
    bridge_ctr(res, rx_frames=6, flooded=1, learned=1, dropped=5)
    assert probe.seen["stats"]["bridges"][0]["drops"] == drops
    assert probe.seen["fdb"] == {A: ("port1", "learned")}


def test_gretap_ttl_tos_inherit(greway_bin, workdir, run_id):
    """ttl inherit, tos inherit: the outer TTL and TOS are an untagged IPv4 frame's, 64 and 0
    for any other frame (tagged, ARP), in both tunnels a broadcast is flooded into (one
    copy is a clone behind a header mbuf: its frame is read there)."""
    conf = g.bridge_config(gt1="key 7 ttl inherit tos inherit",
                           extra=g.gt2_lines("key 8 ttl inherit tos inherit"))
    ip_frame = bytes(Ether(dst=BCAST, src=A) / IP(src="10.0.0.2", dst="10.0.0.255", ttl=33,
                                                   tos=0xB8, id=1) / UDP() / b"x")
    lan = [ip_frame, frame(BCAST, A, 2, tags=(100,)), arp_padded(A)]
    res = g.run_pcap(greway_bin, workdir, run_id, conf, lan_in=lan)
    check_ok(res)
    for remote in (R1, R2):
        outers = [f for f in res.wan_out if g.gretap_payload(f)[0] == remote]
        assert [g.gretap_payload(f)[4] for f in outers] == lan
        assert [(IP(f[14:]).ttl, IP(f[14:]).tos) for f in outers] == [(33, 0xB8), (64, 0),
                                                                       (64, 0)]


# --- a bridge with an address (its BVI) ---

BR_MAC = "02:00:00:00:00:bb"


def bvi_config():
    return g.bridge_config(extra=[f"link set br0 address {BR_MAC}", "addr add 10.0.0.1/24 dev br0",
                                  f"neigh add {g.LAN_HOST} lladdr {A} dev br0"])


def test_gretap_bridge_address_answers_ping_on_the_lan_only(greway_bin, workdir, run_id):
    """br0 has 10.0.0.1: the LAN host's echo request to the bridge's MAC is answered from
    it, out of port1 alone. The request taught the bridge where the host is (a bridge learns
    the source of every frame, those for itself too), so the reply is not flooded into the
    tunnel."""
    from scapy.all import ICMP
    req = bytes(Ether(dst=BR_MAC, src=A) / IP(src=g.LAN_HOST, dst="10.0.0.1", id=7) /
                ICMP(id=5, seq=1) / b"ping")
    probe = Probe(("fdb", "fdb"))
    res = g.run_pcap(greway_bin, workdir, run_id, bvi_config(), lan_in=[req], settle=1.0,
                     during=probe)
    check_ok(res)
    assert len(res.lan_out) == 1, res.lan_out
    rep = Ether(res.lan_out[0])
    assert (rep.dst, rep.src, rep[IP].src, rep[IP].dst) == (A, BR_MAC, "10.0.0.1", g.LAN_HOST)
    assert (rep[ICMP].type, rep[ICMP].id, bytes(rep[ICMP].payload)) == (0, 5, b"ping")
    assert res.wan_out == [], "the reply was flooded into gt1"
    assert probe.seen["fdb"] == {A: ("port1", "learned")}


def test_gretap_bridge_address_reached_with_the_mac_table_full(greway_bin, workdir, run_id):
    """fdb_max_learned 1, taken by D: the LAN host cannot be learned, yet its echo request
    to the bridge's own MAC is routed and answered (a frame for the bridge needs no entry;
    the reply, to a MAC the bridge does not know, is flooded)."""
    from scapy.all import ICMP
    conf = bvi_config()
    conf[conf.index("link add br0 type bridge")] = "link add br0 type bridge fdb_max_learned 1"
    req = bytes(Ether(dst=BR_MAC, src=A) / IP(src=g.LAN_HOST, dst="10.0.0.1", id=8) /
                ICMP(id=6, seq=1) / b"full")
    seq = g.in_order([(1, frame(BCAST, D, 1)), (1, req)])
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=seq.wan, lan_in=seq.lan,
                     settle=1.0)
    check_ok(res)
    replies = [Ether(f) for f in res.lan_out]
    assert [(r[IP].src, r[ICMP].type, bytes(r[ICMP].payload)) for r in replies] == [
        ("10.0.0.1", 0, b"full")]
    res.assert_drops(seq.fillers())


# --- sizes ---

def test_gretap_frame_too_big_into_tunnel(greway_bin, workdir, run_id):
    """gt1's MTU is 1458 (key 7): a frame of 1458 + 14 bytes goes in, one byte more (or a
    tag more) is dropped as frame_too_big, counted by the gateway and by the bridge."""
    lan = [sized(B, A, 1472, 1), sized(B, A, 1473, 2), sized(B, A, 1476, 3, tags=(100,)),
           sized(B, A, 1500, 4), sized(B, A, 1471, 5, tags=(100,))]
    res = g.run_pcap(greway_bin, workdir, run_id, g.bridge_config(), lan_in=lan)
    check_ok(res)
    assert inners(res, R1) == [lan[0], lan[4]]
    res.assert_drops({"frame_too_big": 3})
    bridge_ctr(res, rx_frames=5, flooded=5, learned=1, dropped=3)
    assert res.members["gt1"]["tx_frames"] == 2


def test_gretap_frame_too_big_out_of_port(greway_bin, workdir, run_id):
    """Out of port1 (MTU 1500) a frame may be 1514 bytes, 1518 with an 802.1Q tag, 1522
    with QinQ; a byte more is frame_too_big. The GRE packets are too big for the WAN:
    they come in outer fragments, reassembled first."""
    ok = [sized(A, B, 1514, 1), sized(A, B, 1518, 2, tags=(100,)),
          sized(A, B, 1522, 3, tags=(200, 100))]
    big = [sized(A, B, 1515, 4), sized(A, B, 1519, 5, tags=(100,)),
           sized(A, B, 1523, 6, tags=(200, 100))]
    wan = []
    for n, f in enumerate([ok[0], big[0], ok[1], big[1], ok[2], big[2]]):
        whole = IP(g.ipv4(R1, g.WAN_IP, 47, g.gre_header(key=7, proto=0x6558, payload=f),
                          ident=100 + n))
        wan += [g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800, bytes(x))
                for x in fragment(whole, fragsize=1000)]
    res = g.run_pcap(greway_bin, workdir, run_id, g.bridge_config(), wan_in=wan)
    check_ok(res)
    assert res.lan_out == ok
    res.assert_drops({"frame_too_big": 3})
    assert res.tunnels["gt1"]["rx_packets"] == 6


# --- what a gretap tunnel does not take ---

def test_gretap_wrong_protocol_and_no_bridge(greway_bin, workdir, run_id):
    """A 0x6558 packet matching a gre tunnel's addresses and key, and an IPv4 (0x0800)
    packet matching a gretap tunnel's, are gre_proto drops; a gretap tunnel in no bridge
    drops what it receives as no_bridge (and counts it received); the good frame on gt1
    passes."""
    conf = g.bridge_config(extra=[
        f"tunnel add g1 mode gre local {g.WAN_IP} remote 203.0.113.5 key 7",
        f"tunnel add gt3 mode gretap local {g.WAN_IP} remote 203.0.113.6 key 7",
    ])
    ip_pkt = bytes(IP(src="10.16.0.2", dst="10.0.0.9", id=5) / UDP(sport=1, dport=2) / b"x")
    good = frame(A, B, 9)
    wan = [g.wan_gretap("203.0.113.5", frame(A, B, 7)),
           g.wan_gre(R1, ip_pkt, key=7),
           g.wan_gretap("203.0.113.6", frame(A, B, 8)),
           g.wan_gretap(R1, good)]
    res = g.run_pcap(greway_bin, workdir, run_id, conf, wan_in=wan)
    check_ok(res)
    assert res.lan_out == [good] and res.wan_out == []
    res.assert_drops({"gre_proto": 2, "no_bridge": 1})
    assert res.tunnels["g1"]["rx_packets"] == 0
    assert res.tunnels["gt1"]["rx_packets"] == 1
    assert res.tunnels["gt3"]["rx_packets"] == 1


# --- ageing, in real time: greway on net_tap in a namespace, scapy there ---

SEND_AND_SNIFF = r"""
import json, subprocess, sys, time
from scapy.all import AsyncSniffer, Raw, conf, sendp
conf.verb = 0
plan, ctl, sock = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
sn = AsyncSniffer(iface=["wan", "lan"], store=True)
sn.start()
time.sleep(1.0)
marks, sent, shown = {}, [], {}
for step in plan:
    if step[0] == "send":
        sendp(Raw(bytes.fromhex(step[2])), iface=step[1])
        sent.append([step[1], step[2]])
    elif step[0] == "sleep":
        time.sleep(step[1])
    elif step[0] == "ctl":
        cp = subprocess.run([ctl, "-s", sock, "-j", *step[2]], capture_output=True, text=True)
        shown[step[1]] = json.loads(cp.stdout) if cp.returncode == 0 else cp.stderr
    else:
        marks[step[1]] = time.time()
time.sleep(0.7)
pkts = sn.stop()
print(json.dumps({"marks": marks, "sent": sent, "shown": shown,
                  "pkts": [[p.sniffed_on, float(p.time), bytes(p).hex()] for p in pkts]}))
"""


def tap_bridge(lab, greway_bin, conf):
    ns = lab.netns("gw")
    gw = lab.greway(greway_bin, ns, "\n".join(conf) + "\n", taps=("wan", "lan"))
    for tap in ("wan", "lan"):
        ns.ip("link", "set", tap, "up")
    return gw, ns


def send_and_sniff(ns, gw, plan):
    """Run plan in ns: [send, tap, frame] | [sleep, s] | [mark, name] | [ctl, name, words]
    (grewayctl -j words, at that moment). Returns what greway sent on each tap between
    the marks, {mark: {"wan": [frames], "lan": [frames]}}, and {name: what ctl printed}."""
    plan = [[s[0], s[1], bytes(s[2]).hex()] if s[0] == "send" else s for s in plan]
    cp = ns.run("/usr/bin/python3", "-c", SEND_AND_SNIFF, json.dumps(plan),
                str(grewayctl_path()), str(gw.sock), timeout=60)
    data = json.loads(cp.stdout)
    sent = {(tap, h) for tap, h in data["sent"]}
    marks = sorted(data["marks"].items(), key=lambda kv: kv[1])
    out = {name: {"wan": [], "lan": []} for name, _ in marks}
    for tap, t, h in data["pkts"]:
        if (tap, h) in sent:
            continue  # what scapy sent, seen leaving
        phase = [name for name, at in marks if at <= t]
        assert phase, f"a frame on {tap} before the first mark: {h}"
        out[phase[-1]][tap].append(bytes.fromhex(h))
    return out, data["shown"]


def tap_remotes(frames):
    return sorted(g.gretap_payload(f)[0] for f in frames)


def tap_wan(remote, inner):
    """A GRE frame as the WAN next hop sends it to greway's port0 tap."""
    return g.wan_gretap(remote, inner)


def fdb_rows(rows):
    return {r["mac"]: (r["ifname"], r["state"]) for r in rows}


def test_gretap_ageing_floods_again(greway_bin, lab):
    """ageing_time 1: B is learned behind gt1 and A on port1, so A to B goes into gt1
    alone; after 3.5 s unseen both entries have aged out (aged 2, fdb show empty) and A to
    B is flooded into gt1 and gt2 again."""
    conf = g.bridge_config(bridge="ageing_time 1", extra=g.gt2_lines())
    gw, ns = tap_bridge(lab, greway_bin, conf)
    a_to_b = frame(B, A, 2)
    out, shown = send_and_sniff(ns, gw, [
        ["mark", "learn"], ["send", "wan", tap_wan(R1, frame(A, B, 1))], ["sleep", 0.3],
        ["mark", "unicast"], ["send", "lan", a_to_b], ["sleep", 0.3],
        ["ctl", "fdb1", ["bridge", "fdb", "show"]],
        ["mark", "wait"], ["sleep", 3.5],
        ["ctl", "fdb2", ["bridge", "fdb", "show"]], ["ctl", "stats", ["stats", "show", "br0"]],
        ["mark", "aged"], ["send", "lan", a_to_b], ["sleep", 0.3]])
    assert out["learn"]["lan"] == [frame(A, B, 1)]         # A unknown yet: flooded
    assert tap_remotes(out["learn"]["wan"]) == [R2]
    assert tap_remotes(out["unicast"]["wan"]) == [R1]      # B known: gt1 only
    assert fdb_rows(shown["fdb1"]) == {A: ("port1", "learned"), B: ("gt1", "learned")}
    assert out["wait"] == {"wan": [], "lan": []}
    assert shown["fdb2"] == []
    br0 = shown["stats"]["bridges"][0]
    assert (br0["learned"], br0["aged"], br0["flooded"], br0["unicast"]) == (2, 2, 1, 1)
    assert tap_remotes(out["aged"]["wan"]) == [R1, R2]     # B forgotten: flooded
    assert all(g.gretap_payload(f)[4] == a_to_b for f in out["aged"]["wan"])


def test_gretap_ageing_spares_a_station_that_talks(greway_bin, lab):
    """ageing_time 1 means one second unseen: A, which broadcasts every 0.3 s for 4 s, is
    never aged out (aged 0), so a frame from gt1 to A leaves port1 alone at the end
    instead of being flooded into gt2 as well."""
    conf = g.bridge_config(bridge="ageing_time 1", extra=g.gt2_lines())
    gw, ns = tap_bridge(lab, greway_bin, conf)
    plan = [["mark", "talk"]]
    for n in range(14):
        plan += [["send", "lan", frame(BCAST, A, 100 + n)], ["sleep", 0.3]]
    plan += [["mark", "reply"], ["send", "wan", tap_wan(R1, frame(A, B, 200))], ["sleep", 0.2],
             ["ctl", "stats", ["stats", "show", "br0"]]]
    out, shown = send_and_sniff(ns, gw, plan)
    assert out["reply"]["lan"] == [frame(A, B, 200)]
    assert out["reply"]["wan"] == [], "A was aged out although it kept sending"
    br0 = shown["stats"]["bridges"][0]
    assert (br0["aged"], br0["learned"], br0["unicast"]) == (0, 2, 1)
