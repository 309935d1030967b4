# SPDX-License-Identifier: BSD-3-Clause
"""SIGHUP reloads the startup file as a diff (issue 14, faults).

The demo's two sites; gateway A's startup file is edited and greway is sent
SIGHUP while a counted UDP flow crosses gre1, which no edit touches:

- a second tunnel with its address and a route comes, is changed in place
  (its key; its route stays), and goes again: each reload says what it did
  ("reloaded FILE: R removed, C changed, A added"), the running
  configuration (`save`) equals the file's, and gre1 loses nothing;
- a file with a bad line is refused whole (FILE:LINE: reason), nothing changes;
- a file whose line fails only when applied (a route via an address no
  network has) is rolled back to the configuration before it.
"""
import signal
import time

from netns import SITES, GatewayCtl, wait_for
from test_control import flow_result, start_flow
from test_two_site import sites  # noqa: F401 (the fixture: the demo's two sites)

A, B = SITES["A"], SITES["B"]

GRE2 = f"tunnel add gre2 mode gre local {A['wan']} remote 203.0.113.77 key 7"
GRE2_LINES = [GRE2, "addr add 172.16.20.1/30 dev gre2", "route add 10.77.0.0/16 dev gre2"]


def reload(gw, lines, count):
    """Write the startup file, SIGHUP, and wait for greway's count-th reload line."""
    gw.conf.write_text("\n".join(lines) + "\n")
    gw.proc.send_signal(signal.SIGHUP)
    said = []

    def answered():
        said[:] = [ln for ln in gw.output().splitlines()
                   if ln.startswith("greway: reload")]
        return len(said) >= count
    wait_for(answered, 20, "greway's reload line")
    time.sleep(0.5)  # the flow on gre1 runs on between reloads
    return said[count - 1]


def test_sighup_reload_is_a_diff(sites, workdir, ctl_bin):
    lab, gw, host_a, host_b = sites.lab, sites.gw_a, sites.host_a, sites.host_b
    g = GatewayCtl(gw, ctl_bin)
    base = gw.conf.read_text().splitlines()
    stop = workdir / "stop"
    send, recv = start_flow(lab, host_a, host_b, B["host"], 5301, str(stop), rate=500)
    try:
        said = reload(gw, base + GRE2_LINES, 1)
        assert said == f"greway: reloaded {gw.conf}: 0 removed, 0 changed, 3 added"
        tunnels = {t["ifname"]: t for t in g.json("tunnel", "show")}
        assert tunnels["gre2"]["ikey"] == 7
        routes = {r["dst"]: r for r in g.json("route", "show")}
        assert routes["10.77.0.0/16"]["dev"] == "gre2"

        # the key changes in place: the route into gre2 stays
        said = reload(gw, base + [GRE2.replace("key 7", "key 8")] + GRE2_LINES[1:], 2)
        assert said == f"greway: reloaded {gw.conf}: 0 removed, 1 changed, 0 added"
        assert {t["ifname"]: t for t in g.json("tunnel", "show")}["gre2"]["ikey"] == 8
        assert "10.77.0.0/16" in {r["dst"] for r in g.json("route", "show")}

        # the same file again: nothing to do
        said = reload(gw, base + [GRE2.replace("key 7", "key 8")] + GRE2_LINES[1:], 3)
        assert said == f"greway: reloaded {gw.conf}: 0 removed, 0 changed, 0 added"

        # a bad line: refused whole, nothing changed
        said = reload(gw, base + ["tunnel add gre3 mode gre local 1.2.3 remote 203.0.113.9"], 4)
        assert said.startswith(f"greway: reload of {gw.conf} refused, nothing changed: "
                               f"{gw.conf}:{len(base) + 1}: "), said
        assert "gre2" in {t["ifname"] for t in g.json("tunnel", "show")}

        # a line that fails when applied: rolled back to what ran before
        said = reload(gw, base + ["route add 10.78.0.0/16 via 192.0.2.99"], 5)
        assert said.startswith(f"greway: reload of {gw.conf} failed, the configuration "
                               f"before restored: {gw.conf}:{len(base) + 1}: "), said
        assert "gre2" in {t["ifname"] for t in g.json("tunnel", "show")}
        assert "10.77.0.0/16" in {r["dst"] for r in g.json("route", "show")}

        # back to the first file: gre2 and what hangs on it go
        said = reload(gw, base, 6)
        assert said.startswith(f"greway: reloaded {gw.conf}: "), said
        assert [t["ifname"] for t in g.json("tunnel", "show")] == ["gre1"]
        assert "10.77.0.0/16" not in {r["dst"] for r in g.json("route", "show")}
    finally:
        stop.touch()
        sent = flow_result(send)["sent"]
        got = flow_result(recv)
    assert sent > 1000  # 500/s for the 6 reloads and the half-seconds between them
    assert (got["received"], got["bad"], got["dup"]) == (sent, 0, 0), \
        f"gre1 lost {sent - got['received']} of {sent} during the reloads"
    # and the running configuration is the file's again
    lines = [ln for ln in g.cli("save").stdout.splitlines() if ln and not ln.startswith("#")]
    assert not [ln for ln in lines if "gre2" in ln]

