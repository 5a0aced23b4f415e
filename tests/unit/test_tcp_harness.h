// A scripted peer for TCP unit tests: a fake Ipv4Output that captures and checks every
// segment the stack emits, a builder for the segments the peer injects, and a fixture that
// drives time explicitly.
#pragma once

#include <net/ip_output.h>
#include <net/tcp/tcp_connection.h>
#include <net/tcp/tcp_stack.h>
#include <net/wire/tcp_segment.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ingot::net::tcp_test {

inline constexpr uint8_t FIN = tcp_flags::fin;
inline constexpr uint8_t SYN = tcp_flags::syn;
inline constexpr uint8_t RST = tcp_flags::rst;
inline constexpr uint8_t PSH = tcp_flags::psh;
inline constexpr uint8_t ACK = tcp_flags::ack;

inline constexpr uint64_t kMs = 1'000'000;
inline constexpr uint64_t kSec = 1'000'000'000;

inline const Ipv4Address kLocalIp = Ipv4Address::from_octets(10, 0, 0, 2);
inline const Ipv4Address kRemoteIp = Ipv4Address::from_octets(10, 0, 0, 1);
inline constexpr SipHashKey kTestKey{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

// One segment the stack sent, decoded.
struct SentSegment {
    Ipv4Address source, destination;
    uint16_t source_port = 0, destination_port = 0;
    uint32_t seq = 0, ack = 0;
    uint8_t flags = 0;
    uint16_t window = 0;
    TcpOptions options;
    std::vector<uint8_t> payload;

    bool has(uint8_t flag) const { return (flags & flag) != 0; }
    bool flags_are(uint8_t exact) const { return flags == exact; }
    std::string text() const { return std::string(payload.begin(), payload.end()); }
    uint32_t length() const { return static_cast<uint32_t>(payload.size()) + has(SYN) + has(FIN); }
    std::string describe() const;
};

// Captures what the stack sends; checks each segment parses and its checksum verifies.
class CapturingOutput : public Ipv4Output {
public:
    Result<void> send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                           std::span<const uint8_t> bytes) override;
    Ipv4Address source_address_for(Ipv4Address) const override { return local; }
    size_t max_transport_size(Ipv4Address) const override { return mtu - 20; }

    std::deque<SentSegment> sent;
    std::vector<std::vector<uint8_t>> raw;  // kept only when keep_raw
    bool keep_raw = false;
    Ipv4Address local = kLocalIp;
    size_t mtu = 1500;
    bool refuse = false;  // make send_ipv4 fail (ENOBUFS)
};

// A segment for the scripted peer to inject.
struct PeerSegment {
    uint16_t source_port = 5000;
    uint16_t destination_port = 80;
    uint32_t seq = 0, ack = 0;
    uint8_t flags = 0;
    uint16_t window = 65535;
    TcpOptions options;
    std::vector<uint8_t> payload;

    PeerSegment& data(std::string_view text) {
        payload.assign(text.begin(), text.end());
        return *this;
    }
    PeerSegment& bytes(std::vector<uint8_t> b) {
        payload = std::move(b);
        return *this;
    }
    PeerSegment& win(uint16_t w) { window = w; return *this; }
    PeerSegment& mss(uint16_t m) { options.maximum_segment_size = m; return *this; }
    PeerSegment& wscale(uint8_t s) { options.window_scale = s; return *this; }
    PeerSegment& ts(uint32_t value, uint32_t echo) { options.timestamps = TcpTimestamps{value, echo}; return *this; }
    PeerSegment& sack_ok() { options.sack_permitted = true; return *this; }
    // Wire bytes with a correct checksum for source -> destination.
    std::vector<uint8_t> build(Ipv4Address source, Ipv4Address destination) const;
};

TcpConfig test_config();

class TcpTest : public ::testing::Test {
protected:
    void SetUp() override;
    // Rebuilds the stack after a test changed `config`.
    void restart();

    // The peer's segment with the current ports filled in.
    PeerSegment peer(uint8_t flags, uint32_t seq, uint32_t ack = 0) const;
    void inject(const PeerSegment& segment);
    // The oldest captured segment not yet taken; fails the test when there is none.
    SentSegment next();
    bool has_next() const { return !output.sent.empty(); }
    size_t pending() const { return output.sent.size(); }
    void expect_silence() { EXPECT_TRUE(output.sent.empty()) << output.sent.front().describe(); }
    void drain() { output.sent.clear(); }
    // Moves time forward by dt, running every timer that falls due on the way, in order.
    void advance(uint64_t dt);
    void run_until(uint64_t t);

    TcpHandle listen(uint16_t port = 80, uint32_t backlog = 8, const TcpSocketOptions& options = {});
    // Passive open through a listener on port 80; the peer's ISN is peer_iss. Afterwards
    // peer_next is the peer's next sequence number and local_next ours.
    TcpHandle open_passive(uint32_t peer_iss = 1000, const TcpSocketOptions& options = {});
    // Passive open where both ends agree on SACK (RFC 2018; no timestamps, MSS 1460); turns
    // config.selective_acks on and rebuilds the stack first.
    TcpHandle open_with_sack();
    // Active open to kRemoteIp:80; the peer answers with ISN peer_iss.
    TcpHandle open_active(uint32_t peer_iss = 5000, const TcpSocketOptions& options = {});

    size_t send_text(TcpHandle handle, std::string_view text);
    std::string read_text(TcpHandle handle, size_t max = 1 << 20);
    TcpState state_of(TcpHandle handle) const { return stack->state(handle).value(); }
    TcpConnectionInfo info_of(TcpHandle handle) const { return stack->info(handle).value(); }

    TcpConfig config = test_config();
    CapturingOutput output;
    std::unique_ptr<TcpStack> stack;
    uint64_t now = 10 * kSec;
    uint16_t local_port = 80;
    uint16_t peer_port = 5000;
    uint32_t peer_next = 0;   // the peer's SND.NXT
    uint32_t local_next = 0;  // the stack's SND.NXT as the peer has seen it
    uint16_t peer_window = 65535;  // the window the peer offers in the handshake
    TcpHandle listener{};
};

}  // namespace ingot::net::tcp_test
