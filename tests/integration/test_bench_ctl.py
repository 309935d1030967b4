# SPDX-License-Identifier: BSD-3-Clause
"""scripts/bench-ctl.sh (scripts/bench/ctl_rate.py): the control-plane benchmark runs end to
end with small counts, reports every figure, sees no error, and leaves greway's tables as
it found them. Its rates are measured, never asserted.

greway runs on net_null ports (no interface, so no namespace), --no-pci --no-huge, with a
file prefix of its own, and is stopped by pid by the script."""
import ipaddress
import json
import subprocess
import sys

from conftest import REPO
from netns import LCORES

sys.path.insert(0, str(REPO / "scripts/bench"))
sys.dont_write_bytecode = True

import ctl_rate as R  # noqa: E402

TUNNELS, ROUTES = 100, 1000
ADD_DEL = ("tunnel_add", "route_add", "route_del", "tunnel_del")


def test_workload_is_distinct():
    tun = [R.tunnel_params(t) for t in range(10000)]
    assert len({(p["remote"], p["ikey"]) for p in tun}) == 10000
    assert len({p["name"] for p in tun}) == 10000
    for p in tun[:600]:
        addr = ipaddress.ip_address(p["remote"])
        assert any(addr in ipaddress.ip_network(n) for n in R.REMOTE_NETS)
    pfx = [R.route_prefix(i) for i in range(110000)]
    assert len(set(pfx)) == len(pfx)
    assert pfx[0] == "10.0.0.0/24" and pfx[65535] == "10.255.255.0/24"
    assert pfx[65536] == "10.0.0.0/23"
    assert all(ipaddress.ip_network(p).subnet_of(R.INNER) for p in pfx[::997])
    names = [R.tunnel_name(t) for t in range(3)]
    assert [R.route_params(i, names)["dev"] for i in range(4)] == ["gre1", "gre2", "gre3", "gre1"]


def test_ctl_rate_small(greway_bin, tmp_path):
    out = tmp_path / "ctl.json"
    cp = subprocess.run(
        ["/usr/bin/python3", str(REPO / "scripts/bench/ctl_rate.py"), "--greway", str(greway_bin),
         "--tunnels", str(TUNNELS), "--routes", str(ROUTES), "--lcores", LCORES,
         "--json", str(out)],
        capture_output=True, text=True, timeout=300)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    s = json.loads(out.read_text())
    assert s["failed"] is None and s["errors"] == 0
    assert [r["mode"] for r in s["results"]] == ["sequential", "pipelined"]
    for r in s["results"]:
        assert r["errors"] == 0 and r["greway_exit"] == 0
        for op, n in zip(ADD_DEL, (TUNNELS, ROUTES, ROUTES, TUNNELS)):
            f = r[op]
            assert (f["requested"], f["done"], f["ok"], f["errors"]) == (n, n, n, 0), (op, f)
            assert f["seconds"] > 0 and f["ops_per_s"] > 0 and not f["capped"]
        assert r["tunnel_show"]["entries"] == TUNNELS
        assert r["route_show"]["entries"] >= ROUTES
        for op in ("tunnel_show", "route_show"):
            assert r[op]["seconds"] > 0 and r[op]["reply_bytes"] > 0
        m = r["memory"]
        assert m["tunnels"] == TUNNELS
        assert m["heap_alloc_per_tunnel"] is not None and m["rss_per_tunnel"] is not None
        # nothing the script added is left: no tunnel at all, only the startup file's routes
        a = r["after_delete"]
        assert a["tunnels"] == [] and a["routes"] == []
        assert a["script_tunnels_left"] == [] and a["script_routes_left"] == []
        assert a["tunnel_show"] == []
        assert all(not ipaddress.ip_network(d).subnet_of(R.INNER) for d in a["route_show"])
