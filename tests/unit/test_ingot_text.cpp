// The ingot tool's small text formats: memory sizes, percent-encoding, the control channel, and
// the QEMU command line.
#include <ingot/control_channel.h>
#include <ingot/percent_encoding.h>
#include <ingot/qemu_command.h>
#include <ingot/size_parser.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace ingot::tool;

constexpr uint64_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;

TEST(SizeParser, AcceptsBytesAndBinarySuffixes) {
    EXPECT_EQ(parse_size("65536"), 65536u);
    EXPECT_EQ(parse_size("1"), 1u);
    EXPECT_EQ(parse_size("64K"), 64 * kKiB);
    EXPECT_EQ(parse_size("65536k"), 64 * kMiB);
    EXPECT_EQ(parse_size("4M"), 4 * kMiB);
    EXPECT_EQ(parse_size("512m"), 512 * kMiB);
    EXPECT_EQ(parse_size("1G"), kGiB);
    EXPECT_EQ(parse_size("2g"), 2 * kGiB);
    EXPECT_EQ(parse_size("1T"), 1024 * kGiB);
    EXPECT_EQ(parse_size("007M"), 7 * kMiB);
    EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
}

TEST(SizeParser, RejectsGarbage) {
    for (const char* bad : {"", "0", "0M", "M", "-1", "+1", " 1M", "1M ", "1 M", "1.5G", "1MB", "1MiB", "1X",
                            "0x10", "1e6", "abc", "18446744073709551616", "17179869184G", "99999999999999999999K"}) {
        EXPECT_EQ(parse_size(bad), std::nullopt) << "'" << bad << "'";
    }
}

TEST(SizeParser, FormatsWithTheLargestExactUnit) {
    EXPECT_EQ(format_size(64 * kMiB), "64M");
    EXPECT_EQ(format_size(kGiB), "1G");
    EXPECT_EQ(format_size(1536 * kMiB), "1536M");
    EXPECT_EQ(format_size(65537), "65537");
    EXPECT_EQ(format_size(0), "0");
}

TEST(PercentEncoding, KeepsTheUnreservedSet) {
    std::string plain = "ABCXYZabcxyz0189._~/:,+=-";
    EXPECT_EQ(percent_encode(plain), plain);
}

TEST(PercentEncoding, EncodesEverythingElse) {
    EXPECT_EQ(percent_encode("hello world"), "hello%20world");
    EXPECT_EQ(percent_encode("100%"), "100%25");
    EXPECT_EQ(percent_encode("a\"b'c;d&e|f"), "a%22b%27c%3Bd%26e%7Cf");
    EXPECT_EQ(percent_encode(std::string("x\0y", 3)), "x%00y");
    EXPECT_EQ(percent_encode("tab\tnew\nline"), "tab%09new%0Aline");
    EXPECT_EQ(percent_encode("\xC3\xA9t\xC3\xA9"), "%C3%A9t%C3%A9");
    EXPECT_EQ(percent_encode("\xFF"), "%FF");
    EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentEncoding, EveryByteRoundTripsThroughADecoder) {
    std::string all;
    for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
    std::string encoded = percent_encode(all);
    EXPECT_EQ(encoded.find(' '), std::string::npos);
    std::string decoded;
    for (size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%') {
            decoded.push_back(static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            decoded.push_back(encoded[i]);
        }
    }
    EXPECT_EQ(decoded, all);
}

TEST(ControlChannel, StatusLine) {
    ControlChannel c;
    c.feed("status 42\n");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::Status);
    EXPECT_EQ(c.status(), 42);
}

TEST(ControlChannel, ArrivesInPieces) {
    ControlChannel c;
    for (char ch : std::string("stat")) c.feed(std::string(1, ch));
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::None);
    c.feed("us 2");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::None);
    c.feed("55\r\nstatus 3\n");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::Status);
    EXPECT_EQ(c.status(), 255);  // the first report wins
}

TEST(ControlChannel, Panic) {
    ControlChannel c;
    c.feed("noise\npanic\nstatus 0\n");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::Panic);
}

TEST(ControlChannel, IgnoresMalformedLines) {
    ControlChannel c;
    c.feed("status\nstatus \nstatus 256\nstatus -1\nstatus 1x\nstatus 1000\nStatus 1\n status 1\npanic!\n");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::None);
    c.feed(std::string(100000, 'x') + "\n");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::None);
    c.feed("status 0\n");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::Status);
    EXPECT_EQ(c.status(), 0);
}

TEST(ControlChannel, LastLineWithoutNewlineCountsAtTheEnd) {
    ControlChannel c;
    c.feed("status 9");
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::None);
    c.finish();
    EXPECT_EQ(c.outcome(), ControlChannel::Outcome::Status);
    EXPECT_EQ(c.status(), 9);
}

bool contains_sequence(const std::vector<std::string>& args, std::vector<std::string> seq) {
    return std::search(args.begin(), args.end(), seq.begin(), seq.end()) != args.end();
}

TEST(QemuCommand, WiresEveryHostChannel) {
    QemuInvocation inv;
    inv.qemu_binary = "/usr/bin/qemu-system-x86_64";
    inv.image_path = "/tmp/app.img";
    inv.mem_bytes = 64 * kMiB;
    inv.kernel_command_line = "ingot.a=/x";
    std::vector<std::string> args = qemu_arguments(inv);
    EXPECT_EQ(args[0], "/usr/bin/qemu-system-x86_64");
    EXPECT_TRUE(contains_sequence(args, {"-M", "microvm"}));
    EXPECT_TRUE(contains_sequence(args, {"-accel", "tcg", "-cpu", "max"}));
    EXPECT_TRUE(contains_sequence(args, {"-m", "64M"}));
    EXPECT_TRUE(contains_sequence(args, {"-kernel", "/tmp/app.img"}));
    EXPECT_TRUE(contains_sequence(args, {"-append", "ingot.a=/x"}));
    for (const char* flag : {"-nodefaults", "-no-user-config", "-no-reboot"})
        EXPECT_TRUE(contains_sequence(args, {flag})) << flag;
    EXPECT_TRUE(contains_sequence(args, {"-display", "none"}));
    EXPECT_TRUE(contains_sequence(args, {"-chardev", "file,id=out,path=/dev/fd/3"}));
    EXPECT_TRUE(contains_sequence(args, {"-chardev", "file,id=err,path=/dev/fd/4"}));
    EXPECT_TRUE(contains_sequence(args, {"-chardev", "file,id=ctl,path=/dev/fd/5"}));
    EXPECT_TRUE(contains_sequence(args, {"-serial", "chardev:out"}));
    EXPECT_TRUE(contains_sequence(args, {"-device", "isa-debugcon,iobase=0xe9,chardev=err"}));
    EXPECT_TRUE(contains_sequence(args, {"-device", "isa-debugcon,iobase=0x4e9,chardev=ctl"}));
    EXPECT_TRUE(contains_sequence(args, {"-device", "isa-debug-exit,iobase=0xf4,iosize=4"}));
}

TEST(QemuCommand, KvmMachineAndEmptyCommandLine) {
    QemuInvocation inv;
    inv.qemu_binary = "qemu";
    inv.image_path = "img";
    inv.mem_bytes = kGiB;
    inv.machine = "q35";
    inv.use_kvm = true;
    std::vector<std::string> args = qemu_arguments(inv);
    EXPECT_TRUE(contains_sequence(args, {"-M", "q35"}));
    EXPECT_TRUE(contains_sequence(args, {"-accel", "kvm", "-cpu", "host"}));
    EXPECT_TRUE(contains_sequence(args, {"-m", "1024M"}));
    EXPECT_FALSE(contains_sequence(args, {"-append"}));
}

TEST(QemuCommand, SeveralCpusGetSmpAndOneGetsNone) {
    QemuInvocation inv;
    inv.qemu_binary = "qemu";
    inv.image_path = "app.img";
    inv.mem_bytes = 64 * kMiB;
    EXPECT_FALSE(contains_sequence(qemu_arguments(inv), {"-smp"}));
    inv.cpus = 4;
    EXPECT_TRUE(contains_sequence(qemu_arguments(inv), {"-smp", "4"}));
}

TEST(QemuCommand, TheCpuCountTravelsAsAKernelOptionAndAConfigRecord) {
    EXPECT_EQ(cpus_kernel_option(4), "cpus=4");
    EXPECT_EQ(cpus_in_records({"a/prog", "kcpus=4"}), 4u);
    EXPECT_EQ(cpus_in_records({"a/prog", "elog=1"}), std::nullopt);
    EXPECT_EQ(cpus_in_records({"kcpus=0"}), std::nullopt);
    EXPECT_EQ(cpus_in_records({"kcpus=99"}), std::nullopt);
}

TEST(QemuCommand, MemoryRoundsUpToWholeMebibytes) {
    EXPECT_EQ(qemu_memory_argument(64 * kMiB), "64M");
    EXPECT_EQ(qemu_memory_argument(64 * kMiB + 1), "65M");
    EXPECT_EQ(qemu_memory_argument(4096), "1M");
}

TEST(QemuCommand, BootCommandLine) {
    EXPECT_EQ(boot_command_line("/app", {}, {}, std::nullopt), "");
    // Arguments replace the image's, so argv[0] travels with them.
    EXPECT_EQ(boot_command_line("/app", {"a b", "--x"}, {}, std::nullopt),
              "ingot.a=/app ingot.a=a%20b ingot.a=--x");
    EXPECT_EQ(boot_command_line("/app", {}, {"K=v w", "E="}, std::string("debug")),
              "ingot.e=K=v%20w ingot.e=E= ingot.k=log=debug");
    EXPECT_EQ(boot_command_line("/app", {""}, {}, std::nullopt), "ingot.a=/app ingot.a=");
}

TEST(QemuCommand, ShellQuote) {
    EXPECT_EQ(shell_quote({"qemu", "-m", "64M"}), "qemu -m 64M");
    EXPECT_EQ(shell_quote({"a b", "", "it's", "x=1,y"}), "'a b' '' 'it'\\''s' x=1,y");
}

}  // namespace
