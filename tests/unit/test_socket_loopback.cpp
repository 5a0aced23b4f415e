// Loopback: TCP and UDP sockets talking to 127.0.0.0/8 or to the machine's own address over one
// stack, without a frame on the wire; and 127/8 arriving from the wire is dropped.
#include "socket_test_support.h"

#include <net/interface.h>

#include "net_test_support.h"

namespace ingot::socket_test {
namespace {

const Ipv4Address kLoopback = Ipv4Address::from_octets(127, 0, 0, 1);

class LoopbackTest : public SocketTest {
protected:
    uint64_t frames_on_wire() const { return stacks->here->interface().statistics().frames_sent; }

    // The local or peer address of fd.
    SockaddrIn name_of(int fd, bool peer) {
        SockaddrIn name{};
        int length = sizeof(name);
        uint64_t user_name = fake_user_memory::map(sizeof(name));
        uint64_t user_length = fake_user_memory::map_bytes(&length, 4);
        auto call = peer ? sys_getpeername : sys_getsockname;
        EXPECT_EQ(fs_test::call(call, {static_cast<uint64_t>(fd), user_name, user_length}), 0);
        memcpy(&name, fake_user_memory::host(user_name, sizeof(name)), sizeof(name));
        return name;
    }

    // A listener on (address, port), a client connected to it and the accepted end.
    void connect_to_self(Ipv4Address listen_on, Ipv4Address connect_to, int& client, int& server) {
        int listener = socket(kSockStream);
        ASSERT_EQ(bind(listener, listen_on, 9000), 0);
        ASSERT_EQ(listen(listener), 0);
        client = socket(kSockStream);
        ASSERT_EQ(connect(client, connect_to, 9000), 0);
        server = static_cast<int>(accept(listener));
        ASSERT_GE(server, 0);
    }
};

TEST_F(LoopbackTest, TcpToLocalhost) {
    uint64_t wire_before = frames_on_wire();
    int client, server;
    connect_to_self(kLoopback, kLoopback, client, server);
    EXPECT_EQ(write(client, "ping"), 4);
    EXPECT_EQ(read(server), "ping");
    EXPECT_EQ(write(server, "pong"), 4);
    EXPECT_EQ(read(client), "pong");
    EXPECT_EQ(name_of(client, false).address_be, kLoopback.value_be);  // source 127.0.0.1, as Linux
    EXPECT_EQ(name_of(server, true).address_be, kLoopback.value_be);
    std::string big(60000, 'x');  // fits the buffers: one thread writes, then reads
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 23);
    EXPECT_EQ(write(client, big), static_cast<int64_t>(big.size()));
    std::string received;
    while (received.size() < big.size()) {
        std::string part = read(server, 65536);
        ASSERT_FALSE(part.empty() || part[0] == '<') << part;
        received += part;
    }
    EXPECT_EQ(received, big);
    EXPECT_EQ(sys(kClose, client), 0);
    EXPECT_EQ(read(server), "");
    EXPECT_EQ(frames_on_wire(), wire_before);
}

TEST_F(LoopbackTest, TcpToOurOwnAddressAndWildcardListener) {
    int client, server;
    connect_to_self(Ipv4Address::any(), kHereIp, client, server);
    EXPECT_EQ(write(client, "self"), 4);
    EXPECT_EQ(read(server), "self");
    EXPECT_EQ(name_of(client, false).address_be, kHereIp.value_be);
}

TEST_F(LoopbackTest, BindRules) {
    int a = socket(kSockStream), b = socket(kSockDgram), c = socket(kSockStream);
    EXPECT_EQ(bind(a, Ipv4Address::from_octets(127, 1, 2, 3), 9100), 0);  // all of 127/8 is ours
    EXPECT_EQ(bind(b, kLoopback, 9100), 0);
    EXPECT_EQ(bind(c, Ipv4Address::from_octets(10, 0, 0, 9), 9101), -EADDRNOTAVAIL);
}

TEST_F(LoopbackTest, ConnectToAClosedLocalPortIsRefused) {
    int client = socket(kSockStream);
    EXPECT_EQ(connect(client, kLoopback, 9999), -ECONNREFUSED);
}

TEST_F(LoopbackTest, UdpToLocalhost) {
    int receiver = socket(kSockDgram), sender = socket(kSockDgram);
    ASSERT_EQ(bind(receiver, kLoopback, 5300), 0);
    ASSERT_EQ(connect(sender, kLoopback, 5300), 0);
    EXPECT_EQ(write(sender, "datagram"), 8);
    settle();
    EXPECT_EQ(read(receiver), "datagram");
    EXPECT_EQ(name_of(sender, false).address_be, kLoopback.value_be);
}

TEST(LoopbackFromTheWire, IsDropped) {
    using namespace net;
    using namespace net::test;
    RecordingFrameOutput driver;
    Interface interface(driver, InterfaceConfig{.mac = our_mac, .address = our_ip});
    RecordingHandler handler;
    interface.register_protocol(17, &handler);
    std::vector<uint8_t> payload(8, 0);
    auto to_loopback = make_datagram(fields_for(peer_ip, Ipv4Address::from_octets(127, 0, 0, 1), 17), payload);
    auto from_loopback = make_datagram(fields_for(Ipv4Address::from_octets(127, 0, 0, 1), our_ip, 17), payload);
    interface.receive_frame(make_frame(peer_mac, to_loopback), 0);
    interface.receive_frame(make_frame(peer_mac, from_loopback), 0);
    EXPECT_TRUE(handler.packets.empty());
    EXPECT_EQ(interface.statistics().ip_address_errors, 2u);
    // And a loopback source never leaves for the wire.
    EXPECT_EQ(interface.send_ipv4(Ipv4Address::from_octets(127, 0, 0, 1), peer_ip, 17, payload).error(),
              Errno{EADDRNOTAVAIL});
    EXPECT_TRUE(driver.frames.empty());
}

}  // namespace
}  // namespace ingot::socket_test
