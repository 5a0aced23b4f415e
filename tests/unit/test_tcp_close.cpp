// Closing (RFC 9293 §3.6, §3.10.4, §3.10.7.4 eighth step): active, passive and simultaneous
// close, FIN with data and out of order, FIN retransmission, TIME-WAIT and its reuse,
// shutdown, abortive close, and that every connection object is freed in the end.
#include "test_tcp_harness.h"

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpClose : public TcpTest {
protected:
    void TearDown() override {
        stack.reset();
        EXPECT_EQ(TcpConnection::live_count(), 0u);
    }
};

TEST_F(TcpClose, ActiveCloseWalksFinWait1FinWait2TimeWait) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Write, now).ok());
    SentSegment fin = next();
    EXPECT_TRUE(fin.flags_are(FIN | ACK));
    EXPECT_EQ(fin.seq, local_next);
    EXPECT_EQ(state_of(c), TcpState::FinWait1);
    EXPECT_EQ(stack->send(c, std::span<const uint8_t>(), now).error(), Errno{EPIPE});
    EXPECT_TRUE(stack->readiness(c).value().writable);  // writing would not block (it fails)
    inject(peer(ACK, peer_next, local_next + 1));
    EXPECT_EQ(state_of(c), TcpState::FinWait2);
    inject(peer(ACK, peer_next, local_next + 1).data("late"));  // the peer may still send
    EXPECT_EQ(read_text(c), "late");
    inject(peer(FIN | ACK, peer_next + 4, local_next + 1));
    SentSegment ack = next();
    EXPECT_TRUE(ack.flags_are(ACK));
    EXPECT_EQ(ack.ack, peer_next + 5);
    EXPECT_EQ(state_of(c), TcpState::TimeWait);
    EXPECT_EQ(read_text(c), "");  // end of stream
    TcpReadiness r = stack->readiness(c).value();
    EXPECT_TRUE(r.hangup);
    EXPECT_TRUE(r.read_hangup);
    EXPECT_EQ(stack->next_timer_deadline(), now + 2 * config.msl_ns);
    advance(2 * config.msl_ns);
    EXPECT_EQ(state_of(c), TcpState::Closed);
    EXPECT_EQ(stack->take_error(c).value(), 0);
    ASSERT_TRUE(stack->close(c, now).ok());
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpClose, ClosedConnectionsAreFreedAfterTimeWait) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->close(c, now).ok());
    EXPECT_TRUE(next().has(FIN));
    inject(peer(FIN | ACK, peer_next, local_next + 1));
    EXPECT_TRUE(next().flags_are(ACK));
    EXPECT_EQ(stack->connection_count(), 1u);  // TIME-WAIT outlives the handle
    EXPECT_EQ(TcpConnection::live_count(), 1u);
    advance(2 * config.msl_ns - 1);
    EXPECT_EQ(stack->connection_count(), 1u);
    advance(1);
    EXPECT_EQ(stack->connection_count(), 0u);
    EXPECT_EQ(TcpConnection::live_count(), 0u);
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
}

TEST_F(TcpClose, PassiveCloseWalksCloseWaitLastAck) {
    TcpHandle c = open_passive();
    inject(peer(FIN | ACK, peer_next, local_next));
    SentSegment ack = next();  // a FIN is acknowledged at once
    EXPECT_EQ(ack.ack, peer_next + 1);
    EXPECT_EQ(state_of(c), TcpState::CloseWait);
    TcpReadiness r = stack->readiness(c).value();
    EXPECT_TRUE(r.readable);
    EXPECT_TRUE(r.read_hangup);
    EXPECT_FALSE(r.hangup);
    EXPECT_TRUE(r.writable);
    EXPECT_EQ(read_text(c), "");
    EXPECT_EQ(read_text(c), "");
    send_text(c, "reply");  // half-closed: we may still send
    EXPECT_EQ(next().text(), "reply");
    ASSERT_TRUE(stack->close(c, now).ok());
    SentSegment fin = next();
    EXPECT_TRUE(fin.has(FIN));
    EXPECT_EQ(fin.seq, local_next + 5);
    EXPECT_EQ(stack->connection_count(), 1u);
    inject(peer(ACK, peer_next + 1, local_next + 6));
    EXPECT_EQ(stack->connection_count(), 0u);  // LAST-ACK -> CLOSED: no TIME-WAIT here
    expect_silence();
}

TEST_F(TcpClose, SimultaneousCloseGoesThroughClosing) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Write, now).ok());
    next();
    inject(peer(FIN | ACK, peer_next, local_next));  // the FINs cross: ours not yet acked
    SentSegment ack = next();
    EXPECT_EQ(ack.ack, peer_next + 1);
    EXPECT_EQ(state_of(c), TcpState::Closing);
    inject(peer(ACK, peer_next + 1, local_next + 1));
    EXPECT_EQ(state_of(c), TcpState::TimeWait);
}

TEST_F(TcpClose, FinThatAlsoAcksOursGoesStraightToTimeWait) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Write, now).ok());
    next();
    inject(peer(FIN | ACK, peer_next, local_next + 1));
    EXPECT_TRUE(next().flags_are(ACK));
    EXPECT_EQ(state_of(c), TcpState::TimeWait);
}

TEST_F(TcpClose, FinCarryingDataDeliversBothAndAcksBoth) {
    TcpHandle c = open_passive();
    inject(peer(FIN | ACK | PSH, peer_next, local_next).data("bye"));
    EXPECT_EQ(next().ack, peer_next + 4);
    EXPECT_EQ(read_text(c), "bye");
    EXPECT_EQ(read_text(c), "");
    EXPECT_EQ(state_of(c), TcpState::CloseWait);
}

TEST_F(TcpClose, FinAheadOfMissingDataWaitsForIt) {
    TcpHandle c = open_passive();
    inject(peer(FIN | ACK, peer_next + 5, local_next).data("world"));
    EXPECT_EQ(next().ack, peer_next);
    EXPECT_EQ(state_of(c), TcpState::Established);
    EXPECT_EQ(read_text(c), "<EAGAIN>");
    inject(peer(ACK, peer_next, local_next).data("hello"));
    EXPECT_EQ(next().ack, peer_next + 11);
    EXPECT_EQ(state_of(c), TcpState::CloseWait);
    EXPECT_EQ(read_text(c), "helloworld");
    EXPECT_EQ(read_text(c), "");
}

TEST_F(TcpClose, QueuedDataGoesOutBeforeTheFin) {
    peer_window = 1460;
    TcpHandle c = open_passive();
    std::string data(3000, 'q');
    send_text(c, data);
    EXPECT_EQ(next().payload.size(), 1460u);
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Write, now).ok());
    expect_silence();  // the window is full; the FIN waits behind the data
    EXPECT_EQ(state_of(c), TcpState::FinWait1);
    inject(peer(ACK, peer_next, local_next + 1460).win(1460));
    SentSegment second = next();
    EXPECT_EQ(second.payload.size(), 1460u);
    EXPECT_FALSE(second.has(FIN));
    inject(peer(ACK, peer_next, local_next + 2920).win(1460));
    SentSegment last = next();
    EXPECT_EQ(last.payload.size(), 80u);
    EXPECT_TRUE(last.has(FIN));  // rides on the last data
    inject(peer(ACK, peer_next, local_next + 3001).win(1460));
    EXPECT_EQ(state_of(c), TcpState::FinWait2);
}

TEST_F(TcpClose, LostFinIsRetransmitted) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Write, now).ok());
    SentSegment fin = next();
    advance(200 * kMs);
    SentSegment again = next();
    EXPECT_TRUE(again.has(FIN));
    EXPECT_EQ(again.seq, fin.seq);
    inject(peer(ACK, peer_next, local_next + 1));
    EXPECT_EQ(state_of(c), TcpState::FinWait2);
}

TEST_F(TcpClose, LastAckGivesUpWhenTheFinIsNeverAcknowledged) {
    config.max_retransmissions = 2;
    restart();
    TcpHandle c = open_passive();
    inject(peer(FIN | ACK, peer_next, local_next));
    next();
    ASSERT_TRUE(stack->close(c, now).ok());
    next();
    advance(60 * kSec);
    EXPECT_EQ(pending(), 2u);  // two retransmissions of the FIN, then it is given up
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpClose, TimeWaitReacknowledgesARepeatedFinAndRestartsItsTimer) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Write, now).ok());
    next();
    inject(peer(FIN | ACK, peer_next, local_next + 1));
    next();
    advance(1500 * kMs);
    inject(peer(FIN | ACK, peer_next, local_next + 1));  // our ACK was lost
    SentSegment ack = next();
    EXPECT_EQ(ack.ack, peer_next + 1);
    EXPECT_EQ(stack->next_timer_deadline(), now + 2 * config.msl_ns);
    advance(1500 * kMs);
    EXPECT_EQ(state_of(c), TcpState::TimeWait);
    advance(500 * kMs);
    EXPECT_EQ(state_of(c), TcpState::Closed);
}

TEST_F(TcpClose, NewSynMayReopenATimeWaitConnection) {
    TcpHandle c = open_passive(1000);
    uint32_t old_next = local_next;
    ASSERT_TRUE(stack->close(c, now).ok());
    next();
    inject(peer(FIN | ACK, peer_next, local_next + 1));
    next();
    // An old-looking SYN (below RCV.NXT) does not reopen it: challenge ACK instead.
    inject(peer(SYN, 500));
    SentSegment challenge = next();
    EXPECT_TRUE(challenge.flags_are(ACK));
    EXPECT_EQ(stack->connection_count(), 1u);
    // A SYN beyond the old sequence space starts a new incarnation (RFC 6191).
    inject(peer(SYN, 100000).mss(1460));
    SentSegment synack = next();
    EXPECT_TRUE(synack.flags_are(SYN | ACK));
    EXPECT_EQ(synack.ack, 100001u);
    EXPECT_GT(SeqNumber(synack.seq), SeqNumber(old_next));
    inject(peer(ACK, 100001, synack.seq + 1));
    Result<TcpHandle> again = stack->accept(listener);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(state_of(again.value()), TcpState::Established);
    EXPECT_EQ(stack->connection_count(), 1u);
}

TEST_F(TcpClose, CloseWithUnreadDataResets) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).data("unread"));
    ASSERT_TRUE(stack->close(c, now).ok());
    SentSegment rst = next();
    EXPECT_TRUE(rst.has(RST));
    EXPECT_EQ(rst.seq, local_next);
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpClose, LingerZeroAbortsWithReset) {
    TcpSocketOptions options;
    options.linger_abort = true;
    TcpHandle c = open_passive(1000, options);
    send_text(c, "discarded?");
    next();
    ASSERT_TRUE(stack->close(c, now).ok());
    SentSegment rst = next();
    EXPECT_TRUE(rst.flags_are(RST | ACK));
    EXPECT_EQ(rst.seq, local_next + 10);
    EXPECT_EQ(stack->connection_count(), 0u);
    expect_silence();
    advance(10 * kSec);
    expect_silence();  // nothing is retransmitted afterwards
}

TEST_F(TcpClose, DataArrivingAfterCloseResets) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->close(c, now).ok());
    next();
    inject(peer(ACK, peer_next, local_next + 1).data("anyone?"));
    SentSegment rst = next();
    EXPECT_TRUE(rst.has(RST));
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpClose, ShutdownReadReportsEndOfStreamAndDiscards) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).data("before"));
    ASSERT_TRUE(stack->shutdown(c, TcpShutdown::Read, now).ok());
    EXPECT_EQ(read_text(c), "before");  // what was buffered can still be read
    EXPECT_EQ(read_text(c), "");
    inject(peer(ACK, peer_next + 6, local_next).data("after"));
    advance(40 * kMs);
    EXPECT_EQ(next().ack, peer_next + 11);  // acknowledged, then dropped
    EXPECT_EQ(read_text(c), "");
    TcpReadiness r = stack->readiness(c).value();
    EXPECT_TRUE(r.read_hangup);
    EXPECT_TRUE(r.writable);
    send_text(c, "still writable");
    EXPECT_EQ(next().text(), "still writable");
}

TEST_F(TcpClose, ShutdownNeedsAConnection) {
    TcpHandle l = listen(81);
    EXPECT_EQ(stack->shutdown(l, TcpShutdown::Write, now).error(), Errno{ENOTCONN});
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    ASSERT_TRUE(stack->shutdown(h.value(), TcpShutdown::Both, now).ok());  // SYN-SENT: abandon
    EXPECT_EQ(state_of(h.value()), TcpState::Closed);
    EXPECT_EQ(stack->shutdown(h.value(), TcpShutdown::Write, now).error(), Errno{ENOTCONN});
}

TEST_F(TcpClose, OrphanedFinWait2TimesOut) {
    config.fin_wait2_timeout_ns = 5 * kSec;
    restart();
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->close(c, now).ok());
    next();
    inject(peer(ACK, peer_next, local_next + 1));  // FIN-WAIT-2; the peer never closes
    EXPECT_EQ(stack->connection_count(), 1u);
    advance(5 * kSec);
    EXPECT_TRUE(next().has(RST));
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpClose, OrphanFacingAZeroWindowForeverIsAborted) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).win(0));
    send_text(c, "never read");
    ASSERT_TRUE(stack->close(c, now).ok());
    expect_silence();
    int probes = 0;
    while (stack->connection_count() > 0 && probes < 20) {
        run_until(stack->next_timer_deadline());
        SentSegment s = next();
        if (s.has(RST)) break;
        EXPECT_EQ(s.seq, local_next - 1);
        ++probes;
        inject(peer(ACK, peer_next, local_next).win(0));  // the peer answers, window still shut
    }
    EXPECT_EQ(probes, 8);
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpClose, ClosingDuringActiveOpenJustForgetsIt) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    next();
    ASSERT_TRUE(stack->close(h.value(), now).ok());
    expect_silence();
    EXPECT_EQ(stack->connection_count(), 0u);
    advance(10 * kSec);
    expect_silence();
}

TEST_F(TcpClose, ManyConnectionsOpenAndCloseWithoutLeaks) {
    listen(80, 64);
    for (uint16_t i = 0; i < 50; ++i) {
        peer_port = static_cast<uint16_t>(10000 + i);
        inject(peer(SYN, 1000u * i));
        uint32_t iss = next().seq;
        inject(peer(ACK | PSH, 1000u * i + 1, iss + 1).data("GET /"));
        TcpHandle c = stack->accept(listener).value();
        EXPECT_EQ(read_text(c), "GET /");
        send_text(c, "200 OK");
        next();
        ASSERT_TRUE(stack->close(c, now).ok());
        next();  // FIN
        inject(peer(FIN | ACK, 1000u * i + 6, iss + 1 + 6 + 1));
        next();
    }
    EXPECT_EQ(stack->connection_count(), 50u);  // all in TIME-WAIT
    advance(2 * config.msl_ns);
    EXPECT_EQ(stack->connection_count(), 0u);
    EXPECT_EQ(TcpConnection::live_count(), 0u);
}

}  // namespace
}  // namespace ingot::net::tcp_test
