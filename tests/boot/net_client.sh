#!/usr/bin/env bash
# A guest program connects out through QEMU's user network to a server on the host: the guest
# reaches the host's 127.0.0.1 as 10.0.2.2. The server (Python, below) answers "hello N" with N
# bytes of the pattern of tests/guest/pattern.h and "echo ..." with the same line; it also holds
# a port bound but not listening, where connections are refused. The guest's tcp_client checks
# the download byte for byte, a non-blocking connect, ECONNREFUSED and the socket names.
# Usage: net_client.sh INGOT TCP_CLIENT [ingot run options...]
set -euo pipefail
ingot=$1 client=$2
shift 2
bytes=4194304
work=$(mktemp -d)
server=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 -u - >"$work/ports" 2>"$work/server.log" <<'EOF' &
import socket, sys, threading

def pattern(n):
    # pattern_byte(i) = (i*131 ^ i>>9 ^ 0x5a) & 0xff: 512-byte blocks of one base XOR (i>>9).
    base = bytes(((j * 131) ^ 0x5a) & 0xff for j in range(512))
    blocks = [base.translate(bytes(x ^ k for x in range(256))) for k in range(256)]
    return b"".join(blocks[k & 0xff] for k in range((n + 511) // 512))[:n]

def read_line(connection):
    line = b""
    while not line.endswith(b"\n"):
        chunk = connection.recv(1)
        if not chunk:
            break
        line += chunk
    return line

def serve(connection, peer):
    with connection:
        line = read_line(connection)
        print(f"server: {peer[0]}:{peer[1]} asked {line!r}", file=sys.stderr)
        if line.startswith(b"hello "):
            connection.sendall(pattern(int(line.split()[1])))
        elif line.startswith(b"echo "):
            connection.sendall(line)
            while connection.recv(4096):
                pass  # close after the client's FIN, so that nothing unread resets the connection
        print(f"server: {peer[0]}:{peer[1]} done", file=sys.stderr)

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
refusing = socket.socket()
refusing.bind(("127.0.0.1", 0))  # bound, never listening: a SYN there is answered with RST
print(listener.getsockname()[1], refusing.getsockname()[1])
while True:
    connection, peer = listener.accept()
    threading.Thread(target=serve, args=(connection, peer), daemon=True).start()
EOF
server=$!
for _ in $(seq 100); do
  [[ -s $work/ports ]] && break
  sleep 0.1
done
read -r port closed_port <"$work/ports" || { echo "FAIL: the host server did not start"; cat "$work/server.log"; exit 1; }

status=0
"$ingot" run "$@" --net user --timeout 120 "$client" -- 10.0.2.2 "$port" "$bytes" "$closed_port" \
  >"$work/out" 2>"$work/err" || status=$?
report() {
  echo "FAIL: $1"
  echo "--- guest stdout"; cat "$work/out"
  echo "--- guest stderr"; cat "$work/err"
  echo "--- host server"; cat "$work/server.log"
  exit 1
}
[[ $status == 0 ]] || report "tcp_client exited with status $status"
grep -qx "received $bytes of $bytes bytes" "$work/out" || report "the download was incomplete"
grep -q "^peer 10\.0\.2\.2:$port local 10\.0\.2\.15:[1-9]" "$work/out" || report "unexpected socket names"
grep -qx "connect to closed port $closed_port: ECONNREFUSED" "$work/out" || report "the closed port was not refused"
grep -qx "tcp_client: all checks passed (0 failed)" "$work/out" || report "a check failed"
grep -q "asked b'hello $bytes\\\\n'" "$work/server.log" || report "the server saw no hello"
cat "$work/out"
echo "PASS: the guest fetched $bytes bytes, echoed a line and was refused through QEMU's user network"
