// Wire views of the link layer: Ethernet II frames and ARP packets.
#include <net/wire/arp_packet.h>
#include <net/wire/ethernet_frame.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using test::hex;

// An ARP request as QEMU's user network (and Linux) sends it: who-has 10.0.2.15 tell
// 10.0.2.2, padded to the 60-byte Ethernet minimum.
std::vector<uint8_t> captured_arp_request() {
    return hex({"ff ff ff ff ff ff 52 55 0a 00 02 02 08 06 00 01",
                "08 00 06 04 00 01 52 55 0a 00 02 02 0a 00 02 02",
                "00 00 00 00 00 00 0a 00 02 0f 00 00 00 00 00 00",
                "00 00 00 00 00 00 00 00 00 00 00 00"});
}

TEST(NetWireEthernet, ParsesCapturedFrame) {
    auto bytes = captured_arp_request();
    auto frame = EthernetFrame::parse(bytes);
    ASSERT_TRUE(frame.ok());
    EXPECT_TRUE(frame.value().destination().is_broadcast());
    EXPECT_EQ(frame.value().source(), test::gateway_mac);
    EXPECT_EQ(frame.value().ether_type(), 0x0806);
    EXPECT_EQ(frame.value().payload().size(), 46u);
}

TEST(NetWireEthernet, RejectsEveryTruncation) {
    auto bytes = captured_arp_request();
    for (size_t n = 0; n < EthernetFrame::header_size; ++n) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
        auto frame = EthernetFrame::parse(cut);
        ASSERT_FALSE(frame.ok()) << n;
        EXPECT_EQ(frame.error(), Errno{EMSGSIZE});
    }
    std::vector<uint8_t> header_only(bytes.begin(), bytes.begin() + 14);
    ASSERT_TRUE(EthernetFrame::parse(header_only).ok());
    EXPECT_TRUE(EthernetFrame::parse(header_only).value().payload().empty());
}

TEST(NetWireEthernet, RejectsIeee8023LengthField) {
    auto bytes = captured_arp_request();
    bytes[12] = 0x05;
    bytes[13] = 0xdc;  // 1500: an 802.3 length, not a type
    EXPECT_EQ(EthernetFrame::parse(bytes).error(), Errno{EINVAL});
    bytes[12] = 0x06;
    bytes[13] = 0x00;
    EXPECT_TRUE(EthernetFrame::parse(bytes).ok());
}

TEST(NetWireEthernet, EmitsHeader) {
    std::array<uint8_t, 14> out{};
    auto n = emit_ethernet_header(MacAddress::broadcast(), test::gateway_mac, EtherType::Arp, out);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 14u);
    auto expected = captured_arp_request();
    EXPECT_TRUE(std::equal(out.begin(), out.end(), expected.begin()));
    std::array<uint8_t, 13> small{};
    EXPECT_EQ(emit_ethernet_header(MacAddress::broadcast(), test::our_mac, EtherType::Ipv4, small).error(),
              Errno{EMSGSIZE});
}

TEST(NetWireArp, ParsesCapturedRequest) {
    auto bytes = captured_arp_request();
    auto arp = ArpPacket::parse(std::span<const uint8_t>(bytes).subspan(14));
    ASSERT_TRUE(arp.ok());
    EXPECT_EQ(arp.value().operation(), ArpOperation::Request);
    EXPECT_EQ(arp.value().sender_mac(), test::gateway_mac);
    EXPECT_EQ(arp.value().sender_ip(), test::gateway_ip);
    EXPECT_TRUE(arp.value().target_mac().is_zero());
    EXPECT_EQ(arp.value().target_ip(), test::our_ip);
}

TEST(NetWireArp, RejectsEveryTruncation) {
    auto bytes = captured_arp_request();
    std::vector<uint8_t> arp(bytes.begin() + 14, bytes.begin() + 42);
    for (size_t n = 0; n < ArpPacket::size; ++n) {
        std::vector<uint8_t> cut(arp.begin(), arp.begin() + static_cast<long>(n));
        EXPECT_EQ(ArpPacket::parse(cut).error(), Errno{EMSGSIZE}) << n;
    }
    EXPECT_TRUE(ArpPacket::parse(arp).ok());
}

TEST(NetWireArp, RejectsOtherHardwareProtocolsAndOperations) {
    auto bytes = captured_arp_request();
    std::vector<uint8_t> arp(bytes.begin() + 14, bytes.begin() + 42);
    struct Change { size_t offset; uint8_t value; };
    for (Change c : {Change{1, 6},      // hardware type IEEE 802
                     Change{2, 0x86},   // protocol type 0x86dd (IPv6)
                     Change{4, 8},      // hardware length 8
                     Change{5, 16},     // protocol length 16
                     Change{7, 3},      // RARP request
                     Change{7, 0}}) {
        auto changed = arp;
        changed[c.offset] = c.value;
        EXPECT_EQ(ArpPacket::parse(changed).error(), Errno{EINVAL}) << c.offset;
    }
}

TEST(NetWireArp, EmitsReplyThatParsesBack) {
    std::array<uint8_t, 28> out{};
    ArpFields fields{ArpOperation::Reply, test::our_mac, test::our_ip, test::gateway_mac,
                     test::gateway_ip};
    ASSERT_EQ(emit_arp_packet(fields, out).value(), 28u);
    auto expected = hex({"00 01 08 00 06 04 00 02 52 54 00 12 34 56 0a 00 02 0f",
                         "52 55 0a 00 02 02 0a 00 02 02"});
    EXPECT_TRUE(std::equal(out.begin(), out.end(), expected.begin()));
    auto parsed = ArpPacket::parse(out);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value().operation(), ArpOperation::Reply);
    std::array<uint8_t, 27> small{};
    EXPECT_EQ(emit_arp_packet(fields, small).error(), Errno{EMSGSIZE});
}

}  // namespace
}  // namespace ingot::net
