// Opening connections (RFC 9293 §3.5, §3.10.7.2-3): passive, active and simultaneous open,
// option negotiation (MSS, window scale, timestamps) and handshake retransmission.
#include "test_tcp_harness.h"

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpHandshake : public TcpTest {};

TEST_F(TcpHandshake, PassiveOpenThroughListenerAndAccept) {
    TcpHandle l = listen(80, 4);
    EXPECT_EQ(stack->accept(l).error(), Errno{EAGAIN});
    EXPECT_FALSE(stack->readiness(l).value().readable);
    inject(peer(SYN, 1000).mss(1460));
    SentSegment synack = next();
    EXPECT_TRUE(synack.flags_are(SYN | ACK)) << synack.describe();
    EXPECT_EQ(synack.ack, 1001u);
    EXPECT_EQ(synack.source_port, 80);
    EXPECT_EQ(synack.destination_port, 5000);
    EXPECT_EQ(synack.options.maximum_segment_size, 1460);
    EXPECT_FALSE(synack.options.window_scale.has_value());
    EXPECT_FALSE(synack.options.timestamps.has_value());
    EXPECT_FALSE(synack.options.sack_permitted);
    EXPECT_EQ(stack->accept(l).error(), Errno{EAGAIN});  // not until the handshake completes
    inject(peer(ACK, 1001, synack.seq + 1));
    expect_silence();
    EXPECT_TRUE(stack->readiness(l).value().readable);
    Result<TcpHandle> c = stack->accept(l);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(state_of(c.value()), TcpState::Established);
    EXPECT_EQ(stack->remote_endpoint(c.value()).value(), (Ipv4Endpoint{kRemoteIp, 5000}));
    EXPECT_EQ(stack->local_endpoint(c.value()).value(), (Ipv4Endpoint{kLocalIp, 80}));
    EXPECT_EQ(stack->remote_endpoint(l).error(), Errno{ENOTCONN});
    TcpReadiness r = stack->readiness(c.value()).value();
    EXPECT_TRUE(r.writable);
    EXPECT_FALSE(r.readable);
    EXPECT_FALSE(r.hangup);
    EXPECT_EQ(stack->connection_count(), 1u);
}

TEST_F(TcpHandshake, ActiveOpenReportsCompletionThroughReadiness) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(state_of(h.value()), TcpState::SynSent);
    TcpReadiness connecting = stack->readiness(h.value()).value();
    EXPECT_FALSE(connecting.writable);
    EXPECT_FALSE(connecting.readable);
    EXPECT_EQ(stack->send(h.value(), std::span<const uint8_t>(), now).error(), Errno{EAGAIN});
    SentSegment syn = next();
    EXPECT_TRUE(syn.flags_are(SYN));
    EXPECT_GE(syn.source_port, config.ephemeral_port_first);
    EXPECT_LE(syn.source_port, config.ephemeral_port_last);
    EXPECT_EQ(syn.options.maximum_segment_size, 1460);
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(SYN | ACK, 7000, syn.seq + 1).mss(1460));
    SentSegment ack = next();
    EXPECT_TRUE(ack.flags_are(ACK));
    EXPECT_EQ(ack.seq, syn.seq + 1);
    EXPECT_EQ(ack.ack, 7001u);
    EXPECT_EQ(state_of(h.value()), TcpState::Established);
    EXPECT_TRUE(stack->readiness(h.value()).value().writable);
    EXPECT_EQ(stack->take_error(h.value()).value(), 0);
}

TEST_F(TcpHandshake, SimultaneousOpen) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 4000}, {kRemoteIp, 4001}, {}, now);
    ASSERT_TRUE(h.ok());
    SentSegment syn = next();
    local_port = 4000;
    peer_port = 4001;
    // The peer's own SYN crosses ours: SYN-SENT -> SYN-RECEIVED, answer SYN,ACK with our ISS.
    inject(peer(SYN, 300).mss(1460));
    SentSegment synack = next();
    EXPECT_TRUE(synack.flags_are(SYN | ACK));
    EXPECT_EQ(synack.seq, syn.seq);
    EXPECT_EQ(synack.ack, 301u);
    EXPECT_EQ(state_of(h.value()), TcpState::SynReceived);
    // The peer's SYN,ACK repeats its SYN (old by now): we acknowledge it.
    inject(peer(SYN | ACK, 300, syn.seq + 1));
    SentSegment ack = next();
    EXPECT_TRUE(ack.flags_are(ACK));
    EXPECT_EQ(ack.ack, 301u);
    // The peer's ACK of our SYN completes the open.
    inject(peer(ACK, 301, syn.seq + 1));
    EXPECT_EQ(state_of(h.value()), TcpState::Established);
    inject(peer(ACK | PSH, 301, syn.seq + 1).data("hi"));
    EXPECT_EQ(read_text(h.value()), "hi");
}

TEST_F(TcpHandshake, ResetWithValidAckRefusesTheConnection) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    SentSegment syn = next();
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(RST | ACK, 0, syn.seq + 5));  // unacceptable ACK: ignored
    EXPECT_EQ(state_of(h.value()), TcpState::SynSent);
    inject(peer(RST, 0, 0));  // no ACK at all: ignored
    EXPECT_EQ(state_of(h.value()), TcpState::SynSent);
    expect_silence();
    inject(peer(RST | ACK, 0, syn.seq + 1));
    EXPECT_EQ(state_of(h.value()), TcpState::Closed);
    TcpReadiness r = stack->readiness(h.value()).value();
    EXPECT_TRUE(r.error);
    EXPECT_TRUE(r.hangup);
    EXPECT_TRUE(r.writable);  // so that poll wakes a non-blocking connect
    EXPECT_EQ(stack->take_error(h.value()).value(), ECONNREFUSED);
    EXPECT_EQ(stack->take_error(h.value()).value(), 0);
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
    ASSERT_TRUE(stack->close(h.value(), now).ok());
    EXPECT_EQ(stack->connection_count(), 0u);
    EXPECT_EQ(TcpConnection::live_count(), 0u);
}

TEST_F(TcpHandshake, SynAckWithWrongAckIsAnsweredWithReset) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    SentSegment syn = next();
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(SYN | ACK, 9000, syn.seq + 7));
    SentSegment rst = next();
    EXPECT_TRUE(rst.flags_are(RST));
    EXPECT_EQ(rst.seq, syn.seq + 7);  // <SEQ=SEG.ACK><CTL=RST>
    EXPECT_EQ(state_of(h.value()), TcpState::SynSent);
    inject(peer(ACK, 9000, syn.seq));  // ACK <= ISS: reset too
    EXPECT_TRUE(next().has(RST));
}

TEST_F(TcpHandshake, SynRetransmitsWithExponentialBackoffThenTimesOut) {
    uint64_t start = now;
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    SentSegment first = next();
    uint64_t expected = start;
    uint64_t interval = 1 * kSec;
    for (uint32_t i = 0; i < config.syn_retries; ++i) {
        expected += interval;
        EXPECT_EQ(stack->next_timer_deadline(), expected);
        run_until(expected - 1);
        expect_silence();
        run_until(expected);
        SentSegment again = next();
        EXPECT_TRUE(again.flags_are(SYN));
        EXPECT_EQ(again.seq, first.seq);
        interval *= 2;
    }
    expected += interval;  // 127 s after the first SYN
    run_until(expected);
    expect_silence();  // giving up sends nothing
    EXPECT_EQ(state_of(h.value()), TcpState::Closed);
    EXPECT_EQ(stack->take_error(h.value()).value(), ETIMEDOUT);
    EXPECT_EQ(expected - start, 127 * kSec);
}

TEST_F(TcpHandshake, RetransmittedHandshakeStartsDataWithAThreeSecondRto) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    SentSegment syn = next();
    advance(1 * kSec);
    next();  // the SYN again: no RTT sample can come from this handshake (Karn)
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(SYN | ACK, 100, syn.seq + 1).mss(1460));
    next();
    EXPECT_EQ(info_of(h.value()).rto_ns, 3 * kSec);  // RFC 6298 (5.7)
}

TEST_F(TcpHandshake, CleanHandshakeSamplesTheRoundTrip) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    SentSegment syn = next();
    advance(30 * kMs);
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(SYN | ACK, 100, syn.seq + 1).mss(1460));
    next();
    EXPECT_EQ(info_of(h.value()).srtt_ns, 30 * kMs);
    EXPECT_EQ(info_of(h.value()).rto_ns, 200 * kMs);  // 30 + 4 * 15 = 90 ms, raised to the floor
}

TEST_F(TcpHandshake, LostSynAckIsRetransmittedAndHalfOpenConnectionsExpire) {
    listen(80, 4);
    inject(peer(SYN, 1000));
    SentSegment synack = next();
    advance(1 * kSec);
    SentSegment again = next();
    EXPECT_TRUE(again.flags_are(SYN | ACK));
    EXPECT_EQ(again.seq, synack.seq);
    // A repeated SYN means our SYN,ACK got lost: it is sent again at once.
    inject(peer(SYN, 1000));
    EXPECT_TRUE(next().flags_are(SYN | ACK));
    advance(200 * kSec);
    drain();
    EXPECT_EQ(stack->connection_count(), 0u);  // gave up after synack_retries, quietly
    EXPECT_EQ(TcpConnection::live_count(), 0u);
    EXPECT_EQ(stack->next_timer_deadline(), kTcpNever);
    EXPECT_EQ(stack->accept(listener).error(), Errno{EAGAIN});
}

// ---- Options --------------------------------------------------------------------------

TEST_F(TcpHandshake, WindowScaleAndTimestampsNegotiatedWhenBothOffer) {
    config.window_scaling = true;
    config.timestamps = true;
    restart();
    TcpSocketOptions options;
    options.receive_buffer_size = 256 * 1024;
    listen(80, 4, options);
    inject(peer(SYN, 1000).mss(1460).wscale(7).ts(5555, 0).sack_ok());
    SentSegment synack = next();
    ASSERT_TRUE(synack.options.window_scale.has_value());
    EXPECT_EQ(*synack.options.window_scale, 3);  // 256 KiB needs a shift of 3
    ASSERT_TRUE(synack.options.timestamps.has_value());
    EXPECT_EQ(synack.options.timestamps->echo_reply, 5555u);
    EXPECT_FALSE(synack.options.sack_permitted);  // SACK is off in this configuration
    EXPECT_EQ(synack.window, 65535);  // a SYN's window is never scaled
    uint32_t our_ts = synack.options.timestamps->value;
    inject(peer(ACK, 1001, synack.seq + 1).win(100).ts(5556, our_ts));
    TcpHandle c = stack->accept(listener).value();
    TcpConnectionInfo i = info_of(c);
    EXPECT_TRUE(i.window_scaling);
    EXPECT_TRUE(i.timestamps);
    EXPECT_EQ(i.send_window, 100u << 7);
    EXPECT_EQ(i.send_mss, 1460u - 12);  // timestamps take 12 bytes of every segment
    send_text(c, "data");
    SentSegment data = next();
    ASSERT_TRUE(data.options.timestamps.has_value());
    EXPECT_EQ(data.options.timestamps->echo_reply, 5556u);
    EXPECT_EQ(data.window, (256 * 1024) >> 3);
}

TEST_F(TcpHandshake, OptionsTheirSideLacksAreNotUsed) {
    config.window_scaling = true;
    config.timestamps = true;
    restart();
    listen(80, 4);
    inject(peer(SYN, 1000).mss(1460));
    SentSegment synack = next();
    EXPECT_FALSE(synack.options.window_scale.has_value());
    EXPECT_FALSE(synack.options.timestamps.has_value());
    inject(peer(ACK, 1001, synack.seq + 1).win(1000));
    TcpHandle c = stack->accept(listener).value();
    EXPECT_FALSE(info_of(c).window_scaling);
    EXPECT_FALSE(info_of(c).timestamps);
    EXPECT_EQ(info_of(c).send_window, 1000u);  // unscaled
}

TEST_F(TcpHandshake, ActiveOpenOffersOptionsAndAdoptsTheAnswer) {
    config.window_scaling = true;
    config.timestamps = true;
    restart();
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    SentSegment syn = next();
    ASSERT_TRUE(syn.options.window_scale.has_value());
    ASSERT_TRUE(syn.options.timestamps.has_value());
    EXPECT_EQ(syn.options.timestamps->echo_reply, 0u);
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(SYN | ACK, 100, syn.seq + 1).mss(1400).wscale(2));  // no timestamps
    SentSegment ack = next();
    EXPECT_FALSE(ack.options.timestamps.has_value());
    TcpConnectionInfo i = info_of(h.value());
    EXPECT_TRUE(i.window_scaling);
    EXPECT_FALSE(i.timestamps);
    EXPECT_EQ(i.send_window_shift, 2);
    EXPECT_EQ(i.send_mss, 1400u);
}

TEST_F(TcpHandshake, TheWindowShiftSentInTheSynStaysWhenTheBufferChanges) {
    config.window_scaling = true;
    restart();
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    SentSegment syn = next();
    ASSERT_EQ(syn.options.window_scale, 1);  // 64 KiB default buffer
    TcpSocketOptions bigger = stack->options(h.value()).value();
    bigger.receive_buffer_size = 1 << 20;
    ASSERT_TRUE(stack->set_options(h.value(), bigger, now).ok());
    local_port = syn.source_port;
    peer_port = 80;
    inject(peer(SYN | ACK, 100, syn.seq + 1).mss(1460).wscale(0));
    SentSegment ack = next();
    EXPECT_EQ(info_of(h.value()).receive_window_shift, 1);
    EXPECT_EQ(ack.window, 65535);  // 1 MiB of room, capped by what a shift of 1 can express
}

TEST_F(TcpHandshake, MssIsClampedToThePeerAndToThePath) {
    listen(80, 4);
    inject(peer(SYN, 1000).mss(536));
    uint32_t iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));
    TcpHandle c = stack->accept(listener).value();
    EXPECT_EQ(info_of(c).send_mss, 536u);
    std::string big(3000, 'x');
    send_text(c, big);
    while (has_next()) EXPECT_LE(next().payload.size(), 536u);

    peer_port = 6001;
    inject(peer(SYN, 1000));  // no MSS option: RFC 9293 default 536
    iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));
    EXPECT_EQ(info_of(stack->accept(listener).value()).send_mss, 536u);

    peer_port = 6002;
    inject(peer(SYN, 1000).mss(9000));  // larger than our path allows
    iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));
    EXPECT_EQ(info_of(stack->accept(listener).value()).send_mss, 1460u);

    peer_port = 6003;
    inject(peer(SYN, 1000).mss(1));  // absurdly small: raised to a floor
    iss = next().seq;
    inject(peer(ACK, 1001, iss + 1));
    EXPECT_EQ(info_of(stack->accept(listener).value()).send_mss, 64u);
}

TEST_F(TcpHandshake, AdvertisedMssFollowsTheLinkMtu) {
    output.mtu = 1400;
    listen(80, 4);
    inject(peer(SYN, 1000).mss(1460));
    EXPECT_EQ(next().options.maximum_segment_size, 1360);
}

}  // namespace
}  // namespace ingot::net::tcp_test
