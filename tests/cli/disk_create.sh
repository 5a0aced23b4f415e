#!/usr/bin/env bash
# `ingot disk create` end to end with the host's e2fsprogs: an ext4 image filled from a
# directory passes `e2fsck -fn` and has mkfs.ext4's default features (metadata_csum among
# them), all of which the kernel supports, an ext2 image has no journal, an existing file is kept without --force, and
# a missing --from directory is a one-line error with status 1.
# Usage: disk_create.sh INGOT
set -u
ingot=$1
PATH=$PATH:/usr/sbin:/sbin
. "$(dirname "$0")/check_lib.sh"

mkdir -p "$work/root/sub"
echo hello >"$work/root/sub/greeting"
"$ingot" disk create "$work/ext4.img" --size 16M --from "$work/root" || fail "create ext4: status $?"
[ "$(stat -c %s "$work/ext4.img")" -eq $((16 << 20)) ] || fail "ext4.img is not 16 MiB"
e2fsck -fn "$work/ext4.img" >"$work/fsck" 2>&1 || { cat "$work/fsck"; fail "e2fsck found problems in ext4.img"; }
features=$(dumpe2fs -h "$work/ext4.img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
for wanted in has_journal extent 64bit flex_bg metadata_csum; do
    case " $features " in *" $wanted "*) ;; *) fail "ext4.img lacks $wanted ($features)" ;; esac
done
[ "$(debugfs -R 'cat /sub/greeting' "$work/ext4.img" 2>/dev/null)" = hello ] || fail "ext4.img lacks /sub/greeting"

"$ingot" disk create "$work/ext2.img" --size 4M --type ext2 || fail "create ext2: status $?"
e2fsck -fn "$work/ext2.img" >/dev/null 2>&1 || fail "e2fsck found problems in ext2.img"
dumpe2fs -h "$work/ext2.img" 2>/dev/null | grep -q has_journal && fail "ext2.img has a journal"

# expect_error STATUS PATTERN ARGS...: one "ingot: error:" line matching PATTERN, exit STATUS.
expect_error() {
    status=$1 pattern=$2
    shift 2
    "$ingot" disk create "$@" >"$work/stdout" 2>"$work/stderr"
    got=$?
    [ "$got" -eq "$status" ] || fail "disk create $*: exit $got, expected $status"
    [ "$(wc -l <"$work/stderr")" -eq 1 ] || fail "disk create $*: stderr is not one line: $(cat "$work/stderr")"
    grep -q "^ingot: error: .*$pattern" "$work/stderr" || fail "disk create $*: stderr lacks '$pattern'"
}
echo keep >"$work/existing.img"
expect_error 1 "already exists" "$work/existing.img" --size 8M
[ "$(cat "$work/existing.img")" = keep ] || fail "existing.img was overwritten"
expect_error 1 "not a directory" "$work/new.img" --size 8M --from "$work/nowhere"
[ -e "$work/new.img" ] && fail "new.img left behind"
expect_error 2 "invalid size" "$work/new.img" --size big
"$ingot" disk create "$work/existing.img" --size 8M --force || fail "--force: status $?"
e2fsck -fn "$work/existing.img" >/dev/null 2>&1 || fail "e2fsck found problems in the forced image"

[ "$failures" -eq 0 ] && echo "disk create: all checks passed"
exit "$failures"
