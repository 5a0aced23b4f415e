// ESTABLISHED: data in both directions, in order, out of order and duplicated; delayed ACKs;
// Nagle; windows, zero windows and persist probes; window updates after reads; buffer
// limits; sequence numbers wrapping past 2^32.
#include "test_tcp_harness.h"

#include <net/tcp/tcp_keyed_hash.h>

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpEstablished : public TcpTest {};

std::string pattern(size_t n, char seed = 'a') {
    std::string s(n, ' ');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i % 26);
    return s;
}

TEST_F(TcpEstablished, InOrderDataIsDeliveredAndAckedAfterTheDelayedAckTimer) {
    TcpHandle c = open_passive();
    EXPECT_EQ(stack->receive(c, std::span<uint8_t>(), now).value(), 0u);
    EXPECT_EQ(read_text(c), "<EAGAIN>");
    inject(peer(ACK | PSH, peer_next, local_next).data("hello"));
    expect_silence();
    EXPECT_TRUE(stack->readiness(c).value().readable);
    advance(39 * kMs);
    expect_silence();
    advance(1 * kMs);
    SentSegment ack = next();
    EXPECT_TRUE(ack.flags_are(ACK));
    EXPECT_EQ(ack.ack, peer_next + 5);
    // The SYN,ACK offered 65535; one more byte of room is not worth moving the right edge
    // for (receiver SWS avoidance), so the window is that edge minus the 5 bytes.
    EXPECT_EQ(ack.window, 65535 - 5);
    EXPECT_EQ(read_text(c), "hello");
    EXPECT_FALSE(stack->readiness(c).value().readable);
}

TEST_F(TcpEstablished, EverySecondFullSegmentIsAckedAtOnce) {
    TcpHandle c = open_passive();
    std::string a = pattern(1460), b = pattern(1460, 'A');
    inject(peer(ACK, peer_next, local_next).data(a));
    expect_silence();
    inject(peer(ACK, peer_next + 1460, local_next).data(b));
    SentSegment ack = next();
    EXPECT_EQ(ack.ack, peer_next + 2920);
    EXPECT_EQ(read_text(c), a + b);
}

TEST_F(TcpEstablished, OutOfOrderSegmentsAreAckedAtOnceAndReassembled) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next + 5, local_next).data("world"));
    SentSegment dup = next();  // immediate duplicate ACK still asking for peer_next
    EXPECT_EQ(dup.ack, peer_next);
    EXPECT_EQ(read_text(c), "<EAGAIN>");
    inject(peer(ACK, peer_next + 12, local_next).data("!"));
    EXPECT_EQ(next().ack, peer_next);
    inject(peer(ACK, peer_next, local_next).data("hello"));
    EXPECT_EQ(next().ack, peer_next + 10);  // filling a hole is acknowledged at once too
    inject(peer(ACK, peer_next + 10, local_next).data("XX"));
    advance(40 * kMs);
    EXPECT_EQ(next().ack, peer_next + 13);
    EXPECT_EQ(read_text(c), "helloworldXX!");
}

TEST_F(TcpEstablished, DuplicatesAreTrimmedAndReacknowledged) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).data("hello"));
    inject(peer(ACK, peer_next, local_next).data("hello"));  // entirely old: ACK at once
    SentSegment ack = next();
    EXPECT_EQ(ack.ack, peer_next + 5);
    inject(peer(ACK, peer_next + 3, local_next).data("loworld"));  // overlaps the front
    advance(40 * kMs);
    EXPECT_EQ(next().ack, peer_next + 10);
    EXPECT_EQ(read_text(c), "helloworld");
}

TEST_F(TcpEstablished, SentDataIsReleasedByItsAcknowledgment) {
    TcpHandle c = open_passive();
    EXPECT_EQ(send_text(c, "abc"), 3u);
    SentSegment data = next();
    EXPECT_TRUE(data.flags_are(ACK | PSH));
    EXPECT_EQ(data.seq, local_next);
    EXPECT_EQ(data.ack, peer_next);
    EXPECT_EQ(data.text(), "abc");
    EXPECT_EQ(info_of(c).bytes_in_flight, 3u);
    EXPECT_NE(stack->next_timer_deadline(), kTcpNever);  // retransmission timer
    inject(peer(ACK, peer_next, local_next + 3));
    EXPECT_EQ(info_of(c).bytes_in_flight, 0u);
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
    expect_silence();
}

// The stack keeps its earliest deadline between changes (the scheduler asks after every
// system call): a deadline read while nothing was armed must not hide the timer a later send
// arms, nor outlive the ACK that disarms it.
TEST_F(TcpEstablished, EarliestDeadlineFollowsEveryChangeAfterBeingRead) {
    TcpHandle c = open_passive();
    drain();
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
    EXPECT_EQ(send_text(c, "abc"), 3u);
    uint64_t armed = stack->next_timer_deadline();
    EXPECT_NE(armed, kTcpNever);
    EXPECT_EQ(stack->next_timer_deadline(), armed);
    inject(peer(ACK, peer_next, local_next + 3));
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
}

TEST_F(TcpEstablished, LargeWritesGoOutInMssSegmentsWithinTheInitialWindow) {
    TcpHandle c = open_passive();
    std::string big = pattern(30000);
    EXPECT_EQ(send_text(c, big), 30000u);
    EXPECT_EQ(pending(), 10u);  // IW = 10 segments (RFC 6928)
    uint32_t seq = local_next;
    for (int i = 0; i < 10; ++i) {
        SentSegment s = next();
        EXPECT_EQ(s.seq, seq);
        EXPECT_EQ(s.payload.size(), 1460u);
        EXPECT_EQ(s.text(), big.substr(static_cast<size_t>(i) * 1460, 1460));
        seq += 1460;
    }
    // Each ACK of two segments opens cwnd by two segments (slow start): four go out.
    inject(peer(ACK, peer_next, local_next + 2920));
    EXPECT_EQ(pending(), 4u);
}

TEST_F(TcpEstablished, ThePeersWindowLimitsWhatIsSent) {
    peer_window = 2920;
    TcpHandle c = open_passive();
    send_text(c, pattern(5000));
    EXPECT_EQ(next().payload.size(), 1460u);
    EXPECT_EQ(next().payload.size(), 1460u);
    expect_silence();
    inject(peer(ACK, peer_next, local_next + 2920).win(2920));
    EXPECT_EQ(next().payload.size(), 1460u);
    expect_silence();  // the 620-byte tail waits for the ACK (Nagle)
    inject(peer(ACK, peer_next, local_next + 4380).win(2920));
    EXPECT_EQ(next().payload.size(), 620u);
}

TEST_F(TcpEstablished, SenderSwsAvoidanceHoldsASliverUntilTheOverrideTimer) {
    TcpHandle c = open_passive();  // the peer offered 65535 in its SYN
    inject(peer(ACK, peer_next, local_next).win(1000));  // then a much smaller window
    send_text(c, pattern(3000));
    expect_silence();  // 1000 bytes is not a full segment nor half the largest window seen
    uint64_t deadline = stack->next_timer_deadline();
    ASSERT_NE(deadline, kTcpNever);
    run_until(deadline);
    SentSegment s = next();
    EXPECT_EQ(s.payload.size(), 1000u);
}

TEST_F(TcpEstablished, ZeroWindowIsProbedWithBackoffUntilItOpens) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).win(0));
    send_text(c, "data");
    expect_silence();
    uint64_t start = now;
    uint64_t first = stack->next_timer_deadline();
    EXPECT_EQ(first - start, 200 * kMs);  // the RTO (handshake RTT ~0, so the 200 ms floor)
    run_until(first);
    SentSegment probe = next();
    EXPECT_TRUE(probe.flags_are(ACK));
    EXPECT_EQ(probe.seq, local_next - 1);  // outside the window: the peer must answer
    EXPECT_TRUE(probe.payload.empty());
    inject(peer(ACK, peer_next, local_next).win(0));
    expect_silence();
    uint64_t second = stack->next_timer_deadline();
    EXPECT_EQ(second - now, 400 * kMs);  // backed off
    run_until(second);
    EXPECT_EQ(next().seq, local_next - 1);
    inject(peer(ACK, peer_next, local_next).win(0));
    EXPECT_EQ(stack->next_timer_deadline() - now, 800 * kMs);
    inject(peer(ACK, peer_next, local_next).win(500));  // the window opens
    SentSegment data = next();
    EXPECT_EQ(data.text(), "data");
    EXPECT_EQ(stack->state(c).value(), TcpState::Established);
}

TEST_F(TcpEstablished, UnansweredZeroWindowProbesEventuallyGiveUp) {
    config.max_retransmissions = 3;
    restart();
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).win(0));
    send_text(c, "data");
    advance(600 * kSec);
    EXPECT_EQ(state_of(c), TcpState::Closed);
    EXPECT_EQ(stack->take_error(c).value(), ETIMEDOUT);
}

TEST_F(TcpEstablished, ReceiveWindowClosesAndReopensAfterTheProgramReads) {
    TcpSocketOptions options;
    options.receive_buffer_size = 4096;
    TcpHandle c = open_passive(1000, options);
    std::string data = pattern(4096);
    for (size_t off = 0; off < 4096; off += 1024) {
        inject(peer(ACK, peer_next + static_cast<uint32_t>(off), local_next).data(data.substr(off, 1024)));
    }
    advance(40 * kMs);
    SentSegment last = next();
    while (has_next()) last = next();
    EXPECT_EQ(last.ack, peer_next + 4096);
    EXPECT_EQ(last.window, 0);
    // Beyond the window: dropped and answered with an ACK that restates the zero window.
    inject(peer(ACK, peer_next + 4096, local_next).data("overflow"));
    SentSegment refused = next();
    EXPECT_EQ(refused.ack, peer_next + 4096);
    EXPECT_EQ(refused.window, 0);
    // Reading a little does not announce a silly window (RFC 9293 §3.8.6.2.2)...
    std::vector<uint8_t> small(100);
    EXPECT_EQ(stack->receive(c, std::span<uint8_t>(small), now).value(), 100u);
    expect_silence();
    // ...reading enough sends a window update at once.
    std::vector<uint8_t> rest(4096);
    EXPECT_EQ(stack->receive(c, std::span<uint8_t>(rest), now).value(), 3996u);
    SentSegment update = next();
    EXPECT_EQ(update.ack, peer_next + 4096);
    EXPECT_EQ(update.window, 4096);
}

TEST_F(TcpEstablished, NagleHoldsSmallWritesWhileDataIsUnacknowledged) {
    TcpHandle c = open_passive();
    send_text(c, "a");
    EXPECT_EQ(next().text(), "a");  // nothing outstanding: goes at once
    send_text(c, "b");
    send_text(c, "c");
    expect_silence();
    inject(peer(ACK, peer_next, local_next + 1));
    SentSegment bc = next();
    EXPECT_EQ(bc.text(), "bc");
    EXPECT_EQ(bc.seq, local_next + 1);
}

TEST_F(TcpEstablished, NoDelaySendsSmallWritesAtOnce) {
    TcpSocketOptions options;
    options.no_delay = true;
    TcpHandle c = open_passive(1000, options);
    send_text(c, "a");
    send_text(c, "b");
    EXPECT_EQ(next().text(), "a");
    EXPECT_EQ(next().text(), "b");
}

TEST_F(TcpEstablished, TurningNoDelayOnFlushesWhatNagleHeld) {
    TcpHandle c = open_passive();
    send_text(c, "a");
    next();
    send_text(c, "b");
    expect_silence();
    TcpSocketOptions options = stack->options(c).value();
    options.no_delay = true;
    ASSERT_TRUE(stack->set_options(c, options, now).ok());
    EXPECT_EQ(next().text(), "b");
}

// nginx corks (tcp_nopush) while it writes a response's head and body, then uncorks.
TEST_F(TcpEstablished, CorkHoldsPartialSegmentsUntilUncorked) {
    TcpSocketOptions options;
    options.no_delay = true;  // the cork wins over TCP_NODELAY
    options.cork = true;
    TcpHandle c = open_passive(1000, options);
    send_text(c, "head");
    send_text(c, "body");
    expect_silence();
    std::string full = pattern(1460);
    send_text(c, full);
    EXPECT_EQ(next().text(), "headbody" + full.substr(0, 1452));  // full segments go
    expect_silence();
    options.cork = false;
    ASSERT_TRUE(stack->set_options(c, options, now).ok());
    EXPECT_EQ(next().text(), full.substr(1452));
}

TEST_F(TcpEstablished, CorkedDataLeavesAfterTheCeilingOrWithTheFin) {
    TcpSocketOptions options;
    options.cork = true;
    TcpHandle c = open_passive(1000, options);
    send_text(c, "a");
    advance(199 * kMs);
    expect_silence();
    advance(2 * kMs);  // tcp(7): at most 200 ms
    EXPECT_EQ(next().text(), "a");
    inject(peer(ACK, peer_next, local_next + 1));
    send_text(c, "bc");
    expect_silence();
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Write, now).ok());
    SentSegment last = next();
    EXPECT_EQ(last.text(), "bc");
    EXPECT_TRUE(last.has(FIN));
}

TEST_F(TcpEstablished, AFullSendBufferSaysEagainAndReportsNotWritable) {
    TcpSocketOptions options;
    options.send_buffer_size = 4096;
    TcpHandle c = open_passive(1000, options);
    inject(peer(ACK, peer_next, local_next).win(0));
    std::string big = pattern(10000);
    EXPECT_EQ(send_text(c, big), 4096u);
    std::span<const uint8_t> more(reinterpret_cast<const uint8_t*>(big.data()), 10);
    EXPECT_EQ(stack->send(c, more, now).error(), Errno{EAGAIN});
    EXPECT_FALSE(stack->readiness(c).value().writable);
    inject(peer(ACK, peer_next, local_next).win(8192));
    EXPECT_EQ(next().payload.size(), 1460u);
    EXPECT_EQ(next().payload.size(), 1460u);
    expect_silence();  // Nagle: the 1176-byte tail waits for an ACK
    inject(peer(ACK, peer_next, local_next + 2920).win(8192));
    EXPECT_EQ(next().payload.size(), 1176u);
    inject(peer(ACK, peer_next, local_next + 4096).win(8192));
    EXPECT_TRUE(stack->readiness(c).value().writable);
    EXPECT_EQ(stack->send(c, more, now).value(), 10u);
}

struct RecordingSink : TcpEventSink {
    void socket_event(TcpHandle handle) override { events.push_back(handle); }
    std::vector<TcpHandle> events;
};

TEST_F(TcpEstablished, OwnersHearOfEventsOnTheirSockets) {
    RecordingSink sink;
    stack->set_event_sink(&sink);
    TcpHandle c = open_passive();
    ASSERT_EQ(sink.events.size(), 1u);  // the listener: a connection to accept
    EXPECT_EQ(sink.events[0], listener);
    sink.events.clear();
    inject(peer(ACK, peer_next, local_next).data("x"));
    ASSERT_EQ(sink.events.size(), 1u);
    EXPECT_EQ(sink.events[0], c);
    sink.events.clear();
    send_text(c, "y");
    EXPECT_TRUE(sink.events.empty());  // the owner's own calls are not reported back
    advance(5 * kSec);  // the delayed ACK and a retransmission fire
    EXPECT_FALSE(sink.events.empty());
    sink.events.clear();
    EXPECT_EQ(read_text(c), "x");
    ASSERT_TRUE(stack->close(c, now).ok());  // graceful: FIN-WAIT-1, now an orphan
    drain();
    EXPECT_EQ(stack->connection_count(), 1u);
    inject(peer(RST, peer_next + 1, 0));
    EXPECT_EQ(stack->connection_count(), 0u);
    EXPECT_TRUE(sink.events.empty());  // nobody holds the handle any more
    stack->set_event_sink(nullptr);
}

TEST_F(TcpEstablished, PeekDoesNotConsume) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).data("peek"));
    std::vector<uint8_t> buffer(10);
    IoBuffer dst = IoBuffer::kernel(buffer);
    EXPECT_EQ(stack->receive(c, dst, now, true).value(), 4u);
    EXPECT_EQ(read_text(c), "peek");
}

TEST_F(TcpEstablished, ReceiveSequenceNumbersWrapPast2To32) {
    TcpHandle c = open_passive(0xfffffff0u);
    EXPECT_EQ(peer_next, 0xfffffff1u);
    std::string a = pattern(20), b = pattern(20, 'A');
    inject(peer(ACK, peer_next + 20, local_next).data(b));  // starts past the wrap, out of order
    EXPECT_EQ(next().ack, peer_next);
    inject(peer(ACK, peer_next, local_next).data(a));  // straddles 2^32
    SentSegment ack = next();
    EXPECT_EQ(ack.ack, peer_next + 40);
    EXPECT_LT(ack.ack, 100u);
    EXPECT_EQ(read_text(c), a + b);
}

TEST_F(TcpEstablished, SendSequenceNumbersWrapPast2To32) {
    // Pick the clock so that the ISS (RFC 6528: M + F) lands just below 2^32.
    TcpFourTuple tuple{{kLocalIp, 80}, {kRemoteIp, 5000}};
    TcpKeyedHash keys(kTestKey);
    uint32_t f = keys.initial_sequence_number(tuple, 0);
    uint32_t m = 0xffffff00u - f;
    now = uint64_t{m} * 4000;
    TcpHandle c = open_passive();
    EXPECT_EQ(local_next, 0xffffff01u);
    std::string data = pattern(1000);
    send_text(c, data);
    SentSegment s = next();
    EXPECT_EQ(s.seq, 0xffffff01u);
    inject(peer(ACK, peer_next, local_next + 1000));  // acknowledges past the wrap
    EXPECT_EQ(info_of(c).bytes_in_flight, 0u);
    EXPECT_EQ(info_of(c).snd_una, 0xffffff01u + 1000);
    send_text(c, "after");
    EXPECT_EQ(next().seq, 0xffffff01u + 1000);
}

}  // namespace
}  // namespace ingot::net::tcp_test
