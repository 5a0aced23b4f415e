#include <net/tcp/congestion_control.h>

#include <algorithm>

namespace ingot::net {

namespace {
// Keeps cwnd + a few segments far from uint32 overflow; no window reaches it anyway
// (RFC 7323 caps the peer's window at 2^30).
constexpr uint32_t kMaxCwnd = 1u << 30;
}

void TcpCongestionControl::start(uint32_t smss, uint32_t initial_window_segments, SeqNumber highest_sent) {
    smss_ = std::max<uint32_t>(smss, 1);
    initial_segments_ = initial_window_segments;
    cwnd_ = initial_window();
    ssthresh_ = 0xffffffffu;
    bytes_acked_ = 0;
    duplicate_acks_ = 0;
    in_recovery_ = false;
    recover_ = highest_sent;  // RFC 6582 §3.2 step 1: recover starts at the ISS
}

uint32_t TcpCongestionControl::initial_window() const {
    // RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)) for the default of ten segments; a
    // configured count scales the cap the same way.
    uint32_t cap = std::max(2 * smss_, initial_segments_ * 1460);
    return std::max(smss_, std::min(initial_segments_ * smss_, cap));
}

void TcpCongestionControl::set_ssthresh_from_flight(uint32_t flight_size) {
    // RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS).
    ssthresh_ = std::max(flight_size / 2, 2 * smss_);
}

TcpCongestionControl::AckAction TcpCongestionControl::on_new_ack(SeqNumber ack, uint32_t acked) {
    AckAction action;
    duplicate_acks_ = 0;
    last_advance_ = acked;
    if (in_recovery_) {
        if (ack >= recover_) {
            // RFC 6582 §3.2 step 5, full acknowledgment: deflate to ssthresh and leave recovery.
            cwnd_ = ssthresh_;
            in_recovery_ = false;
            return action;
        }
        if (sack_recovery_) {
            // RFC 6675 §5 (C): a partial ACK changes neither cwnd nor ssthresh; the scoreboard
            // decides what to retransmit. RFC 6298 (5.3): the timer restarts on new data ACKed.
            action.restart_timer = true;
            return action;
        }
        // Partial acknowledgment: the segment at the new SND.UNA was lost too. Retransmit it,
        // deflate cwnd by the amount acknowledged and add back one SMSS when that amount was
        // at least one SMSS; re-arm the timer on the first partial ACK only ("Impatient").
        action.retransmit_head = true;
        action.restart_timer = !partial_ack_seen_;
        partial_ack_seen_ = true;
        cwnd_ = cwnd_ > acked ? cwnd_ - acked : 0;
        if (acked >= smss_) cwnd_ += smss_;
        cwnd_ = std::max(cwnd_, smss_);
        return action;
    }
    if (cwnd_ < ssthresh_) {
        // Slow start: cwnd += min(N, L) with L = 2*SMSS (RFC 3465 §2.3) so that a receiver
        // that acknowledges every second segment still doubles cwnd each round trip.
        cwnd_ += std::min(acked, 2 * smss_);
    } else {
        // Congestion avoidance: one SMSS per cwnd of acknowledged bytes (RFC 5681 eq. (3)
        // with appropriate byte counting, RFC 3465 §2.1).
        bytes_acked_ += acked;
        if (bytes_acked_ >= cwnd_) {
            bytes_acked_ -= cwnd_;
            cwnd_ += smss_;
        }
    }
    cwnd_ = std::min(cwnd_, kMaxCwnd);
    return action;
}

uint32_t TcpCongestionControl::new_data_window() const {
    // RFC 3042 §2: on each of the first two duplicate ACKs one previously unsent segment may
    // go out, "the amount of outstanding data would remain less than or equal to the
    // congestion window plus 2 segments"; cwnd itself is not changed.
    if (in_recovery_) return cwnd_;
    return cwnd_ + std::min<uint32_t>(duplicate_acks_, 2) * smss_;
}

bool TcpCongestionControl::on_duplicate_ack(SeqNumber ack, uint32_t flight_size, SeqNumber highest_sent) {
    if (in_recovery_) {
        // RFC 6582 §3.2 step 4 / RFC 5681 (4): each further duplicate inflates cwnd by SMSS,
        // since a segment has left the network. With SACK the pipe estimate accounts for
        // that instead (RFC 6675 §5).
        if (sack_recovery_) return false;
        cwnd_ = std::min(cwnd_ + smss_, kMaxCwnd);
        return false;
    }
    if (++duplicate_acks_ == 1) flight_at_first_duplicate_ = flight_size;
    if (duplicate_acks_ != 3) return false;
    // RFC 6582 §3.2 step 2: only when the ACK covers everything sent before the last loss
    // event; otherwise the duplicates may stem from our own go-back retransmissions after a
    // timeout. §4.2's ACK heuristic tells the cases apart: duplicates of segments the peer
    // already held follow a cumulative ACK that jumped over them, so with cwnd above one
    // SMSS and a last jump of at most 4*SMSS they mean a segment was lost again.
    if (ack < recover_ && !(cwnd_ > smss_ && last_advance_ <= 4 * smss_)) return false;
    // Steps 2-3: ssthresh = max(FlightSize/2, 2*SMSS), recover = highest sent,
    // cwnd = ssthresh + 3*SMSS, then the caller retransmits SND.UNA. RFC 5681 §3.2 step 2:
    // data sent by Limited Transmit "MUST NOT be included in this calculation", so FlightSize
    // is taken from the first duplicate ACK, before it.
    enter_recovery(flight_at_first_duplicate_, highest_sent);
    return true;
}

void TcpCongestionControl::enter_recovery(uint32_t flight_size, SeqNumber highest_sent) {
    set_ssthresh_from_flight(flight_size);
    recover_ = highest_sent;
    // RFC 6675 §5 (4.2): cwnd = ssthresh, the pipe estimate does the rest; NewReno inflates
    // by the three segments the duplicates showed to have left (RFC 6582 §3.2 step 3).
    cwnd_ = sack_recovery_ ? ssthresh_ : ssthresh_ + 3 * smss_;
    in_recovery_ = true;
    partial_ack_seen_ = false;
}

bool TcpCongestionControl::enter_recovery_on_loss(SeqNumber ack, uint32_t flight_size, SeqNumber highest_sent) {
    // RFC 6675 §5.1: after a timeout no new recovery starts until SND.UNA passes the
    // recovery point it set; likewise after a fast recovery (RFC 6582 §3.2 step 2).
    if (in_recovery_ || ack < recover_) return false;
    enter_recovery(duplicate_acks_ > 0 ? flight_at_first_duplicate_ : flight_size, highest_sent);
    return true;
}

void TcpCongestionControl::on_timeout(uint32_t flight_size, SeqNumber highest_sent, bool repeated) {
    // RFC 5681 (4) and §3.1: ssthresh from FlightSize (held constant when the segment had
    // already been retransmitted by the timer), cwnd to the loss window of one segment;
    // RFC 6582 §4: recover = highest sent, so the duplicates that the go-back
    // retransmission provokes do not start a fast retransmit.
    if (!repeated) set_ssthresh_from_flight(flight_size);
    cwnd_ = smss_;
    bytes_acked_ = 0;
    duplicate_acks_ = 0;
    last_advance_ = 0xffffffffu;  // no cumulative ACK since: the heuristic cannot vouch yet
    in_recovery_ = false;
    recover_ = highest_sent;
}

void TcpCongestionControl::on_idle_restart() {
    // RFC 5681 §4.1: cwnd = min(RW, cwnd) with RW = IW.
    cwnd_ = std::min(cwnd_, initial_window());
}

}  // namespace ingot::net
