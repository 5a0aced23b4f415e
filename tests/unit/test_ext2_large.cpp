// Large ext2/ext4 directories: 100,000 entries created through the VFS in one directory,
// found, half removed, partly created again and listed, on ext4 and on ext2 with 1 KiB and
// 4 KiB blocks; then e2fsck -fn must find the disk clean, debugfs must list the same names,
// and a second mount must see them too. Each operation is O(1) on average (the directory's
// in-memory index), so the test takes seconds; a listing continued across changes keeps the
// readdir guarantee.
#include <fs/disk_mount.h>
#include <fs/open_flags.h>

#include "ext2_test_fixture.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ingot::ext2_test {
namespace {

constexpr int kEntries = 100000;

// Names of varying length (7 to 29 bytes), so that entries of different sizes compete for the
// room that removals leave.
std::string entry_name(int i) { return "e" + std::to_string(i) + "-" + std::string(static_cast<size_t>(i % 23), 'n'); }

bool create(const std::string& path) {
    return vfs::open(vfs::root(), path, kOpenCreate | kOpenExclusive | kOpenWriteOnly, 0644).ok();
}

// Every name in the directory at path, "." and ".." left out, listed the way getdents64 does
// (each read continuing at the previous entry's cookie + 1).
std::vector<std::string> list_names(const DirectoryRef& dir) {
    std::vector<std::string> names;
    DirEntry entry;
    for (uint64_t cookie = 0; dir->read_entry(cookie, entry); cookie = entry.cookie + 1)
        if (entry.name != "." && entry.name != "..") names.emplace_back(entry.name);
    return names;
}

// The names `debugfs -R "ls -p dir"` lists: lines of the form /ino/mode/uid/gid/name/size/.
// Inode 0 marks a removed entry that starts a block (its record stays, Linux does the same),
// which debugfs shows and readdir skips.
std::vector<std::string> debugfs_names(const std::string& image, const std::string& dir) {
    std::vector<std::string> names;
    std::istringstream lines(debugfs(image, "ls -p " + dir).output);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] != '/' || line.rfind("/0/", 0) == 0) continue;
        size_t start = 0;
        for (int field = 0; field < 4 && start != std::string::npos; ++field) start = line.find('/', start + 1);
        size_t end = start == std::string::npos ? start : line.find('/', start + 1);
        if (end == std::string::npos) continue;
        std::string name = line.substr(start + 1, end - start - 1);
        if (name != "." && name != "..") names.push_back(name);
    }
    return names;
}

struct Layout {
    const char* name;
    const char* type;
    const char* options;
    unsigned size_kib;
};

class Ext2LargeDirectoryTest : public Ext2Test, public ::testing::WithParamInterface<Layout> {};

TEST_P(Ext2LargeDirectoryTest, OneHundredThousandEntries) {
    ASSERT_TRUE(make_and_mount(GetParam().type, GetParam().options, GetParam().size_kib));
    ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/big", 0755).ok());
    for (int i = 0; i < kEntries; ++i) ASSERT_TRUE(create("/mnt/big/" + entry_name(i))) << i;

    for (int i = 0; i < kEntries; i += 997) EXPECT_TRUE(inode_at("/mnt/big/" + entry_name(i))) << i;
    EXPECT_TRUE(inode_at("/mnt/big/" + entry_name(kEntries - 1)));
    EXPECT_FALSE(inode_at("/mnt/big/" + entry_name(kEntries)));
    EXPECT_FALSE(inode_at("/mnt/big/e1-"));  // a prefix of a name that exists
    EXPECT_FALSE(create("/mnt/big/" + entry_name(4242)));  // EEXIST

    for (int i = 0; i < kEntries; i += 2) ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/big/" + entry_name(i)).ok()) << i;
    // Some of the removed names again, and new ones, filling the room the removals left.
    std::set<std::string> expected;
    for (int i = 1; i < kEntries; i += 2) expected.insert(entry_name(i));
    for (int i = 0; i < kEntries; i += 20) {
        ASSERT_TRUE(create("/mnt/big/" + entry_name(i))) << i;
        expected.insert(entry_name(i));
    }
    for (int i = 0; i < 2000; ++i) {
        std::string name = "again-" + std::to_string(i);
        ASSERT_TRUE(create("/mnt/big/" + name)) << name;
        expected.insert(name);
    }
    EXPECT_FALSE(inode_at("/mnt/big/" + entry_name(2)));
    EXPECT_TRUE(inode_at("/mnt/big/" + entry_name(3)));
    EXPECT_TRUE(inode_at("/mnt/big/" + entry_name(40)));

    std::vector<std::string> listed = list_names(as_directory(inode_at("/mnt/big")));
    EXPECT_EQ(listed.size(), expected.size());
    std::sort(listed.begin(), listed.end());

    EXPECT_TRUE(std::equal(listed.begin(), listed.end(), expected.begin(), expected.end()));

    expect_fsck_clean();
    std::vector<std::string> host = debugfs_names(image_path(), "/big");
    std::sort(host.begin(), host.end());
    EXPECT_EQ(host.size(), expected.size());
    EXPECT_TRUE(std::equal(host.begin(), host.end(), expected.begin(), expected.end()));

    ASSERT_TRUE(mount_device().ok());
    EXPECT_TRUE(inode_at("/mnt/big/" + entry_name(kEntries - 1)));
    EXPECT_TRUE(inode_at("/mnt/big/again-1999"));
    EXPECT_FALSE(inode_at("/mnt/big/" + entry_name(kEntries - 2)));
    EXPECT_EQ(list_names(as_directory(inode_at("/mnt/big"))).size(), expected.size());
}

// 1 KiB blocks on ext2 (indirect blocks, many small directory blocks), 4 KiB on both, and
// mkfs.ext4's default ext4 (metadata_csum, a journal) with 1 KiB blocks; -N: an inode for
// every entry.
INSTANTIATE_TEST_SUITE_P(Layouts, Ext2LargeDirectoryTest,
                         ::testing::Values(Layout{"Ext4", "ext4", "-O ^metadata_csum,^has_journal -b 4096 -N 110000", 65536},
                                           Layout{"Ext4MetadataCsum1KiB", "ext4", "-b 1024 -N 110000", 65536},
                                           Layout{"Ext2With1KiBBlocks", "ext2", "-b 1024 -I 128 -N 110000", 32768},
                                           Layout{"Ext2With4KiBBlocks", "ext2", "-b 4096 -I 128 -N 110000", 32768}),
                         [](const ::testing::TestParamInfo<Layout>& info) { return info.param.name; });

using Ext2LargeListingTest = Ext2Test;

// A listing continued across additions and removals (as getdents64 continues at the file
// offset) shows every entry that was there throughout exactly once and no removed entry it
// had not reached.
TEST_F(Ext2LargeListingTest, ListingContinuesAcrossChanges) {
    constexpr int kCount = 5000;
    ASSERT_TRUE(make_and_mount("ext4", "-O ^metadata_csum,^has_journal -b 1024 -N 6000", 16384));
    ASSERT_TRUE(vfs::make_directory(vfs::root(), "/mnt/d", 0755).ok());
    for (int i = 0; i < kCount; ++i) ASSERT_TRUE(create("/mnt/d/" + entry_name(i)));

    DirectoryRef dir = as_directory(inode_at("/mnt/d"));
    std::vector<std::string> seen;
    DirEntry entry;
    uint64_t cookie = 0;
    while (seen.size() < kCount / 2 && dir->read_entry(cookie, entry)) {
        if (entry.name != "." && entry.name != "..") seen.emplace_back(entry.name);
        cookie = entry.cookie + 1;
    }
    std::set<std::string> seen_first(seen.begin(), seen.end());
    std::set<std::string> removed;
    for (int i = 0; i < kCount; i += 3) {
        ASSERT_TRUE(vfs::unlink(vfs::root(), "/mnt/d/" + entry_name(i)).ok());
        removed.insert(entry_name(i));
    }
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(create("/mnt/d/new-" + std::to_string(i)));
    while (dir->read_entry(cookie, entry)) {
        if (entry.name != "." && entry.name != "..") seen.emplace_back(entry.name);
        cookie = entry.cookie + 1;
    }

    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "an entry was listed twice";
    for (int i = 0; i < kCount; ++i) {
        std::string name = entry_name(i);
        bool stayed = !removed.count(name);
        if (stayed) EXPECT_TRUE(unique.count(name)) << name << " was skipped";
        else if (!seen_first.count(name)) EXPECT_FALSE(unique.count(name)) << name << " was listed after its removal";
    }
    dir = nullptr;
    expect_fsck_clean();
}

}  // namespace
}  // namespace ingot::ext2_test
