#!/usr/bin/env bash
# curl on the host fetches a page from a static C server running on Ingot's own TCP/IP stack,
# through QEMU's user network and a forwarded port (-p). Two requests, then the server exits 0:
# the last response must still reach curl although the program exits right after writing it.
# Usage: net_http.sh INGOT SERVER [ingot run options...]
set -euo pipefail
ingot=$1 server=$2
shift 2
# A free loopback port for the forward: the kernel picks it, we release it, QEMU takes it.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$ingot" run "$@" --net user -p "$port:80" --timeout 120 "$server" -- 2 >/dev/null 2>"$log" &
guest=$!
trap 'kill $guest 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 120); do
  grep -q 'tcp_hello_server: listening' "$log" && break
  kill -0 "$guest" 2>/dev/null || { echo "FAIL: the guest ended early"; cat "$log"; exit 1; }
  sleep 0.5
done
for request in 1 2; do
  body=$(curl -sS -m 30 "http://127.0.0.1:$port/") || { echo "FAIL: request $request"; cat "$log"; exit 1; }
  [[ $body == "hello from ingot" ]] || { echo "FAIL: unexpected body '$body'"; exit 1; }
done
if ! wait "$guest"; then
  echo "FAIL: the server did not exit 0"
  cat "$log"
  exit 1
fi
echo "PASS: curl got the page twice from the guest's TCP stack"
