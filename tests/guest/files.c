// Reads the fixture root file system (tests/guest/fixture plus generated parts, see
// make_fixture.c) and writes in /tmp:
//   files ROOT [--expect-read-only-root]
// ROOT is the fixture directory natively and "/" in the guest. Everything printed on stdout is
// the same in both. With --expect-read-only-root (the guest side only: natively the fixture is
// an ordinary writable directory) the program also checks that creating, changing or removing
// anything outside /tmp fails with EROFS; it reports that on stderr and fails with status 1
// when the root turns out to be writable.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errno_name.h"
#include "pattern.h"

static const char* root;
static int failures;

// Joins ROOT and a relative path without doubling the slash when ROOT is "/".
static const char* at_root(const char* relative) {
    static char paths[4][4096];
    static int next;
    char* path = paths[next++ % 4];
    size_t length = strlen(root);
    snprintf(path, sizeof paths[0], "%s%s%s", root,
             length > 0 && root[length - 1] == '/' ? "" : "/", relative);
    return path;
}

static void check(int ok, const char* what) {
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    if (!ok) failures++;
}

static void expect_errno(int result, int expected, const char* what) {
    int error = result < 0 ? errno : 0;
    printf("%s: %s\n", what, errno_name(error));
    if (error != expected) failures++;
}

static int big_file_matches(const unsigned char* bytes, size_t offset, size_t count) {
    for (size_t i = 0; i < count; i++) {
        if (bytes[i] != pattern_byte(offset + i)) return 0;
    }
    return 1;
}

static const char* type_of(mode_t mode) {
    if (S_ISREG(mode)) return "file";
    if (S_ISDIR(mode)) return "dir";
    if (S_ISLNK(mode)) return "symlink";
    return "other";
}

static void show_metadata(void) {
    const char* names[] = {"hello.txt", "big.bin", "dir", "dir/nested", "dir/empty.txt",
                           "link-to-hello"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct stat info;
        if (lstat(at_root(names[i]), &info) != 0) {
            printf("lstat %s: %s\n", names[i], errno_name(errno));
            failures++;
            continue;
        }
        // Directory sizes depend on the file system, so only files and links show theirs.
        if (S_ISDIR(info.st_mode)) printf("lstat %s: dir\n", names[i]);
        else printf("lstat %s: %s, %lld bytes\n", names[i], type_of(info.st_mode),
                    (long long)info.st_size);
    }
    struct stat through_link;
    check(stat(at_root("link-to-hello"), &through_link) == 0 && S_ISREG(through_link.st_mode) &&
              through_link.st_size == 33,
          "stat follows the symlink to a 33-byte file");
    char target[64] = {0};
    ssize_t length = readlink(at_root("link-to-hello"), target, sizeof target - 1);
    printf("readlink link-to-hello: %s\n", length > 0 ? target : errno_name(errno));
}

static void show_file(const char* name) {
    char buffer[256];
    int fd = open(at_root(name), O_RDONLY);
    ssize_t count = fd < 0 ? -1 : read(fd, buffer, sizeof buffer - 1);
    if (count < 0) {
        printf("read %s: %s\n", name, errno_name(errno));
        failures++;
    } else {
        buffer[count] = 0;
        printf("%s: %s", name, buffer);
    }
    if (fd >= 0) close(fd);
}

static int compare_names(const void* a, const void* b) {
    return strcmp(*(char* const*)a, *(char* const*)b);
}

static void list_directory(const char* name) {
    DIR* directory = opendir(at_root(name));
    if (directory == NULL) {
        printf("opendir %s: %s\n", name, errno_name(errno));
        failures++;
        return;
    }
    char* entries[64];
    size_t count = 0;
    struct dirent* entry;
    while ((entry = readdir(directory)) != NULL && count < 64) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        entries[count++] = strdup(entry->d_name);
    }
    closedir(directory);
    qsort(entries, count, sizeof entries[0], compare_names);
    printf("listing of %s (%zu entries):\n", name, count);
    for (size_t i = 0; i < count; i++) {
        char relative[512];
        snprintf(relative, sizeof relative, "%s/%s", name, entries[i]);
        struct stat info;
        const char* type = lstat(at_root(relative), &info) == 0 ? type_of(info.st_mode) : "?";
        printf("  %s (%s)\n", entries[i], type);
        free(entries[i]);
    }
}

static void read_big_file(void) {
    int fd = open(at_root("big.bin"), O_RDONLY);
    if (fd < 0) {
        printf("open big.bin: %s\n", errno_name(errno));
        failures++;
        return;
    }
    struct stat info;
    check(fstat(fd, &info) == 0 && info.st_size == kBigFileSize, "fstat big.bin size");

    // Sequential reads in odd-sized pieces, so that reads straddle pages and archive blocks.
    static unsigned char buffer[kBigFileSize + 100];
    size_t total = 0;
    ssize_t count;
    while ((count = read(fd, buffer + total, 7001)) > 0) total += (size_t)count;
    check(count == 0 && total == kBigFileSize && big_file_matches(buffer, 0, total),
          "sequential read of big.bin");
    check(read(fd, buffer, 10) == 0, "read at end of file returns 0");

    check(lseek(fd, 70000, SEEK_SET) == 70000 && read(fd, buffer, 16) == 16 &&
              big_file_matches(buffer, 70000, 16),
          "lseek(70000) then read");
    check(lseek(fd, -16, SEEK_CUR) == 70000, "lseek SEEK_CUR back");
    check(lseek(fd, 0, SEEK_END) == kBigFileSize, "lseek SEEK_END is the size");
    expect_errno((int)lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset");
    check(pread(fd, buffer, 20, 65530) == 20 && big_file_matches(buffer, 65530, 20),
          "pread across the 64 KiB boundary");
    check(pread(fd, buffer, 100, kBigFileSize - 10) == 10, "pread near the end is short");

    unsigned char* mapped = mmap(NULL, kBigFileSize, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
        printf("mmap big.bin: %s\n", errno_name(errno));
        failures++;
    } else {
        check(big_file_matches(mapped, 0, kBigFileSize), "mmap of the whole file");
        munmap(mapped, kBigFileSize);
    }
    mapped = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 65536);
    if (mapped == MAP_FAILED) {
        printf("mmap big.bin at 64 KiB: %s\n", errno_name(errno));
        failures++;
    } else {
        check(big_file_matches(mapped, 65536, 8192), "mmap at offset 64 KiB");
        munmap(mapped, 8192);
    }
    close(fd);
}

static void check_errors(void) {
    char byte;
    expect_errno(open(at_root("no-such-file"), O_RDONLY), ENOENT, "open a missing file");
    expect_errno(open(at_root("hello.txt/below"), O_RDONLY), ENOTDIR, "open below a file");
    int fd = open(at_root("dir"), O_RDONLY | O_DIRECTORY);
    expect_errno(fd < 0 ? -1 : (int)read(fd, &byte, 1), EISDIR, "read a directory");
    if (fd >= 0) close(fd);
    fd = open(at_root("hello.txt"), O_RDONLY);
    expect_errno(fd < 0 ? -1 : (int)write(fd, "x", 1), EBADF, "write to a read-only descriptor");
    if (fd >= 0) close(fd);
    expect_errno(close(12345), EBADF, "close a descriptor never opened");
}

static void write_pattern(int fd, size_t bytes) {
    unsigned char chunk[4096];
    for (size_t done = 0; done < bytes;) {
        size_t piece = bytes - done < sizeof chunk ? bytes - done : sizeof chunk;
        for (size_t i = 0; i < piece; i++) chunk[i] = pattern_byte(done + i);
        if (write(fd, chunk, piece) != (ssize_t)piece) return;
        done += piece;
    }
}

static void use_tmp(void) {
    char directory[] = "/tmp/ingot-files-XXXXXX";
    if (mkdtemp(directory) == NULL) {
        printf("mkdtemp in /tmp: %s\n", errno_name(errno));
        failures++;
        return;
    }
    char first[64], second[64], sub[64], inner[80];
    snprintf(first, sizeof first, "%s/first", directory);
    snprintf(second, sizeof second, "%s/second", directory);
    snprintf(sub, sizeof sub, "%s/sub", directory);
    snprintf(inner, sizeof inner, "%s/sub/inner", directory);

    int fd = open(first, O_CREAT | O_EXCL | O_WRONLY, 0644);
    check(fd >= 0, "create a file in /tmp");
    write_pattern(fd, 100000);
    close(fd);
    expect_errno(open(first, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
                 "O_EXCL on an existing file");

    static unsigned char buffer[100000];
    fd = open(first, O_RDONLY);
    check(fd >= 0 && read(fd, buffer, sizeof buffer) == 100000 &&
              big_file_matches(buffer, 0, sizeof buffer),
          "read back 100000 bytes");
    close(fd);

    check(rename(first, second) == 0, "rename");
    expect_errno(open(first, O_RDONLY), ENOENT, "old name after rename");
    struct stat info;
    check(stat(second, &info) == 0 && info.st_size == 100000, "new name has the size");

    fd = open(second, O_WRONLY | O_APPEND);
    check(fd >= 0 && write(fd, "tail", 4) == 4, "append");
    close(fd);
    check(stat(second, &info) == 0 && info.st_size == 100004, "size after append");
    check(truncate(second, 10) == 0 && stat(second, &info) == 0 && info.st_size == 10,
          "truncate to 10 bytes");

    check(mkdir(sub, 0755) == 0, "mkdir in /tmp");
    fd = open(inner, O_CREAT | O_WRONLY, 0644);
    close(fd);
    expect_errno(rmdir(sub), ENOTEMPTY, "rmdir a non-empty directory");
    check(unlink(inner) == 0 && rmdir(sub) == 0, "remove the subdirectory");
    check(unlink(second) == 0, "unlink");
    expect_errno(stat(second, &info), ENOENT, "stat after unlink");
    check(rmdir(directory) == 0, "remove the temporary directory");
}

// Guest only: nothing outside /tmp may change. Reported on stderr, see the header comment.
static void check_read_only_root(void) {
    int fd = open(at_root("new-file"), O_CREAT | O_WRONLY, 0644);
    int create_error = fd < 0 ? errno : 0;
    int mkdir_error = mkdir(at_root("new-dir"), 0755) < 0 ? errno : 0;
    int existing = open(at_root("hello.txt"), O_WRONLY);
    int write_error = existing < 0 ? errno : 0;
    if (existing >= 0) close(existing);
    // Destructive where the root is writable; the flag is meant for the guest's read-only root.
    int unlink_error = unlink(at_root("hello.txt")) < 0 ? errno : 0;
    if (create_error == EROFS && mkdir_error == EROFS && unlink_error == EROFS &&
        write_error == EROFS) {
        fprintf(stderr, "write outside tmp: refused (EROFS)\n");
        return;
    }
    fprintf(stderr, "write outside tmp: create %s, mkdir %s, unlink %s, open for writing %s\n",
            errno_name(create_error), errno_name(mkdir_error), errno_name(unlink_error),
            errno_name(write_error));
    failures++;
}

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--expect-read-only-root") != 0)) {
        fprintf(stderr, "usage: files ROOT [--expect-read-only-root]\n");
        return 2;
    }
    root = argv[1];
    show_file("hello.txt");
    show_file("dir/nested/deep.txt");
    show_file("dir/up-link");
    show_metadata();
    list_directory("dir");
    read_big_file();
    check_errors();
    use_tmp();
    if (argc == 3) check_read_only_root();
    printf("failures: %d\n", failures);
    return failures == 0 ? 0 : 1;
}
