// The ext2 block cache and memory: it grows into free memory, leaves the reserve of
// mm/reclaim.h free between operations, and gives clean blocks back to allocations that would
// otherwise fail. The simulated machine has 64 MiB of RAM (fakes/fake_machine.cpp).
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>

#include "ext2_test_fixture.h"

#include <vector>

namespace ingot::ext2_test {
namespace {

constexpr size_t kMiB = 1 << 20;

std::string pattern(size_t size, unsigned seed) {
    std::string text(size, '\0');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + seed + i / 4093) % 26);
    return text;
}

class Ext2CacheMemoryTest : public Ext2Test {
protected:
    void SetUp() override {
        Ext2Test::SetUp();
        ASSERT_TRUE(make_and_mount("ext4", "", 40 * 1024));
    }
    void TearDown() override {
        for (uint64_t frame : held_) physical_pages().free(frame);
        Ext2Test::TearDown();
    }
    // Writes the file, then unmounts and mounts again: its blocks are on the disk, none cached.
    void write_to_disk(const std::string& name, const std::string& text) {
        ASSERT_TRUE(write_text("/mnt/" + name, text).ok());
        unmount_and_save();
        ASSERT_TRUE(mount_device().ok());
    }
    // Takes free frames from the page allocator itself (no reclaim) until `left` are free.
    void hold_all_but(size_t left) {
        while (physical_pages().free_pages() > left) held_.push_back(physical_pages().allocate().value());
    }

    std::vector<uint64_t> held_;
};

TEST_F(Ext2CacheMemoryTest, AllocationsTakeCleanBlocksBack) {
    std::string text = pattern(8 * kMiB, 1);
    write_to_disk("f", text);
    ASSERT_TRUE(read_text("/mnt/f") == text);
    size_t cached = reclaimable_pages();
    EXPECT_GE(cached, 8 * kMiB / kPageSize);
    size_t free_before = physical_pages().free_pages();

    // Everything free, then the cache's clean blocks, one allocation at a time.
    std::vector<uint64_t> taken;
    for (;;) {
        Result<uint64_t> frame = allocate_frames();
        if (!frame.ok()) break;
        taken.push_back(frame.value());
    }
    EXPECT_GE(taken.size(), free_before + cached - 16);  // the last operation's few blocks stay
    EXPECT_LT(reclaimable_pages(), 16u);
    for (uint64_t frame : taken) physical_pages().free(frame);

    EXPECT_TRUE(read_text("/mnt/f") == text);  // read again from the disk
    expect_fsck_clean();
}

TEST_F(Ext2CacheMemoryTest, AReadLargerThanFreeMemorySucceedsAndLeavesTheReserveFree) {
    std::string text = pattern(24 * kMiB, 2);
    write_to_disk("big", text);
    InodeRef file = inode_at("/mnt/big");  // not retired (its inode read again) when read_text ends
    hold_all_but(reserved_free_pages() + 4 * kMiB / kPageSize);
    // One call, six times the memory left: each step's blocks are given back during the next.
    EXPECT_TRUE(read_text("/mnt/big") == text);
    EXPECT_GE(physical_pages().free_pages(), reserved_free_pages());
}

TEST_F(Ext2CacheMemoryTest, TheCacheGrowsIntoFreeMemoryButNotIntoTheReserve) {
    std::string text = pattern(16 * kMiB, 3);
    write_to_disk("g", text);
    InodeRef file = inode_at("/mnt/g");    ASSERT_TRUE(read_text("/mnt/g") == text);
    EXPECT_GE(reclaimable_pages(), 16 * kMiB / kPageSize);  // all of it stayed cached
    hold_all_but(reserved_free_pages() / 2);                // someone else took memory meanwhile
    EXPECT_TRUE(read_text("/mnt/g") == text);  // from the cache, which then shrinks for the others
    EXPECT_GE(physical_pages().free_pages(), reserved_free_pages());
}

// posix_fadvise(DONTNEED) drops the file's clean blocks, and walks a sparse file hole by hole:
// one lookup per hole, whatever its size, with extents and with indirect blocks alike.
class Ext2DontNeedTest : public Ext2Test, public ::testing::WithParamInterface<const char*> {};

TEST_P(Ext2DontNeedTest, DropsEveryCachedBlockOfASparseFileHoleByHole) {
    ASSERT_TRUE(make_and_mount(GetParam(), "-b 4096", 16 * 1024));
    // Data in a direct block, under the single, double and triple indirect blocks (where the
    // file has them), and at 2 TiB: holes of every size between them.
    const uint64_t offsets[] = {0, 48 << 10, 5ull << 20, 3ull << 30, 2ull << 40};
    for (uint64_t offset : offsets) ASSERT_TRUE(write_text("/mnt/sparse", pattern(4096, 5), offset, false).ok());
    unmount_and_save();
    ASSERT_TRUE(mount_device().ok());
    InodeRef file = inode_at("/mnt/sparse");
    std::string block(4096, '\0');
    for (uint64_t offset : offsets) {
        IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(reinterpret_cast<uint8_t*>(block.data()), block.size()));
        ASSERT_EQ(file->read_at(offset, dst).value(), 4096u);
        EXPECT_TRUE(block == pattern(4096, 5));
    }
    size_t cached = reclaimable_pages();
    file->drop_cached(0, 0);  // 2 TiB of range: a walk block by block would not end in time
    EXPECT_LE(reclaimable_pages() + std::size(offsets), cached);
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(reinterpret_cast<uint8_t*>(block.data()), block.size()));
    ASSERT_EQ(file->read_at(2ull << 40, dst).value(), 4096u);  // read again from the disk
    EXPECT_TRUE(block == pattern(4096, 5));
}

INSTANTIATE_TEST_SUITE_P(Layouts, Ext2DontNeedTest, ::testing::Values("ext4", "ext2"));

}  // namespace
}  // namespace ingot::ext2_test
