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
             args=None, stop=signal.SIGTERM, settle=0.3, timeout=30, name="gw"):
    """Run greway once over these rx frames; return a Result.

    config: startup-file lines (a list) or text; BASE_CONFIG is not added.
    wan_in / lan_in: frames received on port0 / port1.
    args: greway's own arguments (default: -c the config file).
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
            if proc.poll() is None:
                proc.send_signal(stop)
        rc = proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)  # EAL's runtime files
    stdout, stderr = out_p.read_text(errors="replace"), err_p.read_text(errors="replace")
    res = Result(rc, stdout, stderr, conf, wan_out_p, lan_out_p)
    # Only the dump printed at exit is authoritative: it follows the last worker poll.
    tail = stdout.rsplit("greway: running", 1)[-1]
    res.ports, res.tunnels, res.drops = parse_counters(tail)
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
