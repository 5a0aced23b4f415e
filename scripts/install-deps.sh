#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and benchmarking Ingot need.
# Only what is missing is installed; when nothing is missing the script prints nothing.
#
#   scripts/install-deps.sh          build and test dependencies
#   scripts/install-deps.sh --bench  the same, plus what bench/boot.sh and bench/http.sh need
#   scripts/install-deps.sh --fuzz   the same, plus clang and libFuzzer for `make fuzz`
#
# Runs as root (CI) or through sudo; never asks questions and needs no terminal.
set -euo pipefail

packages=(
  build-essential cmake g++ make
  qemu-system-x86
  musl-tools
  libgtest-dev libgmock-dev googletest
  libcli11-dev libfmt-dev nlohmann-json3-dev
  cpio binutils file gzip coreutils
  iproute2 iputils-ping curl python3
  # tests/apps/debian_app.sh: Debian source packages (apt-get source, dpkg-source) built static,
  # nginx against the static PCRE2 and zlib libraries.
  apt dpkg-dev libpcre2-dev zlib1g-dev libcrypt-dev
)
# bench/boot.sh: apt-get download and dpkg-deb (both in every Debian) fetch the Linux kernel it
# compares with; bench/http.sh also needs wrk, which loads the HTTP servers.
bench_packages=(apt dpkg wrk)
# make fuzz: clang with libFuzzer and the sanitizer runtimes (Debian 12's clang is clang 14).
fuzz_packages=(clang libclang-rt-14-dev)

for arg in "$@"; do
  case "$arg" in
    --bench) packages+=("${bench_packages[@]}") ;;
    --fuzz) packages+=("${fuzz_packages[@]}") ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

# A package counts as present only when dpkg reports it fully installed.
is_installed() {
  dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'
}

missing=()
for package in "${packages[@]}"; do
  is_installed "$package" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "install-deps: missing packages (${missing[*]}); run this script as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
