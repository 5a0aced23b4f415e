// What both /init programs of the Linux comparison guests (init.c, net_init.c) need as PID 1:
// a console on the standard descriptors and a way out that never returns.
#pragma once

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
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
