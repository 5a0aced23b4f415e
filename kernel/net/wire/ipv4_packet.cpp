#include <net/wire/checksum.h>
#include <net/wire/ipv4_packet.h>

namespace ingot::net {

namespace {

// The checks common to received and quoted datagrams: version and header length (RFC 791
// §3.1: IHL is at least 5 words; the header never exceeds the buffer).
Result<void> check_header_shape(std::span<const uint8_t> bytes) {
    if (bytes.size() < Ipv4Packet::min_header_size) return Errno::EMSGSIZE;
    if ((bytes[0] >> 4) != 4) return Errno::EINVAL;
    size_t header_length = size_t{bytes[0] & 0x0fu} * 4;
    if (header_length < Ipv4Packet::min_header_size) return Errno::EINVAL;
    if (header_length > bytes.size()) return Errno::EMSGSIZE;
    if (read_be16(bytes, 2) < header_length) return Errno::EINVAL;
    return {};
}

}  // namespace

Result<Ipv4Packet> Ipv4Packet::parse(std::span<const uint8_t> bytes) {
    TRY(check_header_shape(bytes));
    size_t total_length = read_be16(bytes, 2);
    // A shorter buffer means a truncated datagram; a longer one carries link-layer padding
    // (Ethernet pads frames to 60 bytes), which is not part of the datagram (RFC 1122 §3.3.1).
    if (total_length > bytes.size()) return Errno::EMSGSIZE;
    size_t header_length = size_t{bytes[0] & 0x0fu} * 4;
    if (!internet_checksum_valid(bytes.first(header_length))) return Errno::EINVAL;
    return Ipv4Packet(bytes.first(total_length));
}

Result<Ipv4Packet> Ipv4Packet::parse_quoted(std::span<const uint8_t> bytes) {
    TRY(check_header_shape(bytes));
    size_t total_length = read_be16(bytes, 2);
    if (total_length < bytes.size()) bytes = bytes.first(total_length);
    return Ipv4Packet(bytes);
}

Result<size_t> emit_ipv4_header(const Ipv4HeaderFields& fields, std::span<uint8_t> out) {
    if (out.size() < Ipv4Packet::min_header_size) return Errno::EMSGSIZE;
    size_t total_length = Ipv4Packet::min_header_size + size_t{fields.payload_length};
    if (total_length > 0xffff) return Errno::EMSGSIZE;
    if (fields.fragment_offset % 8 != 0) return Errno::EINVAL;
    size_t offset_units = fields.fragment_offset / 8;
    if (offset_units > 0x1fff) return Errno::EINVAL;
    out[0] = 0x45;  // version 4, IHL 5 (no options)
    out[1] = fields.type_of_service;
    write_be16(out, 2, static_cast<uint16_t>(total_length));
    write_be16(out, 4, fields.identification);
    uint16_t flags = static_cast<uint16_t>((fields.dont_fragment ? 0x4000 : 0) |
                                           (fields.more_fragments ? 0x2000 : 0));
    write_be16(out, 6, static_cast<uint16_t>(flags | offset_units));
    out[8] = fields.ttl;
    out[9] = fields.protocol;
    write_be16(out, 10, 0);
    write_be32(out, 12, fields.source.to_host());
    write_be32(out, 16, fields.destination.to_host());
    write_be16(out, 10, internet_checksum(out.first(Ipv4Packet::min_header_size)));
    return Ipv4Packet::min_header_size;
}

}  // namespace ingot::net
