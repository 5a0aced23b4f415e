// The interface IPv4 uses to hand received datagrams to a transport (ICMP, UDP, TCP), chosen
// by the protocol field (RFC 791 §3.1, RFC 1122 §3.2.1.8 and §3.3.7 for demultiplexing).
#pragma once

#include <net/wire/ipv4_packet.h>

#include <cstdint>

namespace ingot::net {

class ProtocolHandler {
public:
    virtual ~ProtocolHandler() = default;

    // Receives one complete, validated (and if needed reassembled) datagram addressed to this
    // host or to a broadcast address. The packet's bytes are only valid during the call; the
    // handler copies what it keeps. The transport checksum is the handler's to verify.
    virtual void receive_ipv4(const Ipv4Packet& packet, uint64_t now_ns) = 0;

    // Learns that a datagram this host sent with this handler's protocol did not arrive:
    // original is that datagram as far as known (quoted by an ICMP destination unreachable,
    // RFC 1122 §3.2.2.1 / §4.1.3.3 / §4.2.3.9, so its payload may be cut short; or dropped
    // here after ARP resolution failed). error: ECONNREFUSED (port unreachable), EHOSTUNREACH,
    // ENETUNREACH, ENOPROTOOPT (protocol unreachable) or EMSGSIZE (fragmentation needed). The
    // default ignores it.
    virtual void receive_error(const Ipv4Packet& original, Errno error, uint64_t now_ns) {
        (void)original;
        (void)error;
        (void)now_ns;
    }
};

}  // namespace ingot::net
