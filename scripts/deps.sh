#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what greway needs to build, test, demo and benchmark, from Debian 12's
# packages. Idempotent: does nothing when everything is already there.
#
#   scripts/deps.sh            build + test + demo dependencies
#   scripts/deps.sh --bench    also Open vSwitch's DPDK build (the bench peer)
set -euo pipefail

packages=(
    build-essential pkg-config meson ninja-build
    libdpdk-dev dpdk dpdk-dev libnuma-dev libpcap-dev libjansson-dev
    libcmocka-dev clang libclang-rt-14-dev
    python3-scapy python3-pytest tshark tcpdump
    openvswitch-switch iproute2 iputils-ping ethtool netcat-openbsd procps nftables
)
if [[ ${1:-} == --bench ]]; then
    packages+=(openvswitch-switch-dpdk)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
    exit 0
fi
if (( EUID != 0 )); then
    echo "deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
    exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
