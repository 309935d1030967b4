# SPDX-License-Identifier: BSD-3-Clause
"""What the benchmarks' vdevs need, standard library only (scripts/bench/bench.py and
gen_bench.py, which import scapy, and scripts/bench/hub_scale.py, which does not):
classic pcap files for net_pcap, and the idle ports that make greway's mbuf pool big
enough for a net_pcap infinite_rx input (which holds every frame of its pcap in an mbuf).
"""
import struct

GW_PORT_RXD = GW_PORT_TXD = 1024   # lib/port/port.c PORT_RXD/PORT_TXD: greway's mbuf pool size


def write_pcap(path, frames):
    """A classic pcap (Ethernet, microsecond stamps) of the frames: what wrpcap writes."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)))
            f.write(fr)


def read_frames(path):
    """The frames of a classic pcap as bytes (fast: no scapy); either byte order."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        end = "<"
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        end = ">"
    else:
        raise ValueError("%s: not a pcap file" % path)
    out, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def pool_ports(frames, workers, first=1):
    """Extra idle net_null ports (net_nullFIRST, ...) for an input of `frames` frames: greway
    sizes its pool by ports x workers (lib/port/port.c gw_port_mbufs_needed), so when the
    input holds more frames than the pool has room for beside its rings, each extra port
    adds room for its rings' worth."""
    per_port = workers * (GW_PORT_RXD + GW_PORT_TXD)
    pool = 2 * per_port + workers * 1024 + 4096
    need = frames + 2 * per_port + workers * 1024 + 2048   # rings, bursts, caches
    extra = max(0, -(-(need - pool) // per_port))
    return ["net_null%d,no-rx=1" % (i + first) for i in range(extra)]
