// TCP sockets through the system-call handlers: both ends of each connection are sockets on
// two cross-connected stacks (tests/unit/socket_test_support.h).
#include "socket_test_support.h"

namespace ingot::socket_test {
namespace {

constexpr int kSolSocket = 1, kSoError = 4;
constexpr int kShutWr = 1;
constexpr uint64_t kMsgNoSignal = 0x4000;
constexpr int16_t kPollIn = 1, kPollOut = 4, kPollErr = 8, kPollHup = 0x10, kPollRdHup = 0x2000;

struct PollFd {
    int32_t fd;
    int16_t events, revents;
};

int16_t poll_one(int fd, int16_t events, int timeout_ms = 0) {
    PollFd p{fd, events, 0};
    uint64_t user = fake_user_memory::map_bytes(&p, sizeof(p));
    int64_t n = sys(kPoll, user, 1, static_cast<uint64_t>(timeout_ms));
    EXPECT_GE(n, 0);
    memcpy(&p, fake_user_memory::host(user, sizeof(p)), sizeof(p));
    return p.revents;
}

using TcpSocketTest = SocketTest;

TEST_F(TcpSocketTest, ConnectAcceptExchangeDataBothWaysAndSeeEndOfFile) {
    int client, server;
    connect_pair(client, server);
    EXPECT_EQ(write(client, "hello"), 5);
    EXPECT_EQ(read(server), "hello");
    EXPECT_EQ(write(server, "world!"), 6);
    EXPECT_EQ(read(client), "world!");

    // getsockname / getpeername agree across the two ends.
    SockaddrIn name{};
    int length = sizeof(name);
    uint64_t user_name = fake_user_memory::map(sizeof(name));
    uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
    ASSERT_EQ(fs_test::call(sys_getpeername, {static_cast<uint64_t>(client), user_name, user_length}), 0);
    memcpy(&name, fake_user_memory::host(user_name, sizeof(name)), sizeof(name));
    EXPECT_EQ(name.family, kAfInet);
    EXPECT_EQ(name.address_be, kPeerIp.value_be);
    EXPECT_EQ(name.port_be, sockaddr(kPeerIp, 8080).port_be);
    ASSERT_EQ(fs_test::call(sys_getsockname, {static_cast<uint64_t>(client), user_name, user_length}), 0);
    memcpy(&name, fake_user_memory::host(user_name, sizeof(name)), sizeof(name));
    EXPECT_EQ(name.address_be, kHereIp.value_be);
    uint16_t client_port = name.port_be;
    ASSERT_EQ(fs_test::call(sys_getpeername, {static_cast<uint64_t>(server), user_name, user_length}), 0);
    memcpy(&name, fake_user_memory::host(user_name, sizeof(name)), sizeof(name));
    EXPECT_EQ(name.address_be, kHereIp.value_be);
    EXPECT_EQ(name.port_be, client_port);

    // The client closes: the server reads what is left, then end of file.
    EXPECT_EQ(write(client, "bye"), 3);
    EXPECT_EQ(sys(kClose, client), 0);
    EXPECT_EQ(read(server), "bye");
    EXPECT_EQ(read(server), "");
    EXPECT_EQ(poll_one(server, kPollIn | kPollRdHup) & (kPollIn | kPollRdHup), kPollIn | kPollRdHup);
}

TEST_F(TcpSocketTest, LargeTransferArrivesIntact) {
    int client, server;
    connect_pair(client, server);
    std::string payload(300'000, '\0');
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 23);
    // A blocking write of more than the send buffer waits while the peer drains... but the
    // peer drains only when read, so write in pieces the buffers can hold and read in between.
    std::string received;
    for (size_t at = 0; at < payload.size();) {
        size_t piece = std::min<size_t>(32'000, payload.size() - at);
        ASSERT_EQ(write(client, std::string_view(payload).substr(at, piece)), static_cast<int64_t>(piece));
        at += piece;
        while (received.size() < at) received += read(server, 65536);
    }
    EXPECT_EQ(received, payload);
}

TEST_F(TcpSocketTest, NonblockingConnectReportsInProgressThenCompletes) {
    int listener = socket(kSockStream, true);
    ASSERT_EQ(bind(listener, Ipv4Address::any(), 9000), 0);
    ASSERT_EQ(listen(listener), 0);
    int client = socket(kSockStream, false, kSockNonBlock);
    EXPECT_EQ(connect(client, kPeerIp, 9000), -EINPROGRESS);
    EXPECT_EQ(connect(client, kPeerIp, 9000), -EALREADY);
    EXPECT_EQ(read(client), "<errno 11>");  // EAGAIN during the handshake
    EXPECT_EQ(poll_one(client, kPollOut, 1000), kPollOut);
    EXPECT_EQ(get_int_option(client, kSolSocket, kSoError), 0);
    // __inet_stream_connect: the first connect after completion succeeds, the next is EISCONN.
    EXPECT_EQ(connect(client, kPeerIp, 9000), 0);
    EXPECT_EQ(connect(client, kPeerIp, 9000), -EISCONN);
    EXPECT_GE(accept(listener), 0);
    EXPECT_EQ(write(client, "x"), 1);
}

TEST_F(TcpSocketTest, ConnectToClosedPortIsRefused) {
    int client = socket(kSockStream);
    EXPECT_EQ(connect(client, kPeerIp, 4444), -ECONNREFUSED);
    // The socket may try again: it is unconnected, not broken.
    EXPECT_EQ(fs_test::call(sys_getpeername, {static_cast<uint64_t>(client), fake_user_memory::map(16),
                                              fake_user_memory::map_bytes("\x10\0\0\0", 4)}),
              -ENOTCONN);

    int nonblocking = socket(kSockStream, false, kSockNonBlock);
    EXPECT_EQ(connect(nonblocking, kPeerIp, 4444), -EINPROGRESS);
    int16_t revents = poll_one(nonblocking, kPollOut, 1000);
    EXPECT_TRUE(revents & kPollErr);
    EXPECT_TRUE(revents & kPollOut);
    EXPECT_EQ(get_int_option(nonblocking, kSolSocket, kSoError), ECONNREFUSED);
    EXPECT_EQ(get_int_option(nonblocking, kSolSocket, kSoError), 0);  // read-and-clear
    EXPECT_EQ(connect(nonblocking, kPeerIp, 4444), -ECONNABORTED);  // the error was consumed
}

TEST_F(TcpSocketTest, ConnectWithoutAnswerTimesOut) {
    stacks->here_device.cut = true;
    int client = socket(kSockStream);
    EXPECT_EQ(connect(client, kPeerIp, 4444), -ETIMEDOUT);
}

TEST_F(TcpSocketTest, BindConflictsAndAddressChecks) {
    int a = socket(kSockStream), b = socket(kSockStream);
    ASSERT_EQ(bind(a, Ipv4Address::any(), 7000), 0);
    EXPECT_EQ(bind(a, Ipv4Address::any(), 7001), -EINVAL);  // already bound
    EXPECT_EQ(bind(b, kHereIp, 7000), -EADDRINUSE);
    EXPECT_EQ(bind(b, kPeerIp, 7002), -EADDRNOTAVAIL);  // not our address
    EXPECT_EQ(bind(b, Ipv4Address::from_octets(127, 0, 0, 1), 7002), 0);  // loopback is ours

    // SO_REUSEADDR on both lets two sockets share a port while neither listens.
    int c = socket(kSockStream), d = socket(kSockStream);
    ASSERT_EQ(set_int_option(c, kSolSocket, 2, 1), 0);
    ASSERT_EQ(set_int_option(d, kSolSocket, 2, 1), 0);
    ASSERT_EQ(bind(c, Ipv4Address::any(), 7100), 0);
    EXPECT_EQ(bind(d, Ipv4Address::any(), 7100), 0);
    ASSERT_EQ(listen(c), 0);
    int e = socket(kSockStream);
    ASSERT_EQ(set_int_option(e, kSolSocket, 2, 1), 0);
    EXPECT_EQ(bind(e, Ipv4Address::any(), 7100), -EADDRINUSE);  // c listens now

    // Port 0 picks an ephemeral port that getsockname reports.
    int f = socket(kSockStream);
    ASSERT_EQ(bind(f, Ipv4Address::any(), 0), 0);
    SockaddrIn name{};
    int length = sizeof(name);
    uint64_t user_name = fake_user_memory::map(sizeof(name));
    uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
    ASSERT_EQ(fs_test::call(sys_getsockname, {static_cast<uint64_t>(f), user_name, user_length}), 0);
    memcpy(&name, fake_user_memory::host(user_name, sizeof(name)), sizeof(name));
    uint16_t port = static_cast<uint16_t>((name.port_be << 8) | (name.port_be >> 8));
    EXPECT_GE(port, 32768);
    EXPECT_LE(port, 60999);
}

TEST_F(TcpSocketTest, AcceptChecksAndNonblockingAccept) {
    int listener = socket(kSockStream, false, kSockNonBlock);
    EXPECT_EQ(accept(listener), -EINVAL);  // not listening
    ASSERT_EQ(bind(listener, Ipv4Address::any(), 8000), 0);
    ASSERT_EQ(listen(listener, 100000), 0);  // clamped to somaxconn silently
    EXPECT_EQ(accept(listener), -EAGAIN);
    EXPECT_EQ(accept(listener, 0x1), -EINVAL);  // unknown accept4 flag
    EXPECT_EQ(get_int_option(listener, kSolSocket, 30), 1);  // SO_ACCEPTCONN

    int client = socket(kSockStream, true);
    ASSERT_EQ(connect(client, kHereIp, 8000), 0);
    // accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC and a short address buffer (truncated, length 16).
    uint64_t user_addr = fake_user_memory::map(16);
    int length = 6;
    uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
    int64_t fd = fs_test::call(sys_accept4, {static_cast<uint64_t>(listener), user_addr, user_length,
                                             kSockNonBlock | kSockCloexec});
    ASSERT_GE(fd, 0);
    memcpy(&length, fake_user_memory::host(user_length, 4), 4);
    EXPECT_EQ(length, 16);
    SockaddrIn peer{};
    memcpy(&peer, fake_user_memory::host(user_addr, 16), 16);
    EXPECT_EQ(peer.family, kAfInet);
    EXPECT_EQ(peer.address_be & 0xffff, kPeerIp.value_be & 0xffff);  // bytes 4-5 written
    EXPECT_EQ(peer.address_be >> 16, 0u);                           // bytes 6-7 not
    EXPECT_EQ(sys(kFcntl, fd, 1), 1);                                // FD_CLOEXEC
    EXPECT_TRUE(sys(kFcntl, fd, 3) & 04000);                         // O_NONBLOCK
    EXPECT_EQ(read(static_cast<int>(fd)), "<errno 11>");
    // An address pointer that cannot be written: the connection is not handed out.
    int other = socket(kSockStream, true);
    ASSERT_EQ(connect(other, kHereIp, 8000), 0);
    EXPECT_EQ(fs_test::call(sys_accept4, {static_cast<uint64_t>(listener), user_addr, kUserSpaceEnd, 0}), -EFAULT);
}

TEST_F(TcpSocketTest, WritingAfterShutdownFailsWithEpipeAndSigpipe) {
    int client, server;
    connect_pair(client, server);
    ASSERT_EQ(fs_test::call(sys_shutdown, {static_cast<uint64_t>(client), kShutWr}), 0);
    EXPECT_EQ(read(server), "");  // the FIN arrived
    uint64_t byte = fake_user_memory::map_string("x");
    EXPECT_EQ(fs_test::call(sys_sendto, {static_cast<uint64_t>(client), byte, 1, kMsgNoSignal, 0, 0}), -EPIPE);
    EXPECT_FALSE(sigpipe_pending());
    EXPECT_EQ(fs_test::call(sys_sendto, {static_cast<uint64_t>(client), byte, 1, 0, 0, 0}), -EPIPE);
    EXPECT_TRUE(sigpipe_pending());
    fake_cpu::reset_signals();
    EXPECT_EQ(sys(kWrite, client, byte, 1), -EPIPE);  // write(2): the dispatcher raises it
    EXPECT_TRUE(sigpipe_pending());
    // The other direction still works.
    EXPECT_EQ(write(server, "still"), 5);
    EXPECT_EQ(read(client), "still");
    // send on a socket that never connected is EPIPE too (tcp_sendmsg).
    int fresh = socket(kSockStream);
    EXPECT_EQ(fs_test::call(sys_sendto, {static_cast<uint64_t>(fresh), byte, 1, kMsgNoSignal, 0, 0}), -EPIPE);
    EXPECT_EQ(read(fresh), "<errno 107>");  // ENOTCONN
}

TEST_F(TcpSocketTest, EpollReportsAPendingConnectionOnAListener) {
    int listener = socket(kSockStream, false, kSockNonBlock);
    ASSERT_EQ(bind(listener, Ipv4Address::any(), 8088), 0);
    ASSERT_EQ(listen(listener), 0);
    int ep = static_cast<int>(sys(kEpollCreate1, 0));
    ASSERT_GE(ep, 0);
    struct Event {
        uint32_t events;
        uint64_t data;
    } __attribute__((packed)) event{1u | (1u << 31), 42};  // EPOLLIN | EPOLLET
    ASSERT_EQ(sys(kEpollCtl, ep, 1, listener, fake_user_memory::map_bytes(&event, sizeof(event))), 0);
    uint64_t events = fake_user_memory::map(4 * sizeof(Event));
    EXPECT_EQ(sys(kEpollWait, ep, events, 4, 0), 0);

    int client = socket(kSockStream, true);
    ASSERT_EQ(connect(client, kHereIp, 8088), 0);
    ASSERT_EQ(sys(kEpollWait, ep, events, 4, 100), 1);
    Event got;
    memcpy(&got, fake_user_memory::host(events, sizeof(got)), sizeof(got));
    EXPECT_EQ(got.data, 42u);
    EXPECT_TRUE(got.events & 1);
    EXPECT_EQ(sys(kEpollWait, ep, events, 4, 0), 0);  // edge-triggered: reported once

    int second = socket(kSockStream, true);
    ASSERT_EQ(connect(second, kHereIp, 8088), 0);
    EXPECT_EQ(sys(kEpollWait, ep, events, 4, 100), 1);  // a new connection is a new edge
    EXPECT_GE(accept(listener), 0);
    EXPECT_GE(accept(listener), 0);
    EXPECT_EQ(accept(listener), -EAGAIN);
}

TEST_F(TcpSocketTest, PollReadinessFollowsTheConnection) {
    int fresh = socket(kSockStream);
    EXPECT_EQ(poll_one(fresh, kPollIn | kPollOut), kPollOut | kPollHup);  // tcp_poll on CLOSE
    int client, server;
    connect_pair(client, server);
    EXPECT_EQ(poll_one(client, kPollIn | kPollOut), kPollOut);
    ASSERT_EQ(write(server, "data"), 4);
    EXPECT_EQ(poll_one(client, kPollIn | kPollOut, 100), kPollIn | kPollOut);
    EXPECT_EQ(read(client), "data");
    ASSERT_EQ(sys(kClose, server), 0);
    settle();
    EXPECT_EQ(poll_one(client, kPollIn | kPollRdHup) & (kPollIn | kPollRdHup), kPollIn | kPollRdHup);
}

TEST_F(TcpSocketTest, ReceiveTimeoutEndsABlockingRead) {
    int client, server;
    connect_pair(client, server);
    struct {
        int64_t sec, usec;
    } timeout{0, 250'000};
    ASSERT_EQ(fs_test::call(sys_setsockopt, {static_cast<uint64_t>(client), 1, 20,
                                             fake_user_memory::map_bytes(&timeout, 16), 16}),
              0);
    uint64_t start = monotonic_ns();
    EXPECT_EQ(read(client), "<errno 11>");
    EXPECT_GE(monotonic_ns() - start, 250'000'000u);
    EXPECT_LT(monotonic_ns() - start, 1'000'000'000u);
}

TEST_F(TcpSocketTest, FionreadFstatAndMaxSegment) {
    int client, server;
    connect_pair(client, server);
    ASSERT_EQ(write(server, "12345"), 5);
    settle();
    uint64_t count = fake_user_memory::map(4);
    ASSERT_EQ(sys(kIoctl, client, 0x541B, count), 0);  // FIONREAD
    int available;
    memcpy(&available, fake_user_memory::host(count, 4), 4);
    EXPECT_EQ(available, 5);
    EXPECT_EQ(sys(kIoctl, listener_fd, 0x541B, count), -EINVAL);  // SIOCINQ on a listener

    uint64_t st = fake_user_memory::map(144);
    ASSERT_EQ(sys(kFstat, client, st), 0);
    uint32_t mode;
    memcpy(&mode, fake_user_memory::host(st + 24, 4), 4);  // st_mode in struct stat (x86-64)
    EXPECT_EQ(mode & 0170000, 0140000u);                   // S_IFSOCK

    EXPECT_EQ(get_int_option(client, 6, 2), 1448);             // TCP_MAXSEG: 1460 less timestamps
    EXPECT_EQ(get_int_option(socket(kSockStream), 6, 2), 536);  // before it

    int on = 1;
    ASSERT_EQ(sys(kIoctl, client, 0x5421, fake_user_memory::map_bytes(&on, 4)), 0);  // FIONBIO
    EXPECT_EQ(read(client, 2), "12");
    EXPECT_EQ(read(client), "345");
    EXPECT_EQ(read(client), "<errno 11>");
}

}  // namespace
}  // namespace ingot::socket_test
