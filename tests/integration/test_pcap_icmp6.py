# SPDX-License-Identifier: BSD-3-Clause
"""ICMPv6 errors greway sends, and the path MTU it learns from ICMPv6, on net_pcap.

Generated (RFC 4443, RFC 8200 §5): an IPv6 packet larger than the tunnel's IPv6 MTU
earns a Packet Too Big with that MTU, one whose hop limit runs out a Time Exceeded, both
from greway's address on the ingress side, quoting as much of the packet as fits in 1280
bytes, with a right ICMPv6 checksum (checked by scapy and tshark); nothing is sent about an
ICMPv6 error. Learned (RFC 8201): a Packet Too Big from the underlay quoting one of
greway's ip6gre packets lowers the path MTU of the tunnels to that remote, never below
1280, and the next inner packet too big for it gets greway's own Packet Too Big; reports
that do not quote greway's GRE change nothing.
"""
import signal
import subprocess
import time
import uuid

from scapy.all import (IPv6, UDP, Ether, GRE, ICMPv6EchoReply, ICMPv6EchoRequest,
                       ICMPv6PacketTooBig, ICMPv6TimeExceeded, IPerror6, raw)

import gwpcap as g
from netns import wait_for
from test_pmtu import mtus

W6 = "2001:db8:1::1"       # greway on the underlay (port0)
NH6 = "2001:db8:1::fe"     # the underlay's next hop, also the router that reports
L6 = "2001:db8:a::1"       # greway on the LAN (port1)
HOST6 = "2001:db8:a::2"    # the LAN host
R1, R2, R3 = "2001:db8:2::2", "2001:db8:2::3", "2001:db8:2::4"

CONFIG = [
    f"link set port0 address {g.WAN_MAC}",
    f"link set port1 address {g.LAN_MAC}",
    f"addr add {W6}/64 dev port0",
    f"addr add {L6}/64 dev port1",
    f"neigh add {NH6} lladdr {g.WAN_NH_MAC} dev port0",
    f"neigh add {HOST6} lladdr {g.LAN_HOST_MAC} dev port1",
    f"route add 2001:db8:2::/48 via {NH6}",
    f"tunnel add q1 mode ip6gre local {W6} remote {R1} key 1",
    f"tunnel add q2 mode ip6gre local {W6} remote {R1} key 2 csum",
    f"tunnel add q3 mode ip6gre local {W6} remote {R2}",
    f"tunnel add q4 mode ip6gre local {W6} remote {R3}",
    "route add 2001:db8:b1::/48 dev q1",
    "route add 2001:db8:b3::/48 dev q3",
]


def lan(size, dst="2001:db8:b1::5", hlim=64, payload=None):
    """An IPv6/UDP packet of size bytes from the LAN host."""
    ip = IPv6(src=HOST6, dst=dst, hlim=hlim) / UDP(sport=7, dport=9)
    if payload is None:
        ip = ip / (b"p" * (size - len(ip)))
    else:
        ip = ip / payload
    return Ether(dst=g.LAN_MAC, src=g.LAN_HOST_MAC) / ip


def icmp6_ok(frame):
    """Whether an ICMPv6 message's checksum verifies (scapy recomputes it from scratch)."""
    ip = Ether(frame)[IPv6]
    icmp = ip.payload
    want = icmp.cksum if hasattr(icmp, "cksum") else None
    icmp.cksum = None
    return want == IPv6(raw(ip))[IPv6].payload.cksum


def test_packet_too_big_and_time_exceeded_generated(greway_bin, workdir, run_id):
    sent = [
        lan(1500),              # over q1 (key): tunnel MTU6 1452 -> Packet Too Big 1452
        lan(1452),              # fits exactly: encapsulated
        lan(100, hlim=1),       # Time Exceeded
        lan(1500, dst="2001:db8:b3::5"),   # over q3 (no key): 1456
        # an ICMPv6 error itself too big: dropped, never answered (RFC 4443 §2.4(e.1))
        Ether(dst=g.LAN_MAC, src=g.LAN_HOST_MAC) /
        IPv6(src=HOST6, dst="2001:db8:b1::6") / ICMPv6PacketTooBig(mtu=1300) /
        (b"q" * 1500),
        # an echo request too big: an informational message does get its error
        Ether(dst=g.LAN_MAC, src=g.LAN_HOST_MAC) /
        IPv6(src=HOST6, dst="2001:db8:b1::7") / ICMPv6EchoRequest(id=1, seq=1) /
        (b"e" * 1500),
        # ping greway's own LAN address
        Ether(dst=g.LAN_MAC, src=g.LAN_HOST_MAC) /
        IPv6(src=HOST6, dst=L6) / ICMPv6EchoRequest(id=2, seq=3) / b"hello",
    ]
    res = g.run_pcap(greway_bin, workdir, run_id, CONFIG, lan_in=sent, settle=1.0)
    assert res.rc == 0, res.stderr
    back = [Ether(f) for f in res.lan_out]
    ptb = [p for p in back if ICMPv6PacketTooBig in p]
    te = [p for p in back if ICMPv6TimeExceeded in p]
    echo = [p for p in back if ICMPv6EchoReply in p]
    assert sorted(p[ICMPv6PacketTooBig].mtu for p in ptb) == [1452, 1452, 1456]
    assert len(te) == 1 and te[0][ICMPv6TimeExceeded].code == 0
    assert len(echo) == 1 and echo[0][ICMPv6EchoReply].seq == 3
    assert echo[0][IPv6].src == L6 and echo[0][IPv6].dst == HOST6
    for p in ptb + te:
        assert p[Ether].dst == g.LAN_HOST_MAC and p[Ether].src == g.LAN_MAC
        assert p[IPv6].src == L6 and p[IPv6].dst == HOST6
        assert p[IPv6].hlim == 64
        # as much of the offending packet as fits in 1280 bytes, its header as it came
        assert len(p[IPv6]) <= 1280
        q = p[IPerror6]
        assert q.src == HOST6
        assert q.hlim == (1 if ICMPv6TimeExceeded in p else 64)
    for f in res.lan_out:
        if IPv6 in Ether(f) and Ether(f)[IPv6].nh == 58:
            assert icmp6_ok(f), Ether(f).summary()
    # tshark's independent opinion of the checksums
    rows = g.tshark_fields(res.lan_out_path,
                           ["icmpv6.type", "icmpv6.checksum.status", "icmpv6.mtu"], prefs=())
    types = sorted(int(r["icmpv6.type"].split(",")[0]) for r in rows if r["icmpv6.type"])
    assert types == [2, 2, 2, 3, 129]
    assert all(r["icmpv6.checksum.status"].split(",")[0] == "1"  # Good
               for r in rows if r["icmpv6.type"])
    assert sorted(int(r["icmpv6.mtu"]) for r in rows if r["icmpv6.mtu"]) == [1452, 1452, 1456]
    # the too-big packets count as too_big, the expired one as ttl_expired; the one that
    # fits went out
    assert res.drops["too_big"] == 4
    assert res.drops["ttl_expired"] == 1
    assert res.tunnels["q1"]["tx_packets"] == 1


def ptb(mtu, quoted_src=W6, quoted_dst=R1, nh=47, inner=b""):
    """A Packet Too Big from the underlay router to us, quoting an outer packet of ours."""
    quoted = IPv6(src=quoted_src, dst=quoted_dst, nh=nh, plen=1460)
    body = raw(quoted) + (raw(GRE(key_present=1, key=1)) if nh == 47 else b"\0" * 8) + inner
    msg = IPv6(src=NH6, dst=W6) / ICMPv6PacketTooBig(mtu=mtu) / body
    return Ether(dst=g.WAN_MAC, src=g.WAN_NH_MAC) / msg


def test_packet_too_big_lowers_the_path(greway_bin, workdir):
    wan = [
        # ignored: not quoting our address, not GRE, an MTU not below the quoted length
        ptb(1300, quoted_src="2001:db8:1::77"),
        ptb(1300, nh=17),
        ptb(1600),
        # believed: the path to R1 (both its tunnels), R3's clamped to 1280
        ptb(1400),
        ptb(1450),  # higher than what is known: never raises it
        ptb(1000, quoted_dst=R3),
    ]
    d = workdir / "pmtu6"
    d.mkdir()
    conf, sock = d / "gw.conf", d / "gw.sock"
    conf.write_text("\n".join(CONFIG) + "\n")
    g.write_pcap(d / "wan_in.pcap", wan)
    g.write_pcap(d / "lan_in.pcap", [])
    prefix = f"pmtu6{uuid.uuid4().hex[:6]}"
    cmd = g.greway_cmd(greway_bin, prefix, d / "wan_in.pcap", d / "wan_out.pcap",
                       d / "lan_in.pcap", d / "lan_out.pcap", ["-c", str(conf), "-s", str(sock)])
    log = open(d / "out.txt", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: sock.exists() or proc.poll() is not None, 30, "greway's socket")
        assert proc.poll() is None, (d / "out.txt").read_text()
        # q1: 1400 - 40 - 8 (key); q2: - 12 (key, csum); q3 untouched; q4: 1280 - 44
        learned = {"q1": (1400 - 48, 1400), "q2": (1400 - 52, 1400), "q3": (1456, None),
                   "q4": (1280 - 44, 1280)}
        wait_for(lambda: mtus(sock) == learned, 10, f"tunnel MTUs {learned}")
        time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=20)
        log.close()
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"], check=False)
    assert rc == 0
    _, _, drops = g.parse_counters((d / "out.txt").read_text())
    # the three reports not believed are ICMPv6 for us that nothing handles
    assert drops["local_proto"] == 3
