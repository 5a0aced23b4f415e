#!/usr/bin/env bash
# Differential boot test of a real program whose arguments name files: runs tests/boot/difftest.sh
# with the arguments rewritten for each run.
#
#   app_difftest.sh --files ROOT [difftest options...] -- PROGRAM [ARGS...]
#
# In ARGS, @ROOT@ stands for the image's root file system: ROOT natively, "" in the guest
# (so @ROOT@/x.sql is ROOT/x.sql natively and /x.sql in the guest); @TMP@ stands for a
# writable scratch directory: a fresh private one natively (removed afterwards), /tmp in the
# guest. Other difftest options pass through unchanged. If the program is missing, the test
# fails and says how it is built.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

root="" options=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  if [[ "$1" == --files && $# -ge 2 ]]; then
    root="$2"; shift 2
  else
    options+=("$1"); shift
  fi
done
[[ $# -ge 2 && "$1" == "--" && -n "$root" ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
shift
program="$1"; shift
if [[ ! -x "$program" ]]; then
  echo "app_difftest: $program is missing: the apps.build.* tests build it from Debian's" \
       "sources (tests/apps/debian_app.sh); see their output" >&2
  exit 1
fi
[[ -d "$root" ]] || { echo "app_difftest: no root file system at $root" >&2; exit 1; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/ingot-app.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
arg_options=()
for arg in "$@"; do
  native="${arg//@ROOT@/$root}"; native="${native//@TMP@/$scratch}"
  guest="${arg//@ROOT@/}"; guest="${guest//@TMP@//tmp}"
  arg_options+=(--native-arg "$native" --guest-arg "$guest")
done
bash "$here/../boot/difftest.sh" "${options[@]}" --files "$root" "${arg_options[@]}" "$program"
