#!/usr/bin/env bash
# Redis and nginx as Ingot images with several CPUs, both under load at once for a while, with
# zero errors allowed:
#   - redis-benchmark rounds (50 clients, SET/GET/INCR/LPUSH without pipelining, SET/GET/LPUSH
#     with 16 commands a batch); every round must succeed, and the INCR counter must equal the
#     number of INCRs sent, so that no update was lost between the CPUs (with pipelining,
#     redis-benchmark may send a few more than asked, so INCR goes only without it);
#   - rounds of 64 parallel curl transfers of a 256 KiB file from nginx's two workers, each
#     compared with the file.
# Usage: smp_stress.sh INGOT REDIS_BIN_DIR NGINX [ingot run options...]
# The load lasts INGOT_STRESS_SECONDS (default 60); each server gets --cpus 4 unless the
# options say otherwise.
set -uo pipefail

[[ $# -ge 3 ]] || { echo "usage: $0 INGOT REDIS_BIN_DIR NGINX [ingot run options...]" >&2; exit 2; }
ingot=$1 bin=$2 nginx=$3
shift 3
run_options=(--cpus 4 "$@")
seconds=${INGOT_STRESS_SECONDS:-60}
apps=$(cd "$(dirname "${BASH_SOURCE[0]}")/../apps" && pwd)
for program in "$bin/redis-server" "$bin/redis-cli" "$bin/redis-benchmark" "$nginx"; do
  [[ -x $program ]] || { echo "FAIL: $program is missing (see the apps.build.* tests)"; exit 1; }
done

source "$(dirname "${BASH_SOURCE[0]}")/server_test_lib.sh"
redis_pid= nginx_pid=
stop_servers() { for pid in $redis_pid $nginx_pid; do kill "$pid" 2>/dev/null || true; done; }
trap 'stop_servers; rm -rf "$work"' EXIT
cli() { timeout 60 "$bin/redis-cli" -h 127.0.0.1 -p "$redis_port" "$@"; }

# Redis: no persistence, so the load is the network and the data structures.
redis_port=$(free_port)
"$ingot" run "${run_options[@]}" --net user -p "$redis_port:6379" --timeout $((seconds + 240)) \
  "$bin/redis-server" -- --port 6379 --save "" --appendonly no --protected-mode no --daemonize no \
  </dev/null >"$work/guest.log" 2>&1 &
redis_pid=$!

# nginx: a master and two workers serving one 256 KiB file.
root="$work/root"
mkdir -p "$root/www" "$root/etc"
head -c $((256 * 1024)) /dev/urandom >"$root/www/blob.bin"
echo 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$root/etc/passwd"
echo 'nogroup:x:65534:' >"$root/etc/group"
sed -e "s|@PORT@|8080|" -e "s|@ROOT@||" -e "s|@TMP@|/tmp|" "$apps/nginx.conf.in" >"$root/nginx.conf"
nginx_port=$(free_port)
"$ingot" run "${run_options[@]}" --net user -p "$nginx_port:8080" --files "$root" --timeout $((seconds + 240)) \
  "$nginx" -- -p /tmp/ -e stderr -c /nginx.conf </dev/null >"$work/nginx.log" 2>&1 &
nginx_pid=$!

for _ in $(seq 240); do
  [[ $(cli PING 2>/dev/null) == PONG ]] &&
    [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$nginx_port/blob.bin") == 200 ]] && break
  kill -0 "$redis_pid" 2>/dev/null || fail "the Redis guest ended before serving"
  kill -0 "$nginx_pid" 2>/dev/null || fail "the nginx guest ended before serving"
  sleep 0.5
done
[[ $(cli PING) == PONG ]] || fail "Redis did not answer PING"
pass "Redis and nginx answer, each on ${run_options[*]}"

# Each load runs in the background until the deadline and leaves its verdict in a file.
deadline=$(($(date +%s) + seconds))
redis_load() {
  local rounds=0 incrs=0 sent=0 requests=1000
  while (($(date +%s) < deadline)); do
    for pipeline in 1 16; do
      local tests=set,get,lpush
      ((pipeline == 1)) && tests=$tests,incr
      if ! timeout 120 "$bin/redis-benchmark" -h 127.0.0.1 -p "$redis_port" -c 50 -P "$pipeline" -n "$requests" \
          -t "$tests" -q </dev/null >"$work/round.out" 2>&1 || grep -qi error "$work/round.out"; then
        echo "round $rounds (pipelining $pipeline) failed: $(tr '\r' '\n' <"$work/round.out" | tail -5)" >"$work/redis.verdict"
        return
      fi
      rounds=$((rounds + 1))
      sent=$((sent + requests * (pipeline == 1 ? 4 : 3)))
      ((pipeline == 1)) && incrs=$((incrs + requests))
    done
  done
  local counter
  counter=$(cli GET counter:__rand_int__)
  if [[ $counter != "$incrs" ]]; then
    echo "the INCR counter is $counter after $incrs INCRs" >"$work/redis.verdict"
  else
    echo "ok $rounds rounds, $sent requests, counter $counter" >"$work/redis.verdict"
  fi
}
nginx_load() {
  local rounds=0 transfers=64 urls=()
  for i in $(seq "$transfers"); do urls+=(-o "$work/got.$i" "http://127.0.0.1:$nginx_port/blob.bin"); done
  while (($(date +%s) < deadline)); do
    rm -f "$work"/got.*
    if ! curl -sS --fail -m 120 --parallel --parallel-max 16 "${urls[@]}" 2>"$work/curl.err"; then
      echo "round $rounds failed: $(head -3 "$work/curl.err")" >"$work/nginx.verdict"
      return
    fi
    for i in $(seq "$transfers"); do
      cmp -s "$work/got.$i" "$root/www/blob.bin" || { echo "round $rounds: transfer $i differs" >"$work/nginx.verdict"; return; }
    done
    rounds=$((rounds + 1))
  done
  echo "ok $rounds rounds, $((rounds * transfers)) transfers of 256 KiB" >"$work/nginx.verdict"
}
redis_load &
redis_loader=$!
nginx_load &
nginx_loader=$!
wait "$redis_loader" "$nginx_loader"

for server in redis nginx; do
  verdict=$(cat "$work/$server.verdict" 2>/dev/null || echo "no verdict")
  [[ $verdict == ok* ]] || fail "$server: $verdict"
  pass "$server under load for $seconds s: ${verdict#ok }"
done
kill -0 "$redis_pid" 2>/dev/null || fail "the Redis guest ended during the load"
kill -0 "$nginx_pid" 2>/dev/null || fail "the nginx guest ended during the load"
echo "PASS: Redis and nginx served $seconds s of load on ${run_options[*]} with no error"
