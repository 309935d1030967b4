#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""scripts/bench-ctl.sh's engine: the control plane's rate over the RPC socket.

Starts greway on two net_null ports (no namespace needed: net_null makes no
interface), then drives its control socket as a user's program would:

  tunnel add  N tunnels  gre1..greN, mode gre, local 192.0.2.1, remote one of 508
                         RFC 5737 addresses (reached via 192.0.2.254), key t
  route add   M routes   distinct prefixes of 10.0.0.0/8 (/24s, then /23s, ...), route i
                         via gre(1 + i mod N): every tunnel gets its own route first
  tunnel show            all tunnels in one call: seconds and reply bytes
  route show             all routes in one call: seconds and reply bytes
  route del   M, tunnel del N

in one of two client modes, each on a fresh greway:

  sequential  one request, wait for its reply, the next (grewayctl in a shell loop,
              without the cost of starting a process per command)
  pipelined   up to --window requests in flight on one connection (JSON-RPC 2.0
              allows it; greway answers in order), replies read as they come

Every reply is checked (a success, the id expected); errors are counted by message.
Memory per tunnel: EAL heap bytes allocated (telemetry /eal/heap_info of every heap)
and the process's VmRSS, before and after the tunnel adds, divided by N.

Throughput is measured, never asserted (tests/integration/test_bench_ctl.py runs this
with small counts and checks the figures are there and the tables end empty).
"""
import argparse
import datetime
import ipaddress
import json
import os
import platform
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

LOCAL = "192.0.2.1"
GATEWAY, GATEWAY_MAC = "192.0.2.254", "02:00:00:00:00:fe"
REMOTE_NETS = ("203.0.113.0/24", "198.51.100.0/24")   # RFC 5737, via GATEWAY
INNER = ipaddress.ip_network("10.0.0.0/8")
STARTUP = f"""\
# scripts/bench/ctl_rate.py: port0 on the underlay, tunnel remotes via a static neighbour
addr add {LOCAL}/24 dev port0
neigh add {GATEWAY} lladdr {GATEWAY_MAC} dev port0
""" + "".join(f"route add {n} via {GATEWAY}\n" for n in REMOTE_NETS)

MODES = ("sequential", "pipelined")
OPS = ("tunnel_add", "route_add", "tunnel_show", "route_show", "route_del", "tunnel_del")


class Fail(Exception):
    pass


def say(msg=""):
    print(msg, flush=True)


# ------------------------------------------------------------------ workload

def tunnel_name(t):
    return f"gre{t + 1}"


def tunnel_remote(t):
    """Tunnel t's remote: 254 hosts of each REMOTE_NETS in turn; (remote, key t+1) distinct."""
    hosts = 254
    net = ipaddress.ip_network(REMOTE_NETS[(t // hosts) % len(REMOTE_NETS)])
    return str(net.network_address + 1 + t % hosts)


def tunnel_params(t):
    return {"name": tunnel_name(t), "mode": "gre", "local": LOCAL, "remote": tunnel_remote(t),
            "ikey": t + 1, "okey": t + 1}


def route_prefix(i):
    """The i-th distinct prefix of 10.0.0.0/8: its 65536 /24s, then its /23s, /22s, ...

    No two are equal, and none is longer than /24 (no tbl8 group of the FIB is used)."""
    length = 24
    while True:
        n = 1 << (length - INNER.prefixlen)
        if i < n:
            addr = int(INNER.network_address) + (i << (32 - length))
            return f"{ipaddress.IPv4Address(addr)}/{length}"
        i -= n
        length -= 1
        if length <= INNER.prefixlen:
            raise ValueError("more routes than 10.0.0.0/8 has prefixes")


def route_params(i, names):
    """Route i into the tunnels round-robin: the first len(names) give each its own route."""
    return {"dst": route_prefix(i), "dev": names[i % len(names)]}


# ------------------------------------------------------------------ RPC client

class Rpc:
    """One connection to greway's control socket: JSON-RPC 2.0, one object per line."""

    def __init__(self, path, timeout=60):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = bytearray()
        self.next_id = 1

    def close(self):
        self.sock.close()

    def _line(self):
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line = bytes(self.buf[:nl])
                del self.buf[:nl + 1]
                return line
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise Fail("greway closed the control socket")
            self.buf += chunk

    def _request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params},
                          separators=(",", ":"))
        return rid, (line + "\n").encode()

    def call(self, method, params=None):
        """One request, its reply: (result or None, error or None, reply bytes)."""
        rid, data = self._request(method, params or {})
        self.sock.sendall(data)
        line = self._line()
        return check_reply(line, rid) + (len(line) + 1,)

    def pipeline(self, method, params_list, window, deadline=None):
        """Requests written up to `window` ahead of their replies; the errors, in order.

        Returns (done, errors): done is how many requests were answered (all of them
        unless `deadline`, a time.perf_counter() value, passed: no new request is
        written after it), errors a list of (index, message)."""
        sel = selectors.DefaultSelector()
        self.sock.setblocking(False)
        sel.register(self.sock, selectors.EVENT_READ)
        out = bytearray()
        ids = []            # ids of the requests written, in order
        sent = done = 0
        errors = []
        total = len(params_list)
        try:
            while done < total:
                stop = deadline is not None and time.perf_counter() >= deadline
                while (sent - done < window and sent < total and not stop):
                    rid, data = self._request(method, params_list[sent])
                    ids.append(rid)
                    out += data
                    sent += 1
                if stop and done == sent and not out:
                    break
                sel.modify(self.sock, selectors.EVENT_READ |
                           (selectors.EVENT_WRITE if out else 0))
                for _, ev in sel.select(timeout=60) or [(None, 0)]:
                    if ev == 0:
                        raise Fail(f"no reply in 60 s ({method}, {done} of {total} answered)")
                    if ev & selectors.EVENT_WRITE and out:
                        try:
                            n = self.sock.send(out)
                            del out[:n]
                        except BlockingIOError:
                            pass
                    if ev & selectors.EVENT_READ:
                        try:
                            chunk = self.sock.recv(1 << 20)
                        except BlockingIOError:
                            chunk = None
                        if chunk == b"":
                            raise Fail("greway closed the control socket")
                        if chunk:
                            self.buf += chunk
                while done < sent:
                    nl = self.buf.find(b"\n")
                    if nl < 0:
                        break
                    line = bytes(self.buf[:nl])
                    del self.buf[:nl + 1]
                    _, err = check_reply(line, ids[done])
                    if err is not None:
                        errors.append((done, err))
                    done += 1
        finally:
            sel.close()
            self.sock.setblocking(True)
        return done, errors


def check_reply(line, rid):
    """(result, None) for a success with id rid; (None, message) otherwise."""
    try:
        rep = json.loads(line)
    except ValueError:
        return None, f"not JSON: {line[:80]!r}"
    if rep.get("jsonrpc") != "2.0" or rep.get("id") != rid:
        return None, f"reply out of order or malformed: id {rep.get('id')} for {rid}"
    if "error" in rep:
        e = rep["error"]
        return None, f"{e.get('code')} {e.get('message')}"
    if "result" not in rep:
        return None, "reply without result"
    return rep["result"], None


# ------------------------------------------------------------------ memory

def runtime_dir(prefix):
    base = "/var/run" if os.geteuid() == 0 else (os.environ.get("XDG_RUNTIME_DIR") or "/tmp")
    return os.path.join(base, "dpdk", prefix)


def telemetry(prefix, cmd, timeout=10):
    """One DPDK telemetry command (the v2 socket, SOCK_SEQPACKET); its value or None."""
    path = os.path.join(runtime_dir(prefix), "dpdk_telemetry.v2")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
            s.settimeout(timeout)
            s.connect(path)
            json.loads(s.recv(1 << 16))                 # the greeting: version, pid, max_output_len
            s.send(cmd.encode())
            reply = json.loads(s.recv(1 << 16))
    except (OSError, ValueError):
        return None
    return reply.get(cmd.split(",", 1)[0])


def heap_alloc_bytes(prefix):
    """Bytes allocated in every EAL heap (rte_malloc), or None without telemetry."""
    heaps = telemetry(prefix, "/eal/heap_list")
    if not isinstance(heaps, list) or not heaps:
        return None
    total = 0
    for h in heaps:
        info = telemetry(prefix, f"/eal/heap_info,{h}")
        if not isinstance(info, dict) or "Alloc_size" not in info:
            return None
        total += int(info["Alloc_size"])
    return total


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    except OSError:
        return None
    return int(m.group(1)) * 1024 if m else None


def memory(gw):
    return {"heap_alloc_bytes": heap_alloc_bytes(gw.prefix), "rss_bytes": rss_bytes(gw.pid)}


# ------------------------------------------------------------------ greway

NULL_VDEVS = ("net_null0,no-rx=1", "net_null1,no-rx=1")


class Greway:
    """greway on net_null0/1 (no-rx: no generated packets), stopped by pid. Other users
    (hub_scale.py) give their own startup file, vdevs and greway options."""

    def __init__(self, binary, workdir, tag, idle_sleep_us, lcores, mem_mb, startup=STARTUP,
                 vdevs=NULL_VDEVS, options=()):
        self.prefix = f"ctlbench-{os.getpid()}-{uuid.uuid4().hex[:6]}-{tag}"
        self.sock = os.path.join(workdir, f"{tag}.sock")
        self.conf = os.path.join(workdir, f"{tag}.conf")
        self.log_path = os.path.join(workdir, f"{tag}.log")
        with open(self.conf, "w") as f:
            f.write(startup)
        self.argv = [binary, "--no-pci", "--no-huge", "-m", str(mem_mb),
                     "--file-prefix", self.prefix, "--lcores", lcores]
        for v in vdevs:
            self.argv += ["--vdev", v]
        self.argv += ["--", "-c", self.conf, "-s", self.sock,
                      "--idle-sleep-us", str(idle_sleep_us)] + list(options)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid

    def output(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_running(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fail(f"greway exited {self.proc.returncode}:\n{self.output()[-3000:]}")
            if "greway: running" in self.output() and os.path.exists(self.sock):
                return
            time.sleep(0.1)
        raise Fail(f"greway did not start in {timeout} s:\n{self.output()[-3000:]}")

    def stop(self):
        """SIGTERM by pid, SIGKILL if it hangs; EAL's runtime directory of our prefix removed."""
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log.close()
        shutil.rmtree(runtime_dir(self.prefix), ignore_errors=True)
        return self.proc.returncode


# ------------------------------------------------------------------ one mode

def summarize_errors(errors):
    by_msg = {}
    for _, msg in errors:
        by_msg[msg] = by_msg.get(msg, 0) + 1
    return [{"message": m, "count": c} for m, c in sorted(by_msg.items(), key=lambda x: -x[1])]


def run_batch(rpc, mode, method, params, window, limit_s):
    """Send one request per params entry in the given mode. Returns the figures and the
    indexes that succeeded. With limit_s, no new request is sent after that many seconds
    (the rate is over what completed)."""
    t0 = time.perf_counter()
    deadline = t0 + limit_s if limit_s else None
    errors = []
    err_secs = None
    if mode == "sequential":
        done, err_secs = 0, 0.0
        for i, p in enumerate(params):
            t1 = time.perf_counter()
            if deadline is not None and t1 >= deadline:
                break
            _, err, _ = rpc.call(method, p)
            if err is not None:
                errors.append((i, err))
                err_secs += time.perf_counter() - t1
            done += 1
    else:
        done, errors = rpc.pipeline(method, params, window, deadline)
    secs = time.perf_counter() - t0
    failed = {i for i, _ in errors}
    ok = [i for i in range(done) if i not in failed]
    fig = {"requested": len(params), "done": done, "ok": len(ok), "errors": len(errors),
           "seconds": round(secs, 4), "ops_per_s": round(done / secs, 1) if secs > 0 else None,
           "capped": done < len(params)}
    if errors:
        fig["error_messages"] = summarize_errors(errors)
        if err_secs is not None:
            # sequential: each request timed alone, so the refused ones can be taken out
            fig["error_seconds"] = round(err_secs, 4)
            ok_secs = secs - err_secs
            fig["ok_ops_per_s"] = round(len(ok) / ok_secs, 1) if ok_secs > 0 else None
            fig["error_ops_per_s"] = round(len(errors) / err_secs, 1) if err_secs > 0 else None
    return fig, ok


def show(rpc, method):
    t0 = time.perf_counter()
    result, err, nbytes = rpc.call(method)
    secs = time.perf_counter() - t0
    if err is not None:
        raise Fail(f"{method}: {err}")
    return {"seconds": round(secs, 4), "reply_bytes": nbytes, "entries": len(result)}, result


def cleanup(rpc, method, params, window):
    """Untimed: undo what a capped delete left (pipelined, the quickest way)."""
    if params:
        done, errors = rpc.pipeline(method, params, window)
        if errors:
            raise Fail(f"cleanup {method}: {errors[0][1]} ({len(errors)} errors)")


def run_mode(args, binary, workdir, mode):
    say(f"== {mode}: {args.tunnels} tunnels, {args.routes} routes, --idle-sleep-us "
        f"{args.idle_sleep_us}" + (f", window {args.window}" if mode == "pipelined" else ""))
    gw = Greway(binary, workdir, mode, args.idle_sleep_us, args.lcores, args.mem_mb)
    res = {"mode": mode, "greway_command": " ".join(gw.argv)}
    rpc = None
    try:
        gw.wait_running()
        rpc = Rpc(gw.sock)
        _, base_tunnels = show(rpc, "tunnel.show")
        _, base_routes = show(rpc, "route.show")
        base_tun = {t["ifname"] for t in base_tunnels}
        base_rt = {r["dst"] for r in base_routes}
        limit = args.limit_s

        mem0 = memory(gw)
        tparams = [tunnel_params(t) for t in range(args.tunnels)]
        res["tunnel_add"], tun_ok = run_batch(rpc, mode, "tunnel.add", tparams, args.window,
                                              limit)
        say(f"  tunnel add   {fmt_fig(res['tunnel_add'])}")
        time.sleep(0.2)   # let telemetry and the allocator settle
        mem1 = memory(gw)
        res["memory"] = memory_figures(mem0, mem1, len(tun_ok))
        # routes only via tunnels that exist (all of them unless capped or refused)
        rparams = [route_params(i, [tparams[t]["name"] for t in tun_ok])
                   for i in range(args.routes)] if tun_ok else []
        res["route_add"], rt_ok = run_batch(rpc, mode, "route.add", rparams, args.window, limit)
        say(f"  route add    {fmt_fig(res['route_add'])}")

        res["tunnel_show"], tshow = show(rpc, "tunnel.show")
        res["route_show"], rshow = show(rpc, "route.show")
        say(f"  tunnel show  {res['tunnel_show']['entries']} tunnels, "
            f"{res['tunnel_show']['reply_bytes']} bytes, {res['tunnel_show']['seconds']:.3f} s")
        say(f"  route show   {res['route_show']['entries']} routes, "
            f"{res['route_show']['reply_bytes']} bytes, {res['route_show']['seconds']:.3f} s")
        if res["tunnel_show"]["entries"] != len(base_tun) + len(tun_ok):
            raise Fail(f"tunnel show lists {res['tunnel_show']['entries']} tunnels, expected "
                       f"{len(base_tun) + len(tun_ok)}")
        shown_rt = {r["dst"] for r in rshow}
        missing = [rparams[i]["dst"] for i in rt_ok if rparams[i]["dst"] not in shown_rt]
        if missing:
            raise Fail(f"route show lacks {len(missing)} routes added, e.g. {missing[:3]}")

        rdel = [{"dst": rparams[i]["dst"]} for i in rt_ok]
        res["route_del"], rdel_ok = run_batch(rpc, mode, "route.del", rdel, args.window, limit)
        say(f"  route del    {fmt_fig(res['route_del'])}")
        cleanup(rpc, "route.del", rdel[res["route_del"]["done"]:], args.window)
        tdel = [{"name": tparams[i]["name"]} for i in tun_ok]
        res["tunnel_del"], _ = run_batch(rpc, mode, "tunnel.del", tdel, args.window, limit)
        say(f"  tunnel del   {fmt_fig(res['tunnel_del'])}")
        cleanup(rpc, "tunnel.del", tdel[res["tunnel_del"]["done"]:], args.window)

        _, end_tunnels = show(rpc, "tunnel.show")
        _, end_routes = show(rpc, "route.show")
        added_tun = {p["name"] for p in tparams}
        added_rt = {p["dst"] for p in rparams}
        res["after_delete"] = {
            "tunnels": sorted(t["ifname"] for t in end_tunnels if t["ifname"] not in base_tun),
            "routes": sorted(r["dst"] for r in end_routes if r["dst"] not in base_rt),
            "script_tunnels_left": sorted({t["ifname"] for t in end_tunnels} & added_tun),
            "script_routes_left": sorted({r["dst"] for r in end_routes} & added_rt),
            "tunnel_show": [t["ifname"] for t in end_tunnels],
            "route_show": [r["dst"] for r in end_routes],
        }
        res["errors"] = sum(res[op].get("errors", 0) for op in OPS)
    finally:
        if rpc is not None:
            rpc.close()
        rc = gw.stop()
        res["greway_exit"] = rc
    if rc != 0:
        raise Fail(f"greway exited {rc}:\n{gw.output()[-3000:]}")
    return res


def memory_figures(before, after, n, per="tunnel"):
    """Memory (memory()) after n objects were added minus before, per object."""
    out = {"before": before, "after": after, per + "s": n}
    for k in ("heap_alloc_bytes", "rss_bytes"):
        b, a = before.get(k), after.get(k)
        out[k.replace("_bytes", "_per_" + per)] = (
            round((a - b) / n, 1) if a is not None and b is not None and n else None)
    return out


def fmt_fig(f):
    s = f"{f['done']} in {f['seconds']:.3f} s: {f['ops_per_s']:.0f}/s"
    if f["errors"]:
        s += f", {f['errors']} errors ({f['error_messages'][0]['message']})"
        if f.get("ok_ops_per_s"):
            s += (f"; successes alone {f['ok_ops_per_s']:.0f}/s, refusals alone "
                  f"{f['error_ops_per_s']:.0f}/s")
    if f["capped"]:
        s += f" (capped by --limit-s: {f['done']} of {f['requested']})"
    return s


# ------------------------------------------------------------------ report

def table(results):
    lines = ["| operation | " + " | ".join(r["mode"] for r in results) + " |",
             "| --- |" + " ---: |" * len(results)]

    def row(name, cell):
        lines.append(f"| {name} | " + " | ".join(cell(r) for r in results) + " |")

    for op in ("tunnel_add", "route_add", "route_del", "tunnel_del"):
        def cell(r, op=op):
            f = r.get(op)
            if not f:
                return "-"
            s = f"{f['ops_per_s']:,.0f}/s ({f['done']:,} in {f['seconds']:.2f} s)"
            if f["errors"]:
                s += f", {f['errors']:,} errors"
            return s
        row(op.replace("_", " "), cell)
    for op in ("tunnel_show", "route_show"):
        row(op.replace("_", " "), lambda r, op=op: (
            f"{r[op]['seconds']:.3f} s, {r[op]['reply_bytes']:,} bytes, {r[op]['entries']:,} "
            "entries" if op in r else "-"))
    row("heap bytes / tunnel", lambda r: fmt_num(r.get("memory", {}).get("heap_alloc_per_tunnel")))
    row("RSS bytes / tunnel", lambda r: fmt_num(r.get("memory", {}).get("rss_per_tunnel")))
    return "\n".join(lines)


def fmt_num(v):
    return "-" if v is None else f"{v:,.0f}"


def cmd_out(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info():
    model = re.search(r"^model name\s*:\s*(.*)$", open("/proc/cpuinfo").read(), re.M)
    dirty = cmd_out(["git", "-C", REPO, "status", "--porcelain", "--", "lib", "app",
                     "meson.build"])
    return {
        "cpu_model": model.group(1) if model else None,
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "dpdk": cmd_out(["pkg-config", "--modversion", "libdpdk"]),
        "greway_commit": cmd_out(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]) +
        (" + uncommitted changes in lib/app" if dirty else ""),
        "loadavg_at_start": open("/proc/loadavg").read().split()[:3],
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def positive(s):
    v = int(s)
    if v < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return v


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Rate of greway's control plane over its RPC socket "
                    "(doc/benchmarks.md, 'Control plane').")
    ap.add_argument("--build", default="build", help="build directory (default build)")
    ap.add_argument("--greway", help="the greway binary (default BUILD/app/greway/greway)")
    ap.add_argument("--mode", choices=MODES + ("both",), default="both")
    ap.add_argument("--tunnels", type=positive, default=10000)
    ap.add_argument("--routes", type=int, default=100000)
    ap.add_argument("--window", type=positive, default=256,
                    help="requests in flight in pipelined mode (default 256)")
    ap.add_argument("--idle-sleep-us", type=int, default=1000,
                    help="greway's --idle-sleep-us (default 1000)")
    ap.add_argument("--lcores", default="0", help="EAL --lcores (default 0: one lcore)")
    ap.add_argument("--mem-mb", type=positive, default=1024, help="EAL -m (default 1024)")
    ap.add_argument("--limit-s", type=float, default=None,
                    help="stop sending an add or del batch after this many seconds; its "
                         "rate is over what completed (the rest is deleted, untimed)")
    ap.add_argument("--json", help="write the summary here")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = ap.parse_args(argv)
    if args.routes < 0:
        ap.error("--routes must be >= 0")
    if args.routes > 0:
        try:
            route_prefix(args.routes - 1)
        except ValueError as e:
            ap.error(str(e))

    build = args.build if os.path.isabs(args.build) else os.path.join(os.getcwd(), args.build)
    binary = os.path.abspath(args.greway or os.path.join(build, "app/greway/greway"))
    if not os.access(binary, os.X_OK):
        say(f"ctl_rate: {binary} not built: run `ninja -C {args.build}`")
        return 2

    info = machine_info()
    say(f"greway {info['greway_commit']}, DPDK {info['dpdk']}, {info['cpus']} CPUs, "
        f"load {' '.join(info['loadavg_at_start'])}")
    modes = MODES if args.mode == "both" else (args.mode,)
    workdir = tempfile.mkdtemp(prefix="gw-ctlbench-")
    results, failed = [], None
    try:
        for mode in modes:
            results.append(run_mode(args, binary, workdir, mode))
    except Fail as e:
        failed = str(e)
        say(f"ctl_rate: FAILED: {failed}\n(logs in {workdir})")
        args.keep = True
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    summary = {"machine": info, "options": {k: v for k, v in vars(args).items()},
               "startup": STARTUP, "results": results, "failed": failed,
               "errors": sum(r.get("errors", 0) for r in results)}
    if results:
        say()
        say(table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        say(f"\nJSON summary: {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
