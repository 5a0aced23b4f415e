// ICMPv4 (RFC 792, RFC 1122 §3.2.2): answers echo requests, sends destination unreachable for
// datagrams no transport wanted, rate-limits the errors it generates, and passes the errors it
// receives to the transport that sent the offending datagram.
#pragma once

#include <net/ip_output.h>
#include <net/protocol_handler.h>
#include <net/protocol_registry.h>
#include <net/token_bucket.h>
#include <net/wire/icmpv4_message.h>

#include <cstdint>
#include <vector>

namespace ingot::net {

struct IcmpStatistics {
    uint64_t received = 0;
    uint64_t malformed = 0;             // too short or bad checksum
    uint64_t echo_requests_received = 0;
    uint64_t echo_replies_received = 0;
    uint64_t errors_received = 0;       // destination unreachable, time exceeded, ...
    uint64_t echo_replies_sent = 0;
    uint64_t errors_sent = 0;
    uint64_t errors_rate_limited = 0;
    uint64_t errors_suppressed = 0;     // forbidden by RFC 1122 §3.2.2 (error, broadcast, ...)
    uint64_t send_failures = 0;
};

struct IcmpLimits {
    uint32_t errors_per_second = 100;   // RFC 1812 §4.3.2.8 token bucket rate
    uint32_t error_burst = 10;
};

class Icmp final : public ProtocolHandler {
public:
    // Sends through output; errors received are passed to the handlers in registry.
    Icmp(Ipv4Output& output, const ProtocolRegistry& registry, const IcmpLimits& limits = {});

    // Handles an ICMP message addressed to this host (or broadcast, then echo is ignored as
    // RFC 1122 §3.2.2.6 permits, like Linux's icmp_echo_ignore_broadcasts).
    void receive_ipv4(const Ipv4Packet& packet, uint64_t now_ns) override;

    // Sends a destination unreachable quoting offending, a datagram this host received,
    // unless RFC 1122 §3.2.2 forbids an error for it (it is an ICMP error, a non-initial
    // fragment, was not addressed to our unicast address, or its source is not one host) or
    // the rate limit is exhausted.
    void send_destination_unreachable(const Ipv4Packet& offending, Icmpv4UnreachableCode code,
                                      uint64_t now_ns);

    const IcmpStatistics& statistics() const { return statistics_; }

private:
    void answer_echo(const Ipv4Packet& packet, const Icmpv4Message& request);
    void report_error(const Icmpv4Message& message, uint64_t now_ns);
    bool error_allowed(const Ipv4Packet& offending) const;

    Ipv4Output& output_;
    const ProtocolRegistry& registry_;
    TokenBucket error_budget_;
    std::vector<uint8_t> buffer_;
    IcmpStatistics statistics_;
};

}  // namespace ingot::net
