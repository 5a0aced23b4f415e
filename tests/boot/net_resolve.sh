#!/usr/bin/env bash
# Name resolution in a guest on QEMU's user network: after DHCP the kernel has written
# /etc/resolv.conf (nameserver 10.0.2.3) and /etc/hosts (localhost, and "ingot" on the leased
# 10.0.2.15), and the C library's getaddrinfo must find both names and gethostname must say
# "ingot". RESOLVE is tests/guest/resolve.c built against glibc or musl.
# Usage: net_resolve.sh INGOT RESOLVE [ingot run options...]
set -euo pipefail
ingot=$1 program=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
"$ingot" run "$@" --net user --timeout 120 "$program" >"$work/out" 2>"$work/err" || status=$?
fail() {
  echo "FAIL: $1"
  echo "--- guest stdout"; cat "$work/out"
  echo "--- guest stderr"; cat "$work/err"
  exit 1
}
[[ $status == 0 ]] || fail "$(basename "$program") exited with status $status"
grep -qx "nameserver 10\.0\.2\.3" "$work/out" || fail "/etc/resolv.conf does not name 10.0.2.3"
grep -qP "^10\.0\.2\.15\s+ingot$" "$work/out" || fail "/etc/hosts does not map ingot to 10.0.2.15"
grep -qx "gethostname: ingot" "$work/out" || fail "gethostname is not 'ingot'"
grep -qx "uname nodename: ingot" "$work/out" || fail "the uname node name is not 'ingot'"
grep -qx "ingot -> 10\.0\.2\.15" "$work/out" || fail "getaddrinfo(\"ingot\") is not 10.0.2.15"
grep -qE "^localhost ->( [0-9a-f:.]+)* 127\.0\.0\.1( |$)" "$work/out" || fail "getaddrinfo(\"localhost\") has no 127.0.0.1"
cat "$work/out"
grep '^resolve:' "$work/err" || true
echo "PASS: $(basename "$program") resolved localhost and ingot from the kernel's resolver files"
