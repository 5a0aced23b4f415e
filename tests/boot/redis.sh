#!/usr/bin/env bash
# Redis from Debian's source package (tests/apps/debian_app.sh) as an Ingot image, against the
# same redis-server run natively: every reply to tests/apps/redis_commands.txt (strings, lists,
# hashes, sets, sorted sets, expiry, MULTI/EXEC, Lua, lazy freeing in a background thread, SAVE)
# must be identical, then redis-benchmark must run without errors against the guest, and
# SHUTDOWN must end the guest with status 0. Redis's AOF fsync and lazy-free jobs run in its
# background (bio) threads.
# Usage: redis.sh INGOT REDIS_BIN_DIR [ingot run options...]
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 INGOT REDIS_BIN_DIR [ingot run options...]" >&2; exit 2; }
ingot=$1
bin=$2
shift 2
run_options=("$@")
commands=$(cd "$(dirname "${BASH_SOURCE[0]}")/../apps" && pwd)/redis_commands.txt
for program in redis-server redis-cli redis-benchmark; do
  [[ -x $bin/$program ]] || {
    echo "FAIL: $bin/$program is missing: building Redis from Debian's source package failed" \
      "(see the apps.build.redis test, or run tests/apps/debian_app.sh BUILD/apps redis)"
    exit 1
  }
done

source "$(dirname "${BASH_SOURCE[0]}")/server_test_lib.sh"
cli() { local port=$1; shift; timeout 60 "$bin/redis-cli" -h 127.0.0.1 -p "$port" --no-raw "$@"; }

# The same configuration for both, apart from the port and the directory: AOF on (fsync every
# second from a background thread), no RDB snapshots unless asked, no protected mode (QEMU's
# user network makes the host's connections come from 10.0.2.2, not from loopback).
server_args=(--save "" --appendonly yes --appendfsync everysec --protected-mode no --daemonize no)
native_port=$(free_port)
guest_port=$(free_port)
started=$(date +%s)
"$ingot" run "${run_options[@]}" --net user -p "$guest_port:6379" --timeout 240 \
  "$bin/redis-server" -- --port 6379 --dir /tmp "${server_args[@]}" </dev/null >"$work/guest.log" 2>&1 &
guest_pid=$!
mkdir "$work/native"
"$bin/redis-server" --port "$native_port" --bind 127.0.0.1 --dir "$work/native" "${server_args[@]}" \
  </dev/null >"$work/native.log" 2>&1 &
native_pid=$!

wait_ready() {
  local port=$1 pid=$2 name=$3
  for _ in $(seq 240); do
    [[ $("$bin/redis-cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the $name redis-server ended before answering PING"
    sleep 0.5
  done
  fail "the $name redis-server did not answer PING"
}
wait_ready "$native_port" "$native_pid" native
wait_ready "$guest_port" "$guest_pid" guest
pass "both servers answer PING (guest after $(($(date +%s) - started)) s)"

# Every reply, in one connection per server (MULTI/EXEC needs one).
# avg_ttl in INFO keyspace is an estimate that Redis's timer updates by sampling keys with an
# expiry whenever it happens to run: it depends on timing, not on the commands, so it is left out.
without_avg_ttl() { sed -E 's/,avg_ttl=[0-9]+//'; }
cli "$native_port" <"$commands" 2>&1 | without_avg_ttl >"$work/native.replies" ||
  fail "redis-cli against the native server failed"
cli "$guest_port" <"$commands" 2>&1 | without_avg_ttl >"$work/guest.replies" || fail "redis-cli against the guest failed"
diff -u "$work/native.replies" "$work/guest.replies" >"$work/replies.diff" ||
  fail "replies differ (native -, guest +):"$'\n'"$(cat "$work/replies.diff")"
pass "$(grep -cv '^ *$' "$commands") commands, $(wc -l <"$work/native.replies") reply lines identical"

# Counters that the background threads and the persistence code keep: lazily freed objects
# (UNLINK of the 1000-element list above goes to a bio thread), the AOF's write status.
info_fields='^(lazyfreed_objects|lazyfree_pending_objects|aof_enabled|aof_last_write_status|rdb_last_bgsave_status|total_error_replies|db0):'
for side in native guest; do
  port=${side}_port
  for _ in $(seq 20); do
    cli "${!port}" INFO everything | tr -d '\r' | grep -E "$info_fields" | without_avg_ttl | sort >"$work/$side.info"
    grep -q '^lazyfree_pending_objects:0$' "$work/$side.info" && break
    sleep 0.5
  done
done
diff -u "$work/native.info" "$work/guest.info" >"$work/info.diff" ||
  fail "INFO fields differ (native -, guest +):"$'\n'"$(cat "$work/info.diff")"
grep -q '^lazyfreed_objects:1$' "$work/guest.info" || fail "the guest freed no object in the background: $(cat "$work/guest.info")"
pass "INFO agrees: $(tr '\n' ' ' <"$work/guest.info")"

# BGSAVE and BGREWRITEAOF fork a child that writes the data set while the parent serves; each
# must start, finish and report success on both servers alike.
persistence_field() {  # PORT FIELD
  cli "$1" INFO persistence | tr -d '\r' | sed -n "s/^$2://p"
}
wait_field() {  # PORT FIELD VALUE WHAT
  for _ in $(seq 120); do
    [[ $(persistence_field "$1" "$2") == "$3" ]] && return 0
    sleep 0.5
  done
  fail "$4: $2 never became $3"
}
for side in native guest; do
  port=${side}_port
  reply=$(cli "${!port}" BGSAVE 2>&1) || fail "BGSAVE on the $side server: redis-cli failed"
  [[ $reply == "Background saving started" ]] || fail "BGSAVE on the $side server: '$reply'"
  wait_field "${!port}" rdb_bgsave_in_progress 0 "BGSAVE on the $side server"
  [[ $(persistence_field "${!port}" rdb_last_bgsave_status) == ok ]] || fail "BGSAVE on the $side server failed"
  [[ $(persistence_field "${!port}" rdb_changes_since_last_save) == 0 ]] ||
    fail "BGSAVE on the $side server left changes unsaved"
  reply=$(cli "${!port}" BGREWRITEAOF 2>&1) || fail "BGREWRITEAOF on the $side server: redis-cli failed"
  [[ $reply == "Background append only file rewriting started" ]] || fail "BGREWRITEAOF on the $side server: '$reply'"
  wait_field "${!port}" aof_rewrite_in_progress 0 "BGREWRITEAOF on the $side server"
  [[ $(persistence_field "${!port}" aof_last_bgrewrite_status) == ok ]] || fail "BGREWRITEAOF on the $side server failed"
  [[ $(cli "${!port}" PING) == PONG ]] || fail "the $side server does not answer PING after its children ended"
done
[[ $(cli "$native_port" DBSIZE) == $(cli "$guest_port" DBSIZE) ]] || fail "DBSIZE differs after the background saves"
pass "BGSAVE and BGREWRITEAOF: a forked child saved the data set on both servers"

# Load from 10 clients; redis-benchmark exits non-zero or prints an error on any failed request.
benchmark_started=$(date +%s.%N)
timeout 120 "$bin/redis-benchmark" -h 127.0.0.1 -p "$guest_port" -n 2000 -c 10 -t set,get -q \
  </dev/null >"$work/benchmark.out" 2>&1 || fail "redis-benchmark failed: $(cat "$work/benchmark.out")"
tr '\r' '\n' <"$work/benchmark.out" | grep -oE '(SET|GET): [0-9.]+ requests per second' >"$work/benchmark.summary" || true
[[ $(wc -l <"$work/benchmark.summary") == 2 ]] && ! grep -qi error "$work/benchmark.out" ||
  fail "redis-benchmark: $(cat "$work/benchmark.out")"
[[ $(cli "$guest_port" STRLEN key:__rand_int__) == '(integer) 3' ]] || fail "the benchmark's key does not hold its 3-byte value"
pass "redis-benchmark -n 2000 -c 10 in $(python3 -c "import time; print(f'{time.time() - $benchmark_started:.1f}')") s: $(tr '\n' ' ' <"$work/benchmark.summary")"

# SHUTDOWN (with AOF on, Redis flushes and fsyncs it) ends the program with status 0.
cli "$guest_port" SHUTDOWN >/dev/null 2>&1 || true
for _ in $(seq 60); do kill -0 "$guest_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$guest_pid" 2>/dev/null && fail "the guest is still running after SHUTDOWN"
status=0
wait "$guest_pid" || status=$?
guest_pid=
((status == 0)) || fail "the guest ended with status $status after SHUTDOWN"
grep -q 'Redis is now ready to exit, bye bye' "$work/guest.log" || fail "the guest did not log its shutdown"
unsupported=$( (grep -o 'unsupported system call [a-z_0-9]*' "$work/guest.log" || true) | sort -u | sed 's/unsupported system call //' | tr '\n' ' ')
echo "PASS: Redis under Ingot matches the native run ($(($(date +%s) - started)) s; system calls Ingot left unsupported: ${unsupported:-none})"
