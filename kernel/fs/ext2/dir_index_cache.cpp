#include <fs/ext2/dir_index_cache.h>

namespace ingot::ext2 {

DirIndexCache::~DirIndexCache() {
    for (Parked& slot : slots_) evict(slot);
}

void DirIndexCache::evict(Parked& slot) {
    if (!slot.ino) return;
    bytes_ -= slot.index->memory_bytes();
    delete slot.index;
    slot = Parked{};
}

void DirIndexCache::park(uint32_t ino, DirIndex* index) {
    discard(ino);
    size_t bytes = index->memory_bytes();
    if (index->room.size() < kMinBlocks || bytes > kBudgetBytes) {
        delete index;
        return;
    }
    for (;;) {
        Parked* free_slot = nullptr;
        Parked* oldest = nullptr;
        for (Parked& slot : slots_) {
            if (!slot.ino) free_slot = &slot;
            else if (!oldest || slot.parked_at < oldest->parked_at) oldest = &slot;
        }
        if (free_slot && bytes_ + bytes <= kBudgetBytes) {
            *free_slot = Parked{ino, ++clock_, index};
            bytes_ += bytes;
            return;
        }
        evict(*oldest);  // non-null: the slots are not all free, or the budget would hold index
    }
}

DirIndex* DirIndexCache::take(uint32_t ino) {
    for (Parked& slot : slots_) {
        if (slot.ino != ino || !ino) continue;
        DirIndex* index = slot.index;
        bytes_ -= index->memory_bytes();
        slot = Parked{};
        return index;
    }
    return nullptr;
}

void DirIndexCache::discard(uint32_t ino) { delete take(ino); }

}  // namespace ingot::ext2
