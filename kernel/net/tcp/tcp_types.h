// Types shared by the TCP implementation (RFC 9293) and its users: connection states,
// header flags, stack-wide configuration, per-socket options, handles and readiness.
#pragma once

#include <net/net_types.h>

#include <cstddef>
#include <cstdint>

namespace ingot::net {

inline constexpr uint64_t kTcpMillisecond = 1'000'000;      // in nanoseconds
inline constexpr uint64_t kTcpSecond = 1'000'000'000;

// Connection states (RFC 9293 §3.3.2, Figure 6).
enum class TcpState : uint8_t {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
};
inline constexpr int kTcpStateCount = 11;

// "ESTABLISHED", "SYN-SENT", ... as RFC 9293 spells them.
const char* tcp_state_name(TcpState state);

// Stack-wide tunables. Defaults follow Linux where the RFCs leave a choice.
struct TcpConfig {
    // Maximum segment lifetime; TIME-WAIT lasts 2*MSL (RFC 9293 §3.4.2). RFC 793 suggested
    // 2 minutes; Linux holds TIME-WAIT for 60 s, i.e. MSL = 30 s. Tests shorten it.
    uint64_t msl_ns = 30 * kTcpSecond;
    // Retransmission timeout bounds (RFC 6298). The lower bound is 200 ms as in Linux rather
    // than RFC 6298 (2.4)'s 1 s: on the short paths a unikernel serves, 1 s stalls every loss.
    uint64_t rto_min_ns = 200 * kTcpMillisecond;
    uint64_t rto_max_ns = 120 * kTcpSecond;
    uint64_t rto_initial_ns = 1 * kTcpSecond;  // RFC 6298 (2.1)
    // Retransmissions of one segment before giving up with ETIMEDOUT (Linux tcp_retries2).
    uint32_t max_retransmissions = 15;
    uint32_t syn_retries = 6;        // active open (Linux tcp_syn_retries)
    uint32_t synack_retries = 5;     // passive open (Linux tcp_synack_retries)
    // Delayed ACK: at most this long, and at least every second full-sized segment
    // (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2 allow up to 500 ms; Linux uses 40 ms).
    uint64_t delayed_ack_ns = 40 * kTcpMillisecond;
    // How long an orphaned connection (closed by its owner) may sit in FIN-WAIT-2 (Linux
    // tcp_fin_timeout), so a peer that never sends its FIN cannot pin memory.
    uint64_t fin_wait2_timeout_ns = 60 * kTcpSecond;
    // The MSS we advertise and use at most (RFC 9293 §3.7.1); further limited by the
    // route's MTU (Ipv4Output::max_transport_size).
    uint16_t mss = 1460;
    // Initial congestion window in segments (RFC 6928).
    uint32_t initial_window_segments = 10;
    // Ephemeral port range for active opens (Linux ip_local_port_range).
    uint16_t ephemeral_port_first = 32768;
    uint16_t ephemeral_port_last = 60999;
    // Most connections (every state) the stack holds at once; SYNs beyond it are dropped.
    uint32_t max_connections = 65536;
    // Most accept/SYN queue entries a listener may ask for (Linux somaxconn).
    uint32_t max_backlog = 4096;
    // RFC 7323 options; turned off, they are neither offered nor accepted.
    bool window_scaling = true;
    bool timestamps = true;
    // RFC 2018 selective acknowledgments: SACK-Permitted is offered (and answered), our ACKs
    // then report the out-of-order data we hold, so that a SACK sender repairs several
    // losses per round trip. As a sender we use the peer's blocks only to recognise
    // duplicate ACKs and lost retransmissions, not (yet) for an RFC 6675 scoreboard.
    bool selective_acks = true;
    // What a listener with a full accept queue does with a handshake's final ACK: drop it
    // (default, like Linux: the peer's retransmission or our SYN-ACK retransmission retries
    // later) or answer with RST (Linux tcp_abort_on_overflow).
    bool reset_on_accept_overflow = false;
};

// Per-socket options (setsockopt). New connections accepted from a listener inherit its set.
struct TcpSocketOptions {
    uint32_t send_buffer_size = 64 * 1024;      // SO_SNDBUF: bytes queued but not yet acknowledged
    uint32_t receive_buffer_size = 64 * 1024;   // SO_RCVBUF: bytes the peer may send ahead
    bool no_delay = false;                      // TCP_NODELAY: Nagle (RFC 896) off
    // TCP_CORK (tcp(7)): less than a full segment waits until the cork is removed, a FIN
    // follows it, or kTcpCorkCeiling has passed; overrides no_delay, as on Linux.
    bool cork = false;
    bool keepalive = false;                     // SO_KEEPALIVE (RFC 1122 §4.2.3.6)
    uint64_t keepalive_idle_ns = 7200 * kTcpSecond;   // TCP_KEEPIDLE
    uint64_t keepalive_interval_ns = 75 * kTcpSecond; // TCP_KEEPINTVL
    uint32_t keepalive_probes = 9;                    // TCP_KEEPCNT
    // SO_LINGER with l_linger == 0: close() aborts with RST and discards queued data.
    bool linger_abort = false;
};

// tcp(7): "there is a 200 millisecond ceiling on the time for which output is corked".
inline constexpr uint64_t kTcpCorkCeiling = 200 * kTcpMillisecond;

// Smallest and largest buffer sizes accepted in TcpSocketOptions (Linux clamps similarly).
inline constexpr uint32_t kTcpMinBufferSize = 2048;
inline constexpr uint32_t kTcpMaxBufferSize = 16 * 1024 * 1024;

// Names one listener or connection inside a TcpStack. A handle goes stale once the socket is
// closed: the generation no longer matches and calls fail with EBADF.
struct TcpHandle {
    uint32_t index = 0;
    uint32_t generation = 0;
    constexpr bool operator==(const TcpHandle&) const = default;
};

// What poll/epoll would report (Linux tcp_poll semantics).
struct TcpReadiness {
    bool readable = false;       // data, end of file, a pending error or (listener) a connection to accept
    bool writable = false;       // send() would accept bytes now
    bool read_hangup = false;    // the peer sent FIN or reading was shut down (EPOLLRDHUP)
    bool hangup = false;         // both directions finished or the connection is closed (EPOLLHUP)
    bool error = false;          // a pending error (EPOLLERR; take it with take_error)
};

// shutdown(2)'s "how".
enum class TcpShutdown : uint8_t { Read, Write, Both };

// The four numbers that name a connection (RFC 9293 §3.2 "socket pair").
struct TcpFourTuple {
    Ipv4Endpoint local;
    Ipv4Endpoint remote;
    constexpr bool operator==(const TcpFourTuple&) const = default;
};

}  // namespace ingot::net
