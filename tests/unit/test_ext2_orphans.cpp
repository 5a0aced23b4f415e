// The orphan list: files unlinked while a program still holds them open, cut off by a crash.
// The image the power failure leaves must mount read-write with those inodes and their blocks
// freed, and e2fsck -fn must then find the file system clean; a damaged list mounts read-only.
#include <fs/disk_mount.h>
#include <fs/open_flags.h>
#include <fs/vfs.h>

#include "fakes/ext2_image_tools.h"
#include "fakes/fs_test_support.h"
#include "fakes/image_block_device.h"

#include <string>
#include <vector>

namespace ingot::ext2_test {
namespace {

using test::ImageBlockDevice;

class Ext2Orphans : public fs_test::FsTest, public ::testing::WithParamInterface<const char*> {
protected:
    void SetUp() override {
        FsTest::SetUp();
        if (run_command("command -v mke2fs && command -v e2fsck && command -v debugfs").status != 0)
            GTEST_SKIP() << "e2fsprogs (mke2fs, e2fsck, debugfs) is not installed";
        std::string type = std::string(GetParam()).find("ext2") == 0 ? "ext2" : "ext4";
        std::string options = type == "ext2" ? std::string(GetParam()).substr(4) : GetParam();
        image_ = make_image(image_path(), type, options, 8192);
        ASSERT_FALSE(image_.empty());
    }
    void TearDown() override {
        unmount_all_disks();
        FsTest::TearDown();
    }

    std::string image_path() const { return scratch_.file("disk.img"); }

    static OpenFileRef create(const std::string& path, size_t bytes) {
        Result<OpenFileRef> file = vfs::open(vfs::root(), path, kOpenCreate | kOpenReadWrite | kOpenTruncate, 0644);
        if (!file.ok()) return nullptr;
        std::string text(bytes, 'o');
        IoBuffer src = IoBuffer::kernel_source(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
        Result<size_t> written = file.value()->inode()->write_at(0, src);
        return written.ok() && written.value() == bytes ? file.value() : nullptr;
    }
    static bool sync_disk() { return vfs::lookup(vfs::root(), "/mnt", true).value().inode->fs().sync().ok(); }
    static FsUsage usage() {
        FsUsage u{};
        vfs::lookup(vfs::root(), "/mnt", true).value().inode->fs().usage(u);
        return u;
    }
    static bool exists(const std::string& path) { return vfs::lookup(vfs::root(), path, true).ok(); }

    // Mounts `image`, reports its usage, and unmounts; then e2fsck -fn must find it clean.
    void expect_clean_after_mount(const std::vector<uint8_t>& image, FsUsage& after) {
        ImageBlockDevice rebooted(image);
        ASSERT_TRUE(mount_disk(rebooted, "/mnt", false).ok());
        after = usage();
        EXPECT_TRUE(exists("/mnt/keep"));
        EXPECT_FALSE(exists("/mnt/doomed0"));
        unmount_all_disks();
        ASSERT_TRUE(rebooted.save(image_path()));
        CommandResult checked = fsck(image_path());
        EXPECT_EQ(checked.status, 0) << checked.output;
        EXPECT_EQ(debugfs(image_path(), "stats").output.find("First orphan inode:"), std::string::npos);
    }

    ScratchDir scratch_;
    std::vector<uint8_t> image_;
};

// Three files unlinked while open, one of them (from the middle of the list) closed before the
// crash: the mount after it frees the other two, and everything they held is free again.
TEST_P(Ext2Orphans, FilesUnlinkedWhileOpenAreFreedAtTheNextMount) {
    ImageBlockDevice device(image_);
    ASSERT_TRUE(mount_disk(device, "/mnt", false).ok());
    ASSERT_TRUE(create("/mnt/keep", 3000));
    ASSERT_TRUE(sync_disk());
    FsUsage before = usage();
    std::vector<OpenFileRef> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(create("/mnt/doomed" + std::to_string(i), 40000 + 9000 * i));
        ASSERT_TRUE(held.back());
        ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/doomed" + std::to_string(i)).ok());
    }
    ASSERT_TRUE(sync_disk());
    held[1] = nullptr;  // leaves the middle of the list
    ASSERT_TRUE(sync_disk());
    std::vector<uint8_t> crashed = device.after_power_loss([](size_t) { return true; });
    held.clear();
    unmount_all_disks();

    ASSERT_TRUE(ImageBlockDevice(crashed).save(image_path()));
    std::string stats = debugfs(image_path(), "stats").output;
    EXPECT_NE(stats.find("First orphan inode:"), std::string::npos) << "the crash left no orphan list:\n" << stats;

    FsUsage after{};
    expect_clean_after_mount(crashed, after);
    EXPECT_EQ(after.free_blocks, before.free_blocks);
    EXPECT_EQ(after.free_files, before.free_files);
}

// Closing them all before unmounting leaves no list behind.
TEST_P(Ext2Orphans, ACleanUnmountLeavesNoOrphans) {
    ImageBlockDevice device(image_);
    ASSERT_TRUE(mount_disk(device, "/mnt", false).ok());
    ASSERT_TRUE(create("/mnt/keep", 100));
    OpenFileRef first = create("/mnt/doomed0", 5000), second = create("/mnt/doomed1", 5000);
    ASSERT_TRUE(first && second);
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/doomed0").ok());
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/doomed1").ok());
    ASSERT_TRUE(sync_disk());
    first = nullptr;
    unmount_all_disks();  // `second` is still open: unmounting frees it
    second = nullptr;
    ASSERT_TRUE(device.save(image_path()));
    EXPECT_EQ(debugfs(image_path(), "stats").output.find("First orphan inode:"), std::string::npos);
    CommandResult checked = fsck(image_path());
    EXPECT_EQ(checked.status, 0) << checked.output;
}

// A list that points outside the inode table is not walked: the disk mounts read-only.
TEST_P(Ext2Orphans, ADamagedListMountsReadOnly) {
    ASSERT_EQ(run_command("PATH=$PATH:/usr/sbin:/sbin debugfs -w -R 'ssv last_orphan 999999' '" + image_path() + "'").status, 0);
    ImageBlockDevice device(ImageBlockDevice::load_file(image_path()));
    ASSERT_TRUE(mount_disk(device, "/mnt", false).ok());
    EXPECT_EQ(vfs::open(vfs::root(), "/mnt/new", kOpenCreate | kOpenReadWrite, 0644).error(), Errno{EROFS});
    unmount_all_disks();
    EXPECT_TRUE(device.image() == ImageBlockDevice::load_file(image_path()));
}

const char* const kLayouts[] = {"-b 1024", "-O ^metadata_csum,^64bit -b 4096", "ext2 -b 1024"};
const char* const kLayoutNames[] = {"Ext4Journal1K", "Ext4NoCsum4K", "Ext2"};

std::string layout_name(const ::testing::TestParamInfo<const char*>& info) { return kLayoutNames[info.index]; }

INSTANTIATE_TEST_SUITE_P(Layouts, Ext2Orphans, ::testing::ValuesIn(kLayouts), layout_name);

}  // namespace
}  // namespace ingot::ext2_test
