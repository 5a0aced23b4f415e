#!/bin/sh
# `ingot run` end to end on QEMU, with the stub PVH kernel (pvh_stub_kernel.S) standing in for
# the real one: the relay of COM1 and debugcon, the boot command line, the payload's placement,
# exit statuses (program status, panic, timeout, no status), signals and temporary files.
# Usage: run_stub_kernel.sh INGOT STATIC_PROGRAM STUB_KERNEL
set -u
ingot=$1 program=$2
export INGOT_KERNEL=$3
name=/$(basename "$program")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp
mkdir "$TMPDIR"
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# run EXPECTED_STATUS ARGS...: `ingot run ARGS`, output in $work/stdout and $work/stderr.
run() {
    expected=$1
    shift
    "$ingot" run "$@" >"$work/stdout" 2>"$work/stderr"
    got=$?
    [ "$got" -eq "$expected" ] || fail "run $*: exit $got, expected $expected; stderr: $(cat "$work/stderr")"
    [ -z "$(ls -A "$TMPDIR")" ] || fail "run $*: left temporary files: $(ls -A "$TMPDIR")"
}

expect_stdout() {
    printf '%s\n' "$1" >"$work/expected"
    cmp -s "$work/expected" "$work/stdout" || fail "stdout '$(cat "$work/stdout")', expected '$1'"
}

expect_stderr() {
    grep -qF -- "$1" "$work/stderr" || fail "stderr '$(cat "$work/stderr")' lacks '$1'"
}

# The program's status, its arguments percent-encoded on the boot command line, stdout byte-exact;
# by default the guest is on the user network and asks DHCP for its address.
run 42 "$program" --env STUB=42 -- "hello world" 'x%y' ''
expect_stdout "stub cmdline=[ingot.a=$name ingot.a=hello%20world ingot.a=x%25y ingot.a= ingot.e=STUB=42 ingot.k=ip=dhcp]"
expect_stderr "stub payload=INGOTPL1 $name"
run 9 "$program" --net user --ip 10.0.2.20/24 --env STUB=9
expect_stdout "stub cmdline=[ingot.e=STUB=9 ingot.k=ip=10.0.2.20/24 ingot.k=gateway=10.0.2.2 ingot.k=dns=10.0.2.3]"

for machine in microvm pc q35; do
    run 7 "$program" --machine "$machine" --env STUB=7 --log debug --net none
    expect_stdout "stub cmdline=[ingot.e=STUB=7 ingot.k=log=debug]"
    expect_stderr "stub payload=INGOTPL1 $name"
done

run 125 "$program" --env STUB=p
expect_stderr "ingot: kernel panic (see messages above)"

run 124 "$program" --env STUB=h --timeout 1
expect_stderr "ingot: guest did not finish within 1 s"

run 126 "$program" --env STUB=n
expect_stderr "ingot: error: the guest ended without reporting a status"

# An image keeps its memory size; run-time arguments replace its argv with argv[0] kept.
"$ingot" build "$program" -o "$work/app.img" --mem 96M --env A=1 -- stored >/dev/null 2>&1 ||
    fail "build failed"
run 0 "$work/app.img" --net none
expect_stdout "stub cmdline=[]"
expect_stderr "stub payload=INGOTPL1 $name"
run 5 "$work/app.img" --env STUB=5 --net none -- new
expect_stdout "stub cmdline=[ingot.a=$name ingot.a=new ingot.e=STUB=5]"
run 0 "$work/app.img" --dry-run --machine q35
grep -q -- "-M q35 .*-m 96M .*-kernel $work/app.img" "$work/stdout" || fail "dry run: $(cat "$work/stdout")"

# Other files for an existing image: rebuilt into a temporary image, which is removed afterwards.
mkdir -p "$work/root/etc"
echo "127.0.0.1 localhost" >"$work/root/etc/hosts"
run 3 "$work/app.img" --files "$work/root" --env STUB=3
expect_stderr "stub payload=INGOTPL1 $name"

# Bad input before QEMU starts.
run 1 "$work/missing.img"
run 2 "$program" --machine vax
run 2 "$program" --mem 0
run 2 "$program" --timeout -1
run 2 "$program" --log loud
run 126 "$program" --qemu "$work/no-qemu"

# SIGTERM stops the guest: status 128+15, QEMU gone, temporary image removed.
"$ingot" run "$program" --env STUB=h >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
status=$?
[ "$status" -eq 143 ] || fail "SIGTERM: exit $status, expected 143"
sleep 0.5
pgrep -f "$TMPDIR" >/dev/null && fail "SIGTERM: QEMU still running"
[ -z "$(ls -A "$TMPDIR")" ] || fail "SIGTERM: left temporary files"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all run checks passed"
