#!/usr/bin/env bash
# Redis's data on an ext4 disk survives a restart: Redis from Debian's source package runs as an
# Ingot image with --volume DISK:/data and --dir /data, AOF on with appendfsync always, and is
# loaded over the user network; SHUTDOWN writes its RDB snapshot and ends the machine. A second
# boot on the same disk must load the AOF and answer with every value, then a third boot with
# AOF off must load the RDB snapshot alone. The host's e2fsck -fn must find the disk clean
# after each boot, and see the files Redis wrote.
# Usage: redis_disk.sh INGOT REDIS_BIN_DIR [ingot run options...]
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 INGOT REDIS_BIN_DIR [ingot run options...]" >&2; exit 2; }
ingot=$1 bin=$2
shift 2
run_options=("$@")
for program in redis-server redis-cli; do
  [[ -x $bin/$program ]] || {
    echo "FAIL: $bin/$program is missing: building Redis from Debian's source package failed" \
      "(see the apps.build.redis test)"
    exit 1
  }
done
source "$(dirname "${BASH_SOURCE[0]}")/server_test_lib.sh"
cli() { timeout 60 "$bin/redis-cli" -h 127.0.0.1 -p "$port" "$@"; }

disk="$work/disk.img"
"$ingot" disk create "$disk" --size 128M >/dev/null || fail "ingot disk create failed"
port=$(free_port)

# boot NAME REDIS_ARGS...: starts the guest in the background and waits for PING.
boot() {
  local name=$1
  shift
  "$ingot" run "${run_options[@]}" --net user -p "$port:6379" --volume "$disk:/data" --timeout 240 \
    "$bin/redis-server" -- --port 6379 --dir /data --protected-mode no --daemonize no "$@" \
    </dev/null >"$work/guest.log" 2>&1 &
  guest_pid=$!
  for _ in $(seq 240); do
    [[ $(cli ping 2>/dev/null) == PONG ]] && return 0
    kill -0 "$guest_pid" 2>/dev/null || fail "$name: redis-server ended before answering PING"
    sleep 0.5
  done
  fail "$name: redis-server did not answer PING"
}

# shutdown NAME: SHUTDOWN SAVE (the RDB snapshot is written even with --save ""), then the guest
# must end with 0 and leave the disk clean.
shutdown() {
  cli shutdown save >/dev/null 2>&1 || true
  local status=0
  wait "$guest_pid" || status=$?
  guest_pid=
  [[ $status -eq 0 ]] || fail "$1: the guest ended with status $status after SHUTDOWN"
  e2fsck -fn "$disk" >"$work/e2fsck.log" 2>&1 || { cat "$work/e2fsck.log"; fail "$1: e2fsck -fn found problems"; }
}

# Values that exercise the formats: plain strings, a 100 KB string, integers, lists, hashes.
expected() {
  for i in $(seq 1 300); do echo "key:$i=value-$i"; done
  echo "counter=600"
  echo "big=$(head -c 100000 /dev/zero | tr '\0' 'x' | md5sum | cut -d' ' -f1)"
  echo "list=$(seq 1 50 | tr '\n' ' ')"
  echo "hash=$(for i in $(seq 1 20); do printf 'f%d v%d ' "$i" "$i"; done)"
}
observed() {
  for i in $(seq 1 300); do echo "key:$i=$(cli get "key:$i")"; done
  echo "counter=$(cli get counter)"
  echo "big=$(cli get big | tr -d '\n' | md5sum | cut -d' ' -f1)"
  echo "list=$(cli lrange list 0 -1 | tr '\n' ' ')"
  echo "hash=$(cli hgetall hash | paste -d' ' - - | sort -V | tr '\n' ' ')"
}

boot "first boot" --appendonly yes --appendfsync always --save ""
for i in $(seq 1 300); do echo "SET key:$i value-$i"; done | cli >/dev/null
for i in $(seq 1 600); do echo "INCR counter"; done | cli >/dev/null
head -c 100000 /dev/zero | tr '\0' 'x' | cli -x set big >/dev/null
cli rpush list $(seq 1 50) >/dev/null
cli hset hash $(for i in $(seq 1 20); do printf 'f%d v%d ' "$i" "$i"; done) >/dev/null
expected >"$work/expected"
observed >"$work/first"
diff -u "$work/expected" "$work/first" || fail "first boot: the values read back differ"
shutdown "first boot"
pass "first boot: 323 keys written with appendfsync always, SHUTDOWN, e2fsck clean"
debugfs -R "ls -l /" "$disk" 2>/dev/null | grep -q "dump.rdb" || fail "no dump.rdb on the disk after SHUTDOWN"
debugfs -R "ls -l /appendonlydir" "$disk" 2>/dev/null | grep -q "aof" || fail "no AOF files on the disk"

boot "second boot" --appendonly yes --appendfsync always --save ""
observed >"$work/second"
diff -u "$work/expected" "$work/second" || fail "second boot: the values loaded from the AOF differ"
shutdown "second boot"
pass "second boot: every value loaded back from the AOF on the disk"

boot "third boot" --appendonly no --save ""
observed >"$work/third"
diff -u "$work/expected" "$work/third" || fail "third boot: the values loaded from the RDB snapshot differ"
shutdown "third boot"
pass "third boot: every value loaded back from dump.rdb"
