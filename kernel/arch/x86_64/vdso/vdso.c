// Ingot's vDSO: clock_gettime, gettimeofday, time, clock_getres and getcpu served in user
// space from the TSC, with the kernel's own formula (vdso_clock.h), so that glibc and musl,
// which look these up through AT_SYSINFO_EHDR under version LINUX_2.6, read the clock without
// a system call. Anything it cannot answer (CPU-time clocks, unknown ids, bad pointers are the
// kernel's to judge) goes to the real system call. Built as a freestanding position-independent
// shared object (vdso.lds, vdso.map); no relocations, no data beyond the clock block.
#include "vdso_clock.h"

#include <stddef.h>

typedef long time_t_;
struct timespec_ {
    long tv_sec;
    long tv_nsec;
};
struct timeval_ {
    long tv_sec;
    long tv_usec;
};

enum {
    kClockRealtime = 0, kClockMonotonic = 1, kClockMonotonicRaw = 4, kClockRealtimeCoarse = 5,
    kClockMonotonicCoarse = 6, kClockBoottime = 7, kClockTai = 11,
};
enum { kSysGettimeofday = 96, kSysTime = 201, kSysClockGettime = 228, kSysClockGetres = 229, kSysGetcpu = 309 };

// Filled in by the kernel when it maps this image (vdso_image.cpp finds it by its magic).
__attribute__((visibility("hidden"), used, aligned(8)))
volatile const struct ingot_vdso_clock ingot_vdso_clock = {INGOT_VDSO_CLOCK_MAGIC, 0, 0, 0, 0};

static long system_call2(long nr, long a, long b) {
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return result;
}

static long system_call3(long nr, long a, long b, long c) {
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return result;
}

static uint64_t monotonic_ns(void) {
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    uint64_t ticks = (((uint64_t)high << 32) | low) - ingot_vdso_clock.boot_tsc;
    return (uint64_t)(((unsigned __int128)ticks * ingot_vdso_clock.ns_per_tick_q32) >> 32);
}

// Nanoseconds on clock, or -1 when the system call must answer.
static int64_t clock_ns(int clock) {
    if (!ingot_vdso_clock.ready) return -1;
    switch (clock) {
    case kClockRealtime:
    case kClockRealtimeCoarse:
    case kClockTai: return (int64_t)monotonic_ns() + ingot_vdso_clock.realtime_offset_ns;
    case kClockMonotonic:
    case kClockMonotonicRaw:
    case kClockMonotonicCoarse:
    case kClockBoottime: return (int64_t)monotonic_ns();
    default: return -1;
    }
}

int __vdso_clock_gettime(int clock, struct timespec_* ts) {
    int64_t ns = clock_ns(clock);
    if (ns < 0 || !ts) return (int)system_call2(kSysClockGettime, clock, (long)ts);
    ts->tv_sec = ns / 1000000000;
    ts->tv_nsec = ns % 1000000000;
    return 0;
}

int __vdso_gettimeofday(struct timeval_* tv, void* tz) {
    int64_t ns = clock_ns(kClockRealtime);
    if (ns < 0 || tz) return (int)system_call2(kSysGettimeofday, (long)tv, (long)tz);
    if (tv) {
        tv->tv_sec = ns / 1000000000;
        tv->tv_usec = ns % 1000000000 / 1000;
    }
    return 0;
}

time_t_ __vdso_time(time_t_* t) {
    int64_t ns = clock_ns(kClockRealtime);
    if (ns < 0) return system_call2(kSysTime, (long)t, 0);
    time_t_ seconds = ns / 1000000000;
    if (t) *t = seconds;
    return seconds;
}

int __vdso_clock_getres(int clock, struct timespec_* res) {
    return (int)system_call2(kSysClockGetres, clock, (long)res);
}

// One CPU: getcpu answers through the kernel, which knows.
long __vdso_getcpu(unsigned* cpu, unsigned* node, void* cache) {
    return system_call3(kSysGetcpu, (long)cpu, (long)node, (long)cache);
}

int clock_gettime(int, struct timespec_*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval_*, void*) __attribute__((weak, alias("__vdso_gettimeofday")));
time_t_ time(time_t_*) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct timespec_*) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));
