#include <net/wire/ethernet_frame.h>

#include <cstring>

namespace ingot::net {

Result<EthernetFrame> EthernetFrame::parse(std::span<const uint8_t> bytes) {
    if (bytes.size() < header_size) return Errno::EMSGSIZE;
    // IEEE 802.3 §3.2.6: 0x0600 and above is a type; 1500 and below is an 802.3 length
    // (LLC/SNAP framing, which this stack does not speak).
    if (read_be16(bytes, 12) < 0x0600) return Errno::EINVAL;
    return EthernetFrame(bytes);
}

Result<size_t> emit_ethernet_header(MacAddress destination, MacAddress source, EtherType type,
                                    std::span<uint8_t> out) {
    if (out.size() < EthernetFrame::header_size) return Errno::EMSGSIZE;
    std::memcpy(out.data(), destination.bytes.data(), 6);
    std::memcpy(out.data() + 6, source.bytes.data(), 6);
    write_be16(out, 12, static_cast<uint16_t>(type));
    return EthernetFrame::header_size;
}

}  // namespace ingot::net
