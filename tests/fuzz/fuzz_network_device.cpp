// Kernel headers first: <cerrno> (pulled in by the standard library) defines the E* names as
// macros, so this file spells Errno::ENOBUFS as Errno{ENOBUFS}, the same Linux value.
#include <lib/errno.h>
#include <net/wire/arp_packet.h>
#include <net/wire/ethernet_frame.h>
#include <net/wire/icmpv4_message.h>
#include <net/wire/ipv4_packet.h>
#include <net/wire/tcp_segment.h>
#include <net/wire/udp_datagram.h>

#include "frame_description.h"
#include "fuzz_network_device.h"
#include "harness_network.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace ingot::fuzz {
namespace {

[[noreturn]] void reject(const char* why, std::span<const uint8_t> frame) {
    std::fprintf(stderr, "network receive harness: the stack transmitted a bad frame (%s), %zu bytes:", why,
                 frame.size());
    for (size_t i = 0; i < std::min<size_t>(frame.size(), 128); ++i) std::fprintf(stderr, " %02x", frame[i]);
    std::fputc('\n', stderr);
    std::abort();
}

void check_ipv4(std::span<const uint8_t> frame, std::span<const uint8_t> payload) {
    auto ip = net::Ipv4Packet::parse(payload);
    if (!ip.ok()) reject("IPv4 header", frame);
    const net::Ipv4Packet& packet = ip.value();
    if (packet.source() != kOurIp) reject("IPv4 source", frame);
    if (packet.is_fragment()) reject("IPv4 fragment", frame);
    switch (static_cast<net::IpProtocol>(packet.protocol())) {
    case net::IpProtocol::Tcp: {
        auto tcp = net::TcpSegment::parse(packet.payload());
        if (!tcp.ok()) reject("TCP header", frame);
        if (!tcp.value().checksum_valid(packet.source(), packet.destination())) reject("TCP checksum", frame);
        return;
    }
    case net::IpProtocol::Udp: {
        auto udp = net::UdpDatagram::parse(packet.payload());
        if (!udp.ok()) reject("UDP header", frame);
        if (!udp.value().checksum_valid(packet.source(), packet.destination())) reject("UDP checksum", frame);
        return;
    }
    case net::IpProtocol::Icmp:
        if (!net::Icmpv4Message::parse(packet.payload()).ok()) reject("ICMP message", frame);
        return;
    }
    reject("IP protocol", frame);
}

}  // namespace

// IEEE 802.3 frame sizes without the FCS: 60 to 1514 bytes (the stack pads short frames).
void check_transmitted_frame(std::span<const uint8_t> frame) {
    if (frame.size() < net::EthernetFrame::min_frame_size) reject("shorter than 60 bytes", frame);
    if (frame.size() > net::EthernetFrame::header_size + net::EthernetFrame::max_payload_size)
        reject("longer than 1514 bytes", frame);
    auto ethernet = net::EthernetFrame::parse(frame);
    if (!ethernet.ok()) reject("Ethernet header", frame);
    if (ethernet.value().source() != kOurMac) reject("source MAC", frame);

    switch (static_cast<net::EtherType>(ethernet.value().ether_type())) {
    case net::EtherType::Arp: {
        auto arp = net::ArpPacket::parse(ethernet.value().payload());
        if (!arp.ok()) reject("ARP packet", frame);
        if (arp.value().sender_mac() != kOurMac) reject("ARP sender MAC", frame);
        return;
    }
    case net::EtherType::Ipv4:
        check_ipv4(frame, ethernet.value().payload());
        return;
    }
    reject("EtherType", frame);
}

Result<void> FuzzNetworkDevice::send_frame(std::span<const uint8_t> frame) {
    check_transmitted_frame(frame);
    if (harness_tracing())
        std::fprintf(stderr, "    %s %s\n", refusing_ ? "refused" : "sent", describe_frame(frame).c_str());
    if (refusing_) return Errno{ENOBUFS};
    rewriter_.observe_transmitted(frame);
    return {};
}

net::MacAddress FuzzNetworkDevice::device_mac() const { return kOurMac; }

void FuzzNetworkDevice::collect(FunctionRef<void(std::span<const uint8_t>)> deliver) {
    std::vector<std::vector<uint8_t>> frames;
    frames.swap(inbox_);
    for (const auto& frame : frames) deliver(frame);
}

}  // namespace ingot::fuzz
