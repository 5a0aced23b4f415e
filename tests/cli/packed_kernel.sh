#!/bin/sh
# The packed kernel (kernel/image/packed_kernel.h) on QEMU: it boots a program on every machine
# type, and the unpacking stub refuses a damaged one with a panic, before running any of it:
# one "ingot: panic: packed kernel: ..." line, status 125 (image/host_channels.h).
# Usage: packed_kernel.sh INGOT STATIC_PROGRAM PACKED_KERNEL
set -u
ingot=$1 program=$2 packed=$3

. "$(dirname "$0")/check_lib.sh"

# The file offset of the packed kernel's header: its second PT_LOAD (the first is the stub's).
header_offset=$(readelf -lW "$packed" | awk '$1 == "LOAD" { if (++n == 2) print $2 }')
[ -n "$header_offset" ] || { echo "FAIL: no second PT_LOAD in $packed" >&2; exit 1; }
header_offset=$((header_offset))

# run KERNEL MACHINE: `ingot run` of the program on KERNEL; status in $got, stderr in $work/stderr.
run() {
    INGOT_KERNEL=$1 "$ingot" run --machine "$2" --net none "$program" >"$work/stdout" 2>"$work/stderr"
    got=$?
}

for machine in microvm pc q35; do
    run "$packed" "$machine"
    [ "$got" -eq 0 ] || fail "$machine: the packed kernel ran the program with status $got: $(cat "$work/stderr")"
done

# damaged NAME OFFSET BYTES: a copy of the packed kernel with BYTES (printf escapes) written at
# OFFSET from its header.
damaged() {
    cp "$packed" "$work/$1"
    # shellcheck disable=SC2059
    printf "$3" | dd of="$work/$1" bs=1 seek=$((header_offset + $2)) conv=notrunc status=none
}

# expect_panic KERNEL PATTERN: booting KERNEL ends in the stub's panic, naming PATTERN.
expect_panic() {
    run "$work/$1" microvm
    [ "$got" -eq 125 ] || fail "$1: status $got, expected 125 (panic): $(cat "$work/stderr")"
    grep -q "^ingot: panic: packed kernel: $2" "$work/stderr" || fail "$1: stderr lacks '$2': $(cat "$work/stderr")"
    [ -s "$work/stdout" ] && fail "$1: the program ran: $(cat "$work/stdout")"
}

# Runs of 0xFF mid-block: a literal or match length that runs past the output or the input.
damaged garbage.packed 2000 '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377'
expect_panic garbage.packed "the compressed kernel is corrupt: "
# A match offset of 1 as the first sequence: before the start of the output.
damaged offset.packed 56 '\000\001\000'
expect_panic offset.packed "the compressed kernel is corrupt: a match copies from before the start of the output"
damaged magic.packed 0 'XXXX'
expect_panic magic.packed "no kernel after the stub"

[ $failures -eq 0 ] && echo "packed kernel: all checks passed"
exit $((failures > 0))
