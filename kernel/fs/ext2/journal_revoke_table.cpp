#include "journal_revoke_table.h"

#include "journal_format.h"

#include <cstring>
#include <new>

namespace ingot::ext2 {

JournalRevokeTable::~JournalRevokeTable() { ::operator delete(slots_); }

Result<void> JournalRevokeTable::reserve(uint64_t max_records) {
    uint64_t capacity = 16;
    while (capacity < max_records * 2) capacity *= 2;
    if (capacity > UINT64_MAX / sizeof(Slot)) return Errno::ENOMEM;
    auto* slots = static_cast<Slot*>(::operator new(capacity * sizeof(Slot), std::nothrow));
    if (slots == nullptr) return Errno::ENOMEM;
    std::memset(slots, 0, capacity * sizeof(Slot));
    ::operator delete(slots_);
    slots_ = slots;
    mask_ = capacity - 1;
    used_ = 0;
    limit_ = max_records;
    return {};
}

// The slot that holds block, or the empty slot where it belongs (linear probing; the table is
// never more than half full, so an empty slot always ends the probe).
uint64_t JournalRevokeTable::slot_of(uint64_t block) const {
    uint64_t index = (block * 0x9E3779B97F4A7C15ull) >> 20 & mask_;
    while (slots_[index].used && slots_[index].block != block) index = (index + 1) & mask_;
    return index;
}

Result<void> JournalRevokeTable::add(uint64_t block, uint32_t sequence) {
    if (slots_ == nullptr) return Errno::ENOSPC;
    Slot& slot = slots_[slot_of(block)];
    if (slot.used) {
        if (jbd2::sequence_after(sequence, slot.sequence)) slot.sequence = sequence;
        return {};
    }
    if (used_ == limit_) return Errno::ENOSPC;
    slot = Slot{block, sequence, true};
    ++used_;
    return {};
}

bool JournalRevokeTable::revoked(uint64_t block, uint32_t sequence) const {
    if (slots_ == nullptr) return false;
    const Slot& slot = slots_[slot_of(block)];
    // jbd2_journal_test_revoke: revoked unless the copy is newer than the revoke.
    return slot.used && !jbd2::sequence_after(sequence, slot.sequence);
}

}  // namespace ingot::ext2
