// Threads, the scheduler and futexes, driven through the system-call dispatcher. Host threads
// are ucontexts (fakes/fake_threads.h): a clone'd thread runs a test body instead of program
// code, and its system calls block, wake and switch through the real scheduler.
#include "fakes/fake_clock.h"
#include "fakes/fake_cpu.h"
#include "fakes/fake_threads.h"
#include "fakes/fake_user_memory.h"

#include <gtest/gtest.h>
#include <linux/syscall.h>
#include <lib/clock.h>
#include <proc/event_loop.h>
#include <proc/futex.h>
#include <proc/process.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ingot {
namespace {

enum : uint64_t { kSchedYield = 24, kClone = 56, kExit = 60, kFutex = 202, kGettid = 186, kTgkill = 234,
                  kClone3 = 435 };
constexpr uint64_t kThreadFlags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000;  // VM FS FILES SIGHAND THREAD
constexpr uint64_t kChildCleartid = 0x200000, kParentSettid = 0x100000;
constexpr int kFutexWait = 0, kFutexWake = 1, kFutexRequeue = 3, kFutexWaitBitset = 9, kFutexWakeBitset = 10;

int64_t call(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0,
             uint64_t a5 = 0) {
    return dispatch_syscall(SyscallArgs{nr, {a0, a1, a2, a3, a4, a5}});
}

uint32_t& word_at(uint64_t address) { return *reinterpret_cast<uint32_t*>(fake_user_memory::host(address, 4)); }

struct Timespec {
    int64_t sec, nsec;
};

class ThreadTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_user_memory::reset();
        fake_clock::set_monotonic_ns(1'000'000'000);
        fake_cpu::reset_signals();
        fake_threads::reset();
    }
    void TearDown() override { fake_threads::reset(); }

    // Starts a thread running body; its tid goes to *tid_word and is cleared at its exit.
    int spawn(std::function<int()> body, uint64_t tid_word) {
        fake_threads::set_next_thread_body(std::move(body));
        return static_cast<int>(call(kClone, kThreadFlags | kChildCleartid | kParentSettid, 0, tid_word, tid_word, 0));
    }
    // pthread_join's way: wait on the tid word until the kernel clears it.
    void join(uint64_t tid_word) {
        while (uint32_t tid = word_at(tid_word)) call(kFutex, tid_word, kFutexWait, tid, 0);
    }
};

TEST(FutexQueue, WakesOldestFirstByAddressBitsetAndCount) {
    Thread t[4];
    FutexWaiter w[4];
    for (int i = 0; i < 4; ++i) {
        w[i].address = i < 3 ? 0x1000 : 0x2000;
        w[i].bitset = i == 1 ? 0x2 : 0x1;
        w[i].thread = &t[i];
        futex_enqueue(w[i]);
    }
    EXPECT_EQ(futex_waiter_count(0x1000), 3);
    EXPECT_EQ(futex_wake(0x1000, 0x2, 5), 1);  // only the waiter whose bitset shares a bit
    EXPECT_TRUE(w[1].woken);
    EXPECT_EQ(futex_wake(0x1000, ~0u, 1), 1);  // FIFO: w[0] before w[2]
    EXPECT_TRUE(w[0].woken);
    EXPECT_FALSE(w[2].woken);
    EXPECT_EQ(futex_requeue(0x1000, 0x2000, 0, 10), 1);
    EXPECT_EQ(futex_waiter_count(0x1000), 0);
    EXPECT_EQ(futex_waiter_count(0x2000), 2);
    EXPECT_EQ(futex_wake(0x2000, ~0u, 10), 2);
    futex_dequeue(w[2]);  // already off every queue: nothing happens
    EXPECT_EQ(futex_waiter_count(0x2000), 0);
}

TEST_F(ThreadTest, CloneRunsAThreadAndExitClearsAndWakesTheTidWord) {
    uint64_t tid_word = fake_user_memory::map(4);
    uint64_t result = fake_user_memory::map(4);
    int child_tid_seen = 0;
    int tid = spawn([&] {
        child_tid_seen = static_cast<int>(call(kGettid));
        word_at(result) = 42;
        return 0;
    }, tid_word);
    ASSERT_GT(tid, kProgramPid);
    EXPECT_EQ(word_at(tid_word), static_cast<uint32_t>(tid));  // CLONE_PARENT_SETTID
    join(tid_word);
    EXPECT_EQ(word_at(result), 42u);
    EXPECT_EQ(child_tid_seen, tid);
    EXPECT_EQ(call(kGettid), kProgramPid);
    EXPECT_EQ(live_thread_count(), 1);
}

TEST_F(ThreadTest, FutexWaitBlocksUntilAnotherThreadWakesIt) {
    uint64_t tid_word = fake_user_memory::map(4);
    uint64_t flag = fake_user_memory::map(4);
    std::string trace;
    spawn([&] {
        trace += "child-waits ";
        int64_t rc = call(kFutex, flag, kFutexWait, 0, 0);
        trace += "child-woke:" + std::to_string(rc) + " ";
        return 0;
    }, tid_word);
    call(kSchedYield);  // the child runs until it blocks
    trace += "main-wakes ";
    word_at(flag) = 1;
    EXPECT_EQ(call(kFutex, flag, kFutexWake, 1), 1);
    join(tid_word);
    EXPECT_EQ(trace, "child-waits main-wakes child-woke:0 ");
}

TEST_F(ThreadTest, FutexWaitTimesOutOnTheClock) {
    uint64_t word = fake_user_memory::map(4);
    Timespec five_ms{0, 5'000'000};
    uint64_t timeout = fake_user_memory::map_bytes(&five_ms, sizeof(five_ms));
    uint64_t start = monotonic_ns();
    EXPECT_EQ(call(kFutex, word, kFutexWait, 0, timeout), -ETIMEDOUT);
    EXPECT_GE(monotonic_ns() - start, 5'000'000u);
    // An absolute deadline already past times out at once.
    Timespec past{0, 1};
    uint64_t past_user = fake_user_memory::map_bytes(&past, sizeof(past));
    EXPECT_EQ(call(kFutex, word, kFutexWaitBitset, 0, past_user, 0, ~0u), -ETIMEDOUT);
}

TEST_F(ThreadTest, BitsetWakeReachesOnlyMatchingWaitersAndRequeueMoves) {
    uint64_t words = fake_user_memory::map(8);
    uint64_t tids = fake_user_memory::map(12);
    int woken_mask = 0;
    for (int i = 0; i < 3; ++i) {
        spawn([&, i] {
            if (call(kFutex, words, kFutexWaitBitset, 0, 0, 0, 1u << i) == 0) woken_mask |= 1 << i;
            return 0;
        }, tids + 4 * i);
    }
    call(kSchedYield);
    EXPECT_EQ(futex_waiter_count(words), 3);
    EXPECT_EQ(call(kFutex, words, kFutexWakeBitset, 10, 0, 0, 0b010), 1);
    EXPECT_EQ(call(kFutex, words, kFutexRequeue, 0, 5, words + 4), 2);  // both others move
    EXPECT_EQ(futex_waiter_count(words + 4), 2);
    EXPECT_EQ(call(kFutex, words + 4, kFutexWake, 10), 2);
    for (int i = 0; i < 3; ++i) join(tids + 4 * i);
    EXPECT_EQ(woken_mask, 0b111);
}

TEST_F(ThreadTest, TgkillInterruptsABlockedThreadsWaitWithEintr) {
    SigAction handler{0x1234, 0x04000000 /* SA_RESTORER */, 0x5678, 0};
    current_process().signal_actions[kSigUsr1] = handler;
    uint64_t tid_word = fake_user_memory::map(4);
    uint64_t word = fake_user_memory::map(4);
    int64_t wait_result = 0;
    int tid = spawn([&] {
        wait_result = call(kFutex, word, kFutexWait, 0, 0);
        current_thread().signals.pending = 0;  // no user mode here to run the handler
        return 0;
    }, tid_word);
    call(kSchedYield);
    EXPECT_EQ(call(kTgkill, kProgramPid, tid, kSigUsr1), 0);
    join(tid_word);
    EXPECT_EQ(wait_result, -EINTR);
    EXPECT_EQ(call(kTgkill, kProgramPid, tid, 0), -ESRCH);  // gone now
}

TEST_F(ThreadTest, YieldTakesTurnsRoundRobin) {
    uint64_t tids = fake_user_memory::map(8);
    std::string order;
    for (int i = 0; i < 2; ++i)
        spawn([&, i] {
            for (int round = 0; round < 3; ++round) {
                order += static_cast<char>('a' + i);
                call(kSchedYield);
            }
            return 0;
        }, tids + 4 * i);
    join(tids);
    join(tids + 4);
    EXPECT_EQ(order, "ababab");
}

TEST_F(ThreadTest, AThreadBlockedOnAConditionWakesWhenAnotherMakesItTrue) {
    uint64_t tid_word = fake_user_memory::map(4);
    bool ready = false, saw = false;
    spawn([&] {
        Result<bool> woke = wait_until([&] { return ready; }, kNoDeadline);
        saw = woke.ok() && woke.value();
        return 0;
    }, tid_word);
    call(kSchedYield);
    ready = true;
    join(tid_word);
    EXPECT_TRUE(saw);
}

TEST_F(ThreadTest, EveryThreadBlockedForeverIsADeadlockThatEndsTheProgram) {
    uint64_t tid_word = fake_user_memory::map(4);
    uint64_t word = fake_user_memory::map(4);
    spawn([&] { return static_cast<int>(call(kFutex, word, kFutexWait, 0, 0)); }, tid_word);
    try {
        join(tid_word);
        FAIL() << "the deadlock went unnoticed";
    } catch (const fake_cpu::ProgramExit& exit) {
        EXPECT_EQ(exit.status, 128 + kSigKill);
    }
}

TEST_F(ThreadTest, OddFlagCombinationsAreRefused) {
    constexpr uint64_t kSigchld = 17, kCloneVm = 0x100, kCloneFiles = 0x400, kCloneSighand = 0x800,
                       kCloneThread = 0x10000, kCloneNewns = 0x20000;
    EXPECT_EQ(call(kClone, kCloneVm | kSigchld), -EINVAL);     // shared memory without vfork
    EXPECT_EQ(call(kClone, kCloneFiles | kSigchld), -EINVAL);  // a process sharing descriptors
    EXPECT_EQ(call(kClone, kCloneVm | kCloneThread), -EINVAL);           // THREAD needs SIGHAND
    EXPECT_EQ(call(kClone, kCloneSighand), -EINVAL);                     // SIGHAND needs VM
    EXPECT_EQ(call(kClone, kThreadFlags | kCloneNewns), -EINVAL);
    uint64_t args = fake_user_memory::map(64);
    EXPECT_EQ(call(kClone3, args, 32), -EINVAL);
    EXPECT_EQ(live_thread_count(), 1);
}

}  // namespace
}  // namespace ingot
