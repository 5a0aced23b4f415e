#include <net/udp_endpoint.h>
#include <net/wire/checksum.h>
#include <net/wire/udp_datagram.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace ingot::net {

UdpEndpoint::UdpEndpoint(Udp& udp, size_t receive_buffer_bytes)
    : udp_(udp), receive_buffer_(receive_buffer_bytes) {
    udp_.attach(*this);
}

UdpEndpoint::~UdpEndpoint() { udp_.detach(*this); }

Result<void> UdpEndpoint::bind(Ipv4Endpoint local) {
    if (bound_) return Errno::EINVAL;
    if (!local.address.is_unspecified() && !udp_.output_.is_local_address(local.address)) return Errno::EADDRNOTAVAIL;
    if (local.port == 0) {
        local.port = TRY(udp_.allocate_port(local.address));
    } else if (udp_.port_in_use(local.address, local.port, this)) {
        return Errno::EADDRINUSE;
    }
    local_ = local;
    bound_ = true;
    return {};
}

Result<void> UdpEndpoint::bind_ephemeral() {
    if (bound_) return {};
    return bind(Ipv4Endpoint{Ipv4Address::any(), 0});
}

Result<void> UdpEndpoint::connect(Ipv4Endpoint remote) {
    if (remote.port == 0 || remote.address.is_unspecified()) return Errno::EINVAL;
    TRY(bind_ephemeral());
    // As Linux (ip4_datagram_connect): an endpoint bound to any address takes the source
    // address of the route, which getsockname then reports.
    if (local_.address.is_unspecified()) local_.address = udp_.output_.source_address_for(remote.address);
    remote_ = remote;
    connected_ = true;
    return {};
}

void UdpEndpoint::disconnect() {
    connected_ = false;
    remote_ = {};
}

Errno UdpEndpoint::take_error() {
    Errno error = pending_error_;
    pending_error_ = Errno{0};
    return error;
}

std::optional<Ipv4Endpoint> UdpEndpoint::local() const {
    if (!bound_) return std::nullopt;
    return local_;
}

std::optional<Ipv4Endpoint> UdpEndpoint::remote() const {
    if (!connected_) return std::nullopt;
    return remote_;
}

Result<size_t> UdpEndpoint::send_to(std::span<const uint8_t> payload,
                                    std::optional<Ipv4Endpoint> destination) {
    if (Errno error = take_error(); error != Errno{0}) return error;
    if (!destination) {
        if (!connected_) return Errno::EDESTADDRREQ;
        destination = remote_;
    }
    if (destination->port == 0) return Errno::EINVAL;
    Ipv4Output& output = udp_.output_;
    if (payload.size() + UdpDatagram::header_size > output.max_transport_size(destination->address)) {
        return Errno::EMSGSIZE;
    }
    TRY(bind_ephemeral());
    // Source address selection: the bound address, else the one IPv4 uses for the route.
    Ipv4Address source = local_.address.is_unspecified()
                             ? output.source_address_for(destination->address)
                             : local_.address;
    std::array<uint8_t, UdpDatagram::header_size> header;
    std::span<uint8_t> h(header);
    size_t length = header.size() + payload.size();
    write_be16(h, 0, local_.port);
    write_be16(h, 2, destination->port);
    write_be16(h, 4, static_cast<uint16_t>(length));
    write_be16(h, 6, 0);
    ChecksumAccumulator checksum;
    checksum.add_sum(ipv4_pseudo_header_sum(source, destination->address,
                                            static_cast<uint8_t>(IpProtocol::Udp),
                                            static_cast<uint16_t>(length)));
    checksum.add(header);
    checksum.add(payload);
    // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
    write_be16(h, 6, checksum.checksum() == 0 ? 0xffff : checksum.checksum());
    auto sent = output.send_ipv4_parts(source, destination->address,
                                       static_cast<uint8_t>(IpProtocol::Udp), header, payload);
    if (!sent.ok()) {
        ++udp_.statistics_.send_errors;
        return sent.error();
    }
    ++udp_.statistics_.sent;
    return payload.size();
}

bool UdpEndpoint::enqueue(Ipv4Endpoint source, Ipv4Address destination,
                          std::span<const uint8_t> payload) {
    // The limit counts payload bytes; an empty queue always takes one datagram so that a
    // small buffer never blocks all traffic.
    if (queued_datagrams() > 0 && queued_bytes_ + payload.size() > receive_buffer_) {
        ++dropped_;
        return false;
    }
    queue_.push_back(Queued{source, destination, std::vector<uint8_t>(payload.begin(), payload.end())});
    queued_bytes_ += payload.size();
    return true;
}

void UdpEndpoint::pop_front() {
    queued_bytes_ -= queue_[head_].payload.size();
    queue_[head_].payload = {};
    ++head_;
    // Reclaim consumed slots in batches so that a pop is O(1) amortised.
    if (head_ == queue_.size()) {
        queue_.clear();
        head_ = 0;
    } else if (head_ >= 32 && head_ * 2 >= queue_.size()) {
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
}

size_t UdpEndpoint::next_datagram_size() const {
    return head_ < queue_.size() ? queue_[head_].payload.size() : 0;
}

Result<ReceivedDatagram> UdpEndpoint::receive_from(std::span<uint8_t> out, bool peek) {
    if (Errno error = take_error(); error != Errno{0}) return error;
    if (head_ >= queue_.size()) return Errno::EAGAIN;
    const Queued& front = queue_[head_];
    ReceivedDatagram result;
    result.source = front.source;
    result.destination = front.destination;
    result.length = front.payload.size();
    result.copied = std::min(out.size(), front.payload.size());
    if (result.copied > 0) std::memcpy(out.data(), front.payload.data(), result.copied);
    if (!peek) pop_front();
    return result;
}

}  // namespace ingot::net
