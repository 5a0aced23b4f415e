#!/usr/bin/env bash
# The disk cache and memory (tests/guest/disk_cache.c): in a 64 MiB machine, a 40 MiB file
# written to an ext4 volume stays cached, the program can still take 40 MiB for itself (the
# cache gives it back), the file reads back intact and posix_fadvise DONTNEED drops it from the
# cache; e2fsck -fn finds the disk clean.
#   disk_cache.sh INGOT DISK_CACHE [ingot run options...]
set -uo pipefail
[[ $# -ge 2 ]] || { sed -n '2,5p' "$0" >&2; exit 2; }
ingot=$1 program=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$ingot" disk create "$work/disk.img" --size 96M >/dev/null || fail "ingot disk create failed"
"$ingot" run "$@" --mem 64M --net none --volume "$work/disk.img:/data" --timeout 300 "$program" -- /data \
  >"$work/out" 2>"$work/err" || fail "guest failed: $(cat "$work/out"; tail -5 "$work/err")"
cat "$work/out"
grep -v '^ingot:' "$work/err"
expected=$'wrote 40 MiB\nread: 0 wrong\ncache holds the file: yes\ntook 40 MiB of memory\ncache gave memory back: yes\nread again: 0 wrong\n1 MiB through a pipe: ok\nfadvise DONTNEED: 0, cache dropped the file: yes'
[[ "$(cat "$work/out")" == "$expected" ]] || fail "unexpected output"
e2fsck -fn "$work/disk.img" >"$work/e2fsck.out" 2>&1 || { cat "$work/e2fsck.out"; fail "e2fsck -fn"; }
echo "ok: cache and program shared 64 MiB, e2fsck clean"
