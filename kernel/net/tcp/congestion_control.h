// Congestion control: slow start and congestion avoidance (RFC 5681 §3.1), fast retransmit
// and NewReno fast recovery (RFC 5681 §3.2, RFC 6582), Limited Transmit (RFC 3042), the initial
// window (RFC 6928) and the restart window after idle (RFC 5681 §4.1). With SACK the window
// arithmetic of RFC 6675 §5 replaces NewReno's inflation: the sender then limits itself by
// its pipe estimate, and this class only keeps cwnd, ssthresh and the recovery point.
// All amounts are bytes.
#pragma once

#include <net/tcp/sequence.h>

#include <cstdint>

namespace ingot::net {

class TcpCongestionControl {
public:
    // What the sender must do after an acknowledgment.
    struct AckAction {
        bool retransmit_head = false;   // resend the first unacknowledged segment (partial ACK)
        bool restart_timer = false;     // re-arm the retransmission timer (first partial ACK)
    };

    // Starts over with a sender MSS (after the handshake fixed it); highest_sent is the ISS.
    void start(uint32_t smss, uint32_t initial_window_segments, SeqNumber highest_sent);

    // Selects RFC 6675 SACK-based recovery (true) or NewReno (false, the default).
    void set_sack_recovery(bool on) { sack_recovery_ = on; }
    bool sack_recovery() const { return sack_recovery_; }
    // RFC 6675 §5 (3): enough SACKed data shows SND.UNA lost before three duplicates came;
    // enters recovery as the third duplicate would, unless SND.UNA is still below the
    // recovery point of the previous loss event. Returns whether it entered.
    bool enter_recovery_on_loss(SeqNumber ack, uint32_t flight_size, SeqNumber highest_sent);
    // RecoveryPoint (RFC 6675) / recover (RFC 6582).
    SeqNumber recovery_point() const { return recover_; }

    uint32_t cwnd() const { return cwnd_; }
    uint32_t ssthresh() const { return ssthresh_; }
    bool in_recovery() const { return in_recovery_; }
    uint32_t duplicate_acks() const { return duplicate_acks_; }
    // How much may be outstanding when sending new data: cwnd, plus one SMSS for each of the
    // first two duplicate ACKs outside recovery (RFC 3042 Limited Transmit), so that a loss
    // in a small window still draws the three duplicates that fast retransmit needs.
    uint32_t new_data_window() const;

    // An ACK advanced SND.UNA to ack, newly acknowledging acked bytes.
    AckAction on_new_ack(SeqNumber ack, uint32_t acked);
    // A duplicate ACK (RFC 5681 §2 definition) with flight_size bytes outstanding and
    // highest_sent = SND.MAX. Returns true when it triggers fast retransmit of SND.UNA.
    // Below the recovery point of an earlier loss, only when RFC 6582 §4.2's ACK heuristic
    // says the duplicates mean a new loss rather than unnecessary retransmissions.
    bool on_duplicate_ack(SeqNumber ack, uint32_t flight_size, SeqNumber highest_sent);
    // The retransmission timer expired; repeated when the same segment had already been
    // retransmitted by the timer (RFC 5681 §3.1 and (4), RFC 6582 §4).
    void on_timeout(uint32_t flight_size, SeqNumber highest_sent, bool repeated);
    // Sending resumes after more than one RTO without traffic (RFC 5681 §4.1).
    void on_idle_restart();

private:
    uint32_t initial_window() const;
    void set_ssthresh_from_flight(uint32_t flight_size);
    void enter_recovery(uint32_t flight_size, SeqNumber highest_sent);

    uint32_t smss_ = 536;
    uint32_t initial_segments_ = 10;
    uint32_t cwnd_ = 0;
    uint32_t ssthresh_ = 0xffffffffu;   // "arbitrarily high" (RFC 5681 §3.1)
    uint32_t bytes_acked_ = 0;          // congestion avoidance accumulator (RFC 3465 §2.1)
    uint32_t duplicate_acks_ = 0;
    uint32_t flight_at_first_duplicate_ = 0;  // FlightSize before Limited Transmit added to it
    uint32_t last_advance_ = 0;               // bytes the latest cumulative ACK newly covered
    bool in_recovery_ = false;
    bool partial_ack_seen_ = false;
    bool sack_recovery_ = false;
    SeqNumber recover_;                 // SND.MAX when the last loss was detected (RFC 6582)
};

}  // namespace ingot::net
