# SPDX-License-Identifier: BSD-3-Clause
"""Drive greway on two net_pcap vdevs and decode what it sent.

port0 (the first vdev) is the WAN: underlay 198.51.100.1/24, next hop
198.51.100.254 at WAN_NH_MAC. port1 is the LAN: 10.0.0.1/24, host 10.0.0.2 at
LAN_HOST_MAC. net_pcap cannot set a MAC, so greway keeps the configured one in
software: frames in the rx pcaps are addressed to WAN_MAC / LAN_MAC.

run_pcap() writes the rx pcaps and the startup file, runs greway with a unique
--file-prefix, waits (SIGUSR1 counter dumps) until every frame of the rx
pcaps was received, stops it by pid with SIGTERM and returns the counters it
printed at exit and the frames of the tx pcaps, read by scapy. tshark_fields()
decodes the same pcaps with tshark, as an independent second opinion.
"""
import logging
import re
import shutil
import signal
import struct
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from scapy.all import RawPcapReader, Raw, wrpcap

REPO = Path(__file__).resolve().parents[2]

WAN_MAC = "02:00:00:00:00:10"
LAN_MAC = "02:00:00:00:00:11"
WAN_IP = "198.51.100.1"
WAN_NH = "198.51.100.254"
WAN_NH_MAC = "02:00:00:00:00:fe"
LAN_IP = "10.0.0.1"
LAN_HOST = "10.0.0.2"
LAN_HOST_MAC = "02:00:00:00:01:02"
OTHER_MAC = "02:00:00:00:99:99"  # a host that is not the gateway

# The common first lines of every startup file of these tests.
BASE_CONFIG = [
    f"link set port0 address {WAN_MAC}",
    f"link set port1 address {LAN_MAC}",
    f"addr add {WAN_IP}/24 dev port0",
    f"addr add {LAN_IP}/24 dev port1",
    f"neigh add {WAN_NH} lladdr {WAN_NH_MAC} dev port0",
    f"neigh add {LAN_HOST} lladdr {LAN_HOST_MAC} dev port1",
    f"route add 203.0.113.0/24 via {WAN_NH}",
]

DLT_EN10MB = 1


def drop_reasons():
    """Counter names of lib/gw_drop.def, in order, 'none' excluded."""
    pat = re.compile(r"GW_DROP\((\w+),\s*(\w+),")
    names = []
    for line in open(REPO / "lib/gw_drop.def"):
        m = pat.match(line.strip())
        if m and m.group(1) != "NONE":
            names.append(m.group(2))
    return names


def write_pcap(path, frames):
    """Write Ethernet frames (scapy packets or bytes) to a pcap, bytes as given."""
    pkts = [Raw(bytes(f)) for f in frames]
    if pkts:
        # Raw has no link type of its own: scapy warns, then writes what it is told
        log = logging.getLogger("scapy.runtime")
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            wrpcap(str(path), pkts, linktype=DLT_EN10MB)
        finally:
            log.setLevel(level)
    else:
        # an empty capture: just the global header
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, DLT_EN10MB))


def read_pcap(path):
    """The frames of a pcap as bytes (exactly as written by greway), [] if absent."""
    if not Path(path).exists() or Path(path).stat().st_size <= 24:
        return []
    return [bytes(data) for data, _meta in RawPcapReader(str(path))]


def parse_bridge_counters(text):
    """Bridge and bridge member counters greway printed: (bridges, members); the last wins.

        bridge NAME rx_frames N unicast N flooded N learned N moved N aged N dropped N
        member NAME rx_frames N tx_frames N
    """
    bridges, members = {}, {}
    for line in text.splitlines():
        w = line.split()
        if len(w) >= 4 and w[0] in ("bridge", "member") and len(w) % 2 == 0:
            try:
                vals = {w[i]: int(w[i + 1]) for i in range(2, len(w), 2)}
            except ValueError:
                continue
            (bridges if w[0] == "bridge" else members)[w[1]] = vals
    return bridges, members


def parse_counters(text):
    """Counters greway printed: (ports, tunnels, drops); the last dump wins."""
    ports, tunnels, drops = {}, {}, {}
    for line in text.splitlines():
        w = line.split()
        if len(w) >= 4 and w[0] in ("port", "tunnel") and len(w) % 2 == 0:
            try:
                vals = {w[i]: int(w[i + 1]) for i in range(2, len(w), 2)}
            except ValueError:
                continue
            (ports if w[0] == "port" else tunnels)[w[1]] = vals
        elif len(w) == 3 and w[0] == "drop" and w[2].isdigit():
            drops[w[1]] = int(w[2])
    return ports, tunnels, drops


@dataclass
class Result:
    """What one greway run left behind."""

    rc: int
    stdout: str
    stderr: str
    conf: Path
    wan_out_path: Path
    lan_out_path: Path
    ports: dict = field(default_factory=dict)
    tunnels: dict = field(default_factory=dict)
    drops: dict = field(default_factory=dict)
    bridges: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    wan_out: list = field(default_factory=list)
    lan_out: list = field(default_factory=list)

    def nonzero_drops(self):
        return {k: v for k, v in self.drops.items() if v != 0}

    def assert_drops(self, expected):
        """Exactly these drop counters are non-zero, with these values; all reasons printed."""
        assert sorted(self.drops) == sorted(drop_reasons()), "not every drop reason printed"
        want = {k: v for k, v in expected.items() if v != 0}
        got = self.nonzero_drops()
        diff = {k: (got.get(k, 0), want.get(k, 0)) for k in set(got) | set(want)
                if got.get(k, 0) != want.get(k, 0)}
        assert got == want, f"drop counters differ, reason: (counted, expected): {diff}"


def greway_cmd(greway_bin, prefix, wan_in, wan_out, lan_in, lan_out, args, eal=("-l", "0")):
    return [
        str(greway_bin), "--no-pci", "--no-huge", "-m", "512", "--file-prefix", prefix,
        *eal,
        "--vdev", f"net_pcap0,rx_pcap={wan_in},tx_pcap={wan_out}",
        "--vdev", f"net_pcap1,rx_pcap={lan_in},tx_pcap={lan_out}",
        "--", *args,
    ]


def _wait_for(path, pattern, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pattern in Path(path).read_text(errors="replace"):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def run_pcap(greway_bin, workdir, run_id, config, wan_in=(), lan_in=(), eal=("-l", "0"),
             args=None, stop=signal.SIGTERM, settle=0.3, timeout=30, name="gw", during=None):
    """Run greway once over these rx frames; return a Result.

    config: startup-file lines (a list) or text; BASE_CONFIG is not added.
    wan_in / lan_in: frames received on port0 / port1.
    args: greway's own arguments (default: -c the config file).
    during: called with the control socket's path once every frame was received,
    before greway is stopped (greway then gets -s that path; args must not give -s).
    """
    d = Path(workdir) / name
    d.mkdir(parents=True, exist_ok=True)
    conf = d / "gw.conf"
    conf.write_text(config if isinstance(config, str) else "\n".join(config) + "\n")
    wan_in_p, lan_in_p = d / "wan_in.pcap", d / "lan_in.pcap"
    wan_out_p, lan_out_p = d / "wan_out.pcap", d / "lan_out.pcap"
    for p in (wan_out_p, lan_out_p):
        if p.exists():
            p.unlink()
    write_pcap(wan_in_p, wan_in)
    write_pcap(lan_in_p, lan_in)
    expect = [len(wan_in), len(lan_in)]
    if args is None:
        args = ["-c", str(conf)]
    out_p, err_p = d / "stdout.txt", d / "stderr.txt"
    prefix = f"gwt{run_id}{name}"
    # the socket's own short path: sun_path holds 107 bytes, pytest's directories are long
    sock = Path(f"/tmp/{prefix}.sock")
    if during is not None:
        args = [*args, "-s", str(sock)]
    cmd = greway_cmd(greway_bin, prefix, wan_in_p, wan_out_p, lan_in_p, lan_out_p,
                     args, eal)
    with open(out_p, "w") as out, open(err_p, "w") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=d)
    try:
        # Signals before "running" would find no handler: wait for it first.
        if _wait_for(out_p, "greway: running", proc, timeout):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                proc.send_signal(signal.SIGUSR1)
                time.sleep(0.15)
                ports, _, _ = parse_counters(out_p.read_text(errors="replace"))
                rx = [v["rx_packets"] for v in ports.values()]
                if len(rx) >= 2 and rx[0] >= expect[0] and rx[1] >= expect[1]:
                    break
            time.sleep(settle)  # the control thread's share (punts, ARP)
            if during is not None and proc.poll() is None:
                during(sock)
            if proc.poll() is None:
                proc.send_signal(stop)
        rc = proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)  # EAL's runtime files
        if during is not None and sock.exists():
            sock.unlink()
    stdout, stderr = out_p.read_text(errors="replace"), err_p.read_text(errors="replace")
    res = Result(rc, stdout, stderr, conf, wan_out_p, lan_out_p)
    # Only the dump printed at exit is authoritative: it follows the last worker poll.
    tail = stdout.rsplit("greway: running", 1)[-1]
    res.ports, res.tunnels, res.drops = parse_counters(tail)
    res.bridges, res.members = parse_bridge_counters(tail)
    res.wan_out = read_pcap(wan_out_p)
    res.lan_out = read_pcap(lan_out_p)
    return res


def tshark_fields(pcap, fields, prefs=("ip.check_checksum:TRUE",)):
    """Decode a pcap with tshark: one dict per frame, field -> str (occurrences joined by ',')."""
    cmd = ["tshark", "-n", "-r", str(pcap), "-T", "fields", "-E", "separator=/t",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for p in prefs:
        cmd += ["-o", p]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        vals = line.split("\t")
        vals += [""] * (len(fields) - len(vals))
        rows.append(dict(zip(fields, vals)))
    return rows


# --- byte-level helpers, independent of greway and of scapy's dissectors ---

def csum16(data):
    """RFC 1071 one's-complement sum of data, folded (0xffff means 'checksum valid')."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ip_csum_fix(hdr):
    """An IPv4 header (bytes) with its checksum recomputed."""
    h = bytearray(hdr)
    h[10:12] = b"\0\0"
    h[10:12] = struct.pack("!H", ~csum16(bytes(h)) & 0xFFFF)
    return bytes(h)


def forwarded(ip_bytes):
    """What a router must emit for this IPv4 packet: TTL - 1, checksum fixed, rest unchanged."""
    ihl = (ip_bytes[0] & 0x0F) * 4
    tlen = struct.unpack("!H", ip_bytes[2:4])[0]
    h = bytearray(ip_bytes[:ihl])
    h[8] -= 1
    return ip_csum_fix(bytes(h)) + ip_bytes[ihl:tlen]


def gre_header(flags=0, proto=0x0800, csum=None, key=None, seq=None, payload=b"",
               force_flags=None, bad_csum=False):
    """Raw GRE header + payload. C/K/S follow csum/key/seq; force_flags overrides the word."""
    word = flags
    if csum:
        word |= 0x8000
    if key is not None:
        word |= 0x2000
    if seq is not None:
        word |= 0x1000
    if force_flags is not None:
        word = force_flags
    opts = b""
    if csum:
        opts += b"\0\0\0\0"
    if key is not None:
        opts += struct.pack("!I", key)
    if seq is not None:
        opts += struct.pack("!I", seq)
    pkt = bytearray(struct.pack("!HH", word, proto) + opts + payload)
    if csum:
        c = ~csum16(bytes(pkt)) & 0xFFFF
        if bad_csum:
            c ^= 0x5A5A
        pkt[4:6] = struct.pack("!H", c)
    return bytes(pkt)


def assert_forwarded(out, sent):
    """out is sent as a router forwards it: TTL - 1, valid header checksum, other bytes equal."""
    ihl = (sent[0] & 0x0F) * 4
    assert len(out) == len(sent)
    assert out[8] == sent[8] - 1, "TTL not decremented by one"
    assert csum16(out[:ihl]) == 0xFFFF, "bad IPv4 header checksum"
    assert out[:8] + out[9:10] + out[12:] == sent[:8] + sent[9:10] + sent[12:]


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def eth(dst, src, ethertype, payload):
    return mac_bytes(dst) + mac_bytes(src) + struct.pack("!H", ethertype) + bytes(payload)


def ipv4(src, dst, proto, payload, ttl=64, tos=0, ident=0, flags_frag=0, ihl=None, tlen=None,
         bad_csum=False, options=b""):
    """A raw IPv4 packet with a valid header checksum (unless bad_csum).

    ihl and tlen default to the true header and packet lengths; give them to lie.
    """
    def a(x):
        return bytes(int(p) for p in x.split("."))

    hl = 20 + len(options)
    if ihl is None:
        ihl = hl // 4
    total = hl + len(payload) if tlen is None else tlen
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, total, ident, flags_frag,
                              ttl, proto, 0, a(src), a(dst)) + options)
    h[10:12] = struct.pack("!H", ~csum16(bytes(h)) & 0xFFFF)
    if bad_csum:
        h[10] ^= 0xFF
    return bytes(h) + bytes(payload)


def wan_gre(remote, inner, local=WAN_IP, ident=0, flags_frag=0, ttl=64, **gre):
    """A frame from the WAN next hop carrying GRE from remote to local."""
    return eth(WAN_MAC, WAN_NH_MAC, 0x0800,
               ipv4(remote, local, 47, gre_header(payload=bytes(inner), **gre), ttl=ttl,
                    ident=ident, flags_frag=flags_frag))


def lan_frame(ip_pkt, dst_mac=LAN_MAC):
    """A frame from the LAN host carrying an IPv4 packet."""
    return eth(dst_mac, LAN_HOST_MAC, 0x0800, bytes(ip_pkt))


# --- bridges and gretap (Ethernet over GRE, protocol 0x6558) ---

GRE_PROTO_TEB = 0x6558
GT1_REMOTE = "203.0.113.2"  # gt1's peer
GT2_REMOTE = "203.0.113.3"  # gt2's peer, where a test has a second gretap tunnel
GT_KEY = 7


def bridge_config(gt1="key 7", bridge="", extra=()):
    """A startup file where port1 is a member of bridge br0 with gretap tunnel gt1.

    port0 stays the routed WAN of BASE_CONFIG (its address, neighbour and route);
    port1 has no address: it bridges every frame it receives. gt1 (local WAN_IP,
    remote GT1_REMOTE, options gt1) is br0's other member. extra: lines after.
    """
    return [
        f"link set port0 address {WAN_MAC}",
        f"addr add {WAN_IP}/24 dev port0",
        f"neigh add {WAN_NH} lladdr {WAN_NH_MAC} dev port0",
        f"route add 203.0.113.0/24 via {WAN_NH}",
        f"link add br0 type bridge {bridge}".rstrip(),
        "link set port1 master br0",
        f"tunnel add gt1 mode gretap local {WAN_IP} remote {GT1_REMOTE} {gt1}".rstrip(),
        "link set gt1 master br0",
        *extra,
    ]


def gt2_lines(opts="key 7"):
    """A second gretap tunnel gt2 in br0, to GT2_REMOTE."""
    return [f"tunnel add gt2 mode gretap local {WAN_IP} remote {GT2_REMOTE} {opts}".rstrip(),
            "link set gt2 master br0"]


def wan_gretap(remote, frame, key=GT_KEY, **gre):
    """A frame from the WAN next hop: GRE (protocol 0x6558) from remote carrying a frame."""
    return wan_gre(remote, frame, key=key, proto=GRE_PROTO_TEB, **gre)


def gretap_payload(outer):
    """(remote, GRE flags word, key or None, seq or None, inner frame) of a gretap packet.

    Asserts what every such frame must be: to the WAN next hop from port0, IPv4
    with a valid header checksum and the right total length, protocol 47 from
    WAN_IP, GRE version 0 carrying 0x6558, a valid GRE checksum when present.
    """
    assert outer[:14] == eth(WAN_NH_MAC, WAN_MAC, 0x0800, b""), "outer Ethernet header"
    ip = outer[14:]
    ihl = (ip[0] & 0x0F) * 4
    assert ip[0] >> 4 == 4 and ihl == 20
    assert struct.unpack("!H", ip[2:4])[0] == len(ip), "outer total length"
    assert csum16(ip[:20]) == 0xFFFF, "bad outer IPv4 header checksum"
    assert ip[9] == 47 and ip[12:16] == bytes(map(int, WAN_IP.split(".")))
    remote = ".".join(str(b) for b in ip[16:20])
    gre = ip[20:]
    flags, proto = struct.unpack("!HH", gre[:4])
    assert flags & 0x4FFF == 0, f"GRE flags {flags:#x}: routing, reserved or version bits"
    assert proto == GRE_PROTO_TEB, f"GRE protocol {proto:#x}"
    off, key, seq = 4, None, None
    if flags & 0x8000:
        assert csum16(gre) == 0xFFFF, "bad GRE checksum"
        off += 4
    if flags & 0x2000:
        key = struct.unpack("!I", gre[off:off + 4])[0]
        off += 4
    if flags & 0x1000:
        seq = struct.unpack("!I", gre[off:off + 4])[0]
        off += 4
    return remote, flags, key, seq, gre[off:]


# Frames net_pcap hands over per poll of a port (GW_BURST_MAX): a worker polls
# port0, then port1, each for up to this many frames, and runs each burst to the
# end (the MAC table learns as it goes) before it polls the next.
BURST = 32
LLDP = b"\x02\x07\x04" + b"\x02" * 6 + b"\x04\x03\x05p1\x06\x02\x00\x78\x00\x00"


def lan_filler(i):
    """A frame on the bridge member port1 that the bridge drops without learning
    (l2_link_local: LLDP to 01:80:c2:00:00:0e)."""
    return eth("01:80:c2:00:00:0e", f"02:00:00:00:f1:{i % 256:02x}", 0x88CC, LLDP)


def wan_filler(i):
    """A frame on the routed port0 that classify drops (l2_other_host)."""
    return eth(OTHER_MAC, WAN_NH_MAC, 0x0800, ipv4(WAN_NH, "198.51.100.7", 17, b"\0" * 12,
                                                      ident=i))


@dataclass
class Sequence:
    """Frames of two rx pcaps that greway must see in one given order."""

    wan: list
    lan: list
    wan_fillers: int
    lan_fillers: int

    def fillers(self):
        """The drop counters the fillers add."""
        return {"l2_other_host": self.wan_fillers, "l2_link_local": self.lan_fillers}


def in_order(steps):
    """Rx pcaps in which greway sees steps [(port, frame or [frames])] in this order.

    A pcap replays at once, so frames on two ports would be seen in poll order:
    up to BURST frames of port0, then up to BURST of port1, again and again;
    and the frames of one burst are looked up in the MAC table together, before
    any of them is learned. So each step is a burst of its own: fillers (frames
    dropped before any MAC is learned) complete a port's burst to BURST frames
    whenever that port has a later step, and a port with nothing to do in a
    round gets BURST fillers. A step on port1 shares a round with the port0
    step before it (port0 is polled first); any other step starts a round.
    """
    rounds = []  # [port0 burst or None, port1 burst or None]
    for port, frames in steps:
        burst = [bytes(f) for f in frames] if isinstance(frames, list) else [bytes(frames)]
        assert 0 < len(burst) <= BURST
        if rounds and rounds[-1][1] is None and (port == 1 or rounds[-1][0] is None):
            rounds[-1][port] = burst
        else:
            rounds.append([None, None])
            rounds[-1][port] = burst
    seq = Sequence([], [], 0, 0)
    for r, rnd in enumerate(rounds):
        for port, out, filler in ((0, seq.wan, wan_filler), (1, seq.lan, lan_filler)):
            burst = rnd[port] or []
            out.extend(burst)
            if any(later[port] for later in rounds[r + 1:]):
                n = BURST - len(burst)
                out.extend(filler(len(out) + i) for i in range(n))
                if port == 0:
                    seq.wan_fillers += n
                else:
                    seq.lan_fillers += n
    return seq
