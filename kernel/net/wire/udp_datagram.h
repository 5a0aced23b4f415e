// A bounds-checked view of a UDP datagram (RFC 768) and an emitter.
//
// | source port (2) | destination port (2) | length (2) | checksum (2) | data ... |
#pragma once

#include <lib/result.h>
#include <net/net_types.h>
#include <net/wire/bytes.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

class UdpDatagram {
public:
    static constexpr size_t header_size = 8;

    // Checks a UDP datagram given the IPv4 payload: at least 8 bytes (EMSGSIZE), the length
    // field at least 8 (EINVAL) and within the buffer (EMSGSIZE); bytes past the length field
    // are ignored. The checksum needs the addresses: see checksum_valid().
    static Result<UdpDatagram> parse(std::span<const uint8_t> bytes);

    uint16_t source_port() const { return read_be16(bytes_, 0); }
    uint16_t destination_port() const { return read_be16(bytes_, 2); }
    uint16_t length() const { return read_be16(bytes_, 4); }
    uint16_t checksum() const { return read_be16(bytes_, 6); }
    std::span<const uint8_t> payload() const { return bytes_.subspan(header_size); }
    std::span<const uint8_t> bytes() const { return bytes_; }

    // Whether the checksum verifies with the pseudo-header; a zero checksum means the sender
    // computed none and is accepted (RFC 768, RFC 1122 §4.1.3.4).
    bool checksum_valid(Ipv4Address source, Ipv4Address destination) const;

private:
    explicit UdpDatagram(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    std::span<const uint8_t> bytes_;
};

// Writes header and payload into out with the pseudo-header checksum (a computed 0 is sent as
// 0xffff, RFC 768); returns the length, EMSGSIZE if out is too small or the datagram would
// exceed 65535 bytes. payload may already lie at out[8...] (it is moved, not copied).
Result<size_t> emit_udp_datagram(uint16_t source_port, uint16_t destination_port,
                                 Ipv4Address source, Ipv4Address destination,
                                 std::span<const uint8_t> payload, std::span<uint8_t> out);

}  // namespace ingot::net
