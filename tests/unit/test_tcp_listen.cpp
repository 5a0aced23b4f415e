// Listeners and ports: SYN and accept queues with their limits, closing a listener,
// endpoint conflicts, ephemeral ports (RFC 6056), resets for closed ports (RFC 9293
// §3.10.7.1-2), stale handles, and hostile or malformed segments.
#include "test_tcp_harness.h"

#include <net/wire/tcp_segment.h>

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpListen : public TcpTest {};

TEST_F(TcpListen, SynWithFinIsIgnoredByAListener) {
    listen(80, 4);
    inject(peer(SYN | FIN, 1000));
    expect_silence();
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpListen, AckOrDataToAListenerIsReset) {
    listen(80);
    inject(peer(ACK, 5, 77));
    SentSegment rst = next();
    EXPECT_TRUE(rst.flags_are(RST));
    EXPECT_EQ(rst.seq, 77u);
    inject(peer(RST, 5, 0));  // resets are never answered
    inject(peer(FIN, 5, 0));  // neither SYN nor ACK: dropped
    expect_silence();
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpListen, ClosedPortAnswersWithReset) {
    // §3.10.7.1: without ACK, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    inject(peer(SYN, 100));
    SentSegment a = next();
    EXPECT_TRUE(a.flags_are(RST | ACK));
    EXPECT_EQ(a.seq, 0u);
    EXPECT_EQ(a.ack, 101u);
    inject(peer(FIN | PSH, 200).data("abcde"));
    SentSegment b = next();
    EXPECT_EQ(b.ack, 206u);  // data plus FIN
    // With ACK: <SEQ=SEG.ACK><CTL=RST>.
    inject(peer(ACK, 300, 4242).data("x"));
    SentSegment c = next();
    EXPECT_TRUE(c.flags_are(RST));
    EXPECT_EQ(c.seq, 4242u);
    inject(peer(RST | ACK, 1, 1));
    expect_silence();
}

TEST_F(TcpListen, FullSynQueueDropsSyns) {
    listen(80, 2);
    for (uint16_t port = 6000; port < 6003; ++port) {
        peer_port = port;
        inject(peer(SYN, 1000));
    }
    EXPECT_EQ(pending(), 2u);  // the third SYN was dropped without a reply
    EXPECT_EQ(stack->counters().listen_drops, 1u);
    EXPECT_EQ(stack->connection_count(), 2u);
}

TEST_F(TcpListen, FullAcceptQueueDropsTheFinalAckUntilThereIsRoom) {
    listen(80, 2);
    uint32_t iss[3];
    for (uint16_t i = 0; i < 2; ++i) {  // A and B half-open
        peer_port = static_cast<uint16_t>(6000 + i);
        inject(peer(SYN, 1000));
        iss[i] = next().seq;
    }
    peer_port = 6000;
    inject(peer(ACK, 1001, iss[0] + 1));  // A established: accept queue 1 of 2
    peer_port = 6002;
    inject(peer(SYN, 1000));  // C half-open
    iss[2] = next().seq;
    peer_port = 6001;
    inject(peer(ACK, 1001, iss[1] + 1));  // B established: accept queue full
    peer_port = 6002;
    inject(peer(ACK, 1001, iss[2] + 1));  // C's final ACK finds no room: dropped
    expect_silence();
    EXPECT_EQ(stack->counters().listen_drops, 1u);
    Result<TcpHandle> a = stack->accept(listener);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(stack->remote_endpoint(a.value()).value().port, 6000);
    inject(peer(ACK, 1001, iss[2] + 1));  // the peer repeats it once it hears our SYN,ACK again
    Result<TcpHandle> b = stack->accept(listener);
    Result<TcpHandle> c = stack->accept(listener);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(stack->remote_endpoint(b.value()).value().port, 6001);
    EXPECT_EQ(stack->remote_endpoint(c.value()).value().port, 6002);
}

TEST_F(TcpListen, AcceptOverflowCanResetInstead) {
    config.reset_on_accept_overflow = true;
    restart();
    listen(80, 2);
    uint32_t iss[3];
    for (uint16_t i = 0; i < 2; ++i) {
        peer_port = static_cast<uint16_t>(6000 + i);
        inject(peer(SYN, 1000));
        iss[i] = next().seq;
    }
    peer_port = 6000;
    inject(peer(ACK, 1001, iss[0] + 1));
    peer_port = 6002;
    inject(peer(SYN, 1000));
    iss[2] = next().seq;
    peer_port = 6001;
    inject(peer(ACK, 1001, iss[1] + 1));
    peer_port = 6002;
    inject(peer(ACK, 1001, iss[2] + 1));
    SentSegment rst = next();
    EXPECT_TRUE(rst.has(RST));
    EXPECT_EQ(rst.destination_port, 6002);
    EXPECT_EQ(stack->connection_count(), 2u);
    // A further SYN finds the accept queue full and is not even answered (as in Linux).
    peer_port = 6003;
    inject(peer(SYN, 1000));
    expect_silence();
}

TEST_F(TcpListen, ClosingAListenerResetsWhatWasNotAccepted) {
    listen(80, 4);
    inject(peer(SYN, 1000));
    uint32_t iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));  // established, waiting in the accept queue
    peer_port = 6001;
    inject(peer(SYN, 2000));  // half-open
    next();
    ASSERT_TRUE(stack->close(listener, now).ok());
    EXPECT_EQ(pending(), 2u);
    EXPECT_TRUE(next().has(RST));
    EXPECT_TRUE(next().has(RST));
    EXPECT_EQ(stack->connection_count(), 0u);
    EXPECT_EQ(stack->listener_count(), 0u);
    EXPECT_EQ(TcpConnection::live_count(), 0u);
    EXPECT_EQ(stack->accept(listener).error(), Errno{EBADF});
    inject(peer(SYN, 3000));  // the port is closed now
    EXPECT_TRUE(next().has(RST));
}

TEST_F(TcpListen, ListenersConflictOnTheSamePort) {
    ASSERT_TRUE(stack->listen({kLocalIp, 80}, 4).ok());
    EXPECT_EQ(stack->listen({kLocalIp, 80}, 4).error(), Errno{EADDRINUSE});
    EXPECT_EQ(stack->listen({Ipv4Address::any(), 80}, 4).error(), Errno{EADDRINUSE});
    EXPECT_TRUE(stack->listen({kLocalIp, 81}, 4).ok());
    Result<TcpHandle> auto_port = stack->listen({kLocalIp, 0}, 4);
    ASSERT_TRUE(auto_port.ok());
    EXPECT_GE(stack->local_endpoint(auto_port.value()).value().port, config.ephemeral_port_first);
}

TEST_F(TcpListen, WildcardListenerServesEveryAddressButExactWins) {
    Result<TcpHandle> any = stack->listen({Ipv4Address::any(), 80}, 4);
    ASSERT_TRUE(any.ok());
    inject(peer(SYN, 1000));
    uint32_t iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));
    Result<TcpHandle> c = stack->accept(any.value());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(stack->local_endpoint(c.value()).value().address, kLocalIp);
}

TEST_F(TcpListen, EphemeralPortsDifferAndExplicitPortsCollide) {
    Result<TcpHandle> a = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    Result<TcpHandle> b = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_NE(stack->local_endpoint(a.value()).value().port, stack->local_endpoint(b.value()).value().port);
    EXPECT_TRUE(stack->connect({kLocalIp, 7000}, {kRemoteIp, 80}, {}, now).ok());
    EXPECT_EQ(stack->connect({kLocalIp, 7000}, {kRemoteIp, 80}, {}, now).error(), Errno{EADDRINUSE});
    EXPECT_TRUE(stack->connect({kLocalIp, 7000}, {kRemoteIp, 81}, {}, now).ok());
    EXPECT_EQ(stack->connect({kLocalIp, 0}, {kRemoteIp, 0}, {}, now).error(), Errno{EINVAL});
    output.local = Ipv4Address::any();
    EXPECT_EQ(stack->connect({Ipv4Address::any(), 0}, {kRemoteIp, 80}, {}, now).error(), Errno{ENETUNREACH});
}

TEST_F(TcpListen, EphemeralPortsRunOut) {
    config.ephemeral_port_first = 40000;
    config.ephemeral_port_last = 40002;
    restart();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now).ok());
    EXPECT_EQ(stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now).error(), Errno{EADDRNOTAVAIL});
    EXPECT_TRUE(stack->connect({kLocalIp, 0}, {kRemoteIp, 81}, {}, now).ok());  // other 4-tuples are free
}

TEST_F(TcpListen, StaleHandlesFailWithEbadf) {
    TcpHandle c = open_passive();
    ASSERT_TRUE(stack->close(c, now).ok());
    EXPECT_EQ(stack->send(c, std::span<const uint8_t>(), now).error(), Errno{EBADF});
    EXPECT_EQ(stack->readiness(c).error(), Errno{EBADF});
    EXPECT_EQ(stack->close(c, now).error(), Errno{EBADF});
    EXPECT_EQ(stack->readiness(TcpHandle{9999, 1}).error(), Errno{EBADF});
    EXPECT_EQ(stack->accept(c).error(), Errno{EBADF});
}

TEST_F(TcpListen, MalformedSegmentsAreDroppedSilently) {
    listen(80, 4);
    std::vector<uint8_t> good = peer(SYN, 1000).build(kRemoteIp, kLocalIp);
    std::vector<uint8_t> bad_sum = good;
    bad_sum[4] ^= 0x01;
    stack->receive_segment(kRemoteIp, kLocalIp, bad_sum, now);
    std::vector<uint8_t> short_segment(good.begin(), good.begin() + 12);
    stack->receive_segment(kRemoteIp, kLocalIp, short_segment, now);
    std::vector<uint8_t> bad_offset = good;
    bad_offset[12] = 0xf0;  // header claims 60 bytes
    stack->receive_segment(kRemoteIp, kLocalIp, bad_offset, now);
    stack->receive_segment(kRemoteIp, kLocalIp, {}, now);
    // From broadcast or to broadcast: never answered.
    stack->receive_segment(Ipv4Address::broadcast(), kLocalIp, peer(SYN, 1).build(Ipv4Address::broadcast(), kLocalIp), now);
    stack->receive_segment(kRemoteIp, Ipv4Address::broadcast(), peer(SYN, 1).build(kRemoteIp, Ipv4Address::broadcast()), now);
    PeerSegment zero_port = peer(SYN, 1);
    zero_port.source_port = 0;
    inject(zero_port);
    expect_silence();
    EXPECT_EQ(stack->counters().bad_segments, 7u);
    EXPECT_EQ(stack->connection_count(), 0u);
}

TEST_F(TcpListen, MalformedOptionsAreDropped) {
    listen(80, 4);
    std::vector<uint8_t> bytes = peer(SYN, 1000).mss(1460).build(kRemoteIp, kLocalIp);
    bytes[21] = 9;  // MSS option length 9 runs past the header
    finish_tcp_checksum(kRemoteIp, kLocalIp, bytes);
    stack->receive_segment(kRemoteIp, kLocalIp, bytes, now);
    expect_silence();
}

}  // namespace
}  // namespace ingot::net::tcp_test
