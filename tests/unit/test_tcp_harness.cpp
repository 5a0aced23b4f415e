#include "test_tcp_harness.h"

#include <net/wire/checksum.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace ingot::net::tcp_test {

std::string SentSegment::describe() const {
    std::string f;
    if (has(SYN)) f += "S";
    if (has(ACK)) f += "A";
    if (has(FIN)) f += "F";
    if (has(RST)) f += "R";
    if (has(PSH)) f += "P";
    char line[160];
    std::snprintf(line, sizeof line, "segment %u->%u [%s] seq=%u ack=%u win=%u len=%zu", source_port,
                  destination_port, f.c_str(), seq, ack, window, payload.size());
    return line;
}

Result<void> CapturingOutput::send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                        std::span<const uint8_t> bytes) {
    EXPECT_EQ(protocol, static_cast<uint8_t>(IpProtocol::Tcp));
    EXPECT_EQ(source, local);
    EXPECT_LE(bytes.size(), mtu - 20) << "segment exceeds the path MTU";
    Result<TcpSegment> parsed = TcpSegment::parse(bytes);
    EXPECT_TRUE(parsed.ok()) << "stack emitted an unparsable segment";
    if (!parsed.ok()) return Errno{EINVAL};
    const TcpSegment& s = parsed.value();
    EXPECT_TRUE(s.checksum_valid(source, destination)) << "bad checksum";
    SentSegment out;
    out.source = source;
    out.destination = destination;
    out.source_port = s.source_port();
    out.destination_port = s.destination_port();
    out.seq = s.sequence_number();
    out.ack = s.acknowledgment_number();
    out.flags = s.flags();
    out.window = s.window();
    out.options = s.options();
    out.payload.assign(s.payload().begin(), s.payload().end());
    if (keep_raw) raw.emplace_back(bytes.begin(), bytes.end());
    sent.push_back(std::move(out));
    if (refuse) return Errno{ENOBUFS};
    return {};
}

std::vector<uint8_t> PeerSegment::build(Ipv4Address source, Ipv4Address destination) const {
    TcpHeaderFields fields;
    fields.source_port = source_port;
    fields.destination_port = destination_port;
    fields.sequence_number = seq;
    fields.acknowledgment_number = ack;
    fields.flags = flags;
    fields.window = window;
    fields.options = options;
    std::vector<uint8_t> bytes(TcpSegment::max_header_size + payload.size());
    Result<size_t> header = emit_tcp_header(fields, bytes);
    EXPECT_TRUE(header.ok());
    bytes.resize(header.value() + payload.size());
    std::copy(payload.begin(), payload.end(), bytes.begin() + static_cast<ptrdiff_t>(header.value()));
    finish_tcp_checksum(source, destination, bytes);
    return bytes;
}

TcpConfig test_config() {
    TcpConfig c;
    c.msl_ns = 1 * kSec;  // TIME-WAIT of 2 s
    c.window_scaling = false;
    c.timestamps = false;
    c.selective_acks = false;
    return c;
}

void TcpTest::SetUp() { restart(); }

void TcpTest::restart() {
    stack.reset();
    output.sent.clear();
    stack = std::make_unique<TcpStack>(output, config, kTestKey);
}

PeerSegment TcpTest::peer(uint8_t flags, uint32_t seq, uint32_t ack) const {
    PeerSegment s;
    s.source_port = peer_port;
    s.destination_port = local_port;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    return s;
}

void TcpTest::inject(const PeerSegment& segment) {
    std::vector<uint8_t> bytes = segment.build(kRemoteIp, kLocalIp);
    stack->receive_segment(kRemoteIp, kLocalIp, bytes, now);
}

SentSegment TcpTest::next() {
    if (output.sent.empty()) {
        ADD_FAILURE() << "expected a segment, none was sent";
        return SentSegment{};
    }
    SentSegment s = output.sent.front();
    output.sent.pop_front();
    return s;
}

void TcpTest::run_until(uint64_t t) {
    for (;;) {
        uint64_t deadline = stack->next_timer_deadline();
        if (deadline > t) break;
        now = std::max(now, deadline);
        stack->poll(now);
    }
    now = t;
    stack->poll(now);
}

void TcpTest::advance(uint64_t dt) { run_until(now + dt); }

TcpHandle TcpTest::listen(uint16_t port, uint32_t backlog, const TcpSocketOptions& options) {
    Result<TcpHandle> h = stack->listen({kLocalIp, port}, backlog, options);
    EXPECT_TRUE(h.ok());
    local_port = port;
    listener = h.value();
    return h.value();
}

TcpHandle TcpTest::open_passive(uint32_t peer_iss, const TcpSocketOptions& options) {
    listen(80, 8, options);
    inject(peer(SYN, peer_iss).mss(1460).win(peer_window));
    SentSegment synack = next();
    EXPECT_TRUE(synack.flags_are(SYN | ACK)) << synack.describe();
    EXPECT_EQ(synack.ack, peer_iss + 1);
    peer_next = peer_iss + 1;
    local_next = synack.seq + 1;
    inject(peer(ACK, peer_next, local_next).win(peer_window));
    Result<TcpHandle> accepted = stack->accept(listener);
    EXPECT_TRUE(accepted.ok());
    expect_silence();
    return accepted.value();
}

TcpHandle TcpTest::open_with_sack() {
    config.selective_acks = true;
    restart();
    listen(80, 8);
    inject(peer(SYN, 1000).mss(1460).sack_ok());
    SentSegment synack = next();
    EXPECT_TRUE(synack.options.sack_permitted);
    peer_next = 1001;
    local_next = synack.seq + 1;
    inject(peer(ACK, peer_next, local_next));
    return stack->accept(listener).value();
}

TcpHandle TcpTest::open_active(uint32_t peer_iss, const TcpSocketOptions& options) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, options, now);
    EXPECT_TRUE(h.ok());
    SentSegment syn = next();
    EXPECT_TRUE(syn.flags_are(SYN)) << syn.describe();
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(SYN | ACK, peer_iss, syn.seq + 1).mss(1460).win(peer_window));
    SentSegment ack = next();
    EXPECT_TRUE(ack.flags_are(ACK)) << ack.describe();
    EXPECT_EQ(ack.ack, peer_iss + 1);
    peer_next = peer_iss + 1;
    local_next = syn.seq + 1;
    EXPECT_EQ(state_of(h.value()), TcpState::Established);
    return h.value();
}

size_t TcpTest::send_text(TcpHandle handle, std::string_view text) {
    std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    Result<size_t> sent = stack->send(handle, bytes, now);
    EXPECT_TRUE(sent.ok()) << errno_name(sent.error());
    return sent.ok() ? sent.value() : 0;
}

std::string TcpTest::read_text(TcpHandle handle, size_t max) {
    std::vector<uint8_t> buffer(max);
    Result<size_t> got = stack->receive(handle, std::span<uint8_t>(buffer), now);
    if (!got.ok()) return "<" + std::string(errno_name(got.error())) + ">";
    return std::string(buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(got.value()));
}

}  // namespace ingot::net::tcp_test
