// Host tool: completes a copy of tests/guest/fixture into the root file system the files test
// reads. Adds what git cannot carry or should not store: the large generated file big.bin and
// two symbolic links.
//   make_fixture DIRECTORY
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pattern.h"

static int write_big_file(const char* path) {
    FILE* file = fopen(path, "wb");
    if (file == NULL) return -1;
    for (size_t offset = 0; offset < kBigFileSize; offset++) fputc(pattern_byte(offset), file);
    return fclose(file);
}

static int replace_symlink(const char* target, const char* path) {
    if (unlink(path) != 0 && errno != ENOENT) return -1;
    return symlink(target, path);
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: make_fixture DIRECTORY\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/big.bin", argv[1]);
    if (write_big_file(path) != 0) {
        fprintf(stderr, "make_fixture: %s: %s\n", path, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/link-to-hello", argv[1]);
    if (replace_symlink("hello.txt", path) != 0) {
        fprintf(stderr, "make_fixture: %s: %s\n", path, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/dir/up-link", argv[1]);
    if (replace_symlink("../hello.txt", path) != 0) {
        fprintf(stderr, "make_fixture: %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}
