// The network the receive harness simulates, as QEMU user networking lays it out: the stack
// under test at 10.0.2.15/24 behind the gateway 10.0.2.2, and a peer at 10.0.2.20 that the
// application connects to. Shared by the harness's device, application and driver loop.
#pragma once

#include <net/net_types.h>

#include <cstdint>
#include <cstdlib>

namespace ingot::fuzz {

inline constexpr net::MacAddress kOurMac{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
inline constexpr net::Ipv4Address kOurIp = net::Ipv4Address::from_octets(10, 0, 2, 15);
inline constexpr net::Ipv4Address kGatewayIp = net::Ipv4Address::from_octets(10, 0, 2, 2);
inline constexpr net::Ipv4Endpoint kActivePeer{net::Ipv4Address::from_octets(10, 0, 2, 20), 8080};
inline constexpr uint16_t kListenPort = 80;
inline constexpr uint16_t kUdpPort = 7;

// Whether INGOT_FUZZ_TRACE is set: then every frame and socket event is printed to stderr, to
// see what an input does (a crash reproducer, or a seed that should reach some state).
inline bool harness_tracing() {
    static const bool tracing = std::getenv("INGOT_FUZZ_TRACE") != nullptr;
    return tracing;
}

}  // namespace ingot::fuzz
