#!/usr/bin/env bash
# The guest kernel answers ICMP echo over a TAP device: a private network namespace holds the
# TAP device (172.31.255.1/30) and `ping` runs from it to the guest (172.31.255.2), which runs a
# program that only sleeps. Exits 77 (skipped) where namespaces or TAP devices are unavailable.
# Usage: net_ping.sh INGOT SLEEPER [--machine M]
set -euo pipefail
ingot=$1 sleeper=$2
shift 2
namespace=ingot-ping-$$
if ! ip netns add "$namespace" 2>/dev/null; then
  echo "SKIP: cannot create a network namespace (needs root and iproute2)"
  exit 77
fi
guest=""
cleanup() {
  if [[ -n $guest ]]; then
    kill "$guest" 2>/dev/null || true
    wait "$guest" 2>/dev/null || true
  fi
  ip netns del "$namespace" 2>/dev/null || true
}
trap cleanup EXIT
in_namespace() { ip netns exec "$namespace" "$@"; }
if ! in_namespace ip tuntap add dev tap0 mode tap 2>/dev/null; then
  echo "SKIP: cannot create a TAP device (/dev/net/tun)"
  exit 77
fi
in_namespace ip addr add 172.31.255.1/30 dev tap0
in_namespace ip link set tap0 up
in_namespace ip link set lo up

log=$(mktemp)
in_namespace "$ingot" run "$@" --with net --net tap:tap0 --ip 172.31.255.2/30 --timeout 120 "$sleeper" -- 60 \
  >/dev/null 2>"$log" &
guest=$!

# Wait for the guest to answer (boot under TCG takes a while), then count five echoes.
for _ in $(seq 60); do
  in_namespace ping -n -c 1 -W 1 172.31.255.2 >/dev/null 2>&1 && break
  kill -0 "$guest" 2>/dev/null || { echo "FAIL: the guest ended early"; cat "$log"; exit 1; }
done
if ! in_namespace ping -n -c 5 -i 0.2 -W 2 172.31.255.2 | tee /dev/stderr | grep -q ' 0% packet loss'; then
  echo "FAIL: echo requests went unanswered"
  cat "$log"
  exit 1
fi
grep -q 'net: 172.31.255.2/30' "$log" || { echo "FAIL: the kernel did not report its address"; cat "$log"; exit 1; }
echo "PASS: the guest answered ICMP echo over TAP"
