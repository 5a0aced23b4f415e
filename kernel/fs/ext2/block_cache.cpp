#include <fs/ext2/block_cache.h>

#include <cstring>
#include <new>

namespace ingot::ext2 {

BlockCache::BlockCache(BlockDevice& device, uint32_t block_size, size_t max_blocks)
    : device_(device), block_size_(block_size), max_blocks_(max_blocks), buckets_(256, nullptr) {
    lru_.lru_next = lru_.lru_prev = &lru_;
}

BlockCache::~BlockCache() {
    for (Entry* head : buckets_) {
        while (head) {
            Entry* next = head->hash_next;
            operator delete(head->data);
            delete head;
            head = next;
        }
    }
}

BlockCache::Entry* BlockCache::find(uint64_t block) const {
    for (Entry* e = buckets_[block & (buckets_.size() - 1)]; e; e = e->hash_next)
        if (e->block == block) return e;
    return nullptr;
}

void BlockCache::touch(Entry* e) {
    e->lru_prev->lru_next = e->lru_next;
    e->lru_next->lru_prev = e->lru_prev;
    e->lru_next = lru_.lru_next;
    e->lru_prev = &lru_;
    lru_.lru_next->lru_prev = e;
    lru_.lru_next = e;
}

void BlockCache::grow_table() {
    std::vector<Entry*> old = std::move(buckets_);
    buckets_.assign(old.size() * 2, nullptr);
    for (Entry* head : old) {
        while (head) {
            Entry* next = head->hash_next;
            Entry*& bucket = buckets_[head->block & (buckets_.size() - 1)];
            head->hash_next = bucket;
            bucket = head;
            head = next;
        }
    }
}

Result<BlockCache::Entry*> BlockCache::insert(uint64_t block) {
    auto* data = static_cast<uint8_t*>(operator new(block_size_, std::nothrow_t{}));
    auto* e = new (std::nothrow_t{}) Entry{block, data, nullptr, &lru_, lru_.lru_next, false, BlockKind::Metadata};
    if (!data || !e) {
        operator delete(data);
        delete e;
        return Errno::ENOMEM;
    }
    if (count_ + 1 > buckets_.size()) grow_table();
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
    operator delete(e->data);
    delete e;
}

Result<uint8_t*> BlockCache::get(uint64_t block) {
    if (Entry* e = find(block)) {
        touch(e);
        return e->data;
    }
    Entry* e = TRY(insert(block));
    uint64_t sectors_per_block = block_size_ / BlockDevice::kSectorSize;
    Result<void> read = device_.read(block * sectors_per_block, std::span<uint8_t>(e->data, block_size_));
    if (!read.ok()) {
        unlink(e);
        return Errno::EIO;
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
    return e->data;
}

void BlockCache::mark_dirty(uint64_t block, BlockKind kind) {
    Entry* e = find(block);
    if (!e) return;
    if (!e->dirty) {
        ++dirty_count_;
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
    --dirty_count_;
    if (e->kind == BlockKind::Metadata) --dirty_metadata_count_;
}

void BlockCache::forget(uint64_t block) {
    if (Entry* e = find(block)) unlink(e);
}

Result<void> BlockCache::write_entry(Entry* e) {
    uint64_t sectors_per_block = block_size_ / BlockDevice::kSectorSize;
    Result<void> written = device_.write(e->block * sectors_per_block, std::span<const uint8_t>(e->data, block_size_));
    if (!written.ok()) return written.error() == Errno::EROFS ? Errno::EROFS : Errno::EIO;
    mark_clean(e);
    return {};
}

Result<void> BlockCache::write_back_data() {
    for (Entry* e = lru_.lru_next; e != &lru_; e = e->lru_next)
        if (e->dirty && e->kind == BlockKind::Data) TRY(write_entry(e));
    return {};
}

Result<void> BlockCache::write_back_metadata(FunctionRef<Result<void>(std::span<const MetadataWrite>)> write_batch) {
    std::vector<MetadataWrite> batch;
    for (Entry* e = lru_.lru_next; e != &lru_; e = e->lru_next)
        if (e->dirty) batch.push_back(MetadataWrite{e->block, e->data});
    if (batch.empty()) return {};
    TRY(write_batch(std::span<const MetadataWrite>(batch.data(), batch.size())));
    for (Entry* e = lru_.lru_next; e != &lru_; e = e->lru_next) mark_clean(e);
    return {};
}

void BlockCache::trim() {
    // Dirty blocks met at the cold end move to the hot end, so that each trim does work in
    // proportion to what it evicts rather than walking past the same dirty blocks again.
    size_t budget = count_;
    while (count_ > max_blocks_ && count_ > dirty_count_ && budget--) {
        Entry* e = lru_.lru_prev;
        if (e->dirty)
            touch(e);
        else
            unlink(e);
    }
}

void BlockCache::discard_all() {
    while (lru_.lru_next != &lru_) unlink(lru_.lru_next);
}

}  // namespace ingot::ext2
