#!/usr/bin/env bash
# Ingot's TCP/IP stack against Linux's own TCP: ingot-net-peer runs the stack in a process on
# a TAP interface inside a fresh network namespace; linux_peer.py talks to it through ordinary
# Linux sockets on the other side of the TAP. Every transfer is checked byte-exact at both
# ends (stream pattern and CRC-32).
#
#   1. clean link: a 1 MB smoke test each way and echoed, then 50 MB each way;
#   2. impaired link, 5% loss, 2% duplication and reordering in both directions (1 ms delay
#      each way): 50 MB Linux->Ingot, 50 MB Ingot->Linux and a 1 MB echo.
# Ingot->Linux under loss runs at about 1-1.3 MB/s (SACK recovery and a tail loss probe; with
# ACKs lost too, windows stay at a few segments and a flight whose ACKs all vanish still waits
# for the 200 ms retransmission timer): its 50 MB take 40-70 s of the test's minute or two;
# INGOT_PEER_SEND_BYTES sets a smaller size for quick runs.
#
# Linux->Ingot frames are impaired by netem on the TAP's egress when the kernel has it;
# Ingot->Linux frames (and Linux->Ingot ones where netem is missing) by ingot-net-peer's own
# seeded impairment (frame_impairment.h), which makes the same kind of decisions.
#
# usage: net_peer_test.sh PATH/TO/ingot-net-peer
# Exit 0 on success, 1 on failure, 77 (skip) without root, network namespaces or TAP.
# INGOT_PEER_SMOKE_BYTES, INGOT_PEER_BYTES, INGOT_PEER_SEND_BYTES and INGOT_PEER_ECHO_BYTES
# override the transfer sizes.
set -u

PEER_BINARY=${1:?usage: net_peer_test.sh PATH/TO/ingot-net-peer}
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
LINUX_PEER="$SCRIPT_DIR/linux_peer.py"
SMOKE_BYTES=${INGOT_PEER_SMOKE_BYTES:-1048576}
BYTES=${INGOT_PEER_BYTES:-52428800}
SEND_BYTES=${INGOT_PEER_SEND_BYTES:-52428800}
ECHO_BYTES=${INGOT_PEER_ECHO_BYTES:-1048576}
TAP=ingot0
LINUX_IP=192.168.77.1
INGOT_IP=192.168.77.2
RUN_LIMIT=150   # seconds for any one transfer, both ends
# 5% loss, 2% duplication, 1 ms each way, and 5% of frames held back a further 1.5 ms so that
# the frames behind them overtake.
IMPAIRMENT="loss=50,dup=20,reorder=50,delay_us=1000,reorder_delay_us=1500"
NETEM_ARGS="delay 1ms reorder 25% 50% loss 5% duplicate 2%"

skip() {
    echo "SKIP: $*"
    exit 77
}
fail() {
    echo "FAIL: $*"
    exit 1
}

[ "$(id -u)" = 0 ] || skip "needs root for a network namespace and a TAP device"
command -v ip > /dev/null || skip "iproute2 (ip) is not installed"
command -v python3 > /dev/null || skip "python3 is not installed"
[ -x "$PEER_BINARY" ] || fail "$PEER_BINARY is not executable"

NAMESPACE="ingot-peer-$$-$RANDOM"
WORK=$(mktemp -d)
BACKGROUND_PID=
cleanup() {
    [ -n "$BACKGROUND_PID" ] && kill "$BACKGROUND_PID" 2> /dev/null
    # Whatever still runs inside our namespace was started by this script.
    ip netns pids "$NAMESPACE" 2> /dev/null | xargs -r kill 2> /dev/null
    ip netns del "$NAMESPACE" 2> /dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$NAMESPACE" 2> "$WORK/err" || skip "cannot create a network namespace: $(cat "$WORK/err")"
in_ns() { ip netns exec "$NAMESPACE" "$@"; }
in_ns ip link set lo up
in_ns ip tuntap add dev "$TAP" mode tap 2> "$WORK/err" || skip "no TAP device (/dev/net/tun): $(cat "$WORK/err")"
in_ns ip addr add "$LINUX_IP/24" dev "$TAP" || fail "cannot address $TAP"
in_ns ip link set "$TAP" up || fail "cannot bring $TAP up"

HAVE_NETEM=0
if command -v tc > /dev/null && in_ns tc qdisc add dev "$TAP" root netem delay 1ms 2> /dev/null; then
    in_ns tc qdisc del dev "$TAP" root
    HAVE_NETEM=1
fi

# Runs "$@" in the namespace under the per-transfer limit, output to the file named first.
run_logged() {
    local log=$1
    shift
    in_ns timeout -k 5 "$RUN_LIMIT" "$@" > "$log" 2>&1
}

crc_of() { sed -n 's/.*crc32 \([0-9a-f]\{8\}\).*/\1/p' "$1" | head -n 1; }
rate_of() { sed -n 's/.* = \([0-9.]* MB\/s\).*/\1/p' "$1" | head -n 1; }
SUMMARY=""

# check NAME INGOT_STATUS LINUX_STATUS: both ends succeeded and agree on the CRC.
check() {
    local name=$1 ingot_status=$2 linux_status=$3
    sed "s/^/    /" "$WORK/ingot.log" "$WORK/linux.log"
    [ "$ingot_status" = 0 ] || fail "$name: ingot-net-peer exited with $ingot_status"
    [ "$linux_status" = 0 ] || fail "$name: linux_peer.py exited with $linux_status"
    local ingot_crc linux_crc
    ingot_crc=$(crc_of "$WORK/ingot.log")
    linux_crc=$(crc_of "$WORK/linux.log")
    [ -n "$ingot_crc" ] && [ "$ingot_crc" = "$linux_crc" ] ||
        fail "$name: CRC-32 differs (ingot $ingot_crc, linux $linux_crc)"
    echo "ok: $name"
    SUMMARY+="  $(printf '%-45s' "$name") $(rate_of "$WORK/ingot.log")"$'\n'
}

wait_for_file() {
    local file=$1 pid=$2
    for _ in $(seq 1 500); do
        [ -s "$file" ] && return 0
        kill -0 "$pid" 2> /dev/null || return 1
        sleep 0.02
    done
    return 1
}

# ingot_sends NAME PORT BYTES IMPAIR_ARGS...: Linux listens, Ingot connects and sends.
ingot_sends() {
    local name=$1 port=$2 bytes=$3
    shift 3
    rm -f "$WORK/ready"
    run_logged "$WORK/linux.log" python3 "$LINUX_PEER" --timeout "$RUN_LIMIT" --ready "$WORK/ready" \
        receive "$port" "$bytes" &
    BACKGROUND_PID=$!
    wait_for_file "$WORK/ready" "$BACKGROUND_PID" || true
    run_logged "$WORK/ingot.log" "$PEER_BINARY" --tap "$TAP" --timeout "$RUN_LIMIT" "$@" \
        send "$LINUX_IP" "$port" "$bytes"
    local ingot_status=$?
    wait "$BACKGROUND_PID"
    local linux_status=$?
    BACKGROUND_PID=
    check "$name" "$ingot_status" "$linux_status"
}

# linux_sends MODE NAME PORT BYTES IMPAIR_ARGS...: Ingot listens (receive or echo), Linux
# connects and sends (and for echo reads everything back).
linux_sends() {
    local mode=$1 name=$2 port=$3 bytes=$4
    shift 4
    rm -f "$WORK/ready"
    local ingot_mode=receive linux_mode=send
    [ "$mode" = echo ] && ingot_mode=echo linux_mode=echo
    run_logged "$WORK/ingot.log" "$PEER_BINARY" --tap "$TAP" --timeout "$RUN_LIMIT" --ready "$WORK/ready" "$@" \
        "$ingot_mode" "$port" "$bytes" &
    BACKGROUND_PID=$!
    wait_for_file "$WORK/ready" "$BACKGROUND_PID" || true
    run_logged "$WORK/linux.log" python3 "$LINUX_PEER" --timeout "$RUN_LIMIT" "$linux_mode" "$INGOT_IP" "$port" "$bytes"
    local linux_status=$?
    wait "$BACKGROUND_PID"
    local ingot_status=$?
    BACKGROUND_PID=
    check "$name" "$ingot_status" "$linux_status"
}

echo "== clean link"
ingot_sends "ingot->linux $SMOKE_BYTES bytes, clean" 5001 "$SMOKE_BYTES"
linux_sends receive "linux->ingot $SMOKE_BYTES bytes, clean" 5002 "$SMOKE_BYTES"
linux_sends echo "echo $SMOKE_BYTES bytes, clean" 5003 "$SMOKE_BYTES"
# The checks themselves: a stream with one damaged byte must be refused.
rm -f "$WORK/ready"
run_logged "$WORK/ingot.log" "$PEER_BINARY" --tap "$TAP" --timeout 30 --ready "$WORK/ready" receive 5009 "$SMOKE_BYTES" &
BACKGROUND_PID=$!
wait_for_file "$WORK/ready" "$BACKGROUND_PID" || true
run_logged "$WORK/linux.log" python3 "$LINUX_PEER" --timeout 30 --flip-byte 123457 send "$INGOT_IP" 5009 "$SMOKE_BYTES"
wait "$BACKGROUND_PID" && fail "ingot-net-peer accepted a damaged stream"
BACKGROUND_PID=
grep -q "byte 123457 differs from the pattern" "$WORK/ingot.log" || fail "damaged stream: $(cat "$WORK/ingot.log")"
echo "ok: a damaged byte is detected"
ingot_sends "ingot->linux $BYTES bytes, clean" 5004 "$BYTES"
linux_sends receive "linux->ingot $BYTES bytes, clean" 5005 "$BYTES"

if [ "$HAVE_NETEM" = 1 ]; then
    in_ns tc qdisc add dev "$TAP" root netem $NETEM_ARGS || fail "cannot add netem"
    echo "== impaired link: netem ($NETEM_ARGS) on Linux->Ingot, $IMPAIRMENT in ingot-net-peer on Ingot->Linux"
    IMPAIR=(--seed 7 --impair-out "$IMPAIRMENT")
else
    echo "== impaired link: the kernel has no netem; $IMPAIRMENT in ingot-net-peer, both directions"
    IMPAIR=(--seed 7 --impair-out "$IMPAIRMENT" --impair-in "$IMPAIRMENT")
fi
linux_sends receive "linux->ingot $BYTES bytes, impaired" 5011 "$BYTES" "${IMPAIR[@]}"
ingot_sends "ingot->linux $SEND_BYTES bytes, impaired" 5012 "$SEND_BYTES" "${IMPAIR[@]}"
linux_sends echo "echo $ECHO_BYTES bytes, impaired" 5013 "$ECHO_BYTES" "${IMPAIR[@]}"
echo "== throughput (as ingot-net-peer measured it)"
printf '%s' "$SUMMARY"
echo "PASS"
