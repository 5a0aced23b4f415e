// Reads and writes a disk through its block special file, as a program does with a raw
// device: `disk_io rw DEV` writes a pattern (aligned, then an unaligned range that needs a
// read-modify-write), fsyncs and reads it back; `disk_io ro DEV` checks that a read-only disk
// reads but refuses writes with EPERM, as Linux's blkdev_write_iter does. BLKDISCARD is
// accepted on whole sectors inside the disk, refused otherwise (EINVAL) and on a read-only disk
// (EPERM).
// The host (tests/boot/disk_io.sh) then checks the disk file's bytes.
#include "errno_name.h"
#include "pattern.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

enum { kAligned = 128 * 1024, kOddOffset = 1000, kOddLength = 3000 };

static unsigned char buffer[kAligned], back[kAligned];

static int fail(const char* what) {
    printf("%s: %s\n", what, errno_name(errno));
    return 1;
}

static int check_device(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return fail("fstat");
    printf("block device: %s, major %u\n", S_ISBLK(st.st_mode) ? "yes" : "no", major(st.st_rdev));
    uint64_t bytes = 0;
    int sector = 0;
    if (ioctl(fd, BLKGETSIZE64, &bytes) != 0) return fail("BLKGETSIZE64");
    if (ioctl(fd, BLKSSZGET, &sector) != 0) return fail("BLKSSZGET");
    off_t end = lseek(fd, 0, SEEK_END);
    printf("size %llu bytes, sector %d, SEEK_END %lld\n", (unsigned long long)bytes, sector, (long long)end);
    return 0;
}

static int read_write(const char* path) {
    int fd = open(path, O_RDWR);
    if (fd < 0) return fail("open");
    if (check_device(fd)) return 1;
    for (size_t i = 0; i < kAligned; ++i) buffer[i] = pattern_byte(i);
    if (pwrite(fd, buffer, kAligned, 0) != kAligned) return fail("pwrite aligned");
    memset(buffer, 0xAB, kOddLength);
    if (pwrite(fd, buffer, kOddLength, kOddOffset) != kOddLength) return fail("pwrite unaligned");
    if (fsync(fd) != 0) return fail("fsync");
    if (pread(fd, back, kAligned, 0) != kAligned) return fail("pread");
    size_t wrong = 0;
    for (size_t i = 0; i < kAligned; ++i) {
        unsigned char want = i >= kOddOffset && i < kOddOffset + kOddLength ? 0xAB : pattern_byte(i);
        wrong += back[i] != want;
    }
    printf("read back %d bytes, %zu wrong\n", kAligned, wrong);
    // BLKDISCARD: the device may forget the range (the bytes read back are then unspecified).
    uint64_t range[2] = {kAligned, kAligned};
    printf("discard: %d\n", ioctl(fd, BLKDISCARD, range));
    range[0] = kOddOffset;
    errno = 0;
    int refused = ioctl(fd, BLKDISCARD, range);
    printf("discard unaligned: %d %s\n", refused, errno_name(errno));
    range[0] = (uint64_t)lseek(fd, 0, SEEK_END);
    errno = 0;
    refused = ioctl(fd, BLKDISCARD, range);
    printf("discard past the end: %d %s\n", refused, errno_name(errno));
    off_t end = lseek(fd, 0, SEEK_END);
    errno = 0;
    ssize_t past = pwrite(fd, buffer, 1, end);
    printf("write past the end: %zd %s\n", past, errno_name(errno));
    printf("read at the end: %zd\n", pread(fd, back, 512, end));
    return close(fd) != 0 ? fail("close") : 0;
}

static int read_only(const char* path) {
    int fd = open(path, O_RDWR);
    if (fd < 0) return fail("open");
    if (check_device(fd)) return 1;
    if (pread(fd, back, 4096, 0) != 4096) return fail("pread");
    printf("first byte %d\n", back[0]);
    errno = 0;
    ssize_t written = pwrite(fd, back, 512, 0);
    printf("write: %zd %s\n", written, errno_name(errno));
    uint64_t range[2] = {0, 4096};
    errno = 0;
    int refused = ioctl(fd, BLKDISCARD, range);
    printf("discard: %d %s\n", refused, errno_name(errno));
    close(fd);
    return 0;
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: disk_io rw|ro DEVICE\n");
        return 2;
    }
    int status = strcmp(argv[1], "ro") == 0 ? read_only(argv[2]) : read_write(argv[2]);
    fflush(stdout);
    return status;
}
