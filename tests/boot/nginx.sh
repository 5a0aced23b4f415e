#!/usr/bin/env bash
# nginx from Debian's source package (tests/apps/debian_app.sh) as an Ingot image serving static
# files, against the same nginx and configuration (tests/apps/nginx.conf.in) run natively: pages
# byte for byte with the same headers, a 10 MiB file (sendfile) by SHA-256, a byte range, 404,
# HEAD, and two requests on one keep-alive connection.
# Usage: nginx.sh INGOT NGINX [ingot run options...]
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 INGOT NGINX [ingot run options...]" >&2; exit 2; }
ingot=$1
nginx=$2
shift 2
run_options=("$@")
apps=$(cd "$(dirname "${BASH_SOURCE[0]}")/../apps" && pwd)
site=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/http-server/www" && pwd)
[[ -x $nginx ]] || {
  echo "FAIL: $nginx is missing: building nginx from Debian's source package failed" \
    "(see the apps.build.nginx test, or run tests/apps/debian_app.sh BUILD/apps nginx)"
  exit 1
}

source "$(dirname "${BASH_SOURCE[0]}")/server_test_lib.sh"
chmod 755 "$work"  # the native workers run as nobody and must reach the site
configure() { sed -e "s|@PORT@|$1|" -e "s|@ROOT@|$2|" -e "s|@TMP@|$3|" "$apps/nginx.conf.in"; }

# The guest's root file system, which the native server serves too: the site, a 10 MiB + 7
# bytes file whose 32-bit words count up, and the user and group nginx looks up when it runs
# as root (nobody, nogroup).
root=$work/root
mkdir -p "$root/www" "$root/etc" "$work/native-tmp"
cp -R "$site/." "$root/www/"
python3 - "$root/www/big.bin" <<'PY'
import array, sys
size = 10 * 1024 * 1024 + 7
with open(sys.argv[1], "wb") as out:
    out.write(array.array("I", range(size // 4 + 1)).tobytes()[:size])
PY
echo 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$root/etc/passwd"
echo 'nogroup:x:65534:' >"$root/etc/group"
native_port=$(free_port)
guest_port=$(free_port)
configure 8080 "" /tmp >"$root/nginx.conf"
configure "$native_port" "$root" "$work/native-tmp" >"$work/native.conf"

started=$(date +%s)
"$ingot" run "${run_options[@]}" --net user -p "$guest_port:8080" --files "$root" --timeout 240 \
  "$nginx" -- -p /tmp/ -e stderr -c /nginx.conf </dev/null >"$work/guest.log" 2>&1 &
guest_pid=$!
"$nginx" -p "$work/native-tmp/" -e stderr -c "$work/native.conf" </dev/null >"$work/native.log" 2>&1 &
native_pid=$!

wait_ready() {
  local port=$1 pid=$2 name=$3
  for _ in $(seq 120); do
    # Any HTTP response will do: the checks below judge it.
    [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/") != 000 ]] && return 0
    kill -0 "$pid" 2>/dev/null || fail "the $name nginx ended before serving"
    sleep 0.5
  done
  fail "the $name nginx did not serve /"
}
wait_ready "$native_port" "$native_pid" native
wait_ready "$guest_port" "$guest_pid" guest
pass "both servers answer (guest after $(($(date +%s) - started)) s)"

curl_options=(-sS -m 120)
# fetch SIDE NAME CURL-ARGS...: the response's head (without Date, which differs) in SIDE.NAME.head
# and body in SIDE.NAME.body, and the status code in SIDE.NAME.code.
fetch() {
  local side=$1 name=$2 port
  shift 2
  port=${side}_port
  curl "${curl_options[@]}" -D "$work/$side.$name.head.raw" -o "$work/$side.$name.body" \
    -w '%{http_code}' "$@" "http://127.0.0.1:${!port}$path" >"$work/$side.$name.code" ||
    fail "$side: curl $* $path failed"
  tr -d '\r' <"$work/$side.$name.head.raw" | grep -vi '^date:' >"$work/$side.$name.head"
}
# same NAME PATH CURL-ARGS...: the native and the guest responses agree, head and body.
same() {
  local name=$1
  path=$2
  shift 2
  fetch native "$name" "$@"
  fetch guest "$name" "$@"
  diff -u "$work/native.$name.head" "$work/guest.$name.head" >"$work/$name.diff" ||
    fail "$name: the heads differ (native -, guest +):"$'\n'"$(cat "$work/$name.diff")"
  # (curl -I writes the head where the body would go: it differs by its Date.)
  [[ $name == head ]] || cmp -s "$work/native.$name.body" "$work/guest.$name.body" || fail "$name: the bodies differ"
}

same index /
[[ $(cat "$work/guest.index.code") == 200 ]] || fail "GET /: status $(cat "$work/guest.index.code")"
cmp -s "$work/guest.index.body" "$root/www/index.html" || fail "GET /: not index.html byte for byte"
pass "GET / returns index.html with the native head: $(head -n 1 "$work/guest.index.head")"

begin=$(date +%s.%N)
same big /big.bin
seconds=$(python3 -c "import time; print(f'{time.time() - $begin:.1f}')")
[[ $(sha256sum <"$work/guest.big.body") == $(sha256sum <"$root/www/big.bin") ]] ||
  fail "GET /big.bin: $(stat -c %s "$work/guest.big.body") bytes that differ from the file"
pass "10 MiB file byte for byte (both servers in ${seconds} s)"

same range /big.bin -r 1000000-1000999
[[ $(cat "$work/guest.range.code") == 206 ]] || fail "range: status $(cat "$work/guest.range.code")"
cmp -s "$work/guest.range.body" <(tail -c +1000001 "$root/www/big.bin" | head -c 1000) || fail "range: wrong bytes"
pass "a byte range: 206 with the right 1000 bytes"

same missing /missing.html
[[ $(cat "$work/guest.missing.code") == 404 ]] || fail "missing file: status $(cat "$work/guest.missing.code")"
pass "404 for a missing file, with nginx's page"

same head /hello.txt -I
downloaded=$(curl "${curl_options[@]}" -I -o /dev/null -w '%{size_download}' "http://127.0.0.1:$guest_port/hello.txt") ||
  fail "HEAD /hello.txt"
[[ $downloaded == 0 ]] || fail "HEAD: a body of $downloaded bytes"
grep -qi "^content-length: $(stat -c %s "$root/www/hello.txt")\$" "$work/guest.head.head" || fail "HEAD: wrong Content-Length"
pass "HEAD: GET's head and no body"

connects=$(curl "${curl_options[@]}" -o "$work/ka1" -o "$work/ka2" -w '%{num_connects} ' \
  "http://127.0.0.1:$guest_port/hello.txt" "http://127.0.0.1:$guest_port/style.css") || fail "keep-alive requests"
[[ $connects == "1 0 " ]] || fail "keep-alive: connections per request '$connects', expected '1 0 '"
cmp -s "$work/ka1" "$root/www/hello.txt" && cmp -s "$work/ka2" "$root/www/style.css" || fail "keep-alive: wrong bodies"
pass "two requests share one connection"

# nginx ends on SIGTERM; under Ingot the test stops the machine instead.
kill "$guest_pid"
wait "$guest_pid" 2>/dev/null || true
guest_pid=
unsupported=$( (grep -o 'unsupported system call [a-z_0-9]*' "$work/guest.log" || true) | sort -u | sed 's/unsupported system call //' | tr '\n' ' ')
grep -E '\[(alert|crit|emerg)\]' "$work/guest.log" && fail "the guest logged alerts"
workers=$(grep -cE 'start worker process [0-9]+$' "$work/guest.log" || true)
[[ $workers == 2 ]] || fail "the guest's master started $workers worker processes, expected 2"
echo "PASS: nginx under Ingot matches the native run ($(($(date +%s) - started)) s; system calls Ingot left unsupported: ${unsupported:-none})"
