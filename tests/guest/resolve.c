// Name resolution as a C library does it from the files the machine provides: prints
// /etc/resolv.conf and /etc/hosts, the host name (gethostname(2), uname(2)) and what
// getaddrinfo(3) returns for each NAME (default: localhost and the host name itself).
// Built against glibc and musl (tests/boot/net_resolve.sh checks the output). Exits 0 when
// every name resolved, 1 otherwise.
// Usage: resolve [NAME...]
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void print_file(const char* path) {
    printf("--- %s\n", path);
    FILE* file = fopen(path, "r");
    if (!file) {
        printf("(cannot open)\n");
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, file)) fputs(line, stdout);
    fclose(file);
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

// Prints "NAME -> ADDRESS..." (addresses in getaddrinfo's order) or the error; 0 on success.
static int resolve(const char* name) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo* results = NULL;
    double start = now_ms();
    int error = getaddrinfo(name, NULL, &hints, &results);
    // The time goes to stderr: it differs from run to run, stdout does not.
    fprintf(stderr, "resolve: getaddrinfo(\"%s\") took %.0f ms\n", name, now_ms() - start);
    if (error != 0) {
        printf("%s -> error %d (%s)\n", name, error, gai_strerror(error));
        return 1;
    }
    printf("%s ->", name);
    for (struct addrinfo* entry = results; entry; entry = entry->ai_next) {
        char text[INET6_ADDRSTRLEN] = "?";
        if (entry->ai_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in*)entry->ai_addr)->sin_addr, text, sizeof text);
        else if (entry->ai_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6*)entry->ai_addr)->sin6_addr, text, sizeof text);
        printf(" %s", text);
    }
    printf("\n");
    freeaddrinfo(results);
    return 0;
}

int main(int argc, char** argv) {
    print_file("/etc/resolv.conf");
    print_file("/etc/hosts");
    printf("---\n");

    char host_name[256] = "";
    if (gethostname(host_name, sizeof host_name) != 0) {
        perror("resolve: gethostname");
        return 1;
    }
    struct utsname names;
    if (uname(&names) != 0) {
        perror("resolve: uname");
        return 1;
    }
    printf("gethostname: %s\n", host_name);
    printf("uname nodename: %s\n", names.nodename);

    int failures = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; ++i) failures += resolve(argv[i]);
    } else {
        failures += resolve("localhost");
        failures += resolve(host_name);
    }
    return failures ? 1 : 0;
}
