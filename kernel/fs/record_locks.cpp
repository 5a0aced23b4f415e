#include <fs/record_locks.h>

#include <algorithm>

namespace ingot {

std::optional<RecordLock> RecordLockTable::conflict(const Inode* inode, const void* owner, bool write,
                                                    uint64_t start, uint64_t end) const {
    for (const RecordLock& held : locks_) {
        if (held.inode != inode || held.owner == owner) continue;
        if (held.start >= end || start >= held.end) continue;
        if (write || held.write) return held;
    }
    return std::nullopt;
}

void RecordLockTable::set(const Inode* inode, const void* owner, int pid, bool lock, bool write, uint64_t start,
                          uint64_t end) {
    // Cut [start, end) out of the owner's own locks, keeping what lies outside it.
    std::vector<RecordLock> kept;
    for (const RecordLock& held : locks_) {
        bool mine = held.inode == inode && held.owner == owner;
        if (!mine || held.start >= end || start >= held.end) {
            kept.push_back(held);
            continue;
        }
        if (held.start < start) kept.push_back({inode, owner, held.pid, held.write, held.start, start});
        if (held.end > end) kept.push_back({inode, owner, held.pid, held.write, end, held.end});
    }
    if (lock) kept.push_back({inode, owner, pid, write, start, end});
    locks_ = std::move(kept);
}

void RecordLockTable::release(const void* owner, const Inode* inode) {
    std::erase_if(locks_, [&](const RecordLock& held) {
        return held.owner == owner && (!inode || held.inode == inode);
    });
}

RecordLockTable& record_locks() {
    static RecordLockTable table;
    return table;
}

}  // namespace ingot
