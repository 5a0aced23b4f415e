// Blocks freed since the last journal commit. Until that commit is on the disk, a crash brings
// back the metadata that still points at them, so they must not be handed out as file data,
// which is written in place before the commit (ordered mode): the old owner would come back
// holding someone else's bytes. Linux's ext4 keeps the same rule (fs/ext4/mballoc.c,
// ext4_free_data on the committing transaction).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ingot::ext2 {

class FreedBlocks {
public:
    // Records blocks [first, first + count).
    void add(uint64_t first, uint64_t count);
    // The end of the recorded run holding block, or 0 when block is not recorded.
    uint64_t run_end(uint64_t block) const;
    void clear() { runs_.clear(); }
    bool empty() const { return runs_.empty(); }

private:
    struct Run {
        uint64_t first;
        uint64_t end;
    };
    size_t position(uint64_t block) const;  // the first run ending after block
    std::vector<Run> runs_;  // sorted, disjoint, not touching
};

}  // namespace ingot::ext2
