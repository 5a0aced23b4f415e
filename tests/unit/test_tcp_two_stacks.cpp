// Two TCP stacks talking through a simulated link that loses, duplicates, corrupts and
// reorders segments (a seeded PRNG keeps every run identical). An echo exchange of a few
// megabytes must arrive byte-exact in both directions, both sides must close cleanly, and
// no connection object may outlive TIME-WAIT.
#include "test_tcp_harness.h"

#include <algorithm>
#include <cerrno>
#include <random>
#include <cstdio>
#include <cstdlib>

namespace ingot::net::tcp_test {
namespace {

const Ipv4Address kClientIp = Ipv4Address::from_octets(192, 168, 7, 1);
const Ipv4Address kServerIp = Ipv4Address::from_octets(192, 168, 7, 2);

struct LinkProfile {
    uint32_t loss_per_mille = 0;
    uint32_t duplicate_per_mille = 0;
    uint32_t corrupt_per_mille = 0;
    uint64_t delay_ns = 1 * kMs;
    uint64_t jitter_ns = 0;  // uniform extra delay: reorders segments
};

class SimulatedLink;

class LinkEnd : public Ipv4Output {
public:
    LinkEnd(SimulatedLink& link, Ipv4Address self) : link_(link), self_(self) {}
    Result<void> send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                           std::span<const uint8_t> bytes) override;
    Ipv4Address source_address_for(Ipv4Address) const override { return self_; }
    size_t max_transport_size(Ipv4Address) const override { return 1480; }

private:
    SimulatedLink& link_;
    Ipv4Address self_;
};

class SimulatedLink {
public:
    SimulatedLink(LinkProfile profile, uint64_t seed) : profile_(profile), rng_(seed) {}

    void attach(TcpStack* client, TcpStack* server) {
        client_ = client;
        server_ = server;
    }
    void transmit(Ipv4Address source, Ipv4Address destination, std::span<const uint8_t> bytes) {
        ++transmitted;
        if (roll(profile_.loss_per_mille)) {
            ++lost;
            return;
        }
        int copies = roll(profile_.duplicate_per_mille) ? 2 : 1;
        for (int i = 0; i < copies; ++i) {
            Packet p{now + profile_.delay_ns + jitter(), sequence_++, source, destination,
                     std::vector<uint8_t>(bytes.begin(), bytes.end())};
            if (roll(profile_.corrupt_per_mille)) {
                p.bytes[rng_() % p.bytes.size()] ^= static_cast<uint8_t>(1 + rng_() % 255);
                ++corrupted;
            }
            queue_.push_back(std::move(p));
        }
    }
    // Delivers every packet due by `now`, in delivery-time order.
    void deliver_due() {
        for (;;) {
            auto due = std::min_element(queue_.begin(), queue_.end(), [](const Packet& a, const Packet& b) {
                return a.at != b.at ? a.at < b.at : a.order < b.order;
            });
            if (due == queue_.end() || due->at > now) return;
            Packet p = std::move(*due);
            queue_.erase(due);
            TcpStack* to = p.destination == kServerIp ? server_ : client_;
            to->receive_segment(p.source, p.destination, p.bytes, now);
        }
    }
    uint64_t next_delivery() const {
        uint64_t t = kTcpNever;
        for (const Packet& p : queue_) t = std::min(t, p.at);
        return t;
    }

    uint64_t now = 0;
    uint64_t transmitted = 0, lost = 0, corrupted = 0;

private:
    struct Packet {
        uint64_t at;
        uint64_t order;
        Ipv4Address source, destination;
        std::vector<uint8_t> bytes;
    };
    bool roll(uint32_t per_mille) { return per_mille > 0 && rng_() % 1000 < per_mille; }
    uint64_t jitter() { return profile_.jitter_ns ? rng_() % profile_.jitter_ns : 0; }

    LinkProfile profile_;
    std::mt19937_64 rng_;
    std::vector<Packet> queue_;
    uint64_t sequence_ = 0;
    TcpStack* client_ = nullptr;
    TcpStack* server_ = nullptr;
};

Result<void> LinkEnd::send_ipv4(Ipv4Address source, Ipv4Address destination, uint8_t,
                                std::span<const uint8_t> bytes) {
    link_.transmit(source, destination, bytes);
    return {};
}

uint8_t byte_at(size_t i) { return static_cast<uint8_t>((i * 2654435761u) >> 13); }

struct Outcome {
    bool echoed_exactly = false;
    uint64_t finished_at = 0;
    uint64_t retransmissions = 0;
    size_t connections_left = 0;
};

// The client sends `total` bytes and reads the echo; the server echoes what it reads and
// closes after the client's FIN. Returns when both stacks are idle.
Outcome run_echo(LinkProfile profile, uint64_t seed, size_t total, const TcpConfig& config,
                 const TcpSocketOptions& options) {
    SimulatedLink link(profile, seed);
    LinkEnd client_end(link, kClientIp), server_end(link, kServerIp);
    SipHashKey client_key = kTestKey, server_key = kTestKey;
    server_key[0] ^= 0xff;
    TcpStack client(client_end, config, client_key);
    TcpStack server(server_end, config, server_key);
    link.attach(&client, &server);
    link.now = 1 * kSec;

    TcpHandle listener = server.listen({kServerIp, 7}, 16, options).value();
    TcpHandle c = client.connect({kClientIp, 0}, {kServerIp, 7}, options, link.now).value();
    std::optional<TcpHandle> s;

    size_t client_sent = 0, client_received = 0;
    bool client_shut = false, client_closed = false, server_closed = false, mismatch = false;
    std::vector<uint8_t> out_chunk(32768), in_chunk(32768);
    std::vector<uint8_t> echo;  // read by the server, not yet written back
    size_t echo_offset = 0;

    Outcome outcome;
    const uint64_t limit = link.now + 600 * kSec;
    while (link.now < limit) {
        client.poll(link.now);
        server.poll(link.now);
        link.deliver_due();
        // Server: accept, echo, close after end of stream.
        if (!s) {
            Result<TcpHandle> accepted = server.accept(listener);
            if (accepted.ok()) s = accepted.value();
        }
        if (s && !server_closed) {
            for (;;) {
                if (echo_offset < echo.size()) {
                    std::span<const uint8_t> pending(echo.data() + echo_offset, echo.size() - echo_offset);
                    Result<size_t> w = server.send(*s, pending, link.now);
                    if (w.ok()) echo_offset += w.value();
                    if (echo_offset < echo.size()) break;  // buffer full: wait
                    echo.clear();
                    echo_offset = 0;
                }
                Result<size_t> r = server.receive(*s, std::span<uint8_t>(in_chunk), link.now);
                if (!r.ok()) break;  // EAGAIN
                if (r.value() == 0) {
                    (void)server.close(*s, link.now);
                    server_closed = true;
                    break;
                }
                echo.insert(echo.end(), in_chunk.begin(), in_chunk.begin() + static_cast<ptrdiff_t>(r.value()));
            }
        }
        // Client: write the pattern, read the echo, shut down writing when done.
        if (!client_closed && client.state(c).value() != TcpState::SynSent) {
            while (client_sent < total) {
                size_t n = std::min(out_chunk.size(), total - client_sent);
                for (size_t i = 0; i < n; ++i) out_chunk[i] = byte_at(client_sent + i);
                Result<size_t> w = client.send(c, std::span<const uint8_t>(out_chunk.data(), n), link.now);
                if (!w.ok()) break;
                client_sent += w.value();
            }
            if (client_sent == total && !client_shut) {
                (void)client.shutdown(c, TcpShutdown::Write, link.now);
                client_shut = true;
            }
            for (;;) {
                Result<size_t> r = client.receive(c, std::span<uint8_t>(in_chunk), link.now);
                if (!r.ok()) break;
                if (r.value() == 0) {
                    (void)client.close(c, link.now);
                    client_closed = true;
                    break;
                }
                for (size_t i = 0; i < r.value(); ++i) {
                    if (in_chunk[i] != byte_at(client_received + i)) mismatch = true;
                }
                client_received += r.value();
            }
        }
        uint64_t next = std::min({link.next_delivery(), client.next_timer_deadline(), server.next_timer_deadline()});
        if (next == kTcpNever) break;
        link.now = std::max(next, link.now + 1);
    }
    (void)server.close(listener, link.now);
    outcome.echoed_exactly = !mismatch && client_received == total && client_closed && server_closed;
    outcome.finished_at = link.now;
    outcome.retransmissions = client.counters().segments_retransmitted + server.counters().segments_retransmitted;
    outcome.connections_left = client.connection_count() + server.connection_count();
    if (std::getenv("TCP_SIM_STATS")) {  // for tuning: simulated duration and loss figures
        std::printf("simulated %.3f s: %llu segments, %llu lost, %llu corrupted, %llu retransmitted\n",
                    static_cast<double>(link.now - 1 * kSec) / 1e9,
                    static_cast<unsigned long long>(link.transmitted), static_cast<unsigned long long>(link.lost),
                    static_cast<unsigned long long>(link.corrupted),
                    static_cast<unsigned long long>(outcome.retransmissions));
    }
    EXPECT_EQ(client_received, total);
    EXPECT_FALSE(mismatch);
    EXPECT_TRUE(client_closed);
    EXPECT_TRUE(server_closed);
    return outcome;
}

TEST(TcpTwoStacks, CleanLinkEchoesWithoutRetransmissions) {
    TcpConfig config = test_config();
    Outcome o = run_echo(LinkProfile{}, 1, 1 << 20, config, {});
    EXPECT_TRUE(o.echoed_exactly);
    EXPECT_EQ(o.retransmissions, 0u);
    EXPECT_EQ(o.connections_left, 0u);
    EXPECT_EQ(TcpConnection::live_count(), 0u);
}

TEST(TcpTwoStacks, LossyReorderingLinkStillDeliversEveryByte) {
    TcpConfig config = test_config();
    LinkProfile profile;
    profile.loss_per_mille = 20;
    profile.duplicate_per_mille = 10;
    profile.corrupt_per_mille = 5;
    profile.delay_ns = 2 * kMs;
    profile.jitter_ns = 3 * kMs;
    Outcome o = run_echo(profile, 42, 3 << 20, config, {});
    EXPECT_TRUE(o.echoed_exactly);
    EXPECT_GT(o.retransmissions, 0u);
    EXPECT_EQ(o.connections_left, 0u);
    EXPECT_EQ(TcpConnection::live_count(), 0u);
}

TEST(TcpTwoStacks, LossyLinkWithScalingTimestampsAndBigBuffers) {
    TcpConfig config = test_config();
    config.window_scaling = true;
    config.timestamps = true;
    LinkProfile profile;
    profile.loss_per_mille = 30;
    profile.duplicate_per_mille = 5;
    profile.delay_ns = 5 * kMs;
    profile.jitter_ns = 4 * kMs;
    TcpSocketOptions options;
    options.send_buffer_size = 512 * 1024;
    options.receive_buffer_size = 512 * 1024;
    Outcome o = run_echo(profile, 7, 4 << 20, config, options);
    EXPECT_TRUE(o.echoed_exactly);
    EXPECT_EQ(o.connections_left, 0u);
    EXPECT_EQ(TcpConnection::live_count(), 0u);
}

TEST(TcpTwoStacks, SameSeedSameRun) {
    TcpConfig config = test_config();
    LinkProfile profile;
    profile.loss_per_mille = 25;
    profile.jitter_ns = 2 * kMs;
    Outcome a = run_echo(profile, 99, 256 * 1024, config, {});
    Outcome b = run_echo(profile, 99, 256 * 1024, config, {});
    EXPECT_EQ(a.finished_at, b.finished_at);
    EXPECT_EQ(a.retransmissions, b.retransmissions);
}

}  // namespace
}  // namespace ingot::net::tcp_test
