#!/usr/bin/env bash
# The disk boot test: attaches raw disk files with --disk and runs tests/guest/disk_io on them
# (a writable /dev/vda, then a read-only /dev/vdb of another size, which also checks that disks
# appear in command-line order), checks what the program saw and then the files' bytes on the
# host; finally checks that a --volume the kernel cannot mount ends the boot with status 1 and
# one line naming the disk.
#
#   disk_io.sh INGOT PROGRAM MACHINE
set -uo pipefail
[[ $# -eq 3 ]] || { sed -n '2,8p' "$0" >&2; exit 2; }
ingot="$1" program="$2" machine="$3"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
truncate -s 1M "$dir/rw.img"
truncate -s 2M "$dir/ro.img"
printf '\007' | dd of="$dir/ro.img" conv=notrunc status=none
fail=0

# run_guest NAME EXPECTED_STATUS [ingot run options...]: runs and keeps stdout and stderr.
run_guest() {
  local name="$1" expected="$2"
  shift 2
  "$ingot" run "$program" --machine "$machine" --net none --timeout 120 "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  local status=$?
  if [[ $status -ne $expected ]]; then
    echo "$name: expected status $expected, got $status"; cat "$dir/$name.out" "$dir/$name.err"; fail=1
  fi
}
expect_line() {
  grep -qxF -- "$2" "$dir/$1.out" || { echo "$1: stdout lacks: $2"; cat "$dir/$1.out" "$dir/$1.err"; fail=1; }
}

run_guest rw 0 --disk "$dir/rw.img" --disk "$dir/ro.img:ro" -- rw /dev/vda
expect_line rw "block device: yes, major 254"
expect_line rw "size 1048576 bytes, sector 512, SEEK_END 1048576"
expect_line rw "read back 131072 bytes, 0 wrong"
expect_line rw "discard: 0"
expect_line rw "discard unaligned: -1 EINVAL"
expect_line rw "discard past the end: -1 EINVAL"
expect_line rw "write past the end: -1 ENOSPC"
expect_line rw "read at the end: 0"
python3 - "$dir/rw.img" <<'PY' || fail=1
import sys
data = open(sys.argv[1], "rb").read()
want = bytearray(((i * 131) ^ (i >> 9) ^ 0x5A) & 0xFF for i in range(131072))
want[1000:4000] = b"\xab" * 3000
# The discarded 128 KiB after the pattern was zero before and reads as zero after (a hole).
if len(data) != 1048576 or data[:131072] != want or data[131072:] != bytes(1048576 - 131072):
    print("rw.img: the host does not see the bytes the guest wrote")
    sys.exit(1)
PY

run_guest ro 0 --disk "$dir/rw.img" --disk "$dir/ro.img:ro" -- ro /dev/vdb
expect_line ro "block device: yes, major 254"
expect_line ro "size 2097152 bytes, sector 512, SEEK_END 2097152"
expect_line ro "first byte 7"
expect_line ro "write: -1 EPERM"
expect_line ro "discard: -1 EPERM"
[[ $(od -An -tu1 -N1 "$dir/ro.img" | tr -d ' ') == 7 ]] || { echo "ro.img changed"; fail=1; }

run_guest volume 1 --volume "$dir/rw.img:/data" -- ro /dev/vda
grep -qE '^ingot: disk 0 \(/dev/vda\): cannot mount at /data: ' "$dir/volume.err" ||
  { echo "volume: no mount error line"; cat "$dir/volume.err"; fail=1; }
[[ -s $dir/volume.out ]] && { echo "volume: the program ran"; fail=1; }

[[ $fail -eq 0 ]] && echo "disk I/O as expected on $machine"
exit $fail
