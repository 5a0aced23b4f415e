#include <net/tcp/tcp_environment.h>

#include <net/wire/checksum.h>

#include <array>

namespace ingot::net {

void TcpEnvironment::transmit(const TcpFourTuple& tuple, const TcpHeaderFields& fields,
                              std::span<const uint8_t> payload) {
    std::array<uint8_t, TcpSegment::max_header_size> header;
    Result<size_t> length = emit_tcp_header(fields, header);
    if (!length.ok()) {
        ++counters_.send_failures;
        return;
    }
    std::span<uint8_t> bytes(header.data(), length.value());
    uint16_t checksum = payload.empty()
                            ? ipv4_transport_checksum(tuple.local.address, tuple.remote.address,
                                                      static_cast<uint8_t>(IpProtocol::Tcp), bytes)
                            : tcp_checksum(tuple.local.address, tuple.remote.address, bytes, payload);
    write_be16(bytes, 16, checksum);
    Result<void> sent = output_.send_ipv4_parts(tuple.local.address, tuple.remote.address,
                                                static_cast<uint8_t>(IpProtocol::Tcp), bytes, payload);
    if (!sent.ok()) ++counters_.send_failures;
    ++counters_.segments_sent;
    if (fields.flags & tcp_flags::rst) ++counters_.resets_sent;
}

void TcpEnvironment::reply_reset(const TcpFourTuple& tuple, const TcpSegment& segment) {
    if (segment.rst()) return;
    TcpHeaderFields fields;
    fields.source_port = tuple.local.port;
    fields.destination_port = tuple.remote.port;
    if (segment.ack()) {
        fields.sequence_number = segment.acknowledgment_number();
        fields.flags = tcp_flags::rst;
    } else {
        fields.sequence_number = 0;
        fields.acknowledgment_number =
            segment.sequence_number() + static_cast<uint32_t>(segment.sequence_length());
        fields.flags = tcp_flags::rst | tcp_flags::ack;
    }
    transmit(tuple, fields, {});
}

bool TcpEnvironment::allow_challenge_ack(uint64_t now) {
    if (now - challenge_window_start_ >= kTcpSecond) {
        challenge_window_start_ = now;
        challenge_acks_in_window_ = 0;
    }
    if (challenge_acks_in_window_ >= kChallengeAcksPerSecond) return false;
    ++challenge_acks_in_window_;
    return true;
}

std::span<uint8_t> TcpEnvironment::payload_scratch(size_t length) {
    if (scratch_.size() < length) scratch_.resize(length);
    return {scratch_.data(), length};
}

}  // namespace ingot::net
