#!/usr/bin/env bash
# Crash safety of the ext4 disk: a program writes and fsyncs (crash_writer write) until QEMU is
# killed with SIGKILL at a random moment; then a fresh boot mounts the disk (replaying the
# journal) and checks that every record the program reported as synced is there (crash_writer
# check), and after that clean shutdown the host's e2fsck -fn must find nothing to fix. The
# writer holds a file it unlinked (committed before its first record): after a crash that came
# later, that mount must free the orphan inode.
#
#   disk_crash_loop.sh INGOT CRASH_WRITER [ITERATIONS (50)]
#
# The disk grows across iterations: each writer resumes the log after its last whole record.
# Kill moments are drawn from $RANDOM, seeded by CRASH_SEED (printed, to replay a failure).
set -uo pipefail
[[ $# -ge 2 ]] || { sed -n '2,10p' "$0" >&2; exit 2; }
ingot="$1" writer="$2" iterations="${3:-50}"
seed="${CRASH_SEED:-$$}"
RANDOM=$seed
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
disk="$work/disk.img"
"$ingot" disk create "$disk" --size 64M || { echo "cannot create the disk"; exit 1; }
echo "seed $seed, $iterations iterations"

# The pid of the QEMU that ingot (pid $1) started, once it runs.
qemu_of() {
  local child
  for _ in $(seq 100); do
    child=$(pgrep -P "$1" | head -1)
    [[ -n $child ]] && { echo "$child"; return 0; }
    sleep 0.05
  done
  return 1
}

fail() {
  echo "iteration $i: $*"
  for f in "$work"/*.out "$work"/*.err; do echo "--- $f"; tail -20 "$f"; done
  exit 1
}

total_synced=0 total_orphans=0
for ((i = 1; i <= iterations; i++)); do
  "$ingot" run --net none --volume "$disk:/data" --timeout 120 "$writer" -- write /data \
    >"$work/write.out" 2>"$work/write.err" &
  ingot_pid=$!
  qemu=$(qemu_of "$ingot_pid") || fail "QEMU did not start"
  # Boot takes a few hundred milliseconds under TCG; kill anywhere from before the program
  # starts to well into its writing.
  sleep "$((RANDOM % 2500 / 1000)).$(printf %03d $((RANDOM % 1000)))"
  kill -9 "$qemu" 2>/dev/null
  wait "$ingot_pid"
  synced=$(awk '$1 == "synced" && NF == 2 {n = $2} END {print n + 0}' "$work/write.out")
  "$ingot" run --net none --volume "$disk:/data" --timeout 120 "$writer" -- check /data "$synced" \
    >"$work/check.out" 2>"$work/check.err" || fail "the check after the crash failed"
  e2fsck -fn "$disk" >"$work/e2fsck.out" 2>&1 || fail "e2fsck -fn found problems"
  orphans=$(sed -n 's/.*ext2: freed \([0-9]*\) orphan inodes.*/\1/p' "$work/check.err")
  (( synced == 0 || ${orphans:-0} > 0 )) || fail "the mount after the crash freed no orphan inode"
  (( total_synced += synced, total_orphans += ${orphans:-0} ))
  echo "iteration $i: killed after $synced synced records; $(head -1 "$work/check.out"); ${orphans:-0} orphans freed; e2fsck clean"
done
echo "$iterations crashes survived, $total_synced records synced and $total_orphans orphan inodes freed in all"
