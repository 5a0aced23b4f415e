// stat/lstat/fstat/newfstatat/statx/statfs, getdents64, getcwd/chdir/fchdir, access.
#include <fs/file_system.h>
#include <fs/fs_context.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>

#include "fakes/fs_test_support.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>

namespace ingot::fs_test {
namespace {

using StatTest = FsTest;

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }
constexpr uint64_t kCwd = static_cast<uint64_t>(linux_abi::kAtFdCwd);

template <typename T>
T user_struct(uint64_t address) {
    T value;
    memcpy(&value, fake_user_memory::host(address, sizeof(T)), sizeof(T));
    return value;
}

linux_abi::Stat stat_path(std::string_view path, SyscallHandler handler = sys_stat) {
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Stat));
    EXPECT_EQ(call(handler, {user_string(path), buffer}), 0) << path;
    return user_struct<linux_abi::Stat>(buffer);
}

TEST_F(StatTest, RegularFileFieldsComeFromTheArchive) {
    linux_abi::Stat st = stat_path("/etc/motd");
    EXPECT_EQ(st.st_mode, 0100600u);
    EXPECT_EQ(st.st_size, 12);
    EXPECT_EQ(st.st_nlink, 1u);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_blksize, 4096);
    EXPECT_EQ(st.st_blocks, 8);
    EXPECT_EQ(st.st_mtime_sec, 1600000000);
    EXPECT_EQ(st.st_atime_sec, 1600000000);
    EXPECT_EQ(st.st_ctime_sec, 1600000000);
    EXPECT_EQ(st.st_rdev, 0u);
    // Stable: the same numbers every time.
    linux_abi::Stat again = stat_path("/etc/motd");
    EXPECT_EQ(again.st_ino, st.st_ino);
    EXPECT_EQ(again.st_dev, st.st_dev);
}

TEST_F(StatTest, InodeNumbersAreDistinctAndDevicesSeparateFileSystems) {
    std::set<uint64_t> inodes;
    for (const char* path : {"/", "/etc", "/etc/motd", "/etc/hostname", "/bin", "/data/big", "/hello"})
        inodes.insert(stat_path(path).st_ino);
    EXPECT_EQ(inodes.size(), 7u);
    uint64_t root_dev = stat_path("/").st_dev;
    EXPECT_EQ(stat_path("/etc/motd").st_dev, root_dev);
    std::set<uint64_t> devices = {root_dev, stat_path("/tmp").st_dev, stat_path("/dev/null").st_dev,
                                  stat_path("/proc/self").st_dev};
    EXPECT_EQ(devices.size(), 4u);
}

TEST_F(StatTest, DirectoriesLinksAndDevices) {
    linux_abi::Stat root = stat_path("/");
    EXPECT_EQ(root.st_mode & 0170000, 0040000u);
    // "." and ".." plus one per subdirectory: bin, data, etc, tmp, dev, proc.
    EXPECT_EQ(root.st_nlink, 8u);
    linux_abi::Stat link = stat_path("/link-to-motd", sys_lstat);
    EXPECT_EQ(link.st_mode, 0120777u);
    EXPECT_EQ(link.st_size, 8);
    EXPECT_EQ(stat_path("/link-to-motd").st_ino, stat_path("/etc/motd").st_ino);
    linux_abi::Stat null = stat_path("/dev/null");
    EXPECT_EQ(null.st_mode, 020666u);
    EXPECT_EQ(null.st_rdev, (1u << 8) | 3u);  // makedev(1, 3)
    EXPECT_EQ(stat_path("/dev/urandom").st_rdev, (1u << 8) | 9u);
    linux_abi::Stat program = stat_path("/hello");
    EXPECT_EQ(program.st_mode, 0100755u);
    EXPECT_EQ(program.st_size, static_cast<int64_t>(kProgramBytes.size()));
}

TEST_F(StatTest, FstatatFlags) {
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Stat));
    int64_t dir = open("/etc", kOpenReadOnly | kOpenDirectory);
    EXPECT_EQ(call(sys_newfstatat, {u(dir), user_string("motd"), buffer, 0}), 0);
    EXPECT_EQ(user_struct<linux_abi::Stat>(buffer).st_size, 12);
    // AT_EMPTY_PATH stats the descriptor itself, whatever it is.
    EXPECT_EQ(call(sys_newfstatat, {u(dir), user_string(""), buffer, linux_abi::kAtEmptyPath}), 0);
    EXPECT_EQ(user_struct<linux_abi::Stat>(buffer).st_mode & 0170000, 0040000u);
    EXPECT_EQ(call(sys_newfstatat, {1, user_string(""), buffer, linux_abi::kAtEmptyPath}), 0);
    EXPECT_EQ(user_struct<linux_abi::Stat>(buffer).st_mode, 010600u);  // the console is a FIFO
    EXPECT_EQ(call(sys_newfstatat, {kCwd, user_string(""), buffer, linux_abi::kAtEmptyPath}), 0);
    EXPECT_EQ(call(sys_newfstatat, {u(dir), user_string(""), buffer, 0}), -ENOENT);
    EXPECT_EQ(call(sys_newfstatat, {kCwd, user_string("/dangling"), buffer, linux_abi::kAtSymlinkNoFollow}), 0);
    EXPECT_EQ(call(sys_newfstatat, {kCwd, user_string("/dangling"), buffer, 0}), -ENOENT);
    EXPECT_EQ(call(sys_newfstatat, {kCwd, user_string("/etc"), buffer, 0x1}), -EINVAL);
    // A relative path with a descriptor that is not a directory; an absolute path ignores it.
    int64_t file = open("/etc/motd", kOpenReadOnly);
    EXPECT_EQ(call(sys_newfstatat, {u(file), user_string("x"), buffer, 0}), -ENOTDIR);
    EXPECT_EQ(call(sys_newfstatat, {999, user_string("x"), buffer, 0}), -EBADF);
    EXPECT_EQ(call(sys_newfstatat, {999, user_string("/etc"), buffer, 0}), 0);
}

TEST_F(StatTest, StatxFields) {
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Statx));
    EXPECT_EQ(call(sys_statx, {kCwd, user_string("/dev/zero"), 0, linux_abi::kStatxBasicStats, buffer}), 0);
    linux_abi::Statx st = user_struct<linux_abi::Statx>(buffer);
    EXPECT_EQ(st.stx_mask & linux_abi::kStatxBasicStats, linux_abi::kStatxBasicStats);
    EXPECT_EQ(st.stx_mode, 020666);
    EXPECT_EQ(st.stx_rdev_major, 1u);
    EXPECT_EQ(st.stx_rdev_minor, 5u);
    EXPECT_EQ(st.stx_blksize, 4096u);
    EXPECT_EQ(call(sys_statx, {kCwd, user_string("/etc/motd"), 0, linux_abi::kStatxSize, buffer}), 0);
    st = user_struct<linux_abi::Statx>(buffer);
    EXPECT_EQ(st.stx_size, 12u);
    EXPECT_EQ(st.stx_mtime.tv_sec, 1600000000);
    EXPECT_EQ(st.stx_ino, stat_path("/etc/motd").st_ino);
    EXPECT_EQ(call(sys_statx, {kCwd, user_string("/etc"), 0, 0x80000000u, buffer}), -EINVAL);
    EXPECT_EQ(call(sys_statx, {kCwd, user_string("/etc"), 0x6000, 0, buffer}), -EINVAL);
    EXPECT_EQ(call(sys_statx, {kCwd, user_string("/etc"), 0x2000, 0, buffer}), 0);  // AT_STATX_FORCE_SYNC
}

TEST_F(StatTest, Statfs) {
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Statfs));
    EXPECT_EQ(call(sys_statfs, {user_string("/etc"), buffer}), 0);
    linux_abi::Statfs root = user_struct<linux_abi::Statfs>(buffer);
    EXPECT_EQ(root.f_type, static_cast<int64_t>(kRamfsMagic));
    EXPECT_EQ(root.f_bsize, 4096);
    EXPECT_EQ(root.f_namelen, 255);
    EXPECT_EQ(root.f_flags, linux_abi::kStatfsValid | linux_abi::kStatfsReadOnly);
    EXPECT_EQ(call(sys_statfs, {user_string("/tmp"), buffer}), 0);
    linux_abi::Statfs tmp = user_struct<linux_abi::Statfs>(buffer);
    EXPECT_EQ(tmp.f_type, static_cast<int64_t>(kTmpfsMagic));
    EXPECT_EQ(tmp.f_flags, linux_abi::kStatfsValid);
    EXPECT_EQ(call(sys_fstatfs, {1, buffer}), 0);
    EXPECT_EQ(user_struct<linux_abi::Statfs>(buffer).f_type, static_cast<int64_t>(kPipefsMagic));
    EXPECT_EQ(call(sys_statfs, {user_string("/proc/self"), buffer}), 0);
    EXPECT_EQ(user_struct<linux_abi::Statfs>(buffer).f_type, static_cast<int64_t>(kProcMagic));
    EXPECT_EQ(call(sys_statfs, {user_string("/nope"), buffer}), -ENOENT);
    EXPECT_EQ(call(sys_fstatfs, {42, buffer}), -EBADF);
}

// Reads a directory with getdents64 through a buffer of `size` bytes; names → d_type.
std::map<std::string, int> list_directory(int fd, size_t size, int* calls = nullptr) {
    std::map<std::string, int> names;
    uint64_t buffer = fake_user_memory::map(size);
    for (int n = 0;; ++n) {
        int64_t got = call(sys_getdents64, {u(fd), buffer, size});
        EXPECT_GE(got, 0);
        if (got <= 0) {
            if (calls) *calls = n;
            break;
        }
        uint8_t* bytes = fake_user_memory::host(buffer, static_cast<size_t>(got));
        for (int64_t pos = 0; pos < got;) {
            linux_abi::Dirent64Head head;
            memcpy(&head, bytes + pos, sizeof(head));
            EXPECT_EQ(head.d_reclen % 8, 0);
            std::string name(reinterpret_cast<char*>(bytes + pos + sizeof(head)));
            EXPECT_TRUE(names.emplace(name, head.d_type).second) << "repeated " << name;
            pos += head.d_reclen;
        }
    }
    return names;
}

TEST_F(StatTest, GetdentsOverABigDirectoryInSmallBuffers) {
    CpioBuilder archive;
    archive.directory("many");
    for (int i = 0; i < 500; ++i) archive.file("many/file-" + std::to_string(i), "x");
    archive.directory("many/sub").symlink("many/link", "file-1");
    mount(archive.finish());
    int64_t fd = open("/many", kOpenReadOnly | kOpenDirectory);
    int calls = 0;
    // 48 bytes fit exactly one "file-NNN" record (19 + 9 + NUL → 32) — and never two.
    std::map<std::string, int> names = list_directory(static_cast<int>(fd), 48, &calls);
    EXPECT_EQ(names.size(), 504u);
    EXPECT_GT(calls, 500);
    EXPECT_EQ(names["."], 4);     // DT_DIR
    EXPECT_EQ(names[".."], 4);
    EXPECT_EQ(names["file-499"], 8);  // DT_REG
    EXPECT_EQ(names["sub"], 4);
    EXPECT_EQ(names["link"], 10);  // DT_LNK
    // At the end it keeps returning 0; rewinding starts over.
    uint64_t buffer = fake_user_memory::map(4096);
    EXPECT_EQ(call(sys_getdents64, {u(fd), buffer, 4096}), 0);
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 0}), 0);
    EXPECT_EQ(list_directory(static_cast<int>(fd), 4096).size(), 504u);
    // A buffer too small for the next record is EINVAL.
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 0}), 0);
    EXPECT_EQ(call(sys_getdents64, {u(fd), buffer, 20}), -EINVAL);
}

TEST_F(StatTest, GetdentsSurvivesChangesBetweenCalls) {
    for (int i = 0; i < 10; ++i) ASSERT_GE(open("/tmp/f" + std::to_string(i), kOpenCreate | kOpenReadWrite), 0);
    int64_t fd = open("/tmp", kOpenReadOnly);
    uint64_t buffer = fake_user_memory::map(32);  // one short record per call
    std::set<std::string> seen;
    for (int i = 0; i < 5; ++i) {
        ASSERT_GT(call(sys_getdents64, {u(fd), buffer, 32}), 0);
        seen.insert(reinterpret_cast<char*>(fake_user_memory::host(buffer, 32) + 19));
    }
    // Remove an entry already listed and one not yet listed; add a new one.
    ASSERT_EQ(call(sys_unlink, {user_string("/tmp/f0")}), 0);
    ASSERT_EQ(call(sys_unlink, {user_string("/tmp/f8")}), 0);
    ASSERT_GE(open("/tmp/new", kOpenCreate | kOpenReadWrite), 0);
    while (call(sys_getdents64, {u(fd), buffer, 32}) > 0)
        EXPECT_TRUE(seen.insert(reinterpret_cast<char*>(fake_user_memory::host(buffer, 32) + 19)).second);
    // Every entry present throughout was listed exactly once.
    for (int i : {1, 2, 3, 4, 5, 6, 7, 9}) EXPECT_TRUE(seen.count("f" + std::to_string(i))) << i;
    EXPECT_FALSE(seen.count("f8"));
}

TEST_F(StatTest, GetdentsErrors) {
    uint64_t buffer = fake_user_memory::map(256);
    int64_t file = open("/etc/motd", kOpenReadOnly);
    EXPECT_EQ(call(sys_getdents64, {u(file), buffer, 256}), -ENOTDIR);
    EXPECT_EQ(call(sys_getdents64, {1, buffer, 256}), -ENOTDIR);
    EXPECT_EQ(call(sys_getdents64, {77, buffer, 256}), -EBADF);
    int64_t dir = open("/etc", kOpenReadOnly);
    EXPECT_EQ(call(sys_getdents64, {u(dir), 0, 256}), -EFAULT);
    EXPECT_EQ(call(sys_getdents64, {u(dir), 0xffff800000000000ull, 256}), -EFAULT);
}

TEST_F(StatTest, ProcSelfFdListsOpenDescriptors) {
    ASSERT_EQ(open("/etc/motd", kOpenReadOnly), 3);
    ASSERT_EQ(call(sys_dup2, {3, 9}), 9);
    int64_t fd = open("/proc/self/fd", kOpenReadOnly | kOpenDirectory);
    ASSERT_EQ(fd, 4);
    std::map<std::string, int> names = list_directory(static_cast<int>(fd), 64);
    std::set<std::string> listed;
    for (auto& [name, type] : names) listed.insert(name);
    EXPECT_EQ(listed, (std::set<std::string>{".", "..", "0", "1", "2", "3", "4", "9"}));
    EXPECT_EQ(names["9"], 10);
}

TEST_F(StatTest, GetcwdChdirFchdir) {
    uint64_t buffer = fake_user_memory::map(64);
    EXPECT_EQ(call(sys_getcwd, {buffer, 64}), 2);
    EXPECT_STREQ(reinterpret_cast<char*>(fake_user_memory::host(buffer, 2)), "/");
    EXPECT_EQ(call(sys_chdir, {user_string("/abs-link")}), 0);  // through a symlink
    EXPECT_EQ(call(sys_getcwd, {buffer, 64}), 5);
    EXPECT_STREQ(reinterpret_cast<char*>(fake_user_memory::host(buffer, 5)), "/etc");
    EXPECT_EQ(file_text("motd"), "hello world\n");
    EXPECT_EQ(call(sys_getcwd, {buffer, 4}), -ERANGE);
    EXPECT_EQ(call(sys_getcwd, {0, 64}), -EFAULT);
    EXPECT_EQ(call(sys_chdir, {user_string("/etc/motd")}), -ENOTDIR);
    EXPECT_EQ(call(sys_chdir, {user_string("/none")}), -ENOENT);
    int64_t dir = open("/data", kOpenPath);
    EXPECT_EQ(call(sys_fchdir, {u(dir)}), 0);
    EXPECT_EQ(call(sys_getcwd, {buffer, 64}), 6);
    int64_t file = open("/etc/motd", kOpenReadOnly);
    EXPECT_EQ(call(sys_fchdir, {u(file)}), -ENOTDIR);
    EXPECT_EQ(call(sys_fchdir, {99}), -EBADF);
    // *at() calls resolve relative paths from the working directory.
    EXPECT_EQ(call(sys_newfstatat, {kCwd, user_string("big"), fake_user_memory::map(144), 0}), 0);
}

TEST_F(StatTest, AccessAsRoot) {
    EXPECT_EQ(call(sys_access, {user_string("/etc/motd"), 0}), 0);
    EXPECT_EQ(call(sys_access, {user_string("/etc/motd"), 4}), 0);
    EXPECT_EQ(call(sys_access, {user_string("/etc/motd"), 2}), -EROFS);
    EXPECT_EQ(call(sys_access, {user_string("/etc/motd"), 1}), -EACCES);
    EXPECT_EQ(call(sys_access, {user_string("/hello"), 1}), 0);
    EXPECT_EQ(call(sys_access, {user_string("/etc"), 1}), 0);
    EXPECT_EQ(call(sys_access, {user_string("/dev/null"), 2}), 0);
    EXPECT_EQ(call(sys_access, {user_string("/tmp"), 2}), 0);
    EXPECT_EQ(call(sys_access, {user_string("/none"), 0}), -ENOENT);
    EXPECT_EQ(call(sys_access, {user_string("/etc"), 8}), -EINVAL);
    EXPECT_EQ(call(sys_faccessat, {kCwd, user_string("/dangling"), 0}), -ENOENT);
    EXPECT_EQ(call(sys_faccessat2, {kCwd, user_string("/dangling"), 0, linux_abi::kAtSymlinkNoFollow}), 0);
    EXPECT_EQ(call(sys_faccessat2, {kCwd, user_string("/etc"), 0, 0x1}), -EINVAL);
    EXPECT_EQ(call(sys_faccessat2, {0, user_string(""), 4, linux_abi::kAtEmptyPath}), 0);
}

}  // namespace
}  // namespace ingot::fs_test
