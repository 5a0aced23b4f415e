// Opening, option negotiation and state changes of a TCP connection.
#include <net/tcp/tcp_connection.h>

#include <algorithm>

namespace ingot::net {

namespace {

size_t live_connections = 0;

// RFC 7323 §5.5: a TS.Recent older than 24 days may have wrapped; it is then not used for PAWS.
constexpr uint64_t kTimestampValidity = 24ull * 24 * 3600 * kTcpSecond;
// The smallest MSS a peer may make us use (Linux's tcp_min_snd_mss is 48): tiny MSS values
// would let a peer multiply our per-byte cost.
constexpr uint16_t kMinPeerMss = 64;
// RFC 9293 §3.7.1: the MSS assumed when the SYN carries no MSS option.
constexpr uint16_t kDefaultPeerMss = 536;
// Bytes a Timestamps option takes in every non-SYN segment (NOP, NOP, kind, length, 8 bytes).
constexpr uint32_t kTimestampOptionSize = 12;

}  // namespace

TcpConnection::TcpConnection(TcpEnvironment& env, const TcpFourTuple& tuple,
                             const TcpSocketOptions& options)
    : env_(env),
      tuple_(tuple),
      options_(options),
      send_buffer_(options.send_buffer_size),
      receive_buffer_(options.receive_buffer_size),
      rtt_(env.config().rto_initial_ns, env.config().rto_min_ns, env.config().rto_max_ns) {
    ++live_connections;
    ts_offset_ = env_.keys().timestamp_offset(tuple_);
}

TcpConnection::~TcpConnection() { --live_connections; }

size_t TcpConnection::live_count() { return live_connections; }

uint16_t TcpConnection::advertised_mss() const {
    // RFC 9293 §3.7.1 / RFC 1122 §4.2.2.6: the MSS is what one datagram to this peer carries
    // past the 20-byte TCP header, here also capped by configuration.
    size_t transport = env_.output().max_transport_size(tuple_.remote.address);
    size_t mss = transport > 20 + kMinPeerMss ? transport - 20 : kMinPeerMss;
    return static_cast<uint16_t>(std::min<size_t>(mss, env_.config().mss));
}

uint8_t TcpConnection::wanted_window_shift() const {
    // RFC 7323 §2.3: the smallest shift that lets the 16-bit field cover the whole buffer.
    uint8_t shift = 0;
    while (shift < TcpOptions::max_window_scale && (receive_buffer_.capacity() >> shift) > 0xffff) ++shift;
    return shift;
}

void TcpConnection::choose_iss(uint64_t now, std::optional<SeqNumber> minimum_iss) {
    iss_ = SeqNumber(env_.keys().initial_sequence_number(tuple_, now));
    // RFC 6191 §2: a new incarnation replacing TIME-WAIT starts above the old sequence space.
    if (minimum_iss && iss_ <= *minimum_iss) iss_ = *minimum_iss + 65536;
    snd_una_ = iss_;
    snd_nxt_ = iss_ + 1;
    snd_max_ = snd_nxt_;
    rtt_timing_ = true;  // the SYN is timed; Karn drops the sample if it is retransmitted
    rtt_seq_ = iss_;
    rtt_sent_at_ = now;
}

void TcpConnection::open_active(uint64_t now) {
    choose_iss(now, std::nullopt);
    rcv_shift_ = env_.config().window_scaling ? wanted_window_shift() : 0;
    state_ = TcpState::SynSent;
    ++env_.counters().active_opens;
    send_syn(now);
    arm_retransmit(now);
}

void TcpConnection::open_passive(const TcpSegment& syn, uint64_t now, std::optional<SeqNumber> minimum_iss) {
    passive_ = true;
    irs_ = SeqNumber(syn.sequence_number());
    rcv_nxt_ = irs_ + 1;
    rcv_adv_ = rcv_nxt_;
    choose_iss(now, minimum_iss);
    negotiate_options(syn.options(), now);
    // RFC 7323 §2.2: the window field of a SYN is never scaled.
    snd_wnd_ = syn.window();
    max_snd_wnd_ = snd_wnd_;
    snd_wl1_ = irs_;
    snd_wl2_ = iss_;
    last_received_at_ = now;
    state_ = TcpState::SynReceived;
    ++env_.counters().passive_opens;
    send_syn(now);
    arm_retransmit(now);
}

void TcpConnection::negotiate_options(const TcpOptions& peer, uint64_t now) {
    const TcpConfig& config = env_.config();
    uint16_t mss = peer.maximum_segment_size.value_or(kDefaultPeerMss);
    peer_mss_ = std::max(mss, kMinPeerMss);
    // RFC 7323 §2.2: scaling is on only when both SYNs carry Window Scale.
    window_scaling_ = config.window_scaling && peer.window_scale.has_value();
    snd_shift_ = window_scaling_ ? *peer.window_scale : 0;
    // Our shift: what our SYN announced (active open), or what the SYN,ACK will announce.
    if (!window_scaling_) {
        rcv_shift_ = 0;
    } else if (passive_) {
        rcv_shift_ = wanted_window_shift();
    }
    // RFC 7323 §3.2: timestamps likewise need both SYNs.
    timestamps_ = config.timestamps && peer.timestamps.has_value();
    if (timestamps_) {
        ts_recent_ = peer.timestamps->value;
        ts_recent_at_ = now;
    }
    // RFC 2018 §2: SACK is used only when both SYNs carried SACK-Permitted.
    selective_acks_ = config.selective_acks && peer.sack_permitted;
    // RFC 9293 §3.7.1 and RFC 6691: the payload of a full segment is the smaller MSS less
    // the options every segment carries.
    uint32_t mss_both = std::min<uint32_t>(peer_mss_, advertised_mss());
    snd_mss_ = mss_both - (timestamps_ ? kTimestampOptionSize : 0);
}

bool TcpConnection::timestamp_recent_valid(uint64_t now) const {
    return now - ts_recent_at_ < kTimestampValidity;
}

uint32_t TcpConnection::receive_mss() const {
    // The size of a full segment from the peer, as Linux's rcv_mss estimates it: the largest
    // payload seen so far, at most what we advertised.
    uint32_t advertised = advertised_mss() - (timestamps_ ? kTimestampOptionSize : 0);
    return std::clamp<uint32_t>(largest_received_, std::min<uint32_t>(536, advertised), advertised);
}

void TcpConnection::set_established(uint64_t now) {
    state_ = TcpState::Established;
    ever_connected_ = true;
    // RFC 6298 (5.7): a handshake that needed retransmissions gave no RTT sample; data
    // transfer then starts from a 3 s RTO rather than the aggressive initial one.
    if (retransmit_count_ > 0 && !rtt_.has_sample()) rtt_.restart(3 * kTcpSecond);
    retransmit_count_ = 0;
    cc_.start(snd_mss_, env_.config().initial_window_segments, snd_max_);
    highest_sacked_ = snd_una_;
    sack_board_.reset(snd_una_);
    cc_.set_sack_recovery(selective_acks_);
    if (snd_una_ == snd_max_) retransmit_at_ = kTcpNever;
    schedule_keepalive(now);
    // A close() during the handshake queued our FIN (RFC 9293 §3.10.4, SYN-RECEIVED).
    if (fin_queued_) state_ = TcpState::FinWait1;
}

void TcpConnection::enter_time_wait(uint64_t now) {
    // RFC 9293 §3.10.7.4 eighth: start the time-wait timer, turn off the other timers.
    state_ = TcpState::TimeWait;
    retransmit_at_ = persist_at_ = keepalive_at_ = fin_wait2_until_ = cork_ceiling_at_ = kTcpNever;
    time_wait_until_ = now + 2 * env_.config().msl_ns;
    send_buffer_.clear();
}

void TcpConnection::enter_closed(Errno error) {
    state_ = TcpState::Closed;
    if (error != Errno{0}) pending_error_ = error;
    retransmit_at_ = persist_at_ = delayed_ack_at_ = keepalive_at_ = cork_ceiling_at_ = kTcpNever;
    time_wait_until_ = fin_wait2_until_ = kTcpNever;
    ack_now_ = false;
    send_buffer_.clear();
    // Bytes already received stay readable for the owner (Linux reads them before the error);
    // nobody is left to read them on an orphan.
    if (closed_by_owner_) receive_buffer_.clear();
}

bool TcpConnection::time_wait_accepts(const TcpSegment& syn) const {
    // RFC 6191 §2: with timestamps on both incarnations, the new SYN's TSval must be newer;
    // otherwise (RFC 9293 §3.6.1, RFC 1122 §4.2.2.13) its ISN must lie above RCV.NXT.
    if (timestamps_ && syn.options().timestamps) {
        return static_cast<int32_t>(syn.options().timestamps->value - ts_recent_) > 0;
    }
    return SeqNumber(syn.sequence_number()) > rcv_nxt_;
}

TcpConnectionInfo TcpConnection::info() const {
    TcpConnectionInfo i;
    i.state = state_;
    i.snd_una = snd_una_.value();
    i.snd_nxt = snd_nxt_.value();
    i.snd_max = snd_max_.value();
    i.rcv_nxt = rcv_nxt_.value();
    i.send_window = snd_wnd_;
    i.receive_window = rcv_adv_ > rcv_nxt_ ? rcv_adv_.distance_from(rcv_nxt_) : 0;
    i.send_mss = snd_mss_;
    i.peer_mss = peer_mss_;
    i.send_window_shift = snd_shift_;
    i.receive_window_shift = rcv_shift_;
    i.window_scaling = window_scaling_;
    i.timestamps = timestamps_;
    i.selective_acks = selective_acks_;
    i.cwnd = cc_.cwnd();
    i.ssthresh = cc_.ssthresh();
    i.in_recovery = cc_.in_recovery();
    i.rto_ns = rtt_.rto();
    i.srtt_ns = rtt_.smoothed_rtt();
    i.rttvar_ns = rtt_.rtt_variance();
    i.retransmissions = retransmit_count_;
    size_t sent = std::min<size_t>(snd_nxt_.distance_from(snd_una_), send_buffer_.size());
    i.bytes_in_flight = snd_max_.distance_from(snd_una_);
    i.bytes_unsent = send_buffer_.size() - sent;
    i.bytes_readable = receive_buffer_.readable();
    return i;
}

}  // namespace ingot::net
