#include <lib/crc32c.h>

#include <gtest/gtest.h>

#include <cstring>

namespace ingot {
namespace {

TEST(Crc32c, MatchesTheStandardCheckValue) {
    // The check value of the CRC-32C catalogue entry (also RFC 3720 §B.4's polynomial).
    EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
}

TEST(Crc32c, ThirtyTwoZeroBytesMatchRfc3720) {
    // RFC 3720 §B.4: 32 bytes of zeros give aa 36 91 8a (little-endian on the wire).
    uint8_t zeros[32] = {};
    EXPECT_EQ(crc32c(zeros, sizeof zeros), 0x8A9136AAu);
}

TEST(Crc32c, ChainedUpdatesEqualOnePass) {
    const char* text = "the quick brown fox jumps over the lazy dog";
    size_t len = std::strlen(text);
    uint32_t split = crc32c_update(crc32c_update(~0u, text, 10), text + 10, len - 10);
    EXPECT_EQ(~split, crc32c(text, len));
}

}  // namespace
}  // namespace ingot
