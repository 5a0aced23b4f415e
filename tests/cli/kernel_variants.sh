#!/bin/sh
# `ingot build` picks the smallest kernel variant with what a program needs and `--verbose`
# reports it with the size of each part; a stripped program gets the network, processes and
# polling; disks (--volume, --disk) bring disk support; --with/--without and --net none decide
# instead; `ingot run` of an image without a card driver boots without a card and says so, and
# one without disk support refuses disks.
# The kernel without optional parts must stay within BASE_BUDGET bytes (packed, as it lands in
# the image), the one with the network (no disks) within NET_BUDGET; --verbose gives each
# packed kernel's size uncompressed too.
# Usage: kernel_variants.sh INGOT STATIC_PROGRAM BASE_BUDGET NET_BUDGET
set -u
ingot=$1 program=$2 budget=$3 net_budget=$4
unset INGOT_KERNEL

. "$(dirname "$0")/check_lib.sh"

# expect_variant VARIANT PATTERN ARGS...: `ingot build ARGS --verbose` chose VARIANT and its
# report matches PATTERN (grep -E).
expect_variant() {
    variant=$1 pattern=$2
    shift 2
    if ! "$ingot" build "$@" -o "$work/out.img" --verbose >"$work/report" 2>"$work/stderr"; then
        fail "build $*: $(cat "$work/stderr")"
        return
    fi
    grep -q "^ingot: kernel variant $variant: " "$work/report" || fail "build $*: not the $variant variant: $(head -1 "$work/report")"
    grep -Eq -- "$pattern" "$work/report" || fail "build $*: report does not match '$pattern'"
}

expect_variant base "no socket function" "$program"
for part in kernel core net netcard process poll block program "root files" config image; do
    grep -Eq "^ingot: +$part +[0-9]+ bytes" "$work/report" || fail "--verbose lacks the size of '$part'"
done
grep -Eq "^ingot: +net .*left out" "$work/report" || fail "--verbose does not mark the network as left out"
grep -Eq "^ingot: +block .*left out" "$work/report" || fail "--verbose does not mark disk support as left out"
# check_budget NAME BUDGET: the kernel of the last report is within BUDGET bytes.
check_budget() {
    kernel_bytes=$(sed -n 's/^ingot: kernel *\([0-9]*\) bytes.*/\1/p' "$work/report")
    [ "${kernel_bytes:-0}" -gt 0 ] && [ "$kernel_bytes" -le "$2" ] ||
        fail "the $1 kernel is ${kernel_bytes:-?} bytes, over its budget of $2"
}
check_budget base "$budget"
grep -Eq "^ingot: kernel +[0-9]+ bytes \([0-9.]+ KiB\) compressed, [0-9]+ bytes \([0-9.]+ KiB\) uncompressed$" "$work/report" ||
    fail "--verbose lacks the kernel's compressed and uncompressed sizes: $(grep '^ingot: kernel ' "$work/report")"

# The network variants also have processes and polling (socket programs nearly always poll).
expect_variant net+process+poll "--with net" "$program" --with net
check_budget net "$net_budget"
expect_variant loopback+process+poll "no card driver" "$program" --with net --net none
expect_variant base "--without net" "$program" --without net
expect_variant process "--with process" "$program" --with process
expect_variant poll "--with poll" "$program" --with poll
cp "$program" "$work/stripped" && strip "$work/stripped"
expect_variant net+process+poll "stripped" "$work/stripped"
expect_variant process+poll "--without net; the program is stripped, so it gets process and poll" "$work/stripped" --without net
expect_variant base "--without net" "$work/stripped" --without net,process,poll

# Disk support comes with disks, or --with block; the report then counts it in.
expect_variant block "--volume needs disk support" "$program" --volume /data
grep -Eq "^ingot: +block .*left out" "$work/report" && fail "--verbose marks disk support as left out of a block kernel"
expect_variant net+process+poll+block "--with net; --volume needs disk support" "$program" --with net --volume /data:ro
expect_variant loopback+process+poll+block "--with block" "$program" --with net,block --net none
"$ingot" build "$program" -o "$work/out.img" --volume /data --without block >/dev/null 2>"$work/stderr"
[ $? -eq 2 ] && grep -q "^ingot: error: --volume needs disk support, which --without block leaves out" "$work/stderr" ||
    fail "--volume with --without block: $(cat "$work/stderr")"

# A base image asked for a network: no card on the QEMU command line, and one note.
"$ingot" build "$program" -o "$work/base.img" >/dev/null 2>&1 || fail "cannot build the base image"
"$ingot" run "$work/base.img" --dry-run -p 8080:80 >"$work/qemu" 2>"$work/stderr" || fail "run --dry-run failed"
grep -q -- "-netdev" "$work/qemu" && fail "a base image still gets a network card: $(cat "$work/qemu")"
grep -q "note: .*base.img's kernel has no network stack; running without a network card" "$work/stderr" ||
    fail "no note about the missing network: $(cat "$work/stderr")"
"$ingot" run "$work/base.img" --dry-run >/dev/null 2>"$work/stderr"
[ -s "$work/stderr" ] && fail "a note without network options: $(cat "$work/stderr")"
"$ingot" build "$program" -o "$work/net.img" --with net >/dev/null 2>&1
"$ingot" run "$work/net.img" --dry-run -p 8080:80 2>/dev/null | grep -q -- "-netdev" ||
    fail "a net image lost its network card"

# Disks for an image without disk support: one line and status 1, before QEMU starts. A plain
# program run with a disk gets disk support.
truncate -s 1M "$work/disk.img"
for option in "--disk $work/disk.img" "--volume $work/disk.img:/data"; do
    # shellcheck disable=SC2086
    "$ingot" run "$work/base.img" --dry-run $option >"$work/qemu" 2>"$work/stderr"
    status=$?
    [ $status -eq 1 ] && [ "$(wc -l <"$work/stderr")" -eq 1 ] &&
        grep -q "^ingot: error: .*base.img's kernel has no disk support, so --disk and --volume cannot be used" "$work/stderr" ||
        fail "run base.img $option: status $status: $(cat "$work/stderr")"
done
"$ingot" run "$program" --dry-run --disk "$work/disk.img" >"$work/qemu" 2>"$work/stderr" &&
    grep -q "virtio-blk" "$work/qemu" || fail "run PROGRAM --disk: $(cat "$work/stderr")"
"$ingot" build "$program" -o "$work/block.img" --volume /data >/dev/null 2>&1 || fail "cannot build a block image"
"$ingot" run "$work/block.img" --dry-run --disk "$work/disk.img" 2>"$work/stderr" | grep -q "virtio-blk" ||
    fail "run block.img --disk: $(cat "$work/stderr")"

[ $failures -eq 0 ] && echo "kernel variants: all checks passed"
exit $((failures > 0))
