#include <net/wire/checksum.h>
#include <net/wire/tcp_segment.h>

namespace ingot::net {

namespace {
constexpr uint8_t protocol_tcp = static_cast<uint8_t>(IpProtocol::Tcp);
}  // namespace

Result<TcpSegment> TcpSegment::parse(std::span<const uint8_t> bytes) {
    if (bytes.size() < min_header_size) return Errno::EMSGSIZE;
    size_t header_length = size_t{bytes[12]} / 16 * 4;
    if (header_length < min_header_size) return Errno::EINVAL;
    if (header_length > bytes.size()) return Errno::EMSGSIZE;
    TcpOptions options = TRY(parse_tcp_options(bytes.subspan(min_header_size,
                                                             header_length - min_header_size)));
    return TcpSegment(bytes, options);
}

bool TcpSegment::checksum_valid(Ipv4Address source, Ipv4Address destination) const {
    return ipv4_transport_checksum_valid(source, destination, protocol_tcp, bytes_);
}

Result<size_t> emit_tcp_header(const TcpHeaderFields& fields, std::span<uint8_t> out) {
    if (out.size() < TcpSegment::min_header_size) return Errno::EMSGSIZE;
    size_t options_length = TRY(emit_tcp_options(fields.options,
                                                 out.subspan(TcpSegment::min_header_size)));
    size_t header_length = TcpSegment::min_header_size + options_length;
    write_be16(out, 0, fields.source_port);
    write_be16(out, 2, fields.destination_port);
    write_be32(out, 4, fields.sequence_number);
    write_be32(out, 8, fields.acknowledgment_number);
    out[12] = static_cast<uint8_t>((header_length / 4) << 4);
    out[13] = fields.flags;
    write_be16(out, 14, fields.window);
    write_be16(out, 16, 0);
    write_be16(out, 18, fields.urgent_pointer);
    return header_length;
}

void finish_tcp_checksum(Ipv4Address source, Ipv4Address destination, std::span<uint8_t> segment) {
    write_be16(segment, 16, 0);
    write_be16(segment, 16, ipv4_transport_checksum(source, destination, protocol_tcp, segment));
}

uint16_t tcp_checksum(Ipv4Address source, Ipv4Address destination,
                      std::span<const uint8_t> header, std::span<const uint8_t> payload) {
    ChecksumAccumulator acc;
    acc.add_sum(ipv4_pseudo_header_sum(source, destination, protocol_tcp,
                                       static_cast<uint16_t>(header.size() + payload.size())));
    acc.add(header);
    acc.add(payload);
    return acc.checksum();
}

}  // namespace ingot::net
