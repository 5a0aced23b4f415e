// The process's file descriptors: small integers naming open file descriptions, each with its
// own FD_CLOEXEC flag. New descriptors take the lowest free number (open(2)); numbers at or
// above the RLIMIT_NOFILE soft limit are never handed out (EMFILE).
#pragma once

#include <fs/open_file.h>
#include <lib/result.h>

#include <cstdint>
#include <vector>

namespace ingot {

class FdTable {
public:
    static constexpr int kDefaultLimit = 1024;  // RLIMIT_NOFILE soft limit a Linux shell starts with
    static constexpr int kMaxLimit = 1048576;   // /proc/sys/fs/nr_open default

    // Installs file at the lowest free descriptor >= lowest; EMFILE when none is below the
    // limit (EINVAL when lowest itself is out of range, as F_DUPFD reports).
    Result<int> install(OpenFileRef file, bool close_on_exec, int lowest = 0);
    // Installs file at fd, closing what was there (dup2(2)); EBADF when fd is out of range.
    Result<void> install_at(int fd, OpenFileRef file, bool close_on_exec);
    // The open file at fd; EBADF when fd is not open.
    Result<OpenFileRef> get(int fd) const;
    bool is_open(int fd) const;
    // True when install() would find a descriptor (open(2) reserves one before its lookup, so
    // a full table fails with EMFILE before anything is created).
    bool has_free_descriptor() const;
    // Closes fd; EBADF when it is not open.
    Result<void> close(int fd);
    // Closes every open descriptor in [first, last] (close_range(2)).
    void close_range(unsigned first, unsigned last);
    // Sets FD_CLOEXEC on every open descriptor in [first, last] (CLOSE_RANGE_CLOEXEC).
    void set_close_on_exec_range(unsigned first, unsigned last);
    void close_all();

    Result<bool> close_on_exec(int fd) const;
    Result<void> set_close_on_exec(int fd, bool value);

    // The lowest open descriptor >= from, or -1 (for /proc/self/fd).
    int next_open(int from) const;
    int open_count() const;

    int limit() const { return limit_; }
    // prlimit(RLIMIT_NOFILE): a new soft limit, 0 < limit <= kMaxLimit; descriptors already
    // open above it stay open, as on Linux.
    Result<void> set_limit(int limit);

private:
    struct Slot {
        OpenFileRef file;
        bool close_on_exec = false;
    };
    bool in_table(int fd) const { return fd >= 0 && static_cast<size_t>(fd) < slots_.size(); }

    std::vector<Slot> slots_;
    int limit_ = kDefaultLimit;
};

}  // namespace ingot
