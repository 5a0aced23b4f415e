// Blocks freed since the last commit (a journal transaction; without a journal, the last
// sync). Until that commit is on the disk, a crash brings back the metadata that still points
// at them, so they must not be handed out as file data, which is written in place before the
// commit (ordered mode): the old owner would come back holding someone else's bytes. Linux's
// ext4 keeps the same rule (fs/ext4/mballoc.c, ext4_free_data on the committing transaction).
// Once the commit is durable they wait, in another FreedBlocks, to be discarded
// (Ext2FileSystem::discard_freed_blocks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ingot::ext2 {

class FreedBlocks {
public:
    struct Run {
        uint64_t first;
        uint64_t end;
    };

    // Records blocks [first, first + count).
    void add(uint64_t first, uint64_t count);
    // Records every run of other.
    void add_all(const FreedBlocks& other);
    // Forgets one block (taken again).
    void remove(uint64_t block);
    // Blocks recorded.
    uint64_t block_count() const;
    // The end of the recorded run holding block, or 0 when block is not recorded.
    uint64_t run_end(uint64_t block) const;
    void clear() { runs_.clear(); }
    bool empty() const { return runs_.empty(); }
    // The recorded runs, in block order.
    std::span<const Run> runs() const { return {runs_.data(), runs_.size()}; }

private:
    size_t position(uint64_t block) const;  // the first run ending after block
    std::vector<Run> runs_;  // sorted, disjoint, not touching
};

}  // namespace ingot::ext2
