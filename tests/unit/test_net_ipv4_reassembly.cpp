// IPv4 reassembly (RFC 791 §3.2) with its limits: overlap, size, timeout and slot count.
#include <net/ipv4_reassembler.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using namespace test;

// Keeps fragment bytes alive for the Ipv4Packet views handed to the reassembler.
class Fragments {
public:
    Ipv4Packet make(uint16_t id, size_t offset, size_t length, bool more, uint8_t fill = 0,
                    Ipv4Address source = gateway_ip) {
        auto fields = fields_for(source, our_ip, 17, id);
        fields.dont_fragment = false;
        fields.more_fragments = more;
        fields.fragment_offset = static_cast<uint16_t>(offset);
        std::vector<uint8_t> payload(length);
        for (size_t i = 0; i < length; ++i) payload[i] = static_cast<uint8_t>(fill + offset + i);
        storage_.push_back(make_datagram(fields, payload));
        return Ipv4Packet::parse(storage_.back()).value();
    }

private:
    std::vector<std::vector<uint8_t>> storage_;
};

TEST(NetIpv4Reassembly, InOrderAndOutOfOrder) {
    for (bool reverse : {false, true}) {
        Ipv4Reassembler reassembler;
        Fragments f;
        std::vector<Ipv4Packet> pieces{f.make(1, 0, 16, true), f.make(1, 16, 8, true), f.make(1, 24, 5, false)};
        if (reverse) std::reverse(pieces.begin(), pieces.end());
        EXPECT_FALSE(reassembler.add(pieces[0], 0).has_value());
        EXPECT_FALSE(reassembler.add(pieces[1], 0).has_value());
        auto whole = reassembler.add(pieces[2], 0);
        ASSERT_TRUE(whole.has_value());
        EXPECT_EQ(whole->total_length(), 20 + 29);
        EXPECT_FALSE(whole->is_fragment());
        ASSERT_EQ(whole->payload().size(), 29u);
        for (size_t i = 0; i < 29; ++i) EXPECT_EQ(whole->payload()[i], i);
        EXPECT_EQ(reassembler.in_progress(), 0u);
        EXPECT_EQ(reassembler.statistics().datagrams_reassembled, 1u);
    }
}

TEST(NetIpv4Reassembly, KeepsDatagramsApartByIdentificationAndSource) {
    Ipv4Reassembler reassembler;
    Fragments f;
    EXPECT_FALSE(reassembler.add(f.make(1, 0, 8, true), 0));
    EXPECT_FALSE(reassembler.add(f.make(2, 0, 8, true), 0));
    EXPECT_FALSE(reassembler.add(f.make(1, 8, 8, false, 0, peer_ip), 0));
    EXPECT_EQ(reassembler.in_progress(), 3u);
    EXPECT_TRUE(reassembler.add(f.make(1, 8, 1, false), 0).has_value());
    EXPECT_EQ(reassembler.in_progress(), 2u);
}

TEST(NetIpv4Reassembly, OverlapOrDuplicateDropsTheDatagram) {
    Ipv4Reassembler reassembler;
    Fragments f;
    EXPECT_FALSE(reassembler.add(f.make(1, 0, 16, true), 0));
    EXPECT_FALSE(reassembler.add(f.make(1, 8, 16, true), 0));  // overlaps [8, 16)
    EXPECT_EQ(reassembler.statistics().dropped_overlap, 1u);
    EXPECT_EQ(reassembler.in_progress(), 0u);
    // The rest cannot complete it: a new datagram starts and waits for its first piece.
    EXPECT_FALSE(reassembler.add(f.make(1, 24, 8, false), 0));
    EXPECT_EQ(reassembler.in_progress(), 1u);
    EXPECT_FALSE(reassembler.add(f.make(1, 24, 8, false), 0));  // exact duplicate
    EXPECT_EQ(reassembler.statistics().dropped_malformed + reassembler.statistics().dropped_overlap, 2u);
}

TEST(NetIpv4Reassembly, RejectsMalformedFragments) {
    Ipv4Reassembler reassembler;
    Fragments f;
    EXPECT_FALSE(reassembler.add(f.make(1, 0, 12, true), 0));  // middle piece not a multiple of 8
    EXPECT_FALSE(reassembler.add(f.make(2, 0, 0, true), 0));   // empty middle piece
    EXPECT_FALSE(reassembler.add(f.make(3, 65520, 16, false), 0));  // past 65535 bytes
    EXPECT_EQ(reassembler.statistics().dropped_malformed, 3u);
    EXPECT_EQ(reassembler.in_progress(), 0u);
    // Two different ends, or data past the end, condemn the datagram.
    EXPECT_FALSE(reassembler.add(f.make(4, 16, 8, false), 0));
    EXPECT_FALSE(reassembler.add(f.make(4, 32, 8, false), 0));
    EXPECT_EQ(reassembler.in_progress(), 0u);
    EXPECT_FALSE(reassembler.add(f.make(5, 16, 8, false), 0));
    EXPECT_FALSE(reassembler.add(f.make(5, 24, 8, true), 0));
    EXPECT_EQ(reassembler.in_progress(), 0u);
}

TEST(NetIpv4Reassembly, LargestDatagramReassembles) {
    Ipv4Reassembler reassembler;
    Fragments f;
    const size_t total = 65535 - 20;
    std::optional<Ipv4Packet> whole;
    for (size_t offset = 0; offset < total; offset += 1480) {
        size_t length = std::min<size_t>(1480, total - offset);
        whole = reassembler.add(f.make(9, offset, length, offset + length < total), 0);
    }
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(whole->total_length(), 65535);
}

TEST(NetIpv4Reassembly, TimesOutAfter30Seconds) {
    Ipv4Reassembler reassembler;
    Fragments f;
    EXPECT_FALSE(reassembler.add(f.make(1, 0, 8, true), 1 * seconds));
    EXPECT_EQ(reassembler.next_deadline(), 31 * seconds);
    reassembler.poll(31 * seconds - 1);
    EXPECT_EQ(reassembler.in_progress(), 1u);
    reassembler.poll(31 * seconds);
    EXPECT_EQ(reassembler.in_progress(), 0u);
    EXPECT_EQ(reassembler.statistics().dropped_timeout, 1u);
    EXPECT_FALSE(reassembler.add(f.make(1, 8, 8, false), 32 * seconds).has_value());
    EXPECT_FALSE(reassembler.next_deadline() == std::nullopt);
}

TEST(NetIpv4Reassembly, AtMostFourDatagramsTheOldestMakesRoom) {
    Ipv4Reassembler reassembler;
    Fragments f;
    for (uint16_t id = 1; id <= 5; ++id) EXPECT_FALSE(reassembler.add(f.make(id, 0, 8, true), id));
    EXPECT_EQ(reassembler.in_progress(), 4u);
    EXPECT_EQ(reassembler.statistics().dropped_evicted, 1u);
    // Datagram 1 was evicted: its last piece starts a new, incomplete one.
    EXPECT_FALSE(reassembler.add(f.make(1, 8, 8, false), 10).has_value());
    EXPECT_TRUE(reassembler.add(f.make(5, 8, 8, false), 10).has_value());
}

}  // namespace
}  // namespace ingot::net
