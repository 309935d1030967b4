# SPDX-License-Identifier: BSD-3-Clause
"""A bridge with an address: greway answers ARP and ping on it and routes between
the bridge and its L3 interfaces, as Linux does with an address on br0.

    h1 10.1.0.2 -- port0 10.1.0.1 [greway] br0 10.50.0.1 -- port1 (member) -- h2 10.50.0.2

greway runs in its own namespace on two net_tap ports; each tap is moved into its
host's namespace. Each test asserts what a user sees: pings, neighbour and MAC
tables, counters, and `save`.
"""
import json
import subprocess

import pytest

CONF = """\
addr add 10.1.0.1/24 dev port0
link add br0 type bridge
link set port1 master br0
addr add 10.50.0.1/24 dev br0
"""
H1_MAC = "02:00:00:00:01:01"
H2_MAC = "02:00:00:00:02:02"


def ctl(ctl_bin, gw, *args, check=True):
    r = subprocess.run(gw.ns.cmd([ctl_bin, "-s", str(gw.sock), *args]), capture_output=True,
                       text=True, timeout=10)
    if check:
        assert r.returncode == 0, f"grewayctl {' '.join(args)}: {r.stderr}"
    return r


def ctl_json(ctl_bin, gw, *args):
    return json.loads(ctl(ctl_bin, gw, "-j", *args).stdout)


@pytest.fixture
def bvi_lab(lab, greway_bin):
    gwns, h1, h2 = lab.netns("gw"), lab.netns("h1"), lab.netns("h2")
    gw = lab.greway(greway_bin, gwns, CONF, taps=("bvwan", "bvlan"))
    lab.move_tap(gwns, "bvwan", h1, H1_MAC, "10.1.0.2/24")
    lab.move_tap(gwns, "bvlan", h2, H2_MAC, "10.50.0.2/24")
    h1.ip("route", "add", "default", "via", "10.1.0.1")
    h2.ip("route", "add", "default", "via", "10.50.0.1")
    return gw, h1, h2


def test_ping_the_bridge_address(bvi_lab, ctl_bin):
    """ARP for the bridge's address is answered (with the bridge's MAC) and ping on it
    passes; greway learned the host behind its member port."""
    gw, h1, h2 = bvi_lab
    assert h2.ping("10.50.0.1", count=3)[1] == 0
    br = next(o for o in ctl_json(ctl_bin, gw, "link", "show") if o["ifname"] == "br0")
    neigh = json.loads(h2.run("ip", "-j", "neigh", "show", "10.50.0.1").stdout)
    assert neigh[0]["lladdr"] == br["address"]
    fdb = ctl_json(ctl_bin, gw, "bridge", "fdb", "show")
    assert {"mac": H2_MAC, "ifname": "port1", "master": "br0"}.items() <= fdb[0].items()
    assert fdb[0]["state"] == "learned"
    assert ctl_json(ctl_bin, gw, "neigh", "show")[0]["dst"] == "10.50.0.2"


def test_routes_between_bridge_and_port(bvi_lab, ctl_bin):
    """Hosts on the bridge and on a routed port reach each other through greway (TTL
    down by one), both ways; the neighbour on the bridge resolves by ARP through it."""
    gw, h1, h2 = bvi_lab
    h2.ping("10.1.0.2", count=2)  # the first may wait for ARP (glean)
    assert h2.ping("10.1.0.2", count=5)[1] == 0
    assert h1.ping("10.50.0.2", count=5)[1] == 0
    out = h1.run("ping", "-c", "1", "-W", "1", "10.50.0.2").stdout
    assert "ttl=63" in out
    neigh = {(n["dst"], n["dev"]) for n in ctl_json(ctl_bin, gw, "neigh", "show")}
    assert {("10.50.0.2", "br0"), ("10.1.0.2", "port0")} <= neigh
    c = gw.counters()
    assert c["member"]["port1"]["rx_frames"] >= 10
    assert c["member"]["port1"]["tx_frames"] >= 10
    assert c["drop"]["l2_src_invalid"] == 0 and c["drop"]["no_bridge"] == 0


def test_bridge_with_address_in_save_and_del(bvi_lab, ctl_bin):
    """save writes the bridge, its member and its address; link del is refused while
    the bridge has an address, and works after addr del (the member leaves)."""
    gw, h1, h2 = bvi_lab
    saved = ctl(ctl_bin, gw, "save").stdout.splitlines()
    want = ["link add br0 type bridge ageing_time 300 fdb_max_learned 4096",
            "link set port1 master br0", "addr add 10.50.0.1/24 dev br0"]
    assert [line for line in saved if line in want] == want
    r = ctl(ctl_bin, gw, "link", "del", "br0", check=False)
    assert r.returncode == 1
    assert r.stderr.strip() == "Error: bridge br0 has addresses (addr del them first)"
    ctl(ctl_bin, gw, "addr", "del", "10.50.0.1/24", "dev", "br0")
    ctl(ctl_bin, gw, "link", "del", "br0")
    links = {o["ifname"]: o for o in ctl_json(ctl_bin, gw, "link", "show")}
    assert "br0" not in links and "master" not in links["port1"]


def test_bridge_in_telemetry(bvi_lab, ctl_bin):
    """/greway/bridges lists the bridge; /greway/bridges,br0 gives its settings, the
    counters stats show gives, and its member's frames. Frames into the bridge count
    those its BVI sends (a bridge's own port, as in Linux)."""
    from test_telemetry import telemetry

    gw, h1, h2 = bvi_lab
    assert h2.ping("10.50.0.1", count=3)[1] == 0
    names, br0, nope = telemetry(gw.file_prefix, "/greway/bridges", "/greway/bridges,br0",
                                 "/greway/bridges,nope")
    assert names == ["br0"] and nope is None
    assert (br0["ageing_time"], br0["fdb_max_learned"], br0["operstate"]) == (300, 4096, "UP")
    assert br0["fdb_learned"] == 1 and br0["learned"] == 1
    stats = ctl_json(ctl_bin, gw, "stats", "show")
    rpc = next(b for b in stats["bridges"] if b["name"] == "br0")
    m = br0["members"]["port1"]
    # into the bridge: the host's frames by port1, the BVI's replies, which all leave by port1
    assert m["rx_frames"] >= 4 and m["tx_frames"] >= 4
    assert br0["rx_frames"] == m["rx_frames"] + m["tx_frames"]
    assert br0["flooded"] >= 1  # the host's ARP request
    assert rpc["rx_frames"] >= br0["rx_frames"]
