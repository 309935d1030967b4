# SPDX-License-Identifier: BSD-3-Clause
"""greway against an independent GRE implementation: Open vSwitch's userspace datapath.

    hostA 10.0.0.2 -- gwA (greway) -- router -- OVS (site B) -- hostB 10.16.0.2
                      198.51.100.1   .254 | .254  203.0.113.2

Site A is greway as in test_two_site.py. Site B is a private ovs-vswitchd
(datapath_type=netdev) in its own namespace (tests/integration/ovs.py): an L3
GRE port (packet_type=legacy_l3) with key 1001 and, per variant, csum and seq.
Ping and TCP cross the tunnel both ways, and a capture in the router
namespace (tcpdump -w, decoded by tshark) shows what each side put on the
wire: flags, key, sequence numbers, checksum status.

OVS 3.1's csum+seq combination writes the sequence number after computing the
checksum (ovs-peer.md), so every OVS packet but seq 0 has a bad checksum: with
that variant greway must drop OVS's packets as gre_csum, while greway -> OVS
still works.
"""
import os
import signal
import subprocess
from types import SimpleNamespace

import pytest

from conftest import require_tool, run
from netns import SITES, greway_site, router, stop_process, transfer, wait_for, warm_up
from ovs import GrePeer

A, B = SITES["A"], SITES["B"]
KEY = 1001
SIZE = 4 * 1024 * 1024
B_GW_MAC = "02:00:00:0b:01:01"   # OVS's ARP answer for 10.16.0.1
B_HOST_MAC = "02:00:00:0b:01:02"
B_PHY_MAC = "02:00:00:0b:00:01"  # br-phy, what greway sends GRE to

# variant: (greway tunnel words, OVS gre0 options, csum, seq)
VARIANTS = {
    "key": (f"key {KEY}", {"key": KEY}, False, False),
    "key_csum": (f"key {KEY} csum", {"key": KEY, "csum": "true"}, True, False),
    "key_seq": (f"key {KEY} seq", {"key": KEY, "seq": "true"}, False, True),
    "key_csum_seq": (f"key {KEY} csum seq", {"key": KEY, "csum": "true", "seq": "true"},
                     True, True),
}

FIELDS = ("ip.src", "ip.dst", "ip.ttl", "ip.flags.df", "gre.flags.checksum", "gre.flags.key",
          "gre.flags.sequence_number", "gre.flags.routing", "gre.flags.version", "gre.proto",
          "gre.key", "gre.sequence_number", "gre.checksum.status")



def tool_checks():
    for tool in ("ovs-vsctl", "ovsdb-server", "ovs-ofctl", "ovs-appctl", "ovsdb-tool", "tcpdump",
                 "tshark", "ping", "nc", "ss", "ethtool"):
        require_tool(tool)
    if not os.access("/usr/lib/openvswitch-switch/ovs-vswitchd", os.X_OK):
        pytest.skip("/usr/lib/openvswitch-switch/ovs-vswitchd is missing "
                    "(openvswitch-switch; scripts/deps.sh installs it)")


def decode(pcap):
    """GRE packets of a capture as dicts of FIELDS (strings), in capture order."""
    cp = run(["tshark", "-r", str(pcap), "-Y", "gre",
              "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
              *[a for f in FIELDS for a in ("-e", f)]])
    return [dict(zip(FIELDS, line.split("|"))) for line in cp.stdout.splitlines() if line]


def flag(pkt, name):
    return pkt[name] in ("1", "True")


def check_side(pkts, who, csum, seq, csum_good=True):
    """Every GRE packet one side sent carries exactly the expected options."""
    assert pkts, f"no GRE packets from {who} on the wire"
    for p in pkts:
        assert p["gre.proto"] == "0x0800", (who, p)
        assert not flag(p, "gre.flags.routing") and p["gre.flags.version"] == "0", (who, p)
        assert flag(p, "gre.flags.key") and int(p["gre.key"], 0) == KEY, (who, p)
        assert flag(p, "gre.flags.checksum") == csum, (who, p)
        assert flag(p, "gre.flags.sequence_number") == seq, (who, p)
        if csum and csum_good:
            assert p["gre.checksum.status"] == "1", (f"{who}: bad GRE checksum", p)
        if not csum:
            assert p["gre.checksum.status"] == "", (who, p)
    if seq:
        nums = [int(p["gre.sequence_number"]) for p in pkts]
        # one sender, one counter, captured in order: consecutive numbers
        assert nums == list(range(nums[0], nums[0] + len(nums))), (who, nums[:50])


@pytest.fixture
def peer(lab, greway_bin, variant):
    tool_checks()
    words, ovs_opts, csum, seq = VARIANTS[variant]
    # inner MTU: 1500 - 20 (outer IPv4) - 4 (GRE) - 4 each for key, csum, seq
    mtu = 1500 - 20 - 4 - 4 * (1 + csum + seq)
    r = router(lab)
    gw, host_a = greway_site(lab, greway_bin, r, "A", tunnel_opts=words, host_mtu=mtu)

    ovs_ns = lab.netns("ovsb")
    host_b = lab.netns("hostb")
    lab.veth(r, "rB", ovs_ns, "vB")
    r.ip("addr", "add", f"{B['wan_gw']}/24", "dev", "rB")
    r.ip("link", "set", "rB", "up")
    lab.veth(ovs_ns, "hostp", host_b, "hB")
    host_b.ip("link", "set", "hB", "address", B_HOST_MAC, "mtu", mtu)
    host_b.ip("addr", "add", f"{B['host']}/24", "dev", "hB")
    host_b.ip("link", "set", "hB", "up")
    host_b.ip("route", "add", "default", "via", B["lan_gw"])
    # OVS's AF_PACKET socket does not finish partial checksums (ovs-peer.md)
    host_b.run("ethtool", "-K", "hB", "tx", "off")

    # the capture starts before any GRE packet exists: sequence numbers from 0
    pcap = lab.dir / "underlay.pcap"
    cap_log = lab.dir / "tcpdump.log"
    with open(cap_log, "w") as err:
        cap = lab.popen(r, ["tcpdump", "-n", "-U", "-i", "rB", "-w", pcap, "ip proto 47"],
                        stdout=subprocess.DEVNULL, stderr=err)
    wait_for(lambda: "listening on" in cap_log.read_text(), 10, "tcpdump to start")

    ovs = GrePeer(lab, ovs_ns, "ovsb", uplink="vB", local=B["wan"], plen=24, remote=A["wan"],
                  underlay_gw=B["wan_gw"], phy_mac=B_PHY_MAC, hostp="hostp",
                  host_mac=B_HOST_MAC, host_gw=B["lan_gw"], host_gw_mac=B_GW_MAC,
                  gre_options=ovs_opts)

    return SimpleNamespace(lab=lab, router=r, gw=gw, host_a=host_a, host_b=host_b, ovs=ovs,
                           csum=csum, seq=seq, cap=cap, pcap=pcap)


def stop_capture(p):
    stop_process(p.cap, sig=signal.SIGINT)
    return decode(p.pcap)


@pytest.mark.parametrize("variant", ["key", "key_csum", "key_seq"])
def test_ping_tcp_and_wire(peer, workdir):
    """Ping and TCP both ways; both sides' GRE headers as expected on the wire."""
    p = peer
    warm_up(p.host_a, B["host"])
    for src, dst in ((p.host_a, B["host"]), (p.host_b, A["host"]), (p.host_b, A["tun"])):
        cp, loss = src.ping(dst, count=10, interval=0.1)
        assert loss == 0, (f"ping {dst} from {src}:\n{cp.stdout}{cp.stderr}"
                           f"greway: {p.gw.counters()}\nOVS drops: {p.ovs.coverage_drops()}")
    for src, dst, ip, port in ((p.host_a, p.host_b, B["host"], 5001),
                               (p.host_b, p.host_a, A["host"], 5002)):
        secs, sent, got, size = transfer(p.lab, src, dst, ip, SIZE, workdir, port=port)
        print(f"{src} -> {dst}: {size} bytes in {secs:.2f} s")
        assert size == SIZE and got == sent, f"{src} -> {ip}: {size} of {SIZE} bytes, " \
            f"sha256 {'matches' if got == sent else 'differs'}"

    c = p.gw.counters()
    tun = c["tunnel"]["gre1"]
    assert tun["rx_bytes"] >= SIZE and tun["tx_bytes"] >= SIZE, tun
    bad = {k: v for k, v in c["drop"].items()
           if v and (k.startswith("gre_") or k in ("key_mismatch", "no_tunnel", "too_big",
                                                     "inner_header"))}
    assert not bad, f"greway dropped OVS's packets: {bad}"
    assert not {k: v for k, v in p.ovs.coverage_drops().items() if v and "tunnel" in k}, \
        p.ovs.coverage_drops()

    pkts = stop_capture(p)
    from_gw = [x for x in pkts if x["ip.src"] == A["wan"]]
    from_ovs = [x for x in pkts if x["ip.src"] == B["wan"]]
    check_side(from_gw, "greway", p.csum, p.seq)
    check_side(from_ovs, "OVS", p.csum, p.seq)
    # outer TTL 64 (the default), less the router's hop before rB; DF set (pmtudisc)
    assert all(x["ip.ttl"] == "63" and x["ip.flags.df"] in ("1", "True") for x in from_gw), \
        from_gw[0]
    if p.seq:
        # greway numbers from 0 (the capture saw its first packet)
        assert from_gw[0]["gre.sequence_number"] == "0", from_gw[0]


@pytest.mark.parametrize("variant", ["key_csum_seq"])
def test_csum_seq_ovs_bad_checksums_dropped(peer):
    """OVS sends bad checksums: greway drops them (gre_csum); greway -> OVS works."""
    p = peer
    n = 10
    # greway's echo requests reach hostB through OVS (hostB answers, OVS's
    # replies die at greway): count what hostB received
    before = p.host_b.snmp()["Icmp"]["InEchos"]
    drops_before = p.gw.counters()["drop"]["gre_csum"]
    # the first requests may die while ARP resolves on greway's WAN: retry until one arrives
    wait_for(lambda: p.host_a.ping(B["host"], count=1, wait=1, patient=False)
             and p.host_b.snmp()["Icmp"]["InEchos"] > before, 20,
             "an echo request from hostA to reach hostB through OVS", interval=0)
    before = p.host_b.snmp()["Icmp"]["InEchos"]
    cp, loss = p.host_a.ping(B["host"], count=n, interval=0.1, patient=False)
    assert loss == 100, f"OVS's bad checksums got through greway:\n{cp.stdout}"
    # on a busy machine a request may still be on its way: give it time
    try:
        wait_for(lambda: p.host_b.snmp()["Icmp"]["InEchos"] - before >= n, 10,
                 f"hostB to receive {n} echo requests")
    except AssertionError:
        got = p.host_b.snmp()["Icmp"]["InEchos"] - before
        raise AssertionError(f"greway -> OVS: hostB received {got} of {n} echo requests; "
                             f"greway: {p.gw.counters()}\nOVS drops: {p.ovs.coverage_drops()}")

    # hostB's replies (OVS seq >= 1: bad checksums) die at greway as gre_csum
    def csum_drops():
        c = p.gw.counters()
        return c if c["drop"]["gre_csum"] - drops_before >= n else None

    c = wait_for(csum_drops, 10, f"greway to count {n} gre_csum drops")
    pkts = stop_capture(p)
    from_gw = [x for x in pkts if x["ip.src"] == A["wan"]]
    from_ovs = [x for x in pkts if x["ip.src"] == B["wan"]]
    # greway: checksum over the final header, sequence number included
    check_side(from_gw, "greway", True, True)
    check_side(from_ovs, "OVS", True, True, csum_good=False)
    bad = [x for x in from_ovs if x["gre.checksum.status"] == "0"]
    assert all(x["gre.sequence_number"] != "0" for x in bad), bad
    assert len(bad) >= n, f"expected OVS to send >= {n} bad checksums, saw {len(bad)}"
    # every packet greway dropped as gre_csum was one of OVS's bad ones
    assert c["drop"]["gre_csum"] <= len(bad), (c["drop"]["gre_csum"], len(bad))
