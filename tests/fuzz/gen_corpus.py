#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Writes the seed corpora of the fuzz harnesses: corpus/gre/ (binary GRE
# headers + payload: every C/K/S combination with good and bad checksums,
# truncations, bad versions, refused and ignored bits, protocol types) and
# corpus/cmd/ (one command line per file: every line of the grammar in
# gw_cmd.h and the invalid lines the unit test checks) and corpus/mss/ (a
# 2-byte MSS ceiling + an IPv4 TCP packet: SYN and SYN-ACK with the options
# of real stacks, MSS anywhere, bad lengths, fragments, truncations) and corpus/nd/
# (IPv6 neighbour discovery from the IPv6 header on: NS, DAD, NA, RS, RA,
# redirect, and the invalid ones of tests/unit/test_nd.c). The files are
# committed; run this again after changing it (it rewrites only seed-*
# files: inputs merged from fuzzing runs, named by libFuzzer after their
# SHA-1, and crash inputs added by hand stay).
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

C, K, S = 0x8000, 0x2000, 0x1000


def csum(data):
    """RFC 1071 checksum of data (its checksum field zero)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def gre(flags, proto=0x0800, key=0x01020304, seq=7, payload=b"", good_csum=True, rsvd1=0):
    hdr = struct.pack("!HH", flags, proto)
    if flags & C:
        hdr += struct.pack("!HH", 0, rsvd1)
    if flags & K:
        hdr += struct.pack("!I", key)
    if flags & S:
        hdr += struct.pack("!I", seq)
    pkt = bytearray(hdr + payload)
    if flags & C:
        c = csum(bytes(pkt))
        if not good_csum:
            c ^= 0x0100
        pkt[4:6] = struct.pack("!H", c)
    return bytes(pkt)


IPV4 = bytes.fromhex("4500001c000100004001f78bc0000201c6336401") + bytes.fromhex("0800f7ff00000000")
ETH = bytes.fromhex("02000000000202000000000108004500") + b"x" * 17


def combo_name(flags):
    return "".join(n for b, n in ((C, "c"), (K, "k"), (S, "s")) if flags & b) or "none"


def gre_seeds():
    seeds = {}
    combos = [0, C, K, S, C | K, C | S, K | S, C | K | S]
    for f in combos:
        n = combo_name(f)
        seeds["opt-%s-ipv4" % n] = gre(f, payload=IPV4)
        seeds["opt-%s-teb-odd" % n] = gre(f, proto=0x6558, payload=ETH)
        seeds["opt-%s-hdr-only" % n] = gre(f)
        full = gre(f, payload=IPV4)
        hlen = 4 + 4 * bin(f & (C | K | S)).count("1")
        seeds["short-%s" % n] = full[: hlen - 1] if hlen > 4 else full[:3]
        if f & C:
            seeds["csum-bad-%s" % n] = gre(f, payload=IPV4, good_csum=False)
    for n in range(4):
        seeds["short-%d-bytes" % n] = gre(0)[:n]
    for v in range(1, 8):
        seeds["version-%d" % v] = gre(v, payload=IPV4)
    seeds["flag-r"] = gre(0x4000, payload=IPV4)
    seeds["flag-ssr"] = gre(0x0800, payload=IPV4)
    seeds["flag-recur1"] = gre(0x0400, payload=IPV4)
    seeds["flag-ignored-bits"] = gre(0x03F8 | C | K | S, payload=IPV4)
    seeds["proto-ipv6"] = gre(K, proto=0x86DD, payload=b"\x60" + b"\0" * 39)
    seeds["proto-unknown"] = gre(0, proto=0x8847, payload=b"\0\0\x01\xff")
    seeds["key-zero"] = gre(K, key=0, payload=IPV4)
    seeds["key-seq-ones"] = gre(K | S, key=0xFFFFFFFF, seq=0xFFFFFFFF, payload=IPV4)
    seeds["csum-reserved1-set"] = gre(C, payload=IPV4, rsvd1=0xFFFF)
    seeds["csum-zero-data"] = gre(C, proto=0x0000)
    return seeds


def tcp_pkt(flags=0x02, opts=b"", payload=b"", frag=0, ihl=5, proto=6, tlen_delta=0,
            doff=None):
    """An IPv4 + TCP packet with a valid TCP checksum (over its true length)."""
    ip_opts = b"\x01" * (ihl * 4 - 20)
    opts = opts + b"\0" * (-len(opts) % 4)
    doff = doff if doff is not None else 5 + len(opts) // 4
    tcp = struct.pack("!HHIIBBHHH", 50000, 80, 0x01020304, 0, doff << 4, flags, 64240, 0, 0)
    seg = bytearray(tcp + opts + payload)
    src, dst = bytes([10, 1, 0, 2]), bytes([10, 2, 0, 2])
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    seg[16:18] = struct.pack("!H", csum(pseudo + bytes(seg)))
    tlen = ihl * 4 + len(seg) + tlen_delta
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tlen & 0xFFFF, 0x1234, frag, 64,
                               proto, 0, src, dst) + ip_opts)
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    return bytes(ip) + bytes(seg)


def mss_seeds():
    mss = lambda v: struct.pack("!BBH", 2, 4, v)  # noqa: E731
    linux = mss(1460) + b"\x04\x02\x08\x0a" + b"\0" * 8 + b"\x01\x03\x03\x07"
    cases = {
        "syn-mss-only": (1436, tcp_pkt(opts=mss(1460))),
        "syn-linux-options": (1436, tcp_pkt(opts=linux)),
        "synack-linux-options": (1436, tcp_pkt(flags=0x12, opts=linux)),
        "syn-mss-odd-offset": (1200, tcp_pkt(opts=b"\x01" + mss(1460))),
        "syn-mss-last": (1400, tcp_pkt(opts=b"\x01\x01\x04\x02\x03\x03\x07\x01" + mss(9000))),
        "syn-two-mss": (1300, tcp_pkt(opts=mss(1460) + b"\x01" + mss(1500))),
        "syn-mss-lower": (1436, tcp_pkt(opts=mss(1200))),
        "syn-no-mss": (1436, tcp_pkt(opts=b"\x04\x02\x01\x03\x03\x07")),
        "syn-no-options": (1436, tcp_pkt()),
        "syn-mss-after-eol": (1436, tcp_pkt(opts=b"\0\0\0\0" + mss(1460))),
        "syn-mss-len3": (1436, tcp_pkt(opts=b"\x02\x03\x05\xb4")),
        "syn-opt-len0": (1436, tcp_pkt(opts=b"\x08\x00" + mss(1460))),
        "syn-opt-len-past-end": (1436, tcp_pkt(opts=mss(1460) + b"\x08\x0a\0\0")),
        "syn-opt-kind-last": (1436, tcp_pkt(opts=mss(1460) + b"\x01\x01\x01\x03")),
        "syn-with-data": (1436, tcp_pkt(opts=mss(1460), payload=b"hello, world!")),
        "syn-ip-options": (1436, tcp_pkt(opts=mss(1460), ihl=6)),
        "syn-first-fragment": (1436, tcp_pkt(opts=mss(1460), frag=0x2000)),
        "syn-later-fragment": (1436, tcp_pkt(opts=mss(1460), frag=0x0003)),
        "syn-df": (1436, tcp_pkt(opts=mss(1460), frag=0x4000)),
        "udp": (1436, tcp_pkt(opts=mss(1460), proto=17)),
        "ack": (1436, tcp_pkt(flags=0x10, opts=mss(1460), payload=b"x" * 32)),
        "syn-doff-short": (1436, tcp_pkt(opts=mss(1460), doff=4)),
        "syn-doff-past-tlen": (1436, tcp_pkt(opts=mss(1460), doff=7)),
        "syn-tlen-short": (1436, tcp_pkt(opts=mss(1460), tlen_delta=-6)),
        "syn-padded": (1436, tcp_pkt(opts=mss(1460)) + b"\0" * 18),
        "syn-clamp-off": (0, tcp_pkt(opts=mss(1460))),
        "syn-clamp-88": (88, tcp_pkt(opts=mss(65535))),
    }
    seeds = {}
    for name, (ceiling, pkt) in cases.items():
        seeds[name] = struct.pack("!H", ceiling) + pkt
    full = cases["syn-linux-options"][1]
    for cut in (1, 19, 20, 33, 40, 41, 43, 44, len(full) - 1):
        seeds["syn-cut-%d" % cut] = struct.pack("!H", 1436) + full[:cut]
    return seeds


CMD_LINES = [
    # link
    "link show",
    "link show port0",
    "link set port0 up",
    "link set port0 down",
    "link set port0 name wan address 02:00:00:00:00:01 mtu 9000 up",
    "link set port0 address AA:BB:CC:DD:EE:FF",
    "link set port0 mtu 68",
    # addr
    "addr add 192.0.2.1/24 dev port0",
    "addr add 192.0.2.1 dev port0",
    "addr del 2001:db8::1/64 dev wan",
    "addr show",
    # route
    "route add 10.1.0.0/16 dev gre1",
    "route add 10.1.2.3/16 via 192.0.2.254",
    "route add default via 192.0.2.254 dev port0",
    "route add 2001:db8:1::/48 via 2001:db8::fe dev port1",
    "route del 10.1.0.0/16",
    "route show",
    # neigh
    "neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev port0",
    "neigh add 2001:db8::2 lladdr 02:00:00:00:00:03 dev port1",
    "neigh del 192.0.2.2 dev port0",
    "neigh show",
    # tunnel
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1",
    "tunnel add tap1 mode gretap local 192.0.2.1 remote 198.51.100.1 key 0",
    "tunnel add gre6 mode ip6gre local 2001:db8::1 remote 2001:db8::2 ikey 1 okey 2",
    "tunnel add tap6 mode ip6gretap local 2001:db8::1 remote any key 0.0.3.233 csum seq",
    "tunnel add hub mode gre local 192.0.2.1 remote any key 4294967295 icsum iseq",
    "tunnel add t1 mode gre local 192.0.2.1 remote 198.51.100.1 ocsum oseq ttl inherit tos inherit",
    "tunnel add t2 mode gre local 192.0.2.1 remote 198.51.100.1 ttl 0 tos 16 nopmtudisc "
    "mtu 1400 dev port0",
    "tunnel add t3 mode gre local 192.0.2.1 remote 198.51.100.1 hoplimit 255 dsfield 0x10 pmtudisc",
    "tunnel add t4 mode gre local 192.0.2.1 remote 198.51.100.1 key 5 nokey nocsum noseq",
    "tunnel change gre1 ttl 10",
    "tunnel change gre1 mode ip6gre local 2001:db8::1 remote 2001:db8::2",
    "tunnel del gre1",
    "tunnel show",
    "tunnel show gre1",
    # stats
    "stats show",
    "stats show gre1",
    "stats clear",
    # split: comments, blanks, tabs, CRLF
    "# a comment line",
    "",
    "link\tshow\tport0  # trailing comment",
    "link show\r\n",
    " ".join(["w"] * 65),
    # invalid
    "bogus show",
    "link",
    "link frob",
    "link set",
    "link set port0",
    "link set port0 frob",
    "link set port0 mtu",
    "link set port0 mtu 67",
    "link set port0 name 0123456789abcdef",
    "link set a/b up",
    "addr add 192.0.2.1/33 dev port0",
    "addr add 192.0.2.1/24",
    "addr add 1.2.3.4/ dev port0",
    "neigh add 192.0.2.2 dev port0",
    "neigh add 192.0.2.2 lladdr 02:00:00:00:00 dev port0",
    "route add 10.0.0.0/8",
    "route add 10.0.0.0/8 via 2001:db8::1",
    "route add 2001:db8::/32 via 192.0.2.1",
    "tunnel add gre1",
    "tunnel add gre1 mode gre remote 198.51.100.1",
    "tunnel add gre1 mode gre local 192.0.2.1",
    "tunnel add gre1 mode gre local 2001:db8::1 remote 198.51.100.1",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 2001:db8::2",
    "tunnel add gre1 mode ip6gre local 2001:db8::1 remote 192.0.2.2",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 key 0x1g",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 ttl 256",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 mtu 67",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 ttl",
    "tunnel add gre1 mode vxlan local 192.0.2.1 remote 198.51.100.1",
    "tunnel change gre1",
    "tunnel del gre1 extra",
    "stats clear now",
    # clamp-mss (appended, so the numbers of the seeds above stay)
    "tunnel add t5 mode gre local 192.0.2.1 remote 198.51.100.1 clamp-mss auto",
    "tunnel add t6 mode gre local 192.0.2.1 remote 198.51.100.1 mtu 1400 clamp-mss 1200",
    "tunnel add t7 mode gre local 192.0.2.1 remote 198.51.100.1 clamp-mss off",
    "tunnel change gre1 clamp-mss 88",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 clamp-mss 87",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 clamp-mss on",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 clamp-mss",
    # ignore-df (appended, as clamp-mss)
    "tunnel add t8 mode gre local 192.0.2.1 remote 198.51.100.1 ignore-df",
    "tunnel add t9 mode gre local 192.0.2.1 remote 198.51.100.1 nopmtudisc ignore-df mtu 1400",
    "tunnel change gre1 noignore-df",
    "tunnel change gre1 ignore-df noignore-df ignore-df",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 ignore-df on",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 ignore_df",
    # bridges (appended, as clamp-mss)
    "link add br0 type bridge",
    "link add br0 type bridge ageing_time 60 fdb_max_learned 1024",
    "link add br0 fdb_max_learned 65536 ageing_time 1000000 type bridge",
    "link del br0",
    "link set port1 master br0",
    "link set gt1 down mtu 1400 nomaster",
    "bridge fdb add 02:00:00:00:00:01 dev gt1 master static",
    "bridge fdb add 0a:bb:cc:dd:ee:ff dev port1",
    "bridge fdb del 02:00:00:00:00:01 dev gt1 master",
    "bridge fdb show",
    "bridge fdb show br br0",
    "bridge link show",
    "link add br0",
    "link add br0 type vxlan",
    "link add br0 type bridge ageing_time 0",
    "link add br0 type bridge fdb_max_learned 65537",
    "link add br0 type bridge stp_state 1",
    "link del br0 extra",
    "link set port1 master br0 nomaster",
    "link set port1 nomaster master br0",
    "link set port1 master",
    "bridge fdb add 01:00:5e:00:00:01 dev gt1",
    "bridge fdb add 00:00:00:00:00:00 dev gt1",
    "bridge fdb add 02:00:00:00:00:01 dev gt1 self",
    "bridge fdb del 02:00:00:00:00:01 dev gt1 static",
    "bridge fdb add 02:00:00:00:00:01",
    "bridge fdb show br",
    "bridge link show gt1",
    "bridge vlan show",
    # a hub: multipoint tunnels, spoke mappings, learning, keepalives, a GRETAP hub's spokes
    "tunnel add mgre0 mode gre local 192.0.2.1 remote any key 100 learn on learn-max 10000 learn-ageing 60",
    "tunnel add mgre0 mode gre local 192.0.2.1 remote any keepalive 10 3",
    "tunnel change mgre0 keepalive off learn off",
    "tunnel change gre1 keepalive 1 255",
    "tunnel change gre1 keepalive 0 3",
    "tunnel change gre1 keepalive 10",
    "tunnel add gre1 mode gre local 192.0.2.1 remote 198.51.100.1 learn on",
    "neigh add 172.16.10.2 lladdr 203.0.113.2 dev mgre0",
    "neigh add 172.16.10.2 lladdr 2001:db8::2 dev mgre0",
    "neigh add 172.16.10.2 lladdr 203.0.113 dev mgre0",
    "neigh show dev mgre0",
    "neigh show dev",
    "route add 10.16.2.0/24 via 172.16.10.2 dev mgre0",
    "bridge fdb append 00:00:00:00:00:00 dev mgt0 dst 203.0.113.2",
    "bridge fdb del 00:00:00:00:00:00 dev mgt0 dst 203.0.113.2",
    "bridge fdb append 02:00:00:00:00:01 dev mgt0 dst 203.0.113.2",
]


def ip6(a):
    """An IPv6 address in bytes (the few forms the seeds use)."""
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def nd(src, dst, icmp, hop=255, fix=True):
    """IPv6 + an ICMPv6 message (its checksum field zero), checksum filled when fix."""
    s, d = ip6(src), ip6(dst)
    body = bytearray(icmp)
    if fix:
        pseudo = s + d + struct.pack("!IxxxB", len(body), 58)
        body[2:4] = struct.pack("!H", csum(pseudo + bytes(body)))
    return struct.pack("!IHBB", 0x60000000, len(body), 58, hop) + s + d + bytes(body)


def nd_seeds():
    mac = bytes.fromhex("020000000002")
    sn = "ff02::1:ff00:1"
    ns = lambda t, opts=b"": struct.pack("!BBHI", 135, 0, 0, 0) + ip6(t) + opts  # noqa: E731
    na = lambda t, f, opts=b"": struct.pack("!BBHI", 136, 0, 0, f << 24) + ip6(t) + opts  # noqa: E731
    slla, tlla = b"\x01\x01" + mac, b"\x02\x01" + mac
    seeds = {
        "ns": nd("2001:db8::2", sn, ns("2001:db8::1", slla)),
        "ns-linklocal": nd("fe80::2", sn, ns("2001:db8::1", slla)),
        "ns-unicast-nud": nd("2001:db8::2", "2001:db8::1", ns("2001:db8::1")),
        "ns-dad": nd("::", sn, ns("2001:db8::1")),
        "ns-dad-slla": nd("::", sn, ns("2001:db8::1", slla)),
        "ns-nonce-slla": nd("2001:db8::2", sn, ns("2001:db8::1", b"\x0e\x01" + b"\0" * 6 + slla)),
        "ns-hop254": nd("2001:db8::2", sn, ns("2001:db8::1", slla), hop=254),
        "ns-bad-csum": nd("2001:db8::2", sn, ns("2001:db8::1", slla), fix=False),
        "ns-opt-len0": nd("2001:db8::2", sn, ns("2001:db8::1", b"\x01\x00" + mac)),
        "ns-opt-past-end": nd("2001:db8::2", sn, ns("2001:db8::1", b"\x01\x02" + mac)),
        "ns-padded": nd("2001:db8::2", sn, ns("2001:db8::1", slla)) + b"\0" * 18,
        "na-solicited": nd("2001:db8::2", "2001:db8::1", na("2001:db8::2", 0x60, tlla)),
        "na-unsolicited": nd("fe80::2", "ff02::1", na("2001:db8::2", 0xa0, tlla)),
        "na-mcast-solicited": nd("2001:db8::2", "ff02::1", na("2001:db8::2", 0x40, tlla)),
        "rs": nd("fe80::2", "ff02::2", struct.pack("!BBHI", 133, 0, 0, 0) + slla),
        "ra": nd("fe80::2", "ff02::1", struct.pack("!BBHIII", 134, 0, 0, 0x40000708, 0, 0)),
        "redirect": nd("fe80::2", "2001:db8::1",
                       struct.pack("!BBHI", 137, 0, 0, 0) + ip6("fe80::3") + ip6("2001:db8::9")),
    }
    full = seeds["ns"]
    for cut in (0, 39, 40, 44, 63, 64, 71):
        seeds["ns-cut-%d" % cut] = full[:cut]
    return seeds


def write(dirname, name, data):
    path = os.path.join(HERE, "corpus", dirname, "seed-" + name)
    with open(path, "wb") as f:
        f.write(data)


def main():
    for sub in ("gre", "cmd", "mss", "nd"):
        d = os.path.join(HERE, "corpus", sub)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith("seed-"):
                os.unlink(os.path.join(d, f))
    for name, data in gre_seeds().items():
        write("gre", name, data)
    for name, data in mss_seeds().items():
        write("mss", name, data)
    for name, data in nd_seeds().items():
        write("nd", name, data)
    for i, line in enumerate(CMD_LINES):
        words = "-".join(line.split()[:3]) or "blank"
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in words)[:40]
        write("cmd", "%03d-%s" % (i, safe), line.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
