// ARP through the Interface (RFC 826, RFC 1122 §2.3.2, RFC 5227 announcements): replies,
// learning, resolution with queued datagrams, retries and failure driven by explicit time.
#include <net/interface.h>
#include <net/wire/arp_packet.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using namespace test;

constexpr uint8_t test_protocol = 253;  // RFC 3692 experimentation

std::vector<uint8_t> arp_frame(ArpOperation op, MacAddress sender_mac, Ipv4Address sender_ip,
                               MacAddress target_mac, Ipv4Address target_ip,
                               MacAddress destination = MacAddress::broadcast()) {
    std::array<uint8_t, 28> arp{};
    (void)emit_arp_packet({op, sender_mac, sender_ip, target_mac, target_ip}, arp);
    auto frame = make_frame(sender_mac, arp, destination, EtherType::Arp);
    frame.resize(60, 0);
    return frame;
}

class NetArp : public ::testing::Test {
protected:
    explicit NetArp(const ArpLimits& limits = {}) : interface(output, config(limits)) {
        interface.register_protocol(test_protocol, &handler);
    }
    static InterfaceConfig config(const ArpLimits& limits) {
        InterfaceConfig c;
        c.arp = limits;
        c.mac = our_mac;
        c.address = our_ip;
        c.prefix_length = 24;
        c.gateway = gateway_ip;
        return c;
    }
    Result<void> send(Ipv4Address destination, uint8_t fill = 0xab) {
        std::vector<uint8_t> payload(16, fill);
        return interface.send_ipv4(our_ip, destination, test_protocol, payload);
    }
    // The request we broadcast for the gateway, as a Linux capture shows it.
    static std::vector<uint8_t> our_request_for_gateway() {
        return hex({"ff ff ff ff ff ff 52 54 00 12 34 56 08 06 00 01",
                    "08 00 06 04 00 01 52 54 00 12 34 56 0a 00 02 0f",
                    "00 00 00 00 00 00 0a 00 02 02 00 00 00 00 00 00",
                    "00 00 00 00 00 00 00 00 00 00 00 00"});
    }
    static std::vector<uint8_t> gateway_reply() {
        return hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 06 00 01",
                    "08 00 06 04 00 02 52 55 0a 00 02 02 0a 00 02 02",
                    "52 54 00 12 34 56 0a 00 02 0f 00 00 00 00 00 00",
                    "00 00 00 00 00 00 00 00 00 00 00 00"});
    }

    RecordingFrameOutput output;
    Interface interface;
    RecordingHandler handler;
};

TEST_F(NetArp, AnswersCapturedRequestForOurAddressAndLearnsTheAsker) {
    auto request = hex({"ff ff ff ff ff ff 52 55 0a 00 02 02 08 06 00 01",
                        "08 00 06 04 00 01 52 55 0a 00 02 02 0a 00 02 02",
                        "00 00 00 00 00 00 0a 00 02 0f 00 00 00 00 00 00",
                        "00 00 00 00 00 00 00 00 00 00 00 00"});
    interface.receive_frame(request, 0);
    ASSERT_EQ(output.frames.size(), 1u);
    EXPECT_EQ(output.frames[0], hex({"52 55 0a 00 02 02 52 54 00 12 34 56 08 06 00 01",
                                     "08 00 06 04 00 02 52 54 00 12 34 56 0a 00 02 0f",
                                     "52 55 0a 00 02 02 0a 00 02 02 00 00 00 00 00 00",
                                     "00 00 00 00 00 00 00 00 00 00 00 00"}));
    EXPECT_EQ(interface.arp().lookup(gateway_ip), gateway_mac);
    EXPECT_EQ(interface.arp().statistics().requests_received, 1u);
    EXPECT_EQ(interface.arp().statistics().replies_sent, 1u);
}

TEST_F(NetArp, RequestForAnotherAddressIsNotAnsweredOrLearned) {
    interface.receive_frame(arp_frame(ArpOperation::Request, peer_mac, peer_ip, MacAddress::zero(),
                                      Ipv4Address::from_octets(10, 0, 2, 99)), 0);
    EXPECT_TRUE(output.frames.empty());
    EXPECT_FALSE(interface.arp().lookup(peer_ip).has_value());
}

TEST_F(NetArp, ExistingEntryIsUpdatedFromAnyPacket) {
    interface.receive_frame(arp_frame(ArpOperation::Request, peer_mac, peer_ip, MacAddress::zero(), our_ip), 0);
    ASSERT_EQ(interface.arp().lookup(peer_ip), peer_mac);
    // RFC 826 merge: the peer moved to a new MAC and says so to someone else.
    MacAddress moved{{0x52, 0x54, 0x00, 0xde, 0xad, 0x01}};
    interface.receive_frame(arp_frame(ArpOperation::Request, moved, peer_ip, MacAddress::zero(), gateway_ip), 1);
    EXPECT_EQ(interface.arp().lookup(peer_ip), moved);
}

TEST_F(NetArp, IgnoresOwnGroupAndUnconfiguredTraffic) {
    interface.receive_frame(arp_frame(ArpOperation::Request, our_mac, peer_ip, MacAddress::zero(), our_ip), 0);
    interface.receive_frame(arp_frame(ArpOperation::Request, MacAddress{{0x01, 0, 0x5e, 0, 0, 1}},
                                      peer_ip, MacAddress::zero(), our_ip), 0);
    EXPECT_TRUE(output.frames.empty());
    EXPECT_EQ(interface.arp().statistics().ignored, 2u);
    interface.set_ipv4(Ipv4Address::any(), 24, Ipv4Address::any());
    interface.receive_frame(arp_frame(ArpOperation::Request, peer_mac, peer_ip, MacAddress::zero(),
                                      Ipv4Address::any()), 0);
    EXPECT_TRUE(output.frames.empty());
}

TEST_F(NetArp, ProbeIsAnsweredButNotLearned) {
    // RFC 5227 §2.1.1: a probe has sender IP 0.0.0.0.
    interface.receive_frame(arp_frame(ArpOperation::Request, peer_mac, Ipv4Address::any(),
                                      MacAddress::zero(), our_ip), 0);
    ASSERT_EQ(output.frames.size(), 1u);
    auto reply = ArpPacket::parse(std::span<const uint8_t>(output.frames[0]).subspan(14));
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply.value().operation(), ArpOperation::Reply);
    EXPECT_EQ(reply.value().target_mac(), peer_mac);
    EXPECT_FALSE(interface.arp().lookup(Ipv4Address::any()).has_value());
}

TEST_F(NetArp, MalformedPacketsAreCounted) {
    auto frame = arp_frame(ArpOperation::Request, peer_mac, peer_ip, MacAddress::zero(), our_ip);
    frame[14 + 5] = 16;  // protocol length
    interface.receive_frame(frame, 0);
    frame.resize(14 + 27);
    interface.receive_frame(frame, 0);
    EXPECT_EQ(interface.arp().statistics().malformed, 2u);
    EXPECT_TRUE(output.frames.empty());
}

TEST_F(NetArp, ResolvesGatewayAndSendsQueuedDatagramsInOrder) {
    interface.poll(10 * ms);
    ASSERT_TRUE(send(remote_ip, 1).ok());
    ASSERT_TRUE(send(remote_ip, 2).ok());
    ASSERT_TRUE(send(remote_ip, 3).ok());
    ASSERT_EQ(output.frames.size(), 1u);  // one request, not three
    EXPECT_EQ(output.frames[0], our_request_for_gateway());
    interface.receive_frame(gateway_reply(), 20 * ms);
    ASSERT_EQ(output.frames.size(), 4u);
    for (size_t i = 1; i <= 3; ++i) {
        const auto& frame = output.frames[i];
        EXPECT_TRUE(std::equal(frame.begin(), frame.begin() + 6, gateway_mac.bytes.begin()));
        auto packet = Ipv4Packet::parse(std::span<const uint8_t>(frame).subspan(14));
        ASSERT_TRUE(packet.ok());
        EXPECT_EQ(packet.value().destination(), remote_ip);
        EXPECT_EQ(packet.value().identification(), i);
        EXPECT_EQ(packet.value().payload()[0], i);
    }
    // Resolved: the next datagram goes straight out.
    ASSERT_TRUE(send(remote_ip, 4).ok());
    EXPECT_EQ(output.frames.size(), 5u);
}

// A burst of connections from one peer (a SYN-ACK each, before its address is known) all wait
// for the resolution: with room for only a few, the rest would wait a retransmission timeout.
TEST_F(NetArp, QueueHoldsABurstForOneNeighbour) {
    for (int i = 0; i < 256; ++i) ASSERT_TRUE(send(peer_ip, static_cast<uint8_t>(i)).ok());
    interface.receive_frame(arp_frame(ArpOperation::Reply, peer_mac, peer_ip, our_mac, our_ip, our_mac), 0);
    EXPECT_EQ(interface.arp().statistics().queue_overflows, 0u);
    ASSERT_EQ(output.frames.size(), 257u);  // the request, then every datagram in order
    for (size_t i = 1; i < output.frames.size(); ++i) EXPECT_EQ(output.frames[i][14 + 20], static_cast<uint8_t>(i - 1));
}

// Past its byte limit (four 36-byte datagrams with their overhead here) the queue keeps the
// newest.
class NetArpSmallQueue : public NetArp {
protected:
    NetArpSmallQueue() : NetArp(limits()) {}
    static ArpLimits limits() {
        ArpLimits l;
        l.max_queued_bytes_per_neighbour = 4 * (36 + 64);
        return l;
    }
};

// Sending to many neighbours that never answer holds at most the total limit, whatever the
// count: the oldest datagrams of a neighbour go first, then new ones are dropped.
TEST_F(NetArp, QueuesOfAllNeighboursShareOneLimit) {
    size_t sent = 0;
    for (uint8_t host = 20; host < 20 + 30; ++host)
        for (int i = 0; i < 3000; ++i, ++sent) ASSERT_TRUE(send(Ipv4Address::from_octets(10, 0, 2, host)).ok());
    uint64_t dropped = interface.arp().statistics().queue_overflows;
    size_t kept = sent - dropped;
    EXPECT_LE(kept * (36 + 64), ArpLimits{}.max_queued_bytes_total);
    EXPECT_GT(kept * (36 + 64), ArpLimits{}.max_queued_bytes_total - 30 * (36 + 64));
}

TEST_F(NetArpSmallQueue, QueueKeepsTheNewestDatagrams) {
    for (uint8_t i = 1; i <= 6; ++i) ASSERT_TRUE(send(peer_ip, i).ok());
    EXPECT_EQ(interface.arp().statistics().queue_overflows, 2u);
    interface.receive_frame(arp_frame(ArpOperation::Reply, peer_mac, peer_ip, our_mac, our_ip, our_mac), 0);
    ASSERT_EQ(output.frames.size(), 5u);
    for (size_t i = 1; i < 5; ++i) EXPECT_EQ(output.frames[i][14 + 20], i + 2);
}

TEST_F(NetArp, RetriesThenFailsAndReportsQueuedDatagrams) {
    interface.poll(0);
    ASSERT_TRUE(send(peer_ip).ok());
    ASSERT_EQ(output.frames.size(), 1u);
    interface.poll(999 * ms);
    EXPECT_EQ(output.frames.size(), 1u);
    interface.poll(1000 * ms);
    EXPECT_EQ(output.frames.size(), 2u);
    interface.poll(2000 * ms);
    EXPECT_EQ(output.frames.size(), 3u);
    EXPECT_EQ(interface.arp().statistics().requests_sent, 3u);
    EXPECT_TRUE(handler.errors.empty());
    interface.poll(3000 * ms);
    EXPECT_EQ(output.frames.size(), 3u);
    ASSERT_EQ(handler.errors.size(), 1u);
    EXPECT_EQ(handler.errors[0].error, Errno{EHOSTUNREACH});
    auto original = Ipv4Packet::parse(handler.errors[0].original);
    ASSERT_TRUE(original.ok());
    EXPECT_EQ(original.value().destination(), peer_ip);
    EXPECT_EQ(interface.arp().statistics().resolutions_failed, 1u);
    EXPECT_EQ(interface.arp().statistics().unreachable_dropped, 1u);
    // Sends fail fast for a while, then resolution starts over.
    EXPECT_EQ(send(peer_ip).error(), Errno{EHOSTUNREACH});
    interface.poll(6000 * ms);
    ASSERT_TRUE(send(peer_ip).ok());
    EXPECT_EQ(output.frames.size(), 4u);
}

TEST_F(NetArp, ExpiredEntryIsUsedWhileReverifiedByUnicast) {
    interface.receive_frame(arp_frame(ArpOperation::Reply, peer_mac, peer_ip, our_mac, our_ip, our_mac), 0);
    interface.poll(61 * seconds);
    ASSERT_TRUE(send(peer_ip).ok());
    ASSERT_EQ(output.frames.size(), 2u);
    // The datagram to the old address, then a unicast request to re-verify it.
    EXPECT_TRUE(std::equal(output.frames[1].begin(), output.frames[1].begin() + 6, peer_mac.bytes.begin()));
    EXPECT_EQ(output.frames[1][12], 0x08);
    EXPECT_EQ(output.frames[1][13], 0x06);
    EXPECT_EQ(output.frames[1][14 + 7], 1);  // request
    EXPECT_EQ(output.frames[1][14 + 27], 20);  // for 10.0.2.20
    auto sent = Ipv4Packet::parse(std::span<const uint8_t>(output.frames[0]).subspan(14));
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(sent.value().destination(), peer_ip);
    EXPECT_EQ(sent.value().payload()[0], 0xab);
    // No answer to three requests: the entry is forgotten and the next send broadcasts.
    interface.poll(62 * seconds);
    interface.poll(63 * seconds);
    EXPECT_EQ(interface.arp().statistics().requests_sent, 3u);
    interface.poll(64 * seconds);
    EXPECT_FALSE(interface.arp().lookup(peer_ip).has_value());
    ASSERT_TRUE(send(peer_ip).ok());
    EXPECT_TRUE(MacAddress::from_bytes(output.frames.back()).is_broadcast());
}

TEST_F(NetArp, GratuitousAnnouncementsAtStart) {
    auto announcement = hex({"ff ff ff ff ff ff 52 54 00 12 34 56 08 06 00 01",
                             "08 00 06 04 00 01 52 54 00 12 34 56 0a 00 02 0f",
                             "00 00 00 00 00 00 0a 00 02 0f 00 00 00 00 00 00",
                             "00 00 00 00 00 00 00 00 00 00 00 00"});
    interface.announce(0);
    ASSERT_EQ(output.frames.size(), 1u);
    EXPECT_EQ(output.frames[0], announcement);
    EXPECT_EQ(interface.next_deadline(), 2 * seconds);
    interface.poll(1 * seconds);
    EXPECT_EQ(output.frames.size(), 1u);
    interface.poll(2 * seconds);
    ASSERT_EQ(output.frames.size(), 2u);
    EXPECT_EQ(output.frames[1], announcement);
    interface.poll(10 * seconds);
    EXPECT_EQ(output.frames.size(), 2u);
    EXPECT_FALSE(interface.next_deadline().has_value());
}

TEST_F(NetArp, CacheFullOfPendingResolutionsRefusesMore) {
    for (uint8_t i = 0; i < Arp::cache_capacity; ++i) {
        ASSERT_TRUE(send(Ipv4Address::from_octets(10, 0, 2, static_cast<uint8_t>(100 + i))).ok());
    }
    EXPECT_EQ(send(Ipv4Address::from_octets(10, 0, 2, 200)).error(), Errno{ENOBUFS});
    EXPECT_EQ(interface.arp().statistics().cache_full, 1u);
}

TEST_F(NetArp, LearnedEntriesAreEvictedOldestFirstWhenFull) {
    for (uint8_t i = 0; i < Arp::cache_capacity; ++i) {
        MacAddress mac{{0x52, 0x54, 0, 0, 1, i}};
        Ipv4Address ip = Ipv4Address::from_octets(10, 0, 2, static_cast<uint8_t>(100 + i));
        interface.receive_frame(arp_frame(ArpOperation::Reply, mac, ip, our_mac, our_ip, our_mac), i * ms);
    }
    interface.receive_frame(arp_frame(ArpOperation::Reply, peer_mac, peer_ip, our_mac, our_ip, our_mac), 100 * ms);
    EXPECT_EQ(interface.arp().lookup(peer_ip), peer_mac);
    EXPECT_FALSE(interface.arp().lookup(Ipv4Address::from_octets(10, 0, 2, 100)).has_value());
    EXPECT_TRUE(interface.arp().lookup(Ipv4Address::from_octets(10, 0, 2, 101)).has_value());
}

}  // namespace
}  // namespace ingot::net
