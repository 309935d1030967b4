# SPDX-License-Identifier: BSD-3-Clause
"""One interface model: `link show` and `link set` on every kind, as iproute2 users type them.

greway runs with two net_null ports and is configured through grewayctl. Each test
asserts what a user sees: exit codes, one-line errors, link/tunnel/route/addr show in
text and JSON, and `save`.
"""
import json

from test_cli import SITE_A, configure, ctl, daemon, show  # noqa: F401 (fixture)


def links(ctl_bin, sock):
    return {o["ifname"]: o for o in show(ctl_bin, sock, "link", "show")[1]}


def test_link_set_up_after_tunnel_add(ctl_bin, daemon):
    """What every iproute2 user types after `ip tunnel add` is accepted: tunnels start up,
    and `link set NAME up` on one is a no-op that exits 0 without output."""
    configure(ctl_bin, daemon, SITE_A)
    r = ctl(ctl_bin, daemon, "link", "set", "gre1", "up")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    gre1 = links(ctl_bin, daemon)["gre1"]
    assert (gre1["kind"], gre1["flags"], gre1["operstate"]) == ("gre", ["UP"], "UP")


def test_link_show_lists_every_kind_with_ids(ctl_bin, daemon):
    """Ports first, in port order, then tunnels; each with its own ifindex; link show NAME
    works on a tunnel; an unknown name is one line and exit 1."""
    configure(ctl_bin, daemon, SITE_A)
    data = show(ctl_bin, daemon, "link", "show")[1]
    assert [(o["ifindex"], o["ifname"], o["kind"]) for o in data] == [
        (0, "port0", "port"), (1, "port1", "port"), (2, "gre1", "gre")]
    text = show(ctl_bin, daemon, "link", "show", "gre1")[0]
    assert text == ["gre1: kind gre mtu 1464 state UP"]
    r = ctl(ctl_bin, daemon, "link", "show", "gre9")
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr.strip() == 'Error: no link "gre9"'


def test_link_set_tunnel_down_and_up(ctl_bin, daemon):
    """`link set gre1 down`: the tunnel is DOWN, its routes leave the FIB (route show marks
    them linkdown, as Linux does), its configuration stays; `up` brings all back. save
    keeps the state."""
    configure(ctl_bin, daemon, SITE_A)
    configure(ctl_bin, daemon, ["link set gre1 down"])
    gre1 = links(ctl_bin, daemon)["gre1"]
    assert (gre1["flags"], gre1["operstate"]) == (["DOWN"], "DOWN")
    assert show(ctl_bin, daemon, "tunnel", "show", "gre1")[1][0]["operstate"] == "DOWN"
    routes = {r["dst"]: r for r in show(ctl_bin, daemon, "route", "show")[1]}
    assert routes["10.16.0.0/24"].get("flags") == ["linkdown"]
    assert routes["172.16.10.0/30"].get("flags") == ["linkdown"]
    assert "flags" not in routes["203.0.113.0/24"]
    text = show(ctl_bin, daemon, "route", "show")[0]
    assert "10.16.0.0/24 via 172.16.10.2 dev gre1 linkdown" in text
    saved = json.loads(ctl(ctl_bin, daemon, "-j", "save").stdout)["config"]
    assert "link set gre1 down" in saved.splitlines()

    configure(ctl_bin, daemon, ["link set gre1 up"])
    gre1 = links(ctl_bin, daemon)["gre1"]
    assert (gre1["flags"], gre1["operstate"]) == (["UP"], "UP")
    routes = {r["dst"]: r for r in show(ctl_bin, daemon, "route", "show")[1]}
    assert "flags" not in routes["10.16.0.0/24"]
    saved = json.loads(ctl(ctl_bin, daemon, "-j", "save").stdout)["config"]
    assert "link set gre1 down" not in saved


def test_link_set_tunnel_mtu(ctl_bin, daemon):
    """`link set gre1 mtu N` sets the tunnel's MTU (as `tunnel change mtu N`): link show,
    tunnel show and save agree; below 68 is refused and nothing changes."""
    configure(ctl_bin, daemon, SITE_A + ["link set gre1 mtu 1400"])
    assert links(ctl_bin, daemon)["gre1"]["mtu"] == 1400
    assert show(ctl_bin, daemon, "tunnel", "show", "gre1")[1][0]["mtu"] == 1400
    saved = json.loads(ctl(ctl_bin, daemon, "-j", "save").stdout)["config"]
    assert any(line.startswith("tunnel add gre1 ") and " mtu 1400" in line
               for line in saved.splitlines())
    r = ctl(ctl_bin, daemon, "link", "set", "gre1", "mtu", "60")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "mtu" in r.stderr
    assert links(ctl_bin, daemon)["gre1"]["mtu"] == 1400


def test_link_set_tunnel_name(ctl_bin, daemon):
    """`link set gre1 name wan1`: every show names it by its new name (link, tunnel,
    addr, route, stats), the old name is gone and free, and save reproduces it."""
    configure(ctl_bin, daemon, SITE_A + ["link set gre1 name wan1"])
    assert "gre1" not in links(ctl_bin, daemon)
    assert links(ctl_bin, daemon)["wan1"]["kind"] == "gre"
    assert show(ctl_bin, daemon, "tunnel", "show", "wan1")[1][0]["ifname"] == "wan1"
    assert {"dev": "wan1", "local": "172.16.10.1", "prefixlen": 30} in \
        show(ctl_bin, daemon, "addr", "show")[1]
    routes = {r["dst"]: r for r in show(ctl_bin, daemon, "route", "show")[1]}
    assert routes["10.16.0.0/24"]["dev"] == "wan1"
    assert show(ctl_bin, daemon, "stats", "show", "wan1")[0] == [
        "tunnel wan1 rx_packets 0 rx_bytes 0 tx_packets 0 tx_bytes 0"]
    r = ctl(ctl_bin, daemon, "tunnel", "show", "gre1")
    assert r.returncode == 1
    saved = json.loads(ctl(ctl_bin, daemon, "-j", "save").stdout)["config"]
    assert "tunnel add wan1 mode gre" in saved and "addr add 172.16.10.1/30 dev wan1" in saved
    # the old name is free again, for any kind
    configure(ctl_bin, daemon, ["link set port1 name gre1"])
    assert links(ctl_bin, daemon)["gre1"]["kind"] == "port"


def test_link_set_refusals_change_nothing(ctl_bin, daemon):
    """A tunnel has no MAC; a name taken by any kind is refused; each error is one line,
    exit 1, and link show is as before."""
    configure(ctl_bin, daemon, SITE_A)
    before = show(ctl_bin, daemon, "link", "show")[1]
    for words, message in [
            (["link", "set", "gre1", "address", "02:00:00:00:00:09"], "has no MAC address"),
            (["link", "set", "gre1", "name", "port0"], 'link name "port0" is taken'),
            (["link", "set", "port0", "name", "gre1"], 'link name "gre1" is taken'),
            (["link", "set", "gre1", "down", "address", "02:00:00:00:00:09"],
             "has no MAC address")]:
        r = ctl(ctl_bin, daemon, *words)
        assert (r.returncode, r.stdout) == (1, ""), words
        assert r.stderr.count("\n") == 1 and message in r.stderr, (words, r.stderr)
    assert show(ctl_bin, daemon, "link", "show")[1] == before


def test_tunnel_names_hashed_after_delete(ctl_bin, daemon):
    """A deleted tunnel's name and id are free again: re-adding it works and link show has
    one entry of that name."""
    configure(ctl_bin, daemon, SITE_A[:5])
    configure(ctl_bin, daemon, ["tunnel del gre1", SITE_A[4], "tunnel del gre1", SITE_A[4]])
    names = [o["ifname"] for o in show(ctl_bin, daemon, "link", "show")[1]]
    assert names.count("gre1") == 1


def test_startup_file_with_link_set_up_on_a_tunnel(greway_bin, ctl_bin, workdir, run_id):
    """A startup file written as for Linux (`tunnel add` then `link set NAME up`) starts, and
    the tunnel is up; one with `link set NAME down` starts with the tunnel down."""
    from test_cli import greway
    for state in ("up", "down"):
        conf = workdir / f"site-{state}.conf"
        conf.write_text("\n".join(SITE_A + [f"link set gre1 {state}"]) + "\n")
        sock = workdir / f"run-{state}" / "greway.sock"
        with greway(greway_bin, workdir, f"ifc{state}{run_id}", sock, "-c", str(conf)):
            gre1 = links(ctl_bin, sock)["gre1"]
            assert gre1["flags"] == [state.upper()]
