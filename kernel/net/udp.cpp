#include <net/udp.h>
#include <net/udp_endpoint.h>
#include <net/wire/udp_datagram.h>

namespace ingot::net {

namespace {
constexpr uint32_t ephemeral_count = Udp::ephemeral_last - Udp::ephemeral_first + 1;
}  // namespace

Udp::Udp(Ipv4Output& output, Icmp* icmp, uint32_t port_seed)
    : output_(output), icmp_(icmp), next_ephemeral_(port_seed % ephemeral_count) {}

void Udp::attach(UdpEndpoint& endpoint) {
    endpoint.next_ = first_;
    endpoint.previous_ = nullptr;
    if (first_ != nullptr) first_->previous_ = &endpoint;
    first_ = &endpoint;
}

void Udp::detach(UdpEndpoint& endpoint) {
    if (endpoint.previous_ != nullptr) endpoint.previous_->next_ = endpoint.next_;
    else first_ = endpoint.next_;
    if (endpoint.next_ != nullptr) endpoint.next_->previous_ = endpoint.previous_;
    endpoint.next_ = endpoint.previous_ = nullptr;
}

bool Udp::port_in_use(Ipv4Address address, uint16_t port, const UdpEndpoint* except) const {
    for (const UdpEndpoint* e = first_; e != nullptr; e = e->next_) {
        if (e == except || !e->bound_ || e->local_.port != port) continue;
        // Two bindings clash unless both name different specific addresses.
        if (address.is_unspecified() || e->local_.address.is_unspecified() ||
            address == e->local_.address) {
            return true;
        }
    }
    return false;
}

Result<uint16_t> Udp::allocate_port(Ipv4Address address) {
    // RFC 6056 §3.3.1 style: walk the range from a seeded, advancing offset.
    for (uint32_t tries = 0; tries < ephemeral_count; ++tries) {
        uint16_t port = static_cast<uint16_t>(ephemeral_first + next_ephemeral_);
        next_ephemeral_ = (next_ephemeral_ + 1) % ephemeral_count;
        if (!port_in_use(address, port, nullptr)) return port;
    }
    return Errno::EAGAIN;
}

void Udp::receive_ipv4(const Ipv4Packet& packet, uint64_t now_ns) {
    ++statistics_.received;
    auto parsed = UdpDatagram::parse(packet.payload());
    if (!parsed.ok()) {
        ++statistics_.malformed;
        return;
    }
    const UdpDatagram& datagram = parsed.value();
    if (!datagram.checksum_valid(packet.source(), packet.destination())) {
        ++statistics_.checksum_errors;
        return;
    }
    Ipv4Endpoint source{packet.source(), datagram.source_port()};
    UdpEndpoint* best = nullptr;
    int best_score = -1;
    for (UdpEndpoint* e = first_; e != nullptr; e = e->next_) {
        if (!e->bound_ || e->local_.port != datagram.destination_port()) continue;
        bool specific = !e->local_.address.is_unspecified();
        if (specific && e->local_.address != packet.destination()) continue;
        if (e->connected_ && e->remote_ != source) continue;
        int score = (e->connected_ ? 2 : 0) + (specific ? 1 : 0);
        if (score > best_score) {
            best = e;
            best_score = score;
        }
    }
    if (best == nullptr) {
        // RFC 1122 §4.1.3.1: port unreachable (Icmp applies the §3.2.2 restrictions).
        ++statistics_.no_port;
        if (icmp_ != nullptr) {
            icmp_->send_destination_unreachable(packet, Icmpv4UnreachableCode::Port, now_ns);
        }
        return;
    }
    if (!best->enqueue(source, packet.destination(), datagram.payload())) {
        ++statistics_.queue_full;
        return;
    }
    ++statistics_.delivered;
}

void Udp::receive_error(const Ipv4Packet& original, Errno error, uint64_t) {
    ++statistics_.errors_received;
    std::span<const uint8_t> header = original.payload();
    if (header.size() < UdpDatagram::header_size) return;
    uint16_t local_port = read_be16(header, 0);
    Ipv4Endpoint remote{original.destination(), read_be16(header, 2)};
    for (UdpEndpoint* e = first_; e != nullptr; e = e->next_) {
        if (e->bound_ && e->connected_ && e->local_.port == local_port && e->remote_ == remote) {
            e->pending_error_ = error;
        }
    }
}

}  // namespace ingot::net
