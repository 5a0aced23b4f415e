// Several threads using one file system at once: each writes its own file, rewrites random
// 4 KiB blocks of it and fsyncs or fdatasyncs it every few writes, while creating and removing small files in
// a directory of its own. A thread waiting for the disk lets the others run, so their
// operations interleave inside the kernel. `write DIR` does the work, checks every block in
// the same boot and records each block's last version in DIR/manifest-T; `verify DIR` (after
// a reboot) checks that every block holds its recorded version and that each directory holds
// exactly the files the writer left. The output is the same on any correct system, so it is
// diffed with the native run (tests/boot/disk_fs.sh).
//
//   disk_threads write|verify DIR
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    kThreads = 4,
    kBlocks = 256,  // each file: 1 MiB
    kBlockSize = 4096,
    kWrites = 1500,
    kSyncEvery = 8,
    kChurnEvery = 5,
    kKeptFiles = 12,  // the churn directory's files are f0..f(kKeptFiles-1) at the end
};

struct Worker {
    const char* dir;
    int index;
    uint32_t version[kBlocks];  // 0: never written
    int failed;
};

static void fill_block(unsigned char* block, int thread, int number, uint32_t version) {
    uint32_t x = (uint32_t)thread * 2654435761u ^ (uint32_t)number * 40503u ^ version * 97u ^ 0x9e3779b9u;
    for (int i = 0; i < kBlockSize; i += 4) {
        x = x * 1664525u + 1013904223u;
        memcpy(block + i, &x, 4);
    }
}

static int check_file(const char* dir, int thread, const uint32_t* version) {
    char path[512];
    snprintf(path, sizeof path, "%s/file-%d", dir, thread);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("thread %d: open %s: %s\n", thread, path, strerror(errno));
        return 1;
    }
    unsigned char want[kBlockSize], got[kBlockSize];
    int wrong = 0;
    for (int b = 0; b < kBlocks; ++b) {
        if (pread(fd, got, kBlockSize, (off_t)b * kBlockSize) != kBlockSize) {
            ++wrong;
            continue;
        }
        if (version[b] == 0) memset(want, 0, kBlockSize);
        else fill_block(want, thread, b, version[b]);
        if (memcmp(want, got, kBlockSize) != 0) ++wrong;
    }
    close(fd);
    printf("thread %d: %d of %d blocks wrong\n", thread, wrong, kBlocks);
    return wrong != 0;
}

static int check_churn_dir(const char* dir, int thread) {
    char path[512];
    int missing = 0;
    for (int i = 0; i < kKeptFiles + 4; ++i) {
        snprintf(path, sizeof path, "%s/churn-%d/f%d", dir, thread, i);
        struct stat st;
        int present = stat(path, &st) == 0 && st.st_size == i + 1;
        if (present != (i < kKeptFiles)) ++missing;
    }
    printf("thread %d: churn directory %s\n", thread, missing ? "wrong" : "as left");
    return missing != 0;
}

static int churn(const char* dir, int thread, int step) {
    char path[512];
    snprintf(path, sizeof path, "%s/churn-%d/f%d", dir, thread, step % (kKeptFiles + 4));
    if (step % 3 == 2) return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    char bytes[64] = {0};
    int n = step % (kKeptFiles + 4) + 1;
    int ok = write(fd, bytes, n) == n;
    return close(fd) == 0 && ok ? 0 : -1;
}

// Leaves f0..f(kKeptFiles-1), each as long as its number plus one, and nothing else.
static int settle_churn(const char* dir, int thread) {
    char path[512];
    for (int i = 0; i < kKeptFiles + 4; ++i) {
        snprintf(path, sizeof path, "%s/churn-%d/f%d", dir, thread, i);
        if (i >= kKeptFiles) {
            if (unlink(path) != 0 && errno != ENOENT) return -1;
            continue;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char bytes[64] = {0};
        if (fd < 0 || write(fd, bytes, i + 1) != i + 1 || close(fd) != 0) return -1;
    }
    return 0;
}

static void note_failure(struct Worker* w, const char* call) {
    if (!w->failed) fprintf(stderr, "thread %d: %s: %s\n", w->index, call, strerror(errno));
    w->failed = 1;
}

static void* work(void* arg) {
    struct Worker* w = arg;
    char path[512];
    snprintf(path, sizeof path, "%s/churn-%d", w->dir, w->index);
    if (mkdir(path, 0755) != 0) {
        note_failure(w, "mkdir");
        return NULL;
    }
    snprintf(path, sizeof path, "%s/file-%d", w->dir, w->index);
    // Written out in full first, in one call (so its blocks are allocated together), so that
    // the rewrites below replace blocks in place.
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    unsigned char* zeros = calloc(kBlocks, kBlockSize);
    if (fd < 0 || !zeros || write(fd, zeros, (size_t)kBlocks * kBlockSize) != (ssize_t)kBlocks * kBlockSize) {
        note_failure(w, "open");
        free(zeros);
        return NULL;
    }
    free(zeros);
    unsigned char block[kBlockSize];
    uint32_t seed = 12345u + (uint32_t)w->index * 7919u;
    for (int i = 1; i <= kWrites; ++i) {
        seed = seed * 1103515245u + 12345u;
        int b = (int)((seed >> 8) % kBlocks);
        fill_block(block, w->index, b, (uint32_t)i);
        if (pwrite(fd, block, kBlockSize, (off_t)b * kBlockSize) != kBlockSize) note_failure(w, "pwrite");
        w->version[b] = (uint32_t)i;
        if (i % kSyncEvery == 0 && ((i / kSyncEvery) % 2 ? fsync(fd) : fdatasync(fd)) != 0) note_failure(w, "fsync");
        if (i % kChurnEvery == 0 && churn(w->dir, w->index, i / kChurnEvery) != 0) note_failure(w, "churn");
    }
    if (settle_churn(w->dir, w->index) != 0) note_failure(w, "settle");
    if (fsync(fd) != 0 || close(fd) != 0) note_failure(w, "final fsync");
    return NULL;
}

static int write_manifest(const struct Worker* w) {
    char path[512];
    snprintf(path, sizeof path, "%s/manifest-%d", w->dir, w->index);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    int ok = write(fd, w->version, sizeof w->version) == (ssize_t)sizeof w->version && fsync(fd) == 0;
    return close(fd) == 0 && ok ? 0 : -1;
}

static int run_write(const char* dir) {
    static struct Worker workers[kThreads];
    pthread_t threads[kThreads];
    for (int t = 0; t < kThreads; ++t) {
        workers[t] = (struct Worker){.dir = dir, .index = t};
        if (pthread_create(&threads[t], NULL, work, &workers[t]) != 0) return 1;
    }
    int failed = 0;
    for (int t = 0; t < kThreads; ++t) {
        pthread_join(threads[t], NULL);
        if (workers[t].failed) printf("thread %d: a system call failed\n", t);
        failed |= workers[t].failed;
        failed |= write_manifest(&workers[t]) != 0;
    }
    for (int t = 0; t < kThreads; ++t) failed |= check_file(dir, t, workers[t].version);
    for (int t = 0; t < kThreads; ++t) failed |= check_churn_dir(dir, t);
    sync();
    printf("write %s\n", failed ? "failed" : "done");
    return failed;
}

static int run_verify(const char* dir) {
    int failed = 0;
    for (int t = 0; t < kThreads; ++t) {
        char path[512];
        uint32_t version[kBlocks];
        snprintf(path, sizeof path, "%s/manifest-%d", dir, t);
        int fd = open(path, O_RDONLY);
        if (fd < 0 || read(fd, version, sizeof version) != (ssize_t)sizeof version) {
            printf("thread %d: manifest unreadable\n", t);
            failed = 1;
            continue;
        }
        close(fd);
        failed |= check_file(dir, t, version);
    }
    for (int t = 0; t < kThreads; ++t) failed |= check_churn_dir(dir, t);
    printf("verify %s\n", failed ? "failed" : "done");
    return failed;
}

int main(int argc, char** argv) {
    if (argc != 3 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "verify") != 0)) {
        fprintf(stderr, "usage: disk_threads write|verify DIR\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    return strcmp(argv[1], "write") == 0 ? run_write(argv[2]) : run_verify(argv[2]);
}
