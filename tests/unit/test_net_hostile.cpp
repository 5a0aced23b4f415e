// Hostile input for the whole receive path: mutated and truncated captures and random bytes
// go through an Interface with ARP, IPv4, ICMP, UDP and a recording transport. Nothing may
// crash, read out of bounds (run under valgrind or a sanitizer), or be delivered malformed.
#include <net/interface.h>
#include <net/udp.h>
#include <net/udp_endpoint.h>
#include <net/wire/tcp_segment.h>
#include <net/wire/udp_datagram.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using namespace test;

// xorshift64*: deterministic, so a failure reproduces.
class Random {
public:
    explicit Random(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545F4914F6CDD1Dull;
    }
    size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }

private:
    uint64_t state_;
};

std::vector<std::vector<uint8_t>> captures() {
    return {
        hex({"ff ff ff ff ff ff 52 55 0a 00 02 02 08 06 00 01 08 00 06 04 00 01 52 55 0a 00 02 02",
             "0a 00 02 02 00 00 00 00 00 00 0a 00 02 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
             "00 00 00 00"}),
        hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 00 45 00 00 54 3c 1d 40 00 40 01 e6 7b 0a 00",
             "02 02 0a 00 02 0f 08 00 8e 00 0d 05 00 01 6a 1f 5b 65 00 00 00 00 d3 a1 05 00 00 00",
             "00 00 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29",
             "2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37"}),
        hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 00 45 00 00 21 11 11 40 00 40 11 11 ab 0a 00",
             "02 02 0a 00 02 0f 13 88 00 35 00 0d 90 34 68 65 6c 6c 6f 00 00 00 00 00 00 00 00 00",
             "00 00 00 00"}),
        // A TCP SYN to port 80, and a fragment of a datagram.
        hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 00 45 00 00 3c 00 01 40 00 40 06 22 ab 0a 00",
             "02 02 0a 00 02 0f a1 12 00 50 9a 3e 1f 01 00 00 00 00 a0 02 fa f0 a4 04 00 00 02 04",
             "05 b4 04 02 08 0a 0a 1b 2c 3d 00 00 00 00 01 03 03 07"}),
        hex({"52 54 00 12 34 56 52 55 0a 00 02 02 08 00 45 00 00 24 00 02 20 00 40 11 42 b7 0a 00",
             "02 02 0a 00 02 0f 13 88 00 35 00 20 00 00 61 62 63 64 65 66 67 68"}),
    };
}

TEST(NetHostile, MutatedCapturesAndRandomFramesAreHandledSafely) {
    RecordingFrameOutput output;
    InterfaceConfig config;
    config.mac = our_mac;
    config.address = our_ip;
    config.gateway = gateway_ip;
    Interface interface(output, config);
    Udp udp(interface, &interface.icmp(), 1234);
    interface.register_protocol(17, &udp);
    RecordingHandler tcp;
    interface.register_protocol(6, &tcp);
    UdpEndpoint dns(udp, 4096);
    ASSERT_TRUE(dns.bind({Ipv4Address::any(), 53}).ok());

    Random random(0x1234567887654321ull);
    auto samples = captures();
    // The unmutated captures are valid: each reaches its transport.
    for (const auto& sample : samples) interface.receive_frame(sample, 0);
    EXPECT_EQ(interface.icmp().statistics().echo_replies_sent, 1u);
    EXPECT_EQ(dns.queued_datagrams(), 1u);
    EXPECT_EQ(tcp.packets.size(), 1u);
    EXPECT_EQ(interface.reassembler().in_progress(), 1u);
    EXPECT_EQ(interface.statistics().ip_header_errors, 0u);
    uint64_t now = 0;
    size_t frames = samples.size();
    for (int round = 0; round < 20000; ++round) {
        std::vector<uint8_t> frame = samples[random.below(samples.size())];
        switch (random.below(4)) {
        case 0:  // flip a few bytes
            for (size_t i = 0, n = 1 + random.below(4); i < n; ++i) {
                frame[random.below(frame.size())] = static_cast<uint8_t>(random.next());
            }
            break;
        case 1:  // truncate
            frame.resize(random.below(frame.size() + 1));
            break;
        case 2:  // random bytes behind a valid Ethernet header
            frame.resize(14 + random.below(120));
            for (size_t i = 14; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(random.next());
            if (random.below(2)) frame[14] = static_cast<uint8_t>(0x45 + random.below(11));
            break;
        default:  // a field-length byte set to an extreme
            if (frame.size() > 20) frame[14 + random.below(frame.size() - 14)] = random.below(2) ? 0xff : 0x00;
            break;
        }
        now += random.below(50) * ms;
        interface.receive_frame(frame, now);
        ++frames;
        if (round % 64 == 0) interface.poll(now);
        std::array<uint8_t, 64> buffer;
        while (dns.receive_from(buffer).ok()) {
        }
        output.frames.clear();
    }
    EXPECT_EQ(interface.statistics().frames_received, frames);
    // Whatever reached a transport was a well-formed IPv4 datagram with a TCP header.
    for (const auto& bytes : tcp.packets) {
        auto packet = Ipv4Packet::parse(bytes);
        ASSERT_TRUE(packet.ok());
        EXPECT_EQ(packet.value().protocol(), 6);
    }
    EXPECT_GT(interface.statistics().ip_delivered, 0u);
    EXPECT_GT(interface.statistics().ip_header_errors, 0u);
}

TEST(NetHostile, ParsersSurviveRandomBuffersOfEveryLength) {
    Random random(42);
    for (size_t length = 0; length < 128; ++length) {
        for (int round = 0; round < 200; ++round) {
            std::vector<uint8_t> bytes(length);
            for (auto& b : bytes) b = static_cast<uint8_t>(random.next());
            if (length > 0 && round % 2) bytes[0] = static_cast<uint8_t>(0x45 + random.below(11));
            if (length > 12 && round % 3 == 0) bytes[12] = static_cast<uint8_t>(random.below(16) << 4);
            if (auto ip = Ipv4Packet::parse(bytes); ip.ok()) {
                EXPECT_LE(ip.value().bytes().size(), length);
                EXPECT_GE(ip.value().bytes().size(), ip.value().header_length());
            }
            (void)Ipv4Packet::parse_quoted(bytes);
            if (auto tcp = TcpSegment::parse(bytes); tcp.ok()) {
                EXPECT_LE(tcp.value().header_length(), length);
                EXPECT_EQ(tcp.value().payload().size(), length - tcp.value().header_length());
            }
            (void)parse_tcp_options(bytes);
            if (auto udp = UdpDatagram::parse(bytes); udp.ok()) EXPECT_LE(udp.value().length(), length);
            (void)Icmpv4Message::parse(bytes);
            (void)ArpPacket::parse(bytes);
            (void)EthernetFrame::parse(bytes);
        }
    }
}

}  // namespace
}  // namespace ingot::net
