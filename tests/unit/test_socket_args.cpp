// The socket system calls' argument checks: families, types, address lengths, bad pointers,
// descriptors that are not sockets, option lengths, and a machine without a network.
#include "socket_test_support.h"

namespace ingot::socket_test {
namespace {

using SocketArgsTest = SocketTest;

int64_t make(uint64_t domain, uint64_t type, uint64_t protocol) {
    return fs_test::call(sys_socket, {domain, type, protocol});
}

TEST_F(SocketArgsTest, SocketFamiliesTypesAndProtocols) {
    EXPECT_EQ(make(1, kSockStream, 0), -EAFNOSUPPORT);    // AF_UNIX
    EXPECT_EQ(make(10, kSockStream, 0), -EAFNOSUPPORT);   // AF_INET6
    EXPECT_EQ(make(12345, kSockStream, 0), -EAFNOSUPPORT);
    EXPECT_EQ(make(kAfInet, 12, 0), -EINVAL);             // beyond SOCK_MAX
    EXPECT_EQ(make(kAfInet, kSockStream | 0x100, 0), -EINVAL);  // unknown flag
    EXPECT_EQ(make(kAfInet, 5, 0), -ESOCKTNOSUPPORT);     // SOCK_SEQPACKET
    EXPECT_EQ(make(kAfInet, kSockStream, 17), -EPROTONOSUPPORT);
    EXPECT_EQ(make(kAfInet, kSockDgram, 6), -EPROTONOSUPPORT);
    EXPECT_EQ(make(kAfInet, kSockDgram, 300), -EINVAL);
    int64_t tcp = make(kAfInet, kSockStream, 6);
    ASSERT_GE(tcp, 0);
    EXPECT_EQ(sys(kFcntl, tcp, 1), 0);  // no FD_CLOEXEC
    int64_t udp = make(kAfInet, kSockDgram | kSockNonBlock | kSockCloexec, 0);
    ASSERT_GE(udp, 0);
    EXPECT_EQ(sys(kFcntl, udp, 1), 1);
    EXPECT_TRUE(sys(kFcntl, udp, 3) & 04000);
}

TEST_F(SocketArgsTest, AddressesAreCheckedLikeLinux) {
    int fd = socket(kSockStream);
    SockaddrIn in = sockaddr(Ipv4Address::any(), 1234);
    uint64_t user = fake_user_memory::map_bytes(&in, sizeof(in));
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(fd), user, 8}), -EINVAL);
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(fd), user, 200}), -EINVAL);
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(fd), kUserSpaceEnd - 4, 16}), -EFAULT);
    SockaddrIn six = in;
    six.family = 10;
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(fd), fake_user_memory::map_bytes(&six, 16), 16}),
              -EAFNOSUPPORT);
    EXPECT_EQ(fs_test::call(sys_connect, {static_cast<uint64_t>(fd), fake_user_memory::map_bytes(&six, 16), 16}),
              -EAFNOSUPPORT);
    EXPECT_EQ(fs_test::call(sys_connect, {static_cast<uint64_t>(fd), user, 1}), -EINVAL);
    EXPECT_EQ(fs_test::call(sys_connect, {static_cast<uint64_t>(fd), user, 10}), -EINVAL);
    // AF_UNSPEC with INADDR_ANY binds as AF_INET (inet_bind's compatibility rule).
    SockaddrIn unspec = in;
    unspec.family = 0;
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(fd), fake_user_memory::map_bytes(&unspec, 16), 16}), 0);

    // getsockname truncates to the caller's length and reports the full one.
    uint64_t name = fake_user_memory::map(16);
    int length = 4;
    uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
    ASSERT_EQ(fs_test::call(sys_getsockname, {static_cast<uint64_t>(fd), name, user_length}), 0);
    memcpy(&length, fake_user_memory::host(user_length, 4), 4);
    EXPECT_EQ(length, 16);
    uint8_t bytes[16];
    memcpy(bytes, fake_user_memory::host(name, 16), 16);
    EXPECT_EQ(bytes[0], kAfInet);
    EXPECT_EQ((bytes[2] << 8) | bytes[3], 1234);
    EXPECT_EQ(bytes[4], 0);  // not written: the map starts zeroed
    length = -1;
    user_length = fake_user_memory::map_bytes(&length, 4);
    EXPECT_EQ(fs_test::call(sys_getsockname, {static_cast<uint64_t>(fd), name, user_length}), -EINVAL);
    EXPECT_EQ(fs_test::call(sys_getsockname, {static_cast<uint64_t>(fd), name, kUserSpaceEnd}), -EFAULT);
    EXPECT_EQ(fs_test::call(sys_getpeername, {static_cast<uint64_t>(fd), name, user_length}), -ENOTCONN);
}

TEST_F(SocketArgsTest, DescriptorsThatAreNotSockets) {
    int64_t ep = sys(kEpollCreate1, 0);
    ASSERT_GE(ep, 0);
    SockaddrIn in = sockaddr(Ipv4Address::any(), 1);
    uint64_t user = fake_user_memory::map_bytes(&in, sizeof(in));
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(ep), user, 16}), -ENOTSOCK);
    EXPECT_EQ(fs_test::call(sys_listen, {static_cast<uint64_t>(ep), 1}), -ENOTSOCK);
    EXPECT_EQ(fs_test::call(sys_sendto, {static_cast<uint64_t>(ep), user, 1, 0, 0, 0}), -ENOTSOCK);
    EXPECT_EQ(fs_test::call(sys_bind, {999, user, 16}), -EBADF);
    EXPECT_EQ(fs_test::call(sys_accept, {static_cast<uint64_t>(-1), 0, 0}), -EBADF);
}

TEST_F(SocketArgsTest, OptionRoundTripsAndLengths) {
    int fd = socket(kSockStream);
    EXPECT_EQ(set_int_option(fd, 1, 7, 10000), 0);  // SO_SNDBUF
    EXPECT_EQ(get_int_option(fd, 1, 7), 20000);     // doubled, as Linux reports it
    EXPECT_EQ(set_int_option(fd, 1, 8, 1), 0);      // SO_RCVBUF below the floor
    EXPECT_EQ(get_int_option(fd, 1, 8), 2304);
    EXPECT_EQ(set_int_option(fd, 1, 8, 1 << 30), 0);
    EXPECT_EQ(get_int_option(fd, 1, 8), 2 * 212992);  // capped at rmem_max first
    EXPECT_EQ(get_int_option(fd, 1, 3), kSockStream);  // SO_TYPE
    EXPECT_EQ(get_int_option(fd, 1, 39), kAfInet);     // SO_DOMAIN
    EXPECT_EQ(get_int_option(fd, 1, 38), 6);           // SO_PROTOCOL
    EXPECT_EQ(get_int_option(fd, 1, 30), 0);           // SO_ACCEPTCONN
    EXPECT_EQ(set_int_option(fd, 1, 2, 5), 0);         // SO_REUSEADDR
    EXPECT_EQ(get_int_option(fd, 1, 2), 1);
    EXPECT_EQ(set_int_option(fd, 1, 15, 1), 0);        // SO_REUSEPORT
    EXPECT_EQ(get_int_option(fd, 1, 15), 1);
    EXPECT_EQ(set_int_option(fd, 1, 9, 1), 0);         // SO_KEEPALIVE
    EXPECT_EQ(get_int_option(fd, 1, 9), 1);
    EXPECT_EQ(set_int_option(fd, 6, 1, 1), 0);         // TCP_NODELAY
    EXPECT_EQ(get_int_option(fd, 6, 1), 1);
    EXPECT_EQ(set_int_option(fd, 6, 4, 30), 0);        // TCP_KEEPIDLE
    EXPECT_EQ(get_int_option(fd, 6, 4), 30);
    EXPECT_EQ(set_int_option(fd, 6, 4, 0), -EINVAL);
    EXPECT_EQ(set_int_option(fd, 6, 5, 7), 0);         // TCP_KEEPINTVL
    EXPECT_EQ(get_int_option(fd, 6, 5), 7);
    EXPECT_EQ(set_int_option(fd, 6, 6, 200), -EINVAL);  // TCP_KEEPCNT above 127
    EXPECT_EQ(set_int_option(fd, 6, 6, 3), 0);
    EXPECT_EQ(get_int_option(fd, 6, 6), 3);
    EXPECT_EQ(get_int_option(fd, 1, 4), 0);             // SO_ERROR
    EXPECT_EQ(set_int_option(fd, 1, 4, 1), -ENOPROTOOPT);  // read-only
    EXPECT_EQ(set_int_option(fd, 1, 999, 1), -ENOPROTOOPT);
    EXPECT_EQ(get_int_option(fd, 1, 999), -ENOPROTOOPT);
    EXPECT_EQ(get_int_option(fd, 0, 1), -ENOPROTOOPT);   // IPPROTO_IP options are not offered

    int value = 1;
    uint64_t user_value = fake_user_memory::map_bytes(&value, 4);
    EXPECT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), 1, 2, user_value, 2}), -EINVAL);
    EXPECT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), 1, 2, kUserSpaceEnd, 4}), -EFAULT);
    EXPECT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), 1, 2, user_value, static_cast<uint64_t>(-1)}),
              -EINVAL);
    int length = -1;
    EXPECT_EQ(fs_test::call(sys_getsockopt, {static_cast<uint64_t>(fd), 1, 2, user_value,
                                             fake_user_memory::map_bytes(&length, 4)}),
              -EINVAL);
    EXPECT_EQ(fs_test::call(sys_getsockopt, {static_cast<uint64_t>(fd), 1, 2, user_value, kUserSpaceEnd}), -EFAULT);

    // SO_LINGER and SO_RCVTIMEO are structures.
    struct {
        int32_t on, seconds;
    } linger{1, 0};
    EXPECT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), 1, 13, fake_user_memory::map_bytes(&linger, 8), 4}),
              -EINVAL);
    EXPECT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), 1, 13, fake_user_memory::map_bytes(&linger, 8), 8}), 0);
    length = 8;
    uint64_t out = fake_user_memory::map(8);
    ASSERT_EQ(fs_test::call(sys_getsockopt, {static_cast<uint64_t>(fd), 1, 13, out, fake_user_memory::map_bytes(&length, 4)}), 0);
    memcpy(&linger, fake_user_memory::host(out, 8), 8);
    EXPECT_EQ(linger.on, 1);
    EXPECT_EQ(linger.seconds, 0);
    struct {
        int64_t sec, usec;
    } timeout{2, 5000}, bad{1, 1'000'000};
    EXPECT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), 1, 20, fake_user_memory::map_bytes(&bad, 16), 16}),
              -EDOM);
    EXPECT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(fd), 1, 21, fake_user_memory::map_bytes(&timeout, 16), 16}), 0);
    length = 16;
    uint64_t tv = fake_user_memory::map(16);
    uint64_t tv_length = fake_user_memory::map_bytes(&length, 4);
    ASSERT_EQ(fs_test::call(sys_getsockopt, {static_cast<uint64_t>(fd), 1, 21, tv, tv_length}), 0);
    memcpy(&timeout, fake_user_memory::host(tv, 16), 16);
    EXPECT_EQ(timeout.sec, 2);
    EXPECT_EQ(timeout.usec, 5000);
    // A short optlen gets a truncated value and the truncated length back.
    length = 2;
    uint64_t small_length = fake_user_memory::map_bytes(&length, 4);
    ASSERT_EQ(fs_test::call(sys_getsockopt, {static_cast<uint64_t>(fd), 1, 3, fake_user_memory::map(4), small_length}), 0);
    memcpy(&length, fake_user_memory::host(small_length, 4), 4);
    EXPECT_EQ(length, 2);
}

TEST_F(SocketArgsTest, ShutdownChecks) {
    int fd = socket(kSockStream);
    EXPECT_EQ(fs_test::call(sys_shutdown, {static_cast<uint64_t>(fd), 3}), -EINVAL);
    EXPECT_EQ(fs_test::call(sys_shutdown, {static_cast<uint64_t>(fd), 2}), -ENOTCONN);
}

TEST_F(SocketArgsTest, WithoutANetworkSocketsExistButGoNowhere) {
    net::set_machine_network(nullptr);
    int64_t tcp = fs_test::call(sys_socket, {kAfInet, kSockStream, 0});
    int64_t udp = fs_test::call(sys_socket, {kAfInet, kSockDgram, 0});
    ASSERT_GE(tcp, 0);
    ASSERT_GE(udp, 0);
    SockaddrIn any = sockaddr(Ipv4Address::any(), 80);
    uint64_t user_any = fake_user_memory::map_bytes(&any, 16);
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(tcp), user_any, 16}), 0);
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(udp), user_any, 16}), 0);
    SockaddrIn remote = sockaddr(kPeerIp, 80);
    uint64_t user_remote = fake_user_memory::map_bytes(&remote, 16);
    EXPECT_EQ(fs_test::call(sys_connect, {static_cast<uint64_t>(tcp), user_remote, 16}), -ENETUNREACH);
    EXPECT_EQ(fs_test::call(sys_connect, {static_cast<uint64_t>(udp), user_remote, 16}), -ENETUNREACH);
    SockaddrIn ours = sockaddr(kHereIp, 81);
    int64_t other = fs_test::call(sys_socket, {kAfInet, kSockStream, 0});
    EXPECT_EQ(fs_test::call(sys_bind, {static_cast<uint64_t>(other), fake_user_memory::map_bytes(&ours, 16), 16}),
              -EADDRNOTAVAIL);
}

}  // namespace
}  // namespace ingot::socket_test
