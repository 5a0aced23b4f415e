#!/usr/bin/env bash
# SQLite with its databases on an ext4 disk: the SQLite shell from Debian's source package runs
# the app_sqlite workload (tests/apps/sqlite/workload.sql: transactions, indexes, VACUUM, WAL,
# an attached database) in /data, a disk mounted with --volume, and its output must equal the
# native run's. A second boot on the same disk must find the databases intact. Afterwards the
# host reads them out of the disk image (debugfs): PRAGMA integrity_check must say ok and the
# contents must equal the native run's databases; e2fsck -fn must find the disk clean.
# Usage: sqlite_disk.sh INGOT SQLITE3 [ingot run options...]
set -uo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 INGOT SQLITE3 [ingot run options...]" >&2; exit 2; }
ingot=$1 sqlite=$2
shift 2
run_options=("$@")
[[ -x $sqlite ]] || {
  echo "FAIL: $sqlite is missing: building SQLite from Debian's source package failed (see apps.build.sqlite3)"
  exit 1
}
workload_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../apps/sqlite" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
guest() {
  "$ingot" run "${run_options[@]}" --net none --files "$workload_dir" --volume "$work/disk.img:/data" \
    --timeout 240 "$sqlite" -- "$@"
}

"$ingot" disk create "$work/disk.img" --size 64M >/dev/null || fail "ingot disk create failed"
mkdir "$work/native"
"$sqlite" -bail :memory: ".cd $work/native" ".read $workload_dir/workload.sql" >"$work/native.out" 2>&1 ||
  fail "the native run failed: $(tail -3 "$work/native.out")"
guest -bail :memory: ".cd /data" ".read /workload.sql" >"$work/guest.out" 2>"$work/guest.err" ||
  fail "the guest run failed: $(tail -5 "$work/guest.err")"
diff -u "$work/native.out" "$work/guest.out" || fail "the workload's output differs from the native run"
echo "ok: the workload's output on the disk equals the native run ($(wc -l <"$work/native.out") lines)"

# The second boot reads what the first one left.
query="PRAGMA integrity_check; SELECT count(*), sum(quantity) FROM orders; SELECT count(*) FROM customer;"
"$sqlite" "$work/native/app.db" "$query" >"$work/native.query" 2>&1
guest /data/app.db "$query" >"$work/guest.query" 2>"$work/guest.err" || fail "the second boot failed"
diff -u "$work/native.query" "$work/guest.query" || fail "the second boot sees different data"
echo "ok: a second boot finds app.db intact: $(tr '\n' ' ' <"$work/guest.query")"

e2fsck -fn "$work/disk.img" >"$work/e2fsck.out" 2>&1 || { cat "$work/e2fsck.out"; fail "e2fsck -fn found problems"; }
for db in app.db second.db; do
  debugfs -R "dump /$db $work/$db" "$work/disk.img" >/dev/null 2>&1 || fail "debugfs cannot read /$db"
  [[ $("$sqlite" "$work/$db" "PRAGMA integrity_check") == ok ]] || fail "$db from the disk fails integrity_check"
  cmp <("$sqlite" "$work/$db" .dump) <("$sqlite" "$work/native/$db" .dump) ||
    fail "$db from the disk holds other data than the native run's"
done
echo "ok: e2fsck clean; on the host, app.db and second.db pass integrity_check and equal the native databases"
