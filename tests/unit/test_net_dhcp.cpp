// DHCP (RFC 2131, options RFC 2132): the message codec against valid and hostile bytes, and
// the client's state machine driven through a real Interface and Udp by a scripted server.
#include <net/dhcp/dhcp_client.h>
#include <net/dhcp/dhcp_message.h>
#include <net/interface.h>
#include <net/udp.h>
#include <net/wire/arp_packet.h>
#include <net/wire/udp_datagram.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

namespace ingot::net {
namespace {

using namespace test;

constexpr Ipv4Address server_ip = gateway_ip;
constexpr uint8_t boot_reply = 2;

// The options of a message, by code (the last occurrence wins).
std::map<uint8_t, std::vector<uint8_t>> options_of(std::span<const uint8_t> message) {
    std::map<uint8_t, std::vector<uint8_t>> options;
    for (size_t at = 240; at < message.size();) {
        uint8_t code = message[at++];
        if (code == 0) continue;
        if (code == 255) break;
        size_t length = message[at++];
        options[code].assign(message.begin() + at, message.begin() + at + length);
        at += length;
    }
    return options;
}

// A server reply: the fixed header and the options given as (code, bytes).
struct Reply {
    DhcpMessageType type = DhcpMessageType::Offer;
    uint32_t xid = 0;
    MacAddress chaddr = our_mac;
    Ipv4Address yiaddr = our_ip;
    std::vector<std::pair<uint8_t, std::vector<uint8_t>>> options;

    std::vector<uint8_t> bytes() const {
        std::vector<uint8_t> out(240, 0);
        out[0] = boot_reply;
        out[1] = 1;
        out[2] = 6;
        write_be32(out, 4, xid);
        auto y = yiaddr.to_bytes();
        std::copy(y.begin(), y.end(), out.begin() + 16);
        std::copy(chaddr.bytes.begin(), chaddr.bytes.end(), out.begin() + 28);
        const uint8_t cookie[] = {99, 130, 83, 99};
        std::copy(std::begin(cookie), std::end(cookie), out.begin() + 236);
        out.insert(out.end(), {53, 1, static_cast<uint8_t>(type)});
        for (const auto& [code, value] : options) {
            out.push_back(code);
            out.push_back(static_cast<uint8_t>(value.size()));
            out.insert(out.end(), value.begin(), value.end());
        }
        out.push_back(255);
        return out;
    }
};

std::vector<uint8_t> address_bytes(Ipv4Address a) {
    auto b = a.to_bytes();
    return {b.begin(), b.end()};
}
std::vector<uint8_t> seconds_bytes(uint32_t s) {
    std::vector<uint8_t> out(4);
    write_be32(out, 0, s);
    return out;
}

// The options a QEMU user network server sends: mask /24, router, DNS, a lease of 3600 s.
std::vector<std::pair<uint8_t, std::vector<uint8_t>>> standard_options(uint32_t lease = 3600) {
    return {{54, address_bytes(server_ip)},
            {1, {255, 255, 255, 0}},
            {3, address_bytes(gateway_ip)},
            {6, address_bytes(dns_ip)},
            {15, {'e', 'x', 'a', 'm', 'p', 'l', 'e'}},
            {51, seconds_bytes(lease)}};
}

TEST(DhcpMessage, DiscoverHasTheFixedHeaderAndOptions) {
    DhcpClientMessage message;
    message.type = DhcpMessageType::Discover;
    message.transaction_id = 0x11223344;
    message.seconds = 3;
    message.client_mac = our_mac;
    std::array<uint8_t, dhcp_max_client_message> out;
    ASSERT_EQ(build_dhcp_message(message, out), 300u);  // RFC 1542: at least 300 bytes
    EXPECT_EQ(out[0], 1);  // BOOTREQUEST
    EXPECT_EQ(out[1], 1);
    EXPECT_EQ(out[2], 6);
    EXPECT_EQ(read_be32(out, 4), 0x11223344u);
    EXPECT_EQ(read_be16(out, 8), 3);
    EXPECT_EQ(read_be32(out, 12), 0u);  // ciaddr
    EXPECT_TRUE(std::equal(our_mac.bytes.begin(), our_mac.bytes.end(), out.begin() + 28));
    EXPECT_EQ(out[236], 99);
    auto options = options_of(out);
    EXPECT_EQ(options[53], std::vector<uint8_t>{1});
    EXPECT_EQ(options[61].size(), 7u);
    EXPECT_EQ(options[61][0], 1);
    EXPECT_TRUE(options.count(55));
    EXPECT_FALSE(options.count(50));
    EXPECT_FALSE(options.count(54));
}

TEST(DhcpMessage, RequestNamesTheOfferAndServer) {
    DhcpClientMessage message;
    message.type = DhcpMessageType::Request;
    message.client_mac = our_mac;
    message.requested = our_ip;
    message.server = server_ip;
    std::array<uint8_t, dhcp_max_client_message> out;
    build_dhcp_message(message, out);
    auto options = options_of(out);
    EXPECT_EQ(options[53], std::vector<uint8_t>{3});
    EXPECT_EQ(options[50], address_bytes(our_ip));
    EXPECT_EQ(options[54], address_bytes(server_ip));
}

TEST(DhcpMessage, ParsesAnAck) {
    Reply reply{.type = DhcpMessageType::Ack, .xid = 7, .options = standard_options()};
    reply.options.push_back({6, hex({"0a000203 08080808 01010101 09090909"})});  // 4 DNS: 3 kept
    reply.options.push_back({58, seconds_bytes(100)});
    reply.options.push_back({59, seconds_bytes(200)});
    reply.options.push_back({200, {1, 2, 3}});  // unknown: skipped
    auto parsed = parse_dhcp_reply(reply.bytes());
    ASSERT_TRUE(parsed.ok());
    const DhcpServerMessage& m = parsed.value();
    EXPECT_EQ(m.type, DhcpMessageType::Ack);
    EXPECT_EQ(m.transaction_id, 7u);
    EXPECT_EQ(m.your_address, our_ip);
    EXPECT_EQ(m.client_mac, our_mac);
    EXPECT_EQ(m.server, server_ip);
    EXPECT_EQ(m.prefix_length, 24);
    EXPECT_EQ(m.router, gateway_ip);
    ASSERT_EQ(m.dns_count, 3u);
    EXPECT_EQ(m.dns[2], Ipv4Address::from_octets(1, 1, 1, 1));
    EXPECT_STREQ(m.domain.data(), "example");
    EXPECT_EQ(m.lease_seconds, 3600u);
    EXPECT_EQ(m.renewal_seconds, 100u);
    EXPECT_EQ(m.rebinding_seconds, 200u);
}

TEST(DhcpMessage, RejectsHostileReplies) {
    Reply good{.type = DhcpMessageType::Offer, .xid = 1, .options = standard_options()};
    std::vector<uint8_t> bytes = good.bytes();
    ASSERT_TRUE(parse_dhcp_reply(bytes).ok());

    EXPECT_FALSE(parse_dhcp_reply(std::span(bytes).first(239)).ok());  // shorter than the header
    auto with = [&](size_t offset, uint8_t value) {
        std::vector<uint8_t> copy = bytes;
        copy[offset] = value;
        return parse_dhcp_reply(copy);
    };
    EXPECT_FALSE(with(0, 1).ok());    // a BOOTREQUEST
    EXPECT_FALSE(with(2, 16).ok());   // not an Ethernet address length
    EXPECT_FALSE(with(237, 0).ok());  // bad magic cookie
    EXPECT_FALSE(with(242, 9).ok());  // message type 9 does not exist

    // An option whose length runs past the end.
    std::vector<uint8_t> overrun(bytes.begin(), bytes.begin() + 243);
    overrun.insert(overrun.end(), {6, 200, 10, 0});
    EXPECT_FALSE(parse_dhcp_reply(overrun).ok());
    // A code with no length byte.
    std::vector<uint8_t> dangling(bytes.begin(), bytes.begin() + 243);
    dangling.push_back(3);
    EXPECT_FALSE(parse_dhcp_reply(dangling).ok());
    // No message type at all.
    std::vector<uint8_t> untyped(bytes.begin(), bytes.begin() + 240);
    untyped.push_back(255);
    EXPECT_FALSE(parse_dhcp_reply(untyped).ok());
    // Wrong lengths for fixed-size options.
    for (uint8_t code : {1, 51, 53, 54}) {
        Reply bad = good;
        bad.options.push_back({code, {1, 2, 3}});
        EXPECT_FALSE(parse_dhcp_reply(bad.bytes()).ok()) << int(code);
    }
    Reply routers = good;
    routers.options.push_back({3, {}});
    EXPECT_FALSE(parse_dhcp_reply(routers.bytes()).ok());
    // A domain name that would put a newline into resolv.conf.
    Reply domain = good;
    domain.options.push_back({15, {'a', '\n', 'b'}});
    EXPECT_FALSE(parse_dhcp_reply(domain.bytes()).ok());
    // A netmask with holes is not a prefix.
    Reply mask = good;
    mask.options.push_back({1, {255, 0, 255, 0}});
    auto parsed = parse_dhcp_reply(mask.bytes());
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed.value().prefix_length.has_value());
}

class RecordingObserver final : public DhcpObserver {
public:
    void lease_bound(const DhcpLease& lease) override { bound.push_back(lease); }
    void lease_lost() override { ++lost; }
    std::vector<DhcpLease> bound;
    int lost = 0;
};

// What the client sent: the IPv4 and UDP addressing and the DHCP message.
struct SentMessage {
    MacAddress destination_mac;
    Ipv4Address source;
    Ipv4Address destination;
    std::vector<uint8_t> dhcp;
    DhcpMessageType type() const { return static_cast<DhcpMessageType>(options_of(dhcp).at(53).at(0)); }
    uint32_t xid() const { return read_be32(dhcp, 4); }
    Ipv4Address ciaddr() const { return Ipv4Address::from_bytes(std::span(dhcp).subspan(12)); }
};

class DhcpClientTest : public ::testing::Test {
protected:
    DhcpClientTest()
        : interface(driver, InterfaceConfig{.mac = our_mac}), udp(interface, &interface.icmp()),
          client(interface, udp, &observer, 12345) {
        interface.register_protocol(17, &udp);
    }

    // The DHCP messages the client sent since the last call. ARP requests for the server are
    // answered on the way (its cache entry expires long before a renewal).
    std::vector<SentMessage> sent() {
        std::vector<SentMessage> messages;
        while (!driver.frames.empty()) {
            auto frames = std::move(driver.frames);
            driver.frames.clear();
            for (const auto& frame : frames) {
                auto ethernet = EthernetFrame::parse(frame).value();
                if (ethernet.ether_type() == static_cast<uint16_t>(EtherType::Arp)) {
                    auto arp = ArpPacket::parse(ethernet.payload()).value();
                    if (arp.operation() == ArpOperation::Request && arp.target_ip() == server_ip) answer_arp();
                    continue;
                }
                auto ip = Ipv4Packet::parse(ethernet.payload()).value();
                auto udp_datagram = UdpDatagram::parse(ip.payload()).value();
                EXPECT_EQ(udp_datagram.source_port(), 68);
                EXPECT_EQ(udp_datagram.destination_port(), 67);
                auto payload = udp_datagram.payload();
                messages.push_back({ethernet.destination(), ip.source(), ip.destination(), {payload.begin(), payload.end()}});
            }
        }
        return messages;
    }

    // The server (also the gateway) tells us its MAC.
    void answer_arp() {
        ArpFields arp{ArpOperation::Reply, gateway_mac, server_ip, our_mac, our_ip};
        std::vector<uint8_t> packet(ArpPacket::size);
        EXPECT_TRUE(emit_arp_packet(arp, packet).ok());
        interface.receive_frame(make_frame(gateway_mac, packet, our_mac, EtherType::Arp), now);
    }

    // The server's reply, from its address to ours (unicast to the offered address).
    void deliver(const Reply& reply) {
        std::vector<uint8_t> payload = reply.bytes();
        std::vector<uint8_t> segment(8 + payload.size());
        ASSERT_TRUE(emit_udp_datagram(67, 68, server_ip, reply.yiaddr, payload, segment).ok());
        auto datagram = make_datagram(fields_for(server_ip, reply.yiaddr, 17), segment);
        interface.receive_frame(make_frame(gateway_mac, datagram), now);
        client.poll(now);
    }

    void advance_to(uint64_t when) {
        now = when;
        interface.poll(now);
        client.poll(now);
    }

    // Runs DISCOVER, OFFER, REQUEST, ACK; returns the transaction id.
    uint32_t acquire(uint32_t lease_seconds = 3600) {
        EXPECT_TRUE(client.start(now).ok());
        auto discover = sent();
        EXPECT_EQ(discover.size(), 1u);
        uint32_t xid = discover.at(0).xid();
        deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid, .options = standard_options(lease_seconds)});
        auto request = sent();
        EXPECT_EQ(request.size(), 1u);
        deliver(Reply{.type = DhcpMessageType::Ack, .xid = xid, .options = standard_options(lease_seconds)});
        EXPECT_EQ(client.state(), DhcpClient::State::Bound);
        driver.frames.clear();
        return xid;
    }

    uint64_t now = 1 * seconds;
    RecordingFrameOutput driver;
    Interface interface;
    Udp udp;
    RecordingObserver observer;
    DhcpClient client;
};

TEST_F(DhcpClientTest, AcquiresAnAddress) {
    ASSERT_TRUE(client.start(now).ok());
    auto discover = sent();
    ASSERT_EQ(discover.size(), 1u);
    EXPECT_EQ(discover[0].type(), DhcpMessageType::Discover);
    EXPECT_EQ(discover[0].destination_mac, MacAddress::broadcast());
    EXPECT_EQ(discover[0].source, Ipv4Address::any());
    EXPECT_EQ(discover[0].destination, Ipv4Address::broadcast());
    EXPECT_EQ(client.state(), DhcpClient::State::Selecting);
    uint32_t xid = discover[0].xid();

    deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid, .options = standard_options()});
    auto request = sent();
    ASSERT_EQ(request.size(), 1u);
    EXPECT_EQ(request[0].type(), DhcpMessageType::Request);
    EXPECT_EQ(request[0].destination, Ipv4Address::broadcast());
    EXPECT_EQ(request[0].xid(), xid);
    auto options = options_of(request[0].dhcp);
    EXPECT_EQ(options[50], address_bytes(our_ip));
    EXPECT_EQ(options[54], address_bytes(server_ip));
    EXPECT_EQ(client.state(), DhcpClient::State::Requesting);
    EXPECT_TRUE(interface.address().is_unspecified());

    deliver(Reply{.type = DhcpMessageType::Ack, .xid = xid, .options = standard_options()});
    EXPECT_EQ(client.state(), DhcpClient::State::Bound);
    EXPECT_EQ(interface.address(), our_ip);
    EXPECT_EQ(interface.prefix_length(), 24);
    EXPECT_EQ(interface.gateway(), gateway_ip);
    ASSERT_EQ(observer.bound.size(), 1u);
    EXPECT_EQ(observer.bound[0].dns_count, 1u);
    EXPECT_EQ(observer.bound[0].dns[0], dns_ip);
    EXPECT_STREQ(observer.bound[0].domain.data(), "example");
    // Binding announces the address with gratuitous ARP (RFC 5227 §2.3).
    bool announced = false;
    for (const auto& frame : driver.frames) {
        auto ethernet = EthernetFrame::parse(frame).value();
        if (ethernet.ether_type() == static_cast<uint16_t>(EtherType::Arp)) announced = true;
    }
    EXPECT_TRUE(announced);
}

TEST_F(DhcpClientTest, IgnoresRepliesForOthers) {
    ASSERT_TRUE(client.start(now).ok());
    uint32_t xid = sent().at(0).xid();
    deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid + 1, .options = standard_options()});
    deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid, .chaddr = peer_mac, .options = standard_options()});
    deliver(Reply{.type = DhcpMessageType::Ack, .xid = xid, .options = standard_options()});  // not asked for yet
    // An offer without a server identifier cannot be requested.
    deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid, .options = {{51, seconds_bytes(60)}}});
    EXPECT_TRUE(sent().empty());
    EXPECT_EQ(client.state(), DhcpClient::State::Selecting);
    EXPECT_TRUE(interface.address().is_unspecified());
}

TEST_F(DhcpClientTest, RetransmitsWithBackoff) {
    ASSERT_TRUE(client.start(now).ok());
    sent();
    uint64_t start = now;
    // RFC 2131 §4.1: about 4 s, then 8 s, each within a second either way.
    uint64_t first = *client.next_deadline();
    EXPECT_GE(first - start, 3 * seconds);
    EXPECT_LE(first - start, 5 * seconds);
    advance_to(first - 1);
    EXPECT_TRUE(sent().empty());
    advance_to(first);
    auto again = sent();
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].type(), DhcpMessageType::Discover);
    EXPECT_GE(read_be16(again[0].dhcp, 8), 3);  // secs counts from the first DISCOVER
    uint64_t second = *client.next_deadline();
    EXPECT_GE(second - first, 7 * seconds);
    EXPECT_LE(second - first, 9 * seconds);
}

TEST_F(DhcpClientTest, RequestingGivesUpAndStartsOver) {
    ASSERT_TRUE(client.start(now).ok());
    uint32_t xid = sent().at(0).xid();
    deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid, .options = standard_options()});
    sent();
    for (int i = 0; i < 10 && client.state() == DhcpClient::State::Requesting; ++i) advance_to(*client.next_deadline());
    EXPECT_EQ(client.state(), DhcpClient::State::Selecting);
    auto messages = sent();
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages.back().type(), DhcpMessageType::Discover);
    EXPECT_NE(messages.back().xid(), xid);
}

TEST_F(DhcpClientTest, NakStartsOverAfterAPause) {
    ASSERT_TRUE(client.start(now).ok());
    uint32_t xid = sent().at(0).xid();
    deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid, .options = standard_options()});
    sent();
    deliver(Reply{.type = DhcpMessageType::Nak, .xid = xid, .yiaddr = Ipv4Address::any(), .options = {{54, address_bytes(server_ip)}}});
    EXPECT_EQ(client.state(), DhcpClient::State::Selecting);
    EXPECT_TRUE(sent().empty());
    EXPECT_EQ(*client.next_deadline(), now + seconds);
    advance_to(now + seconds);
    auto discover = sent();
    ASSERT_EQ(discover.size(), 1u);
    EXPECT_EQ(discover[0].type(), DhcpMessageType::Discover);
}

TEST_F(DhcpClientTest, RenewsRebindsAndExpires) {
    acquire(3600);
    uint64_t bound_at = now;
    EXPECT_EQ(*client.next_deadline(), bound_at + 1800 * seconds);  // T1: half the lease

    advance_to(bound_at + 1800 * seconds);
    EXPECT_EQ(client.state(), DhcpClient::State::Renewing);
    auto renew = sent();
    ASSERT_EQ(renew.size(), 1u);
    EXPECT_EQ(renew[0].type(), DhcpMessageType::Request);
    EXPECT_EQ(renew[0].destination, server_ip);  // unicast to the server that granted it
    EXPECT_EQ(renew[0].source, our_ip);
    EXPECT_EQ(renew[0].ciaddr(), our_ip);
    EXPECT_FALSE(options_of(renew[0].dhcp).count(50));  // RFC 2131 §4.3.2: no requested address

    advance_to(bound_at + 3150 * seconds);  // T2: 7/8 of the lease
    EXPECT_EQ(client.state(), DhcpClient::State::Rebinding);
    auto rebind = sent();
    ASSERT_FALSE(rebind.empty());
    EXPECT_EQ(rebind.back().destination, Ipv4Address::broadcast());
    EXPECT_EQ(rebind.back().ciaddr(), our_ip);
    EXPECT_EQ(interface.address(), our_ip);

    advance_to(bound_at + 3600 * seconds);  // the lease ends
    EXPECT_EQ(client.state(), DhcpClient::State::Selecting);
    EXPECT_TRUE(interface.address().is_unspecified());
    EXPECT_EQ(observer.lost, 1);
    auto discover = sent();
    ASSERT_FALSE(discover.empty());
    EXPECT_EQ(discover.back().type(), DhcpMessageType::Discover);
}

TEST_F(DhcpClientTest, AckWhileRenewingExtendsTheLease) {
    acquire(3600);
    uint64_t bound_at = now;
    advance_to(bound_at + 1800 * seconds);
    auto renew = sent();
    ASSERT_EQ(renew.size(), 1u);
    deliver(Reply{.type = DhcpMessageType::Ack, .xid = renew[0].xid(), .options = standard_options(3600)});
    EXPECT_EQ(client.state(), DhcpClient::State::Bound);
    EXPECT_EQ(*client.next_deadline(), now + 1800 * seconds);
    EXPECT_EQ(observer.bound.size(), 1u);  // nothing changed: no second report
    EXPECT_EQ(observer.lost, 0);
}

TEST_F(DhcpClientTest, InfiniteLeaseHasNoTimers) {
    acquire(infinite_lease);
    EXPECT_FALSE(client.next_deadline().has_value());
    advance_to(now + 1000000 * seconds);
    EXPECT_EQ(client.state(), DhcpClient::State::Bound);
    EXPECT_TRUE(sent().empty());
}

TEST_F(DhcpClientTest, ServerTimersAreUsedWhenInOrder) {
    ASSERT_TRUE(client.start(now).ok());
    uint32_t xid = sent().at(0).xid();
    auto options = standard_options(1000);
    options.push_back({58, seconds_bytes(100)});
    options.push_back({59, seconds_bytes(900)});
    deliver(Reply{.type = DhcpMessageType::Offer, .xid = xid, .options = options});
    deliver(Reply{.type = DhcpMessageType::Ack, .xid = xid, .options = options});
    EXPECT_EQ(*client.next_deadline(), now + 100 * seconds);
}

TEST_F(DhcpClientTest, PortSixtyEightIsTaken) {
    UdpEndpoint squatter(udp);
    ASSERT_TRUE(squatter.bind({Ipv4Address::any(), 68}).ok());
    EXPECT_EQ(client.start(now).error(), Errno{EADDRINUSE});
}

}  // namespace
}  // namespace ingot::net
