// eventfd(2): a 64-bit counter behind a descriptor, for one part of a program to wake another
// (event loops use it to interrupt their own epoll_wait).
#pragma once

#include <fs/open_file.h>

#include <cstdint>

namespace ingot {

inline constexpr uint32_t kEventFdSemaphore = 1;  // EFD_SEMAPHORE

class EventFdFile final : public OpenFile {
public:
    EventFdFile(uint64_t initial, uint32_t open_flags, bool semaphore);

    // Reads the counter (8 bytes) and resets it, or takes one in semaphore mode. A blocking
    // read waits for a write; EAGAIN when non-blocking and zero.
    Result<size_t> read(IoBuffer& dst) override;
    // Adds an 8-byte value; EINVAL for 2^64-1, EAGAIN (or a wait) when it would overflow.
    Result<size_t> write(IoBuffer& src) override;
    InodeStat stat() const override;
    uint32_t poll_events() const override;
    OwnedString describe() const override;

private:
    static constexpr uint64_t kMax = ~0ull - 1;
    uint64_t counter_;
    bool semaphore_;
    uint64_t inode_number_;
};

}  // namespace ingot
