#include <lib/clock.h>
#include <net/socket/socket_events.h>
#include <net/socket/tcp_socket_file.h>
#include <proc/event_loop.h>

namespace ingot::net {
namespace {

TcpSocketFile* first_socket = nullptr;
uint32_t port_cursor = 0;

}  // namespace

TcpSocketFile::TcpSocketFile(NetworkStack* stack, uint32_t open_flags) : SocketFile(kSockStream, open_flags), stack_(stack) {
    settings().send_buffer_reported = settings().tcp.send_buffer_size;
    settings().receive_buffer_reported = settings().tcp.receive_buffer_size;
    if (stack_) stack_->tcp().set_event_sink(&socket_events());
    next_ = first_socket;
    if (next_) next_->previous_ = this;
    first_socket = this;
}

TcpSocketFile::TcpSocketFile(NetworkStack* stack, TcpHandle connection, const SocketSettings& inherited,
                             uint32_t open_flags)
    : TcpSocketFile(stack, open_flags) {
    settings() = inherited;
    handle_ = connection;
    phase_ = Phase::Connected;
    auto local = stack_->tcp().local_endpoint(connection);
    if (local.ok()) bound_ = local.value();
}

TcpSocketFile::~TcpSocketFile() {
    close_handle();
    if (previous_) previous_->next_ = next_;
    else first_socket = next_;
    if (next_) next_->previous_ = previous_;
}

void TcpSocketFile::close_handle() {
    if (handle_ && stack_) (void)stack_->tcp().close(*handle_, monotonic_ns());
    handle_.reset();
    ++own_events_;
}

// inet_csk_bind_conflict: the same port on overlapping addresses clashes unless both sockets
// set SO_REUSEPORT, or both set SO_REUSEADDR and the other one is not listening.
bool TcpSocketFile::conflicts(Ipv4Endpoint local) const {
    for (const TcpSocketFile* other = first_socket; other; other = other->next_) {
        if (other == this || !other->bound_ || other->bound_->port != local.port) continue;
        Ipv4Address theirs = other->bound_->address;
        if (!(theirs == local.address || theirs.is_unspecified() || local.address.is_unspecified())) continue;
        if (settings().reuse_port && other->settings().reuse_port) continue;
        if (settings().reuse_address && other->settings().reuse_address && !other->is_listening()) continue;
        return true;
    }
    return false;
}

Result<uint16_t> TcpSocketFile::pick_ephemeral_port() const {
    // Linux's ip_local_port_range, searched from a moving cursor.
    const TcpConfig defaults;
    uint32_t first = stack_ ? stack_->tcp().config().ephemeral_port_first : defaults.ephemeral_port_first;
    uint32_t last = stack_ ? stack_->tcp().config().ephemeral_port_last : defaults.ephemeral_port_last;
    uint32_t span = last - first + 1;
    for (uint32_t i = 0; i < span; ++i) {
        uint16_t port = static_cast<uint16_t>(first + (port_cursor++ % span));
        if (!conflicts({Ipv4Address::any(), port})) return port;
    }
    return Errno::EADDRINUSE;
}

Result<void> TcpSocketFile::bind(Ipv4Endpoint local) {
    if (phase_ != Phase::Fresh || bound_) return Errno::EINVAL;  // inet_bind: already bound
    if (!local.address.is_unspecified()) {
        if (!stack_ || !stack_->interface().is_local_address(local.address)) return Errno::EADDRNOTAVAIL;
    }
    if (local.port == 0) {
        local.port = TRY(pick_ephemeral_port());
    } else if (conflicts(local)) {
        return Errno::EADDRINUSE;
    }
    bound_ = local;
    bound_by_user_ = true;
    return {};
}

Result<void> TcpSocketFile::listen(uint32_t backlog) {
    if (phase_ == Phase::Listening) return {};  // listen(2) again only changes the backlog
    if (phase_ != Phase::Fresh) return Errno::EINVAL;
    bool autobound = !bound_;
    if (autobound) bound_ = Ipv4Endpoint{Ipv4Address::any(), TRY(pick_ephemeral_port())};
    if (stack_) {
        auto handle = stack_->tcp().listen(*bound_, backlog, settings().tcp);
        if (!handle.ok()) {
            if (autobound) bound_.reset();
            return handle.error();
        }
        handle_ = handle.value();
    }
    phase_ = Phase::Listening;
    ++own_events_;
    return {};
}

Result<OpenFileRef> TcpSocketFile::accept(uint32_t open_flags, Ipv4Endpoint& peer) {
    if (phase_ != Phase::Listening) return Errno::EINVAL;
    bool polled = false;
    for (;;) {
        if (handle_) {
            auto connection = stack_->tcp().accept(*handle_);
            if (connection.ok()) {
                ++own_events_;
                auto remote = stack_->tcp().remote_endpoint(connection.value());
                if (!remote.ok()) {
                    (void)stack_->tcp().close(connection.value(), monotonic_ns());
                    return Errno::ECONNABORTED;
                }
                peer = remote.value();
                return OpenFileRef(new TcpSocketFile(stack_, connection.value(), settings(), open_flags));
            }
            if (connection.error() != Errno::EAGAIN) return connection.error();
        }
        if (is_nonblocking()) {
            // A call that does not wait still lets the network make progress, once.
            if (polled) return Errno::EAGAIN;
            polled = true;
            run_event_sources();
            continue;
        }
        // Without a network (no handle) nothing ever arrives: accept(2) blocks like Linux's.
        bool ready = TRY(wait_until([this] { return handle_ && (poll_events() & kPollIn); }, deadline(false)));
        if (!ready) return Errno::EAGAIN;  // SO_RCVTIMEO ran out
    }
}

bool TcpSocketFile::connect_settled() const {
    if (!handle_) return true;
    auto state = stack_->tcp().state(*handle_);
    if (!state.ok()) return true;
    return state.value() != TcpState::SynSent && state.value() != TcpState::SynReceived;
}

Result<void> TcpSocketFile::finish_connect() {
    auto state = handle_ ? stack_->tcp().state(*handle_) : Result<TcpState>(Errno::EBADF);
    if (state.ok() && state.value() != TcpState::Closed) {
        phase_ = Phase::Connected;
        ++own_events_;
        return {};
    }
    // __inet_stream_connect: the pending error, or ECONNABORTED once SO_ERROR consumed it;
    // the socket may connect again afterwards.
    int error = handle_ ? stack_->tcp().take_error(*handle_).value_or(0) : 0;
    close_handle();
    phase_ = Phase::Fresh;
    if (!bound_by_user_) bound_.reset();
    return error ? static_cast<Errno>(error) : Errno::ECONNABORTED;
}

Result<void> TcpSocketFile::connect(Ipv4Endpoint remote) {
    switch (phase_) {
    case Phase::Listening:
    case Phase::Connected: return Errno::EISCONN;
    case Phase::Connecting:
        if (connect_settled()) return finish_connect();
        if (is_nonblocking()) return Errno::EALREADY;
        break;
    case Phase::Fresh: {
        if (!stack_) return Errno::ENETUNREACH;
        Ipv4Endpoint local = bound_.value_or(Ipv4Endpoint{});
        handle_ = TRY(stack_->tcp().connect(local, remote, settings().tcp, monotonic_ns()));
        auto chosen = stack_->tcp().local_endpoint(*handle_);
        if (chosen.ok()) bound_ = chosen.value();
        phase_ = Phase::Connecting;
        ++own_events_;
        if (is_nonblocking()) return Errno::EINPROGRESS;
        break;
    }
    }
    // A blocking connect waits for the handshake, at most SO_SNDTIMEO (then EINPROGRESS).
    bool settled = TRY(wait_until([this] { return connect_settled(); }, deadline(true)));
    if (!settled) return Errno::EINPROGRESS;
    return finish_connect();
}

Result<void> TcpSocketFile::disconnect() {
    // connect(AF_UNSPEC) on a stream socket: tcp_disconnect aborts whatever is there.
    if (phase_ == Phase::Listening || phase_ == Phase::Fresh) return {};
    if (handle_) {
        auto options = settings().tcp;
        options.linger_abort = true;
        (void)stack_->tcp().set_options(*handle_, options, monotonic_ns());
    }
    close_handle();
    phase_ = Phase::Fresh;
    if (!bound_by_user_) bound_.reset();
    return {};
}

Result<size_t> TcpSocketFile::send(IoBuffer& src, std::optional<Ipv4Endpoint>, uint32_t flags) {
    if (flags & kMsgOob) return Errno::EOPNOTSUPP;  // urgent data is not supported
    if (phase_ == Phase::Connecting) {
        // sk_stream_wait_connect: a send during the handshake waits for it.
        if (!connect_settled()) {
            if (must_not_wait(flags)) return Errno::EAGAIN;
            bool settled = TRY(wait_until([this] { return connect_settled(); }, deadline(true)));
            if (!settled) return Errno::EAGAIN;
        }
        TRY(finish_connect());
    }
    // tcp_sendmsg: a socket that is not connected fails with EPIPE.
    if (phase_ != Phase::Connected) return Errno::EPIPE;
    if (src.size() == 0) return size_t{0};
    size_t total = 0;
    bool polled = false;
    while (total < src.size()) {
        IoBuffer rest = src.tail(total);
        auto sent = stack_->tcp().send(*handle_, rest, monotonic_ns());
        if (sent.ok() && sent.value() > 0) {
            total += sent.value();
            continue;
        }
        if (!sent.ok() && sent.error() != Errno::EAGAIN) {
            if (total) break;
            return sent.error();
        }
        if (must_not_wait(flags)) {
            if (polled) break;
            polled = true;
            run_event_sources();
            continue;
        }
        bool ready = TRY(wait_until([this] { return (poll_events() & (kPollOut | kPollErr | kPollHangUp)) != 0; },
                                    deadline(true)));
        if (!ready) break;
    }
    if (total == 0) return Errno::EAGAIN;
    return total;
}

Result<SocketReceived> TcpSocketFile::receive(IoBuffer& dst, uint32_t flags) {
    if (flags & kMsgOob) return Errno::EINVAL;  // tcp_recv_urg: no urgent data
    if (phase_ == Phase::Fresh || phase_ == Phase::Listening) return Errno::ENOTCONN;
    if (phase_ == Phase::Connecting) {
        if (!connect_settled()) {
            if (must_not_wait(flags)) return Errno::EAGAIN;
            bool settled = TRY(wait_until([this] { return connect_settled(); }, deadline(false)));
            if (!settled) return Errno::EAGAIN;
        }
        TRY(finish_connect());
    }
    bool peek = flags & kMsgPeek;
    bool wait_all = (flags & kMsgWaitAll) && !peek;
    size_t total = 0;
    bool polled = false;
    for (;;) {
        IoBuffer rest = dst.tail(total);
        auto got = stack_->tcp().receive(*handle_, rest, monotonic_ns(), peek);
        if (got.ok()) {
            if (got.value() == 0) break;  // end of stream (or no room left)
            total += got.value();
            if (!wait_all || total == dst.size()) break;
            continue;
        }
        if (got.error() != Errno::EAGAIN) {
            if (total) break;
            return got.error();
        }
        if (total && !wait_all) break;
        if (must_not_wait(flags)) {
            if (total) break;
            if (polled) return Errno::EAGAIN;
            polled = true;  // one round of the network first, as in accept()
            run_event_sources();
            continue;
        }
        bool ready = TRY(wait_until(
            [this] { return (poll_events() & (kPollIn | kPollErr | kPollHangUp | kPollReadHangUp)) != 0; },
            deadline(false)));
        if (!ready) {
            if (total) break;
            return Errno::EAGAIN;  // SO_RCVTIMEO ran out
        }
    }
    SocketReceived received;
    received.copied = received.length = total;
    return received;
}

Result<void> TcpSocketFile::shutdown(int how) {
    switch (phase_) {
    case Phase::Fresh: return Errno::ENOTCONN;
    case Phase::Listening:
        // inet_shutdown: SHUT_RD on a listener stops it; accept() then fails with EINVAL.
        if (how != 1) {
            close_handle();
            phase_ = Phase::Fresh;
        }
        return {};
    case Phase::Connecting:
        if (!connect_settled()) {
            close_handle();
            phase_ = Phase::Fresh;
            return {};
        }
        TRY(finish_connect());
        break;
    case Phase::Connected: break;
    }
    TcpShutdown mode = how == 0 ? TcpShutdown::Read : how == 1 ? TcpShutdown::Write : TcpShutdown::Both;
    TRY(stack_->tcp().shutdown(*handle_, mode, monotonic_ns()));
    ++own_events_;
    return {};
}

Ipv4Endpoint TcpSocketFile::local_name() const {
    if (handle_ && phase_ != Phase::Listening) {
        auto local = stack_->tcp().local_endpoint(*handle_);
        if (local.ok()) return local.value();
    }
    return bound_.value_or(Ipv4Endpoint{});
}

Result<Ipv4Endpoint> TcpSocketFile::peer_name() const {
    if (!handle_ || phase_ == Phase::Listening || phase_ == Phase::Fresh) return Errno::ENOTCONN;
    if (phase_ == Phase::Connecting && !connect_settled()) return Errno::ENOTCONN;
    return stack_->tcp().remote_endpoint(*handle_);
}

int TcpSocketFile::take_error() {
    if (!handle_) return 0;
    return stack_->tcp().take_error(*handle_).value_or(0);
}

void TcpSocketFile::apply_settings() {
    // A buffer resize the stack refuses (data already queued) keeps the old size, as the
    // reported value is only advisory in Linux too.
    if (handle_) (void)stack_->tcp().set_options(*handle_, settings().tcp, monotonic_ns());
}

uint32_t TcpSocketFile::max_segment() const {
    if (phase_ != Phase::Connected || !handle_) return 536;
    auto info = stack_->tcp().info(*handle_);
    return info.ok() && info.value().send_mss ? info.value().send_mss : 536;
}

uint32_t TcpSocketFile::poll_events() const {
    // tcp_poll: a socket never connected reports POLLOUT | POLLHUP.
    if (phase_ == Phase::Fresh) return kPollOut | kPollHangUp;
    if (!handle_) return 0;
    auto readiness = stack_->tcp().readiness(*handle_);
    if (!readiness.ok()) return kPollHangUp | kPollErr;
    const TcpReadiness& r = readiness.value();
    if (phase_ == Phase::Listening) return r.readable ? kPollIn : 0;
    uint32_t events = 0;
    if (r.readable) events |= kPollIn;
    if (r.writable) events |= kPollOut;
    if (r.read_hangup) events |= kPollIn | kPollReadHangUp;
    if (r.hangup) events |= kPollHangUp;
    if (r.error) events |= kPollErr | kPollOut;  // a failed connect wakes POLLOUT waiters too
    return events;
}

uint64_t TcpSocketFile::event_generation() const {
    return own_events_ + (handle_ ? socket_events().generation(*handle_) : 0);
}

Result<int> TcpSocketFile::bytes_readable() const {
    // SIOCINQ on a listening socket is EINVAL (tcp_ioctl).
    if (phase_ == Phase::Listening) return Errno::EINVAL;
    if (phase_ != Phase::Connected || !handle_) return 0;
    auto info = stack_->tcp().info(*handle_);
    return info.ok() ? static_cast<int>(info.value().bytes_readable) : 0;
}

}  // namespace ingot::net
