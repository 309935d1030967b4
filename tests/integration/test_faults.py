# SPDX-License-Identifier: BSD-3-Clause
"""Faults greway recovers from without a restart (issue 14), on the demo's two sites.

- the WAN link's carrier goes away and comes back (the tap's kernel end down, up) under
  traffic: traffic flows again once it is back;
- `link set port0 down` / `up` and `link set gre1 down` / `up` under traffic: counted
  as port_down / tunnel_down while down, flowing again once up;
- SIGTERM under traffic: greway drains, prints its counters and exits 0 within seconds.
"""
import signal
import time

import pytest

from netns import SITES, GatewayCtl
from test_control import flow_result, start_flow
from test_two_site import sites  # noqa: F401 (the fixture: the demo's two sites)


@pytest.fixture
def ctl(sites, ctl_bin):  # noqa: F811
    """grewayctl on gateway A."""
    return GatewayCtl(sites.gw_a, ctl_bin)

A, B = SITES["A"], SITES["B"]


def recovers(host, dst, within=15):
    """Pings until one answers (within seconds), then 10 in a row answer."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if host.run("ping", "-n", "-c", 1, "-W", 1, dst, check=False).returncode == 0:
            break
    cp, loss = host.ping(dst, count=10, interval=0.05)
    assert loss == 0, cp.stdout


def fault_under_flow(lab, host_a, host_b, workdir, port, down, up):
    """A counted UDP flow A -> B through the fault; returns (sent, received, bad)."""
    stop = workdir / f"stop{port}"
    send, recv = start_flow(lab, host_a, host_b, B["host"], port, str(stop), rate=500)
    try:
        time.sleep(0.5)
        down()
        time.sleep(1)
        up()
        recovers(host_a, B["host"])
        time.sleep(0.5)
    finally:
        stop.touch()
        sent = flow_result(send)["sent"]
        got = flow_result(recv)
    return sent, got["received"], got["bad"]


def test_carrier_down_up(sites, ctl, workdir):  # noqa: F811
    lab, r, gw_a, host_a, host_b = sites.lab, sites.router, sites.gw_a, sites.host_a, sites.host_b
    sent, received, bad = fault_under_flow(
        lab, host_a, host_b, workdir, 5401,
        lambda: r.ip("link", "set", "ga-wan", "down"),
        lambda: r.ip("link", "set", "ga-wan", "up"))
    assert bad == 0 and 0 < received < sent  # the outage lost some, nothing was corrupted
    assert gw_a.proc.poll() is None
    assert ctl.json("tunnel", "show")[0]["operstate"] == "UP"


def test_link_set_port_down_up(sites, ctl, workdir):  # noqa: F811
    lab, gw_a, host_a, host_b = sites.lab, sites.gw_a, sites.host_a, sites.host_b
    before = gw_a.counters()["drop"]["port_down"]
    sent, received, bad = fault_under_flow(
        lab, host_a, host_b, workdir, 5402,
        lambda: ctl.cli("link", "set", "port0", "down"),
        lambda: ctl.cli("link", "set", "port0", "up"))
    assert bad == 0 and 0 < received < sent
    assert gw_a.counters()["drop"]["port_down"] > before  # what it dropped meanwhile, counted


def test_link_set_tunnel_down_up(sites, ctl):  # noqa: F811
    """A tunnel down takes its routes out of the FIB (the host is told "unreachable", which
    stops a UDP sender: pings here), and brings them back when up."""
    host_a = sites.host_a
    ctl.cli("link", "set", "gre1", "down")
    assert ctl.json("tunnel", "show")[0]["operstate"] == "DOWN"
    _, loss = host_a.ping(B["host"], count=3, interval=0.1)
    assert loss == 100
    ctl.cli("link", "set", "gre1", "up")
    recovers(host_a, B["host"])


def test_sigterm_under_traffic_exits_clean(sites, workdir):  # noqa: F811
    lab, gw_a, host_a, host_b = sites.lab, sites.gw_a, sites.host_a, sites.host_b
    stop = workdir / "stop"
    send, recv = start_flow(lab, host_a, host_b, B["host"], 5404, str(stop), rate=2000)
    try:
        time.sleep(1)
        t0 = time.monotonic()
        gw_a.proc.send_signal(signal.SIGTERM)
        rc = gw_a.proc.wait(timeout=20)
        took = time.monotonic() - t0
    finally:
        # greway's LAN tap went with it: the sender stops on "network unreachable"
        stop.touch()
        send.communicate(timeout=30)
        recv.communicate(timeout=30)
    assert rc == 0, gw_a.output()
    assert took < 5, f"SIGTERM took {took:.1f} s"
    tail = gw_a.output().rsplit("greway: running", 1)[-1]
    assert "drop port_down" in tail and "tunnel gre1 rx_packets" in tail  # counters printed
