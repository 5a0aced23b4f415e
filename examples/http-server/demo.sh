#!/usr/bin/env bash
# The HTTP part of `make demo`: boots the http-server image on QEMU's user network with a
# forwarded port, fetches two pages with curl and lets the server exit (--max-requests 2), so
# the guest powers off by itself.
# Usage: demo.sh INGOT IMAGE
set -euo pipefail
ingot=$1 image=$2
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
guest=
cleanup() {
  if [[ -n $guest ]]; then kill "$guest" 2>/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT

echo "\$ $ingot run -p $port:8080 $image -- --max-requests 2 &"
"$ingot" run -p "$port:8080" --timeout 300 "$image" -- --max-requests 2 2>"$log" &
guest=$!
for _ in $(seq 600); do
  grep -q 'listening on port' "$log" && break
  if ! kill -0 "$guest" 2>/dev/null; then
    echo "demo: the guest ended before the server listened:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
grep -q 'listening on port' "$log" || { echo "demo: the server did not start within 60 s" >&2; cat "$log" >&2; exit 1; }
cat "$log"
echo
echo "\$ curl -si http://127.0.0.1:$port/hello.txt"
curl -sSi --max-time 30 "http://127.0.0.1:$port/hello.txt"
echo
echo "\$ curl -s http://127.0.0.1:$port/ | head -n 5"
curl -sS --max-time 30 "http://127.0.0.1:$port/" | head -n 5
echo
wait "$guest"
guest=
sed '1,/listening on port/d' "$log"
echo "(the server answered two requests and exited; the guest powered off)"
