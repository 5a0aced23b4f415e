// Edge-triggered EPOLLOUT after EAGAIN, as nginx waits for it: one thread writes 8 MiB into a
// non-blocking loopback TCP socket until EAGAIN, then waits with epoll (EPOLLET) for room;
// another thread reads. The reader starts only at the first EAGAIN, and the receiving socket's
// buffer is small, so the writer meets EAGAIN however fast the reader would have drained. Every wait must end with EPOLLOUT (a lost edge hangs here), and
// closing the socket that epoll still watches must end the reader's stream (an epoll entry
// that kept the socket open hung here).
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kTotal = 8 << 20 };

static void* reader(void* arg) {
    int fd = *(int*)arg;
    static char buffer[4096];
    long total = 0;
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) total += n;
    printf("reader: %ld bytes, then end of file\n", total);
    return NULL;
}

int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr*)&address, sizeof address) || listen(listener, 1) ||
        getsockname(listener, (struct sockaddr*)&address, &length)) {
        perror("listener");
        return 1;
    }
    int client = socket(AF_INET, SOCK_STREAM, 0);
    int receive_buffer = 64 * 1024;
    setsockopt(client, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    if (connect(client, (struct sockaddr*)&address, sizeof address)) {
        perror("connect");
        return 1;
    }
    int server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    int epoll = epoll_create1(0);
    struct epoll_event interest = {.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP, .data.fd = server};
    epoll_ctl(epoll, EPOLL_CTL_ADD, server, &interest);
    pthread_t thread;

    static char chunk[32768];
    for (size_t i = 0; i < sizeof chunk; ++i) chunk[i] = (char)i;
    long sent = 0;
    int blocked = 0;
    while (sent < kTotal) {
        size_t want = kTotal - sent < (long)sizeof chunk ? (size_t)(kTotal - sent) : sizeof chunk;
        ssize_t n = write(server, chunk, want);
        if (n > 0) {
            sent += n;
            continue;
        }
        if (errno != EAGAIN) {
            perror("write");
            return 1;
        }
        if (blocked++ == 0) pthread_create(&thread, NULL, reader, &client);
        for (;;) {
            struct epoll_event event;
            int ready = epoll_wait(epoll, &event, 1, 10000);
            if (ready == 0) {
                printf("no EPOLLOUT within 10 s after EAGAIN at %ld bytes\n", sent);
                return 1;
            }
            if (event.events & EPOLLOUT) break;
        }
    }
    close(server);
    if (blocked == 0) {
        printf("writer: 8 MiB went out without EAGAIN: the receive buffer was not limited\n");
        return 1;
    }
    pthread_join(thread, NULL);
    printf("writer: %ld bytes, waited for EPOLLOUT after EAGAIN\n", sent);
    return 0;
}
