# SPDX-License-Identifier: BSD-3-Clause
"""A counted, self-checking UDP flow, run inside a namespace by the tests.

    udpflow.py send DST PORT RATE STOPFILE   paced datagrams until STOPFILE exists;
                                             prints {"sent": N}
    udpflow.py recv PORT STOPFILE            counts until STOPFILE exists and 2 s pass
                                             with nothing; prints {"received", "bad", "dup"}

Each datagram carries its number, a digest of it and a fixed filler, so the
receiver tells a lost packet from a corrupted or a repeated one exactly.
Plain python3: no scapy needed.
"""
import hashlib
import json
import os
import socket
import struct
import sys
import time

FILLER = bytes(range(256)) * 4  # 1024 bytes of a known pattern


def datagram(seq):
    head = struct.pack("!Q", seq)
    return head + hashlib.sha256(head).digest() + FILLER[: 200 + seq % 800]


def check(data):
    """The sequence number of a good datagram, or None."""
    if len(data) < 40:
        return None
    seq = struct.unpack("!Q", data[:8])[0]
    return seq if data == datagram(seq) else None


def send(dst, port, rate, stopfile):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    interval, seq = 1.0 / rate, 0
    start = time.monotonic()
    while not os.path.exists(stopfile):
        sock.sendto(datagram(seq), (dst, port))
        seq += 1
        delay = start + seq * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print(json.dumps({"sent": seq}), flush=True)


def recv(port, stopfile):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind(("0.0.0.0", port))
    sock.settimeout(0.5)
    seen, bad, dup, idle_since = set(), 0, 0, None
    print(json.dumps({"ready": True}), flush=True)
    while True:
        try:
            data = sock.recv(4096)
        except socket.timeout:
            if os.path.exists(stopfile):
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 2:
                    break
            continue
        idle_since = None
        seq = check(data)
        if seq is None:
            bad += 1
        elif seq in seen:
            dup += 1
        else:
            seen.add(seq)
    top = max(seen) + 1 if seen else 0
    print(json.dumps({"received": len(seen), "bad": bad, "dup": dup,
                      "missing": sorted(set(range(top)) - seen)[:20]}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        recv(int(sys.argv[2]), sys.argv[3])
