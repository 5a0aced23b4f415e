#!/usr/bin/env bash
# Size benchmark: the kernel of each variant `ingot build` chooses from, packed (what lands in
# an image: kernel/image/packed_kernel.h) and stripped (uncompressed), what each part of the
# kernel takes in the base and full variants (summed per source directory from the link maps),
# and whole images of a few test programs.
#
#   bench/sizes.sh            (after building the `ingot` and `guest-programs` targets)
#
# Environment: BUILD_DIR (build). Prints a Markdown report on stdout (docs/benchmarks.md).
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && realpath -m "${BUILD_DIR:-build}")"
ingot="$build/bin/ingot"
kernel_dir="$build/kernel"
guests="$build/tests/guest"
[[ -x $ingot ]] || { echo "sizes: $ingot is missing; build the ingot target first" >&2; exit 2; }

kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

echo "| kernel variant | file | packed (in the image) | stripped, uncompressed |"
echo "|---|---|---:|---:|"
for path in "$kernel_dir"/ingot-kernel*.packed; do
  file=$(basename "$path")
  echo "$(stat -c %s "$path") $file $(stat -c %s "${path%.packed}.elf")"
done | sort -n | while read -r bytes file stripped; do
  case $file in
    ingot-kernel.packed) variant="net+block" ;;
    *) variant=${file#ingot-kernel-}; variant=${variant%.packed}; variant=${variant//-/+} ;;
  esac
  # The network variants always have process and poll (kernel/CMakeLists.txt).
  case $variant in loopback* | net*) variant=${variant%%+*}+process+poll${variant#"${variant%%+*}"} ;; esac
  echo "| $variant | $file | $bytes bytes ($(kib "$bytes")) | $stripped bytes ($(kib "$stripped")) |"
done

# Sums the .text/.rodata/.data input sections a link map kept, per source directory.
parts_of() {
  awk '
    /^Linker script and memory map/ { on = 1; next }
    !on { next }
    /^ \.[^ ]+$/ { pending = $1; next }
    {
      if ($1 ~ /^\./ && $2 ~ /^0x/ && $3 ~ /^0x/) { section = $1; size = $3; object = $4 }
      else if (pending != "" && $1 ~ /^0x/ && $2 ~ /^0x/) { section = pending; size = $2; object = $3 }
      else { pending = ""; next }
      pending = ""
      if (section !~ /^\.(text|rodata|data|init_array|note)/ || object !~ /\.o$/) next
      sub(/.*\.dir\//, "", object); sub(/\/[^\/]*$/, "", object)
      total[object] += strtonum_hex(size)
    }
    function strtonum_hex(text,   i, digit, value) {
      value = 0; text = tolower(substr(text, 3))
      for (i = 1; i <= length(text); i++) value = value * 16 + index("0123456789abcdef", substr(text, i, 1)) - 1
      return value
    }
    END { for (part in total) printf "%d %s\n", total[part], part }' "$1" | sort -rn
}

echo
echo "Loaded bytes (text, read-only data, data) per source directory:"
echo
echo "| part | base | net |"
echo "|---|---:|---:|"
join -1 2 -2 2 -a 2 -e 0 -o 0,1.1,2.1 <(parts_of "$kernel_dir/ingot-kernel-base.map" | sort -k2) \
  <(parts_of "$kernel_dir/ingot-kernel.map" | sort -k2) | sort -k3 -rn |
  awk '{ printf "| %s | %d | %d |\n", $1, $2, $3 }'

echo
echo "| program | kernel variant | image |"
echo "|---|---|---:|"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for program in hello_musl hello_pie loopback tcp_client; do
  [[ -f $guests/$program ]] || continue
  report=$("$ingot" build "$guests/$program" -o "$tmp/image" --verbose)
  variant=$(sed -n 's/^ingot: kernel variant \([a-z+]*\):.*/\1/p' <<<"$report")
  bytes=$(stat -c %s "$tmp/image")
  echo "| $program | $variant | $bytes bytes ($(kib "$bytes")) |"
  if [[ $program == loopback ]]; then
    "$ingot" build "$guests/$program" -o "$tmp/image" --net none >/dev/null
    bytes=$(stat -c %s "$tmp/image")
    echo "| $program --net none | loopback+process+poll | $bytes bytes ($(kib "$bytes")) |"
  fi
done
