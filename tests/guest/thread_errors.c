// The thread and futex calls a program can get wrong, with the errors Linux gives: clone flag
// combinations it refuses, clone3 argument checks, futex on bad words, tgkill to a thread
// that does not exist. Prints one line per case; the native run is the reference.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/prctl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errno_name.h"

static void report(const char* what, long rc) {
    printf("%-48s %s\n", what, rc < 0 ? errno_name(errno) : "ok");
}

struct clone_args_v0 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    report("clone CLONE_THREAD without CLONE_SIGHAND",
           syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0));
    report("clone CLONE_SIGHAND without CLONE_VM", syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0));
    struct clone_args_v0 args;
    memset(&args, 0, sizeof(args));
    report("clone3 with a struct too small", syscall(SYS_clone3, &args, 8));
    unsigned char bigger[sizeof(args) + 8];
    memset(bigger, 0, sizeof(bigger));
    bigger[sizeof(args) + 3] = 1;
    report("clone3 with unknown nonzero fields", syscall(SYS_clone3, bigger, sizeof(bigger)));
    args.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
    args.exit_signal = 17;
    report("clone3 thread with an exit signal", syscall(SYS_clone3, &args, sizeof(args)));
    args.exit_signal = 0;
    args.stack = 0x10000;
    report("clone3 with a stack but no size", syscall(SYS_clone3, &args, sizeof(args)));

    static uint32_t word[2] = {5, 0};
    report("futex wait on a misaligned word",
           syscall(SYS_futex, (char*)word + 1, FUTEX_WAIT_PRIVATE, 5, NULL, NULL, 0));
    report("futex wait when the value differs", syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0));
    struct timespec zero = {0, 0};
    report("futex wait with a zero timeout", syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 5, &zero, NULL, 0));
    report("futex wait with a bad timeout pointer",
           syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 5, (void*)8, NULL, 0));
    struct timespec bad = {0, 2000000000L};
    report("futex wait with tv_nsec out of range", syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 5, &bad, NULL, 0));
    report("futex wait on unmapped memory", syscall(SYS_futex, (void*)16, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    report("futex wait_bitset with a zero bitset",
           syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0));
    printf("%-48s %ld\n", "futex wake with no waiters", syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    report("futex cmp_requeue when the value differs",
           syscall(SYS_futex, word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &word[1], 4));
    report("futex with an unknown operation", syscall(SYS_futex, word, 99, 0, NULL, NULL, 0));
    report("tgkill to a thread that does not exist", syscall(SYS_tgkill, getpid(), 99999, 0));
    report("tgkill with a negative tid", syscall(SYS_tgkill, getpid(), -1, 0));
    report("tgkill to itself with signal 0", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0));
    cpu_set_t none;
    CPU_ZERO(&none);
    report("sched_setaffinity with no CPU", sched_setaffinity(0, sizeof(none), &none));
    cpu_set_t first;
    CPU_ZERO(&first);
    CPU_SET(0, &first);
    report("sched_setaffinity to CPU 0", sched_setaffinity(0, sizeof(first), &first));
    printf("gettid is the pid in the main thread: %s\n", syscall(SYS_gettid) == getpid() ? "yes" : "no");
    report("prctl PR_SET_NAME with a long name", prctl(PR_SET_NAME, "a-very-long-thread-name", 0, 0, 0));
    char name[16] = {0};
    report("prctl PR_GET_NAME", prctl(PR_GET_NAME, name, 0, 0, 0));
    printf("thread name now '%s'\n", name);
    printf("prctl PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
    report("prctl PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    report("prctl with an unknown option", prctl(99999, 0, 0, 0, 0));
    return 0;
}
