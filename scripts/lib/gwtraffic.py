# SPDX-License-Identifier: BSD-3-Clause
"""Traffic for greway, shared by scripts/gen-traffic.py and the benchmark (scripts/bench/).

Run under Debian's /usr/bin/python3 (its scapy only imports there).

What is here:
  - the addresses and MACs of the default lab (the benchmark's and the DUT's),
  - packet builders: the inner IPv4 UDP/TCP packet of a given frame size, the GRE
    header with key/csum/seq, the loop-safe GRE sequence numbers,
  - Topology: N spokes (underlay address, key, inner network each), the frames a
    LAN sends towards them and the GRE/GRETAP frames they send back, and the greway
    startup file that makes greway the hub of exactly those spokes,
  - the line-rate calculator (Ethernet preamble + IFG, FCS and GRE overheads).

Sizes are Ethernet frame sizes on the wire with the FCS (64 = a 60-byte frame in
a pcap), as testpmd, pktgen and OVS count them.
"""
import ipaddress
from dataclasses import dataclass

# ----------------------------------------------------------------- the lab

# The gateway and its neighbours (RFC 5737 underlay; inner networks 10.x).
GW_PORT0_MAC = "02:00:00:00:00:10"      # bench: port0; DUT: the WAN port
GW_PORT1_MAC = "02:00:00:00:00:11"      # bench: port1; DUT: the LAN port
UNDERLAY_NH_MAC = "02:00:00:00:00:fe"   # the underlay next hop (neigh)
LAN_HOST_MAC = "02:00:00:00:01:02"      # the inner-side next hop (neigh)
REMOTE_HOST_MAC = "02:00:00:00:02:02"   # bench, gretap: a host behind the tunnel's remote end
GW_UNDERLAY = "198.51.100.1"
UNDERLAY_NH = "198.51.100.254"
TUN_REMOTE = "203.0.113.2"              # the first (bench: the only) spoke
GW_LAN = "10.0.0.1"
LAN_HOST = "10.0.0.2"
INNER_TTL = 64

FCS = 4
ETH = 14
IPV4 = 20
UDP_HDR = 8
TCP_HDR = 20
ETH_IP_UDP = ETH + IPV4 + UDP_HDR
MIN_FRAME = 64
PREAMBLE_IFG = 20    # 7 preamble + 1 SFD + 12 inter-frame gap, per frame on the wire

ETH_P_IP = 0x0800
ETH_P_TEB = 0x6558   # transparent Ethernet bridging: GRETAP


def gre_overhead(key=False, csum=False, seq=False, mode="gre"):
    """Bytes a GRE (IPv4 underlay) tunnel adds to an inner frame (see doc/mtu.md)."""
    o = IPV4 + 4 + 4 * (bool(key) + bool(csum) + bool(seq))
    return o + ETH if mode == "gretap" else o


def gre_seq(i, n):
    """Loop-safe sequence number of packet i of n (scripts/bench/gen_bench.py explains)."""
    if n < 3:
        raise ValueError("seq needs at least 3 packets in the pcap")
    return (i * (2 ** 32 // n)) & 0xffffffff


# ------------------------------------------------------------------ builders

def _scapy():
    import scapy.all as s   # imported late: the calculator runs without scapy
    return s


def inner_ip(size, src, dst, sport, dport, ident=0, proto="udp", ttl=INNER_TTL):
    """An IPv4 UDP or TCP packet (no Ethernet) that fills a frame of `size` bytes with FCS."""
    s = _scapy()
    l4 = UDP_HDR if proto == "udp" else TCP_HDR
    pad = size - FCS - ETH - IPV4 - l4
    if pad < 0 or size < MIN_FRAME:
        raise ValueError("size %d is below the 64-byte minimum" % size)
    if proto == "udp":
        l4p = s.UDP(sport=sport, dport=dport)
    elif proto == "tcp":
        l4p = s.TCP(sport=sport, dport=dport, flags="A", seq=1000 + ident, ack=1, window=65535)
    else:
        raise ValueError("unknown protocol %r" % proto)
    return s.IP(src=src, dst=dst, ttl=ttl, id=ident & 0xffff) / l4p / s.Raw(b"\x00" * pad)


def gre_layer(proto=ETH_P_IP, key=None, csum=False, seq=None):
    """A scapy GRE header: key if not None, checksum (scapy computes it) if csum, seq if not None."""
    s = _scapy()
    gre = s.GRE(proto=proto)
    if key is not None:
        gre.key_present = 1
        gre.key = key
    if csum:
        gre.chksum_present = 1
    if seq is not None:
        gre.seqnum_present = 1
        gre.sequence_number = seq
    return gre


def freeze(pkt):
    """Rebuild a frame from its bytes: lengths and checksums fixed once."""
    s = _scapy()
    return s.Ether(bytes(pkt))


def gre_fields(raw):
    """Parse a GRE header by hand (flags, proto, csum, key, seq, header length)."""
    flags = raw[0] << 8 | raw[1]
    out = {"flags": flags, "proto": raw[2] << 8 | raw[3]}
    off = 4
    if flags & 0x8000:
        out["csum"] = raw[off] << 8 | raw[off + 1]
        off += 4
    if flags & 0x2000:
        out["key"] = int.from_bytes(raw[off:off + 4], "big")
        off += 4
    if flags & 0x1000:
        out["seq"] = int.from_bytes(raw[off:off + 4], "big")
        off += 4
    out["hlen"] = off
    return out


# ------------------------------------------------------------------- sizes

# "simple IMIX": 7 x 64, 4 x 594, 1 x 1518 (IP 40/576/1500 in the usual statement)
IMIX = {"simple": [(64, 7), (594, 4), (1518, 1)],
        "ipsec": [(90, 58), (92, 2), (594, 23), (1418, 15), (1518, 2)]}


def parse_mix(text):
    """'64', '64,128,1518' (equal weights), '64:7,594:4,1518:1' or an IMIX name -> [(size, w)]."""
    if text in IMIX:
        return list(IMIX[text])
    mix = []
    for part in text.split(","):
        size, _, w = part.strip().partition(":")
        try:
            size, w = int(size), int(w or 1)
        except ValueError:
            raise ValueError("bad size %r: want SIZE or SIZE:WEIGHT" % part)
        if size < MIN_FRAME or w < 1:
            raise ValueError("bad size %r: size >= %d, weight >= 1" % (part, MIN_FRAME))
        mix.append((size, w))
    if not mix:
        raise ValueError("no sizes")
    return mix


def mix_pattern(mix):
    """The sizes of one round of a mix, interleaved (7:4:1 -> 12 sizes, the big ones spread)."""
    slots = []
    for size, w in mix:
        slots += [((k + 0.5) / w, size) for k in range(w)]
    return [size for _, size in sorted(slots, key=lambda x: (x[0], x[1]))]


def mix_mean(mix):
    return sum(s * w for s, w in mix) / sum(w for _, w in mix)


# ----------------------------------------------------------------- topology

@dataclass
class Topology:
    """N spokes behind greway's WAN port; the LAN networks behind its LAN port.

    Spoke i: underlay address = host 2 + i of spoke_net, key = key + i * key_step
    (when key is set), inner network = the i-th /24 of spoke_inner. LAN hosts
    live in lan_inner behind the LAN next hop LAN_HOST (10.0.0.2).
    """
    spokes: int = 1
    mode: str = "gre"                  # gre | gretap
    key: int = None                    # first spoke's key (None: no key)
    key_step: int = 1
    csum: bool = False
    seq: bool = False
    seq_step: int = 0                  # 0: loop-safe (2^32 / packets of the spoke)
    flows: int = 32
    mix: tuple = ((64, 1),)
    proto: str = "udp"
    count: int = 0                     # packets in a pcap (0: flows x one round of the mix)
    gw_wan_mac: str = GW_PORT0_MAC
    gw_lan_mac: str = GW_PORT1_MAC
    wan_nh_mac: str = UNDERLAY_NH_MAC
    lan_host_mac: str = LAN_HOST_MAC
    gw_underlay: str = GW_UNDERLAY
    wan_nh: str = UNDERLAY_NH
    spoke_net: str = "203.0.113.0/24"
    spoke_inner: str = "10.64.0.0/10"
    lan_inner: str = "10.32.0.0/16"
    lan_port: str = "port0"
    wan_port: str = "port1"
    raise_wan_mtu: bool = True         # link set WAN mtu when the largest GRE packet needs it

    def check(self):
        if self.mode not in ("gre", "gretap"):
            raise ValueError("mode %r: gre or gretap" % self.mode)
        if self.spokes < 1:
            raise ValueError("spokes must be >= 1")
        net = ipaddress.ip_network(self.spoke_net)
        if self.spokes > net.num_addresses - 3:
            raise ValueError("%d spokes do not fit in %s (hosts from .2): give a larger "
                             "--spoke-net, e.g. 198.18.0.0/15" % (self.spokes, net))
        if self.spokes > ipaddress.ip_network(self.spoke_inner).num_addresses // 256:
            raise ValueError("%d spokes: more /24s than %s has" % (self.spokes, self.spoke_inner))
        if self.flows < self.spokes:
            raise ValueError("flows (%d) must be >= spokes (%d): every spoke needs one"
                             % (self.flows, self.spokes))
        if self.key is not None and not 0 <= self.key + (self.spokes - 1) * self.key_step < 2 ** 32:
            raise ValueError("keys run out of 32 bits")
        if self.seq and not self.seq_step and min(self.per_spoke()) < 3:
            raise ValueError("seq: every spoke needs >= 3 packets in the pcap for loop-safe "
                             "numbers; raise --count")

    # --- per spoke
    def spoke_addr(self, i):
        return str(ipaddress.ip_network(self.spoke_net)[2 + i])

    def spoke_key(self, i):
        return None if self.key is None else self.key + i * self.key_step

    def spoke_prefix(self, i):
        base = ipaddress.ip_network(self.spoke_inner).network_address
        return ipaddress.ip_network("%s/24" % (base + 256 * i))

    def spoke_mac(self, i):
        return "02:00:00:01:%02x:%02x" % (i >> 8 & 0xff, i & 0xff)

    def tunnel_name(self, i):
        return "%s%d" % ("gre" if self.mode == "gre" else "tap", i + 1)

    # --- flows: flow f belongs to spoke f % spokes
    def flow_hosts(self, f):
        """(LAN host, spoke host) of flow f."""
        lan = ipaddress.ip_network(self.lan_inner).network_address
        lan_host = lan + 256 * (f // 250 % 256) + 1 + f % 250
        spoke_host = self.spoke_prefix(f % self.spokes).network_address + 1 + (f // self.spokes) % 250
        return str(lan_host), str(spoke_host)

    def packets(self):
        """Packets in a pcap: --count, else whole rounds of flows x mix (>= 3 a spoke with seq)."""
        if self.count:
            return self.count
        one = self.flows * len(mix_pattern(self.mix))
        rounds = 1
        if self.seq:
            least = (self.flows // self.spokes) * len(mix_pattern(self.mix))
            rounds = -(-3 // least)
        return one * rounds

    def per_spoke(self):
        """Packets of each spoke in a pcap."""
        n = [0] * self.spokes
        for j in range(self.packets()):
            n[j % self.flows % self.spokes] += 1
        return n

    def plan(self):
        """[(packet index, flow, size)]: every flow sees every size of the mix."""
        pat = mix_pattern(self.mix)
        return [(j, j % self.flows, pat[(j // self.flows) % len(pat)])
                for j in range(self.packets())]

    # --- frames
    def inner_frames(self):
        """What the LAN sends to greway's LAN port: IPv4 UDP/TCP to the spokes' networks."""
        s = _scapy()
        out = []
        for j, f, size in self.plan():
            lan_host, spoke_host = self.flow_hosts(f)
            ip = inner_ip(size, lan_host, spoke_host, 1024 + f % 60000, 5000 + f % 60000, j,
                          self.proto)
            out.append(freeze(s.Ether(dst=self.gw_lan_mac, src=self.lan_host_mac) / ip))
        return out

    def gre_frames(self):
        """What the spokes send to greway's WAN port: GRE (IPv4 inside) or GRETAP (Ethernet)."""
        s = _scapy()
        plan = self.plan()
        per_spoke = self.per_spoke()
        nth = [0] * self.spokes
        out = []
        for j, f, size in plan:
            sp = f % self.spokes
            lan_host, spoke_host = self.flow_hosts(f)
            seq = None
            if self.seq:
                k = nth[sp]
                seq = (k * self.seq_step if self.seq_step else gre_seq(k, per_spoke[sp])) \
                    & 0xffffffff
            nth[sp] += 1
            inner = inner_ip(size, spoke_host, lan_host, 5000 + f % 60000, 1024 + f % 60000, j,
                             self.proto)
            if self.mode == "gretap":
                inner = s.Ether(dst=self.lan_host_mac, src=self.spoke_mac(sp)) / inner
                proto = ETH_P_TEB
            else:
                proto = ETH_P_IP
            p = (s.Ether(dst=self.gw_wan_mac, src=self.wan_nh_mac)
                 / s.IP(src=self.spoke_addr(sp), dst=self.gw_underlay, ttl=64, id=j & 0xffff)
                 / gre_layer(proto, self.spoke_key(sp), self.csum, seq) / inner)
            out.append(freeze(p))
        return out

    # --- the DUT's startup file
    def config(self):
        """greway startup-file lines that make greway the hub of these spokes."""
        opts = []
        if self.csum:
            opts.append("csum")
        if self.seq:
            opts.append("seq")
        lines = [
            "# greway as the hub of %d %s spoke(s) (scripts/gen-traffic.py)" % (self.spokes,
                                                                                 self.mode),
            "# %s: LAN (inner side), %s: WAN (underlay)" % (self.lan_port, self.wan_port),
            "link set %s address %s" % (self.lan_port, self.gw_lan_mac),
            "link set %s address %s" % (self.wan_port, self.gw_wan_mac),
            "addr add %s/24 dev %s" % (GW_LAN, self.lan_port),
            "addr add %s/24 dev %s" % (self.gw_underlay, self.wan_port),
            "neigh add %s lladdr %s dev %s" % (LAN_HOST, self.lan_host_mac, self.lan_port),
            "neigh add %s lladdr %s dev %s" % (self.wan_nh, self.wan_nh_mac, self.wan_port),
            "route add %s via %s" % (self.lan_inner, LAN_HOST),
        ]
        # the largest inner packet must cross the tunnel unfragmented, its GRE packet the WAN
        ovh = gre_overhead(self.key is not None, self.csum, self.seq, self.mode)
        wan_mtu = max(s for s, _ in self.mix) - FCS - ETH + ovh
        if wan_mtu > 1500 and self.raise_wan_mtu:
            lines.append("# inner frames up to %d B: outer IPv4 packets up to %d B need a "
                         "larger WAN MTU" % (max(s for s, _ in self.mix), wan_mtu))
            lines.append("link set %s mtu %d" % (self.wan_port, wan_mtu))
        if not ipaddress.ip_address(self.gw_underlay) in ipaddress.ip_network(self.spoke_net):
            lines.append("route add %s via %s" % (self.spoke_net, self.wan_nh))
        if self.mode == "gretap":
            lines.append("# mode gretap: greway refuses it until GRETAP bridging is built "
                         "(doc/cli.md); these lines are for then")
        for i in range(self.spokes):
            k = self.spoke_key(i)
            words = ["tunnel add", self.tunnel_name(i), "mode", self.mode,
                     "local", self.gw_underlay, "remote", self.spoke_addr(i)]
            if k is not None:
                words += ["key", str(k)]
            lines.append(" ".join(words + opts))
            if self.mode == "gre":
                lines.append("route add %s dev %s" % (self.spoke_prefix(i), self.tunnel_name(i)))
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------ command line

def add_topology_args(p):
    """The spoke/packet/address options of gen-traffic.py (and the DUT driver) on an argparse parser."""
    g = p.add_argument_group("spokes and tunnels")
    g.add_argument("--spokes", type=int, default=1, help="number of spokes (default 1)")
    g.add_argument("--mode", choices=("gre", "gretap"), default="gre",
                   help="gre: IPv4 inside (proto 0x0800); gretap: Ethernet inside (0x6558)")
    g.add_argument("--key", type=int, help="key of the first spoke (default: no key)")
    g.add_argument("--key-step", type=int, default=1, help="key increment per spoke (default 1)")
    g.add_argument("--csum", action="store_true", help="GRE checksum (valid, RFC 2784)")
    g.add_argument("--seq", action="store_true", help="GRE sequence numbers (RFC 2890)")
    g.add_argument("--seq-step", type=int, default=0,
                   help="sequence increment per packet of a spoke (default: 2^32 / that spoke's "
                        "packets, loop-safe; 1 for plain consecutive numbers)")
    g = p.add_argument_group("packets")
    g.add_argument("--flows", type=int,
                   help="distinct inner flows (addresses and ports), >= spokes "
                        "(default: 32 or the number of spokes if more)")
    sz = g.add_mutually_exclusive_group()
    sz.add_argument("--size", default="64",
                    help="frame size(s) with FCS: 64, or 64,512,1518 (equal shares), or "
                         "64:7,594:4,1518:1 (weights) (default 64)")
    sz.add_argument("--imix", nargs="?", const="simple", metavar="NAME|MIX",
                    help="IMIX: 'simple' (7x64, 4x594, 1x1518; the default when given bare), "
                         "'ipsec', or SIZE:WEIGHT,...")
    g.add_argument("--proto", choices=("udp", "tcp"), default="udp", help="inner L4 (default udp)")
    g.add_argument("--count", type=int, default=0,
                   help="packets in the pcap (default: flows x one round of the mix)")
    g = p.add_argument_group("addresses (defaults: greway's demo/bench lab)")
    g.add_argument("--gw-wan-mac", default=GW_PORT0_MAC, help="greway WAN port MAC (%(default)s)")
    g.add_argument("--gw-lan-mac", default=GW_PORT1_MAC, help="greway LAN port MAC (%(default)s)")
    g.add_argument("--wan-nh-mac", default=UNDERLAY_NH_MAC,
                   help="underlay next hop MAC: source of GRE frames (%(default)s)")
    g.add_argument("--lan-host-mac", default=LAN_HOST_MAC,
                   help="LAN next hop MAC: source of inner frames (%(default)s)")
    g.add_argument("--gw-underlay", default=GW_UNDERLAY,
                   help="greway's underlay address: the tunnels' local end (%(default)s)")
    g.add_argument("--wan-nh", default=UNDERLAY_NH, help="underlay next hop (%(default)s)")
    g.add_argument("--spoke-net", default="203.0.113.0/24",
                   help="spokes' underlay addresses, hosts from .2 (%(default)s; for more "
                        "than 253 spokes e.g. 198.18.0.0/15)")
    g.add_argument("--spoke-inner", default="10.64.0.0/10",
                   help="spokes' inner networks, one /24 each (%(default)s)")
    g.add_argument("--lan-inner", default="10.32.0.0/16",
                   help="LAN hosts' network, behind 10.0.0.2 (%(default)s)")
    g.add_argument("--lan-port", default="port0", help="greway's LAN port name in the config (port0)")
    g.add_argument("--wan-port", default="port1", help="greway's WAN port name in the config (port1)")


def topology_from_args(a):
    """A checked Topology from options added by add_topology_args()."""
    mix = parse_mix(a.imix if a.imix else a.size)
    t = Topology(spokes=a.spokes, mode=a.mode, key=a.key, key_step=a.key_step, csum=a.csum,
                 seq=a.seq, seq_step=a.seq_step,
                 flows=a.flows if a.flows else max(32, a.spokes), mix=tuple(mix),
                 proto=a.proto, count=a.count, gw_wan_mac=a.gw_wan_mac,
                 gw_lan_mac=a.gw_lan_mac, wan_nh_mac=a.wan_nh_mac,
                 lan_host_mac=a.lan_host_mac, gw_underlay=a.gw_underlay, wan_nh=a.wan_nh,
                 spoke_net=a.spoke_net, spoke_inner=a.spoke_inner, lan_inner=a.lan_inner,
                 lan_port=a.lan_port, wan_port=a.wan_port)
    t.check()
    return t


# --------------------------------------------------------------- line rate

def parse_speed(text):
    """'10G', '25g', '100G', '2.5G', '100M', '1e10' -> bits per second."""
    t = text.strip().upper().rstrip("BPS").rstrip("/")
    mult = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    try:
        if t and t[-1] in mult:
            v = float(t[:-1]) * mult[t[-1]]
        else:
            v = float(t)
    except ValueError:
        raise ValueError("bad link speed %r: e.g. 10G, 25G, 100G, 100M" % text)
    if v <= 0:
        raise ValueError("bad link speed %r" % text)
    return v


def line_rate_pps(bps, frame):
    """Frames per second a link of bps carries back to back (frame with FCS, + preamble/IFG)."""
    return bps / ((frame + PREAMBLE_IFG) * 8)


# the rows the calculator prints: (name, mode, key, csum, seq)
RATE_MODES = [
    ("gre", "gre", False, False, False),
    ("gre key", "gre", True, False, False),
    ("gre key csum", "gre", True, True, False),
    ("gre key csum seq", "gre", True, True, True),
    ("gretap", "gretap", False, False, False),
    ("gretap key", "gretap", True, False, False),
    ("gretap key csum", "gretap", True, True, False),
    ("gretap key csum seq", "gretap", True, True, True),
]


def rate_row(bps, mix, name, mode, key, csum, seq):
    """Expected figures of one tunnel mode at line rate, both directions, for a size mix.

    encap: the LAN link offers inner frames at line rate; the WAN link carries the
    bigger outer frames, so at most line_rate(outer) of them get through.
    decap: the WAN link offers outer frames at line rate; the LAN carries the smaller
    inner frames of each, so nothing limits the output but the DUT.
    Bit rates: L2 = frames with FCS; L1 = + preamble and IFG (what fills the link).
    """
    ovh = gre_overhead(key, csum, seq, mode)
    inner = mix_mean(mix)
    outer = inner + ovh
    lan_pps = line_rate_pps(bps, inner)
    wan_pps = line_rate_pps(bps, outer)

    def rates(pps, frame):
        return {"pps": pps, "l2_bps": pps * frame * 8, "l1_bps": pps * (frame + PREAMBLE_IFG) * 8}

    return {
        "mode": name, "overhead": ovh, "inner_frame": inner, "outer_frame": outer,
        "encap": {"offered": rates(lan_pps, inner),               # what the LAN port gets
                  "max_pps": min(lan_pps, wan_pps),
                  "inner": rates(min(lan_pps, wan_pps), inner),
                  "outer": rates(min(lan_pps, wan_pps), outer),
                  "limited_by": "wan" if wan_pps < lan_pps else "lan"},
        "decap": {"offered": rates(wan_pps, outer),               # what the WAN port gets
                  "max_pps": wan_pps,
                  "inner": rates(wan_pps, inner),
                  "outer": rates(wan_pps, outer),
                  "limited_by": "wan"},
    }


def rate_table(bps, mix, modes=None):
    rows = [r for r in RATE_MODES if modes is None or r[0] in modes]
    return {"link_bps": bps, "mix": [list(m) for m in mix],
            "plain_pps": line_rate_pps(bps, mix_mean(mix)),
            "rows": [rate_row(bps, mix, *r) for r in rows]}
