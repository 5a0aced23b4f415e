#include <net/wire/checksum.h>
#include <net/wire/udp_datagram.h>

#include <cstring>

namespace ingot::net {

Result<UdpDatagram> UdpDatagram::parse(std::span<const uint8_t> bytes) {
    if (bytes.size() < header_size) return Errno::EMSGSIZE;
    size_t length = read_be16(bytes, 4);
    if (length < header_size) return Errno::EINVAL;
    if (length > bytes.size()) return Errno::EMSGSIZE;
    return UdpDatagram(bytes.first(length));
}

bool UdpDatagram::checksum_valid(Ipv4Address source, Ipv4Address destination) const {
    if (checksum() == 0) return true;
    return ipv4_transport_checksum_valid(source, destination,
                                         static_cast<uint8_t>(IpProtocol::Udp), bytes_);
}

Result<size_t> emit_udp_datagram(uint16_t source_port, uint16_t destination_port,
                                 Ipv4Address source, Ipv4Address destination,
                                 std::span<const uint8_t> payload, std::span<uint8_t> out) {
    size_t length = UdpDatagram::header_size + payload.size();
    if (length > 0xffff || out.size() < length) return Errno::EMSGSIZE;
    if (!payload.empty() && payload.data() != out.data() + UdpDatagram::header_size) {
        std::memmove(out.data() + UdpDatagram::header_size, payload.data(), payload.size());
    }
    write_be16(out, 0, source_port);
    write_be16(out, 2, destination_port);
    write_be16(out, 4, static_cast<uint16_t>(length));
    write_be16(out, 6, 0);
    uint16_t checksum = ipv4_transport_checksum(source, destination,
                                                static_cast<uint8_t>(IpProtocol::Udp),
                                                out.first(length));
    write_be16(out, 6, checksum == 0 ? 0xffff : checksum);
    return length;
}

}  // namespace ingot::net
