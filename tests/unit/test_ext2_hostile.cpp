// Hostile ext2/ext4 images: corrupt superblocks, group descriptors, inodes, extent trees and
// directory entries must make the mount fail or the operation return an error (EINVAL, EIO),
// never crash or hang.
#include <fs/disk_mount.h>
#include <fs/ext2/ext2_format.h>
#include <fs/ext2/metadata_checksum.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>

#include "ext2_test_fixture.h"
#include "fakes/fake_console.h"
#include "fakes/fake_user_memory.h"

#include <cstring>

namespace ingot::ext2_test {
namespace {

using ext2::DiskInode;
using ext2::GroupDesc;
using ext2::Superblock;

class Ext2HostileTest : public Ext2Test {
protected:
    void make(const std::string& type, const std::string& options, unsigned size_kib = 4096) {
        scratch_.write("fill/file", std::string(5000, 'f'));
        scratch_.write("fill/dir/inner", "inner\n");
        image_ = make_image(image_path(), type, options, size_kib, fill_dir());
        ASSERT_FALSE(image_.empty());
    }
    Superblock& sb() { return *reinterpret_cast<Superblock*>(&image_[1024]); }
    uint32_t block_size() { return 1024u << sb().log_block_size; }
    GroupDesc& gd(uint32_t g) {
        uint32_t desc = (sb().feature_incompat & ext2::kIncompat64Bit) ? sb().desc_size : 32;
        return *reinterpret_cast<GroupDesc*>(&image_[(sb().first_data_block + 1) * block_size() + g * desc]);
    }
    uint32_t desc_size() { return (sb().feature_incompat & ext2::kIncompat64Bit) ? sb().desc_size : 32; }
    // Recomputes group g's descriptor checksum after a deliberate change.
    void reseal(uint32_t g) {
        ext2::MetadataChecksums checksums(sb());
        gd(g).checksum = checksums.group_checksum(g, reinterpret_cast<const uint8_t*>(&gd(g)), desc_size());
    }
    DiskInode& inode(uint32_t ino) {
        uint32_t g = (ino - 1) / sb().inodes_per_group;
        uint64_t offset = uint64_t{gd(g).inode_table_lo} * block_size() +
                          uint64_t{(ino - 1) % sb().inodes_per_group} * sb().inode_size;
        return *reinterpret_cast<DiskInode*>(&image_[offset]);
    }
    uint32_t ino_of(const std::string& name) {
        // The root directory's first block, searched for name.
        DiskInode& root = inode(ext2::kRootInode);
        uint64_t block = root.block[0];
        if (root.flags & ext2::kExtentsFlag) block = root.block[5];  // first extent's start_lo
        for (uint32_t off = 0; off < block_size();) {
            auto* e = reinterpret_cast<ext2::DirEntryHeader*>(&image_[block * block_size() + off]);
            if (std::string(reinterpret_cast<char*>(e + 1), e->name_len) == name) return e->inode;
            if (e->rec_len == 0) break;
            off += e->rec_len;
        }
        return 0;
    }
    uint8_t* root_dir_block() {
        DiskInode& root = inode(ext2::kRootInode);
        uint64_t block = (root.flags & ext2::kExtentsFlag) ? root.block[5] : root.block[0];
        return &image_[block * block_size()];
    }
    Result<void> mount_image(bool read_only = false) {
        device_ = std::make_unique<MemoryBlockDevice>(image_);
        return mount_device(read_only);
    }
    std::vector<uint8_t> image_;
};

TEST_F(Ext2HostileTest, CorruptSuperblocksAreRefused) {
    make("ext2", "");
    std::vector<uint8_t> good = image_;
    auto expect_refused = [&](const char* what, auto corrupt) {
        image_ = good;
        corrupt(sb());
        EXPECT_EQ(mount_image().error(), Errno{EINVAL}) << what;
    };
    expect_refused("magic", [](Superblock& s) { s.magic = 0; });
    expect_refused("block size", [](Superblock& s) { s.log_block_size = 20; });
    expect_refused("block count", [](Superblock& s) { s.blocks_count_lo = 0xfffffff0; });
    expect_refused("blocks per group", [](Superblock& s) { s.blocks_per_group = 0; });
    expect_refused("inodes per group", [](Superblock& s) { s.inodes_per_group = 0; });
    expect_refused("inode count", [](Superblock& s) { s.inodes_count += 7; });
    expect_refused("inode size", [](Superblock& s) { s.inode_size = 100; });
    expect_refused("first inode", [](Superblock& s) { s.first_ino = 1; });
    expect_refused("first data block", [](Superblock& s) { s.first_data_block = 5; });
    expect_refused("revision", [](Superblock& s) { s.rev_level = 7; });
    expect_refused("inline_data", [](Superblock& s) { s.feature_incompat |= ext2::kIncompatInlineData; });
    expect_refused("meta_bg", [](Superblock& s) { s.feature_incompat |= ext2::kIncompatMetaBg; });
    expect_refused("unknown incompat", [](Superblock& s) { s.feature_incompat |= 0x80000000u; });
    expect_refused("journal recovery", [](Superblock& s) {
        s.feature_compat |= ext2::kCompatHasJournal;
        s.feature_incompat |= ext2::kIncompatRecover;
    });
    image_ = good;
    image_.resize(image_.size() / 2);  // a device smaller than the file system
    EXPECT_EQ(mount_image().error(), Errno{EINVAL});
    image_.resize(1024);
    EXPECT_EQ(mount_image().error(), Errno{EINVAL});
}

TEST_F(Ext2HostileTest, UnknownReadOnlyFeatureMountsReadOnly) {
    make("ext2", "");
    sb().feature_ro_compat |= 0x40000000u;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_TRUE(inode_at("/mnt")->fs().read_only());
    EXPECT_EQ(read_text("/mnt/dir/inner"), "inner\n");
}

TEST_F(Ext2HostileTest, GroupDescriptorsOutsideTheDiskAreRefused) {
    make("ext4", "-O ^metadata_csum");
    gd(0).inode_table_lo = 0xfffff000u;
    EXPECT_EQ(mount_image().error(), Errno{EINVAL});
    make("ext2", "");
    gd(0).block_bitmap_lo = 0;
    EXPECT_EQ(mount_image().error(), Errno{EINVAL});
}

TEST_F(Ext2HostileTest, BogusBlockPointersGiveEio) {
    make("ext2", "");
    uint32_t ino = ino_of("file");
    ASSERT_NE(ino, 0u);
    inode(ino).block[1] = 0xfffffff0u;
    inode(ino).block[12] = 0x7ffffff0u;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
    // Truncating and writing over bad pointers fails cleanly too, and unmount still works.
    (void)inode_at("/mnt/file")->truncate(0);
    (void)write_text("/mnt/file", "x", 20000, false);
}

TEST_F(Ext2HostileTest, CorruptExtentTreesGiveEio) {
    make("ext4", "-O ^metadata_csum");
    uint32_t ino = ino_of("file");
    ASSERT_NE(ino, 0u);
    std::vector<uint8_t> good = image_;
    auto* header = reinterpret_cast<ext2::ExtentHeader*>(inode(ino).block);
    header->magic = 0x1234;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
    EXPECT_FALSE(write_text("/mnt/file", "y", 0, false).ok());
    unmount_all_disks();

    image_ = good;
    header = reinterpret_cast<ext2::ExtentHeader*>(inode(ino).block);
    header->entries = 9;  // more than fit in i_block
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
    unmount_all_disks();

    image_ = good;
    header = reinterpret_cast<ext2::ExtentHeader*>(inode(ino).block);
    header->depth = 3;  // an index pointing at a data block
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
    unmount_all_disks();

    image_ = good;
    auto* extent = reinterpret_cast<ext2::Extent*>(header + 1);
    extent->start_lo = 0xfffffff0u;
    extent->start_hi = 0x7fff;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
}

TEST_F(Ext2HostileTest, BadDirectoryEntriesGiveEio) {
    make("ext2", "");
    std::vector<uint8_t> good = image_;
    auto* second = reinterpret_cast<ext2::DirEntryHeader*>(root_dir_block() + 12);
    second->rec_len = 3;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(vfs::lookup(vfs::root(), "/mnt/file", true).error(), Errno{EIO});
    DirEntry entry;
    DirectoryRef root = as_directory(inode_at("/mnt"));
    uint64_t listed = 0;
    for (uint64_t cookie = 0; root->read_entry(cookie, entry); cookie = entry.cookie + 1) ++listed;
    EXPECT_LE(listed, 2u);
    EXPECT_FALSE(root->is_empty());
    unmount_all_disks();

    image_ = good;
    second = reinterpret_cast<ext2::DirEntryHeader*>(root_dir_block() + 12);
    second->name_len = 250;  // longer than its record
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(vfs::lookup(vfs::root(), "/mnt/file", true).error(), Errno{EIO});
    unmount_all_disks();

    image_ = good;
    uint32_t ino = ino_of("file");
    ASSERT_NE(ino, 0u);
    inode(ino).links_count = 0;  // a name for an inode that is not in use
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(vfs::lookup(vfs::root(), "/mnt/file", true).error(), Errno{EIO});
    unmount_all_disks();

    image_ = good;
    for (uint32_t off = 0; off < block_size();) {
        auto* e = reinterpret_cast<ext2::DirEntryHeader*>(root_dir_block() + off);
        if (std::string(reinterpret_cast<char*>(e + 1), e->name_len) == "file") e->inode = 0x7fffffff;
        off += e->rec_len;
    }
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(vfs::lookup(vfs::root(), "/mnt/file", true).error(), Errno{EIO});
}

// metadata_csum (mkfs.ext4's default): a superblock whose checksum fails is refused, as Linux
// refuses it; a group descriptor whose checksum fails mounts read-only; an inode whose
// checksum fails cannot be opened.
TEST_F(Ext2HostileTest, ChecksumMismatchesAreRefusedOrReadOnly) {
    make("ext4", "");
    std::vector<uint8_t> good = image_;
    fake_console::clear();
    sb().free_inodes_count -= 1;
    EXPECT_EQ(mount_image().error(), Errno{EINVAL});
    EXPECT_NE(fake_console::stderr_text().find("superblock checksum does not match"), std::string::npos);
    image_ = good;
    sb().checksum_type = 7;
    ext2::MetadataChecksums::seal_superblock(sb());
    EXPECT_EQ(mount_image().error(), Errno{EINVAL});

    image_ = good;
    gd(0).free_blocks_count_lo -= 1;
    fake_console::clear();
    ASSERT_TRUE(mount_image().ok());
    EXPECT_NE(fake_console::stderr_text().find("group 0's descriptor checksum does not match"), std::string::npos);
    EXPECT_TRUE(inode_at("/mnt")->fs().read_only());
    EXPECT_EQ(read_text("/mnt/dir/inner"), "inner\n");
    EXPECT_EQ(write_text("/mnt/new", "x").error(), Errno{EROFS});
    unmount_all_disks();
    EXPECT_TRUE(device_->bytes() == image_);

    image_ = good;
    inode(ino_of("file")).mtime += 1;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
    EXPECT_NE(fake_console::stderr_text().find("checksum does not match"), std::string::npos);
    EXPECT_EQ(read_text("/mnt/dir/inner"), "inner\n");
}

TEST_F(Ext2HostileTest, DirectoryBlockWhoseChecksumFailsGivesEio) {
    make("ext4", "");
    ASSERT_TRUE(ext2::MetadataChecksums::has_directory_tail(root_dir_block(), block_size()));
    std::vector<uint8_t> good = image_;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/dir/inner"), "inner\n");  // the checksums mke2fs wrote are right
    unmount_all_disks();

    image_ = good;
    uint8_t* root = root_dir_block();
    root[sizeof(ext2::DirEntryHeader)] ^= 0x20;  // "." becomes "\x0e": the entry still parses
    fake_console::clear();
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
    EXPECT_NE(fake_console::stderr_text().find("block 0's checksum does not match"), std::string::npos);
}

// A hashed-tree directory (e2fsck -D indexes it): its index nodes carry their checksum in a
// dx_tail, checked when read; a changed hash in the root's entries fails it.
TEST_F(Ext2HostileTest, HashedTreeNodeWhoseChecksumFailsGivesEio) {
    for (int i = 0; i < 300; ++i) scratch_.write("fill/big/a-rather-long-file-name-" + std::to_string(i), "x");
    make("ext4", "-b 1024");
    ASSERT_EQ(run_command("PATH=$PATH:/usr/sbin:/sbin e2fsck -fyD '" + image_path() + "'").status & ~1, 0);
    ASSERT_NE(debugfs(image_path(), "htree /big").output.find("Root node dump"), std::string::npos);
    image_ = MemoryBlockDevice::load(image_path()).bytes();
    uint64_t root_block = std::stoull(debugfs(image_path(), "bmap /big 0").output);
    std::vector<uint8_t> good = image_;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/big/a-rather-long-file-name-7"), "x");  // e2fsck's checksums are right
    unmount_all_disks();

    image_ = good;
    // The root: ".", "..", dx_root_info, then {limit, count} and the first entry's block; the
    // second entry's hash follows at 40.
    image_[root_block * block_size() + 40] ^= 0x01;
    fake_console::clear();
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/big/a-rather-long-file-name-7"), "<errno 5>");
    EXPECT_NE(fake_console::stderr_text().find("block 0's checksum does not match"), std::string::npos);
}

// A buffer that runs into unmapped memory part way: read and write move the blocks before the
// bad address and report that count, as Linux does; only a call that moves nothing is EFAULT.
TEST_F(Ext2HostileTest, BuffersRunningIntoUnmappedMemoryGivePartialCounts) {
    make("ext4", "-b 4096", 8192);
    ASSERT_TRUE(mount_image().ok());
    ASSERT_TRUE(write_text("/mnt/f", std::string(3 * 4096, 'r')).ok());
    int64_t fd = open("/mnt/f", kOpenReadWrite);
    ASSERT_GE(fd, 0);
    uint64_t page = fake_user_memory::map(4096);  // the page after it is unmapped
    auto call3 = [](SyscallHandler handler, uint64_t a, uint64_t b, uint64_t c, uint64_t d = 0) {
        return fs_test::call(handler, {a, b, c, d});
    };
    EXPECT_EQ(call3(sys_pread64, fd, page, 3 * 4096, 0), 4096);
    EXPECT_EQ(fake_user_memory::read(page, 4096), std::vector<uint8_t>(4096, 'r'));
    EXPECT_EQ(call3(sys_pread64, fd, page + 4096, 10, 0), -EFAULT);
    memset(fake_user_memory::host(page, 4096), 'w', 4096);
    EXPECT_EQ(call3(sys_pwrite64, fd, page, 2 * 4096, 4096), 4096);
    EXPECT_EQ(call3(sys_pwrite64, fd, page + 4096, 10, 0), -EFAULT);
    EXPECT_EQ(read_text("/mnt/f"), std::string(4096, 'r') + std::string(4096, 'w') + std::string(4096, 'r'));
    expect_fsck_clean();
}

TEST_F(Ext2HostileTest, BitmapWhoseChecksumFailsGivesEio) {
    make("ext4", "");
    std::vector<uint8_t> good = image_;
    uint64_t bitmap = gd(0).block_bitmap_lo;
    image_[bitmap * block_size() + block_size() / 16] ^= 0x80;  // one block marked the other way
    fake_console::clear();
    ASSERT_TRUE(mount_image().ok());
    EXPECT_EQ(read_text("/mnt/dir/inner"), "inner\n");  // reading needs no bitmap
    EXPECT_EQ(write_text("/mnt/new", std::string(5000, 'n')).error(), Errno{EIO});
    EXPECT_NE(fake_console::stderr_text().find("group 0's bitmap at block"), std::string::npos);
    unmount_all_disks();

    image_ = good;
    ASSERT_TRUE(mount_image().ok());
    EXPECT_TRUE(write_text("/mnt/new", std::string(5000, 'n')).ok());  // the intact image takes it
}

// A BLOCK_UNINIT group's bitmap is built from the group's own metadata; when its free count
// says otherwise (another group's metadata may live there) nothing is allocated in it.
TEST_F(Ext2HostileTest, UninitialisedBlockGroupWithAWrongFreeCountGivesEio) {
    make("ext4", "-O ^has_journal", 32768);  // 1 KiB blocks: group 1 is BLOCK_UNINIT
    ASSERT_TRUE(gd(1).flags & ext2::kBgBlockUninit);
    gd(1).free_blocks_count_lo -= 100;
    reseal(1);
    ASSERT_TRUE(mount_image().ok());
    fake_console::clear();
    EXPECT_FALSE(write_text("/mnt/big", std::string(12u << 20, 'b')).ok());
    EXPECT_NE(fake_console::stderr_text().find("group 1 is marked BLOCK_UNINIT"), std::string::npos);
    EXPECT_EQ(read_text("/mnt/file"), std::string(5000, 'f'));
}

// A version 1 journal superblock has no feature fields, so the journal cannot be given the
// v3 checksums metadata_csum needs: the disk mounts read-only rather than refused.
TEST_F(Ext2HostileTest, JournalThatCannotCarryChecksumsMountsReadOnly) {
    make("ext4", "");
    uint64_t journal_block = std::stoull(debugfs(image_path(), "bmap <8> 0").output);
    ASSERT_GT(journal_block, 0u);
    uint8_t* blocktype = &image_[journal_block * block_size() + 4];
    ASSERT_EQ(blocktype[3], 4);  // big-endian JBD2_SUPERBLOCK_V2
    blocktype[3] = 3;            // JBD2_SUPERBLOCK_V1
    fake_console::clear();
    ASSERT_TRUE(mount_image().ok());
    EXPECT_TRUE(inode_at("/mnt")->fs().read_only());
    EXPECT_NE(fake_console::stderr_text().find("mounting read-only"), std::string::npos);
    EXPECT_EQ(read_text("/mnt/dir/inner"), "inner\n");
    unmount_all_disks();
    EXPECT_TRUE(device_->bytes() == image_);
}

TEST_F(Ext2HostileTest, DeviceErrorsGiveEio) {
    make("ext2", "");
    ASSERT_TRUE(mount_image().ok());
    device_->set_failing(true);
    EXPECT_EQ(read_text("/mnt/file"), "<errno 5>");
    EXPECT_EQ(inode_at("/mnt")->fs().sync().error(), Errno{EIO});
}

}  // namespace
}  // namespace ingot::ext2_test
