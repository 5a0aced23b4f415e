// System-call handlers outside the file family, driven through the dispatcher as a program
// would call them, with a simulated user address space.
#include "fakes/fake_clock.h"
#include "fakes/fake_cpu.h"
#include "fakes/fake_machine.h"
#include "fakes/fake_user_memory.h"

#include <gtest/gtest.h>
#include <linux/syscall.h>
#include <mm/address_space.h>
#include <proc/process.h>
#include <proc/thread.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ingot {
namespace {

// x86-64 system-call numbers used below.
enum : uint64_t {
    kMmap = 9, kMprotect = 10, kMunmap = 11, kBrk = 12, kRtSigaction = 13, kRtSigprocmask = 14,
    kNanosleep = 35, kGetpid = 39, kKill = 62, kUname = 63, kGettimeofday = 96, kSysinfo = 99,
    kClockGettime = 228, kClockNanosleep = 230, kFutex = 202, kGetrandom = 318, kPrlimit64 = 302,
    kKexecFileLoad = 320, kTgkill = 234, kArchPrctl = 158, kGetrusage = 98, kTimes = 100,
};

int64_t call(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0,
             uint64_t a5 = 0) {
    return dispatch_syscall(SyscallArgs{nr, {a0, a1, a2, a3, a4, a5}});
}

constexpr uint64_t kUnmapped = 0x1000;  // never mapped by fake_user_memory

class SyscallTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_user_memory::reset();
        fake_machine::reset();
        current_address_space().set_layout(0x7fff'0000'0000ull);
        fake_cpu::reset_signals();
    }
};

struct Timespec {
    int64_t sec, nsec;
};

TEST_F(SyscallTest, UnknownAndUnimplementedCallsFailWithEnosys) {
    EXPECT_EQ(call(100000), -ENOSYS);
    EXPECT_EQ(call(~0ull), -ENOSYS);
    EXPECT_EQ(call(kKexecFileLoad), -ENOSYS);
    EXPECT_EQ(call(kGetpid), kProgramPid);
}

TEST_F(SyscallTest, ClockGettimeReadsTheClockAndChecksArguments) {
    fake_clock::set_monotonic_ns(5'000'000'123);
    uint64_t ts = fake_user_memory::map(sizeof(Timespec));
    ASSERT_EQ(call(kClockGettime, 1, ts), 0);
    Timespec t;
    memcpy(&t, fake_user_memory::host(ts, sizeof(t)), sizeof(t));
    EXPECT_EQ(t.sec, 5);
    EXPECT_EQ(t.nsec, 123);
    EXPECT_EQ(call(kClockGettime, 99, ts), -EINVAL);
    EXPECT_EQ(call(kClockGettime, 1, kUnmapped), -EFAULT);
    EXPECT_EQ(call(kGettimeofday, kUnmapped, 0), -EFAULT);
}

// Redis's INFO reads getrusage; CPU time is what CLOCK_PROCESS_CPUTIME_ID reports.
TEST_F(SyscallTest, GetrusageAndTimesReportTheCpuClock) {
    fake_clock::set_monotonic_ns(7'250'000'999);
    uint64_t usage = fake_user_memory::map(144);
    memset(fake_user_memory::host(usage, 144), 0xff, 144);
    ASSERT_EQ(call(kGetrusage, 0, usage), 0);
    int64_t fields[18];
    memcpy(fields, fake_user_memory::host(usage, sizeof(fields)), sizeof(fields));
    EXPECT_EQ(fields[0], 7);        // ru_utime.tv_sec
    EXPECT_EQ(fields[1], 250'000);  // ru_utime.tv_usec
    for (int i = 2; i < 18; ++i) EXPECT_EQ(fields[i], 0) << "field " << i;
    ASSERT_EQ(call(kGetrusage, 1, usage), 0);  // RUSAGE_THREAD
    memcpy(fields, fake_user_memory::host(usage, sizeof(fields)), sizeof(fields));
    EXPECT_EQ(fields[0], 7);
    ASSERT_EQ(call(kGetrusage, static_cast<uint64_t>(-1), usage), 0);  // RUSAGE_CHILDREN: none
    memcpy(fields, fake_user_memory::host(usage, sizeof(fields)), sizeof(fields));
    EXPECT_EQ(fields[0], 0);
    EXPECT_EQ(fields[1], 0);
    EXPECT_EQ(call(kGetrusage, 2, usage), -EINVAL);
    EXPECT_EQ(call(kGetrusage, 0, kUnmapped), -EFAULT);

    uint64_t tms = fake_user_memory::map(32);
    EXPECT_EQ(call(kTimes, tms), 725);  // 100 ticks a second since boot
    int64_t ticks[4];
    memcpy(ticks, fake_user_memory::host(tms, sizeof(ticks)), sizeof(ticks));
    EXPECT_EQ(ticks[0], 725);
    EXPECT_EQ(ticks[1] + ticks[2] + ticks[3], 0);
    EXPECT_EQ(call(kTimes, 0), 725);
    EXPECT_EQ(call(kTimes, kUnmapped), -EFAULT);
}

TEST_F(SyscallTest, SleepsValidateTheirTimespec) {
    fake_clock::set_monotonic_ns(0);
    Timespec good{1, 500};
    uint64_t user = fake_user_memory::map_bytes(&good, sizeof(good));
    ASSERT_EQ(call(kNanosleep, user, 0), 0);
    EXPECT_EQ(call(kClockGettime, 1, fake_user_memory::map(16)), 0);
    Timespec bad{0, 1'000'000'000};
    EXPECT_EQ(call(kNanosleep, fake_user_memory::map_bytes(&bad, sizeof(bad)), 0), -EINVAL);
    Timespec negative{-1, 0};
    EXPECT_EQ(call(kNanosleep, fake_user_memory::map_bytes(&negative, sizeof(negative)), 0), -EINVAL);
    EXPECT_EQ(call(kNanosleep, kUnmapped, 0), -EFAULT);
    EXPECT_EQ(call(kClockNanosleep, 3 /* thread CPU time */, 0, user, 0), -EINVAL);
}

TEST_F(SyscallTest, FutexChecksValueAlignmentAndTimesOut) {
    uint64_t word = fake_user_memory::map(8);
    memcpy(fake_user_memory::host(word, 4), "\x07\0\0\0", 4);
    constexpr uint64_t kWait = 0, kWake = 1, kWakeOp = 5, kPrivate = 128;
    EXPECT_EQ(call(kFutex, word, kWait | kPrivate, 8, 0), -EAGAIN);
    EXPECT_EQ(call(kFutex, word + 1, kWake, 1), -EINVAL);
    EXPECT_EQ(call(kFutex, word, kWake | kPrivate, 1), 0);
    EXPECT_EQ(call(kFutex, kUnmapped, kWait, 7, 0), -EFAULT);
    fake_clock::set_monotonic_ns(0);
    Timespec timeout{0, 1000};
    EXPECT_EQ(call(kFutex, word, kWait, 7, fake_user_memory::map_bytes(&timeout, sizeof(timeout))), -ETIMEDOUT);
    // FUTEX_WAKE_OP with FUTEX_OP_ADD 5 on the second word.
    uint64_t second = fake_user_memory::map(4);
    EXPECT_EQ(call(kFutex, word, kWakeOp, 1, 0, second, (1u << 28) | (5u << 12)), 0);
    uint32_t value;
    memcpy(&value, fake_user_memory::host(second, 4), 4);
    EXPECT_EQ(value, 5u);
    EXPECT_EQ(call(kFutex, word, 99, 0), -ENOSYS);
}

TEST_F(SyscallTest, SigactionRefusesKillAndStopAndRecordsHandlers) {
    SigAction action{0x401000, kSaRestorer, 0x402000, 0};
    uint64_t user = fake_user_memory::map_bytes(&action, sizeof(action));
    uint64_t old = fake_user_memory::map(sizeof(SigAction));
    EXPECT_EQ(call(kRtSigaction, kSigKill, user, 0, 8), -EINVAL);
    EXPECT_EQ(call(kRtSigaction, kSigStop, user, 0, 8), -EINVAL);
    EXPECT_EQ(call(kRtSigaction, 0, user, 0, 8), -EINVAL);
    EXPECT_EQ(call(kRtSigaction, 65, user, 0, 8), -EINVAL);
    EXPECT_EQ(call(kRtSigaction, kSigUsr1, user, 0, 4), -EINVAL);  // wrong sigset size
    ASSERT_EQ(call(kRtSigaction, kSigUsr1, user, old, 8), 0);
    ASSERT_EQ(call(kRtSigaction, kSigUsr1, 0, old, 8), 0);
    SigAction got;
    memcpy(&got, fake_user_memory::host(old, sizeof(got)), sizeof(got));
    EXPECT_EQ(got.handler, 0x401000u);
    EXPECT_EQ(call(kRtSigaction, kSigUsr1, kUnmapped, 0, 8), -EFAULT);
}

TEST_F(SyscallTest, SigprocmaskNeverBlocksKillOrStop) {
    uint64_t all = ~0ull;
    uint64_t set = fake_user_memory::map_bytes(&all, 8);
    uint64_t old = fake_user_memory::map(8);
    ASSERT_EQ(call(kRtSigprocmask, 0 /* SIG_BLOCK */, set, 0, 8), 0);
    EXPECT_EQ(current_thread().signals.blocked & kUnblockable, 0u);
    EXPECT_NE(current_thread().signals.blocked & signal_bit(kSigUsr1), 0u);
    ASSERT_EQ(call(kRtSigprocmask, 1 /* SIG_UNBLOCK */, set, old, 8), 0);
    EXPECT_EQ(current_thread().signals.blocked, 0u);
    EXPECT_EQ(call(kRtSigprocmask, 7, set, 0, 8), -EINVAL);
}

TEST_F(SyscallTest, KillReachesOnlyTheProgramItself) {
    EXPECT_EQ(call(kKill, 2, kSigUsr1), -ESRCH);
    EXPECT_EQ(call(kKill, static_cast<uint64_t>(-1), kSigUsr1), -ESRCH);  // spares pid 1 and the caller
    EXPECT_EQ(next_deliverable_signal(), 0);
    EXPECT_EQ(call(kKill, kProgramPid, 0), 0);
    EXPECT_EQ(call(kKill, kProgramPid, 99), -EINVAL);
    EXPECT_EQ(call(kTgkill, kProgramPid, 7, kSigUsr1), -ESRCH);
    ASSERT_EQ(call(kKill, kProgramPid, kSigUsr1), 0);
    EXPECT_EQ(next_deliverable_signal(), kSigUsr1);
    // A signal whose default action is to be ignored is discarded at once.
    fake_cpu::reset_signals();
    ASSERT_EQ(call(kKill, kProgramPid, kSigChld), 0);
    EXPECT_EQ(current_process().shared_pending, 0u);
}

TEST_F(SyscallTest, UnameNamesALinuxAbiThatGlibcAccepts) {
    uint64_t buf = fake_user_memory::map(65 * 6);
    ASSERT_EQ(call(kUname, buf), 0);
    EXPECT_STREQ(reinterpret_cast<char*>(fake_user_memory::host(buf, 6)), "Linux");
    std::string release(reinterpret_cast<char*>(fake_user_memory::host(buf + 130, 65)));
    EXPECT_GE(std::stoi(release), 4) << release;
    EXPECT_STREQ(reinterpret_cast<char*>(fake_user_memory::host(buf + 260, 7)), "x86_64");
    EXPECT_EQ(call(kUname, kUnmapped), -EFAULT);
}

TEST_F(SyscallTest, GetrandomFillsAndValidatesFlags) {
    uint64_t buf = fake_user_memory::map(300);
    EXPECT_EQ(call(kGetrandom, buf, 300, 0), 300);
    EXPECT_EQ(call(kGetrandom, buf, 16, 0x80), -EINVAL);
    EXPECT_EQ(call(kGetrandom, buf, 16, 2 | 4), -EINVAL);
    EXPECT_EQ(call(kGetrandom, kUnmapped, 16, 0), -EFAULT);
}

TEST_F(SyscallTest, PrlimitLetsTheSoftLimitMoveBelowTheHardOne) {
    struct Rlimit {
        uint64_t cur, max;
    };
    constexpr uint64_t kNofile = 7;
    uint64_t old = fake_user_memory::map(sizeof(Rlimit));
    ASSERT_EQ(call(kPrlimit64, 0, kNofile, 0, old), 0);
    Rlimit got;
    memcpy(&got, fake_user_memory::host(old, sizeof(got)), sizeof(got));
    EXPECT_EQ(got.max, 1024u);
    Rlimit raise_hard{1024, 4096};
    EXPECT_EQ(call(kPrlimit64, 0, kNofile, fake_user_memory::map_bytes(&raise_hard, sizeof(raise_hard)), 0), -EPERM);
    Rlimit inverted{512, 256};
    EXPECT_EQ(call(kPrlimit64, 0, kNofile, fake_user_memory::map_bytes(&inverted, sizeof(inverted)), 0), -EINVAL);
    EXPECT_EQ(call(kPrlimit64, 5, kNofile, 0, old), -ESRCH);
    EXPECT_EQ(call(kPrlimit64, 0, 99, 0, old), -EINVAL);
}

TEST_F(SyscallTest, ArchPrctlRejectsKernelAddresses) {
    EXPECT_EQ(call(kArchPrctl, 0x1002 /* ARCH_SET_FS */, 0xffff'8000'0000'0000ull), -EPERM);
    EXPECT_EQ(call(kArchPrctl, 0x9999, 0), -EINVAL);
}

TEST_F(SyscallTest, MmapFamilyValidatesArguments) {
    constexpr uint64_t kPrivateAnon = 0x02 | 0x20, kFixed = 0x10;
    EXPECT_EQ(call(kMmap, 0, 0, 3, kPrivateAnon, ~0ull, 0), -EINVAL);            // length 0
    EXPECT_EQ(call(kMmap, 0, 4096, 3, 0x20, ~0ull, 0), -EINVAL);                  // neither shared nor private
    EXPECT_EQ(call(kMmap, 0, 4096, 0x80, kPrivateAnon, ~0ull, 0), -EINVAL);       // unknown prot
    EXPECT_EQ(call(kMmap, 0x10001, 4096, 3, kPrivateAnon | kFixed, ~0ull, 0), -EINVAL);
    EXPECT_EQ(call(kMmap, 0, ~0ull - 100, 3, kPrivateAnon, ~0ull, 0), -ENOMEM);
    EXPECT_EQ(call(kMmap, 0, 4096, 1, 0x02, 12345, 0), -EBADF);                  // no such file
    int64_t address = call(kMmap, 0, 8192, 3, kPrivateAnon, ~0ull, 0);
    ASSERT_GT(address, 0);
    EXPECT_EQ(address % 4096, 0);
    EXPECT_EQ(call(kMprotect, address + 1, 4096, 1), -EINVAL);
    EXPECT_EQ(call(kMprotect, address, 4096 * 4, 1), -ENOMEM);
    EXPECT_EQ(call(kMunmap, address + 1, 4096), -EINVAL);
    EXPECT_EQ(call(kMunmap, address, 0), -EINVAL);
    EXPECT_EQ(call(28 /* madvise */, address, 4096, 12345), -EINVAL);  // unknown advice
    EXPECT_EQ(call(28 /* madvise */, address, 4096, 4 /* MADV_DONTNEED */), 0);
    EXPECT_EQ(call(kMunmap, address, 8192), 0);
}

TEST_F(SyscallTest, BrkNeverFailsButReportsTheBreakInEffect) {
    current_address_space().set_brk_base(0x600000);
    EXPECT_EQ(call(kBrk, 0), 0x600000);
    EXPECT_EQ(call(kBrk, 0x612345), 0x612345);
    EXPECT_EQ(call(kBrk, 0x100), 0x612345);
}

}  // namespace
}  // namespace ingot

namespace ingot {
namespace {

TEST_F(SyscallTest, ExitGroupEndsTheProgramWithTheLowByteOfItsStatus) {
    try {
        call(231 /* exit_group */, 0x1234);
        FAIL() << "exit_group returned";
    } catch (const fake_cpu::ProgramExit& exit) {
        EXPECT_EQ(exit.status, 0x34);
    }
}

TEST_F(SyscallTest, FutexWaitThatNothingCanEndIsReportedNotHung) {
    uint64_t word = fake_user_memory::map(4);
    try {
        call(kFutex, word, 0 /* FUTEX_WAIT */, 0, 0);
        FAIL() << "futex wait returned";
    } catch (const fake_cpu::ProgramExit& exit) {
        EXPECT_EQ(exit.status, 128 + kSigKill);
    }
}

}  // namespace
}  // namespace ingot
