#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Line-rate test traffic for greway: pcaps, the matching greway config, expected rates.

Run with Debian's /usr/bin/python3 (its scapy only imports there). doc/line-rate.md
is the guide; the packet builders live in scripts/lib/gwtraffic.py.

  gen-traffic.py inner -o lan.pcap [topology options]   what a LAN sends to greway
  gen-traffic.py gre   -o wan.pcap [topology options]   what N spokes send to greway's WAN
  gen-traffic.py inner|gre ... --print-config           + the greway startup file (stdout)
  gen-traffic.py rate --link 10G --size 64              expected line-rate figures
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

import gwtraffic as T  # noqa: E402

EPILOG_TOPO = """\
Topology (the same options give the same spokes in pcaps and --print-config):
  spoke i (0-based): underlay address = host 2+i of --spoke-net (203.0.113.2, .3, ...),
  key = --key + i x --key-step, inner network = the i-th /24 of --spoke-inner
  (10.64.0.0/24, 10.64.1.0/24, ...), tunnel gre<i+1> (tap<i+1> for gretap).
  LAN hosts are in --lan-inner (10.32.0.0/16) behind the LAN next hop 10.0.0.2.
  Flow f goes between LAN host f and a host of spoke f %% spokes; packet j is
  flow j %% flows with the (j / flows)-th size of the mix, so every flow sees
  every size. Sizes are Ethernet frame sizes with FCS (64 = 60 bytes in the pcap);
  for gre/gretap they are the INNER frame's, the outer frame adds the overhead.

Sequence numbers (--seq): consecutive per spoke in steps of --seq-step; the
default step 2^32/(packets of that spoke) makes the stream valid forever when
the pcap is replayed in a loop (the wrap is one more step forward), which is
what pktgen and testpmd's net_pcap (infinite_rx=1) do.

Examples:
  gen-traffic.py inner -o lan.pcap --spokes 4 --flows 64 --imix simple
  gen-traffic.py gre -o wan.pcap --spokes 100 --key 1000 --csum --seq --size 128
  gen-traffic.py gre -o wan.pcap --spokes 100 --key 1000 --print-config > hub.conf
  gen-traffic.py rate --link 25G --imix simple
"""


def write_pcap(path, frames):
    from scapy.all import wrpcap
    wrpcap(path, frames)


def describe(kind, t, frames):
    sizes = sorted({len(f) + T.FCS for f in frames})
    return ("%s: %d frames (%s bytes on the wire with FCS), %d flows, %d spoke(s)"
            % (kind, len(frames), ",".join(map(str, sizes)), t.flows, t.spokes))


def fmt_rate(bps):
    return "%.3f" % (bps / 1e9)


def print_rates(tab, out=sys.stdout):
    w = out.write
    mix = ", ".join("%dx%d" % (n, s) for s, n in tab["mix"]) if len(tab["mix"]) > 1 \
        else "%d" % tab["mix"][0][0]
    w("link %.4g Gbit/s, inner frame %s bytes (mean %.2f) with FCS; + %d bytes preamble/IFG "
      "per frame\n" % (tab["link_bps"] / 1e9, mix, T.mix_mean([tuple(m) for m in tab["mix"]]),
                       T.PREAMBLE_IFG))
    w("plain routing (no tunnel): %.3f Mpps\n\n" % (tab["plain_pps"] / 1e6))
    heads = {
        "encap": ("encap: LAN port offered inner frames at line rate; the WAN link carries "
                  "outer frames", "limit", lambda r, x: "%8s" % x["limited_by"]),
        "decap": ("decap: WAN port offered outer frames at line rate; the LAN link carries "
                  "inner frames", "LAN load",
                  lambda r, x: "%7.1f%%" % (100 * x["inner"]["l1_bps"] / tab["link_bps"])),
    }
    for n, (d, (title, last, tail)) in enumerate(heads.items()):
        w("%s%s\n" % ("\n" if n else "", title))
        w("%-20s %4s %7s %7s %10s %10s %9s %9s %8s\n" % (
            "mode", "+B", "inner", "outer", "offer Mpps", "max Mpps", "inner Gb/s", "outer Gb/s",
            last))
        for r in tab["rows"]:
            x = r[d]
            w("%-20s %4d %7.1f %7.1f %10.3f %10.3f %10s %10s %s\n" % (
                r["mode"], r["overhead"], r["inner_frame"], r["outer_frame"],
                x["offered"]["pps"] / 1e6, x["max_pps"] / 1e6, fmt_rate(x["inner"]["l2_bps"]),
                fmt_rate(x["outer"]["l2_bps"]), tail(r, x)))
    w("\nGb/s: L2 (frames with FCS); the saturated side's L1 rate (+ preamble/IFG) is the "
      "link speed.\n+B: tunnel overhead (outer IPv4 20 + GRE 4 + 4 per key/csum/seq; GRETAP "
      "+14 inner Ethernet).\n")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="gen-traffic.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Line-rate test traffic for greway: pcaps of inner traffic and of GRE/"
                    "GRETAP from N spokes (for pktgen's pcap mode, testpmd/net_pcap), the "
                    "greway startup file matching them, and expected line-rate figures. "
                    "Guide: doc/line-rate.md. Run with /usr/bin/python3.",
        epilog=EPILOG_TOPO)
    sub = ap.add_subparsers(dest="cmd", metavar="COMMAND")
    sub.required = True
    for name, text in (("inner", "pcap of what a LAN sends to greway's LAN port: IPv4 UDP/TCP "
                                 "from the LAN hosts to the spokes' networks (encap input)"),
                       ("gre", "pcap of what the spokes send to greway's WAN port: GRE or "
                               "GRETAP with per-spoke keys, csum, seq (decap input)")):
        p = sub.add_parser(name, help=text, description=text, epilog=EPILOG_TOPO,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        T.add_topology_args(p)
        p.add_argument("-o", "--output", help="pcap to write")
        p.add_argument("--print-config", action="store_true",
                       help="print the greway startup file for these spokes on stdout (-c FILE)")
    p = sub.add_parser(
        "rate", help="expected packets/s and bit rates at line rate, both directions",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Expected figures at line rate for every GRE mode (24/28/32/36 bytes "
                    "overhead, GRETAP +14), both directions. On the wire each frame costs "
                    "its size with FCS + 20 bytes (preamble, SFD, inter-frame gap). "
                    "encap: inner frames offered at line rate on the LAN link; at most "
                    "link/((outer+20)x8) per second fit the WAN link. decap: outer frames "
                    "offered at line rate on the WAN link, each leaves as a smaller inner frame.",
        epilog="Example: 10G, 64 B, gre key: outer 92 B, 10e9/((92+20)x8) = 11.161 Mpps.")
    p.add_argument("--link", default="10G", help="link speed: 1G, 10G, 25G, 40G, 100G, 2.5G, "
                                                 "100M, or bits/s (default 10G)")
    sz = p.add_mutually_exclusive_group()
    sz.add_argument("--size", default="64", help="inner frame size(s) with FCS, as for the "
                                                 "pcaps (default 64)")
    sz.add_argument("--imix", nargs="?", const="simple", metavar="NAME|MIX",
                    help="IMIX ('simple' when bare): rates for the mean frame")
    p.add_argument("--mode", action="append", metavar="MODE",
                   choices=[m[0] for m in T.RATE_MODES],
                   help="only this row (repeatable): " + ", ".join(repr(m[0]) for m in T.RATE_MODES))
    p.add_argument("--json", action="store_true", help="JSON instead of the table")

    a = ap.parse_args(argv)
    try:
        if a.cmd == "rate":
            tab = T.rate_table(T.parse_speed(a.link), T.parse_mix(a.imix if a.imix else a.size),
                               a.mode)
            if a.json:
                json.dump(tab, sys.stdout, indent=1)
                sys.stdout.write("\n")
            else:
                print_rates(tab)
            return 0
        t = T.topology_from_args(a)
    except ValueError as e:
        ap.exit(2, "gen-traffic.py: %s\n" % e)
    if not a.output and not a.print_config:
        ap.exit(2, "gen-traffic.py %s: give -o PCAP and/or --print-config\n" % a.cmd)
    if a.print_config:
        sys.stdout.write(t.config())
    if a.output:
        frames = t.inner_frames() if a.cmd == "inner" else t.gre_frames()
        write_pcap(a.output, frames)
        print(describe(a.output, t, frames), file=sys.stderr if a.print_config else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
