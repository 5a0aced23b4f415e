// Extent trees deeper than one index level: a sparse file written one block in every two has
// one extent per block, so a few hundred writes outgrow what the inode and one level of leaf
// blocks hold (4 x 84 extents with 1 KiB blocks). The tree must grow a second index level,
// read back the same through the kernel and through debugfs on the host, shrink again on
// truncation and be freed with the file, with e2fsck -fn clean each time.
#include <fs/disk_mount.h>
#include <fs/ext2/ext2_format.h>
#include <fs/vfs.h>

#include "ext2_test_fixture.h"
#include "fakes/fake_console.h"

#include <cstring>
#include <string>

namespace ingot::ext2_test {
namespace {

constexpr uint64_t kBlock = 1024;

std::string block_text(unsigned n) {
    std::string text(kBlock, '\0');
    for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + (n * 31 + i / 64) % 26);
    return text;
}

class Ext2DeepExtentTest : public Ext2Test {
protected:
    void SetUp() override {
        Ext2Test::SetUp();
        ASSERT_TRUE(make_and_mount("ext4", "-b 1024", 32768));
    }
    // Writes `count` blocks at every other block of `path`, in the given order of n.
    void write_every_other(const std::string& path, unsigned count, bool backwards) {
        for (unsigned k = 0; k < count; ++k) {
            unsigned n = backwards ? count - 1 - k : k;
            ASSERT_TRUE(write_text(path, block_text(n), 2 * n * kBlock, false).ok()) << "block " << n;
        }
    }
    std::string expected(unsigned count) {
        std::string text;
        for (unsigned n = 0; n < count; ++n) text += block_text(n) + (n + 1 < count ? std::string(kBlock, '\0') : "");
        return text;
    }
    // Writes `count` blocks every other block into a new file at path (backwards: from the end),
    // then checks it reads back the same here and through debugfs, and that e2fsck finds the
    // saved image clean; the disk is left unmounted.
    void write_and_check(const std::string& path, unsigned count, bool backwards) {
        ASSERT_TRUE(write_text(path, "", 0, true).ok());
        write_every_other(path, count, backwards);
        EXPECT_TRUE(read_text(path) == expected(count));
        expect_fsck_clean();
        EXPECT_TRUE(debugfs(image_path(), "cat " + path.substr(4)).output == expected(count));
    }
};

TEST_F(Ext2DeepExtentTest, AppendsGrowASecondIndexLevel) {
    // 4 root entries x 84 per leaf = 336 extents at depth 1: 2,000 need depth 2 (debugfs lists
    // index blocks as ETB0, the leaf blocks below them as ETB1).
    constexpr unsigned kCount = 2000;
    write_and_check("/mnt/sparse", kCount, false);
    std::string stat = debugfs(image_path(), "stat /sparse").output;
    EXPECT_NE(stat.find("ETB1"), std::string::npos) << "no second index level:\n" << stat.substr(0, 2000);
    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(read_text("/mnt/sparse") == expected(kCount));
}

TEST_F(Ext2DeepExtentTest, InsertsBeforeEveryOtherBlockKeepTheIndexKeysRight) {
    // Written from the end backwards: every block goes before all the others, so every split
    // happens at the front and every index key on the path has to come down.
    write_and_check("/mnt/back", 1200, true);
}

TEST_F(Ext2DeepExtentTest, TruncateAndUnlinkFreeEveryTreeBlock) {
    constexpr unsigned kCount = 1500;
    ASSERT_TRUE(write_text("/mnt/gone", "", 0, true).ok());
    write_every_other("/mnt/gone", kCount, false);
    ASSERT_TRUE(vfs::truncate(*inode_at("/mnt/gone"), 2 * 100 * kBlock).ok());
    EXPECT_TRUE(read_text("/mnt/gone") == expected(100) + std::string(kBlock, '\0'));
    expect_fsck_clean();
    ASSERT_TRUE(mount_device().ok());
    write_every_other("/mnt/gone", kCount, false);  // grows again from the shrunken tree
    EXPECT_TRUE(read_text("/mnt/gone") == expected(kCount));
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/gone").ok());
    expect_fsck_clean();  // e2fsck counts every block: a leaked tree block is an error
}

TEST_F(Ext2DeepExtentTest, ATreeBlockWhoseChecksumFailsGivesEio) {
    // metadata_csum (the mkfs.ext4 default): tree blocks written here carry a checksum that
    // reading checks, once per block read from the disk.
    constexpr unsigned kCount = 400;
    ASSERT_TRUE(write_text("/mnt/tree", "", 0, true).ok());
    write_every_other("/mnt/tree", kCount, false);
    uint32_t ino = static_cast<uint32_t>(inode_at("/mnt/tree")->inode_number());
    unmount_and_save();
    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(read_text("/mnt/tree") == expected(kCount));  // the checksums written are right
    unmount_all_disks();

    // The inode's i_block (a depth-1 root), found through the raw image: group 0 holds it.
    std::vector<uint8_t> image = device_->bytes();
    auto& sb = *reinterpret_cast<ext2::Superblock*>(&image[1024]);
    uint32_t bs = 1024u << sb.log_block_size;
    auto& gd = *reinterpret_cast<ext2::GroupDesc*>(&image[(sb.first_data_block + 1) * bs]);
    ASSERT_LE(ino, sb.inodes_per_group);
    auto& disk = *reinterpret_cast<ext2::DiskInode*>(&image[uint64_t{gd.inode_table_lo} * bs + (ino - 1) * sb.inode_size]);
    auto* root = reinterpret_cast<ext2::ExtentHeader*>(disk.block);
    ASSERT_GE(root->depth, 1);
    auto* index = reinterpret_cast<ext2::ExtentIndex*>(root + 1);
    uint8_t* leaf = &image[uint64_t{index->leaf_lo} * bs];
    leaf[sizeof(ext2::ExtentHeader) + 4] ^= 1;  // the first extent's length, by one
    device_ = std::make_unique<MemoryBlockDevice>(std::move(image));
    ASSERT_TRUE(mount_device().ok());
    fake_console::clear();
    EXPECT_EQ(read_text("/mnt/tree"), "<errno 5>");
    EXPECT_NE(fake_console::stderr_text().find("bad extent tree (checksum)"), std::string::npos);
}

}  // namespace
}  // namespace ingot::ext2_test
