// The user calls of RFC 9293 §3.10.2-3.10.6 as the socket layer needs them: SEND, RECEIVE,
// shutdown, CLOSE, ABORT, and the readiness poll/epoll report (Linux tcp_poll semantics).
#include <net/tcp/tcp_connection.h>

#include <algorithm>

namespace ingot::net {

Result<size_t> TcpConnection::send(IoBuffer& src, uint64_t now) {
    switch (state_) {
    case TcpState::Closed:
        if (pending_error_ != Errno{0}) return take_error();
        return ever_connected_ ? Errno::EPIPE : Errno::ENOTCONN;
    case TcpState::Listen:
        return Errno::ENOTCONN;
    case TcpState::SynSent:
    case TcpState::SynReceived:
        return Errno::EAGAIN;  // a blocking caller waits for ESTABLISHED
    case TcpState::Established:
    case TcpState::CloseWait:
        break;
    default:
        return Errno::EPIPE;  // "error: connection closing"
    }
    if (fin_queued_) return Errno::EPIPE;
    if (src.size() == 0) return size_t{0};
    size_t taken = TRY(send_buffer_.append(src));
    if (taken == 0) return Errno::EAGAIN;
    output(now);
    return taken;
}

Result<size_t> TcpConnection::receive(IoBuffer& dst, bool peek, uint64_t now) {
    if (state_ == TcpState::Listen) return Errno::ENOTCONN;
    if (dst.size() == 0) return size_t{0};  // as recv(2) with length 0 on Linux
    if (receive_buffer_.readable() > 0) {
        size_t copied = TRY(receive_buffer_.read(dst, peek));
        if (!peek && copied > 0 &&
            (state_ == TcpState::Established || state_ == TcpState::FinWait1 || state_ == TcpState::FinWait2)) {
            // Window update after reading (RFC 9293 §3.8.6.2.2, RFC 1122 §4.2.3.3): tell the
            // peer once the window can open by at least min(buffer / 2, MSS).
            const uint32_t offered = rcv_adv_ > rcv_nxt_ ? rcv_adv_.distance_from(rcv_nxt_) : 0;
            const size_t space = receive_buffer_.window();
            const size_t step = std::min<size_t>(receive_buffer_.capacity() / 2, receive_mss());
            if (space > offered && space - offered >= step) {
                ack_now_ = true;
                output(now);
            }
        }
        return copied;
    }
    if (fin_received_ || read_shutdown_) return size_t{0};  // end of stream
    switch (state_) {
    case TcpState::Closed:
        if (pending_error_ != Errno{0}) return take_error();
        return ever_connected_ ? Result<size_t>(size_t{0}) : Result<size_t>(Errno::ENOTCONN);
    case TcpState::Listen:
        return Errno::ENOTCONN;
    default:
        return Errno::EAGAIN;
    }
}

Result<void> TcpConnection::shutdown(TcpShutdown how, uint64_t now) {
    switch (state_) {
    case TcpState::Closed:
    case TcpState::Listen:
        return Errno::ENOTCONN;
    case TcpState::SynSent:
        // Nothing was exchanged yet: the attempt simply ends (Linux tcp_shutdown likewise).
        enter_closed(Errno{0});
        return {};
    default:
        break;
    }
    if (how == TcpShutdown::Read || how == TcpShutdown::Both) read_shutdown_ = true;
    if ((how == TcpShutdown::Write || how == TcpShutdown::Both) && !fin_queued_) {
        // CLOSE's half: "Queue this until all preceding SENDs have been segmentized, then form
        // a FIN segment and send it. In any case, enter FIN-WAIT-1 state" (CLOSE-WAIT: LAST-ACK).
        fin_queued_ = true;
        if (state_ == TcpState::Established) state_ = TcpState::FinWait1;
        if (state_ == TcpState::CloseWait) state_ = TcpState::LastAck;
        output(now);
    }
    return {};
}

void TcpConnection::close(uint64_t now) {
    closed_by_owner_ = true;
    switch (state_) {
    case TcpState::Closed:
        receive_buffer_.clear();
        return;
    case TcpState::SynSent:
        enter_closed(Errno{0});  // §3.10.4: "Delete the TCB"
        return;
    case TcpState::TimeWait:
        receive_buffer_.clear();
        return;
    default:
        break;
    }
    if (options_.linger_abort || receive_buffer_.readable() > 0) {
        // SO_LINGER 0, or unread data (RFC 2525 §2.17; RFC 9293 §3.10.4 allows it): abort.
        abort();
        return;
    }
    read_shutdown_ = true;
    (void)shutdown(TcpShutdown::Write, now);
    if (state_ == TcpState::FinWait2) fin_wait2_until_ = now + env_.config().fin_wait2_timeout_ns;
}

void TcpConnection::abort() {
    // ABORT (§3.10.5): SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT send
    // <SEQ=SND.NXT><CTL=RST>; the other states just delete the TCB.
    switch (state_) {
    case TcpState::SynReceived:
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::CloseWait:
        send_reset(snd_nxt_, true);
        break;
    default:
        break;
    }
    receive_buffer_.clear();
    enter_closed(Errno{0});
}

TcpReadiness TcpConnection::readiness() const {
    // Mirrors Linux tcp_poll: "send shutdown" once our FIN is queued or the connection is
    // closed, "receive shutdown" once the peer's FIN arrived, reading was shut down or the
    // connection is closed.
    TcpReadiness r;
    const bool closed = state_ == TcpState::Closed;
    const bool send_shut = closed || fin_queued_;
    const bool receive_shut = closed || fin_received_ || read_shutdown_;
    const bool connecting = state_ == TcpState::SynSent || state_ == TcpState::SynReceived;
    r.error = pending_error_ != Errno{0};
    r.hangup = closed || (send_shut && receive_shut);
    r.read_hangup = receive_shut;
    r.readable = receive_shut || receive_buffer_.readable() > 0;
    if (!connecting) {
        // Writable while at least a third of the buffer is free (sk_stream_is_writeable:
        // free >= queued / 2), or at once when writing would fail anyway.
        const size_t free = send_buffer_.free_space();
        r.writable = send_shut || (free > 0 && 2 * free >= send_buffer_.size());
    }
    return r;
}

Errno TcpConnection::take_error() {
    Errno e = pending_error_;
    pending_error_ = Errno{0};
    return e;
}

Result<void> TcpConnection::set_options(const TcpSocketOptions& requested, uint64_t now) {
    TcpSocketOptions next = requested;
    next.send_buffer_size = std::clamp(next.send_buffer_size, kTcpMinBufferSize, kTcpMaxBufferSize);
    next.receive_buffer_size = std::clamp(next.receive_buffer_size, kTcpMinBufferSize, kTcpMaxBufferSize);
    if (next.send_buffer_size != send_buffer_.capacity()) {
        if (send_buffer_.size() > 0) return Errno::EINVAL;
        send_buffer_.set_capacity(next.send_buffer_size);
    }
    if (next.receive_buffer_size != receive_buffer_.capacity()) {
        // Only an empty buffer changes, and never below the window already offered (a window
        // may not shrink). The window scale sent in our SYN stays; it caps what is offered.
        const uint32_t offered = rcv_adv_ > rcv_nxt_ ? rcv_adv_.distance_from(rcv_nxt_) : 0;
        if (receive_buffer_.readable() > 0 || receive_buffer_.has_out_of_order() ||
            next.receive_buffer_size < offered) {
            return Errno::EINVAL;
        }
        receive_buffer_.set_capacity(next.receive_buffer_size);
    }
    const bool keepalive_changed = next.keepalive != options_.keepalive ||
                                   next.keepalive_idle_ns != options_.keepalive_idle_ns;
    const bool nodelay_set = next.no_delay && !options_.no_delay;
    const bool uncorked = !next.cork && options_.cork;
    options_ = next;
    if (keepalive_changed) schedule_keepalive(now);
    if (uncorked) cork_ceiling_at_ = kTcpNever;
    // Turning TCP_NODELAY on, or TCP_CORK off, pushes what was held back (as Linux does;
    // after uncorking Nagle still applies without TCP_NODELAY, as in tcp_push_pending_frames).
    if (nodelay_set || uncorked) output(now);
    return {};
}

}  // namespace ingot::net
