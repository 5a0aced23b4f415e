// Reading ext2 and ext4 images that mke2fs filled from a host directory: files, directories,
// symlinks, sparse files past 4 GiB, and the mount-time feature decisions.
#include <fs/disk_mount.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>

#include "ext2_test_fixture.h"
#include "fakes/fake_user_memory.h"

#include <filesystem>
#include <fstream>
#include <set>

namespace ingot::ext2_test {
namespace {

std::string pattern(size_t size, unsigned seed) {
    std::string text(size, '\0');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + seed + i / 1000) % 26);
    return text;
}

class Ext2ReadTest : public Ext2Test, public ::testing::WithParamInterface<std::string> {
protected:
    void fill() {
        scratch_.write("fill/hello.txt", "hello from the host\n");
        scratch_.write("fill/dir/sub/deep.txt", "deep\n");
        scratch_.write("fill/big.bin", pattern(300000, 1));
        std::filesystem::create_symlink("hello.txt", fill_path("short-link"));
        std::filesystem::create_symlink(std::string(100, 'x') + "/target", fill_path("long-link"));
        std::filesystem::create_directories(fill_path("empty"));
        // A sparse file: 4 KiB of data at 5 GiB, holes before it.
        std::ofstream sparse(fill_path("sparse"), std::ios::binary);
        sparse.seekp(5ull << 30);
        sparse << pattern(4096, 3);
    }
};

TEST_P(Ext2ReadTest, ReadsFilesDirectoriesAndLinks) {
    fill();
    ASSERT_TRUE(make_and_mount(GetParam(), "", 32768, fill_dir()));
    EXPECT_EQ(read_text("/mnt/hello.txt"), "hello from the host\n");
    EXPECT_EQ(read_text("/mnt/dir/sub/deep.txt"), "deep\n");
    EXPECT_TRUE(read_text("/mnt/big.bin") == pattern(300000, 1));
    EXPECT_EQ(read_text("/mnt/short-link"), "hello from the host\n");
    InodeRef long_link = vfs::lookup(vfs::root(), "/mnt/long-link", false).value().inode;
    EXPECT_EQ(long_link->read_link().value().view(), std::string(100, 'x') + "/target");
    EXPECT_TRUE(inode_at("/mnt/empty")->is_directory());
    EXPECT_TRUE(as_directory(inode_at("/mnt/empty"))->is_empty());
    EXPECT_EQ(inode_at("/mnt/dir")->link_count(), 3u);
    EXPECT_EQ(vfs::lookup(vfs::root(), "/mnt/missing", true).error(), Errno{ENOENT});
    // ".." of the mounted root leads back to the root's tree.
    EXPECT_EQ(read_text("/mnt/../etc/hostname"), "ingot\n");
}

TEST_P(Ext2ReadTest, ListsEveryEntryOnce) {
    fill();
    ASSERT_TRUE(make_and_mount(GetParam(), "", 32768, fill_dir()));
    DirectoryRef root = as_directory(inode_at("/mnt"));
    std::set<std::string> names;
    DirEntry entry;
    for (uint64_t cookie = 0; root->read_entry(cookie, entry); cookie = entry.cookie + 1)
        EXPECT_TRUE(names.insert(std::string(entry.name)).second) << entry.name;
    for (const char* name : {".", "..", "hello.txt", "dir", "big.bin", "short-link", "long-link", "empty", "sparse", "lost+found"})
        EXPECT_TRUE(names.count(name)) << name;
}

TEST_P(Ext2ReadTest, SparseFilePastFourGibReadsHolesAsZeros) {
    fill();
    ASSERT_TRUE(make_and_mount(GetParam(), "", 32768, fill_dir()));
    InodeRef sparse = inode_at("/mnt/sparse");
    ASSERT_TRUE(sparse);
    EXPECT_EQ(sparse->size(), (5ull << 30) + 4096);
    std::string buffer(8192, 'z');
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(reinterpret_cast<uint8_t*>(buffer.data()), buffer.size()));
    ASSERT_EQ(sparse->read_at((5ull << 30) - 4096, dst).value(), 8192u);
    EXPECT_EQ(buffer.substr(0, 4096), std::string(4096, '\0'));
    EXPECT_EQ(buffer.substr(4096), pattern(4096, 3));
    EXPECT_LT(sparse->allocated_bytes(), 64u * 1024);
}

INSTANTIATE_TEST_SUITE_P(Types, Ext2ReadTest, ::testing::Values("ext2", "ext3", "ext4"));

using Ext2MountTest = Ext2Test;

// metadata_csum (mkfs.ext4's default) mounts read-write. With metadata_csum_seed the seed
// stays in the superblock when the UUID changes (tune2fs -U): every checksum written must use
// that seed, not one derived from the new UUID.
TEST_F(Ext2MountTest, MetadataCsumSeedOutlivesAUuidChange) {
    scratch_.write("fill/a", "csum\n");
    ASSERT_FALSE(make_image(image_path(), "ext4", "-O metadata_csum_seed", 8192, fill_dir()).empty());
    CommandResult retuned = run_command("PATH=$PATH:/usr/sbin:/sbin tune2fs -U random '" + image_path() + "'");
    ASSERT_EQ(retuned.status, 0) << retuned.output;
    device_ = std::make_unique<MemoryBlockDevice>(MemoryBlockDevice::load(image_path()).bytes());
    ASSERT_TRUE(mount_device().ok());
    EXPECT_FALSE(inode_at("/mnt")->fs().read_only());
    EXPECT_EQ(read_text("/mnt/a"), "csum\n");
    ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/d", 0755).ok());
    ASSERT_TRUE(write_text("/mnt/d/b", pattern(100000, 2)).ok());
    ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/a").ok());
    expect_fsck_clean();
    EXPECT_TRUE(debugfs(image_path(), "cat /d/b").output == pattern(100000, 2));
    // Linux turns on v3 journal checksums with metadata_csum; so does this driver.
    CommandResult header = run_command("PATH=$PATH:/usr/sbin:/sbin dumpe2fs -h '" + image_path() + "'");
    EXPECT_NE(header.output.find("journal_checksum_v3"), std::string::npos) << header.output;
}

TEST_F(Ext2MountTest, StatfsReportsDiskCounts) {
    ASSERT_TRUE(make_and_mount("ext4", "-O ^metadata_csum -b 4096 -N 1024", 8192));
    FsUsage usage;
    ASSERT_TRUE(inode_at("/mnt")->fs().usage(usage));
    EXPECT_EQ(inode_at("/mnt")->fs().magic(), 0xEF53u);
    EXPECT_EQ(usage.block_size, 4096u);
    EXPECT_EQ(usage.blocks, 2048u);
    EXPECT_EQ(usage.files, 1024u);
    EXPECT_GT(usage.free_blocks, 0u);
    EXPECT_EQ(usage.free_files, 1024u - 11u);
}

TEST_F(Ext2MountTest, ReadOnlyMountLeavesTheImageUntouched) {
    ASSERT_TRUE(make_and_mount("ext2", "", 4096, "", true));
    std::vector<uint8_t> before = device_->bytes();
    EXPECT_EQ(vfs::make_directory(vfs::root(), "/mnt/d", 0755).error(), Errno{EROFS});
    unmount_all_disks();
    EXPECT_EQ(device_->writes(), 0u);
    EXPECT_TRUE(device_->bytes() == before);
}

TEST_F(Ext2MountTest, MountPointsAreMadeAndBadPathsRefused) {
    std::vector<uint8_t> bytes = make_image(image_path(), "ext2", "", 4096);
    ASSERT_FALSE(bytes.empty());
    device_ = std::make_unique<MemoryBlockDevice>(bytes);
    EXPECT_EQ(mount_disk(*device_, "/tmp/x", false).error(), Errno{EINVAL});
    EXPECT_EQ(mount_disk(*device_, "relative", false).error(), Errno{EINVAL});
    EXPECT_EQ(mount_disk(*device_, "/", false).error(), Errno{EINVAL});
    ASSERT_TRUE(mount_disk(*device_, "/data/volumes/one", false).ok());
    EXPECT_TRUE(inode_at("/data/volumes/one/lost+found"));
    EXPECT_EQ(read_text("/data/big").size(), 9000u);  // the archive's files stay beside it
}

}  // namespace
}  // namespace ingot::ext2_test
