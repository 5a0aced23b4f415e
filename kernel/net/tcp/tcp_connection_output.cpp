// What a connection sends: data and FIN within the send and congestion windows, held back
// by Nagle's algorithm (RFC 896) and sender SWS avoidance (RFC 9293 §3.8.6.2.1); ACKs with
// the receive window (receiver SWS avoidance, §3.8.6.2.2; scaled per RFC 7323 §2.3) and SACK
// blocks (RFC 2018); SYNs with their options; resets, probes and retransmissions.
#include <net/tcp/tcp_connection.h>

#include <algorithm>

namespace ingot::net {

void TcpConnection::output(uint64_t now) {
    switch (state_) {
    case TcpState::Established:
    case TcpState::CloseWait:
    case TcpState::FinWait1:
    case TcpState::Closing:
    case TcpState::LastAck:
        if (in_sack_recovery()) {
            sack_recovery_output(now);
            break;
        }
        while (send_one(now, false)) {
        }
        break;
    case TcpState::FinWait2:
    case TcpState::TimeWait:
        break;  // only ACKs are left to send
    default:
        return;  // handshake segments go out from the events that cause them
    }
    if (ack_now_) send_ack(now);
    update_persist(now);
    arm_loss_probe(now);
}

void TcpConnection::sack_recovery_output(uint64_t now) {
    // RFC 6675 §5 (C): while cwnd - pipe >= 1 SMSS, send what NextSeg() names: first the
    // holes presumed lost (rule 1), then new data (rule 2), then holes not yet presumed lost
    // (rule 3). HighRxt keeps each hole to one retransmission per recovery.
    for (;;) {
        const uint32_t pipe = sack_pipe();
        if (cc_.cwnd() < pipe || cc_.cwnd() - pipe < snd_mss_) return;
        std::optional<TcpSackScoreboard::Hole> hole = sack_board_.next_hole(snd_una_, snd_mss_, true);
        if (hole) {
            retransmit_range(now, hole->seq, hole->length);
            continue;
        }
        if (send_one(now, false)) continue;
        hole = sack_board_.next_hole(snd_una_, snd_mss_, false);
        if (!hole) return;
        retransmit_range(now, hole->seq, hole->length);
    }
}

void TcpConnection::retransmit_range(uint64_t now, SeqNumber seq, uint32_t length) {
    // A hole below SND.MAX; data only (the FIN, last of all, is never inside a hole).
    const size_t offset = seq.distance_from(snd_una_);
    const size_t buffered = send_buffer_.size();
    if (offset >= buffered) {
        sack_board_.note_retransmitted(seq + length);  // nothing to send; NextSeg() moves on
        return;
    }
    length = static_cast<uint32_t>(std::min<size_t>(length, buffered - offset));
    uint8_t flags = tcp_flags::ack;
    if (offset + length == buffered) flags |= tcp_flags::psh;
    send_segment(now, flags, seq, offset, length);
    ++env_.counters().segments_retransmitted;
    const SeqNumber end = seq + length;
    sack_board_.note_retransmitted(end);
    sack_rxt_max_ = snd_max_;
    if (seq == snd_una_) {
        head_retransmitted_ = true;
        head_retransmitted_at_ = snd_una_;
        head_retransmitted_max_ = snd_max_;
    }
    if (rtt_timing_ && rtt_seq_ < end) rtt_timing_ = false;  // Karn: no sample from it
    if (retransmit_at_ == kTcpNever) arm_retransmit(now);
}

bool TcpConnection::send_one(uint64_t now, bool force) {
    // After a timeout the go-back retransmission skips what the peer SACKed (RFC 6675 §5.1:
    // "filling in" the sequence space reported as missing).
    if (snd_nxt_ < snd_max_) {
        snd_nxt_ = seq_min(sack_board_.skip_sacked(snd_nxt_), snd_max_);
    }
    const size_t buffered = send_buffer_.size();
    const size_t sent = snd_nxt_.distance_from(snd_una_);
    if (sent > buffered) return false;  // our FIN is out: nothing is left
    const size_t unsent = buffered - sent;
    if (unsent == 0 && !fin_queued_) return false;
    // RFC 5681 §4.1: after more than one RTO without sending, restart from the initial window.
    if (snd_una_ == snd_max_ && last_sent_at_ != 0 && now - last_sent_at_ > rtt_.rto()) cc_.on_idle_restart();

    // Limited Transmit (RFC 3042) lets new data, never a go-back retransmission, use the
    // allowance that the first duplicate ACKs give.
    const uint32_t congestion_window = snd_nxt_ >= snd_max_ ? cc_.new_data_window() : cc_.cwnd();
    const uint32_t window = std::min(snd_wnd_, congestion_window);
    size_t usable = window > sent ? window - sent : 0;
    if (selective_acks_ && snd_nxt_ >= snd_max_) {
        // RFC 6675 §5 (2) and (C): with SACK the pipe estimate, not the data outstanding,
        // bounds new data, in recovery and before it (Limited Transmit by pipe), so that
        // SACKed segments make room (which replaces RFC 3042's allowance of two); the pipe
        // equals the data outstanding while nothing is SACKed.
        const uint32_t pipe = sack_pipe();
        const size_t congestion_room = cc_.cwnd() > pipe ? cc_.cwnd() - pipe : 0;
        usable = std::min(snd_wnd_ > sent ? snd_wnd_ - sent : 0, congestion_room);
    }
    size_t length = std::min<size_t>({unsent, usable, snd_mss_});
    if (snd_nxt_ < snd_max_) {
        // A go-back retransmission stops short of the next SACKed range.
        length = std::min<size_t>(length, sack_board_.unsacked_run(snd_nxt_, snd_max_));
    }
    // Our FIN rides on the last data, or goes alone once the window has room for it.
    const bool fin = fin_queued_ && length == unsent && (length > 0 || usable > 0);
    if (length == 0 && !fin) return false;

    if (!force && length > 0 && length < snd_mss_) {
        // Less than a full segment. Send it only if it is a retransmission; or it is all we
        // have and Nagle allows (TCP_NODELAY, nothing unacknowledged, or closing); or it is
        // at least half the largest window the peer offered (SWS avoidance). Otherwise wait
        // for an ACK, or for the persist timer, which overrides (RFC 9293 §3.8.6.2.1 (d)).
        const bool retransmission = snd_nxt_ < snd_max_;
        const bool everything = length == unsent;
        const bool nothing_unacknowledged = snd_una_ == snd_max_;
        const bool half_window = max_snd_wnd_ > 0 && length >= max_snd_wnd_ / 2;
        if (options_.cork && !retransmission && !fin && !cork_ceiling_passed_) {
            // Corked: a partial segment waits for more data, uncorking, a FIN or the ceiling.
            if (cork_ceiling_at_ == kTcpNever) cork_ceiling_at_ = now + kTcpCorkCeiling;
            return false;
        }
        if (!retransmission && !half_window &&
            !(everything && (options_.no_delay || nothing_unacknowledged || fin))) {
            return false;
        }
    }

    uint8_t flags = tcp_flags::ack;
    if (length > 0 && length == unsent) flags |= tcp_flags::psh;
    if (fin) flags |= tcp_flags::fin;
    const bool new_data = snd_nxt_ >= snd_max_;
    if (!new_data) ++env_.counters().segments_retransmitted;
    send_segment(now, flags, snd_nxt_, sent, length);
    if (new_data && !rtt_timing_) {
        rtt_timing_ = true;
        rtt_seq_ = snd_nxt_;
        rtt_sent_at_ = now;
    }
    snd_nxt_ = snd_nxt_ + static_cast<uint32_t>(length + (fin ? 1 : 0));
    if (snd_nxt_ > snd_max_) snd_max_ = snd_nxt_;
    if (retransmit_at_ == kTcpNever) arm_retransmit(now);  // RFC 6298 (5.1)
    return true;
}

void TcpConnection::send_segment(uint64_t now, uint8_t flags, SeqNumber seq, size_t payload_offset,
                                 size_t payload_length) {
    TcpHeaderFields fields;
    fields.source_port = tuple_.local.port;
    fields.destination_port = tuple_.remote.port;
    fields.sequence_number = seq.value();
    fields.flags = flags;
    const bool syn = (flags & tcp_flags::syn) != 0;
    if (flags & tcp_flags::ack) fields.acknowledgment_number = rcv_nxt_.value();
    fields.window = window_field(syn);
    // RFC 7323 §5.4: a millisecond clock, offset per connection (§7.1).
    const uint32_t tsval = static_cast<uint32_t>(now / kTcpMillisecond) + ts_offset_;
    if (syn) {
        // A SYN offers what configuration allows; a SYN,ACK answers only what the peer offered.
        const bool offering = state_ == TcpState::SynSent;
        fields.options.maximum_segment_size = advertised_mss();
        if (offering ? env_.config().window_scaling : window_scaling_) fields.options.window_scale = rcv_shift_;
        if (offering ? env_.config().timestamps : timestamps_) {
            fields.options.timestamps = TcpTimestamps{tsval, (flags & tcp_flags::ack) ? ts_recent_ : 0};
        }
        fields.options.sack_permitted = offering ? env_.config().selective_acks : selective_acks_;
    } else {
        if (timestamps_) fields.options.timestamps = TcpTimestamps{tsval, ts_recent_};  // RFC 7323 §4.3 (3)
        if (flags & tcp_flags::ack) add_sack_blocks(fields.options);
    }
    std::span<const uint8_t> payload;
    if (payload_length > 0) {
        std::span<uint8_t> scratch = env_.payload_scratch(payload_length);
        send_buffer_.copy_out(payload_offset, scratch);
        payload = scratch;
    }
    env_.transmit(tuple_, fields, payload);
    if (flags & tcp_flags::ack) {
        last_ack_sent_ = rcv_nxt_;
        ack_now_ = false;
        unacked_bytes_ = 0;
        delayed_ack_at_ = kTcpNever;
    }
    last_sent_at_ = now;
}

void TcpConnection::add_sack_blocks(TcpOptions& options) const {
    if (!selective_acks_ || !receive_buffer_.has_out_of_order()) return;
    // RFC 2018 §4: as many blocks as fit (three beside Timestamps, RFC 2018 §3), the first
    // one holding the segment that arrived last; the others should be the most recently
    // reported ones, for which the highest ranges (the latest data sent) stand in.
    const size_t room = options.timestamps ? 3 : TcpOptions::max_sack_blocks;
    std::span<const TcpReceiveBuffer::Range> ranges = receive_buffer_.out_of_order();
    auto add = [&](const TcpReceiveBuffer::Range& range) {
        options.sack_blocks[options.sack_block_count++] = {range.begin.value(), range.end.value()};
    };
    size_t first = ranges.size() - 1;
    for (size_t i = 0; i < ranges.size(); ++i) {
        if (ranges[i].begin <= latest_out_of_order_ && latest_out_of_order_ < ranges[i].end) first = i;
    }
    add(ranges[first]);
    for (size_t i = ranges.size(); i-- > 0 && options.sack_block_count < room;) {
        if (i != first) add(ranges[i]);
    }
}

uint16_t TcpConnection::window_field(bool syn) {
    // The window offered is the free buffer space after RCV.NXT. Receiver SWS avoidance
    // (RFC 9293 §3.8.6.2.2): the right edge moves only in steps of at least
    // min(buffer / 2, MSS); it never moves left (§3.8.6.2.2 "MUST NOT shrink").
    const size_t limit = syn ? 0xffff : size_t{0xffff} << rcv_shift_;
    const uint32_t space = static_cast<uint32_t>(std::min(receive_buffer_.window(), limit));
    SeqNumber edge = rcv_nxt_ + space;
    if (!syn && edge > rcv_adv_ && rcv_adv_ >= rcv_nxt_) {
        const uint32_t step = std::min<uint32_t>(static_cast<uint32_t>(receive_buffer_.capacity() / 2), receive_mss());
        if (edge.distance_from(rcv_adv_) < step) edge = rcv_adv_;
    }
    if (edge < rcv_adv_) edge = rcv_adv_;
    uint32_t window = edge.distance_from(rcv_nxt_);
    uint32_t field = std::min<uint32_t>(syn ? window : window >> rcv_shift_, 0xffff);
    rcv_adv_ = seq_max(rcv_adv_, rcv_nxt_ + (syn ? field : field << rcv_shift_));
    return static_cast<uint16_t>(field);
}

void TcpConnection::send_syn(uint64_t now) {
    // <SEQ=ISS><CTL=SYN>, or in SYN-RECEIVED <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
    uint8_t flags = tcp_flags::syn | (state_ == TcpState::SynReceived ? tcp_flags::ack : 0);
    send_segment(now, flags, iss_, 0, 0);
}

void TcpConnection::send_ack(uint64_t now) { send_segment(now, tcp_flags::ack, snd_nxt_, 0, 0); }

void TcpConnection::send_challenge_ack(uint64_t now) {
    // RFC 5961 §3.2/§4.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, rate-limited (§7).
    if (!env_.allow_challenge_ack(now)) return;
    ++env_.counters().challenge_acks_sent;
    send_ack(now);
}

void TcpConnection::send_reset(SeqNumber seq, bool with_ack) {
    TcpHeaderFields fields;
    fields.source_port = tuple_.local.port;
    fields.destination_port = tuple_.remote.port;
    fields.sequence_number = seq.value();
    fields.flags = tcp_flags::rst;
    if (with_ack) {
        fields.flags |= tcp_flags::ack;
        fields.acknowledgment_number = rcv_nxt_.value();
    }
    env_.transmit(tuple_, fields, {});
}

void TcpConnection::send_probe(uint64_t now) {
    // Zero-window and keepalive probe as Linux sends it: <SEQ=SND.UNA-1><ACK=RCV.NXT>, no
    // data. It lies outside the peer's window, so the peer must answer with an ACK that
    // carries its current window (RFC 9293 §3.10.7.4 first check).
    send_segment(now, tcp_flags::ack, snd_una_ - 1, 0, 0);
}

void TcpConnection::retransmit_head(uint64_t now) {
    // One segment from SND.UNA (fast retransmit, NewReno partial ACK, timeout), no larger than
    // what was sent before.
    const size_t buffered = send_buffer_.size();
    const size_t in_flight = std::min<size_t>(snd_max_.distance_from(snd_una_), buffered);
    const size_t length = std::min<size_t>(in_flight, snd_mss_);
    const bool fin = fin_queued_ && length == buffered && snd_max_ > fin_seq();
    if (length == 0 && !fin) return;
    uint8_t flags = tcp_flags::ack;
    if (fin) flags |= tcp_flags::fin;
    if (length > 0 && length == buffered) flags |= tcp_flags::psh;
    send_segment(now, flags, snd_una_, 0, length);
    ++env_.counters().segments_retransmitted;
    head_retransmitted_ = true;
    head_retransmitted_at_ = snd_una_;
    head_retransmitted_max_ = snd_max_;
    const SeqNumber end = snd_una_ + static_cast<uint32_t>(length + (fin ? 1 : 0));
    if (rtt_timing_ && rtt_seq_ < end) rtt_timing_ = false;  // Karn: no sample from it
    if (snd_nxt_ < end) snd_nxt_ = end;
}

}  // namespace ingot::net
