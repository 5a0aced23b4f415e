#include <net/interface.h>
#include <net/wire/arp_packet.h>

#include <algorithm>
#include <cstring>

namespace ingot::net {

namespace {

constexpr uint8_t protocol_icmp = static_cast<uint8_t>(IpProtocol::Icmp);
constexpr Ipv4Address loopback_address = Ipv4Address::from_octets(127, 0, 0, 1);
// Looped-back datagrams not yet delivered; beyond this a sender gets ENOBUFS (a program
// writing to itself faster than it reads).
constexpr size_t max_looped_back = 256;

// RFC 1112 §6.4: an IPv4 multicast group maps to 01:00:5e followed by its low 23 bits.
MacAddress multicast_mac(Ipv4Address group) {
    return {{0x01, 0x00, 0x5e, static_cast<uint8_t>(group.octet(1) & 0x7f), group.octet(2),
             group.octet(3)}};
}

}  // namespace

Interface::Interface(FrameOutput& output, const InterfaceConfig& config)
    : output_(output), mac_(config.mac), address_(config.address),
      prefix_length_(std::min<uint8_t>(config.prefix_length, 32)), gateway_(config.gateway),
      mtu_(std::clamp<size_t>(config.mtu, 68, EthernetFrame::max_payload_size)),
      arp_(*this, config.arp), reassembler_(config.reassembly),
      icmp_(*this, registry_, config.icmp) {
    // RFC 791 §3.1 requires every host to accept 68-byte datagrams unfragmented: the floor.
    registry_.set(protocol_icmp, &icmp_);
}

void Interface::set_ipv4(Ipv4Address address, uint8_t prefix_length, Ipv4Address gateway) {
    address_ = address;
    prefix_length_ = std::min<uint8_t>(prefix_length, 32);
    gateway_ = gateway;
    arp_.flush();
}

void Interface::register_protocol(uint8_t protocol, ProtocolHandler* handler) {
    registry_.set(protocol, handler);
}

void Interface::receive_frame(std::span<const uint8_t> bytes, uint64_t now_ns) {
    now_ns_ = now_ns;
    ++statistics_.frames_received;
    statistics_.bytes_received += bytes.size();
    auto parsed = EthernetFrame::parse(bytes);
    if (!parsed.ok()) {
        ++statistics_.frames_malformed;
        return;
    }
    const EthernetFrame& frame = parsed.value();
    if (frame.destination() != mac_ && !frame.destination().is_broadcast()) {
        ++statistics_.frames_not_for_us;  // no multicast groups are joined
        return;
    }
    switch (static_cast<EtherType>(frame.ether_type())) {
    case EtherType::Arp:
        arp_.receive(frame.payload(), now_ns);
        return;
    case EtherType::Ipv4:
        receive_ipv4(frame.payload(), now_ns);
        return;
    default:
        ++statistics_.frames_unknown_type;
        return;
    }
}

bool Interface::is_broadcast_for_us(Ipv4Address destination) const {
    // A subnet-directed broadcast: our prefix with all host bits set (RFC 922; /31 and /32
    // have no broadcast address, RFC 3021).
    if (address_.is_unspecified() || prefix_length_ >= 31) return false;
    uint32_t host_mask = ~Ipv4Address::prefix_mask(prefix_length_);
    return destination.same_subnet(address_, prefix_length_) &&
           (destination.to_host() & host_mask) == host_mask;
}

bool Interface::accepts_destination(Ipv4Address destination) const {
    // While unconfigured every datagram is accepted, so that a DHCP client can receive offers
    // sent to the address being offered (RFC 2131 §4.1).
    return destination == address_ || destination.is_broadcast() ||
           is_broadcast_for_us(destination) || address_.is_unspecified();
}

void Interface::receive_ipv4(std::span<const uint8_t> bytes, uint64_t now_ns) {
    ++statistics_.ip_received;
    auto parsed = Ipv4Packet::parse(bytes);
    if (!parsed.ok()) {
        ++(parsed.error() == Errno::EMSGSIZE ? statistics_.ip_truncated
                                              : statistics_.ip_header_errors);
        return;
    }
    const Ipv4Packet& packet = parsed.value();
    // RFC 1122 §3.2.1.3: a broadcast or multicast source is silently discarded, and so is
    // 127/8 arriving from the wire.
    if (packet.source().is_broadcast() || packet.source().is_multicast() || packet.source().is_loopback() ||
        packet.destination().is_loopback() || !accepts_destination(packet.destination())) {
        ++statistics_.ip_address_errors;
        return;
    }
    if (packet.is_fragment()) {
        if (auto whole = reassembler_.add(packet, now_ns)) deliver(*whole, now_ns);
        return;
    }
    deliver(packet, now_ns);
}

void Interface::deliver(const Ipv4Packet& packet, uint64_t now_ns) {
    ProtocolHandler* handler = registry_.find(packet.protocol());
    if (handler == nullptr) {
        // RFC 1122 §3.2.2.1: protocol unreachable for a transport we do not have.
        ++statistics_.ip_unknown_protocol;
        icmp_.send_destination_unreachable(packet, Icmpv4UnreachableCode::Protocol, now_ns);
        return;
    }
    ++statistics_.ip_delivered;
    handler->receive_ipv4(packet, now_ns);
}

void Interface::poll(uint64_t now_ns) {
    now_ns_ = now_ns;
    deliver_looped_back(now_ns);
    arp_.poll(now_ns);
    reassembler_.poll(now_ns);
}

void Interface::deliver_looped_back(uint64_t now_ns) {
    // Only what was queued before this call: the answers it provokes wait for the next poll.
    std::vector<std::vector<uint8_t>> batch;
    batch.swap(looped_back_);
    for (const std::vector<uint8_t>& datagram : batch) {
        auto parsed = Ipv4Packet::parse(datagram);
        if (!parsed.ok()) continue;  // built by us: cannot happen
        ++statistics_.ip_received;
        deliver(parsed.value(), now_ns);
    }
}

Result<void> Interface::loop_back(std::span<const uint8_t> datagram) {
    if (looped_back_.size() >= max_looped_back) {
        ++statistics_.ip_send_discards;
        return Errno::ENOBUFS;
    }
    looped_back_.emplace_back(datagram.begin(), datagram.end());
    ++statistics_.looped_back;
    return {};
}

std::optional<uint64_t> Interface::next_deadline() const {
    if (!looped_back_.empty()) return now_ns_;
    std::optional<uint64_t> arp = arp_.next_deadline();
    std::optional<uint64_t> reassembly = reassembler_.next_deadline();
    if (arp && reassembly) return std::min(*arp, *reassembly);
    return arp ? arp : reassembly;
}

void Interface::announce(uint64_t now_ns) {
    now_ns_ = now_ns;
    arp_.announce(now_ns);
}

Ipv4Address Interface::source_address_for(Ipv4Address destination) const {
    // RFC 1122 §3.3.6 leaves the choice to the host; Linux answers from 127.0.0.1 on lo.
    return destination.is_loopback() ? loopback_address : address_;
}

bool Interface::is_local_address(Ipv4Address address) const {
    return address.is_loopback() || (!address_.is_unspecified() && address == address_);
}

size_t Interface::max_transport_size(Ipv4Address) const {
    return mtu_ - Ipv4Packet::min_header_size;
}

Result<void> Interface::send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                  std::span<const uint8_t> transport_header_and_payload) {
    return send_ipv4_parts(source, destination, protocol, transport_header_and_payload, {});
}

Result<void> Interface::send_ipv4_parts(Ipv4Address source, Ipv4Address destination,
                                        uint8_t protocol, std::span<const uint8_t> header,
                                        std::span<const uint8_t> payload) {
    ++statistics_.ip_send_requests;
    size_t transport_length = header.size() + payload.size();
    if (transport_length > max_transport_size(destination)) {
        ++statistics_.ip_too_big;
        return Errno::EMSGSIZE;  // DF is always set: the sender must send less (RFC 1191)
    }
    bool to_ourselves = is_local_address(destination);
    if (source.is_unspecified()) {
        source = source_address_for(destination);
    } else if (!is_local_address(source) || (source.is_loopback() && !to_ourselves)) {
        // RFC 1122 §3.2.1.3: 127/8 must never appear outside the host.
        ++statistics_.ip_send_discards;
        return Errno::EADDRNOTAVAIL;
    }
    // Route: broadcast and multicast go straight to a group MAC; unicast goes to the
    // destination when on-link, else to the gateway (RFC 1122 §3.3.1.1).
    std::optional<MacAddress> group;
    Ipv4Address next_hop = destination;
    if (destination.is_broadcast() || is_broadcast_for_us(destination)) {
        group = MacAddress::broadcast();
    } else if (destination.is_multicast()) {
        group = multicast_mac(destination);
    } else if (to_ourselves) {
        // Built below like any datagram, then queued instead of sent.
    } else if (address_.is_unspecified() || destination.is_unspecified()) {
        ++statistics_.ip_no_route;
        return Errno::ENETUNREACH;
    } else if (!destination.same_subnet(address_, prefix_length_)) {
        if (gateway_.is_unspecified()) {
            ++statistics_.ip_no_route;
            return Errno::ENETUNREACH;
        }
        next_hop = gateway_;
    }
    std::span<uint8_t> datagram = datagram_area().first(Ipv4Packet::min_header_size + transport_length);
    uint8_t* transport = datagram.data() + Ipv4Packet::min_header_size;
    if (!header.empty() && header.data() != transport) std::memmove(transport, header.data(), header.size());
    if (!payload.empty()) std::memmove(transport + header.size(), payload.data(), payload.size());
    Ipv4HeaderFields fields;
    fields.source = source;
    fields.destination = destination;
    fields.protocol = protocol;
    fields.payload_length = static_cast<uint16_t>(transport_length);
    fields.identification = next_identification_++;
    // A broadcast/multicast datagram is link-local; TTL 1 keeps it there (as Linux does for
    // multicast). Unicast uses the default of 64.
    if (group && !group->is_broadcast()) fields.ttl = 1;
    TRY(emit_ipv4_header(fields, datagram));
    if (to_ourselves) return loop_back(datagram);
    transmit_error_ = Errno{0};
    if (group) {
        transmit_datagram(*group, datagram);
    } else {
        auto sent = arp_.send(next_hop, datagram, now_ns_);
        if (!sent.ok()) {
            ++statistics_.ip_send_discards;
            return sent.error();
        }
    }
    if (transmit_error_ != Errno{0}) return transmit_error_;
    return {};
}

void Interface::transmit_arp(const ArpFields& packet, MacAddress destination) {
    // ARP frames have their own buffer: a request may go out while a datagram waits in
    // tx_frame_ to be sent.
    std::array<uint8_t, EthernetFrame::min_frame_size> frame{};
    (void)emit_ethernet_header(destination, mac_, EtherType::Arp, frame);
    (void)emit_arp_packet(packet, std::span<uint8_t>(frame).subspan(EthernetFrame::header_size));
    // A lost request or reply is retried by ARP itself (or by the asking neighbour).
    (void)send_to_driver(frame);
}

void Interface::transmit_datagram(MacAddress destination, std::span<const uint8_t> datagram) {
    std::span<uint8_t> area = datagram_area();
    if (datagram.size() > area.size()) {
        ++statistics_.send_errors;
        return;
    }
    // A datagram built in place by send_ipv4 is already there; a queued one is copied in.
    if (datagram.data() != area.data()) std::memcpy(area.data(), datagram.data(), datagram.size());
    (void)emit_ethernet_header(destination, mac_, EtherType::Ipv4, tx_frame_);
    auto sent = transmit_frame(EthernetFrame::header_size + datagram.size());
    if (!sent.ok()) transmit_error_ = sent.error();
}

Result<void> Interface::transmit_frame(size_t length) {
    // IEEE 802.3 §4.2.3.3: frames are padded to the minimum size.
    if (length < EthernetFrame::min_frame_size) {
        std::memset(tx_frame_.data() + length, 0, EthernetFrame::min_frame_size - length);
        length = EthernetFrame::min_frame_size;
    }
    return send_to_driver(std::span<const uint8_t>(tx_frame_.data(), length));
}

Result<void> Interface::send_to_driver(std::span<const uint8_t> frame) {
    auto sent = output_.send_frame(frame);
    if (!sent.ok()) {
        ++statistics_.send_errors;
        return sent.error();
    }
    ++statistics_.frames_sent;
    statistics_.bytes_sent += frame.size();
    return {};
}

void Interface::report_unreachable(std::span<const uint8_t> datagram, uint64_t now_ns) {
    auto parsed = Ipv4Packet::parse(datagram);
    if (!parsed.ok()) return;
    if (ProtocolHandler* handler = registry_.find(parsed.value().protocol())) {
        handler->receive_error(parsed.value(), Errno::EHOSTUNREACH, now_ns);
    }
}

}  // namespace ingot::net
