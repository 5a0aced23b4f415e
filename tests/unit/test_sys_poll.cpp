// poll, epoll and eventfd through the dispatcher, over pipes, with simulated user memory and
// a simulated clock (a timed-out wait advances it instead of sleeping).
// Kernel headers come before <cerrno> (through GoogleTest), whose E* macros would rewrite
// their Errno::E* enumerators.
#include <fs/epoll_file.h>
#include <linux/syscall.h>
#include <mm/user_memory.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_user_memory.h"
#include "fakes/fs_test_support.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace ingot {
namespace {

enum : uint64_t {
    kRead = 0, kWrite = 1, kClose = 3, kPoll = 7, kEpollWait = 232, kEpollCtl = 233, kEpollCreate1 = 291,
    kEventfd2 = 290, kPipe2 = 293,
};
constexpr int kCtlAdd = 1, kCtlDel = 2, kCtlMod = 3;
constexpr uint64_t kNonblock = 04000;

int64_t call(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    return dispatch_syscall(SyscallArgs{nr, {a0, a1, a2, a3, 0, 0}});
}

class PollTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_user_memory::reset();
        fs_test::reset_context();
        fake_clock::set_monotonic_ns(0);
        uint64_t fds = fake_user_memory::map(8);
        ASSERT_EQ(call(kPipe2, fds, kNonblock), 0);
        memcpy(pipe_fds, fake_user_memory::host(fds, 8), 8);
        byte = fake_user_memory::map_string("x");
        events = fake_user_memory::map(16 * sizeof(EpollEvent));
    }
    void write_byte() { ASSERT_EQ(call(kWrite, pipe_fds[1], byte, 1), 1); }
    void read_all() { call(kRead, pipe_fds[0], fake_user_memory::map(64), 64); }
    int64_t epoll_ctl(int epfd, int op, int fd, uint32_t mask, uint64_t data) {
        EpollEvent event{mask, data};
        return call(kEpollCtl, epfd, op, fd, fake_user_memory::map_bytes(&event, sizeof(event)));
    }
    int64_t wait(int epfd, int timeout_ms = 0) { return call(kEpollWait, epfd, events, 16, timeout_ms); }
    EpollEvent event_at(int i) {
        EpollEvent e;
        memcpy(&e, fake_user_memory::host(events + i * sizeof(EpollEvent), sizeof(e)), sizeof(e));
        return e;
    }

    int pipe_fds[2] = {-1, -1};
    uint64_t byte = 0, events = 0;
};

TEST_F(PollTest, PollReportsReadinessAndTimesOut) {
    struct PollFd {
        int32_t fd;
        int16_t events, revents;
    } fds[3] = {{pipe_fds[0], 1, 0}, {pipe_fds[1], 4, 0}, {999, 1, 0}};
    uint64_t user = fake_user_memory::map_bytes(fds, sizeof(fds));
    ASSERT_EQ(call(kPoll, user, 3, 10), 2);  // writable end and the bad descriptor (POLLNVAL)
    memcpy(fds, fake_user_memory::host(user, sizeof(fds)), sizeof(fds));
    EXPECT_EQ(fds[0].revents, 0);
    EXPECT_EQ(fds[1].revents, 4);
    EXPECT_EQ(fds[2].revents, 0x20);
    uint64_t only_read = fake_user_memory::map_bytes(fds, sizeof(fds[0]));
    EXPECT_EQ(call(kPoll, only_read, 1, 25), 0);
    EXPECT_EQ(monotonic_ns(), 25'000'000u);  // waited the whole timeout
    EXPECT_EQ(call(kPoll, only_read, 1, -1), -EDEADLK);  // nothing could ever wake it
    EXPECT_EQ(call(kPoll, kUserSpaceEnd - 4, 1, 0), -EFAULT);
}

TEST_F(PollTest, EpollLevelTriggeredReportsWhileReady) {
    int ep = static_cast<int>(call(kEpollCreate1, 0));
    ASSERT_GE(ep, 0);
    ASSERT_EQ(epoll_ctl(ep, kCtlAdd, pipe_fds[0], 1, 42), 0);
    EXPECT_EQ(epoll_ctl(ep, kCtlAdd, pipe_fds[0], 1, 42), -EEXIST);
    EXPECT_EQ(epoll_ctl(ep, kCtlAdd, ep, 1, 0), -EINVAL);
    EXPECT_EQ(wait(ep), 0);
    write_byte();
    ASSERT_EQ(wait(ep), 1);
    EXPECT_EQ(event_at(0).data, 42u);
    EXPECT_EQ(wait(ep), 1);
    read_all();
    EXPECT_EQ(wait(ep), 0);
}

TEST_F(PollTest, EpollEdgeTriggeredReportsNewEventsOnly) {
    int ep = static_cast<int>(call(kEpollCreate1, 0));
    ASSERT_EQ(epoll_ctl(ep, kCtlAdd, pipe_fds[0], kEpollIn | kEpollEdge, 1), 0);
    write_byte();
    EXPECT_EQ(wait(ep), 1);
    EXPECT_EQ(wait(ep), 0);
    // More data while still readable is a new edge (the generation moved).
    write_byte();
    EXPECT_EQ(wait(ep), 1);
    EXPECT_EQ(wait(ep), 0);
}

TEST_F(PollTest, EpollOneShotNeedsRearming) {
    int ep = static_cast<int>(call(kEpollCreate1, 0));
    ASSERT_EQ(epoll_ctl(ep, kCtlAdd, pipe_fds[0], kEpollIn | kEpollOneShot, 1), 0);
    write_byte();
    EXPECT_EQ(wait(ep), 1);
    EXPECT_EQ(wait(ep), 0);
    ASSERT_EQ(epoll_ctl(ep, kCtlMod, pipe_fds[0], kEpollIn | kEpollOneShot, 1), 0);
    EXPECT_EQ(wait(ep), 1);
}

TEST_F(PollTest, EpollForgetsClosedDescriptorsAndReportsHangUp) {
    int ep = static_cast<int>(call(kEpollCreate1, 0));
    ASSERT_EQ(epoll_ctl(ep, kCtlAdd, pipe_fds[0], kEpollIn, 1), 0);
    ASSERT_EQ(call(kClose, pipe_fds[1]), 0);
    ASSERT_EQ(wait(ep), 1);
    EXPECT_EQ(event_at(0).events & kEpollHup, kEpollHup);
    ASSERT_EQ(call(kClose, pipe_fds[0]), 0);
    EXPECT_EQ(wait(ep), 0);
    EXPECT_EQ(epoll_ctl(ep, kCtlDel, pipe_fds[0], 0, 0), -EBADF);
    EXPECT_EQ(call(kEpollWait, ep, events, 0, 0), -EINVAL);
    EXPECT_EQ(call(kEpollWait, pipe_fds[1], events, 1, 0), -EBADF);
}

// An epoll entry does not keep its file open: closing the last descriptor of a pipe's write
// end is end of file for the reader at once, without anyone calling epoll_wait first (a
// server that closes a watched socket must send its FIN).
TEST_F(PollTest, EpollEntriesDoNotKeepFilesOpen) {
    int ep = static_cast<int>(call(kEpollCreate1, 0));
    ASSERT_EQ(epoll_ctl(ep, kCtlAdd, pipe_fds[1], kEpollOut | kEpollEdge, 1), 0);
    ASSERT_EQ(call(kClose, pipe_fds[1]), 0);
    EXPECT_EQ(call(kRead, pipe_fds[0], fake_user_memory::map(8), 8), 0);  // end of file, not EAGAIN
    EXPECT_EQ(wait(ep), 0);
    ASSERT_EQ(call(kClose, ep), 0);  // an epoll closed while watching nothing
}

TEST_F(PollTest, EventfdCountsAndBlocksOnlyWhenItMay) {
    int efd = static_cast<int>(call(kEventfd2, 3, kNonblock));
    ASSERT_GE(efd, 0);
    uint64_t buffer = fake_user_memory::map(8);
    ASSERT_EQ(call(kRead, efd, buffer, 8), 8);
    uint64_t value;
    memcpy(&value, fake_user_memory::host(buffer, 8), 8);
    EXPECT_EQ(value, 3u);
    EXPECT_EQ(call(kRead, efd, buffer, 8), -EAGAIN);
    EXPECT_EQ(call(kRead, efd, buffer, 4), -EINVAL);
    uint64_t all_ones = ~0ull;
    EXPECT_EQ(call(kWrite, efd, fake_user_memory::map_bytes(&all_ones, 8), 8), -EINVAL);
    EXPECT_EQ(call(kEventfd2, 0, 0x80), -EINVAL);
}

}  // namespace
}  // namespace ingot
