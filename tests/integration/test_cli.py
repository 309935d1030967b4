# SPDX-License-Identifier: BSD-3-Clause
"""grewayctl against a running greway: the control socket, exit codes, errors, state.

greway runs with two net_null ports (no traffic) and no startup file; everything is
configured through grewayctl, which parses with the same lib/cmd as the startup file
and reaches the same apply functions over JSON-RPC.
"""
import json
import os
import signal
import socket
import stat
import subprocess
import time

import pytest

from conftest import REPO, require_root, run


@pytest.fixture
def ctl_bin():
    path = REPO / os.environ.get("GREWAYCTL", "build/app/grewayctl/grewayctl")
    if not path.exists():
        pytest.fail(f"{path} not built")
    return str(path)


@pytest.fixture
def daemon(greway_bin, workdir, run_id):
    """A greway with an empty configuration and its control socket in workdir."""
    require_root()
    sock = workdir / "run" / "greway.sock"
    log = open(workdir / "greway.log", "w")
    proc = subprocess.Popen(
        [str(greway_bin), "--no-pci", "--no-huge", "-m", "512", "--file-prefix", f"cli{run_id}",
         "-l", "0", "--vdev", "net_null0,no-rx=1", "--vdev", "net_null1,no-rx=1",
         "--", "-s", str(sock)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if sock.exists():
                break
            assert proc.poll() is None, (workdir / "greway.log").read_text()
            time.sleep(0.1)
        assert sock.exists(), "control socket never appeared"
        yield sock
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        log.close()
        assert not sock.exists(), "socket left behind after exit"
        run(["rm", "-rf", f"/var/run/dpdk/cli{run_id}"], check=False)


def ctl(ctl_bin, sock, *words):
    return run([ctl_bin, "-s", str(sock), *words], check=False)


SITE_A = [
    "addr add 198.51.100.1/24 dev port0",
    "addr add 10.0.0.1/24 dev port1",
    "neigh add 198.51.100.254 lladdr 02:00:00:00:00:fe dev port0",
    "route add 203.0.113.0/24 via 198.51.100.254",
    "tunnel add gre1 mode gre local 198.51.100.1 remote 203.0.113.2 key 1001 csum seq",
    "addr add 172.16.10.1/30 dev gre1",
    "route add 10.16.0.0/24 via 172.16.10.2",
]


def test_configure_through_grewayctl(ctl_bin, daemon):
    """The demo's site A configuration is accepted line by line (exit 0, no output),
    the socket is mode 0660, and stats show then lists the tunnel, in text and -j."""
    assert stat.S_IMODE(os.stat(daemon).st_mode) == 0o660
    for line in SITE_A:
        r = ctl(ctl_bin, daemon, *line.split())
        assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), line
    r = ctl(ctl_bin, daemon, "stats", "show")
    assert r.returncode == 0
    assert "tunnel gre1 rx_packets 0 rx_bytes 0 tx_packets 0 tx_bytes 0" in r.stdout.splitlines()
    assert any(line.startswith("port port0 ") for line in r.stdout.splitlines())
    r = ctl(ctl_bin, daemon, "-j", "stats", "show")
    data = json.loads(r.stdout)
    assert [t["name"] for t in data["tunnels"]] == ["gre1"]
    assert [p["name"] for p in data["ports"]] == ["port0", "port1"]
    assert data["drops"]["gre_csum"] == 0
    r = ctl(ctl_bin, daemon, "version")
    assert r.returncode == 0 and r.stdout.startswith("greway ")


@pytest.mark.parametrize("line, message", [
    ("tunnel add gre2 mode gre local 198.51.100.1 remote 203.0.113.9 kye 5",
     'Error: unknown word "kye" in tunnel add'),
    ("tunnel add gre2 mode gre local 192.0.2.9 remote 203.0.113.9",
     "Error: tunnel gre2: local 192.0.2.9 is not an address of this gateway"),
    ("tunnel add gre1 mode gre local 198.51.100.1 remote 203.0.113.7",
     'Error: name "gre1" is taken'),
    ("route add 10.99.0.0/16 via 192.0.2.77",
     "Error: gateway 192.0.2.77 is not on a connected network"),
    ("link set port9 up", 'Error: no link "port9"'),
])
def test_refused_commands_change_nothing(ctl_bin, daemon, line, message):
    """A refused command exits 1 with one line naming the word, and the state is as before."""
    for good in SITE_A[:5]:
        assert ctl(ctl_bin, daemon, *good.split()).returncode == 0
    before = json.loads(ctl(ctl_bin, daemon, "-j", "stats", "show").stdout)["tunnels"]
    r = ctl(ctl_bin, daemon, *line.split())
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(message), r.stderr
    assert r.stderr.count("\n") == 1
    after = json.loads(ctl(ctl_bin, daemon, "-j", "stats", "show").stdout)["tunnels"]
    assert after == before


def test_unreachable_daemon_exits_2(ctl_bin, workdir):
    """Without a greway on the socket, grewayctl exits 2 and names the socket it tried."""
    sock = workdir / "nobody.sock"
    r = ctl(ctl_bin, sock, "stats", "show")
    assert r.returncode == 2
    assert r.stderr.strip() == f"grewayctl: cannot reach greway at {sock}: No such file or directory"


def test_hung_client_does_not_block_others(ctl_bin, daemon):
    """A client that sends half a request and never finishes does not stop another
    client from being served; malformed JSON gets a JSON-RPC parse error."""
    hung = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hung.connect(str(daemon))
    hung.sendall(b'{"jsonrpc": "2.0", "id": 1, "method": "vers')
    try:
        r = ctl(ctl_bin, daemon, "version")
        assert r.returncode == 0
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        raw.connect(str(daemon))
        raw.sendall(b"{not json\n")
        raw.settimeout(5)
        reply = json.loads(raw.makefile().readline())
        assert reply["error"]["code"] == -32700
        assert reply["jsonrpc"] == "2.0"
        raw.sendall(b'{"jsonrpc": "2.0", "id": 7, "method": "tunnel.frob"}\n')
        reply = json.loads(raw.makefile().readline())
        assert (reply["id"], reply["error"]["code"]) == (7, -32601)
        raw.close()
    finally:
        hung.close()
