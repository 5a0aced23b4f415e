// Resets and segment validation (RFC 9293 §3.5.2, §3.10.7.4; RFC 5961): a reset in every
// state, the exact-sequence rule with challenge ACKs, SYNs on synchronized connections, and
// the acceptability table including zero windows.
#include "test_tcp_harness.h"

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpReset : public TcpTest {
protected:
    void TearDown() override {
        stack.reset();
        EXPECT_EQ(TcpConnection::live_count(), 0u);
    }
    void expect_reset_to(TcpHandle c, int error) {
        inject(peer(RST, peer_next, 0));
        expect_silence();
        EXPECT_EQ(state_of(c), TcpState::Closed);
        EXPECT_EQ(stack->take_error(c).value(), error);
    }
};

TEST_F(TcpReset, InSynReceivedTheHalfOpenConnectionQuietlyGoesAway) {
    listen(80, 4);
    inject(peer(SYN, 1000));
    next();
    inject(peer(RST, 1001));
    expect_silence();
    EXPECT_EQ(stack->connection_count(), 0u);
    EXPECT_EQ(stack->accept(listener).error(), Errno{EAGAIN});
    EXPECT_EQ(stack->listener_count(), 1u);  // the listener is unaffected
}

TEST_F(TcpReset, InEstablishedTheOwnerSeesEconnreset) {
    TcpHandle c = open_passive();
    inject(peer(ACK, peer_next, local_next).data("partial"));
    peer_next += 7;
    inject(peer(RST, peer_next, 0));
    EXPECT_EQ(state_of(c), TcpState::Closed);
    TcpReadiness r = stack->readiness(c).value();
    EXPECT_TRUE(r.error);
    EXPECT_TRUE(r.hangup);
    EXPECT_TRUE(r.readable);
    EXPECT_EQ(read_text(c), "partial");  // what arrived before the reset is still readable
    EXPECT_EQ(read_text(c), "<ECONNRESET>");
    EXPECT_EQ(read_text(c), "");
    EXPECT_EQ(stack->send(c, std::span<const uint8_t>(), now).error(), Errno{EPIPE});
    EXPECT_EQ(stack->counters().establish_resets, 1u);
    ASSERT_TRUE(stack->close(c, now).ok());
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpReset, SendReportsTheResetOnce) {
    TcpHandle c = open_passive();
    inject(peer(RST | ACK, peer_next, local_next));
    EXPECT_EQ(stack->send(c, std::span<const uint8_t>(), now).error(), Errno{ECONNRESET});
    EXPECT_EQ(stack->send(c, std::span<const uint8_t>(), now).error(), Errno{EPIPE});
}

TEST_F(TcpReset, InFinWait1AndFinWait2) {
    TcpHandle a = open_passive();
    ASSERT_TRUE(stack->shutdown(a, TcpShutdown::Write, now).ok());
    next();
    expect_reset_to(a, ECONNRESET);
    peer_port = 5001;
    inject(peer(SYN, 1000));
    uint32_t iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));
    TcpHandle b = stack->accept(listener).value();
    ASSERT_TRUE(stack->shutdown(b, TcpShutdown::Write, now).ok());
    next();
    inject(peer(ACK, 1001, iss + 2));
    EXPECT_EQ(state_of(b), TcpState::FinWait2);
    peer_next = 1001;
    expect_reset_to(b, ECONNRESET);
}

TEST_F(TcpReset, InCloseWait) {
    TcpHandle c = open_passive();
    inject(peer(FIN | ACK, peer_next, local_next));
    next();
    peer_next += 1;
    expect_reset_to(c, ECONNRESET);
}

TEST_F(TcpReset, InClosingLastAckAndTimeWaitWithoutError) {
    TcpHandle a = open_passive();
    ASSERT_TRUE(stack->shutdown(a, TcpShutdown::Write, now).ok());
    next();
    inject(peer(FIN | ACK, peer_next, local_next));
    next();
    EXPECT_EQ(state_of(a), TcpState::Closing);
    peer_next += 1;
    expect_reset_to(a, 0);

    peer_port = 5001;
    inject(peer(SYN, 1000));
    uint32_t iss = next().seq;
    inject(peer(FIN | ACK, 1001, iss + 1));
    next();
    TcpHandle b = stack->accept(listener).value();
    ASSERT_TRUE(stack->shutdown(b, TcpShutdown::Write, now).ok());
    next();
    EXPECT_EQ(state_of(b), TcpState::LastAck);
    peer_next = 1002;
    expect_reset_to(b, 0);

    peer_port = 5002;
    inject(peer(SYN, 1000));
    iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));
    TcpHandle t = stack->accept(listener).value();
    ASSERT_TRUE(stack->shutdown(t, TcpShutdown::Write, now).ok());
    next();
    inject(peer(FIN | ACK, 1001, iss + 2));
    next();
    EXPECT_EQ(state_of(t), TcpState::TimeWait);
    peer_next = 1002;
    expect_reset_to(t, 0);
}

TEST_F(TcpReset, OnlyAResetAtExactlyRcvNxtCounts) {
    TcpHandle c = open_passive();
    // Outside the window: dropped without a word.
    inject(peer(RST, peer_next + 70000, 0));
    expect_silence();
    inject(peer(RST, peer_next - 1, 0));
    expect_silence();
    // In the window but not exact: a challenge ACK (RFC 5961 §3.2), connection unharmed.
    inject(peer(RST, peer_next + 100, 0));
    SentSegment challenge = next();
    EXPECT_TRUE(challenge.flags_are(ACK));
    EXPECT_EQ(challenge.seq, local_next);
    EXPECT_EQ(challenge.ack, peer_next);
    EXPECT_EQ(state_of(c), TcpState::Established);
    EXPECT_EQ(stack->counters().challenge_acks_sent, 1u);
    inject(peer(RST, peer_next, 0));
    EXPECT_EQ(state_of(c), TcpState::Closed);
}

TEST_F(TcpReset, ChallengeAcksAreRateLimited) {
    open_passive();
    for (int i = 0; i < 1100; ++i) inject(peer(RST, peer_next + 1 + static_cast<uint32_t>(i), 0));
    EXPECT_EQ(pending(), 1000u);
    drain();
    advance(1 * kSec);
    inject(peer(RST, peer_next + 5, 0));
    EXPECT_EQ(pending(), 1u);
}

TEST_F(TcpReset, SynOnAnEstablishedConnectionGetsAChallengeAck) {
    TcpHandle c = open_passive();
    inject(peer(SYN, peer_next + 10));  // in the window
    SentSegment challenge = next();
    EXPECT_TRUE(challenge.flags_are(ACK));
    EXPECT_EQ(challenge.ack, peer_next);
    inject(peer(SYN, 77));  // outside the window: the ordinary ACK for unacceptable segments
    EXPECT_TRUE(next().flags_are(ACK));
    EXPECT_EQ(state_of(c), TcpState::Established);
    inject(peer(SYN | ACK, peer_next, local_next));
    EXPECT_TRUE(next().flags_are(ACK));
    EXPECT_EQ(state_of(c), TcpState::Established);
}

TEST_F(TcpReset, SynReceivedRejectsABadAckWithReset) {
    listen(80, 4);
    inject(peer(SYN, 1000));
    uint32_t iss = next().seq;
    inject(peer(ACK, 1001, iss + 50));
    SentSegment rst = next();
    EXPECT_TRUE(rst.flags_are(RST));
    EXPECT_EQ(rst.seq, iss + 50);  // <SEQ=SEG.ACK><CTL=RST>
    inject(peer(ACK, 1001, iss + 1));
    EXPECT_TRUE(stack->accept(listener).ok());  // the right ACK still completes it
}

TEST_F(TcpReset, SegmentsWithoutAckAreDroppedOnceSynchronized) {
    TcpHandle c = open_passive();
    inject(peer(PSH, peer_next, 0).data("no ack"));
    expect_silence();
    EXPECT_EQ(read_text(c), "<EAGAIN>");
}

TEST_F(TcpReset, AcceptabilityWithAZeroWindow) {
    TcpSocketOptions options;
    options.receive_buffer_size = 2048;
    TcpHandle c = open_passive(1000, options);
    std::string fill(2048, 'f');
    inject(peer(ACK, peer_next, local_next).data(fill.substr(0, 1024)));
    inject(peer(ACK, peer_next + 1024, local_next).data(fill.substr(1024)));
    drain();
    EXPECT_EQ(info_of(c).receive_window, 0u);
    peer_next += 2048;
    // RCV.WND = 0: an empty segment at RCV.NXT is acceptable (its ACK is processed)...
    send_text(c, "x");
    next();
    inject(peer(ACK, peer_next, local_next + 1));
    expect_silence();
    EXPECT_EQ(info_of(c).bytes_in_flight, 0u);
    // ...a segment with data at RCV.NXT gets its ACK processed but its text refused...
    send_text(c, "y");
    next();
    inject(peer(ACK, peer_next, local_next + 2).data("zz"));
    SentSegment refusal = next();
    EXPECT_EQ(refusal.ack, peer_next);
    EXPECT_EQ(refusal.window, 0);
    EXPECT_EQ(info_of(c).bytes_in_flight, 0u);
    // ...and anything elsewhere is unacceptable: ACK and drop.
    inject(peer(ACK, peer_next + 1, local_next + 2));
    EXPECT_EQ(next().ack, peer_next);
    // A bare FIN at RCV.NXT is taken even so (it needs no buffer space).
    inject(peer(FIN | ACK, peer_next, local_next + 2));
    EXPECT_EQ(next().ack, peer_next + 1);
    EXPECT_EQ(state_of(c), TcpState::CloseWait);
}

TEST_F(TcpReset, KeepaliveStyleProbesAreAnswered) {
    open_passive();
    inject(peer(ACK, peer_next - 1, local_next));  // SEG.SEQ = RCV.NXT - 1, no data
    SentSegment ack = next();
    EXPECT_TRUE(ack.flags_are(ACK));
    EXPECT_EQ(ack.ack, peer_next);
}

}  // namespace
}  // namespace ingot::net::tcp_test
