#include <net/socket/udp_socket_file.h>
#include <proc/event_loop.h>

#include <algorithm>
#include <vector>

namespace ingot::net {

UdpSocketFile::UdpSocketFile(NetworkStack* stack, uint32_t open_flags) : SocketFile(kSockDgram, open_flags) {
    if (stack) endpoint_.emplace(stack->udp());
    settings().send_buffer_reported = kDefaultBuffer;
    settings().receive_buffer_reported = kDefaultBuffer;
}

Result<void> UdpSocketFile::bind(Ipv4Endpoint local) {
    if (!endpoint_) {
        // Without a network only the wildcard address exists.
        if (!local.address.is_unspecified()) return Errno::EADDRNOTAVAIL;
        if (bound_without_network_) return Errno::EINVAL;
        bound_without_network_ = true;
        return {};
    }
    return endpoint_->bind(local);
}

Result<void> UdpSocketFile::connect(Ipv4Endpoint remote) {
    if (!endpoint_) return Errno::ENETUNREACH;
    TRY(endpoint_->connect(remote));
    ++own_events_;
    return {};
}

Result<void> UdpSocketFile::disconnect() {
    if (endpoint_) endpoint_->disconnect();
    ++own_events_;
    return {};
}

Result<size_t> UdpSocketFile::send(IoBuffer& src, std::optional<Ipv4Endpoint> destination, uint32_t flags) {
    if (flags & kMsgOob) return Errno::EOPNOTSUPP;  // udp_sendmsg
    if (write_shut_) return Errno::EPIPE;
    if (src.size() > kMaxPayload) return Errno::EMSGSIZE;
    if (!endpoint_) return destination ? Errno::ENETUNREACH : Errno::EDESTADDRREQ;
    // ip(7): sending to a broadcast address needs SO_BROADCAST, else EACCES.
    std::optional<Ipv4Endpoint> target = destination ? destination : endpoint_->remote();
    if (target && target->address.is_broadcast() && !settings().broadcast) return Errno::EACCES;
    std::vector<uint8_t> payload(src.size());
    if (!payload.empty()) TRY(src.copy_from_buffer(0, payload.data(), payload.size()));
    return endpoint_->send_to(payload, destination);
}

Result<SocketReceived> UdpSocketFile::receive(IoBuffer& dst, uint32_t flags) {
    bool peek = flags & kMsgPeek;
    bool polled = false;
    for (;;) {
        if (endpoint_ && endpoint_->readable()) {
            std::vector<uint8_t> bytes(std::min(dst.size(), std::max(endpoint_->next_datagram_size(), size_t{1})));
            ReceivedDatagram datagram = TRY(endpoint_->receive_from(bytes, peek));
            if (datagram.copied) TRY(dst.copy_to_buffer(0, bytes.data(), datagram.copied));
            if (!peek) ++consumed_;
            SocketReceived received;
            received.copied = datagram.copied;
            received.length = datagram.length;
            received.source = datagram.source;
            return received;
        }
        // After shutdown(SHUT_RD) an empty queue reads as end of file.
        if (read_shut_) return SocketReceived{};
        if (must_not_wait(flags)) {
            // A call that does not wait still lets the network make progress, once.
            if (polled) return Errno::EAGAIN;
            polled = true;
            run_event_sources();
            continue;
        }
        bool ready = TRY(wait_until([this] { return read_shut_ || (endpoint_ && endpoint_->readable()); },
                                    deadline(false)));
        if (!ready) return Errno::EAGAIN;  // SO_RCVTIMEO ran out
    }
}

Result<void> UdpSocketFile::shutdown(int how) {
    // inet_shutdown: an unconnected datagram socket records the shutdown yet reports ENOTCONN.
    if (how != 1) read_shut_ = true;
    if (how != 0) write_shut_ = true;
    ++own_events_;
    if (!endpoint_ || !endpoint_->remote()) return Errno::ENOTCONN;
    return {};
}

Ipv4Endpoint UdpSocketFile::local_name() const {
    if (endpoint_) {
        if (auto local = endpoint_->local()) return *local;
    }
    return {};
}

Result<Ipv4Endpoint> UdpSocketFile::peer_name() const {
    if (endpoint_) {
        if (auto remote = endpoint_->remote()) return *remote;
    }
    return Errno::ENOTCONN;
}

int UdpSocketFile::take_error() {
    if (!endpoint_) return 0;
    return static_cast<int>(endpoint_->take_error());
}

void UdpSocketFile::apply_settings() {
    if (endpoint_) endpoint_->set_receive_buffer(settings().receive_buffer_reported);
}

uint32_t UdpSocketFile::poll_events() const {
    // datagram_poll: always writable; readable with a datagram or a pending error.
    uint32_t events = kPollOut;
    if (endpoint_ && endpoint_->readable()) events |= kPollIn;
    if (read_shut_) events |= kPollIn | kPollReadHangUp;
    if (read_shut_ && write_shut_) events |= kPollHangUp;
    return events;
}

uint64_t UdpSocketFile::event_generation() const {
    // Every arrival adds one to the queue; every receive moves one from it to consumed_.
    uint64_t queued = endpoint_ ? endpoint_->queued_datagrams() + endpoint_->dropped() : 0;
    return own_events_ + consumed_ + queued;
}

Result<int> UdpSocketFile::bytes_readable() const {
    return endpoint_ ? static_cast<int>(endpoint_->next_datagram_size()) : 0;
}

}  // namespace ingot::net
