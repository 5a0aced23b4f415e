#!/usr/bin/env bash
# A disk the host takes away while the program writes to it: crash_writer writes and fsyncs
# records on an ext4 volume until, after some records, the host deletes the drive under the
# running guest (QEMU's drive_del through QMP; the device stays and answers every request with
# an I/O error). The program must see EIO and end with its own error (status 1, no kernel
# panic), the kernel must say on stderr that the disk failed, and the disk must be intact: a
# later boot replays the journal and finds every record the program reported as synced, and
# e2fsck -fn then finds the file system clean.
#   disk_removed.sh INGOT CRASH_WRITER [ingot run options...]
set -uo pipefail
[[ $# -ge 2 ]] || { sed -n '2,9p' "$0" >&2; exit 2; }
ingot=$1 writer=$2
shift 2
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.out "$work"/*.err; do [[ -f $f ]] && { echo "--- $f"; tail -15 "$f"; }; done
  exit 1
}
"$ingot" disk create "$work/disk.img" --size 64M >/dev/null || fail "ingot disk create failed"

# ingot run starts QEMU through this wrapper, which opens a QMP socket beside the guest.
cat >"$work/qemu" <<WRAPPER
#!/bin/sh
exec ${INGOT_QEMU:-qemu-system-x86_64} "\$@" -qmp unix:$work/qmp.sock,server=on,wait=off
WRAPPER
chmod +x "$work/qemu"

"$ingot" run "$@" --qemu "$work/qemu" --net none --volume "$work/disk.img:/data" --timeout 120 \
  "$writer" -- write /data >"$work/write.out" 2>"$work/write.err" &
ingot_pid=$!
for _ in $(seq 600); do
  grep -q '^synced 10$' "$work/write.out" && break
  kill -0 "$ingot_pid" 2>/dev/null || fail "the writer ended before the disk was removed"
  sleep 0.1
done
grep -q '^synced 10$' "$work/write.out" || fail "the writer did not sync 10 records within 60 s"

python3 - "$work/qmp.sock" <<'PY' || fail "QMP drive_del failed"
import json, socket, sys
qmp = socket.socket(socket.AF_UNIX)
qmp.connect(sys.argv[1])
stream = qmp.makefile("rw")
stream.readline()  # the greeting
def execute(command, **arguments):
    stream.write(json.dumps({"execute": command, "arguments": arguments}) + "\n")
    stream.flush()
    while True:  # events may come before the answer
        answer = json.loads(stream.readline())
        if "return" in answer or "error" in answer:
            return answer
execute("qmp_capabilities")
answer = execute("human-monitor-command", **{"command-line": "drive_del disk0"})
if "error" in answer or answer["return"]:
    sys.exit(f"drive_del: {answer}")
PY

wait "$ingot_pid"
status=$?
synced=$(awk '$1 == "synced" && NF == 2 {n = $2} END {print n + 0}' "$work/write.out")
((status == 1)) || fail "the guest ended with status $status, not the writer's 1"
grep -q 'Input/output error' "$work/write.out" || fail "the writer did not see EIO"
grep -q 'virtio-blk: the disk failed a request' "$work/write.err" || fail "the kernel did not say the disk failed"
grep -q 'panic' "$work/write.err" && fail "the kernel panicked"
echo "ok: disk_removed: after $synced synced records the writer got EIO: $(grep -m1 'Input/output error' "$work/write.out")"

"$ingot" run "$@" --net none --volume "$work/disk.img:/data" --timeout 120 "$writer" -- check /data "$synced" \
  >"$work/check.out" 2>"$work/check.err" || fail "records reported as synced are missing after the disk came back"
e2fsck -fn "$work/disk.img" >"$work/e2fsck.out" 2>&1 || fail "e2fsck -fn found problems: $(tail -5 "$work/e2fsck.out")"
echo "ok: disk_removed: the next boot found $(head -1 "$work/check.out" | sed 's/^log: //'); e2fsck clean"
