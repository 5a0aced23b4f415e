// Clocks and sleeping (clock_gettime(2), nanosleep(2)). Every clock reads the TSC-based kernel
// clock; CPU-time clocks equal monotonic time since boot, as the program is the only thing
// that runs.
#include <lib/clock.h>
#include <linux/sys_families.h>
#include <linux/user_time.h>
#include <mm/user_memory.h>

namespace ingot {
namespace {

constexpr int kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3,
              kClockMonotonicRaw = 4, kClockRealtimeCoarse = 5, kClockMonotonicCoarse = 6, kClockBoottime = 7,
              kClockRealtimeAlarm = 8, kClockBoottimeAlarm = 9, kClockTai = 11;
constexpr int kTimerAbstime = 1;

struct Timeval {
    int64_t sec;
    int64_t usec;
};

Result<uint64_t> clock_now(int clock) {
    switch (clock) {
    case kClockRealtime:
    case kClockRealtimeCoarse:
    case kClockRealtimeAlarm:
    case kClockTai: return realtime_ns();
    case kClockMonotonic:
    case kClockMonotonicRaw:
    case kClockMonotonicCoarse:
    case kClockBoottime:
    case kClockBoottimeAlarm:
    case kClockProcessCputime:
    case kClockThreadCputime: return monotonic_ns();
    default: return Errno::EINVAL;
    }
}

Timespec to_timespec(uint64_t ns) {
    return {static_cast<int64_t>(ns / kNanosPerSecond), static_cast<int64_t>(ns % kNanosPerSecond)};
}

// Sleeps on `clock` until the absolute time `deadline`.
void sleep_on_clock(int clock, uint64_t deadline) {
    uint64_t now = clock_now(clock).value_or(0);
    if (deadline <= now) return;
    uint64_t monotonic_deadline = monotonic_ns() + (deadline - now);
    if (monotonic_deadline < deadline - now) monotonic_deadline = ~0ull;
    sleep_until(monotonic_deadline);
}

}  // namespace

Result<int64_t> sys_clock_gettime(const SyscallArgs& a) {
    uint64_t now = TRY(clock_now(static_cast<int>(a.a[0])));
    TRY(write_user(a.a[1], to_timespec(now)));
    return 0;
}

Result<int64_t> sys_clock_getres(const SyscallArgs& a) {
    TRY(clock_now(static_cast<int>(a.a[0])));
    if (a.a[1]) TRY(write_user(a.a[1], Timespec{0, 1}));
    return 0;
}

Result<int64_t> sys_gettimeofday(const SyscallArgs& a) {
    if (a.a[0]) {
        uint64_t now = realtime_ns();
        TRY(write_user(a.a[0], Timeval{static_cast<int64_t>(now / kNanosPerSecond),
                                       static_cast<int64_t>(now % kNanosPerSecond / 1000)}));
    }
    if (a.a[1]) TRY(clear_user(a.a[1], 8));  // struct timezone: UTC
    return 0;
}

Result<int64_t> sys_time(const SyscallArgs& a) {
    int64_t seconds = static_cast<int64_t>(realtime_ns() / kNanosPerSecond);
    if (a.a[0]) TRY(write_user(a.a[0], seconds));
    return seconds;
}

Result<int64_t> sys_nanosleep(const SyscallArgs& a) {
    uint64_t duration = TRY(read_timespec_ns(a.a[0]));
    uint64_t now = monotonic_ns();
    sleep_on_clock(kClockMonotonic, now + duration < now ? ~0ull : now + duration);
    return 0;  // never interrupted: no asynchronous signals reach the program
}

Result<int64_t> sys_clock_nanosleep(const SyscallArgs& a) {
    int clock = static_cast<int>(a.a[0]);
    if (clock == kClockThreadCputime) return Errno::EINVAL;  // Linux refuses it too
    uint64_t now = TRY(clock_now(clock));
    uint64_t when = TRY(read_timespec_ns(a.a[2]));
    // Linux returns errors from clock_nanosleep directly (not through errno), but the raw
    // syscall uses the same -errno convention as every other call.
    uint64_t deadline = (a.a[1] & kTimerAbstime) ? when : (now + when < now ? ~0ull : now + when);
    sleep_on_clock(clock, deadline);
    return 0;
}

}  // namespace ingot
