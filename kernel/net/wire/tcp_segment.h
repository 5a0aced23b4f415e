// A bounds-checked view of a TCP segment header (RFC 9293 §3.1) and an emitter.
//
// | source port (2) | destination port (2) | sequence number (4) | acknowledgment number (4) |
// | data offset (4 bits) | reserved (4 bits) | flags CWR ECE URG ACK PSH RST SYN FIN |
// | window (2) | checksum (2) | urgent pointer (2) | options (data offset * 4 - 20) | data |
#pragma once

#include <lib/result.h>
#include <net/net_types.h>
#include <net/wire/bytes.h>
#include <net/wire/tcp_options.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

// Control bits (RFC 9293 §3.1; CWR and ECE from RFC 3168 §6.1).
namespace tcp_flags {
inline constexpr uint8_t fin = 0x01;
inline constexpr uint8_t syn = 0x02;
inline constexpr uint8_t rst = 0x04;
inline constexpr uint8_t psh = 0x08;
inline constexpr uint8_t ack = 0x10;
inline constexpr uint8_t urg = 0x20;
inline constexpr uint8_t ece = 0x40;
inline constexpr uint8_t cwr = 0x80;
}  // namespace tcp_flags

class TcpSegment {
public:
    static constexpr size_t min_header_size = 20;
    static constexpr size_t max_header_size = 60;

    // Checks a segment given the exact IPv4 payload: at least 20 bytes (EMSGSIZE), a data
    // offset of at least 5 words (EINVAL) that lies within the buffer (EMSGSIZE), and a
    // well-formed option list (EINVAL, see parse_tcp_options). The checksum needs the
    // addresses: see checksum_valid().
    static Result<TcpSegment> parse(std::span<const uint8_t> bytes);

    uint16_t source_port() const { return read_be16(bytes_, 0); }
    uint16_t destination_port() const { return read_be16(bytes_, 2); }
    uint32_t sequence_number() const { return read_be32(bytes_, 4); }
    uint32_t acknowledgment_number() const { return read_be32(bytes_, 8); }
    // Header length in bytes (data offset * 4), 20 to 60.
    size_t header_length() const { return size_t{bytes_[12]} / 16 * 4; }
    // The eight control bits (tcp_flags::*).
    uint8_t flags() const { return bytes_[13]; }
    bool fin() const { return (flags() & tcp_flags::fin) != 0; }
    bool syn() const { return (flags() & tcp_flags::syn) != 0; }
    bool rst() const { return (flags() & tcp_flags::rst) != 0; }
    bool psh() const { return (flags() & tcp_flags::psh) != 0; }
    bool ack() const { return (flags() & tcp_flags::ack) != 0; }
    bool urg() const { return (flags() & tcp_flags::urg) != 0; }
    uint16_t window() const { return read_be16(bytes_, 14); }
    uint16_t checksum() const { return read_be16(bytes_, 16); }
    uint16_t urgent_pointer() const { return read_be16(bytes_, 18); }
    // The raw option bytes and their parsed form (checked well-formed by parse()).
    std::span<const uint8_t> option_bytes() const {
        return bytes_.subspan(min_header_size, header_length() - min_header_size);
    }
    const TcpOptions& options() const { return options_; }
    std::span<const uint8_t> payload() const { return bytes_.subspan(header_length()); }
    std::span<const uint8_t> bytes() const { return bytes_; }
    // Sequence space the segment occupies: data length plus one each for SYN and FIN
    // (RFC 9293 §3.4 "SEG.LEN").
    size_t sequence_length() const { return payload().size() + (syn() ? 1 : 0) + (fin() ? 1 : 0); }

    // Whether the checksum verifies with the IPv4 pseudo-header (RFC 9293 §3.1; a zero
    // checksum is not special for TCP).
    bool checksum_valid(Ipv4Address source, Ipv4Address destination) const;

private:
    TcpSegment(std::span<const uint8_t> bytes, const TcpOptions& options)
        : bytes_(bytes), options_(options) {}
    std::span<const uint8_t> bytes_;
    TcpOptions options_;
};

struct TcpHeaderFields {
    uint16_t source_port = 0;
    uint16_t destination_port = 0;
    uint32_t sequence_number = 0;
    uint32_t acknowledgment_number = 0;
    uint8_t flags = 0;
    uint16_t window = 0;
    uint16_t urgent_pointer = 0;
    TcpOptions options;
};

// Writes the header (fixed part and options) into out with the checksum field zero; returns
// the header length, EMSGSIZE if out is too small, EINVAL for unencodable options.
Result<size_t> emit_tcp_header(const TcpHeaderFields& fields, std::span<uint8_t> out);

// Computes and stores the checksum of a complete segment (header as emitted, then payload)
// over the pseudo-header. segment must be at least 20 bytes.
void finish_tcp_checksum(Ipv4Address source, Ipv4Address destination, std::span<uint8_t> segment);

// The checksum for a segment whose header and payload lie in separate buffers (header's
// checksum field zero); store it big-endian at header offset 16.
uint16_t tcp_checksum(Ipv4Address source, Ipv4Address destination,
                      std::span<const uint8_t> header, std::span<const uint8_t> payload);

}  // namespace ingot::net
