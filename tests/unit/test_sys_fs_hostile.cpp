// Hostile and careless arguments: bad pointers, bad descriptors, impossible counts and
// offsets, and every way of writing into the read-only root.
#include <fs/fs_context.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>

#include "fakes/fs_test_support.h"

#include <cerrno>
#include <string>

namespace ingot::fs_test {
namespace {

using HostileTest = FsTest;

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }
constexpr uint64_t kCwd = static_cast<uint64_t>(linux_abi::kAtFdCwd);
constexpr uint64_t kKernelAddress = 0xffffffff80000000ull;
constexpr uint64_t kUnmapped = 0x7000'0000'0000ull;

TEST_F(HostileTest, BadPathPointers) {
    uint64_t buffer = fake_user_memory::map(144);
    for (uint64_t bad : {uint64_t{0}, kKernelAddress, kUnmapped, ~uint64_t{0}}) {
        EXPECT_EQ(call(sys_open, {bad, 0, 0}), -EFAULT);
        EXPECT_EQ(call(sys_openat, {kCwd, bad, 0, 0}), -EFAULT);
        EXPECT_EQ(call(sys_stat, {bad, buffer}), -EFAULT);
        EXPECT_EQ(call(sys_newfstatat, {kCwd, bad, buffer, linux_abi::kAtEmptyPath}), -EFAULT);
        EXPECT_EQ(call(sys_access, {bad, 0}), -EFAULT);
        EXPECT_EQ(call(sys_chdir, {bad}), -EFAULT);
        EXPECT_EQ(call(sys_mkdir, {bad, 0755}), -EFAULT);
        EXPECT_EQ(call(sys_unlink, {bad}), -EFAULT);
        EXPECT_EQ(call(sys_rename, {bad, user_string("/tmp/x")}), -EFAULT);
        EXPECT_EQ(call(sys_symlink, {bad, user_string("/tmp/x")}), -EFAULT);
        EXPECT_EQ(call(sys_readlink, {bad, buffer, 10}), -EFAULT);
        EXPECT_EQ(call(sys_truncate, {bad, 0}), -EFAULT);
    }
    // A string that runs off the end of its mapping without a NUL.
    uint64_t unterminated = fake_user_memory::map_bytes("/etc/motd", 9);
    EXPECT_EQ(call(sys_open, {unterminated, 0, 0}), -EFAULT);
    EXPECT_EQ(call(sys_open, {user_string(""), 0, 0}), -ENOENT);
}

TEST_F(HostileTest, BadBufferPointers) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    for (uint64_t bad : {uint64_t{0}, kKernelAddress, kUnmapped}) {
        EXPECT_EQ(call(sys_read, {u(fd), bad, 10}), -EFAULT);
        EXPECT_EQ(call(sys_write, {1, bad, 10}), -EFAULT);
        EXPECT_EQ(call(sys_pread64, {u(fd), bad, 10, 0}), -EFAULT);
        EXPECT_EQ(call(sys_fstat, {u(fd), bad}), -EFAULT);
        EXPECT_EQ(call(sys_stat, {user_string("/etc"), bad}), -EFAULT);
        EXPECT_EQ(call(sys_statx, {kCwd, user_string("/etc"), 0, 0, bad}), -EFAULT);
        EXPECT_EQ(call(sys_readlink, {user_string("/link-to-motd"), bad, 10}), -EFAULT);
        EXPECT_EQ(call(sys_readv, {u(fd), bad, 1}), -EFAULT);
        EXPECT_EQ(call(sys_getcwd, {bad, 100}), -EFAULT);
        EXPECT_EQ(call(sys_statfs, {user_string("/"), bad}), -EFAULT);
    }
    // A range that wraps around or leaves user space.
    EXPECT_EQ(call(sys_read, {u(fd), fake_user_memory::map(8), ~0ull}), -EFAULT);
    EXPECT_EQ(call(sys_read, {u(fd), 0x7fff'ffff'f000ull, 0x2000}), -EFAULT);
    // Nothing was consumed by the failed reads.
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 1}), 0);
    // A zero-length read needs no valid buffer at all.
    EXPECT_EQ(call(sys_read, {u(fd), 0, 0}), 0);
}

TEST_F(HostileTest, IovecArrays) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    uint64_t data = fake_user_memory::map(16);
    linux_abi::Iovec one{data, 16};
    uint64_t iov = fake_user_memory::map_bytes(&one, sizeof(one));
    EXPECT_EQ(call(sys_readv, {u(fd), iov, 1025}), -EINVAL);
    EXPECT_EQ(call(sys_readv, {u(fd), iov, u(-1)}), -EINVAL);
    EXPECT_EQ(call(sys_writev, {1, iov, 1u << 31}), -EINVAL);
    EXPECT_EQ(call(sys_readv, {u(fd), iov, 2}), -EFAULT);  // the array is only one entry long
    linux_abi::Iovec negative{data, 1ull << 63};
    EXPECT_EQ(call(sys_readv, {u(fd), fake_user_memory::map_bytes(&negative, sizeof(negative)), 1}), -EINVAL);
    linux_abi::Iovec kernel{kKernelAddress, 16};
    EXPECT_EQ(call(sys_readv, {u(fd), fake_user_memory::map_bytes(&kernel, sizeof(kernel)), 1}), -EFAULT);
    // 1024 entries are fine.
    std::vector<linux_abi::Iovec> many(1024, linux_abi::Iovec{data, 0});
    many[0].iov_len = 16;
    EXPECT_EQ(call(sys_readv, {u(fd), fake_user_memory::map_bytes(many.data(), many.size() * 16), 1024}), 12);
    // Lengths that add up past MAX_RW_COUNT are cut short, not refused; only the bytes the
    // file has are copied, so the 16-byte mapping is enough.
    std::vector<linux_abi::Iovec> huge(3, linux_abi::Iovec{data, 0x7ffff000});
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 0}), 0);
    EXPECT_EQ(call(sys_readv, {u(fd), fake_user_memory::map_bytes(huge.data(), 48), 3}), 12);
}

TEST_F(HostileTest, BadDescriptors) {
    uint64_t buffer = fake_user_memory::map(256);
    for (uint64_t bad : {u(-1), u(3), u(1023), u(1024), u(1ll << 31), u(0x100000000ll + 1000)}) {
        EXPECT_EQ(call(sys_read, {bad, buffer, 1}), -EBADF);
        EXPECT_EQ(call(sys_write, {bad, buffer, 1}), -EBADF);
        EXPECT_EQ(call(sys_lseek, {bad, 0, 0}), -EBADF);
        EXPECT_EQ(call(sys_fstat, {bad, buffer}), -EBADF);
        EXPECT_EQ(call(sys_close, {bad}), -EBADF);
        EXPECT_EQ(call(sys_dup, {bad}), -EBADF);
        EXPECT_EQ(call(sys_fcntl, {bad, 1, 0}), -EBADF);
        EXPECT_EQ(call(sys_ioctl, {bad, linux_abi::kTcgets, buffer}), -EBADF);
        EXPECT_EQ(call(sys_getdents64, {bad, buffer, 256}), -EBADF);
        EXPECT_EQ(call(sys_fchdir, {bad}), -EBADF);
        EXPECT_EQ(call(sys_fsync, {bad}), -EBADF);
        EXPECT_EQ(call(sys_ftruncate, {bad, 0}), -EBADF);
        EXPECT_EQ(call(sys_fadvise64, {bad, 0, 0, 0}), -EBADF);
        EXPECT_EQ(call(sys_openat, {bad, user_string("etc"), 0, 0}), -EBADF);
    }
    // The upper half of a descriptor register is ignored: 0x1_0000_0001 is fd 1.
    EXPECT_EQ(call(sys_write, {0x100000001ull, fake_user_memory::map_bytes("k", 1), 1}), 1);
}

TEST_F(HostileTest, CountsAndOffsets) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    uint64_t buffer = fake_user_memory::map(64);
    // A count past MAX_RW_COUNT is clamped rather than refused (the range is in user space),
    // and only the 12 bytes the file holds are copied into the 64-byte mapping.
    EXPECT_EQ(call(sys_read, {u(fd), buffer, 0x7fffffff}), 12);
    EXPECT_EQ(call(sys_pread64, {u(fd), buffer, 64, 1ull << 63}), -EINVAL);
    EXPECT_EQ(call(sys_preadv, {u(fd), buffer, 0, u(-2)}), -EINVAL);
    EXPECT_EQ(call(sys_lseek, {u(fd), 1ull << 63, 0}), -EINVAL);
    EXPECT_EQ(call(sys_ftruncate, {u(fd), u(-1)}), -EINVAL);
    EXPECT_EQ(call(sys_fadvise64, {u(fd), 0, u(-1), 0}), -EINVAL);
    EXPECT_EQ(call(sys_fadvise64, {u(fd), 0, 0, 6}), -EINVAL);
    EXPECT_EQ(call(sys_fadvise64, {u(fd), 0, 0, 4}), 0);
    EXPECT_EQ(call(sys_readlink, {user_string("/link-to-motd"), buffer, u(-1)}), -EINVAL);
    // Writing at the largest offset a file may have.
    int64_t tmp = open("/tmp/edge", kOpenCreate | kOpenReadWrite);
    EXPECT_EQ(call(sys_pwrite64, {u(tmp), buffer, 1, 0x7fffffffffffffffull}), -EINVAL);
    EXPECT_EQ(call(sys_pwrite64, {u(tmp), buffer, 1, 0x7ffffffffffffffeull}), 1);
}

TEST_F(HostileTest, EveryWriteIntoTheRootIsErofs) {
    uint64_t cwd = kCwd;
    EXPECT_EQ(open("/etc/motd", kOpenWriteOnly), -EROFS);
    EXPECT_EQ(open("/etc/motd", kOpenReadWrite), -EROFS);
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly | kOpenTruncate), -EROFS);
    EXPECT_EQ(open("/etc/new", kOpenCreate | kOpenWriteOnly), -EROFS);
    EXPECT_EQ(call(sys_creat, {user_string("/new"), 0644}), -EROFS);
    // O_CREAT on an existing file without write access is only an open.
    EXPECT_GE(open("/etc/motd", kOpenCreate | kOpenReadOnly), 0);
    EXPECT_EQ(call(sys_mkdir, {user_string("/newdir"), 0755}), -EROFS);
    EXPECT_EQ(call(sys_mkdir, {user_string("/etc"), 0755}), -EEXIST);  // existence is checked first
    EXPECT_EQ(call(sys_mkdirat, {cwd, user_string("/etc/x"), 0755}), -EROFS);
    EXPECT_EQ(call(sys_rmdir, {user_string("/bin")}), -EROFS);
    EXPECT_EQ(call(sys_rmdir, {user_string("/tmp")}), -EROFS);
    EXPECT_EQ(call(sys_unlink, {user_string("/etc/motd")}), -EROFS);
    EXPECT_EQ(call(sys_unlink, {user_string("/etc/none")}), -EROFS);
    EXPECT_EQ(call(sys_unlinkat, {cwd, user_string("/bin"), linux_abi::kAtRemoveDir}), -EROFS);
    EXPECT_EQ(call(sys_rename, {user_string("/etc/motd"), user_string("/etc/motd2")}), -EROFS);
    EXPECT_EQ(call(sys_renameat, {cwd, user_string("/bin"), cwd, user_string("/bin2")}), -EROFS);
    EXPECT_EQ(call(sys_symlink, {user_string("x"), user_string("/etc/l")}), -EROFS);
    EXPECT_EQ(call(sys_symlinkat, {user_string("x"), cwd, user_string("/l")}), -EROFS);
    EXPECT_EQ(call(sys_truncate, {user_string("/etc/motd"), 0}), -EROFS);
    EXPECT_EQ(call(sys_chmod, {user_string("/etc/motd"), 0777}), -EROFS);
    EXPECT_EQ(call(sys_fchmodat, {cwd, user_string("/etc"), 0777}), -EROFS);
    EXPECT_EQ(call(sys_chown, {user_string("/etc/motd"), 1, 1}), -EROFS);
    EXPECT_EQ(call(sys_fchownat, {cwd, user_string("/etc"), 1, 1, 0}), -EROFS);
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    EXPECT_EQ(call(sys_fchmod, {u(fd), 0777}), -EROFS);
    EXPECT_EQ(call(sys_fchown, {u(fd), 1, 1}), -EROFS);
    EXPECT_EQ(call(sys_ftruncate, {u(fd), 0}), -EINVAL);  // not open for writing
    EXPECT_EQ(write(static_cast<int>(fd), "x"), -EBADF);
    EXPECT_EQ(call(sys_utimensat, {cwd, user_string("/etc/motd"), 0, 0}), -EROFS);
    EXPECT_EQ(call(sys_utimensat, {u(fd), 0, 0, 0}), -EROFS);
    EXPECT_EQ(open("/", kOpenTmpFile | kOpenReadWrite), -EROFS);
    EXPECT_EQ(open("/proc/self/new", kOpenCreate | kOpenWriteOnly), -EROFS);
    EXPECT_EQ(open("/hello", kOpenWriteOnly), -EROFS);
    EXPECT_EQ(call(sys_access, {user_string("/bin"), 2}), -EROFS);
    // Nothing changed.
    EXPECT_EQ(file_text("/etc/motd"), "hello world\n");
}

TEST_F(HostileTest, HostileArchives) {
    // Names with "..", oversized components and symlinks without targets are refused.
    static std::vector<uint8_t> a1, a2, a3, a4;
    a1 = CpioBuilder().file("../escape", "x").finish();
    EXPECT_EQ(mount_root_filesystem(a1, "/p", {}).error(), Errno{EINVAL});
    a2 = CpioBuilder().file(std::string(256, 'n'), "x").finish();
    EXPECT_EQ(mount_root_filesystem(a2, "/p", {}).error(), Errno{ENAMETOOLONG});
    a3 = CpioBuilder().symlink("empty-link", "").finish();
    EXPECT_EQ(mount_root_filesystem(a3, "/p", {}).error(), Errno{EINVAL});
    a4 = CpioBuilder().entry("", 0100644, "x").finish();  // a regular file as the root
    EXPECT_EQ(mount_root_filesystem(a4, "/p", {}).error(), Errno{EINVAL});
    // Truncated anywhere: always EINVAL, never a crash.
    static std::vector<uint8_t> whole;
    whole = CpioBuilder().directory("d").file("d/f", "content").symlink("l", "d/f").finish();
    for (size_t cut = 0; cut < whole.size(); cut += 3) {
        static std::vector<uint8_t> part;
        part.assign(whole.begin(), whole.begin() + static_cast<ptrdiff_t>(cut));
        Result<void> r = mount_root_filesystem(part, "/p", {});
        if (cut == 0) {
            EXPECT_TRUE(r.ok());  // an empty archive is an empty root
        } else {
            EXPECT_FALSE(r.ok()) << cut;
        }
    }
    // Duplicate names: the later entry wins; a file may replace a directory and vice versa.
    static std::vector<uint8_t> dup;
    dup = CpioBuilder().file("x", "first").file("x", "second").directory("y").file("y", "file now").finish();
    ASSERT_TRUE(mount_root_filesystem(dup, "/p", {}).ok());
    EXPECT_EQ(file_text("/x"), "second");
    EXPECT_EQ(file_text("/y"), "file now");
}

}  // namespace
}  // namespace ingot::fs_test
