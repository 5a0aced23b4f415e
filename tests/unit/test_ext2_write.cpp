// Writing ext2 and ext4 file systems through the VFS, then checking the saved image with the
// host's e2fsck -fn (must report it clean) and reading it back with debugfs.
#include <fs/disk_mount.h>
#include <fs/open_flags.h>

#include "ext2_test_fixture.h"
#include "fakes/fake_clock.h"

#include <cstdio>

namespace ingot::ext2_test {
namespace {

std::string pattern(size_t size, unsigned seed) {
    std::string text(size, '\0');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('A' + (i * 13 + seed + i / 777) % 26);
    return text;
}

struct Layout {
    const char* type;
    const char* options;
};

class Ext2WriteTest : public Ext2Test, public ::testing::WithParamInterface<Layout> {
protected:
    void SetUp() override {
        Ext2Test::SetUp();
        scratch_.write("fill/keep.txt", "kept\n");
        scratch_.write("fill/old/inner.txt", "inner\n");
        ASSERT_TRUE(make_and_mount(GetParam().type, GetParam().options, 16384, fill_dir()));
    }
    std::string host_cat(const std::string& path) { return debugfs(image_path(), "cat " + path).output; }
};

TEST_P(Ext2WriteTest, CreateWriteAndReadBackAfterRemount) {
    ASSERT_TRUE(write_text("/mnt/small.txt", "small file\n").ok());
    ASSERT_TRUE(write_text("/mnt/large.bin", pattern(700000, 5)).ok());
    ASSERT_TRUE(write_text("/mnt/large.bin", "PATCH", 123456, false).ok());
    std::string expected = pattern(700000, 5);
    expected.replace(123456, 5, "PATCH");
    EXPECT_TRUE(read_text("/mnt/large.bin") == expected);
    expect_fsck_clean();
    EXPECT_EQ(host_cat("/small.txt"), "small file\n");
    EXPECT_TRUE(host_cat("/large.bin") == expected);
    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(read_text("/mnt/large.bin") == expected);
    EXPECT_EQ(read_text("/mnt/keep.txt"), "kept\n");
}

TEST_P(Ext2WriteTest, NamespaceOperationsKeepTheDiskConsistent) {
    ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/a", 0755).ok());
    ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/a/b", 0700).ok());
    ASSERT_TRUE(write_text("/mnt/a/b/f", "moved file\n").ok());
    ASSERT_TRUE(vfs::rename(vfs::root(), "/mnt/a/b", vfs::root(), "/mnt/b2", false).ok());
    EXPECT_EQ(read_text("/mnt/b2/f"), "moved file\n");
    EXPECT_EQ(read_text("/mnt/b2/../keep.txt"), "kept\n");
    ASSERT_TRUE(vfs::rename(vfs::root(), "/mnt/keep.txt", vfs::root(), "/mnt/a/kept-here", false).ok());
    ASSERT_TRUE(write_text("/mnt/victim", "replaced\n").ok());
    ASSERT_TRUE(write_text("/mnt/winner", "winner\n").ok());
    ASSERT_TRUE(vfs::rename(vfs::root(), "/mnt/winner", vfs::root(), "/mnt/victim", false).ok());
    ASSERT_TRUE(vfs::make_symlink("a/kept-here", vfs::root(), "/mnt/short").ok());
    std::string long_target = std::string(200, 'L') + "/x";
    ASSERT_TRUE(vfs::make_symlink(long_target, vfs::root(), "/mnt/long").ok());
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/old/inner.txt").ok());
    ASSERT_TRUE(vfs::remove_directory(vfs::root(), "/mnt/old").ok());
    ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/gone", 0755).ok());
    ASSERT_TRUE(vfs::remove_directory(vfs::root(), "/mnt/gone").ok());
    EXPECT_EQ(vfs::remove_directory(vfs::root(), "/mnt/a").error(), Errno{ENOTEMPTY});
    ASSERT_TRUE(write_text("/mnt/trunc", pattern(50000, 1)).ok());
    ASSERT_TRUE(vfs::truncate(*inode_at("/mnt/trunc"), 1000).ok());
    ASSERT_TRUE(vfs::truncate(*inode_at("/mnt/trunc"), 3000).ok());
    EXPECT_EQ(read_text("/mnt/trunc"), pattern(1000, 1) + std::string(2000, '\0'));
    EXPECT_EQ(inode_at("/mnt")->link_count(), 5u);  // ".", "..", a, b2, lost+found
    expect_fsck_clean();
    EXPECT_EQ(host_cat("/a/kept-here"), "kept\n");
    EXPECT_EQ(host_cat("/victim"), "winner\n");
    EXPECT_EQ(host_cat("/b2/f"), "moved file\n");
    EXPECT_NE(debugfs(image_path(), "stat /long").output.find("Size: 202"), std::string::npos);
    ASSERT_TRUE(mount_device().ok());
    EXPECT_EQ(read_text("/mnt/short"), "kept\n");
    InodeRef link = vfs::lookup(vfs::root(), "/mnt/long", false).value().inode;
    EXPECT_EQ(link->read_link().value().view(), long_target);
    EXPECT_EQ(inode_at("/mnt/old"), nullptr);
}

// A read through a descriptor moves the access time (relatime) and the disk keeps it.
TEST_P(Ext2WriteTest, ReadsMoveTheAccessTimeOnTheDisk) {
    ASSERT_TRUE(write_text("/mnt/read.txt", "read me").ok());
    uint64_t written = inode_at("/mnt/read.txt")->stat().access_time.seconds;
    fake_clock::advance_ns(90'000'000'000);
    OpenFileRef file = vfs::open(vfs::root(), "/mnt/read.txt", kOpenReadOnly, 0).value();
    uint8_t buffer[16];
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(buffer, sizeof buffer));
    ASSERT_EQ(file->read(dst).value(), 7u);
    file = nullptr;
    uint64_t read_at = inode_at("/mnt/read.txt")->stat().access_time.seconds;
    EXPECT_EQ(read_at, written + 90);
    unmount_and_save();
    std::string stat = debugfs(image_path(), "stat /read.txt").output;
    char expected[32];
    snprintf(expected, sizeof expected, "atime: 0x%08x", static_cast<unsigned>(read_at));
    EXPECT_NE(stat.find(expected), std::string::npos) << stat;
}

TEST_P(Ext2WriteTest, UnlinkedOpenFileLivesUntilClosed) {
    ASSERT_TRUE(write_text("/mnt/tmp", pattern(20000, 9)).ok());
    InodeRef held = inode_at("/mnt/tmp");
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/tmp").ok());
    std::string buffer(20000, '\0');
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(reinterpret_cast<uint8_t*>(buffer.data()), buffer.size()));
    ASSERT_EQ(held->read_at(0, dst).value(), 20000u);
    EXPECT_EQ(buffer, pattern(20000, 9));
    FsUsage before, after;
    held->fs().usage(before);
    held = nullptr;
    inode_at("/mnt")->fs().usage(after);
    EXPECT_GT(after.free_blocks, before.free_blocks);
    EXPECT_EQ(after.free_files, before.free_files + 1);
    expect_fsck_clean();
}

TEST_P(Ext2WriteTest, SparseFileBeyondFourGib) {
    ASSERT_TRUE(write_text("/mnt/sparse", "head").ok());
    if (std::string(GetParam().options) == "-r 0") {
        // Revision 0 has no large_file feature: 2 GiB - 1 is the limit.
        EXPECT_EQ(write_text("/mnt/sparse", "tail", (6ull << 30) + 5, false).error(), Errno{EFBIG});
        expect_fsck_clean();
        return;
    }
    ASSERT_TRUE(write_text("/mnt/sparse", "tail", (6ull << 30) + 5, false).ok());
    EXPECT_EQ(inode_at("/mnt/sparse")->size(), (6ull << 30) + 9);
    expect_fsck_clean();
    std::string stat = debugfs(image_path(), "stat /sparse").output;
    EXPECT_NE(stat.find("Size: 6442450953"), std::string::npos) << stat;
    ASSERT_TRUE(mount_device().ok());
    std::string buffer(16, 'x');
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(reinterpret_cast<uint8_t*>(buffer.data()), buffer.size()));
    ASSERT_EQ(inode_at("/mnt/sparse")->read_at((6ull << 30) - 7, dst).value(), 16u);
    EXPECT_EQ(buffer, std::string(12, '\0') + "tail");
}

TEST_P(Ext2WriteTest, FsyncWritesDataAndMetadataToTheDevice) {
    ASSERT_TRUE(write_text("/mnt/synced", "durable\n").ok());
    uint64_t flushes = device_->flushes();
    ASSERT_TRUE(inode_at("/mnt/synced")->fs().sync().ok());
    EXPECT_GT(device_->flushes(), flushes);
    // The image as the device holds it now, before any unmount.
    ASSERT_TRUE(device_->save(image_path()));
    EXPECT_EQ(host_cat("/synced"), "durable\n");
}

// write(2) on a descriptor opened with O_DSYNC, O_SYNC or O_DIRECT returns with the data on
// the disk; a plain write leaves it in the cache until a sync.
TEST_P(Ext2WriteTest, SynchronousWritesReachTheDeviceBeforeReturning) {
    constexpr uint64_t kDsync = 010000, kSync = 04010000, kDirect = 040000;
    const std::pair<const char*, uint64_t> cases[] = {{"/mnt/plain", 0}, {"/mnt/dsync", kDsync},
                                                      {"/mnt/sync", kSync}, {"/mnt/direct", kDirect}};
    for (const auto& [path, flag] : cases) {
        SCOPED_TRACE(path);
        int fd = static_cast<int>(open(path, kOpenCreate | kOpenWriteOnly | flag, 0644));
        ASSERT_GE(fd, 0);
        uint64_t flushes = device_->flushes();
        ASSERT_EQ(write(fd, "on the disk\n"), 12);
        EXPECT_EQ(device_->flushes() > flushes, flag != 0);
        ASSERT_TRUE(device_->save(image_path()));
        EXPECT_EQ(host_cat(std::string(path).substr(4)) == "on the disk\n", flag != 0);
    }
}

// fdatasync after an overwrite inside the file writes the data and flushes once, committing no
// metadata; after a write that grows the file it commits the new size and block map too.
TEST_P(Ext2WriteTest, FdatasyncCommitsMetadataOnlyWhenTheLayoutChanged) {
    ASSERT_TRUE(write_text("/mnt/data", pattern(10000, 1)).ok());
    InodeRef inode = inode_at("/mnt/data");
    ASSERT_TRUE(inode->fs().sync().ok());

    ASSERT_TRUE(write_text("/mnt/data", "OVERWRITE", 5000, false).ok());
    uint64_t writes = device_->writes(), flushes = device_->flushes();
    ASSERT_TRUE(inode->fs().sync_file_data(*inode).ok());
    EXPECT_EQ(device_->flushes(), flushes + 1);
    EXPECT_EQ(device_->writes(), writes + 1);  // the one data block
    std::string expected = pattern(10000, 1);
    expected.replace(5000, 9, "OVERWRITE");
    ASSERT_TRUE(device_->save(image_path()));
    EXPECT_TRUE(host_cat("/data") == expected);

    ASSERT_TRUE(write_text("/mnt/data", "GROWN", 10000, false).ok());
    ASSERT_TRUE(inode->fs().sync_file_data(*inode).ok());
    ASSERT_TRUE(device_->save(image_path()));
    EXPECT_TRUE(host_cat("/data") == expected + "GROWN");
}

// Two files appended to in turn interleave on the disk: each needs many extents (a tree with
// split leaf blocks on ext4; this driver writes trees one index level deep) or indirect
// blocks. Truncating one to the middle of its tree and removing the other must leave a clean
// disk.
TEST_P(Ext2WriteTest, InterleavedFilesGrowBlockTrees) {
    const std::string chunk_a = pattern(3000, 3), chunk_b = pattern(3000, 4);
    for (int i = 0; i < 150; ++i) {
        ASSERT_TRUE(write_text("/mnt/a", chunk_a, uint64_t{3000} * i, false).ok()) << i;
        ASSERT_TRUE(write_text("/mnt/b", chunk_b, uint64_t{3000} * i, false).ok()) << i;
    }
    std::string expected_a;
    for (int i = 0; i < 150; ++i) expected_a += chunk_a;
    EXPECT_TRUE(read_text("/mnt/a") == expected_a);
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    ASSERT_TRUE(vfs::truncate(*inode_at("/mnt/a"), 200000).ok());
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/b").ok());
    expect_fsck_clean();
    EXPECT_TRUE(host_cat("/a") == expected_a.substr(0, 200000));
    std::string tree = debugfs(image_path(), "stat /a").output;
    if (std::string(GetParam().type) == "ext4" && std::string(GetParam().options).find("4096") == std::string::npos)
        EXPECT_NE(tree.find("(ETB0)"), std::string::npos) << tree;  // a leaf block, not only the inode's root
}

// The blocks a change frees are discarded once the change is committed and a megabyte of them
// waits, as with ext4's `discard` option; the fake disk poisons what it is told to discard, so
// discarding a block still in use would show as damage.
TEST_P(Ext2WriteTest, FreedBlocksAreDiscardedOnceTheirFreeIsCommitted) {
    const std::string big = pattern(1500000, 7), kept = pattern(300000, 8);
    ASSERT_TRUE(write_text("/mnt/gone", big).ok());
    ASSERT_TRUE(write_text("/mnt/kept", kept).ok());
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    uint64_t before = device_->discarded_sectors();
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/gone").ok());
    EXPECT_EQ(device_->discarded_sectors(), before);  // not before the commit
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    EXPECT_GE(device_->discarded_sectors() - before, uint64_t{1500000} / 512);
    expect_fsck_clean();
    EXPECT_TRUE(host_cat("/kept") == kept);
    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(read_text("/mnt/kept") == kept);
}

// Fewer freed blocks wait for more, or for the unmount; those taken again meanwhile are never
// discarded (the poison would show in the new file).
TEST_P(Ext2WriteTest, SmallFreesWaitAndBlocksTakenAgainAreNotDiscarded) {
    ASSERT_TRUE(write_text("/mnt/small", pattern(100000, 1)).ok());
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/small").ok());
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    EXPECT_EQ(device_->discarded_sectors(), 0u);
    const std::string again = pattern(150000, 2);
    ASSERT_TRUE(write_text("/mnt/again", again).ok());  // takes the freed blocks back first
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    EXPECT_EQ(device_->discarded_sectors(), 0u);
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/keep.txt").ok());
    expect_fsck_clean();  // the unmount discards what still waits
    EXPECT_GT(device_->discarded_sectors(), 0u);
    EXPECT_TRUE(host_cat("/again") == again);
}

// FITRIM (fstrim) discards every free run, after a commit (so that no block freed since the
// last one goes), and only runs of at least min_length; the poisoned free blocks leave every
// file intact and e2fsck finds the disk clean.
TEST_P(Ext2WriteTest, TrimDiscardsTheFreeBlocks) {
    FileSystem& fs = inode_at("/mnt")->fs();
    const std::string kept = pattern(300000, 9);
    ASSERT_TRUE(write_text("/mnt/kept", kept).ok());
    ASSERT_TRUE(write_text("/mnt/gone", pattern(200000, 3)).ok());
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/gone").ok());  // freed, not yet committed
    FsUsage usage{};
    ASSERT_TRUE(fs.usage(usage));
    EXPECT_EQ(fs.trim(0, 100, 0).error(), Errno{EINVAL});  // less than a block
    EXPECT_EQ(fs.trim(usage.blocks * usage.block_size, UINT64_MAX, 0).error(), Errno{EINVAL});  // past the end
    // A minimum longer than the disk: EINVAL where it is longer than a group too, else nothing.
    Result<uint64_t> none = fs.trim(0, UINT64_MAX, (usage.blocks + 1) * usage.block_size);
    EXPECT_TRUE(none.ok() ? none.value() == 0 : none.error() == Errno{EINVAL});
    EXPECT_EQ(device_->discarded_sectors(), 0u);
    Result<uint64_t> trimmed = fs.trim(0, UINT64_MAX, 0);
    ASSERT_TRUE(trimmed.ok());
    ASSERT_TRUE(fs.usage(usage));
    // Every free block is in some run; the runs of the data area are all there is to trim.
    EXPECT_LE(trimmed.value(), usage.free_blocks * usage.block_size);
    EXPECT_GE(trimmed.value(), usage.free_blocks * usage.block_size / 2);
    EXPECT_EQ(device_->discarded_sectors() * 512, trimmed.value());
    EXPECT_TRUE(read_text("/mnt/kept") == kept);
    expect_fsck_clean();
    EXPECT_TRUE(host_cat("/kept") == kept);
}

TEST_P(Ext2WriteTest, ADiskWithoutDiscardIsLeftAlone) {
    device_->set_discard(false);
    ASSERT_TRUE(write_text("/mnt/gone", pattern(100000, 8)).ok());
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/gone").ok());
    ASSERT_TRUE(inode_at("/mnt")->fs().sync().ok());
    EXPECT_EQ(device_->discarded_sectors(), 0u);
    expect_fsck_clean();
}

TEST_P(Ext2WriteTest, FullDiskGivesEnospcAndStaysConsistent) {
    Result<void> wrote = write_text("/mnt/huge", pattern(40u << 20, 2));
    EXPECT_FALSE(wrote.ok());
    EXPECT_EQ(wrote.error(), Errno{EIO});  // short write: the helper reports a partial write
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/huge").ok());
    expect_fsck_clean();
}

// 200-byte names: with 1 KiB blocks 700 of them need a second index level.
std::string long_name(int i) { return std::string(190, 'n') + "-" + std::to_string(i); }

// Hashed-tree directories (indexed here by e2fsck -D) turn linear at their first change, as
// with Linux's ext2; under metadata_csum their index blocks get checksum entries then. Names
// added, removed and renamed in and out, and an indexed directory moved elsewhere (its ".."
// lives in its index root), must leave a clean disk.
TEST_P(Ext2WriteTest, IndexedDirectoriesStayCleanWhenChanged) {
    unmount_all_disks();
    for (int i = 0; i < 700; ++i) scratch_.write("fill/big/" + long_name(i), "");
    for (int i = 0; i < 100; ++i) scratch_.write("fill/moved/" + long_name(i), "");
    ASSERT_FALSE(make_image(image_path(), GetParam().type, GetParam().options, 16384, fill_dir()).empty());
    CommandResult indexed = run_command("PATH=$PATH:/usr/sbin:/sbin e2fsck -fyD '" + image_path() + "'");
    ASSERT_LE(indexed.status, 1) << indexed.output;  // 1: the directories were indexed
    if (std::string(GetParam().type) == "ext4")
        ASSERT_NE(debugfs(image_path(), "htree /big").output.find("Indirect levels"), std::string::npos);
    device_ = std::make_unique<MemoryBlockDevice>(MemoryBlockDevice::load(image_path()).bytes());
    ASSERT_TRUE(mount_device().ok());

    for (int i = 700; i < 800; ++i) ASSERT_TRUE(write_text("/mnt/big/" + long_name(i), "").ok()) << i;
    for (int i = 0; i < 700; i += 6) ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/big/" + long_name(i)).ok()) << i;
    ASSERT_TRUE(vfs::rename(vfs::root(), "/mnt/big/" + long_name(1), vfs::root(), "/mnt/out", false).ok());
    ASSERT_TRUE(vfs::rename(vfs::root(), "/mnt/keep.txt", vfs::root(), "/mnt/big/in", false).ok());
    ASSERT_TRUE(vfs::rename(vfs::root(), "/mnt/moved", vfs::root(), "/mnt/big/moved", false).ok());
    ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/big/sub", 0755).ok());
    ASSERT_TRUE(vfs::rename(vfs::root(), "/mnt/big/sub", vfs::root(), "/mnt/sub", false).ok());
    EXPECT_EQ(read_text("/mnt/big/in"), "kept\n");
    expect_fsck_clean();
    EXPECT_EQ(host_cat("/big/in"), "kept\n");
    EXPECT_NE(debugfs(image_path(), "stat /big/moved/" + long_name(99)).output.find("Type: regular"), std::string::npos);

    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(inode_at("/mnt/big/" + long_name(799)));
    EXPECT_TRUE(inode_at("/mnt/big/" + long_name(699)));
    EXPECT_FALSE(inode_at("/mnt/big/" + long_name(6)));
    EXPECT_TRUE(inode_at("/mnt/big/moved/" + long_name(7)));
    EXPECT_EQ(inode_at("/mnt/big/moved/..")->inode_number(), inode_at("/mnt/big")->inode_number());
}

INSTANTIATE_TEST_SUITE_P(Layouts, Ext2WriteTest,
                         ::testing::Values(Layout{"ext2", ""}, Layout{"ext2", "-b 4096"}, Layout{"ext2", "-r 0"},
                                           Layout{"ext4", "-O ^metadata_csum"},
                                           Layout{"ext4", "-O ^metadata_csum,^has_journal -b 1024"},
                                           Layout{"ext4", "-O ^metadata_csum,^64bit,^flex_bg -I 128"},
                                           // metadata_csum, as mkfs.ext4 makes it by default (1 KiB
                                           // blocks at this size), with 4 KiB blocks, with 32-byte
                                           // group descriptors, without a journal, with the seed kept
                                           // in the superblock; and gdt_csum's crc16 descriptors.
                                           Layout{"ext4", ""}, Layout{"ext4", "-b 4096"}, Layout{"ext4", "-O ^64bit"},
                                           Layout{"ext4", "-O ^has_journal -g 1024"},
                                           Layout{"ext4", "-O metadata_csum_seed -I 128"},
                                           Layout{"ext4", "-O ^metadata_csum,uninit_bg"}),
                         [](const auto& info) { return std::string(info.param.type) + "_" + std::to_string(info.index); });

}  // namespace
}  // namespace ingot::ext2_test
