// ICMP (RFC 792, RFC 1122 §3.2.2): echo through the Interface byte for byte, destination
// unreachable generation and its restrictions, rate limiting, and errors passed up.
#include <net/icmp.h>
#include <net/interface.h>
#include <net/wire/checksum.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using namespace test;

constexpr uint8_t protocol_icmp = 1;

// The gateway asks for our MAC first, as any Linux host does before pinging.
std::vector<uint8_t> gateway_arp_request() {
    return hex({"ff ff ff ff ff ff 52 55 0a 00 02 02 08 06 00 01",
                "08 00 06 04 00 01 52 55 0a 00 02 02 0a 00 02 02",
                "00 00 00 00 00 00 0a 00 02 0f 00 00 00 00 00 00",
                "00 00 00 00 00 00 00 00 00 00 00 00"});
}

// `ping -c1 10.0.2.15` from 10.0.2.2 (Linux iputils: id 0d05, seq 1, 56 data bytes).
std::vector<uint8_t> captured_echo_request_frame() {
    return hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 00 45 00",
                "00 54 3c 1d 40 00 40 01 e6 7b 0a 00 02 02 0a 00",
                "02 0f 08 00 8e 00 0d 05 00 01 6a 1f 5b 65 00 00",
                "00 00 d3 a1 05 00 00 00 00 00 10 11 12 13 14 15",
                "16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25",
                "26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35",
                "36 37"});
}

InterfaceConfig guest_config() {
    InterfaceConfig c;
    c.mac = our_mac;
    c.address = our_ip;
    c.prefix_length = 24;
    c.gateway = gateway_ip;
    return c;
}

TEST(NetIcmpInterface, EchoRoundTripEveryByte) {
    RecordingFrameOutput output;
    Interface interface(output, guest_config());
    interface.receive_frame(gateway_arp_request(), 0);
    ASSERT_EQ(output.frames.size(), 1u);  // our ARP reply
    interface.receive_frame(captured_echo_request_frame(), 1 * ms);
    ASSERT_EQ(output.frames.size(), 2u);
    // Addresses swapped, our identification 1, TTL 64, DF, type 0, both checksums recomputed
    // (values checked against an independent implementation).
    EXPECT_EQ(output.frames[1], hex({"52 55 0a 00 02 02 52 54 00 12 34 56 08 00 45 00",
                                     "00 54 00 01 40 00 40 01 22 98 0a 00 02 0f 0a 00",
                                     "02 02 00 00 96 00 0d 05 00 01 6a 1f 5b 65 00 00",
                                     "00 00 d3 a1 05 00 00 00 00 00 10 11 12 13 14 15",
                                     "16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25",
                                     "26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35",
                                     "36 37"}));
    EXPECT_EQ(interface.icmp().statistics().echo_replies_sent, 1u);
}

TEST(NetIcmpInterface, EchoBeforeArpResolvesThenReplies) {
    RecordingFrameOutput output;
    Interface interface(output, guest_config());
    interface.receive_frame(captured_echo_request_frame(), 0);
    ASSERT_EQ(output.frames.size(), 1u);
    EXPECT_EQ(output.frames[0][12], 0x08);
    EXPECT_EQ(output.frames[0][13], 0x06);  // who-has 10.0.2.2 first
    auto reply = hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 06 00 01",
                      "08 00 06 04 00 02 52 55 0a 00 02 02 0a 00 02 02",
                      "52 54 00 12 34 56 0a 00 02 0f 00 00 00 00 00 00",
                      "00 00 00 00 00 00 00 00 00 00 00 00"});
    interface.receive_frame(reply, 1 * ms);
    ASSERT_EQ(output.frames.size(), 2u);
    EXPECT_EQ(output.frames[1].size(), 98u);
    EXPECT_EQ(output.frames[1][34], 0x00);  // echo reply
}

TEST(NetIcmpInterface, UnknownProtocolGetsProtocolUnreachable) {
    RecordingFrameOutput output;
    Interface interface(output, guest_config());
    interface.receive_frame(gateway_arp_request(), 0);
    output.frames.clear();
    auto datagram = make_datagram(fields_for(gateway_ip, our_ip, 250), std::vector<uint8_t>(12, 7));
    interface.receive_frame(make_frame(gateway_mac, datagram), 0);
    ASSERT_EQ(output.frames.size(), 1u);
    EXPECT_EQ(interface.statistics().ip_unknown_protocol, 1u);
    auto packet = Ipv4Packet::parse(std::span<const uint8_t>(output.frames[0]).subspan(14));
    ASSERT_TRUE(packet.ok());
    EXPECT_EQ(packet.value().protocol(), protocol_icmp);
    EXPECT_EQ(packet.value().destination(), gateway_ip);
    auto message = Icmpv4Message::parse(packet.value().payload());
    ASSERT_TRUE(message.ok());
    EXPECT_EQ(message.value().type(), 3);
    EXPECT_EQ(message.value().code(), 2);
    EXPECT_EQ(std::vector<uint8_t>(message.value().data().begin(), message.value().data().end()), datagram);
}

class NetIcmp : public ::testing::Test {
protected:
    NetIcmp() : icmp(output, registry) { registry.set(protocol_icmp, &icmp); }

    // A received datagram to feed send_destination_unreachable or receive_ipv4.
    Ipv4Packet datagram(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                        std::vector<uint8_t> payload, size_t fragment_offset = 0) {
        auto fields = fields_for(source, destination, protocol);
        fields.fragment_offset = static_cast<uint16_t>(fragment_offset);
        fields.dont_fragment = fragment_offset == 0;
        storage.push_back(make_datagram(fields, payload));
        return Ipv4Packet::parse(storage.back()).value();
    }
    std::vector<uint8_t> message(uint8_t type, uint8_t code, std::span<const uint8_t> data) {
        std::vector<uint8_t> out(8 + data.size());
        (void)emit_icmpv4_message(type, code, 0, data, out);
        return out;
    }

    RecordingIpv4Output output;
    ProtocolRegistry registry;
    Icmp icmp;
    std::vector<std::vector<uint8_t>> storage;
};

TEST_F(NetIcmp, NoErrorsAboutErrorsBroadcastsFragmentsOrOddSources) {
    std::vector<uint8_t> udp(8, 0);
    auto unreachable = message(3, 3, udp);
    icmp.send_destination_unreachable(datagram(gateway_ip, our_ip, protocol_icmp, unreachable),
                                      Icmpv4UnreachableCode::Protocol, 0);
    icmp.send_destination_unreachable(datagram(gateway_ip, Ipv4Address::broadcast(), 17, udp),
                                      Icmpv4UnreachableCode::Port, 0);
    icmp.send_destination_unreachable(datagram(gateway_ip, Ipv4Address::from_octets(10, 0, 2, 255), 17, udp),
                                      Icmpv4UnreachableCode::Port, 0);
    icmp.send_destination_unreachable(datagram(gateway_ip, our_ip, 17, udp, 1480),
                                      Icmpv4UnreachableCode::Port, 0);
    for (Ipv4Address source : {Ipv4Address::any(), Ipv4Address::from_octets(127, 0, 0, 1),
                               Ipv4Address::from_octets(224, 0, 0, 1), Ipv4Address::from_octets(250, 0, 0, 1)}) {
        icmp.send_destination_unreachable(datagram(source, our_ip, 17, udp), Icmpv4UnreachableCode::Port, 0);
    }
    EXPECT_TRUE(output.sent.empty());
    EXPECT_EQ(icmp.statistics().errors_suppressed, 8u);
    // An echo request is a query, not an error: it may be answered with one.
    auto echo = message(8, 0, udp);
    icmp.send_destination_unreachable(datagram(gateway_ip, our_ip, protocol_icmp, echo),
                                      Icmpv4UnreachableCode::Protocol, 0);
    EXPECT_EQ(output.sent.size(), 1u);
}

TEST_F(NetIcmp, ErrorsAreRateLimited) {
    std::vector<uint8_t> udp(8, 0);
    auto offending = datagram(gateway_ip, our_ip, 17, udp);
    for (int i = 0; i < 50; ++i) icmp.send_destination_unreachable(offending, Icmpv4UnreachableCode::Port, 1 * seconds);
    EXPECT_EQ(output.sent.size(), 10u);  // the burst
    EXPECT_EQ(icmp.statistics().errors_rate_limited, 40u);
    // 100 per second: one more every 10 ms.
    icmp.send_destination_unreachable(offending, Icmpv4UnreachableCode::Port, 1 * seconds + 9 * ms);
    EXPECT_EQ(output.sent.size(), 10u);
    icmp.send_destination_unreachable(offending, Icmpv4UnreachableCode::Port, 1 * seconds + 10 * ms);
    EXPECT_EQ(output.sent.size(), 11u);
    for (int i = 0; i < 50; ++i) icmp.send_destination_unreachable(offending, Icmpv4UnreachableCode::Port, 60 * seconds);
    EXPECT_EQ(output.sent.size(), 21u);
}

TEST_F(NetIcmp, BroadcastEchoIsIgnoredAndMalformedCounted) {
    auto echo = message(8, 0, std::vector<uint8_t>(4, 1));
    icmp.receive_ipv4(datagram(gateway_ip, Ipv4Address::broadcast(), protocol_icmp, echo), 0);
    EXPECT_TRUE(output.sent.empty());
    EXPECT_EQ(icmp.statistics().echo_requests_received, 1u);
    echo[5] ^= 1;
    icmp.receive_ipv4(datagram(gateway_ip, our_ip, protocol_icmp, echo), 0);
    icmp.receive_ipv4(datagram(gateway_ip, our_ip, protocol_icmp, {8, 0, 0}), 0);
    EXPECT_EQ(icmp.statistics().malformed, 2u);
    EXPECT_TRUE(output.sent.empty());
}

TEST_F(NetIcmp, EchoTooLargeToAnswerUnfragmentedIsDropped) {
    output.max_size = 100;
    auto echo = message(8, 0, std::vector<uint8_t>(93, 1));
    icmp.receive_ipv4(datagram(gateway_ip, our_ip, protocol_icmp, echo), 0);
    EXPECT_TRUE(output.sent.empty());
    echo = message(8, 0, std::vector<uint8_t>(92, 1));
    icmp.receive_ipv4(datagram(gateway_ip, our_ip, protocol_icmp, echo), 0);
    ASSERT_EQ(output.sent.size(), 1u);
    EXPECT_EQ(output.sent[0].bytes.size(), 100u);
}

TEST_F(NetIcmp, ReceivedUnreachableReachesTheSendingTransport) {
    RecordingHandler udp_handler;
    registry.set(17, &udp_handler);
    // We sent 10.0.2.15:40000 -> 10.0.2.3:53; the DNS host answers port unreachable.
    auto ours = make_datagram(fields_for(our_ip, dns_ip, 17), hex({"9c 40 00 35 00 10 00 00 aa bb cc dd ee ff 00 11"}));
    for (auto [code, expected] : {std::pair{3, Errno{ECONNREFUSED}}, std::pair{1, Errno{EHOSTUNREACH}},
                                  std::pair{0, Errno{ENETUNREACH}}, std::pair{4, Errno{EMSGSIZE}},
                                  std::pair{2, Errno{ENOPROTOOPT}}, std::pair{13, Errno{EHOSTUNREACH}}}) {
        icmp.receive_ipv4(datagram(dns_ip, our_ip, protocol_icmp,
                                   message(3, static_cast<uint8_t>(code), std::span(ours).first(28))), 0);
        ASSERT_FALSE(udp_handler.errors.empty());
        EXPECT_EQ(udp_handler.errors.back().error, expected) << code;
    }
    EXPECT_EQ(udp_handler.errors.size(), 6u);
    EXPECT_EQ(Ipv4Packet::parse_quoted(udp_handler.errors[0].original).value().destination(), dns_ip);
    // Quotes too short, or of datagrams we did not send, are ignored.
    icmp.receive_ipv4(datagram(dns_ip, our_ip, protocol_icmp, message(3, 3, std::span(ours).first(27))), 0);
    auto not_ours = make_datagram(fields_for(peer_ip, dns_ip, 17), std::vector<uint8_t>(8, 0));
    icmp.receive_ipv4(datagram(dns_ip, our_ip, protocol_icmp, message(3, 3, not_ours)), 0);
    EXPECT_EQ(udp_handler.errors.size(), 6u);
    EXPECT_TRUE(output.sent.empty());  // never an error about an error
}

}  // namespace
}  // namespace ingot::net
