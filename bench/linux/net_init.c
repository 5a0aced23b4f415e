// /init of the Linux network guest (bench/http.sh):
//   /init ADDRESS/PREFIX PROGRAM [ARGUMENTS...]
// (the arguments after "--" on the kernel command line). It loads the kernel modules that
// /modules/order lists (the network driver and its dependencies, in dependency order), gives
// the first interface other than loopback the IPv4 address, brings it and loopback up, runs
// PROGRAM with an empty environment and powers the machine off when it exits — what
// `ingot run --net tap:... --ip ADDRESS/PREFIX PROGRAM` does, with Linux's own means.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init_support.h"

static _Noreturn void fail(const char* what) {
    perror(what);
    power_off();
}

// The first interface that is not loopback; drivers may probe after their module returns,
// so this waits up to 5 s for one to appear.
static void find_interface(char name[IF_NAMESIZE]) {
    for (int attempt = 0; attempt < 500; ++attempt) {
        struct if_nameindex* interfaces = if_nameindex();
        for (struct if_nameindex* i = interfaces; i && i->if_index != 0; ++i) {
            if (strcmp(i->if_name, "lo") != 0) {
                snprintf(name, IF_NAMESIZE, "%s", i->if_name);
                if_freenameindex(interfaces);
                return;
            }
        }
        if (interfaces) if_freenameindex(interfaces);
        usleep(10000);
    }
    fprintf(stderr, "linux: no network interface appeared\n");
    power_off();
}

static void set_address(int sock, const char* name, unsigned long request, in_addr_t value) {
    struct ifreq request_data = {0};
    snprintf(request_data.ifr_name, IF_NAMESIZE, "%s", name);
    struct sockaddr_in* address = (struct sockaddr_in*)&request_data.ifr_addr;
    address->sin_family = AF_INET;
    address->sin_addr.s_addr = value;
    if (ioctl(sock, request, &request_data) != 0) fail(name);
}

static void bring_up(int sock, const char* name) {
    struct ifreq request = {0};
    snprintf(request.ifr_name, IF_NAMESIZE, "%s", name);
    if (ioctl(sock, SIOCGIFFLAGS, &request) != 0) fail(name);
    request.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(sock, SIOCSIFFLAGS, &request) != 0) fail(name);
}

// netdevice(7): SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFFLAGS.
static void configure(const char* address_with_prefix) {
    char address[INET_ADDRSTRLEN] = "";
    int prefix = 0;
    struct in_addr parsed;
    if (sscanf(address_with_prefix, "%15[0-9.]/%d", address, &prefix) != 2 || prefix < 0 ||
        prefix > 32 || inet_pton(AF_INET, address, &parsed) != 1) {
        fprintf(stderr, "linux: bad address '%s' (expected A.B.C.D/PREFIX)\n", address_with_prefix);
        power_off();
    }
    in_addr_t netmask = htonl(prefix == 0 ? 0 : ~0u << (32 - prefix));
    char name[IF_NAMESIZE];
    find_interface(name);
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) fail("socket");
    bring_up(sock, "lo");
    set_address(sock, name, SIOCSIFADDR, parsed.s_addr);
    set_address(sock, name, SIOCSIFNETMASK, netmask);
    bring_up(sock, name);
    close(sock);
    fprintf(stderr, "linux: %s is %s/%d\n", name, address, prefix);
}

int main(int argc, char** argv) {
    attach_console();
    if (argc < 3) {
        fprintf(stderr, "linux: usage: /init ADDRESS/PREFIX PROGRAM [ARGUMENTS...]\n");
        power_off();
    }
    load_modules();
    configure(argv[1]);

    pid_t child = fork();
    if (child == 0) {
        char* const envp[] = {NULL};
        execve(argv[2], argv + 2, envp);
        _exit(127);
    }
    int status = 0;
    if (child > 0) waitpid(child, &status, 0);
    fprintf(stderr, "linux: %s exited with status %d\n", argv[2],
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    power_off();
}
