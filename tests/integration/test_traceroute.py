# SPDX-License-Identifier: BSD-3-Clause
"""traceroute through two greway gateways (the two-site lab of test_two_site.py).

    hostA 10.0.0.2 -- gwA -- router -- gwB -- hostB 10.16.0.2
                10.0.0.1    gre1 172.16.10.1/30 <=> 172.16.10.2/30

From hostA, probes with TTL 1, 2, 3 towards hostB, as traceroute sends them
(UDP to ports from 33434, and ICMP echo as `traceroute -I`), with scapy since
the machines have no traceroute: TTL 1 expires at gwA, which answers from its
LAN address (the side the probe came in); TTL 2 expires at gwB after
decapsulation, which answers from its tunnel address (the probe came in
through gre1, which has one: what Linux answers too, from the interface of
its route back); TTL 3 reaches hostB, which answers itself.
"""
import json
from types import SimpleNamespace

import pytest

from conftest import require_root
from netns import SITES, Lab, greway_site, router, warm_up

A, B = SITES["A"], SITES["B"]

# Runs in hostA's namespace under Debian's python3: one probe per (kind, TTL),
# up to 3 tries each; prints [kind, ttl, answer source, ICMP type, code] rows.
PROBE = r"""
import json, sys
from scapy.all import ICMP, IP, UDP, conf, sr1
conf.verb = 0
dst = sys.argv[1]
rows = []
for kind in ("udp", "icmp"):
    for ttl in (1, 2, 3):
        l4 = UDP(sport=40000 + ttl, dport=33434 + ttl) if kind == "udp" else ICMP(id=77, seq=ttl)
        ans = None
        for _ in range(3):
            ans = sr1(IP(dst=dst, ttl=ttl) / l4 / b"traceroute", timeout=2)
            if ans is not None:
                break
        if ans is None or ICMP not in ans:
            rows.append([kind, ttl, None, None, None])
        else:
            rows.append([kind, ttl, ans[IP].src, ans[ICMP].type, ans[ICMP].code])
print(json.dumps(rows))
"""


@pytest.fixture
def sites(run_id, workdir, greway_bin):
    require_root()
    with Lab(run_id, workdir) as lab:
        r = router(lab)
        gw_a, host_a = greway_site(lab, greway_bin, r, "A")
        gw_b, host_b = greway_site(lab, greway_bin, r, "B")
        warm_up(host_a, B["host"])
        warm_up(host_b, A["host"])
        yield SimpleNamespace(gw_a=gw_a, gw_b=gw_b, host_a=host_a, host_b=host_b)


def test_traceroute_through_both_gateways(sites):
    before = {gw: gw.counters()["drop"] for gw in (sites.gw_a, sites.gw_b)}
    cp = sites.host_a.run("/usr/bin/python3", "-c", PROBE, B["host"], timeout=120)
    rows = json.loads(cp.stdout.strip().splitlines()[-1])
    want = []
    for kind, answer in (("udp", (3, 3)), ("icmp", (0, 0))):  # port unreachable / echo reply
        want += [[kind, 1, A["lan_gw"], 11, 0],
                 [kind, 2, B["tun"], 11, 0],
                 [kind, 3, B["host"], *answer]]
    assert rows == want, f"{rows}\n{cp.stderr}"
    for gw in (sites.gw_a, sites.gw_b):
        drops = gw.counters()["drop"]
        # one expired probe per kind at each gateway (more only if a try was repeated)
        assert drops["ttl_expired"] - before[gw]["ttl_expired"] >= 2, (gw.name, drops)
        assert drops["icmp_ratelimit"] == 0, (gw.name, drops)
