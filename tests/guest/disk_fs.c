// File-system semantics on a writable directory, run natively on a host directory and under
// Ingot on an ext4 disk mounted with --volume; stdout must be identical.
//   disk_fs write DIR   makes files, links, a sparse 5 GiB file, a preallocated file written
//                       into and a 10,000-entry directory, checking each step, and leaves a
//                       known tree behind
//   disk_fs verify DIR  (after a reboot) checks that the tree write left is all there
//   disk_fs fill DIR    writes and fsyncs a 16 MiB file, "filler"
//   disk_fs drain DIR   (after a reboot) removes it and syncs: a disk that discards freed
//                       blocks gives their space back (tests/boot/disk_fs.sh looks at the image);
//                       then asks for FITRIM and writes what it said to DIR/fitrim.txt
// Every line printed is a fact both systems must agree on; nothing depends on the file system
// type (no st_blocks, no inode numbers, no statfs type).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>

#include "errno_name.h"

enum { kEntries = 10000, kDataSize = 300000 };
static const long long kSparseOffset = 5LL << 30;  // past 4 GiB: i_size_high and triple mapping

static const char* dir;

static const char* at(const char* name) {
    static char paths[4][512];
    static int next;
    char* p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static void fail(const char* what) {
    printf("FAIL %s: %s\n", what, errno_name(errno));
    exit(1);
}

static unsigned char data_byte(size_t i) { return (unsigned char)(i * 7 + (i >> 11)); }

static void write_all(int fd, const void* buf, size_t len) {
    const char* p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0) fail("write");
        p += n, len -= (size_t)n;
    }
}

static void put_file(const char* name, const char* text) {
    int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail(name);
    write_all(fd, text, strlen(text));
    if (fsync(fd) != 0) fail("fsync");
    close(fd);
}

static void show_file(const char* name) {
    char buf[256] = {0};
    int fd = open(at(name), O_RDONLY);
    if (fd < 0) {
        printf("%s: %s\n", name, errno_name(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s: \"%.*s\"\n", name, (int)(n < 0 ? 0 : n), buf);
}

static void show_stat(const char* name) {
    struct stat st;
    if (lstat(at(name), &st) != 0) {
        printf("%s: stat %s\n", name, errno_name(errno));
        return;
    }
    if (S_ISDIR(st.st_mode))  // directory sizes and link counts vary between file systems
        printf("%s: mode %o\n", name, st.st_mode);
    else
        printf("%s: mode %o links %lu size %lld\n", name, st.st_mode, (unsigned long)st.st_nlink,
               (long long)st.st_size);
}

// The big data file: write in odd-sized pieces, read back whole.
static void check_data_file(int writing) {
    static unsigned char buf[kDataSize];
    if (writing) {
        for (size_t i = 0; i < kDataSize; ++i) buf[i] = data_byte(i);
        int fd = open(at("data.bin"), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) fail("create data.bin");
        for (size_t off = 0; off < kDataSize; off += 7777)
            write_all(fd, buf + off, off + 7777 > kDataSize ? kDataSize - off : 7777);
        if (fdatasync(fd) != 0) fail("fdatasync");
        close(fd);
    }
    memset(buf, 0, sizeof buf);
    int fd = open(at("data.bin"), O_RDONLY);
    if (fd < 0) fail("open data.bin");
    size_t got = 0;
    for (ssize_t n; (n = read(fd, buf + got, sizeof buf - got)) > 0;) got += (size_t)n;
    close(fd);
    size_t bad = 0;
    for (size_t i = 0; i < got; ++i) bad += buf[i] != data_byte(i);
    printf("data.bin: %zu bytes, %zu wrong\n", got, bad);
}

static void check_sparse_file(int writing) {
    int fd = open(at("sparse"), writing ? O_RDWR | O_CREAT : O_RDONLY, 0644);
    if (fd < 0) fail("open sparse");
    if (writing && (pwrite(fd, "end", 3, kSparseOffset) != 3 || pwrite(fd, "start", 5, 0) != 5))
        fail("pwrite sparse");
    char buf[8] = {0}, zeros[8] = {0}, middle[8];
    struct stat st;
    fstat(fd, &st);
    ssize_t a = pread(fd, buf, 5, 0);
    ssize_t b = pread(fd, middle, sizeof middle, 4LL << 30);
    printf("sparse: size %lld, start \"%.*s\", middle %s, ", (long long)st.st_size, (int)a, buf,
           b == (ssize_t)sizeof middle && !memcmp(middle, zeros, sizeof zeros) ? "zeros" : "WRONG");
    memset(buf, 0, sizeof buf);
    ssize_t c = pread(fd, buf, sizeof buf, kSparseOffset);
    printf("end \"%.*s\"\n", (int)c, buf);
    close(fd);
}

// posix_fallocate(3): 2 MiB set aside read as zeros and make the size; writes land in the
// middle of the preallocated range and at its start.
static void check_preallocated_file(int writing) {
    enum { kSize = 2 << 20, kMiddle = 1234567 };
    int fd = open(at("prealloc"), writing ? O_RDWR | O_CREAT : O_RDONLY, 0644);
    if (fd < 0) fail("open prealloc");
    if (writing) {
        int error = posix_fallocate(fd, 0, kSize);
        printf("prealloc: posix_fallocate %s\n", error ? errno_name(error) : "0");
        if (pwrite(fd, "MIDDLE", 6, kMiddle) != 6 || pwrite(fd, "start", 5, 0) != 5) fail("pwrite prealloc");
    }
    static char buf[kSize];
    struct stat st;
    fstat(fd, &st);
    ssize_t got = pread(fd, buf, sizeof buf, 0);
    size_t nonzero = 0;
    for (ssize_t i = 0; i < got; ++i) nonzero += buf[i] != 0;
    printf("prealloc: size %lld, read %zd, start \"%.5s\", middle \"%.6s\", %zu bytes not zero\n",
           (long long)st.st_size, got, buf, buf + kMiddle, nonzero);
    close(fd);
}

// The many-entries directory: names, then a listing that must see each exactly once.
static void check_many(int writing) {
    char name[64];
    if (writing) {
        if (mkdir(at("many"), 0755) != 0) fail("mkdir many");
        for (int i = 0; i < kEntries; ++i) {
            snprintf(name, sizeof name, "many/entry-%05d", i);
            int fd = open(at(name), O_WRONLY | O_CREAT | O_EXCL, 0644);
            if (fd < 0) fail(name);
            if (i % 1000 == 0) write_all(fd, name, strlen(name));
            close(fd);
        }
        for (int i = 0; i < kEntries; i += 3) {  // holes in the middle of directory blocks
            snprintf(name, sizeof name, "many/entry-%05d", i);
            if (unlink(at(name)) != 0) fail("unlink many");
        }
    }
    DIR* d = opendir(at("many"));
    if (!d) fail("opendir many");
    static unsigned char seen[kEntries];
    memset(seen, 0, sizeof seen);
    int count = 0, dots = 0, strays = 0;
    for (struct dirent* e; (e = readdir(d));) {
        int i;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) dots++;
        else if (sscanf(e->d_name, "entry-%05d", &i) == 1 && i >= 0 && i < kEntries && !seen[i] && i % 3)
            seen[i] = 1, count++;
        else
            strays++;
    }
    closedir(d);
    printf("many: %d entries, %d dots, %d strays\n", count, dots, strays);
    show_file("many/entry-01000");
    show_file("many/entry-03000");  // removed (a multiple of 3)
}

static void write_tree(void) {
    if (mkdir(at("sub"), 0750) != 0) fail("mkdir sub");
    if (mkdir(at("sub"), 0750) == 0 || errno != EEXIST) fail("mkdir twice");
    put_file("sub/a.txt", "first version");
    put_file("sub/b.txt", "replacement");
    if (rename(at("sub/b.txt"), at("sub/a.txt")) != 0) fail("rename over");
    put_file("linked", "shared by two names");
    if (link(at("linked"), at("sub/also-linked")) != 0) fail("link");
    show_stat("linked");
    if (unlink(at("linked")) != 0) fail("unlink linked");
    if (symlink("sub/a.txt", at("shortcut")) != 0) fail("symlink");
    char longer[300];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    if (symlink(longer, at("long-link")) != 0) fail("long symlink");  // not inline in the inode
    put_file("shrink", "0123456789abcdef");
    if (truncate(at("shrink"), 4) != 0) fail("truncate");
    put_file("grow", "ab");
    if (truncate(at("grow"), 70000) != 0) fail("truncate grow");
    if (chmod(at("grow"), 0604) != 0) fail("chmod");
    struct timespec times[2] = {{1000000000, 0}, {1234567890, 500000000}};
    if (utimensat(AT_FDCWD, at("grow"), times, 0) != 0) fail("utimensat");

    // An open file survives its last name until closed.
    int fd = open(at("doomed"), O_RDWR | O_CREAT, 0644);
    if (fd < 0 || unlink(at("doomed")) != 0) fail("doomed");
    write_all(fd, "still here", 10);
    char buf[16] = {0};
    struct stat st;
    fstat(fd, &st);
    printf("doomed: links %lu, reads \"%.*s\"\n", (unsigned long)st.st_nlink, (int)pread(fd, buf, 10, 0), buf);
    close(fd);

    if (mkdir(at("moving"), 0755) != 0 || mkdir(at("moving/inner"), 0755) != 0) fail("mkdir moving");
    if (rename(at("moving/inner"), at("sub/inner")) != 0) fail("rename dir");
    if (rmdir(at("sub")) == 0 || errno != ENOTEMPTY) fail("rmdir non-empty");
    if (rmdir(at("moving")) != 0) fail("rmdir moving");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || fsync(dfd) != 0) fail("fsync directory");
    if (syncfs(dfd) != 0) fail("syncfs");
    close(dfd);
    sync();
}

static void show_tree(void) {
    show_file("sub/a.txt");
    show_file("sub/b.txt");
    show_file("sub/also-linked");
    show_stat("sub/also-linked");
    show_file("linked");
    char target[400];
    ssize_t n = readlink(at("shortcut"), target, sizeof target);
    printf("shortcut -> %.*s, through it: ", (int)(n < 0 ? 0 : n), target);
    show_file("shortcut");
    n = readlink(at("long-link"), target, sizeof target);
    printf("long-link: %zd bytes\n", n);
    show_file("shrink");
    show_stat("grow");
    struct stat st;
    if (stat(at("grow"), &st) == 0)
        printf("grow: mtime %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);  // atime: relatime varies
    char buf[8];
    int fd = open(at("grow"), O_RDONLY);
    ssize_t r = pread(fd, buf, sizeof buf, 60000);
    printf("grow: %zd bytes at 60000, %s\n", r, r == 8 && !memcmp(buf, "\0\0\0\0\0\0\0\0", 8) ? "zeros" : "WRONG");
    close(fd);
    show_stat("sub/inner");
    struct stat parent, dotdot;
    stat(at("sub"), &parent);
    stat(at("sub/inner/.."), &dotdot);
    printf("sub/inner/.. is sub: %s\n", parent.st_ino == dotdot.st_ino ? "yes" : "no");
    show_stat("moving");
    show_stat("sub");
    struct statfs fs;
    printf("statfs: %s\n", statfs(dir, &fs) == 0 && fs.f_bsize > 0 && fs.f_bfree <= fs.f_blocks ? "sane" : "WRONG");
}

enum { kFillerChunk = 1 << 20, kFillerChunks = 16 };

static void fill(void) {
    static char chunk[kFillerChunk];
    for (size_t i = 0; i < sizeof chunk; ++i) chunk[i] = (char)(i * 7 + i / 4096);
    int fd = open(at("filler"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail("open filler");
    for (int i = 0; i < kFillerChunks; ++i) write_all(fd, chunk, sizeof chunk);
    if (fsync(fd) != 0) fail("fsync filler");
    close(fd);
    show_stat("filler");
}

static void drain(void) {
    show_stat("filler");
    if (unlink(at("filler")) != 0) fail("unlink filler");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || syncfs(dfd) != 0) fail("syncfs");
    // fstrim's ioctl: what it says depends on the file system and the privileges, so it goes
    // to DIR/fitrim.txt (which tests/boot/disk_fs.sh reads on the disk), not to stdout.
    struct fstrim_range range = {0, UINT64_MAX, 0};
    char said[64];
    if (ioctl(dfd, FITRIM, &range) == 0)
        snprintf(said, sizeof said, "fitrim: %llu bytes\n", (unsigned long long)range.len);
    else
        snprintf(said, sizeof said, "fitrim: %s\n", errno_name(errno));
    close(dfd);
    put_file("fitrim.txt", said);
    printf("filler removed\n");
}

int main(int argc, char** argv) {
    const char* modes[] = {"write", "verify", "fill", "drain"};
    int mode = -1;
    for (int i = 0; argc == 3 && i < 4; ++i)
        if (!strcmp(argv[1], modes[i])) mode = i;
    if (mode < 0) {
        fprintf(stderr, "usage: disk_fs write|verify|fill|drain DIR\n");
        return 2;
    }
    dir = argv[2];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (mode == 2) fill();
    if (mode == 3) drain();
    if (mode >= 2) return 0;
    int writing = mode == 0;
    if (writing) write_tree();
    show_tree();
    check_data_file(writing);
    check_sparse_file(writing);
    check_preallocated_file(writing);
    check_many(writing);
    return 0;
}
