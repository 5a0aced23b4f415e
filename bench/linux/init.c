// /init of the Linux comparison guest (bench/boot.sh): does what Ingot does for its one
// program — runs /hello with an empty environment and ends the machine when it exits — with
// Linux's own means: devtmpfs for a console, fork + execve, then reboot(RB_POWER_OFF).
// It also reports how long after the kernel's clock started the program was about to run
// (CLOCK_BOOTTIME), the nearest Linux equivalent of Ingot's "program entry after N us".
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init_support.h"

int main(void) {
    attach_console();
    struct timespec boot;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    fprintf(stderr, "linux: program entry after %lld us\n",
            (long long)boot.tv_sec * 1000000 + boot.tv_nsec / 1000);

    pid_t child = fork();
    if (child == 0) {
        char* const argv[] = {"/hello", NULL};
        char* const envp[] = {NULL};
        execve("/hello", argv, envp);
        _exit(127);
    }
    int status = 0;
    if (child > 0) waitpid(child, &status, 0);
    fprintf(stderr, "linux: hello exited with status %d\n",
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    power_off();
}
