#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
#   scripts/demo.sh [gre|gretap|hub]
#
# Two sites joined by a tunnel between two greway gateways (hub: three sites, a
# hub and two spokes), all in network namespaces on this machine.
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
# hub: one multipoint tunnel on a hub and two greway spokes (doc/hub.md):
#
#                     hostH 10.16.0.2 ── hub (greway) 192.0.2.1
#                          mgre0 172.16.10.1/24 remote any key 100
#                                              | .254
#   host1 10.16.1.2 ── spoke1 ────────────── router ────────────── spoke2 ── host2 10.16.2.2
#                      198.51.100.1        .254 | .254        203.0.113.1
#                      gre1 172.16.10.2/24                    gre1 172.16.10.3/24
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
# hub: each spoke has a point-to-point tunnel to the hub. Spoke 1 is mapped on
# the hub (`neigh add 172.16.10.2 lladdr 198.51.100.1 dev mgre0`, a route via
# it); spoke 2 is learned from its own traffic (`learn on`, a route to mgre0,
# no mapping), as a spoke behind NAT is. The demo pings the hub's LAN and
# each spoke both ways, spoke 1 and spoke 2 through the hub (the hairpin),
# sends 10 MB over TCP from host1 to host2 (sha256 of both ends) and shows the
# hub's `neigh show dev mgre0` (keepalives 2 3: each spoke "peer up"),
# `tunnel show mgre0` and `stats show mgre0`.
# All remove everything again (also on error or Ctrl-C). Exit status 0 only
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
    echo "usage: scripts/demo.sh [gre|gretap|hub]   (default: gre)"
}
MODE=${1:-gre}
case $MODE in
gre | gretap | hub) ;;
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

# The hub demo: one multipoint GRE tunnel (mgre0) on the hub, two greway
# spokes with a point-to-point tunnel each; spoke 1 mapped, spoke 2 learned.
# Exits 0 at the end, 1 on the first failure.
demo_hub() {
    local s ns hns i out wan lan_oct
    # a tunnel with a key over a 1500-byte underlay carries 1472 bytes: the hosts' MTU
    local mtu=1472
    local NS_HUB=demo$ID-hub NS_S1=demo$ID-spoke1 NS_S2=demo$ID-spoke2
    local NS_HH=demo$ID-hostH NS_H1=demo$ID-host1 NS_H2=demo$ID-host2

    step "topology"
    for ns in "$NS_R" "$NS_HUB" "$NS_S1" "$NS_S2" "$NS_HH" "$NS_H1" "$NS_H2"; do
        netns_add "$ns"
    done
    ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1

    # The hub: port0 = WAN (tap gH-wan), port1 = LAN (tap gH-lan)
    cat >"$WORK/gwH.conf" <<'CONF'
# greway, the hub: one multipoint tunnel for every spoke
link set port0 address 02:00:00:10:00:01
link set port1 address 02:00:00:10:01:01
addr add 192.0.2.1/24 dev port0
addr add 10.16.0.1/24 dev port1
route add 198.51.100.0/24 via 192.0.2.254
route add 203.0.113.0/24 via 192.0.2.254
tunnel add mgre0 mode gre local 192.0.2.1 remote any key 100 keepalive 2 3
addr add 172.16.10.1/24 dev mgre0
# spoke 1: mapped (its overlay address is behind underlay address 198.51.100.1)
neigh add 172.16.10.2 lladdr 198.51.100.1 dev mgre0
route add 10.16.1.0/24 via 172.16.10.2 dev mgre0
# spoke 2: learned from its own packets, as a spoke behind NAT must be
tunnel change mgre0 learn on
route add 10.16.2.0/24 dev mgre0
CONF
    # The spokes: an ordinary point-to-point tunnel each, to the hub
    for s in 1 2; do
        wan=198.51.100.1 lan_oct=1
        [[ $s == 2 ]] && wan=203.0.113.1 lan_oct=2
        cat >"$WORK/gw$s.conf" <<CONF
# greway, spoke $s: a point-to-point tunnel to the hub
link set port0 address 02:00:00:1$s:00:01
link set port1 address 02:00:00:1$s:01:01
addr add $wan/24 dev port0
addr add 10.16.$lan_oct.1/24 dev port1
route add 192.0.2.0/24 via ${wan%.*}.254
tunnel add gre1 mode gre local $wan remote 192.0.2.1 key 100
addr add 172.16.10.$((s + 1))/24 dev gre1
route add 10.16.0.0/16 dev gre1
CONF
    done
    cat "$WORK/gwH.conf"
    echo
    cat "$WORK/gw1.conf"

    step "start the gateways: the hub and two spokes"
    for s in H 1 2; do
        case $s in
        H) ns=$NS_HUB hns=$NS_HH ;;
        1) ns=$NS_S1 hns=$NS_H1 ;;
        2) ns=$NS_S2 hns=$NS_H2 ;;
        esac
        greway_start "$ns" "$WORK/gw$s.log" "$WORK/gw$s.conf" "demo$ID-gw$s" \
            "g$s-wan" "g$s-lan" -s "$WORK/gw$s.sock" --idle-sleep-us 200
        echo "greway $([[ $s == H ]] && echo hub || echo "spoke $s"): pid $GREWAY_PID in" \
             "namespace $ns"
    done
    tap_move "$NS_HUB" gH-wan "$NS_R" 02:00:00:10:00:fe 192.0.2.254/24
    tap_move "$NS_HUB" gH-lan "$NS_HH" 02:00:00:10:01:02 10.16.0.2/24 "$mtu"
    tap_move "$NS_S1" g1-wan "$NS_R" 02:00:00:11:00:fe 198.51.100.254/24
    tap_move "$NS_S1" g1-lan "$NS_H1" 02:00:00:11:01:02 10.16.1.2/24 "$mtu"
    tap_move "$NS_S2" g2-wan "$NS_R" 02:00:00:12:00:fe 203.0.113.254/24
    tap_move "$NS_S2" g2-lan "$NS_H2" 02:00:00:12:01:02 10.16.2.2/24 "$mtu"
    ip -n "$NS_HH" route add default via 10.16.0.1
    ip -n "$NS_H1" route add default via 10.16.1.1
    ip -n "$NS_H2" route add default via 10.16.2.1
    ip -n "$NS_HH" -br addr show dev gH-lan
    ip -n "$NS_R" -br addr show
    ip -n "$NS_H1" -br addr show dev g1-lan
    ip -n "$NS_H2" -br addr show dev g2-lan

    step "warm-up: host1 (spoke 1, mapped) -> hostH (the hub's LAN)"
    if ! warm_up "$NS_H1" 10.16.0.2; then
        ctl H stats show >&2 || true
        exit 1
    fi
    echo "10.16.0.2 answered after $PROBES probe(s)"

    step "spoke 2 is not mapped: its first packets teach the hub where it is (learn on)," \
         "which is how a spoke behind NAT works"
    echo "the hub's mappings before spoke 2 sends anything:"
    ctl H neigh show dev mgre0
    if ! warm_up "$NS_H2" 10.16.0.2; then
        ctl H stats show >&2 || true
        exit 1
    fi
    echo "10.16.0.2 answered after $PROBES probe(s); the hub learned host2 behind spoke 2's" \
         "outer source address:"
    ctl H neigh show dev mgre0

    step "ping 10.16.0.2 (hostH) -> 10.16.1.2 (host1, spoke 1)"
    ping_ok "$NS_HH" -c 5 -i 0.2 -w 10 10.16.1.2
    step "ping 10.16.1.2 (host1, spoke 1) -> 10.16.0.2 (hostH)"
    ping_ok "$NS_H1" -c 5 -i 0.2 -w 10 10.16.0.2
    step "ping 10.16.0.2 (hostH) -> 10.16.2.2 (host2, spoke 2)"
    ping_ok "$NS_HH" -c 5 -i 0.2 -w 10 10.16.2.2
    step "ping 10.16.2.2 (host2, spoke 2) -> 10.16.0.2 (hostH)"
    ping_ok "$NS_H2" -c 5 -i 0.2 -w 10 10.16.0.2
    step "ping 10.16.1.2 (host1) -> 10.16.2.2 (host2): spoke to spoke through the hub" \
         "(the hairpin)"
    ping_ok "$NS_H1" -c 5 -i 0.2 -w 10 10.16.2.2
    step "ping 10.16.2.2 (host2) -> 10.16.1.2 (host1): the hairpin the other way"
    ping_ok "$NS_H2" -c 5 -i 0.2 -w 10 10.16.1.2

    step "TCP: ${SIZE_MB} MB from 10.16.1.2 (host1, spoke 1) to 10.16.2.2 (host2, spoke 2)," \
         "through the hub"
    tcp_transfer "$NS_H1" "$NS_H2" 10.16.2.2

    step "neigh show dev mgre0 (the hub): spoke 1 PERMANENT, host2 LEARNED, both spokes" \
         "answering keepalives"
    # keepalive 2 3: a spoke is up once it has answered one; wait for both (10 s at most)
    for ((i = 0; i < 50; i++)); do
        out=$(ctl H neigh show dev mgre0)
        grep -Eq '^172\.16\.10\.2 .*lladdr 198\.51\.100\.1 PERMANENT peer up' <<<"$out" &&
            grep -Eq '^10\.16\.2\.2 .*lladdr 203\.0\.113\.1 LEARNED peer up' <<<"$out" && break
        sleep 0.2
    done
    printf '%s\n' "$out"
    if ! grep -Eq '^172\.16\.10\.2 .*PERMANENT peer up' <<<"$out" ||
        ! grep -Eq '^10\.16\.2\.2 .*lladdr 203\.0\.113\.1 LEARNED peer up' <<<"$out"; then
        echo "demo.sh: expected spoke 1 PERMANENT and host2 LEARNED, both peer up" >&2
        exit 1
    fi

    step "tunnel show mgre0 (the hub)"
    ctl H tunnel show mgre0
    step "stats show mgre0 (the hub's tunnel counters)"
    ctl H stats show mgre0

    step "result: ping hub <-> spokes, spoke <-> spoke through the hub and ${SIZE_MB} MB" \
         "transfer succeeded"
    exit 0
}

if [[ $MODE == gretap ]]; then
    demo_gretap
fi
if [[ $MODE == hub ]]; then
    demo_hub
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
