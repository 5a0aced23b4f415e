#!/usr/bin/env bash
# A deadlocked program ends instead of hanging: ingot run must report the deadlock on stderr
# and exit with 137 (killed) well before its --timeout, after the program's output so far.
#
#   deadlock.sh INGOT PROGRAM [ingot run options...]
set -uo pipefail
ingot="$1" program="$2"
shift 2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$ingot" run "$program" --timeout 60 "$@" >"$out" 2>"$err"
status=$?
fail=0
[[ $status -eq 137 ]] || { echo "expected status 137 (deadlock), got $status"; fail=1; }
grep -q '^about to deadlock$' "$out" || { echo "the program's output before the deadlock is missing"; fail=1; }
grep -Eq 'deadlock: all 2 threads of the program are blocked' "$err" ||
  { echo "no deadlock report on stderr"; fail=1; }
if [[ $fail -ne 0 ]]; then
  echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"
  exit 1
fi
echo "deadlock reported, status 137"
