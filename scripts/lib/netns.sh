# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Network-namespace plumbing for scripts (sourced, not run): namespaces that
# are remembered for cleanup the moment they exist, greway instances started
# inside a namespace on net_tap ports and stopped by pid, and the moves of
# their taps into the namespaces that own the other end of each "wire".
#
# Nothing here touches the root namespace's links or routes.
#
#   netns_add NS                       create NS (lo up, IPv6 off), remember it
#   netns_cleanup                      stop remembered greways, delete remembered namespaces
#   netns_wait_link NS IFACE [SECS]    wait for IFACE to exist in NS
#   netns_wait_log FILE REGEX PID [SECS]  wait for a line in FILE while PID lives
#   greway_start NS LOG CONF PREFIX TAP0 TAP1 [ARGS...]   sets GREWAY_PID
#                                      (GREWAY_BIN, GREWAY_LCORES: binary, its -l)
#   greway_stop PID [SECS]             SIGTERM, then SIGKILL after SECS
#   greway_counters PID LOG            SIGUSR1 and print what it printed
#   tap_move FROM_NS IFACE TO_NS MAC PREFIX [MTU]   move and configure a tap end

NETNS_CREATED=()
NETNS_GREWAY_PIDS=()
NETNS_GREWAY_PREFIXES=()

: "${GREWAY_BIN:=build/app/greway/greway}"
# greway's one lcore; GREWAY_LCORES=1 moves it off a core another program keeps busy
: "${GREWAY_LCORES:=0}"

netns_log() { printf '%s\n' "$*" >&2; }

netns_add() {
    local ns=$1
    ip netns add "$ns" || return 1
    NETNS_CREATED+=("$ns")
    # IPv6 off before any link arrives: no RS/MLD noise in the tunnel
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
    ip -n "$ns" link set lo up
}

# True while PID is a running process (a zombie counts as gone).
netns_pid_alive() {
    local pid=$1 state
    [[ -r /proc/$pid/stat ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

netns_wait_link() {
    local ns=$1 ifc=$2 secs=${3:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        ip -n "$ns" link show dev "$ifc" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    netns_log "netns: $ifc did not appear in $ns within ${secs}s"
    return 1
}

netns_wait_log() {
    local file=$1 re=$2 pid=$3 secs=${4:-20} i
    for ((i = 0; i < secs * 10; i++)); do
        grep -Eq -- "$re" "$file" 2>/dev/null && return 0
        if ! netns_pid_alive "$pid"; then
            netns_log "netns: process $pid exited before printing /$re/"
            return 1
        fi
        sleep 0.1
    done
    netns_log "netns: no /$re/ in $file within ${secs}s"
    return 1
}

# greway_start NS LOG CONF PREFIX TAP0 TAP1 [greway options after --]
# Starts greway in NS with port0 = net_tap on TAP0 and port1 = net_tap on TAP1,
# and returns once its ports are started (the "running" line), so that the
# taps can be moved. The pid is in GREWAY_PID.
greway_start() {
    local ns=$1 log=$2 conf=$3 prefix=$4 tap0=$5 tap1=$6
    shift 6
    ip netns exec "$ns" "$GREWAY_BIN" --no-pci --no-huge -m 512 --file-prefix "$prefix" \
        -l "$GREWAY_LCORES" \
        --vdev "net_tap0,iface=$tap0" --vdev "net_tap1,iface=$tap1" \
        -- -c "$conf" "$@" >"$log" 2>&1 </dev/null &
    GREWAY_PID=$! # ip netns exec execs greway: same pid
    NETNS_GREWAY_PIDS+=("$GREWAY_PID")
    NETNS_GREWAY_PREFIXES+=("$prefix")
    netns_wait_log "$log" '^greway: running' "$GREWAY_PID" 30 || {
        netns_log "netns: greway in $ns did not start; its output:"
        sed 's/^/    /' "$log" >&2
        return 1
    }
    netns_wait_link "$ns" "$tap0" && netns_wait_link "$ns" "$tap1"
}

greway_stop() {
    local pid=$1 secs=${2:-5} i
    netns_pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < secs * 10; i++)); do
        netns_pid_alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    netns_log "netns: greway $pid ignored SIGTERM for ${secs}s, killing it"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# Ask greway for its counters (SIGUSR1) and print the block it writes.
greway_counters() {
    local pid=$1 log=$2 before now i
    before=$(grep -c '^drop tx_full ' "$log" 2>/dev/null || true)
    kill -USR1 "$pid" || return 1
    for ((i = 0; i < 30; i++)); do
        now=$(grep -c '^drop tx_full ' "$log" 2>/dev/null || true)
        (( ${now:-0} > ${before:-0} )) && break
        sleep 0.1
    done
    # the last block: from the last "port " run to the last "drop tx_full"
    awk '/^port /{ if (!inblk) { blk = ""; inblk = 1 } }
         inblk { blk = blk $0 "\n" }
         /^drop tx_full /{ inblk = 0; last = blk }
         END { printf "%s", last }' "$log"
}

# tap_move FROM_NS IFACE TO_NS MAC PREFIX [MTU]
# Move a tap end owned by a DPDK program into TO_NS and configure it there.
# net_tap gives the kernel side the DPDK port's MAC, so it gets its own MAC.
tap_move() {
    local from=$1 ifc=$2 to=$3 mac=$4 pfx=$5 mtu=${6:-}
    ip -n "$from" link set "$ifc" netns "$to" || return 1
    ip netns exec "$to" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1" >/dev/null 2>&1 || true
    ip -n "$to" link set "$ifc" address "$mac" || return 1
    [[ -n $mtu ]] && { ip -n "$to" link set "$ifc" mtu "$mtu" || return 1; }
    ip -n "$to" addr add "$pfx" dev "$ifc" || return 1
    ip -n "$to" link set "$ifc" up
}

netns_cleanup() {
    local pid ns pfx
    for pid in "${NETNS_GREWAY_PIDS[@]}"; do
        greway_stop "$pid"
    done
    NETNS_GREWAY_PIDS=()
    # EAL's runtime directories of our own --file-prefixes
    for pfx in "${NETNS_GREWAY_PREFIXES[@]}"; do
        [[ -n $pfx ]] && rm -rf "/var/run/dpdk/$pfx"
    done
    NETNS_GREWAY_PREFIXES=()
    for ns in "${NETNS_CREATED[@]}"; do
        # anything still running in it was started by us (nc, ping): stop it by pid
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -TERM "$pid" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null || true
    done
    NETNS_CREATED=()
}
