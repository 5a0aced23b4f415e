// Readiness: poll, select, epoll (level, edge, one-shot) and eventfd over pipes. Every wait
// either finds something ready or times out after a few milliseconds, so the output is the
// same natively and in the guest.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <unistd.h>

#include "errno_name.h"

static int wait_events(int epfd, int timeout_ms) {
    struct epoll_event events[8];
    int n = epoll_wait(epfd, events, 8, timeout_ms);
    printf("  epoll_wait -> %d", n);
    for (int i = 0; i < n; ++i) printf(" [data %llu events %#x]", (unsigned long long)events[i].data.u64, events[i].events);
    printf("\n");
    return n;
}

int main(void) {
    int p[2];
    if (pipe2(p, O_NONBLOCK) != 0) return 1;

    struct pollfd pfd[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    int n = poll(pfd, 2, 5);
    printf("poll empty pipe: %d, read revents %#x, write revents %#x\n", n, pfd[0].revents, pfd[1].revents);
    write(p[1], "abc", 3);
    n = poll(pfd, 1, 5);
    printf("poll after write: %d, read revents %#x\n", n, pfd[0].revents);

    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(p[0], &readable);
    struct timeval tv = {0, 5000};
    n = select(p[0] + 1, &readable, NULL, NULL, &tv);
    printf("select: %d, pipe readable %d\n", n, FD_ISSET(p[0], &readable));
    int closed = dup(p[0]);
    close(closed);
    FD_SET(closed, &readable);
    errno = 0;
    n = select(closed + 1, &readable, NULL, NULL, &tv);
    printf("select on a closed descriptor: %d %s\n", n, errno_name(errno));

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
    printf("epoll_ctl add: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    errno = 0;
    n = epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    printf("epoll_ctl add again: %d %s\n", n, errno_name(errno));
    printf("level-triggered, data pending twice:\n");
    wait_events(ep, 5);
    wait_events(ep, 5);

    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 8;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    printf("edge-triggered: once, then quiet, then again after new data:\n");
    wait_events(ep, 5);
    wait_events(ep, 5);
    write(p[1], "d", 1);
    wait_events(ep, 5);
    char buf[16];
    ssize_t got = read(p[0], buf, sizeof buf);
    printf("drained %zd bytes\n", got);
    wait_events(ep, 5);

    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 9;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    write(p[1], "e", 1);
    printf("one-shot: once, then disabled until modified:\n");
    wait_events(ep, 5);
    wait_events(ep, 5);
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    wait_events(ep, 5);

    int efd = eventfd(0, EFD_NONBLOCK);
    uint64_t value = 0;
    errno = 0;
    got = read(efd, &value, 8);
    printf("eventfd read when zero: %zd %s\n", got, errno_name(errno));
    value = 5;
    write(efd, &value, 8);
    ev.events = EPOLLIN;
    ev.data.u64 = 10;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
    wait_events(ep, 5);
    read(efd, &value, 8);
    printf("eventfd read: %llu\n", (unsigned long long)value);
    printf("after draining the eventfd:\n");
    wait_events(ep, 5);

    close(p[1]);
    pfd[0].events = POLLIN;
    n = poll(pfd, 1, 5);
    printf("poll after the writer closed: %d, revents %#x\n", n, pfd[0].revents);
    return 0;
}
