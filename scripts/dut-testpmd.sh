#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# greway as a device under test, testpmd as the traffic generator and sink,
# through two ports a side (tester LAN <-> greway LAN, tester WAN <-> greway WAN):
# starts greway with a startup file for the generated spokes
# (scripts/gen-traffic.py's --print-config), a testpmd that sends (pcap replay or
# txonly) and a testpmd that counts (rxonly), reads all three processes' counters
# and prints Mpps and loss. It binds nothing: bind the NICs to vfio-pci first
# (doc/line-rate.md). --vdev-mode runs it all on net_memif with --no-pci.
#
#   scripts/dut-testpmd.sh --vdev-mode [--direction encap|decap] [--seconds N] ...
#   scripts/dut-testpmd.sh --gw-lan PCI --gw-wan PCI --tg-lan PCI --tg-wan PCI \
#       --gw-eal '-l 2,3' --gen-eal '-l 4,5' --sink-eal '-l 6,7' [--link 25G] ...
#   scripts/dut-testpmd.sh --help
#
# The engine is scripts/bench/dut.py (Debian's /usr/bin/python3, for its scapy).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec /usr/bin/python3 "$here/bench/dut.py" "$@"
