#!/usr/bin/env bash
# Prepares a Linux comparison guest for the benchmarks:
#   prepare.sh [OPTIONS] CACHE_DIR WORK_DIR [PROGRAM]
# Downloads Debian's cloud kernel (the linux-image-*-cloud-amd64 package that the
# linux-image-cloud-amd64 meta-package depends on) and keeps its vmlinuz in CACHE_DIR; builds an
# initramfs (cpio newc, gzip) holding /init (init.c unless --init says otherwise) and PROGRAM as
# /hello. Prints two lines:
#   kernel PATH
#   initramfs PATH
# Options:
#   --init SOURCE.c       compile this (musl, static) as /init instead of init.c
#   --module NAME         put kernel module NAME and the modules it depends on (read from each
#                         module's .modinfo) under /modules, and list them in dependency order
#                         in /modules/order for /init to load; repeatable
#   --add PATH:GUESTPATH  copy a file or directory into the initramfs; repeatable
#   --name NAME           name of the outputs in WORK_DIR (default linux: linux-initramfs.cpio.gz)
# LINUX_KERNEL=PATH skips the download and uses that bzImage instead; its modules, if --module
# is given, are then looked up under LINUX_MODULES=DIR (e.g. /lib/modules/VERSION), and without
# it none are added (the drivers must be built in).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
init_source="$here/init.c" name=linux
modules=() additions=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --init) init_source="$2"; shift 2 ;;
    --module) modules+=("$2"); shift 2 ;;
    --add) additions+=("$2"); shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --) shift; break ;;
    -*) echo "bench: prepare.sh: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
  esac
done
[[ $# -eq 2 || $# -eq 3 ]] || { echo "bench: usage: prepare.sh [OPTIONS] CACHE_DIR WORK_DIR [PROGRAM]" >&2; exit 2; }
cache="$1" work="$2" hello="${3:-}"
mkdir -p "$cache" "$work"

# --- the kernel package ----------------------------------------------------------------------

module_dir=""  # where the .ko files of the kernel are, or nothing
if [[ -n "${LINUX_KERNEL:-}" ]]; then
  kernel="$LINUX_KERNEL"
  module_dir="${LINUX_MODULES:-}"
else
  meta=linux-image-cloud-amd64
  if ! apt-cache show "$meta" >/dev/null 2>&1; then
    echo "bench: apt lists are missing; running apt-get update" >&2
    apt-get update -qq </dev/null
  fi
  package="$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ {print $2; exit}')"
  [[ -n "$package" ]] || { echo "bench: cannot resolve $meta" >&2; exit 1; }
  kernel="$cache/vmlinuz-${package#linux-image-}"
  module_dir="$cache/modules-${package#linux-image-}"
  deb="$cache/$package.deb"
  # The package is kept only when modules are wanted from it: the boot benchmark needs vmlinuz alone.
  if [[ ! -s "$kernel" || (${#modules[@]} -gt 0 && ! -s "$deb") ]]; then
    echo "bench: downloading $package into $cache" >&2
    download="$(mktemp -d "$cache/download.XXXXXX")"
    # apt drops to the _apt user where it can; as root in a private directory it warns and
    # downloads unsandboxed, which is harmless here.
    (cd "$download" && apt-get download "$package" </dev/null 2>&1 |
       grep -v '^W: Download is performed unsandboxed' >&2 || true)
    fetched="$(ls "$download/${package}"_*.deb 2>/dev/null | head -n 1 || true)"
    [[ -n "$fetched" ]] || { echo "bench: download of $package failed" >&2; exit 1; }
    dpkg-deb --fsys-tarfile "$fetched" | tar -x -C "$download" --wildcards './boot/vmlinuz-*'
    mv "$download"/boot/vmlinuz-* "$kernel"
    if [[ ${#modules[@]} -gt 0 ]]; then mv "$fetched" "$deb"; fi
    rm -rf "$download"
  fi
fi

# --- kernel modules ----------------------------------------------------------------------------
# Module NAME is the file NAME.ko (possibly .ko.xz, .ko.zst or .ko.gz, decompressed here), with
# "-" and "_" alike as modprobe treats them. From the Debian package, the files are extracted
# into CACHE_DIR once; its modules.dep is made by depmod at installation and is not in the
# package, so dependencies come from each module's own "depends=" entry in .modinfo.

normalise() { tr '-' '_' <<<"$1"; }

# Of the paths on stdin, the first whose file is module NAME.
pick_module() {  # NAME
  awk -v wanted="$1" '!found { base = $0; sub(/.*\//, "", base)
                               if (base !~ /\.ko/) next
                               sub(/\.ko.*/, "", base); gsub(/-/, "_", base)
                               if (base == wanted) { print; found = 1 } }'
}

# Sets module_source to the file of module NAME under module_dir, or to nothing. Missing ones
# come from the package: its modules are unpacked once per run into a temporary directory
# (decompressing the package is the slow part) and the ones used are kept in module_dir.
unpacked=""
trap 'rm -rf "$unpacked"' EXIT
find_module() {  # NAME
  local found=""
  module_source=""
  [[ ! -d "$module_dir" ]] || module_source="$(find "$module_dir" -name '*.ko*' | pick_module "$1")"
  [[ -z "$module_source" && -s "${deb:-}" ]] || return 0
  if [[ -z "$unpacked" ]]; then
    echo "bench: unpacking the kernel modules of $package" >&2
    unpacked="$(mktemp -d "$cache/modules.XXXXXX")"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$unpacked" --wildcards './lib/modules/*'
  fi
  found="$(find "$unpacked" -name '*.ko*' | pick_module "$1")"
  [[ -n "$found" ]] || return 0
  mkdir -p "$module_dir"
  cp "$found" "$module_dir/"
  module_source="$module_dir/$(basename "$found")"
}

# Copies module NAME into DEST as NAME.ko, decompressed.
copy_module() {  # SOURCE DEST
  case "$1" in
    *.ko) cp "$1" "$2" ;;
    *.ko.xz) xz -dc "$1" >"$2" ;;
    *.ko.zst) zstd -qdc "$1" >"$2" ;;
    *.ko.gz) gzip -dc "$1" >"$2" ;;
    *) echo "bench: unknown module format: $1" >&2; exit 1 ;;
  esac
}

module_depends() {  # FILE.ko
  objcopy -O binary --only-section=.modinfo "$1" /dev/stdout | tr '\0' '\n' |
    sed -n 's/^depends=//p' | tr ',' '\n' | grep . || true
}

tree="$work/$name-initramfs"
rm -rf "$tree" && mkdir -p "$tree"

declare -A module_state=()  # NAME -> visiting | done
module_order=()
# Depth first, dependencies before the module that needs them.
add_module() {  # NAME
  local wanted dependency
  wanted="$(normalise "$1")"
  [[ "${module_state[$wanted]-}" == done ]] && return 0
  [[ "${module_state[$wanted]-}" == visiting ]] && { echo "bench: module dependency cycle at $wanted" >&2; exit 1; }
  module_state[$wanted]=visiting
  find_module "$wanted"
  [[ -n "$module_source" ]] || { echo "bench: kernel module $wanted not found" >&2; exit 1; }
  copy_module "$module_source" "$tree/modules/$wanted.ko"
  for dependency in $(module_depends "$tree/modules/$wanted.ko"); do add_module "$dependency"; done
  module_state[$wanted]=done
  module_order+=("$wanted.ko")
}

if [[ ${#modules[@]} -gt 0 ]]; then
  if [[ -z "$module_dir" ]]; then
    echo "bench: LINUX_KERNEL without LINUX_MODULES: no modules added (${modules[*]} must be built in)" >&2
  else
    mkdir -p "$tree/modules"
    for module in "${modules[@]}"; do add_module "$module"; done
    printf '%s\n' "${module_order[@]}" >"$tree/modules/order"
  fi
fi

# --- the initramfs -----------------------------------------------------------------------------
# /init, /hello and the additions, owned by root, in a stable order.
musl-gcc -static -O2 -Wall -o "$work/$name-init" "$init_source"
cp "$work/$name-init" "$tree/init"
[[ -z "$hello" ]] || cp "$hello" "$tree/hello"
for addition in "${additions[@]}"; do
  source="${addition%%:*}" destination="$tree/${addition#*:}"
  mkdir -p "$(dirname "$destination")"
  cp -R "$source" "$destination"
done
(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
   cpio -o -H newc -R 0:0 --quiet | gzip -9n) >"$work/$name-initramfs.cpio.gz"

echo "kernel $kernel"
echo "initramfs $work/$name-initramfs.cpio.gz"
