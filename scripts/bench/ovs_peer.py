# SPDX-License-Identifier: BSD-3-Clause
"""The OVS-DPDK peer of scripts/bench.sh (--peer ovs): Open vSwitch's DPDK build doing the
same GRE encap and decap on the same vdevs, counted the same way.

Recipe: /work/shared/reference/ovs-peer.md ("OVS-DPDK as the performance peer"). A private
ovsdb-server and /usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk run inside a network
namespace this module creates (br-phy's LOCAL port is a tap: it lives there), with their
own directory, EAL options --no-pci --in-memory and a unique --file-prefix, the main
(non-PMD) threads on the first CPU of --cores and one PMD thread on the worker CPU.

    encap: port "in" (net_pcap rx_pcap=udp input, infinite_rx) on br-int -> gre0
           (legacy_l3, key/csum/seq, remote 203.0.113.2) -> native tunnel push -> br-phy
           LOCAL -> port "out" (net_null, no-rx) on br-phy
    decap: port "in" (net_pcap rx_pcap=GRE input) on br-phy -> LOCAL (tnl_pop: the frames
           are to br-phy's MAC and IP) -> gre0 on br-int -> port "out" (net_null)

Both directions route the inner packet as greway does (dec_ttl, and on decap new MACs).

GRETAP rows (case.mode "gretap"): gre0 is OVS's plain, L2 GRE port (no packet_type: it
carries Ethernet in GRE protocol 0x6558) and br-int a learning bridge (one flow, NORMAL),
as greway's br0: a static MAC entry (fdb/add) puts the remote host behind gre0 (encap)
or the LAN host behind "out" (decap), so every frame goes unicast as greway's do, and the
other host's MAC is learned once. br-phy's flows are the GRE rows'. One more check: br-int's
LOCAL port (a tap) sends nothing in the window, i.e. nothing was flooded.

ip6gretap rows (case.mode "ip6gretap"): the same over IPv6, gre0 of type ip6gre (OVS's GRE
over IPv6 is L2 only: no legacy_l3, so there is no OVS row of the L3 ip6gre paths), remote
2001:db8:2::2, local 2001:db8:1::1 on br-phy (nodad), a route to 2001:db8:2::/48 by
2001:db8:1::fe, whose MAC tnl/neigh/set gives. IPv6 stays on in that namespace (the rows need
it), with router solicitations, RA and DAD off; what the kernel still sends by br-phy is its
MLD reports (one and its repeats on link up, which br-phy drops on decap), so the window
starts MLD_SETTLE s after link up at the earliest.
Rate: the "out" interface's tx_packets over the window (ovs-vsctl statistics), per second
of the PMD thread's CPU time; cycles/pkt from that thread's CPU time, as for greway and
testpmd. Checks instead of a frame-by-frame validation (OVS's GRE is checked on the wire by
tests/integration/test_ovs_interop.py): no datapath_drop_* coverage counter moves, input
and output agree within 1%, and the installed datapath flow has the tnl_push / tnl_pop
action of the path.
"""
import os
import re
import shutil
import signal
import subprocess
import time

import bench as B
import gen_bench as G

VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
PMD_COMMS = ("pmd",)          # OVS names its PMD threads pmd-c01/id:3 and the like
IN_OF, OUT_OF, GRE_OF = 1, 2, 3
MLD_SETTLE = 3.0              # s after br-phy's link up before an IPv6 row's window


def _l2(case):
    """A GRETAP row (OVS's plain L2 gre0 in a NORMAL bridge), over IPv4 or IPv6."""
    return case.mode in ("gretap", "ip6gretap")


def _v6(case):
    """An IPv6 underlay (OVS's ip6gre port)."""
    return case.mode.startswith("ip6")


def underlay(case):
    """(local, prefix length, next hop, remote's network, remote) of the row's underlay."""
    if _v6(case):
        return G.GW_UNDERLAY6, 64, G.UNDERLAY_NH6, "2001:db8:2::/48", G.TUN_REMOTE6
    return G.GW_UNDERLAY, 24, G.UNDERLAY_NH, "203.0.113.0/24", G.TUN_REMOTE


class Unavailable(Exception):
    """OVS-DPDK cannot run on this machine (a clear reason)."""


def _run(argv, check=True, timeout=60):
    r = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise B.Fail("%s: exit %d: %s" % (" ".join(map(str, argv[:4])), r.returncode,
                                         (r.stderr or r.stdout).strip()[-800:]))
    return r


def _pid_alive(pid):
    """Alive and not a zombie (ovs-peer.md pitfall 9)."""
    st = B.read_file("/proc/%d/stat" % pid)
    return bool(st) and st.rsplit(")", 1)[1].split()[0] != "Z"


def _kill_pidfile(path):
    try:
        pid = int(open(path).read().strip())
    except (OSError, ValueError):
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        end = time.monotonic() + 10
        while time.monotonic() < end and _pid_alive(pid):
            time.sleep(0.05)
        if not _pid_alive(pid):
            return


class OvsPeer:
    """Checks that OVS-DPDK can run; run() measures one case in a fresh instance."""

    def __init__(self, bench):
        self.b = bench
        for tool in ("ovsdb-tool", "ovsdb-server", "ovs-vsctl", "ovs-ofctl", "ovs-appctl"):
            if shutil.which(tool) is None:
                raise Unavailable("%s not found (package openvswitch-switch; "
                                  "scripts/deps.sh --bench installs it)" % tool)
        if not os.access(VSWITCHD, os.X_OK):
            raise Unavailable("%s not found (package openvswitch-switch-dpdk; "
                              "scripts/deps.sh --bench installs it)" % VSWITCHD)
        if os.geteuid() != 0:
            raise Unavailable("needs root (network namespace, hugepages)")
        if not bench.huge:
            # OVS's DPDK memory is dpdk-socket-mem on hugepages; it has no --no-huge mode
            # that its mempool sizing survives (ovs-peer.md: 128 MB = 64 hugepages)
            raise Unavailable("no hugepages (%s); OVS-DPDK needs 128 MB of them"
                              % ("--no-hugepages given" if bench.a.no_hugepages
                                 else "could not reserve them"))
        self.n = 0

    def close(self):
        pass

    def run(self, case, inp, rep):
        if case.workers != 1 or case.tunnels != 1:
            raise B.Fail("%s: the OVS peer runs one PMD thread and one tunnel" % case.name)
        self.n += 1
        inst = _Instance(self.b, case, inp, "%d-%d" % (os.getpid(), self.n),
                         self.b.path("%s.run%d" % (case.name, rep)))
        try:
            inst.start()
            return inst.measure()
        finally:
            inst.stop()


class _Instance:
    def __init__(self, bench, case, inp, tag, logbase):
        self.b, self.case, self.inp = bench, case, inp
        self.ns = "gwb-ovs-%s" % tag
        self.dir = "/run/gwb-ovs-%s" % tag            # short: unix socket paths <= 108 bytes
        self.prefix = "gwbench-%s-ovs" % tag
        self.logbase = logbase
        self.env = ["env", "OVS_RUNDIR=" + self.dir, "OVS_DBDIR=" + self.dir,
                    "OVS_LOGDIR=" + self.dir, "OVS_SYSCONFDIR=" + self.dir]
        self.db = "unix:%s/db.sock" % self.dir
        self.ctl = "%s/ovs-vswitchd.ctl" % self.dir
        self.ns_made = False

    def nsrun(self, *argv, check=True):
        return _run(["ip", "netns", "exec", self.ns] + list(argv), check=check)

    def vsctl(self, *args):
        return _run(["ovs-vsctl", "--db=" + self.db, "--timeout=30"] + list(args))

    def appctl(self, *args, check=True):
        return _run(["ovs-appctl", "-t", self.ctl] + list(args), check=check)

    def ofctl(self, *args):
        return _run(self.env + ["ovs-ofctl"] + list(args))

    def start(self):
        c, g = self.case, G
        cpus = self.b.cpus
        main_cpu, pmd_cpu = int(cpus[0]), int(cpus[1] if len(cpus) > 1 else cpus[0])
        os.makedirs(self.dir)
        _run(["ip", "netns", "add", self.ns])
        self.ns_made = True
        self.nsrun("ip", "link", "set", "lo", "up")
        if _v6(self.case):
            # br-phy needs IPv6; no RS, RA nor DAD on it (ovs-peer.md, pitfall 8)
            for k in ("all.accept_ra=0", "default.accept_ra=0",
                      "default.router_solicitations=0", "default.accept_dad=0"):
                self.nsrun("sysctl", "-qw", "net.ipv6.conf." + k, check=False)
        else:
            self.nsrun("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", check=False)
        d = self.dir
        _run(["ovsdb-tool", "create", d + "/conf.db", SCHEMA])
        self.nsrun(*self.env, "ovsdb-server", d + "/conf.db", "--remote=punix:%s/db.sock" % d,
                   "--pidfile=%s/ovsdb-server.pid" % d, "--unixctl=%s/ovsdb-server.ctl" % d,
                   "-vconsole:off", "--log-file=%s/ovsdb-server.log" % d, "--detach",
                   "--no-chdir")
        self.vsctl("--no-wait", "init")
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".",
                   "other_config:dpdk-init=true",
                   "other_config:dpdk-socket-mem=128", "other_config:dpdk-socket-limit=128",
                   "other_config:dpdk-lcore-mask=%#x" % (1 << main_cpu),
                   "other_config:pmd-cpu-mask=%#x" % (1 << pmd_cpu),
                   'other_config:dpdk-extra="--no-pci --in-memory --file-prefix=%s"'
                   % self.prefix)
        self.nsrun(*self.env, VSWITCHD, self.db, "--pidfile=%s/ovs-vswitchd.pid" % d,
                   "--unixctl=%s" % self.ctl, "-vconsole:off",
                   "--log-file=%s/ovs-vswitchd.log" % d, "--detach", "--no-chdir")
        self.pid = int(open(d + "/ovs-vswitchd.pid").read().strip())
        if self.vsctl("get", "Open_vSwitch", ".", "dpdk_initialized").stdout.strip() != "true":
            raise B.Fail("OVS-DPDK did not initialise DPDK; log %s/ovs-vswitchd.log" % d)

        encap = c.path == "encap"
        phy_mac = g.GW_PORT1_MAC if encap else g.GW_PORT0_MAC
        in_dev = "net_pcap_ovs0,rx_pcap=%s,infinite_rx=1" % self.inp["pcap"]
        out_dev = "net_null_ovs0,no-rx=1"
        opts = gre_port_options(c)
        # the output port first, the input last: packets that arrive on a port ofproto does
        # not know yet are upcall errors (ovs-peer.md)
        self.vsctl("add-br", "br-phy", "--", "set", "bridge", "br-phy", "datapath_type=netdev",
                   "other_config:hwaddr=" + phy_mac)
        self.vsctl("add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=netdev")
        self.vsctl("add-port", "br-int", "gre0", "--", "set", "interface", "gre0",
                   "type=" + ("ip6gre" if _v6(c) else "gre"), "ofport_request=%d" % GRE_OF,
                   *opts)
        out_br, in_br = ("br-phy", "br-int") if encap else ("br-int", "br-phy")
        self.bridge_of = {"in": in_br, "out": out_br}
        self.vsctl("add-port", out_br, "out", "--", "set", "interface", "out", "type=dpdk",
                   "options:dpdk-devargs=" + out_dev, "ofport_request=%d" % OUT_OF)
        local, plen, nh, net, _ = underlay(c)
        self.nsrun("ip", "addr", "add", "%s/%d" % (local, plen), "dev", "br-phy",
                   *(("nodad",) if _v6(c) else ()))
        self.nsrun("ip", "link", "set", "br-phy", "up")
        self.t_up = time.monotonic()
        self.nsrun("ip", "route", "add", net, "via", nh)
        self.appctl("tnl/neigh/aging", "3600", check=False)
        self.appctl("tnl/neigh/set", "br-phy", nh, g.UNDERLAY_NH_MAC)
        for br in ("br-phy", "br-int"):
            self.ofctl("del-flows", br)
        for br, f in openflow_rules(c):
            self.ofctl("add-flow", br, f)
        self.vsctl("add-port", in_br, "in", "--", "set", "interface", "in", "type=dpdk",
                   "options:dpdk-devargs=" + in_dev, "ofport_request=%d" % IN_OF)
        # after the last port: a port added to a bridge may flush its MAC table
        for br, port, mac in static_macs(c):
            self.appctl("fdb/add", br, port, "0", mac)

    def stats(self):
        """Live rx/tx packet counters of every datapath port, read at one instant
        (dpctl/show -s reads the netdevs; the database's statistics column is only
        refreshed every 5 s): {port name: {"rx_packets": n, "tx_packets": n}}."""
        return parse_dpctl_show(self.appctl("dpctl/show", "-s").stdout)

    def drops(self):
        out = {}
        for line in self.appctl("coverage/show").stdout.splitlines():
            w = line.split()
            if w and w[0].startswith("datapath_drop"):
                out[w[0]] = int(w[-1])
        return out

    def measure(self):
        c, a = self.case, self.b.a
        tid = _pmd_tid(self.pid)
        # port add, upcalls, flow install; with IPv6 on, the kernel's MLD reports from br-phy
        # (the first one and its repeats, within about 2 s of link up: a drop on decap)
        settle = self.t_up + MLD_SETTLE - time.monotonic() if _v6(c) else 0
        time.sleep(max(a.warmup, 1.0, settle))
        win = B.Window(self.pid, tid)
        d0 = self.drops()
        t0 = time.monotonic()
        s0 = self.stats()
        win.start()
        time.sleep(a.seconds)
        s1 = self.stats()
        t1 = time.monotonic()
        cpu = win.end()
        d1 = self.drops()
        dp = self.appctl("dpctl/dump-flows", check=False).stdout
        perf = self.appctl("dpif-netdev/pmd-perf-show", check=False).stdout
        fdb = self.appctl("fdb/show", "br-int", check=False).stdout
        with open(self.logbase + ".ovs.log", "a") as f:
            f.write("\n--- dpctl/dump-flows\n%s\n--- pmd-perf-show\n%s\n--- fdb/show br-int"
                    "\n%s\n" % (dp, perf, fdb))
        if "in" not in s1 or "out" not in s1:
            raise B.Fail("%s: OVS shows no in/out ports: %s" % (c.name, sorted(s1)))
        out = s1["out"]["tx_packets"] - s0["out"]["tx_packets"]
        inn = s1["in"]["rx_packets"] - s0["in"]["rx_packets"]
        moved = {k: d1[k] - d0.get(k, 0) for k in d1 if d1[k] != d0.get(k, 0)}
        if out <= 0:
            raise B.Fail("%s: nothing left OVS's out port (in %d); log %s/ovs-vswitchd.log, "
                         "flows in %s.ovs.log" % (c.name, inn, self.dir, self.logbase))
        if moved:
            raise B.Fail("%s: OVS dropped packets during the run: %s" % (c.name, moved))
        if abs(inn - out) > 0.01 * out:
            raise B.Fail("%s: %d in on OVS's in port but %d out" % (c.name, inn, out))
        action = "tnl_push" if c.path == "encap" else "tnl_pop"
        if action not in dp:
            raise B.Fail("%s: no %s in OVS's datapath flows: not the GRE path" % (c.name, action))
        if _l2(c):
            local = s1.get("br-int", {}).get("tx_packets", 0) - \
                s0.get("br-int", {}).get("tx_packets", 0)
            if local > 0.001 * out:
                raise B.Fail("%s: OVS flooded: br-int's LOCAL port sent %d of %d (fdb/show: %s)"
                             % (c.name, local, out, " | ".join(fdb.splitlines())))
        argv = [VSWITCHD, "(other_config: dpdk-lcore-mask, pmd-cpu-mask, dpdk-extra; ports "
                "in=%s out=net_null no-rx)" % self.inp["pcap"]]
        return self.b.result(out, t1 - t0, cpu, argv, None)

    def stop(self):
        d = self.dir
        _kill_pidfile(d + "/ovs-vswitchd.pid")
        _kill_pidfile(d + "/ovsdb-server.pid")
        if os.path.isdir(d):
            for name in ("ovs-vswitchd.log", "ovsdb-server.log"):
                if os.path.exists(os.path.join(d, name)):
                    shutil.copy(os.path.join(d, name), "%s.%s" % (self.logbase, name))
            shutil.rmtree(d, ignore_errors=True)
        if self.ns_made:
            _run(["ip", "netns", "del", self.ns], check=False)
        shutil.rmtree(os.path.join("/var/run/dpdk", self.prefix), ignore_errors=True)


def gre_port_options(case):
    """ovs-vsctl options of gre0: L3 GRE (packet_type=legacy_l3) for a GRE row, OVS's plain
    L2 GRE port (Ethernet in GRE protocol 0x6558) for a GRETAP row (over IPv6: an ip6gre
    port, L2 too); key, csum, seq."""
    t = case.tunnel
    local, _, _, _, remote = underlay(case)
    opts = ["options:remote_ip=" + remote, "options:local_ip=" + local]
    if not _l2(case):
        opts.append("options:packet_type=legacy_l3")
    if t.get("key") is not None:
        opts.append("options:key=%d" % t["key"])
    if t.get("csum"):
        opts.append("options:csum=true")
    if t.get("seq"):
        opts.append("options:seq=true")
    return opts


def openflow_rules(case):
    """[(bridge, flow)]: what greway's startup file does, as OpenFlow on fixed ofports.
    GRE: routed (dec_ttl; on decap new MACs). GRETAP: br-int is a learning bridge (NORMAL)."""
    encap = case.path == "encap"
    if encap:
        phy = ("br-phy", "in_port=LOCAL,actions=output:%d" % OUT_OF)
    else:
        phy = ("br-phy", "in_port=%d,actions=LOCAL" % IN_OF)
    if _l2(case):
        return [phy, ("br-int", "actions=NORMAL")]
    if encap:
        return [("br-int", "in_port=%d,ip,actions=dec_ttl,output:%d" % (IN_OF, GRE_OF)), phy]
    return [phy, ("br-int", "in_port=%d,ip,actions=dec_ttl,mod_dl_src:%s,mod_dl_dst:%s,"
                            "output:%d" % (GRE_OF, G.GW_PORT1_MAC, G.LAN_HOST_MAC, OUT_OF))]


def static_macs(case):
    """[(bridge, port, MAC)] of fdb/add: a GRETAP row's static entry, as greway's startup
    file has (bridge fdb add ... static), so that nothing floods."""
    if not _l2(case):
        return []
    if case.path == "encap":
        return [("br-int", "gre0", G.REMOTE_HOST_MAC)]
    return [("br-int", "out", G.LAN_HOST_MAC)]


def parse_dpctl_show(text):
    """'ovs-appctl dpctl/show -s' -> {port name: {"rx_packets": n, "tx_packets": n}}."""
    ports, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"\s*port \d+: (\S+)", line)
        if m:
            cur = ports.setdefault(m.group(1), {})
            continue
        m = re.match(r"\s*([RT]X) packets:(\d+)", line)
        if m and cur is not None:
            cur["rx_packets" if m.group(1) == "RX" else "tx_packets"] = int(m.group(2))
    return ports


def _pmd_tid(pid, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            for tid in os.listdir("/proc/%d/task" % pid):
                comm = B.read_file("/proc/%d/task/%s/comm" % (pid, tid)).strip()
                if comm.startswith(PMD_COMMS):
                    return int(tid)
        except FileNotFoundError:
            break
        time.sleep(0.1)
    raise B.Fail("no OVS PMD thread (pmd*) in pid %d" % pid)
