#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
#   scripts/demo.sh [gre|gretap]
#
# Two sites joined by a tunnel between two greway gateways, all in network
# namespaces on this machine.
#
# gre (the default): a routed GRE tunnel between two subnets:
#
#   hostA 10.0.0.2 ── gwA (greway) ── router ── gwB (greway) ── hostB 10.16.0.2
#                     198.51.100.1   .254 | .254   203.0.113.2
#                     gre1 172.16.10.1/30 <====> gre1 172.16.10.2/30, key 1001
#
# gretap: one Ethernet segment over a GRETAP tunnel; the hosts share a /24:
#
#   hostA 10.50.0.1/24 ── gwA: br0 ── router ── gwB: br0 ── hostB 10.50.0.2/24
#                          port1 + gt1   198.51.100.1 | 203.0.113.2   gt1 + port1
#                          gt1: mode gretap key 1001 (Ethernet in GRE, 0x6558)
#
# Each greway runs in its own namespace on two net_tap ports; its WAN tap is
# moved into the router namespace and its LAN tap into its host's namespace.
# gre: the demo pings across the tunnel both ways and gateway B's tunnel
# address, sends 10 MB over TCP from hostA to hostB (size, time and sha256 of
# both ends) and shows each gateway's counters (SIGUSR1).
# gretap: the LAN tap is a member of bridge br0 with the gretap tunnel; the
# demo shows the tunnel's MTU (`tunnel show`: the hosts' MTU is set to it),
# ARP across the tunnel, pings both ways, what a host left at MTU 1500 loses
# (frame_too_big), the 10 MB TCP transfer, `bridge fdb show`, `bridge link
# show` and `stats show` of each gateway.
# Both remove everything again (also on error or Ctrl-C). Exit status 0 only
# if every step succeeded.
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

usage() {
    echo "usage: scripts/demo.sh [gre|gretap]   (default: gre)"
}
MODE=${1:-gre}
case $MODE in
gre | gretap) ;;
-h | --help)
    usage
    exit 0
    ;;
*)
    echo "demo.sh: unknown demo \"$MODE\"" >&2
    usage >&2
    exit 2
    ;;
esac
if (( $# > 1 )); then
    usage >&2
    exit 2
fi

if (( EUID != 0 )); then
    echo "demo.sh: needs root (network namespaces, tap devices)" >&2
    exit 1
fi

step() { printf '\n=== %s\n' "$*"; }

# warm_up NS DST: ping DST from NS once a second until it answers (ARP on both
# sites, the tunnel's underlay), 30 tries; PROBES says how many it took.
warm_up() {
    local ns=$1 dst=$2
    for PROBES in $(seq 1 30); do
        ip netns exec "$ns" ping -c 1 -W 1 -q "$dst" >/dev/null 2>&1 && return 0
    done
    echo "demo.sh: $dst does not answer through the tunnel" >&2
    return 1
}

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
CTL_BIN=${GREWAY_BIN%/greway/greway}/grewayctl/grewayctl

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

# tcp_transfer SRC_NS DST_NS DST_IP: SIZE_MB random bytes over TCP (nc) from
# SRC_NS to DST_IP:5001 in DST_NS; prints sizes, time and both sha256 sums and
# exits 1 unless everything arrived intact.
tcp_transfer() {
    local src_ns=$1 dst_ns=$2 dst_ip=$3
    local i t0 t1 deadline client_rc sent got ms sum_sent sum_got
    head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$WORK/send.bin"
    ip netns exec "$dst_ns" nc -l -n "$dst_ip" 5001 >"$WORK/recv.bin" &
    NC_PID=$!
    for i in $(seq 1 50); do
        ip netns exec "$dst_ns" ss -Hltn 'sport = :5001' | grep -q . && break
        sleep 0.1
    done
    t0=$(date +%s%N)
    # in the background, so that Ctrl-C reaches the trap at once (wait/sleep are interruptible)
    ip netns exec "$src_ns" nc -N -n "$dst_ip" 5001 <"$WORK/send.bin" &
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
    echo "sent $sent bytes, received $got bytes in $ms ms" "($(awk -v b="$got" -v ms="$ms" \
        'BEGIN { printf "%.1f", ms ? b * 8 / ms / 1000 : 0 }') Mbit/s)"
    echo "sha256 sent     $sum_sent"
    echo "sha256 received $sum_got"
    if [[ $client_rc != 0 || $sent != "$got" || $sum_sent != "$sum_got" ]]; then
        echo "demo.sh: the transfer was corrupted or incomplete" >&2
        exit 1
    fi
}

# ctl SITE ARGS...: grewayctl on gateway SITE's control socket
ctl() {
    local s=$1
    shift
    "$CTL_BIN" -s "$WORK/gw$s.sock" "$@"
}

# The gretap demo: one /24 on both sides, each greway bridging its LAN port
# and a gretap tunnel (br0). Exits 0 at the end, 1 on the first failure.
demo_gretap() {
    local s ns hns mtu i ok before after out

    step "topology"
    for ns in "$NS_R" "$NS_GWA" "$NS_GWB" "$NS_HA" "$NS_HB"; do
        netns_add "$ns"
    done
    ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1

    # Site A: port0 = WAN (tap gA-wan), port1 = LAN (tap gA-lan), a member of br0
    cat >"$WORK/gwA.conf" <<'CONF'
# greway, site A: the LAN port and a gretap tunnel to site B in one bridge
link set port0 address 02:00:00:0a:00:01
addr add 198.51.100.1/24 dev port0
route add 203.0.113.0/24 via 198.51.100.254
link add br0 type bridge
link set port1 master br0
tunnel add gt1 mode gretap local 198.51.100.1 remote 203.0.113.2 key 1001
link set gt1 master br0
CONF
    # Site B: the mirror image
    cat >"$WORK/gwB.conf" <<'CONF'
# greway, site B: the LAN port and a gretap tunnel to site A in one bridge
link set port0 address 02:00:00:0b:00:01
addr add 203.0.113.2/24 dev port0
route add 198.51.100.0/24 via 203.0.113.254
link add br0 type bridge
link set port1 master br0
tunnel add gt1 mode gretap local 203.0.113.2 remote 198.51.100.1 key 1001
link set gt1 master br0
CONF
    cat "$WORK/gwA.conf"

    for s in A B; do
        if [[ $s == A ]]; then
            ns=$NS_GWA hns=$NS_HA
        else
            ns=$NS_GWB hns=$NS_HB
        fi
        greway_start "$ns" "$WORK/gw$s.log" "$WORK/gw$s.conf" "demo$ID-gw$s" \
            "g$s-wan" "g$s-lan" -s "$WORK/gw$s.sock" --idle-sleep-us 200
        echo "greway site $s: pid $GREWAY_PID in namespace $ns"
    done

    step "the tunnel's MTU (tunnel show): the largest IP packet the LAN side may send"
    mtu=$(ctl A -j tunnel show gt1 | grep -o '"mtu":[0-9]*' | cut -d: -f2)
    [[ -n $mtu ]] || { echo "demo.sh: no mtu in tunnel show" >&2; exit 1; }
    echo "gt1 mtu $mtu = 1500 (underlay) - 20 (IPv4) - 4 (GRE) - 4 (key) - 14 (inner" \
         "Ethernet): the hosts' MTU"

    tap_move "$NS_GWA" gA-wan "$NS_R" 02:00:00:0a:00:fe 198.51.100.254/24
    tap_move "$NS_GWA" gA-lan "$NS_HA" 02:00:00:0a:01:02 10.50.0.1/24 "$mtu"
    tap_move "$NS_GWB" gB-wan "$NS_R" 02:00:00:0b:00:fe 203.0.113.254/24
    tap_move "$NS_GWB" gB-lan "$NS_HB" 02:00:00:0b:01:02 10.50.0.2/24 "$mtu"
    ip -n "$NS_HA" -br link show dev gA-lan
    ip -n "$NS_HA" -br addr show dev gA-lan
    ip -n "$NS_R" -br addr show
    ip -n "$NS_HB" -br link show dev gB-lan
    ip -n "$NS_HB" -br addr show dev gB-lan

    step "warm-up: hostA ARPs for 10.50.0.2 across the tunnel"
    if ! warm_up "$NS_HA" 10.50.0.2; then
        ctl A stats show >&2 || true
        ctl B stats show >&2 || true
        exit 1
    fi
    echo "10.50.0.2 answered after $PROBES probe(s); hostA's neighbour table:"
    ip -n "$NS_HA" neigh show dev gA-lan

    step "tunnel show (gateway A)"
    ctl A tunnel show gt1

    step "ping 10.50.0.1 (hostA) -> 10.50.0.2 (hostB)"
    ping_ok "$NS_HA" -c 5 -i 0.2 -w 10 10.50.0.2
    step "ping 10.50.0.2 (hostB) -> 10.50.0.1 (hostA)"
    ping_ok "$NS_HB" -c 5 -i 0.2 -w 10 10.50.0.1
    step "ping with DF at the MTU: $((mtu - 28)) bytes of ICMP data = a $mtu-byte packet"
    ping_ok "$NS_HA" -c 3 -i 0.2 -w 10 -M "do" -s "$((mtu - 28))" 10.50.0.2

    step "bridge fdb show (gateway A): hostA behind port1, hostB behind the tunnel"
    ctl A bridge fdb show
    step "bridge fdb show (gateway B)"
    ctl B bridge fdb show
    step "bridge link show (gateway A)"
    ctl A bridge link show

    step "a host left at MTU 1500: its full-size frames do not fit the tunnel"
    before=$(ctl A -j stats show | grep -o '"frame_too_big":[0-9]*' | tail -1 | cut -d: -f2)
    ip -n "$NS_HA" link set gA-lan mtu 1500
    out=$(ip netns exec "$NS_HA" ping -c 3 -i 0.2 -W 1 -M "do" -s 1472 10.50.0.2 2>&1) || true
    printf '%s\n' "$out" | tail -2
    ip -n "$NS_HA" link set gA-lan mtu "$mtu"
    sleep 0.2
    after=$(ctl A -j stats show | grep -o '"frame_too_big":[0-9]*' | tail -1 | cut -d: -f2)
    echo "gateway A: frame_too_big $before -> $after (a bridge sends no ICMP: the packets" \
         "just vanish; set the hosts' MTU to the tunnel's)"
    if ! grep -q '100% packet loss' <<<"$out" || (( after - before != 3 )); then
        echo "demo.sh: expected the 3 oversized frames dropped as frame_too_big" >&2
        exit 1
    fi

    step "TCP: ${SIZE_MB} MB from 10.50.0.1 (hostA) to 10.50.0.2 (hostB)"
    tcp_transfer "$NS_HA" "$NS_HB" 10.50.0.2

    step "gateway A: stats show (drop reasons at 0 not shown)"
    ctl A stats show | grep -Ev '^drop [a-z_0-9]+ 0$'
    step "gateway B: stats show (drop reasons at 0 not shown)"
    ctl B stats show | grep -Ev '^drop [a-z_0-9]+ 0$'

    step "result: ARP, ping and ${SIZE_MB} MB transfer across the gretap bridge succeeded"
    exit 0
}

if [[ $MODE == gretap ]]; then
    demo_gretap
fi

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
if ! warm_up "$NS_HA" 10.16.0.2; then
    greway_counters "$PID_A" "$WORK/gwA.log" | sed 's/^/  gwA: /' >&2
    greway_counters "$PID_B" "$WORK/gwB.log" | sed 's/^/  gwB: /' >&2
    exit 1
fi
echo "tunnel is up after $PROBES probe(s)"

step "ping 10.0.0.2 (hostA) -> 10.16.0.2 (hostB)"
ping_ok "$NS_HA" -c 5 -i 0.2 -w 10 10.16.0.2
step "ping 10.16.0.2 (hostB) -> 10.0.0.2 (hostA)"
ping_ok "$NS_HB" -c 5 -i 0.2 -w 10 10.0.0.2
step "ping 10.0.0.2 (hostA) -> 172.16.10.2 (gateway B's tunnel address)"
ping_ok "$NS_HA" -c 3 -i 0.2 -w 10 172.16.10.2

step "TCP: ${SIZE_MB} MB from 10.0.0.2 (hostA) to 10.16.0.2 (hostB)"
tcp_transfer "$NS_HA" "$NS_HB" 10.16.0.2

step "gateway A counters (SIGUSR1; drop reasons at 0 not shown)"
greway_counters "$PID_A" "$WORK/gwA.log" | grep -Ev '^drop [a-z_0-9]+ 0$'
step "gateway B counters (SIGUSR1; drop reasons at 0 not shown)"
greway_counters "$PID_B" "$WORK/gwB.log" | grep -Ev '^drop [a-z_0-9]+ 0$'

step "result: ping and ${SIZE_MB} MB transfer through the tunnel succeeded"
exit 0
