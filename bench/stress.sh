#!/usr/bin/env bash
# Stress run (not part of `make test`): two Ingot images under load at the same time for
# STRESS_SECONDS (300) on QEMU's user network: examples/http-server, loaded by wrk with
# STRESS_HTTP_CONNECTIONS (64) keep-alive connections, and Redis (built by tests/apps), loaded
# by redis-benchmark rounds (SET/GET/INCR/LPUSH/LPOP, 50 clients, pipelining 1 and 16) while
# BGSAVE forks a child every 20 s. Passes when wrk saw no socket error or non-2xx reply, every
# redis-benchmark round finished without an error, every BGSAVE succeeded, and both guests
# still answer at the end. Prints the totals.
# Environment: BUILD_DIR (build), STRESS_SECONDS, STRESS_HTTP_CONNECTIONS, STRESS_CPUS (1).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && realpath -m "${BUILD_DIR:-build}")"
seconds="${STRESS_SECONDS:-300}"
connections="${STRESS_HTTP_CONNECTIONS:-64}"
ingot="$build/bin/ingot"
http_image="$build/examples/http-server/http-server.img"
redis_bin="$build/apps/redis/bin"
for needed in "$ingot" "$http_image" "$redis_bin/redis-server" "$redis_bin/redis-benchmark"; do
  [[ -x $needed || -f $needed ]] || { echo "stress: $needed is missing: run 'make test' first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "stress: wrk is missing (scripts/install-deps.sh --bench)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "stress: FAIL: $*" >&2; tail -n 20 "$work"/*.log >&2 || true; exit 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

http_port=$(free_port)
redis_port=$(free_port)
"$ingot" run --net user -p "$http_port:8080" --timeout $((seconds + 120)) "$http_image" >"$work/http.log" 2>&1 &
pids+=($!)
"$ingot" run --net user -p "$redis_port:6379" --mem 512M --timeout $((seconds + 120)) "$redis_bin/redis-server" \
  -- --port 6379 --protected-mode no --save "" --appendonly yes --dir /tmp >"$work/redis.log" 2>&1 &
pids+=($!)
cli() { timeout 30 "$redis_bin/redis-cli" -h 127.0.0.1 -p "$redis_port" "$@"; }
for _ in $(seq 240); do
  curl -fsS -o /dev/null "http://127.0.0.1:$http_port/" 2>/dev/null && [[ $(cli ping 2>/dev/null) == PONG ]] && break
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$http_port/" || fail "the HTTP server did not start"
[[ $(cli ping) == PONG ]] || fail "Redis did not start"
echo "stress: both guests up; loading them for $seconds s" >&2

wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s "http://127.0.0.1:$http_port/" >"$work/wrk.out" 2>&1 &
wrk_pid=$!
end=$(($(date +%s) + seconds))
rounds=0 saves=0
while (($(date +%s) < end)); do
  for pipeline in 1 16; do
    timeout 120 "$redis_bin/redis-benchmark" -h 127.0.0.1 -p "$redis_port" -n 20000 -c 50 -P "$pipeline" \
      -t set,get,incr,lpush,lpop -q >"$work/round.out" 2>&1 || fail "redis-benchmark round $rounds failed: $(cat "$work/round.out")"
    grep -qi error "$work/round.out" && fail "redis-benchmark round $rounds: $(cat "$work/round.out")"
    rounds=$((rounds + 1))
  done
  if ((rounds % 4 == 0)); then
    [[ $(cli BGSAVE) == "Background saving started" ]] || fail "BGSAVE refused"
    for _ in $(seq 120); do [[ $(cli INFO persistence | tr -d '\r' | sed -n 's/^rdb_bgsave_in_progress://p') == 0 ]] && break; sleep 0.5; done
    [[ $(cli INFO persistence | tr -d '\r' | sed -n 's/^rdb_last_bgsave_status://p') == ok ]] || fail "BGSAVE failed"
    saves=$((saves + 1))
  fi
done
wait "$wrk_pid" || fail "wrk failed: $(cat "$work/wrk.out")"
requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
grep -qE 'Socket errors|Non-2xx' "$work/wrk.out" && fail "wrk saw errors: $(cat "$work/wrk.out")"
curl -fsS -o /dev/null "http://127.0.0.1:$http_port/" || fail "the HTTP server stopped answering"
[[ $(cli ping) == PONG ]] || fail "Redis stopped answering"
echo "stress: PASS: $seconds s; HTTP: $requests requests at $connections connections, no errors;" \
  "Redis: $rounds redis-benchmark rounds of 100000 requests, $saves BGSAVE children, no errors"
