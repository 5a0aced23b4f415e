// Wire view of TCP headers and options (RFC 9293 §3.1, RFC 7323, RFC 2018).
#include <net/wire/checksum.h>
#include <net/wire/tcp_segment.h>

#include "net_test_support.h"

#include <gtest/gtest.h>

namespace ingot::net {
namespace {

using test::hex;

// A Linux SYN (curl to port 80): MSS 1460, SACK permitted, timestamps, NOP, window scale 7,
// window 64240, 10.0.2.2:41234 -> 10.0.2.15:80.
std::vector<uint8_t> captured_syn() {
    return hex({"a1 12 00 50 9a 3e 1f 01 00 00 00 00 a0 02 fa f0",
                "a4 04 00 00 02 04 05 b4 04 02 08 0a 0a 1b 2c 3d",
                "00 00 00 00 01 03 03 07"});
}

TEST(NetWireTcp, ParsesCapturedSyn) {
    auto bytes = captured_syn();
    auto segment = TcpSegment::parse(bytes);
    ASSERT_TRUE(segment.ok());
    const TcpSegment& s = segment.value();
    EXPECT_EQ(s.source_port(), 41234);
    EXPECT_EQ(s.destination_port(), 80);
    EXPECT_EQ(s.sequence_number(), 0x9a3e1f01u);
    EXPECT_EQ(s.acknowledgment_number(), 0u);
    EXPECT_EQ(s.header_length(), 40u);
    EXPECT_EQ(s.flags(), tcp_flags::syn);
    EXPECT_TRUE(s.syn());
    EXPECT_FALSE(s.ack());
    EXPECT_EQ(s.window(), 64240);
    EXPECT_EQ(s.urgent_pointer(), 0);
    EXPECT_TRUE(s.payload().empty());
    EXPECT_EQ(s.sequence_length(), 1u);
    EXPECT_TRUE(s.checksum_valid(test::gateway_ip, test::our_ip));
    EXPECT_FALSE(s.checksum_valid(test::gateway_ip, test::dns_ip));
    const TcpOptions& o = s.options();
    EXPECT_EQ(o.maximum_segment_size, 1460);
    EXPECT_TRUE(o.sack_permitted);
    ASSERT_TRUE(o.timestamps.has_value());
    EXPECT_EQ(o.timestamps->value, 0x0a1b2c3du);
    EXPECT_EQ(o.timestamps->echo_reply, 0u);
    EXPECT_EQ(o.window_scale, 7);
    EXPECT_EQ(o.sack_block_count, 0u);
}

TEST(NetWireTcp, RejectsEveryTruncation) {
    auto bytes = captured_syn();
    for (size_t n = 0; n < bytes.size(); ++n) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
        auto segment = TcpSegment::parse(cut);
        ASSERT_FALSE(segment.ok()) << n;
        EXPECT_EQ(segment.error(), Errno{EMSGSIZE}) << n;
    }
}

TEST(NetWireTcp, DataOffsetBounds) {
    auto bytes = captured_syn();
    for (uint8_t offset = 0; offset < 5; ++offset) {
        auto bad = bytes;
        bad[12] = static_cast<uint8_t>(offset << 4);
        EXPECT_EQ(TcpSegment::parse(bad).error(), Errno{EINVAL}) << int(offset);
    }
    auto bad = bytes;
    bad[12] = 0xb0;  // 44 bytes: past the 40-byte segment
    EXPECT_EQ(TcpSegment::parse(bad).error(), Errno{EMSGSIZE});
    auto plain = bytes;
    plain[12] = 0x50;  // the options become payload
    auto segment = TcpSegment::parse(plain);
    ASSERT_TRUE(segment.ok());
    EXPECT_EQ(segment.value().payload().size(), 20u);
    EXPECT_FALSE(segment.value().options().maximum_segment_size.has_value());
}

TEST(NetWireTcp, FlagAccessors) {
    auto bytes = captured_syn();
    bytes[13] = tcp_flags::fin | tcp_flags::psh | tcp_flags::ack | tcp_flags::rst |
                tcp_flags::urg;
    auto s = TcpSegment::parse(bytes).value();
    EXPECT_TRUE(s.fin());
    EXPECT_TRUE(s.psh());
    EXPECT_TRUE(s.ack());
    EXPECT_TRUE(s.rst());
    EXPECT_TRUE(s.urg());
    EXPECT_FALSE(s.syn());
    EXPECT_EQ(s.sequence_length(), 1u);
}

Result<TcpOptions> options_of(std::initializer_list<std::string_view> text) {
    static std::vector<uint8_t> storage;
    storage = hex(text);
    return parse_tcp_options(storage);
}

TEST(NetWireTcpOptions, NopEolAndUnknownKinds) {
    auto eol = options_of({"01 01 01 00 02 04"});  // EOL ends parsing: the bytes after are padding
    ASSERT_TRUE(eol.ok());
    EXPECT_FALSE(eol.value().maximum_segment_size.has_value());
    auto experiment = options_of({"fe 06 f9 89 12 34 02 04 02 18"});  // RFC 6994, then MSS 536
    ASSERT_TRUE(experiment.ok());
    EXPECT_EQ(experiment.value().maximum_segment_size, 536);
    auto unknown = options_of({"1d 02 02 04 05 dc"});  // unknown kind 29 with no data
    ASSERT_TRUE(unknown.ok());
    EXPECT_EQ(unknown.value().maximum_segment_size, 1500);
    EXPECT_TRUE(options_of({}).ok());
}

TEST(NetWireTcpOptions, MalformedLengthsAreRejected) {
    for (auto text : {"02",              // kind without a length byte
                      "02 04 05",        // MSS cut short
                      "02 03 05 b4",     // MSS with length 3
                      "02 05 05 b4 00",  // MSS with length 5
                      "03 02",           // window scale with length 2
                      "04 03 00",        // SACK-permitted with length 3
                      "08 0a 00 00",     // timestamps cut short
                      "08 08 00 00 00 00 00 00",  // timestamps with length 8
                      "05 02",           // SACK with no blocks
                      "05 06 00 00 00 01",  // SACK with half a block
                      "fe 00",           // length 0 (would loop forever)
                      "fe 01",           // length 1
                      "fe 09 00 00"}) {  // unknown kind running past the end
        EXPECT_EQ(options_of({text}).error(), Errno{EINVAL}) << text;
    }
}

TEST(NetWireTcpOptions, WindowScaleIsClampedTo14) {
    auto o = options_of({"03 03 0f 00"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o.value().window_scale, 14);
}

TEST(NetWireTcpOptions, SackBlocks) {
    auto o = options_of({"01 01 05 12 00 00 00 10 00 00 00 20 00 00 00 30 00 00 00 40"});
    ASSERT_TRUE(o.ok());
    ASSERT_EQ(o.value().sack_block_count, 2u);
    EXPECT_EQ(o.value().sack_blocks[0], (TcpSackBlock{0x10, 0x20}));
    EXPECT_EQ(o.value().sack_blocks[1], (TcpSackBlock{0x30, 0x40}));
}

TEST(NetWireTcpOptions, EmitsLinuxSynLayout) {
    TcpOptions o;
    o.maximum_segment_size = 1460;
    o.sack_permitted = true;
    o.timestamps = TcpTimestamps{0x0a1b2c3d, 0};
    o.window_scale = 7;
    EXPECT_EQ(o.encoded_size(), 20u);
    std::array<uint8_t, 40> out{};
    ASSERT_EQ(emit_tcp_options(o, out).value(), 20u);
    auto syn = captured_syn();
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 20, syn.begin() + 20));
    auto parsed = parse_tcp_options(std::span(out).first(20));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value().maximum_segment_size, 1460);
    EXPECT_EQ(parsed.value().window_scale, 7);
}

TEST(NetWireTcpOptions, EmitRoundTripsEveryCombination) {
    for (int mask = 0; mask < 32; ++mask) {
        TcpOptions o;
        if (mask & 1) o.maximum_segment_size = 1400;
        if (mask & 2) o.sack_permitted = true;
        if (mask & 4) o.timestamps = TcpTimestamps{7, 9};
        if (mask & 8) o.window_scale = 3;
        if (mask & 16) {
            o.sack_blocks[0] = {100, 200};
            o.sack_block_count = (mask & 4) ? 3 : 4;
            o.sack_blocks[o.sack_block_count - 1] = {300, 400};
        }
        std::array<uint8_t, 40> out{};
        auto n = emit_tcp_options(o, out);
        if (o.encoded_size() > 40) {
            EXPECT_EQ(n.error(), Errno{EMSGSIZE}) << mask;
            continue;
        }
        ASSERT_TRUE(n.ok()) << mask;
        EXPECT_EQ(n.value() % 4, 0u);
        auto parsed = parse_tcp_options(std::span(out).first(n.value()));
        ASSERT_TRUE(parsed.ok()) << mask;
        EXPECT_EQ(parsed.value().maximum_segment_size, o.maximum_segment_size);
        EXPECT_EQ(parsed.value().sack_permitted, o.sack_permitted);
        EXPECT_EQ(parsed.value().timestamps, o.timestamps);
        EXPECT_EQ(parsed.value().window_scale, o.window_scale);
        ASSERT_EQ(parsed.value().sack_block_count, o.sack_block_count);
        for (size_t b = 0; b < o.sack_block_count; ++b) {
            EXPECT_EQ(parsed.value().sack_blocks[b], o.sack_blocks[b]);
        }
    }
}

TEST(NetWireTcp, EmitsCapturedSynWithChecksum) {
    TcpHeaderFields fields;
    fields.source_port = 41234;
    fields.destination_port = 80;
    fields.sequence_number = 0x9a3e1f01;
    fields.flags = tcp_flags::syn;
    fields.window = 64240;
    fields.options.maximum_segment_size = 1460;
    fields.options.sack_permitted = true;
    fields.options.timestamps = TcpTimestamps{0x0a1b2c3d, 0};
    fields.options.window_scale = 7;
    std::vector<uint8_t> out(60);
    auto n = emit_tcp_header(fields, out);
    ASSERT_EQ(n.value(), 40u);
    out.resize(40);
    finish_tcp_checksum(test::gateway_ip, test::our_ip, out);
    EXPECT_EQ(out, captured_syn());
    std::vector<uint8_t> small(39);
    EXPECT_EQ(emit_tcp_header(fields, small).error(), Errno{EMSGSIZE});
}

TEST(NetWireTcp, ChecksumOfSeparateHeaderAndPayload) {
    TcpHeaderFields fields;
    fields.source_port = 80;
    fields.destination_port = 41234;
    fields.sequence_number = 1;
    fields.acknowledgment_number = 2;
    fields.flags = tcp_flags::ack | tcp_flags::psh;
    fields.window = 502;
    std::array<uint8_t, 20> header{};
    ASSERT_EQ(emit_tcp_header(fields, header).value(), 20u);
    auto payload = hex({"48 54 54 50 2f 31 2e 31 20 32 30 30 0d"});  // odd length
    uint16_t c = tcp_checksum(test::our_ip, test::gateway_ip, header, payload);
    std::vector<uint8_t> whole(header.begin(), header.end());
    whole.insert(whole.end(), payload.begin(), payload.end());
    whole[16] = static_cast<uint8_t>(c >> 8);
    whole[17] = static_cast<uint8_t>(c);
    auto parsed = TcpSegment::parse(whole);
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed.value().checksum_valid(test::our_ip, test::gateway_ip));
    EXPECT_EQ(parsed.value().payload().size(), payload.size());
}

}  // namespace
}  // namespace ingot::net
