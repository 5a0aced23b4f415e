#include <net/dhcp/dhcp_client.h>

#include <algorithm>
#include <limits>

namespace ingot::net {
namespace {

constexpr uint64_t ns_per_second = 1'000'000'000;
constexpr uint64_t never = std::numeric_limits<uint64_t>::max();
// REQUESTs sent while REQUESTING before starting over with a DISCOVER (RFC 2131 §4.4.1
// leaves the count to the client; four retransmissions span about a minute).
constexpr unsigned max_request_attempts = 5;
// After a NAK the client starts over, but not at once: a server that refuses every request
// would otherwise be answered as fast as it replies.
constexpr uint64_t restart_after_nak_ns = ns_per_second;
// A server that leaves out the lease time (RFC 2131 table 3 requires it) gets this one.
constexpr uint32_t assumed_lease_seconds = 3600;

// The historical class-based mask, used when a server sends none (RFC 2131 §4.3.1 leaves the
// subnet mask optional; RFC 1122 §3.3.1.1 falls back to the address class).
uint8_t classful_prefix(Ipv4Address address) {
    if (address.octet(0) < 128) return 8;
    if (address.octet(0) < 192) return 16;
    return 24;
}

bool usable_unicast(Ipv4Address address) {
    return !address.is_unspecified() && !address.is_broadcast() && !address.is_multicast() &&
           !address.is_loopback();
}

bool same_configuration(const DhcpLease& a, const DhcpLease& b) {
    return a.address == b.address && a.prefix_length == b.prefix_length && a.gateway == b.gateway &&
           a.dns_count == b.dns_count && std::equal(a.dns.begin(), a.dns.begin() + a.dns_count, b.dns.begin()) &&
           a.domain == b.domain;
}

}  // namespace

DhcpClient::DhcpClient(Interface& interface, Udp& udp, DhcpObserver* observer, uint32_t random_seed)
    : interface_(interface), endpoint_(udp), observer_(observer),
      random_state_(random_seed != 0 ? random_seed : 0x9e3779b9u) {}

Result<void> DhcpClient::start(uint64_t now_ns) {
    TRY(endpoint_.bind(Ipv4Endpoint{Ipv4Address::any(), dhcp_client_port}));
    restart(now_ns, now_ns);
    return {};
}

uint32_t DhcpClient::next_random() {
    // xorshift32 (Marsaglia 2003): enough to spread retransmissions and vary identifiers.
    random_state_ ^= random_state_ << 13;
    random_state_ ^= random_state_ >> 17;
    random_state_ ^= random_state_ << 5;
    return random_state_;
}

uint64_t DhcpClient::backoff_ns(unsigned attempt) {
    uint64_t base = (uint64_t{4} << std::min(attempt, 4u)) * ns_per_second;
    return base - ns_per_second + next_random() % (2 * ns_per_second);
}

uint64_t DhcpClient::half_way_ns(uint64_t now_ns, uint64_t limit_ns) const {
    uint64_t remaining = limit_ns > now_ns ? limit_ns - now_ns : 0;
    return now_ns + std::max(remaining / 2, 60 * ns_per_second);  // RFC 2131 §4.4.5
}

void DhcpClient::restart(uint64_t now_ns, uint64_t restart_at_ns) {
    if (has_lease()) {
        interface_.set_ipv4(Ipv4Address::any(), 0, Ipv4Address::any());
        lease_ = {};
        if (observer_) observer_->lease_lost();
    }
    state_ = State::Selecting;
    attempts_ = 0;
    transaction_id_ = next_random();
    transaction_start_ns_ = restart_at_ns;
    next_send_ns_ = restart_at_ns;
    if (restart_at_ns <= now_ns) send_discover(now_ns);
}

void DhcpClient::send(DhcpMessageType type, Ipv4Address destination, uint64_t now_ns) {
    DhcpClientMessage message;
    message.type = type;
    message.transaction_id = transaction_id_;
    uint64_t elapsed = (now_ns - std::min(now_ns, transaction_start_ns_)) / ns_per_second;
    message.seconds = static_cast<uint16_t>(std::min<uint64_t>(elapsed, 0xffff));
    message.client_mac = interface_.mac();
    if (state_ == State::Requesting) {
        // SELECTING's REQUEST names the offer it takes (RFC 2131 §4.3.2).
        message.requested = offered_;
        message.server = offering_server_;
    } else {
        message.client_address = lease_.address;  // zero unless renewing or rebinding
    }
    std::array<uint8_t, dhcp_max_client_message> bytes;
    size_t length = build_dhcp_message(message, bytes);
    // A lost message is sent again by the timers; nothing else to do about an error.
    (void)endpoint_.send_to(std::span(bytes).first(length), Ipv4Endpoint{destination, dhcp_server_port});
}

void DhcpClient::send_discover(uint64_t now_ns) {
    send(DhcpMessageType::Discover, Ipv4Address::broadcast(), now_ns);
    next_send_ns_ = now_ns + backoff_ns(attempts_++);
}

void DhcpClient::send_request(uint64_t now_ns) {
    switch (state_) {
    case State::Requesting:
        send(DhcpMessageType::Request, Ipv4Address::broadcast(), now_ns);
        next_send_ns_ = now_ns + backoff_ns(attempts_++);
        return;
    case State::Renewing:  // RFC 2131 §4.4.5: unicast to the server that granted the lease
        send(DhcpMessageType::Request, lease_.server, now_ns);
        next_send_ns_ = half_way_ns(now_ns, rebind_at_ns_);
        return;
    case State::Rebinding:  // any server may extend it now
        send(DhcpMessageType::Request, Ipv4Address::broadcast(), now_ns);
        next_send_ns_ = half_way_ns(now_ns, expires_at_ns_);
        return;
    default:
        return;
    }
}

void DhcpClient::poll(uint64_t now_ns) {
    if (state_ == State::Stopped) return;
    for (;;) {
        auto received = endpoint_.receive_from(receive_buffer_);
        if (!received.ok()) {
            if (received.error() == Errno::EAGAIN) break;
            continue;  // an ICMP error about something we sent; the timers retry
        }
        auto reply = parse_dhcp_reply(std::span(receive_buffer_).first(received.value().copied));
        if (reply.ok()) handle_reply(reply.value(), now_ns);
    }

    if (has_lease()) {
        if (now_ns >= expires_at_ns_) {
            restart(now_ns, now_ns);
        } else if (now_ns >= rebind_at_ns_ && state_ != State::Rebinding) {
            state_ = State::Rebinding;
            send_request(now_ns);
        } else if (now_ns >= renew_at_ns_ && state_ == State::Bound) {
            state_ = State::Renewing;
            transaction_id_ = next_random();
            transaction_start_ns_ = now_ns;
            send_request(now_ns);
        } else if (state_ != State::Bound && now_ns >= next_send_ns_) {
            send_request(now_ns);
        }
        return;
    }
    if (now_ns < next_send_ns_) return;
    if (state_ == State::Selecting) {
        send_discover(now_ns);
    } else if (attempts_ >= max_request_attempts) {
        restart(now_ns, now_ns);  // REQUESTING got no answer: back to INIT
    } else {
        send_request(now_ns);
    }
}

std::optional<uint64_t> DhcpClient::next_deadline() const {
    uint64_t deadline = never;
    switch (state_) {
    case State::Stopped: break;
    case State::Selecting:
    case State::Requesting: deadline = next_send_ns_; break;
    case State::Bound: deadline = renew_at_ns_; break;
    case State::Renewing: deadline = std::min(next_send_ns_, rebind_at_ns_); break;
    case State::Rebinding: deadline = std::min(next_send_ns_, expires_at_ns_); break;
    }
    if (deadline == never) return std::nullopt;
    return deadline;
}

void DhcpClient::handle_reply(const DhcpServerMessage& reply, uint64_t now_ns) {
    if (reply.transaction_id != transaction_id_ || reply.client_mac != interface_.mac()) return;
    bool awaiting_ack = state_ == State::Requesting || state_ == State::Renewing || state_ == State::Rebinding;
    switch (reply.type) {
    case DhcpMessageType::Offer:
        // RFC 2131 §4.3.1: an OFFER carries the server identifier; without it we could not
        // name the offer we take.
        if (state_ != State::Selecting || !usable_unicast(reply.your_address) || !usable_unicast(reply.server)) return;
        offered_ = reply.your_address;
        offering_server_ = reply.server;
        state_ = State::Requesting;
        attempts_ = 0;
        send_request(now_ns);
        return;
    case DhcpMessageType::Ack:
        if (awaiting_ack) handle_ack(reply, now_ns);
        return;
    case DhcpMessageType::Nak:
        if (awaiting_ack) restart(now_ns, now_ns + restart_after_nak_ns);
        return;
    default:
        return;
    }
}

void DhcpClient::handle_ack(const DhcpServerMessage& reply, uint64_t now_ns) {
    if (!usable_unicast(reply.your_address)) return;
    DhcpLease lease;
    lease.address = reply.your_address;
    lease.prefix_length = reply.prefix_length.value_or(classful_prefix(reply.your_address));
    lease.gateway = usable_unicast(reply.router) ? reply.router : Ipv4Address::any();
    if (usable_unicast(reply.server)) lease.server = reply.server;
    else lease.server = state_ == State::Requesting ? offering_server_ : lease_.server;
    lease.dns = reply.dns;
    lease.dns_count = reply.dns_count;
    lease.domain = reply.domain;
    lease.lease_seconds = reply.lease_seconds.value_or(assumed_lease_seconds);

    bound_at_ns_ = now_ns;
    if (lease.lease_seconds == infinite_lease) {
        renew_at_ns_ = rebind_at_ns_ = expires_at_ns_ = never;
    } else {
        uint64_t length = uint64_t{lease.lease_seconds} * ns_per_second;
        // RFC 2131 §4.4.5: T1 defaults to half the lease, T2 to 7/8; the server's values are
        // used when they are in order.
        uint64_t t1 = length / 2, t2 = length / 8 * 7;
        if (reply.renewal_seconds && reply.rebinding_seconds &&
            *reply.renewal_seconds < *reply.rebinding_seconds && *reply.rebinding_seconds <= lease.lease_seconds) {
            t1 = uint64_t{*reply.renewal_seconds} * ns_per_second;
            t2 = uint64_t{*reply.rebinding_seconds} * ns_per_second;
        }
        renew_at_ns_ = now_ns + t1;
        rebind_at_ns_ = now_ns + t2;
        expires_at_ns_ = now_ns + length;
    }

    bool changed = !has_lease() || !same_configuration(lease, lease_);
    bool address_changed = !has_lease() || lease.address != lease_.address ||
                           lease.prefix_length != lease_.prefix_length || lease.gateway != lease_.gateway;
    lease_ = lease;
    state_ = State::Bound;
    if (address_changed) {
        interface_.set_ipv4(lease.address, lease.prefix_length, lease.gateway);
        interface_.announce(now_ns);
    }
    if (changed && observer_) observer_->lease_bound(lease_);
}

}  // namespace ingot::net
