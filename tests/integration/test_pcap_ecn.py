# SPDX-License-Identifier: BSD-3-Clause
"""ECN through the tunnel, RFC 6040 normal mode, on net_pcap.

Encapsulation copies the inner ECN field into the outer header (DSCP stays the
tunnel's `tos`, or the inner one with `tos inherit`). Decapsulation combines
outer and inner ECN by the RFC's table (section 4.2): outer CE marks the inner
packet CE, and drops it when the inner packet is not ECN-capable; outer ECT(1)
over inner ECT(0) gives ECT(1); everything else leaves the inner field alone.
Every one of the 16 (inner, outer) pairs is sent; checksums are checked.
"""
import uuid

import pytest
from scapy.all import IP, UDP

import gwpcap as g

NOT_ECT, ECT1, ECT0, CE = 0, 1, 2, 3
NAMES = {NOT_ECT: "Not-ECT", ECT1: "ECT(1)", ECT0: "ECT(0)", CE: "CE"}
REMOTE = "203.0.113.2"
DSCP = 0x28  # the tunnel's tos: AF11, ECN bits clear

# RFC 6040 figure 4: (inner, outer) -> inner after decapsulation, None = drop
DECAP = {
    (NOT_ECT, NOT_ECT): NOT_ECT, (NOT_ECT, ECT0): NOT_ECT, (NOT_ECT, ECT1): NOT_ECT,
    (NOT_ECT, CE): None,
    (ECT0, NOT_ECT): ECT0, (ECT0, ECT0): ECT0, (ECT0, ECT1): ECT1, (ECT0, CE): CE,
    (ECT1, NOT_ECT): ECT1, (ECT1, ECT0): ECT1, (ECT1, ECT1): ECT1, (ECT1, CE): CE,
    (CE, NOT_ECT): CE, (CE, ECT0): CE, (CE, ECT1): CE, (CE, CE): CE,
}

CONFIG = g.BASE_CONFIG + [
    f"tunnel add e1 mode gre local {g.WAN_IP} remote {REMOTE} tos 0x{DSCP:02x}",
    f"tunnel add e2 mode gre local {g.WAN_IP} remote 203.0.113.3 tos inherit",
    "route add 10.16.0.0/24 dev e1",
    "route add 10.17.0.0/24 dev e2",
]


def inner(dst, tos, ident, src="10.16.0.2"):
    return bytes(IP(src=src, dst=dst, tos=tos, ttl=64, id=ident) / UDP(sport=ident, dport=9)
                 / b"ecn")


@pytest.fixture(scope="module")
def ecn_run(greway_bin, tmp_path_factory):
    wan, lan, decap, encap = [], [], [], []
    for n, (pair, result) in enumerate(sorted(DECAP.items())):
        in_ecn, out_ecn = pair
        pkt = inner(g.LAN_HOST, 0xB8 | in_ecn, 1000 + n)  # DSCP EF: untouched by decap
        # the outer TOS carries the ECN under test (and a DSCP the decap ignores)
        frame = g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800,
                      g.ipv4(REMOTE, g.WAN_IP, 47, g.gre_header(payload=pkt),
                             tos=0x48 | out_ecn, ident=n))
        wan.append(frame)
        decap.append((pair, result, 1000 + n))
    for n, ecn in enumerate((NOT_ECT, ECT1, ECT0, CE)):
        for dst, dscp in (("10.16.0.9", 0x10), ("10.17.0.9", 0x60)):
            lan.append(g.lan_frame(inner(dst, dscp | ecn, 2000 + 2 * n + (dst == "10.17.0.9"),
                                         src=g.LAN_HOST)))
            encap.append((dst, dscp | ecn))
    res = g.run_pcap(greway_bin, tmp_path_factory.mktemp("ecn"), uuid.uuid4().hex[:6], CONFIG,
                     wan_in=wan, lan_in=lan)
    assert res.rc == 0, res.stderr
    return res, decap, encap


def test_decap_follows_rfc6040_table(ecn_run):
    res, decap, _ = ecn_run
    out = {IP(f[14:]).id: IP(f[14:]) for f in res.lan_out}
    for (in_ecn, out_ecn), result, ident in decap:
        case = f"inner {NAMES[in_ecn]} outer {NAMES[out_ecn]}"
        if result is None:
            assert ident not in out, f"{case}: must be dropped"
            continue
        assert ident in out, f"{case}: not delivered"
        ip = out[ident]
        assert ip.tos == 0xB8 | result, f"{case}: tos 0x{ip.tos:02x}"
        assert g.csum16(bytes(ip)[:20]) == 0xFFFF, f"{case}: bad header checksum"
    assert res.drops["ecn_not_ect"] == 1
    res.assert_drops({"ecn_not_ect": 1})


def test_encap_copies_inner_ecn(ecn_run):
    res, _, encap = ecn_run
    assert len(res.wan_out) == len(encap)
    for f, (dst, inner_tos) in zip(res.wan_out, encap):
        outer = IP(f[14:])
        assert outer[IP].payload  # GRE
        sent_to = IP(bytes(outer)[24:]).dst
        assert sent_to == dst
        if dst.startswith("10.16."):  # e1: tos 0x28, the inner ECN
            assert outer.tos == DSCP | (inner_tos & 3), f"outer 0x{outer.tos:02x}"
        else:  # e2: tos inherit, DSCP and ECN from inside
            assert outer.tos == inner_tos, f"outer 0x{outer.tos:02x}"
        assert g.csum16(bytes(outer)[:20]) == 0xFFFF
