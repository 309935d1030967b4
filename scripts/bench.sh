#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Throughput of greway against testpmd io forwarding, on the same vdevs and in
# one run: net_pcap (rx_pcap, infinite_rx=1) in, net_null (no-rx=1) out, one
# worker core each. Prints Mpps, the ratio to the baseline and cycles per
# packet per case, and writes a JSON summary. doc/benchmarks.md explains it.
#
#   scripts/bench.sh [--seconds N] [--warmup N] [--cases a,b,c] [--repeat N]
#                    [--build DIR] [--json PATH] [--cores MAIN,WORKER]
#                    [--no-hugepages] [--no-build] [--perf] [--list]
#                    [--sizes 64,128,512,1400] [--tunnels 1,100,10000]
#                    [--workers 1,2] [--peer ovs]
#
# The cases are the rows of scripts/bench/cases.py (the sweeps add rows); the
# engine is scripts/bench/bench.py (Debian's /usr/bin/python3, for its scapy),
# the OVS-DPDK peer scripts/bench/ovs_peer.py.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for arg in "$@"; do
    case $arg in
    -h | --help | --list) exec /usr/bin/python3 "$here/bench/bench.py" "$@" ;;
    esac
done
"$here/deps.sh" --bench
exec /usr/bin/python3 "$here/bench/bench.py" "$@"
