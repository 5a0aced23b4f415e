// A program that reaches for the network through syscall(2) only, so its symbol table shows no
// socket function and `ingot build` gives it the kernel without a network stack. What it must
// see there: socket(2) and socketpair(2) fail with EAFNOSUPPORT, calls on a descriptor fail
// with ENOTSOCK (open, not a socket) or EBADF (not open); nothing crashes, and the rest works.
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errno_name.h"

static int check(const char* what, long result, int expected) {
    int got = errno;
    printf("%s = %ld, errno %s\n", what, result, errno_name(got));
    return result == -1 && got == expected ? 0 : 1;
}

int main(void) {
    int fds[2];
    int failures = 0;
    errno = 0;
    failures += check("socket(AF_INET, SOCK_STREAM)", syscall(SYS_socket, AF_INET, SOCK_STREAM, 0), EAFNOSUPPORT);
    errno = 0;
    failures += check("socket(AF_UNIX, SOCK_DGRAM)", syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0), EAFNOSUPPORT);
    errno = 0;
    failures += check("socketpair(AF_UNIX)", syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, fds), EAFNOSUPPORT);
    errno = 0;
    failures += check("listen(1)", syscall(SYS_listen, 1, 5), ENOTSOCK);
    errno = 0;
    failures += check("connect(99)", syscall(SYS_connect, 99, 0, 0), EBADF);
    printf(failures ? "unexpected results\n" : "no network, as expected\n");
    return failures ? 1 : 0;
}
