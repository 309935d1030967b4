# SPDX-License-Identifier: BSD-3-Clause
"""scripts/bench-ctl.sh (scripts/bench/ctl_rate.py): the control-plane benchmark runs end to
end with small counts, reports every figure, sees no error, and leaves greway's tables as
it found them. scripts/bench-hub.sh (scripts/bench/hub_scale.py), the hub's scale, runs
with 200 spokes and reports every figure. Their rates are measured, never asserted.

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
import hub_scale as HS  # noqa: E402

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


SPOKES = 200


def test_hub_scale_small(greway_bin, tmp_path):
    out = tmp_path / "hub.json"
    cp = subprocess.run(
        ["/usr/bin/python3", str(REPO / "scripts/bench/hub_scale.py"), "--greway",
         str(greway_bin), "--spokes", str(SPOKES), "--lcores", LCORES, "--json", str(out)],
        capture_output=True, text=True, timeout=120)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    s = json.loads(out.read_text())
    assert s["failed"] is None and s["spokes"] == SPOKES
    assert s["options"]["greway_options"] == []        # no --max-* up to 10,000 spokes
    f = s["figures"]
    assert set(f) == set(HS.FIGURES)
    for k in ("spokes_added_per_s", "routes_added_per_s", "spokes_learned_per_s",
              "heap_bytes_per_spoke", "heap_bytes_per_spoke_with_route"):
        assert isinstance(f[k], (int, float)) and f[k] > 0, (k, f[k])
    for k in ("rss_bytes_per_spoke", "rss_bytes_per_spoke_with_route"):
        assert isinstance(f[k], (int, float)), (k, f[k])   # RSS moves by whole pages
    add, learn = s["results"]["add"], s["results"]["learn"]
    for op in ("neigh_add", "route_add"):
        r = add[op]
        assert (r["requested"], r["done"], r["ok"], r["errors"]) == (SPOKES, SPOKES, SPOKES, 0)
    assert add["tunnel_show"] == {"spokes": SPOKES, "learned": 0} and add["greway_exit"] == 0
    assert learn["learned"] == SPOKES and learn["tunnel_show"]["learned"] == SPOKES
    assert learn["tunnel_show"]["learning"]["refused"] == 0
    assert learn["seconds"] > 0 and learn["offered_pps"] > 0 and learn["greway_exit"] == 0
    assert "spokes added / s" in cp.stdout and "spokes learned / s" in cp.stdout


def test_hub_scale_table_options():
    assert HS.table_options(10000) == []
    o = HS.table_options(50000)
    assert o[o.index("--max-peers") + 1] == "51024"
    assert int(o[o.index("--max-routes") + 1]) >= 100000
    assert o[o.index("--max-next-hops") + 1] == "51024"

