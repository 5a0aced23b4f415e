// DHCP messages (RFC 2131 §2, options per RFC 2132): building a client's DISCOVER, REQUEST
// and RELEASE, and reading a server's OFFER, ACK and NAK with every length checked. Only the
// options field is read; a reply that overloads the file or sname fields with options (option
// 52) keeps what its options field says, which is where servers put the ones we ask for.
#pragma once

#include <lib/result.h>
#include <net/net_types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ingot::net {

// RFC 2132 §9.6.
enum class DhcpMessageType : uint8_t {
    Discover = 1,
    Offer = 2,
    Request = 3,
    Decline = 4,
    Ack = 5,
    Nak = 6,
    Release = 7,
    Inform = 8,
};

inline constexpr uint16_t dhcp_server_port = 67;
inline constexpr uint16_t dhcp_client_port = 68;

// What a client puts in a message it sends.
struct DhcpClientMessage {
    DhcpMessageType type = DhcpMessageType::Discover;
    uint32_t transaction_id = 0;
    uint16_t seconds = 0;                  // since the client began acquiring or renewing
    MacAddress client_mac;
    Ipv4Address client_address;            // ciaddr: ours while BOUND, RENEWING or REBINDING
    std::optional<Ipv4Address> requested;  // option 50 (SELECTING, INIT-REBOOT)
    std::optional<Ipv4Address> server;     // option 54 (SELECTING, RELEASE)
};

// Up to this many DNS servers are kept from option 6 (glibc reads three: MAXNS).
inline constexpr size_t dhcp_max_dns_servers = 3;

// What a server's reply carries that the client uses.
struct DhcpServerMessage {
    DhcpMessageType type = DhcpMessageType::Offer;
    uint32_t transaction_id = 0;
    MacAddress client_mac;                   // chaddr, to match our own
    Ipv4Address your_address;                // yiaddr
    Ipv4Address server;                      // option 54, else the zero address
    std::optional<uint8_t> prefix_length;    // option 1 (a contiguous mask only)
    Ipv4Address router;                      // first address of option 3, else zero
    std::array<Ipv4Address, dhcp_max_dns_servers> dns{};  // option 6
    size_t dns_count = 0;
    std::optional<uint32_t> lease_seconds;   // option 51 (0xffffffff: infinite)
    std::optional<uint32_t> renewal_seconds; // option 58 (T1)
    std::optional<uint32_t> rebinding_seconds;  // option 59 (T2)
    std::array<char, 64> domain{};           // option 15, NUL-terminated, cut to fit
};

// The largest message build_dhcp_message writes: the fixed 236-byte header, the magic
// cookie and the options.
inline constexpr size_t dhcp_max_client_message = 300;

// Writes message into out (at least dhcp_max_client_message bytes); returns its length.
size_t build_dhcp_message(const DhcpClientMessage& message, std::span<uint8_t> out);

// Reads a server's reply (BOOTREPLY with the magic cookie and a message type). EPROTO for
// anything truncated, malformed or not a reply; a reply may still be meant for someone else
// (the caller compares transaction_id and client_mac).
Result<DhcpServerMessage> parse_dhcp_reply(std::span<const uint8_t> bytes);

}  // namespace ingot::net
