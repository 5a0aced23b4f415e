#!/usr/bin/env bash
# File-system semantics on an ext4 disk (tests/guest/disk_fs.c): `disk_fs write` on a fresh disk
# from `ingot disk create`, mounted with --volume, must print what it prints natively on a host
# directory; then a second boot's `disk_fs verify` must find everything, and the host's
# e2fsck -fn must find the disk clean after each boot. With DISK_FS_DISCARD=1 (a program with
# the fill and drain modes of tests/guest/disk_fs.c), `fill` then writes a 16 MiB file and
# `drain` removes it: the kernel discards the freed blocks and QEMU (discard=unmap) punches
# them out of the image, which must give at least 12 MiB back to the host (checked where the
# host's file system can punch holes).
#   [DISK_FS_DISCARD=1] disk_fs.sh INGOT PROGRAM [ingot run options...]
set -uo pipefail
[[ $# -ge 2 ]] || { sed -n '2,6p' "$0" >&2; exit 2; }
ingot=$1 program=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$ingot" disk create "$work/disk.img" --size 64M >/dev/null || fail "ingot disk create failed"
mkdir "$work/native"
allocated() { echo $(($(stat -c '%b * %B' "$work/disk.img") / 1048576)); }  # MiB the image holds
modes="write verify"
[[ ${DISK_FS_DISCARD:-0} == 1 ]] && modes+=" fill drain"
for mode in $modes; do
  "$program" "$mode" "$work/native" >"$work/native.$mode" 2>&1 || fail "native $mode failed: $(tail -3 "$work/native.$mode")"
  "$ingot" run "$@" --net none --volume "$work/disk.img:/data" --timeout 240 "$program" -- "$mode" /data \
    >"$work/guest.$mode" 2>"$work/guest.err" || fail "guest $mode failed: $(tail -5 "$work/guest.err")"
  diff -u "$work/native.$mode" "$work/guest.$mode" || fail "disk_fs $mode differs from the native run"
  e2fsck -fn "$work/disk.img" >"$work/e2fsck.out" 2>&1 || { cat "$work/e2fsck.out"; fail "e2fsck -fn after $mode"; }
  echo "ok: disk_fs $mode: $(wc -l <"$work/native.$mode") lines as native, e2fsck clean"
  [[ $mode == fill ]] && filled=$(allocated)
done
[[ ${DISK_FS_DISCARD:-0} == 1 ]] || exit 0
trimmed=$(PATH=$PATH:/usr/sbin:/sbin debugfs -R "cat /fitrim.txt" "$work/disk.img" 2>/dev/null)
[[ $trimmed =~ ^fitrim:\ [1-9][0-9]*\ bytes$ ]] || fail "FITRIM on the disk: '$trimmed', not a count of bytes"
echo "ok: disk_fs: $trimmed"
printf 'x%.0s' {1..8192} >"$work/probe"
if fallocate --punch-hole --offset 0 --length 4096 "$work/probe" 2>/dev/null; then
  drained=$(allocated)
  ((filled - drained >= 12)) || fail "the image holds ${drained} MiB after the 16 MiB file went (${filled} MiB before): freed blocks were not discarded"
  echo "ok: disk_fs: the image went from ${filled} MiB to ${drained} MiB when the 16 MiB file was removed"
else
  echo "ok: disk_fs: the host's file system cannot punch holes; discard not checked"
fi
