// The program of the crash-loop test (tests/boot/disk_crash_loop.sh): it writes and fsyncs
// until the machine is killed, and after each restart checks that everything it reported as
// synced is there.
//   crash_writer write DIR      resumes DIR/log after its last whole record, then forever:
//                               appends a record and fsyncs it; every 4th record replaces
//                               DIR/state through write, fsync, rename; every 7th creates a file
//                               under DIR/files and every 11th removes one; then prints
//                               "synced N" once all of it was fsynced. Meanwhile it holds
//                               DIR/scratch open, unlinked, and appends to it: a crash leaves
//                               an orphan inode for the next mount to free
//   crash_writer check DIR N    exits 0 when records 1..N (at least) are in DIR/log intact and
//                               in order, and DIR/state is whole and no older than the last
//                               state write up to N; otherwise prints what is wrong and exits 1
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { kMagic = 0x1a2b3c4d, kMaxPayload = 9000, kMaxState = 20000 };

struct record_header {
    uint32_t magic, seq, length, sum;
};

static uint32_t payload_length(uint32_t seq) { return 100 + (seq * 2654435761u) % (kMaxPayload - 100); }
static uint8_t payload_byte(uint32_t seq, uint32_t i) { return (uint8_t)(seq * 31 + i * 7 + (i >> 8)); }
static uint32_t state_length(uint32_t seq) { return 8 + (seq * 40503u) % (kMaxState - 8); }

static const char* dir;
static char* at(const char* name) {
    static char paths[2][512];
    static int next;
    char* p = paths[next++ % 2];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static void die(const char* what) {
    printf("crash_writer: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void write_all(int fd, const void* data, size_t len) {
    const char* p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0) die("write");
        p += n, len -= (size_t)n;
    }
}

// Reads whole, valid records from the start of the log; returns how many are in order and
// sets *end to the offset just past the last one.
static uint32_t scan_log(int fd, off_t* end) {
    static uint8_t payload[kMaxPayload];
    struct record_header h;
    uint32_t count = 0;
    off_t offset = 0;
    for (;;) {
        if (pread(fd, &h, sizeof h, offset) != (ssize_t)sizeof h) break;
        if (h.magic != kMagic || h.seq != count + 1 || h.length != payload_length(h.seq)) break;
        if (pread(fd, payload, h.length, offset + (off_t)sizeof h) != (ssize_t)h.length) break;
        uint32_t sum = 0, bad = 0;
        for (uint32_t i = 0; i < h.length; ++i) sum += payload[i], bad += payload[i] != payload_byte(h.seq, i);
        if (sum != h.sum || bad) break;
        count++;
        offset += (off_t)sizeof h + h.length;
    }
    *end = offset;
    return count;
}

static void fsync_dir(void) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || fsync(fd) != 0) die("fsync directory");
    close(fd);
}

static void replace_state(uint32_t seq) {
    static uint8_t buf[kMaxState];
    uint32_t len = state_length(seq);
    memcpy(buf, &seq, 4), memcpy(buf + 4, &len, 4);
    for (uint32_t i = 8; i < len; ++i) buf[i] = payload_byte(seq, i);
    int fd = open(at("state.tmp"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("create state.tmp");
    write_all(fd, buf, len);
    if (fsync(fd) != 0) die("fsync state.tmp");
    close(fd);
    if (rename(at("state.tmp"), at("state")) != 0) die("rename state");
    fsync_dir();
}

static void churn_files(uint32_t seq) {
    char name[64];
    if (seq % 7 == 0) {
        snprintf(name, sizeof name, "files/f-%u", seq);
        int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) die("create file");
        write_all(fd, name, strlen(name));
        if (fsync(fd) != 0) die("fsync file");
        close(fd);
    }
    if (seq % 11 == 0 && seq > 77) {
        snprintf(name, sizeof name, "files/f-%u", (seq - 77) / 7 * 7);
        if (unlink(at(name)) != 0 && errno != ENOENT) die("unlink file");
    }
}

static _Noreturn void write_forever(void) {
    if (mkdir(at("files"), 0755) != 0 && errno != EEXIST) die("mkdir files");
    int fd = open(at("log"), O_RDWR | O_CREAT, 0644);
    if (fd < 0) die("open log");
    off_t end;
    uint32_t seq = scan_log(fd, &end);
    if (ftruncate(fd, end) != 0 || lseek(fd, end, SEEK_SET) != end) die("cut the torn tail");
    printf("resuming after %u\n", seq);
    int scratch = open(at("scratch"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (scratch < 0 || unlink(at("scratch")) != 0) die("unlink the open scratch file");
    fsync_dir();
    // A crash between the log's fsync and the state's replacement leaves the state a step
    // behind the log; it catches up before any later record is reported synced.
    if (seq >= 4) replace_state(seq - seq % 4);
    static uint8_t record[sizeof(struct record_header) + kMaxPayload];
    for (;;) {
        struct record_header h = {kMagic, ++seq, payload_length(seq), 0};
        for (uint32_t i = 0; i < h.length; ++i) {
            record[sizeof h + i] = payload_byte(seq, i);
            h.sum += record[sizeof h + i];
        }
        memcpy(record, &h, sizeof h);
        write_all(fd, record, sizeof h + h.length);
        write_all(scratch, record, sizeof h + h.length);
        if (fsync(fd) != 0) die("fsync log");
        if (seq % 4 == 0) replace_state(seq);
        churn_files(seq);
        printf("synced %u\n", seq);
    }
}

static int check(uint32_t synced) {
    int fd = open(at("log"), O_RDONLY);
    if (fd < 0 && !(errno == ENOENT && synced == 0)) die("open log");
    off_t end = 0;
    uint32_t count = fd < 0 ? 0 : scan_log(fd, &end);
    int ok = count >= synced;
    printf("log: %u whole records, %u reported synced%s\n", count, synced, ok ? "" : ": RECORDS LOST");
    uint32_t state_seq = 0, len = 0, bad = 0;
    int sfd = open(at("state"), O_RDONLY);
    if (sfd >= 0) {
        static uint8_t buf[kMaxState + 1];
        ssize_t n = read(sfd, buf, sizeof buf);
        if (n >= 8) memcpy(&state_seq, buf, 4), memcpy(&len, buf + 4, 4);
        if (n < 8 || len != state_length(state_seq) || n != (ssize_t)len) bad = 1;
        for (ssize_t i = 8; !bad && i < n; ++i) bad += buf[i] != payload_byte(state_seq, (uint32_t)i);
    }
    uint32_t want = synced / 4 * 4;
    if (bad || state_seq < want) ok = 0;
    printf("state: record %u%s (at least %u expected)\n", state_seq, bad ? ", DAMAGED" : "", want);
    return ok ? 0 : 1;
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "write")) dir = argv[2], write_forever();
    if (argc == 4 && !strcmp(argv[1], "check")) return dir = argv[2], check((uint32_t)strtoul(argv[3], NULL, 10));
    fprintf(stderr, "usage: crash_writer write DIR | check DIR SYNCED\n");
    return 2;
}
