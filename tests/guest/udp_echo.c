// UDP echo over the plain socket API, both ways round (tests/boot/net_udp.sh):
//   udp_echo server PORT             binds 0.0.0.0:PORT, says "udp_echo: listening on PORT" on
//                                    stderr, sends every datagram back to its sender unchanged
//                                    until one says "quit", then exits 0. (A count would not do:
//                                    a client resending after a lost echo sends more than it
//                                    meant to.)
//   udp_echo client HOST PORT COUNT  sends COUNT datagrams of sizes 1..1472 (the largest that
//                                    fits a 1500-byte Ethernet MTU unfragmented) filled from
//                                    pattern_byte() to HOST:PORT, one at a time; each must come
//                                    back byte-exact from HOST:PORT. A datagram whose echo does
//                                    not arrive within the timeout is sent again (UDP may drop
//                                    it); one that never comes back is lost and fails the run.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errno_name.h"
#include "pattern.h"

enum {
    kMaxPayload = 1472,     // 1500 - 20 (IPv4 header) - 8 (UDP header)
    kEchoTimeoutMs = 1000,  // per attempt
    kAttempts = 5,
};

static int run_server(unsigned port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (fd < 0 || bind(fd, (struct sockaddr*)&address, sizeof address) != 0) {
        fprintf(stderr, "udp_echo: socket/bind: %s\n", errno_name(errno));
        return 1;
    }
    fprintf(stderr, "udp_echo: listening on %u\n", port);
    size_t total_bytes = 0;
    long echoed = 0;
    for (;;) {
        unsigned char datagram[65536];
        struct sockaddr_in sender;
        socklen_t sender_length = sizeof sender;
        ssize_t got = recvfrom(fd, datagram, sizeof datagram, 0, (struct sockaddr*)&sender, &sender_length);
        if (got < 0) {
            fprintf(stderr, "udp_echo: recvfrom: %s\n", errno_name(errno));
            return 1;
        }
        if (sender_length != sizeof sender || sender.sin_family != AF_INET) {
            fprintf(stderr, "udp_echo: recvfrom gave a bad sender address\n");
            return 1;
        }
        if (got == 4 && memcmp(datagram, "quit", 4) == 0) break;
        ssize_t put = sendto(fd, datagram, (size_t)got, 0, (struct sockaddr*)&sender, sender_length);
        if (put != got) {
            fprintf(stderr, "udp_echo: sendto: %s\n", put < 0 ? errno_name(errno) : "short datagram");
            return 1;
        }
        total_bytes += (size_t)got;
        ++echoed;
    }
    close(fd);
    printf("udp_echo: server echoed %ld datagrams, %zu bytes\n", echoed, total_bytes);
    return 0;
}

// The size of datagram i: the edges (1, 1472) and sizes around common boundaries first, then a
// deterministic spread over 1..1472.
static size_t datagram_size(long i) {
    static const size_t edges[] = {1, kMaxPayload, 2, 8, 64, 512, 548, 576, 1024, 1400, 1471, 1000};
    size_t edge_count = sizeof edges / sizeof edges[0];
    if ((size_t)i < edge_count) return edges[i];
    return 1 + (size_t)((unsigned long)i * 2654435761ul % kMaxPayload);
}

static int run_client(const char* host, unsigned port, long count) {
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, host, &server.sin_addr) != 1) {
        fprintf(stderr, "udp_echo: bad address '%s'\n", host);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        fprintf(stderr, "udp_echo: socket: %s\n", errno_name(errno));
        return 1;
    }
    long lost = 0, resent = 0, strangers = 0;
    size_t total_bytes = 0;
    for (long i = 0; i < count; ++i) {
        unsigned char sent[kMaxPayload], echo[65536];
        size_t size = datagram_size(i);
        size_t offset = (size_t)i * 7919;  // each datagram a different stretch of the pattern
        for (size_t j = 0; j < size; ++j) sent[j] = pattern_byte(offset + j);
        int echoed = 0;
        for (int attempt = 0; attempt < kAttempts && !echoed; ++attempt) {
            if (attempt > 0) ++resent;
            ssize_t put = sendto(fd, sent, size, 0, (struct sockaddr*)&server, sizeof server);
            if (put != (ssize_t)size) {
                fprintf(stderr, "udp_echo: sendto of %zu bytes: %s\n", size, put < 0 ? errno_name(errno) : "short");
                return 1;
            }
            // Wait for this datagram's echo; a late echo of an earlier attempt is skipped.
            struct pollfd entry = {.fd = fd, .events = POLLIN};
            while (!echoed && poll(&entry, 1, kEchoTimeoutMs) == 1) {
                struct sockaddr_in source;
                socklen_t source_length = sizeof source;
                ssize_t got = recvfrom(fd, echo, sizeof echo, 0, (struct sockaddr*)&source, &source_length);
                if (got < 0) {
                    fprintf(stderr, "udp_echo: recvfrom: %s\n", errno_name(errno));
                    return 1;
                }
                if (source.sin_addr.s_addr != server.sin_addr.s_addr || source.sin_port != server.sin_port) {
                    ++strangers;
                    continue;
                }
                echoed = (size_t)got == size && memcmp(echo, sent, size) == 0;
            }
        }
        if (!echoed) {
            printf("udp_echo: datagram %ld (%zu bytes) lost after %d attempts\n", i, size, kAttempts);
            ++lost;
        }
        total_bytes += size;
    }
    close(fd);
    printf("udp_echo: client sent %ld datagrams, %zu bytes: %ld echoed byte-exact, %ld lost, %ld resent, "
           "%ld from strangers\n",
           count, total_bytes, count - lost, lost, resent, strangers);
    return lost || strangers ? 1 : 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "server") == 0) return run_server((unsigned)atoi(argv[2]));
    if (argc == 5 && strcmp(argv[1], "client") == 0)
        return run_client(argv[2], (unsigned)atoi(argv[3]), atol(argv[4]));
    fprintf(stderr, "usage: %s server PORT | client HOST PORT COUNT\n", argv[0]);
    return 2;
}
