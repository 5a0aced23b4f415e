// Address types and the Internet checksum (RFC 1071, RFC 1624, pseudo-header).
#include <net/net_types.h>
#include <net/wire/checksum.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace ingot::net {
namespace {

using test::hex;

TEST(NetTypes, Ipv4AddressStorageIsNetworkOrder) {
    Ipv4Address a = Ipv4Address::from_octets(10, 0, 2, 15);
    EXPECT_EQ(a.to_host(), 0x0a00020fu);
    uint8_t raw[4];
    std::memcpy(raw, &a.value_be, 4);
    EXPECT_EQ(raw[0], 10);
    EXPECT_EQ(raw[3], 15);
    EXPECT_EQ(a.octet(0), 10);
    EXPECT_EQ(a.octet(3), 15);
    EXPECT_EQ(Ipv4Address::from_bytes(a.to_bytes()), a);
}

TEST(NetTypes, Ipv4AddressClassification) {
    EXPECT_TRUE(Ipv4Address::any().is_unspecified());
    EXPECT_TRUE(Ipv4Address::broadcast().is_broadcast());
    EXPECT_TRUE(Ipv4Address::from_octets(224, 0, 0, 251).is_multicast());
    EXPECT_TRUE(Ipv4Address::from_octets(239, 255, 255, 250).is_multicast());
    EXPECT_FALSE(Ipv4Address::from_octets(240, 0, 0, 1).is_multicast());
    EXPECT_TRUE(Ipv4Address::from_octets(127, 0, 0, 1).is_loopback());
    Ipv4Address a = Ipv4Address::from_octets(10, 0, 2, 15);
    EXPECT_TRUE(a.same_subnet(Ipv4Address::from_octets(10, 0, 2, 200), 24));
    EXPECT_FALSE(a.same_subnet(Ipv4Address::from_octets(10, 0, 3, 1), 24));
    EXPECT_TRUE(a.same_subnet(Ipv4Address::from_octets(10, 0, 3, 1), 16));
    EXPECT_TRUE(a.same_subnet(Ipv4Address::from_octets(1, 2, 3, 4), 0));
    EXPECT_FALSE(a.same_subnet(Ipv4Address::from_octets(10, 0, 2, 14), 32));
    EXPECT_EQ(Ipv4Address::prefix_mask(24), 0xffffff00u);
    EXPECT_EQ(Ipv4Address::prefix_mask(0), 0u);
    EXPECT_EQ(Ipv4Address::prefix_mask(33), 0xffffffffu);
}

TEST(NetTypes, Ipv4AddressParseAndFormat) {
    EXPECT_EQ(Ipv4Address::parse("10.0.2.15"), Ipv4Address::from_octets(10, 0, 2, 15));
    EXPECT_EQ(Ipv4Address::parse("255.255.255.255"), Ipv4Address::broadcast());
    EXPECT_EQ(Ipv4Address::parse("0.0.0.0"), Ipv4Address::any());
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ",
                            " 1.2.3.4", "a.b.c.d", "1.2.3.-4", "1.2.3.1000", "1.2.3.4."}) {
        EXPECT_FALSE(Ipv4Address::parse(bad).has_value()) << bad;
    }
    std::array<char, 16> text;
    size_t n = Ipv4Address::from_octets(192, 168, 100, 255).format(text);
    EXPECT_EQ(std::string(text.data(), n), "192.168.100.255");
    EXPECT_EQ(text[n], '\0');
    n = Ipv4Address::any().format(text);
    EXPECT_EQ(std::string(text.data()), "0.0.0.0");
    std::array<char, 5> small;
    n = Ipv4Address::from_octets(10, 0, 2, 15).format(small);
    EXPECT_EQ(n, 4u);
    EXPECT_EQ(std::string(small.data()), "10.0");
}

TEST(NetTypes, MacAddress) {
    EXPECT_TRUE(MacAddress::broadcast().is_broadcast());
    EXPECT_TRUE(MacAddress::broadcast().is_multicast());
    EXPECT_TRUE((MacAddress{{0x01, 0x00, 0x5e, 0, 0, 1}}).is_multicast());
    EXPECT_FALSE(test::our_mac.is_multicast());
    EXPECT_TRUE(MacAddress::zero().is_zero());
}

TEST(NetChecksum, Rfc1071Example) {
    // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
    auto data = hex({"00 01 f2 03 f4 f5 f6 f7"});
    EXPECT_EQ(ones_complement_sum(data), 0xddf2);
    EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(NetChecksum, CapturedIpv4HeaderVerifies) {
    // A captured header: 192.168.0.1 -> 192.168.0.199, UDP, checksum b861.
    auto header = hex({"45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7"});
    EXPECT_TRUE(internet_checksum_valid(header));
    header[10] = header[11] = 0;
    EXPECT_EQ(internet_checksum(header), 0xb861);
    header[10] = 0xb8;
    header[11] = 0x62;
    EXPECT_FALSE(internet_checksum_valid(header));
}

TEST(NetChecksum, OddLengthPadsWithZero) {
    EXPECT_EQ(ones_complement_sum(hex({"01"})), 0x0100);
    EXPECT_EQ(ones_complement_sum(hex({"01 02 03"})), 0x0402);
    EXPECT_EQ(ones_complement_sum({}), 0);
    EXPECT_FALSE(internet_checksum_valid(hex({"00 00"})));
}

TEST(NetChecksum, AccumulatorMatchesContiguousSumForEverySplit) {
    std::vector<uint8_t> data(203);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 37 + 11);
    uint16_t whole = ones_complement_sum(data);
    for (size_t a = 0; a <= data.size(); a += 7) {
        for (size_t b = a; b <= data.size(); b += 13) {
            ChecksumAccumulator acc;
            std::span<const uint8_t> s(data);
            acc.add(s.first(a));
            acc.add(s.subspan(a, b - a));
            acc.add(s.subspan(b));
            ASSERT_EQ(acc.sum(), whole) << a << " " << b;
        }
    }
}

TEST(NetChecksum, LargeBuffersFoldCorrectly) {
    std::vector<uint8_t> ones(65536, 0xff);
    EXPECT_EQ(ones_complement_sum(ones), 0xffff);
    std::vector<uint8_t> pattern(4099);
    uint32_t reference = 0;
    for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i ^ (i >> 8));
    for (size_t i = 0; i < pattern.size(); i += 2) {
        reference += (uint32_t{pattern[i]} << 8) | (i + 1 < pattern.size() ? pattern[i + 1] : 0);
    }
    while (reference >> 16) reference = (reference & 0xffff) + (reference >> 16);
    EXPECT_EQ(ones_complement_sum(pattern), reference);
}

TEST(NetChecksum, PseudoHeaderOfCapturedDnsQuery) {
    // A DNS query 10.0.2.15:54321 -> 10.0.2.3:53 (checksum 2993 computed independently).
    auto udp = hex({"d4 31 00 35 00 25 29 93 1a 2b 01 00 00 01 00 00",
                    "00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d",
                    "00 00 01 00 01"});
    EXPECT_TRUE(ipv4_transport_checksum_valid(test::our_ip, test::dns_ip, 17, udp));
    EXPECT_FALSE(ipv4_transport_checksum_valid(test::our_ip, test::gateway_ip, 17, udp));
    udp[6] = udp[7] = 0;
    EXPECT_EQ(ipv4_transport_checksum(test::our_ip, test::dns_ip, 17, udp), 0x2993);
}

TEST(NetChecksum, IncrementalUpdateMatchesRecomputation) {
    auto header = hex({"45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7"});
    // Decrement the TTL (RFC 1624 §4 worked case) and rewrite the destination address.
    uint16_t checksum = 0xb861;
    checksum = checksum_update(checksum, 0x4011, 0x3f11);
    checksum = checksum_update32(checksum, 0xc0a800c7, 0x0a00020f);
    header[8] = 0x3f;
    header[16] = 10; header[17] = 0; header[18] = 2; header[19] = 15;
    header[10] = header[11] = 0;
    EXPECT_EQ(checksum, internet_checksum(header));
}

}  // namespace
}  // namespace ingot::net
