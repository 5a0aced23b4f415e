// What the /init programs of the Linux comparison guests (init.c, net_init.c, disk_init.c) need
// as PID 1: a console on the standard descriptors, a way out that never returns, and loading
// the driver modules prepare.sh --module put in the initramfs.
#pragma once

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// Mounts devtmpfs and puts /dev/console on descriptors 0, 1 and 2.
static void attach_console(void) {
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    int fd = open("/dev/console", O_RDWR);
    if (fd < 0) return;  // the kernel's own console descriptors, if any, stay in place
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2) close(fd);
}

// PID 1 must not exit (the kernel would panic), so every way out powers the machine off.
static _Noreturn void power_off(void) {
    sync();
    reboot(RB_POWER_OFF);
    for (;;) pause();
}

// finit_module(2) on every file that /modules/order names, relative to /modules.
static inline void load_modules(void) {
    FILE* order = fopen("/modules/order", "r");
    if (!order) return;  // nothing to load: the drivers are built in
    char name[256];
    while (fgets(name, sizeof name, order)) {
        name[strcspn(name, "\n")] = '\0';
        if (name[0] == '\0') continue;
        char path[300];
        snprintf(path, sizeof path, "/modules/%s", name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0) {
            perror(path);
            power_off();
        }
        close(fd);
    }
    fclose(order);
}
