// The writable /tmp (tmpfs): files, directories, links and their Linux error cases.
#include <fs/fs_context.h>
#include <fs/open_flags.h>
#include <fs/root_filesystem.h>
#include <fs/vfs.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_user_memory.h"
#include "fakes/fs_test_support.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace ingot::fs_test {
namespace {

using TmpfsTest = FsTest;

constexpr uint64_t kCreateRw = kOpenCreate | kOpenReadWrite;

int64_t close(int64_t fd) { return call(sys_close, {static_cast<uint64_t>(fd)}); }
int64_t lseek(int64_t fd, int64_t offset, int whence) {
    return call(sys_lseek, {static_cast<uint64_t>(fd), static_cast<uint64_t>(offset), static_cast<uint64_t>(whence)});
}
linux_abi::Stat stat_of(std::string_view path) {
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Stat));
    EXPECT_EQ(call(sys_lstat, {user_string(path), buffer}), 0) << path;
    linux_abi::Stat st;
    memcpy(&st, fake_user_memory::host(buffer, sizeof(st)), sizeof(st));
    return st;
}

TEST_F(TmpfsTest, CreateWriteReadBack) {
    int64_t fd = open("/tmp/file", kCreateRw, 0640);
    ASSERT_EQ(fd, 3);
    EXPECT_EQ(write(fd, "hello "), 6);
    EXPECT_EQ(write(fd, "tmpfs"), 5);
    EXPECT_EQ(lseek(fd, 0, 0), 0);
    EXPECT_EQ(read_all(fd), "hello tmpfs");
    EXPECT_EQ(close(fd), 0);
    EXPECT_EQ(file_text("/tmp/file"), "hello tmpfs");
    linux_abi::Stat st = stat_of("/tmp/file");
    EXPECT_EQ(st.st_mode, 0100640u);  // 0640 & ~022
    EXPECT_EQ(st.st_size, 11);
    EXPECT_EQ(st.st_nlink, 1u);
}

TEST_F(TmpfsTest, UmaskAppliesToCreatedFiles) {
    EXPECT_EQ(call(sys_umask, {077}), 022);
    ASSERT_GE(open("/tmp/private", kCreateRw, 0666), 0);
    EXPECT_EQ(stat_of("/tmp/private").st_mode, 0100600u);
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/pdir"), 07777}), 0);
    EXPECT_EQ(stat_of("/tmp/pdir").st_mode, 041700u);  // set-id bits dropped, sticky kept
}

TEST_F(TmpfsTest, ExclusiveCreateAndTruncate) {
    ASSERT_GE(open("/tmp/f", kCreateRw), 0);
    EXPECT_EQ(open("/tmp/f", kCreateRw | kOpenExclusive), -EEXIST);
    int64_t fd = open("/tmp/f", kOpenWriteOnly);
    EXPECT_EQ(write(fd, "0123456789"), 10);
    EXPECT_EQ(file_text("/tmp/f"), "0123456789");
    ASSERT_GE(open("/tmp/f", kOpenWriteOnly | kOpenTruncate), 0);
    EXPECT_EQ(file_text("/tmp/f"), "");
    // O_EXCL refuses even a dangling symlink.
    ASSERT_EQ(call(sys_symlink, {user_string("/tmp/none"), user_string("/tmp/dl")}), 0);
    EXPECT_EQ(open("/tmp/dl", kCreateRw | kOpenExclusive), -EEXIST);
    // Without O_EXCL, O_CREAT through a dangling link creates its target.
    EXPECT_GE(open("/tmp/dl", kCreateRw), 0);
    EXPECT_EQ(stat_of("/tmp/none").st_mode & 0170000, 0100000u);
}

TEST_F(TmpfsTest, AppendWritesAlwaysGoToTheEnd) {
    int64_t fd = open("/tmp/log", kCreateRw | kOpenAppend);
    EXPECT_EQ(write(fd, "one\n"), 4);
    EXPECT_EQ(lseek(fd, 0, 0), 0);
    EXPECT_EQ(write(fd, "two\n"), 4);
    EXPECT_EQ(lseek(fd, 0, 1), 8);
    // pwrite with O_APPEND appends too (pwrite(2) BUGS).
    uint64_t text = fake_user_memory::map_bytes("3\n", 2);
    EXPECT_EQ(call(sys_pwrite64, {static_cast<uint64_t>(fd), text, 2, 0}), 2);
    EXPECT_EQ(file_text("/tmp/log"), "one\ntwo\n3\n");
}

TEST_F(TmpfsTest, SparseGrowthReadsZeros) {
    int64_t fd = open("/tmp/sparse", kCreateRw);
    EXPECT_EQ(lseek(fd, 100000, 0), 100000);
    EXPECT_EQ(write(fd, "end"), 3);
    std::string content = file_text("/tmp/sparse");
    ASSERT_EQ(content.size(), 100003u);
    EXPECT_EQ(content.substr(0, 100000), std::string(100000, '\0'));
    EXPECT_EQ(content.substr(100000), "end");
    // Only the page with data takes space.
    EXPECT_EQ(stat_of("/tmp/sparse").st_blocks, 8);
    // SEEK_DATA / SEEK_HOLE see the hole.
    EXPECT_EQ(lseek(fd, 0, 3), 98304);  // page 24 holds offset 100000
    EXPECT_EQ(lseek(fd, 0, 4), 0);
    EXPECT_EQ(lseek(fd, 90000, 4), 90000);
    EXPECT_EQ(lseek(fd, 99000, 4), 100003);  // the data page reaches the end of the file
    EXPECT_EQ(lseek(fd, 100001, 4), 100003);
    EXPECT_EQ(lseek(fd, 100003, 3), -ENXIO);
}

TEST_F(TmpfsTest, TruncateShrinksAndGrowsWithZeros) {
    int64_t fd = open("/tmp/t", kCreateRw);
    EXPECT_EQ(write(fd, "abcdefgh"), 8);
    EXPECT_EQ(call(sys_ftruncate, {static_cast<uint64_t>(fd), 3}), 0);
    EXPECT_EQ(file_text("/tmp/t"), "abc");
    EXPECT_EQ(call(sys_ftruncate, {static_cast<uint64_t>(fd), 6}), 0);
    EXPECT_EQ(file_text("/tmp/t"), std::string("abc\0\0\0", 6));  // old bytes do not come back
    EXPECT_EQ(call(sys_truncate, {user_string("/tmp/t"), 0}), 0);
    EXPECT_EQ(file_text("/tmp/t"), "");
    EXPECT_EQ(call(sys_truncate, {user_string("/tmp/t"), static_cast<uint64_t>(-1)}), -EINVAL);
    EXPECT_EQ(call(sys_truncate, {user_string("/tmp"), 0}), -EISDIR);
    // ftruncate needs a regular file open for writing.
    int64_t ro = open("/tmp/t", kOpenReadOnly);
    EXPECT_EQ(call(sys_ftruncate, {static_cast<uint64_t>(ro), 0}), -EINVAL);
    EXPECT_EQ(call(sys_ftruncate, {1, 0}), -EINVAL);
    EXPECT_EQ(call(sys_ftruncate, {99, 0}), -EBADF);
    // A huge sparse size costs nothing.
    EXPECT_EQ(call(sys_ftruncate, {static_cast<uint64_t>(fd), 1ull << 40}), 0);
    EXPECT_EQ(stat_of("/tmp/t").st_size, 1ll << 40);
}

// FITRIM (fstrim) is for disks: tmpfs has none, and says ENOTTY as Linux's does; the range
// comes back unchanged.
TEST_F(TmpfsTest, FitrimHasNoDiskToTrim) {
    int64_t fd = open("/tmp", kOpenReadOnly);
    uint64_t range[3] = {0, UINT64_MAX, 0};
    uint64_t user_range = fake_user_memory::map_bytes(range, sizeof(range));
    EXPECT_EQ(call(sys_ioctl, {static_cast<uint64_t>(fd), linux_abi::kFitrim, user_range}), -ENOTTY);
    EXPECT_EQ(range[1], UINT64_MAX);
}

int64_t fallocate(int64_t fd, uint64_t mode, int64_t offset, int64_t length) {
    return call(sys_fallocate, {static_cast<uint64_t>(fd), mode, static_cast<uint64_t>(offset), static_cast<uint64_t>(length)});
}

TEST_F(TmpfsTest, FallocateSetsPagesAsideAndPunchesHoles) {
    constexpr uint64_t kKeepSize = 1, kPunchHole = 2, kZeroRange = 0x10;
    int64_t fd = open("/tmp/fa", kCreateRw);
    std::string text(3 * 4096 + 100, 'x');
    EXPECT_EQ(write(fd, text), static_cast<int64_t>(text.size()));
    // Mode 0 grows the file; the new bytes read as zeros and take pages at once.
    EXPECT_EQ(fallocate(fd, 0, 0, 5 * 4096), 0);
    EXPECT_EQ(stat_of("/tmp/fa").st_size, 5 * 4096);
    EXPECT_EQ(stat_of("/tmp/fa").st_blocks, 5 * 8);
    text.resize(5 * 4096, '\0');
    EXPECT_TRUE(file_text("/tmp/fa") == text);
    // KEEP_SIZE leaves the size alone.
    EXPECT_EQ(fallocate(fd, kKeepSize, 0, 10 * 4096), 0);
    EXPECT_EQ(stat_of("/tmp/fa").st_size, 5 * 4096);
    // A punched range reads as zeros; the whole page in it is freed.
    EXPECT_EQ(fallocate(fd, kPunchHole | kKeepSize, 100, 2 * 4096), 0);
    std::fill(text.begin() + 100, text.begin() + 100 + 2 * 4096, '\0');
    EXPECT_TRUE(file_text("/tmp/fa") == text);
    EXPECT_EQ(stat_of("/tmp/fa").st_blocks, 4 * 8);
    EXPECT_EQ(stat_of("/tmp/fa").st_size, 5 * 4096);
    // Linux's argument checks, in its order.
    EXPECT_EQ(fallocate(fd, 0, 0, 0), -EINVAL);
    EXPECT_EQ(fallocate(fd, 0, -1, 10), -EINVAL);
    EXPECT_EQ(fallocate(fd, kPunchHole, 0, 10), -EOPNOTSUPP);
    EXPECT_EQ(fallocate(fd, kZeroRange, 0, 10), -EOPNOTSUPP);
    EXPECT_EQ(fallocate(fd, 0x100, 0, 10), -EOPNOTSUPP);
    EXPECT_EQ(fallocate(99, 0, 0, 10), -EBADF);
    EXPECT_EQ(fallocate(open("/tmp/fa", kOpenReadOnly), 0, 0, 10), -EBADF);
    EXPECT_EQ(fallocate(fd, 0, INT64_MAX - 10, 100), -EFBIG);
    EXPECT_EQ(fallocate(fd, 0, 0, 1ll << 40), -ENOSPC);  // more than memory holds: nothing taken
    EXPECT_EQ(stat_of("/tmp/fa").st_size, 5 * 4096);
}

TEST_F(TmpfsTest, DirectoriesMkdirRmdir) {
    EXPECT_EQ(call(sys_mkdir, {user_string("/tmp/d"), 0755}), 0);
    EXPECT_EQ(call(sys_mkdir, {user_string("/tmp/d"), 0755}), -EEXIST);
    EXPECT_EQ(call(sys_mkdir, {user_string("/tmp/d/sub/"), 0755}), 0);  // trailing slash is fine
    EXPECT_EQ(call(sys_mkdir, {user_string("/tmp/missing/sub"), 0755}), -ENOENT);
    EXPECT_EQ(stat_of("/tmp/d").st_nlink, 3u);
    EXPECT_EQ(call(sys_rmdir, {user_string("/tmp/d")}), -ENOTEMPTY);
    EXPECT_EQ(call(sys_rmdir, {user_string("/tmp/d/sub/.")}), -EINVAL);
    EXPECT_EQ(call(sys_rmdir, {user_string("/tmp/d/sub/..")}), -ENOTEMPTY);
    EXPECT_EQ(call(sys_rmdir, {user_string("/tmp/d/sub")}), 0);
    EXPECT_EQ(call(sys_rmdir, {user_string("/tmp/d/sub")}), -ENOENT);
    ASSERT_GE(open("/tmp/d/f", kCreateRw), 0);
    EXPECT_EQ(call(sys_rmdir, {user_string("/tmp/d/f")}), -ENOTDIR);
    EXPECT_EQ(call(sys_unlink, {user_string("/tmp/d")}), -EISDIR);
    EXPECT_EQ(call(sys_unlink, {user_string("/tmp/d/f/")}), -ENOTDIR);
    EXPECT_EQ(call(sys_unlinkat, {static_cast<uint64_t>(linux_abi::kAtFdCwd), user_string("/tmp/d/f"), 0}), 0);
    EXPECT_EQ(call(sys_unlinkat, {static_cast<uint64_t>(linux_abi::kAtFdCwd), user_string("/tmp/d"), 0x200}), 0);
    EXPECT_EQ(call(sys_unlinkat, {static_cast<uint64_t>(linux_abi::kAtFdCwd), user_string("/tmp/x"), 0x1}), -EINVAL);
    EXPECT_EQ(call(sys_mkdir, {user_string("/tmp/."), 0755}), -EEXIST);
    EXPECT_EQ(call(sys_rmdir, {user_string("/")}), -EBUSY);
}

TEST_F(TmpfsTest, RemovedWorkingDirectory) {
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/gone"), 0755}), 0);
    ASSERT_EQ(call(sys_chdir, {user_string("/tmp/gone")}), 0);
    ASSERT_EQ(call(sys_rmdir, {user_string("/tmp/gone")}), 0);
    uint64_t buffer = fake_user_memory::map(64);
    EXPECT_EQ(call(sys_getcwd, {buffer, 64}), -ENOENT);
    EXPECT_EQ(open("new", kCreateRw), -ENOENT);
    EXPECT_EQ(file_text("../../etc/hostname"), "ingot\n");
}

TEST_F(TmpfsTest, UnlinkKeepsOpenFilesReadable) {
    int64_t fd = open("/tmp/u", kCreateRw);
    EXPECT_EQ(write(fd, "still here"), 10);
    EXPECT_EQ(call(sys_unlink, {user_string("/tmp/u")}), 0);
    EXPECT_EQ(open("/tmp/u", kOpenReadOnly), -ENOENT);
    EXPECT_EQ(lseek(fd, 0, 0), 0);
    EXPECT_EQ(read_all(fd), "still here");
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Stat));
    ASSERT_EQ(call(sys_fstat, {static_cast<uint64_t>(fd), buffer}), 0);
    EXPECT_EQ(reinterpret_cast<linux_abi::Stat*>(fake_user_memory::host(buffer, 144))->st_nlink, 0u);
}

TEST_F(TmpfsTest, RenameFilesAndDirectories) {
    ASSERT_GE(open("/tmp/a", kCreateRw), 0);
    ASSERT_EQ(write(3, "A"), 1);
    ASSERT_GE(open("/tmp/b", kCreateRw), 0);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/a"), user_string("/tmp/b")}), 0);
    EXPECT_EQ(file_text("/tmp/b"), "A");
    EXPECT_EQ(open("/tmp/a", kOpenReadOnly), -ENOENT);
    // Renaming onto itself (or another link of itself) does nothing.
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/b"), user_string("/tmp/b")}), 0);
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/d1"), 0755}), 0);
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/d1/inner"), 0755}), 0);
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/d2"), 0755}), 0);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/b"), user_string("/tmp/d2")}), -EISDIR);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/d2"), user_string("/tmp/b")}), -ENOTDIR);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/d2"), user_string("/tmp/d1")}), -ENOTEMPTY);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/d1"), user_string("/tmp/d1/inner/x")}), -EINVAL);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/b/"), user_string("/tmp/c")}), -ENOTDIR);
    // A directory moves with its contents, and ".." follows it.
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/d1"), user_string("/tmp/d2/moved")}), 0);
    EXPECT_EQ(call(sys_chdir, {user_string("/tmp/d2/moved/inner")}), 0);
    uint64_t buffer = fake_user_memory::map(64);
    EXPECT_EQ(call(sys_getcwd, {buffer, 64}), 20);
    EXPECT_STREQ(reinterpret_cast<char*>(fake_user_memory::host(buffer, 20)), "/tmp/d2/moved/inner");
    EXPECT_EQ(file_text("../../../b"), "A");
    // An empty directory may be replaced by a directory.
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/empty"), 0755}), 0);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/d2"), user_string("/tmp/empty")}), 0);
    EXPECT_EQ(file_text("/tmp/empty/moved/inner/../../../b"), "A");
}

TEST_F(TmpfsTest, RenameFlagsAndCrossDevice) {
    ASSERT_GE(open("/tmp/x", kCreateRw), 0);
    ASSERT_GE(open("/tmp/y", kCreateRw), 0);
    uint64_t cwd = static_cast<uint64_t>(linux_abi::kAtFdCwd);
    EXPECT_EQ(call(sys_renameat2, {cwd, user_string("/tmp/x"), cwd, user_string("/tmp/y"), 1}), -EEXIST);
    EXPECT_EQ(call(sys_renameat2, {cwd, user_string("/tmp/x"), cwd, user_string("/tmp/z"), 1}), 0);
    EXPECT_EQ(call(sys_renameat2, {cwd, user_string("/tmp/z"), cwd, user_string("/tmp/y"), 2}), -EINVAL);
    EXPECT_EQ(call(sys_renameat2, {cwd, user_string("/tmp/z"), cwd, user_string("/tmp/y"), 3}), -EINVAL);
    EXPECT_EQ(call(sys_renameat2, {cwd, user_string("/tmp/z"), cwd, user_string("/tmp/y"), 8}), -EINVAL);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/z"), user_string("/etc/z")}), -EXDEV);
    EXPECT_EQ(call(sys_rename, {user_string("/etc/motd"), user_string("/tmp/motd")}), -EXDEV);
    EXPECT_EQ(call(sys_rename, {user_string("/tmp/."), user_string("/tmp/q")}), -EBUSY);
}

TEST_F(TmpfsTest, SymlinksInTmpfs) {
    EXPECT_EQ(call(sys_symlink, {user_string("/etc/hostname"), user_string("/tmp/h")}), 0);
    EXPECT_EQ(file_text("/tmp/h"), "ingot\n");
    EXPECT_EQ(call(sys_symlink, {user_string("x"), user_string("/tmp/h")}), -EEXIST);
    EXPECT_EQ(call(sys_symlink, {user_string(""), user_string("/tmp/e")}), -ENOENT);
    EXPECT_EQ(call(sys_symlink, {user_string("x"), user_string("/tmp/e/")}), -ENOENT);
    EXPECT_EQ(stat_of("/tmp/h").st_mode, 0120777u);
    EXPECT_EQ(stat_of("/tmp/h").st_size, 13);
    uint64_t buffer = fake_user_memory::map(8);
    // readlink truncates silently and adds no NUL.
    EXPECT_EQ(call(sys_readlink, {user_string("/tmp/h"), buffer, 4}), 4);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, 5)), 5), std::string("/etc\0", 5));
    EXPECT_EQ(call(sys_readlink, {user_string("/tmp/h"), buffer, 0}), -EINVAL);
    EXPECT_EQ(call(sys_readlink, {user_string("/etc/motd"), buffer, 8}), -EINVAL);
    EXPECT_EQ(call(sys_unlink, {user_string("/tmp/h")}), 0);
    EXPECT_EQ(file_text("/etc/hostname"), "ingot\n");  // the target is untouched
}

TEST_F(TmpfsTest, TemporaryUnnamedFiles) {
    int64_t fd = open("/tmp", kOpenTmpFile | kOpenReadWrite, 0600);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(write(fd, "anon"), 4);
    EXPECT_EQ(lseek(fd, 0, 0), 0);
    EXPECT_EQ(read_all(fd), "anon");
    EXPECT_EQ(open("/tmp", kOpenTmpFile | kOpenReadOnly), -EINVAL);
    EXPECT_EQ(open("/etc", kOpenTmpFile | kOpenReadWrite), -EROFS);
    EXPECT_EQ(open("/tmp/nowhere", kOpenTmpFile | kOpenReadWrite), -ENOENT);
}

TEST_F(TmpfsTest, ChmodAndUtimensat) {
    ASSERT_GE(open("/tmp/m", kCreateRw, 0644), 0);
    EXPECT_EQ(call(sys_chmod, {user_string("/tmp/m"), 04711}), 0);
    EXPECT_EQ(stat_of("/tmp/m").st_mode, 0104711u);
    EXPECT_EQ(call(sys_fchmod, {3, 0600}), 0);
    EXPECT_EQ(stat_of("/tmp/m").st_mode, 0100600u);
    linux_abi::Timespec times[2] = {{1000, 5}, {2000, linux_abi::kUtimeOmit}};
    uint64_t user_times = fake_user_memory::map_bytes(times, sizeof(times));
    uint64_t cwd = static_cast<uint64_t>(linux_abi::kAtFdCwd);
    EXPECT_EQ(call(sys_utimensat, {cwd, user_string("/tmp/m"), user_times, 0}), 0);
    linux_abi::Stat st = stat_of("/tmp/m");
    EXPECT_EQ(st.st_atime_sec, 1000);
    EXPECT_EQ(st.st_atime_nsec, 5);
    EXPECT_NE(st.st_mtime_sec, 2000);
    // NULL times: both become now; NULL path with a descriptor changes that file.
    fake_clock::advance_ns(5'000'000'000);
    EXPECT_EQ(call(sys_utimensat, {3, 0, 0, 0}), 0);
    EXPECT_EQ(stat_of("/tmp/m").st_mtime_sec, stat_of("/tmp/m").st_atime_sec);
    linux_abi::Timespec bad[2] = {{0, 1'000'000'000}, {0, 0}};
    EXPECT_EQ(call(sys_utimensat, {cwd, user_string("/tmp/m"), fake_user_memory::map_bytes(bad, sizeof(bad)), 0}), -EINVAL);
    EXPECT_EQ(call(sys_utimensat, {cwd, 0, 0, 0}), -EFAULT);
    EXPECT_EQ(call(sys_utimensat, {cwd, user_string("/tmp/m"), 0, 0x8}), -EINVAL);
}

// chown and its relatives, as root: any owner, -1 keeps a field, set-user-ID is cleared on
// files (set-group-ID only with group execute), never on directories; links are changed by
// lchown and AT_SYMLINK_NOFOLLOW, their targets by chown. The read-only root refuses.
TEST_F(TmpfsTest, ChownFamily) {
    uint64_t cwd = static_cast<uint64_t>(linux_abi::kAtFdCwd);
    constexpr uint64_t kKeep = 0xFFFFFFFFu;
    ASSERT_EQ(open("/tmp/owned", kCreateRw, 0644), 3);
    fake_clock::advance_ns(3'000'000'000);
    EXPECT_EQ(call(sys_fchown, {3, 1000, 100}), 0);
    linux_abi::Stat st = stat_of("/tmp/owned");
    EXPECT_EQ(st.st_uid, 1000u);
    EXPECT_EQ(st.st_gid, 100u);
    EXPECT_GT(st.st_ctime_sec, st.st_mtime_sec);
    EXPECT_EQ(call(sys_chown, {user_string("/tmp/owned"), kKeep, 7}), 0);
    EXPECT_EQ(stat_of("/tmp/owned").st_uid, 1000u);
    EXPECT_EQ(stat_of("/tmp/owned").st_gid, 7u);
    EXPECT_EQ(call(sys_fchown, {0xFFFFFFFFFFFFFFFFull, 0, 0}), -EBADF);

    EXPECT_EQ(call(sys_chmod, {user_string("/tmp/owned"), 06755}), 0);
    EXPECT_EQ(call(sys_fchown, {3, kKeep, kKeep}), 0);
    EXPECT_EQ(stat_of("/tmp/owned").st_mode, 0100755u);
    EXPECT_EQ(call(sys_chmod, {user_string("/tmp/owned"), 06745}), 0);  // no group execute
    EXPECT_EQ(call(sys_fchown, {3, 0, 0}), 0);
    EXPECT_EQ(stat_of("/tmp/owned").st_mode, 0102745u);
    ASSERT_EQ(call(sys_mkdir, {user_string("/tmp/sgid-dir"), 0755}), 0);
    EXPECT_EQ(call(sys_chmod, {user_string("/tmp/sgid-dir"), 02775}), 0);
    EXPECT_EQ(call(sys_chown, {user_string("/tmp/sgid-dir"), 5, 5}), 0);
    EXPECT_EQ(stat_of("/tmp/sgid-dir").st_mode, 042775u);

    ASSERT_EQ(call(sys_symlink, {user_string("owned"), user_string("/tmp/link")}), 0);
    EXPECT_EQ(call(sys_lchown, {user_string("/tmp/link"), 42, 43}), 0);
    EXPECT_EQ(stat_of("/tmp/link").st_uid, 42u);
    EXPECT_EQ(stat_of("/tmp/owned").st_uid, 0u);
    EXPECT_EQ(call(sys_chown, {user_string("/tmp/link"), 9, 9}), 0);
    EXPECT_EQ(stat_of("/tmp/owned").st_uid, 9u);
    EXPECT_EQ(call(sys_fchownat, {cwd, user_string("/tmp/link"), 11, 12, linux_abi::kAtSymlinkNoFollow}), 0);
    EXPECT_EQ(stat_of("/tmp/link").st_uid, 11u);
    EXPECT_EQ(stat_of("/tmp/owned").st_uid, 9u);
    EXPECT_EQ(call(sys_fchownat, {3, user_string(""), 21, 22, linux_abi::kAtEmptyPath}), 0);
    EXPECT_EQ(stat_of("/tmp/owned").st_gid, 22u);
    EXPECT_EQ(call(sys_fchownat, {3, user_string(""), 1, 1, 0}), -ENOENT);
    EXPECT_EQ(call(sys_fchownat, {cwd, user_string("/tmp/owned"), 1, 1, 0x2}), -EINVAL);
    EXPECT_EQ(call(sys_chown, {user_string("/tmp/none"), 1, 1}), -ENOENT);
    EXPECT_EQ(call(sys_chown, {user_string("/etc/motd"), 1, 1}), -EROFS);
}

TEST_F(TmpfsTest, WritesUpdateModificationTime) {
    int64_t fd = open("/tmp/clock", kCreateRw);
    int64_t created = stat_of("/tmp/clock").st_mtime_sec;
    fake_clock::advance_ns(7'000'000'000);
    EXPECT_EQ(write(fd, "x"), 1);
    EXPECT_EQ(stat_of("/tmp/clock").st_mtime_sec, created + 7);
    EXPECT_EQ(stat_of("/tmp").st_mtime_sec, created);  // the directory changed at creation
}

// relatime, as Linux mounts by default: a read moves the access time when it is not newer
// than the last change, or a day old; O_NOATIME reads leave it; directory listings count.
TEST_F(TmpfsTest, ReadsMoveTheAccessTimeAsRelatimeDoes) {
    constexpr uint64_t kSecond = 1'000'000'000, kDay = 24 * 3600 * kSecond;
    int64_t fd = open("/tmp/atime", kCreateRw);
    EXPECT_EQ(write(fd, "data"), 4);
    int64_t created = stat_of("/tmp/atime").st_atime_sec;
    char buffer[8];
    auto read_at0 = [&buffer](int64_t descriptor) {
        uint64_t user = fake_user_memory::map(sizeof buffer);
        return call(sys_pread64, {static_cast<uint64_t>(descriptor), user, sizeof buffer, 0});
    };
    fake_clock::advance_ns(10 * kSecond);
    EXPECT_EQ(read_at0(fd), 4);
    EXPECT_EQ(stat_of("/tmp/atime").st_atime_sec, created + 10);  // it was not newer than mtime
    fake_clock::advance_ns(10 * kSecond);
    EXPECT_EQ(read_at0(fd), 4);
    EXPECT_EQ(stat_of("/tmp/atime").st_atime_sec, created + 10);  // newer, and not a day old
    fake_clock::advance_ns(kDay);
    int64_t quiet = open("/tmp/atime", kOpenReadOnly | kOpenNoAccessTime);
    EXPECT_EQ(read_at0(quiet), 4);
    EXPECT_EQ(stat_of("/tmp/atime").st_atime_sec, created + 10);
    EXPECT_EQ(read_at0(fd), 4);
    EXPECT_EQ(stat_of("/tmp/atime").st_atime_sec, static_cast<int64_t>(created + 20 + kDay / kSecond));
    // A listing reads the directory.
    int64_t dir = open("/tmp", kOpenReadOnly | kOpenDirectory);
    fake_clock::advance_ns(5 * kSecond);
    uint64_t entries = fake_user_memory::map(4096);
    EXPECT_GT(call(sys_getdents64, {static_cast<uint64_t>(dir), entries, 4096}), 0);
    EXPECT_EQ(stat_of("/tmp").st_atime_sec, static_cast<int64_t>(created + 25 + kDay / kSecond));
}

TEST_F(TmpfsTest, CapacityLimitGivesEnospc) {
    static std::vector<uint8_t> archive = CpioBuilder().finish();
    MountOptions options;
    options.tmpfs_capacity_bytes = 8192;
    ASSERT_TRUE(mount_root_filesystem(archive, "/p", {}, options).ok());
    int64_t fd = open("/tmp/big", kCreateRw);
    std::string data(10000, 'x');
    EXPECT_EQ(write(fd, data), 8192);  // a short write, then ENOSPC
    EXPECT_EQ(write(fd, "y"), -ENOSPC);
    // Space comes back when the file shrinks.
    EXPECT_EQ(call(sys_ftruncate, {static_cast<uint64_t>(fd), 0}), 0);
    EXPECT_EQ(write(fd, "y"), 1);
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Statfs));
    ASSERT_EQ(call(sys_statfs, {user_string("/tmp"), buffer}), 0);
    auto* st = reinterpret_cast<linux_abi::Statfs*>(fake_user_memory::host(buffer, sizeof(linux_abi::Statfs)));
    EXPECT_EQ(st->f_blocks, 2u);
    EXPECT_EQ(st->f_bfree, 1u);
}

}  // namespace
}  // namespace ingot::fs_test
