#!/usr/bin/env bash
# File-system semantics on an ext4 disk (tests/guest/disk_fs.c): `disk_fs write` on a fresh disk
# from `ingot disk create`, mounted with --volume, must print what it prints natively on a host
# directory; then a second boot's `disk_fs verify` must find everything, and the host's
# e2fsck -fn must find the disk clean after each boot.
#   disk_fs.sh INGOT DISK_FS [ingot run options...]
set -uo pipefail
[[ $# -ge 2 ]] || { sed -n '2,6p' "$0" >&2; exit 2; }
ingot=$1 program=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$ingot" disk create "$work/disk.img" --size 64M >/dev/null || fail "ingot disk create failed"
mkdir "$work/native"
for mode in write verify; do
  "$program" "$mode" "$work/native" >"$work/native.$mode" 2>&1 || fail "native $mode failed: $(tail -3 "$work/native.$mode")"
  "$ingot" run "$@" --net none --volume "$work/disk.img:/data" --timeout 240 "$program" -- "$mode" /data \
    >"$work/guest.$mode" 2>"$work/guest.err" || fail "guest $mode failed: $(tail -5 "$work/guest.err")"
  diff -u "$work/native.$mode" "$work/guest.$mode" || fail "disk_fs $mode differs from the native run"
  e2fsck -fn "$work/disk.img" >"$work/e2fsck.out" 2>&1 || { cat "$work/e2fsck.out"; fail "e2fsck -fn after $mode"; }
  echo "ok: disk_fs $mode: $(wc -l <"$work/native.$mode") lines as native, e2fsck clean"
done
