// A minimal HTTP/1.0-style server on port 80 over the plain socket API: answers `count`
// connections (argv[1], default 1) with a fixed body, then exits 0. The network boot test
// reaches it with curl through QEMU's user network.
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
    int count = argc > 1 ? atoi(argv[1]) : 1;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(80)};
    if (server < 0 || bind(server, (struct sockaddr*)&address, sizeof address) != 0 || listen(server, 16) != 0) {
        perror("tcp_hello_server: socket/bind/listen");
        return 1;
    }
    fprintf(stderr, "tcp_hello_server: listening\n");
    for (int i = 0; i < count; ++i) {
        int client = accept(server, NULL, NULL);
        if (client < 0) {
            perror("tcp_hello_server: accept");
            return 1;
        }
        // Read the whole request head: closing with unread data would reset the connection
        // (RFC 9293 §3.6.1), and the client could lose the response.
        char request[4096];
        size_t used = 0;
        while (used < sizeof request - 1) {
            ssize_t got = read(client, request + used, sizeof request - 1 - used);
            if (got <= 0) return 2;
            used += (size_t)got;
            request[used] = '\0';
            if (strstr(request, "\r\n\r\n")) break;
        }
        if (strncmp(request, "GET ", 4) != 0) return 2;
        const char* body = "hello from ingot\n";
        char response[256];
        int length = snprintf(response, sizeof response,
                              "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
        if (write(client, response, length) != length) return 3;
        close(client);
    }
    close(server);
    return 0;
}
