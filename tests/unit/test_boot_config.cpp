#include <gtest/gtest.h>

// <cerrno> (pulled in by GoogleTest) defines the E* names as macros, so tests spell
// Errno::EINVAL as Errno{EINVAL}: the same Linux value.
#include <cerrno>
#include <image/boot_config.h>

#include <string>
#include <string_view>

namespace ingot::image {
namespace {

std::span<const uint8_t> bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(BootConfig, ReadsRecords) {
    std::string records("a/prog\0aone\0eHOME=/\0klog=debug\0", 31);
    BootConfig config;
    ASSERT_TRUE(config.add_records(bytes(records)).ok());
    ASSERT_EQ(config.argv().size(), 2u);
    EXPECT_EQ(config.argv()[1], "one");
    ASSERT_EQ(config.envp().size(), 1u);
    EXPECT_EQ(config.envp()[0], "HOME=/");
    EXPECT_EQ(config.option("log"), "debug");
    EXPECT_EQ(config.option("missing"), "");
}

TEST(BootConfig, RejectsMalformedRecords) {
    BootConfig config;
    EXPECT_EQ(config.add_records(bytes(std::string("aunterminated"))).error(), Errno{EINVAL});
    EXPECT_EQ(config.add_records(bytes(std::string("xbad\0", 5))).error(), Errno{EINVAL});
    EXPECT_EQ(config.add_records(bytes(std::string("\0", 1))).error(), Errno{EINVAL});
}

TEST(BootConfig, CommandLineReplacesArgumentsAndMergesEnvironment) {
    std::string records("a/prog\0adefault\0eA=1\0eB=2\0", 26);
    BootConfig config;
    ASSERT_TRUE(config.add_records(bytes(records)).ok());
    ASSERT_TRUE(config.apply_command_line("console=ttyS0 ingot.a=/prog ingot.a=hello%20world ingot.e=B=3 "
                                          "ingot.e=C=%3D ingot.k=log=debug virtio_mmio.device=1@2:3")
                    .ok());
    ASSERT_EQ(config.argv().size(), 2u);
    EXPECT_EQ(config.argv()[1], "hello world");
    ASSERT_EQ(config.envp().size(), 3u);
    EXPECT_EQ(config.envp()[0], "A=1");
    EXPECT_EQ(config.envp()[1], "B=3");
    EXPECT_EQ(config.envp()[2], "C==");
    EXPECT_EQ(config.option("log"), "debug");
}

TEST(BootConfig, CommandLineWithoutArgumentsKeepsTheImages) {
    std::string records("a/prog\0adefault\0", 16);
    BootConfig config;
    ASSERT_TRUE(config.add_records(bytes(records)).ok());
    ASSERT_TRUE(config.apply_command_line("ingot.e=X=1").ok());
    EXPECT_EQ(config.argv().size(), 2u);
}

TEST(BootConfig, RejectsBadEscapes) {
    for (const char* line : {"ingot.a=%", "ingot.a=%4", "ingot.a=%zz", "ingot.a=ab%g1"}) {
        BootConfig config;
        EXPECT_EQ(config.apply_command_line(line).error(), Errno{EINVAL}) << line;
    }
}

TEST(BootConfig, PercentDecodeHandlesAllBytes) {
    char out[8];
    auto n = percent_decode("%00%ff%41", out);
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(n.value(), 3u);
    EXPECT_EQ(out[0], '\0');
    EXPECT_EQ(static_cast<uint8_t>(out[1]), 0xff);
    EXPECT_EQ(out[2], 'A');
}

}  // namespace
}  // namespace ingot::image
