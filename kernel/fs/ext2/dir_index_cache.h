// Indexes of directories whose in-memory object went away while the directory lives on. The
// VFS holds a directory only while it uses it, so each path walk through /mnt/big loads it
// afresh; without this cache every operation there would read all its blocks to rebuild the
// index. Kept: directories big enough for that rebuild to matter, at most kSlots of them and
// kBudgetBytes of tables in all, the least recently parked dropped first.
//
// Only the directory's own object changes its entries, so a parked index stays exact until
// the object is loaded again and takes it back; a directory whose inode is freed has its
// index discarded.
#pragma once

#include <fs/ext2/dir_index.h>

#include <cstddef>
#include <cstdint>

namespace ingot::ext2 {

class DirIndexCache {
public:
    static constexpr size_t kSlots = 16;
    static constexpr size_t kBudgetBytes = 8u << 20;
    // Fewer blocks than this are read again faster than they are worth keeping.
    static constexpr size_t kMinBlocks = 4;

    DirIndexCache() = default;
    DirIndexCache(const DirIndexCache&) = delete;
    DirIndexCache& operator=(const DirIndexCache&) = delete;
    ~DirIndexCache();

    // Takes ownership of index, the index of directory inode ino (deleting it if not kept).
    void park(uint32_t ino, DirIndex* index);
    // The parked index of ino, now owned by the caller; null when none is kept.
    DirIndex* take(uint32_t ino);
    void discard(uint32_t ino);

private:
    struct Parked {
        uint32_t ino = 0;  // 0: a free slot
        uint64_t parked_at = 0;
        DirIndex* index = nullptr;
    };
    void evict(Parked& slot);

    Parked slots_[kSlots];
    size_t bytes_ = 0;
    uint64_t clock_ = 0;
};

}  // namespace ingot::ext2
