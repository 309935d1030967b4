#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A hub's scale (issue 12): spokes added per second over the RPC socket (neigh add ...
# lladdr ... dev mgre0, and a route via each), memory per spoke (EAL heap and RSS), and
# spokes learned per second from traffic (learn on, GRE from N outer sources replayed by
# net_pcap). greway runs on vdevs (--no-pci --no-huge); doc/benchmarks.md explains it.
# The hub's hairpin throughput is a row of scripts/bench.sh (--cases hub).
#
#   scripts/bench-hub.sh [--build DIR] [--spokes N] [--phase add|learn|both] [--no-routes]
#                        [--mode pipelined|sequential] [--window W] [--lcores LIST]
#                        [--mem-mb M] [--limit-s S] [--json PATH] [--keep]
#
# The engine is scripts/bench/hub_scale.py (Debian's /usr/bin/python3, standard library).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec /usr/bin/python3 "$here/bench/hub_scale.py" "$@"
