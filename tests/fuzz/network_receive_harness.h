// Feeds arbitrary bytes to a fresh network stack as a sequence of received Ethernet frames:
// the body of the network receive fuzzer (network_receive_fuzzer.cpp) and of the corpus
// regression test (tests/unit/test_net_fuzz_corpus.cpp).
//
// The stack is Ingot's NetworkStack at 10.0.2.15/24 (MAC 52:54:00:12:34:56, gateway
// 10.0.2.2), as under QEMU user networking (harness_network.h). On top runs FuzzApplication:
// a TCP listener on port 80, a UDP endpoint on port 7 and a client connection to
// 10.0.2.20:8080. Secrets, port seeds and the clock are fixed, so one input always takes the
// same path.
//
// Input format, a sequence of records (the last frame may be cut short by the end of input):
//
//   record := control:u8  application:u8  length:u16 (big-endian)  frame:length bytes
//
//   control bits 0-3  move the clock forward before delivery by kTimeSteps[bits] (0 to 10 min)
//           bit 4     address the frame to us: a unicast destination MAC becomes ours, a
//                     unicast IPv4 destination ours, an ARP target address ours
//           bit 5     repair checksums: the IPv4 header's, and the TCP/UDP/ICMP checksum of a
//                     datagram that is not a fragment
//           bit 6     keep up with TCP: on a 4-tuple the stack has sent on, the sequence
//                     number counts from what the stack last acknowledged and the
//                     acknowledgment number from the stack's next sequence number (so 0 and
//                     0 continue in order), and a destination port of 0 becomes the
//                     stack's port (see FrameRewriter::follow_conversation)
//           bit 7     the device refuses to transmit (ENOBUFS) while this record is handled
//   application       what the application does after the frame (app_action bits in
//                     fuzz_application.h: write, echo, hold, tune, shut, close, abort, connect)
//
//   An empty frame delivers nothing: the record only moves the clock and runs the application.
//
// After each frame the stack is polled and the application serves its sockets (accepting and
// reading everything unless told to hold). At the end timers run until quiet (bounded),
// sockets are closed and the stack is destroyed. Every frame the stack transmits must parse
// as a well-formed Ethernet frame carrying ARP or IPv4 with correct checksums
// (check_transmitted_frame); otherwise the harness aborts with a message on stderr.
#pragma once

#include <cstdint>
#include <span>

namespace ingot::fuzz {

// Runs one input through a fresh stack as described above; returns when the input is used up.
void feed_network_input(std::span<const uint8_t> data);

}  // namespace ingot::fuzz
