#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two sites joined by a GRE tunnel between two greway gateways, all in network
# namespaces on this machine:
#
#   hostA 10.0.0.2 ── gwA (greway) ── router ── gwB (greway) ── hostB 10.16.0.2
#                     198.51.100.1   .254 | .254   203.0.113.2
#                     gre1 172.16.10.1/30 <====> gre1 172.16.10.2/30, key 1001
#
# Each greway runs in its own namespace on two net_tap ports; its WAN tap is
# moved into the router namespace and its LAN tap into its host's namespace.
# The demo pings across the tunnel both ways and gateway B's tunnel address,
# sends 10 MB over TCP from hostA to hostB (size, time and sha256 of both
# ends), shows each gateway's counters (SIGUSR1), and removes everything again
# (also on error or Ctrl-C). Exit status 0 only if ping and transfer succeeded.
#
# Run as root on Debian 12: installs what is missing (scripts/deps.sh), builds
# (meson setup build; ninja -C build) and runs.
#
#   GREWAY_BUILD=DIR      build directory (default: build)
#   DEMO_SIZE_MB=N        size of the transfer (default: 10)
#   DEMO_KEEP_LOGS=1      keep the work directory (greway logs, configs)
#   GREWAY_LCORES=N       the one lcore of each greway (default: 0)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
BUILD=${GREWAY_BUILD:-build}
SIZE_MB=${DEMO_SIZE_MB:-10}

if (( EUID != 0 )); then
    echo "demo.sh: needs root (network namespaces, tap devices)" >&2
    exit 1
fi

step() { printf '\n=== %s\n' "$*"; }

step "dependencies (scripts/deps.sh)"
"$REPO/scripts/deps.sh"

step "build ($BUILD)"
if [[ ! -f $BUILD/build.ninja ]]; then
    meson setup "$BUILD"
fi
ninja -C "$BUILD"
GREWAY_BIN=$REPO/$BUILD/app/greway/greway
[[ $BUILD == /* ]] && GREWAY_BIN=$BUILD/app/greway/greway
[[ -x $GREWAY_BIN ]] || { echo "demo.sh: $GREWAY_BIN was not built" >&2; exit 1; }

# shellcheck source=lib/netns.sh
source "$REPO/scripts/lib/netns.sh"

ID=$$
NS_GWA=demo$ID-gwA
NS_GWB=demo$ID-gwB
NS_HA=demo$ID-hostA
NS_HB=demo$ID-hostB
NS_R=demo$ID-router
WORK=$(mktemp -d /tmp/greway-demo.XXXXXX)
chmod 755 "$WORK"

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    step "tear down"
    netns_cleanup
    if [[ ${DEMO_KEEP_LOGS:-0} == 1 ]]; then
        echo "logs kept in $WORK"
    else
        rm -rf "$WORK"
    fi
    echo "removed namespaces and stopped the gateways"
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "demo.sh: interrupted" >&2; exit 130' INT TERM

step "topology"
for ns in "$NS_R" "$NS_GWA" "$NS_GWB" "$NS_HA" "$NS_HB"; do
    netns_add "$ns"
done
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1

# Site A: port0 = WAN (tap gA-wan), port1 = LAN (tap gA-lan)
cat >"$WORK/gwA.conf" <<'EOF'
# greway, site A
link set port0 address 02:00:00:0a:00:01
link set port1 address 02:00:00:0a:01:01
addr add 198.51.100.1/24 dev port0
addr add 10.0.0.1/24 dev port1
route add 203.0.113.0/24 via 198.51.100.254
tunnel add gre1 mode gre local 198.51.100.1 remote 203.0.113.2 key 1001
addr add 172.16.10.1/30 dev gre1
route add 10.16.0.0/24 via 172.16.10.2
EOF
# Site B: the mirror image
cat >"$WORK/gwB.conf" <<'EOF'
# greway, site B
link set port0 address 02:00:00:0b:00:01
link set port1 address 02:00:00:0b:01:01
addr add 203.0.113.2/24 dev port0
addr add 10.16.0.1/24 dev port1
route add 198.51.100.0/24 via 203.0.113.254
tunnel add gre1 mode gre local 203.0.113.2 remote 198.51.100.1 key 1001
addr add 172.16.10.2/30 dev gre1
route add 10.0.0.0/24 via 172.16.10.1
EOF

# The tunnel carries at most 1500 - 20 (IPv4) - 8 (GRE + key) = 1472 bytes.
INNER_MTU=1472

start_site() { # SITE NS HOST_NS WAN_MAC WAN_PFX LAN_MAC LAN_PFX GW
    local s=$1 ns=$2 hns=$3
    greway_start "$ns" "$WORK/gw$s.log" "$WORK/gw$s.conf" "demo$ID-gw$s" \
        "g$s-wan" "g$s-lan" --idle-sleep-us 200
    echo "greway site $s: pid $GREWAY_PID in namespace $ns"
    tap_move "$ns" "g$s-wan" "$NS_R" "$4" "$5"
    tap_move "$ns" "g$s-lan" "$hns" "$6" "$7" "$INNER_MTU"
    ip -n "$hns" route add default via "$8"
    # No `ethtool -K tx off` needed: net_tap never enables the tap's offloads
    # (TUNSETOFFLOAD), so the host's kernel sends complete checksums.
}
start_site A "$NS_GWA" "$NS_HA" 02:00:00:0a:00:fe 198.51.100.254/24 02:00:00:0a:01:02 10.0.0.2/24 10.0.0.1
PID_A=$GREWAY_PID
start_site B "$NS_GWB" "$NS_HB" 02:00:00:0b:00:fe 203.0.113.254/24 02:00:00:0b:01:02 10.16.0.2/24 10.16.0.1
PID_B=$GREWAY_PID
ip -n "$NS_HA" -br addr show dev gA-lan
ip -n "$NS_R" -br addr show
ip -n "$NS_HB" -br addr show dev gB-lan

step "warm-up (ARP on both sites)"
ok=0
for i in $(seq 1 30); do
    if ip netns exec "$NS_HA" ping -c 1 -W 1 -q 10.16.0.2 >/dev/null 2>&1; then
        ok=1
        break
    fi
done
if (( ! ok )); then
    echo "demo.sh: 10.16.0.2 does not answer through the tunnel" >&2
    greway_counters "$PID_A" "$WORK/gwA.log" | sed 's/^/  gwA: /' >&2
    greway_counters "$PID_B" "$WORK/gwB.log" | sed 's/^/  gwB: /' >&2
    exit 1
fi
echo "tunnel is up after $i probe(s)"

# ping_ok NS ARGS...: run ping, show its output, fail unless every reply came back
# (-w lets ping wait for late replies on a busy machine instead of counting them lost)
ping_ok() {
    local ns=$1 out
    shift
    out=$(ip netns exec "$ns" ping "$@" 2>&1) || true
    printf '%s\n' "$out"
    if ! grep -q ' 0% packet loss' <<<"$out"; then
        echo "demo.sh: ping $* lost packets" >&2
        return 1
    fi
}
step "ping 10.0.0.2 (hostA) -> 10.16.0.2 (hostB)"
ping_ok "$NS_HA" -c 5 -i 0.2 -w 10 10.16.0.2
step "ping 10.16.0.2 (hostB) -> 10.0.0.2 (hostA)"
ping_ok "$NS_HB" -c 5 -i 0.2 -w 10 10.0.0.2
step "ping 10.0.0.2 (hostA) -> 172.16.10.2 (gateway B's tunnel address)"
ping_ok "$NS_HA" -c 3 -i 0.2 -w 10 172.16.10.2

step "TCP: ${SIZE_MB} MB from 10.0.0.2 (hostA) to 10.16.0.2 (hostB)"
head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$WORK/send.bin"
ip netns exec "$NS_HB" nc -l -n 10.16.0.2 5001 >"$WORK/recv.bin" &
NC_PID=$!
for i in $(seq 1 50); do
    ip netns exec "$NS_HB" ss -Hltn 'sport = :5001' | grep -q . && break
    sleep 0.1
done
t0=$(date +%s%N)
# in the background, so that Ctrl-C reaches the trap at once (wait/sleep are interruptible)
ip netns exec "$NS_HA" nc -N -n 10.16.0.2 5001 <"$WORK/send.bin" &
CLIENT_PID=$!
deadline=$((SECONDS + 120))
while netns_pid_alive "$NC_PID" || netns_pid_alive "$CLIENT_PID"; do
    if (( SECONDS >= deadline )); then
        echo "demo.sh: the transfer did not finish within 120 s" >&2
        exit 1
    fi
    sleep 0.02
done
client_rc=0
wait "$CLIENT_PID" || client_rc=$?
wait "$NC_PID" || true
t1=$(date +%s%N)
sent=$(stat -c %s "$WORK/send.bin")
got=$(stat -c %s "$WORK/recv.bin")
ms=$(((t1 - t0) / 1000000))
sum_sent=$(sha256sum <"$WORK/send.bin" | cut -d' ' -f1)
sum_got=$(sha256sum <"$WORK/recv.bin" | cut -d' ' -f1)
echo "sent $sent bytes, received $got bytes in $ms ms" \
     "($(awk -v b="$got" -v ms="$ms" 'BEGIN { printf "%.1f", ms ? b * 8 / ms / 1000 : 0 }') Mbit/s)"
echo "sha256 sent     $sum_sent"
echo "sha256 received $sum_got"
if [[ $client_rc != 0 || $sent != "$got" || $sum_sent != "$sum_got" ]]; then
    echo "demo.sh: the transfer was corrupted or incomplete" >&2
    exit 1
fi

step "gateway A counters (SIGUSR1; drop reasons at 0 not shown)"
greway_counters "$PID_A" "$WORK/gwA.log" | grep -Ev '^drop [a-z_0-9]+ 0$'
step "gateway B counters (SIGUSR1; drop reasons at 0 not shown)"
greway_counters "$PID_B" "$WORK/gwB.log" | grep -Ev '^drop [a-z_0-9]+ 0$'

step "result: ping and ${SIZE_MB} MB transfer through the tunnel succeeded"
exit 0
