// A lock that may be held across a wait: a file system operation keeps it while its thread
// blocks for the disk, and other threads that want it block too (the scheduler runs whoever
// can run) instead of entering the operation half-way through the holder's.
//
// Recursive: the holder may take it again, as when an operation drops the last reference to a
// file and the file's destructor writes its inode back. Not for interrupt handlers.
#pragma once

#include <cstdint>

namespace ingot {

struct Thread;

class SleepLock {
public:
    // Returns the nesting depth now held: 1 for the outermost acquisition.
    uint32_t lock();
    // Returns the depth still held after this release: 0 when the lock is free again.
    uint32_t unlock();
    bool held_by_current_thread() const;

private:
    Thread* owner_ = nullptr;
    uint32_t depth_ = 0;
};

}  // namespace ingot
