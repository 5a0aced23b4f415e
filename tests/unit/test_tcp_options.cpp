// RFC 7323 once negotiated: timestamps (echo, TS.Recent, PAWS) and window scaling in both
// directions; and keepalive (RFC 1122 §4.2.3.6).
#include "test_tcp_harness.h"

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpOptionsTest : public TcpTest {
protected:
    // A passive open where the peer offers timestamps (TSval starting at peer_ts) and a
    // window scale of peer_shift.
    TcpHandle open_with_options(uint8_t peer_shift, const TcpSocketOptions& options = {}) {
        config.window_scaling = true;
        config.timestamps = true;
        restart();
        listen(80, 4, options);
        inject(peer(SYN, 1000).mss(1460).wscale(peer_shift).ts(peer_ts, 0));
        SentSegment synack = next();
        our_ts = synack.options.timestamps->value;
        peer_next = 1001;
        local_next = synack.seq + 1;
        inject(peer(ACK, peer_next, local_next).ts(++peer_ts, our_ts));
        return stack->accept(listener).value();
    }
    PeerSegment timed(uint8_t flags, uint32_t seq, uint32_t ack) const {
        return peer(flags, seq, ack).ts(peer_ts, our_ts);
    }
    uint32_t peer_ts = 70000;
    uint32_t our_ts = 0;
};

TEST_F(TcpOptionsTest, TimestampsEchoTheLatestInOrderValue) {
    TcpHandle c = open_with_options(0);
    peer_ts += 10;
    inject(timed(ACK, peer_next, local_next).data("a"));
    advance(40 * kMs);
    SentSegment ack = next();
    ASSERT_TRUE(ack.options.timestamps.has_value());
    EXPECT_EQ(ack.options.timestamps->echo_reply, peer_ts);
    EXPECT_EQ(ack.options.timestamps->value - our_ts, 40u);  // a millisecond clock
    EXPECT_EQ(read_text(c), "a");
}

TEST_F(TcpOptionsTest, PawsDropsSegmentsWithAnOlderTimestamp) {
    TcpHandle c = open_with_options(0);
    inject(peer(ACK, peer_next, local_next).data("old").ts(peer_ts - 5, our_ts));
    SentSegment ack = next();  // R1: acknowledge and drop
    EXPECT_EQ(ack.ack, peer_next);
    EXPECT_EQ(read_text(c), "<EAGAIN>");
    inject(timed(ACK, peer_next, local_next).data("new"));
    EXPECT_EQ(read_text(c), "new");
    // Timestamps compare modulo 2^32 like sequence numbers (RFC 7323 §5.2): up to 2^31
    // ahead is newer, even across the wrap...
    uint32_t recent = peer_ts;
    peer_ts = recent + 0x7fff0000u;
    inject(timed(ACK, peer_next + 3, local_next).data("b"));
    EXPECT_EQ(read_text(c), "b");
    // ...more than 2^31 ahead reads as older: dropped.
    peer_ts = peer_ts + 0x80000100u;
    inject(timed(ACK, peer_next + 4, local_next).data("c"));
    EXPECT_EQ(read_text(c), "<EAGAIN>");
}

TEST_F(TcpOptionsTest, SegmentsWithoutTimestampsAreDroppedButResetsAreNot) {
    TcpHandle c = open_with_options(0);
    inject(peer(ACK, peer_next, local_next).data("bare"));
    expect_silence();
    EXPECT_EQ(read_text(c), "<EAGAIN>");
    inject(peer(RST, peer_next, 0));
    EXPECT_EQ(state_of(c), TcpState::Closed);
}

TEST_F(TcpOptionsTest, ScaledWindowsInBothDirections) {
    TcpSocketOptions options;
    options.receive_buffer_size = 1 << 20;
    options.send_buffer_size = 1 << 20;
    TcpHandle c = open_with_options(4, options);
    TcpConnectionInfo i = info_of(c);
    EXPECT_EQ(i.receive_window_shift, 5);  // 1 MiB needs a shift of 5
    EXPECT_EQ(i.send_window_shift, 4);
    // The peer offers 20000 << 4 = 320000 bytes; cwnd (IW 10) is the limit at first.
    inject(timed(ACK, peer_next, local_next).win(20000));
    EXPECT_EQ(info_of(c).send_window, 320000u);
    std::string data(1 << 20, 'w');
    EXPECT_EQ(send_text(c, data), size_t{1} << 20);
    size_t segments = pending();
    EXPECT_EQ(segments, 10u);
    SentSegment s = next();
    EXPECT_EQ(s.window, (1 << 20) >> 5);  // our window, scaled down by our shift
    drain();
    // Grow cwnd past 64 KiB (the peer acknowledges every second segment) and check that
    // more than 65535 bytes can be in flight at once.
    uint32_t acked = 0;
    const uint32_t two_segments = 2 * i.send_mss;
    for (int round = 0; round < 3; ++round) {
        uint32_t sent = info_of(c).snd_nxt - local_next;
        while (acked + two_segments <= sent) {
            acked += two_segments;
            inject(timed(ACK, peer_next, local_next + acked).win(20000));
        }
        drain();
    }
    EXPECT_GT(info_of(c).bytes_in_flight, 65535u);
}

TEST_F(TcpOptionsTest, ReceiverCanTakeMoreThan64KiBInFlight) {
    TcpSocketOptions options;
    options.receive_buffer_size = 256 * 1024;
    TcpHandle c = open_with_options(2, options);
    std::string chunk(1448, 'r');
    for (uint32_t n = 0; n < 100; ++n) {  // 144800 bytes, never read
        inject(timed(ACK, peer_next + n * 1448, local_next).data(chunk));
    }
    drain();
    EXPECT_EQ(info_of(c).bytes_readable, 144800u);
    EXPECT_EQ(info_of(c).rcv_nxt, peer_next + 144800);
}

TEST_F(TcpOptionsTest, KeepaliveProbesAnIdleConnectionAndGivesUp) {
    TcpSocketOptions options;
    options.keepalive = true;
    options.keepalive_idle_ns = 10 * kSec;
    options.keepalive_interval_ns = 1 * kSec;
    options.keepalive_probes = 3;
    TcpHandle c = open_passive(1000, options);
    advance(10 * kSec - 1);
    expect_silence();
    advance(1);
    SentSegment probe = next();
    EXPECT_TRUE(probe.flags_are(ACK));
    EXPECT_EQ(probe.seq, local_next - 1);
    EXPECT_TRUE(probe.payload.empty());
    // An answer resets the count and the idle time.
    inject(peer(ACK, peer_next, local_next));
    advance(10 * kSec - 1);
    expect_silence();
    advance(1);
    next();
    advance(1 * kSec);
    next();
    advance(1 * kSec);
    next();
    EXPECT_EQ(state_of(c), TcpState::Established);
    advance(1 * kSec);  // three probes unanswered
    SentSegment rst = next();
    EXPECT_TRUE(rst.has(RST));
    EXPECT_EQ(state_of(c), TcpState::Closed);
    EXPECT_EQ(stack->take_error(c).value(), ETIMEDOUT);
}

TEST_F(TcpOptionsTest, NoKeepaliveMeansNoTimers) {
    TcpHandle c = open_passive();
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
    advance(3 * 3600 * kSec);
    expect_silence();
    TcpSocketOptions options = stack->options(c).value();
    options.keepalive = true;
    options.keepalive_idle_ns = 5 * kSec;
    ASSERT_TRUE(stack->set_options(c, options, now).ok());
    EXPECT_EQ(stack->next_timer_deadline(), now + 5 * kSec);
}

TEST_F(TcpOptionsTest, BufferSizesChangeOnlyWhileEmpty) {
    TcpHandle c = open_passive();
    TcpSocketOptions options = stack->options(c).value();
    options.send_buffer_size = 8192;
    options.receive_buffer_size = 1;  // clamped up to the minimum, below the offered window
    EXPECT_EQ(stack->set_options(c, options, now).error(), Errno{EINVAL});
    options.receive_buffer_size = 128 * 1024;
    ASSERT_TRUE(stack->set_options(c, options, now).ok());
    EXPECT_EQ(stack->options(c).value().send_buffer_size, 8192u);
    send_text(c, "x");
    options.send_buffer_size = 16384;
    EXPECT_EQ(stack->set_options(c, options, now).error(), Errno{EINVAL});
}

}  // namespace
}  // namespace ingot::net::tcp_test
