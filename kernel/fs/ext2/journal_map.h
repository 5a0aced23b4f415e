// Where each block of an ext4 journal lives on the disk: the journal inode's block map, read
// once at mount and kept as runs of consecutive blocks (a journal is almost always one run), so
// the file system's mapping callback need not outlive the mount call.
#pragma once

#include <lib/function_ref.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot::ext2 {

class JournalMap {
public:
    JournalMap() = default;
    JournalMap(const JournalMap&) = delete;
    JournalMap& operator=(const JournalMap&) = delete;
    ~JournalMap();

    // Maps journal blocks 0..length-1 through map_block; every one must land on a block in
    // 1..device_blocks-1. EINVAL (logged) otherwise, ENOMEM when the runs do not fit the heap,
    // and map_block's own errors.
    Result<void> build(uint64_t length, uint64_t device_blocks,
                       FunctionRef<Result<uint64_t>(uint64_t)> map_block);

    // The disk block holding journal block logical (< the length given to build).
    uint64_t lookup(uint64_t logical) const;

private:
    struct Run {
        uint64_t logical;
        uint64_t physical;
        uint64_t length;
    };
    Result<void> append(uint64_t logical, uint64_t physical);

    Run* runs_ = nullptr;
    uint64_t count_ = 0;
    uint64_t capacity_ = 0;
};

}  // namespace ingot::ext2
