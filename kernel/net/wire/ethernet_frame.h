// A bounds-checked view of an Ethernet II frame (IEEE 802.3 clause 3.2.6 with the Ethernet II
// type interpretation, RFC 894) and a header emitter. The frame check sequence is not part of
// the buffers exchanged with the driver.
//
// | destination MAC (6) | source MAC (6) | EtherType (2) | payload (46-1500) |
#pragma once

#include <lib/result.h>
#include <net/net_types.h>
#include <net/wire/bytes.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot::net {

// EtherType values (IEEE Registration Authority).
enum class EtherType : uint16_t {
    Ipv4 = 0x0800,
    Arp = 0x0806,
};

class EthernetFrame {
public:
    static constexpr size_t header_size = 14;
    // Smallest frame on the wire without FCS; shorter frames are padded (IEEE 802.3 §4.2.3.3).
    static constexpr size_t min_frame_size = 60;
    // The standard payload limit, the interface MTU.
    static constexpr size_t max_payload_size = 1500;

    // Checks that bytes holds a full header (EMSGSIZE otherwise) and that the type field is an
    // EtherType, not an IEEE 802.3 length (values below 0x0600, EINVAL).
    static Result<EthernetFrame> parse(std::span<const uint8_t> bytes);

    MacAddress destination() const { return MacAddress::from_bytes(bytes_.first(6)); }
    MacAddress source() const { return MacAddress::from_bytes(bytes_.subspan(6, 6)); }
    uint16_t ether_type() const { return read_be16(bytes_, 12); }
    // Everything after the header, link padding included.
    std::span<const uint8_t> payload() const { return bytes_.subspan(header_size); }

private:
    explicit EthernetFrame(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    std::span<const uint8_t> bytes_;
};

// Writes the 14-byte header into out; EMSGSIZE if out is shorter.
Result<size_t> emit_ethernet_header(MacAddress destination, MacAddress source, EtherType type,
                                    std::span<uint8_t> out);

}  // namespace ingot::net
