#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""scripts/bench.sh's engine: testpmd io baseline and greway paths on the same vdevs.

For every selected case (scripts/bench/cases.py):
  1. generate its input pcap (gen_bench.py, scapy);
  2. validate: run greway once on a finite copy of the pcap (two laps) with a
     tx_pcap as the output port, and check every output frame is what the
     case claims (gen_bench.verify_*); any drop counter that moves fails;
  3. measure: testpmd --forward-mode=io on the same input, then greway,
     each as one DPDK process with a main lcore and one worker lcore on its
     own CPU, input net_pcap(rx_pcap=IN, infinite_rx=1), output
     net_null(no-rx=1); rate = output port tx counter delta over --seconds
     after --warmup.
Cycles per packet = TSC Hz x (worker thread CPU time / wall time) / pps.

--sizes, --tunnels, --workers and --peer ovs add rows (cases.make_cases()); a second table
gives per sweep row the cycles beyond I/O (its cycles/pkt minus testpmd io's on the same
input), VPP's published reference and greway / OVS-DPDK.

Run it through scripts/bench.sh (which installs the packages first).
"""
import argparse
import atexit
import ctypes
import datetime
import json
import mmap
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True    # no __pycache__ in the source tree

import cases as C  # noqa: E402
import ctl_rate  # noqa: E402
import gen_bench as G  # noqa: E402
import hub_plan  # noqa: E402
import vdev  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
WORKER_COMMS = ("rte-worker", "lcore-worker")   # EAL's worker thread names (22.11: rte-worker-N)
TESTPMD_PROMPT = "testpmd> "
VERIFY_MAX = 4096          # frames checked one by one in a validation run
# VPP's published cost of plain IPv4 routing on one core (FD.io CSIT; doc/benchmarks.md)
VPP_IP4_CYCLES, VPP_IO_CYCLES = 136, 88


class Fail(Exception):
    """A case cannot be measured honestly (misconfigured, dropped, wrong output)."""


def say(msg=""):
    print(msg, flush=True)


# ------------------------------------------------------------------ machine

def read_file(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def cpuinfo_field(name):
    m = re.search(r"^%s\s*:\s*(.*)$" % re.escape(name), read_file("/proc/cpuinfo"), re.M)
    return m.group(1).strip() if m else None


def tsc_hz_measured():
    """Measure the TSC against CLOCK_MONOTONIC with a 10-byte rdtsc stub (x86-64 only)."""
    if platform.machine() != "x86_64":
        return None
    code = bytes([0x0f, 0x31,               # rdtsc
                  0x48, 0xc1, 0xe2, 0x20,   # shl rdx, 32
                  0x48, 0x09, 0xd0,         # or rax, rdx
                  0xc3])                    # ret
    try:
        buf = mmap.mmap(-1, mmap.PAGESIZE,
                        prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    except (OSError, ValueError):
        return None
    buf.write(code)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
    rdtsc = ctypes.CFUNCTYPE(ctypes.c_uint64)(addr)
    samples = []
    for _ in range(3):
        t0, c0 = time.perf_counter_ns(), rdtsc()
        time.sleep(0.2)
        c1, t1 = rdtsc(), time.perf_counter_ns()
        samples.append((c1 - c0) * 1e9 / (t1 - t0))
    del rdtsc
    return statistics.median(samples)


def tsc_hz():
    hz = tsc_hz_measured()
    if hz:
        return hz, "measured: rdtsc against CLOCK_MONOTONIC over 3 x 0.2 s"
    mhz = cpuinfo_field("cpu MHz")
    return float(mhz) * 1e6, "/proc/cpuinfo cpu MHz (rdtsc measurement unavailable)"


def cmd_out(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info():
    return {
        "cpu_model": cpuinfo_field("model name"),
        "cpus": os.cpu_count(),
        "cpu_mhz_cpuinfo": float(cpuinfo_field("cpu MHz") or 0),
        "kernel": platform.release(),
        "os": (re.search(r'^PRETTY_NAME="?([^"\n]*)', read_file("/etc/os-release"), re.M)
               or [None, None])[1],
        "dpdk": cmd_out(["pkg-config", "--modversion", "libdpdk"]),
        "dpdk_package": cmd_out(["dpkg-query", "-W", "-f", "${Version}", "dpdk"]),
        "greway_commit": cmd_out(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]) +
        (" + uncommitted changes in lib/app" if cmd_out(
            ["git", "-C", REPO, "status", "--porcelain", "--", "lib", "app", "meson.build"])
         else ""),
        "loadavg_at_start": read_file("/proc/loadavg").split()[:3],
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


# ---------------------------------------------------------------- hugepages

def hugepages_free_bytes():
    mi = read_file("/proc/meminfo")
    free = re.search(r"^HugePages_Free:\s+(\d+)", mi, re.M)
    size = re.search(r"^Hugepagesize:\s+(\d+) kB", mi, re.M)
    if not free or not size:
        return 0, 0
    total = int(re.search(r"^HugePages_Total:\s+(\d+)", mi, re.M).group(1))
    return int(free.group(1)) * int(size.group(1)) * 1024, total


def hugetlbfs_mounted():
    return any(line.split()[2] == "hugetlbfs" for line in read_file("/proc/mounts").splitlines()
               if len(line.split()) > 2)


def setup_hugepages(need_mb, allow):
    """Use hugepages if there are enough (or they can be reserved); else say why not."""
    if not allow:
        return False, "disabled by --no-hugepages"
    free, total = hugepages_free_bytes()
    if hugetlbfs_mounted() and free >= need_mb << 20:
        return True, "already reserved and mounted (%d MB free)" % (free >> 20)
    if os.geteuid() != 0:
        return False, "not enough free hugepages and not root to reserve them"
    tool = shutil.which("dpdk-hugepages.py")
    if tool is None:
        return False, "dpdk-hugepages.py not found"
    os.makedirs("/dev/hugepages", exist_ok=True)   # some containers lack it
    if total == 0:
        subprocess.run([tool, "--setup", "1G"], capture_output=True)
    elif not hugetlbfs_mounted():
        subprocess.run([tool, "--mount"], capture_output=True)
    free, total = hugepages_free_bytes()
    if hugetlbfs_mounted() and free >= need_mb << 20:
        return True, "reserved with dpdk-hugepages.py --setup 1G (%d MB free)" % (free >> 20)
    return False, "could not reserve %d MB of hugepages (%d MB free)" % (need_mb, free >> 20)


# ---------------------------------------------------------------- processes

class Proc:
    """A child whose stdout+stderr is collected (and logged) by a reader thread."""

    def __init__(self, argv, log_path, stdin=False):
        self.argv = argv
        self.log = open(log_path, "wb")
        self.log.write(("$ " + shlex.join(argv) + "\n").encode())
        self.buf = bytearray()
        self.cond = threading.Condition()
        self.eof = False
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()

    def _reader(self):
        fd = self.p.stdout.fileno()
        while True:
            chunk = os.read(fd, 65536)
            with self.cond:
                if not chunk:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.buf += chunk
                self.log.write(chunk)
                self.log.flush()
                self.cond.notify_all()

    @property
    def pid(self):
        return self.p.pid

    def mark(self):
        with self.cond:
            return len(self.buf)

    def text(self, start=0):
        with self.cond:
            return self.buf[start:].decode(errors="replace")

    def wait_until(self, pred, start, timeout, what):
        """Wait until pred(text since start) is true; Fail on exit or timeout."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                txt = self.buf[start:].decode(errors="replace")
                r = pred(txt)
                if r:
                    return r
                if self.eof or self.p.poll() is not None:
                    raise Fail("%s: process exited (status %s) while waiting for %s; log:\n%s"
                               % (os.path.basename(self.argv[0]), self.p.poll(), what,
                                  self.tail()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Fail("%s: timed out waiting for %s; log:\n%s"
                               % (os.path.basename(self.argv[0]), what, self.tail()))
                self.cond.wait(min(left, 0.1))

    def tail(self, n=25):
        return "\n".join(self.buf.decode(errors="replace").splitlines()[-n:])

    def send(self, s):
        self.p.stdin.write(s.encode())
        self.p.stdin.flush()

    def send_signal(self, sig):
        if self.p.poll() is None:
            os.kill(self.p.pid, sig)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stop this child (by its pid), wait for it and its reader; returns its status."""
        if self.p.poll() is None:
            try:
                os.kill(self.p.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.wait()
        self.t.join(5)
        self.log.close()
        return self.p.returncode

    def worker_tid(self, timeout=15):
        return self.worker_tids(1, timeout)[0]

    def worker_tids(self, n, timeout=15, comms=WORKER_COMMS):
        """The tids of the process's n worker threads (thread name starts with one of comms)."""
        deadline = time.monotonic() + timeout
        found = []
        while time.monotonic() < deadline:
            try:
                found = sorted(int(tid) for tid in os.listdir("/proc/%d/task" % self.pid)
                               if read_file("/proc/%d/task/%s/comm" % (self.pid, tid))
                               .strip().startswith(comms))
            except FileNotFoundError:
                break
            if len(found) >= n:
                return found[:n]
            time.sleep(0.05)
        raise Fail("%d worker thread(s) (%s) found in pid %d, expected %d"
                   % (len(found), "/".join(comms), self.pid, n))


def thread_cpu_seconds(pid, tid):
    """CPU time a thread has run: schedstat (ns) where the kernel has it, else stat (ticks)."""
    ss = read_file("/proc/%d/task/%d/schedstat" % (pid, tid)).split()
    if ss:
        return int(ss[0]) / 1e9
    f = read_file("/proc/%d/task/%d/stat" % (pid, tid)).rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / CLK_TCK    # utime + stime


def system_ticks():
    v = [int(x) for x in read_file("/proc/stat").splitlines()[0].split()[1:]]
    idle = v[3] + v[4]
    steal = v[7] if len(v) > 7 else 0
    return sum(v[:8]) - idle - steal, steal    # busy (without steal), steal


def process_cpu_seconds(pid):
    """CPU time of all of a process's threads so far."""
    total = 0.0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                total += thread_cpu_seconds(pid, int(tid))
            except (IndexError, ValueError):
                pass    # thread gone meanwhile
    except FileNotFoundError:
        pass
    return total


class Window:
    """CPU accounting of the worker thread(s), its process and the machine over the window.

    tid is one thread id or a list of them (N workers: worker_cpu is their sum, up to N)."""

    def __init__(self, pid, tid):
        self.pid = pid
        self.tids = list(tid) if isinstance(tid, (list, tuple)) else [tid]

    def workers_cpu(self):
        return sum(thread_cpu_seconds(self.pid, t) for t in self.tids)

    def start(self):
        self.t0 = time.monotonic()
        self.w0 = self.workers_cpu()
        self.p0 = process_cpu_seconds(self.pid)
        self.s0 = system_ticks()

    def end(self):
        wall = time.monotonic() - self.t0
        w = self.workers_cpu() - self.w0
        pr = process_cpu_seconds(self.pid) - self.p0
        s1 = system_ticks()
        busy = (s1[0] - self.s0[0]) / CLK_TCK / wall
        return {
            "worker_cpu": w / wall,           # the worker threads' CPU (1.0 = one whole CPU)
            "process_cpus": pr / wall,        # the whole process (main lcore, control thread)
            "machine_busy_cpus": busy,
            "other_cpus": max(busy - pr / wall, 0.0),   # everything else on the machine
            "steal_cpus": (s1[1] - self.s0[1]) / CLK_TCK / wall,
        }


# ------------------------------------------------------------------- greway

GW_DUMP_KINDS = ("port", "tunnel", "bridge", "member")


def parse_gw_dump(txt):
    """'port|tunnel|bridge|member NAME k v k v ...' and 'drop REASON N' lines -> nested
    dict (lib/stats/gw_stats.h, gw_stats_print)."""
    d = {k: {} for k in GW_DUMP_KINDS}
    d["drop"] = {}
    for line in txt.splitlines():
        w = line.split()
        if len(w) >= 3 and w[0] in GW_DUMP_KINDS and len(w) % 2 == 0:
            try:
                d[w[0]][w[1]] = {w[i]: int(w[i + 1]) for i in range(2, len(w), 2)}
            except ValueError:
                pass
        elif len(w) == 3 and w[0] == "drop" and w[2].isdigit():
            d["drop"][w[1]] = int(w[2])
    return d


class Greway:
    """A running greway whose counters are read with SIGUSR1."""

    def __init__(self, argv, log_path):
        self.proc = Proc(argv, log_path)
        self.nb_drop_lines = None

    def wait_running(self, timeout=60):
        self.proc.wait_until(lambda t: "greway: running" in t, 0, timeout, "greway: running")

    def dump(self, timeout=10):
        """SIGUSR1, then the complete counter block it prints; returns (time sent, dict)."""
        start = self.proc.mark()
        t = time.monotonic()
        self.proc.send_signal(signal.SIGUSR1)
        if self.nb_drop_lines is None:
            # first dump: learn how many drop lines a complete one has (no more output for 0.3 s)
            self.proc.wait_until(lambda s: "\ndrop " in "\n" + s, start, timeout, "counters")
            last = -1
            while self.proc.mark() != last:
                last = self.proc.mark()
                time.sleep(0.3)
            txt = self.proc.text(start)
            self.nb_drop_lines = sum(1 for ln in txt.splitlines() if ln.startswith("drop "))
        else:
            n = self.nb_drop_lines
            txt = self.proc.wait_until(
                lambda s: s if sum(1 for ln in s.split("\n")[:-1]
                                   if ln.startswith("drop ")) >= n else None,
                start, timeout, "counters")
        return t, parse_gw_dump(txt)

    def stop(self):
        return self.proc.stop(signal.SIGTERM)


def moved_drops(d0, d1):
    return {k: d1["drop"].get(k, 0) - d0["drop"].get(k, 0)
            for k in d1["drop"] if d1["drop"].get(k, 0) != d0["drop"].get(k, 0)}


def counter(d, obj, name, key):
    """One counter of a dump; name "*": the sum over every object of that kind."""
    try:
        if name == "*":
            if not d[obj]:
                raise KeyError(obj)
            return sum(v[key] for v in d[obj].values())
        return d[obj][name][key]
    except KeyError:
        raise Fail("greway prints no counter %s %s %s" % (obj, name, key))


def check_counters(case, d0, d1, out, validation=False):
    """A case's counter_checks over a window (d0 None: since greway started, i.e. the
    validation run, whose output is `out` frames): problems, as lines."""
    errs = []
    for obj, name, key, rule in case.counter_checks:
        v = counter(d1, obj, name, key) - (0 if d0 is None else counter(d0, obj, name, key))
        what = "%s %s %s moved %d" % (obj, name, key, v)
        if rule == "output":
            if (v != out) if validation else abs(v - out) > 0.01 * out:
                errs.append("%s, the output %d" % (what, out))
        elif rule == "once":
            if v != (1 if validation else 0):
                errs.append("%s, expected %d" % (what, 1 if validation else 0))
        elif v != rule:
            errs.append("%s, expected %d" % (what, rule))
    return errs


# ------------------------------------------------------------------ testpmd

PORT_STATS_RE = re.compile(
    r"NIC statistics for port (\d+)\s+#+\s+RX-packets:\s+(\d+)\s+RX-missed:\s+(\d+)"
    r".*?RX-errors:\s+(\d+).*?RX-nombuf:\s+(\d+).*?TX-packets:\s+(\d+)\s+TX-errors:\s+(\d+)"
    r".*?Rx-pps:\s+(\d+).*?Tx-pps:\s+(\d+)",
    re.S)


def parse_testpmd_stats(txt):
    """Every 'show port stats all' in the output, in order: [{port: {counter: n}}]."""
    shows = []
    for m in PORT_STATS_RE.finditer(txt):
        port = int(m.group(1))
        if not shows or port in shows[-1]:
            shows.append({})
        shows[-1][port] = dict(zip(
            ("rx_packets", "rx_missed", "rx_errors", "rx_nombuf", "tx_packets", "tx_errors",
             "rx_pps", "tx_pps"), (int(x) for x in m.groups()[1:])))
    return shows


class Testpmd:
    def __init__(self, argv, log_path):
        self.proc = Proc(argv, log_path, stdin=True)

    # testpmd's stdout is a pipe: stdio keeps what commands print until exit, while the
    # prompt (written by cmdline) comes at once. So: note when each command was sent and
    # read the output after quit; testpmd's CLI runs on the idle main lcore and executes a
    # command as soon as it is read.
    def command(self, cmd):
        t = time.monotonic()
        self.proc.send(cmd + "\n")
        time.sleep(0.05)
        return t

    def start(self, timeout=60):
        self.proc.wait_until(lambda s: TESTPMD_PROMPT in s, 0, timeout, "the testpmd prompt")
        self.command("start")

    def stats(self):
        return self.command("show port stats all")

    def stop(self):
        try:
            if self.proc.p.poll() is None:
                self.proc.send("stop\nquit\n")
                self.proc.p.stdin.close()
                self.proc.p.wait(20)
        except (OSError, subprocess.TimeoutExpired):
            pass
        return self.proc.stop(signal.SIGTERM)


# -------------------------------------------------------------------- bench

class Bench:
    def __init__(self, args):
        self.a = args
        self.build = os.path.abspath(args.build)
        self.work = os.path.join(self.build, "bench")
        os.makedirs(self.work, exist_ok=True)
        self.greway = os.path.join(self.build, "app", "greway", "greway")
        self.testpmd = shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"
        self.seq = 0
        self.prefixes = []
        atexit.register(self.remove_runtime_dirs)
        self.cpus = [c.strip() for c in args.cores.split(",")]
        self.lcores = self.lcores_for(1)

    def lcores_for(self, workers):
        """--lcores: main lcore 0 on the first CPU of --cores, worker lcore w on the w-th
        following one, round robin over all of --cores when there are more workers than
        CPUs after the first (on 2 CPUs, worker 2 shares CPU 0 with the sleeping main)."""
        main, rest = self.cpus[0], self.cpus[1:] or self.cpus
        ws = [rest[w] if w < len(rest) else self.cpus[(w - len(rest)) % len(self.cpus)]
              for w in range(workers)]
        return ",".join(["0@%s" % main] + ["%d@%s" % (w + 1, c) for w, c in enumerate(ws)])

    # EAL options shared by every process: one main lcore, N worker lcores (one per CPU)
    def eal(self, tag, workers=1):
        self.seq += 1
        prefix = "gwbench-%d-%d-%s" % (os.getpid(), self.seq, tag)
        self.prefixes.append(prefix)
        # --in-memory: no hugepage files left behind (--no-huge implies it, and refuses it)
        mem = ["--in-memory", "-m", "512"] if self.huge else ["--no-huge", "-m", "1024"]
        return ["--no-pci", "--file-prefix", prefix, "--lcores", self.lcores_for(workers)] + mem

    def remove_runtime_dirs(self):
        """EAL's /var/run/dpdk/PREFIX of every process this run started (ours alone)."""
        for prefix in self.prefixes:
            shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)

    def path(self, name):
        return os.path.join(self.work, name)

    # ---- inputs
    def make_input(self, spec, workers=(1,)):
        """The input's pcap, its validation pcap (laps of it) and, per worker count N > 1,
        the N per-queue pcaps (gen_bench.split_queues: what RSS would give each queue)."""
        label = G.input_label(spec)
        pcap = self.path(label + ".pcap")
        val = self.path(label + ".validate.pcap")
        frames = G.write_input(spec, pcap)
        laps = self.validate_laps(len(frames))
        G.write_pcap(val, frames * laps)
        inp = {"label": label, "pcap": pcap, "validate_pcap": val, "validate_laps": laps,
               "frames": len(frames), "frame_bytes": len(frames[0]),
               "flows": G.flows_in_frames(frames) if len(frames) <= VERIFY_MAX
               else len(frames),
               "spec": spec, "queue_pcaps": {}}
        for w in workers:
            if w > 1:
                qs = G.split_queues(spec, frames, w)
                paths = []
                for q, fr in enumerate(qs):
                    paths.append(self.path("%s.q%dof%d.pcap" % (label, q, w)))
                    G.write_pcap(paths[-1], fr)
                inp["queue_pcaps"][w] = paths
        return inp

    def validate_laps(self, frames):
        """Two laps of the pcap (the wrap from its last packet to its first is checked too)
        unless that makes a big validation run; then one."""
        return self.a.validate_laps if frames * self.a.validate_laps <= VERIFY_MAX else 1

    def input_vdevs(self, inp, workers, out="net_null0,no-rx=1"):
        """port0: net_pcap replaying the input (one rx_pcap per queue with N workers, and N
        tx queues that greway needs on every port: tx_pcap=/dev/null, never used); port1:
        the output; then, when the input holds more frames than greway's mbuf pool has room
        for beside its rings, extra idle net_null ports whose only effect is a bigger pool
        (greway sizes it by ports x workers; net_pcap's infinite_rx keeps every frame of the
        pcap in an mbuf)."""
        if workers == 1:
            v = ["net_pcap0,rx_pcap=%s,infinite_rx=1" % inp["pcap"]]
        else:
            v = ["net_pcap0," + ",".join("rx_pcap=%s" % p for p in inp["queue_pcaps"][workers])
                 + ",tx_pcap=/dev/null" * workers + ",infinite_rx=1"]
        return v + [out] + self.pool_ports(inp["frames"], workers)

    @staticmethod
    def pool_ports(frames, workers):
        """Extra idle ports for an input of `frames` frames (see input_vdevs)."""
        return vdev.pool_ports(frames, workers)

    # ---- greway
    def gw_argv(self, case, vdevs, conf, tag, workers=1):
        argv = [self.greway] + self.eal(tag, workers)
        if self.a.simd_bitwidth:
            argv.append("--force-max-simd-bitwidth=%d" % self.a.simd_bitwidth)
        for v in vdevs:
            argv += ["--vdev", v]
        return argv + ["--", "-c", conf, "-s", self.path(case.name + ".sock"),
                       "--idle-sleep-us", "0"]

    def write_config(self, case):
        conf = self.path(case.name + ".conf")
        with open(conf, "w") as f:
            f.write(case.config)
        return conf

    def hub_learned(self, case, timeout=0.0):
        """A learning hub's learned mappings (tunnel show over its RPC socket), polled until
        it has learned every spoke or `timeout` seconds passed."""
        t_end = time.monotonic() + timeout
        rpc = ctl_rate.Rpc(self.path(case.name + ".sock"), timeout=10)
        try:
            while True:
                res, err, _ = rpc.call("tunnel.show", {"name": hub_plan.TUNNEL})
                if err is not None:
                    raise Fail("%s: tunnel show %s: %s" % (case.name, hub_plan.TUNNEL, err))
                learned = res[0]["learned"]
                if learned >= case.spokes or time.monotonic() >= t_end:
                    return learned
                time.sleep(0.05)
        except (OSError, ctl_rate.Fail) as e:
            raise Fail("%s: the RPC socket: %s" % (case.name, e))
        finally:
            rpc.close()

    def validate(self, case, inp):
        """One finite pass (validate_laps laps of the pcap) into a tx_pcap; check every frame
        (the frames of the first VERIFY_MAX, whole tunnels, where there are more). A case
        with warmup_drops (a learning hub) may drop those while it warms up, as many as the
        control thread's pace makes: every frame out is checked, in order, against the input
        frame it is the output of (G.verify_hub_learning); frames in must be frames out plus
        those drops, and the hub must end up knowing every spoke."""
        conf = self.write_config(case)
        out_pcap = self.path(case.name + ".validate-out.pcap")
        if os.path.exists(out_pcap):
            os.unlink(out_pcap)
        laps, in_pcap = inp["validate_laps"], inp["validate_pcap"]
        if case.validate_laps:
            laps, in_pcap = case.validate_laps, self.path(case.name + ".validate-in.pcap")
            G.write_pcap(in_pcap, G.read_frames(inp["pcap"]) * laps)
        # same port order and roles as the timed run; only the output is a file
        argv = self.gw_argv(case, ["net_pcap0,rx_pcap=" + in_pcap,
                                   "net_pcap1,tx_pcap=" + out_pcap]
                            + self.pool_ports(inp["frames"], 1), conf, "val")
        gw = Greway(argv, self.path(case.name + ".validate.log"))
        expect = inp["frames"] * laps
        learned = None
        try:
            gw.wait_running(timeout=60 + case.spokes / 100)
            t_end = time.monotonic() + 20
            while True:
                _, d = gw.dump()
                out = counter(d, "port", case.out_port, "tx_packets")
                # done: all out, or all read and each either out or dropped
                if out >= expect or time.monotonic() > t_end or (
                        counter(d, "port", "port0", "rx_packets") >= expect
                        and out + sum(d["drop"].values()) >= expect):
                    break
                time.sleep(0.2)
            time.sleep(0.2)
            _, d = gw.dump()
            if case.learn:
                # the notices of the first lap are all queued (the ring and the token
                # bucket hold 4096): the control thread maps every spoke, maybe after the
                # input ended
                learned = self.hub_learned(case, timeout=10)
        finally:
            rc = gw.stop()
        if rc != 0:
            raise Fail("%s: greway exited %s in validation; log %s"
                       % (case.name, rc, gw.proc.log.name))
        drops = {k: v for k, v in d["drop"].items() if v}
        warm = sum(v for k, v in drops.items() if k in case.warmup_drops)
        if any(k not in case.warmup_drops for k in drops):
            raise Fail("%s: validation dropped packets: %s (config %s)" % (case.name, drops, conf))
        out = counter(d, "port", case.out_port, "tx_packets")
        if out + warm != expect:
            raise Fail("%s: %d frames in, %d out, %d dropped warming up (%s)"
                       % (case.name, expect, out, warm, ", ".join(case.warmup_drops) or "none"))
        pc = counter(d, *case.path_counter) if case.path_counter else expect
        if pc != expect:
            raise Fail("%s: %s %s %s is %d after %d frames in"
                       % (case.name, *case.path_counter, pc, expect))
        errs = check_counters(case, None, d, out, validation=True)
        if errs:
            raise Fail("%s: validation: %s (config %s)" % (case.name, "; ".join(errs), conf))
        if case.learn and learned != case.spokes:
            raise Fail("%s: the hub learned %s of %d spokes" % (case.name, learned, case.spokes))
        in_pkts = G.read_frames(in_pcap)
        out_pkts = G.read_frames(out_pcap)
        if case.warmup_drops:
            lap = in_pkts[:inp["frames"]]
            if not out_pkts:
                raise Fail("%s: nothing out in %d laps: the hub learned nothing in time"
                           % (case.name, laps))
            errs = G.verify_hub_learning(case, lap, laps, out_pkts)
            if errs:
                raise Fail("%s: output is not what the case claims (%d problems):\n  %s"
                           % (case.name, len(errs), "\n  ".join(errs[:10])))
            v = {"frames_in": expect, "frames_out": out, "frames_checked": len(out_pkts),
                 "flows": G.flows_in_frames(lap), "command": shlex.join(argv),
                 "dropped_warming_up": {"count": warm, "reasons": list(case.warmup_drops),
                                        "laps": laps}}
            if case.learn:
                v["learned"] = learned
            return v
        if len(in_pkts) > VERIFY_MAX and len(in_pkts) == len(out_pkts):
            # whole tunnels (their sequence runs included) up to VERIFY_MAX frames
            n = case.tunnels
            keep_t = max(1, VERIFY_MAX * n // len(in_pkts))
            idx = [i for i in range(len(in_pkts)) if i % n < keep_t]
            in_pkts = [in_pkts[i] for i in idx]
            out_pkts = [out_pkts[i] for i in idx]
            case = C.Case(**{**case.__dict__, "input": dict(case.input, tunnels=keep_t)})
        flows = G.flows_in_frames(in_pkts)
        if (case.mode, case.path) in G.RAW_VERIFY:
            errs = G.RAW_VERIFY[(case.mode, case.path)](case, in_pkts, out_pkts)
        else:
            errs = G.VERIFY[(case.mode, case.path)](case, [G.Ether(f) for f in in_pkts],
                                                     [G.Ether(f) for f in out_pkts])
        if errs:
            raise Fail("%s: output is not what the case claims (%d problems):\n  %s"
                       % (case.name, len(errs), "\n  ".join(errs[:10])))
        return {"frames_in": expect, "frames_out": out, "frames_checked": len(out_pkts),
                "flows": flows, "command": shlex.join(argv)}

    def perf_start(self, name, pid, tid):
        if not self.a.perf:
            return None
        data = self.path(name + ".perf.data")
        argv = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "999", "-t", str(tid),
                "-o", data, "--", "sleep", str(self.a.seconds)]
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), data

    def perf_end(self, handle):
        if handle is None:
            return None
        p, data = handle
        p.wait()
        out = {"data": data}
        for key, sort in (("by_dso", "dso"), ("top", "dso,sym")):
            rep = cmd_out(["perf", "report", "-i", data, "--stdio", "--sort", sort,
                           "--percent-limit", "1.5"])
            out[key] = [" ".join(ln.split()) for ln in rep.splitlines()
                        if ln.strip() and not ln.startswith("#")][:15]
        return out

    def run_greway(self, case, inp, rep):
        conf = self.write_config(case)
        argv = self.gw_argv(case, self.input_vdevs(inp, case.workers), conf, "gw", case.workers)
        gw = Greway(argv, self.path("%s.run%d.log" % (case.name, rep)))
        try:
            gw.wait_running(timeout=60 + (case.tunnels + case.spokes) / 100)
            tid = gw.proc.worker_tids(case.workers) if case.workers > 1 else \
                gw.proc.worker_tid()
            if case.learn:
                # the first laps learn the spokes; the warm-up and the window come after
                n = self.hub_learned(case, timeout=30)
                if n != case.spokes:
                    raise Fail("%s: the hub learned %d of %d spokes in 30 s"
                               % (case.name, n, case.spokes))
            _, d_start = gw.dump()
            time.sleep(self.a.warmup)
            win = Window(gw.proc.pid, tid)
            t0, d0 = gw.dump()
            win.start()
            prof = self.perf_start("%s.run%d" % (case.name, rep), gw.proc.pid,
                                   tid if case.workers == 1 else tid[0])
            time.sleep(self.a.seconds)
            t1, d1 = gw.dump()
            cpu = win.end()
            prof = self.perf_end(prof)
        finally:
            rc = gw.stop()
        if rc != 0:
            raise Fail("%s: greway exited %s; log %s" % (case.name, rc, gw.proc.log.name))
        moved = moved_drops(d0, d1)
        before = {k: v for k, v in d0["drop"].items() if v and k not in case.warmup_drops}
        if moved or before:
            raise Fail("%s: drops during the run: window %s, before it %s; the case is "
                       "misconfigured (config %s)" % (case.name, moved, before, conf))
        out = counter(d1, "port", case.out_port, "tx_packets") - \
            counter(d0, "port", case.out_port, "tx_packets")
        inn = counter(d1, "port", "port0", "rx_packets") - counter(d0, "port", "port0", "rx_packets")
        errs = counter(d1, "port", case.out_port, "tx_errors") - \
            counter(d0, "port", case.out_port, "tx_errors")
        if out <= 0:
            raise Fail("%s: nothing left %s" % (case.name, case.out_port))
        if errs:
            raise Fail("%s: %d tx errors on %s" % (case.name, errs, case.out_port))
        if abs(inn - out) > 0.01 * out:
            raise Fail("%s: %d in on port0 but %d out on %s" % (case.name, inn, out, case.out_port))
        if case.path_counter:
            pc = counter(d1, *case.path_counter) - counter(d0, *case.path_counter)
            if abs(pc - out) > 0.01 * out:
                raise Fail("%s: %s %s %s moved %d, the output %d: wrong path"
                           % (case.name, *case.path_counter, pc, out))
        bad = check_counters(case, d0, d1, out)
        if bad:
            raise Fail("%s: %s: wrong path" % (case.name, "; ".join(bad)))
        return self.result(out, t1 - t0, cpu, argv, prof, case.workers)

    # ---- testpmd
    def run_testpmd(self, inp, rep, workers=1):
        vdevs = []
        for v in self.input_vdevs(inp, workers)[:2]:    # testpmd sizes its own pool
            vdevs += ["--vdev", v]
        argv = [self.testpmd] + self.eal("io", workers) + vdevs + [
            "--", "-i", "--forward-mode=io", "--nb-cores=%d" % workers, "--rxq=%d" % workers,
            "--txq=%d" % workers, "--rxd=1024", "--txd=1024", "--burst=32"]
        tag = inp["label"] + ("" if workers == 1 else "-%dw" % workers)
        tp = Testpmd(argv, self.path("testpmd-%s.run%d.log" % (tag, rep)))
        try:
            tp.start()
            tid = tp.proc.worker_tids(workers) if workers > 1 else tp.proc.worker_tid()
            time.sleep(self.a.warmup)
            win = Window(tp.proc.pid, tid)
            t0 = tp.stats()
            win.start()
            prof = self.perf_start("testpmd-%s.run%d" % (tag, rep), tp.proc.pid,
                                   tid if workers == 1 else tid[0])
            time.sleep(self.a.seconds)
            t1 = tp.stats()
            cpu = win.end()
            prof = self.perf_end(prof)
        finally:
            rc = tp.stop()
        shows = parse_testpmd_stats(tp.proc.text())
        if rc != 0 or len(shows) != 2 or any(p not in s for s in shows for p in (0, 1)):
            raise Fail("testpmd on %s: exit %s, %d complete port stats of 2; log %s"
                       % (inp["label"], rc, len(shows), tp.proc.log.name))
        s0, s1 = shows
        out = s1[1]["tx_packets"] - s0[1]["tx_packets"]
        bad = {k: s1[p][k] - s0[p][k] for p in (0, 1) for k in ("rx_nombuf", "tx_errors")
               if s1[p][k] != s0[p][k]}
        if bad or out <= 0:
            raise Fail("testpmd on %s: %d out, errors %s" % (inp["label"], out, bad))
        r = self.result(out, t1 - t0, cpu, argv, prof, workers)
        # testpmd's own rate between the two shows: a check on the timing of ours
        r["testpmd_tx_mpps"] = s1[1]["tx_pps"] / 1e6
        return r

    def result(self, packets, wall, cpu, argv, prof, workers=1):
        # The worker busy-polls: every CPU second it gets goes to packets. Where the machine
        # is shared and it gets less than its core, the rate per core-second is the figure
        # that compares (the wall-clock rate is kept too).
        pps = packets / wall
        share = min(cpu["worker_cpu"], float(workers))
        r = {"packets": packets, "seconds": wall, "mpps_wall": pps / 1e6,
             "mpps": pps / share / 1e6 if share > 0 else 0.0,
             "cycles_per_pkt": self.tsc * share / pps, "command": shlex.join(argv)}
        r.update(cpu)
        if prof:
            r["perf"] = prof
        return r


def summarize(samples):
    """The best of the repeats, with the median and the spread.

    Interference from other load only ever slows a busy-polling worker down, so the
    highest rate of N runs is the closest to what the code does on this machine; the
    median and the range show how noisy the runs were.
    """
    mpps = [s["mpps"] for s in samples]
    best = max(samples, key=lambda s: s["mpps"])
    return {"mpps": best["mpps"], "mpps_median": statistics.median(mpps),
            "mpps_min": min(mpps), "mpps_max": max(mpps),
            "mpps_wall": best["mpps_wall"], "cycles_per_pkt": best["cycles_per_pkt"],
            "worker_cpu": best["worker_cpu"], "machine_busy_cpus": best["machine_busy_cpus"],
            "process_cpus": best["process_cpus"], "other_cpus": best["other_cpus"],
            "steal_cpus": best["steal_cpus"], "command": best["command"], "samples": samples}


def fail_line(text):
    """One line for a failure: its first line, and the log's last line when it has one
    (where greway says why it exited, e.g. "tunnel gre4077: out of next hops")."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return ""
    return lines[0] if len(lines) == 1 else "%s ... %s" % (lines[0], lines[-1].strip())


def base_key(label, workers):
    """The baseline a row is compared with: its input, and its worker count when > 1."""
    return label if workers == 1 else "%s-%dw" % (label, workers)


def build_rows(sel, groups, samples, base_samples, validation):
    """The table: per (input, workers) its testpmd baseline row, then its cases' rows."""
    rows = []
    for label, nw in groups:
        bkey = base_key(label, nw)
        base = summarize(base_samples[bkey]) if bkey in base_samples else None
        if base:
            rows.append(dict(case="testpmd-io" if nw == 1 else "testpmd-io-%dw" % nw,
                             runner="testpmd", input=label, workers=nw, ratio=1.0,
                             base_cycles=base["cycles_per_pkt"], **base))
        for c in sel:
            if c.input_label != label or c.workers != nw or c.name not in samples:
                continue
            s = summarize(samples[c.name])
            rows.append(dict(case=c.name, runner=c.runner, input=label, workers=nw,
                             path=c.base, size=c.size, tunnels=c.tunnels, mode=c.mode,
                             note=c.note,
                             ratio=s["mpps"] / base["mpps"] if base else None,
                             base_cycles=base["cycles_per_pkt"] if base else None,
                             config=c.config if c.runner == "greway" else None,
                             validation=validation.get(c.name), **s))
    return rows


def compare_rows(sel, rows):
    """Per greway row of a sweep, GRETAP, hub or IPv6 path: cycles beyond I/O (its cycles/pkt
    minus testpmd io's on the same input and worker count), the VPP reference, greway / peer
    where the peer ran the same path on the same input, and where the row it is held against
    ran (C.held_against), that row's cycles beyond I/O: a GRETAP row's GRE row ("gre": the
    issue wants GRETAP at most C.GRETAP_MARGIN above it), a hub hairpin's hub-decap ("decap":
    at most C.HUB_MARGIN above it), an IPv6 row's IPv4 row ("ip4": at most C.IP6_MARGIN
    above it)."""
    by = {r["case"]: r for r in rows}
    out = []
    for c in sel:
        r = by.get(c.name)
        if r is None or c.runner != "greway" or c.base not in C.COMPARE_PATHS:
            continue
        beyond = (r["cycles_per_pkt"] - r["base_cycles"]) if r["base_cycles"] is not None \
            else None
        row = {"case": c.name, "path": c.base, "size": c.size, "tunnels": c.tunnels,
               "workers": c.workers, "cycles_per_pkt": r["cycles_per_pkt"],
               "io_cycles_per_pkt": r["base_cycles"], "beyond_io": beyond,
               "vpp_beyond_io": VPP_IP4_CYCLES - VPP_IO_CYCLES,
               "below_vpp": beyond is not None and beyond < VPP_IP4_CYCLES - VPP_IO_CYCLES}
        held = C.held_against(c.name)
        ga = by.get(held[0]) if held else None
        if ga is not None and ga["base_cycles"] is not None and beyond is not None:
            gb = ga["cycles_per_pkt"] - ga["base_cycles"]
            row[held[2]] = {"case": ga["case"], "beyond_io": gb, "over": beyond - gb,
                            "margin": held[1], "met": beyond - gb <= held[1]}
        for peer in C.PEERS:
            p = by.get(C.sweep_name(c.base, c.size, c.tunnels, c.workers, runner=peer))
            if p is not None:
                row[peer] = {"case": p["case"], "mpps": p["mpps"],
                             "cycles_per_pkt": p["cycles_per_pkt"],
                             "beyond_io": p["cycles_per_pkt"] - p["base_cycles"]
                             if p["base_cycles"] is not None else None,
                             "greway_x": r["mpps"] / p["mpps"] if p["mpps"] else None}
        out.append(row)
    return out


# the rows a comparison row can be held against (C.held_against): its key, its column
HELD_COLUMNS = (("gre", "vs GRE"), ("decap", "vs decap"), ("ip4", "vs IPv4"))
# ... and what the target line of the summary calls that row
HELD_WHAT = {"gre": "GRE", "decap": "hub-decap", "ip4": "IPv4"}


def held_columns(comparison):
    return [(k, title) for k, title in HELD_COLUMNS if any(k in r for r in comparison)]


def comparison_text(comparison):
    """The second table of the output: one line per sweep, GRETAP, hub or IPv6 row."""
    peers = [p for p in C.PEERS if any(p in r for r in comparison)]
    held = held_columns(comparison)
    hdr = "%-34s %7s %7s %7s %6s" % ("path", "cyc/pkt", "io cyc", "beyond", "VPP")
    for p in peers:
        hdr += " %9s %7s" % (p + " cyc", "x " + p)
    for _, title in held:
        hdr += " %8s" % title
    lines = [hdr, "-" * len(hdr)]
    for r in comparison:
        ln = "%-34s %7.0f %7s %7s %6d" % (
            r["case"], r["cycles_per_pkt"],
            "-" if r["io_cycles_per_pkt"] is None else "%.0f" % r["io_cycles_per_pkt"],
            "-" if r["beyond_io"] is None else "%.0f" % r["beyond_io"], r["vpp_beyond_io"])
        for p in peers:
            x = r.get(p)
            ln += " %9s %7s" % ("-", "-") if x is None else " %9.0f %6.2fx" % (
                x["cycles_per_pkt"], x["greway_x"])
        for k, _ in held:
            ln += " %8s" % ("-" if k not in r else "%+.0f" % r[k]["over"])
        lines.append(ln)
    lines.append("beyond: cycles/pkt - testpmd io's on the same input (the work beyond I/O); "
                 "VPP: ~%d of its ~%d clocks/pkt for IPv4 routing are beyond its ~%d of "
                 "driver I/O (published figures)" % (VPP_IP4_CYCLES - VPP_IO_CYCLES,
                                                     VPP_IP4_CYCLES, VPP_IO_CYCLES))
    for p in peers:
        lines.append("x %s: greway Mpps / %s Mpps on the same path and input, same run "
                     "(the issue wants >= 3x)" % (p, p))
    if any(k == "gre" for k, _ in held):
        lines.append("vs GRE: a GRETAP row's beyond minus its GRE row's (gretap-X against "
                     "gre-X), same run (the issue wants <= +%d)" % C.GRETAP_MARGIN)
    if any(k == "decap" for k, _ in held):
        lines.append("vs decap: a hub hairpin's beyond minus hub-decap's (the same hub of %d "
                     "spokes, decap only), same run (the issue wants <= +%d)"
                     % (C.HUB_SPOKES, C.HUB_MARGIN))
    if any(k == "ip4" for k, _ in held):
        lines.append("vs IPv4: an IPv6 row's beyond minus its IPv4 row's (ip6gre-X, ip6gre-X-v6 "
                     "and gre-X-v6 against gre-X), same run (the issue wants <= +%d)"
                     % C.IP6_MARGIN)
    return lines


def comparison_markdown(comparison):
    peers = [p for p in C.PEERS if any(p in r for r in comparison)]
    held = held_columns(comparison)
    head = "| path | cycles/pkt | io cycles/pkt | beyond I/O | VPP beyond I/O |"
    sep = "| --- | ---: | ---: | ---: | ---: |"
    for p in peers:
        head += " %s cycles/pkt | greway / %s |" % (p, p)
        sep += " ---: | ---: |"
    for _, title in held:
        head += " beyond I/O %s |" % title
        sep += " ---: |"
    lines = [head, sep]
    for r in comparison:
        ln = "| %s | %.0f | %s | %s | %d |" % (
            r["case"], r["cycles_per_pkt"],
            "-" if r["io_cycles_per_pkt"] is None else "%.0f" % r["io_cycles_per_pkt"],
            "-" if r["beyond_io"] is None else "%.0f" % r["beyond_io"], r["vpp_beyond_io"])
        for p in peers:
            x = r.get(p)
            ln += " - | - |" if x is None else " %.0f | %.2fx |" % (x["cycles_per_pkt"],
                                                                      x["greway_x"])
        for k, _ in held:
            ln += " - |" if k not in r else " %+.0f |" % r[k]["over"]
        lines.append(ln)
    return "\n".join(lines) + "\n"


def markdown(summary):
    """The run as doc/benchmarks.md shows it: machine, command, table."""
    m = summary["machine"]
    o = summary["options"]
    lines = [
        "Run %s on %s (%s CPUs), kernel %s, DPDK %s, greway %s; %s; TSC %.1f MHz."
        % (m["date"], m["cpu_model"], m["cpus"], m["kernel"], m["dpdk"], m["greway_commit"],
           "hugepages" if summary["memory"]["hugepages"] else "no hugepages (--no-huge -m 1024)",
           summary["tsc_hz"] / 1e6),
        "",
        "    " + summary["command"],
        "",
        "| case | input | Mpps | x baseline | cycles/pkt | Mpps wall | worker CPU | other CPUs |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in summary["results"]:
        mpps = "%.2f" % r["mpps"]
        if len(r["samples"]) > 1:
            mpps += " (%.2f-%.2f)" % (r["mpps_min"], r["mpps_max"])
        lines.append("| %s | %s | %s | %s | %.0f | %.2f | %.0f%% | %.2f |" % (
            r["case"], r["input"], mpps,
            "%.2f" % r["ratio"] if r["ratio"] is not None else "-",
            r["cycles_per_pkt"], r["mpps_wall"], 100 * r["worker_cpu"], r["other_cpus"]))
    lines.append("")
    lines.append("%g s warm-up, %g s measured, best of %d (range in brackets); lcores %s."
                 % (o["warmup"], o["seconds"], o["repeat"], o["lcores"]))
    if summary.get("comparison"):
        lines += ["", comparison_markdown(summary["comparison"])]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(
        prog="scripts/bench.sh",
        description="testpmd io baseline and greway encap/decap Mpps on one worker core, "
                    "same vdevs (net_pcap infinite_rx -> net_null), in one run.")
    ap.add_argument("--seconds", type=float, default=5, help="measured window (default 5)")
    ap.add_argument("--warmup", type=float, default=2, help="seconds before it (default 2)")
    ap.add_argument("--cases", default="all",
                    help="comma-separated case names, globs or groups (hub: the hub rows and "
                         "the point-to-point rows they are compared with; ip6: the IPv6 rows "
                         "and the IPv4 rows they are held against) (default all; "
                         "--list shows them)")
    ap.add_argument("--build", default="build", help="build directory with app/greway/greway")
    ap.add_argument("--json", default=None, help="summary path (default BUILD/bench.json)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="measure every case N times, report the median (default 1)")
    ap.add_argument("--cores", default="0,1",
                    help="CPUs of the main lcore and of the worker lcore(s) (default 0,1)")
    ap.add_argument("--sizes", default="64",
                    help="inner frame sizes (FCS included) of the sweep paths, e.g. "
                         "64,128,512,1400 (default 64)")
    ap.add_argument("--tunnels", default="1",
                    help="tunnel counts of the sweep paths, e.g. 1,100,10000 (default 1)")
    ap.add_argument("--workers", default="1",
                    help="worker lcore counts, e.g. 1,2: rows with N workers, N rx queues "
                         "(default 1)")
    ap.add_argument("--peer", default="",
                    help="also run this peer on the sweep paths: ovs (Open vSwitch DPDK)")
    ap.add_argument("--simd-bitwidth", type=int, default=0, metavar="N",
                    help="greway's EAL --force-max-simd-bitwidth=N: 64 runs the scalar "
                         "kernels, 512 allows AVX-512 (default: EAL's, 256)")
    ap.add_argument("--no-hugepages", action="store_true", help="use --no-huge -m 1024")
    ap.add_argument("--perf", action="store_true",
                    help="perf record (cpu-clock) the worker thread in each window; top symbols")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run ninja on the build directory first")
    ap.add_argument("--validate-laps", type=int, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    a = ap.parse_args()

    try:
        all_cases = C.make_cases(C.parse_list(a.sizes, "--sizes"),
                                 C.parse_list(a.tunnels, "--tunnels"),
                                 C.parse_list(a.workers, "--workers"),
                                 tuple(x for x in a.peer.split(",") if x))
    except ValueError as e:
        ap.error(str(e))
    if a.list:
        for c in all_cases:
            say("%-34s %-6s %-6s %-6s input %s, output %s tx%s%s"
                % (c.name, c.runner, c.mode, c.path, c.input_label, c.out_port,
                   ", %d workers" % c.workers if c.workers > 1 else "",
                   " (%s)" % c.note if c.note else ""))
        for g, rows in C.GROUPS.items():
            say("group %-28s %s" % (g, ",".join(rows)))
        return 0
    if a.cases == "all":
        sel = list(all_cases)
    else:
        try:
            sel = C.select(all_cases, a.cases)
        except ValueError as e:
            ap.error(str(e))
    if a.seconds <= 0 or a.warmup < 0 or a.repeat < 1:
        ap.error("--seconds > 0, --warmup >= 0, --repeat >= 1")

    b = Bench(a)
    if not a.no_build and os.path.exists(os.path.join(b.build, "build.ninja")):
        # measure the tree as it is: bring the binary up to date first
        r = subprocess.run(["ninja", "-C", b.build, "app/greway/greway"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("bench: ninja -C %s failed:\n%s" % (a.build, r.stdout[-3000:]))
    if not os.access(b.greway, os.X_OK):
        sys.exit("bench: %s not found: build first (meson setup %s && ninja -C %s)"
                 % (b.greway, a.build, a.build))
    if not os.access(b.testpmd, os.X_OK):
        sys.exit("bench: dpdk-testpmd not found (package dpdk-dev)")
    json_path = a.json or os.path.join(b.build, "bench.json")
    if a.perf and shutil.which("perf") is None:
        sys.exit("bench: --perf needs perf (package linux-perf)")

    info = machine_info()
    b.huge, huge_why = setup_hugepages(600, not a.no_hugepages)
    b.tsc, tsc_how = tsc_hz()
    say("bench: %s, %s CPUs, kernel %s, DPDK %s, greway %s"
        % (info["cpu_model"], info["cpus"], info["kernel"], info["dpdk"], info["greway_commit"]))
    say("bench: memory: %s (%s)" % ("hugepages, -m 512" if b.huge else
                                     "NO HUGEPAGES: --no-huge -m 1024", huge_why))
    say("bench: TSC %.1f MHz (%s); lcores %s; %g s warm-up, %g s measured, %d repeat(s)"
        % (b.tsc / 1e6, tsc_how, b.lcores, a.warmup, a.seconds, a.repeat))

    # inputs and validation, before any timed run
    inputs = {}
    for c in sel:
        if c.input_label not in inputs:
            ws = sorted({x.workers for x in sel if x.input_label == c.input_label})
            try:
                inputs[c.input_label] = b.make_input(c.input, ws)
            except ValueError as e:
                sys.exit("bench: %s" % e)
    failed = {}
    validation = {}
    ovs = None
    if any(c.runner == "ovs" for c in sel):
        sys.modules.setdefault("bench", sys.modules[__name__])   # one Fail class for both
        import ovs_peer
        try:
            ovs = ovs_peer.OvsPeer(b)
        except ovs_peer.Unavailable as e:
            say("bench: FAILED: the OVS-DPDK peer cannot run here: %s" % e)
            for c in sel:
                if c.runner == "ovs":
                    failed[c.name] = "OVS-DPDK unavailable: %s" % e
    for c in sel:
        if c.name in failed:
            continue
        if c.runner != "greway" or c.workers > 1:
            # a peer is checked in its timed run (ovs_peer.py); N workers reorder the
            # output, and the 1-worker row of the same input and config validated it
            continue
        try:
            validation[c.name] = b.validate(c, inputs[c.input_label])
            v = validation[c.name]
            say("bench: validated %-24s %d frames in, %d out, %d checked as claimed (%d flows)"
                % (c.name, v["frames_in"], v["frames_out"], v["frames_checked"], v["flows"]))
        except Fail as e:
            failed[c.name] = str(e)
            say("bench: FAILED validation: %s" % e)

    # timed runs: per input, its testpmd baseline then its cases
    samples = {}
    base_samples = {}
    groups = []     # (input label, workers): one baseline each, in the order of the cases
    for c in sel:
        if (c.input_label, c.workers) not in groups:
            groups.append((c.input_label, c.workers))
    for rep in range(a.repeat):
        for label, nw in groups:
            inp = inputs[label]
            todo = [c for c in sel if c.input_label == label and c.workers == nw
                    and c.name not in failed]
            if not todo:
                continue
            bkey = base_key(label, nw)
            try:
                r = b.run_testpmd(inp, rep, nw)
                base_samples.setdefault(bkey, []).append(r)
                say("bench: %-34s %7.2f Mpps per core (%.2f wall, worker %.0f%% CPU;"
                    " testpmd says %.2f)" % ("testpmd-io [%s]" % bkey, r["mpps"],
                                             r["mpps_wall"], 100 * r["worker_cpu"],
                                             r["testpmd_tx_mpps"]))
            except Fail as e:
                failed["testpmd-io[%s]" % bkey] = str(e)
                say("bench: FAILED testpmd: %s" % e)
            for c in todo:
                try:
                    r = ovs.run(c, inp, rep) if c.runner == "ovs" else b.run_greway(c, inp, rep)
                    samples.setdefault(c.name, []).append(r)
                    say("bench: %-34s %7.2f Mpps per core (%.2f wall, worker %.0f%% CPU)"
                        % (c.name, r["mpps"], r["mpps_wall"], 100 * r["worker_cpu"]))
                except Fail as e:
                    failed[c.name] = str(e)
                    say("bench: FAILED: %s" % e)

    # table
    rows = build_rows(sel, groups, samples, base_samples, validation)
    comparison = compare_rows(sel, rows)

    hdr = "%-24s %-26s %7s %6s %7s %9s %6s %5s %5s" % (
        "case", "input", "Mpps", "x base", "cyc/pkt", "Mpps wall", "worker", "proc", "other")
    say()
    say(hdr)
    say("-" * len(hdr))
    for r in rows:
        ratio = "%.2f" % r["ratio"] if r["ratio"] is not None else "-"
        say("%-24s %-26s %7.2f %6s %7.0f %9.2f %5.0f%% %5.2f %5.2f" % (
            r["case"], r["input"], r["mpps"], ratio, r["cycles_per_pkt"], r["mpps_wall"],
            100 * r["worker_cpu"], r["process_cpus"], r["other_cpus"]))
    say()
    say("Mpps: output port tx packets per second of worker CPU time, over %g s (best of %d);"
        % (a.seconds, a.repeat))
    say("x base: Mpps / testpmd io's on the same input pcap; cyc/pkt: TSC cycles the worker ran"
        " per packet;")
    say("Mpps wall: per wall-clock second; worker: the worker thread's CPU share; proc: CPUs "
        "its whole process used; other: CPUs the rest of the machine used (noise)")
    if comparison:
        say()
        for ln in comparison_text(comparison):
            say(ln)
    if a.perf:
        say()
        for r in rows:
            prof = r["samples"][0].get("perf")
            if prof:
                say("perf %s [%s] (cpu-clock samples of the worker thread, %s):"
                    % (r["case"], r["input"], prof["data"]))
                say("  by object: " + "; ".join(ln for ln in prof["by_dso"][:6]))
                for ln in prof["top"][:8]:
                    say("    " + ln)
        say()
    target = {}
    for name in C.TARGET_CASES:
        r = next((x for x in rows if x["case"] == name), None)
        if r is not None and r["ratio"] is not None:
            target[name] = {"ratio": r["ratio"], "met": r["ratio"] >= C.TARGET}
            say("target >= %.1fx baseline: %-22s %.2fx %s"
                % (C.TARGET, name, r["ratio"], "met" if r["ratio"] >= C.TARGET else "NOT MET"))
    for r in comparison:
        for k, _ in held_columns([r]):
            g = r[k]
            target[r["case"]] = {"beyond_io": r["beyond_io"], "%s_case" % k: g["case"],
                                 "%s_beyond_io" % k: g["beyond_io"], "margin": g["margin"],
                                 "met": g["met"]}
            say("target beyond I/O <= %s's + %d: %-26s %.0f vs %s %.0f (%+.0f) %s"
                % (HELD_WHAT[k], g["margin"], r["case"],
                   r["beyond_io"], g["case"], g["beyond_io"], g["over"],
                   "met" if g["met"] else "NOT MET"))
    noisy = [r["case"] for r in rows if r["worker_cpu"] < 0.95 or r["other_cpus"] > 0.25]
    if noisy:
        say("warning: other load during %s (worker < 95%% CPU or other > 0.25 CPU): "
            "figures are noisy" % ", ".join(noisy))
    for k, v in failed.items():
        say("FAILED %s: %s" % (k, fail_line(v)))

    summary = {
        "machine": info,
        "command": "scripts/bench.sh " + shlex.join(sys.argv[1:]),
        "options": {"seconds": a.seconds, "warmup": a.warmup, "repeat": a.repeat,
                    "lcores": b.lcores, "build": b.build, "cases": [c.name for c in sel],
                    "sizes": a.sizes, "tunnels": a.tunnels, "workers": a.workers,
                    "peer": a.peer},
        "memory": {"hugepages": b.huge, "why": huge_why},
        "tsc_hz": b.tsc, "tsc_method": tsc_how,
        "inputs": inputs,
        "results": rows,
        "comparison": comparison,
        "vpp_reference": {"cycles_per_pkt": VPP_IP4_CYCLES, "io_cycles_per_pkt": VPP_IO_CYCLES,
                          "beyond_io": VPP_IP4_CYCLES - VPP_IO_CYCLES},
        "target": {"ratio": C.TARGET, "gretap_margin": C.GRETAP_MARGIN,
                   "hub_margin": C.HUB_MARGIN, "ip6_margin": C.IP6_MARGIN, "cases": target},
        "failed": failed,
    }
    os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
    with open(json_path, "w") as f:
        json.dump(summary, f, indent=2)
    md_path = os.path.splitext(json_path)[0] + ".md"
    with open(md_path, "w") as f:
        f.write(markdown(summary))
    if ovs is not None:
        ovs.close()
    say("bench: summary in %s (table for doc/benchmarks.md in %s), logs and pcaps in %s"
        % (json_path, md_path, b.work))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
