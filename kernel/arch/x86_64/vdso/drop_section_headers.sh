#!/bin/sh
# drop_section_headers.sh IN OUT: the vDSO without its section headers, 0.8 KiB less in every
# kernel. Nothing that reads a vDSO needs them: glibc (elf/setup-vdso.h), musl (src/internal/
# vdso.c) and Go (runtime/vdso_linux.go) find everything from the program headers and the
# dynamic section, and gdb drops section headers that lie outside the loaded memory anyway.
# vdso.lds makes one PT_LOAD, from offset 0, that holds all the rest: the file is cut where
# it ends, and e_shoff, e_shnum and e_shstrndx (ELF-64 header offsets 40, 60, 62) become 0.
set -eu
in=$1 out=$2
u64() { od -An -t u8 -j "$1" -N 8 "$in" | tr -d ' '; }
phoff=$(u64 32)
[ "$(od -An -t u4 -j "$phoff" -N 4 "$in" | tr -d ' ')" = 1 ] || { echo "$in: the first program header is not PT_LOAD" >&2; exit 1; }
load_size=$(u64 $((phoff + 32)))  # p_filesz of the first program header, the PT_LOAD
head -c "$load_size" "$in" >"$out.tmp"
printf '\0\0\0\0\0\0\0\0' | dd of="$out.tmp" bs=1 seek=40 conv=notrunc status=none
printf '\0\0\0\0' | dd of="$out.tmp" bs=1 seek=60 conv=notrunc status=none
mv "$out.tmp" "$out"
