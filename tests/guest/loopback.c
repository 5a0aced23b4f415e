// A program that talks to itself over 127.0.0.1, in one thread: TCP (non-blocking connect,
// accept, 1 MB each way interleaved with poll, shutdown and end of file) and UDP. Its output
// is the same natively and on Ingot, with or without a network card. Exits 0 when every check
// passes.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errno_name.h"
#include "pattern.h"

enum { kTransfer = 1000000 };

static int failures;

static void check(int ok, const char* what) {
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) ++failures;
}

static struct sockaddr_in loopback(uint16_t port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static uint16_t port_of(int fd) {
    struct sockaddr_in a;
    socklen_t length = sizeof(a);
    if (getsockname(fd, (struct sockaddr*)&a, &length) != 0) return 0;
    return ntohs(a.sin_port);
}

static int wait_for(int fd, short events) {
    struct pollfd p = {fd, events, 0};
    return poll(&p, 1, 10000) == 1 && (p.revents & events);
}

// Sends `total` pattern bytes from `out` to `in` and back the other way at the same time,
// never blocking: both directions make progress through one poll loop.
static int exchange(int a, int b) {
    static unsigned char buffer[65536];
    size_t sent[2] = {0, 0}, received[2] = {0, 0};
    int fds[2] = {a, b};
    for (int rounds = 0; rounds < 100000; ++rounds) {
        if (sent[0] == kTransfer && sent[1] == kTransfer && received[0] == kTransfer && received[1] == kTransfer) return 1;
        struct pollfd p[2];
        for (int i = 0; i < 2; ++i) {
            p[i].fd = fds[i];
            p[i].events = (short)(POLLIN | (sent[i] < kTransfer ? POLLOUT : 0));
            p[i].revents = 0;
        }
        if (poll(p, 2, 10000) <= 0) return 0;
        for (int i = 0; i < 2; ++i) {
            if ((p[i].revents & POLLOUT) && sent[i] < kTransfer) {
                size_t n = sizeof(buffer) < kTransfer - sent[i] ? sizeof(buffer) : kTransfer - sent[i];
                for (size_t k = 0; k < n; ++k) buffer[k] = pattern_byte(sent[i] + k);
                ssize_t w = write(fds[i], buffer, n);
                if (w < 0 && errno != EAGAIN) return 0;
                if (w > 0) sent[i] += (size_t)w;
            }
            if (p[i].revents & POLLIN) {
                ssize_t r = read(fds[i], buffer, sizeof(buffer));
                if (r < 0 && errno != EAGAIN) return 0;
                // What i reads was sent by the other end.
                for (ssize_t k = 0; k < r; ++k)
                    if (buffer[k] != pattern_byte(received[i] + (size_t)k)) return 0;
                if (r > 0) received[i] += (size_t)r;
            }
        }
    }
    return 0;
}

static void tcp_checks(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in any_port = loopback(0);
    check(bind(listener, (struct sockaddr*)&any_port, sizeof(any_port)) == 0, "tcp bind 127.0.0.1:0");
    check(listen(listener, 4) == 0, "tcp listen");
    uint16_t port = port_of(listener);
    check(port != 0, "tcp ephemeral port");

    int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in server_address = loopback(port);
    int r = connect(client, (struct sockaddr*)&server_address, sizeof(server_address));
    check(r == 0 || errno == EINPROGRESS, "tcp non-blocking connect starts");
    int server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    if (server < 0 && errno == EAGAIN && wait_for(listener, POLLIN)) server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    check(server >= 0, "tcp accept");
    check(wait_for(client, POLLOUT), "tcp connect completes");
    int error = -1;
    socklen_t length = sizeof(error);
    getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length);
    check(error == 0, "tcp SO_ERROR is 0");

    struct sockaddr_in peer;
    length = sizeof(peer);
    getpeername(server, (struct sockaddr*)&peer, &length);
    check(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(peer.sin_port) == port_of(client),
          "tcp peer is the client at 127.0.0.1");
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    check(exchange(client, server), "tcp 1 MB each way, byte-exact");

    check(shutdown(client, SHUT_WR) == 0, "tcp shutdown(SHUT_WR)");
    char byte;
    check(wait_for(server, POLLIN) && read(server, &byte, 1) == 0, "tcp end of file after shutdown");
    close(server);
    check(wait_for(client, POLLIN) && read(client, &byte, 1) == 0, "tcp end of file after close");
    close(client);

    int refused = socket(AF_INET, SOCK_STREAM, 0);
    close(listener);
    r = connect(refused, (struct sockaddr*)&server_address, sizeof(server_address));
    printf("tcp connect to a closed port: %s\n", r == 0 ? "connected" : errno_name(errno));
    close(refused);
}

static void udp_checks(void) {
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any_port = loopback(0);
    check(bind(a, (struct sockaddr*)&any_port, sizeof(any_port)) == 0, "udp bind 127.0.0.1:0");
    struct sockaddr_in to_a = loopback(port_of(a));
    check(sendto(b, "hello", 5, 0, (struct sockaddr*)&to_a, sizeof(to_a)) == 5, "udp sendto");
    char text[16] = {0};
    struct sockaddr_in from;
    socklen_t length = sizeof(from);
    check(wait_for(a, POLLIN), "udp datagram arrives");
    check(recvfrom(a, text, sizeof(text), 0, (struct sockaddr*)&from, &length) == 5 && memcmp(text, "hello", 5) == 0,
          "udp payload");
    check(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(from.sin_port) == port_of(b), "udp source");
    check(sendto(a, "back", 4, 0, (struct sockaddr*)&from, length) == 4 && wait_for(b, POLLIN) &&
              recv(b, text, sizeof(text), 0) == 4 && memcmp(text, "back", 4) == 0,
          "udp reply");
    close(a);
    close(b);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    tcp_checks();
    udp_checks();
    printf("%s\n", failures == 0 ? "all loopback checks passed" : "some loopback checks FAILED");
    return failures == 0 ? 0 : 1;
}
