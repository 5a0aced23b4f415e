// The edits the network receive harness may make to a fuzzed frame before delivery, so that
// mutated inputs still reach ARP, IPv4, UDP and TCP instead of dying at the first address or
// checksum test: readdressing to the stack under test, following a TCP conversation's
// sequence numbers, and repairing checksums. Each edit is selected per frame by the input.
#pragma once

#include <net/net_types.h>

#include <cstdint>
#include <map>
#include <span>
#include <tuple>

namespace ingot::fuzz {

class FrameRewriter {
public:
    FrameRewriter(net::MacAddress our_mac, net::Ipv4Address our_ip) : our_mac_(our_mac), our_ip_(our_ip) {}

    // Learns the sequence space of a TCP segment the stack sent (a whole Ethernet frame).
    void observe_transmitted(std::span<const uint8_t> frame);

    // Points a unicast destination MAC, a unicast IPv4 destination and an ARP target
    // address at the stack; group and broadcast destinations stay as they are.
    void address_to_us(std::span<uint8_t> frame) const;

    // For a TCP segment on a 4-tuple the stack has sent on, the sequence and acknowledgment
    // numbers become offsets (mod 2^32): from the number the stack last acknowledged (once it
    // has sent an ACK) and from the stack's next sequence number. Offsets 0 continue the
    // conversation in order; others reach the out-of-window and partial-ACK paths. A
    // destination port of 0 becomes our port of the conversation with the source endpoint.
    void follow_conversation(std::span<uint8_t> frame) const;

    // Recomputes the IPv4 header checksum and, for a datagram that is not a fragment and
    // lies whole in the frame, the TCP, UDP or ICMP checksum.
    static void repair_checksums(std::span<uint8_t> frame);

private:
    // Our port, the peer's address (network order) and the peer's port.
    using Key = std::tuple<uint16_t, uint32_t, uint16_t>;
    struct Progress {
        bool sent = false;
        uint32_t send_next = 0;      // our sequence number after the latest segment
        bool acknowledged = false;
        uint32_t receive_next = 0;   // the latest acknowledgment number we sent
    };

    net::MacAddress our_mac_;
    net::Ipv4Address our_ip_;
    std::map<Key, Progress> conversations_;
};

}  // namespace ingot::fuzz
