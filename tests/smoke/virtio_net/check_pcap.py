#!/usr/bin/env python3
"""Checks a QEMU filter-dump capture of the virtio-net smoke run (classic pcap, Ethernet).

Usage: check_pcap.py CAPTURE GUEST_MAC
Passes when the capture holds the guest's gratuitous ARP for 10.0.2.15, its ARP request for
10.0.2.2, and an ARP reply from 10.0.2.2 to the guest; prints what it found.
"""
import struct
import sys


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic != 0xA1B2C3D4:
        sys.exit(f"{path}: not a little-endian microsecond pcap (magic {magic:#x})")
    if struct.unpack_from("<I", data, 20)[0] != 1:
        sys.exit(f"{path}: link type is not Ethernet")
    offset = 24
    while offset + 16 <= len(data):
        _, _, captured, _ = struct.unpack_from("<IIII", data, offset)
        offset += 16
        yield data[offset:offset + captured]
        offset += captured


def ip(b):
    return ".".join(str(x) for x in b)


def main():
    path, guest_mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
    gratuitous = requests = replies = other = 0
    for frame in frames(path):
        if len(frame) < 42 or frame[12:14] != b"\x08\x06":
            other += 1
            continue
        operation = struct.unpack_from(">H", frame, 20)[0]
        sender_mac, sender_ip, target_mac, target_ip = frame[22:28], frame[28:32], frame[32:38], frame[38:42]
        if operation == 1 and sender_mac == guest_mac and frame[6:12] == guest_mac:
            if ip(sender_ip) == ip(target_ip) == "10.0.2.15":
                gratuitous += 1
            elif ip(target_ip) == "10.0.2.2":
                requests += 1
        elif operation == 2 and ip(sender_ip) == "10.0.2.2" and target_mac == guest_mac and frame[0:6] == guest_mac:
            replies += 1
        else:
            other += 1
    print(f"{path}: {gratuitous} gratuitous ARP, {requests} requests for 10.0.2.2, "
          f"{replies} replies from 10.0.2.2, {other} other frames")
    sys.exit(0 if gratuitous >= 1 and requests >= 1 and replies >= 1 else 1)


if __name__ == "__main__":
    main()
