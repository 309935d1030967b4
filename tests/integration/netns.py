# SPDX-License-Identifier: BSD-3-Clause
"""Network namespaces, veths and greway instances for the integration tests.

A Lab owns everything a test creates and undoes it in reverse order when it
closes, whatever happened in between: each namespace, veth, process and
directory is registered for cleanup right after it is created. Use it as a
context manager or through a `lab` fixture in the test module.

    with Lab("ab12cd", workdir) as lab:
        ns = lab.netns("r")                      # "gw-ab12cd-r", IPv6 off, lo up
        gw = lab.greway(binary, lab.netns("gwa"), conf_text, taps=("wan", "lan"))
        lab.move_tap(gw.ns, "wan", ns, "02:00:00:0a:00:fe", "198.51.100.254/24")
        gw.counters()["tunnel"]["gre1"]["tx_packets"]

greway runs under `ip netns exec` with two net_tap ports (port0, port1) on
one lcore; its taps appear in its own namespace, are moved after its ports
have started (net_tap configures them by name in its namespace until then),
and it is stopped by pid (SIGTERM, then SIGKILL).
"""
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

# One lcore for every greway of a test; GREWAY_LCORES overrides "-l 0" (e.g.
# "1" when another program keeps core 0 busy).
LCORES = os.environ.get("GREWAY_LCORES", "0")


def sh(cmd, check=True, timeout=30, **kw):
    """Run a command (a list), returning CompletedProcess with text output."""
    try:
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"timed out after {timeout}s: {' '.join(map(str, cmd))}") from e
    if check and cp.returncode != 0:
        raise AssertionError(
            f"`{' '.join(map(str, cmd))}` exited {cp.returncode}\n"
            f"stdout: {cp.stdout.strip()}\nstderr: {cp.stderr.strip()}")
    return cp


def pid_alive(pid):
    """True while pid runs; a zombie counts as gone (PID 1 reaps late here)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_for(pred, timeout, what, interval=0.1):
    """Poll pred() until it is true; AssertionError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def stop_process(proc, sig=signal.SIGTERM, timeout=5):
    """Stop a Popen by its pid: sig, then SIGKILL; always reaps it."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        os.kill(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None  # unkillable for now (starved); PID 1 reaps it later


class Netns:
    """One network namespace: run commands in it."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def cmd(self, args):
        return ["ip", "netns", "exec", self.name, *map(str, args)]

    def run(self, *args, check=True, timeout=30, **kw):
        return sh(self.cmd(args), check=check, timeout=timeout, **kw)

    def ip(self, *args, check=True):
        return sh(["ip", "-n", self.name, *map(str, args)], check=check)

    def has_link(self, ifname):
        return self.ip("link", "show", "dev", ifname, check=False).returncode == 0

    def sysctl(self, key, value, check=True):
        return self.run("sysctl", "-qw", f"{key}={value}", check=check)

    def ping(self, dst, count=5, interval=0.2, wait=1, size=None, check=False, patient=True):
        """ping; returns (CompletedProcess, loss percentage or None).

        patient: with -w, ping waits for late replies (a busy machine) until
        `count` replies came or the deadline passed, instead of counting them
        lost; it keeps sending meanwhile. Impatient: exactly `count` requests."""
        deadline = int(count * interval + wait + 15)
        args = ["ping", "-n", "-c", count, "-i", interval, "-W", wait]
        if patient:
            args += ["-w", deadline]
        if size is not None:
            args += ["-s", size]
        cp = self.run(*args, dst, check=check, timeout=deadline + 10)
        m = re.search(r"([\d.]+)% packet loss", cp.stdout)
        return cp, (float(m.group(1)) if m else None)

    def snmp(self):
        """/proc/net/snmp of this namespace as {"Icmp": {"InEchos": n, ...}, ...}."""
        text = self.run("cat", "/proc/net/snmp").stdout.splitlines()
        out = {}
        for head, vals in zip(text[::2], text[1::2]):
            proto, names = head.split(":", 1)
            out[proto] = dict(zip(names.split(), map(int, vals.split(":", 1)[1].split())))
        return out


_BLOCK_LINE = re.compile(r"^(port|tunnel|bridge|member|drop) ")


def parse_counters(text):
    """The counter blocks greway prints (SIGUSR1, exit), newest last.

    Each block is {"port": {name: {field: n}}, "tunnel": {name: {field: n}},
    "bridge": {name: {field: n}}, "member": {name: {field: n}}, "drop": {reason: n}}.
    """
    blocks, cur = [], None
    for line in text.splitlines():
        if not _BLOCK_LINE.match(line):
            cur = None
            continue
        words = line.split()
        if cur is None or (words[0] == "port" and cur["drop"]):
            cur = {"port": {}, "tunnel": {}, "bridge": {}, "member": {}, "drop": {}}
            blocks.append(cur)
        if words[0] == "drop":
            cur["drop"][words[1]] = int(words[2])
        else:
            cur[words[0]][words[1]] = {k: int(v) for k, v in zip(words[2::2], words[3::2])}
    return blocks


class Greway:
    """A greway process in a namespace; port0/port1 are net_tap on `taps`."""

    def __init__(self, lab, binary, ns, name, conf, taps, extra_args):
        self.ns = ns
        self.name = name
        self.taps = taps
        self.conf = lab.dir / f"{name}.conf"
        self.conf.write_text(conf)
        self.log = lab.dir / f"{name}.log"
        self.file_prefix = f"{lab.prefix}-{name}"
        args = ["--no-pci", "--no-huge", "-m", "512", "--file-prefix", self.file_prefix,
                "-l", LCORES]
        for i, tap in enumerate(taps):
            args += ["--vdev", f"net_tap{i},iface={tap}"]
        # its own control socket: greways of one test must not take each other's
        self.sock = lab.dir / f"{name}.sock"
        args += ["--", "-c", str(self.conf), "-s", str(self.sock), *extra_args]
        self.argv = ns.cmd([binary, *args])
        with open(self.log, "w") as out:
            # `ip netns exec` execs greway: this pid is greway's
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid

    def output(self):
        return self.log.read_text(errors="replace")

    def wait_running(self, timeout=30):
        def started():
            if "greway: running" in self.output():
                return True
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"greway {self.name} exited {self.proc.returncode}:\n{self.output()}")
            return False

        wait_for(started, timeout, f"greway {self.name} to start its ports")
        for tap in self.taps:
            wait_for(lambda t=tap: self.ns.has_link(t), 10, f"tap {tap} in {self.ns}")

    def counters(self, timeout=10):
        """SIGUSR1, then the block it printed (see parse_counters)."""
        before = len(parse_counters(self.output()))
        assert self.proc.poll() is None, f"greway {self.name} is not running:\n{self.output()}"
        os.kill(self.pid, signal.SIGUSR1)

        def new_block():
            blocks = parse_counters(self.output())
            if len(blocks) > before and len(blocks[-1]["drop"]) >= 10:
                time.sleep(0.1)  # let the block finish if it came in two writes
                return parse_counters(self.output())[-1]
            return None

        return wait_for(new_block, timeout, f"greway {self.name} to print its counters")

    def stop(self):
        """SIGTERM (greway prints its counters and exits 0), SIGKILL if it hangs."""
        rc = stop_process(self.proc)
        if rc is not None:
            # EAL's runtime directory of this --file-prefix, ours alone
            shutil.rmtree(f"/var/run/dpdk/{self.file_prefix}", ignore_errors=True)
        return rc


class GatewayCtl:
    """A running greway driven by grewayctl on its socket; its state as JSON."""

    def __init__(self, gw, ctl):
        self.gw, self.name, self.ctl = gw, gw.name, ctl

    def cli(self, *args, check=True):
        cp = sh([self.ctl, "-s", str(self.gw.sock), *map(str, args)], check=False)
        if check:
            assert cp.returncode == 0, f"grewayctl {' '.join(map(str, args))}: {cp.stderr}"
        return cp

    def json(self, *args):
        return json.loads(self.cli("-j", *args).stdout)

    def stats(self):
        return self.json("stats", "show")


class Lab(contextlib.ExitStack):
    """Namespaces, links, processes of one test; all undone on close."""

    def __init__(self, run_id, workdir):
        super().__init__()
        self.prefix = f"gw-{run_id}"
        self.dir = Path(workdir)

    def netns(self, short, ipv6=False):
        """Create namespace "gw-RUNID-short" with lo up and IPv6 off.

        ipv6: IPv6 stays on (for interfaces that ask for it: veth, move_tap),
        without duplicate address detection (addresses usable at once) and
        without router solicitations (no noise a test did not send)."""
        ns = Netns(f"{self.prefix}-{short}")
        sh(["ip", "netns", "add", ns.name])
        self.callback(self._netns_del, ns)
        if ipv6:
            for conf in ("all", "default"):
                ns.sysctl(f"net.ipv6.conf.{conf}.accept_dad", 0, check=False)
                ns.sysctl(f"net.ipv6.conf.{conf}.router_solicitations", 0, check=False)
                ns.sysctl(f"net.ipv6.conf.{conf}.accept_ra", 0, check=False)
        ns.sysctl("net.ipv6.conf.all.disable_ipv6", int(not ipv6), check=False)
        ns.sysctl("net.ipv6.conf.default.disable_ipv6", int(not ipv6), check=False)
        ns.ip("link", "set", "lo", "up")
        return ns

    @staticmethod
    def _netns_del(ns):
        # whatever still runs in it was started by this test: stop it by pid
        pids = sh(["ip", "netns", "pids", ns.name], check=False).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid), signal.SIGKILL)
        sh(["ip", "netns", "del", ns.name], check=False)

    def veth(self, ns_a, if_a, ns_b, if_b, ipv6=False):
        """A veth pair with one end in each namespace (deleted with either);
        IPv6 off on both ends unless ipv6 (namespaces made with ipv6=True)."""
        sh(["ip", "-n", ns_a.name, "link", "add", if_a, "type", "veth", "peer", "name", if_b,
            "netns", ns_b.name])
        self.callback(sh, ["ip", "-n", ns_a.name, "link", "del", if_a], check=False)
        for ns, ifc in ((ns_a, if_a), (ns_b, if_b)):
            ns.sysctl(f"net.ipv6.conf.{ifc}.disable_ipv6", int(not ipv6), check=False)

    def popen(self, ns, args, **kw):
        """A background process in ns, stopped by pid on close."""
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        proc = subprocess.Popen(ns.cmd(args), **kw)
        self.callback(stop_process, proc)
        return proc

    def greway(self, binary, ns, conf, taps=("wan", "lan"), name=None, extra_args=()):
        """Start greway in ns on net_tap ports; returns once the taps exist."""
        gw = Greway(self, binary, ns, name or ns.name.rsplit("-", 1)[1], conf, taps,
                    list(extra_args) or ["--idle-sleep-us", "200"])
        self.callback(gw.stop)
        gw.wait_running()
        return gw

    @staticmethod
    def move_tap(src, ifname, dst, mac, prefix, mtu=None, tx_csum_off=False, ipv6=False):
        """Move a greway tap end from src to dst and configure it there.

        net_tap gave it the DPDK port's MAC: it gets `mac` of its own.
        prefix: one address/len or a list of them (IPv6 ones need ipv6=True,
        which keeps IPv6 on: a link-local address, ND; in a namespace made
        with ipv6=True, no DAD)."""
        src.ip("link", "set", ifname, "netns", dst.name)
        dst.sysctl(f"net.ipv6.conf.{ifname}.disable_ipv6", int(not ipv6), check=False)
        dst.ip("link", "set", ifname, "address", mac)
        if mtu is not None:
            dst.ip("link", "set", ifname, "mtu", mtu)
        for p in [prefix] if isinstance(prefix, str) else prefix:
            dst.ip("addr", "add", p, "dev", ifname, *(["nodad"] if ":" in p else []))
        dst.ip("link", "set", ifname, "up")
        if tx_csum_off:
            dst.run("ethtool", "-K", ifname, "tx", "off")


def transfer(lab, src, dst, dst_ip, size, workdir, port=5001, timeout=60):
    """Send `size` random bytes over TCP from namespace src to dst_ip in dst.

    Returns (seconds, sent sha256, received sha256, received size)."""
    workdir = Path(workdir)
    payload = workdir / f"tx-{src.name}-{port}.bin"
    received = workdir / f"rx-{dst.name}-{port}.bin"
    payload.write_bytes(os.urandom(size))
    with open(received, "wb") as out:
        server = lab.popen(dst, ["nc", "-l", "-n", dst_ip, port], stdout=out)
    wait_for(lambda: dst.run("ss", "-Hltn", f"sport = :{port}").stdout.strip(), 10,
             f"nc listening on {dst_ip}:{port}")
    t0 = time.monotonic()
    with open(payload, "rb") as inp:
        client = sh(src.cmd(["timeout", timeout, "nc", "-N", "-n", dst_ip, port]), check=False,
                    timeout=timeout + 5, stdin=inp)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    elapsed = time.monotonic() - t0
    assert client.returncode == 0, f"nc client exited {client.returncode}: {client.stderr}"
    sent = hashlib.sha256(payload.read_bytes()).hexdigest()
    data = received.read_bytes()
    return elapsed, sent, hashlib.sha256(data).hexdigest(), len(data)


# The two sites of the demo (scripts/demo.sh) and of the tests.
SITES = {
    "A": {"wan": "198.51.100.1", "wan_gw": "198.51.100.254", "lan_gw": "10.0.0.1",
          "host": "10.0.0.2", "lan": "10.0.0.0/24", "tun": "172.16.10.1"},
    "B": {"wan": "203.0.113.2", "wan_gw": "203.0.113.254", "lan_gw": "10.16.0.1",
          "host": "10.16.0.2", "lan": "10.16.0.0/24", "tun": "172.16.10.2"},
}


def router(lab):
    """The underlay router namespace (forwarding on; links are added by the sites)."""
    r = lab.netns("r")
    r.sysctl("net.ipv4.ip_forward", 1)
    return r


def greway_site(lab, binary, r, site, tunnel_opts="key 1001", host_mtu=1472, extra_conf="",
                ctl=None, extra_args=()):
    """Site `site` ("A" or "B") with greway as its gateway.

    greway runs in namespace "gwX" with port0 = WAN tap (moved into the router
    namespace r, which routes between the sites) and port1 = LAN tap (moved
    into "hostX", the site's one host). With `ctl` (grewayctl's path) greway
    starts with an empty startup file and every line is given to grewayctl
    instead. extra_args: greway's own arguments beyond -c and -s (default
    --idle-sleep-us 200). Returns (greway, host namespace)."""
    me, peer = SITES[site], SITES["B" if site == "A" else "A"]
    s = site.lower()
    mac = {"A": "0a", "B": "0b"}[site]
    conf = f"""# greway, site {site}
link set port0 address 02:00:00:{mac}:00:01
link set port1 address 02:00:00:{mac}:01:01
addr add {me['wan']}/24 dev port0
addr add {me['lan_gw']}/24 dev port1
route add {peer['wan'].rsplit('.', 1)[0]}.0/24 via {me['wan_gw']}
tunnel add gre1 mode gre local {me['wan']} remote {peer['wan']} {tunnel_opts}
addr add {me['tun']}/30 dev gre1
route add {peer['lan']} via {peer['tun']}
{extra_conf}"""
    gw_ns = lab.netns(f"gw{s}")
    host = lab.netns(f"host{s}")
    wan, lan = f"g{s}-wan", f"g{s}-lan"
    gw = lab.greway(binary, gw_ns, "" if ctl else conf, taps=(wan, lan), name=f"gw{site}",
                    extra_args=extra_args)
    for line in conf.splitlines() if ctl else ():
        words = line.split("#", 1)[0].split()
        if words:
            out = sh([ctl, "-s", str(gw.sock), *words], check=False)
            assert out.returncode == 0, f"grewayctl {line}: {out.stderr}"
    lab.move_tap(gw_ns, wan, r, f"02:00:00:{mac}:00:fe", f"{me['wan_gw']}/24")
    # net_tap leaves the tap's tx checksum offload off: the host sends full checksums
    lab.move_tap(gw_ns, lan, host, f"02:00:00:{mac}:01:02", f"{me['host']}/24", mtu=host_mtu)
    host.ip("route", "add", "default", "via", me["lan_gw"])
    return gw, host


def warm_up(src, dst_ip, timeout=30):
    """Ping until dst_ip answers once (ARP on every hop); AssertionError if never."""
    wait_for(lambda: src.run("ping", "-n", "-c", 1, "-W", 1, dst_ip, check=False).returncode == 0,
             timeout, f"{dst_ip} to answer a ping from {src}", interval=0)

