#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Rate of greway's control plane over its RPC socket: tunnel add/del, route add/del,
# tunnel show and route show, sequential and pipelined, and memory per tunnel.
# greway runs on two net_null ports (--no-pci --no-huge); doc/benchmarks.md explains it.
#
#   scripts/bench-ctl.sh [--build DIR] [--mode sequential|pipelined|both]
#                        [--tunnels N] [--routes M] [--window W] [--idle-sleep-us N]
#                        [--lcores LIST] [--limit-s S] [--json PATH] [--keep]
#
# The engine is scripts/bench/ctl_rate.py (Debian's /usr/bin/python3, standard library).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec /usr/bin/python3 "$here/bench/ctl_rate.py" "$@"
