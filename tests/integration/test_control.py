# SPDX-License-Identifier: BSD-3-Clause
"""The control plane against a running greway: configured by grewayctl alone,
save and reload, changes under live traffic, clients that misbehave.

The churn test is the hitless-update contract of doc/architecture.md: while a
counted, self-checking UDP flow crosses gre1 both ways, 1000 tunnels and 1000
routes are added, changed and deleted on the same gateway; every datagram must
arrive once and intact, and gre1's counters must match the flow exactly.
"""
import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import require_root, require_tool
from netns import SITES, greway_site, router, sh, transfer, wait_for, warm_up
from test_two_site import MUST_BE_ZERO

A, B = SITES["A"], SITES["B"]
UDPFLOW = Path(__file__).with_name("udpflow.py")
CHURN = 1000


@pytest.fixture
def lab(lab):
    """conftest's lab, once the tools these tests use are known to be there."""
    for tool in ("ping", "nc", "ss"):
        require_tool(tool)
    return lab


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


class Rpc:
    """A JSON-RPC 2.0 client on one connection (as any program would write it)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(str(path))
        self.file = self.sock.makefile("rb")
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        reply = json.loads(self.file.readline())
        assert reply["id"] == self.next_id, reply
        if "error" in reply:
            raise RpcError(reply["error"]["code"], reply["error"]["message"])
        return reply["result"]

    def batch(self, calls):
        """Send every (method, params) at once, then read the replies (greway answers in
        order, after one commit for all it had ready): a pipelining client."""
        first = self.next_id + 1
        out = []
        for method, params in calls:
            self.next_id += 1
            out.append(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                                   "params": params}).encode() + b"\n")
        self.sock.sendall(b"".join(out))
        results = []
        for i in range(len(calls)):
            reply = json.loads(self.file.readline())
            assert reply["id"] == first + i, reply
            if "error" in reply:
                raise RpcError(reply["error"]["code"], reply["error"]["message"])
            results.append(reply["result"])
        return results

    def close(self):
        self.file.close()
        self.sock.close()


def test_grewayctl_alone_configures_a_site_that_carries_traffic(lab, greway_bin, ctl_bin, workdir):
    """Site A is configured only by grewayctl, line by line, after greway started."""
    r = router(lab)
    gw_a, host_a = greway_site(lab, greway_bin, r, "A", ctl=ctl_bin)
    gw_b, host_b = greway_site(lab, greway_bin, r, "B")
    warm_up(host_a, B["host"])
    warm_up(host_b, A["host"])
    for src, dst in ((host_a, B["host"]), (host_b, A["host"])):
        cp, loss = src.ping(dst, count=10, interval=0.05)
        assert loss == 0, cp.stdout
    _, sent, got, size = transfer(lab, host_a, host_b, B["host"], 2 * 1024 * 1024, workdir)
    assert (got, size) == (sent, 2 * 1024 * 1024)

    # the state is the startup file's: same shows as site B's, with A's addresses
    rpc = Rpc(gw_a.sock)
    tunnels = rpc.call("tunnel.show")
    assert [(t["ifname"], t["local"], t["remote"], t.get("ikey"), t["operstate"])
            for t in tunnels] == [("gre1", A["wan"], B["wan"], 1001, "UP")]
    routes = {x["dst"]: x for x in rpc.call("route.show")}
    assert routes[B["lan"]]["dev"] == "gre1" and routes[B["lan"]]["gateway"] == B["tun"]
    links = {x["ifname"]: x for x in rpc.call("link.show")}
    assert links["port0"]["address"] == "02:00:00:0a:00:01"
    stats = rpc.call("stats.show", name="gre1")["tunnels"][0]
    assert stats["tx_packets"] > 1000 and stats["rx_packets"] > 100  # data one way, acks back
    rpc.close()


def start_flow(lab, src, dst, dst_ip, port, stopfile, rate=1000):
    """Receiver in dst, then sender in src; returns (sender, receiver) processes."""
    py = "/usr/bin/python3"
    recv = lab.popen(dst, [py, UDPFLOW, "recv", port, stopfile], text=True)
    assert json.loads(recv.stdout.readline()) == {"ready": True}
    send = lab.popen(src, [py, UDPFLOW, "send", dst_ip, port, rate, stopfile], text=True)
    return send, recv


def flow_result(proc, timeout=30):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def churn(rpc, pipelined=False):
    """1000 tunnels and 1000 routes in and out, changes on the way, then neighbours: one
    request at a time, or each phase pipelined (greway then commits many at once)."""
    def run(calls):
        if pipelined:
            return rpc.batch(calls)
        return [rpc.call(method, **params) for method, params in calls]

    remote = B["wan"]
    run([c for i in range(CHURN) for c in (
        ("tunnel.add", dict(name=f"c{i}", mode="gre", local=A["wan"], remote=remote,
                            ikey=100000 + i, okey=100000 + i)),
        ("route.add", dict(dst=f"10.200.{i // 256}.{i % 256}/32", dev=f"c{i}")))])
    assert len(rpc.call("tunnel.show")) == CHURN + 1
    run([c for i in range(0, CHURN, 10) for c in (
        ("tunnel.change", dict(name=f"c{i}", okey=200000 + i, ttl=32)),
        ("route.add", dict(dst=f"10.200.{i // 256}.{i % 256}/32", via=A["wan_gw"])))])
    # the neighbour and routes gre1 depends on are re-published, not touched
    run([("route.add", dict(dst=f"{B['wan'].rsplit('.', 1)[0]}.0/24", via=A["wan_gw"]))])
    run([c for i in range(CHURN) for c in (
        ([("route.del", dict(dst=f"10.200.{i // 256}.{i % 256}/32"))] if i % 10 else []) +
        [("tunnel.del", dict(name=f"c{i}"))])])
    run([("route.del", dict(dst=f"10.200.{i // 256}.{i % 256}/32"))
         for i in range(0, CHURN, 10)])
    assert [t["ifname"] for t in rpc.call("tunnel.show")] == ["gre1"]
    # neighbours on the underlay port that gre1 leaves by
    wan_net = A["wan"].rsplit(".", 1)[0]
    run([("neigh.add", dict(dst=f"{wan_net}.{i}", lladdr=f"02:00:00:00:01:{i - 100:02x}",
                            dev="port0")) for i in range(100, 200)])
    run([("neigh.del", dict(dst=f"{wan_net}.{i}", dev="port0")) for i in range(100, 200)])


@pytest.mark.parametrize("pipelined", [False, True], ids=["sequential", "pipelined"])
def test_churn_of_1000_tunnels_and_routes_loses_nothing_on_another(lab, greway_bin, workdir,
                                                                  pipelined):
    r = router(lab)
    gw_a, host_a = greway_site(lab, greway_bin, r, "A")
    gw_b, host_b = greway_site(lab, greway_bin, r, "B")
    warm_up(host_a, B["host"])
    warm_up(host_b, A["host"])
    rpc = Rpc(gw_a.sock)
    routes_before = rpc.call("route.show")
    rpc.call("stats.clear")

    stopfile = str(workdir / "stop")
    ab = start_flow(lab, host_a, host_b, B["host"], 6001, stopfile)
    ba = start_flow(lab, host_b, host_a, A["host"], 6002, stopfile)
    time.sleep(1)
    t0 = time.monotonic()
    churn(rpc, pipelined)
    elapsed = time.monotonic() - t0
    time.sleep(1)
    Path(stopfile).touch()
    sent_ab, got_ab = flow_result(ab[0]), flow_result(ab[1])
    sent_ba, got_ba = flow_result(ba[0]), flow_result(ba[1])

    stats = rpc.call("stats.show")
    gre1 = next(t for t in stats["tunnels"] if t["name"] == "gre1")
    drops = {k: v for k, v in stats["drops"].items() if v}
    state = f"churn {elapsed:.1f}s; A->B {sent_ab} {got_ab}; B->A {sent_ba} {got_ba}; " \
            f"gre1 {gre1}; drops {drops}"
    print(state)
    assert sent_ab["sent"] > 1000 and sent_ba["sent"] > 1000, state
    for sent, got in ((sent_ab, got_ab), (sent_ba, got_ba)):
        assert (got["received"], got["bad"], got["dup"]) == (sent["sent"], 0, 0), state
    # gre1 carried exactly the flows: nothing lost inside greway, nothing extra
    assert (gre1["tx_packets"], gre1["rx_packets"]) == (sent_ab["sent"], sent_ba["sent"]), state
    assert not {k: v for k, v in drops.items() if k in MUST_BE_ZERO}, state
    assert rpc.call("route.show") == routes_before
    churned = {f"{A['wan'].rsplit('.', 1)[0]}.{i}" for i in range(100, 200)}
    assert not churned & {n["dst"] for n in rpc.call("neigh.show")}, "neighbours left behind"
    rpc.close()


@pytest.fixture
def null_greway(greway_bin, workdir, run_id):
    """A factory of greways on two net_null ports, each with its own socket."""
    require_root()
    procs = []

    def start(name, config=None):
        sock = workdir / f"{name}.sock"
        args = [str(greway_bin), "--no-pci", "--no-huge", "-m", "512", "--file-prefix",
                f"ctl{run_id}{name}", "-l", "0", "--vdev", "net_null0,no-rx=1", "--vdev",
                "net_null1,no-rx=1", "--", "-s", str(sock)]
        if config is not None:
            args += ["-c", str(config)]
        log = open(workdir / f"{name}.log", "w")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        procs.append((proc, log, f"ctl{run_id}{name}"))
        wait_for(lambda: sock.exists() or proc.poll() is not None, 30, f"{name}'s socket")
        assert proc.poll() is None, (workdir / f"{name}.log").read_text()
        return sock

    yield start
    for proc, log, prefix in procs:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        log.close()
        sh(["rm", "-rf", f"/var/run/dpdk/{prefix}"], check=False)


CONFIG = """\
link set port0 name wan address 02:00:00:00:00:01
link set port1 name lan address 02:00:00:00:01:01 down
addr add 198.51.100.1/24 dev wan
addr add 198.51.100.9/32 dev wan
addr add 10.0.0.1/24 dev lan
neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev wan
tunnel add gre1 mode gre local 198.51.100.1 remote 198.51.100.2 key 1001 csum seq ttl inherit tos 0x28
tunnel add gre2 mode gre local 198.51.100.9 remote 203.0.113.7 ikey 7 okey 8 nopmtudisc ignore-df mtu 1300 dev wan
tunnel add gre3 mode gre local 198.51.100.1 remote 203.0.113.8
addr add 172.16.0.1/30 dev gre1
route add default via 198.51.100.254
route add 203.0.113.0/24 via 198.51.100.2 dev wan
route add 10.2.0.0/16 dev gre1
route add 10.3.0.0/16 via 172.16.0.2
route add 10.4.0.0/16 dev gre3
log set ctrl debug
"""
SHOWS = ("link.show", "addr.show", "route.show", "neigh.show", "tunnel.show", "log.show")


def test_save_then_startup_file_reproduces_every_show(null_greway, ctl_bin, workdir):
    first = null_greway("first")
    for line in CONFIG.splitlines():
        out = sh([ctl_bin, "-s", first, *line.split()], check=False)
        assert out.returncode == 0, f"{line}: {out.stderr}"
    # changes after the adds are part of the state too
    for line in ("tunnel del gre3", "tunnel change gre2 okey 9 ttl 12",
                 "addr del 198.51.100.9/32 dev wan", "tunnel add gre4 mode gre local "
                 "198.51.100.1 remote 203.0.113.9 key 4", "link set lan up"):
        if line.startswith("addr del"):
            # gre2 uses that address: refused, state unchanged
            assert sh([ctl_bin, "-s", first, *line.split()], check=False).returncode == 1
            continue
        sh([ctl_bin, "-s", first, *line.split()])
    saved = workdir / "saved.conf"
    sh([ctl_bin, "-s", first, "save", str(saved)])
    text = saved.read_text()
    assert "gre3" not in text and "okey 9" in text, text

    second = null_greway("second", config=saved)
    a, b = Rpc(first), Rpc(second)
    for method in SHOWS:
        assert a.call(method) == b.call(method), method
    assert b.call("save")["config"] == text
    a.close()
    b.close()


def test_a_hung_client_does_not_stop_the_others(null_greway, ctl_bin):
    sock = null_greway("hung")
    hung = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hung.connect(str(sock))
    hung.sendall(b'{"jsonrpc": "2.0", "id": 1, "method": "vers')  # and never a newline
    flooder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    flooder.connect(str(sock))
    flooder.setblocking(False)
    req = b'{"jsonrpc":"2.0","id":1,"method":"stats.show","params":{}}\n'
    dropped = False
    try:
        for _ in range(20000):  # requests whose replies it never reads
            flooder.send(req)
    except BlockingIOError:
        pass
    except (BrokenPipeError, ConnectionResetError):
        dropped = True  # greway hung up on it rather than wait: as documented
    t0 = time.monotonic()
    out = sh([ctl_bin, "-s", sock, "version"])
    assert out.stdout.startswith("greway "), out.stdout
    assert time.monotonic() - t0 < 5
    rpc = Rpc(sock)
    assert rpc.call("addr.add", prefix="198.51.100.1/24", dev="port0") == {}
    assert [a for a in rpc.call("addr.show") if a.get("scope") != "link"] == \
        [{"dev": "port0", "local": "198.51.100.1", "prefixlen": 24}]
    rpc.close()
    hung.close()
    flooder.close()
    print(f"flooder dropped: {dropped}")
