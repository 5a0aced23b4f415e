// The socket-facing calls of TcpStack: handles, listen/accept/connect, data calls, and
// ephemeral ports (RFC 6056).
#include <net/tcp/tcp_stack.h>

#include <algorithm>
#include <new>

namespace ingot::net {

namespace {

TcpSocketOptions clamped(TcpSocketOptions options) {
    options.send_buffer_size = std::clamp(options.send_buffer_size, kTcpMinBufferSize, kTcpMaxBufferSize);
    options.receive_buffer_size = std::clamp(options.receive_buffer_size, kTcpMinBufferSize, kTcpMaxBufferSize);
    return options;
}

}  // namespace

uint32_t TcpStack::allocate_slot() {
    if (!free_slots_.empty()) {
        uint32_t slot = free_slots_.back();
        free_slots_.pop_back();
        return slot;
    }
    slots_.push_back(Slot{});
    return static_cast<uint32_t>(slots_.size() - 1);
}

void TcpStack::free_slot(uint32_t slot) {
    Slot& s = slots_[slot];
    if (s.connection) --connections_;
    delete s.connection;
    delete s.listener;
    uint32_t generation = s.generation + 1;
    s = Slot{};
    s.generation = generation;  // stale handles stop matching
    free_slots_.push_back(slot);
}

TcpConnection* TcpStack::user_connection(TcpHandle handle) const {
    if (handle.index >= slots_.size()) return nullptr;
    const Slot& s = slots_[handle.index];
    if (s.generation != handle.generation || s.owner != Owner::User) return nullptr;
    return s.connection;
}

TcpStack::Listener* TcpStack::user_listener(TcpHandle handle) const {
    if (handle.index >= slots_.size()) return nullptr;
    const Slot& s = slots_[handle.index];
    if (s.generation != handle.generation || s.owner != Owner::User) return nullptr;
    return s.listener;
}

bool TcpStack::listener_conflicts(Ipv4Endpoint local) const {
    for (uint32_t i : listener_slots_) {
        const Ipv4Endpoint& other = slots_[i].listener->local;
        if (other.port != local.port) continue;
        if (other.address == local.address || other.address.is_unspecified() || local.address.is_unspecified()) {
            return true;
        }
    }
    return false;
}

std::optional<uint16_t> TcpStack::pick_ephemeral_port(Ipv4Address local, Ipv4Endpoint remote, bool for_listener) {
    // RFC 6056 §3.3.3 (Algorithm 3): start at a keyed hash of the endpoints plus a counter,
    // then search upward for a port whose 4-tuple (or, for a listener, whose port) is free.
    const TcpConfig& config = env_.config();
    if (config.ephemeral_port_last < config.ephemeral_port_first) return std::nullopt;
    const uint32_t count = uint32_t{config.ephemeral_port_last} - config.ephemeral_port_first + 1;
    const uint32_t offset = env_.keys().port_offset(local, remote) + port_counter_;
    for (uint32_t i = 0; i < count; ++i) {
        const uint16_t port = static_cast<uint16_t>(config.ephemeral_port_first + (offset + i) % count);
        const Ipv4Endpoint endpoint{local, port};
        if (listener_conflicts(endpoint)) continue;
        if (!for_listener && table_.find(TcpFourTuple{endpoint, remote})) continue;
        port_counter_ += i + 1;
        return port;
    }
    return std::nullopt;
}

Result<TcpHandle> TcpStack::listen(Ipv4Endpoint local, uint32_t backlog, const TcpSocketOptions& options) {
    if (local.address.is_broadcast() || local.address.is_multicast()) return Errno::EADDRNOTAVAIL;
    if (local.port == 0) {
        std::optional<uint16_t> port = pick_ephemeral_port(local.address, Ipv4Endpoint{}, true);
        if (!port) return Errno::EADDRINUSE;
        local.port = *port;
    } else if (listener_conflicts(local)) {
        return Errno::EADDRINUSE;
    }
    auto* listener = new (std::nothrow_t{}) Listener;
    if (!listener) return Errno::ENOMEM;
    listener->local = local;
    // Linux: backlog is capped by somaxconn; 0 still admits one connection.
    listener->backlog = std::clamp<uint32_t>(backlog, 1, env_.config().max_backlog);
    listener->options = clamped(options);
    uint32_t slot = allocate_slot();
    slots_[slot].listener = listener;
    slots_[slot].owner = Owner::User;
    listener_slots_.push_back(slot);
    return TcpHandle{slot, slots_[slot].generation};
}

Result<TcpHandle> TcpStack::accept(TcpHandle handle) {
    Listener* listener = user_listener(handle);
    if (!listener) return user_connection(handle) ? Errno::EINVAL : Errno::EBADF;
    if (listener->accept_queue.empty()) return Errno::EAGAIN;
    uint32_t slot = listener->accept_queue.front();
    listener->accept_queue.erase(listener->accept_queue.begin());
    Slot& s = slots_[slot];
    s.owner = Owner::User;
    s.queued = false;
    return TcpHandle{slot, s.generation};
}

Result<TcpHandle> TcpStack::connect(Ipv4Endpoint local, Ipv4Endpoint remote, const TcpSocketOptions& options,
                                    uint64_t now) {
    if (remote.port == 0 || remote.address.is_unspecified() || remote.address.is_broadcast() ||
        remote.address.is_multicast()) {
        return Errno::EINVAL;
    }
    if (local.address.is_unspecified()) {
        local.address = env_.output().source_address_for(remote.address);
        if (local.address.is_unspecified()) return Errno::ENETUNREACH;
    }
    if (connections_ >= env_.config().max_connections) return Errno::ENOBUFS;
    if (local.port == 0) {
        std::optional<uint16_t> port = pick_ephemeral_port(local.address, remote, false);
        if (!port) return Errno::EADDRNOTAVAIL;
        local.port = *port;
    } else if (table_.find(TcpFourTuple{local, remote})) {
        return Errno::EADDRINUSE;
    }
    auto* connection = new (std::nothrow_t{}) TcpConnection(env_, TcpFourTuple{local, remote}, clamped(options));
    if (!connection) return Errno::ENOMEM;
    uint32_t slot = allocate_slot();
    connection->set_owner_tag(slot);
    slots_[slot].connection = connection;
    slots_[slot].owner = Owner::User;
    ++connections_;
    table_.insert(connection);
    connection->open_active(now);
    settle(slot);  // SYN-SENT has its retransmission timer armed
    return TcpHandle{slot, slots_[slot].generation};
}

Result<size_t> TcpStack::send(TcpHandle handle, IoBuffer& src, uint64_t now) {
    TcpConnection* connection = user_connection(handle);
    if (!connection) return user_listener(handle) ? Errno::ENOTCONN : Errno::EBADF;
    Result<size_t> sent = connection->send(src, now);
    settle(handle.index);
    return sent;
}

Result<size_t> TcpStack::send(TcpHandle handle, std::span<const uint8_t> bytes, uint64_t now) {
    IoBuffer src = IoBuffer::kernel_source(bytes);
    return send(handle, src, now);
}

Result<size_t> TcpStack::receive(TcpHandle handle, IoBuffer& dst, uint64_t now, bool peek) {
    TcpConnection* connection = user_connection(handle);
    if (!connection) return user_listener(handle) ? Errno::ENOTCONN : Errno::EBADF;
    Result<size_t> received = connection->receive(dst, peek, now);
    settle(handle.index);
    return received;
}

Result<size_t> TcpStack::receive(TcpHandle handle, std::span<uint8_t> bytes, uint64_t now) {
    IoBuffer dst = IoBuffer::kernel(bytes);
    return receive(handle, dst, now);
}

Result<void> TcpStack::shutdown(TcpHandle handle, TcpShutdown how, uint64_t now) {
    TcpConnection* connection = user_connection(handle);
    if (!connection) return user_listener(handle) ? Errno::ENOTCONN : Errno::EBADF;
    Result<void> done = connection->shutdown(how, now);
    settle(handle.index);
    return done;
}

void TcpStack::close_listener(uint32_t slot) {
    // Connections still in the SYN or accept queue have no owner: reset them (Linux
    // inet_csk_listen_stop does the same).
    for (uint32_t i = 0; i < slots_.size(); ++i) {
        Slot& s = slots_[i];
        if (s.connection && s.owner == Owner::Listener && s.parent == slot) {
            s.connection->abort();
            settle(i);
        }
    }
    listener_slots_.erase(std::find(listener_slots_.begin(), listener_slots_.end(), slot));
    free_slot(slot);
}

Result<void> TcpStack::close(TcpHandle handle, uint64_t now) {
    if (user_listener(handle)) {
        close_listener(handle.index);
        return {};
    }
    TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    connection->close(now);
    slots_[handle.index].owner = Owner::Orphan;
    settle(handle.index);
    return {};
}

Result<TcpReadiness> TcpStack::readiness(TcpHandle handle) const {
    if (const Listener* listener = user_listener(handle)) {
        TcpReadiness r;
        r.readable = !listener->accept_queue.empty();
        return r;
    }
    const TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    return connection->readiness();
}

Result<int> TcpStack::take_error(TcpHandle handle) {
    if (user_listener(handle)) return 0;
    TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    return static_cast<int>(connection->take_error());
}

Result<Ipv4Endpoint> TcpStack::local_endpoint(TcpHandle handle) const {
    if (const Listener* listener = user_listener(handle)) return listener->local;
    const TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    return connection->tuple().local;
}

Result<Ipv4Endpoint> TcpStack::remote_endpoint(TcpHandle handle) const {
    if (user_listener(handle)) return Errno::ENOTCONN;
    const TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    return connection->tuple().remote;
}

Result<TcpState> TcpStack::state(TcpHandle handle) const {
    if (user_listener(handle)) return TcpState::Listen;
    const TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    return connection->state();
}

Result<TcpConnectionInfo> TcpStack::info(TcpHandle handle) const {
    const TcpConnection* connection = user_connection(handle);
    if (!connection) return user_listener(handle) ? Errno::ENOTCONN : Errno::EBADF;
    return connection->info();
}

Result<TcpSocketOptions> TcpStack::options(TcpHandle handle) const {
    if (const Listener* listener = user_listener(handle)) return listener->options;
    const TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    return connection->options();
}

Result<void> TcpStack::set_options(TcpHandle handle, const TcpSocketOptions& options, uint64_t now) {
    if (Listener* listener = user_listener(handle)) {
        listener->options = clamped(options);  // inherited by connections accepted from now on
        return {};
    }
    TcpConnection* connection = user_connection(handle);
    if (!connection) return Errno::EBADF;
    Result<void> done = connection->set_options(options, now);
    settle(handle.index);
    return done;
}

}  // namespace ingot::net
