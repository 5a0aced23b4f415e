// What every TCP connection of one stack shares: the IPv4 output, the configuration, the
// keyed hash, counters, and the one routine that turns header fields plus payload into a
// checksummed segment on the wire.
#pragma once

#include <lib/result.h>
#include <net/ip_output.h>
#include <net/tcp/tcp_keyed_hash.h>
#include <net/tcp/tcp_types.h>
#include <net/wire/tcp_segment.h>

#include <cstdint>
#include <span>
#include <vector>

namespace ingot::net {

// Event counts, in the spirit of Linux's /proc/net/snmp "Tcp:" line.
struct TcpCounters {
    uint64_t segments_received = 0;
    uint64_t segments_sent = 0;
    uint64_t segments_retransmitted = 0;
    uint64_t lost_retransmissions = 0;    // retransmissions found lost through SACK
    uint64_t sack_recoveries = 0;         // loss recoveries driven by the SACK scoreboard
    uint64_t retransmission_timeouts = 0; // expiries of the retransmission timer with data out
    uint64_t loss_probes = 0;             // tail loss probes sent (RFC 8985 §7)
    uint64_t bad_segments = 0;            // malformed or bad checksum
    uint64_t resets_sent = 0;
    uint64_t resets_received = 0;
    uint64_t challenge_acks_sent = 0;
    uint64_t active_opens = 0;
    uint64_t passive_opens = 0;
    uint64_t attempt_fails = 0;           // handshakes that did not complete
    uint64_t establish_resets = 0;        // resets in ESTABLISHED or CLOSE-WAIT
    uint64_t listen_drops = 0;            // SYNs/ACKs dropped on full listen queues
    uint64_t send_failures = 0;           // Ipv4Output refused a segment
    uint64_t timeouts = 0;                // connections given up with ETIMEDOUT
};

class TcpEnvironment {
public:
    TcpEnvironment(Ipv4Output& output, const TcpConfig& config, const SipHashKey& secret)
        : output_(output), config_(config), keys_(secret) {}

    const TcpConfig& config() const { return config_; }
    const TcpKeyedHash& keys() const { return keys_; }
    Ipv4Output& output() { return output_; }
    TcpCounters& counters() { return counters_; }
    const TcpCounters& counters() const { return counters_; }

    // Emits one segment from tuple.local to tuple.remote: header from fields, then payload,
    // with the checksum over the pseudo-header (RFC 9293 §3.1). A segment the IP layer
    // refuses is counted and otherwise treated as lost in the network.
    void transmit(const TcpFourTuple& tuple, const TcpHeaderFields& fields,
                  std::span<const uint8_t> payload);
    // A reset for a segment that matches no connection (RFC 9293 §3.10.7.1): never in reply
    // to a reset; <SEQ=SEG.ACK><CTL=RST> when the segment carried ACK, otherwise
    // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    void reply_reset(const TcpFourTuple& tuple, const TcpSegment& segment);

    // RFC 5961 §7: challenge ACKs are rate-limited stack-wide (Linux's
    // tcp_challenge_ack_limit); true when one more may go out now.
    bool allow_challenge_ack(uint64_t now);

    // Staging memory for one segment's payload, copied out of a send ring that may wrap.
    std::span<uint8_t> payload_scratch(size_t length);

private:
    static constexpr uint32_t kChallengeAcksPerSecond = 1000;

    Ipv4Output& output_;
    TcpConfig config_;
    TcpKeyedHash keys_;
    TcpCounters counters_;
    std::vector<uint8_t> scratch_;
    uint64_t challenge_window_start_ = 0;
    uint32_t challenge_acks_in_window_ = 0;
};

}  // namespace ingot::net
