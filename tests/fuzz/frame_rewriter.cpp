#include "frame_rewriter.h"

#include <net/wire/bytes.h>
#include <net/wire/checksum.h>
#include <net/wire/ethernet_frame.h>
#include <net/wire/ipv4_packet.h>
#include <net/wire/tcp_segment.h>

#include <algorithm>
#include <optional>

namespace ingot::fuzz {
namespace {

using net::EthernetFrame;
using net::Ipv4Address;

constexpr size_t kEthernetHeader = EthernetFrame::header_size;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr size_t kArpTargetIpOffset = 24;  // RFC 826 layout for Ethernet/IPv4

// Where an IPv4 header lies in a frame, checked only as far as the rewrites need: an IPv4
// EtherType, version 4 and a header length (IHL) that fits the frame.
struct Ipv4Location {
    std::span<uint8_t> datagram;  // from the IPv4 header to the end of the frame
    size_t header_length = 0;
};

std::optional<Ipv4Location> locate_ipv4(std::span<uint8_t> frame) {
    if (frame.size() < kEthernetHeader + net::Ipv4Packet::min_header_size) return std::nullopt;
    if (net::read_be16(frame, 12) != kEtherTypeIpv4) return std::nullopt;
    std::span<uint8_t> datagram = frame.subspan(kEthernetHeader);
    size_t header_length = size_t{datagram[0] & 0x0fu} * 4;
    if ((datagram[0] >> 4) != 4 || header_length < net::Ipv4Packet::min_header_size ||
        header_length > datagram.size())
        return std::nullopt;
    return Ipv4Location{datagram, header_length};
}

Ipv4Address address_at(std::span<const uint8_t> bytes, size_t offset) {
    return Ipv4Address::from_bytes(bytes.subspan(offset, 4));
}

}  // namespace

void FrameRewriter::observe_transmitted(std::span<const uint8_t> frame) {
    auto ethernet = EthernetFrame::parse(frame);
    if (!ethernet.ok() || ethernet.value().ether_type() != kEtherTypeIpv4) return;
    auto ip = net::Ipv4Packet::parse(ethernet.value().payload());
    if (!ip.ok() || ip.value().protocol() != static_cast<uint8_t>(net::IpProtocol::Tcp)) return;
    auto tcp = net::TcpSegment::parse(ip.value().payload());
    if (!tcp.ok()) return;
    const net::TcpSegment& segment = tcp.value();

    Progress& progress = conversations_[Key{segment.source_port(), ip.value().destination().value_be,
                                            segment.destination_port()}];
    uint32_t end = segment.sequence_number() + static_cast<uint32_t>(segment.sequence_length());
    // Retransmissions repeat old sequence numbers: keep the furthest point (RFC 1982 order).
    if (!progress.sent || static_cast<int32_t>(end - progress.send_next) > 0) progress.send_next = end;
    progress.sent = true;
    if (segment.ack()) {
        progress.acknowledged = true;
        progress.receive_next = segment.acknowledgment_number();
    }
}

void FrameRewriter::address_to_us(std::span<uint8_t> frame) const {
    if (frame.size() < kEthernetHeader) return;
    if (!net::MacAddress::from_bytes(frame).is_multicast()) std::copy_n(our_mac_.bytes.begin(), 6, frame.begin());

    if (net::read_be16(frame, 12) == kEtherTypeArp) {
        if (frame.size() >= kEthernetHeader + kArpTargetIpOffset + 4)
            net::write_be32(frame, kEthernetHeader + kArpTargetIpOffset, our_ip_.to_host());
        return;
    }
    if (auto ip = locate_ipv4(frame)) {
        Ipv4Address destination = address_at(ip->datagram, 16);
        if (!destination.is_broadcast() && !destination.is_multicast())
            net::write_be32(ip->datagram, 16, our_ip_.to_host());
    }
}

void FrameRewriter::follow_conversation(std::span<uint8_t> frame) const {
    auto ip = locate_ipv4(frame);
    if (!ip || ip->datagram[9] != static_cast<uint8_t>(net::IpProtocol::Tcp)) return;
    std::span<uint8_t> segment = ip->datagram.subspan(ip->header_length);
    if (segment.size() < net::TcpSegment::min_header_size) return;

    const uint32_t peer_address = address_at(ip->datagram, 12).value_be;
    const uint16_t peer_port = net::read_be16(segment, 0);
    auto found = conversations_.find(Key{net::read_be16(segment, 2), peer_address, peer_port});
    if (net::read_be16(segment, 2) == 0) {
        // Port 0 is never a TCP port: it stands for our port of a conversation with this peer
        // endpoint, so that seeds can answer an active open from an ephemeral port.
        found = std::find_if(conversations_.begin(), conversations_.end(), [&](const auto& entry) {
            return std::get<1>(entry.first) == peer_address && std::get<2>(entry.first) == peer_port;
        });
        if (found != conversations_.end()) net::write_be16(segment, 2, std::get<0>(found->first));
    }
    if (found == conversations_.end()) return;
    const Progress& progress = found->second;
    if (progress.acknowledged) net::write_be32(segment, 4, progress.receive_next + net::read_be32(segment, 4));
    if (progress.sent) net::write_be32(segment, 8, progress.send_next + net::read_be32(segment, 8));
}

void FrameRewriter::repair_checksums(std::span<uint8_t> frame) {
    auto ip = locate_ipv4(frame);
    if (!ip) return;
    std::span<uint8_t> header = ip->datagram.first(ip->header_length);
    net::write_be16(header, 10, 0);
    net::write_be16(header, 10, net::internet_checksum(header));

    // Transport checksums cover the whole transport message: only for unfragmented datagrams
    // (MF clear, offset 0, RFC 791) whose total length lies within the frame.
    size_t total_length = net::read_be16(header, 2);
    bool fragment = (net::read_be16(header, 6) & 0x3fffu) != 0;
    if (fragment || total_length < ip->header_length || total_length > ip->datagram.size()) return;
    std::span<uint8_t> transport = ip->datagram.subspan(ip->header_length, total_length - ip->header_length);
    Ipv4Address source = address_at(header, 12);
    Ipv4Address destination = address_at(header, 16);

    switch (static_cast<net::IpProtocol>(header[9])) {
    case net::IpProtocol::Tcp:
        if (transport.size() < net::TcpSegment::min_header_size) return;
        net::write_be16(transport, 16, 0);
        net::write_be16(transport, 16, net::ipv4_transport_checksum(source, destination, header[9], transport));
        return;
    case net::IpProtocol::Udp: {
        if (transport.size() < 8) return;
        size_t length = net::read_be16(transport, 4);
        if (length < 8 || length > transport.size()) return;
        net::write_be16(transport, 6, 0);
        uint16_t checksum = net::ipv4_transport_checksum(source, destination, header[9], transport.first(length));
        net::write_be16(transport, 6, checksum == 0 ? 0xffff : checksum);  // RFC 768: 0 means none
        return;
    }
    case net::IpProtocol::Icmp:
        if (transport.size() < 8) return;
        net::write_be16(transport, 2, 0);
        net::write_be16(transport, 2, net::internet_checksum(transport));
        return;
    }
}

}  // namespace ingot::fuzz
