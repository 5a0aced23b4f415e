// One TCP connection: the transmission control block of RFC 9293 §3.3.1 and the event
// processing of §3.10 (user calls, SEGMENT ARRIVES, timeouts). It performs no I/O of its own:
// segments leave through the TcpEnvironment, time arrives as arguments, and the owning
// TcpStack watches state() to file the connection (accept queue, reaping once CLOSED).
//
// The implementation is split by concern:
//   tcp_connection.cpp         opening, option negotiation, state changes, introspection
//   tcp_connection_api.cpp     send/receive/shutdown/close/readiness (user calls, §3.10.2-6)
//   tcp_connection_input.cpp   SEGMENT ARRIVES: the (state, segment) switch (§3.10.7)
//   tcp_connection_ack.cpp     ACK, data and FIN processing shared by synchronized states
//   tcp_connection_output.cpp  deciding what to send: data, FIN, ACKs, Nagle, windows
//   tcp_connection_timers.cpp  retransmission, persist, delayed ACK, keepalive, TIME-WAIT
#pragma once

#include <fs/io_buffer.h>
#include <lib/result.h>
#include <net/tcp/congestion_control.h>
#include <net/tcp/receive_buffer.h>
#include <net/tcp/rtt_estimator.h>
#include <net/tcp/sack_scoreboard.h>
#include <net/tcp/send_buffer.h>
#include <net/tcp/sequence.h>
#include <net/tcp/tcp_environment.h>
#include <net/tcp/tcp_types.h>
#include <net/wire/tcp_segment.h>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace ingot::net {

inline constexpr uint64_t kTcpNever = ~uint64_t{0};

// A snapshot of the control block, in the spirit of Linux's struct tcp_info.
struct TcpConnectionInfo {
    TcpState state = TcpState::Closed;
    uint32_t snd_una = 0, snd_nxt = 0, snd_max = 0, rcv_nxt = 0;
    uint32_t send_window = 0;      // bytes, scaled
    uint32_t receive_window = 0;   // bytes last advertised
    uint32_t send_mss = 0;         // payload bytes per full segment
    uint16_t peer_mss = 0;
    uint8_t send_window_shift = 0, receive_window_shift = 0;
    bool window_scaling = false, timestamps = false, selective_acks = false;
    uint32_t cwnd = 0, ssthresh = 0;
    bool in_recovery = false;
    uint64_t rto_ns = 0, srtt_ns = 0, rttvar_ns = 0;
    uint32_t retransmissions = 0;  // consecutive, of the current head segment
    size_t bytes_unsent = 0, bytes_in_flight = 0, bytes_readable = 0;
};

class TcpConnection {
public:
    TcpConnection(TcpEnvironment& env, const TcpFourTuple& tuple, const TcpSocketOptions& options);
    ~TcpConnection();
    TcpConnection(const TcpConnection&) = delete;
    TcpConnection& operator=(const TcpConnection&) = delete;

    // Connection objects alive right now, across all stacks (leak checks in tests).
    static size_t live_count();

    // --- Opening ---------------------------------------------------------------------------
    // Active OPEN (RFC 9293 §3.10.1): sends SYN with our options and enters SYN-SENT.
    void open_active(uint64_t now);
    // A listener's SYN (RFC 9293 §3.10.7.2): records the peer's ISN and options, sends SYN,ACK
    // and enters SYN-RECEIVED. minimum_iss, when given, is a sequence number the ISS must lie
    // above (a TIME-WAIT incarnation of the same 4-tuple is being replaced, RFC 6191).
    void open_passive(const TcpSegment& syn, uint64_t now, std::optional<SeqNumber> minimum_iss);

    // --- Events ----------------------------------------------------------------------------
    // SEGMENT ARRIVES (RFC 9293 §3.10.7.3-4) for a segment whose checksum was verified.
    void on_segment(const TcpSegment& segment, uint64_t now);
    // Runs every timer due at or before now (RFC 9293 §3.10.8).
    void on_timers(uint64_t now);
    // The earliest time a timer is due; kTcpNever when none is armed.
    uint64_t next_deadline() const;

    // --- User calls (the socket layer) -----------------------------------------------------
    // SEND (§3.10.2): queues as much of src as fits; EAGAIN when nothing fits or the
    // handshake is still in progress, EPIPE after shutdown(Write) or once closing, the
    // pending error (ECONNRESET, ETIMEDOUT...) once, ENOTCONN if never connected.
    Result<size_t> send(IoBuffer& src, uint64_t now);
    // RECEIVE (§3.10.3): copies buffered bytes; 0 at end of stream; EAGAIN when nothing is
    // buffered yet; the pending error once after a reset; ENOTCONN before connecting.
    Result<size_t> receive(IoBuffer& dst, bool peek, uint64_t now);
    // shutdown(2): Write queues our FIN after the buffered data; Read makes receive() report
    // end of stream and discards what arrives later. ENOTCONN unless connected.
    Result<void> shutdown(TcpShutdown how, uint64_t now);
    // CLOSE (§3.10.4) by the owner, who lets go of the connection: graceful FIN, or RST when
    // unread data is left (RFC 2525 §2.17) or SO_LINGER 0 asks for an abort.
    void close(uint64_t now);
    // ABORT (§3.10.5): RST to the peer if synchronized, everything discarded, CLOSED.
    void abort();
    TcpReadiness readiness() const;
    // SO_ERROR: the pending error, cleared by reading it (0 when none).
    Errno take_error();
    const TcpSocketOptions& options() const { return options_; }
    // setsockopt: a buffer size changes only while that buffer is empty, and the receive
    // buffer never below the window already offered (EINVAL otherwise); the window scale
    // announced in the SYN stays. The other options apply at once.
    Result<void> set_options(const TcpSocketOptions& options, uint64_t now);

    // --- Introspection ---------------------------------------------------------------------
    TcpState state() const { return state_; }
    const TcpFourTuple& tuple() const { return tuple_; }
    bool opened_passively() const { return passive_; }
    bool closed_by_owner() const { return closed_by_owner_; }
    TcpConnectionInfo info() const;
    // RFC 6191 / RFC 9293 §3.6.1: whether a new SYN may reopen this TIME-WAIT connection's
    // 4-tuple (its ISN, or timestamp, lies beyond everything of the old incarnation).
    bool time_wait_accepts(const TcpSegment& syn) const;
    // Highest sequence number this incarnation used (the next one's ISS must lie above).
    SeqNumber highest_sent() const { return snd_max_; }
    // A number the owner files the connection under (the stack's slot index).
    uint32_t owner_tag() const { return owner_tag_; }
    void set_owner_tag(uint32_t tag) { owner_tag_ = tag; }

private:
    // A received segment reduced to what the state machine needs; trimming edits it.
    struct Incoming {
        SeqNumber seq;
        SeqNumber ack;
        uint8_t flags = 0;
        uint32_t window = 0;  // raw header field
        std::optional<TcpTimestamps> timestamps;
        std::span<const TcpSackBlock> sack_blocks;
        std::span<const uint8_t> payload;
        bool has(uint8_t flag) const { return (flags & flag) != 0; }
        uint32_t length() const {
            return static_cast<uint32_t>(payload.size()) + has(tcp_flags::syn) + has(tcp_flags::fin);
        }
    };
    enum class Kind : uint8_t { Rst, Syn, SynAck, NoAck, Ack, Fin };
    static Kind classify(const Incoming& seg);

    // tcp_connection.cpp
    void negotiate_options(const TcpOptions& peer, uint64_t now);
    bool timestamp_recent_valid(uint64_t now) const;
    void choose_iss(uint64_t now, std::optional<SeqNumber> minimum_iss);
    void set_established(uint64_t now);
    void enter_time_wait(uint64_t now);
    void enter_closed(Errno error);
    uint16_t advertised_mss() const;
    uint8_t wanted_window_shift() const;

    // tcp_connection_input.cpp
    bool synchronized_checks(Incoming& seg, uint64_t now);
    bool acceptable(const Incoming& seg) const;
    void trim_to_window(Incoming& seg);
    void handle_syn_sent(const Incoming& seg, const TcpOptions& options, Kind kind, uint64_t now);
    void process_synchronized(const Incoming& seg, uint64_t now);

    // tcp_connection_ack.cpp
    bool process_ack(const Incoming& seg, uint64_t now);
    void update_send_window(const Incoming& seg);
    bool reports_new_sack(const Incoming& seg);
    void detect_lost_retransmission(uint64_t now);
    void start_sack_recovery(uint64_t now);
    void detect_lost_hole_retransmissions();
    void process_text(const Incoming& seg, uint64_t now);
    void process_fin(const Incoming& seg, uint64_t now);
    void accept_fin(uint64_t now);
    void take_rtt_sample(SeqNumber ack, uint64_t now);

    // tcp_connection_output.cpp
    void output(uint64_t now);
    bool send_one(uint64_t now, bool force);
    void send_segment(uint64_t now, uint8_t flags, SeqNumber seq, size_t payload_offset,
                      size_t payload_length);
    void send_syn(uint64_t now);
    void send_ack(uint64_t now);
    void send_challenge_ack(uint64_t now);
    void send_reset(SeqNumber seq, bool with_ack);
    void send_probe(uint64_t now);
    void retransmit_head(uint64_t now);
    bool in_sack_recovery() const { return selective_acks_ && cc_.in_recovery(); }
    uint32_t sack_pipe() const { return sack_board_.pipe(snd_una_, snd_max_, snd_mss_); }
    void sack_recovery_output(uint64_t now);
    void retransmit_range(uint64_t now, SeqNumber seq, uint32_t length);
    uint16_t window_field(bool syn);
    void add_sack_blocks(TcpOptions& options) const;
    SeqNumber fin_seq() const { return snd_una_ + static_cast<uint32_t>(send_buffer_.size()); }
    size_t bytes_in_flight() const { return snd_nxt_.distance_from(snd_una_); }
    uint32_t receive_mss() const;

    // tcp_connection_timers.cpp
    void arm_retransmit(uint64_t now);
    void on_retransmit_timeout(uint64_t now);
    void arm_loss_probe(uint64_t now);
    void on_loss_probe_timeout(uint64_t now);
    void on_persist_timeout(uint64_t now);
    void on_keepalive_timeout(uint64_t now);
    void update_persist(uint64_t now);
    void schedule_keepalive(uint64_t now);
    void schedule_delayed_ack(uint64_t now);

    TcpEnvironment& env_;
    TcpFourTuple tuple_;
    TcpSocketOptions options_;
    uint32_t owner_tag_ = 0;
    TcpState state_ = TcpState::Closed;
    bool passive_ = false;
    bool closed_by_owner_ = false;
    bool read_shutdown_ = false;
    bool fin_queued_ = false;      // our FIN follows the send buffer (shutdown/close)
    bool fin_acked_ = false;
    bool fin_received_ = false;
    bool ever_connected_ = false;
    Errno pending_error_{0};

    // Send sequence variables (RFC 9293 §3.3.1). snd_max_ is the highest SND.NXT ever
    // reached; snd_nxt_ steps back to SND.UNA when the retransmission timer expires.
    SeqNumber iss_, snd_una_, snd_nxt_, snd_max_, snd_wl1_, snd_wl2_;
    uint32_t snd_wnd_ = 0;
    uint32_t max_snd_wnd_ = 0;
    uint8_t snd_shift_ = 0;
    // Receive sequence variables; rcv_adv_ is the right window edge last advertised.
    SeqNumber irs_, rcv_nxt_, rcv_adv_, last_ack_sent_;
    uint8_t rcv_shift_ = 0;
    std::optional<SeqNumber> fin_seq_received_;  // a FIN seen ahead of RCV.NXT

    // Negotiated options.
    uint16_t peer_mss_ = 536;       // RFC 9293 §3.7.1 default when the SYN carries none
    uint32_t snd_mss_ = 536;        // payload bytes per full segment we send
    bool window_scaling_ = false;
    bool timestamps_ = false;
    bool selective_acks_ = false;    // both SYNs carried SACK-Permitted
    SeqNumber latest_out_of_order_;  // start of the latest segment stored beyond RCV.NXT
    SeqNumber highest_sacked_;       // highest right edge the peer's SACK blocks reported
    TcpSackScoreboard sack_board_;   // what the peer's SACK blocks report it holds (RFC 6675)
    SeqNumber sack_rxt_max_;         // SND.MAX when the latest hole was retransmitted
    // The latest retransmission of the segment at SND.UNA and SND.MAX when it left: SACKs
    // for data sent after it while it stays unacknowledged show it was lost as well.
    SeqNumber head_retransmitted_at_, head_retransmitted_max_;
    bool head_retransmitted_ = false;
    uint32_t ts_offset_ = 0;
    uint32_t ts_recent_ = 0;
    uint64_t ts_recent_at_ = 0;

    TcpSendBuffer send_buffer_;
    TcpReceiveBuffer receive_buffer_;
    RttEstimator rtt_;
    TcpCongestionControl cc_;
    bool rtt_timing_ = false;       // one segment timed per round trip (Karn: never a retransmission)
    SeqNumber rtt_seq_;
    uint64_t rtt_sent_at_ = 0;

    // Timers: kTcpNever when off.
    uint64_t retransmit_at_ = kTcpNever;
    uint32_t retransmit_count_ = 0;
    uint64_t loss_probe_at_ = kTcpNever;  // tail loss probe (RFC 8985 §7), SACK connections only
    bool loss_probe_sent_ = false;       // one probe per flight, until SND.UNA advances
    uint64_t persist_at_ = kTcpNever;
    uint32_t persist_backoff_ = 0;
    uint32_t persist_probes_unanswered_ = 0;
    uint64_t delayed_ack_at_ = kTcpNever;
    bool ack_now_ = false;
    uint32_t unacked_bytes_ = 0;
    uint32_t largest_received_ = 0;
    uint64_t keepalive_at_ = kTcpNever;
    // TCP_CORK: when held-back partial data goes out anyway; the ceiling lets it pass once.
    uint64_t cork_ceiling_at_ = kTcpNever;
    bool cork_ceiling_passed_ = false;
    uint32_t keepalive_probes_ = 0;
    uint64_t time_wait_until_ = kTcpNever;
    uint64_t fin_wait2_until_ = kTcpNever;
    uint64_t last_received_at_ = 0;
    uint64_t last_sent_at_ = 0;
};

}  // namespace ingot::net
