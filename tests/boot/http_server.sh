#!/usr/bin/env bash
# Checks examples/http-server with curl and raw sockets: pages byte for byte with their
# Content-Type, HEAD, keep-alive, pipelining, a 10 MiB file, the error statuses (400, 404, 405,
# 505), path traversal, percent-decoding and 20 concurrent clients. The server runs with
# --max-requests set to the number of responses the checks ask for, so it must then exit 0.
# Usage: http_server.sh native SERVER
#        http_server.sh ingot INGOT SERVER [ingot run options...]
# "native" runs SERVER on this machine; "ingot" boots it with `ingot run --net user` and a
# forwarded port, its root file system holding the site under /www.
set -euo pipefail

usage() {
  echo "usage: $0 native SERVER | $0 ingot INGOT SERVER [ingot run options...]" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
mode=$1
run_options=()
case $mode in
  native) [[ $# -eq 2 ]] || usage; server=$2 ;;
  ingot) [[ $# -ge 3 ]] || usage; ingot=$2; server=$3; shift 3; run_options=("$@") ;;
  *) usage ;;
esac

# Every check below adds the responses it asks for to `responses`; the server is told this
# total up front, and the script checks at the end that the two agree.
expected_responses=41
responses=0

site=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/http-server/www" && pwd)
work=$(mktemp -d)
log=$work/server.log
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "--- server output ---"
  cat "$log" || true
  exit 1
}
pass() { echo "ok: $*"; }

# The root: the site under www/, plus a file outside it that traversal must not reach, a
# directory whose name needs percent-encoding, and a 10 MiB + 7 bytes file whose 32-bit
# little-endian words count up (a misplaced or repeated chunk changes its hash).
root=$work/root
mkdir -p "$root/www"
cp -R "$site/." "$root/www/"
echo "outside the site" >"$root/secret.txt"
mkdir "$root/www/sub dir"
printf 'the index of a directory with a space\n' >"$root/www/sub dir/index.html"
python3 - "$root/www/big.bin" <<'PY'
import array, sys
size = 10 * 1024 * 1024 + 7
with open(sys.argv[1], "wb") as out:
    out.write(array.array("I", range(size // 4 + 1)).tobytes()[:size])
PY

# A raw request (the argument, with \r \n escapes) on its own connection; the response, read
# until the server closes, goes to the file named second.
cat >"$work/raw.py" <<'PY'
import socket, sys
port, request, output = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = request.encode().decode("unicode_escape").encode("latin-1")
with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
    connection.sendall(data)
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
open(output, "wb").write(received)
PY
raw() { python3 "$work/raw.py" "$port" "$1" "$2" || fail "raw request '${1:0:60}' failed"; }
status_line() { head -n 1 "$1" | tr -d '\r'; }
# The bytes after the head of the (single) response in file $1.
raw_body_length() {
  python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(len(d) - d.index(b"\r\n\r\n") - 4)' "$1"
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
if [[ $mode == native ]]; then
  "$server" --port "$port" --root "$root/www" --max-requests "$expected_responses" </dev/null >"$log" 2>&1 &
  server_pid=$!
else
  # QEMU's user network forwards the host port to the guest's 8080.
  "$ingot" run "${run_options[@]}" --net user -p "$port:8080" --files "$root" --timeout 300 \
    "$server" -- --root /www --max-requests "$expected_responses" </dev/null >"$log" 2>&1 &
  server_pid=$!
fi
for _ in $(seq 240); do
  grep -q 'http-server: listening on port' "$log" && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server ended before listening"
  sleep 0.5
done
grep -q 'http-server: listening on port' "$log" || fail "the server did not start listening"
started=$(date +%s)
curl_options=(-sS -m 120)

# GET /: index.html byte for byte, as text/html.
curl "${curl_options[@]}" -D "$work/get.head" -o "$work/get.body" "$url/" || fail "GET /"
responses=$((responses + 1))
cmp -s "$work/get.body" "$root/www/index.html" || fail "GET / does not return index.html byte for byte"
grep -qi '^content-type: text/html' "$work/get.head" || fail "GET /: no text/html Content-Type"
grep -qi '^server: ingot-http' "$work/get.head" || fail "GET /: no 'Server: ingot-http'"
index_length=$(stat -c %s "$root/www/index.html")
grep -qi "^content-length: $index_length"$'\r'"\$" "$work/get.head" || fail "GET /: wrong Content-Length"
pass "GET / returns index.html ($index_length bytes, text/html)"

# HEAD: the same Content-Length and type, and no body (raw, since curl would not notice one).
curl "${curl_options[@]}" -I -o "$work/head.head" "$url/" || fail "HEAD /"
responses=$((responses + 1))
grep -qi "^content-length: $index_length"$'\r'"\$" "$work/head.head" || fail "HEAD /: wrong Content-Length"
grep -qi '^content-type: text/html' "$work/head.head" || fail "HEAD /: wrong Content-Type"
raw 'HEAD / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n' "$work/head.raw"
responses=$((responses + 1))
[[ $(status_line "$work/head.raw") == "HTTP/1.1 200 OK" ]] || fail "HEAD (raw): $(status_line "$work/head.raw")"
[[ $(raw_body_length "$work/head.raw") == 0 ]] || fail "HEAD (raw): the response has a body"
pass "HEAD / has GET's headers and no body"

# Keep-alive: curl reuses the connection for the second URL (one connect, then none).
connects=$(curl "${curl_options[@]}" -o "$work/ka1" -o "$work/ka2" -w '%{num_connects} ' "$url/hello.txt" "$url/style.css") ||
  fail "keep-alive requests"
responses=$((responses + 2))
[[ $connects == "1 0 " ]] || fail "keep-alive: connections per request '$connects', expected '1 0 '"
cmp -s "$work/ka1" "$root/www/hello.txt" || fail "keep-alive: wrong first body"
cmp -s "$work/ka2" "$root/www/style.css" || fail "keep-alive: wrong second body"
pass "two requests share one connection"

# Content types.
types=$(curl "${curl_options[@]}" -o /dev/null -o /dev/null -o /dev/null -w '%{content_type}|' \
  "$url/style.css" "$url/info.json" "$url/hello.txt") || fail "content type requests"
responses=$((responses + 3))
[[ $types == "text/css; charset=utf-8|application/json|text/plain; charset=utf-8|" ]] || fail "content types: $types"
pass "Content-Type for css, json and txt"

# 10 MiB, byte for byte.
begin=$(date +%s.%N)
curl "${curl_options[@]}" -o "$work/big.out" "$url/big.bin" || fail "GET /big.bin"
responses=$((responses + 1))
seconds=$(python3 -c "import time; print(f'{time.time() - $begin:.1f}')")
[[ $(sha256sum <"$work/big.out") == $(sha256sum <"$root/www/big.bin") ]] ||
  fail "GET /big.bin: $(stat -c %s "$work/big.out") bytes that differ from the file"
pass "10 MiB file byte for byte (${seconds} s)"

# 404, 405.
code=$(curl "${curl_options[@]}" -o /dev/null -w '%{http_code}' "$url/missing.html") || fail "GET /missing.html"
responses=$((responses + 1))
[[ $code == 404 ]] || fail "missing file: status $code, expected 404"
code=$(curl "${curl_options[@]}" -X POST -D "$work/post.head" -o /dev/null -w '%{http_code}' "$url/") || fail "POST /"
responses=$((responses + 1))
[[ $code == 405 ]] || fail "POST: status $code, expected 405"
grep -qi '^allow: GET, HEAD' "$work/post.head" || fail "405 without 'Allow: GET, HEAD'"
pass "404 for a missing file, 405 with Allow for POST"

# Malformed requests: 400; an HTTP/2.0 request line: 505.
raw 'GARBAGE\r\n\r\n' "$work/bad.raw"
responses=$((responses + 1))
[[ $(status_line "$work/bad.raw") == "HTTP/1.1 400 Bad Request" ]] || fail "garbage: $(status_line "$work/bad.raw")"
padding=$(head -c 9000 /dev/zero | tr '\0' a)
raw "GET / HTTP/1.1\\r\\nHost: test\\r\\nX-Padding: $padding\\r\\n\\r\\n" "$work/huge.raw"
responses=$((responses + 1))
[[ $(status_line "$work/huge.raw") == "HTTP/1.1 400 Bad Request" ]] || fail "9 KB head: $(status_line "$work/huge.raw")"
raw 'GET / HTTP/2.0\r\nHost: test\r\n\r\n' "$work/version.raw"
responses=$((responses + 1))
[[ $(status_line "$work/version.raw") == "HTTP/1.1 505 HTTP Version Not Supported" ]] ||
  fail "HTTP/2.0: $(status_line "$work/version.raw")"
pass "400 for garbage and for a head over 8 KiB, 505 for HTTP/2.0"

# Pipelining: two requests in one segment, answered in order.
raw 'GET /hello.txt HTTP/1.1\r\nHost: test\r\n\r\nGET /info.json HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n' \
  "$work/pipelined.raw"
responses=$((responses + 2))
python3 - "$work/pipelined.raw" "$root/www/hello.txt" "$root/www/info.json" <<'PY' || fail "pipelined responses"
import sys
data, first, second = (open(path, "rb").read() for path in sys.argv[1:])
responses = []
while data:
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0])
    responses.append((head.split(b"\r\n")[0], rest[:length]))
    data = rest[length:]
assert responses == [(b"HTTP/1.1 200 OK", first), (b"HTTP/1.1 200 OK", second)], responses
PY
pass "two pipelined requests answered in order"

# HTTP/1.0 closes after the response unless asked otherwise (raw() reads until the close).
raw 'GET /hello.txt HTTP/1.0\r\n\r\n' "$work/http10.raw"
responses=$((responses + 1))
[[ $(status_line "$work/http10.raw") == "HTTP/1.1 200 OK" ]] || fail "HTTP/1.0: $(status_line "$work/http10.raw")"
pass "HTTP/1.0 request answered, connection closed"

# Traversal out of the root, plain and percent-encoded: refused, never the file's content.
for target in /../secret.txt /%2e%2e/secret.txt; do
  code=$(curl "${curl_options[@]}" --path-as-is -o "$work/traversal" -w '%{http_code}' "$url$target") || fail "GET $target"
  responses=$((responses + 1))
  [[ $code == 400 || $code == 404 ]] || fail "GET $target: status $code"
  ! grep -q 'outside the site' "$work/traversal" || fail "GET $target escaped the root"
done
pass "path traversal refused"

# Percent-decoding, and a directory with and without its trailing slash.
for target in "/sub%20dir/" "/sub%20dir"; do
  curl "${curl_options[@]}" -o "$work/sub" "$url$target" || fail "GET $target"
  responses=$((responses + 1))
  cmp -s "$work/sub" "$root/www/sub dir/index.html" || fail "GET $target: not the directory's index.html"
done
pass "percent-decoded directory path serves its index.html"

# 20 clients at once.
pids=()
for i in $(seq 20); do
  if ((i % 2)); then target=style.css; else target=index.html; fi
  curl "${curl_options[@]}" -o "$work/concurrent.$i" "$url/$target" &
  pids+=($!)
done
failures=0
for pid in "${pids[@]}"; do wait "$pid" || failures=$((failures + 1)); done
responses=$((responses + 20))
((failures == 0)) || fail "$failures of 20 concurrent clients failed"
for i in $(seq 20); do
  if ((i % 2)); then target=style.css; else target=index.html; fi
  cmp -s "$work/concurrent.$i" "$root/www/$target" || fail "concurrent client $i: wrong body"
done
pass "20 concurrent clients"

((responses == expected_responses)) ||
  fail "the checks asked for $responses responses, but the server was told $expected_responses"
# With its last response written, the server exits 0 (under Ingot, the guest powers off).
for _ in $(seq 120); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.5
done
kill -0 "$server_pid" 2>/dev/null && fail "the server is still running after $expected_responses responses"
status=0
wait "$server_pid" || status=$?
server_pid=
((status == 0)) || fail "the server exited with status $status"
echo "PASS: $mode http-server: all checks ($responses responses, $(($(date +%s) - started)) s after listening), exit 0"
