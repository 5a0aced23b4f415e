// Addresses shared by every layer of the network stack: Ethernet MAC addresses, IPv4
// addresses (stored in network byte order, as they appear on the wire) and IPv4 endpoints.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ingot::net {

// A 48-bit IEEE 802 MAC address.
struct MacAddress {
    std::array<uint8_t, 6> bytes{};

    // ff:ff:ff:ff:ff:ff, the Ethernet broadcast address.
    static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    // 00:00:00:00:00:00, used as the unknown target hardware address in ARP requests.
    static constexpr MacAddress zero() { return {}; }
    // Reads six bytes; the caller guarantees the span is at least that long.
    static MacAddress from_bytes(std::span<const uint8_t> six) {
        MacAddress m;
        for (size_t i = 0; i < 6; ++i) m.bytes[i] = six[i];
        return m;
    }

    constexpr bool is_broadcast() const { return *this == broadcast(); }
    // IEEE 802: the least significant bit of the first octet marks a group address.
    constexpr bool is_multicast() const { return (bytes[0] & 1) != 0; }
    constexpr bool is_zero() const { return *this == zero(); }
    constexpr bool operator==(const MacAddress&) const = default;
};

// An IPv4 address; value_be holds the four octets in network byte order in memory, so that
// copying it to or from a packet is a plain memcpy.
struct Ipv4Address {
    uint32_t value_be = 0;

    // From a.b.c.d.
    static constexpr Ipv4Address from_octets(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
        return from_host((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d);
    }
    // From a host-order integer (0x0a000002 is 10.0.0.2).
    static constexpr Ipv4Address from_host(uint32_t host) { return {to_be(host)}; }
    // Reads four bytes; the caller guarantees the span is at least that long.
    static constexpr Ipv4Address from_bytes(std::span<const uint8_t> four) {
        return from_octets(four[0], four[1], four[2], four[3]);
    }
    // 0.0.0.0 (INADDR_ANY).
    static constexpr Ipv4Address any() { return {}; }
    // 255.255.255.255, the limited broadcast address (RFC 919).
    static constexpr Ipv4Address broadcast() { return {0xffffffffu}; }
    // Parses dotted-quad "a.b.c.d" (decimal, each 0-255, no leading '+', no spaces).
    static std::optional<Ipv4Address> parse(std::string_view text);

    // The address as a host-order integer.
    constexpr uint32_t to_host() const { return to_be(value_be); }
    // Octet i (0 is the most significant, "a" of a.b.c.d).
    constexpr uint8_t octet(size_t i) const { return static_cast<uint8_t>(to_host() >> (24 - 8 * i)); }
    // The four octets in wire order.
    constexpr std::array<uint8_t, 4> to_bytes() const { return {octet(0), octet(1), octet(2), octet(3)}; }
    constexpr bool is_unspecified() const { return value_be == 0; }
    constexpr bool is_broadcast() const { return value_be == 0xffffffffu; }
    // 224.0.0.0/4 (RFC 5771).
    constexpr bool is_multicast() const { return (octet(0) & 0xf0) == 0xe0; }
    // 127.0.0.0/8 (RFC 1122 §3.2.1.3).
    constexpr bool is_loopback() const { return octet(0) == 127; }
    // Whether both addresses share the first prefix_length bits.
    constexpr bool same_subnet(Ipv4Address other, uint8_t prefix_length) const {
        uint32_t mask = prefix_mask(prefix_length);
        return (to_host() & mask) == (other.to_host() & mask);
    }
    // Writes "a.b.c.d" and a NUL into out (truncating if too small; 16 bytes always suffice);
    // returns the number of characters written, excluding the NUL.
    size_t format(std::span<char> out) const;

    constexpr bool operator==(const Ipv4Address&) const = default;

    // Host-order netmask for a prefix length (0-32; longer prefixes count as 32).
    static constexpr uint32_t prefix_mask(uint8_t prefix_length) {
        if (prefix_length == 0) return 0;
        if (prefix_length >= 32) return 0xffffffffu;
        return 0xffffffffu << (32 - prefix_length);
    }

private:
    // Byte swap between host and network (big-endian) order.
    static constexpr uint32_t to_be(uint32_t v) {
        if constexpr (std::endian::native == std::endian::big) return v;
        return ((v & 0xffu) << 24) | ((v & 0xff00u) << 8) | ((v >> 8) & 0xff00u) | (v >> 24);
    }
};

// An IPv4 address and a transport port (host byte order).
struct Ipv4Endpoint {
    Ipv4Address address;
    uint16_t port = 0;

    constexpr bool operator==(const Ipv4Endpoint&) const = default;
};

// IP protocol numbers (IANA "Assigned Internet Protocol Numbers").
enum class IpProtocol : uint8_t {
    Icmp = 1,
    Tcp = 6,
    Udp = 17,
};

}  // namespace ingot::net
