// The boot stub's LZ4 block decoder against blocks from liblz4 (the reference implementation),
// and against corrupt blocks, which must fail with their reason without writing outside the
// output (guard bytes around it catch any stray write).
#include <lib/lz4_block.h>

#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4hc.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace ingot::lz4 {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes compress(const Bytes& data, int level = LZ4HC_CLEVEL_MAX) {
    Bytes block(static_cast<size_t>(LZ4_compressBound(static_cast<int>(data.size()))));
    const char* source = data.empty() ? "" : reinterpret_cast<const char*>(data.data());  // liblz4 needs one
    int size = LZ4_compress_HC(source, reinterpret_cast<char*>(block.data()),
                               static_cast<int>(data.size()), static_cast<int>(block.size()), level);
    EXPECT_GT(size, 0);
    block.resize(static_cast<size_t>(size));
    return block;
}

// An output buffer of `capacity` bytes with guard bytes on both sides, to catch stray writes.
class GuardedOutput {
public:
    explicit GuardedOutput(size_t capacity) : buffer_(capacity + 2 * kGuard, kPattern) {}
    std::span<uint8_t> span() { return {buffer_.data() + kGuard, buffer_.size() - 2 * kGuard}; }
    Bytes contents(size_t n) const { return Bytes(buffer_.begin() + kGuard, buffer_.begin() + kGuard + n); }
    // True when nothing outside the output was touched.
    bool guards_intact() const {
        for (size_t i = 0; i < buffer_.size(); ++i) {
            bool inside = i >= kGuard && i < buffer_.size() - kGuard;
            if (!inside && buffer_[i] != kPattern) return false;
        }
        return true;
    }

private:
    static constexpr size_t kGuard = 64;
    static constexpr uint8_t kPattern = 0xA5;
    Bytes buffer_;
};

Bytes random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes data(n);
    for (uint8_t& b : data) b = static_cast<uint8_t>(rng());
    return data;
}

// Something like a kernel: runs of zeros, repeated instructions, text, and noise.
Bytes kernel_like(size_t n) {
    Bytes data;
    std::mt19937 rng(7);
    const std::string text = "ingot: panic: the compressed kernel is corrupt ";
    while (data.size() < n) {
        switch (rng() % 4) {
            case 0: data.insert(data.end(), rng() % 5000, 0); break;
            case 1: data.insert(data.end(), text.begin(), text.end()); break;
            case 2: {
                Bytes noise = random_bytes(rng() % 300, static_cast<uint32_t>(rng()));
                data.insert(data.end(), noise.begin(), noise.end());
                break;
            }
            default: {
                size_t from = data.empty() ? 0 : rng() % data.size();
                size_t length = std::min<size_t>(rng() % 2000, data.size() - from);
                Bytes copy(data.begin() + static_cast<ptrdiff_t>(from),
                           data.begin() + static_cast<ptrdiff_t>(from + length));
                data.insert(data.end(), copy.begin(), copy.end());
            }
        }
    }
    data.resize(n);
    return data;
}

void expect_round_trip(const Bytes& data, int level = LZ4HC_CLEVEL_MAX) {
    Bytes block = compress(data, level);
    GuardedOutput output(data.size());
    DecodeResult result = decode_block(block, output.span());
    ASSERT_TRUE(result.ok()) << describe(result.error) << " at " << result.input_used;
    EXPECT_EQ(result.written, data.size());
    EXPECT_EQ(result.input_used, block.size());
    EXPECT_EQ(output.contents(data.size()), data);
    EXPECT_TRUE(output.guards_intact());
}

TEST(Lz4Block, DecodesWhatLiblz4Compresses) {
    for (size_t size : {0, 1, 4, 12, 13, 15, 16, 19, 255, 256, 270, 4096, 65535, 65536, 70000})
        expect_round_trip(random_bytes(size, static_cast<uint32_t>(size)));
    expect_round_trip(Bytes(300000, 0));                 // one long match at offset 1
    expect_round_trip(kernel_like(400000));              // offsets up to 65535, long literal runs
    expect_round_trip(kernel_like(100000), 1);           // the fast levels make other choices
    // Matches that overlap what they write, closer than a word and farther.
    for (size_t period = 1; period <= 17; ++period) {
        Bytes pattern = random_bytes(period, static_cast<uint32_t>(period));
        for (size_t i = period; i < 5000; ++i) pattern.push_back(pattern[i - period]);
        expect_round_trip(pattern);
    }
}

TEST(Lz4Block, DecodesHandMadeSequences) {
    // "a", then a match of 8 at offset 1, then the last sequence "bc".
    Bytes block = {0x14, 'a', 0x01, 0x00, 0x20, 'b', 'c'};
    GuardedOutput output(16);
    DecodeResult result = decode_block(block, output.span());
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.written, 11u);
    Bytes expected = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'b', 'c'};
    EXPECT_EQ(output.contents(11), expected);

    // Lengths of 15 and more continue in bytes of 255 and a last one below it: 15 + 255 + 3.
    Bytes literals(273, 'x');
    Bytes long_block = {0xF0, 255, 3};
    long_block.insert(long_block.end(), literals.begin(), literals.end());
    GuardedOutput long_output(273);
    result = decode_block(long_block, long_output.span());
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(long_output.contents(273), literals);
}

TEST(Lz4Block, RefusesAnOutputThatIsTooSmall) {
    Bytes data = kernel_like(50000);
    Bytes block = compress(data);
    for (size_t capacity : {size_t{0}, size_t{1}, size_t{1000}, data.size() - 1}) {
        GuardedOutput output(capacity);
        DecodeResult result = decode_block(block, output.span());
        EXPECT_EQ(result.error, DecodeError::OutputOverrun) << capacity;
        EXPECT_LE(result.written, capacity);
        EXPECT_TRUE(output.guards_intact()) << capacity;
        EXPECT_EQ(std::memcmp(output.contents(result.written).data(), data.data(), result.written), 0);
    }
}

TEST(Lz4Block, RefusesMatchesBeforeTheStartOrAtOffsetZero) {
    GuardedOutput output(64);
    DecodeResult result = decode_block(Bytes{0x10, 'a', 0x02, 0x00, 0x00}, output.span());
    EXPECT_EQ(result.error, DecodeError::OffsetBeforeStart);
    EXPECT_EQ(result.written, 1u);
    EXPECT_EQ(result.input_used, 0u);  // the failing sequence starts the block
    result = decode_block(Bytes{0x00, 0x01, 0x00, 0x00}, output.span());
    EXPECT_EQ(result.error, DecodeError::OffsetBeforeStart);
    result = decode_block(Bytes{0x10, 'a', 0x00, 0x00, 0x00}, output.span());
    EXPECT_EQ(result.error, DecodeError::ZeroOffset);
    EXPECT_TRUE(output.guards_intact());
}

TEST(Lz4Block, RefusesTruncatedBlocks) {
    GuardedOutput output(64);
    for (const Bytes& block : {Bytes{}, Bytes{0x30, 'a'}, Bytes{0xF0}, Bytes{0xF0, 255}, Bytes{0x14, 'a', 0x01},
                               Bytes{0x1F, 'a', 0x01, 0x00}, Bytes{0x1F, 'a', 0x01, 0x00, 255},
                               Bytes{0x14, 'a', 0x01, 0x00}}) {
        DecodeResult result = decode_block(block, output.span());
        EXPECT_EQ(result.error, DecodeError::TruncatedInput) << block.size();
    }
    // Every prefix of a real block either fails or, when it ends right after a sequence's
    // literals, decodes to less than the whole: the stub's size check catches that one.
    Bytes data = kernel_like(20000);
    Bytes block = compress(data);
    for (size_t n = 0; n < block.size(); ++n) {
        GuardedOutput prefix_output(data.size());
        DecodeResult result = decode_block(std::span(block).first(n), prefix_output.span());
        EXPECT_TRUE(!result.ok() || result.written < data.size()) << n;
        EXPECT_TRUE(prefix_output.guards_intact()) << n;
    }
}

TEST(Lz4Block, DamagedBlocksNeverWriteOutsideTheOutput) {
    Bytes data = kernel_like(30000);
    Bytes block = compress(data);
    std::mt19937 rng(42);
    for (int trial = 0; trial < 2000; ++trial) {
        Bytes damaged = block;
        for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
            damaged[rng() % damaged.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
        GuardedOutput output(data.size());
        DecodeResult result = decode_block(damaged, output.span());
        EXPECT_LE(result.written, data.size());
        EXPECT_LE(result.input_used, damaged.size());
        ASSERT_TRUE(output.guards_intact()) << "trial " << trial;
    }
}

TEST(Lz4Block, DescribesEveryError) {
    for (DecodeError error : {DecodeError::TruncatedInput, DecodeError::OutputOverrun, DecodeError::ZeroOffset,
                              DecodeError::OffsetBeforeStart})
        EXPECT_GT(std::strlen(describe(error)), 10u);
}

}  // namespace
}  // namespace ingot::lz4
