// The fifth to eighth steps of SEGMENT ARRIVES for synchronized states (RFC 9293 §3.10.7.4):
// acknowledgment and window processing with RTT sampling and congestion control, segment
// text into the reassembly buffer, and the FIN.
#include <net/tcp/tcp_connection.h>

#include <algorithm>

namespace ingot::net {

void TcpConnection::process_synchronized(const Incoming& seg, uint64_t now) {
    if (!process_ack(seg, now)) return;
    // Fifth step, the state-specific part: what acknowledgment of our FIN means.
    if (fin_acked_) {
        switch (state_) {
        case TcpState::FinWait1:
            state_ = TcpState::FinWait2;
            // An orphan may not wait forever for the peer's FIN (Linux tcp_fin_timeout).
            if (closed_by_owner_) fin_wait2_until_ = now + env_.config().fin_wait2_timeout_ns;
            break;
        case TcpState::Closing: enter_time_wait(now); return;
        case TcpState::LastAck: enter_closed(Errno{0}); return;
        default: break;
        }
    }
    process_text(seg, now);
    if (state_ == TcpState::Closed) return;
    process_fin(seg, now);
}

bool TcpConnection::process_ack(const Incoming& seg, uint64_t now) {
    const SeqNumber ack = seg.ack;
    // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the
    // segment, and return"; RFC 5961 §5.2 likewise for ACKs older than SND.UNA - MAX.SND.WND.
    if (ack > snd_max_ || ack < snd_una_ - std::max<uint32_t>(max_snd_wnd_, 1)) {
        send_ack(now);
        return false;
    }
    persist_probes_unanswered_ = 0;
    const bool new_sack = reports_new_sack(seg);
    if (ack > snd_una_) {
        // "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK. Any segments on the
        // retransmission queue that are thereby entirely acknowledged are removed."
        uint32_t acked = ack.distance_from(snd_una_);
        size_t data_acked = std::min<size_t>(acked, send_buffer_.size());
        send_buffer_.acknowledge(data_acked);
        if (fin_queued_ && acked > data_acked) fin_acked_ = true;
        take_rtt_sample(ack, now);
        snd_una_ = ack;
        if (snd_nxt_ < snd_una_) snd_nxt_ = snd_una_;
        retransmit_count_ = 0;
        sack_board_.acknowledge(snd_una_);
        loss_probe_at_ = kTcpNever;  // re-armed for what is still out (RFC 8985 §7.2)
        loss_probe_sent_ = false;
        TcpCongestionControl::AckAction action = cc_.on_new_ack(ack, acked);
        if (action.retransmit_head) retransmit_head(now);
        // RFC 6298 (5.2)/(5.3): stop the timer when everything is acknowledged, else restart
        // it (NewReno restarts only on the first partial ACK, RFC 6582 §3.2 step 5).
        if (snd_una_ == snd_max_) {
            retransmit_at_ = kTcpNever;
        } else if (!cc_.in_recovery() || action.restart_timer) {
            arm_retransmit(now);
        }
    } else if (ack == snd_una_ && seg.payload.empty() && !seg.has(tcp_flags::syn) && !seg.has(tcp_flags::fin) &&
               snd_max_ != snd_una_ && (new_sack || (seg.window << snd_shift_) == snd_wnd_)) {
        // RFC 5681 §2 "duplicate acknowledgment": outstanding data, no text, no SYN/FIN,
        // nothing newly acknowledged, and the window unchanged; or, with SACK, one that
        // reports data above everything reported before (RFC 6675 §2), which a peer whose
        // program reads meanwhile sends with a changed window.
        if (cc_.on_duplicate_ack(ack, snd_max_.distance_from(snd_una_), snd_max_)) {
            if (selective_acks_) {
                start_sack_recovery(now);
            } else {
                retransmit_head(now);
            }
        }
    }
    // RFC 6675 §5 (3): the SACKed data alone may already show SND.UNA lost (IsLost), for
    // instance when ACKs were lost or compressed and fewer than three duplicates came.
    if (selective_acks_ && !cc_.in_recovery() && snd_una_ != snd_max_ && sack_board_.is_lost(snd_una_, snd_mss_) &&
        cc_.enter_recovery_on_loss(snd_una_, snd_max_.distance_from(snd_una_), snd_max_)) {
        start_sack_recovery(now);
    }
    if (new_sack && in_sack_recovery()) {
        detect_lost_hole_retransmissions();
    } else if (new_sack) {
        detect_lost_retransmission(now);
    }
    update_send_window(seg);
    return true;
}

void TcpConnection::detect_lost_retransmission(uint64_t now) {
    // RACK's observation (RFC 8985 §2): once segments sent after a retransmission have been
    // delivered while the retransmission itself is still missing, it was lost too. Without
    // this only the retransmission timer would find out. Reordering is allowed for as the
    // duplicate threshold does: three segments' worth must be SACKed beyond it.
    if (!head_retransmitted_ || snd_una_ != head_retransmitted_at_) return;
    if (highest_sacked_ < head_retransmitted_max_ + 3 * snd_mss_) return;
    ++env_.counters().lost_retransmissions;
    retransmit_head(now);
    arm_retransmit(now);
}

void TcpConnection::detect_lost_hole_retransmissions() {
    // RACK's observation (RFC 8985 §2) for every hole of a SACK recovery: once data sent
    // after the latest retransmission is SACKed, three segments' worth beyond it (the
    // duplicate threshold's allowance for reordering), a hole retransmitted before it that
    // is still missing was lost again. HighRxt goes back to SND.UNA so that NextSeg()
    // offers those holes once more; without this only the retransmission timer would.
    if (sack_board_.high_retransmitted() <= snd_una_) return;
    if (highest_sacked_ < sack_rxt_max_ + 3 * snd_mss_) return;
    const SeqNumber high_rxt = sack_board_.high_retransmitted();
    if (sack_board_.sacked_between(snd_una_, high_rxt) == high_rxt.distance_from(snd_una_)) return;
    ++env_.counters().lost_retransmissions;
    sack_board_.reset_retransmitted(snd_una_);
}

void TcpConnection::start_sack_recovery(uint64_t now) {
    // RFC 6675 §5 (4): RecoveryPoint = HighData (the congestion control set it with
    // ssthresh and cwnd), HighRxt starts over, and the first segment presumed lost goes out
    // at once, whatever the pipe; NextSeg() rule 1 names it, else the one at SND.UNA.
    ++env_.counters().sack_recoveries;
    loss_probe_at_ = kTcpNever;  // recovery has begun: nothing left to probe for
    sack_board_.reset_retransmitted(snd_una_);
    sack_rxt_max_ = snd_max_;
    std::optional<TcpSackScoreboard::Hole> hole = sack_board_.next_hole(snd_una_, snd_mss_, true);
    if (hole && hole->seq != snd_una_) {
        retransmit_range(now, hole->seq, hole->length);
    } else {
        retransmit_head(now);
        sack_board_.note_retransmitted(snd_una_ + std::min<uint32_t>(snd_mss_, snd_max_.distance_from(snd_una_)));
    }
}

bool TcpConnection::reports_new_sack(const Incoming& seg) {
    if (!selective_acks_) return false;
    if (highest_sacked_ < snd_una_) highest_sacked_ = snd_una_;  // set at ESTABLISHED, kept >= SND.UNA
    bool news = false;
    for (const TcpSackBlock& block : seg.sack_blocks) {
        // Only blocks inside what is outstanding count: D-SACK blocks (RFC 2883) lie below
        // SND.UNA and report duplicates, not new arrivals.
        const SeqNumber left(block.left_edge), right(block.right_edge);
        if (left < snd_una_ || right > snd_max_ || right <= left) continue;
        sack_board_.record(left, right);  // RFC 6675 §4 Update()
        if (right > highest_sacked_) {
            highest_sacked_ = right;
            news = true;
        }
    }
    return news;
}

void TcpConnection::update_send_window(const Incoming& seg) {
    // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 <
    // SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND,
    // SND.WL1 <- SEG.SEQ, and SND.WL2 <- SEG.ACK" (the window scaled, RFC 7323 §2.3).
    if (seg.ack < snd_una_) return;
    if (snd_wl1_ < seg.seq || (snd_wl1_ == seg.seq && snd_wl2_ <= seg.ack)) {
        snd_wnd_ = seg.window << snd_shift_;
        max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
        snd_wl1_ = seg.seq;
        snd_wl2_ = seg.ack;
        if (snd_wnd_ > 0) persist_backoff_ = 0;
    }
}

void TcpConnection::take_rtt_sample(SeqNumber ack, uint64_t now) {
    // RFC 6298 §3 / Karn: the timed segment was never retransmitted (timing is cancelled when
    // it is), and this ACK covers it.
    if (rtt_timing_ && ack > rtt_seq_) {
        rtt_.sample(now - rtt_sent_at_);
        rtt_timing_ = false;
    }
}

void TcpConnection::process_text(const Incoming& seg, uint64_t now) {
    // Seventh step: only ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 take text; in the other
    // states the peer's FIN has already been received and text is ignored.
    if (seg.payload.empty()) return;
    if (state_ != TcpState::Established && state_ != TcpState::FinWait1 && state_ != TcpState::FinWait2) return;
    if (closed_by_owner_ && seg.seq + static_cast<uint32_t>(seg.payload.size()) > rcv_nxt_) {
        // Nobody will ever read this: reset the connection so the peer learns its data was
        // lost (RFC 2525 §2.17, RFC 9293 §3.10.4; Linux does the same).
        send_reset(snd_nxt_, true);
        enter_closed(Errno{0});
        return;
    }
    const SeqNumber before = rcv_nxt_;
    if (seg.seq > rcv_nxt_) latest_out_of_order_ = seg.seq;  // reported first in SACK blocks
    size_t advance = receive_buffer_.insert(rcv_nxt_, seg.seq, seg.payload);
    rcv_nxt_ = rcv_nxt_ + static_cast<uint32_t>(advance);
    if (read_shutdown_) receive_buffer_.discard_readable();  // shutdown(SHUT_RD): dropped unread
    largest_received_ = std::max<uint32_t>(largest_received_, static_cast<uint32_t>(seg.payload.size()));

    if (seg.seq != before || advance > seg.payload.size() || receive_buffer_.has_out_of_order() || advance == 0) {
        // RFC 5681 §4.2 / RFC 9293 §3.8.6.3: out-of-order segments and segments that fill a
        // hole are acknowledged at once (the duplicate ACKs drive fast retransmit); so is a
        // segment that did not fit.
        ack_now_ = true;
        return;
    }
    // In order: delayed ACK, but at least every second full-sized segment (RFC 1122
    // §4.2.3.2, RFC 9293 §3.8.6.3).
    unacked_bytes_ += static_cast<uint32_t>(advance);
    if (unacked_bytes_ >= 2 * receive_mss()) {
        ack_now_ = true;
    } else {
        schedule_delayed_ack(now);
    }
}

void TcpConnection::process_fin(const Incoming& seg, uint64_t now) {
    // Eighth step. A FIN beyond RCV.NXT waits until the text before it has arrived.
    if (seg.has(tcp_flags::fin)) {
        SeqNumber at = seg.seq + static_cast<uint32_t>(seg.payload.size());
        if (at == rcv_nxt_) {
            accept_fin(now);
            return;
        }
        if (at > rcv_nxt_) fin_seq_received_ = at;
    }
    if (fin_seq_received_ && *fin_seq_received_ == rcv_nxt_) accept_fin(now);
}

void TcpConnection::accept_fin(uint64_t now) {
    if (fin_received_) return;
    // "advance RCV.NXT over the FIN, and send an acknowledgment for the FIN".
    rcv_nxt_ = rcv_nxt_ + 1;
    fin_received_ = true;
    fin_seq_received_.reset();
    ack_now_ = true;
    switch (state_) {
    case TcpState::SynReceived:
    case TcpState::Established:
        state_ = TcpState::CloseWait;  // "Enter the CLOSE-WAIT state"
        break;
    case TcpState::FinWait1:
        // "If our FIN has been ACKed ... enter TIME-WAIT ...; otherwise, enter the CLOSING
        // state" (simultaneous close).
        if (fin_acked_) {
            enter_time_wait(now);
        } else {
            state_ = TcpState::Closing;
        }
        break;
    case TcpState::FinWait2:
        enter_time_wait(now);  // "Enter the TIME-WAIT state. Start the time-wait timer"
        break;
    default:
        break;  // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state"
    }
}

}  // namespace ingot::net
