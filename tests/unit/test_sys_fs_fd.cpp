// Descriptors: dup/dup2/dup3, FD_CLOEXEC, fcntl, ioctl, close/close_range, EMFILE.
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

using FdTest = FsTest;

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }
int64_t fcntl(int64_t fd, uint64_t cmd, uint64_t arg = 0) { return call(sys_fcntl, {u(fd), cmd, arg}); }

TEST_F(FdTest, OpenTakesTheLowestFreeDescriptor) {
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly), 3);
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly), 4);
    EXPECT_EQ(call(sys_close, {3}), 0);
    EXPECT_EQ(open("/etc/hostname", kOpenReadOnly), 3);
    EXPECT_EQ(call(sys_close, {3}), 0);
    EXPECT_EQ(call(sys_close, {3}), -EBADF);
    EXPECT_EQ(call(sys_close, {u(-1)}), -EBADF);
}

TEST_F(FdTest, DupSharesTheOffsetAndStatusFlags) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    int64_t copy = call(sys_dup, {u(fd)});
    EXPECT_EQ(copy, 4);
    uint64_t buffer = fake_user_memory::map(5);
    EXPECT_EQ(call(sys_read, {u(fd), buffer, 5}), 5);
    EXPECT_EQ(call(sys_lseek, {u(copy), 0, 1}), 5);  // one offset for both
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetFl, kOpenNonBlock), 0);
    EXPECT_TRUE(fcntl(copy, linux_abi::kFcntlGetFl) & kOpenNonBlock);
    EXPECT_EQ(call(sys_close, {u(fd)}), 0);
    EXPECT_EQ(read_all(static_cast<int>(copy)), " world\n");  // still open through the copy
    EXPECT_EQ(call(sys_dup, {99}), -EBADF);
}

TEST_F(FdTest, Dup2AndDup3) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    EXPECT_EQ(call(sys_dup2, {u(fd), 10}), 10);
    EXPECT_EQ(fcntl(10, linux_abi::kFcntlGetFd), 0);
    EXPECT_EQ(call(sys_dup2, {u(fd), u(fd)}), fd);
    EXPECT_EQ(call(sys_dup2, {50, 50}), -EBADF);
    EXPECT_EQ(call(sys_dup2, {50, 51}), -EBADF);
    EXPECT_EQ(call(sys_dup2, {u(fd), 1024}), -EBADF);
    EXPECT_EQ(call(sys_dup2, {u(fd), u(-1)}), -EBADF);
    // dup2 over an open descriptor closes it first: fd 1 becomes the file.
    EXPECT_EQ(call(sys_dup2, {u(fd), 1}), 1);
    EXPECT_EQ(write(1, "x"), -EBADF);
    EXPECT_EQ(call(sys_dup3, {u(fd), 11, kOpenCloseOnExec}), 11);
    EXPECT_EQ(fcntl(11, linux_abi::kFcntlGetFd), 1);
    EXPECT_EQ(call(sys_dup3, {u(fd), u(fd), 0}), -EINVAL);
    EXPECT_EQ(call(sys_dup3, {u(fd), 12, kOpenNonBlock}), -EINVAL);
    EXPECT_EQ(call(sys_dup3, {77, 12, 0}), -EBADF);
}

TEST_F(FdTest, CloseOnExecFlags) {
    int64_t fd = open("/etc/motd", kOpenReadOnly | kOpenCloseOnExec);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetFd), 1);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetFd, 0), 0);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetFd), 0);
    EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kFioclex, 0}), 0);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetFd), 1);
    EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kFionclex, 0}), 0);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetFd), 0);
    // The flag belongs to the descriptor, not the open file.
    int64_t copy = fcntl(fd, linux_abi::kFcntlDupFdCloexec, 0);
    EXPECT_EQ(fcntl(copy, linux_abi::kFcntlGetFd), 1);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetFd), 0);
}

TEST_F(FdTest, FcntlDupFdAndStatusFlags) {
    int64_t fd = open("/tmp/f", kOpenCreate | kOpenWriteOnly | kOpenAppend);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlDupFd, 100), 100);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlDupFd, 100), 101);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlDupFd, 1024), -EINVAL);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlDupFd, u(-1)), -EINVAL);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetFl), static_cast<int64_t>(kOpenWriteOnly | kOpenAppend | kOpenLargeFile));
    // F_SETFL changes O_APPEND/O_NONBLOCK, ignores the access mode and creation flags.
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetFl, kOpenNonBlock | kOpenReadWrite | kOpenTruncate), 0);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetFl), static_cast<int64_t>(kOpenWriteOnly | kOpenNonBlock | kOpenLargeFile));
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetFl, kOpenAsync), -EINVAL);
    EXPECT_EQ(fcntl(fd, 9999), -EINVAL);
    EXPECT_EQ(fcntl(99, linux_abi::kFcntlGetFl), -EBADF);
}

TEST_F(FdTest, RecordLocksAlwaysSucceedForTheOnlyProcess) {
    int64_t fd = open("/tmp/locked", kOpenCreate | kOpenReadWrite);
    linux_abi::Flock lock{};
    lock.l_type = linux_abi::kLockWrite;
    lock.l_len = 10;
    uint64_t user_lock = fake_user_memory::map_bytes(&lock, sizeof(lock));
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetLk, user_lock), 0);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetLkWait, user_lock), 0);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlGetLk, user_lock), 0);
    auto* answered = reinterpret_cast<linux_abi::Flock*>(fake_user_memory::host(user_lock, sizeof(lock)));
    EXPECT_EQ(answered->l_type, linux_abi::kLockUnlock);
    // Validation as on Linux.
    answered->l_type = 7;
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetLk, user_lock), -EINVAL);
    answered->l_type = linux_abi::kLockRead;
    answered->l_whence = 9;
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetLk, user_lock), -EINVAL);
    answered->l_whence = 0;
    answered->l_start = -1;
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetLk, user_lock), -EINVAL);
    answered->l_start = 0;
    answered->l_pid = 5;
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlOfdSetLk, user_lock), -EINVAL);
    int64_t ro = open("/tmp/locked", kOpenReadOnly);
    answered->l_pid = 0;
    answered->l_type = linux_abi::kLockWrite;
    EXPECT_EQ(fcntl(ro, linux_abi::kFcntlSetLk, user_lock), -EBADF);
    EXPECT_EQ(fcntl(fd, linux_abi::kFcntlSetLk, 0), -EFAULT);
}

TEST_F(FdTest, TerminalIoctlsSayNotATerminal) {
    uint64_t buffer = fake_user_memory::map(64);
    for (int fd = 0; fd < 3; ++fd) {
        EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kTcgets, buffer}), -ENOTTY);
        EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kTiocgwinsz, buffer}), -ENOTTY);
    }
    int64_t file = open("/etc/motd", kOpenReadOnly);
    EXPECT_EQ(call(sys_ioctl, {u(file), linux_abi::kTcgets, buffer}), -ENOTTY);
    EXPECT_EQ(call(sys_ioctl, {99, linux_abi::kTcgets, buffer}), -EBADF);
}

TEST_F(FdTest, FionreadAndFionbio) {
    int64_t fd = open("/etc/motd", kOpenReadOnly);
    uint64_t value = fake_user_memory::map(sizeof(int));
    EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kFionread, value}), 0);
    EXPECT_EQ(*reinterpret_cast<int*>(fake_user_memory::host(value, 4)), 12);
    EXPECT_EQ(call(sys_lseek, {u(fd), 5, 0}), 5);
    EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kFionread, value}), 0);
    EXPECT_EQ(*reinterpret_cast<int*>(fake_user_memory::host(value, 4)), 7);
    EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kFionread, 0}), -EFAULT);
    int64_t dir = open("/etc", kOpenReadOnly);
    EXPECT_EQ(call(sys_ioctl, {u(dir), linux_abi::kFionread, value}), -ENOTTY);
    *reinterpret_cast<int*>(fake_user_memory::host(value, 4)) = 1;
    EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kFionbio, value}), 0);
    EXPECT_TRUE(fcntl(fd, linux_abi::kFcntlGetFl) & kOpenNonBlock);
    *reinterpret_cast<int*>(fake_user_memory::host(value, 4)) = 0;
    EXPECT_EQ(call(sys_ioctl, {u(fd), linux_abi::kFionbio, value}), 0);
    EXPECT_FALSE(fcntl(fd, linux_abi::kFcntlGetFl) & kOpenNonBlock);
}

TEST_F(FdTest, CloseRange) {
    for (int i = 0; i < 5; ++i) ASSERT_EQ(open("/etc/motd", kOpenReadOnly), 3 + i);
    EXPECT_EQ(call(sys_close_range, {4, 5, linux_abi::kCloseRangeCloexec}), 0);
    EXPECT_EQ(fcntl(4, linux_abi::kFcntlGetFd), 1);
    EXPECT_EQ(fcntl(6, linux_abi::kFcntlGetFd), 0);
    EXPECT_EQ(call(sys_close_range, {5, ~0u, 0}), 0);
    EXPECT_EQ(fcntl(5, linux_abi::kFcntlGetFd), -EBADF);
    EXPECT_EQ(fcntl(7, linux_abi::kFcntlGetFd), -EBADF);
    EXPECT_EQ(fcntl(4, linux_abi::kFcntlGetFd), 1);
    EXPECT_EQ(call(sys_close_range, {5, 4, 0}), -EINVAL);
    EXPECT_EQ(call(sys_close_range, {0, 1, 1u << 8}), -EINVAL);
}

TEST_F(FdTest, RunningOutOfDescriptorsIsEmfile) {
    int opened = 0;
    int64_t fd;
    while ((fd = open("/etc/motd", kOpenReadOnly)) >= 0) ++opened;
    EXPECT_EQ(fd, -EMFILE);
    EXPECT_EQ(opened, 1024 - 3);
    EXPECT_EQ(call(sys_dup, {0}), -EMFILE);
    EXPECT_EQ(fcntl(0, linux_abi::kFcntlDupFd, 0), -EMFILE);
    uint64_t pair = fake_user_memory::map(8);
    EXPECT_EQ(call(sys_pipe2, {pair, 0}), -EMFILE);
    // EMFILE comes before the lookup: nothing was created.
    EXPECT_EQ(open("/tmp/new", kOpenCreate | kOpenReadWrite), -EMFILE);
    EXPECT_EQ(call(sys_close, {500}), 0);
    EXPECT_EQ(open("/tmp/new", kOpenReadOnly), -ENOENT);
    // One free slot: pipe2 needs two, so it fails and leaves the slot free.
    EXPECT_EQ(call(sys_pipe2, {pair, 0}), -EMFILE);
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly), 500);
}

TEST_F(FdTest, ResourceLimitCanBeLowered) {
    ASSERT_TRUE(current_fs().fds.set_limit(5).ok());
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly), 3);
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly), 4);
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly), -EMFILE);
    EXPECT_EQ(call(sys_dup2, {3, 5}), -EBADF);
    EXPECT_FALSE(current_fs().fds.set_limit(0).ok());
}

}  // namespace
}  // namespace ingot::fs_test
