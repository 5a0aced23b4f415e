// struct sockaddr_in as the socket system calls exchange it with the program (ip(7)), and
// the checks Linux applies when copying one in or out (move_addr_to_kernel/_user).
#pragma once

#include <lib/result.h>
#include <net/net_types.h>

#include <cstdint>

namespace ingot::net {

inline constexpr uint16_t kAfUnspec = 0;  // AF_UNSPEC
inline constexpr uint16_t kAfInet = 2;    // AF_INET

// The layout of struct sockaddr_in: port and address in network byte order.
struct SockaddrIn {
    uint16_t family;
    uint16_t port_be;
    uint32_t address_be;
    uint8_t zero[8];
};
static_assert(sizeof(SockaddrIn) == 16);

// Largest address a program may pass (sizeof(struct sockaddr_storage)).
inline constexpr uint64_t kMaxSockaddrLength = 128;

// A socket address copied in: the family and, for AF_INET, the endpoint.
struct SocketAddress {
    uint16_t family = kAfUnspec;
    bool complete = false;  // at least sizeof(sockaddr_in) bytes were given: endpoint is set
    Ipv4Endpoint endpoint;
};

// Copies an address of `length` bytes in: EINVAL for a length above 128 or below 2 (the
// family), EFAULT for a bad pointer. The endpoint is read whenever 16 bytes were given, for
// any family; each call then applies its own family and length rules.
Result<SocketAddress> read_socket_address(uint64_t user_address, uint64_t length);

// Writes endpoint as a sockaddr_in for accept/getsockname/recvfrom: *user_length (an int,
// EINVAL when negative) bounds how many bytes are written (silently truncated), and receives
// the full size, 16.
Result<void> write_socket_address(uint64_t user_address, uint64_t user_length, Ipv4Endpoint endpoint);

// Host to network byte order for a port.
constexpr uint16_t port_to_network(uint16_t port) { return static_cast<uint16_t>((port << 8) | (port >> 8)); }
constexpr uint16_t port_from_network(uint16_t port_be) { return port_to_network(port_be); }

}  // namespace ingot::net
