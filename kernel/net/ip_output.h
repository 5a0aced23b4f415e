// The interface the transport layers (UDP, TCP, ICMP) use to hand finished segments to IPv4.
// Transports build their own header and compute their checksum with the pseudo-header
// (net/wire/checksum.h) before calling; IPv4 adds its header (TTL 64, DF set, a fresh
// identification, RFC 791 §3.1), resolves the next hop and transmits.
#pragma once

#include <lib/result.h>
#include <net/net_types.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

class Ipv4Output {
public:
    virtual ~Ipv4Output() = default;

    // Sends transport_header_and_payload as the payload of one IPv4 datagram from source to
    // destination with the given protocol number (IpProtocol). source must be the address
    // source_address_for(destination) returned, or any() to let IPv4 fill it in (only for
    // protocols without a pseudo-header checksum). Errors: EMSGSIZE when the datagram exceeds
    // the MTU (it is never fragmented), ENETUNREACH with no route, EHOSTUNREACH when the next
    // hop is known not to answer ARP, ENOBUFS when a queue is full, EIO from the device. A
    // datagram queued while ARP resolves the next hop returns success; if resolution later
    // fails it is dropped and counted.
    virtual Result<void> send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                   std::span<const uint8_t> transport_header_and_payload) = 0;

    // As send_ipv4 with the transport data given as a header and a payload in separate
    // buffers (saves the sender a copy). The default joins them and calls send_ipv4.
    virtual Result<void> send_ipv4_parts(Ipv4Address source, Ipv4Address destination,
                                         uint8_t protocol, std::span<const uint8_t> header,
                                         std::span<const uint8_t> payload);

    // The local address IPv4 puts in the source field for datagrams to destination (needed in
    // advance for the pseudo-header checksum); any() when there is no usable address.
    virtual Ipv4Address source_address_for(Ipv4Address destination) const = 0;
    // Whether address belongs to this host, so that a socket may bind to it: by default the
    // one source address; an interface with loopback adds 127.0.0.0/8.
    virtual bool is_local_address(Ipv4Address address) const {
        return !address.is_unspecified() && address == source_address_for(Ipv4Address::any());
    }

    // The largest transport header plus payload that fits one unfragmented datagram to
    // destination: the link MTU minus the 20-byte IPv4 header (1480 on Ethernet), from which
    // TCP derives its MSS (RFC 9293 §3.7.1, RFC 1122 §4.2.2.6).
    virtual size_t max_transport_size(Ipv4Address destination) const = 0;
};

}  // namespace ingot::net
