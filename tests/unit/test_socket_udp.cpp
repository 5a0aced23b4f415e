// UDP sockets through the system-call handlers, between two cross-connected stacks.
#include "socket_test_support.h"

namespace ingot::socket_test {
namespace {

constexpr uint64_t kMsgPeek = 0x2, kMsgTrunc = 0x20, kMsgDontWait = 0x40;

struct Iovec {
    uint64_t base, length;
};
struct MsgHdr {
    uint64_t name;
    uint32_t name_length, pad;
    uint64_t iov, iov_count, control, control_length;
    uint32_t flags, pad2;
};

class UdpSocketTest : public SocketTest {
protected:
    int64_t send_to(int fd, std::string_view text, Ipv4Address address, uint16_t port, uint64_t flags = 0) {
        return fs_test::call(sys_sendto, {static_cast<uint64_t>(fd), fake_user_memory::map_bytes(text.data(), text.size()),
                                          text.size(), flags, addr(address, port), sizeof(SockaddrIn)});
    }
    // recvfrom into a buffer of `max` bytes; fills `from` with the sender.
    int64_t receive_from(int fd, size_t max, uint64_t flags, std::string& text, SockaddrIn& from) {
        uint64_t buffer = fake_user_memory::map(max ? max : 1);
        uint64_t user_from = fake_user_memory::map(sizeof(SockaddrIn));
        int length = sizeof(SockaddrIn);
        uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
        int64_t n = fs_test::call(sys_recvfrom, {static_cast<uint64_t>(fd), buffer, max, flags, user_from, user_length});
        if (n >= 0) {
            text.assign(reinterpret_cast<char*>(fake_user_memory::host(buffer, max ? max : 1)),
                        std::min<size_t>(static_cast<size_t>(n), max));
            memcpy(&from, fake_user_memory::host(user_from, sizeof(from)), sizeof(from));
        }
        return n;
    }
};

TEST_F(UdpSocketTest, DatagramsCarryTheirSenderAddress) {
    int here = socket(kSockDgram);
    int peer = socket(kSockDgram, true);
    ASSERT_EQ(bind(here, Ipv4Address::any(), 5000), 0);
    ASSERT_EQ(bind(peer, Ipv4Address::any(), 6000), 0);
    ASSERT_EQ(send_to(here, "ping", kPeerIp, 6000), 4);
    std::string text;
    SockaddrIn from{};
    ASSERT_EQ(receive_from(peer, 100, 0, text, from), 4);
    EXPECT_EQ(text, "ping");
    EXPECT_EQ(from.family, kAfInet);
    EXPECT_EQ(from.address_be, kHereIp.value_be);
    EXPECT_EQ(from.port_be, sockaddr(kHereIp, 5000).port_be);
    ASSERT_EQ(send_to(peer, "pong", kHereIp, 5000), 4);
    EXPECT_EQ(read(here), "pong");
    // Nothing more: EAGAIN with MSG_DONTWAIT, though the socket blocks otherwise.
    EXPECT_EQ(receive_from(here, 100, kMsgDontWait, text, from), -EAGAIN);
}

TEST_F(UdpSocketTest, PeekAndTruncation) {
    int here = socket(kSockDgram);
    int peer = socket(kSockDgram, true);
    ASSERT_EQ(bind(peer, Ipv4Address::any(), 6000), 0);
    ASSERT_EQ(send_to(here, "0123456789", kPeerIp, 6000), 10);
    ASSERT_EQ(send_to(here, "second", kPeerIp, 6000), 6);
    std::string text;
    SockaddrIn from{};
    ASSERT_EQ(receive_from(peer, 4, kMsgPeek, text, from), 4);
    EXPECT_EQ(text, "0123");
    ASSERT_EQ(receive_from(peer, 4, kMsgPeek | kMsgTrunc, text, from), 10);  // the real length
    uint64_t count = fake_user_memory::map(4);
    ASSERT_EQ(sys(kIoctl, peer, 0x541B, count), 0);  // FIONREAD: the next datagram's size
    int next;
    memcpy(&next, fake_user_memory::host(count, 4), 4);
    EXPECT_EQ(next, 10);
    ASSERT_EQ(receive_from(peer, 4, 0, text, from), 4);  // the rest of the datagram is lost
    EXPECT_EQ(text, "0123");

    // recvmsg over two iovecs reports MSG_TRUNC in msg_flags when the datagram does not fit.
    ASSERT_EQ(send_to(here, "abcdefgh", kPeerIp, 6000), 8);
    uint64_t a = fake_user_memory::map(2), b = fake_user_memory::map(3);
    Iovec iov[2] = {{a, 2}, {b, 3}};
    uint64_t name = fake_user_memory::map(16);
    MsgHdr msg{name, 16, 0, fake_user_memory::map_bytes(iov, sizeof(iov)), 2, fake_user_memory::map(8), 8, 0, 0};
    uint64_t user_msg = fake_user_memory::map_bytes(&msg, sizeof(msg));
    ASSERT_EQ(fs_test::call(sys_recvmsg, {static_cast<uint64_t>(peer), user_msg, 0}), 5);  // "second", cut
    memcpy(&msg, fake_user_memory::host(user_msg, sizeof(msg)), sizeof(msg));
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(a, 2)), 2), "se");
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(b, 3)), 3), "con");
    EXPECT_EQ(msg.flags, kMsgTrunc);
    EXPECT_EQ(msg.name_length, 16u);
    EXPECT_EQ(msg.control_length, 0u);
    ASSERT_EQ(fs_test::call(sys_recvmsg, {static_cast<uint64_t>(peer), user_msg, kMsgTrunc}), 8);
}

TEST_F(UdpSocketTest, SendmsgGathersOneDatagram) {
    int here = socket(kSockDgram);
    int peer = socket(kSockDgram, true);
    ASSERT_EQ(bind(peer, Ipv4Address::any(), 6000), 0);
    uint64_t a = fake_user_memory::map_string("hel"), b = fake_user_memory::map_string("lo");
    Iovec iov[2] = {{a, 3}, {b, 2}};
    SockaddrIn to = sockaddr(kPeerIp, 6000);
    MsgHdr msg{fake_user_memory::map_bytes(&to, sizeof(to)), sizeof(to), 0,
               fake_user_memory::map_bytes(iov, sizeof(iov)), 2, 0, 0, 0, 0};
    ASSERT_EQ(fs_test::call(sys_sendmsg, {static_cast<uint64_t>(here), fake_user_memory::map_bytes(&msg, sizeof(msg)), 0}), 5);
    EXPECT_EQ(read(peer), "hello");
    // Hostile iovec arrays.
    msg.iov_count = 5000;
    EXPECT_EQ(fs_test::call(sys_sendmsg, {static_cast<uint64_t>(here), fake_user_memory::map_bytes(&msg, sizeof(msg)), 0}), -EMSGSIZE);
    Iovec bad[1] = {{kUserSpaceEnd - 1, 16}};
    msg.iov = fake_user_memory::map_bytes(bad, sizeof(bad));
    msg.iov_count = 1;
    EXPECT_EQ(fs_test::call(sys_sendmsg, {static_cast<uint64_t>(here), fake_user_memory::map_bytes(&msg, sizeof(msg)), 0}), -EFAULT);
    EXPECT_EQ(fs_test::call(sys_sendmsg, {static_cast<uint64_t>(here), kUserSpaceEnd - 8, 0}), -EFAULT);
}

TEST_F(UdpSocketTest, ConnectSetsTheDefaultPeerAndAfUnspecForgetsIt) {
    int here = socket(kSockDgram);
    int peer = socket(kSockDgram, true);
    ASSERT_EQ(bind(peer, Ipv4Address::any(), 6000), 0);
    uint64_t byte = fake_user_memory::map_string("x");
    EXPECT_EQ(fs_test::call(sys_sendto, {static_cast<uint64_t>(here), byte, 1, 0, 0, 0}), -EDESTADDRREQ);
    ASSERT_EQ(connect(here, kPeerIp, 6000), 0);
    EXPECT_EQ(write(here, "via connect"), 11);
    EXPECT_EQ(read(peer), "via connect");
    uint64_t name = fake_user_memory::map(16);
    int length = 16;
    uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
    EXPECT_EQ(fs_test::call(sys_getpeername, {static_cast<uint64_t>(here), name, user_length}), 0);
    uint16_t unspec = 0;
    EXPECT_EQ(fs_test::call(sys_connect, {static_cast<uint64_t>(here), fake_user_memory::map_bytes(&unspec, 2), 2}), 0);
    EXPECT_EQ(fs_test::call(sys_getpeername, {static_cast<uint64_t>(here), name, user_length}), -ENOTCONN);
    EXPECT_EQ(fs_test::call(sys_sendto, {static_cast<uint64_t>(here), byte, 1, 0, 0, 0}), -EDESTADDRREQ);
}

TEST_F(UdpSocketTest, BroadcastNeedsSoBroadcast) {
    int here = socket(kSockDgram);
    EXPECT_EQ(send_to(here, "all", Ipv4Address::broadcast(), 6000), -EACCES);
    ASSERT_EQ(set_int_option(here, 1, 6, 1), 0);  // SO_BROADCAST
    EXPECT_EQ(get_int_option(here, 1, 6), 1);
    EXPECT_EQ(send_to(here, "all", Ipv4Address::broadcast(), 6000), 3);
}

TEST_F(UdpSocketTest, OptionsAndShutdown) {
    int here = socket(kSockDgram);
    EXPECT_EQ(get_int_option(here, 1, 3), kSockDgram);  // SO_TYPE
    EXPECT_EQ(get_int_option(here, 1, 38), 17);         // SO_PROTOCOL
    EXPECT_EQ(get_int_option(here, 1, 8), 212992);      // SO_RCVBUF default
    EXPECT_EQ(get_int_option(here, 6, 1), -ENOPROTOOPT);  // TCP_NODELAY on UDP
    EXPECT_EQ(set_int_option(here, 6, 1, 1), -ENOPROTOOPT);
    EXPECT_EQ(fs_test::call(sys_listen, {static_cast<uint64_t>(here), 5}), -EOPNOTSUPP);
    // shutdown on an unconnected datagram socket: ENOTCONN, yet reads see end of file.
    EXPECT_EQ(fs_test::call(sys_shutdown, {static_cast<uint64_t>(here), 0}), -ENOTCONN);
    EXPECT_EQ(read(here), "");
}

}  // namespace
}  // namespace ingot::socket_test
