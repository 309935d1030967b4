# SPDX-License-Identifier: BSD-3-Clause
"""A private Open vSwitch (userspace datapath) inside a test namespace.

The recipe of /work/shared/reference/ovs-peer.md: ovsdb-server and
ovs-vswitchd run inside the namespace (ports and internal taps live in the
namespace of the process) with OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR pointing at a
private directory, never the system service. Both are registered with the Lab
right after they start and are stopped by the pids in their pidfiles; the
directory is removed after them.

GrePeer builds a GRE (L3, packet_type=legacy_l3) site gateway out of it:

    br-phy (netdev, hwaddr pinned)  LOCAL port has the underlay address; the
                                     underlay veth end is its port
    br-int (netdev)                  hostp (veth to the site's host) and gre0;
                                     OpenFlow: ARP responder for the host's
                                     gateway address, host IPv4 -> gre0, gre0 ->
                                     MAC rewrite -> hostp (legacy_l3 decap gives
                                     zero MACs)
"""
import os
import shutil
import signal
import time
from pathlib import Path

from netns import pid_alive, sh, wait_for

OVS_VSWITCHD = "/usr/lib/openvswitch-switch/ovs-vswitchd"
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"


def _kill_pidfile(path, timeout=5):
    try:
        pid = int(Path(path).read_text().strip())
    except (OSError, ValueError):
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                return
            time.sleep(0.05)


class Ovs:
    """ovsdb-server + ovs-vswitchd in namespace ns, private to one test."""

    def __init__(self, lab, ns, name):
        self.ns = ns
        # unix socket paths are limited to 108 bytes: keep the directory short
        self.dir = Path("/run/greway-test") / f"{lab.prefix}-{name}"
        self.dir.mkdir(parents=True)
        lab.callback(self._remove_dir)
        self.env = [f"OVS_RUNDIR={self.dir}", f"OVS_DBDIR={self.dir}", f"OVS_LOGDIR={self.dir}",
                    f"OVS_SYSCONFDIR={self.dir}"]
        self.db = f"unix:{self.dir}/db.sock"
        d = self.dir
        sh(["ovsdb-tool", "create", d / "conf.db", OVS_SCHEMA])
        ns.run("env", *self.env, "ovsdb-server", d / "conf.db", f"--remote=punix:{d}/db.sock",
               f"--pidfile={d}/ovsdb-server.pid", f"--unixctl={d}/ovsdb-server.ctl",
               "-vconsole:off", f"--log-file={d}/ovsdb-server.log", "--detach", "--no-chdir")
        lab.callback(_kill_pidfile, d / "ovsdb-server.pid")
        self.vsctl("--no-wait", "init")
        ns.run("env", *self.env, OVS_VSWITCHD, self.db, f"--pidfile={d}/ovs-vswitchd.pid",
               f"--unixctl={d}/ovs-vswitchd.ctl", "-vconsole:off",
               f"--log-file={d}/ovs-vswitchd.log", "--detach", "--no-chdir")
        lab.callback(_kill_pidfile, d / "ovs-vswitchd.pid")

    def _remove_dir(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        try:
            self.dir.parent.rmdir()  # only when no other test uses it
        except OSError:
            pass

    def vsctl(self, *args):
        return sh(["ovs-vsctl", f"--db={self.db}", "--timeout=20", *map(str, args)])

    def ofctl(self, *args):
        return sh(["env", *self.env, "ovs-ofctl", *map(str, args)])

    def appctl(self, *args, check=True):
        return sh(["ovs-appctl", "-t", f"{self.dir}/ovs-vswitchd.ctl", *map(str, args)],
                  check=check)

    def coverage_drops(self):
        """{counter: total} of the datapath_drop_* coverage counters."""
        out = {}
        for line in self.appctl("coverage/show").stdout.splitlines():
            words = line.split()
            if words and words[0].startswith("datapath_drop"):
                out[words[0]] = int(words[-1])
        return out

    def log(self):
        p = self.dir / "ovs-vswitchd.log"
        return p.read_text(errors="replace") if p.exists() else ""


class _GreSite(Ovs):
    """What both OVS site gateways share: the underlay on br-phy (netdev, its MAC
    pinned, the uplink its port, the local address on its LOCAL port), and br-int
    with the host's port and gre0."""

    HOSTP, GRE0 = 1, 2  # ofport numbers on br-int

    def _build(self, ns, uplink, local, plen, remote, underlay_gw, phy_mac, hostp,
               gre_options, extra=(), tunnel_type="gre"):
        ns.ip("link", "set", uplink, "up")
        self.vsctl("add-br", "br-phy", "--", "set", "bridge", "br-phy", "datapath_type=netdev",
                   f"other_config:hwaddr={phy_mac}", "--", "add-port", "br-phy", uplink)
        ns.ip("addr", "add", f"{local}/{plen}", "dev", "br-phy")
        ns.ip("link", "set", "br-phy", "up")
        ns.ip("route", "add", f"{remote}/{128 if ':' in remote else 32}", "via", underlay_gw)
        opts = [f"options:remote_ip={remote}", f"options:local_ip={local}", *extra]
        opts += [f"options:{k}={v}" for k, v in gre_options.items()]
        ns.ip("link", "set", hostp, "up")
        self.vsctl("add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=netdev",
                   "--", "add-port", "br-int", hostp, "--", "set", "interface", hostp,
                   f"ofport_request={self.HOSTP}",
                   "--", "add-port", "br-int", "gre0", "--", "set", "interface", "gre0",
                   f"type={tunnel_type}", f"ofport_request={self.GRE0}", *opts)

    def _wait_underlay(self, ns, remote, underlay_gw):
        """OVS learns the next hop's MAC by snooping ARP replies (IPv6: neighbour
        advertisements) through br-phy."""
        wait_for(lambda: ns.run("ping", "-n", "-c", 1, "-W", 1, remote,
                                check=False).returncode == 0,
                 15, f"{remote} to answer ping from OVS's namespace {ns}", interval=0)
        wait_for(lambda: underlay_gw in self.appctl("tnl/neigh/show").stdout, 10,
                 f"OVS to learn {underlay_gw}'s MAC")


class GrePeer(_GreSite):
    """An OVS site gateway: underlay on `uplink`, host behind `hostp`, L3 GRE tunnel.

    gre_options: OVS interface options of gre0 besides remote/local/packet_type,
    e.g. {"key": 1001, "csum": "true", "seq": "true"}."""

    def __init__(self, lab, ns, name, uplink, local, plen, remote, underlay_gw, phy_mac,
                 hostp, host_mac, host_gw, host_gw_mac, gre_options):
        super().__init__(lab, ns, name)
        self._build(ns, uplink, local, plen, remote, underlay_gw, phy_mac, hostp, gre_options,
                    extra=["options:packet_type=legacy_l3"])
        gw_hex = "0x" + "".join(f"{int(b):02x}" for b in host_gw.split("."))
        mac_hex = "0x" + host_gw_mac.replace(":", "")
        self.ofctl("del-flows", "br-int")
        for flow in (
            # ARP responder for the host's gateway address
            f"priority=100,in_port={self.HOSTP},arp,arp_op=1,arp_tpa={host_gw},"
            f"actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_dl_src:{host_gw_mac},"
            "load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
            f"move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:{mac_hex}->NXM_NX_ARP_SHA[],"
            f"load:{gw_hex}->NXM_OF_ARP_SPA[],in_port",
            # the host's IPv4 goes into the tunnel (legacy_l3 pops Ethernet)
            f"priority=90,in_port={self.HOSTP},ip,actions=output:{self.GRE0}",
            # decapsulated IPv4 has zero MACs: give it real ones
            f"priority=90,in_port={self.GRE0},ip,actions=mod_dl_src:{host_gw_mac},"
            f"mod_dl_dst:{host_mac},output:{self.HOSTP}",
        ):
            self.ofctl("add-flow", "br-int", flow)
        self._wait_underlay(ns, remote, underlay_gw)


class GretapPeer(_GreSite):
    """An OVS site gateway that bridges its host's LAN over an L2 GRE port.

        br-phy (netdev, hwaddr pinned)  LOCAL port has the underlay address; the
                                         underlay veth end is its port
        br-int (netdev, NORMAL)          hostp (veth to the site's host) and gre0,
                                         a plain type=gre port: Ethernet frames
                                         in GRE protocol 0x6558 (gretap)

    br-int learns MACs and floods like any bridge, so the hosts on both sides
    share one IPv4 subnet and ARP crosses the tunnel.

    gre_options: OVS interface options of gre0 besides remote/local, e.g.
    {"key": 1001}. tunnel_type: "gre", or "ip6gre" over an IPv6 underlay (local,
    remote and underlay_gw IPv6 addresses; in the userspace datapath ip6gre
    carries Ethernet too)."""

    def __init__(self, lab, ns, name, uplink, local, plen, remote, underlay_gw, phy_mac,
                 hostp, gre_options, tunnel_type="gre"):
        super().__init__(lab, ns, name)
        self._build(ns, uplink, local, plen, remote, underlay_gw, phy_mac, hostp, gre_options,
                    tunnel_type=tunnel_type)
        self._wait_underlay(ns, remote, underlay_gw)

    def fdb(self):
        """br-int's MAC table: {mac: ofport name or number as OVS prints it}."""
        out = {}
        for line in self.appctl("fdb/show", "br-int").stdout.splitlines()[1:]:
            words = line.split()
            if len(words) >= 4:
                out[words[2]] = words[0]
        return out
