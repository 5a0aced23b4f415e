// Crash safety of ext4 with its journal, end to end through the VFS: one consistent point
// (create, write, rename, unlink, mkdir, then sync) is cut by a power failure after every
// possible number of device writes, with the unflushed writes lost, kept or half kept. The
// next mount replays the journal; the file system must then show all of the changes or none
// of them (all of them once sync returned), and the host's e2fsck -fn must find it clean.
#include <fs/disk_mount.h>
#include <fs/open_flags.h>
#include <fs/vfs.h>

#include "fakes/ext2_image_tools.h"
#include "fakes/fs_test_support.h"
#include "fakes/image_block_device.h"

#include <functional>
#include <memory>
#include <string>

namespace ingot::ext2_test {
namespace {

using test::ImageBlockDevice;

std::string pattern(size_t size, char seed) {
    std::string text(size, '\0');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>(seed + (i * 7 + i / 1000) % 23);
    return text;
}

const std::string kOldA = pattern(6000, 'a');  // several blocks, freed by the crashing unlink
const std::string kVictim = pattern(1500, 'v');
const std::string kNew = pattern(9000, 'n');   // may land on /mnt/a's freed blocks

class Ext2JournalCrash : public fs_test::FsTest, public ::testing::WithParamInterface<const char*> {
protected:
    void SetUp() override {
        FsTest::SetUp();
        if (run_command("command -v mke2fs && command -v e2fsck").status != 0)
            GTEST_SKIP() << "e2fsprogs (mke2fs, e2fsck) is not installed";
        std::vector<uint8_t> bytes = make_image(image_path(), "ext4", GetParam(), 8192);
        ASSERT_FALSE(bytes.empty());
        // The durable starting point: /mnt/a and /mnt/d/victim, synced.
        ImageBlockDevice device(std::move(bytes));
        ASSERT_TRUE(mount_disk(device, "/mnt", false).ok());
        ASSERT_TRUE(write_file("/mnt/a", kOldA).ok());
        ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/d", 0755).ok());
        ASSERT_TRUE(write_file("/mnt/d/victim", kVictim).ok());
        unmount_all_disks();
        base_ = device.image();
    }
    void TearDown() override {
        unmount_all_disks();
        FsTest::TearDown();
    }

    std::string image_path() const { return scratch_.file("disk.img"); }

    static Result<void> write_file(const std::string& path, const std::string& text) {
        OpenFileRef file = TRY(vfs::open(vfs::root(), path, kOpenCreate | kOpenReadWrite | kOpenTruncate, 0644));
        IoBuffer src = IoBuffer::kernel_source(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
        size_t written = TRY(file->inode()->write_at(0, src));
        return written == text.size() ? Result<void>{} : Result<void>{Errno{EIO}};
    }
    static std::string read_file(const std::string& path) {
        Result<ResolvedPath> found = vfs::lookup(vfs::root(), path, true);
        if (!found.ok()) return "<errno " + std::to_string(static_cast<int>(found.error())) + ">";
        InodeRef inode = found.value().inode;
        if (inode->is_directory()) return "<directory>";
        std::string text(inode->size(), '\0');
        IoBuffer dst = IoBuffer::kernel(std::span(reinterpret_cast<uint8_t*>(text.data()), text.size()));
        Result<size_t> got = inode->read_at(0, dst);
        if (!got.ok()) return "<errno " + std::to_string(static_cast<int>(got.error())) + ">";
        text.resize(got.value());
        return text;
    }

    // The consistent point under test; true when every step (sync included) succeeded.
    static bool change_and_sync() {
        bool ok = vfs::unlink(vfs::root(), "/mnt/a").ok();
        ok = write_file("/mnt/new", kNew).ok() && ok;
        ok = vfs::rename(vfs::root(), "/mnt/d/victim", vfs::root(), "/mnt/b", false).ok() && ok;
        ok = vfs::make_directory(vfs::root(), "/mnt/e", 0700).ok() && ok;
        Result<ResolvedPath> mnt = vfs::lookup(vfs::root(), "/mnt", true);
        return mnt.ok() && mnt.value().inode->fs().sync().ok() && ok;
    }

    // How many device writes the change and its sync make when nothing fails; 0 on failure.
    uint64_t writes_of_a_whole_sync() {
        ImageBlockDevice reference(base_);
        if (!mount_disk(reference, "/mnt", false).ok()) return 0;
        uint64_t before = reference.writes();
        bool synced = change_and_sync();
        uint64_t writes = reference.writes() - before;
        unmount_all_disks();
        return synced ? writes : 0;
    }

    ScratchDir scratch_;
    std::vector<uint8_t> base_;
};

const std::string kMissing = "<errno " + std::to_string(ENOENT) + ">";

TEST_P(Ext2JournalCrash, EveryCrashPointLeavesAllOrNothingAndACleanDisk) {
    const uint64_t total_writes = writes_of_a_whole_sync();
    ASSERT_GT(total_writes, 10u);

    const std::function<bool(size_t)> keeps[] = {
        [](size_t) { return false; }, [](size_t) { return true; }, [](size_t i) { return i % 2 == 0; }};
    size_t saw_old = 0, saw_new = 0;
    for (uint64_t crash_at = 0; crash_at <= total_writes; ++crash_at) {
        ImageBlockDevice device(base_);
        ASSERT_TRUE(mount_disk(device, "/mnt", false).ok());
        device.fail_after_writes(crash_at);
        bool synced = change_and_sync();
        EXPECT_EQ(synced, crash_at == total_writes) << crash_at;
        unmount_all_disks();  // its writes fail: the power is off
        for (size_t k = 0; k < std::size(keeps); ++k) {
            SCOPED_TRACE(testing::Message() << "crash after write " << crash_at << " of " << total_writes
                                            << ", unflushed pattern " << k);
            ImageBlockDevice rebooted(device.after_power_loss(keeps[k]));
            ASSERT_TRUE(mount_disk(rebooted, "/mnt", false).ok());
            bool is_new = read_file("/mnt/new") == kNew;
            if (is_new) {
                ++saw_new;
                EXPECT_EQ(read_file("/mnt/a"), kMissing);
                EXPECT_EQ(read_file("/mnt/d/victim"), kMissing);
                EXPECT_TRUE(read_file("/mnt/b") == kVictim);
                EXPECT_EQ(read_file("/mnt/e"), "<directory>");
            } else {
                ++saw_old;
                EXPECT_FALSE(synced) << "a sync that succeeded was lost";
                EXPECT_EQ(read_file("/mnt/new"), kMissing);
                EXPECT_TRUE(read_file("/mnt/a") == kOldA) << "the unlinked file's blocks were reused before the commit";
                EXPECT_TRUE(read_file("/mnt/d/victim") == kVictim);
                EXPECT_EQ(read_file("/mnt/b"), kMissing);
                EXPECT_EQ(read_file("/mnt/e"), kMissing);
            }
            unmount_all_disks();
            ASSERT_TRUE(rebooted.save(image_path()));
            CommandResult checked = fsck(image_path());
            EXPECT_EQ(checked.status, 0) << checked.output;
            if (HasFailure()) return;  // one crash point's report is enough
        }
    }
    EXPECT_GT(saw_old, 0u);
    EXPECT_GT(saw_new, 0u);
}

TEST_P(Ext2JournalCrash, AJournalToReplayNeedsAWritableDisk) {
    // Cut the sync just before its last write (the journal superblock marking the log empty):
    // the transaction is committed and must be replayed.
    const uint64_t total_writes = writes_of_a_whole_sync();
    ASSERT_GT(total_writes, 0u);
    ImageBlockDevice device(base_);
    ASSERT_TRUE(mount_disk(device, "/mnt", false).ok());
    device.fail_after_writes(total_writes - 1);
    EXPECT_FALSE(change_and_sync());
    unmount_all_disks();
    std::vector<uint8_t> crashed = device.after_power_loss([](size_t) { return true; });

    ImageBlockDevice read_only_disk(crashed, true);
    EXPECT_EQ(mount_disk(read_only_disk, "/mnt", true).error(), Errno{EROFS});
    EXPECT_TRUE(read_only_disk.image() == crashed);

    // A read-only mount of a writable disk replays (as Linux does) and then writes nothing.
    ImageBlockDevice writable(crashed);
    ASSERT_TRUE(mount_disk(writable, "/mnt", true).ok());
    EXPECT_TRUE(read_file("/mnt/new") == kNew);
    EXPECT_EQ(read_file("/mnt/a"), kMissing);
    EXPECT_EQ(write_file("/mnt/more", "x").error(), Errno{EROFS});
    unmount_all_disks();
    ASSERT_TRUE(writable.save(image_path()));
    CommandResult checked = fsck(image_path());
    EXPECT_EQ(checked.status, 0) << checked.output;
}

// Without and with metadata_csum (the mkfs.ext4 default), whose journal gets v3 checksums.
const char* const kLayouts[] = {"-O ^metadata_csum -b 1024", "-O ^metadata_csum,^64bit -b 4096", "-b 1024",
                                "-O metadata_csum_seed,^64bit -b 4096"};
const char* const kLayoutNames[] = {"Blocks1K_64bit", "Blocks4K", "MetadataCsum1K_64bit", "MetadataCsumSeed4K"};

std::string layout_name(const ::testing::TestParamInfo<const char*>& info) { return kLayoutNames[info.index]; }

INSTANTIATE_TEST_SUITE_P(Layouts, Ext2JournalCrash, ::testing::ValuesIn(kLayouts), layout_name);

}  // namespace
}  // namespace ingot::ext2_test
