#include <mm/user_memory.h>
#include <net/socket/socket_address.h>

#include <algorithm>

namespace ingot::net {

Result<SocketAddress> read_socket_address(uint64_t user_address, uint64_t length) {
    // move_addr_to_kernel: a length beyond sockaddr_storage is EINVAL.
    if (length > kMaxSockaddrLength) return Errno::EINVAL;
    if (length < sizeof(uint16_t)) return Errno::EINVAL;
    SocketAddress address;
    address.family = TRY(read_user<uint16_t>(user_address));
    if (length < sizeof(SockaddrIn)) return address;
    address.complete = true;
    SockaddrIn in = TRY(read_user<SockaddrIn>(user_address));
    address.endpoint.address.value_be = in.address_be;
    address.endpoint.port = port_from_network(in.port_be);
    return address;
}

Result<void> write_socket_address(uint64_t user_address, uint64_t user_length, Ipv4Endpoint endpoint) {
    int length = TRY(read_user<int>(user_length));
    if (length < 0) return Errno::EINVAL;
    SockaddrIn in{};
    in.family = kAfInet;
    in.port_be = port_to_network(endpoint.port);
    in.address_be = endpoint.address.value_be;
    size_t count = std::min<size_t>(static_cast<size_t>(length), sizeof(in));
    if (count > 0) TRY(copy_to_user(user_address, &in, count));
    return write_user(user_length, static_cast<int>(sizeof(in)));
}

}  // namespace ingot::net
