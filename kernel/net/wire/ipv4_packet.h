// A bounds-checked view of an IPv4 datagram (RFC 791 §3.1) and a header emitter.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// |Version|  IHL  |Type of Service|          Total Length         |
// |         Identification        |Flags|      Fragment Offset    |
// |  Time to Live |    Protocol   |         Header Checksum       |
// |                       Source Address                          |
// |                    Destination Address                        |
// |                    Options (IHL > 5)                          |
#pragma once

#include <lib/result.h>
#include <net/net_types.h>
#include <net/wire/bytes.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

class Ipv4Packet {
public:
    static constexpr size_t min_header_size = 20;
    static constexpr size_t max_header_size = 60;

    // Checks a received datagram: version 4, 5 <= IHL, header within the buffer, total length
    // >= IHL*4 and within the buffer (EMSGSIZE when the buffer is shorter than claimed; link
    // padding after total length is cut off), and a correct header checksum (EINVAL otherwise).
    static Result<Ipv4Packet> parse(std::span<const uint8_t> bytes);

    // As parse for the "original datagram" quoted in an ICMP error (RFC 792): the checksum is
    // not checked and the data may be cut short of total length.
    static Result<Ipv4Packet> parse_quoted(std::span<const uint8_t> bytes);

    uint8_t version() const { return bytes_[0] >> 4; }
    // Header length in bytes (IHL * 4), 20 to 60.
    size_t header_length() const { return size_t{bytes_[0] & 0x0fu} * 4; }
    uint8_t type_of_service() const { return bytes_[1]; }
    uint16_t total_length() const { return read_be16(bytes_, 2); }
    uint16_t identification() const { return read_be16(bytes_, 4); }
    bool dont_fragment() const { return (bytes_[6] & 0x40) != 0; }
    bool more_fragments() const { return (bytes_[6] & 0x20) != 0; }
    // Fragment offset in bytes (the field counts 8-byte units).
    size_t fragment_offset() const { return size_t{read_be16(bytes_, 6) & 0x1fffu} * 8; }
    // Whether this datagram is one piece of a larger one (MF set or a non-zero offset).
    bool is_fragment() const { return more_fragments() || fragment_offset() != 0; }
    uint8_t ttl() const { return bytes_[8]; }
    uint8_t protocol() const { return bytes_[9]; }
    uint16_t header_checksum() const { return read_be16(bytes_, 10); }
    Ipv4Address source() const { return Ipv4Address::from_bytes(bytes_.subspan(12, 4)); }
    Ipv4Address destination() const { return Ipv4Address::from_bytes(bytes_.subspan(16, 4)); }
    // The header options (RFC 791 §3.1 "Options"); not interpreted by this stack.
    std::span<const uint8_t> options() const {
        return bytes_.subspan(min_header_size, header_length() - min_header_size);
    }
    // The fixed header plus options.
    std::span<const uint8_t> header() const { return bytes_.first(header_length()); }
    // The data after the header (the transport segment, or a fragment of it).
    std::span<const uint8_t> payload() const { return bytes_.subspan(header_length()); }
    // The whole datagram, header included, up to total length (or the quoted part).
    std::span<const uint8_t> bytes() const { return bytes_; }

private:
    explicit Ipv4Packet(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    std::span<const uint8_t> bytes_;
};

// The fields of an outgoing IPv4 header without options.
struct Ipv4HeaderFields {
    Ipv4Address source;
    Ipv4Address destination;
    uint8_t protocol = 0;
    uint16_t payload_length = 0;   // bytes after the header
    uint16_t identification = 0;
    uint8_t ttl = 64;              // RFC 1700 recommended default
    uint8_t type_of_service = 0;
    bool dont_fragment = true;     // no fragmentation on send; path MTU discovery, RFC 1191
    bool more_fragments = false;
    uint16_t fragment_offset = 0;  // in bytes, a multiple of 8
};

// Writes a 20-byte header with its checksum into out[0..20); EMSGSIZE if out is shorter or
// the total length would exceed 65535, EINVAL for a fragment offset that is not a multiple
// of 8 or is too large.
Result<size_t> emit_ipv4_header(const Ipv4HeaderFields& fields, std::span<uint8_t> out);

}  // namespace ingot::net
