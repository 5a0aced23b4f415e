// TCP for one host: demultiplexes arriving segments to connections by 4-tuple and to
// listeners by local endpoint, answers segments for closed ports with RST (RFC 9293
// §3.10.7.1), runs listen queues and ephemeral ports, drives the connections' timers, and
// offers the calls the socket layer maps system calls onto.
//
// Sockets do no I/O themselves (as in smoltcp): segments arrive through receive_ipv4(),
// timers advance through poll(now), and every segment leaves through the Ipv4Output given at
// construction. Time is always passed in; the stack never reads a clock. Single-threaded.
//
// Handles: listen(), connect() and accept() return a TcpHandle that the caller owns until
// close(). After close() the stack keeps the connection as long as the protocol needs it
// (FIN exchange, TIME-WAIT) and frees it afterwards; the handle is stale at once.
#pragma once

#include <fs/io_buffer.h>
#include <lib/result.h>
#include <net/ip_output.h>
#include <net/protocol_handler.h>
#include <net/tcp/connection_table.h>
#include <net/tcp/tcp_connection.h>
#include <net/tcp/tcp_environment.h>
#include <net/tcp/tcp_types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ingot::net {

// Told when something happened to a socket its owner holds (data, a FIN or a connection to
// accept arrived, the window opened, the handshake completed, the connection failed), so that
// poll/epoll waiters can be woken; the receiver re-reads readiness(). Called only from
// receive_ipv4()/receive_segment() and poll(), after the stack has finished with the socket.
class TcpEventSink {
public:
    virtual ~TcpEventSink() = default;
    virtual void socket_event(TcpHandle handle) = 0;
};

class TcpStack final : public ProtocolHandler {
public:
    // secret keys ISNs, timestamp offsets, port choice and table hashing (RFC 6528, RFC 6056):
    // 16 random bytes from the kernel's entropy source.
    TcpStack(Ipv4Output& output, const TcpConfig& config, const SipHashKey& secret);
    ~TcpStack() override;
    TcpStack(const TcpStack&) = delete;
    TcpStack& operator=(const TcpStack&) = delete;

    // --- Driven by the kernel --------------------------------------------------------------
    // A datagram with protocol 6 addressed to this host.
    void receive_ipv4(const Ipv4Packet& packet, uint64_t now_ns) override;
    // The same with the addresses and the TCP segment (header and data) given directly.
    void receive_segment(Ipv4Address source, Ipv4Address destination, std::span<const uint8_t> segment,
                         uint64_t now_ns);
    // Runs every timer due at or before now_ns.
    void poll(uint64_t now_ns);
    // When poll() next has work; kTcpNever when no timer is armed. The scheduler asks after
    // every system call, so the earliest deadline is kept until a connection changes (every
    // change ends in settle(), or in connect()) instead of being recomputed over all of them.
    uint64_t next_timer_deadline() const;
    // Where socket events go (nullptr: nowhere).
    void set_event_sink(TcpEventSink* sink) { sink_ = sink; }

    // --- Socket calls ----------------------------------------------------------------------
    // Passive OPEN: accepts connections to local (address any() for every local address; port
    // 0 picks an ephemeral port). backlog bounds both the half-open (SYN) queue and the
    // queue of connections waiting for accept(), like Linux. EADDRINUSE when another
    // listener covers the same endpoint.
    Result<TcpHandle> listen(Ipv4Endpoint local, uint32_t backlog, const TcpSocketOptions& options = {});
    // The oldest established connection waiting on a listener; EAGAIN when there is none,
    // EINVAL for a handle that is not a listener.
    Result<TcpHandle> accept(TcpHandle listener);
    // Active OPEN: local.address any() takes the route's source address, local.port 0 an
    // ephemeral port. Returns at once in SYN-SENT; completion shows in readiness() (writable,
    // or error with take_error() giving ECONNREFUSED / ETIMEDOUT). EADDRINUSE when the
    // 4-tuple exists, EADDRNOTAVAIL when no ephemeral port is free, ENETUNREACH without a
    // source address, ENOBUFS when the connection limit is reached.
    Result<TcpHandle> connect(Ipv4Endpoint local, Ipv4Endpoint remote, const TcpSocketOptions& options,
                              uint64_t now_ns);
    // See TcpConnection::send / receive / shutdown for the results.
    Result<size_t> send(TcpHandle handle, IoBuffer& src, uint64_t now_ns);
    Result<size_t> send(TcpHandle handle, std::span<const uint8_t> bytes, uint64_t now_ns);
    Result<size_t> receive(TcpHandle handle, IoBuffer& dst, uint64_t now_ns, bool peek = false);
    Result<size_t> receive(TcpHandle handle, std::span<uint8_t> bytes, uint64_t now_ns);
    Result<void> shutdown(TcpHandle handle, TcpShutdown how, uint64_t now_ns);
    // Closes a listener (resetting connections not yet accepted) or a connection (graceful
    // FIN, or RST per SO_LINGER 0 / unread data). The handle is stale afterwards.
    Result<void> close(TcpHandle handle, uint64_t now_ns);
    Result<TcpReadiness> readiness(TcpHandle handle) const;
    // SO_ERROR: the pending error's errno value (0 when none), cleared by reading it.
    Result<int> take_error(TcpHandle handle);
    // getsockname / getpeername (ENOTCONN for a listener's peer).
    Result<Ipv4Endpoint> local_endpoint(TcpHandle handle) const;
    Result<Ipv4Endpoint> remote_endpoint(TcpHandle handle) const;
    Result<TcpState> state(TcpHandle handle) const;
    Result<TcpConnectionInfo> info(TcpHandle handle) const;
    Result<TcpSocketOptions> options(TcpHandle handle) const;
    Result<void> set_options(TcpHandle handle, const TcpSocketOptions& options, uint64_t now_ns);

    // --- Introspection ---------------------------------------------------------------------
    // Connection objects held in any state (handed out, queued, orphaned, TIME-WAIT).
    size_t connection_count() const;
    // Connections whose data or FIN the peer has not acknowledged yet (anything but
    // FIN-WAIT-2, TIME-WAIT and closed): what must drain before the machine powers off.
    size_t unsettled_connection_count() const;
    size_t listener_count() const { return listener_slots_.size(); }
    const TcpCounters& counters() const { return env_.counters(); }
    const TcpConfig& config() const { return env_.config(); }

private:
    struct Listener {
        Ipv4Endpoint local;
        uint32_t backlog = 1;
        TcpSocketOptions options;
        uint32_t half_open = 0;
        std::vector<uint32_t> accept_queue;  // slot indices, oldest first
    };
    enum class Owner : uint8_t { Free, User, Listener, Orphan };
    struct Slot {
        uint32_t generation = 1;
        Owner owner = Owner::Free;
        TcpConnection* connection = nullptr;
        Listener* listener = nullptr;
        uint32_t parent = 0;    // listener slot while owner == Listener
        bool queued = false;    // in the parent's accept queue
    };

    // tcp_stack.cpp: arrivals, timers, filing connections.
    void listener_segment(uint32_t listener_slot, const TcpFourTuple& tuple, const TcpSegment& segment,
                          uint64_t now, std::optional<SeqNumber> minimum_iss);
    bool deliver_to_half_open(uint32_t slot, const TcpSegment& segment);
    void settle(uint32_t slot);
    void notify(uint32_t slot);
    std::optional<uint32_t> find_listener(Ipv4Address address, uint16_t port) const;

    // tcp_stack_sockets.cpp: slots and ports.
    uint32_t allocate_slot();
    void free_slot(uint32_t slot);
    TcpConnection* user_connection(TcpHandle handle) const;
    Listener* user_listener(TcpHandle handle) const;
    bool listener_conflicts(Ipv4Endpoint local) const;
    std::optional<uint16_t> pick_ephemeral_port(Ipv4Address local, Ipv4Endpoint remote, bool for_listener);
    void close_listener(uint32_t slot);

    TcpEnvironment env_;
    TcpConnectionTable table_;
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_slots_;
    std::vector<uint32_t> listener_slots_;
    size_t connections_ = 0;
    uint32_t port_counter_ = 0;
    mutable uint64_t earliest_deadline_ = 0;  // valid while !deadline_stale_
    mutable bool deadline_stale_ = true;
    TcpEventSink* sink_ = nullptr;
};

}  // namespace ingot::net
