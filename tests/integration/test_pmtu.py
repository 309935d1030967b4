# SPDX-License-Identifier: BSD-3-Clause
"""Path MTU learned from the underlay (RFC 1191), on net_pcap.

A router between the gateways answers an outer GRE packet that is too big for
its next link with ICMP "fragmentation needed" and the link's MTU. greway must
lower the MTU of every tunnel on that path (whatever its key: the quoted 8
bytes of GRE rarely hold it), never below 552, show it in `tunnel show`, and
forget it after --pmtu-timeout. Reports that do not quote a GRE packet with DF
from one of our addresses change nothing.
"""
import json
import signal
import socket
import struct
import subprocess
import time
import uuid

import gwpcap as g
from netns import wait_for

ROUTER = g.WAN_NH  # the underlay next hop, also the router that reports
R1, R2, R3 = "203.0.113.2", "203.0.113.3", "203.0.113.4"
TIMEOUT_S = 4

CONFIG = g.BASE_CONFIG + [
    f"tunnel add p1 mode gre local {g.WAN_IP} remote {R1} key 1",
    f"tunnel add p2 mode gre local {g.WAN_IP} remote {R1} key 2 csum",
    f"tunnel add p3 mode gre local {g.WAN_IP} remote {R2}",
    f"tunnel add p4 mode gre local {g.WAN_IP} remote {R3}",
]


def frag_needed(mtu, quoted_src=g.WAN_IP, quoted_dst=R1, proto=47, df=True, qlen=1500,
                gre_word=0x2000):
    """ICMP 3/4 from the router to us, quoting an outer packet and 8 bytes of it."""
    gre = struct.pack("!HHI", gre_word, 0x0800, 1)
    quoted = g.ipv4(quoted_src, quoted_dst, proto, gre, flags_frag=0x4000 if df else 0,
                    tlen=qlen)
    icmp = bytearray(struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + quoted)
    icmp[2:4] = struct.pack("!H", ~g.csum16(bytes(icmp)) & 0xFFFF)
    return g.eth(g.WAN_MAC, g.WAN_NH_MAC, 0x0800, g.ipv4(ROUTER, g.WAN_IP, 1, bytes(icmp)))


def rpc(sock, method, **params):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(str(sock))
        s.sendall(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                              "params": params}).encode() + b"\n")
        reply = json.loads(s.makefile("rb").readline())
    assert "result" in reply, reply
    return reply["result"]


def mtus(sock):
    return {t["ifname"]: (t["mtu"], t.get("pmtu")) for t in rpc(sock, "tunnel.show")}


def test_frag_needed_lowers_the_path_then_ages_out(greway_bin, workdir):
    wan = [
        # ignored: not DF, not GRE, not from our address, MTU not below the quoted
        # length, no MTU at all (a router from before RFC 1191)
        frag_needed(1300, df=False),
        frag_needed(1300, proto=17),
        frag_needed(1300, quoted_src="198.51.100.77"),
        frag_needed(1600, qlen=1500),
        frag_needed(0),
        frag_needed(1300, gre_word=0x0001),  # GRE version 1
        # believed: the path to R1 (both its tunnels), R3 clamped to the floor of 552
        frag_needed(1400),
        frag_needed(1450),  # higher than what is known: never raises it
        frag_needed(300, quoted_dst=R3),
    ]
    d = workdir / "pmtu"
    d.mkdir()
    conf, sock = d / "gw.conf", d / "gw.sock"
    conf.write_text("\n".join(CONFIG) + "\n")
    g.write_pcap(d / "wan_in.pcap", wan)
    g.write_pcap(d / "lan_in.pcap", [])
    prefix = f"pmtu{uuid.uuid4().hex[:6]}"
    cmd = g.greway_cmd(greway_bin, prefix, d / "wan_in.pcap", d / "wan_out.pcap",
                       d / "lan_in.pcap", d / "lan_out.pcap",
                       ["-c", str(conf), "-s", str(sock), "--pmtu-timeout", str(TIMEOUT_S)])
    log = open(d / "out.txt", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: sock.exists() or proc.poll() is not None, 30, "greway's socket")
        assert proc.poll() is None, (d / "out.txt").read_text()
        t0 = time.monotonic()
        learned = {"p1": (1400 - 28, 1400), "p2": (1400 - 32, 1400), "p3": (1476, None),
                   "p4": (552 - 24, 552)}
        wait_for(lambda: mtus(sock) == learned, 10, f"tunnel MTUs {learned}")
        assert "path to 203.0.113.2: MTU 1400" in (d / "out.txt").read_text()
        # forgotten after the timeout, back to what the port allows
        back = {"p1": (1472, None), "p2": (1468, None), "p3": (1476, None), "p4": (1476, None)}
        wait_for(lambda: mtus(sock) == back, TIMEOUT_S + 5, f"tunnel MTUs {back}")
        assert time.monotonic() - t0 >= TIMEOUT_S - 1
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=20)
        log.close()
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"], check=False)
    assert rc == 0
    _, _, drops = g.parse_counters((d / "out.txt").read_text())
    # the six reports not believed are ICMP for us that nothing handles
    assert drops["local_proto"] == 6
