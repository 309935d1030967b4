#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""scripts/bench-hub.sh's engine: a hub's scale figures (doc/benchmarks.md, "Hub scale").

The hub is hub_plan.py's: mgre0 (remote any, key 42) on port0, spoke s at underlay
198.18.0.0/15 host 2 + s, overlay 172.16.0.0/12 host 2 + s, LAN the s-th /24 of 10.64.0.0/10.
Two phases, each on a fresh greway (--no-pci --no-huge, a file prefix of its own, stopped
by pid):

  add    greway on two net_null ports (no traffic). Over the RPC socket, N spoke mappings
         `neigh add OVERLAY lladdr UNDERLAY dev mgre0`, then (unless --no-routes) N routes
         `route add LAN via OVERLAY dev mgre0`, pipelined (--window requests in flight on
         one connection, as ctl_rate.py's pipelined mode) or sequential: spokes added per
         second, routes added per second. Memory per spoke: the EAL heap bytes allocated
         (telemetry /eal/heap_info) and the process's VmRSS, after the mappings (and after
         the routes) minus before them, divided by N.
  learn  greway with port0 a net_pcap replaying (infinite_rx) one GRE packet from each of
         N spokes: N distinct outer sources, each with one inner source (hub_plan.learn_host)
         for the hub's LAN (port1, net_null). The hub forwards them with learn off; then
         `tunnel change mgre0 learn on learn-max N` and the script polls `tunnel show mgre0`
         until "learned" reaches N: spokes learned per second (N / the time it took), with
         the time to the first one and the rate between 10% and 90%. The workers tell the
         control thread at most 100,000 new sources a second each (lib/dp/gw_dp.h,
         GW_LEARN_WORKER_RATE), after a burst of 4096: that bounds the figure.

Beyond 10,000 spokes the script passes greway --max-peers, --max-next-hops and --max-routes
(table sizes as startup settings); a greway without those options holds 10,000.

Figures are measured, never asserted (tests/integration/test_bench_ctl.py runs this with
--spokes 200 and checks the figures are there). Standard library only.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import ctl_rate as R  # noqa: E402
import hub_plan as H  # noqa: E402
import vdev  # noqa: E402

DEFAULT_SPOKES = 10000
BUILTIN_SPOKES = 10000   # what greway's default tables hold; beyond it, --max-* options
PHASES = ("add", "learn")
FIGURES = ("spokes_added_per_s", "routes_added_per_s", "heap_bytes_per_spoke",
           "rss_bytes_per_spoke", "heap_bytes_per_spoke_with_route",
           "rss_bytes_per_spoke_with_route", "spokes_learned_per_s")

say = R.say
Fail = R.Fail


def table_options(n, routes=True):
    """greway's --max-* options for a hub of n spokes: none up to BUILTIN_SPOKES (so a
    greway that has no such options runs it), else room for n spokes (a peer, a next hop
    and a host route each, and a route to its LAN) beside the defaults."""
    if n <= BUILTIN_SPOKES:
        return []
    return ["--max-peers", str(max(16384, n + 1024)),
            "--max-next-hops", str(max(32768, n + 1024)),
            "--max-routes", str(max(131072, (2 if routes else 1) * n + 1024))]


def mapping_params(s):
    return {"dst": H.spoke_overlay(s), "lladdr": H.spoke_underlay(s), "dev": H.TUNNEL}


def route_params(s):
    return {"dst": H.spoke_prefix(s), "via": H.spoke_overlay(s), "dev": H.TUNNEL}


def tunnel_show(rpc):
    res, err, _ = rpc.call("tunnel.show", {"name": H.TUNNEL})
    if err is not None:
        raise Fail(f"tunnel show {H.TUNNEL}: {err}")
    return res[0]


def port_rx(rpc, port="port0"):
    res, err, _ = rpc.call("stats.show", {"name": port})
    if err is not None:
        raise Fail(f"stats show {port}: {err}")
    return res["ports"][0]["rx_packets"]


def start(args, binary, workdir, tag, startup, vdevs=R.NULL_VDEVS, idle_sleep_us=None):
    gw = R.Greway(binary, workdir, tag, args.idle_sleep_us if idle_sleep_us is None
                  else idle_sleep_us, args.lcores, args.mem_mb, startup=startup, vdevs=vdevs,
                  options=table_options(args.spokes, not args.no_routes))
    try:
        gw.wait_running(timeout=60 + args.spokes / 1000)
    except Fail:
        gw.stop()
        if "unrecognized option '--max-" in gw.output():
            raise Fail(f"this greway has no --max-* options (table sizes as startup settings): "
                       f"--spokes {BUILTIN_SPOKES} at most ({gw.log_path})")
        raise
    return gw


def stop(gw, res):
    rc = gw.stop()
    res["greway_exit"] = rc
    if rc != 0:
        raise Fail(f"greway exited {rc}:\n{gw.output()[-3000:]}")


# ------------------------------------------------------------------ add

def phase_add(args, binary, workdir):
    n = args.spokes
    say(f"== add: {n} spoke mappings" + ("" if args.no_routes else f" and {n} routes")
        + f" over the socket, {args.mode}" + (f", window {args.window}"
                                             if args.mode == "pipelined" else ""))
    gw = start(args, binary, workdir, "add",
               H.base_config(head="# scripts/bench/hub_scale.py: the hub, spokes added over "
                                  "the socket\n"))
    res = {"greway_command": " ".join(gw.argv)}
    rpc = None
    try:
        rpc = R.Rpc(gw.sock)
        mem0 = R.memory(gw)
        res["neigh_add"], ok = R.run_batch(rpc, args.mode, "neigh.add",
                                           [mapping_params(s) for s in range(n)], args.window,
                                           None)
        say(f"  neigh add    {R.fmt_fig(res['neigh_add'])}")
        time.sleep(0.2)   # let telemetry and the allocator settle
        mem1 = R.memory(gw)
        res["memory"] = {"mappings": R.memory_figures(mem0, mem1, len(ok), "spoke")}
        if not args.no_routes:
            res["route_add"], _ = R.run_batch(rpc, args.mode, "route.add",
                                              [route_params(s) for s in ok], args.window, None)
            say(f"  route add    {R.fmt_fig(res['route_add'])}")
            time.sleep(0.2)
            res["memory"]["mappings_and_routes"] = R.memory_figures(mem0, R.memory(gw), len(ok),
                                                                    "spoke")
        t = tunnel_show(rpc)
        res["tunnel_show"] = {"spokes": t.get("spokes"), "learned": t.get("learned")}
        res["errors"] = sum(res[k]["errors"] for k in ("neigh_add", "route_add") if k in res)
        if res["errors"]:
            msgs = [m for k in ("neigh_add", "route_add") if k in res
                    for m in res[k].get("error_messages", [])]
            raise Fail(f"{res['errors']} requests refused: {msgs[:3]}")
        if t.get("spokes") != n:
            raise Fail(f"tunnel show {H.TUNNEL} says {t.get('spokes')} spokes, not {n}")
    finally:
        if rpc is not None:
            rpc.close()
        stop(gw, res)
    return res


# ------------------------------------------------------------------ learn

def learn_rate(samples, n):
    """From (seconds since learn on, learned) samples: the time to the first learned, to all
    n, and the rate between 10% and 90% of n (None where the samples are too coarse)."""
    def first(k):
        return next((t for t, v in samples if v >= k), None)
    t1, tn = first(1), first(n)
    t10, t90 = first(max(1, n // 10)), first(max(1, n * 9 // 10))
    mid = (n * 9 // 10 - max(1, n // 10)) / (t90 - t10) if t10 is not None and \
        t90 is not None and t90 > t10 else None
    return {"seconds": tn, "first_seconds": t1,
            "learned_per_s": round(n / tn, 1) if tn else None,
            "learned_per_s_10_90": round(mid, 1) if mid else None}


def phase_learn(args, binary, workdir):
    n = args.spokes
    workers = max(1, len(args.lcores.split(",")) - 1)   # "0,1": main + 1 worker; "0": 1
    say(f"== learn: {n} spokes, one packet each per lap of an infinite_rx pcap, "
        f"{workers} worker(s)")
    pcap = os.path.join(workdir, "learn.pcap")
    frames = H.frames(n, to="lan", src=H.learn_host)
    vdev.write_pcap(pcap, frames)
    vdevs = [f"net_pcap0,rx_pcap={pcap},infinite_rx=1", "net_null0,no-rx=1"] + \
        vdev.pool_ports(len(frames), workers)
    gw = start(args, binary, workdir, "learn",
               H.base_config(head="# scripts/bench/hub_scale.py: the hub, learn off until the "
                                  "script turns it on\n"), vdevs=vdevs, idle_sleep_us=0)
    res = {"greway_command": " ".join(gw.argv), "frames": len(frames),
           "frame_bytes": len(frames[0])}
    rpc = None
    try:
        rpc = R.Rpc(gw.sock)
        # the spokes' traffic flows (learn off: decap by the wildcard peer, out to the LAN)
        rx0 = port_rx(rpc)
        time.sleep(0.5)
        rx1 = port_rx(rpc)
        if rx1 <= rx0:
            raise Fail("no packet came in on port0 in 0.5 s")
        res["offered_pps"] = round((rx1 - rx0) / 0.5)
        mem0 = R.memory(gw)
        samples = []
        t0 = time.perf_counter()
        _, err, _ = rpc.call("tunnel.change", {"name": H.TUNNEL, "learn": True,
                                               "learn-max": max(n, 1)})
        if err is not None:
            raise Fail(f"tunnel change {H.TUNNEL} learn on: {err}")
        deadline = t0 + args.limit_s
        learned = 0
        while learned < n:
            t = time.perf_counter()
            if t > deadline:
                break
            learned = tunnel_show(rpc)["learned"]
            samples.append((time.perf_counter() - t0, learned))
            if learned < n:
                time.sleep(args.poll_ms / 1000)
        rx2 = port_rx(rpc)
        res.update(learn_rate(samples, n))
        res["learned"] = learned
        res["polls"] = len(samples)
        res["packets_while_learning"] = rx2 - rx1
        time.sleep(0.2)
        res["memory"] = R.memory_figures(mem0, R.memory(gw), learned, "spoke")
        t = tunnel_show(rpc)
        res["tunnel_show"] = {"spokes": t.get("spokes"), "learned": t.get("learned"),
                              "learning": t.get("learning")}
        say(f"  learned      {learned} of {n}" + (
            f" in {res['seconds']:.3f} s: {res['learned_per_s']:.0f}/s (first after "
            f"{res['first_seconds']:.3f} s)" if res["seconds"] else f" in {args.limit_s} s"))
        if learned < n:
            raise Fail(f"learned {learned} of {n} spokes in {args.limit_s} s")
    finally:
        if rpc is not None:
            rpc.close()
        stop(gw, res)
    return res


# ------------------------------------------------------------------ report

def figures(results):
    f = dict.fromkeys(FIGURES)
    a, lr = results.get("add"), results.get("learn")
    if a:
        f["spokes_added_per_s"] = a["neigh_add"]["ops_per_s"]
        if "route_add" in a:
            f["routes_added_per_s"] = a["route_add"]["ops_per_s"]
        m = a["memory"]["mappings"]
        f["heap_bytes_per_spoke"] = m["heap_alloc_per_spoke"]
        f["rss_bytes_per_spoke"] = m["rss_per_spoke"]
        if "mappings_and_routes" in a["memory"]:
            m = a["memory"]["mappings_and_routes"]
            f["heap_bytes_per_spoke_with_route"] = m["heap_alloc_per_spoke"]
            f["rss_bytes_per_spoke_with_route"] = m["rss_per_spoke"]
    if lr:
        f["spokes_learned_per_s"] = lr["learned_per_s"]
    return f


def table(summary):
    n, o, r = summary["spokes"], summary["options"], summary["results"]
    f = summary["figures"]
    how = o["mode"] + (f", window {o['window']}" if o["mode"] == "pipelined" else "")
    lines = ["| figure | value |", "| --- | ---: |"]

    def row(name, v, fmt="{:,.0f}", extra=""):
        lines.append(f"| {name} | " + ("-" if v is None else fmt.format(v) + extra) + " |")

    if "add" in r:
        a = r["add"]
        row(f"spokes added / s (neigh add, {how})", f["spokes_added_per_s"],
            extra=f" ({a['neigh_add']['done']:,} in {a['neigh_add']['seconds']:.2f} s)")
        if "route_add" in a:
            row(f"routes added / s (route add via each, {how})", f["routes_added_per_s"],
                extra=f" ({a['route_add']['done']:,} in {a['route_add']['seconds']:.2f} s)")
        row("heap bytes / spoke (mapping)", f["heap_bytes_per_spoke"])
        row("RSS bytes / spoke (mapping)", f["rss_bytes_per_spoke"])
        if "route_add" in a:
            row("heap bytes / spoke (mapping + route)", f["heap_bytes_per_spoke_with_route"])
            row("RSS bytes / spoke (mapping + route)", f["rss_bytes_per_spoke_with_route"])
    if "learn" in r:
        lr = r["learn"]
        row("spokes learned / s (from traffic)", f["spokes_learned_per_s"],
            extra="" if lr["seconds"] is None else f" ({lr['learned']:,} in "
            f"{lr['seconds']:.2f} s)")
        row("  between 10% and 90% learned, / s", lr["learned_per_s_10_90"])
        row("  first spoke learned after, s", lr["first_seconds"], fmt="{:.3f}")
        row("  heap bytes / learned spoke", lr["memory"]["heap_alloc_per_spoke"])
    lines.append("")
    tables = " ".join(o.get("greway_options") or []) or "default tables"
    lines.append(f"{n:,} spokes; greway {tables}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="scripts/bench-hub.sh",
        description="A hub's scale: spokes added per second over the RPC socket, memory per "
                    "spoke, spokes learned per second from traffic (doc/benchmarks.md, "
                    "'Hub scale').")
    ap.add_argument("--build", default="build", help="build directory (default build)")
    ap.add_argument("--greway", help="the greway binary (default BUILD/app/greway/greway)")
    ap.add_argument("--spokes", type=R.positive, default=DEFAULT_SPOKES,
                    help="N spokes (default %d; beyond %d greway gets --max-peers, "
                         "--max-next-hops, --max-routes)" % (DEFAULT_SPOKES, BUILTIN_SPOKES))
    ap.add_argument("--phase", choices=PHASES + ("both",), default="both",
                    help="add (mappings and routes over the socket, memory), learn, or both")
    ap.add_argument("--no-routes", action="store_true",
                    help="add: mappings only, no route via each spoke")
    ap.add_argument("--mode", choices=R.MODES, default="pipelined",
                    help="add: RPC client mode (default pipelined)")
    ap.add_argument("--window", type=R.positive, default=256,
                    help="requests in flight in pipelined mode (default 256)")
    ap.add_argument("--idle-sleep-us", type=int, default=1000,
                    help="greway's --idle-sleep-us in the add phase (default 1000; the learn "
                         "phase's input keeps its worker busy: 0)")
    ap.add_argument("--lcores", default="0,1",
                    help="EAL --lcores (default 0,1: the main lcore and one worker)")
    ap.add_argument("--mem-mb", type=R.positive, default=1024, help="EAL -m (default 1024)")
    ap.add_argument("--limit-s", type=float, default=120,
                    help="learn: give up after this many seconds (default 120)")
    ap.add_argument("--poll-ms", type=float, default=5,
                    help="learn: tunnel show every this many ms (default 5)")
    ap.add_argument("--json", help="write the summary here")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = ap.parse_args(argv)
    if not args.no_routes and args.spokes > H.MAX_SPOKES:
        ap.error(f"--spokes {args.spokes}: routes need a /24 of {H.SPOKE_INNER} each "
                 f"(at most {H.MAX_SPOKES}); add --no-routes")
    if args.spokes > H.MAX_LEARN_SPOKES:
        ap.error(f"--spokes: at most {H.MAX_LEARN_SPOKES}")
    if args.phase != "add" and args.spokes < 2:
        ap.error("--spokes: at least 2")

    build = args.build if os.path.isabs(args.build) else os.path.join(os.getcwd(), args.build)
    binary = os.path.abspath(args.greway or os.path.join(build, "app/greway/greway"))
    if not os.access(binary, os.X_OK):
        say(f"hub_scale: {binary} not built: run `ninja -C {args.build}`")
        return 2

    info = R.machine_info()
    say(f"greway {info['greway_commit']}, DPDK {info['dpdk']}, {info['cpus']} CPUs, "
        f"load {' '.join(info['loadavg_at_start'])}; {args.spokes} spokes")
    workdir = tempfile.mkdtemp(prefix="gw-hubbench-")
    results, failed = {}, None
    try:
        for phase in PHASES if args.phase == "both" else (args.phase,):
            results[phase] = (phase_add if phase == "add" else phase_learn)(args, binary,
                                                                            workdir)
    except (Fail, OSError) as e:
        failed = str(e)
        say(f"hub_scale: FAILED: {failed}\n(logs in {workdir})")
        args.keep = True
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    opts = dict(vars(args), greway_options=table_options(args.spokes, not args.no_routes))
    summary = {"machine": info, "options": opts, "spokes": args.spokes,
               "startup": H.base_config(), "results": results, "figures": figures(results),
               "failed": failed}
    if results:
        say()
        say(table(summary))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        say(f"\nJSON summary: {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
