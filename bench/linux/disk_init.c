// /init of the Linux disk guest (bench/disk.sh):
//   /init DEVICE MOUNTPOINT PROGRAM [ARGUMENTS...]
// (the arguments after "--" on the kernel command line). It loads the modules that
// /modules/order lists (virtio-blk and ext4 with their dependencies), waits for DEVICE to
// appear, mounts its ext4 file system at MOUNTPOINT, runs PROGRAM with an empty environment,
// unmounts and powers the machine off — what `ingot run --volume DISK:MOUNTPOINT PROGRAM`
// does, with Linux's own means.
#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init_support.h"

// Drivers may probe after their module returns: waits up to 5 s for the device node.
static void wait_for(const char* device) {
    struct stat st;
    for (int attempt = 0; attempt < 500; ++attempt) {
        if (stat(device, &st) == 0) return;
        usleep(10000);
    }
    fprintf(stderr, "linux: %s did not appear\n", device);
    power_off();
}

int main(int argc, char** argv) {
    attach_console();
    if (argc < 4) {
        fprintf(stderr, "linux: usage: /init DEVICE MOUNTPOINT PROGRAM [ARGUMENTS...]\n");
        power_off();
    }
    load_modules();
    wait_for(argv[1]);
    mkdir(argv[2], 0755);
    if (mount(argv[1], argv[2], "ext4", 0, NULL) != 0) {
        perror("linux: mount");
        power_off();
    }
    pid_t child = fork();
    if (child == 0) {
        char* const envp[] = {NULL};
        execve(argv[3], argv + 3, envp);
        _exit(127);
    }
    int status = 0;
    if (child > 0) waitpid(child, &status, 0);
    if (umount(argv[2]) != 0) perror("linux: umount");
    fprintf(stderr, "linux: %s exited with status %d\n", argv[3],
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    power_off();
}
