#!/usr/bin/env bash
# Differential boot test: runs one static program natively and under Ingot and compares them.
#
#   difftest.sh --ingot PATH [options] PROGRAM [ARGS...]
#
# The test passes when the program's stdout is byte-for-byte the same natively and in the
# guest, and both exit statuses are what is expected (as a shell reports them: exit code, or
# 128 + signal). Options:
#   --ingot PATH           the ingot tool (required)
#   --status N|native      expected status; "native" (default) means whatever the native run
#                          gives, N means both runs must end with N
#   --machine M            QEMU machine for `ingot run` (microvm, pc, q35; default microvm)
#   --mem SIZE             guest memory, passed to `ingot run --mem`
#   --cpus N               virtual CPUs, passed to `ingot run --cpus`
#   --net MODE             the guest's network, passed to `ingot run --net` (default: ingot's)
#   --files DIR            root file system of the guest, passed to `ingot run --files`
#   --env K=V              an environment entry, for both runs (repeatable); nothing else is
#                          in the environment (env -i natively)
#   --native-arg A         an argument for the native run only, before ARGS (repeatable)
#   --guest-arg A          an argument for the guest run only, before ARGS (repeatable)
#   --stderr-regex RE      the guest's stderr must match RE (grep -E, case-insensitive;
#                          repeatable, every one must match)
#   --timeout SECONDS      limit of each run: `ingot run --timeout`, timeout(1) natively
#                          (default 120)
#   --keep DIR             keep the captured outputs in DIR
# Standard input is empty in both runs. Exit status: 0 pass, 1 fail, 2 usage.
set -uo pipefail

usage() {
  awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0" >&2
  exit 2
}

# Every option takes a value; one given without it is a usage error, not an endless loop.
needs_value() {
  [[ $# -ge 2 ]] || { echo "difftest: $1 needs a value" >&2; usage; }
}

ingot="" status_expected="native" machine="microvm" mem="" cpus="" net="" files="" timeout=120 keep=""
envs=() native_args=() guest_args=() stderr_regexes=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ingot|--status|--machine|--mem|--cpus|--net|--files|--env|--native-arg|--guest-arg|--stderr-regex|\
    --timeout|--keep) needs_value "$@" ;;
  esac
  case "$1" in
    --ingot) ingot="$2"; shift 2 ;;
    --status) status_expected="$2"; shift 2 ;;
    --machine) machine="$2"; shift 2 ;;
    --mem) mem="$2"; shift 2 ;;
    --cpus) cpus="$2"; shift 2 ;;
    --net) net="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --native-arg) native_args+=("$2"); shift 2 ;;
    --guest-arg) guest_args+=("$2"); shift 2 ;;
    --stderr-regex) stderr_regexes+=("$2"); shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    -*) echo "difftest: unknown option '$1'" >&2; usage ;;
    *) break ;;
  esac
done
[[ $# -ge 1 && -n "$ingot" ]] || usage
program="$1"; shift
args=("$@")
[[ -x "$ingot" ]] || { echo "difftest: ingot not found at '$ingot'" >&2; exit 2; }
[[ -x "$program" ]] || { echo "difftest: program not found at '$program'" >&2; exit 2; }
[[ "$status_expected" == native || "$status_expected" =~ ^[0-9]+$ ]] || usage
[[ "$timeout" =~ ^[0-9]+$ ]] || usage
for entry in "${envs[@]}"; do
  [[ "$entry" == *=* ]] || { echo "difftest: --env needs K=V, got '$entry'" >&2; exit 2; }
done

if [[ -n "$keep" ]]; then
  work="$keep"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/ingot-difftest.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
name="$(basename "$program")"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Native run. The braces keep bash's own "Segmentation fault" notice out of our output, and
# core dumps are off so a crashing test leaves nothing behind. timeout(1) passes a signal
# death on as the same signal, so the status stays 128 + signal.
native_status=0
native_start=$(now_ms)
{
  ( ulimit -c 0
    exec timeout -k 5 "$timeout" env -i "${envs[@]}" "$program" "${native_args[@]}" "${args[@]}" ) \
    </dev/null >"$work/native.stdout" 2>"$work/native.stderr"
} 2>/dev/null || native_status=$?
native_ms=$(( $(now_ms) - native_start ))

# Guest run, with an outer limit in case ingot itself stops responding.
run_command=("$ingot" run --timeout "$timeout" --machine "$machine")
[[ -n "$mem" ]] && run_command+=(--mem "$mem")
[[ -n "$cpus" ]] && run_command+=(--cpus "$cpus")
[[ -n "$net" ]] && run_command+=(--net "$net")
[[ -n "$files" ]] && run_command+=(--files "$files")
for entry in "${envs[@]}"; do run_command+=(--env "$entry"); done
run_command+=("$program")
guest_all_args=("${guest_args[@]}" "${args[@]}")
[[ ${#guest_all_args[@]} -gt 0 ]] && run_command+=(-- "${guest_all_args[@]}")
guest_status=0
guest_start=$(now_ms)
timeout -k 5 $(( timeout + 60 )) "${run_command[@]}" \
  </dev/null >"$work/guest.stdout" 2>"$work/guest.stderr" || guest_status=$?
guest_ms=$(( $(now_ms) - guest_start ))

failures=()
if [[ "$status_expected" == native ]]; then
  [[ $guest_status -eq $native_status ]] ||
    failures+=("exit status: native $native_status, guest $guest_status")
else
  [[ $native_status -eq $status_expected ]] ||
    failures+=("native exit status $native_status, expected $status_expected")
  [[ $guest_status -eq $status_expected ]] ||
    failures+=("guest exit status $guest_status, expected $status_expected")
fi
cmp -s "$work/native.stdout" "$work/guest.stdout" || failures+=("stdout differs")
for regex in "${stderr_regexes[@]}"; do
  grep -Eiq -- "$regex" "$work/guest.stderr" || failures+=("guest stderr does not match /$regex/")
done

quote() { printf '%q ' "$@"; }
if [[ ${#failures[@]} -eq 0 ]]; then
  echo "PASS $name on $machine: status $guest_status, $(wc -c <"$work/guest.stdout") bytes" \
       "of stdout (native ${native_ms} ms, ingot ${guest_ms} ms)"
  exit 0
fi

echo "FAIL $name on $machine"
for failure in "${failures[@]}"; do echo "  - $failure"; done
echo "native: $(quote env -i "${envs[@]}" "$program" "${native_args[@]}" "${args[@]}")"
echo "guest:  $(quote "${run_command[@]}")"
if ! cmp -s "$work/native.stdout" "$work/guest.stdout"; then
  echo "--- stdout diff (native → guest) ---"
  diff -u --label native --label guest "$work/native.stdout" "$work/guest.stdout" \
    >"$work/stdout.diff"
  if head -n 1 "$work/stdout.diff" | grep -q '^Binary files'; then
    echo "binary output; first differing bytes (offset, octal native, octal guest):"
    cmp -l "$work/native.stdout" "$work/guest.stdout" 2>&1 | head -n 10
  else
    head -n 80 "$work/stdout.diff"
  fi
fi
echo "--- guest stderr (last 40 lines) ---"
tail -n 40 "$work/guest.stderr"
if [[ -s "$work/native.stderr" ]]; then
  echo "--- native stderr (last 10 lines) ---"
  tail -n 10 "$work/native.stderr"
fi
exit 1
