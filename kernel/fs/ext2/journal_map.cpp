#include "journal_map.h"

#include <lib/log.h>

#include <cstring>
#include <new>

namespace ingot::ext2 {

JournalMap::~JournalMap() { ::operator delete(runs_); }

Result<void> JournalMap::build(uint64_t length, uint64_t device_blocks,
                               FunctionRef<Result<uint64_t>(uint64_t)> map_block) {
    for (uint64_t logical = 0; logical < length; ++logical) {
        uint64_t physical = TRY(map_block(logical));
        // Block 0 of the disk is never journal space (it holds the boot sector or the ext4
        // superblock); a map naming it is a hole or garbage.
        if (physical == 0 || physical >= device_blocks) {
            log_error("ext4 journal: journal block %llu maps to disk block %llu, outside the disk",
                      static_cast<unsigned long long>(logical), static_cast<unsigned long long>(physical));
            return Errno::EINVAL;
        }
        TRY(append(logical, physical));
    }
    return {};
}

// Extends the last run when physical follows it, else starts a run (doubling the array).
Result<void> JournalMap::append(uint64_t logical, uint64_t physical) {
    if (count_ > 0) {
        Run& last = runs_[count_ - 1];
        if (last.physical + last.length == physical) {
            ++last.length;
            return {};
        }
    }
    if (count_ == capacity_) {
        uint64_t capacity = capacity_ == 0 ? 4 : capacity_ * 2;
        auto* runs = static_cast<Run*>(::operator new(capacity * sizeof(Run), std::nothrow));
        if (runs == nullptr) return Errno::ENOMEM;
        if (count_ > 0) std::memcpy(runs, runs_, count_ * sizeof(Run));
        ::operator delete(runs_);
        runs_ = runs;
        capacity_ = capacity;
    }
    runs_[count_++] = Run{logical, physical, 1};
    return {};
}

uint64_t JournalMap::lookup(uint64_t logical) const {
    // Binary search for the last run starting at or before logical.
    uint64_t low = 0, high = count_;
    while (high - low > 1) {
        uint64_t middle = low + (high - low) / 2;
        if (runs_[middle].logical <= logical) low = middle;
        else high = middle;
    }
    return runs_[low].physical + (logical - runs_[low].logical);
}

}  // namespace ingot::ext2
