#!/usr/bin/env python3
"""The Linux end of net_peer_test.sh: ordinary Linux TCP sockets that exchange the stream
pattern of tests/net_peer/stream_pattern.h with ingot-net-peer and check it byte-exact.

  linux_peer.py receive PORT BYTES --ready FILE   accept one connection, read to EOF, check
  linux_peer.py send HOST PORT BYTES              connect, send, shut down, wait for EOF
                                                  (--flip-byte N damages byte N on purpose)
  linux_peer.py echo HOST PORT BYTES              connect, send while reading the echo back

Prints one line with the byte count, seconds, MB/s and CRC-32 on success (exit 0); one line
with the error otherwise (exit 1). Every socket operation has a deadline (--timeout).
"""
import argparse
import select
import socket
import sys
import time
import zlib

PERIOD = 1_000_003  # stream_pattern.h kPatternPeriod
CHUNK = 256 * 1024


def pattern_block():
    """One period of the pattern: xorshift32 from 0x1badb002, four little-endian bytes a step."""
    out = bytearray((PERIOD + 3) // 4 * 4)
    x = 0x1BADB002
    mask = 0xFFFFFFFF
    for i in range(0, len(out), 4):
        x ^= (x << 13) & mask
        x ^= x >> 17
        x ^= (x << 5) & mask
        out[i:i + 4] = x.to_bytes(4, "little")
    block = bytes(out[:PERIOD])
    # Doubled so that any window of up to CHUNK bytes is one slice.
    return block + block[:CHUNK]


class Checker:
    """Checks received bytes against the pattern at their stream offset."""

    def __init__(self, block, expected):
        self.block, self.expected, self.count, self.crc = block, expected, 0, 0

    def take(self, data):
        if self.count + len(data) > self.expected:
            fail(f"more than {self.expected} bytes arrived")
        view = memoryview(data)
        while view:
            at = self.count % PERIOD
            piece = view[:CHUNK]
            if piece != self.block[at:at + len(piece)]:
                first = next(i for i in range(len(piece)) if piece[i] != self.block[at + i])
                fail(f"byte {self.count + first} differs from the pattern")
            self.crc = zlib.crc32(piece, self.crc)
            self.count += len(piece)
            view = view[len(piece):]


def sender_chunks(block, total):
    sent = 0
    while sent < total:
        at = sent % PERIOD
        n = min(CHUNK, total - sent)
        yield block[at:at + n]
        sent += n


def fail(message):
    print(f"linux-peer: {message}", flush=True)
    sys.exit(1)


def report(mode, count, seconds, crc):
    rate = count / seconds / 1e6 if seconds > 0 else 0.0
    print(f"linux-peer: {mode} {count} bytes in {seconds:.3f} s = {rate:.3f} MB/s, crc32 {crc:08x}", flush=True)


def remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        fail("timed out")
    return left


def receive(args, block, deadline):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", args.port))
    listener.listen(1)
    if args.ready:
        with open(args.ready, "w") as ready:
            ready.write("listening\n")
    listener.settimeout(remaining(deadline))
    try:
        connection, _ = listener.accept()
    except socket.timeout:
        fail("no connection arrived")
    checker = Checker(block, args.bytes)
    start = time.monotonic()
    buffer = bytearray(CHUNK)
    while True:
        connection.settimeout(remaining(deadline))
        try:
            n = connection.recv_into(buffer)
        except socket.timeout:
            fail(f"timed out after {checker.count} bytes")
        except OSError as error:
            fail(f"recv: {error} after {checker.count} bytes")
        if n == 0:
            break
        checker.take(buffer[:n])
    seconds = time.monotonic() - start
    if checker.count != args.bytes:
        fail(f"end of stream after {checker.count} bytes, expected {args.bytes}")
    connection.close()
    report("receive", checker.count, seconds, checker.crc)


def connect(args, deadline):
    # ingot-net-peer may not be listening yet: retry refused connections until the deadline.
    while True:
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.settimeout(remaining(deadline))
        try:
            connection.connect((args.host, args.port))
            return connection
        except ConnectionRefusedError:
            connection.close()
            time.sleep(0.05)
        except OSError as error:
            fail(f"connect: {error}")


def send(args, block, deadline):
    connection = connect(args, deadline)
    start = time.monotonic()
    crc = 0
    offset = 0
    for chunk in sender_chunks(block, args.bytes):
        if args.flip_byte is not None and offset <= args.flip_byte < offset + len(chunk):
            damaged = bytearray(chunk)
            damaged[args.flip_byte - offset] ^= 0xFF
            chunk = bytes(damaged)
        offset += len(chunk)
        connection.settimeout(remaining(deadline))
        try:
            connection.sendall(chunk)
        except OSError as error:
            fail(f"send: {error}")
        crc = zlib.crc32(chunk, crc)
    connection.shutdown(socket.SHUT_WR)
    # ingot-net-peer closes once it has checked everything: its EOF ends the transfer.
    connection.settimeout(remaining(deadline))
    try:
        extra = connection.recv(1)
    except OSError as error:
        fail(f"waiting for the peer's close: {error}")
    if extra:
        fail("the peer sent data to a sending peer")
    seconds = time.monotonic() - start
    connection.close()
    report("send", args.bytes, seconds, crc)


def echo(args, block, deadline):
    connection = connect(args, deadline)
    connection.setblocking(False)
    checker = Checker(block, args.bytes)
    chunks = sender_chunks(block, args.bytes)
    pending, shut = memoryview(b""), False
    start = time.monotonic()
    while True:
        if not pending and not shut:
            chunk = next(chunks, None)
            if chunk is None:
                connection.shutdown(socket.SHUT_WR)
                shut = True
            else:
                pending = memoryview(chunk)
        readable, writable, _ = select.select([connection], [connection] if pending else [], [],
                                              remaining(deadline))
        if writable:
            try:
                pending = pending[connection.send(pending):]
            except BlockingIOError:
                pass
        if readable:
            try:
                data = connection.recv(CHUNK)
            except BlockingIOError:
                continue
            except OSError as error:
                fail(f"recv: {error} after {checker.count} bytes")
            if not data:
                break
            checker.take(data)
    seconds = time.monotonic() - start
    if checker.count != args.bytes:
        fail(f"echo ended after {checker.count} bytes, expected {args.bytes}")
    connection.close()
    report("echo", checker.count, seconds, checker.crc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--ready", help="file to create once listening (receive)")
    parser.add_argument("--flip-byte", type=int, help="send: invert the byte at this offset "
                        "(checks that the receiver notices)")
    modes = parser.add_subparsers(dest="mode", required=True)
    r = modes.add_parser("receive")
    r.add_argument("port", type=int)
    r.add_argument("bytes", type=int)
    for name in ("send", "echo"):
        s = modes.add_parser(name)
        s.add_argument("host")
        s.add_argument("port", type=int)
        s.add_argument("bytes", type=int)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    block = pattern_block()
    {"receive": receive, "send": send, "echo": echo}[args.mode](args, block, deadline)


if __name__ == "__main__":
    main()
