// Wire view of IPv4 headers (RFC 791 §3.1).
#include <net/wire/checksum.h>
#include <net/wire/ipv4_packet.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using test::hex;

// A DNS query as Linux sends it: 10.0.2.15 -> 10.0.2.3, UDP, DF, TTL 64, id 4d2f.
std::vector<uint8_t> captured_dns_query() {
    return hex({"45 00 00 39 4d 2f 40 00 40 11 d5 73 0a 00 02 0f",
                "0a 00 02 03 d4 31 00 35 00 25 29 93 1a 2b 01 00",
                "00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65",
                "03 63 6f 6d 00 00 01 00 01"});
}

void fix_checksum(std::vector<uint8_t>& bytes) {
    size_t header_length = size_t{bytes[0] & 0x0fu} * 4;
    bytes[10] = bytes[11] = 0;
    uint16_t c = internet_checksum(std::span<const uint8_t>(bytes).first(header_length));
    bytes[10] = static_cast<uint8_t>(c >> 8);
    bytes[11] = static_cast<uint8_t>(c);
}

TEST(NetWireIpv4, ParsesCapturedDatagram) {
    auto bytes = captured_dns_query();
    auto packet = Ipv4Packet::parse(bytes);
    ASSERT_TRUE(packet.ok());
    const Ipv4Packet& p = packet.value();
    EXPECT_EQ(p.version(), 4);
    EXPECT_EQ(p.header_length(), 20u);
    EXPECT_EQ(p.total_length(), 57);
    EXPECT_EQ(p.identification(), 0x4d2f);
    EXPECT_TRUE(p.dont_fragment());
    EXPECT_FALSE(p.more_fragments());
    EXPECT_EQ(p.fragment_offset(), 0u);
    EXPECT_FALSE(p.is_fragment());
    EXPECT_EQ(p.ttl(), 64);
    EXPECT_EQ(p.protocol(), 17);
    EXPECT_EQ(p.source(), test::our_ip);
    EXPECT_EQ(p.destination(), test::dns_ip);
    EXPECT_TRUE(p.options().empty());
    EXPECT_EQ(p.payload().size(), 37u);
    EXPECT_EQ(p.payload()[0], 0xd4);
}

TEST(NetWireIpv4, CutsLinkPaddingAtTotalLength) {
    auto bytes = captured_dns_query();
    bytes.resize(bytes.size() + 9, 0);
    auto packet = Ipv4Packet::parse(bytes);
    ASSERT_TRUE(packet.ok());
    EXPECT_EQ(packet.value().bytes().size(), 57u);
    EXPECT_EQ(packet.value().payload().size(), 37u);
}

TEST(NetWireIpv4, RejectsEveryTruncation) {
    auto bytes = captured_dns_query();
    for (size_t n = 0; n < bytes.size(); ++n) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
        auto packet = Ipv4Packet::parse(cut);
        ASSERT_FALSE(packet.ok()) << n;
        EXPECT_EQ(packet.error(), Errno{EMSGSIZE}) << n;
    }
}

TEST(NetWireIpv4, RejectsBadVersionIhlLengthAndChecksum) {
    auto good = captured_dns_query();
    auto bad = good;
    bad[0] = 0x65;  // version 6
    fix_checksum(bad);
    EXPECT_EQ(Ipv4Packet::parse(bad).error(), Errno{EINVAL});
    for (uint8_t ihl = 0; ihl < 5; ++ihl) {
        bad = good;
        bad[0] = static_cast<uint8_t>(0x40 | ihl);
        EXPECT_EQ(Ipv4Packet::parse(bad).error(), Errno{EINVAL}) << int(ihl);
    }
    bad = good;
    bad[0] = 0x4f;  // 60-byte header, longer than... the 57-byte datagram's total length
    EXPECT_FALSE(Ipv4Packet::parse(bad).ok());
    bad = good;
    bad[2] = 0;
    bad[3] = 19;  // total length below the header
    fix_checksum(bad);
    EXPECT_EQ(Ipv4Packet::parse(bad).error(), Errno{EINVAL});
    bad = good;
    bad[3] = 0x3a;  // claims one byte more than there is
    fix_checksum(bad);
    EXPECT_EQ(Ipv4Packet::parse(bad).error(), Errno{EMSGSIZE});
    bad = good;
    bad[8] = 63;  // TTL changed without fixing the checksum
    EXPECT_EQ(Ipv4Packet::parse(bad).error(), Errno{EINVAL});
    bad = good;
    bad[11] ^= 1;
    EXPECT_EQ(Ipv4Packet::parse(bad).error(), Errno{EINVAL});
}

TEST(NetWireIpv4, HeaderWithOptions) {
    // IHL 6: a Router Alert option (RFC 2113) followed by the same UDP payload.
    auto base = captured_dns_query();
    std::vector<uint8_t> bytes(base.begin(), base.begin() + 20);
    bytes.insert(bytes.end(), {0x94, 0x04, 0x00, 0x00});
    bytes.insert(bytes.end(), base.begin() + 20, base.end());
    bytes[0] = 0x46;
    bytes[3] = static_cast<uint8_t>(bytes.size());
    fix_checksum(bytes);
    auto packet = Ipv4Packet::parse(bytes);
    ASSERT_TRUE(packet.ok());
    EXPECT_EQ(packet.value().header_length(), 24u);
    EXPECT_EQ(packet.value().options().size(), 4u);
    EXPECT_EQ(packet.value().options()[0], 0x94);
    EXPECT_EQ(packet.value().payload().size(), 37u);
    // Truncated inside the options.
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + 22);
    EXPECT_EQ(Ipv4Packet::parse(cut).error(), Errno{EMSGSIZE});
}

TEST(NetWireIpv4, FragmentFields) {
    auto bytes = captured_dns_query();
    bytes[6] = 0x20;  // MF, offset 185 * 8
    bytes[7] = 185;
    fix_checksum(bytes);
    auto packet = Ipv4Packet::parse(bytes);
    ASSERT_TRUE(packet.ok());
    EXPECT_TRUE(packet.value().more_fragments());
    EXPECT_FALSE(packet.value().dont_fragment());
    EXPECT_EQ(packet.value().fragment_offset(), 1480u);
    EXPECT_TRUE(packet.value().is_fragment());
}

TEST(NetWireIpv4, QuotedDatagramMayBeShort) {
    auto bytes = captured_dns_query();
    std::vector<uint8_t> quoted(bytes.begin(), bytes.begin() + 28);
    quoted[11] ^= 0xff;  // quoted checksums are not checked
    auto packet = Ipv4Packet::parse_quoted(quoted);
    ASSERT_TRUE(packet.ok());
    EXPECT_EQ(packet.value().payload().size(), 8u);
    EXPECT_EQ(packet.value().destination(), test::dns_ip);
    std::vector<uint8_t> too_short(bytes.begin(), bytes.begin() + 19);
    EXPECT_EQ(Ipv4Packet::parse_quoted(too_short).error(), Errno{EMSGSIZE});
}

TEST(NetWireIpv4, EmitsHeaderMatchingCapture) {
    Ipv4HeaderFields fields;
    fields.source = test::our_ip;
    fields.destination = test::dns_ip;
    fields.protocol = 17;
    fields.payload_length = 37;
    fields.identification = 0x4d2f;
    std::array<uint8_t, 20> out{};
    ASSERT_EQ(emit_ipv4_header(fields, out).value(), 20u);
    auto expected = captured_dns_query();
    EXPECT_TRUE(std::equal(out.begin(), out.end(), expected.begin()));
}

TEST(NetWireIpv4, EmitRejectsImpossibleFields) {
    Ipv4HeaderFields fields;
    std::array<uint8_t, 19> small{};
    EXPECT_EQ(emit_ipv4_header(fields, small).error(), Errno{EMSGSIZE});
    std::array<uint8_t, 20> out{};
    fields.payload_length = 65535;  // 65555 total
    EXPECT_EQ(emit_ipv4_header(fields, out).error(), Errno{EMSGSIZE});
    fields.payload_length = 8;
    fields.fragment_offset = 12;
    EXPECT_EQ(emit_ipv4_header(fields, out).error(), Errno{EINVAL});
    fields.fragment_offset = 1480;
    fields.more_fragments = true;
    fields.dont_fragment = false;
    ASSERT_TRUE(emit_ipv4_header(fields, out).ok());
    EXPECT_EQ(out[6], 0x20);
    EXPECT_EQ(out[7], 185);
}

}  // namespace
}  // namespace ingot::net
