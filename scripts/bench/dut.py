#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""scripts/dut-testpmd.sh's engine: greway as a device under test, testpmd as the tester.

Four ports, two on each side, wired LAN to LAN and WAN to WAN:

    testpmd "gen"  --tg-lan -----------  --gw-lan  \\
                                                   greway (startup file from gwtraffic)
    testpmd "sink" --tg-wan -----------  --gw-wan  /

encap: gen sends inner frames on the tester's LAN port, sink counts the GRE frames
arriving on its WAN port; decap: gen sends GRE from the spokes on the WAN port, sink
counts inner frames on the LAN port. gen is testpmd io-forwarding a pcap
(net_pcap, infinite_rx=1) to its port ("pcap", any traffic gen-traffic.py makes)
or testpmd txonly (encap only: one UDP flow per source address, one size).
sink is testpmd rxonly. Three DPDK processes, each with its own --file-prefix.

--vdev-mode wires the four ports as net_memif pairs (greway is the memif server
of both, the testpmds are clients) with --no-pci, so everything runs on one
machine without NICs (net_ring cannot: its rings do not cross processes).

Nothing is bound to vfio-pci here: doc/line-rate.md describes that step.
Counters: testpmd's `show port stats` (read after quit: its stdout is a pipe)
and greway's SIGUSR1 dump, at the start and end of the window and once more
after the generator stopped and the pipeline drained (totals must match).
"""
import argparse
import json
import os
import shlex
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.dont_write_bytecode = True

import gwtraffic as T  # noqa: E402
from bench import Fail, Greway, Testpmd, parse_testpmd_stats, say  # noqa: E402

VDEV_EAL = ["--no-huge", "-m", "512"]


def is_pci(dev):
    return ":" in dev and "," not in dev and not dev.startswith("net_")


def dev_args(dev):
    """EAL arguments that give a process this port: -a for a PCI address, --vdev otherwise."""
    return ["-a", dev] if is_pci(dev) else ["--vdev", dev]


def port_ids(devs):
    """DPDK port ids in probe order: PCI devices by address first, then vdevs as given."""
    pci = sorted(d for d in devs if is_pci(d))
    vdev = [d for d in devs if not is_pci(d)]
    order = pci + vdev
    return {d: order.index(d) for d in devs}


class Dut:
    def __init__(self, a, topo):
        self.a, self.t = a, topo
        self.build = os.path.abspath(a.build)
        self.greway = os.path.join(self.build, "app", "greway", "greway")
        # line-buffered: the output of each command comes whole, before the next echo
        self.testpmd = ["stdbuf", "-oL", shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"]
        self.work = os.path.abspath(a.work or os.path.join(self.build, "dut"))
        os.makedirs(self.work, exist_ok=True)
        os.chmod(self.work, 0o755)
        self.prefixes = []
        tag = "%d" % os.getpid()
        if a.vdev_mode:
            s = lambda n: os.path.join(self.work, "memif-%s.sock" % n)  # noqa: E731
            for n in ("lan", "wan"):
                if os.path.exists(s(n)):
                    os.unlink(s(n))
            self.gw_lan = "net_memif0,role=server,id=0,socket=%s" % s("lan")
            self.gw_wan = "net_memif1,role=server,id=0,socket=%s" % s("wan")
            self.tg_lan = "net_memif0,role=client,id=0,socket=%s" % s("lan")
            self.tg_wan = "net_memif0,role=client,id=0,socket=%s" % s("wan")
            self.t.raise_wan_mtu = False   # net_memif sets no MTU (and checks none)
        else:
            self.gw_lan, self.gw_wan, self.tg_lan, self.tg_wan = a.gw_lan, a.gw_wan, a.tg_lan, a.tg_wan
        ids = port_ids([self.gw_lan, self.gw_wan])
        self.t.lan_port = "port%d" % ids[self.gw_lan]
        self.t.wan_port = "port%d" % ids[self.gw_wan]
        self.tag = tag

    def eal(self, role, extra):
        prefix = "gwdut-%s-%s" % (self.tag, role)
        self.prefixes.append(prefix)
        base = ["--file-prefix", prefix]
        if self.a.vdev_mode:
            base = ["--no-pci"] + base
        return base + shlex.split(extra)

    def remove_runtime_dirs(self):
        for p in self.prefixes:
            shutil.rmtree(os.path.join("/var/run/dpdk", p), ignore_errors=True)

    def path(self, name):
        return os.path.join(self.work, name)

    # ---- inputs
    def prepare(self):
        conf = self.path("greway.conf")
        with open(conf, "w") as f:
            f.write(self.t.config())
        self.conf = conf
        if self.a.gen == "pcap":
            self.pcap = self.a.pcap or self.path("%s.pcap" % self.a.direction)
            if not self.a.pcap:
                frames = self.t.inner_frames() if self.a.direction == "encap" \
                    else self.t.gre_frames()
                from scapy.all import wrpcap
                wrpcap(self.pcap, frames)
                self.frames = len(frames)

    # ---- processes
    def gw_argv(self):
        argv = [self.greway] + self.eal("gw", self.a.gw_eal)
        argv += dev_args(self.gw_lan) + dev_args(self.gw_wan)
        argv += ["--", "-c", self.conf, "-s", self.path("greway.sock")]
        if not self.a.vdev_mode:
            argv += ["--idle-sleep-us", "0"]
        return argv

    def testpmd_common(self):
        return ["-i", "--nb-cores=1", "--rxq=1", "--txq=1", "--rxd=1024", "--txd=1024",
                "--burst=32", "--total-num-mbufs=%d" % self.a.mbufs]

    def gen_argv(self, tx_dev):
        argv = self.testpmd + self.eal("gen", self.a.gen_eal) + dev_args(tx_dev)
        if self.a.gen == "pcap":
            # the tester's port comes first: port 0 (a PCI device probes before any vdev)
            argv += ["--vdev", "net_pcap_gen0,rx_pcap=%s,infinite_rx=1" % self.pcap, "--"]
            argv += self.testpmd_common() + ["--forward-mode=io"]
        else:
            size = self.t.mix[0][0]
            lan_host, spoke_host = self.t.flow_hosts(0)
            argv += ["--"] + self.testpmd_common() + [
                "--forward-mode=txonly", "--txpkts=%d" % (size - T.FCS),
                "--tx-ip=%s,%s" % (lan_host, spoke_host),
                "--eth-peer=0,%s" % self.t.gw_lan_mac, "--txonly-multi-flow"]
        return argv

    def sink_argv(self, rx_dev):
        return (self.testpmd + self.eal("sink", self.a.sink_eal) + dev_args(rx_dev) + ["--"]
                + self.testpmd_common() + ["--forward-mode=rxonly"])

    def run(self):
        a = self.a
        encap = a.direction == "encap"
        tx_dev, rx_dev = (self.tg_lan, self.tg_wan) if encap else (self.tg_wan, self.tg_lan)
        gw_in, gw_out = (self.t.lan_port, self.t.wan_port) if encap \
            else (self.t.wan_port, self.t.lan_port)
        gw = Greway(self.gw_argv(), self.path("greway.log"))
        gen = sink = None
        try:
            gw.wait_running()
            sink = Testpmd(self.sink_argv(rx_dev), self.path("testpmd-sink.log"))
            sink.start()
            gen = Testpmd(self.gen_argv(tx_dev), self.path("testpmd-gen.log"))
            gen.start()
            time.sleep(a.warmup)
            t0 = (gen.stats(), sink.stats())
            _, d0 = gw.dump()
            time.sleep(a.seconds)
            t1 = (gen.stats(), sink.stats())
            _, d1 = gw.dump()
            gen.command("stop")
            time.sleep(a.drain)
            gen.stats()
            sink.stats()
            _, d2 = gw.dump()
        finally:
            rcs = {}
            for name, p in (("gen", gen), ("sink", sink), ("greway", gw)):
                if p is not None:
                    rcs[name] = p.stop()
            self.remove_runtime_dirs()
        g_shows = parse_testpmd_stats(gen.proc.text())
        s_shows = parse_testpmd_stats(sink.proc.text())
        if len(g_shows) < 3 or len(s_shows) < 3:
            raise Fail("testpmd printed %d/%d of 3 port stats; logs in %s"
                       % (len(g_shows), len(s_shows), self.work))
        if any(rcs.values()):
            raise Fail("exit status %s; logs in %s" % (rcs, self.work))

        def tg(shows, i, k):
            return shows[i][0][k]

        def gwc(d, port, k):
            return d["port"][port][k]

        win_gen = (t1[0] - t0[0])
        win_sink = (t1[1] - t0[1])
        r = {
            "direction": a.direction, "gen": a.gen, "vdev_mode": a.vdev_mode,
            "seconds": a.seconds, "mode": self.t.mode, "spokes": self.t.spokes,
            "key": self.t.key, "csum": self.t.csum, "seq": self.t.seq,
            "mix": [list(m) for m in self.t.mix], "flows": self.t.flows,
            "gw_in_port": gw_in, "gw_out_port": gw_out,
            "window": {
                "tg_tx": tg(g_shows, 1, "tx_packets") - tg(g_shows, 0, "tx_packets"),
                "gw_rx": gwc(d1, gw_in, "rx_packets") - gwc(d0, gw_in, "rx_packets"),
                "gw_tx": gwc(d1, gw_out, "tx_packets") - gwc(d0, gw_out, "tx_packets"),
                "tg_rx": tg(s_shows, 1, "rx_packets") - tg(s_shows, 0, "rx_packets"),
                "tg_tx_seconds": win_gen, "tg_rx_seconds": win_sink,
            },
            "totals": {
                "tg_tx": tg(g_shows, 2, "tx_packets"),
                "gw_rx": gwc(d2, gw_in, "rx_packets"),
                "gw_rx_missed": gwc(d2, gw_in, "rx_missed"),
                "gw_tx": gwc(d2, gw_out, "tx_packets"),
                "gw_tx_errors": gwc(d2, gw_out, "tx_errors"),
                "tg_rx": tg(s_shows, 2, "rx_packets"),
                "tg_rx_missed": tg(s_shows, 2, "rx_missed"),
            },
            "gw_drops": {k: v for k, v in d2["drop"].items() if v},
            "gw_tunnels": d2["tunnel"],
            "logs": self.work,
        }
        w = r["window"]
        w["tg_tx_mpps"] = w["tg_tx"] / win_gen / 1e6
        w["gw_rx_mpps"] = w["gw_rx"] / win_gen / 1e6
        w["gw_tx_mpps"] = w["gw_tx"] / win_sink / 1e6
        w["tg_rx_mpps"] = w["tg_rx"] / win_sink / 1e6
        w["loss_pct"] = 100.0 * (w["tg_tx"] - w["tg_rx"]) / w["tg_tx"] if w["tg_tx"] else 0.0
        tot = r["totals"]
        tot["loss"] = tot["tg_tx"] - tot["tg_rx"]
        tot["in_match"] = tot["tg_tx"] == tot["gw_rx"] + tot["gw_rx_missed"]
        tot["out_match"] = tot["gw_tx"] == tot["tg_rx"] + tot["tg_rx_missed"]
        if a.link:
            row = T.rate_row(T.parse_speed(a.link), self.t.mix, "", self.t.mode,
                             self.t.key is not None, self.t.csum, self.t.seq)
            r["line_rate"] = {"link": a.link, "max_mpps": row[a.direction]["max_pps"] / 1e6,
                              "outer_frame": row["outer_frame"]}
        return r


def report(r):
    w, tot = r["window"], r["totals"]
    say("dut: %s %s%s%s%s, %d spoke(s), %d flows, sizes %s, generator %s%s"
        % (r["direction"], r["mode"], " key" if r["key"] is not None else "",
           " csum" if r["csum"] else "", " seq" if r["seq"] else "", r["spokes"], r["flows"],
           ",".join("%dx%d" % (n, s) if n > 1 else str(s) for s, n in r["mix"]), r["gen"],
           " (vdevs: net_memif)" if r["vdev_mode"] else ""))
    say("dut: window %.1f s" % r["seconds"])
    say("  %-32s %14s %10s" % ("", "packets", "Mpps"))
    say("  %-32s %14d %10.3f" % ("testpmd gen tx", w["tg_tx"], w["tg_tx_mpps"]))
    say("  %-32s %14d %10.3f" % ("greway rx (%s)" % r["gw_in_port"], w["gw_rx"], w["gw_rx_mpps"]))
    say("  %-32s %14d %10.3f" % ("greway tx (%s)" % r["gw_out_port"], w["gw_tx"], w["gw_tx_mpps"]))
    say("  %-32s %14d %10.3f" % ("testpmd sink rx", w["tg_rx"], w["tg_rx_mpps"]))
    say("  loss in the window: %.2f%% (gen tx - sink rx)" % w["loss_pct"])
    if "line_rate" in r:
        lr = r["line_rate"]
        say("  line rate at %s: %.3f Mpps (outer frame %.1f B); forwarded: %.1f%% of it"
            % (lr["link"], lr["max_mpps"], lr["outer_frame"], 100 * w["tg_rx_mpps"] / lr["max_mpps"]))
    say("dut: totals after the generator stopped and %s drained:" % "the pipeline")
    say("  gen tx %d, greway rx %d + missed %d: %s" % (
        tot["tg_tx"], tot["gw_rx"], tot["gw_rx_missed"], "match" if tot["in_match"] else "DIFFER"))
    say("  greway tx %d (tx errors %d), sink rx %d + missed %d: %s" % (
        tot["gw_tx"], tot["gw_tx_errors"], tot["tg_rx"], tot["tg_rx_missed"],
        "match" if tot["out_match"] else "DIFFER"))
    say("  lost %d; greway drops: %s" % (tot["loss"], ", ".join(
        "%s %d" % kv for kv in sorted(r["gw_drops"].items())) or "none"))
    say("dut: logs, config and pcap in %s" % r["logs"])


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="scripts/dut-testpmd.sh", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Drive greway as a DUT with testpmd through two ports a side; print Mpps "
                    "and loss from both sides' counters. Guide: doc/line-rate.md.",
        epilog="""\
wiring: --tg-lan <-> --gw-lan, --tg-wan <-> --gw-wan (cables, or memif with --vdev-mode)

examples:
  # on this machine, no NICs: net_memif between testpmd and greway, --no-pci
  scripts/dut-testpmd.sh --vdev-mode --direction decap --key 1000 --spokes 4 --seconds 5
  # real NICs, bound to vfio-pci first (doc/line-rate.md), hugepages reserved
  scripts/dut-testpmd.sh --gw-lan 0000:3b:00.0 --gw-wan 0000:3b:00.1 \\
      --tg-lan 0000:5e:00.0 --tg-wan 0000:5e:00.1 --gw-eal '-l 2,3' \\
      --gen-eal '-l 4,5' --sink-eal '-l 6,7' --link 25G --direction encap --key 1000
""")
    g = ap.add_argument_group("ports")
    g.add_argument("--vdev-mode", action="store_true",
                   help="net_memif pairs instead of NICs, --no-pci (this machine, CI)")
    g.add_argument("--gw-lan", help="greway's LAN port: PCI address or vdev string")
    g.add_argument("--gw-wan", help="greway's WAN port")
    g.add_argument("--tg-lan", help="tester port cabled to greway's LAN port")
    g.add_argument("--tg-wan", help="tester port cabled to greway's WAN port")
    g = ap.add_argument_group("run")
    g.add_argument("--direction", choices=("encap", "decap"), default="encap",
                   help="encap: LAN -> tunnels -> WAN; decap: WAN -> LAN (default encap)")
    g.add_argument("--gen", choices=("pcap", "txonly"), default="pcap",
                   help="pcap: testpmd io from net_pcap(infinite_rx) to the tester port "
                        "(gen-traffic.py traffic, any direction); txonly: testpmd txonly "
                        "(encap, one size) (default pcap)")
    g.add_argument("--pcap", help="replay this pcap instead of generating one")
    g.add_argument("--seconds", type=float, default=5, help="measured window (default 5)")
    g.add_argument("--warmup", type=float, default=1, help="seconds before it (default 1)")
    g.add_argument("--drain", type=float, default=1,
                   help="seconds between stopping the generator and the final counters")
    g.add_argument("--link", help="link speed (10G, 25G, ...): print the expected line rate")
    g.add_argument("--gw-eal", default=None,
                   help="greway's EAL options (lcores, memory); vdev mode: '-l 0 --no-huge -m 512'")
    g.add_argument("--gen-eal", default=None,
                   help="generator testpmd's EAL options; vdev mode: '--lcores 0@0,1@1 "
                        "--no-huge -m 512'")
    g.add_argument("--sink-eal", default=None,
                   help="sink testpmd's EAL options; vdev mode: '--lcores 0@0,1@1 --no-huge -m 512'")
    g.add_argument("--mbufs", type=int, default=32768, help="testpmd --total-num-mbufs")
    g.add_argument("--build", default="build", help="build directory (default build)")
    g.add_argument("--work", help="logs, config, pcap, sockets (default BUILD/dut)")
    g.add_argument("--json", help="write the figures as JSON here too")
    T.add_topology_args(ap)
    a = ap.parse_args(argv)

    if a.vdev_mode:
        a.gw_eal = a.gw_eal if a.gw_eal is not None else "-l 0 --no-huge -m 512"
        a.gen_eal = a.gen_eal if a.gen_eal is not None else "--lcores 0@0,1@1 --no-huge -m 512"
        a.sink_eal = a.sink_eal if a.sink_eal is not None else "--lcores 0@0,1@1 --no-huge -m 512"
    else:
        miss = [o for o in ("gw_lan", "gw_wan", "tg_lan", "tg_wan") if not getattr(a, o)]
        if miss:
            ap.error("give --vdev-mode or all four ports (missing: %s)"
                     % ", ".join("--" + m.replace("_", "-") for m in miss))
        for o in ("gw_eal", "gen_eal", "sink_eal"):
            if getattr(a, o) is None:
                ap.error("--%s: with NICs, give each process its own lcores, e.g. '-l 2,3'"
                         % o.replace("_", "-"))
    if a.gen == "txonly" and (a.direction != "encap" or len(T.parse_mix(a.imix or a.size)) > 1):
        ap.error("--gen txonly makes plain UDP of one size: encap only, one --size")
    try:
        topo = T.topology_from_args(a)
    except ValueError as e:
        ap.error(str(e))
    d = Dut(a, topo)
    if not os.access(d.greway, os.X_OK):
        sys.exit("dut: %s not built (meson setup %s && ninja -C %s)" % (d.greway, a.build, a.build))
    d.prepare()
    try:
        r = d.run()
    except Fail as e:
        sys.exit("dut: FAILED: %s" % e)
    report(r)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=1)
    if r["window"]["tg_rx"] == 0:
        say("dut: nothing was forwarded")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
