// SEGMENT ARRIVES (RFC 9293 §3.10.7.3-4): the state machine as one switch over (state, kind
// of segment). The checks every synchronized state shares (sequence acceptability, PAWS,
// RST and SYN validation) run first; the switch then says what each state does.
#include <net/tcp/tcp_connection.h>

namespace ingot::net {

namespace {

constexpr int arm(TcpState state, int kind) { return static_cast<int>(state) * 8 + kind; }

bool synchronized(TcpState state) {
    return state != TcpState::Closed && state != TcpState::Listen && state != TcpState::SynSent;
}

}  // namespace

TcpConnection::Kind TcpConnection::classify(const Incoming& seg) {
    if (seg.has(tcp_flags::rst)) return Kind::Rst;
    if (seg.has(tcp_flags::syn)) return seg.has(tcp_flags::ack) ? Kind::SynAck : Kind::Syn;
    if (!seg.has(tcp_flags::ack)) return Kind::NoAck;
    return seg.has(tcp_flags::fin) ? Kind::Fin : Kind::Ack;
}

void TcpConnection::on_segment(const TcpSegment& segment, uint64_t now) {
    const TcpOptions& options = segment.options();
    Incoming seg{SeqNumber(segment.sequence_number()), SeqNumber(segment.acknowledgment_number()),
                 segment.flags(), segment.window(), options.timestamps,
                 std::span<const TcpSackBlock>(options.sack_blocks.data(), options.sack_block_count),
                 segment.payload()};
    if (!synchronized(state_) && state_ != TcpState::SynSent) return;

    // A repeated SYN for a half-open passive connection means our SYN,ACK was lost: send it
    // again rather than the bare ACK the acceptability test would produce (as Linux does).
    if (state_ == TcpState::SynReceived && passive_ && classify(seg) == Kind::Syn && seg.seq == irs_) {
        send_syn(now);
        return;
    }
    // TIME-WAIT: "The only thing that can arrive in this state is a retransmission of the
    // remote FIN. Acknowledge it, and restart the 2 MSL timeout." (§3.10.7.4 eighth).
    if (state_ == TcpState::TimeWait && classify(seg) == Kind::Fin &&
        seg.seq + static_cast<uint32_t>(seg.payload.size()) + 1 == rcv_nxt_) {
        time_wait_until_ = now + 2 * env_.config().msl_ns;
        send_ack(now);
        return;
    }
    if (synchronized(state_) && !synchronized_checks(seg, now)) return;

    const Kind kind = classify(seg);
    using S = TcpState;
    auto K = [](Kind k) { return static_cast<int>(k); };
    switch (arm(state_, K(kind))) {
    // ---- SYN-SENT (§3.10.7.3) ------------------------------------------------------------
    case arm(S::SynSent, K(Kind::Rst)): {
        // second: a reset is valid only with an acceptable ACK; then "connection reset".
        bool ack_ok = seg.has(tcp_flags::ack) && snd_una_ < seg.ack && seg.ack <= snd_nxt_;
        if (ack_ok) {
            ++env_.counters().resets_received;
            ++env_.counters().attempt_fails;
            enter_closed(Errno::ECONNREFUSED);
        }
        return;
    }
    case arm(S::SynSent, K(Kind::SynAck)):
    case arm(S::SynSent, K(Kind::Syn)):
    case arm(S::SynSent, K(Kind::Ack)):
    case arm(S::SynSent, K(Kind::Fin)):
        // first (unacceptable ACK -> RST), fourth (SYN: ESTABLISHED or, without ACK,
        // simultaneous open into SYN-RECEIVED), fifth (neither SYN nor RST: drop).
        handle_syn_sent(seg, segment.options(), kind, now);
        break;
    case arm(S::SynSent, K(Kind::NoAck)):
        return;  // fifth: "drop the segment and return"

    // ---- SYN-RECEIVED (§3.10.7.4) --------------------------------------------------------
    case arm(S::SynReceived, K(Kind::Rst)):
        // second: passive OPEN returns to LISTEN (the listener keeps going; this half-open
        // connection goes away quietly); active OPEN: "connection refused".
        ++env_.counters().resets_received;
        ++env_.counters().attempt_fails;
        enter_closed(passive_ ? Errno{0} : Errno::ECONNREFUSED);
        return;
    case arm(S::SynReceived, K(Kind::Syn)):
    case arm(S::SynReceived, K(Kind::SynAck)):
        // fourth: passive -> back to LISTEN; active -> as synchronized states (RFC 5961 §4).
        if (passive_) {
            ++env_.counters().attempt_fails;
            enter_closed(Errno{0});
        } else {
            send_challenge_ack(now);
        }
        return;
    case arm(S::SynReceived, K(Kind::Ack)):
    case arm(S::SynReceived, K(Kind::Fin)):
        // fifth: "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue
        // processing"; otherwise <SEQ=SEG.ACK><CTL=RST>.
        if (!(snd_una_ < seg.ack && seg.ack <= snd_max_)) {
            send_reset(seg.ack, false);
            return;
        }
        take_rtt_sample(seg.ack, now);
        snd_una_ = iss_ + 1;
        snd_wnd_ = seg.window << snd_shift_;
        max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
        snd_wl1_ = seg.seq;
        snd_wl2_ = seg.ack;
        set_established(now);
        process_synchronized(seg, now);
        break;

    // ---- Synchronized states: second check, RST with SEG.SEQ == RCV.NXT (RFC 5961 §3.2) ---
    case arm(S::Established, K(Kind::Rst)):
    case arm(S::FinWait1, K(Kind::Rst)):
    case arm(S::FinWait2, K(Kind::Rst)):
    case arm(S::CloseWait, K(Kind::Rst)):
        // "any outstanding RECEIVEs and SEND should receive 'reset' responses ... enter the
        // CLOSED state, delete the TCB".
        ++env_.counters().resets_received;
        if (state_ == S::Established || state_ == S::CloseWait) ++env_.counters().establish_resets;
        enter_closed(Errno::ECONNRESET);
        return;
    case arm(S::Closing, K(Kind::Rst)):
    case arm(S::LastAck, K(Kind::Rst)):
    case arm(S::TimeWait, K(Kind::Rst)):
        // "If the RST bit is set, then enter the CLOSED state, delete the TCB, and return."
        ++env_.counters().resets_received;
        enter_closed(Errno{0});
        return;

    // ---- fourth check: SYN in a synchronized state -> challenge ACK (RFC 5961 §4.2) -------
    case arm(S::Established, K(Kind::Syn)):   case arm(S::Established, K(Kind::SynAck)):
    case arm(S::FinWait1, K(Kind::Syn)):      case arm(S::FinWait1, K(Kind::SynAck)):
    case arm(S::FinWait2, K(Kind::Syn)):      case arm(S::FinWait2, K(Kind::SynAck)):
    case arm(S::CloseWait, K(Kind::Syn)):     case arm(S::CloseWait, K(Kind::SynAck)):
    case arm(S::Closing, K(Kind::Syn)):       case arm(S::Closing, K(Kind::SynAck)):
    case arm(S::LastAck, K(Kind::Syn)):       case arm(S::LastAck, K(Kind::SynAck)):
    case arm(S::TimeWait, K(Kind::Syn)):      case arm(S::TimeWait, K(Kind::SynAck)):
        send_challenge_ack(now);
        return;

    // ---- fifth check: "if the ACK bit is off, drop the segment and return" ---------------
    case arm(S::SynReceived, K(Kind::NoAck)):
    case arm(S::Established, K(Kind::NoAck)):
    case arm(S::FinWait1, K(Kind::NoAck)):
    case arm(S::FinWait2, K(Kind::NoAck)):
    case arm(S::CloseWait, K(Kind::NoAck)):
    case arm(S::Closing, K(Kind::NoAck)):
    case arm(S::LastAck, K(Kind::NoAck)):
    case arm(S::TimeWait, K(Kind::NoAck)):
        return;

    // ---- fifth to eighth: ACK, text, FIN ---------------------------------------------------
    case arm(S::Established, K(Kind::Ack)):
    case arm(S::Established, K(Kind::Fin)):
        // ESTABLISHED: update SND.UNA and the window, take the text, FIN -> CLOSE-WAIT.
        process_synchronized(seg, now);
        break;
    case arm(S::FinWait1, K(Kind::Ack)):
    case arm(S::FinWait1, K(Kind::Fin)):
        // FIN-WAIT-1: as ESTABLISHED; once our FIN is acknowledged enter FIN-WAIT-2; a FIN
        // then leads to TIME-WAIT, or to CLOSING while ours is still unacknowledged
        // (simultaneous close).
        process_synchronized(seg, now);
        break;
    case arm(S::FinWait2, K(Kind::Ack)):
    case arm(S::FinWait2, K(Kind::Fin)):
        // FIN-WAIT-2: as ESTABLISHED (the peer may still send); FIN -> TIME-WAIT.
        process_synchronized(seg, now);
        break;
    case arm(S::CloseWait, K(Kind::Ack)):
    case arm(S::CloseWait, K(Kind::Fin)):
        // CLOSE-WAIT: as ESTABLISHED for the ACK; the peer's FIN came already, so text and
        // FIN are ignored (seventh and eighth steps).
        process_synchronized(seg, now);
        break;
    case arm(S::Closing, K(Kind::Ack)):
    case arm(S::Closing, K(Kind::Fin)):
        // CLOSING: "if the ACK acknowledges our FIN, then enter the TIME-WAIT state".
        process_synchronized(seg, now);
        break;
    case arm(S::LastAck, K(Kind::Ack)):
    case arm(S::LastAck, K(Kind::Fin)):
        // LAST-ACK: "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state".
        process_synchronized(seg, now);
        break;
    case arm(S::TimeWait, K(Kind::Ack)):
    case arm(S::TimeWait, K(Kind::Fin)):
        // TIME-WAIT: nothing new can arrive (the retransmitted FIN was handled above).
        return;

    default:
        // CLOSED and LISTEN never reach a connection: the stack answers them (§3.10.7.1-2).
        return;
    }
    if (state_ != TcpState::Closed) output(now);
}

bool TcpConnection::synchronized_checks(Incoming& seg, uint64_t now) {
    const bool rst = seg.has(tcp_flags::rst);
    // RFC 7323 §3.2: once timestamps are on, a non-RST segment without them is dropped.
    if (timestamps_ && !seg.timestamps && !rst) return false;
    // RFC 7323 §5.3 R1 (PAWS): an older TSval marks an old duplicate; ACK and drop it.
    if (timestamps_ && seg.timestamps && !rst && timestamp_recent_valid(now) &&
        static_cast<int32_t>(seg.timestamps->value - ts_recent_) < 0) {
        send_ack(now);
        return false;
    }
    // First check (§3.10.7.4): sequence number acceptability.
    if (!acceptable(seg)) {
        if (!rst) send_ack(now);
        return false;
    }
    // RFC 7323 §4.3 (2): remember the TSval to echo.
    if (timestamps_ && seg.timestamps && static_cast<int32_t>(seg.timestamps->value - ts_recent_) >= 0 &&
        seg.seq <= last_ack_sent_) {
        ts_recent_ = seg.timestamps->value;
        ts_recent_at_ = now;
    }
    if (rst) {
        // Second check, RFC 5961 §3.2: only a reset exactly at RCV.NXT counts; one merely
        // in the window earns a challenge ACK.
        if (seg.seq != rcv_nxt_) {
            send_challenge_ack(now);
            return false;
        }
        return true;
    }
    trim_to_window(seg);
    last_received_at_ = now;
    keepalive_probes_ = 0;
    schedule_keepalive(now);
    return true;
}

bool TcpConnection::acceptable(const Incoming& seg) const {
    // The four cases of §3.10.7.4's table, with RCV.WND the window last advertised.
    uint32_t window = rcv_adv_ > rcv_nxt_ ? rcv_adv_.distance_from(rcv_nxt_) : 0;
    uint32_t length = seg.length();
    if (length == 0) return window == 0 ? seg.seq == rcv_nxt_ : seg.seq.in_window(rcv_nxt_, window);
    // Zero window: "special allowance should be made to accept valid ACKs, URGs, and RSTs":
    // a segment at RCV.NXT is processed for its ACK; trimming removes its text.
    if (window == 0) return seg.seq == rcv_nxt_;
    return seg.seq.in_window(rcv_nxt_, window) || (seg.seq + (length - 1)).in_window(rcv_nxt_, window);
}

void TcpConnection::trim_to_window(Incoming& seg) {
    // §3.10.7.4: "If a segment's contents straddle the boundary between old and new, only the
    // new parts are processed"; text beyond the window is cut off, and a FIN with it.
    if (seg.seq < rcv_nxt_) {
        uint32_t old = rcv_nxt_.distance_from(seg.seq);
        if (seg.has(tcp_flags::syn)) {
            seg.flags &= static_cast<uint8_t>(~tcp_flags::syn);
            seg.seq = seg.seq + 1;
            --old;
        }
        size_t cut = std::min<size_t>(old, seg.payload.size());
        seg.payload = seg.payload.subspan(cut);
        seg.seq = seg.seq + static_cast<uint32_t>(cut);
        if (old > cut) seg.flags &= static_cast<uint8_t>(~tcp_flags::fin);  // a repeated FIN
    }
    uint32_t window = rcv_adv_ > rcv_nxt_ ? rcv_adv_.distance_from(rcv_nxt_) : 0;
    uint32_t offset = seg.seq.distance_from(rcv_nxt_);
    if (offset + seg.payload.size() > window) {
        // What lies beyond the window was "not acceptable": the ACK we owe restates RCV.NXT
        // and the window.
        seg.payload = seg.payload.first(window > offset ? window - offset : 0);
        seg.flags &= static_cast<uint8_t>(~tcp_flags::fin);
        ack_now_ = true;
    }
}

void TcpConnection::handle_syn_sent(const Incoming& seg, const TcpOptions& options, Kind kind, uint64_t now) {
    // First: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is
    // set) ... <SEQ=SEG.ACK><CTL=RST>".
    if (seg.has(tcp_flags::ack) && !(snd_una_ < seg.ack && seg.ack <= snd_nxt_)) {
        send_reset(seg.ack, false);
        return;
    }
    if (kind != Kind::SynAck && kind != Kind::Syn) return;  // fifth: neither SYN nor RST
    // Fourth: RCV.NXT = SEG.SEQ + 1, IRS = SEG.SEQ.
    irs_ = seg.seq;
    rcv_nxt_ = irs_ + 1;
    rcv_adv_ = rcv_nxt_;
    last_received_at_ = now;
    negotiate_options(options, now);
    snd_wnd_ = seg.window;  // a SYN's window is never scaled (RFC 7323 §2.2)
    max_snd_wnd_ = snd_wnd_;
    snd_wl1_ = seg.seq;
    snd_wl2_ = seg.ack;
    if (kind == Kind::Syn) {
        // "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT>".
        state_ = TcpState::SynReceived;
        send_syn(now);
        return;
    }
    // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED,
    // form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
    take_rtt_sample(seg.ack, now);
    snd_una_ = seg.ack;
    retransmit_at_ = kTcpNever;
    set_established(now);
    ack_now_ = true;
    // Data or a FIN riding on the SYN,ACK continue at the sixth step.
    Incoming rest = seg;
    rest.flags &= static_cast<uint8_t>(~tcp_flags::syn);
    rest.seq = seg.seq + 1;
    process_text(rest, now);
    if (state_ != TcpState::Closed) process_fin(rest, now);
}

}  // namespace ingot::net
