// A TCP client over the plain socket API, checked against a server the boot test runs on the
// host (tests/boot/net_client.sh):
//   1. a blocking connect to HOST:PORT, the request "hello BYTES\n", then a read until EOF that
//      must yield exactly BYTES bytes of pattern_byte() (pattern.h);
//   2. getpeername/getsockname on that connection: AF_INET, the server's address and port, a
//      bound local address and port;
//   3. a non-blocking connect (SOCK_NONBLOCK: EINPROGRESS, then POLLOUT and SO_ERROR 0, as
//      connect(2) describes) that sends "echo MESSAGE\n" and must read the same line back;
//   4. a connect to CLOSED_PORT (default 1), where nothing listens, must fail with ECONNREFUSED.
// Prints one line per check and a summary; exits 0 only when every check passed.
// Usage: tcp_client HOST PORT BYTES [CLOSED_PORT]
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errno_name.h"
#include "pattern.h"

enum { kPollTimeoutMs = 30000 };

static int failures;

static void check(int passed, const char* what) {
    printf("%s: %s\n", passed ? "ok" : "FAILED", what);
    if (!passed) ++failures;
}

static const char* endpoint_text(const struct sockaddr_in* address, char* text, size_t size) {
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address->sin_addr, ip, sizeof ip);
    snprintf(text, size, "%s:%u", ip, ntohs(address->sin_port));
    return text;
}

static int write_all(int fd, const char* data, size_t length) {
    while (length > 0) {
        ssize_t put = write(fd, data, length);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return -1;
        data += put;
        length -= (size_t)put;
    }
    return 0;
}

// Waits for events on fd; 1 when one of them came, 0 on timeout, -1 on error.
static int wait_for(int fd, short events) {
    struct pollfd entry = {.fd = fd, .events = events};
    for (;;) {
        int ready = poll(&entry, 1, kPollTimeoutMs);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return ready;
        return (entry.revents & (events | POLLERR | POLLHUP)) ? 1 : 0;
    }
}

// Check 1 and 2: the pattern download and the connection's names.
static void download(const struct sockaddr_in* server, size_t expected) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr*)server, sizeof *server) != 0) {
        printf("FAILED: blocking connect: %s\n", errno_name(errno));
        ++failures;
        if (fd >= 0) close(fd);
        return;
    }
    check(1, "blocking connect");

    struct sockaddr_in peer, local;
    socklen_t peer_length = sizeof peer, local_length = sizeof local;
    memset(&peer, 0, sizeof peer);
    memset(&local, 0, sizeof local);
    int peer_ok = getpeername(fd, (struct sockaddr*)&peer, &peer_length) == 0;
    int local_ok = getsockname(fd, (struct sockaddr*)&local, &local_length) == 0;
    char peer_text[32], local_text[32];
    printf("peer %s local %s\n", endpoint_text(&peer, peer_text, sizeof peer_text),
           endpoint_text(&local, local_text, sizeof local_text));
    check(peer_ok && peer_length == sizeof peer && peer.sin_family == AF_INET &&
              peer.sin_addr.s_addr == server->sin_addr.s_addr && peer.sin_port == server->sin_port,
          "getpeername is the server's address and port");
    check(local_ok && local_length == sizeof local && local.sin_family == AF_INET &&
              local.sin_addr.s_addr != htonl(INADDR_ANY) && local.sin_port != 0,
          "getsockname is a bound address and port");

    char request[64];
    int request_length = snprintf(request, sizeof request, "hello %zu\n", expected);
    if (write_all(fd, request, (size_t)request_length) != 0) {
        printf("FAILED: sending the request: %s\n", errno_name(errno));
        ++failures;
        close(fd);
        return;
    }
    static unsigned char buffer[65536];
    size_t received = 0, first_wrong = (size_t)-1;
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            printf("FAILED: read after %zu bytes: %s\n", received, errno_name(errno));
            ++failures;
            close(fd);
            return;
        }
        if (got == 0) break;
        for (ssize_t i = 0; i < got; ++i)
            if (first_wrong == (size_t)-1 && buffer[i] != pattern_byte(received + (size_t)i))
                first_wrong = received + (size_t)i;
        received += (size_t)got;
    }
    close(fd);
    printf("received %zu of %zu bytes\n", received, expected);
    check(received == expected, "received exactly the requested byte count before EOF");
    if (first_wrong != (size_t)-1) printf("first wrong byte at offset %zu\n", first_wrong);
    check(first_wrong == (size_t)-1, "every byte matches the pattern");
}

// Check 3: a non-blocking connect, then a line echoed back.
static void nonblocking_echo(const struct sockaddr_in* server) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        printf("FAILED: socket(SOCK_NONBLOCK): %s\n", errno_name(errno));
        ++failures;
        return;
    }
    int result = connect(fd, (const struct sockaddr*)server, sizeof *server);
    int connect_error = result == 0 ? 0 : errno;
    printf("non-blocking connect: %s\n", result == 0 ? "connected at once" : errno_name(connect_error));
    // connect(2): EINPROGRESS unless the handshake already finished (possible on loopback).
    check(result == 0 || connect_error == EINPROGRESS, "non-blocking connect returns EINPROGRESS");
    if (result != 0 && connect_error == EINPROGRESS) {
        check(wait_for(fd, POLLOUT) == 1, "poll reports POLLOUT once connected");
    }
    int so_error = -1;
    socklen_t length = sizeof so_error;
    int got_option = getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
    printf("SO_ERROR: %s\n", got_option == 0 ? errno_name(so_error) : "getsockopt failed");
    check(got_option == 0 && so_error == 0, "SO_ERROR is 0 after the connect");

    const char* line = "echo non-blocking connection works\n";
    size_t line_length = strlen(line);
    size_t sent = 0;
    while (sent < line_length) {
        ssize_t put = send(fd, line + sent, line_length - sent, MSG_NOSIGNAL);
        if (put < 0 && errno == EAGAIN && wait_for(fd, POLLOUT) == 1) continue;
        if (put <= 0) break;
        sent += (size_t)put;
    }
    check(sent == line_length, "the echo request was sent");
    // The server answers with the line and closes after our shutdown; read up to EOF.
    shutdown(fd, SHUT_WR);
    char reply[256];
    size_t used = 0;
    int eof = 0;
    while (!eof && used < sizeof reply - 1) {
        ssize_t got = recv(fd, reply + used, sizeof reply - 1 - used, 0);
        if (got > 0) {
            used += (size_t)got;
        } else if (got == 0) {
            eof = 1;
        } else if (errno == EAGAIN) {
            if (wait_for(fd, POLLIN) != 1) break;
        } else if (errno != EINTR) {
            printf("recv: %s\n", errno_name(errno));
            break;
        }
    }
    reply[used] = '\0';
    printf("echo reply: %s", used ? reply : "(nothing)\n");
    check(eof && used == line_length && memcmp(reply, line, line_length) == 0,
          "the echo came back byte-exact, then EOF");
    close(fd);
}

// Check 4: nothing listens on the closed port, so the peer resets the SYN.
static void refused(struct sockaddr_in server, unsigned closed_port) {
    server.sin_port = htons((unsigned short)closed_port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int result = fd < 0 ? -1 : connect(fd, (const struct sockaddr*)&server, sizeof server);
    int error = result == 0 ? 0 : errno;
    printf("connect to closed port %u: %s\n", closed_port, result == 0 ? "connected" : errno_name(error));
    check(result != 0 && error == ECONNREFUSED, "a closed port refuses the connection (ECONNREFUSED)");
    if (fd >= 0) close(fd);
}

int main(int argc, char** argv) {
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s HOST PORT BYTES [CLOSED_PORT]\n", argv[0]);
        return 2;
    }
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        fprintf(stderr, "tcp_client: bad address '%s'\n", argv[1]);
        return 2;
    }
    size_t bytes = strtoull(argv[3], NULL, 10);
    unsigned closed_port = argc == 5 ? (unsigned)atoi(argv[4]) : 1;

    download(&server, bytes);
    nonblocking_echo(&server);
    refused(server, closed_port);

    printf("tcp_client: %s (%d failed)\n", failures ? "FAILED" : "all checks passed", failures);
    return failures ? 1 : 0;
}
