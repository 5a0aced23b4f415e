// The clocks through the vDSO (AT_SYSINFO_EHDR), as libc calls them, against the same clocks
// through the system call: glibc and musl must find the vDSO, its readings must interleave
// with the kernel's in order, and what it cannot answer (CPU-time clocks, bad clock ids)
// must reach the kernel. The output is the same natively.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "errno_name.h"

static long long ns_of(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

// vDSO, system call, vDSO again: the three readings never go backwards.
static int interleaves(clockid_t clock) {
    int ordered = 1;
    for (int i = 0; i < 1000 && ordered; ++i) {
        struct timespec a, s, b;
        clock_gettime(clock, &a);
        syscall(SYS_clock_gettime, clock, &s);
        clock_gettime(clock, &b);
        ordered = ns_of(a) <= ns_of(s) && ns_of(s) <= ns_of(b);
    }
    return ordered;
}

int main(void) {
    printf("vDSO mapped: %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
    printf("monotonic in order with the system call: %s\n", interleaves(CLOCK_MONOTONIC) ? "yes" : "no");
    printf("boottime in order with the system call: %s\n", interleaves(CLOCK_BOOTTIME) ? "yes" : "no");
    printf("realtime in order with the system call: %s\n", interleaves(CLOCK_REALTIME) ? "yes" : "no");

    struct timeval tv;
    time_t before = time(NULL);
    gettimeofday(&tv, NULL);
    time_t after = time(NULL);
    printf("gettimeofday between two time(): %s\n", before <= tv.tv_sec && tv.tv_sec <= after ? "yes" : "no");
    printf("time() after 2020: %s\n", before > 1577836800 ? "yes" : "no");

    struct timespec t = {0, 0}, res;
    printf("CPU-time clock: %s\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 ? "ok" : errno_name(errno));
    printf("monotonic resolution: %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns_of(res) > 0 ? "ok" : "WRONG");
    errno = 0;
    printf("clock id 4242: %s\n", clock_gettime(4242, &t) == 0 ? "accepted" : errno_name(errno));
    int cpu = sched_getcpu();
    printf("sched_getcpu: %s\n", cpu >= 0 && cpu < 1024 ? "ok" : errno_name(errno));

    // A sleep measured on both paths agrees to within a few milliseconds.
    struct timespec a, s1, s2, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &s1);
    usleep(20000);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &s2);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long vdso_ms = (ns_of(b) - ns_of(a)) / 1000000, call_ms = (ns_of(s2) - ns_of(s1)) / 1000000;
    printf("20 ms sleep seen alike: %s\n", vdso_ms >= 20 && call_ms >= 20 && vdso_ms - call_ms < 5 ? "yes" : "no");
    return 0;
}
