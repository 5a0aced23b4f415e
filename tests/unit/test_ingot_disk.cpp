// Disks on the ingot command line: --disk and --volume for run, --volume for build, and
// `ingot disk create`, with the QEMU and mke2fs arguments they lead to.
#include <ingot/command_line.h>
#include <ingot/disk_create.h>
#include <ingot/disk_options.h>
#include <ingot/tool_error.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace ingot::tool;
using Action = ParsedCommandLine::Action;
using Strings = std::vector<std::string>;

ParsedCommandLine parse(Strings args) {
    args.insert(args.begin(), "ingot");
    return parse_command_line(args);
}

std::string usage_error_of(Strings args) {
    try {
        parse(args);
    } catch (const ToolError& e) {
        EXPECT_EQ(e.status(), kStatusUsage);
        std::string message = e.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        return message;
    }
    ADD_FAILURE() << "no usage error";
    return "";
}

TEST(DiskCommandLine, RunDisksComeFirstThenVolumes) {
    ParsedCommandLine p = parse({"run", "app.img", "--volume", "data.img:/data", "--disk", "a.img", "--disk",
                                 "b.img:ro", "--volume", "logs.img:/var/log:ro"});
    ASSERT_EQ(p.action, Action::Run);
    const auto& disks = p.run.disks.disks;
    ASSERT_EQ(disks.size(), 4u);
    EXPECT_EQ(disks[0].file, "a.img");
    EXPECT_FALSE(disks[0].read_only);
    EXPECT_EQ(disks[1].file, "b.img");
    EXPECT_TRUE(disks[1].read_only);
    EXPECT_EQ(disks[2].file, "data.img");
    EXPECT_EQ(disks[3].file, "logs.img");
    EXPECT_TRUE(disks[3].read_only);
    EXPECT_EQ(p.run.disks.kernel_options, (Strings{"mount.2=rw:/data", "mount.3=ro:/var/log"}));
}

TEST(DiskCommandLine, RunRefusesMalformedVolumes) {
    EXPECT_NE(usage_error_of({"run", "a", "--volume", "data.img"}).find("FILE:/PATH"), std::string::npos);
    EXPECT_NE(usage_error_of({"run", "a", "--volume", ":/data"}).find("FILE:/PATH"), std::string::npos);
    EXPECT_NE(usage_error_of({"run", "a", "--volume", "d.img:/"}).find("absolute path other than /"),
              std::string::npos);
    EXPECT_NE(usage_error_of({"run", "a", "--disk", ":ro"}).find("--disk"), std::string::npos);
    Strings many = {"run", "a"};
    for (int i = 0; i < 27; ++i) many.insert(many.end(), {"--disk", "d" + std::to_string(i)});
    EXPECT_NE(usage_error_of(many).find("too many disks"), std::string::npos);
}

TEST(DiskCommandLine, BuildStoresMountRequestsOnly) {
    ParsedCommandLine p = parse({"build", "prog", "-o", "x.img", "--volume", "/data", "--volume", "/cfg:ro"});
    ASSERT_EQ(p.action, Action::Build);
    EXPECT_EQ(p.build.mount_options, (Strings{"mount.0=rw:/data", "mount.1=ro:/cfg"}));
    EXPECT_NE(usage_error_of({"build", "prog", "-o", "x.img", "--volume", "d.img:/data"}).find("--disk"),
              std::string::npos);
}

TEST(DiskCommandLine, DiskCreate) {
    ParsedCommandLine p = parse({"disk", "create", "d.img", "--size", "64M", "--from", "dir"});
    ASSERT_EQ(p.action, Action::DiskCreate);
    EXPECT_EQ(p.disk_create.file, "d.img");
    EXPECT_EQ(p.disk_create.size_bytes, 64u << 20);
    EXPECT_EQ(p.disk_create.type, "ext4");
    EXPECT_EQ(*p.disk_create.from_dir, "dir");
    EXPECT_FALSE(p.disk_create.force);
    EXPECT_TRUE(parse({"disk", "create", "d.img", "--size", "1G", "--type", "ext2", "--force"}).disk_create.force);
}

TEST(DiskCommandLine, DiskCreateErrors) {
    EXPECT_NE(usage_error_of({"disk", "create", "d.img"}).find("--size"), std::string::npos);
    EXPECT_NE(usage_error_of({"disk", "create", "d.img", "--size", "lots"}).find("invalid size"), std::string::npos);
    EXPECT_NE(usage_error_of({"disk", "create", "d.img", "--size", "100K"}).find("too small"), std::string::npos);
    EXPECT_NE(usage_error_of({"disk", "create", "d.img", "--size", "8M", "--type", "xfs"}).find("ext4 or ext2"),
              std::string::npos);
    usage_error_of({"disk"});
}

TEST(DiskArguments, MicrovmUsesModernVirtioMmio) {
    Strings args = qemu_disk_arguments({{"a,b.img", false}, {"c.img", true}}, "microvm");
    EXPECT_EQ(args, (Strings{"-global", "virtio-mmio.force-legacy=false",
                             "-drive", "file=a,,b.img,if=none,id=disk0,format=raw,cache=writeback,discard=unmap",
                             "-device", "virtio-blk-device,drive=disk0",
                             "-drive", "file=c.img,if=none,id=disk1,format=raw,cache=writeback,readonly=on",
                             "-device", "virtio-blk-device,drive=disk1"}));
}

TEST(DiskArguments, PcAndQ35UseVirtioPci) {
    Strings args = qemu_disk_arguments({{"a.img", false}}, "q35");
    EXPECT_EQ(args, (Strings{"-drive", "file=a.img,if=none,id=disk0,format=raw,cache=writeback,discard=unmap", "-device",
                             "virtio-blk-pci,drive=disk0"}));
    EXPECT_TRUE(qemu_disk_arguments({}, "pc").empty());
}

TEST(DiskArguments, Mke2fsGetsTheFeatureListAndSizeInKiB) {
    DiskCreateOptions options;
    options.file = "d.img";
    options.size_bytes = 64 << 20;
    options.from_dir = "root";
    EXPECT_EQ(mke2fs_arguments(options, "/sbin/mke2fs"),
              (Strings{"/sbin/mke2fs", "-q", "-F", "-t", "ext4", "-O", kExt4Features, "-b", "4096", "-E",
                       "root_owner=0:0", "-d", "root", "d.img", "65536k"}));
    options.type = "ext2";
    options.from_dir.reset();
    EXPECT_EQ(mke2fs_arguments(options, "mke2fs"),
              (Strings{"mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-E", "root_owner=0:0", "d.img", "65536k"}));
    options.size_bytes = 4 << 20;  // too small for a journal in 4 KiB blocks: mke2fs chooses
    EXPECT_EQ(mke2fs_arguments(options, "mke2fs"),
              (Strings{"mke2fs", "-q", "-F", "-t", "ext2", "-E", "root_owner=0:0", "d.img", "4096k"}));
}

TEST(DiskFiles, MissingAndDirectoryAreInputErrors) {
    try {
        check_disk_files({{"/nonexistent/disk.img", false}});
        ADD_FAILURE();
    } catch (const ToolError& e) {
        EXPECT_EQ(e.status(), kStatusBadInput);
        EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos);
    }
    try {
        check_disk_files({{"/", true}});
        ADD_FAILURE();
    } catch (const ToolError& e) {
        EXPECT_EQ(e.status(), kStatusBadInput);
        EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos);
    }
}

}  // namespace
