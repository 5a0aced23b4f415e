// fio-style file benchmark for bench/disk.sh: 4 KiB I/O on one file in DIR, buffered, as a
// program would do it. Prints "metric value" lines:
//   seq_write_mibs    write SIZE sequentially, then fsync (MiB/s, fsync included)
//   seq_read_mibs     read it back sequentially after asking the kernel to drop it from its
//                     cache (posix_fadvise DONTNEED; MiB/s)
//   rand_read_iops    4 KiB reads at random aligned offsets
//   rand_write_iops   4 KiB writes at random aligned offsets, fsync at the end
//   sync_write_iops   4 KiB writes at random offsets, each followed by fdatasync (durable IOPS)
//   disk_bench DIR [SIZE_MIB (64)]
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kBlock = 4096 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void check(int ok, const char* what) {
    if (!ok) {
        perror(what);
        exit(1);
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {  // xorshift64: the same offsets on every system
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: disk_bench DIR [SIZE_MIB]\n");
        return 2;
    }
    long mib = argc > 2 ? atol(argv[2]) : 64;
    uint64_t blocks = (uint64_t)mib * 1024 * 1024 / kBlock;
    char path[512];
    snprintf(path, sizeof path, "%s/disk_bench.dat", argv[1]);
    static char buf[kBlock];
    memset(buf, 0xa5, sizeof buf);

    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "open");
    double t = now();
    for (uint64_t i = 0; i < blocks; ++i) check(write(fd, buf, kBlock) == kBlock, "write");
    check(fsync(fd) == 0, "fsync");
    printf("seq_write_mibs %.1f\n", mib / (now() - t));

    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    t = now();
    for (uint64_t i = 0; i < blocks; ++i) check(pread(fd, buf, kBlock, (off_t)(i * kBlock)) == kBlock, "read");
    printf("seq_read_mibs %.1f\n", mib / (now() - t));

    uint64_t ops = blocks < 16384 ? blocks : 16384;
    t = now();
    for (uint64_t i = 0; i < ops; ++i)
        check(pread(fd, buf, kBlock, (off_t)(next_random() % blocks * kBlock)) == kBlock, "random read");
    printf("rand_read_iops %.0f\n", ops / (now() - t));

    t = now();
    for (uint64_t i = 0; i < ops; ++i)
        check(pwrite(fd, buf, kBlock, (off_t)(next_random() % blocks * kBlock)) == kBlock, "random write");
    check(fsync(fd) == 0, "fsync");
    printf("rand_write_iops %.0f\n", ops / (now() - t));

    uint64_t sync_ops = 500;
    t = now();
    for (uint64_t i = 0; i < sync_ops; ++i) {
        check(pwrite(fd, buf, kBlock, (off_t)(next_random() % blocks * kBlock)) == kBlock, "sync write");
        check(fdatasync(fd) == 0, "fdatasync");
    }
    printf("sync_write_iops %.0f\n", sync_ops / (now() - t));
    close(fd);
    unlink(path);
    return 0;
}
