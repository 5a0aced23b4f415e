// The building blocks of TCP in isolation: sequence arithmetic, the byte ring, send and
// receive buffers with reassembly, the RTT estimator, congestion control and SipHash.
#include <net/tcp/congestion_control.h>
#include <net/tcp/receive_buffer.h>
#include <net/tcp/rtt_estimator.h>
#include <net/tcp/send_buffer.h>
#include <net/tcp/sequence.h>
#include <net/tcp/siphash.h>
#include <net/tcp/tcp_keyed_hash.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ingot::net {
namespace {

constexpr uint64_t kMs = 1'000'000;

std::span<const uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string read_all(TcpReceiveBuffer& rb) {
    std::vector<uint8_t> out(rb.readable());
    IoBuffer dst = IoBuffer::kernel(out);
    Result<size_t> n = rb.read(dst, false);
    EXPECT_TRUE(n.ok());
    return std::string(out.begin(), out.begin() + static_cast<ptrdiff_t>(n.value()));
}

TEST(TcpSequence, ComparesAcrossWraparound) {
    SeqNumber near_top(0xfffffff0u);
    SeqNumber wrapped = near_top + 0x20;
    EXPECT_EQ(wrapped.value(), 0x10u);
    EXPECT_LT(near_top, wrapped);
    EXPECT_GT(wrapped, near_top);
    EXPECT_EQ(wrapped - near_top, 0x20);
    EXPECT_EQ(near_top - wrapped, -0x20);
    EXPECT_EQ(wrapped.distance_from(near_top), 0x20u);
    EXPECT_TRUE(SeqNumber(5).in_window(near_top, 0x20));
    EXPECT_FALSE(SeqNumber(0x10).in_window(near_top, 0x20));  // right edge excluded
    EXPECT_FALSE(SeqNumber(0xffffffefu).in_window(near_top, 0x20));
    EXPECT_FALSE(SeqNumber(7).in_window(SeqNumber(7), 0));    // empty window holds nothing
    EXPECT_EQ(seq_max(near_top, wrapped), wrapped);
    EXPECT_EQ(seq_min(near_top, wrapped), near_top);
}

TEST(TcpSequence, HalfSpaceApartIsTheLimit) {
    SeqNumber a(0);
    EXPECT_LT(a, a + 0x7fffffffu);
    EXPECT_GT(a, a + 0x80000001u);  // more than 2^31 ahead reads as behind
}

TEST(TcpByteRing, WrapsAroundTheEnd) {
    ByteRing ring(8);
    ASSERT_TRUE(ring.ensure_storage());
    std::string a = "abcdef";
    ring.write_at(0, bytes_of(a));
    ring.commit(6);
    ring.consume(4);
    std::string b = "ghijk";
    ring.write_at(ring.size(), bytes_of(b));  // crosses the physical end
    ring.commit(5);
    EXPECT_EQ(ring.size(), 7u);
    std::vector<uint8_t> out(7);
    ring.read_at(0, out);
    EXPECT_EQ(std::string(out.begin(), out.end()), "efghijk");
    EXPECT_EQ(ring.contiguous_at(0, 7).size(), 4u);  // up to the physical end
}

TEST(TcpSendBuffer, AcceptsUpToCapacityAndReleasesOnAck) {
    TcpSendBuffer sb(10);
    std::string text = "0123456789ABCDEF";
    IoBuffer src = IoBuffer::kernel_source(bytes_of(text));
    Result<size_t> n = sb.append(src);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 10u);
    EXPECT_EQ(sb.free_space(), 0u);
    IoBuffer more = IoBuffer::kernel_source(bytes_of(text));
    EXPECT_EQ(sb.append(more).value(), 0u);
    sb.acknowledge(4);
    EXPECT_EQ(sb.size(), 6u);
    std::vector<uint8_t> out(3);
    sb.copy_out(1, out);
    EXPECT_EQ(std::string(out.begin(), out.end()), "567");
}

TEST(TcpReceiveBuffer, InOrderDataAdvances) {
    TcpReceiveBuffer rb(64);
    SeqNumber nxt(1000);
    EXPECT_EQ(rb.insert(nxt, nxt, bytes_of("hello")), 5u);
    EXPECT_EQ(rb.readable(), 5u);
    EXPECT_EQ(rb.window(), 59u);
    EXPECT_EQ(read_all(rb), "hello");
    EXPECT_EQ(rb.window(), 64u);
}

TEST(TcpReceiveBuffer, ReassemblesOutOfOrderSegments) {
    TcpReceiveBuffer rb(64);
    SeqNumber nxt(0xfffffffcu);  // reassembly across the sequence wrap
    EXPECT_EQ(rb.insert(nxt, nxt + 10, bytes_of("KLMNO")), 0u);
    EXPECT_EQ(rb.insert(nxt, nxt + 5, bytes_of("FGHIJ")), 0u);
    EXPECT_TRUE(rb.has_out_of_order());
    EXPECT_EQ(rb.readable(), 0u);
    EXPECT_EQ(rb.insert(nxt, nxt, bytes_of("ABCDE")), 15u);  // fills the hole: all 15 released
    EXPECT_FALSE(rb.has_out_of_order());
    EXPECT_EQ(read_all(rb), "ABCDEFGHIJKLMNO");
}

TEST(TcpReceiveBuffer, TrimsDuplicatesAndOverlaps) {
    TcpReceiveBuffer rb(64);
    SeqNumber nxt(100);
    EXPECT_EQ(rb.insert(nxt, nxt, bytes_of("abcd")), 4u);
    nxt = nxt + 4;
    EXPECT_EQ(rb.insert(nxt, SeqNumber(100), bytes_of("abcd")), 0u);      // pure duplicate
    EXPECT_EQ(rb.insert(nxt, SeqNumber(102), bytes_of("cdefg")), 3u);     // overlaps the front
    nxt = nxt + 3;
    EXPECT_EQ(rb.insert(nxt, nxt + 2, bytes_of("jk")), 0u);
    EXPECT_EQ(rb.insert(nxt, nxt + 1, bytes_of("ijkl")), 0u);             // overlaps a range
    EXPECT_EQ(rb.insert(nxt, nxt, bytes_of("h")), 5u);
    EXPECT_EQ(read_all(rb), "abcdefghijkl");
}

TEST(TcpReceiveBuffer, DropsWhatLiesBeyondTheWindow) {
    TcpReceiveBuffer rb(8);
    SeqNumber nxt(0);
    EXPECT_EQ(rb.insert(nxt, nxt, bytes_of("0123456789")), 8u);  // cut at capacity
    EXPECT_EQ(rb.window(), 0u);
    EXPECT_EQ(rb.insert(nxt + 8, nxt + 8, bytes_of("x")), 0u);
    EXPECT_EQ(read_all(rb), "01234567");
}

TEST(TcpReceiveBuffer, BoundsTheNumberOfHoles) {
    TcpReceiveBuffer rb(1024);
    SeqNumber nxt(0);
    for (uint32_t i = 0; i < TcpReceiveBuffer::kMaxRanges; ++i) {
        rb.insert(nxt, nxt + 10 + 10 * i, bytes_of("x"));
    }
    // One more disjoint range is refused (and so never acknowledged), one touching an
    // existing range merges.
    rb.insert(nxt, nxt + 500, bytes_of("y"));
    rb.insert(nxt, nxt + 11, bytes_of("z"));
    std::string filler(10, '.');
    EXPECT_EQ(rb.insert(nxt, nxt, bytes_of(filler)), 12u);  // 0..9 + x at 10 + z at 11
}

TEST(TcpReceiveBuffer, PeekLeavesTheData) {
    TcpReceiveBuffer rb(16);
    rb.insert(SeqNumber(0), SeqNumber(0), bytes_of("peek"));
    std::vector<uint8_t> out(4);
    IoBuffer dst = IoBuffer::kernel(out);
    EXPECT_EQ(rb.read(dst, true).value(), 4u);
    EXPECT_EQ(rb.readable(), 4u);
}

TEST(TcpRttEstimator, FollowsRfc6298) {
    RttEstimator rtt(1000 * kMs, 200 * kMs, 120'000 * kMs);
    EXPECT_EQ(rtt.rto(), 1000 * kMs);  // (2.1) initial RTO
    rtt.sample(100 * kMs);
    EXPECT_EQ(rtt.smoothed_rtt(), 100 * kMs);
    EXPECT_EQ(rtt.rtt_variance(), 50 * kMs);
    EXPECT_EQ(rtt.rto(), 300 * kMs);  // SRTT + 4*RTTVAR
    rtt.sample(100 * kMs);
    EXPECT_EQ(rtt.rtt_variance(), 37'500'000u);  // 3/4 * 50 ms + 1/4 * 0
    EXPECT_EQ(rtt.rto(), 250 * kMs);
    for (int i = 0; i < 50; ++i) rtt.sample(1 * kMs);
    EXPECT_EQ(rtt.rto(), 200 * kMs);  // clamped to the minimum
    rtt.back_off();
    rtt.back_off();
    EXPECT_EQ(rtt.rto(), 800 * kMs);
    for (int i = 0; i < 30; ++i) rtt.back_off();
    EXPECT_EQ(rtt.rto(), 120'000 * kMs);  // clamped to the maximum
    rtt.sample(1 * kMs);
    EXPECT_EQ(rtt.backoff_shift(), 0u);  // a valid sample ends the backoff
}

TEST(TcpCongestionControl, InitialWindowAndSlowStart) {
    TcpCongestionControl cc;
    cc.start(1460, 10, SeqNumber(0));
    EXPECT_EQ(cc.cwnd(), 14600u);  // RFC 6928
    cc.on_new_ack(SeqNumber(2920), 2920);
    EXPECT_EQ(cc.cwnd(), 14600u + 2920);  // slow start, up to 2*SMSS per ACK
    cc.on_new_ack(SeqNumber(2920 + 14600), 14600);
    EXPECT_EQ(cc.cwnd(), 14600u + 4 * 1460);
}

TEST(TcpCongestionControl, FastRetransmitAndNewRenoRecovery) {
    TcpCongestionControl cc;
    cc.start(1000, 10, SeqNumber(0));
    SeqNumber una(1000);
    SeqNumber max(11000);
    EXPECT_FALSE(cc.on_duplicate_ack(una, 10000, max));
    EXPECT_FALSE(cc.on_duplicate_ack(una, 10000, max));
    EXPECT_TRUE(cc.on_duplicate_ack(una, 10000, max));  // third duplicate
    EXPECT_TRUE(cc.in_recovery());
    EXPECT_EQ(cc.ssthresh(), 5000u);
    EXPECT_EQ(cc.cwnd(), 8000u);  // ssthresh + 3*SMSS
    cc.on_duplicate_ack(una, 10000, max);
    EXPECT_EQ(cc.cwnd(), 9000u);  // inflation
    auto partial = cc.on_new_ack(SeqNumber(3000), 2000);
    EXPECT_TRUE(partial.retransmit_head);
    EXPECT_TRUE(partial.restart_timer);
    EXPECT_EQ(cc.cwnd(), 9000u - 2000 + 1000);
    auto second = cc.on_new_ack(SeqNumber(4000), 1000);
    EXPECT_TRUE(second.retransmit_head);
    EXPECT_FALSE(second.restart_timer);  // only the first partial ACK re-arms
    auto full = cc.on_new_ack(max, 7000);
    EXPECT_FALSE(full.retransmit_head);
    EXPECT_FALSE(cc.in_recovery());
    EXPECT_EQ(cc.cwnd(), 5000u);
}

TEST(TcpCongestionControl, TimeoutCollapsesToOneSegment) {
    TcpCongestionControl cc;
    cc.start(1000, 10, SeqNumber(0));
    cc.on_timeout(8000, SeqNumber(9000), false);
    EXPECT_EQ(cc.cwnd(), 1000u);
    EXPECT_EQ(cc.ssthresh(), 4000u);
    cc.on_timeout(8000, SeqNumber(9000), true);  // repeated: ssthresh held
    EXPECT_EQ(cc.ssthresh(), 4000u);
    // Duplicates provoked by the go-back retransmission do not start fast retransmit.
    cc.on_duplicate_ack(SeqNumber(2000), 7000, SeqNumber(9000));
    cc.on_duplicate_ack(SeqNumber(2000), 7000, SeqNumber(9000));
    EXPECT_FALSE(cc.on_duplicate_ack(SeqNumber(2000), 7000, SeqNumber(9000)));
    // Congestion avoidance: one SMSS per window of ACKed bytes.
    for (int i = 0; i < 3; ++i) cc.on_new_ack(SeqNumber(3000 + 1000 * i), 1000);
    EXPECT_EQ(cc.cwnd(), 4000u);
    for (int i = 0; i < 4; ++i) cc.on_new_ack(SeqNumber(6000 + 1000 * i), 1000);
    EXPECT_EQ(cc.cwnd(), 5000u);
}

TEST(TcpSipHash, MatchesReferenceVectors) {
    // The reference implementation's vectors: key 00..0f, messages 00..(n-1).
    SipHashKey key{};
    for (int i = 0; i < 16; ++i) key[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
    std::vector<uint8_t> message;
    EXPECT_EQ(siphash24(key, message), 0x726fdb47dd0e0e31ull);
    for (int i = 0; i < 15; ++i) message.push_back(static_cast<uint8_t>(i));
    EXPECT_EQ(siphash24(key, message), 0xa129ca6149be45e5ull);
}

TEST(TcpKeyedHash, IsnAdvancesWithTheClockAndDependsOnTheTuple) {
    TcpKeyedHash keys(SipHashKey{9, 9, 9});
    TcpFourTuple a{{Ipv4Address::from_octets(10, 0, 0, 2), 80}, {Ipv4Address::from_octets(10, 0, 0, 1), 5000}};
    TcpFourTuple b = a;
    b.remote.port = 5001;
    uint32_t first = keys.initial_sequence_number(a, 0);
    EXPECT_EQ(keys.initial_sequence_number(a, 4000) - first, 1u);  // M ticks every 4 us
    EXPECT_NE(keys.initial_sequence_number(b, 0), first);
    TcpKeyedHash other(SipHashKey{1});
    EXPECT_NE(other.initial_sequence_number(a, 0), first);
}

}  // namespace
}  // namespace ingot::net
