// SACK-based loss recovery on the sending side (RFC 6675): the scoreboard on its own
// (Update, IsLost, SetPipe, NextSeg), and a connection driven segment by segment against a
// scripted receiver that drops chosen segments and answers with SACK blocks as RFC 2018 §4
// describes: several losses in one window are retransmitted within one round trip, SACKed
// data is never sent again, recovery ends at RecoveryPoint, a timeout fills only the holes
// (RFC 6675 §5.1), a tail loss probe (RFC 8985 §7) goes out before the retransmission timer,
// and hostile blocks change nothing.
#include "test_tcp_harness.h"

#include <net/tcp/sack_scoreboard.h>

#include <algorithm>
#include <optional>
#include <set>

namespace ingot::net::tcp_test {
namespace {

constexpr uint32_t kMss = 1460;

std::string pattern(size_t n) {
    std::string s(n, ' ');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
    return s;
}

// ---- The scoreboard alone ------------------------------------------------------------------

SeqNumber at(uint32_t segments) { return SeqNumber(1000) + segments * kMss; }

TEST(TcpSackScoreboard, MergesOverlappingAndAdjacentRangesInOrder) {
    TcpSackScoreboard board;
    board.reset(at(0));
    EXPECT_TRUE(board.record(at(4), at(5)));
    EXPECT_TRUE(board.record(at(1), at(2)));
    EXPECT_TRUE(board.record(at(2), at(3)));       // touches [1,2): one range [1,3)
    EXPECT_FALSE(board.record(at(1), at(3)));      // nothing new
    EXPECT_FALSE(board.record(at(3), at(3)));      // empty
    EXPECT_FALSE(board.record(at(5), at(4)));      // reversed
    ASSERT_EQ(board.ranges().size(), 2u);
    EXPECT_EQ(board.ranges()[0].begin, at(1));
    EXPECT_EQ(board.ranges()[0].end, at(3));
    EXPECT_TRUE(board.record(at(2), at(6)));       // bridges both
    ASSERT_EQ(board.ranges().size(), 1u);
    EXPECT_EQ(board.ranges()[0].begin, at(1));
    EXPECT_EQ(board.ranges()[0].end, at(6));
    // Cumulative ACK into the range trims it; past it drops it.
    board.acknowledge(at(2));
    EXPECT_EQ(board.ranges()[0].begin, at(2));
    board.acknowledge(at(7));
    EXPECT_TRUE(board.empty());
}

TEST(TcpSackScoreboard, BoundedNumberOfRangesKeepsTheHighest) {
    TcpSackScoreboard board;
    board.reset(at(0));
    for (uint32_t i = 0; i < 40; ++i) board.record(at(2 * i + 1), at(2 * i + 2));
    ASSERT_EQ(board.ranges().size(), TcpSackScoreboard::kMaxRanges);
    EXPECT_EQ(board.ranges().back().end, at(80));
    for (size_t i = 1; i < board.ranges().size(); ++i) {
        EXPECT_LT(board.ranges()[i - 1].end, board.ranges()[i].begin);
    }
    // A range lower than everything kept is not worth forgetting a higher one for.
    board.record(at(0) + 1, at(0) + 2);
    EXPECT_EQ(board.ranges().back().end, at(80));
}

TEST(TcpSackScoreboard, IsLostNeedsThreeSegmentsOrThreeRangesAbove) {
    TcpSackScoreboard board;
    board.reset(at(0));
    board.record(at(1), at(3));  // two segments above 0: not yet
    EXPECT_FALSE(board.is_lost(at(0), kMss));
    board.record(at(4), at(5));  // a third segment above 0, one above 3
    EXPECT_TRUE(board.is_lost(at(0), kMss));
    EXPECT_FALSE(board.is_lost(at(3), kMss));
    EXPECT_FALSE(board.is_lost(at(1), kMss));  // SACKed is never lost
    // Three small discontiguous ranges above count as DupThresh sequences.
    TcpSackScoreboard small;
    small.reset(at(0));
    small.record(at(1), at(1) + 10);
    small.record(at(2), at(2) + 10);
    EXPECT_FALSE(small.is_lost(at(0), kMss));
    small.record(at(3), at(3) + 10);
    EXPECT_TRUE(small.is_lost(at(0), kMss));
}

TEST(TcpSackScoreboard, PipeAndNextSegFollowRfc6675) {
    TcpSackScoreboard board;
    board.reset(at(0));
    // Ten segments out; 1, 2 and 4..9 SACKed: 0 and 3 are holes, both lost.
    board.record(at(1), at(3));
    board.record(at(4), at(10));
    EXPECT_EQ(board.pipe(at(0), at(10), kMss), 0u);  // both holes lost, nothing else out
    auto hole = board.next_hole(at(0), kMss, true);
    ASSERT_TRUE(hole.has_value());
    EXPECT_EQ(hole->seq, at(0));
    EXPECT_EQ(hole->length, kMss);
    board.note_retransmitted(at(1));
    EXPECT_EQ(board.pipe(at(0), at(10), kMss), kMss);  // the retransmission is in flight
    hole = board.next_hole(at(0), kMss, true);
    ASSERT_TRUE(hole.has_value());
    EXPECT_EQ(hole->seq, at(3));
    board.note_retransmitted(at(4));
    EXPECT_FALSE(board.next_hole(at(0), kMss, true).has_value());  // each hole once
    EXPECT_FALSE(board.next_hole(at(0), kMss, false).has_value());
    // Unsent data above SND.MAX-less-SACKed counts fully while not lost.
    EXPECT_EQ(board.pipe(at(0), at(12), kMss), 4 * kMss);
}

// ---- A connection against a scripted SACK receiver -------------------------------------------

class TcpSackRecovery : public TcpTest {
protected:

    // The receiver's state: which bytes (offsets from local_next) it holds.
    void expect_bytes(size_t total) { held.assign(total, false); }
    uint32_t cumulative() const {
        uint32_t n = 0;
        while (n < held.size() && held[n]) ++n;
        return n;
    }
    // Out-of-order ranges as RFC 2018 §4 reports them: the one holding the latest
    // segment first, then the others highest first, at most four.
    std::vector<std::pair<uint32_t, uint32_t>> sack_ranges(uint32_t latest) const {
        std::vector<std::pair<uint32_t, uint32_t>> ranges;
        for (uint32_t i = cumulative(); i < held.size();) {
            if (!held[i]) {
                ++i;
                continue;
            }
            uint32_t j = i;
            while (j < held.size() && held[j]) ++j;
            ranges.emplace_back(i, j);
            i = j;
        }
        std::vector<std::pair<uint32_t, uint32_t>> out;
        for (auto& r : ranges) {
            if (r.first <= latest && latest < r.second) out.push_back(r);
        }
        for (size_t i = ranges.size(); i-- > 0 && out.size() < TcpOptions::max_sack_blocks;) {
            if (out.empty() || ranges[i] != out.front()) out.push_back(ranges[i]);
        }
        return out;
    }
    // The receiver takes one segment (unless dropped) and answers with an ACK.
    void deliver(const SentSegment& s) {
        const uint32_t offset = s.seq - local_next;
        for (size_t i = 0; i < s.payload.size(); ++i) {
            ASSERT_LT(offset + i, held.size());
            ASSERT_EQ(s.payload[i], static_cast<uint8_t>(data[offset + i])) << "byte " << offset + i;
            held[offset + i] = true;
        }
        PeerSegment ack = peer(ACK, peer_next, local_next + cumulative());
        for (auto& r : sack_ranges(offset)) {
            ack.options.sack_blocks[ack.options.sack_block_count++] = {local_next + r.first, local_next + r.second};
            for (uint32_t i = r.first; i < r.second; ++i) sacked_ever[i] = true;
        }
        inject(ack);
    }
    // Everything the stack sent since the last call, recording retransmissions (segments
    // starting below the highest byte sent before) and checking none carries SACKed data.
    std::vector<SentSegment> take_round() {
        std::vector<SentSegment> round;
        while (has_next()) {
            SentSegment s = next();
            const uint32_t offset = s.seq - local_next;
            if (!s.payload.empty() && offset < highest_sent) {
                retransmitted.push_back(offset);
                for (uint32_t i = offset; i < offset + s.payload.size(); ++i) {
                    EXPECT_FALSE(sacked_ever[i]) << "SACKed byte " << i << " sent again";
                }
            }
            highest_sent = std::max<uint32_t>(highest_sent, offset + static_cast<uint32_t>(s.payload.size()));
            round.push_back(std::move(s));
        }
        return round;
    }
    // Delivers one round of segments (dropping the first copy of the offsets in drop) and
    // returns what the stack sent in answer: one round trip.
    std::vector<SentSegment> round_trip(const std::vector<SentSegment>& round) {
        for (const SentSegment& s : round) {
            const uint32_t offset = s.seq - local_next;
            if (s.payload.empty()) continue;
            if (drop.count(offset)) {
                drop.erase(offset);
                continue;
            }
            deliver(s);
        }
        top_up();
        return take_round();
    }
    // Queues as much of the rest of data as the send buffer takes.
    void top_up() {
        if (!feeding) return;
        std::span<const uint8_t> rest(reinterpret_cast<const uint8_t*>(data.data()) + queued, data.size() - queued);
        Result<size_t> sent = stack->send(*feeding, rest, now);
        if (sent.ok()) queued += sent.value();
    }

    std::string data;
    std::vector<bool> held;
    std::vector<bool> sacked_ever = std::vector<bool>(1 << 20, false);
    std::set<uint32_t> drop;
    std::vector<uint32_t> retransmitted;
    uint32_t highest_sent = 0;
    std::optional<TcpHandle> feeding;  // the connection top_up() sends data on
    size_t queued = 0;
};

TEST_F(TcpSackRecovery, SeveralLossesInOneWindowAreRepairedInOneRoundTrip) {
    TcpHandle c = open_with_sack();
    data = pattern(40 * kMss);
    expect_bytes(data.size());
    send_text(c, data);
    std::vector<SentSegment> round0 = take_round();
    ASSERT_EQ(round0.size(), 10u);
    drop = {0, 3 * kMss, 6 * kMss};
    std::vector<SentSegment> round1 = round_trip(round0);
    // All three holes went out in answer to the first window's ACKs, each once.
    std::vector<uint32_t> holes = retransmitted;
    std::sort(holes.begin(), holes.end());
    EXPECT_EQ(holes, (std::vector<uint32_t>{0, 3 * kMss, 6 * kMss}));
    EXPECT_TRUE(info_of(c).in_recovery);
    EXPECT_EQ(stack->counters().sack_recoveries, 1u);
    // The rest of the transfer completes with no further retransmission.
    std::vector<SentSegment> round = round1;
    for (int i = 0; i < 40 && cumulative() < data.size(); ++i) round = round_trip(round);
    EXPECT_EQ(cumulative(), data.size());
    EXPECT_EQ(retransmitted.size(), 3u);
    EXPECT_EQ(stack->counters().segments_retransmitted, 3u);
    EXPECT_FALSE(info_of(c).in_recovery);
    EXPECT_EQ(info_of(c).bytes_in_flight, 0u);
}

TEST_F(TcpSackRecovery, LossesInEveryRoundWithoutTimeouts) {
    TcpHandle c = open_with_sack();
    data = pattern(120 * kMss);
    expect_bytes(data.size());
    feeding = c;
    top_up();
    std::vector<SentSegment> round = take_round();
    // Every seventh segment's first copy is lost, throughout the transfer.
    for (uint32_t i = 1; i < 120; i += 7) drop.insert(i * kMss);
    const size_t lost = drop.size();
    for (int i = 0; i < 80 && cumulative() < data.size(); ++i) {
        round = round_trip(round);
        if (round.empty() && cumulative() < data.size()) {
            TcpConnectionInfo s = info_of(c);
            ADD_FAILURE() << "stalled at " << cumulative() << " una " << s.snd_una - local_next << " max "
                          << s.snd_max - local_next << " cwnd " << s.cwnd << " recovery " << s.in_recovery;
            break;
        }
    }
    EXPECT_EQ(cumulative(), data.size());
    EXPECT_EQ(retransmitted.size(), lost);  // exactly the lost ones
    EXPECT_EQ(stack->counters().timeouts, 0u);
    (void)c;
}

TEST_F(TcpSackRecovery, RecoveryEndsWhenRecoveryPointIsAcknowledged) {
    TcpHandle c = open_with_sack();
    send_text(c, pattern(40 * kMss));
    drain();
    // Segment 0 lost; 1..3 SACKed one by one.
    for (uint32_t n = 2; n <= 4; ++n) {
        PeerSegment s = peer(ACK, peer_next, local_next);
        s.options.sack_blocks[0] = {local_next + kMss, local_next + n * kMss};
        s.options.sack_block_count = 1;
        inject(s);
    }
    TcpConnectionInfo entered = info_of(c);
    ASSERT_TRUE(entered.in_recovery);
    EXPECT_EQ(entered.cwnd, entered.ssthresh);  // RFC 6675 §5 (4.2): no inflation
    EXPECT_EQ(entered.ssthresh, 5 * kMss);      // FlightSize 10 segments at the first duplicate
    const uint32_t recovery_point = entered.snd_max;
    drain();
    // A partial ACK: still recovering, cwnd unchanged.
    inject(peer(ACK, peer_next, recovery_point - kMss));
    EXPECT_TRUE(info_of(c).in_recovery);
    EXPECT_EQ(info_of(c).cwnd, entered.ssthresh);
    drain();
    inject(peer(ACK, peer_next, recovery_point));
    TcpConnectionInfo left = info_of(c);
    EXPECT_FALSE(left.in_recovery);
    EXPECT_EQ(left.cwnd, entered.ssthresh);
}

TEST_F(TcpSackRecovery, TimeoutRetransmitsOnlyTheHoles) {
    TcpHandle c = open_with_sack();
    data = pattern(10 * kMss);
    expect_bytes(data.size());
    send_text(c, data);
    std::vector<SentSegment> round0 = take_round();
    ASSERT_EQ(round0.size(), 10u);
    // 0 and 5 are lost, and so are their fast retransmissions.
    drop = {0, 5 * kMss};
    std::vector<SentSegment> round1 = round_trip(round0);
    EXPECT_EQ(retransmitted.size(), 2u);
    retransmitted.clear();
    drain();
    // The retransmission timer: after it, only 0 and 5 go out again, never the SACKed rest.
    (void)round1;
    run_until(stack->next_timer_deadline());
    std::vector<SentSegment> after = take_round();
    ASSERT_FALSE(after.empty());
    for (int i = 0; i < 20 && cumulative() < data.size(); ++i) after = round_trip(after);
    EXPECT_EQ(cumulative(), data.size());
    std::sort(retransmitted.begin(), retransmitted.end());
    EXPECT_EQ(retransmitted, (std::vector<uint32_t>{0, 5 * kMss}));
    (void)c;
}

TEST_F(TcpSackRecovery, TailLossProbeResendsTheLastSegmentBeforeTheTimer) {
    // RFC 8985 §7: a flight drew no ACK at all. Two SRTTs later (here the 10 ms floor, the
    // handshake's RTT being ~0) the last segment goes out again, long before the RTO.
    TcpHandle c = open_with_sack();
    const std::string text = pattern(3 * kMss);
    send_text(c, text);
    EXPECT_EQ(pending(), 3u);
    drain();
    EXPECT_EQ(stack->next_timer_deadline(), now + 10 * kMs);
    run_until(now + 10 * kMs);
    SentSegment probe = next();
    EXPECT_EQ(probe.seq, local_next + 2 * kMss);
    EXPECT_EQ(probe.text(), text.substr(2 * kMss));
    expect_silence();
    EXPECT_EQ(stack->counters().loss_probes, 1u);
    EXPECT_EQ(stack->counters().retransmission_timeouts, 0u);
    // One probe per flight: the next event is the retransmission timer.
    EXPECT_GT(stack->next_timer_deadline(), now + 100 * kMs);
    // Its SACK tells the rest; an ACK of everything ends it.
    inject(peer(ACK, peer_next, local_next + 3 * kMss));
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
}

TEST_F(TcpSackRecovery, TailLossProbeSendsNewDataWhenThereIsSome) {
    TcpHandle c = open_with_sack();
    send_text(c, pattern(20 * kMss));
    EXPECT_EQ(pending(), 10u);  // the initial window
    drain();
    run_until(stack->next_timer_deadline());
    SentSegment probe = next();
    EXPECT_EQ(probe.seq, local_next + 10 * kMss);  // previously unsent
    EXPECT_EQ(stack->counters().segments_retransmitted, 0u);
}

TEST_F(TcpSackRecovery, NoSackPeerStillUsesNewReno) {
    config.selective_acks = false;
    restart();
    TcpHandle c = open_passive();
    send_text(c, pattern(20 * kMss));
    drain();
    for (int i = 0; i < 3; ++i) inject(peer(ACK, peer_next, local_next));
    TcpConnectionInfo i = info_of(c);
    EXPECT_TRUE(i.in_recovery);
    EXPECT_EQ(i.cwnd, i.ssthresh + 3 * kMss);  // RFC 6582 inflation
    EXPECT_EQ(stack->counters().sack_recoveries, 0u);
}

TEST_F(TcpSackRecovery, HostileBlocksChangeNothing) {
    TcpHandle c = open_with_sack();
    data = pattern(10 * kMss);
    expect_bytes(data.size());
    send_text(c, data);
    std::vector<SentSegment> round0 = take_round();
    ASSERT_EQ(round0.size(), 10u);
    uint16_t window = 60000;
    // Each with another window, so that only usable SACK news could make it a duplicate.
    auto hostile = [&](std::vector<std::pair<uint32_t, uint32_t>> blocks) {
        PeerSegment s = peer(ACK, peer_next, local_next).win(++window);
        for (auto& b : blocks) s.options.sack_blocks[s.options.sack_block_count++] = {b.first, b.second};
        inject(s);
    };
    const uint32_t base = local_next;
    const uint32_t end = base + 10 * kMss;
    // Beyond SND.MAX, below SND.UNA (D-SACK style), straddling either edge, reversed,
    // empty, wrapped half the sequence space away, overlapping each other.
    hostile({{end, end + 5 * kMss}, {base - 4 * kMss, base}, {base - kMss, base + 4 * kMss}, {end - kMss, end + 1}});
    hostile({{base + 6 * kMss, base + 2 * kMss}, {base + kMss, base + kMss}, {base + 0x80000000u, base + 0x80001000u},
             {base + 0x90000000u, base + 3 * kMss}});
    hostile({{end + 1, base}, {base - 1, end + 1}, {0, 0xffffffffu}, {base + 2, base + 1}});
    EXPECT_FALSE(info_of(c).in_recovery);  // dup ACKs without usable news cannot start it
    EXPECT_EQ(stack->counters().sack_recoveries, 0u);
    drain();
    // Overlapping valid blocks merge; the transfer still completes with nothing but the
    // lost segment sent again.
    hostile({{base + kMss, base + 3 * kMss}, {base + 2 * kMss, base + 4 * kMss}, {base + kMss, base + 2 * kMss},
             {base + 3 * kMss, base + 4 * kMss}});
    for (uint32_t i = kMss; i < 4 * kMss; ++i) held[i] = true;
    std::vector<SentSegment> round = take_round();
    for (const SentSegment& s : round) {
        if (!s.payload.empty() && s.seq - local_next < 10 * kMss) {
            EXPECT_EQ(s.seq, local_next) << "only the hole at SND.UNA";
        }
    }
    for (const SentSegment& s : round0) {
        if (s.seq - local_next >= 4 * kMss) deliver(s);
    }
    std::vector<SentSegment> more = take_round();
    round.insert(round.end(), more.begin(), more.end());
    for (int i = 0; i < 20 && cumulative() < data.size(); ++i) round = round_trip(round);
    EXPECT_EQ(cumulative(), data.size());
    EXPECT_EQ(info_of(c).bytes_in_flight, 0u);
}

}  // namespace
}  // namespace ingot::net::tcp_test
