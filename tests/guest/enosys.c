// Calls system calls that Ingot does not implement and prints the errno each one fails with.
// Unknown calls must fail with ENOSYS rather than crash or pretend to succeed.
//
// The calls are chosen to fail with ENOSYS natively too, so the output is the same on Linux:
//  - numbers beyond the end of the x86-64 table (Linux: sys_ni_syscall);
//  - a negative number (Linux treats -1 specially only under ptrace/seccomp);
//  - kexec_file_load with fds that do not exist: Linux checks CAP_SYS_BOOT first (EPERM in a
//    container) or the fds (EBADF); Ingot has no kexec at all. Only that it fails is printed on
//    stdout; with --expect-enosys (the guest side) its errno goes to stderr, where the boot
//    test expects ENOSYS.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "errno_name.h"

static void try_number(long number) {
    errno = 0;
    long result = syscall(number, 0, 0, 0, 0, 0, 0);
    printf("syscall(%ld) = %ld, errno %s\n", number, result, errno_name(errno));
}

int main(int argc, char** argv) {
    try_number(1000);
    try_number(100000);
    try_number(0x40000000L + 1000);  // __X32_SYSCALL_BIT set: x32 ABI, not configured
    try_number(-1);

    errno = 0;
    long result = syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL);
    int error = errno;
    printf("kexec_file_load: %s\n", result == -1 && error != 0 ? "failed" : "succeeded?!");
    if (argc > 1 && strcmp(argv[1], "--expect-enosys") == 0) {
        fprintf(stderr, "kexec_file_load: %s\n", errno_name(error));
    }

    // The program must still be able to make ordinary calls afterwards.
    printf("getpid works: %s\n", getpid() > 0 ? "yes" : "no");
    return 0;
}
