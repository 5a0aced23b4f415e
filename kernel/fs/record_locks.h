// POSIX record locks (fcntl(2) F_SETLK/F_SETLKW/F_GETLK) and open-file-description locks
// (F_OFD_*): byte ranges of a file locked for reading (shared) or writing (exclusive) by an
// owner — a process for POSIX locks, an open file description for OFD locks. An owner never
// conflicts with itself: a new lock replaces its overlapping ranges, an unlock may split them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ingot {

class Inode;

struct RecordLock {
    const Inode* inode;
    const void* owner;
    int pid;           // reported by F_GETLK (-1 for OFD locks, as Linux does)
    bool write;
    uint64_t start;    // first byte
    uint64_t end;      // one past the last byte; ~0 for "to the end of the file, however long"
};

class RecordLockTable {
public:
    // A lock of another owner on `inode` that overlaps [start, end) and conflicts with a lock
    // of this kind (any lock against a write lock, a write lock against a read lock).
    std::optional<RecordLock> conflict(const Inode* inode, const void* owner, bool write, uint64_t start,
                                       uint64_t end) const;
    // Locks [start, end) for `owner` (replacing its own overlapping ranges), or unlocks it.
    void set(const Inode* inode, const void* owner, int pid, bool lock, bool write, uint64_t start, uint64_t end);
    // Drops every lock of `owner` (on `inode` only, when given).
    void release(const void* owner, const Inode* inode = nullptr);
    size_t size() const { return locks_.size(); }

private:
    std::vector<RecordLock> locks_;
};

// The kernel's one table.
RecordLockTable& record_locks();

}  // namespace ingot
