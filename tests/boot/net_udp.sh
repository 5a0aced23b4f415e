#!/usr/bin/env bash
# UDP echo through QEMU's user network, both ways round, with datagrams of 1..1472 bytes:
#   (a) the guest serves (udp_echo server) behind a forwarded port (-p HOST:GUEST/udp) and a
#       Python client on the host checks every echo byte for byte;
#   (b) the guest is the client (udp_echo client 10.0.2.2 PORT) of a Python echo server on the
#       host's 127.0.0.1, which the guest reaches as 10.0.2.2.
# Usage: net_udp.sh INGOT UDP_ECHO [ingot run options...]
set -euo pipefail
ingot=$1 program=$2
shift 2
count=300
guest_port=7777
work=$(mktemp -d)
guest="" server=""
cleanup() {
  [[ -n $guest ]] && kill "$guest" 2>/dev/null || true
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $1"
  for file in "$work"/*.log "$work"/*.out; do
    [[ -e $file ]] && { echo "--- $(basename "$file")"; cat "$file"; }
  done
  exit 1
}

# (a) A free loopback UDP port for the forward: the kernel picks it, we release it, QEMU takes it.
host_port=$(python3 -c 'import socket; s = socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ingot" run "$@" --net user -p "$host_port:$guest_port/udp" --timeout 120 "$program" -- server "$guest_port" \
  >"$work/guest-server.out" 2>"$work/guest-server.log" &
guest=$!
for _ in $(seq 120); do
  grep -q "udp_echo: listening on $guest_port" "$work/guest-server.log" && break
  kill -0 "$guest" 2>/dev/null || fail "the guest server ended early"
  sleep 0.5
done
grep -q "udp_echo: listening" "$work/guest-server.log" || fail "the guest server did not start listening"
python3 - "$host_port" "$count" >"$work/host-client.log" 2>&1 <<'EOF' || fail "(a) echoes from the guest were missing or wrong"
import socket, sys

def pattern(offset, size):
    return bytes(((i * 131) ^ (i >> 9) ^ 0x5a) & 0xff for i in range(offset, offset + size))

port, count = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(type=socket.SOCK_DGRAM)
s.settimeout(2.0)
lost = resent = 0
for i in range(count):
    # Sizes 1472 down to 1, then again, each a different stretch of the pattern.
    data = pattern(i * 7919, 1472 - (i * 37) % 1472)
    for attempt in range(5):
        resent += attempt > 0
        s.sendto(data, ("127.0.0.1", port))
        try:
            while True:
                echo, source = s.recvfrom(65536)
                if echo == data:
                    break
        except socket.timeout:
            continue
        break
    else:
        print(f"datagram {i} ({len(data)} bytes) lost")
        lost += 1
        if lost == 3:
            break  # the guest is gone or broken; do not wait out every datagram
print(f"host client: {count} datagrams, {count - lost} echoed byte-exact, {lost} lost, {resent} resent")
# Ends the guest server; said a few times, as any datagram may be dropped.
for _ in range(5):
    s.sendto(b"quit", ("127.0.0.1", port))
sys.exit(1 if lost else 0)
EOF
status=0
wait "$guest" || status=$?
guest=""
[[ $status == 0 ]] || fail "(a) the guest server exited with status $status"
echoed=$(sed -n 's/^udp_echo: server echoed \([0-9]*\) datagrams.*/\1/p' "$work/guest-server.out")
[[ -n $echoed && $echoed -ge $count ]] || fail "(a) the guest server echoed ${echoed:-no} datagrams, fewer than $count"
cat "$work/host-client.log" "$work/guest-server.out"

# (b) The host serves; the guest sends.
python3 -u - >"$work/host-server.port" 2>"$work/host-server.log" <<'EOF' &
import socket, sys
s = socket.socket(type=socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
echoed = 0
while True:
    data, source = s.recvfrom(65536)
    s.sendto(data, source)
    echoed += 1
    if echoed % 100 == 0:
        print(f"host server: echoed {echoed} datagrams, the last from {source[0]}:{source[1]}", file=sys.stderr)
EOF
server=$!
for _ in $(seq 100); do
  [[ -s $work/host-server.port ]] && break
  sleep 0.1
done
read -r server_port <"$work/host-server.port" || fail "the host echo server did not start"
status=0
"$ingot" run "$@" --net user --timeout 120 "$program" -- client 10.0.2.2 "$server_port" "$count" \
  >"$work/guest-client.out" 2>"$work/guest-client.log" || status=$?
[[ $status == 0 ]] || fail "(b) the guest client exited with status $status"
grep -q "echoed byte-exact, 0 lost" "$work/guest-client.out" || fail "(b) the guest client lost datagrams"
cat "$work/guest-client.out"
echo "PASS: UDP echo both ways through QEMU's user network, $count datagrams each"
