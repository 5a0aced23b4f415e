#!/usr/bin/env python3
"""Writes the hand-made seeds of the network receive fuzzer's corpus.

Each seed is a sequence of records in the format of tests/fuzz/network_receive_harness.h:
a control byte, an application byte, a big-endian 16-bit length and an Ethernet frame. The
frames come from hosts on the stack's QEMU-style network (the gateway 10.0.2.2 and a peer
10.0.2.20) and are well-formed, checksums included, unless a seed is about malformed input.
TCP segments that continue a conversation use control bit 6, so their sequence and
acknowledgment numbers are offsets from what the stack sent (0 and 0: in order).

    tests/fuzz/make_seed_corpus.py [DIRECTORY]   (default: corpus/network_receive beside it)

Seeds are named seed-*; files the fuzzer found (named by their SHA-1) are left alone.
"""

import os
import struct
import sys

OUR_MAC = bytes.fromhex("525400123456")
GATEWAY_MAC = bytes.fromhex("52550a000202")
PEER_MAC = bytes.fromhex("525400aabbcc")
BROADCAST_MAC = b"\xff" * 6
OUR_IP = bytes([10, 0, 2, 15])
GATEWAY_IP = bytes([10, 0, 2, 2])
PEER_IP = bytes([10, 0, 2, 20])
LISTEN_PORT, UDP_PORT, ACTIVE_PEER_PORT = 80, 7, 8080

# Control byte bits (network_receive_harness.h).
ADDRESS_TO_US, REPAIR, FOLLOW, DEVICE_REFUSES = 0x10, 0x20, 0x40, 0x80
# Control bits 0-3: an index into the harness's time steps (0, 1 ms, 10 ms, 40 ms, ... 600 s).
STEP_40MS, STEP_200MS, STEP_1S, STEP_3S, STEP_10S, STEP_61S = 3, 5, 7, 9, 11, 13

# Application byte bits (app_action in fuzz_application.h).
WRITE, ECHO, HOLD, TUNE, SHUT, CLOSE, ABORT, CONNECT = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
TCP, UDP, ICMP = 6, 17, 1


def checksum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet(payload, ether_type=0x0800, source=GATEWAY_MAC, destination=OUR_MAC):
    return destination + source + struct.pack("!H", ether_type) + payload


def ipv4(protocol, payload, source=GATEWAY_IP, destination=OUR_IP, identification=1, flags_offset=0x4000,
         options=b"", total_length=None):
    header_length = 20 + len(options)
    length = total_length if total_length is not None else header_length + len(payload)
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | header_length // 4, 0, length, identification, flags_offset, 64,
                         protocol, 0, source, destination) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def tcp_options(mss=None, wscale=None, sack_ok=False, timestamps=None, sack_blocks=()):
    out = b""
    if mss is not None:
        out += struct.pack("!BBH", 2, 4, mss)
    if sack_ok:
        out += b"\x04\x02"
    if timestamps is not None:
        out += struct.pack("!BBII", 8, 10, *timestamps)
    if wscale is not None:
        out += struct.pack("!BBB", 3, 3, wscale)
    if sack_blocks:
        out += struct.pack("!BB", 5, 2 + 8 * len(sack_blocks))
        for left, right in sack_blocks:
            out += struct.pack("!II", left & 0xFFFFFFFF, right & 0xFFFFFFFF)
    while len(out) % 4:
        out += b"\x01"  # NOP padding
    return out


def tcp(source_port, destination_port, seq, ack, flags, payload=b"", window=65535, options=b"",
        source=GATEWAY_IP, destination=OUR_IP, urgent=0):
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", source_port, destination_port, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                         offset << 4, flags, window, 0, urgent) + options
    pseudo = source + destination + struct.pack("!BBH", 0, TCP, len(header) + len(payload))
    value = checksum(pseudo + header + payload)
    return header[:16] + struct.pack("!H", value) + header[18:] + payload


def udp(source_port, destination_port, payload, source=GATEWAY_IP, destination=OUR_IP):
    header = struct.pack("!HHHH", source_port, destination_port, 8 + len(payload), 0)
    pseudo = source + destination + struct.pack("!BBH", 0, UDP, 8 + len(payload))
    value = checksum(pseudo + header + payload) or 0xFFFF
    return header[:6] + struct.pack("!H", value) + payload


def icmp(kind, code, rest, data):
    message = struct.pack("!BBH", kind, code, 0) + rest + data
    return message[:2] + struct.pack("!H", checksum(message)) + message[4:]


def arp(operation, sender_mac, sender_ip, target_mac, target_ip):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, operation, sender_mac, sender_ip, target_mac, target_ip)


def record(frame, control=0, actions=0):
    return bytes([control, actions]) + struct.pack("!H", len(frame)) + frame


def tcp_frame(source_port, seq, ack, flags, payload=b"", source_ip=GATEWAY_IP, source_mac=GATEWAY_MAC,
              destination_port=LISTEN_PORT, **kwargs):
    segment = tcp(source_port, destination_port, seq, ack, flags, payload, source=source_ip, **kwargs)
    return ethernet(ipv4(TCP, segment, source=source_ip), source=source_mac)


def gateway_arp_reply():
    """The gateway's ARP reply for our request: the stack sends nothing to it before."""
    return record(ethernet(arp(2, GATEWAY_MAC, GATEWAY_IP, OUR_MAC, OUR_IP), 0x0806))


def handshake(port, isn=1000, options=None, ack_options=b""):
    """The gateway's MAC, a SYN, then the ACK of our SYN-ACK. Without timestamps: once they
    are agreed, RFC 7323 §3.2 has segments without them dropped (see tcp-timestamps)."""
    if options is None:
        options = tcp_options(mss=1460, sack_ok=True, wscale=7)
    return (gateway_arp_reply() + record(tcp_frame(port, isn, 0, SYN, options=options), REPAIR) +
            record(tcp_frame(port, 0, 0, ACK, options=ack_options), FOLLOW | REPAIR))


def follow(port, flags, payload=b"", control=FOLLOW | REPAIR, actions=0, seq_offset=0, ack_offset=0, **kwargs):
    """A segment continuing the conversation on port (offsets 0: in order)."""
    return record(tcp_frame(port, seq_offset, ack_offset, flags, payload, **kwargs), control, actions)


def seeds():
    http_get = b"GET / HTTP/1.1\r\nHost: 10.0.2.15\r\n\r\n"
    linux_syn_options = tcp_options(mss=1460, sack_ok=True, timestamps=(1, 0), wscale=7)
    arp_reply_peer = ethernet(arp(2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP), 0x0806, source=PEER_MAC)
    echo = icmp(8, 0, struct.pack("!HH", 0x77, 1), bytes(range(56)))

    # Link and network layer.
    yield "arp", (
        record(ethernet(arp(1, GATEWAY_MAC, GATEWAY_IP, bytes(6), OUR_IP), 0x0806, destination=BROADCAST_MAC)) +
        record(ethernet(arp(1, PEER_MAC, OUR_IP, bytes(6), OUR_IP), 0x0806, source=PEER_MAC,
                        destination=BROADCAST_MAC)) +  # someone claims our address
        gateway_arp_reply() + record(b"", STEP_61S) + record(b"", STEP_61S))
    yield "icmp-and-ip-options", (
        record(ethernet(ipv4(ICMP, echo))) +
        record(ethernet(ipv4(ICMP, echo, destination=b"\xff" * 4), destination=BROADCAST_MAC)) +
        record(ethernet(ipv4(ICMP, echo, options=b"\x94\x04\x00\x00" + b"\x01" * 4))) +
        record(ethernet(ipv4(47, b"\0" * 24))))  # an unknown protocol: ICMP protocol unreachable
    yield "ipv4-fragments", (
        record(ethernet(ipv4(ICMP, echo[:32], identification=9, flags_offset=0x2000))) +
        record(ethernet(ipv4(ICMP, echo[32:], identification=9, flags_offset=32 // 8))) +
        # Overlapping pieces, a piece at the largest offset, then the reassembly timeout.
        record(ethernet(ipv4(UDP, b"A" * 48, identification=5, flags_offset=0x2000))) +
        record(ethernet(ipv4(UDP, b"B" * 48, identification=5, flags_offset=0x2000 | 2))) +
        record(ethernet(ipv4(UDP, b"C" * 8, identification=5, flags_offset=0x1FFF))) +
        record(b"", STEP_61S))

    # UDP (the endpoint on port 7).
    yield "udp-echo", (
        record(ethernet(ipv4(UDP, udp(5353, UDP_PORT, b"hello"))), actions=ECHO) + gateway_arp_reply() +
        record(ethernet(ipv4(UDP, udp(68, UDP_PORT, b"x" * 300), destination=b"\xff" * 4),
                        destination=BROADCAST_MAC), actions=ECHO))
    quoted_udp = ipv4(UDP, udp(UDP_PORT, 5353, b"", source=OUR_IP), source=OUR_IP, destination=GATEWAY_IP)
    yield "udp-closed-port", (
        record(ethernet(ipv4(UDP, udp(5353, 9, b"nobody home")))) +
        record(ethernet(ipv4(ICMP, icmp(3, 3, b"\0" * 4, quoted_udp)))))
    datagram = udp(4000, UDP_PORT, bytes(range(256)) * 8)
    yield "udp-fragments", (
        record(ethernet(ipv4(UDP, datagram[:1480], identification=77, flags_offset=0x2000))) +
        record(ethernet(ipv4(UDP, datagram[1480:], identification=77, flags_offset=1480 // 8)), actions=ECHO))

    # TCP, passive side (the listener on port 80).
    yield "tcp-syns", gateway_arp_reply() + (
        record(tcp_frame(40000, 1000, 0, SYN, options=linux_syn_options)) +
        record(tcp_frame(40001, 1000, 0, SYN, destination_port=81)) +  # closed port: RST
        record(tcp_frame(40002, 1000, 0, SYN | PSH, http_get, options=tcp_options(mss=536))))
    yield "tcp-request-response", (
        handshake(40003) + follow(40003, ACK | PSH, http_get, actions=WRITE) +
        follow(40003, ACK, control=FOLLOW | REPAIR | STEP_40MS) + follow(40003, ACK | FIN) +
        follow(40003, ACK, control=FOLLOW | REPAIR | STEP_61S))
    yield "tcp-peer-closes-first", (
        handshake(40004, options=b"") + follow(40004, ACK | FIN | PSH, http_get, actions=WRITE) +
        follow(40004, ACK) + record(b"", STEP_10S))
    yield "tcp-we-close-first", (  # FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT, then a new SYN on the 4-tuple
        handshake(40014) + record(b"", actions=CLOSE) + follow(40014, ACK) + follow(40014, ACK | FIN) +
        record(b"", STEP_10S) + record(tcp_frame(40014, 900000, 0, SYN), REPAIR) + record(b"", STEP_61S))
    yield "tcp-half-close", (  # data keeps arriving after our FIN
        handshake(40015) + record(b"", actions=WRITE | SHUT) + follow(40015, ACK) +
        follow(40015, ACK | PSH, b"more request") + follow(40015, ACK | FIN))
    yield "tcp-resets", (
        handshake(40005) + follow(40005, RST) +
        handshake(40006) + follow(40006, RST, seq_offset=5000) + follow(40006, SYN))  # RFC 5961 challenge ACKs
    yield "tcp-abort-with-unread-data", (
        handshake(40016) + follow(40016, ACK | PSH, http_get, actions=HOLD) + record(b"", actions=HOLD | ABORT))
    yield "tcp-out-of-order", (
        handshake(40007) + follow(40007, ACK, b"second", seq_offset=6) +
        follow(40007, ACK, b"third!", seq_offset=12) + follow(40007, ACK, b"first!"))
    yield "tcp-receive-window-full", (
        handshake(40017) + follow(40017, ACK, b"a" * 1460, actions=HOLD) +
        follow(40017, ACK, b"b" * 1460, actions=HOLD) +
        follow(40017, ACK, b"c" * 1460, actions=HOLD) + follow(40017, ACK, b"d", actions=HOLD) +
        record(b"", STEP_1S, HOLD) + record(b"", STEP_40MS))
    yield "tcp-zero-window-persist", (
        handshake(40008) + follow(40008, ACK, window=0, actions=WRITE) +
        record(b"", STEP_1S) + record(b"", STEP_3S) + follow(40008, ACK, window=65535))
    yield "tcp-sack-partial-ack", (
        handshake(40009) + follow(40009, ACK | PSH, http_get, actions=WRITE) +
        follow(40009, ACK, ack_offset=-1500, options=tcp_options(sack_blocks=[(-1000, 0)])) +
        follow(40009, ACK, ack_offset=-1500) + follow(40009, ACK, ack_offset=-1500) +
        follow(40009, ACK, ack_offset=-1500) + follow(40009, ACK, control=FOLLOW | REPAIR | STEP_200MS))
    yield "tcp-retransmit-timeout", (
        handshake(40010) + follow(40010, ACK | PSH, b"x", actions=WRITE) +
        record(b"", STEP_1S) + record(b"", STEP_3S) + record(b"", STEP_10S) + follow(40010, ACK))
    yield "tcp-device-refuses", (  # the SYN-ACK and the response are lost at the device
        gateway_arp_reply() + record(tcp_frame(40018, 1000, 0, SYN), REPAIR | DEVICE_REFUSES) +
        record(b"", STEP_1S) + follow(40018, ACK) +
        follow(40018, ACK | PSH, http_get, control=FOLLOW | REPAIR | DEVICE_REFUSES, actions=WRITE) +
        record(b"", STEP_1S))
    yield "tcp-keepalive", (
        handshake(40019) + record(b"", actions=TUNE) + b"".join(record(b"", STEP_1S) for _ in range(5)))
    yield "tcp-timestamps", (
        handshake(40013, options=linux_syn_options, ack_options=tcp_options(timestamps=(101, 0))) +
        follow(40013, ACK | PSH, http_get, actions=WRITE, options=tcp_options(timestamps=(102, 0))) +
        follow(40013, ACK, b"old", options=tcp_options(timestamps=(50, 0))) +  # PAWS (RFC 7323 §5)
        follow(40013, ACK | FIN, options=tcp_options(timestamps=(103, 0))))
    yield "tcp-urgent", handshake(40011) + follow(40011, ACK | URG | PSH, b"!urgent", urgent=1)
    yield "tcp-backlog-overflow", gateway_arp_reply() + b"".join(
        record(tcp_frame(41000 + i, 7 * i, 0, SYN)) for i in range(12))
    # An ICMP "fragmentation needed" (RFC 1191) quoting a segment the stack sent on a connection.
    quoted = ipv4(TCP, tcp(LISTEN_PORT, 40012, 0, 0, ACK, source=OUR_IP, destination=GATEWAY_IP)[:8],
                  source=OUR_IP, destination=GATEWAY_IP, total_length=40)
    yield "icmp-frag-needed-for-tcp", (
        handshake(40012) + follow(40012, ACK | PSH, http_get, actions=WRITE) +
        record(ethernet(ipv4(ICMP, icmp(3, 4, struct.pack("!HH", 0, 576), quoted))), actions=WRITE))

    # TCP, active side: the application's connections to 10.0.2.20:8080 from ephemeral ports
    # (destination port 0 with control bit 6 stands for the latest).
    from_peer = {"source_ip": PEER_IP, "source_mac": PEER_MAC, "destination_port": 0}
    yield "tcp-active-open", (
        record(arp_reply_peer) +
        record(tcp_frame(ACTIVE_PEER_PORT, 5000, 0, SYN | ACK, options=tcp_options(mss=1400, wscale=2), **from_peer),
               ADDRESS_TO_US | FOLLOW | REPAIR) +
        record(b"", actions=WRITE) +
        follow(ACTIVE_PEER_PORT, ACK | PSH, b"HTTP/1.1 200 OK\r\n\r\n", **from_peer) +
        follow(ACTIVE_PEER_PORT, ACK | FIN, **from_peer) + record(b"", STEP_61S))
    yield "tcp-active-open-refused", (
        record(arp_reply_peer) +
        record(tcp_frame(ACTIVE_PEER_PORT, 0, 0, RST | ACK, **from_peer), ADDRESS_TO_US | FOLLOW | REPAIR) +
        record(b"", actions=CONNECT) + record(b"", actions=CONNECT))
    yield "tcp-active-open-no-answer", record(arp_reply_peer) + record(b"", STEP_61S) + record(b"", STEP_61S)

    # Malformed input: none of it may crash, hang or make the stack send nonsense.
    yield "bad-link-and-ip", (
        record(b"\x00" * 5) + record(OUR_MAC + GATEWAY_MAC + b"\x00\x40" + b"\0" * 46) +  # 802.3 length
        record(ethernet(b"\x45\x00")) +
        record(ethernet(ipv4(ICMP, echo, total_length=2000))) +
        record(ethernet(bytes([0x4F]) + ipv4(ICMP, echo)[1:])) +  # IHL beyond the datagram
        record(ethernet(bytes([0x65]) + ipv4(ICMP, echo)[1:])) +  # version 6
        record(ethernet(ipv4(ICMP, echo, total_length=12))) +
        record(ethernet(ipv4(ICMP, echo, source=OUR_IP))) +
        record(ethernet(ipv4(ICMP, echo, source=b"\xff" * 4))) +
        record(ethernet(ipv4(ICMP, echo, source=bytes([224, 0, 0, 1])))) +
        record(tcp_frame(42005, 1, 0, SYN, source_ip=bytes([10, 0, 2, 255]))) +
        record(ethernet(ipv4(UDP, udp(1, UDP_PORT, b"z" * 3000))), actions=ECHO))  # beyond the MTU
    bad_offset = bytearray(tcp_frame(42004, 1, 0, SYN))
    bad_offset[14 + 20 + 12] = 0xF0  # data offset 15 words in a 20-byte segment
    yield "bad-transport", (
        record(tcp_frame(42000, 1, 0, SYN, options=b"\x02\x00\x00\x00")) +
        record(tcp_frame(42001, 1, 0, SYN, options=b"\x08\x0a" + b"\0" * 6)) +
        record(tcp_frame(42002, 1, 0, SYN, options=b"\x03\x03\xff\x00")) +
        record(tcp_frame(42003, 1, 0, SYN, options=b"\x02\x04\x00\x00")) +
        record(bytes(bad_offset), REPAIR) +
        record(ethernet(ipv4(UDP, struct.pack("!HHHH", 1, UDP_PORT, 4, 0) + b"abcd"))) +
        record(ethernet(ipv4(UDP, struct.pack("!HHHH", 1, UDP_PORT, 400, 0) + b"abcd"))))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "network_receive")
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.startswith("seed-"):
            os.remove(os.path.join(directory, name))
    for name, data in seeds():
        with open(os.path.join(directory, f"seed-{name}"), "wb") as out:
            out.write(data)


if __name__ == "__main__":
    main()
