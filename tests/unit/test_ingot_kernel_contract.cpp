// What `ingot` writes, read back by the kernel's own parsers: the payload header, the config
// records and boot command line (image/boot_config.h), and the cpio root (fs/cpio.h).
// Kernel headers come first: host <cerrno> macros would otherwise clash with lib/errno.h names.
#include <fs/cpio.h>
#include <image/boot_config.h>
#include <image/payload.h>

#include <ingot/cpio_writer.h>
#include <ingot/payload_builder.h>
#include <ingot/qemu_command.h>

#include "elf_test_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace ingot::tool;

std::vector<std::string> strings(const std::vector<std::string_view>& views) {
    return {views.begin(), views.end()};
}

std::vector<uint8_t> config_bytes(const std::vector<std::string>& records) {
    std::vector<uint8_t> out;
    for (const std::string& r : records) {
        out.insert(out.end(), r.begin(), r.end());
        out.push_back(0);
    }
    return out;
}

TEST(KernelContract, PayloadParsesInTheKernel) {
    std::vector<uint8_t> program = ingot::testing::ElfTestBuilder::static_executable().build();
    CpioWriter writer;
    writer.add_file("etc/motd", 0644, 0, program);
    std::vector<uint8_t> files = writer.finish();
    PayloadContents c;
    c.program = program;
    c.files = files;
    c.records = make_config_records({"/app", "x"}, {"A=1"}, {"log=debug"});
    c.mem_bytes = 96u << 20;
    c.program_path = "/app";
    std::vector<uint8_t> payload = build_payload(c);
    payload.resize(payload.size() + 4096, 0);  // the kernel sees a window larger than the payload

    auto parsed = ingot::image::parse_payload(payload);
    ASSERT_TRUE(parsed.ok());
    const ingot::image::Payload& p = parsed.value();
    EXPECT_TRUE(std::equal(p.program.begin(), p.program.end(), program.begin(), program.end()));
    EXPECT_TRUE(std::equal(p.files.begin(), p.files.end(), files.begin(), files.end()));
    EXPECT_EQ(p.program_path, "/app");
    EXPECT_EQ(p.mem_bytes, 96u << 20);

    ingot::image::BootConfig config;
    ASSERT_TRUE(config.add_records(p.config).ok());
    EXPECT_EQ(strings(config.argv()), (std::vector<std::string>{"/app", "x"}));
    EXPECT_EQ(strings(config.envp()), std::vector<std::string>{"A=1"});
    EXPECT_EQ(config.option("log"), "debug");
}

TEST(KernelContract, BootCommandLineDecodesToTheSameStrings) {
    std::vector<std::string> args = {"hello world", "100%", "", "tab\there", "quote\"'", "\xC3\xA9", "a=b",
                                     "--flag"};
    std::vector<std::string> env = {"PATH=/bin:/usr/bin", "GREETING=hi there", "EMPTY="};
    std::string line = boot_command_line("/prog", args, env, std::string("debug"));
    // Hypervisors add their own tokens; the kernel ignores them.
    line = "console=ttyS0 " + line + " virtio_mmio.device=512@0xfeb00e00:12";

    // The config keeps views into the records, so they must outlive it.
    std::vector<uint8_t> records = config_bytes(make_config_records({"/prog", "stored"}, {"GREETING=old", "KEEP=1"}, {}));
    ingot::image::BootConfig config;
    ASSERT_TRUE(config.add_records(records).ok());
    ASSERT_TRUE(config.apply_command_line(line).ok());
    std::vector<std::string> expected_argv = {"/prog"};
    expected_argv.insert(expected_argv.end(), args.begin(), args.end());
    EXPECT_EQ(strings(config.argv()), expected_argv);
    std::vector<std::string> envp = strings(config.envp());
    EXPECT_NE(std::find(envp.begin(), envp.end(), "GREETING=hi there"), envp.end());
    EXPECT_EQ(std::find(envp.begin(), envp.end(), "GREETING=old"), envp.end());
    EXPECT_NE(std::find(envp.begin(), envp.end(), "KEEP=1"), envp.end());
    EXPECT_NE(std::find(envp.begin(), envp.end(), "PATH=/bin:/usr/bin"), envp.end());
    EXPECT_NE(std::find(envp.begin(), envp.end(), "EMPTY="), envp.end());
    EXPECT_EQ(config.option("log"), "debug");
}

TEST(KernelContract, CpioArchiveReadsInTheKernel) {
    CpioWriter writer;
    writer.add_directory("etc", 0755, 1);
    writer.add_file("etc/hosts", 0644, 2, std::vector<uint8_t>{'1', '2', '7'});
    writer.add_symlink("etc/alias", "hosts", 3);
    writer.add_file("empty", 0600, 4, {});
    std::vector<uint8_t> archive = writer.finish();

    ingot::CpioReader reader(archive);
    std::vector<std::string> names;
    ingot::CpioEntry entry;
    while (true) {
        auto more = reader.next(entry);
        ASSERT_TRUE(more.ok());
        if (!more.value()) break;
        names.push_back(std::string(entry.name));
        if (entry.name == "etc") EXPECT_TRUE(entry.is_directory());
        if (entry.name == "etc/hosts") {
            EXPECT_TRUE(entry.is_regular());
            EXPECT_EQ(std::string(entry.data.begin(), entry.data.end()), "127");
            EXPECT_EQ(entry.mode & 07777, 0644u);
        }
        if (entry.name == "etc/alias") {
            EXPECT_TRUE(entry.is_symlink());
            EXPECT_EQ(std::string(entry.data.begin(), entry.data.end()), "hosts");
        }
    }
    EXPECT_EQ(names, (std::vector<std::string>{"etc", "etc/hosts", "etc/alias", "empty"}));
    EXPECT_EQ(reader.offset(), archive.size());
}

}  // namespace
