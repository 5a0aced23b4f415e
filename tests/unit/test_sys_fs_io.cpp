// read/write/pread/pwrite/readv/writev/preadv/pwritev/lseek on archive files, devices and the
// standard streams.
#include <fs/fs_context.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>

#include "fakes/fs_test_support.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace ingot::fs_test {
namespace {

using IoTest = FsTest;

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }

std::string big_pattern(size_t from, size_t count) {
    std::string out;
    for (size_t i = from; i < from + count; ++i) out.push_back(static_cast<char>((i * 7 + 3) & 0xff));
    return out;
}

std::string user_text(uint64_t address, size_t length) {
    return std::string(reinterpret_cast<char*>(fake_user_memory::host(address, length)), length);
}

TEST_F(IoTest, ReadsAFileInChunksOfAnySize) {
    for (size_t chunk : {1u, 7u, 4096u, 5000u, 20000u}) {
        int64_t fd = open("/data/big", kOpenReadOnly);
        ASSERT_GE(fd, 0);
        EXPECT_EQ(read_all(static_cast<int>(fd), chunk), big_pattern(0, 9000)) << chunk;
        call(sys_close, {u(fd)});
    }
}

TEST_F(IoTest, LseekSetCurEndAndErrors) {
    int64_t fd = open("/data/big", kOpenReadOnly);
    EXPECT_EQ(call(sys_lseek, {u(fd), 100, 0}), 100);
    EXPECT_EQ(call(sys_lseek, {u(fd), 50, 1}), 150);
    EXPECT_EQ(call(sys_lseek, {u(fd), u(-10), 1}), 140);
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 2}), 9000);
    EXPECT_EQ(call(sys_lseek, {u(fd), u(-1), 2}), 8999);
    EXPECT_EQ(call(sys_lseek, {u(fd), u(-1), 0}), -EINVAL);
    EXPECT_EQ(call(sys_lseek, {u(fd), u(-10000), 2}), -EINVAL);
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 5}), -EINVAL);
    EXPECT_EQ(call(sys_lseek, {u(fd), 0x7fffffffffffffffull, 1}), -EOVERFLOW);
    // A failed seek leaves the offset alone.
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 1}), 8999);
    // Past the end is allowed; reads there return 0.
    EXPECT_EQ(call(sys_lseek, {u(fd), 20000, 0}), 20000);
    uint64_t buffer = fake_user_memory::map(16);
    EXPECT_EQ(call(sys_read, {u(fd), buffer, 16}), 0);
    // SEEK_DATA / SEEK_HOLE on an archive file: all data.
    EXPECT_EQ(call(sys_lseek, {u(fd), 10, 3}), 10);
    EXPECT_EQ(call(sys_lseek, {u(fd), 10, 4}), 9000);
    EXPECT_EQ(call(sys_lseek, {u(fd), 9000, 3}), -ENXIO);
    // Pipes and the standard streams cannot seek.
    EXPECT_EQ(call(sys_lseek, {1, 0, 0}), -ESPIPE);
}

TEST_F(IoTest, PreadLeavesTheOffsetAlone) {
    int64_t fd = open("/data/big", kOpenReadOnly);
    uint64_t buffer = fake_user_memory::map(100);
    EXPECT_EQ(call(sys_pread64, {u(fd), buffer, 100, 8950}), 50);
    EXPECT_EQ(user_text(buffer, 50), big_pattern(8950, 50));
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 1}), 0);
    EXPECT_EQ(call(sys_pread64, {u(fd), buffer, 100, 9000}), 0);
    EXPECT_EQ(call(sys_pread64, {u(fd), buffer, 100, u(-1)}), -EINVAL);
    EXPECT_EQ(call(sys_pread64, {1, buffer, 1, 0}), -ESPIPE);
    // A negative offset is refused before the descriptor is even looked at.
    EXPECT_EQ(call(sys_pread64, {999, buffer, 1, u(-5)}), -EINVAL);
    EXPECT_EQ(call(sys_pread64, {u(fd), buffer, 10, 0x7ffffffffffffffbull}), -EINVAL);
}

TEST_F(IoTest, ReadvScattersAndWritevGathers) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    uint64_t a = fake_user_memory::map(5), b = fake_user_memory::map(1), c = fake_user_memory::map(100);
    linux_abi::Iovec iov[4] = {{a, 5}, {0, 0}, {b, 1}, {c, 100}};
    uint64_t user_iov = fake_user_memory::map_bytes(iov, sizeof(iov));
    EXPECT_EQ(call(sys_readv, {u(fd), user_iov, 4}), 12);
    EXPECT_EQ(user_text(a, 5), "hello");
    EXPECT_EQ(user_text(b, 1), " ");
    EXPECT_EQ(user_text(c, 6), "world\n");
    EXPECT_EQ(call(sys_readv, {u(fd), user_iov, 4}), 0);
    EXPECT_EQ(call(sys_preadv, {u(fd), user_iov, 1, 6}), 5);
    EXPECT_EQ(user_text(a, 5), "world");

    uint64_t x = fake_user_memory::map_bytes("out", 3), y = fake_user_memory::map_bytes("put\n", 4);
    linux_abi::Iovec out[2] = {{x, 3}, {y, 4}};
    EXPECT_EQ(call(sys_writev, {1, fake_user_memory::map_bytes(out, sizeof(out)), 2}), 7);
    EXPECT_EQ(fake_console::stdout_text(), "output\n");
    EXPECT_EQ(call(sys_writev, {1, 0, 0}), 0);
}

TEST_F(IoTest, PwritevAndPreadvOnTmpfs) {
    int64_t fd = open("/tmp/v", kOpenCreate | kOpenReadWrite);
    uint64_t x = fake_user_memory::map_bytes("abc", 3), y = fake_user_memory::map_bytes("def", 3);
    linux_abi::Iovec iov[2] = {{x, 3}, {y, 3}};
    EXPECT_EQ(call(sys_pwritev, {u(fd), fake_user_memory::map_bytes(iov, sizeof(iov)), 2, 10}), 6);
    EXPECT_EQ(call(sys_lseek, {u(fd), 0, 1}), 0);
    EXPECT_EQ(file_text("/tmp/v"), std::string(10, '\0') + "abcdef");
    EXPECT_EQ(call(sys_pwritev, {u(fd), fake_user_memory::map_bytes(iov, sizeof(iov)), 2, u(-1)}), -EINVAL);
}

TEST_F(IoTest, StandardStreams) {
    EXPECT_EQ(write(1, "to stdout"), 9);
    EXPECT_EQ(write(2, "to stderr"), 9);
    EXPECT_EQ(fake_console::stdout_text(), "to stdout");
    EXPECT_EQ(fake_console::stderr_text(), "to stderr");
    // stdin is at end of file; it is read-only and the outputs are write-only.
    uint64_t buffer = fake_user_memory::map(16);
    EXPECT_EQ(call(sys_read, {0, buffer, 16}), 0);
    EXPECT_EQ(write(0, "x"), -EBADF);
    EXPECT_EQ(call(sys_read, {1, buffer, 16}), -EBADF);
    // A large write arrives whole.
    std::string large(100000, 'z');
    EXPECT_EQ(write(1, large), 100000);
    EXPECT_EQ(fake_console::stdout_text().size(), 9u + 100000u);
}

TEST_F(IoTest, WriteStopsAtTheFirstUnmappedByte) {
    // Two adjacent user pages would be needed for a fault in the middle; the fake maps separate
    // regions, so a buffer that runs off its region fails as a whole when nothing was written.
    uint64_t buffer = fake_user_memory::map_bytes("abcd", 4);
    EXPECT_EQ(call(sys_write, {1, buffer, 5000}), -EFAULT);
    EXPECT_EQ(fake_console::stdout_text(), "");
    // A console write that faults after a full chunk reports what went out.
    uint64_t big = fake_user_memory::map(300);
    EXPECT_EQ(call(sys_write, {1, big, 600}), 256);
}

TEST_F(IoTest, Devices) {
    uint64_t buffer = fake_user_memory::map(64);
    memset(fake_user_memory::host(buffer, 64), 0xaa, 64);
    int64_t zero = open("/dev/zero", kOpenReadWrite);
    EXPECT_EQ(call(sys_read, {u(zero), buffer, 64}), 64);
    EXPECT_EQ(user_text(buffer, 64), std::string(64, '\0'));
    EXPECT_EQ(write(static_cast<int>(zero), "ignored"), 7);
    int64_t null = open("/dev/null", kOpenReadWrite);
    EXPECT_EQ(call(sys_read, {u(null), buffer, 64}), 0);
    EXPECT_EQ(write(static_cast<int>(null), "gone"), 4);
    EXPECT_EQ(call(sys_lseek, {u(null), 100, 0}), 0);
    int64_t full = open("/dev/full", kOpenReadWrite);
    EXPECT_EQ(write(static_cast<int>(full), "x"), -ENOSPC);
    EXPECT_EQ(call(sys_read, {u(full), buffer, 8}), 8);
    int64_t urandom = open("/dev/urandom", kOpenReadOnly);
    EXPECT_EQ(call(sys_read, {u(urandom), buffer, 64}), 64);
    std::string first = user_text(buffer, 64);
    EXPECT_EQ(call(sys_read, {u(urandom), buffer, 64}), 64);
    EXPECT_NE(user_text(buffer, 64), first);
    EXPECT_GE(open("/dev/random", kOpenReadOnly), 0);
    // Devices are written through the read-only mount, and O_CREAT|O_TRUNC on them is fine
    // (a shell's "> /dev/null").
    EXPECT_GE(open("/dev/null", kOpenWriteOnly | kOpenCreate | kOpenTruncate), 0);
    EXPECT_EQ(open("/dev/newfile", kOpenWriteOnly | kOpenCreate), -EROFS);
}

TEST_F(IoTest, KernelReadAtForFileMappings) {
    int64_t fd = open("/data/big", kOpenReadOnly);
    Result<OpenFileRef> file = file_for_fd(static_cast<int>(fd));
    ASSERT_TRUE(file.ok());
    EXPECT_TRUE(file.value()->is_regular_file());
    EXPECT_EQ(file.value()->size(), 9000u);
    uint8_t page[4096];
    Result<size_t> n = file.value()->read_at(8192, std::span<uint8_t>(page));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 808u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(page), 808), big_pattern(8192, 808));
    EXPECT_FALSE(file_for_fd(1).value()->is_regular_file());
    EXPECT_EQ(file_for_fd(77).error(), Errno{EBADF});
}

TEST_F(IoTest, DirectoriesAreNotReadable) {
    int64_t fd = open("/etc", kOpenReadOnly);
    ASSERT_GE(fd, 0);
    uint64_t buffer = fake_user_memory::map(16);
    EXPECT_EQ(call(sys_read, {u(fd), buffer, 16}), -EISDIR);
    EXPECT_EQ(call(sys_pread64, {u(fd), buffer, 16, 0}), -EISDIR);
    EXPECT_EQ(open("/etc", kOpenWriteOnly), -EISDIR);
    EXPECT_EQ(open("/etc", kOpenReadOnly | kOpenCreate), -EISDIR);
    EXPECT_EQ(open("/tmp", kOpenReadOnly | kOpenTruncate), -EISDIR);
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly | kOpenDirectory), -ENOTDIR);
    EXPECT_GE(open("/etc/", kOpenReadOnly | kOpenDirectory), 0);
    EXPECT_EQ(open("/tmp/x/", kOpenCreate | kOpenReadWrite), -EISDIR);
    EXPECT_EQ(open("/tmp/d", kOpenCreate | kOpenDirectory | kOpenReadOnly), -EINVAL);
}

TEST_F(IoTest, PathOnlyDescriptors) {
    int64_t fd = open("/etc/motd", kOpenPath | kOpenReadWrite | kOpenTruncate);
    ASSERT_GE(fd, 0);
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Stat));
    EXPECT_EQ(call(sys_read, {u(fd), buffer, 1}), -EBADF);
    EXPECT_EQ(call(sys_write, {u(fd), buffer, 1}), -EBADF);
    EXPECT_EQ(call(sys_fstat, {u(fd), buffer}), 0);
    EXPECT_EQ(reinterpret_cast<linux_abi::Stat*>(fake_user_memory::host(buffer, 144))->st_size, 12);
    EXPECT_EQ(call(sys_fcntl, {u(fd), 3, 0}), static_cast<int64_t>(kOpenPath));
    EXPECT_EQ(file_text("/etc/motd"), "hello world\n");  // O_TRUNC was ignored
}

}  // namespace
}  // namespace ingot::fs_test
