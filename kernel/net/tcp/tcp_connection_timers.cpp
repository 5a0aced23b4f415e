// TIMEOUTS (RFC 9293 §3.10.8) and the other clocks of a connection: retransmission (RFC 6298)
// and, with SACK, the tail loss probe (RFC 8985 §7),
// persist (zero-window probing, RFC 9293 §3.8.6.1), delayed ACK (§3.8.6.3), keepalive
// (RFC 1122 §4.2.3.6), TIME-WAIT (2*MSL) and the orphaned FIN-WAIT-2 limit.
#include <net/tcp/tcp_connection.h>

#include <algorithm>

namespace ingot::net {

namespace {

// Probes a closed (orphaned) connection sends into a zero window before it gives up (Linux's
// tcp_orphan_retries default).
constexpr uint32_t kOrphanProbes = 8;

bool data_state(TcpState state) {
    return state == TcpState::Established || state == TcpState::CloseWait || state == TcpState::FinWait1 ||
           state == TcpState::Closing || state == TcpState::LastAck;
}

}  // namespace

uint64_t TcpConnection::next_deadline() const {
    return std::min({retransmit_at_, loss_probe_at_, persist_at_, delayed_ack_at_, keepalive_at_, time_wait_until_,
                     fin_wait2_until_, cork_ceiling_at_});
}

void TcpConnection::on_timers(uint64_t now) {
    if (time_wait_until_ <= now) {
        // "If the time-wait timeout expires on a connection, delete the TCB, enter the CLOSED
        // state, and return."
        enter_closed(Errno{0});
        return;
    }
    if (fin_wait2_until_ <= now) {
        if (state_ == TcpState::FinWait2) {
            send_reset(snd_nxt_, true);
            enter_closed(Errno{0});
            return;
        }
        fin_wait2_until_ = kTcpNever;
    }
    if (retransmit_at_ <= now) on_retransmit_timeout(now);
    if (state_ == TcpState::Closed) return;
    if (loss_probe_at_ <= now) on_loss_probe_timeout(now);
    if (persist_at_ <= now) on_persist_timeout(now);
    if (state_ == TcpState::Closed) return;
    if (delayed_ack_at_ <= now) {
        delayed_ack_at_ = kTcpNever;
        ack_now_ = true;
    }
    if (keepalive_at_ <= now) on_keepalive_timeout(now);
    if (state_ == TcpState::Closed) return;
    if (cork_ceiling_at_ <= now) {
        // Corked data has waited long enough: what is held goes out now (Nagle permitting).
        cork_ceiling_at_ = kTcpNever;
        cork_ceiling_passed_ = true;
        output(now);
        cork_ceiling_passed_ = false;
        return;
    }
    output(now);
    // ACKs owed before the connection is established are not sent by output().
    if (ack_now_ && state_ == TcpState::SynReceived) ack_now_ = false;
}

void TcpConnection::arm_retransmit(uint64_t now) { retransmit_at_ = now + rtt_.rto(); }

void TcpConnection::arm_loss_probe(uint64_t now) {
    // RFC 8985 §7.2: with data outstanding and no recovery under way, a probe timeout (PTO)
    // of two smoothed RTTs, plus a delayed-ACK allowance when a single segment is out, and
    // never later than the retransmission timer. A flight whose every ACK was lost then
    // costs one PTO rather than an RTO of at least 200 ms. Only with SACK, whose blocks
    // tell what the probe found (§7.1).
    if (!selective_acks_ || !rtt_.has_sample() || loss_probe_sent_ || cc_.in_recovery() || retransmit_count_ > 0 ||
        snd_una_ == snd_max_ || retransmit_at_ == kTcpNever || loss_probe_at_ != kTcpNever) {
        return;
    }
    uint64_t pto = 2 * rtt_.smoothed_rtt();
    if (snd_max_.distance_from(snd_una_) <= snd_mss_) pto += env_.config().delayed_ack_ns;
    pto = std::max<uint64_t>(pto, 10 * kTcpMillisecond);  // Linux's floor: timer granularity
    loss_probe_at_ = std::min(now + pto, retransmit_at_);
    if (loss_probe_at_ >= retransmit_at_) loss_probe_at_ = kTcpNever;
}

void TcpConnection::on_loss_probe_timeout(uint64_t now) {
    loss_probe_at_ = kTcpNever;
    if (!data_state(state_) || snd_una_ == snd_max_ || cc_.in_recovery() || retransmit_count_ > 0) return;
    // RFC 8985 §7.3: send one new segment if the windows allow, else retransmit the last
    // segment sent; the ACK it draws carries the SACK blocks that start recovery.
    loss_probe_sent_ = true;
    ++env_.counters().loss_probes;
    const size_t buffered = send_buffer_.size();
    const size_t sent = snd_max_.distance_from(snd_una_);
    if (snd_nxt_ == snd_max_ && buffered > sent && snd_wnd_ > sent) {
        // New data, past the congestion window as §7.3 allows, within the peer's window.
        const size_t length = std::min<size_t>({buffered - sent, snd_wnd_ - sent, snd_mss_});
        send_segment(now, tcp_flags::ack | (length == buffered - sent ? tcp_flags::psh : 0), snd_nxt_, sent, length);
        snd_nxt_ = snd_nxt_ + static_cast<uint32_t>(length);
        snd_max_ = snd_nxt_;
        return;
    }
    const size_t data_sent = std::min(sent, buffered);
    if (data_sent == 0) return;
    const uint32_t length = static_cast<uint32_t>(std::min<size_t>(data_sent, snd_mss_));
    const SeqNumber last = snd_una_ + static_cast<uint32_t>(data_sent - length);
    send_segment(now, tcp_flags::ack, last, data_sent - length, length);
    ++env_.counters().segments_retransmitted;
    if (rtt_timing_ && rtt_seq_ < last + length) rtt_timing_ = false;  // Karn
}

void TcpConnection::on_retransmit_timeout(uint64_t now) {
    retransmit_at_ = kTcpNever;
    loss_probe_at_ = kTcpNever;
    const TcpConfig& config = env_.config();
    const bool handshake = state_ == TcpState::SynSent || state_ == TcpState::SynReceived;
    if (!handshake && snd_una_ == snd_max_) return;  // everything was acknowledged meanwhile

    // A peer that keeps answering with a zero window while our data is outstanding has shrunk
    // its window; the retransmissions are then window probes and do not count toward giving
    // up, as long as the peer is heard from (Linux tcp_retransmit_timer does the same).
    const bool window_probe = !handshake && snd_wnd_ == 0 && now - last_received_at_ <= config.rto_max_ns;
    const uint32_t limit = state_ == TcpState::SynSent       ? config.syn_retries
                           : state_ == TcpState::SynReceived ? config.synack_retries
                                                             : config.max_retransmissions;
    if (!window_probe && retransmit_count_ >= limit) {
        // USER TIMEOUT (§3.10.8): give up. Like Linux, without a reset: the peer is unreachable.
        ++env_.counters().timeouts;
        if (handshake) ++env_.counters().attempt_fails;
        enter_closed(state_ == TcpState::SynReceived && passive_ ? Errno{0} : Errno::ETIMEDOUT);
        return;
    }
    // RFC 6298 (5.4)-(5.6): retransmit the earliest unacknowledged segment, double the RTO,
    // restart the timer. Karn: no sample from anything sent before now.
    rtt_.back_off();
    if (!window_probe) ++retransmit_count_;
    rtt_timing_ = false;
    if (handshake) {
        ++env_.counters().segments_retransmitted;
        send_syn(now);
        arm_retransmit(now);
        return;
    }
    ++env_.counters().retransmission_timeouts;
    cc_.on_timeout(snd_max_.distance_from(snd_una_), snd_max_, retransmit_count_ > 1);
    // RFC 6675 §5.1: the SACK information stays, so that the go-back retransmission fills
    // only the holes. A peer may renege on what it SACKed (RFC 2018 §8), though: a second
    // timeout in a row forgets the scoreboard and resends everything.
    if (retransmit_count_ > 1) sack_board_.reset(snd_una_);
    sack_board_.reset_retransmitted(snd_una_);
    snd_nxt_ = snd_una_;  // go back: everything after SND.UNA not SACKed counts as lost
    retransmit_head(now);
    arm_retransmit(now);
}

void TcpConnection::update_persist(uint64_t now) {
    // The persist timer runs while data (or our FIN) waits, nothing is in flight and so no
    // ACK can come to open the window (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17).
    const size_t sent = snd_nxt_.distance_from(snd_una_);
    const bool waiting = data_state(state_) && (send_buffer_.size() > sent || (fin_queued_ && sent <= send_buffer_.size()));
    if (waiting && snd_una_ == snd_max_ && retransmit_at_ == kTcpNever) {
        if (persist_at_ == kTcpNever) {
            uint64_t interval = rtt_.rto();
            for (uint32_t i = 0; i < persist_backoff_ && interval < env_.config().rto_max_ns; ++i) interval *= 2;
            persist_at_ = now + std::min(interval, env_.config().rto_max_ns);
        }
    } else {
        persist_at_ = kTcpNever;
    }
}

void TcpConnection::on_persist_timeout(uint64_t now) {
    persist_at_ = kTcpNever;
    if (!data_state(state_)) return;
    // With some window open, the SWS override timeout: send what fits (§3.8.6.2.1 (d)).
    if (std::min(snd_wnd_, cc_.cwnd()) > 0 && send_one(now, true)) {
        persist_backoff_ = 0;
        return;
    }
    // Zero window: probe. A peer that stops answering probes is given up like one that stops
    // acknowledging data (Linux tcp_probe_timer). An orphan gets a fixed number of probes,
    // answered or not, so a peer that never reads cannot hold the connection forever (Linux
    // tcp_orphan_retries).
    if (persist_probes_unanswered_ >= env_.config().max_retransmissions) {
        ++env_.counters().timeouts;
        enter_closed(Errno::ETIMEDOUT);
        return;
    }
    if (closed_by_owner_ && persist_backoff_ >= kOrphanProbes) {
        ++env_.counters().timeouts;
        send_reset(snd_nxt_, true);
        enter_closed(Errno{0});
        return;
    }
    send_probe(now);
    ++persist_probes_unanswered_;
    if (persist_backoff_ < 16) ++persist_backoff_;
    update_persist(now);
}

void TcpConnection::schedule_delayed_ack(uint64_t now) {
    if (delayed_ack_at_ == kTcpNever) delayed_ack_at_ = now + env_.config().delayed_ack_ns;
}

void TcpConnection::schedule_keepalive(uint64_t now) {
    const bool alive = state_ == TcpState::Established || state_ == TcpState::CloseWait;
    keepalive_at_ = options_.keepalive && alive ? now + options_.keepalive_idle_ns : kTcpNever;
}

void TcpConnection::on_keepalive_timeout(uint64_t now) {
    keepalive_at_ = kTcpNever;
    if (!options_.keepalive || (state_ != TcpState::Established && state_ != TcpState::CloseWait)) return;
    // Data outstanding or queued: the retransmission and persist timers already watch the
    // peer (RFC 1122 §4.2.3.6: keepalives only on an idle connection).
    if (snd_una_ != snd_max_ || send_buffer_.size() > 0) {
        keepalive_at_ = now + options_.keepalive_idle_ns;
        return;
    }
    if (keepalive_probes_ >= options_.keepalive_probes) {
        // No answer to any probe: reset (as Linux does) and report ETIMEDOUT.
        ++env_.counters().timeouts;
        send_reset(snd_nxt_, true);
        enter_closed(Errno::ETIMEDOUT);
        return;
    }
    send_probe(now);
    ++keepalive_probes_;
    keepalive_at_ = now + options_.keepalive_interval_ns;
}

}  // namespace ingot::net
