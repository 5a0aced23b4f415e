// Processes as programs use them: fork with copy-on-write memory, exit statuses through
// waitpid, a chain of nested forks, a pipe between parent and child, execve of this same
// program, posix_spawn, vfork, SIGCHLD, a child killed by a signal, WNOHANG, waitid, process
// groups, a child with threads of its own, and fork from a program that has threads. Output is
// deterministic (no pids are printed), so the native run is the reference.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "check failed at line %d: %s (%s)\n", __LINE__, #cond,      \
                    strerror(errno));                                                   \
            exit(99);                                                                   \
        }                                                                               \
    } while (0)

extern char** environ;
static char self_path[4096];
static int global_value = 100;

static int wait_exit_code(pid_t pid) {
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void fork_copy_on_write(void) {
    char* heap = malloc(1 << 20);
    memset(heap, 'p', 1 << 20);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        global_value = 200;
        memset(heap, 'c', 1 << 20);
        _exit(global_value == 200 && heap[12345] == 'c' && getppid() > 0 ? 7 : 1);
    }
    int code = wait_exit_code(pid);
    printf("fork: child exited %d; parent still sees %d and '%c'\n", code, global_value, heap[12345]);
    free(heap);
}

static int chain(int depth) {
    if (depth == 0) return 1;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(chain(depth - 1) + 1);
    return wait_exit_code(pid);
}

static void fork_chain(void) { printf("nested forks: depth 20 returned %d\n", chain(20)); }

static void pipe_between_processes(void) {
    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        uint32_t sum = 0;
        unsigned char buffer[8192];
        ssize_t n;
        long total = 0;
        while ((n = read(to_child[0], buffer, sizeof(buffer))) > 0) {
            for (ssize_t i = 0; i < n; ++i) sum = sum * 31 + buffer[i];
            total += n;
        }
        char reply[64];
        int len = snprintf(reply, sizeof(reply), "%ld bytes, hash %08x", total, sum);
        CHECK(write(to_parent[1], reply, (size_t)len) == len);
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    unsigned char block[4096];
    for (int i = 0; i < (int)sizeof(block); ++i) block[i] = (unsigned char)(i * 7);
    for (int i = 0; i < 256; ++i) CHECK(write(to_child[1], block, sizeof(block)) == (ssize_t)sizeof(block));
    close(to_child[1]);
    char reply[64] = {0};
    CHECK(read(to_parent[0], reply, sizeof(reply) - 1) > 0);
    close(to_parent[0]);
    CHECK(wait_exit_code(pid) == 0);
    printf("pipe to a child: %s\n", reply);
}

static void exec_self(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char* argv[] = {self_path, "--exec-child", "with args", NULL};
        char* envp[] = {"EXEC_CHECK=yes", NULL};
        execve(self_path, argv, envp);
        _exit(98);
    }
    printf("execve: the new program exited %d\n", wait_exit_code(pid));
    errno = 0;
    char* argv[] = {"/no/such/program", NULL};
    CHECK(execve("/no/such/program", argv, environ) == -1);
    printf("execve of a missing file: %s\n", errno == ENOENT ? "ENOENT" : strerror(errno));
}

static void spawn_self(void) {
    pid_t pid;
    char* argv[] = {self_path, "--spawned", NULL};
    CHECK(posix_spawn(&pid, self_path, NULL, NULL, argv, environ) == 0);
    printf("posix_spawn: the program exited %d\n", wait_exit_code(pid));
}

static void vfork_exit(void) {
    pid_t pid = vfork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(5);
    printf("vfork: child exited %d\n", wait_exit_code(pid));
}

static volatile sig_atomic_t sigchld_seen;
static void on_sigchld(int sig) { (void)sig; sigchld_seen = 1; }

static void sigchld_and_kill(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigchld;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        CHECK(write(ready[1], "x", 1) == 1);
        for (;;) pause();
    }
    close(ready[1]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    int status;
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    printf("WNOHANG while the child runs: 0\n");
    CHECK(kill(pid, SIGTERM) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    printf("killed child: signaled %d, signal %d\n", WIFSIGNALED(status), WTERMSIG(status));
    while (!sigchld_seen) usleep(1000);
    printf("SIGCHLD handler ran\n");
    signal(SIGCHLD, SIG_DFL);
    close(ready[0]);
    errno = 0;
    CHECK(waitpid(-1, &status, 0) == -1);
    printf("waitpid with no children: %s\n", errno == ECHILD ? "ECHILD" : strerror(errno));
}

static void waitid_and_groups(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setpgid(0, 0) == 0);
        _exit(getpgid(0) == getpid() ? 11 : 12);
    }
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    CHECK(waitid(P_PID, (id_t)pid, &info, WEXITED) == 0);
    printf("waitid: code %s, status %d, pid matches %s\n", info.si_code == CLD_EXITED ? "CLD_EXITED" : "?",
           info.si_status, info.si_pid == pid ? "yes" : "no");
}

static void shared_memory(void) {
    // MAP_SHARED|MAP_ANONYMOUS memory is the same memory in parent and child after fork.
    volatile int* counters = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(counters != MAP_FAILED);
    int* private_counter = malloc(sizeof(int));
    *private_counter = 0;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < 1000; ++i) counters[0]++;
        counters[1024 + 5] = 77;  // on the second page
        *private_counter = 1000;
        _exit(0);
    }
    CHECK(wait_exit_code(pid) == 0);
    printf("shared memory after fork: counter %d, second page %d, private copy %d\n", counters[0],
           counters[1024 + 5], *private_counter);
    munmap((void*)counters, 2 * 4096);
    free(private_counter);
}

// A socketpair between parent and child, and a pipe's write end passed over it (SCM_RIGHTS).
static void socketpair_and_passed_descriptor(void) {
    int pair[2], pipe_ends[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    CHECK(pipe(pipe_ends) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(pair[0]);
        close(pipe_ends[0]);
        close(pipe_ends[1]);  // the child gets the write end back only through the socket
        char byte;
        char control[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {&byte, 1};
        struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                                 .msg_controllen = sizeof(control)};
        CHECK(recvmsg(pair[1], &message, 0) == 1);
        struct cmsghdr* header = CMSG_FIRSTHDR(&message);
        CHECK(header && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS);
        int passed;
        memcpy(&passed, CMSG_DATA(header), sizeof(passed));
        CHECK(write(passed, "via a passed pipe", 17) == 17);
        CHECK(send(pair[1], "reply", 5, 0) == 5);
        _exit(byte == 'x' ? 0 : 1);
    }
    close(pair[1]);
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof(control));
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                             .msg_controllen = sizeof(control)};
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &pipe_ends[1], sizeof(int));
    CHECK(sendmsg(pair[0], &message, 0) == 1);
    close(pipe_ends[1]);
    char reply[8] = {0}, through_pipe[32] = {0};
    CHECK(recv(pair[0], reply, sizeof(reply) - 1, 0) == 5);
    CHECK(read(pipe_ends[0], through_pipe, sizeof(through_pipe) - 1) == 17);
    CHECK(wait_exit_code(pid) == 0);
    char eof;
    CHECK(recv(pair[0], &eof, 1, 0) == 0);  // the child's end closed with it
    printf("socketpair: reply '%s', and '%s'\n", reply, through_pipe);
    close(pair[0]);
    close(pipe_ends[0]);
}

static void* thread_in_child(void* arg) { return (void*)((intptr_t)arg * 2); }

static void child_with_threads(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_t t[4];
        intptr_t sum = 0;
        for (intptr_t i = 0; i < 4; ++i) CHECK(pthread_create(&t[i], NULL, thread_in_child, (void*)i) == 0);
        for (int i = 0; i < 4; ++i) {
            void* r;
            CHECK(pthread_join(t[i], &r) == 0);
            sum += (intptr_t)r;
        }
        _exit((int)sum);
    }
    printf("a child with 4 threads exited %d\n", wait_exit_code(pid));
}

// fcntl record locks between processes: a write lock held by the parent makes the child's
// F_SETLK fail with EAGAIN, F_GETLK names the parent, and F_SETLKW waits until it unlocks.
static void record_locks_between_processes(void) {
    char path[] = "/tmp/locks-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "0123456789", 10) == 10);
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 4};
    CHECK(fcntl(fd, F_SETLK, &lock) == 0);
    CHECK(fcntl(fd, F_SETLK, &lock) == 0);  // a process never conflicts with itself
    int go[2];
    CHECK(pipe(go) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int child_fd = open(path, O_RDWR);
        struct flock mine = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 3};
        int busy = fcntl(child_fd, F_SETLK, &mine) == -1 && (errno == EAGAIN || errno == EACCES);
        struct flock probe = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 0};
        CHECK(fcntl(child_fd, F_GETLK, &probe) == 0);
        int reported = probe.l_type == F_WRLCK && probe.l_start == 2 && probe.l_len == 4 && probe.l_pid == getppid();
        struct flock free_range = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 6, .l_len = 4};
        int outside = fcntl(child_fd, F_SETLK, &free_range) == 0;
        CHECK(write(go[1], "w", 1) == 1);
        int waited = fcntl(child_fd, F_SETLKW, &mine) == 0;  // until the parent unlocks
        _exit(busy && reported && outside && waited ? 0 : 1);
    }
    char c;
    CHECK(read(go[0], &c, 1) == 1);
    usleep(20000);  // the child is waiting in F_SETLKW by now (or soon: it waits either way)
    lock.l_type = F_UNLCK;
    CHECK(fcntl(fd, F_SETLK, &lock) == 0);
    printf("record locks: child %s\n", wait_exit_code(pid) == 0 ? "saw the conflict, the holder, and got the lock after the unlock" : "FAILED");
    close(go[0]);
    close(go[1]);
    close(fd);
    unlink(path);
}

static void* blocks_forever(void* arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

// exit(2) from a child whose other threads are still blocked, and execve from a process with
// threads: the other threads end with the process image they belonged to.
static void threads_ended_by_exit_and_exec(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_t t[3];
        for (int i = 0; i < 3; ++i) CHECK(pthread_create(&t[i], NULL, blocks_forever, NULL) == 0);
        exit(9);
    }
    int exit_code = wait_exit_code(pid);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_t t;
        CHECK(pthread_create(&t, NULL, blocks_forever, NULL) == 0);
        char* argv[] = {self_path, "--spawned", NULL};
        execve(self_path, argv, environ);
        _exit(98);
    }
    printf("exit with blocked threads: %d; execve with threads: %d\n", exit_code, wait_exit_code(pid));
}

static volatile int spinning = 1;
static void* spinner(void* arg) {
    (void)arg;
    while (spinning) usleep(1000);
    return NULL;
}

static void fork_with_threads(void) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, spinner, NULL) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(21);  // only the forking thread exists in the child
    int code = wait_exit_code(pid);
    spinning = 0;
    CHECK(pthread_join(t, NULL) == 0);
    printf("fork from a program with threads: child exited %d\n", code);
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "--exec-child") == 0) {
        const char* check = getenv("EXEC_CHECK");
        printf("  exec'd program: argc %d, argv[2] '%s', EXEC_CHECK=%s\n", argc, argv[2], check ? check : "(unset)");
        return 3;
    }
    if (argc > 1 && strcmp(argv[1], "--spawned") == 0) {
        printf("  spawned program runs\n");
        return 4;
    }
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
    CHECK(n > 0);
    self_path[n] = 0;
    fork_copy_on_write();
    fork_chain();
    pipe_between_processes();
    exec_self();
    spawn_self();
    vfork_exit();
    sigchld_and_kill();
    waitid_and_groups();
    shared_memory();
    socketpair_and_passed_descriptor();
    child_with_threads();
    fork_with_threads();
    threads_ended_by_exit_and_exec();
    record_locks_between_processes();
    printf("done\n");
    return 0;
}
