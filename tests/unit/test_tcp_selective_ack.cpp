// Selective acknowledgments, receiver side (RFC 2018): SACK-Permitted negotiation in the
// handshake, and SACK blocks that report the out-of-order data held, the block with the
// latest segment first, as many as fit beside the other options.
#include "test_tcp_harness.h"

#include <cerrno>

namespace ingot::net::tcp_test {
namespace {

class TcpSelectiveAck : public TcpTest {
protected:
    void SetUp() override {
        config.selective_acks = true;
        restart();
    }
    // Passive open with a peer that offers SACK-Permitted (and timestamps when asked).
    TcpHandle open_with_sack(bool peer_offers = true, bool timestamps = false) {
        listen(80, 8);
        PeerSegment syn = peer(SYN, 1000).mss(1460);
        if (peer_offers) syn.sack_ok();
        if (timestamps) syn.ts(100, 0);
        inject(syn);
        SentSegment synack = next();
        EXPECT_EQ(synack.options.sack_permitted, peer_offers);
        peer_next = 1001;
        local_next = synack.seq + 1;
        PeerSegment ack = peer(ACK, peer_next, local_next);
        if (timestamps) {
            peer_ts_echo = synack.options.timestamps->value;
            ack.ts(peer_ts, peer_ts_echo);
        }
        inject(ack);
        return stack->accept(listener).value();
    }
    // The peer's data segment at offset (from peer_next) carrying text.
    void inject_at(uint32_t offset, std::string_view text, bool timestamps = false) {
        PeerSegment s = peer(ACK, peer_next + offset, local_next).data(text);
        if (timestamps) s.ts(++peer_ts, peer_ts_echo);
        inject(s);
    }
    // The blocks of one ACK as offsets from peer_next.
    std::vector<std::pair<uint32_t, uint32_t>> blocks_of(const SentSegment& ack) const {
        std::vector<std::pair<uint32_t, uint32_t>> out;
        for (size_t i = 0; i < ack.options.sack_block_count; ++i) {
            out.emplace_back(ack.options.sack_blocks[i].left_edge - peer_next,
                             ack.options.sack_blocks[i].right_edge - peer_next);
        }
        return out;
    }
    using Blocks = std::vector<std::pair<uint32_t, uint32_t>>;

    uint32_t peer_ts = 100;
    uint32_t peer_ts_echo = 0;
};

TEST_F(TcpSelectiveAck, OfferedInSynAndAnsweredOnlyWhenThePeerOffers) {
    Result<TcpHandle> h = stack->connect({kLocalIp, 0}, {kRemoteIp, 80}, {}, now);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(next().options.sack_permitted);
    (void)stack->close(h.value(), now);
    drain();

    TcpHandle c = open_with_sack(/*peer_offers=*/true);
    EXPECT_TRUE(info_of(c).selective_acks);
    config.selective_acks = false;
    restart();
    listen(80, 8);
    inject(peer(SYN, 1000).mss(1460).sack_ok());
    EXPECT_FALSE(next().options.sack_permitted);  // turned off: not answered
}

TEST_F(TcpSelectiveAck, BlocksReportOutOfOrderDataLatestFirst) {
    open_with_sack();
    inject_at(10, "0123456789");
    SentSegment first = next();
    EXPECT_EQ(first.ack, peer_next);
    EXPECT_EQ(blocks_of(first), (Blocks{{10, 20}}));
    inject_at(30, "abcde");
    EXPECT_EQ(blocks_of(next()), (Blocks{{30, 35}, {10, 20}}));
    // A segment below the others: it comes first, the rest follow highest first.
    inject_at(22, "xy");
    EXPECT_EQ(blocks_of(next()), (Blocks{{22, 24}, {30, 35}, {10, 20}}));
    // Extending a range reports the grown range first.
    inject_at(20, "KL");
    EXPECT_EQ(blocks_of(next()), (Blocks{{10, 24}, {30, 35}}));
    // Filling the first hole releases [0, 24): one block is left.
    inject_at(0, "abcdefghij");
    SentSegment filled = next();
    EXPECT_EQ(filled.ack, peer_next + 24);
    EXPECT_EQ(blocks_of(filled), (Blocks{{30, 35}}));
    // And once everything is in order, no blocks at all.
    inject_at(24, "......");
    SentSegment done = next();
    EXPECT_EQ(done.ack, peer_next + 35);
    EXPECT_EQ(done.options.sack_block_count, 0u);
}

TEST_F(TcpSelectiveAck, AtMostThreeBlocksBesideTimestamps) {
    config.timestamps = true;
    restart();
    open_with_sack(true, /*timestamps=*/true);
    for (uint32_t i = 1; i <= 5; ++i) {
        inject_at(10 * i, "abc", true);
        drain();
    }
    inject_at(25, "zz", true);  // the latest: reported first
    SentSegment ack = next();
    ASSERT_TRUE(ack.options.timestamps.has_value());
    EXPECT_EQ(blocks_of(ack), (Blocks{{25, 27}, {50, 53}, {40, 43}}));
}

TEST_F(TcpSelectiveAck, FourBlocksWithoutTimestamps) {
    open_with_sack();
    for (uint32_t i = 1; i <= 6; ++i) {
        inject_at(10 * i, "abc");
        drain();
    }
    inject_at(63, "de");  // extends the highest range
    EXPECT_EQ(blocks_of(next()), (Blocks{{60, 65}, {50, 53}, {40, 43}, {30, 33}}));
}

TEST_F(TcpSelectiveAck, NoBlocksWhenThePeerDidNotOffer) {
    open_with_sack(/*peer_offers=*/false);
    inject_at(10, "0123456789");
    SentSegment ack = next();
    EXPECT_EQ(ack.ack, peer_next);
    EXPECT_EQ(ack.options.sack_block_count, 0u);
}

TEST_F(TcpSelectiveAck, DataBeyondTheWindowIsNotReported) {
    TcpSocketOptions small;
    small.receive_buffer_size = kTcpMinBufferSize;
    listen(80, 8, small);
    inject(peer(SYN, 1000).mss(1460).sack_ok());
    SentSegment synack = next();
    peer_next = 1001;
    local_next = synack.seq + 1;
    inject(peer(ACK, peer_next, local_next));
    ASSERT_TRUE(stack->accept(listener).ok());
    inject_at(static_cast<uint32_t>(kTcpMinBufferSize) + 10, "outside");
    SentSegment ack = next();
    EXPECT_EQ(ack.ack, peer_next);
    EXPECT_EQ(ack.options.sack_block_count, 0u);
}

}  // namespace
}  // namespace ingot::net::tcp_test
