// Clocks, sleeping and CPU-time accounting (clock_gettime(2), nanosleep(2), getrusage(2),
// times(2)). Every clock reads the TSC-based kernel clock; CPU-time clocks equal monotonic time
// since boot, as the program is the only thing that runs, and getrusage/times report the same.
#include <lib/clock.h>
#include <proc/event_loop.h>
#include <proc/process.h>
#include <proc/real_timer.h>
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

// getrusage(2) who values.
constexpr int kRusageSelf = 0, kRusageChildren = -1, kRusageThread = 1;
// times(2) counts in clock ticks of this frequency, the AT_CLKTCK that the program is given.
constexpr uint64_t kClockTicksPerSecond = 100;

// struct rusage (x86_64): two timevals, then fourteen longs.
struct Rusage {
    Timeval utime;
    Timeval stime;
    int64_t counters[14];  // maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock,
                           // msgsnd, msgrcv, nsignals, nvcsw, nivcsw
};
static_assert(sizeof(Rusage) == 144);

// struct tms: user and system time of the process and of its waited-for children, in ticks.
struct Tms {
    int64_t utime, stime, cutime, cstime;
};
static_assert(sizeof(Tms) == 32);

Timespec to_timespec(uint64_t ns) {
    return {static_cast<int64_t>(ns / kNanosPerSecond), static_cast<int64_t>(ns % kNanosPerSecond)};
}

// Sleeps on `clock` until the absolute time `deadline`. A signal for the thread ends the
// sleep early: EINTR, and the time left is stored at `remaining_user` when that is nonzero.
Result<void> sleep_on_clock(int clock, uint64_t deadline, uint64_t remaining_user) {
    uint64_t now = clock_now(clock).value_or(0);
    if (deadline <= now) return {};
    uint64_t start = monotonic_ns();
    uint64_t monotonic_deadline = start + (deadline - now);
    if (monotonic_deadline < deadline - now) monotonic_deadline = ~0ull;
    Result<bool> slept = wait_until([] { return false; }, monotonic_deadline);
    if (slept.ok()) return {};
    if (slept.error() == Errno::EINTR && remaining_user) {
        uint64_t left = monotonic_deadline - monotonic_ns();
        if (monotonic_ns() >= monotonic_deadline) left = 0;
        TRY(write_user(remaining_user, to_timespec(left)));
    }
    return slept.error();
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

// getrusage(who, usage): the process's (or the calling thread's) CPU time as user time, which is
// what CLOCK_PROCESS_CPUTIME_ID reports; no time in the kernel is told apart, and the counters
// that Ingot does not keep (page faults, context switches, peak RSS) are zero. The program has no
// children, so RUSAGE_CHILDREN is all zeros.
Result<int64_t> sys_getrusage(const SyscallArgs& a) {
    int who = static_cast<int>(a.a[0]);
    if (who != kRusageSelf && who != kRusageChildren && who != kRusageThread) return Errno::EINVAL;
    Rusage usage{};
    if (who != kRusageChildren) {
        uint64_t cpu = TRY(clock_now(who == kRusageSelf ? kClockProcessCputime : kClockThreadCputime));
        usage.utime = Timeval{static_cast<int64_t>(cpu / kNanosPerSecond),
                              static_cast<int64_t>(cpu % kNanosPerSecond / 1000)};
    }
    TRY(write_user(a.a[1], usage));
    return 0;
}

// times(buf): the process's CPU time in clock ticks as getrusage reports it (none for children),
// and the ticks since boot as the return value. buf may be NULL.
Result<int64_t> sys_times(const SyscallArgs& a) {
    uint64_t ticks = monotonic_ns() / (kNanosPerSecond / kClockTicksPerSecond);
    if (a.a[0]) {
        uint64_t cpu = TRY(clock_now(kClockProcessCputime));
        TRY(write_user(a.a[0], Tms{static_cast<int64_t>(cpu / (kNanosPerSecond / kClockTicksPerSecond)), 0, 0, 0}));
    }
    return static_cast<int64_t>(ticks);
}

Result<int64_t> sys_nanosleep(const SyscallArgs& a) {
    uint64_t duration = TRY(read_timespec_ns(a.a[0]));
    uint64_t now = monotonic_ns();
    TRY(sleep_on_clock(kClockMonotonic, now + duration < now ? ~0ull : now + duration, a.a[1]));
    return 0;
}

Result<int64_t> sys_clock_nanosleep(const SyscallArgs& a) {
    int clock = static_cast<int>(a.a[0]);
    if (clock == kClockThreadCputime) return Errno::EINVAL;  // Linux refuses it too
    uint64_t now = TRY(clock_now(clock));
    uint64_t when = TRY(read_timespec_ns(a.a[2]));
    // Linux returns errors from clock_nanosleep directly (not through errno), but the raw
    // syscall uses the same -errno convention as every other call.
    uint64_t deadline = (a.a[1] & kTimerAbstime) ? when : (now + when < now ? ~0ull : now + when);
    TRY(sleep_on_clock(clock, deadline, (a.a[1] & kTimerAbstime) ? 0 : a.a[3]));
    return 0;
}

namespace {

struct Itimerval {
    Timeval interval;
    Timeval value;
};
constexpr int kItimerReal = 0, kItimerVirtual = 1, kItimerProf = 2;
constexpr uint64_t kNanosPerMicro = 1000;

Result<uint64_t> timeval_ns(const Timeval& t) {
    if (t.sec < 0 || t.usec < 0 || t.usec >= 1'000'000) return Errno::EINVAL;
    if (static_cast<uint64_t>(t.sec) > ~0ull / kNanosPerSecond - 1) return ~0ull;
    return static_cast<uint64_t>(t.sec) * kNanosPerSecond + static_cast<uint64_t>(t.usec) * kNanosPerMicro;
}

Timeval ns_timeval(uint64_t ns) {
    return {static_cast<int64_t>(ns / kNanosPerSecond), static_cast<int64_t>(ns % kNanosPerSecond / kNanosPerMicro)};
}

// What getitimer reports for ITIMER_REAL: the time left (zero when disarmed) and the period.
Itimerval current_real_timer(const Process& p) {
    uint64_t now = monotonic_ns();
    uint64_t left = 0;
    if (p.real_timer_expiry_ns != kNoDeadline) left = p.real_timer_expiry_ns > now ? p.real_timer_expiry_ns - now : 1000;
    return {ns_timeval(p.real_timer_interval_ns), ns_timeval(left)};
}

// ITIMER_VIRTUAL and ITIMER_PROF count CPU time, which is not measured per process: refused
// rather than armed to never fire.
Result<void> check_timer_kind(int which) {
    if (which == kItimerReal) return {};
    if (which == kItimerVirtual || which == kItimerProf) return Errno::ENOSYS;
    return Errno::EINVAL;
}

}  // namespace

Result<int64_t> sys_getitimer(const SyscallArgs& a) {
    TRY(check_timer_kind(static_cast<int>(a.a[0])));
    TRY(write_user(a.a[1], current_real_timer(current_process())));
    return 0;
}

Result<int64_t> sys_setitimer(const SyscallArgs& a) {
    TRY(check_timer_kind(static_cast<int>(a.a[0])));
    Process& p = current_process();
    Itimerval old = current_real_timer(p);
    Itimerval wanted{};
    if (a.a[1]) wanted = TRY(read_user<Itimerval>(a.a[1]));  // NULL disarms (Linux accepts it)
    uint64_t value = TRY(timeval_ns(wanted.value));
    uint64_t interval = TRY(timeval_ns(wanted.interval));
    uint64_t now = monotonic_ns();
    set_real_timer(p, value ? (now + value < now ? kNoDeadline : now + value) : kNoDeadline, interval);
    if (a.a[2]) TRY(write_user(a.a[2], old));
    return 0;
}

// alarm(2): a one-shot ITIMER_REAL in whole seconds; returns the seconds that were left
// (rounded to the nearest, at least 1 while armed, as Linux does).
Result<int64_t> sys_alarm(const SyscallArgs& a) {
    Process& p = current_process();
    Itimerval old = current_real_timer(p);
    uint64_t seconds = static_cast<uint32_t>(a.a[0]);
    uint64_t now = monotonic_ns();
    set_real_timer(p, seconds ? now + seconds * kNanosPerSecond : kNoDeadline, 0);
    int64_t left = old.value.sec + (old.value.usec >= 500'000 ? 1 : 0);
    if (left == 0 && old.value.usec > 0) left = 1;
    return left;
}

}  // namespace ingot
