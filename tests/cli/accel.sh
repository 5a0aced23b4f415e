#!/bin/sh
# The accelerator of `ingot run`: INGOT_ACCEL=tcg and =kvm decide without a probe, a bad value
# is one usage error line, and `ingot accel` names what `ingot run` uses (the answer it
# remembers is what a later dry run shows, on any host: no /dev/kvm, a working or a broken KVM).
# Usage: accel.sh INGOT STATIC_PROGRAM
set -u
ingot=$1 program=$2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache  # the user's own cache stays untouched
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# dry_run SETTING: `ingot run --dry-run` of the program with INGOT_ACCEL=SETTING; sets $got.
dry_run() {
    INGOT_ACCEL=$1 "$ingot" run --dry-run --net none "$program" >"$work/stdout" 2>"$work/stderr"
    got=$?
}

dry_run tcg
[ "$got" -eq 0 ] || fail "INGOT_ACCEL=tcg: exit $got: $(cat "$work/stderr")"
grep -q -- " -accel tcg -cpu max " "$work/stdout" || fail "INGOT_ACCEL=tcg: $(cat "$work/stdout")"
[ -s "$work/stderr" ] && fail "INGOT_ACCEL=tcg: stderr '$(cat "$work/stderr")'"

dry_run kvm
[ "$got" -eq 0 ] || fail "INGOT_ACCEL=kvm: exit $got: $(cat "$work/stderr")"
grep -q -- " -accel kvm -cpu host " "$work/stdout" || fail "INGOT_ACCEL=kvm: $(cat "$work/stdout")"
[ -s "$work/stderr" ] && fail "INGOT_ACCEL=kvm: stderr '$(cat "$work/stderr")'"

for bad in bogus KVM " tcg"; do
    dry_run "$bad"
    [ "$got" -eq 2 ] || fail "INGOT_ACCEL='$bad': exit $got, expected 2"
    [ "$(wc -l <"$work/stderr")" -eq 1 ] || fail "INGOT_ACCEL='$bad': stderr '$(cat "$work/stderr")'"
    grep -qxF "ingot: error: INGOT_ACCEL: unknown accelerator '$bad' (use kvm, tcg or auto)" "$work/stderr" ||
        fail "INGOT_ACCEL='$bad': stderr '$(cat "$work/stderr")'"
    [ -s "$work/stdout" ] && fail "INGOT_ACCEL='$bad': wrote to stdout"
done

for setting in tcg kvm; do
    answer=$(INGOT_ACCEL=$setting "$ingot" accel 2>"$work/stderr")
    [ "$answer" = "$setting" ] || fail "INGOT_ACCEL=$setting ingot accel: '$answer' $(cat "$work/stderr")"
done
INGOT_ACCEL=bogus "$ingot" accel >"$work/stdout" 2>"$work/stderr"
[ $? -eq 2 ] && [ "$(wc -l <"$work/stderr")" -eq 1 ] && [ ! -s "$work/stdout" ] ||
    fail "INGOT_ACCEL=bogus ingot accel: $(cat "$work/stdout" "$work/stderr")"

# Automatic: whatever this host allows, `ingot accel` and the dry run after it agree.
for setting in "" auto; do
    answer=$(INGOT_ACCEL=$setting "$ingot" accel 2>"$work/stderr")
    case "$answer" in
        kvm) expected=" -accel kvm -cpu host " ;;
        tcg) expected=" -accel tcg -cpu max " ;;
        *) fail "INGOT_ACCEL='$setting' ingot accel: '$answer' $(cat "$work/stderr")"; continue ;;
    esac
    dry_run "$setting"
    [ "$got" -eq 0 ] || fail "INGOT_ACCEL='$setting': exit $got: $(cat "$work/stderr")"
    grep -q -- "$expected" "$work/stdout" || fail "ingot accel said $answer, the dry run: $(cat "$work/stdout")"
done

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all accelerator checks passed"
