// A bounds-checked view of an ICMPv4 message (RFC 792) and emitters for the messages this
// stack sends: echo reply/request and destination unreachable.
//
// | type | code | checksum (2) | rest of header (4) | data ... |
// Echo:                  rest of header = identifier (2), sequence number (2)
// Destination unreachable: rest of header = unused (2), next-hop MTU (2, RFC 1191);
//                          data = the original IP header and at least 8 bytes of its data
#pragma once

#include <lib/result.h>
#include <net/wire/bytes.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

enum class Icmpv4Type : uint8_t {
    EchoReply = 0,
    DestinationUnreachable = 3,
    SourceQuench = 4,
    Redirect = 5,
    EchoRequest = 8,
    TimeExceeded = 11,
    ParameterProblem = 12,
};

// Destination unreachable codes (RFC 792, RFC 1191, RFC 1812 §5.2.7.1).
enum class Icmpv4UnreachableCode : uint8_t {
    Network = 0,
    Host = 1,
    Protocol = 2,
    Port = 3,
    FragmentationNeeded = 4,
    AdministrativelyProhibited = 13,
};

class Icmpv4Message {
public:
    static constexpr size_t header_size = 8;

    // Checks length (EMSGSIZE below 8 bytes) and the checksum over the whole message (EINVAL).
    // bytes must be exactly the IPv4 payload.
    static Result<Icmpv4Message> parse(std::span<const uint8_t> bytes);

    uint8_t type() const { return bytes_[0]; }
    uint8_t code() const { return bytes_[1]; }
    uint16_t checksum() const { return read_be16(bytes_, 2); }
    uint32_t rest_of_header() const { return read_be32(bytes_, 4); }
    // Echo request/reply identifier and sequence number.
    uint16_t identifier() const { return read_be16(bytes_, 4); }
    uint16_t sequence_number() const { return read_be16(bytes_, 6); }
    // Destination unreachable / fragmentation needed: the next-hop MTU (RFC 1191 §4).
    uint16_t next_hop_mtu() const { return read_be16(bytes_, 6); }
    // Echo data, or for error messages the quoted original datagram.
    std::span<const uint8_t> data() const { return bytes_.subspan(header_size); }
    std::span<const uint8_t> bytes() const { return bytes_; }
    // RFC 1122 §3.2.2: error messages are those other than query/reply types; an error must
    // never be answered with an error.
    bool is_error() const;

private:
    explicit Icmpv4Message(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    std::span<const uint8_t> bytes_;
};

// Writes a message (header with checksum, then data) into out; returns its length, or
// EMSGSIZE if out is too small.
Result<size_t> emit_icmpv4_message(uint8_t type, uint8_t code, uint32_t rest_of_header,
                                   std::span<const uint8_t> data, std::span<uint8_t> out);

// Writes an echo request or reply with the given identifier, sequence number and data.
Result<size_t> emit_icmpv4_echo(Icmpv4Type type, uint16_t identifier, uint16_t sequence_number,
                                std::span<const uint8_t> data, std::span<uint8_t> out);

// The most of an offending datagram an ICMP error quotes: RFC 1812 §4.3.2.3 allows as much as
// fits a 576-byte datagram (576 - 20 IPv4 - 8 ICMP); RFC 792 requires header + 8 bytes.
inline constexpr size_t icmpv4_max_quoted_size = 548;

// Writes a destination unreachable message quoting original (cut to icmpv4_max_quoted_size
// and to what fits out). next_hop_mtu is used with FragmentationNeeded, else 0.
Result<size_t> emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode code,
                                                   std::span<const uint8_t> original,
                                                   uint16_t next_hop_mtu,
                                                   std::span<uint8_t> out);

}  // namespace ingot::net
