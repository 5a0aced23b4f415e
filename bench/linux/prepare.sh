#!/usr/bin/env bash
# Prepares the Linux comparison guest for bench/boot.sh:
#   prepare.sh CACHE_DIR WORK_DIR HELLO_PROGRAM
# Downloads Debian's cloud kernel (the linux-image-*-cloud-amd64 package that the
# linux-image-cloud-amd64 meta-package depends on) and keeps its vmlinuz in CACHE_DIR; builds an
# initramfs (cpio newc, gzip) holding /init (init.c) and /hello. Prints two lines:
#   kernel PATH
#   initramfs PATH
# LINUX_KERNEL=PATH skips the download and uses that bzImage instead.
set -euo pipefail

cache="$1" work="$2" hello="$3"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$cache" "$work"

if [[ -n "${LINUX_KERNEL:-}" ]]; then
  kernel="$LINUX_KERNEL"
else
  meta=linux-image-cloud-amd64
  if ! apt-cache show "$meta" >/dev/null 2>&1; then
    echo "bench: apt lists are missing; running apt-get update" >&2
    apt-get update -qq </dev/null
  fi
  package="$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ {print $2; exit}')"
  [[ -n "$package" ]] || { echo "bench: cannot resolve $meta" >&2; exit 1; }
  kernel="$cache/vmlinuz-${package#linux-image-}"
  if [[ ! -s "$kernel" ]]; then
    echo "bench: downloading $package into $cache" >&2
    download="$(mktemp -d "$cache/download.XXXXXX")"
    # apt drops to the _apt user where it can; as root in a private directory it warns and
    # downloads unsandboxed, which is harmless here.
    (cd "$download" && apt-get download "$package" </dev/null 2>&1 |
       grep -v '^W: Download is performed unsandboxed' >&2 || true)
    deb="$(ls "$download/${package}"_*.deb 2>/dev/null | head -n 1 || true)"
    [[ -n "$deb" ]] || { echo "bench: download of $package failed" >&2; exit 1; }
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$download" --wildcards './boot/vmlinuz-*'
    mv "$download"/boot/vmlinuz-* "$kernel"
    rm -rf "$download"
  fi
fi

# The initramfs: /init and /hello, owned by root, in a stable order.
musl-gcc -static -O2 -Wall -o "$work/linux-init" "$here/init.c"
tree="$work/linux-initramfs"
rm -rf "$tree" && mkdir -p "$tree"
cp "$work/linux-init" "$tree/init"
cp "$hello" "$tree/hello"
(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
   cpio -o -H newc -R 0:0 --quiet | gzip -9n) >"$work/linux-initramfs.cpio.gz"

echo "kernel $kernel"
echo "initramfs $work/linux-initramfs.cpio.gz"
