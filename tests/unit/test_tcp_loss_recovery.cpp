// Loss detection beyond basic NewReno: Limited Transmit (RFC 3042, a SHOULD of RFC 5681 §3.2),
// where each of the first two duplicate ACKs releases one new segment so that a loss in a
// small window still produces three duplicates; RFC 6582 §4.2's ACK heuristic for losses
// among the go-back retransmissions after a timeout; with SACK, duplicate ACKs recognised by
// newly SACKed data although the window changed (RFC 6675 §2), and retransmissions found lost
// when data sent after them is SACKed (RFC 8985's observation).
#include "test_tcp_harness.h"

#include <algorithm>
#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpLimitedTransmit : public TcpTest {};
class TcpLossDetection : public TcpTest {
protected:
    // An ACK for `ack` (offset from local_next) that SACKs [left, right) (offsets), with
    // window w.
    PeerSegment sack(uint32_t ack, uint32_t left, uint32_t right, uint16_t w = 65535) const {
        PeerSegment s = peer(ACK, peer_next, local_next + ack).win(w);
        s.options.sack_blocks[0] = {local_next + left, local_next + right};
        s.options.sack_block_count = 1;
        return s;
    }
};

constexpr uint32_t kMss = 1460;

std::string pattern(size_t n) {
    std::string s(n, ' ');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('A' + i % 26);
    return s;
}

TEST_F(TcpLimitedTransmit, SmallWindowLossStillReachesFastRetransmit) {
    // A window of three segments with the first one lost: only two duplicates can come back
    // for it, and without Limited Transmit the loss would wait for the retransmission timer.
    config.initial_window_segments = 3;
    restart();
    TcpHandle c = open_passive();
    std::string data = pattern(12 * 1460);
    send_text(c, data);
    EXPECT_EQ(pending(), 3u);
    drain();
    inject(peer(ACK, peer_next, local_next));  // segment 2 arrived: first duplicate
    SentSegment first = next();
    EXPECT_EQ(first.seq, local_next + 3 * 1460);
    EXPECT_EQ(first.text(), data.substr(3 * 1460, 1460));
    expect_silence();
    inject(peer(ACK, peer_next, local_next));  // segment 3: second duplicate
    EXPECT_EQ(next().seq, local_next + 4 * 1460);
    expect_silence();
    EXPECT_EQ(info_of(c).cwnd, 3u * 1460);  // cwnd itself did not grow
    inject(peer(ACK, peer_next, local_next));  // segment 4, sent by Limited Transmit: the third
    SentSegment retransmission = next();
    EXPECT_EQ(retransmission.seq, local_next);
    EXPECT_EQ(retransmission.text(), data.substr(0, 1460));
    TcpConnectionInfo i = info_of(c);
    EXPECT_TRUE(i.in_recovery);
    // FlightSize at the first duplicate was three segments; the two sent since do not count.
    EXPECT_EQ(i.ssthresh, 2u * 1460);  // max(FlightSize / 2, 2 * SMSS)
    EXPECT_EQ(stack->counters().segments_retransmitted, 1u);
}

TEST_F(TcpLimitedTransmit, RespectsTheReceiversWindow) {
    peer_window = 4 * 1460;
    TcpHandle c = open_passive();
    send_text(c, pattern(10 * 1460));
    EXPECT_EQ(pending(), 4u);  // the peer's window, not the initial cwnd, limits
    drain();
    inject(peer(ACK, peer_next, local_next + 1460).win(3 * 1460));  // window edge unchanged
    drain();
    inject(peer(ACK, peer_next, local_next + 1460).win(3 * 1460));
    expect_silence();  // nothing fits in the window
    (void)c;
}

TEST_F(TcpLimitedTransmit, SendsOnlyNewData) {
    TcpHandle c = open_passive();
    send_text(c, pattern(3 * 1460));
    EXPECT_EQ(pending(), 3u);
    drain();
    inject(peer(ACK, peer_next, local_next + 1460));
    inject(peer(ACK, peer_next, local_next + 1460));
    inject(peer(ACK, peer_next, local_next + 1460));
    // Everything was sent already: the two duplicates release nothing (no retransmission
    // either, two are below the fast retransmit threshold).
    expect_silence();
    EXPECT_FALSE(info_of(c).in_recovery);
}

TEST_F(TcpLossDetection, GoBackLossesAfterATimeoutUseTheAckHeuristic) {
    TcpHandle c = open_passive();
    send_text(c, pattern(40 * kMss));
    EXPECT_EQ(pending(), 10u);
    drain();
    // Everything is lost: the timer retransmits the first segment and slow start resumes.
    advance(1 * kSec);
    EXPECT_EQ(next().seq, local_next);
    drain();
    // The peer now has segment 1 only: a small cumulative step, cwnd grows to two segments.
    inject(peer(ACK, peer_next, local_next + kMss));
    EXPECT_EQ(pending(), 2u);  // segments 2 and 3 again
    drain();
    inject(peer(ACK, peer_next, local_next + 2 * kMss));
    drain();
    // Segment 3's go-back copy is lost; what follows draws duplicates. The last cumulative
    // step was one segment, so they mean a new loss although they lie below the recovery
    // point the timeout set.
    for (int i = 0; i < 3; ++i) inject(peer(ACK, peer_next, local_next + 2 * kMss));
    bool retransmitted = false;
    while (has_next()) retransmitted |= next().seq == local_next + 2 * kMss;
    EXPECT_TRUE(retransmitted) << "fast retransmit of segment 3";
    EXPECT_TRUE(info_of(c).in_recovery);
}

TEST_F(TcpLossDetection, GoBackDuplicatesAfterABigJumpStartNoFastRetransmit) {
    TcpHandle c = open_passive();
    send_text(c, pattern(40 * kMss));
    drain();
    advance(1 * kSec);  // timeout: segment 1 again
    drain();
    // The peer held segments 2..8 already: the ACK jumps over them (more than 4*SMSS).
    inject(peer(ACK, peer_next, local_next + 8 * kMss));
    drain();
    // The go-back copies of 9 and 10 (the peer had those too) draw duplicates: no recovery.
    for (int i = 0; i < 3; ++i) inject(peer(ACK, peer_next, local_next + 8 * kMss));
    EXPECT_FALSE(info_of(c).in_recovery);
    (void)c;
}

TEST_F(TcpLossDetection, SackedDataMakesADuplicateDespiteAWindowChange) {
    TcpHandle c = open_with_sack();
    send_text(c, pattern(20 * kMss));
    EXPECT_EQ(pending(), 10u);
    drain();
    // Segment 1 is lost. The peer's program reads meanwhile, so every ACK offers a new
    // window, but each reports more data above the hole.
    inject(sack(0, kMss, 2 * kMss, 60000));
    EXPECT_EQ(next().seq, local_next + 10 * kMss);  // Limited Transmit
    inject(sack(0, kMss, 3 * kMss, 61000));
    EXPECT_EQ(next().seq, local_next + 11 * kMss);
    inject(sack(0, kMss, 4 * kMss, 62000));
    SentSegment retransmission = next();
    EXPECT_EQ(retransmission.seq, local_next);
    EXPECT_TRUE(info_of(c).in_recovery);
    // The same report again with yet another window is no duplicate: nothing new is SACKed.
    inject(sack(0, kMss, 4 * kMss, 63000));
    expect_silence();
}

TEST_F(TcpLossDetection, LostRetransmissionIsSentAgainOnceLaterDataIsSacked) {
    TcpHandle c = open_with_sack();
    send_text(c, pattern(40 * kMss));
    drain();
    for (uint32_t n = 2; n <= 4; ++n) inject(sack(0, kMss, n * kMss));
    // Limited Transmit sent 11 and 12; the third duplicate retransmitted segment 1, at a
    // time the highest sequence sent was 12 segments in.
    std::vector<SentSegment> sent;
    while (has_next()) sent.push_back(next());
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent.back().seq, local_next);
    // More duplicates inflate cwnd until new data (13, 14, ...) flows; the peer SACKs it
    // while segment 1 stays missing: its retransmission was lost.
    uint32_t sent_up_to = 12 * kMss, sacked = 4 * kMss;
    bool resent = false;
    for (int round = 0; round < 40 && !resent; ++round) {
        sacked = sent_up_to;
        inject(sack(0, kMss, sacked));
        while (has_next()) {
            SentSegment segment = next();
            if (segment.seq == local_next) resent = true;
            sent_up_to = std::max(sent_up_to, segment.seq - local_next + segment.length());
        }
    }
    EXPECT_TRUE(resent);
    // Three segments beyond it SACKed; RFC 6675 recovery sends new data by the pipe
    // estimate, so the report that first shows them may also cover a fourth.
    EXPECT_GE(sacked, 15 * kMss) << "sent again once three segments beyond it were SACKed";
    EXPECT_LE(sacked, 16 * kMss);
    EXPECT_EQ(stack->counters().lost_retransmissions, 1u);
    EXPECT_EQ(stack->counters().segments_retransmitted, 2u);
    (void)c;
}

}  // namespace
}  // namespace ingot::net::tcp_test
