// The revoke records recovery collects (jbd2 recovery's PASS_REVOKE): for each revoked block,
// the newest transaction that revoked it. A copy of that block from that transaction or an
// older one must not be replayed; newer copies still are.
#pragma once

#include <lib/result.h>

#include <cstdint>

namespace ingot::ext2 {

class JournalRevokeTable {
public:
    JournalRevokeTable() = default;
    JournalRevokeTable(const JournalRevokeTable&) = delete;
    JournalRevokeTable& operator=(const JournalRevokeTable&) = delete;
    ~JournalRevokeTable();

    // Makes room for up to max_records distinct blocks (an open-addressing table at most half
    // full); ENOMEM when the heap cannot hold it.
    Result<void> reserve(uint64_t max_records);
    // Records that transaction sequence revoked block (keeping the newest sequence). ENOSPC
    // when more distinct blocks arrive than were reserved.
    Result<void> add(uint64_t block, uint32_t sequence);
    // True when the copy of block logged in transaction sequence is revoked.
    bool revoked(uint64_t block, uint32_t sequence) const;

private:
    struct Slot {
        uint64_t block;
        uint32_t sequence;
        bool used;
    };
    uint64_t slot_of(uint64_t block) const;

    Slot* slots_ = nullptr;
    uint64_t mask_ = 0;
    uint64_t used_ = 0;
    uint64_t limit_ = 0;
};

}  // namespace ingot::ext2
