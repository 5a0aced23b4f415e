#include <net/wire/arp_packet.h>
#include <net/wire/ethernet_frame.h>
#include <net/wire/icmpv4_message.h>
#include <net/wire/ipv4_packet.h>
#include <net/wire/tcp_segment.h>
#include <net/wire/udp_datagram.h>

#include "frame_description.h"

#include <array>
#include <cstdio>

namespace ingot::fuzz {
namespace {

std::string address(net::Ipv4Address address) {
    std::array<char, 16> text{};
    address.format(text);
    return text.data();
}

template <typename... Args>
std::string format(const char* pattern, Args... args) {
    std::array<char, 160> text{};
    std::snprintf(text.data(), text.size(), pattern, args...);
    return text.data();
}

std::string describe_tcp(const net::Ipv4Packet& packet) {
    auto parsed = net::TcpSegment::parse(packet.payload());
    if (!parsed.ok()) return "TCP (malformed)";
    const net::TcpSegment& tcp = parsed.value();
    std::string flags;
    for (auto [bit, letter] : {std::pair{net::tcp_flags::syn, 'S'}, {net::tcp_flags::fin, 'F'},
                               {net::tcp_flags::rst, 'R'}, {net::tcp_flags::psh, 'P'}, {net::tcp_flags::ack, '.'}})
        if (tcp.flags() & bit) flags += letter;
    return format("%s:%u > %s:%u TCP [%s] seq %u ack %u win %u len %zu%s", address(packet.source()).c_str(),
                  tcp.source_port(), address(packet.destination()).c_str(), tcp.destination_port(), flags.c_str(),
                  tcp.sequence_number(), tcp.acknowledgment_number(), tcp.window(), tcp.payload().size(),
                  tcp.checksum_valid(packet.source(), packet.destination()) ? "" : " (bad checksum)");
}

}  // namespace

std::string describe_frame(std::span<const uint8_t> frame) {
    auto ethernet = net::EthernetFrame::parse(frame);
    if (!ethernet.ok()) return format("%zu bytes (not Ethernet II)", frame.size());
    if (ethernet.value().ether_type() == static_cast<uint16_t>(net::EtherType::Arp)) {
        auto arp = net::ArpPacket::parse(ethernet.value().payload());
        if (!arp.ok()) return "ARP (malformed)";
        return format("ARP %s %s > %s", arp.value().operation() == net::ArpOperation::Request ? "request" : "reply",
                      address(arp.value().sender_ip()).c_str(), address(arp.value().target_ip()).c_str());
    }
    if (ethernet.value().ether_type() != static_cast<uint16_t>(net::EtherType::Ipv4))
        return format("EtherType 0x%04x", ethernet.value().ether_type());
    auto ip = net::Ipv4Packet::parse(ethernet.value().payload());
    if (!ip.ok()) return format("IPv4 (malformed, %zu bytes)", ethernet.value().payload().size());
    const net::Ipv4Packet& packet = ip.value();
    if (packet.is_fragment())
        return format("%s > %s IPv4 fragment id %u offset %zu len %zu", address(packet.source()).c_str(),
                      address(packet.destination()).c_str(), packet.identification(), packet.fragment_offset(),
                      packet.payload().size());
    switch (static_cast<net::IpProtocol>(packet.protocol())) {
    case net::IpProtocol::Tcp:
        return describe_tcp(packet);
    case net::IpProtocol::Udp: {
        auto udp = net::UdpDatagram::parse(packet.payload());
        if (!udp.ok()) return "UDP (malformed)";
        return format("%s:%u > %s:%u UDP len %zu", address(packet.source()).c_str(), udp.value().source_port(),
                      address(packet.destination()).c_str(), udp.value().destination_port(),
                      udp.value().payload().size());
    }
    case net::IpProtocol::Icmp: {
        auto icmp = net::Icmpv4Message::parse(packet.payload());
        if (!icmp.ok()) return "ICMP (malformed)";
        return format("%s > %s ICMP type %u code %u", address(packet.source()).c_str(),
                      address(packet.destination()).c_str(), icmp.value().type(), icmp.value().code());
    }
    }
    return format("%s > %s IP protocol %u", address(packet.source()).c_str(), address(packet.destination()).c_str(),
                  packet.protocol());
}

}  // namespace ingot::fuzz
