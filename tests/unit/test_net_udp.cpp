// UDP (RFC 768, RFC 1122 §4.1): binding and ports, demultiplexing, receive queue limits,
// sending with checksums, ICMP port unreachable and errors for connected endpoints.
#include <net/interface.h>
#include <net/udp.h>
#include <net/udp_endpoint.h>
#include <net/wire/checksum.h>
#include <net/wire/udp_datagram.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

#include <memory>

namespace ingot::net {
namespace {

using namespace test;

class NetUdp : public ::testing::Test {
protected:
    NetUdp() : icmp(output, registry), udp(output, &icmp, 0) {
        registry.set(1, &icmp);
        registry.set(17, &udp);
    }

    // Delivers a datagram from source to destination as IPv4 would.
    void receive(Ipv4Endpoint source, Ipv4Endpoint destination, std::vector<uint8_t> payload,
                 bool zero_checksum = false) {
        std::vector<uint8_t> segment(8 + payload.size());
        ASSERT_TRUE(emit_udp_datagram(source.port, destination.port, source.address,
                                      destination.address, payload, segment).ok());
        if (zero_checksum) segment[6] = segment[7] = 0;
        deliver(source.address, destination.address, segment);
    }
    void deliver(Ipv4Address source, Ipv4Address destination, const std::vector<uint8_t>& segment) {
        storage.push_back(make_datagram(fields_for(source, destination, 17), segment));
        udp.receive_ipv4(Ipv4Packet::parse(storage.back()).value(), now);
    }
    static std::vector<uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }
    std::string read(UdpEndpoint& endpoint, ReceivedDatagram* info = nullptr) {
        std::array<uint8_t, 2048> buffer;
        auto received = endpoint.receive_from(buffer);
        if (!received.ok()) return "<" + std::string(errno_name(received.error())) + ">";
        if (info) *info = received.value();
        return std::string(buffer.begin(), buffer.begin() + static_cast<long>(received.value().copied));
    }

    uint64_t now = 0;
    RecordingIpv4Output output;
    ProtocolRegistry registry;
    Icmp icmp;
    Udp udp;
    std::vector<std::vector<uint8_t>> storage;
};

TEST_F(NetUdp, BindRules) {
    UdpEndpoint a(udp), b(udp), c(udp), d(udp);
    ASSERT_TRUE(a.bind({Ipv4Address::any(), 5000}).ok());
    EXPECT_EQ(a.bind({Ipv4Address::any(), 5001}).error(), Errno{EINVAL});  // already bound
    EXPECT_EQ(b.bind({Ipv4Address::any(), 5000}).error(), Errno{EADDRINUSE});
    EXPECT_EQ(b.bind({our_ip, 5000}).error(), Errno{EADDRINUSE});
    EXPECT_EQ(b.bind({peer_ip, 5002}).error(), Errno{EADDRNOTAVAIL});
    ASSERT_TRUE(b.bind({our_ip, 5002}).ok());
    EXPECT_EQ(c.bind({Ipv4Address::any(), 5002}).error(), Errno{EADDRINUSE});
    ASSERT_TRUE(c.bind({Ipv4Address::any(), 0}).ok());
    EXPECT_GE(c.local()->port, Udp::ephemeral_first);
    EXPECT_EQ(c.local()->port, Udp::ephemeral_first);  // seed 0 starts at the bottom
    ASSERT_TRUE(d.bind({Ipv4Address::any(), 0}).ok());
    EXPECT_NE(d.local()->port, c.local()->port);
    EXPECT_EQ(a.local(), (Ipv4Endpoint{Ipv4Address::any(), 5000}));
    EXPECT_FALSE(a.remote().has_value());
}

TEST_F(NetUdp, PortIsFreedWhenTheEndpointGoes) {
    {
        UdpEndpoint a(udp);
        ASSERT_TRUE(a.bind({Ipv4Address::any(), 7}).ok());
    }
    UdpEndpoint b(udp);
    EXPECT_TRUE(b.bind({Ipv4Address::any(), 7}).ok());
}

TEST_F(NetUdp, EphemeralRangeExhaustion) {
    std::vector<std::unique_ptr<UdpEndpoint>> endpoints;
    for (uint32_t i = 0; i < 16384; ++i) {
        endpoints.push_back(std::make_unique<UdpEndpoint>(udp));
        ASSERT_TRUE(endpoints.back()->bind({Ipv4Address::any(), 0}).ok()) << i;
    }
    UdpEndpoint extra(udp);
    EXPECT_EQ(extra.bind({Ipv4Address::any(), 0}).error(), Errno{EAGAIN});
}

TEST_F(NetUdp, DemultiplexesToTheMostSpecificEndpoint) {
    UdpEndpoint wildcard(udp), specific(udp), connected(udp);
    ASSERT_TRUE(wildcard.bind({Ipv4Address::any(), 53}).ok());
    ASSERT_TRUE(specific.bind({our_ip, 54}).ok());
    ASSERT_TRUE(connected.bind({our_ip, 55}).ok());
    ASSERT_TRUE(connected.connect({gateway_ip, 1000}).ok());
    receive({gateway_ip, 999}, {our_ip, 53}, bytes("to-wildcard"));
    receive({gateway_ip, 999}, {Ipv4Address::broadcast(), 53}, bytes("broadcast"));
    receive({gateway_ip, 999}, {our_ip, 54}, bytes("to-specific"));
    receive({gateway_ip, 1000}, {our_ip, 55}, bytes("from-peer"));
    receive({gateway_ip, 1001}, {our_ip, 55}, bytes("wrong-port"));
    receive({peer_ip, 1000}, {our_ip, 55}, bytes("wrong-host"));
    ReceivedDatagram info;
    EXPECT_EQ(read(wildcard, &info), "to-wildcard");
    EXPECT_EQ(info.source, (Ipv4Endpoint{gateway_ip, 999}));
    EXPECT_EQ(info.destination, our_ip);
    EXPECT_EQ(read(wildcard, &info), "broadcast");
    EXPECT_TRUE(info.destination.is_broadcast());
    EXPECT_EQ(read(specific), "to-specific");
    EXPECT_EQ(read(connected), "from-peer");
    EXPECT_EQ(read(connected), "<EAGAIN>");
    EXPECT_EQ(udp.statistics().delivered, 4u);
    EXPECT_EQ(udp.statistics().no_port, 2u);
    // Port unreachable went back for both filtered datagrams (unicast, to our address).
    EXPECT_EQ(output.sent.size(), 2u);
}

TEST_F(NetUdp, ConnectedBeatsWildcardOnTheSamePort) {
    UdpEndpoint listener(udp), client(udp);
    ASSERT_TRUE(listener.bind({Ipv4Address::any(), 4000}).ok());
    ASSERT_TRUE(client.bind({our_ip, 4000}).ok() == false);  // would clash with the wildcard
    ASSERT_TRUE(client.connect({peer_ip, 9}).ok());
    receive({peer_ip, 9}, {our_ip, client.local()->port}, bytes("mine"));
    receive({peer_ip, 9}, {our_ip, 4000}, bytes("listener"));
    EXPECT_EQ(read(client), "mine");
    EXPECT_EQ(read(listener), "listener");
}

TEST_F(NetUdp, ClosedPortAnswersWithPortUnreachable) {
    receive({gateway_ip, 5000}, {our_ip, 9}, bytes("hello"));
    ASSERT_EQ(output.sent.size(), 1u);
    const auto& sent = output.sent[0];
    EXPECT_EQ(sent.protocol, 1);
    EXPECT_EQ(sent.destination, gateway_ip);
    EXPECT_EQ(sent.source, our_ip);
    auto message = Icmpv4Message::parse(sent.bytes);
    ASSERT_TRUE(message.ok());
    EXPECT_EQ(message.value().type(), 3);
    EXPECT_EQ(message.value().code(), 3);
    EXPECT_TRUE(std::equal(storage.back().begin(), storage.back().end(), message.value().data().begin(),
                           message.value().data().end()));
    // Not for broadcasts.
    receive({gateway_ip, 5000}, {Ipv4Address::broadcast(), 9}, bytes("hello"));
    EXPECT_EQ(output.sent.size(), 1u);
}

TEST_F(NetUdp, ChecksumAndLengthChecks) {
    UdpEndpoint e(udp);
    ASSERT_TRUE(e.bind({Ipv4Address::any(), 53}).ok());
    receive({gateway_ip, 1}, {our_ip, 53}, bytes("no checksum"), true);
    EXPECT_EQ(read(e), "no checksum");
    std::vector<uint8_t> segment(8 + 4);
    ASSERT_TRUE(emit_udp_datagram(1, 53, gateway_ip, our_ip, bytes("abcd"), segment).ok());
    segment[9] ^= 1;
    deliver(gateway_ip, our_ip, segment);
    segment[9] ^= 1;
    segment[5] = 40;  // length past the IPv4 payload
    deliver(gateway_ip, our_ip, segment);
    segment[5] = 7;  // length below the header
    deliver(gateway_ip, our_ip, segment);
    deliver(gateway_ip, our_ip, {0, 1, 0});
    EXPECT_EQ(read(e), "<EAGAIN>");
    EXPECT_EQ(udp.statistics().checksum_errors, 1u);
    EXPECT_EQ(udp.statistics().malformed, 3u);
    EXPECT_TRUE(output.sent.empty());
}

TEST_F(NetUdp, ReceiveQueueByteLimitDropsAndCounts) {
    UdpEndpoint e(udp, 1000);
    ASSERT_TRUE(e.bind({Ipv4Address::any(), 53}).ok());
    receive({gateway_ip, 1}, {our_ip, 53}, std::vector<uint8_t>(1200, 1));  // first always fits
    receive({gateway_ip, 1}, {our_ip, 53}, std::vector<uint8_t>(10, 2));
    EXPECT_EQ(e.queued_datagrams(), 1u);
    EXPECT_EQ(e.dropped(), 1u);
    EXPECT_EQ(udp.statistics().queue_full, 1u);
    EXPECT_EQ(read(e).size(), 1200u);
    for (int i = 0; i < 10; ++i) receive({gateway_ip, 1}, {our_ip, 53}, std::vector<uint8_t>(100, uint8_t(i)));
    receive({gateway_ip, 1}, {our_ip, 53}, std::vector<uint8_t>(1, 0));
    EXPECT_EQ(e.queued_datagrams(), 10u);
    EXPECT_EQ(e.queued_bytes(), 1000u);
    EXPECT_EQ(e.dropped(), 2u);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(read(e), std::string(100, char(i)));
    EXPECT_EQ(e.queued_bytes(), 0u);
    EXPECT_FALSE(e.readable());
}

TEST_F(NetUdp, ReceiveTruncatesPeeksAndKeepsOrderOverManyDatagrams) {
    UdpEndpoint e(udp);
    ASSERT_TRUE(e.bind({Ipv4Address::any(), 53}).ok());
    EXPECT_FALSE(e.readable());
    EXPECT_TRUE(e.writable());
    receive({gateway_ip, 1}, {our_ip, 53}, bytes("0123456789"));
    EXPECT_TRUE(e.readable());
    EXPECT_EQ(e.next_datagram_size(), 10u);
    std::array<uint8_t, 4> small;
    auto peeked = e.receive_from(small, true);
    ASSERT_TRUE(peeked.ok());
    EXPECT_EQ(peeked.value().copied, 4u);
    EXPECT_EQ(peeked.value().length, 10u);
    EXPECT_EQ(e.queued_datagrams(), 1u);
    auto taken = e.receive_from(small);
    ASSERT_TRUE(taken.ok());
    EXPECT_EQ(taken.value().length, 10u);  // the rest is discarded, as for MSG_TRUNC
    EXPECT_EQ(e.queued_datagrams(), 0u);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 100; ++i) receive({gateway_ip, 1}, {our_ip, 53}, bytes(std::to_string(i)));
        for (int i = 0; i < 100; ++i) ASSERT_EQ(read(e), std::to_string(i));
    }
    receive({gateway_ip, 1}, {our_ip, 53}, {});
    ReceivedDatagram info;
    EXPECT_EQ(read(e, &info), "");
    EXPECT_EQ(info.length, 0u);
}

TEST_F(NetUdp, SendBuildsAVerifiableDatagram) {
    UdpEndpoint e(udp);
    auto sent = e.send_to(bytes("query"), Ipv4Endpoint{dns_ip, 53});
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(sent.value(), 5u);
    ASSERT_TRUE(e.local().has_value());  // bound implicitly
    EXPECT_GE(e.local()->port, Udp::ephemeral_first);
    ASSERT_EQ(output.sent.size(), 1u);
    EXPECT_EQ(output.sent[0].source, our_ip);
    EXPECT_EQ(output.sent[0].destination, dns_ip);
    EXPECT_EQ(output.sent[0].protocol, 17);
    auto datagram = UdpDatagram::parse(output.sent[0].bytes);
    ASSERT_TRUE(datagram.ok());
    EXPECT_EQ(datagram.value().source_port(), e.local()->port);
    EXPECT_EQ(datagram.value().destination_port(), 53);
    EXPECT_NE(datagram.value().checksum(), 0);
    EXPECT_TRUE(datagram.value().checksum_valid(our_ip, dns_ip));
    EXPECT_EQ(udp.statistics().sent, 1u);
}

TEST_F(NetUdp, SendErrors) {
    UdpEndpoint e(udp);
    EXPECT_EQ(e.send_to(bytes("x"), std::nullopt).error(), Errno{EDESTADDRREQ});
    EXPECT_EQ(e.send_to(bytes("x"), Ipv4Endpoint{dns_ip, 0}).error(), Errno{EINVAL});
    EXPECT_TRUE(e.send_to(std::vector<uint8_t>(1472, 0), Ipv4Endpoint{dns_ip, 53}).ok());
    EXPECT_EQ(e.send_to(std::vector<uint8_t>(1473, 0), Ipv4Endpoint{dns_ip, 53}).error(), Errno{EMSGSIZE});
    output.fail_with = Errno{ENETUNREACH};
    EXPECT_EQ(e.send_to(bytes("x"), Ipv4Endpoint{remote_ip, 53}).error(), Errno{ENETUNREACH});
    EXPECT_EQ(udp.statistics().send_errors, 1u);
    EXPECT_EQ(e.connect({Ipv4Address::any(), 53}).error(), Errno{EINVAL});
    EXPECT_EQ(e.connect({dns_ip, 0}).error(), Errno{EINVAL});
}

TEST_F(NetUdp, ConnectedSendAndPortUnreachableBecomesECONNREFUSED) {
    UdpEndpoint e(udp);
    ASSERT_TRUE(e.connect({dns_ip, 53}).ok());
    ASSERT_TRUE(e.send_to(bytes("query"), std::nullopt).ok());
    // The DNS host answers with port unreachable quoting our datagram.
    auto ours = make_datagram(fields_for(our_ip, dns_ip, 17), output.sent[0].bytes);
    std::vector<uint8_t> message(8 + ours.size());
    ASSERT_TRUE(emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode::Port, ours, 0, message).ok());
    storage.push_back(make_datagram(fields_for(dns_ip, our_ip, 1), message));
    icmp.receive_ipv4(Ipv4Packet::parse(storage.back()).value(), now);
    EXPECT_TRUE(e.readable());
    EXPECT_EQ(read(e), "<ECONNREFUSED>");
    EXPECT_FALSE(e.readable());
    EXPECT_EQ(read(e), "<EAGAIN>");
    // The next send reports it too, once.
    icmp.receive_ipv4(Ipv4Packet::parse(storage.back()).value(), now);
    EXPECT_EQ(e.send_to(bytes("again"), std::nullopt).error(), Errno{ECONNREFUSED});
    EXPECT_TRUE(e.send_to(bytes("again"), std::nullopt).ok());
    // An unconnected endpoint never sees it.
    e.disconnect();
    icmp.receive_ipv4(Ipv4Packet::parse(storage.back()).value(), now);
    EXPECT_EQ(e.take_error(), Errno{0});
}

TEST(NetUdpInterface, PortUnreachableFrameEveryByte) {
    RecordingFrameOutput output;
    InterfaceConfig config;
    config.mac = our_mac;
    config.address = our_ip;
    config.gateway = gateway_ip;
    Interface interface(output, config);
    Udp udp(interface, &interface.icmp());
    interface.register_protocol(17, &udp);
    interface.receive_frame(hex({"ff ff ff ff ff ff 52 55 0a 00 02 02 08 06 00 01",
                                 "08 00 06 04 00 01 52 55 0a 00 02 02 0a 00 02 02",
                                 "00 00 00 00 00 00 0a 00 02 0f 00 00 00 00 00 00",
                                 "00 00 00 00 00 00 00 00 00 00 00 00"}), 0);
    output.frames.clear();
    // 10.0.2.2:5000 -> 10.0.2.15:9 "hello", padded to 60 bytes on the wire.
    interface.receive_frame(hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 00 45 00",
                                 "00 21 11 11 40 00 40 11 11 ab 0a 00 02 02 0a 00",
                                 "02 0f 13 88 00 09 00 0d 90 60 68 65 6c 6c 6f 00",
                                 "00 00 00 00 00 00 00 00 00 00 00 00"}), 1 * ms);
    ASSERT_EQ(output.frames.size(), 1u);
    // The quote ends at the datagram's total length: the link padding is not part of it.
    EXPECT_EQ(output.frames[0], hex({"52 55 0a 00 02 02 52 54 00 12 34 56 08 00 45 00",
                                     "00 3d 00 01 40 00 40 01 22 af 0a 00 02 0f 0a 00",
                                     "02 02 03 03 15 2c 00 00 00 00 45 00 00 21 11 11",
                                     "40 00 40 11 11 ab 0a 00 02 02 0a 00 02 0f 13 88",
                                     "00 09 00 0d 90 60 68 65 6c 6c 6f"}));
    // And an open port receives the same datagram.
    UdpEndpoint discard(udp);
    ASSERT_TRUE(discard.bind({Ipv4Address::any(), 9}).ok());
    interface.receive_frame(hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 00 45 00",
                                 "00 21 11 11 40 00 40 11 11 ab 0a 00 02 02 0a 00",
                                 "02 0f 13 88 00 09 00 0d 90 60 68 65 6c 6c 6f 00",
                                 "00 00 00 00 00 00 00 00 00 00 00 00"}), 2 * ms);
    EXPECT_EQ(discard.queued_datagrams(), 1u);
    EXPECT_EQ(output.frames.size(), 1u);
}

}  // namespace
}  // namespace ingot::net
