#!/usr/bin/env bash
# A boot test for behaviour that has no native reference (a program that would hang or exhaust
# the host natively): runs PROGRAM under `ingot run` alone and checks its exit status, that its
# stdout holds each expected line, and that its stderr matches each expected pattern.
#
#   guest_only.sh --ingot PATH --status N [--stdout-line LINE]... [--stderr-regex RE]...
#                 PROGRAM [ingot run options...]
set -uo pipefail
ingot="" status_expected="" stdout_lines=() stderr_regexes=()
while [[ $# -gt 0 && $1 == --* ]]; do
  [[ $# -ge 2 ]] || { echo "guest_only: $1 needs a value" >&2; exit 2; }
  case "$1" in
    --ingot) ingot="$2" ;;
    --status) status_expected="$2" ;;
    --stdout-line) stdout_lines+=("$2") ;;
    --stderr-regex) stderr_regexes+=("$2") ;;
    *) echo "guest_only: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[[ -n $ingot && -n $status_expected && $# -ge 1 ]] || { sed -n '2,8p' "$0" >&2; exit 2; }
program="$1"
shift
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$ingot" run "$program" --timeout 120 "$@" >"$out" 2>"$err"
status=$?
fail=0
[[ $status -eq $status_expected ]] || { echo "expected status $status_expected, got $status"; fail=1; }
for line in "${stdout_lines[@]}"; do
  grep -qxF -- "$line" "$out" || { echo "stdout lacks the line: $line"; fail=1; }
done
for re in "${stderr_regexes[@]}"; do
  grep -Eq -- "$re" "$err" || { echo "stderr does not match: $re"; fail=1; }
done
if [[ $fail -ne 0 ]]; then
  echo "--- stdout"; cat "$out"; echo "--- stderr"; cat "$err"
  exit 1
fi
echo "status $status as expected"
