#include <fs/ext2/block_cache.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace ingot::ext2 {

BlockCache::BlockCache(BlockDevice& device, uint32_t block_size, size_t dirty_limit)
    : device_(device), block_size_(block_size),
      frames_per_block_(static_cast<uint32_t>((block_size + kPageSize - 1) / kPageSize)), dirty_limit_(dirty_limit),
      buckets_(256, nullptr) {
    lru_.lru_next = lru_.lru_prev = &lru_;
    if (block_size_ <= kRunBytes) staging_ = static_cast<uint8_t*>(operator new(kRunBytes, std::nothrow_t{}));
    add_reclaimable(*this);
}

BlockCache::~BlockCache() {
    remove_reclaimable(*this);
    operator delete(staging_);
    for (Entry* head : buckets_) {
        while (head) {
            Entry* next = head->hash_next;
            give_back_buffer(head->data);
            delete head;
            head = next;
        }
    }
    free_spare_entries();
}

// Each buffer is whole frames straight from the page allocator (a block smaller than a page
// still takes one), so that evicting a block gives its memory back to everyone at once: heap
// chunks of several blocks would stay allocated while any one of them was cached.
uint8_t* BlockCache::take_buffer() {
    Result<uint64_t> frames = allocate_frames(frames_per_block_);
    return frames.ok() ? static_cast<uint8_t*>(phys_to_virt(frames.value())) : nullptr;
}

void BlockCache::give_back_buffer(uint8_t* buffer) { physical_pages().free(virt_to_phys(buffer), frames_per_block_); }

void BlockCache::free_spare_entries() {
    while (Entry* e = spare_entries_) {
        spare_entries_ = e->hash_next;
        delete e;
    }
}

BlockCache::Entry* BlockCache::find(uint64_t block) const {
    for (Entry* e = buckets_[block & (buckets_.size() - 1)]; e; e = e->hash_next)
        if (e->block == block) return e;
    return nullptr;
}

void BlockCache::touch(Entry* e) {
    e->epoch = epoch_;
    e->lru_prev->lru_next = e->lru_next;
    e->lru_next->lru_prev = e->lru_prev;
    e->lru_next = lru_.lru_next;
    e->lru_prev = &lru_;
    lru_.lru_next->lru_prev = e;
    lru_.lru_next = e;
}

// The larger table is allocated before the old one is touched: the allocation may reclaim,
// which unlinks entries through the table.
void BlockCache::grow_table() {
    std::vector<Entry*> larger(buckets_.size() * 2, nullptr);
    for (Entry* head : buckets_) {
        while (head) {
            Entry* next = head->hash_next;
            Entry*& bucket = larger[head->block & (larger.size() - 1)];
            head->hash_next = bucket;
            bucket = head;
            head = next;
        }
    }
    buckets_.swap(larger);
}

Result<BlockCache::Entry*> BlockCache::insert(uint64_t block) {
    // Everything that may allocate (and so reclaim) comes before the entry is linked in.
    if (count_ + 1 > buckets_.size()) grow_table();
    uint8_t* data = take_buffer();
    if (!data) return Errno::ENOMEM;
    Entry* e = spare_entries_;
    if (e) spare_entries_ = e->hash_next;
    else e = new (std::nothrow_t{}) Entry;
    if (!e) {
        give_back_buffer(data);
        return Errno::ENOMEM;
    }
    *e = Entry{block, data, nullptr, &lru_, lru_.lru_next, false, BlockKind::Metadata, {}, 0, epoch_, false};
    Entry*& bucket = buckets_[block & (buckets_.size() - 1)];
    e->hash_next = bucket;
    bucket = e;
    lru_.lru_next->lru_prev = e;
    lru_.lru_next = e;
    ++count_;
    return e;
}

void BlockCache::unlink(Entry* e) {
    Entry** link = &buckets_[e->block & (buckets_.size() - 1)];
    while (*link != e) link = &(*link)->hash_next;
    *link = e->hash_next;
    e->lru_prev->lru_next = e->lru_next;
    e->lru_next->lru_prev = e->lru_prev;
    mark_clean(e);
    --count_;
    give_back_buffer(e->data);
    e->hash_next = spare_entries_;
    spare_entries_ = e;
}

Result<BlockCache::Entry*> BlockCache::cached_or_read(uint64_t block) {
    if (Entry* e = find(block)) {
        touch(e);
        return e;
    }
    Entry* e = TRY(insert(block));
    uint64_t sectors_per_block = block_size_ / BlockDevice::kSectorSize;
    Result<void> read = device_.read(block * sectors_per_block, std::span<uint8_t>(e->data, block_size_));
    if (!read.ok()) {
        unlink(e);
        return Errno::EIO;
    }
    return e;
}

Result<uint8_t*> BlockCache::get(uint64_t block) { return TRY(cached_or_read(block))->data; }

Result<uint8_t*> BlockCache::get_checked(uint64_t block, FunctionRef<bool(const uint8_t*)> valid) {
    Entry* e = TRY(cached_or_read(block));
    if (!e->trusted) {
        if (!valid(e->data)) return Errno::EBADMSG;
        e->trusted = true;
    }
    return e->data;
}

Result<uint8_t*> BlockCache::get_zeroed(uint64_t block) {
    Entry* e = find(block);
    if (e)
        touch(e);
    else
        e = TRY(insert(block));
    memset(e->data, 0, block_size_);
    e->trusted = true;
    return e->data;
}

void BlockCache::mark_dirty(uint64_t block, BlockKind kind, Seal seal) {
    Entry* e = find(block);
    if (!e) return;
    e->trusted = true;
    if (seal.kind != SealKind::None) e->seal = seal;
    if (!e->dirty) {
        e->dirty_slot = dirty_.size();
        dirty_.push_back(e);
        e->dirty = true;
        e->kind = kind;
        if (kind == BlockKind::Metadata) ++dirty_metadata_count_;
    } else if (kind == BlockKind::Metadata && e->kind != kind) {
        e->kind = kind;  // once metadata, it waits for the metadata batch
        ++dirty_metadata_count_;
    }
}

void BlockCache::mark_clean(Entry* e) {
    if (!e->dirty) return;
    e->dirty = false;
    e->seal = {};
    Entry* last = dirty_.back();
    dirty_[e->dirty_slot] = last;
    last->dirty_slot = e->dirty_slot;
    dirty_.pop_back();
    if (e->kind == BlockKind::Metadata) --dirty_metadata_count_;
}

void BlockCache::forget(uint64_t block) {
    if (Entry* e = find(block)) unlink(e);
}

void BlockCache::drop_if_clean(uint64_t block) {
    Entry* e = find(block);
    if (e && !e->dirty) unlink(e);
}

Result<void> BlockCache::read_ahead(uint64_t first, uint64_t count) {
    if (!staging_) return {};
    if (count > max_run_blocks()) count = max_run_blocks();
    uint64_t n = 0;
    while (n < count && !find(first + n)) ++n;
    if (n == 0) return {};
    uint64_t sectors_per_block = block_size_ / BlockDevice::kSectorSize;
    TRY(device_.read(first * sectors_per_block, std::span<uint8_t>(staging_, n * block_size_)));
    // Inserted coldest first, so that the block wanted now ends up the most recently used.
    for (uint64_t i = n; i-- > 0;) {
        Entry* e = TRY(insert(first + i));
        memcpy(e->data, staging_ + i * block_size_, block_size_);
    }
    return {};
}

Result<void> BlockCache::write_back_data() {
    std::vector<Entry*> dirty;
    for (Entry* e : dirty_)
        if (e->kind == BlockKind::Data) dirty.push_back(e);
    if (dirty.empty()) return {};
    // In disk order, so that the device joins consecutive blocks into one request: a file
    // written in order goes out in 128 KiB requests rather than one per block.
    std::sort(dirty.begin(), dirty.end(), [](const Entry* a, const Entry* b) { return a->block < b->block; });
    uint64_t sectors_per_block = block_size_ / BlockDevice::kSectorSize;
    std::vector<SectorWrite> pieces;
    pieces.reserve(dirty.size());
    for (Entry* e : dirty) pieces.push_back(SectorWrite{e->block * sectors_per_block, {e->data, block_size_}});
    Result<void> written = device_.write_scattered(std::span<const SectorWrite>(pieces.data(), pieces.size()));
    if (!written.ok()) return written.error() == Errno::EROFS ? Errno::EROFS : Errno::EIO;
    for (Entry* e : dirty) mark_clean(e);
    return {};
}

Result<void> BlockCache::write_back_metadata(FunctionRef<void(uint8_t* data, Seal seal)> seal,
                                             FunctionRef<Result<void>(std::span<const MetadataWrite>)> write_batch) {
    if (dirty_.empty()) return {};
    std::vector<MetadataWrite> batch;
    batch.reserve(dirty_.size());
    for (Entry* e : dirty_) {
        if (e->seal.kind != SealKind::None) seal(e->data, e->seal);
        batch.push_back(MetadataWrite{e->block, e->data});
    }
    TRY(write_batch(std::span<const MetadataWrite>(batch.data(), batch.size())));
    while (!dirty_.empty()) mark_clean(dirty_.back());
    return {};
}

void BlockCache::trim() {
    // Dirty blocks met at the cold end move to the hot end, so that each trim does work in
    // proportion to what it evicts rather than walking past the same dirty blocks again.
    size_t budget = count_;
    while (free_memory_low() && count_ > dirty_.size() && budget--) {
        Entry* e = lru_.lru_prev;
        if (e->dirty)
            touch(e);
        else
            unlink(e);
    }
    free_spare_entries();
}

size_t BlockCache::reclaim(size_t pages) {
    // Unlike trim(), leaves the order alone: this runs inside someone else's allocation, and
    // blocks it passes over (dirty, or in use) are simply skipped.
    size_t freed = 0;
    for (Entry* e = lru_.lru_prev; e != &lru_ && freed < pages;) {
        Entry* warmer = e->lru_prev;
        if (!e->dirty && e->epoch != epoch_) {
            unlink(e);
            freed += frames_per_block_;
        }
        e = warmer;
    }
    return freed;
}

void BlockCache::discard_all() {
    while (lru_.lru_next != &lru_) unlink(lru_.lru_next);
}

}  // namespace ingot::ext2
