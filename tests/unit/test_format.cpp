#include <gtest/gtest.h>
#include <lib/format.h>

#include <cstdint>
#include <string>

namespace ingot {
namespace {

std::string fmt(const char* f, auto... args) {
    char buf[128];
    format_to(buf, sizeof(buf), f, args...);
    return buf;
}

TEST(Format, Integers) {
    EXPECT_EQ(fmt("%d %i %u", -42, 7, 3000000000u), "-42 7 3000000000");
    EXPECT_EQ(fmt("%ld %lu %lx", int64_t{-1} << 40, ~0ull, 0xdeadbeefcafeull), "-1099511627776 18446744073709551615 deadbeefcafe");
    EXPECT_EQ(fmt("%x %X %zu", 255u, 255u, size_t{9}), "ff FF 9");
    EXPECT_EQ(fmt("%d", INT32_MIN), "-2147483648");
}

TEST(Format, WidthFlagsAndStrings) {
    EXPECT_EQ(fmt("[%5d] [%-5d] [%05d] [%03d]", 42, 42, 42, -4), "[   42] [42   ] [00042] [-04]");
    EXPECT_EQ(fmt("%s|%.3s|%.*s|%c|%%", "abc", "abcdef", 2, "xyz", 'Q'), "abc|abc|xy|Q|%");
    EXPECT_EQ(fmt("%s", static_cast<const char*>(nullptr)), "(null)");
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x1000)), "0x1000");
}

TEST(Format, TruncatesAndAlwaysTerminates) {
    char buf[6];
    size_t n = format_to(buf, sizeof(buf), "%s", "hello world");
    EXPECT_EQ(n, 5u);
    EXPECT_STREQ(buf, "hello");
    EXPECT_EQ(format_to(buf, 1, "abc"), 0u);
    EXPECT_STREQ(buf, "");
}

}  // namespace
}  // namespace ingot
