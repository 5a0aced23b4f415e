// One Ethernet interface with one IPv4 address: receives frames from the driver, runs ARP and
// IPv4 (validation, reassembly, demultiplexing to transports, ICMP), and sends transport
// segments as IPv4 datagrams in Ethernet frames (Ipv4Output). Datagrams to 127.0.0.0/8 or to
// the interface's own address loop back: they are queued and delivered by the next poll(),
// never re-entering a transport from inside its own send. Driven entirely by its caller:
// receive_frame() for each frame, poll() for timers; it never reads a clock. Sends use the
// time of the latest receive_frame() or poll() call.
#pragma once

#include <lib/result.h>
#include <net/arp.h>
#include <net/frame_output.h>
#include <net/icmp.h>
#include <net/ip_output.h>
#include <net/ipv4_reassembler.h>
#include <net/net_types.h>
#include <net/protocol_registry.h>
#include <net/wire/ethernet_frame.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ingot::net {

struct InterfaceConfig {
    MacAddress mac;
    Ipv4Address address;          // unspecified until configured (DHCP)
    uint8_t prefix_length = 24;
    Ipv4Address gateway;          // unspecified: only on-link destinations are reachable
    size_t mtu = EthernetFrame::max_payload_size;
    ArpLimits arp;
    ReassemblyLimits reassembly;
    IcmpLimits icmp;
};

// Counters for diagnostics; IPv4 names follow RFC 4293 ipSystemStatsTable.
struct InterfaceStatistics {
    uint64_t frames_received = 0;
    uint64_t bytes_received = 0;
    uint64_t frames_malformed = 0;       // shorter than a header, or an 802.3 length frame
    uint64_t frames_not_for_us = 0;      // another unicast MAC, or a multicast group
    uint64_t frames_unknown_type = 0;    // EtherType other than IPv4 and ARP
    uint64_t frames_sent = 0;
    uint64_t bytes_sent = 0;
    uint64_t send_errors = 0;            // the driver refused a frame
    uint64_t looped_back = 0;            // datagrams to ourselves, never on the wire
    uint64_t ip_received = 0;
    uint64_t ip_header_errors = 0;       // bad version, IHL, length or checksum
    uint64_t ip_truncated = 0;           // shorter than its total length
    uint64_t ip_address_errors = 0;      // not for us, or an impossible source
    uint64_t ip_unknown_protocol = 0;
    uint64_t ip_delivered = 0;
    uint64_t ip_send_requests = 0;
    uint64_t ip_no_route = 0;
    uint64_t ip_too_big = 0;
    uint64_t ip_send_discards = 0;       // other send failures
};

class Interface final : public Ipv4Output, private ArpLink {
public:
    // The driver's output must outlive the interface.
    Interface(FrameOutput& output, const InterfaceConfig& config);
    Interface(const Interface&) = delete;
    Interface& operator=(const Interface&) = delete;

    MacAddress mac() const { return mac_; }
    Ipv4Address address() const { return address_; }
    uint8_t prefix_length() const { return prefix_length_; }
    Ipv4Address gateway() const { return gateway_; }
    size_t mtu() const { return mtu_; }

    // Sets (or with any() clears) the IPv4 configuration; the ARP cache is flushed.
    void set_ipv4(Ipv4Address address, uint8_t prefix_length, Ipv4Address gateway);

    // Makes handler receive datagrams with this protocol number (nullptr removes it). ICMP is
    // built in; registering protocol 1 replaces it.
    void register_protocol(uint8_t protocol, ProtocolHandler* handler);

    // The built-in ICMP, which UDP uses to report closed ports.
    Icmp& icmp() { return icmp_; }

    // Handles one received Ethernet frame (no FCS). Malformed frames are counted and dropped.
    void receive_frame(std::span<const uint8_t> frame, uint64_t now_ns);

    // Runs timers: ARP retries and expiry, announcements, reassembly timeouts.
    void poll(uint64_t now_ns);

    // The earliest time poll() has work (timers, or looped-back datagrams: then a time
    // already past), or nullopt.
    std::optional<uint64_t> next_deadline() const;

    // Announces our address with gratuitous ARP (RFC 5227 §2.3), at start or after a change.
    void announce(uint64_t now_ns);

    // Ipv4Output: builds the IPv4 header (TTL 64, DF, a fresh identification), routes (on-link
    // or via the gateway; broadcast and multicast map to group MACs) and transmits through ARP.
    Result<void> send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                           std::span<const uint8_t> transport_header_and_payload) override;
    Result<void> send_ipv4_parts(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                 std::span<const uint8_t> header,
                                 std::span<const uint8_t> payload) override;
    // 127.0.0.1 for loopback destinations, else the interface's address.
    Ipv4Address source_address_for(Ipv4Address destination) const override;
    size_t max_transport_size(Ipv4Address destination) const override;
    // 127.0.0.0/8 and the interface's address.
    bool is_local_address(Ipv4Address address) const override;

    const InterfaceStatistics& statistics() const { return statistics_; }
    const Arp& arp() const { return arp_; }
    const Ipv4Reassembler& reassembler() const { return reassembler_; }

private:
    // ArpLink.
    MacAddress arp_hardware_address() const override { return mac_; }
    Ipv4Address arp_protocol_address() const override { return address_; }
    void transmit_arp(const ArpFields& packet, MacAddress destination) override;
    void transmit_datagram(MacAddress destination, std::span<const uint8_t> datagram) override;
    void report_unreachable(std::span<const uint8_t> datagram, uint64_t now_ns) override;

    void receive_ipv4(std::span<const uint8_t> bytes, uint64_t now_ns);
    void deliver(const Ipv4Packet& packet, uint64_t now_ns);
    bool accepts_destination(Ipv4Address destination) const;
    bool is_broadcast_for_us(Ipv4Address destination) const;
    // Queues a finished datagram (in the transmit buffer) for delivery by the next poll().
    Result<void> loop_back(std::span<const uint8_t> datagram);
    void deliver_looped_back(uint64_t now_ns);
    // Pads to the Ethernet minimum, hands the frame to the driver and counts it.
    Result<void> transmit_frame(size_t length);
    Result<void> send_to_driver(std::span<const uint8_t> frame);
    // The datagram area of the transmit buffer, after the Ethernet header.
    std::span<uint8_t> datagram_area() { return std::span<uint8_t>(tx_frame_).subspan(EthernetFrame::header_size); }

    FrameOutput& output_;
    MacAddress mac_;
    Ipv4Address address_;
    uint8_t prefix_length_;
    Ipv4Address gateway_;
    size_t mtu_;
    uint16_t next_identification_ = 1;
    uint64_t now_ns_ = 0;
    Errno transmit_error_ = Errno{0};  // the driver's answer to the latest datagram
    ProtocolRegistry registry_;
    Arp arp_;
    Ipv4Reassembler reassembler_;
    Icmp icmp_;
    std::array<uint8_t, EthernetFrame::header_size + EthernetFrame::max_payload_size> tx_frame_{};
    std::vector<std::vector<uint8_t>> looped_back_;
    InterfaceStatistics statistics_;
};

}  // namespace ingot::net
