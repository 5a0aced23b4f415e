// The DHCP client (RFC 2131 §4.4, figure 5): acquires an address for the interface, renews it
// at T1 from the server that granted it, rebinds at T2 with any server, and gives it up when
// the lease ends. Driven like the rest of the stack: poll() reads replies queued on UDP port
// 68 and runs the timers; it never reads a clock.
//
// Deliberate departures, as most embedded and container clients make them: no random 1-10 s
// wait before the first DISCOVER (RFC 2131 §4.4.1 SHOULD; it would delay every boot), the
// first OFFER is taken, and the offered address is not probed with ARP before use (§2.2
// SHOULD); a conflicting host is still found by gratuitous ARP (RFC 5227 §2.3) on binding.
#pragma once

#include <lib/result.h>
#include <net/dhcp/dhcp_message.h>
#include <net/interface.h>
#include <net/udp_endpoint.h>

#include <array>
#include <cstdint>
#include <optional>

namespace ingot::net {

struct DhcpLease {
    Ipv4Address address;
    uint8_t prefix_length = 24;
    Ipv4Address gateway;  // zero when the server named no router
    Ipv4Address server;
    std::array<Ipv4Address, dhcp_max_dns_servers> dns{};
    size_t dns_count = 0;
    std::array<char, 64> domain{};  // NUL-terminated, empty when not given
    uint32_t lease_seconds = 0;     // infinite_lease for a lease that never ends
};

inline constexpr uint32_t infinite_lease = 0xffffffffu;

// Told when the interface gains, changes or loses its address.
class DhcpObserver {
public:
    virtual void lease_bound(const DhcpLease& lease) = 0;
    virtual void lease_lost() = 0;

protected:
    ~DhcpObserver() = default;
};

class DhcpClient {
public:
    enum class State { Stopped, Selecting, Requesting, Bound, Renewing, Rebinding };

    // The interface and udp must outlive the client; observer may be null. random_seed
    // chooses transaction identifiers and retransmission jitter (pass a random value).
    DhcpClient(Interface& interface, Udp& udp, DhcpObserver* observer, uint32_t random_seed);
    DhcpClient(const DhcpClient&) = delete;
    DhcpClient& operator=(const DhcpClient&) = delete;

    // Binds UDP port 68 and broadcasts the first DISCOVER. EADDRINUSE if the port is taken.
    Result<void> start(uint64_t now_ns);

    // Handles the replies that arrived and the timer due by now_ns.
    void poll(uint64_t now_ns);

    // When poll() next has timer work; nullopt before start() or with an infinite lease.
    std::optional<uint64_t> next_deadline() const;

    State state() const { return state_; }
    // Whether the interface holds a leased address (BOUND, RENEWING or REBINDING).
    bool has_lease() const { return state_ == State::Bound || state_ == State::Renewing || state_ == State::Rebinding; }
    const DhcpLease& lease() const { return lease_; }

private:
    void handle_reply(const DhcpServerMessage& reply, uint64_t now_ns);
    void handle_ack(const DhcpServerMessage& reply, uint64_t now_ns);
    // Returns to INIT: forgets any lease and sends a DISCOVER at restart_at_ns.
    void restart(uint64_t now_ns, uint64_t restart_at_ns);
    void send_discover(uint64_t now_ns);
    void send_request(uint64_t now_ns);
    // Sends message type with the current transaction to destination.
    void send(DhcpMessageType type, Ipv4Address destination, uint64_t now_ns);
    // RFC 2131 §4.1: 4 s, doubling up to 64 s, each randomized by -1..+1 s.
    uint64_t backoff_ns(unsigned attempt);
    // Renewing and rebinding retry at half the time left until limit_ns, at least 60 s apart.
    uint64_t half_way_ns(uint64_t now_ns, uint64_t limit_ns) const;
    uint32_t next_random();

    Interface& interface_;
    UdpEndpoint endpoint_;
    DhcpObserver* observer_;
    uint32_t random_state_;
    State state_ = State::Stopped;
    uint32_t transaction_id_ = 0;
    uint64_t transaction_start_ns_ = 0;
    unsigned attempts_ = 0;
    uint64_t next_send_ns_ = 0;   // the retransmission (or first DISCOVER) time
    Ipv4Address offered_;
    Ipv4Address offering_server_;
    DhcpLease lease_;
    uint64_t bound_at_ns_ = 0;
    uint64_t renew_at_ns_ = 0;    // T1
    uint64_t rebind_at_ns_ = 0;   // T2
    uint64_t expires_at_ns_ = 0;  // the lease's end; UINT64_MAX when infinite
    std::array<uint8_t, 1500> receive_buffer_{};
};

}  // namespace ingot::net
