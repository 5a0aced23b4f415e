// fallocate(2) on ext4 through the VFS: holes become unwritten extents that read as zeros,
// writes into them turn their blocks into written ones (merging in order), the saved image
// is clean to e2fsck -fn and reads back the same through debugfs. Files of ext2 (indirect
// blocks) refuse, as Linux's do.
#include <fs/disk_mount.h>
#include <fs/open_flags.h>

#include "ext2_test_fixture.h"

namespace ingot::ext2_test {
namespace {

class Ext2FallocateTest : public Ext2Test, public ::testing::WithParamInterface<const char*> {
protected:
    void SetUp() override {
        Ext2Test::SetUp();
        ASSERT_TRUE(make_and_mount("ext4", GetParam(), 16384));
    }
    uint64_t free_blocks() {
        FsUsage usage{};
        inode_at("/mnt")->fs().usage(usage);
        return usage.free_blocks;
    }
    uint64_t block_size() {
        FsUsage usage{};
        inode_at("/mnt")->fs().usage(usage);
        return usage.block_size;
    }
    // debugfs's extent listing of the file.
    std::string extents(const std::string& path) { return debugfs(image_path(), "ex " + path).output; }
    static size_t count(const std::string& text, const std::string& word) {
        size_t n = 0;
        for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
        return n;
    }
};

TEST_P(Ext2FallocateTest, PreallocatedRangeReadsAsZerosAndGrowsTheFile) {
    ASSERT_TRUE(write_text("/mnt/f", "head").ok());
    uint64_t before = free_blocks();
    InodeRef file = inode_at("/mnt/f");
    ASSERT_TRUE(file->allocate(0, 1 << 20, false).ok());
    EXPECT_EQ(file->size(), 1u << 20);
    EXPECT_GE(file->allocated_bytes(), 1u << 20);
    EXPECT_GE(before - free_blocks(), (1u << 20) / block_size() - 1);  // the first block was there
    std::string expected(1 << 20, '\0');
    expected.replace(0, 4, "head");
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    // Allocating again what is already allocated takes nothing more.
    uint64_t after = free_blocks();
    ASSERT_TRUE(file->allocate(4096, 8192, false).ok());
    EXPECT_EQ(free_blocks(), after);
    file = nullptr;
    expect_fsck_clean();
    EXPECT_NE(extents("/f").find("Uninit"), std::string::npos) << extents("/f");
    EXPECT_TRUE(debugfs(image_path(), "cat /f").output == expected);
}

TEST_P(Ext2FallocateTest, WritesIntoThePreallocationBecomeWrittenExtents) {
    ASSERT_TRUE(write_text("/mnt/f", "").ok());
    InodeRef file = inode_at("/mnt/f");
    ASSERT_TRUE(file->allocate(0, 600000, false).ok());
    uint64_t allocated = file->allocated_bytes(), free_before = free_blocks();
    std::string expected(600000, '\0');
    // One write in the middle of an unwritten run splits it in three.
    ASSERT_TRUE(write_text("/mnt/f", "MIDDLE", 300005, false).ok());
    expected.replace(300005, 6, "MIDDLE");
    // Then the file from its start in order: the written part stays one growing extent.
    std::string text(200000, 'w');
    ASSERT_TRUE(write_text("/mnt/f", text, 0, false).ok());
    expected.replace(0, text.size(), text);
    EXPECT_EQ(file->allocated_bytes(), allocated);  // nothing new was allocated
    EXPECT_EQ(free_blocks(), free_before);
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    file = nullptr;
    unmount_and_save();
    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    expect_fsck_clean();
    EXPECT_TRUE(debugfs(image_path(), "cat /f").output == expected);
    // The written start, the unwritten rest up to MIDDLE, its block, the unwritten tail.
    std::string listing = extents("/f");
    EXPECT_EQ(count(listing, "Uninit"), 2u) << listing;
}

TEST_P(Ext2FallocateTest, KeepSizeAllocatesPastTheEndWithoutGrowing) {
    ASSERT_TRUE(write_text("/mnt/f", "12345").ok());
    InodeRef file = inode_at("/mnt/f");
    ASSERT_TRUE(file->allocate(0, 256 * 1024, true).ok());
    EXPECT_EQ(file->size(), 5u);
    EXPECT_GE(file->allocated_bytes(), 256u * 1024);
    EXPECT_EQ(read_text("/mnt/f"), "12345");
    // Growing over the preallocation reads zeros, then a write lands in it.
    ASSERT_TRUE(write_text("/mnt/f", "end", 200000, false).ok());
    std::string expected(200003, '\0');
    expected.replace(0, 5, "12345");
    expected.replace(200000, 3, "end");
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    file = nullptr;
    expect_fsck_clean();
    EXPECT_TRUE(debugfs(image_path(), "cat /f").output == expected);
}

TEST_P(Ext2FallocateTest, TooLargeForTheDiskFailsWithoutAllocating) {
    ASSERT_TRUE(write_text("/mnt/f", "").ok());
    InodeRef file = inode_at("/mnt/f");
    uint64_t before = free_blocks();
    EXPECT_EQ(file->allocate(0, 64ull << 20, false).error(), Errno{ENOSPC});
    EXPECT_EQ(free_blocks(), before);
    EXPECT_EQ(file->size(), 0u);
    file = nullptr;
    expect_fsck_clean();
}

std::string pattern(size_t size, unsigned seed) {
    std::string text(size, '\0');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + seed + i / 997) % 26);
    return text;
}

// FALLOC_FL_PUNCH_HOLE: the blocks wholly inside the range are freed (an extent split in two
// around them), the partial ends are zeroed, the size stays.
TEST_P(Ext2FallocateTest, PunchingAHoleFreesItsBlocksAndReadsAsZeros) {
    const uint64_t bs = block_size();
    std::string expected = pattern(200000, 3);
    ASSERT_TRUE(write_text("/mnt/f", expected).ok());
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    uint64_t before = free_blocks();
    InodeRef file = inode_at("/mnt/f");
    const uint64_t offset = 50001, length = 100000;
    ASSERT_TRUE(file->punch_hole(offset, length).ok());
    EXPECT_EQ(file->size(), 200000u);
    expected.replace(offset, length, std::string(length, '\0'));
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    const uint64_t whole = (offset + length) / bs - (offset + bs - 1) / bs;
    EXPECT_EQ(free_blocks() - before, whole);
    // lseek's SEEK_HOLE and SEEK_DATA find the hole.
    const uint64_t hole = (offset + bs - 1) / bs * bs, data_again = (offset + length) / bs * bs;
    EXPECT_EQ(file->next_hole(0), hole);
    EXPECT_EQ(file->next_data(hole), data_again);
    EXPECT_EQ(file->next_data(10), 10u);
    EXPECT_EQ(file->next_hole(data_again), 200000u);
    // Punching within one block only zeroes; past the end nothing happens.
    ASSERT_TRUE(file->punch_hole(10, 20).ok());
    expected.replace(10, 20, std::string(20, '\0'));
    ASSERT_TRUE(file->punch_hole(300000, 4096).ok());
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    file = nullptr;
    expect_fsck_clean();
    EXPECT_TRUE(debugfs(image_path(), "cat /f").output == expected);
    EXPECT_GE(count(extents("/f"), "\n"), 3u) << extents("/f");  // a heading and two extents
    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(read_text("/mnt/f") == expected);
}

// Every other block punched out of a long file: each hole splits an extent, so the leaves
// fill, split and the tree grows; then punching the whole file frees every block, the tree's
// own included.
TEST_P(Ext2FallocateTest, ManyHolesGrowTheTreeAndAWholePunchFreesEverything) {
    const uint64_t bs = block_size();
    const uint64_t blocks = 1200;
    ASSERT_TRUE(write_text("/mnt/f", "").ok());
    uint64_t empty = free_blocks();
    std::string expected = pattern(blocks * bs, 4);
    ASSERT_TRUE(write_text("/mnt/f", expected).ok());
    InodeRef file = inode_at("/mnt/f");
    for (uint64_t b = 1; b < blocks; b += 2) {
        ASSERT_TRUE(file->punch_hole(b * bs, bs).ok()) << b;
        expected.replace(b * bs, bs, std::string(bs, '\0'));
    }
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    file = nullptr;
    expect_fsck_clean();
    EXPECT_TRUE(debugfs(image_path(), "cat /f").output == expected);
    EXPECT_NE(debugfs(image_path(), "stat /f").output.find("(ETB0)"), std::string::npos);  // a leaf block
    ASSERT_TRUE(mount_device().ok());
    file = inode_at("/mnt/f");
    ASSERT_TRUE(file->punch_hole(0, blocks * bs).ok());
    EXPECT_EQ(free_blocks(), empty);
    EXPECT_TRUE(read_text("/mnt/f") == std::string(blocks * bs, '\0'));
    file = nullptr;
    expect_fsck_clean();
}

// FALLOC_FL_ZERO_RANGE as ext4 does it: the range reads as zeros, its whole blocks become
// unwritten extents (the space stays taken), and without KEEP_SIZE it may grow the file.
TEST_P(Ext2FallocateTest, ZeroRangeLeavesZerosInUnwrittenExtents) {
    std::string expected = pattern(200000, 5);
    ASSERT_TRUE(write_text("/mnt/f", expected).ok());
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    uint64_t before = free_blocks();
    InodeRef file = inode_at("/mnt/f");
    ASSERT_TRUE(file->zero_range(50001, 100000, false).ok());
    expected.replace(50001, 100000, std::string(100000, '\0'));
    EXPECT_EQ(free_blocks(), before);  // freed and taken again
    ASSERT_TRUE(file->zero_range(190000, 20000, true).ok());
    expected.replace(190000, 10000, std::string(10000, '\0'));
    EXPECT_EQ(file->size(), 200000u);
    ASSERT_TRUE(file->zero_range(199000, 11000, false).ok());
    expected.replace(199000, 1000, std::string(1000, '\0'));
    expected.resize(210000, '\0');
    EXPECT_EQ(file->size(), 210000u);
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    file = nullptr;
    expect_fsck_clean();
    EXPECT_NE(extents("/f").find("Uninit"), std::string::npos) << extents("/f");
    EXPECT_TRUE(debugfs(image_path(), "cat /f").output == expected);
}

// A hole punched into preallocated (unwritten) extents keeps their kind on both sides.
TEST_P(Ext2FallocateTest, PunchingIntoAPreallocationKeepsItUnwritten) {
    ASSERT_TRUE(write_text("/mnt/f", "").ok());
    InodeRef file = inode_at("/mnt/f");
    ASSERT_TRUE(file->allocate(0, 256 * 1024, false).ok());
    ASSERT_TRUE(file->punch_hole(64 * 1024, 64 * 1024).ok());
    EXPECT_TRUE(read_text("/mnt/f") == std::string(256 * 1024, '\0'));
    file = nullptr;
    expect_fsck_clean();
    EXPECT_EQ(count(extents("/f"), "Uninit"), 2u) << extents("/f");
}

// Linux's ext4 preallocates in extent-mapped files only; an ext2 file says EOPNOTSUPP (glibc's
// posix_fallocate then writes zeros itself).
using Ext2Fallocate = Ext2Test;

TEST_F(Ext2Fallocate, FilesWithoutExtentsRefuse) {
    ASSERT_TRUE(make_and_mount("ext2", "-b 1024", 4096));
    ASSERT_TRUE(write_text("/mnt/f", "x").ok());
    EXPECT_EQ(inode_at("/mnt/f")->allocate(0, 8192, false).error(), Errno{EOPNOTSUPP});
    EXPECT_EQ(inode_at("/mnt/f")->punch_hole(0, 1).error(), Errno{EOPNOTSUPP});
    EXPECT_EQ(inode_at("/mnt/f")->zero_range(0, 1, true).error(), Errno{EOPNOTSUPP});
    EXPECT_EQ(inode_at("/mnt/f")->size(), 1u);
}

// Unwritten extents that the host's tools made (debugfs fallocate, past the end of a file) are
// written into as Ingot's own: before, such a write failed with EIO.
TEST_F(Ext2Fallocate, WritesIntoUnwrittenExtentsMadeOnTheHost) {
    scratch_.write("fill/f", std::string(5000, 'h'));
    ASSERT_TRUE(make_and_mount("ext4", "-b 1024", 4096, fill_dir()));
    unmount_and_save();
    ASSERT_EQ(run_command("PATH=$PATH:/usr/sbin:/sbin debugfs -w -R 'fallocate /f 0 300' '" + image_path() + "'").status, 0);
    ASSERT_NE(debugfs(image_path(), "ex /f").output.find("Uninit"), std::string::npos);
    device_ = std::make_unique<MemoryBlockDevice>(MemoryBlockDevice::load(image_path()));
    ASSERT_TRUE(mount_device().ok());
    ASSERT_TRUE(write_text("/mnt/f", "tail", 100000, false).ok());
    std::string expected(100004, '\0');
    expected.replace(0, 5000, std::string(5000, 'h'));
    expected.replace(100000, 4, "tail");
    EXPECT_TRUE(read_text("/mnt/f") == expected);
    expect_fsck_clean();
    EXPECT_TRUE(debugfs(image_path(), "cat /f").output == expected);
}

const char* const kLayouts[] = {"-b 1024", "-O ^metadata_csum -b 4096"};
const char* const kLayoutNames[] = {"MetadataCsum1K", "Blocks4K"};

std::string layout_name(const ::testing::TestParamInfo<const char*>& info) { return kLayoutNames[info.index]; }

INSTANTIATE_TEST_SUITE_P(Layouts, Ext2FallocateTest, ::testing::ValuesIn(kLayouts), layout_name);

}  // namespace
}  // namespace ingot::ext2_test
