// The table from IPv4 protocol number to the transport that receives it (RFC 791 §3.1
// "Protocol"; numbers from IANA, see IpProtocol).
#pragma once

#include <net/protocol_handler.h>

#include <array>
#include <cstdint>

namespace ingot::net {

class ProtocolRegistry {
public:
    // Makes handler receive datagrams of protocol (nullptr removes it). The handler must
    // outlive its registration.
    void set(uint8_t protocol, ProtocolHandler* handler) { handlers_[protocol] = handler; }
    // The handler for protocol, or nullptr.
    ProtocolHandler* find(uint8_t protocol) const { return handlers_[protocol]; }

private:
    std::array<ProtocolHandler*, 256> handlers_{};
};

}  // namespace ingot::net
