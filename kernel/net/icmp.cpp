#include <net/icmp.h>

namespace ingot::net {

namespace {

constexpr uint8_t protocol_icmp = static_cast<uint8_t>(IpProtocol::Icmp);

// RFC 1122 §3.2.2 and §3.2.1.3: an address that names a single host (not 0, broadcast,
// multicast, loopback or class E).
bool is_single_host(Ipv4Address address) {
    return !address.is_unspecified() && !address.is_broadcast() && !address.is_multicast() &&
           !address.is_loopback() && address.octet(0) < 240;
}

// The errno a transport reports for a received destination unreachable code (as Linux's
// icmp_err_convert table does for the common codes).
Errno unreachable_errno(uint8_t code) {
    switch (static_cast<Icmpv4UnreachableCode>(code)) {
    case Icmpv4UnreachableCode::Network: return Errno::ENETUNREACH;
    case Icmpv4UnreachableCode::Protocol: return Errno::ENOPROTOOPT;
    case Icmpv4UnreachableCode::Port: return Errno::ECONNREFUSED;
    case Icmpv4UnreachableCode::FragmentationNeeded: return Errno::EMSGSIZE;
    default: return Errno::EHOSTUNREACH;
    }
}

}  // namespace

Icmp::Icmp(Ipv4Output& output, const ProtocolRegistry& registry, const IcmpLimits& limits)
    : output_(output), registry_(registry),
      error_budget_(limits.errors_per_second, limits.error_burst) {}

void Icmp::receive_ipv4(const Ipv4Packet& packet, uint64_t now_ns) {
    ++statistics_.received;
    auto parsed = Icmpv4Message::parse(packet.payload());
    if (!parsed.ok()) {
        ++statistics_.malformed;
        return;
    }
    const Icmpv4Message& message = parsed.value();
    switch (static_cast<Icmpv4Type>(message.type())) {
    case Icmpv4Type::EchoRequest:
        ++statistics_.echo_requests_received;
        answer_echo(packet, message);
        return;
    case Icmpv4Type::EchoReply:
        ++statistics_.echo_replies_received;
        return;
    default:
        if (message.is_error()) {
            ++statistics_.errors_received;
            report_error(message, now_ns);
        }
        return;
    }
}

void Icmp::answer_echo(const Ipv4Packet& packet, const Icmpv4Message& request) {
    // RFC 792 "Echo or Echo Reply": the reply carries the request's identifier, sequence
    // number and data, from the address the request was sent to. Broadcast requests are not
    // answered; a source that is not one host cannot be answered.
    Ipv4Address us = packet.destination();
    if (us != output_.source_address_for(packet.source()) || !is_single_host(packet.source())) {
        return;
    }
    size_t length = request.bytes().size();
    if (length > output_.max_transport_size(packet.source())) {
        ++statistics_.send_failures;  // would need fragmentation, which this host never does
        return;
    }
    buffer_.resize(length);
    auto emitted = emit_icmpv4_echo(Icmpv4Type::EchoReply, request.identifier(),
                                    request.sequence_number(), request.data(), buffer_);
    if (!emitted.ok() || !output_.send_ipv4(us, packet.source(), protocol_icmp, buffer_).ok()) {
        ++statistics_.send_failures;
        return;
    }
    ++statistics_.echo_replies_sent;
}

void Icmp::report_error(const Icmpv4Message& message, uint64_t now_ns) {
    Errno error;
    switch (static_cast<Icmpv4Type>(message.type())) {
    case Icmpv4Type::DestinationUnreachable: error = unreachable_errno(message.code()); break;
    case Icmpv4Type::TimeExceeded: error = Errno::EHOSTUNREACH; break;
    default: return;  // source quench is deprecated (RFC 6633); redirects are not followed
    }
    // The quoted datagram must be one of ours: at least its header and 8 bytes (RFC 792).
    auto quoted = Ipv4Packet::parse_quoted(message.data());
    if (!quoted.ok() || quoted.value().payload().size() < 8) return;
    const Ipv4Packet& original = quoted.value();
    if (original.source() != output_.source_address_for(original.destination())) return;
    if (ProtocolHandler* handler = registry_.find(original.protocol())) {
        handler->receive_error(original, error, now_ns);
    }
}

bool Icmp::error_allowed(const Ipv4Packet& offending) const {
    if (offending.fragment_offset() != 0) return false;
    if (!is_single_host(offending.source())) return false;
    if (offending.destination() != output_.source_address_for(offending.source())) return false;
    if (offending.protocol() == protocol_icmp) {
        // Never an error about an error; an unparsable message is treated as one.
        std::span<const uint8_t> payload = offending.payload();
        if (payload.empty()) return false;
        switch (static_cast<Icmpv4Type>(payload[0])) {
        case Icmpv4Type::EchoRequest:
        case Icmpv4Type::EchoReply:
            break;
        default:
            return false;
        }
    }
    return true;
}

void Icmp::send_destination_unreachable(const Ipv4Packet& offending, Icmpv4UnreachableCode code,
                                        uint64_t now_ns) {
    if (!error_allowed(offending)) {
        ++statistics_.errors_suppressed;
        return;
    }
    if (!error_budget_.take(now_ns)) {
        ++statistics_.errors_rate_limited;
        return;
    }
    size_t limit = output_.max_transport_size(offending.source());
    buffer_.resize(limit < Icmpv4Message::header_size + icmpv4_max_quoted_size
                       ? limit
                       : Icmpv4Message::header_size + icmpv4_max_quoted_size);
    auto emitted = emit_icmpv4_destination_unreachable(code, offending.bytes(), 0, buffer_);
    if (!emitted.ok()) {
        ++statistics_.send_failures;
        return;
    }
    std::span<const uint8_t> message(buffer_.data(), emitted.value());
    if (!output_.send_ipv4(offending.destination(), offending.source(), protocol_icmp, message).ok()) {
        ++statistics_.send_failures;
        return;
    }
    ++statistics_.errors_sent;
}

}  // namespace ingot::net
