// Wire views of ICMPv4 (RFC 792) and UDP (RFC 768) messages.
#include <net/wire/checksum.h>
#include <net/wire/icmpv4_message.h>
#include <net/wire/udp_datagram.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using test::hex;

// The ICMP part of a Linux `ping` echo request: id 0d05, seq 1, 56 data bytes (a 16-byte
// timeval, then 0x10..0x37).
std::vector<uint8_t> captured_echo_request() {
    return hex({"08 00 8e 00 0d 05 00 01 6a 1f 5b 65 00 00 00 00",
                "d3 a1 05 00 00 00 00 00 10 11 12 13 14 15 16 17",
                "18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27",
                "28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37"});
}

std::vector<uint8_t> captured_dns_udp() {
    return hex({"d4 31 00 35 00 25 29 93 1a 2b 01 00 00 01 00 00",
                "00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d",
                "00 00 01 00 01"});
}

TEST(NetWireIcmp, ParsesCapturedEchoRequest) {
    auto bytes = captured_echo_request();
    auto message = Icmpv4Message::parse(bytes);
    ASSERT_TRUE(message.ok());
    EXPECT_EQ(message.value().type(), 8);
    EXPECT_EQ(message.value().code(), 0);
    EXPECT_EQ(message.value().identifier(), 0x0d05);
    EXPECT_EQ(message.value().sequence_number(), 1);
    EXPECT_EQ(message.value().data().size(), 56u);
    EXPECT_FALSE(message.value().is_error());
}

TEST(NetWireIcmp, RejectsTruncationAndBadChecksum) {
    auto bytes = captured_echo_request();
    for (size_t n = 0; n < Icmpv4Message::header_size; ++n) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
        EXPECT_EQ(Icmpv4Message::parse(cut).error(), Errno{EMSGSIZE}) << n;
    }
    // Any cut past the header breaks the checksum, which covers the data.
    for (size_t n = Icmpv4Message::header_size; n < bytes.size(); ++n) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
        EXPECT_EQ(Icmpv4Message::parse(cut).error(), Errno{EINVAL}) << n;
    }
    bytes[40] ^= 0x01;
    EXPECT_EQ(Icmpv4Message::parse(bytes).error(), Errno{EINVAL});
}

TEST(NetWireIcmp, EmitsEchoReplyForCapturedRequest) {
    auto request = captured_echo_request();
    auto parsed = Icmpv4Message::parse(request);
    ASSERT_TRUE(parsed.ok());
    std::vector<uint8_t> out(request.size());
    auto n = emit_icmpv4_echo(Icmpv4Type::EchoReply, parsed.value().identifier(),
                              parsed.value().sequence_number(), parsed.value().data(), out);
    ASSERT_EQ(n.value(), 64u);
    // Type 0 and a checksum 0x0800 larger: exactly the request with two bytes changed.
    auto expected = request;
    expected[0] = 0;
    expected[2] = 0x96;
    expected[3] = 0x00;
    EXPECT_EQ(out, expected);
    std::vector<uint8_t> small(63);
    EXPECT_EQ(emit_icmpv4_echo(Icmpv4Type::EchoReply, 1, 1, parsed.value().data(), small).error(),
              Errno{EMSGSIZE});
}

TEST(NetWireIcmp, DestinationUnreachableQuotesOriginal) {
    auto original = hex({"45 00 00 21 11 11 40 00 40 11 11 ab 0a 00 02 02 0a 00 02 0f",
                         "13 88 00 09 00 0d 90 60 68 65 6c 6c 6f"});
    std::vector<uint8_t> out(100);
    auto n = emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode::Port, original, 0, out);
    ASSERT_EQ(n.value(), 8 + original.size());
    out.resize(n.value());
    auto expected = hex({"03 03 15 2c 00 00 00 00"});
    expected.insert(expected.end(), original.begin(), original.end());
    EXPECT_EQ(out, expected);
    auto parsed = Icmpv4Message::parse(out);
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed.value().is_error());
    // Fragmentation needed carries the next-hop MTU (RFC 1191 §4).
    std::vector<uint8_t> frag(100);
    auto frag_length = emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode::FragmentationNeeded,
                                                           original, 1400, frag);
    ASSERT_TRUE(frag_length.ok());
    EXPECT_EQ(Icmpv4Message::parse(std::span(frag).first(frag_length.value())).value().next_hop_mtu(), 1400);
    // The quote is cut to what fits.
    std::vector<uint8_t> small(20);
    auto cut = emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode::Port, original, 0, small);
    ASSERT_EQ(cut.value(), 20u);
    EXPECT_TRUE(Icmpv4Message::parse(small).ok());
    std::vector<uint8_t> tiny(7);
    EXPECT_EQ(emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode::Port, original, 0, tiny).error(),
              Errno{EMSGSIZE});
}

TEST(NetWireIcmp, QuoteIsLimitedTo576ByteDatagram) {
    std::vector<uint8_t> original(1400, 0x45);
    std::vector<uint8_t> out(1480);
    auto n = emit_icmpv4_destination_unreachable(Icmpv4UnreachableCode::Port, original, 0, out);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value() + 20, 576u);
}

TEST(NetWireUdp, ParsesCapturedDnsQuery) {
    auto bytes = captured_dns_udp();
    auto udp = UdpDatagram::parse(bytes);
    ASSERT_TRUE(udp.ok());
    EXPECT_EQ(udp.value().source_port(), 54321);
    EXPECT_EQ(udp.value().destination_port(), 53);
    EXPECT_EQ(udp.value().length(), 37);
    EXPECT_EQ(udp.value().payload().size(), 29u);
    EXPECT_TRUE(udp.value().checksum_valid(test::our_ip, test::dns_ip));
    EXPECT_FALSE(udp.value().checksum_valid(test::our_ip, test::gateway_ip));
}

TEST(NetWireUdp, RejectsTruncationAndBadLengths) {
    auto bytes = captured_dns_udp();
    for (size_t n = 0; n < bytes.size(); ++n) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
        EXPECT_EQ(UdpDatagram::parse(cut).error(), Errno{EMSGSIZE}) << n;
    }
    for (uint8_t length = 0; length < 8; ++length) {
        auto bad = bytes;
        bad[4] = 0;
        bad[5] = length;
        EXPECT_EQ(UdpDatagram::parse(bad).error(), Errno{EINVAL}) << int(length);
    }
    // A shorter length field than the IPv4 payload: the rest is ignored.
    auto shorter = bytes;
    shorter[5] = 9;
    auto udp = UdpDatagram::parse(shorter);
    ASSERT_TRUE(udp.ok());
    EXPECT_EQ(udp.value().payload().size(), 1u);
    EXPECT_FALSE(udp.value().checksum_valid(test::our_ip, test::dns_ip));
}

TEST(NetWireUdp, ZeroChecksumMeansNone) {
    auto bytes = captured_dns_udp();
    bytes[6] = bytes[7] = 0;
    auto udp = UdpDatagram::parse(bytes);
    ASSERT_TRUE(udp.ok());
    EXPECT_TRUE(udp.value().checksum_valid(test::our_ip, test::gateway_ip));
    bytes[6] = 0x29;
    bytes[7] = 0x94;
    EXPECT_FALSE(UdpDatagram::parse(bytes).value().checksum_valid(test::our_ip, test::dns_ip));
}

TEST(NetWireUdp, EmitsCapturedDatagram) {
    auto bytes = captured_dns_udp();
    std::vector<uint8_t> out(bytes.size());
    auto n = emit_udp_datagram(54321, 53, test::our_ip, test::dns_ip,
                               std::span<const uint8_t>(bytes).subspan(8), out);
    ASSERT_EQ(n.value(), bytes.size());
    EXPECT_EQ(out, bytes);
    // In place: the payload already sits after the header.
    std::vector<uint8_t> in_place = bytes;
    std::fill(in_place.begin(), in_place.begin() + 8, 0);
    auto in_place_length = emit_udp_datagram(54321, 53, test::our_ip, test::dns_ip,
                                             std::span<const uint8_t>(in_place).subspan(8), in_place);
    EXPECT_EQ(in_place_length.value(), bytes.size());
    EXPECT_EQ(in_place, bytes);
    std::vector<uint8_t> small(bytes.size() - 1);
    EXPECT_EQ(emit_udp_datagram(1, 2, test::our_ip, test::dns_ip,
                                std::span<const uint8_t>(bytes).subspan(8), small).error(),
              Errno{EMSGSIZE});
}

TEST(NetWireUdp, ComputedZeroChecksumIsSentAsAllOnes) {
    // Choose a payload word that makes the sum 0xffff, so the checksum computes to zero.
    std::vector<uint8_t> out(10);
    std::array<uint8_t, 2> payload{0, 0};
    ASSERT_TRUE(emit_udp_datagram(1000, 2000, test::our_ip, test::dns_ip, payload, out).ok());
    uint16_t first = static_cast<uint16_t>((out[6] << 8) | out[7]);
    // Adding the old checksum as payload makes the total sum 0xffff: the new checksum is 0.
    payload = {static_cast<uint8_t>(first >> 8), static_cast<uint8_t>(first)};
    ASSERT_TRUE(emit_udp_datagram(1000, 2000, test::our_ip, test::dns_ip, payload, out).ok());
    EXPECT_EQ(out[6], 0xff);
    EXPECT_EQ(out[7], 0xff);
    EXPECT_TRUE(UdpDatagram::parse(out).value().checksum_valid(test::our_ip, test::dns_ip));
}

}  // namespace
}  // namespace ingot::net
