// A bounds-checked view of an ARP packet for IPv4 over Ethernet (RFC 826 "Packet format"),
// and an emitter. Other hardware or protocol types are rejected.
//
// | htype=1 (2) | ptype=0x0800 (2) | hlen=6 | plen=4 | operation (2) |
// | sender MAC (6) | sender IPv4 (4) | target MAC (6) | target IPv4 (4) |
#pragma once

#include <lib/result.h>
#include <net/net_types.h>
#include <net/wire/bytes.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

enum class ArpOperation : uint16_t {
    Request = 1,
    Reply = 2,
};

class ArpPacket {
public:
    static constexpr size_t size = 28;

    // Checks length (EMSGSIZE below 28 bytes; trailing link padding is ignored), hardware
    // type Ethernet (1), protocol type IPv4 (0x0800), address lengths 6 and 4, and an
    // operation of request or reply (EINVAL otherwise).
    static Result<ArpPacket> parse(std::span<const uint8_t> bytes);

    ArpOperation operation() const { return static_cast<ArpOperation>(read_be16(bytes_, 6)); }
    MacAddress sender_mac() const { return MacAddress::from_bytes(bytes_.subspan(8, 6)); }
    Ipv4Address sender_ip() const { return Ipv4Address::from_bytes(bytes_.subspan(14, 4)); }
    MacAddress target_mac() const { return MacAddress::from_bytes(bytes_.subspan(18, 6)); }
    Ipv4Address target_ip() const { return Ipv4Address::from_bytes(bytes_.subspan(24, 4)); }

private:
    explicit ArpPacket(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    std::span<const uint8_t> bytes_;
};

struct ArpFields {
    ArpOperation operation = ArpOperation::Request;
    MacAddress sender_mac;
    Ipv4Address sender_ip;
    MacAddress target_mac;
    Ipv4Address target_ip;
};

// Writes the 28-byte packet into out; EMSGSIZE if out is shorter.
Result<size_t> emit_arp_packet(const ArpFields& fields, std::span<uint8_t> out);

}  // namespace ingot::net
