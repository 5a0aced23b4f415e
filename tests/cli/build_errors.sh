#!/bin/sh
# `ingot build` on bad input: exactly one "ingot: error: ..." line on stderr, nothing on stdout,
# exit status 1 (bad file) or 2 (bad command line), and no output file left behind.
# Usage: build_errors.sh INGOT STATIC_PROGRAM DYNAMIC_PROGRAM KERNEL
set -u
ingot=$1 static_program=$2 dynamic_program=$3 kernel=$4
export INGOT_KERNEL=$kernel

. "$(dirname "$0")/check_lib.sh"

# expect_error STATUS PATTERN ARGS...: run `ingot build ARGS -o $work/out.img` and check it.
expect_error() {
    status=$1 pattern=$2
    shift 2
    "$ingot" build "$@" -o "$work/out.img" >"$work/stdout" 2>"$work/stderr"
    got=$?
    lines=$(wc -l <"$work/stderr")
    [ "$got" -eq "$status" ] || fail "build $*: exit $got, expected $status"
    [ "$lines" -eq 1 ] || fail "build $*: $lines stderr lines, expected 1: $(cat "$work/stderr")"
    grep -q "^ingot: error: .*$pattern" "$work/stderr" || fail "build $*: stderr '$(cat "$work/stderr")' lacks '$pattern'"
    [ -s "$work/stdout" ] && fail "build $*: wrote to stdout"
    [ -e "$work/out.img" ] && fail "build $*: left $work/out.img behind"
    leftovers=$(ls -A "$work" | grep -v -e '^stdout$' -e '^stderr$' -e '^inputs$')
    [ -z "$leftovers" ] || fail "build $*: left temporary files: $leftovers"
    rm -f "$work/out.img"
}

mkdir "$work/inputs"
in=$work/inputs
: >"$in/empty"
printf '#!/bin/sh\necho hi\n' >"$in/script.sh"
head -c 2000 "$static_program" >"$in/truncated"
head -c 40 "$static_program" >"$in/truncated-header"
cp "$static_program" "$in/elf32" && printf '\001' | dd of="$in/elf32" bs=1 seek=4 conv=notrunc 2>/dev/null
cp "$static_program" "$in/bigendian" && printf '\002' | dd of="$in/bigendian" bs=1 seek=5 conv=notrunc 2>/dev/null
cp "$static_program" "$in/aarch64" && printf '\267\000' | dd of="$in/aarch64" bs=1 seek=18 conv=notrunc 2>/dev/null
cp "$static_program" "$in/relocatable" && printf '\001\000' | dd of="$in/relocatable" bs=1 seek=16 conv=notrunc 2>/dev/null
# e_phoff (offset 32) pointing far past the end of the file.
cp "$static_program" "$in/bad-phoff" && printf '\377\377\377\377\377\377\377\177' | dd of="$in/bad-phoff" bs=1 seek=32 conv=notrunc 2>/dev/null
mkdir "$in/a-directory"
printf 'not a directory' >"$in/plain-file"

expect_error 1 "No such file or directory" "$in/missing"
expect_error 1 "not an ELF file" "$in/empty"
expect_error 1 "not an ELF file" "$in/script.sh"
expect_error 1 "segment outside the file" "$in/truncated"
expect_error 1 "truncated ELF header" "$in/truncated-header"
expect_error 1 "32-bit ELF" "$in/elf32"
expect_error 1 "big-endian" "$in/bigendian"
expect_error 1 "not an x86_64 program (machine 183, AArch64)" "$in/aarch64"
expect_error 1 "not an executable" "$in/relocatable"
expect_error 1 "program header table outside the file" "$in/bad-phoff"
expect_error 1 "dynamically linked" "$dynamic_program"
expect_error 1 "Is a directory" "$in/a-directory"
expect_error 1 "No such file or directory" "$static_program" --files "$in/missing-dir"
expect_error 1 "Not a directory" "$static_program" --files "$in/plain-file"
expect_error 2 "--mem" "$static_program" --mem 0
expect_error 2 "--mem" "$static_program" --mem 12Q
expect_error 2 "--mem" "$static_program" --mem -5M
expect_error 2 "--mem" "$static_program" --mem ""
expect_error 2 "--mem" "$static_program" --mem 99999999999999999999
expect_error 2 "--env" "$static_program" --env NOEQUALS
expect_error 2 "--env" "$static_program" --env =value
expect_error 2 "" "$static_program" --no-such-option
expect_error 2 "" "$static_program" extra-positional
INGOT_KERNEL=$in/missing
expect_error 1 "INGOT_KERNEL" "$static_program"
INGOT_KERNEL=$in/script.sh
expect_error 1 "kernel image: not an ELF file" "$static_program"
INGOT_KERNEL=$kernel

# An output path that is a directory: the write fails and the temporary file is removed.
"$ingot" build "$static_program" -o "$in/a-directory" >/dev/null 2>"$work/stderr"
[ $? -eq 1 ] || fail "build -o DIRECTORY: expected exit 1"
[ "$(wc -l <"$work/stderr")" -eq 1 ] || fail "build -o DIRECTORY: expected one stderr line"
[ -z "$(ls -A "$in/a-directory")" ] || fail "build -o DIRECTORY: left files in the directory"
[ -z "$(ls -A "$in" | grep '^\.ingot-')" ] || fail "build -o DIRECTORY: left a temporary file"

# Missing required arguments are usage errors too.
"$ingot" build >/dev/null 2>"$work/stderr"
[ $? -eq 2 ] || fail "build without arguments: expected exit 2"
[ "$(wc -l <"$work/stderr")" -eq 1 ] || fail "build without arguments: expected one stderr line"

# A failed build keeps an existing image intact.
printf 'previous image' >"$work/keep.img"
"$ingot" build "$in/empty" -o "$work/keep.img" 2>/dev/null
[ "$(cat "$work/keep.img")" = "previous image" ] || fail "failed build replaced an existing image"
rm -f "$work/keep.img"

# And a good build writes the image and nothing else.
"$ingot" build "$static_program" -o "$work/good.img" --mem 128M --env A=1 -- x y >"$work/stdout" 2>"$work/stderr"
[ $? -eq 0 ] || fail "good build failed: $(cat "$work/stderr")"
[ -s "$work/good.img" ] || fail "good build wrote no image"
[ -s "$work/stdout" ] && fail "good build wrote to stdout"
[ -s "$work/stderr" ] && fail "good build wrote to stderr"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all build error checks passed"
