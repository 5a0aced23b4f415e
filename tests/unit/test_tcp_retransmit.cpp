// Loss recovery: the retransmission timer (RFC 6298) with backoff and giving up, Karn's
// algorithm, go-back after a timeout, fast retransmit on three duplicate ACKs and NewReno
// recovery (RFC 5681, RFC 6582); Limited Transmit has its own tests.
#include "test_tcp_harness.h"

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpRetransmit : public TcpTest {};

std::string pattern(size_t n) {
    std::string s(n, ' ');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    return s;
}

TEST_F(TcpRetransmit, TimerRetransmitsWithExponentialBackoff) {
    TcpHandle c = open_passive();
    uint64_t sent_at = now;
    send_text(c, "data");
    SentSegment original = next();
    uint64_t interval = 200 * kMs;  // handshake RTT ~0: the 200 ms floor
    uint64_t at = sent_at;
    for (int i = 0; i < 4; ++i) {
        at += interval;
        EXPECT_EQ(stack->next_timer_deadline(), at);
        run_until(at - 1);
        expect_silence();
        run_until(at);
        SentSegment again = next();
        EXPECT_EQ(again.seq, original.seq);
        EXPECT_EQ(again.text(), "data");
        interval *= 2;
    }
    EXPECT_EQ(stack->counters().segments_retransmitted, 4u);
    inject(peer(ACK, peer_next, local_next + 4));
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
}

TEST_F(TcpRetransmit, GivesUpWithEtimedoutAfterTheLimit) {
    config.max_retransmissions = 3;
    restart();
    TcpHandle c = open_passive();
    send_text(c, "data");
    next();
    advance((200 + 400 + 800) * kMs);
    EXPECT_EQ(pending(), 3u);
    drain();
    EXPECT_EQ(state_of(c), TcpState::Established);
    advance(1600 * kMs);
    expect_silence();  // no reset: the peer is presumed unreachable
    EXPECT_EQ(state_of(c), TcpState::Closed);
    TcpReadiness r = stack->readiness(c).value();
    EXPECT_TRUE(r.error);
    EXPECT_TRUE(r.hangup);
    EXPECT_EQ(stack->send(c, std::span<const uint8_t>(), now).error(), Errno{ETIMEDOUT});
    EXPECT_EQ(stack->send(c, std::span<const uint8_t>(), now).error(), Errno{EPIPE});
    EXPECT_EQ(read_text(c), "");  // end of stream after the error was reported
    EXPECT_EQ(stack->counters().timeouts, 1u);
}

TEST_F(TcpRetransmit, RoundTripSamplesSetTheTimeout) {
    TcpHandle c = open_passive();
    send_text(c, "x");
    next();
    advance(150 * kMs);
    inject(peer(ACK, peer_next, local_next + 1));
    TcpConnectionInfo i = info_of(c);
    // Samples: 0 (handshake), then 150 ms: RTTVAR = 3/4*0 + 1/4*150, SRTT = 7/8*0 + 1/8*150.
    EXPECT_EQ(i.srtt_ns, 18'750'000u);
    EXPECT_EQ(i.rttvar_ns, 37'500'000u);
    EXPECT_EQ(i.rto_ns, 200 * kMs);  // 168.75 ms, raised to the floor
    for (int n = 0; n < 20; ++n) {
        send_text(c, "y");
        next();
        advance(150 * kMs);
        inject(peer(ACK, peer_next, local_next + 2 + static_cast<uint32_t>(n)));
    }
    i = info_of(c);
    EXPECT_GT(i.srtt_ns, 140 * kMs);  // converging on the steady 150 ms
    EXPECT_LE(i.srtt_ns, 150 * kMs);
    EXPECT_GE(i.rto_ns, i.srtt_ns + 1 * kMs);
    EXPECT_EQ(stack->counters().segments_retransmitted, 0u);
}

TEST_F(TcpRetransmit, KarnTakesNoSampleFromARetransmittedSegment) {
    TcpHandle c = open_passive();
    send_text(c, "data");
    next();
    advance(200 * kMs);
    next();  // retransmitted; RTO now backed off to 400 ms
    advance(50 * kMs);
    inject(peer(ACK, peer_next, local_next + 4));  // ambiguous: no sample
    TcpConnectionInfo i = info_of(c);
    EXPECT_EQ(i.srtt_ns, 0u);
    EXPECT_EQ(i.rto_ns, 400 * kMs);  // the backoff stays until a clean sample
    send_text(c, "more");
    next();
    advance(10 * kMs);
    inject(peer(ACK, peer_next, local_next + 8));
    EXPECT_EQ(info_of(c).rto_ns, 200 * kMs);
}

TEST_F(TcpRetransmit, TimeoutGoesBackAndSlowStartsFromOneSegment) {
    TcpHandle c = open_passive();
    std::string data = pattern(3 * 1460);
    send_text(c, data);
    EXPECT_EQ(pending(), 3u);
    drain();
    advance(200 * kMs);
    SentSegment first = next();
    EXPECT_EQ(first.seq, local_next);
    expect_silence();  // cwnd is one segment after a timeout
    EXPECT_EQ(info_of(c).cwnd, 1460u);
    EXPECT_EQ(info_of(c).ssthresh, 2920u);  // max(FlightSize / 2, 2 * SMSS)
    inject(peer(ACK, peer_next, local_next + 1460));
    SentSegment second = next();
    SentSegment third = next();
    EXPECT_EQ(second.seq, local_next + 1460);
    EXPECT_EQ(third.seq, local_next + 2920);
    EXPECT_EQ(third.text(), data.substr(2920));
    EXPECT_EQ(stack->counters().segments_retransmitted, 3u);
}

TEST_F(TcpRetransmit, ThreeDuplicateAcksTriggerFastRetransmitAndNewRenoRecovery) {
    TcpHandle c = open_passive();
    std::string data = pattern(20 * 1460);
    send_text(c, data);
    EXPECT_EQ(pending(), 10u);  // initial window
    drain();
    // Segment 1 arrives, segment 2 is lost, 3..10 arrive: one new ACK, then duplicates.
    inject(peer(ACK, peer_next, local_next + 1460));
    EXPECT_EQ(pending(), 2u);  // slow start sent segments 11 and 12
    drain();
    const uint32_t una = local_next + 1460;
    // The first two duplicates each release one new segment (RFC 3042 Limited Transmit).
    inject(peer(ACK, peer_next, una));
    EXPECT_EQ(next().seq, local_next + 12 * 1460);
    inject(peer(ACK, peer_next, una));
    EXPECT_EQ(next().seq, local_next + 13 * 1460);
    expect_silence();
    inject(peer(ACK, peer_next, una));  // the third duplicate
    SentSegment retransmission = next();
    EXPECT_EQ(retransmission.seq, una);
    EXPECT_EQ(retransmission.text(), data.substr(1460, 1460));
    TcpConnectionInfo i = info_of(c);
    EXPECT_TRUE(i.in_recovery);
    const uint32_t flight = 11 * 1460;
    EXPECT_EQ(i.ssthresh, flight / 2);
    EXPECT_EQ(i.cwnd, flight / 2 + 3 * 1460);
    // Further duplicates inflate cwnd; once it exceeds the flight, new data flows.
    for (int n = 0; n < 6; ++n) inject(peer(ACK, peer_next, una));
    EXPECT_GE(pending(), 1u);
    drain();
    // A partial ACK (segments 2..4 now in, 5 lost too): retransmit 5 at once, stay in recovery.
    inject(peer(ACK, peer_next, una + 3 * 1460));
    SentSegment partial = next();
    EXPECT_EQ(partial.seq, una + 3 * 1460);
    EXPECT_TRUE(info_of(c).in_recovery);
    drain();
    // The full ACK (everything up to the recovery point) ends recovery: cwnd = ssthresh.
    inject(peer(ACK, peer_next, local_next + 14 * 1460));
    i = info_of(c);
    EXPECT_FALSE(i.in_recovery);
    EXPECT_EQ(i.cwnd, flight / 2);
    EXPECT_EQ(stack->counters().segments_retransmitted, 2u);
}

TEST_F(TcpRetransmit, AcksThatChangeTheWindowOrCarryDataAreNotDuplicates) {
    TcpHandle c = open_passive();
    send_text(c, pattern(5 * 1460));
    drain();
    for (int n = 0; n < 3; ++n) inject(peer(ACK, peer_next, local_next).win(static_cast<uint16_t>(60000 + n)));
    expect_silence();
    for (int n = 0; n < 3; ++n) {
        inject(peer(ACK, peer_next + static_cast<uint32_t>(n), local_next).data("z"));
    }
    advance(1 * kMs);
    EXPECT_FALSE(info_of(c).in_recovery);
    drain();
}

TEST_F(TcpRetransmit, AckForDataNeverSentIsAnsweredAndIgnored) {
    TcpHandle c = open_passive();
    send_text(c, "abc");
    next();
    inject(peer(ACK, peer_next, local_next + 100));
    SentSegment ack = next();
    EXPECT_TRUE(ack.flags_are(ACK));
    EXPECT_EQ(ack.seq, local_next + 3);
    EXPECT_EQ(info_of(c).bytes_in_flight, 3u);
    // Far older than anything outstanding (RFC 5961 §5.2): also answered and dropped.
    inject(peer(ACK, peer_next, local_next - 200000).data("ignored"));
    EXPECT_TRUE(next().flags_are(ACK));
    EXPECT_EQ(read_text(c), "<EAGAIN>");
}

}  // namespace
}  // namespace ingot::net::tcp_test
