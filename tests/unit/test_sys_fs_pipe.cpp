// Pipes (pipe(7)): data, end of file, EPIPE, EAGAIN, EDEADLK where Linux would block forever.
#include <fs/fs_context.h>
#include <fs/open_flags.h>
#include <fs/pipe.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>

#include "fakes/fs_test_support.h"

#include <cerrno>
#include <string>

namespace ingot::fs_test {
namespace {

uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }

class PipeTest : public FsTest {
protected:
    // Makes a pipe and returns {read end, write end}.
    std::pair<int, int> make_pipe(uint64_t flags = 0) {
        uint64_t pair = fake_user_memory::map(8);
        EXPECT_EQ(call(sys_pipe2, {pair, flags}), 0);
        int* fds = reinterpret_cast<int*>(fake_user_memory::host(pair, 8));
        return {fds[0], fds[1]};
    }
    int64_t read_some(int fd, size_t count, std::string* out = nullptr) {
        uint64_t buffer = fake_user_memory::map(count);
        int64_t n = call(sys_read, {u(fd), buffer, count});
        if (out && n > 0) *out = std::string(reinterpret_cast<char*>(fake_user_memory::host(buffer, n)), n);
        return n;
    }
};

TEST_F(PipeTest, DataFlowsThenEndOfFile) {
    auto [r, w] = make_pipe();
    EXPECT_EQ(r, 3);
    EXPECT_EQ(w, 4);
    EXPECT_EQ(write(w, "hello"), 5);
    EXPECT_EQ(write(w, " pipe"), 5);
    std::string got;
    EXPECT_EQ(read_some(r, 3, &got), 3);
    EXPECT_EQ(got, "hel");
    EXPECT_EQ(read_some(r, 100, &got), 7);
    EXPECT_EQ(got, "lo pipe");
    EXPECT_EQ(call(sys_close, {u(w)}), 0);
    EXPECT_EQ(read_some(r, 100), 0);  // all writers closed: end of file
}

TEST_F(PipeTest, EndOfFileWaitsForEveryWriter) {
    auto [r, w] = make_pipe();
    int64_t w2 = call(sys_dup, {u(w)});
    EXPECT_EQ(call(sys_close, {u(w)}), 0);
    EXPECT_EQ(read_some(r, 10), -EDEADLK);  // a writer remains, so this would block forever
    EXPECT_EQ(call(sys_close, {u(w2)}), 0);
    EXPECT_EQ(read_some(r, 10), 0);
}

TEST_F(PipeTest, WritingWithoutReadersIsEpipe) {
    auto [r, w] = make_pipe();
    EXPECT_EQ(call(sys_close, {u(r)}), 0);
    EXPECT_EQ(write(w, "x"), -EPIPE);
}

TEST_F(PipeTest, NonBlockingEndsAnswerEagain) {
    auto [r, w] = make_pipe(kOpenNonBlock | kOpenCloseOnExec);
    EXPECT_EQ(call(sys_fcntl, {u(r), linux_abi::kFcntlGetFd, 0}), 1);
    EXPECT_TRUE(call(sys_fcntl, {u(w), linux_abi::kFcntlGetFl, 0}) & kOpenNonBlock);
    EXPECT_EQ(read_some(r, 10), -EAGAIN);
    std::string chunk(65536, 'p');
    EXPECT_EQ(write(w, chunk), 65536);
    EXPECT_EQ(write(w, "x"), -EAGAIN);
    // Draining some makes room again; a write of up to PIPE_BUF goes in whole or not at all.
    EXPECT_EQ(read_some(r, 100), 100);
    EXPECT_EQ(write(w, std::string(200, 'q')), -EAGAIN);
    EXPECT_EQ(write(w, std::string(100, 'q')), 100);
}

// With no other thread or process that could ever drain or fill the pipe, a blocking end
// reports the deadlock instead of hanging.
TEST_F(PipeTest, BlockingEndsReportDeadlockWhenNothingElseCanRun) {
    auto [r, w] = make_pipe();
    EXPECT_EQ(read_some(r, 1), -EDEADLK);
    // A large write takes what fits and reports the short count, then EDEADLK.
    EXPECT_EQ(write(w, std::string(70000, 'b')), 65536);
    EXPECT_EQ(write(w, "more"), -EDEADLK);
}

TEST_F(PipeTest, WrapAroundKeepsOrder) {
    auto [r, w] = make_pipe();
    std::string all;
    for (int round = 0; round < 10; ++round) {
        std::string block(30000, static_cast<char>('a' + round));
        EXPECT_EQ(write(w, block), 30000);
        std::string got;
        EXPECT_EQ(read_some(r, 30000, &got), 30000);
        EXPECT_EQ(got, block);
    }
}

TEST_F(PipeTest, PipeEndsAreFifosWithoutPositions) {
    auto [r, w] = make_pipe();
    uint64_t buffer = fake_user_memory::map(sizeof(linux_abi::Stat));
    EXPECT_EQ(call(sys_fstat, {u(r), buffer}), 0);
    auto* st = reinterpret_cast<linux_abi::Stat*>(fake_user_memory::host(buffer, sizeof(linux_abi::Stat)));
    EXPECT_EQ(st->st_mode, 010600u);
    uint64_t ino = st->st_ino;
    EXPECT_EQ(call(sys_fstat, {u(w), buffer}), 0);
    EXPECT_EQ(st->st_ino, ino);  // both ends are one pipe
    EXPECT_EQ(call(sys_lseek, {u(r), 0, 1}), -ESPIPE);
    EXPECT_EQ(call(sys_pread64, {u(r), buffer, 1, 0}), -ESPIPE);
    EXPECT_EQ(write(r, "x"), -EBADF);
    EXPECT_EQ(read_some(w, 1), -EBADF);
    EXPECT_EQ(call(sys_fsync, {u(r)}), -EINVAL);
    EXPECT_EQ(call(sys_fadvise64, {u(r), 0, 0, 0}), -ESPIPE);
}

TEST_F(PipeTest, FionreadAndPipeSize) {
    auto [r, w] = make_pipe();
    EXPECT_EQ(write(w, "12345"), 5);
    uint64_t value = fake_user_memory::map(4);
    EXPECT_EQ(call(sys_ioctl, {u(r), linux_abi::kFionread, value}), 0);
    EXPECT_EQ(*reinterpret_cast<int*>(fake_user_memory::host(value, 4)), 5);
    EXPECT_EQ(call(sys_fcntl, {u(w), linux_abi::kFcntlGetPipeSize, 0}), 65536);
    EXPECT_EQ(call(sys_fcntl, {u(w), linux_abi::kFcntlSetPipeSize, 5000}), 8192);
    EXPECT_EQ(call(sys_fcntl, {u(r), linux_abi::kFcntlGetPipeSize, 0}), 8192);
    std::string got;
    EXPECT_EQ(read_some(r, 10, &got), 5);
    EXPECT_EQ(got, "12345");  // the data survived the resize
    EXPECT_EQ(call(sys_fcntl, {u(w), linux_abi::kFcntlSetPipeSize, 1u << 30}), -EPERM);
    EXPECT_EQ(call(sys_fcntl, {1, linux_abi::kFcntlGetPipeSize, 0}), -EBADF);
}

TEST_F(PipeTest, PollReadiness) {
    auto [r, w] = make_pipe();
    OpenFileRef reader = file_for_fd(r).value();
    OpenFileRef writer = file_for_fd(w).value();
    EXPECT_EQ(reader->poll_events(), 0u);
    EXPECT_EQ(writer->poll_events(), kPollOut);
    EXPECT_EQ(write(w, "x"), 1);
    EXPECT_EQ(reader->poll_events(), kPollIn);
    EXPECT_EQ(call(sys_close, {u(w)}), 0);
    EXPECT_EQ(reader->poll_events(), kPollIn);  // `writer` still holds the write end open
    writer = nullptr;
    EXPECT_EQ(reader->poll_events(), kPollIn | kPollHangUp);
}

TEST_F(PipeTest, BadArguments) {
    EXPECT_EQ(call(sys_pipe2, {fake_user_memory::map(8), kOpenDirect}), -EINVAL);
    EXPECT_EQ(call(sys_pipe2, {fake_user_memory::map(8), 1}), -EINVAL);
    // An unwritable array: the descriptors are released again.
    EXPECT_EQ(call(sys_pipe, {0}), -EFAULT);
    EXPECT_EQ(call(sys_pipe2, {fake_user_memory::map(4), 0}), -EFAULT);
    EXPECT_EQ(open("/etc/motd", kOpenReadOnly), 3);
}

}  // namespace
}  // namespace ingot::fs_test
