#include <net/wire/arp_packet.h>

#include <cstring>

namespace ingot::net {

namespace {
constexpr uint16_t hardware_type_ethernet = 1;  // RFC 826 ar$hrd, "Ethernet (10Mb)"
constexpr uint16_t protocol_type_ipv4 = 0x0800;
}  // namespace

Result<ArpPacket> ArpPacket::parse(std::span<const uint8_t> bytes) {
    if (bytes.size() < size) return Errno::EMSGSIZE;
    if (read_be16(bytes, 0) != hardware_type_ethernet) return Errno::EINVAL;
    if (read_be16(bytes, 2) != protocol_type_ipv4) return Errno::EINVAL;
    if (bytes[4] != 6 || bytes[5] != 4) return Errno::EINVAL;
    uint16_t operation = read_be16(bytes, 6);
    if (operation != static_cast<uint16_t>(ArpOperation::Request) &&
        operation != static_cast<uint16_t>(ArpOperation::Reply)) {
        return Errno::EINVAL;
    }
    return ArpPacket(bytes.first(size));
}

Result<size_t> emit_arp_packet(const ArpFields& fields, std::span<uint8_t> out) {
    if (out.size() < ArpPacket::size) return Errno::EMSGSIZE;
    write_be16(out, 0, hardware_type_ethernet);
    write_be16(out, 2, protocol_type_ipv4);
    out[4] = 6;
    out[5] = 4;
    write_be16(out, 6, static_cast<uint16_t>(fields.operation));
    std::memcpy(out.data() + 8, fields.sender_mac.bytes.data(), 6);
    write_be32(out, 14, fields.sender_ip.to_host());
    std::memcpy(out.data() + 18, fields.target_mac.bytes.data(), 6);
    write_be32(out, 24, fields.target_ip.to_host());
    return ArpPacket::size;
}

}  // namespace ingot::net
