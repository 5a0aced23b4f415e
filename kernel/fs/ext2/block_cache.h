// The buffer cache between an ext2 file system and its disk: file-system blocks kept in memory,
// found by block number, written back later. Dirty blocks are either file data or metadata, so
// that write-back can follow ordered mode (ext4 data=ordered): data first, a flush, then every
// metadata block of the consistent point in one batch.
//
// The cache grows into free memory: trim() shrinks it to leave the reserve of mm/reclaim.h
// free, and an allocation that finds no free memory takes clean blocks back (reclaim()).
// Pointers returned by get() stay valid until the next trim(), and reclaim() leaves every
// block used since the current operation began (begin_operation()), so code working on
// several blocks at once never sees one vanish.
#pragma once

#include <block/block_device.h>
#include <fs/ext2/metadata_write.h>
#include <lib/function_ref.h>
#include <lib/result.h>
#include <mm/reclaim.h>

#include <cstdint>
#include <span>
#include <vector>

namespace ingot::ext2 {

enum class BlockKind : uint8_t { Data, Metadata };

// metadata_csum: a metadata block that carries a checksum of itself, recomputed once just
// before the block is written rather than at every change (an extent leaf changes with every
// block its file gains). seed: the owning inode's checksum seed.
enum class SealKind : uint8_t { None, DirectoryBlock, ExtentBlock };
struct Seal {
    SealKind kind = SealKind::None;
    uint32_t seed = 0;
};

class BlockCache final : public ReclaimableMemory {
public:
    // dirty_limit: how many dirty blocks make over_dirty_limit() say it is time to write back.
    BlockCache(BlockDevice& device, uint32_t block_size, size_t dirty_limit);
    ~BlockCache();
    BlockCache(const BlockCache&) = delete;
    BlockCache& operator=(const BlockCache&) = delete;

    uint32_t block_size() const { return block_size_; }
    // The block's bytes, read from the disk if not cached. EIO when the read fails.
    Result<uint8_t*> get(uint64_t block);
    // The same, but a block read from the disk must pass `valid` first (a metadata checksum)
    // or the caller gets EBADMSG (Linux's EFSBADCRC) and may name what failed; blocks this
    // cache made or changed are trusted, as their checksum is only brought up to date when
    // they are written.
    Result<uint8_t*> get_checked(uint64_t block, FunctionRef<bool(const uint8_t*)> valid);
    // The block's bytes, zero-filled without reading (a newly allocated block).
    Result<uint8_t*> get_zeroed(uint64_t block);
    bool contains(uint64_t block) const { return find(block) != nullptr; }
    // Reads blocks first.. (at most count, stopping at the first one already cached) in one
    // device request and caches them: readahead of a sequential reader. Errors are the
    // caller's to ignore; the blocks are then read one by one by get().
    Result<void> read_ahead(uint64_t first, uint64_t count);
    // The most blocks one read_ahead() moves.
    uint64_t max_run_blocks() const { return kRunBytes / block_size_; }
    // Records that the cached block was changed and must be written back; a seal (other than
    // None) replaces the block's earlier one.
    void mark_dirty(uint64_t block, BlockKind kind, Seal seal = {});
    // Drops a freed block: its contents need never be written.
    void forget(uint64_t block);
    // Drops the block if it is cached and clean (posix_fadvise DONTNEED).
    void drop_if_clean(uint64_t block);

    size_t dirty_count() const { return dirty_.size(); }
    size_t dirty_metadata_count() const { return dirty_metadata_count_; }
    size_t cached_count() const { return count_; }
    bool over_dirty_limit() const { return dirty_.size() > dirty_limit_; }

    // An operation begins: the blocks it gets are kept from reclaim() until the next one.
    void begin_operation() { ++epoch_; }

    // Writes dirty data blocks in place (no flush).
    Result<void> write_back_data();
    // Seals every dirty metadata block that has a seal, hands them all to write_batch at once,
    // then marks them clean.
    Result<void> write_back_metadata(FunctionRef<void(uint8_t* data, Seal seal)> seal,
                                     FunctionRef<Result<void>(std::span<const MetadataWrite>)> write_batch);
    // Evicts least recently used clean blocks while free memory is below the reserve.
    void trim();
    // ReclaimableMemory: evicts least recently used clean blocks the current operation has
    // not used.
    size_t reclaim(size_t pages) override;
    size_t reclaimable_pages() const override { return (count_ - dirty_.size()) * frames_per_block_; }
    // Drops every cached block (none may be dirty): the disk changed underneath, as when a
    // journal replay rewrote metadata.
    void discard_all();

private:
    struct Entry {
        uint64_t block;
        uint8_t* data;
        Entry* hash_next;
        Entry* lru_prev;
        Entry* lru_next;
        bool dirty;
        BlockKind kind;
        Seal seal;          // while dirty
        size_t dirty_slot;  // its place in dirty_ while dirty
        uint64_t epoch;     // the operation that last used it
        bool trusted;       // made or changed here, or its checksum checked (get_checked)
    };
    Entry* find(uint64_t block) const;
    // The block's entry, read from the disk if not cached (get()).
    Result<Entry*> cached_or_read(uint64_t block);
    Result<Entry*> insert(uint64_t block);
    void unlink(Entry* e);
    void mark_clean(Entry* e);
    void touch(Entry* e);
    void grow_table();
    uint8_t* take_buffer();  // null when memory ran out
    void give_back_buffer(uint8_t* buffer);
    void free_spare_entries();

    // Reads of up to 128 KiB: the virtio-blk bounce buffer's size.
    static constexpr uint64_t kRunBytes = 128 * 1024;

    BlockDevice& device_;
    uint32_t block_size_;
    uint32_t frames_per_block_;  // each buffer is frames of its own, freed as the block goes
    size_t dirty_limit_;
    uint64_t epoch_ = 0;
    std::vector<Entry*> buckets_;
    Entry lru_;  // sentinel: lru_.lru_next is the most recently used
    size_t count_ = 0;
    std::vector<Entry*> dirty_;  // every dirty entry, unordered: write-back never scans the cache
    size_t dirty_metadata_count_ = 0;
    // Evicted entries, linked through hash_next: reclaim() may not free heap memory, so they
    // wait here for reuse or for the next trim().
    Entry* spare_entries_ = nullptr;
    uint8_t* staging_ = nullptr;  // kRunBytes, for read_ahead(); null when it could not be had
};

}  // namespace ingot::ext2
