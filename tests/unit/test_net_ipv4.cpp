// IPv4 through the Interface (RFC 791, RFC 1122 §3.2-3.3): receive validation and address
// filtering, demultiplexing, the send path (routing, header fields, MTU) and reassembly.
#include <net/interface.h>
#include <net/wire/arp_packet.h>
#include <net/wire/checksum.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using namespace test;

constexpr uint8_t test_protocol = 253;

class NetIpv4 : public ::testing::Test {
protected:
    NetIpv4() : interface(output, config()) { interface.register_protocol(test_protocol, &handler); }
    static InterfaceConfig config() {
        InterfaceConfig c;
        c.mac = our_mac;
        c.address = our_ip;
        c.prefix_length = 24;
        c.gateway = gateway_ip;
        return c;
    }
    void receive(Ipv4Address source, Ipv4Address destination, std::vector<uint8_t> payload = {1, 2, 3, 4},
                 MacAddress destination_mac = our_mac) {
        auto datagram = make_datagram(fields_for(source, destination, test_protocol), payload);
        interface.receive_frame(make_frame(gateway_mac, datagram, destination_mac), now);
    }
    // Teaches ARP the gateway's and the peer's addresses so that sends go straight out.
    void learn_neighbours() {
        for (auto [mac, ip] : {std::pair{gateway_mac, gateway_ip}, std::pair{peer_mac, peer_ip}}) {
            std::array<uint8_t, 28> arp{};
            (void)emit_arp_packet({ArpOperation::Reply, mac, ip, our_mac, our_ip}, arp);
            interface.receive_frame(make_frame(mac, arp, our_mac, EtherType::Arp), now);
        }
        output.frames.clear();
    }
    std::optional<Ipv4Packet> sent_packet(size_t index) {
        if (index >= output.frames.size()) return std::nullopt;
        auto parsed = Ipv4Packet::parse(std::span<const uint8_t>(output.frames[index]).subspan(14));
        if (!parsed.ok()) return std::nullopt;
        return parsed.value();
    }

    uint64_t now = 5 * seconds;
    RecordingFrameOutput output;
    Interface interface;
    RecordingHandler handler;
};

TEST_F(NetIpv4, DeliversUnicastAndBroadcastsForUs) {
    receive(gateway_ip, our_ip);
    receive(gateway_ip, Ipv4Address::broadcast(), {5}, MacAddress::broadcast());
    receive(gateway_ip, Ipv4Address::from_octets(10, 0, 2, 255), {6}, MacAddress::broadcast());
    ASSERT_EQ(handler.packets.size(), 3u);
    auto first = Ipv4Packet::parse(handler.packets[0]);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first.value().source(), gateway_ip);
    EXPECT_EQ(first.value().payload().size(), 4u);
    EXPECT_EQ(interface.statistics().ip_delivered, 3u);
}

TEST_F(NetIpv4, DropsDatagramsNotForUs) {
    receive(gateway_ip, peer_ip);                                   // someone else's address
    receive(gateway_ip, Ipv4Address::from_octets(224, 0, 0, 1));    // a group we did not join
    receive(gateway_ip, Ipv4Address::from_octets(10, 0, 3, 255));   // another subnet's broadcast
    receive(Ipv4Address::broadcast(), our_ip);                      // impossible sources
    receive(Ipv4Address::from_octets(224, 0, 0, 5), our_ip);
    EXPECT_TRUE(handler.packets.empty());
    EXPECT_EQ(interface.statistics().ip_address_errors, 5u);
    receive(gateway_ip, our_ip, {1}, peer_mac);                     // another station's frame
    receive(gateway_ip, our_ip, {1}, MacAddress{{0x01, 0x00, 0x5e, 0, 0, 1}});
    EXPECT_EQ(interface.statistics().frames_not_for_us, 2u);
    EXPECT_TRUE(handler.packets.empty());
}

TEST_F(NetIpv4, CountsMalformedFramesAndHeaders) {
    auto datagram = make_datagram(fields_for(gateway_ip, our_ip, test_protocol), std::vector<uint8_t>(8, 0));
    auto bad_checksum = datagram;
    bad_checksum[10] ^= 0x10;
    interface.receive_frame(make_frame(gateway_mac, bad_checksum), now);
    auto truncated = make_frame(gateway_mac, datagram);
    truncated.pop_back();
    interface.receive_frame(truncated, now);
    interface.receive_frame(std::vector<uint8_t>(13, 0xff), now);
    auto ipv6 = make_frame(gateway_mac, datagram);
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    interface.receive_frame(ipv6, now);
    EXPECT_TRUE(handler.packets.empty());
    EXPECT_EQ(interface.statistics().ip_header_errors, 1u);
    EXPECT_EQ(interface.statistics().ip_truncated, 1u);
    EXPECT_EQ(interface.statistics().frames_malformed, 1u);
    EXPECT_EQ(interface.statistics().frames_unknown_type, 1u);
    EXPECT_EQ(interface.statistics().frames_received, 4u);
}

TEST_F(NetIpv4, UnconfiguredInterfaceAcceptsAnyDestination) {
    interface.set_ipv4(Ipv4Address::any(), 0, Ipv4Address::any());
    receive(gateway_ip, Ipv4Address::from_octets(10, 0, 2, 77));  // a DHCP offer to the offered address
    EXPECT_EQ(handler.packets.size(), 1u);
}

TEST_F(NetIpv4, SendsOnLinkDirectlyWithStandardHeader) {
    learn_neighbours();
    std::vector<uint8_t> payload(100, 0x5a);
    ASSERT_TRUE(interface.send_ipv4(our_ip, peer_ip, test_protocol, payload).ok());
    ASSERT_TRUE(interface.send_ipv4(Ipv4Address::any(), peer_ip, test_protocol, payload).ok());
    ASSERT_EQ(output.frames.size(), 2u);
    const auto& frame = output.frames[0];
    EXPECT_EQ(frame.size(), 14u + 20 + 100);
    EXPECT_EQ(MacAddress::from_bytes(frame), peer_mac);
    EXPECT_EQ(MacAddress::from_bytes(std::span<const uint8_t>(frame).subspan(6)), our_mac);
    auto p = sent_packet(0);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->ttl(), 64);
    EXPECT_TRUE(p->dont_fragment());
    EXPECT_EQ(p->protocol(), test_protocol);
    EXPECT_EQ(p->source(), our_ip);
    EXPECT_EQ(p->destination(), peer_ip);
    EXPECT_EQ(p->total_length(), 120);
    auto q = sent_packet(1);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->source(), our_ip);  // any() is filled in
    EXPECT_EQ(q->identification(), static_cast<uint16_t>(p->identification() + 1));
}

TEST_F(NetIpv4, SendsOffLinkThroughGateway) {
    learn_neighbours();
    std::vector<uint8_t> payload(4, 1);
    ASSERT_TRUE(interface.send_ipv4(our_ip, remote_ip, test_protocol, payload).ok());
    ASSERT_EQ(output.frames.size(), 1u);
    EXPECT_EQ(MacAddress::from_bytes(output.frames[0]), gateway_mac);
    EXPECT_EQ(sent_packet(0)->destination(), remote_ip);
    // Small frames are padded to the Ethernet minimum with zeros.
    EXPECT_EQ(output.frames[0].size(), 60u);
    EXPECT_EQ(sent_packet(0)->total_length(), 24);
    EXPECT_TRUE(std::all_of(output.frames[0].begin() + 38, output.frames[0].end(), [](uint8_t b) { return b == 0; }));
}

TEST_F(NetIpv4, SendRejectsImpossibleRequests) {
    learn_neighbours();
    std::vector<uint8_t> max(interface.max_transport_size(peer_ip), 0);
    EXPECT_EQ(max.size(), 1480u);
    EXPECT_TRUE(interface.send_ipv4(our_ip, peer_ip, test_protocol, max).ok());
    max.push_back(0);
    EXPECT_EQ(interface.send_ipv4(our_ip, peer_ip, test_protocol, max).error(), Errno{EMSGSIZE});
    std::vector<uint8_t> small(8, 0);
    EXPECT_EQ(interface.send_ipv4(peer_ip, gateway_ip, test_protocol, small).error(), Errno{EADDRNOTAVAIL});
    // To ourselves: looped back, never on the wire.
    size_t frames_before = output.frames.size();
    EXPECT_TRUE(interface.send_ipv4(our_ip, our_ip, test_protocol, small).ok());
    EXPECT_TRUE(interface.send_ipv4(our_ip, Ipv4Address::from_octets(127, 0, 0, 1), test_protocol, small).ok());
    EXPECT_EQ(output.frames.size(), frames_before);
    EXPECT_EQ(interface.statistics().looped_back, 2u);
    interface.set_ipv4(our_ip, 24, Ipv4Address::any());
    EXPECT_EQ(interface.send_ipv4(our_ip, remote_ip, test_protocol, small).error(), Errno{ENETUNREACH});
    EXPECT_EQ(interface.statistics().ip_too_big, 1u);
    EXPECT_EQ(interface.statistics().ip_no_route, 1u);
}

TEST_F(NetIpv4, BroadcastAndMulticastNeedNoArp) {
    std::vector<uint8_t> payload(8, 0);
    ASSERT_TRUE(interface.send_ipv4(our_ip, Ipv4Address::broadcast(), test_protocol, payload).ok());
    ASSERT_TRUE(interface.send_ipv4(our_ip, Ipv4Address::from_octets(10, 0, 2, 255), test_protocol, payload).ok());
    ASSERT_TRUE(interface.send_ipv4(our_ip, Ipv4Address::from_octets(239, 129, 2, 3), test_protocol, payload).ok());
    ASSERT_EQ(output.frames.size(), 3u);
    EXPECT_TRUE(MacAddress::from_bytes(output.frames[0]).is_broadcast());
    EXPECT_TRUE(MacAddress::from_bytes(output.frames[1]).is_broadcast());
    // RFC 1112 §6.4: 01:00:5e and the low 23 bits of the group.
    EXPECT_EQ(MacAddress::from_bytes(output.frames[2]), (MacAddress{{0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}}));
    EXPECT_EQ(sent_packet(2)->ttl(), 1);
}

TEST_F(NetIpv4, UnconfiguredInterfaceCanBroadcastFromZero) {
    interface.set_ipv4(Ipv4Address::any(), 0, Ipv4Address::any());
    std::vector<uint8_t> payload(8, 0);
    ASSERT_TRUE(interface.send_ipv4(Ipv4Address::any(), Ipv4Address::broadcast(), test_protocol, payload).ok());
    EXPECT_TRUE(sent_packet(0)->source().is_unspecified());
    EXPECT_EQ(interface.send_ipv4(Ipv4Address::any(), peer_ip, test_protocol, payload).error(), Errno{ENETUNREACH});
}

TEST_F(NetIpv4, SendPartsJoinsHeaderAndPayload) {
    learn_neighbours();
    std::vector<uint8_t> header{1, 2, 3};
    std::vector<uint8_t> payload{4, 5, 6, 7};
    ASSERT_TRUE(interface.send_ipv4_parts(our_ip, peer_ip, test_protocol, header, payload).ok());
    auto p = sent_packet(0);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(std::vector<uint8_t>(p->payload().begin(), p->payload().end()),
              (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(NetIpv4, DriverErrorsReachTheSender) {
    learn_neighbours();
    output.fail_with = Errno{ENOBUFS};
    std::vector<uint8_t> payload(8, 0);
    EXPECT_EQ(interface.send_ipv4(our_ip, peer_ip, test_protocol, payload).error(), Errno{ENOBUFS});
    EXPECT_EQ(interface.statistics().send_errors, 1u);
}

TEST_F(NetIpv4, ReassemblesFragmentsThroughTheInterface) {
    std::vector<uint8_t> whole(3000);
    for (size_t i = 0; i < whole.size(); ++i) whole[i] = static_cast<uint8_t>(i * 7);
    std::vector<std::vector<uint8_t>> frames;
    for (size_t offset = 0; offset < whole.size(); offset += 1480) {
        size_t length = std::min<size_t>(1480, whole.size() - offset);
        auto fields = fields_for(gateway_ip, our_ip, test_protocol, 0x7777);
        fields.dont_fragment = false;
        fields.more_fragments = offset + length < whole.size();
        fields.fragment_offset = static_cast<uint16_t>(offset);
        auto datagram = make_datagram(fields, std::span<const uint8_t>(whole).subspan(offset, length));
        frames.push_back(make_frame(gateway_mac, datagram));
    }
    ASSERT_EQ(frames.size(), 3u);
    interface.receive_frame(frames[2], now);
    interface.receive_frame(frames[0], now);
    EXPECT_TRUE(handler.packets.empty());
    EXPECT_EQ(interface.next_deadline(), now + 30 * seconds);
    interface.receive_frame(frames[1], now);
    ASSERT_EQ(handler.packets.size(), 1u);
    auto p = Ipv4Packet::parse(handler.packets[0]);
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(p.value().is_fragment());
    EXPECT_EQ(p.value().total_length(), 3020);
    EXPECT_EQ(p.value().identification(), 0x7777);
    EXPECT_EQ(std::vector<uint8_t>(p.value().payload().begin(), p.value().payload().end()), whole);
    EXPECT_EQ(interface.reassembler().in_progress(), 0u);
}

}  // namespace
}  // namespace ingot::net
