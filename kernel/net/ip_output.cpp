#include <net/ip_output.h>

#include <array>
#include <cstring>

namespace ingot::net {

Result<void> Ipv4Output::send_ipv4_parts(Ipv4Address source, Ipv4Address destination,
                                         uint8_t protocol, std::span<const uint8_t> header,
                                         std::span<const uint8_t> payload) {
    // One Ethernet MTU's worth of transport data is the most any link here carries.
    std::array<uint8_t, 1500> joined;
    if (header.size() + payload.size() > joined.size()) return Errno::EMSGSIZE;
    if (!header.empty()) std::memcpy(joined.data(), header.data(), header.size());
    if (!payload.empty()) std::memcpy(joined.data() + header.size(), payload.data(), payload.size());
    return send_ipv4(source, destination, protocol,
                     std::span<const uint8_t>(joined.data(), header.size() + payload.size()));
}

}  // namespace ingot::net
