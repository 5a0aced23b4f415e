// The disk cache and the program's memory (tests/boot/disk_cache.sh boots it with --mem 64M
// and an ext4 volume at DIR): a file of 40 MiB is written and read back, and stays cached
// (sysinfo's bufferram is where Ingot reports its disk cache); then the program takes 40 MiB
// of memory for itself, which it can only have if the cache gives memory back, and reads the
// file again, every byte checked; 1 MiB goes through a pipe of that size (kernel memory that
// must be found among scattered free frames); posix_fadvise(POSIX_FADV_DONTNEED) then drops the
// file from the cache.
//   disk_cache DIR
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

enum { kMiB = 1 << 20, kFileMiB = 40, kMemoryMiB = 40 };

static unsigned char chunk[kMiB];

static unsigned char byte_at(size_t offset) { return (unsigned char)((offset * 2654435761u) >> 13); }

static unsigned long cached_mib(void) {
    struct sysinfo info;
    if (sysinfo(&info) != 0) return 0;
    return (unsigned long)(info.bufferram * info.mem_unit / kMiB);
}

// Reads the whole file and checks every byte; the number of wrong bytes, or -1.
static long read_and_check(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    long wrong = 0;
    for (size_t offset = 0; offset < (size_t)kFileMiB * kMiB; offset += kMiB) {
        if (read(fd, chunk, kMiB) != kMiB) {
            close(fd);
            return -1;
        }
        for (size_t i = 0; i < kMiB; ++i) wrong += chunk[i] != byte_at(offset + i);
    }
    close(fd);
    return wrong;
}

// With memory full of the cache and the program, the kernel needs 1 MiB of contiguous buffer
// for a pipe of that size: free frames are scattered by then, so it takes them one by one.
static int pipe_round_trip(void) {
    int fds[2];
    if (pipe(fds) != 0 || fcntl(fds[1], F_SETPIPE_SZ, kMiB) < kMiB) return 0;
    for (size_t i = 0; i < kMiB; ++i) chunk[i] = byte_at(i + 12345);
    if (write(fds[1], chunk, kMiB) != kMiB) return 0;
    memset(chunk, 0, kMiB);
    for (size_t got = 0; got < kMiB;) {
        ssize_t n = read(fds[0], chunk + got, kMiB - got);
        if (n <= 0) return 0;
        got += (size_t)n;
    }
    for (size_t i = 0; i < kMiB; ++i)
        if (chunk[i] != byte_at(i + 12345)) return 0;
    return close(fds[0]) == 0 && close(fds[1]) == 0;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: disk_cache DIR\n");
        return 2;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/cached.bin", argv[1]);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0) return perror("open"), 1;
    for (size_t offset = 0; offset < (size_t)kFileMiB * kMiB; offset += kMiB) {
        for (size_t i = 0; i < kMiB; ++i) chunk[i] = byte_at(offset + i);
        if (write(fd, chunk, kMiB) != kMiB) return perror("write"), 1;
    }
    if (fsync(fd) != 0 || close(fd) != 0) return perror("fsync"), 1;
    printf("wrote %d MiB\n", kFileMiB);
    printf("read: %ld wrong\n", read_and_check(path));
    unsigned long before = cached_mib();
    printf("cache holds the file: %s\n", before >= kFileMiB ? "yes" : "no");

    unsigned char* memory = malloc((size_t)kMemoryMiB * kMiB);
    if (!memory) return printf("malloc: %s\n", strerror(errno)), 1;
    for (size_t i = 0; i < (size_t)kMemoryMiB * kMiB; i += 4096) memory[i] = (unsigned char)i;
    printf("took %d MiB of memory\n", kMemoryMiB);
    unsigned long after = cached_mib();
    printf("cache gave memory back: %s\n", after < before ? "yes" : "no");
    printf("read again: %ld wrong\n", read_and_check(path));
    unsigned long reread = cached_mib();
    printf("1 MiB through a pipe: %s\n", pipe_round_trip() ? "ok" : "failed");
    fd = open(path, O_RDONLY);
    int advised = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
    unsigned long dropped = cached_mib();
    printf("fadvise DONTNEED: %d, cache dropped the file: %s\n", advised, dropped + 8 < reread ? "yes" : "no");
    fprintf(stderr, "cache: %lu MiB before, %lu MiB after taking memory, %lu MiB read again, %lu MiB dropped\n",
            before, after, reread, dropped);
    return 0;
}
