// The ext3/ext4 journal (jbd2, Linux's fs/jbd2): replays what a crash left in it at mount, and
// makes each consistent point of the file system atomic by logging the changed blocks before
// writing them home. Every commit is checkpointed at once, so the log is empty between
// commits and each transaction starts at the journal's first log block.
//
// Format: Linux include/linux/jbd2.h and fs/jbd2/{recovery,commit}.c, e2fsprogs
// lib/ext2fs/kernel-jbd.h; see journal_format.h.
#pragma once

#include "journal_format.h"
#include "journal_map.h"
#include "metadata_write.h"

#include <block/block_device.h>
#include <lib/function_ref.h>
#include <lib/result.h>

#include <cstdint>
#include <span>

namespace ingot::ext2 {

// A block to log: its home location in file-system blocks and block_size bytes.
using JournalBlock = MetadataWrite;

class Journal {
public:
    // Reads and validates the journal superblock (v1 or v2) at journal block 0. map_block maps
    // a journal block to the file-system block that holds it (the journal inode's block map); it
    // is called here for every journal block and not kept. Errors (the reason is logged):
    // EINVAL for a bad magic or block type, a block size other than block_size, s_maxlen past
    // journal_blocks, s_first or s_start outside the log, unknown incompatible or read-only
    // features, a bad superblock checksum, a map outside the device; EIO from the device;
    // ENOMEM. fs_uuid is written after the first tag of each descriptor block, as jbd2 does.
    static Result<Journal*> open(BlockDevice& device, uint32_t block_size, uint64_t journal_blocks,
                                 const uint8_t fs_uuid[16], FunctionRef<Result<uint64_t>(uint64_t)> map_block);

    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;
    ~Journal();

    // True when the log holds transactions a crash left behind (s_start != 0): recover() must
    // run before the file system is read or written.
    bool needs_recovery() const;

    // Replays every committed transaction as jbd2 does (scan, revoke and replay passes),
    // honouring revoke records, escaped blocks, 32/64-bit tags and CSUM_V2/V3 or v1 checksums.
    // A transaction whose commit checksum fails ends the replay. Then flushes the device and
    // empties the journal (s_start = 0). Returns the number of transactions replayed (0 when
    // none was needed). EROFS on a read-only device; EINVAL for a log that points outside the
    // disk, runs in a circle or holds bad revoke blocks, before anything is written; EIO when a
    // logged block's checksum fails (the rest is replayed, the journal stays non-empty), or
    // from the device.
    Result<uint32_t> recover();

    // Writes blocks atomically to their homes: descriptors and copies (escaped where they start
    // with the jbd2 magic) into the log, flush, commit block, flush, home writes, flush, then
    // the journal superblock with s_start = 0, flush. After a crash at any point, recover()
    // leaves every block all-old or all-new. E2BIG when blocks.size() exceeds
    // max_transaction_blocks(); EINVAL for a home past the device (or past 2^32 without
    // INCOMPAT_64BIT) or while needs_recovery(); the device's errors (after which
    // needs_recovery() is true until recover() runs). An empty span writes nothing.
    Result<void> commit(std::span<const JournalBlock> blocks);

    // Turns on incompatible features (only kIncompat64Bit and kIncompatCsumV3) in the journal
    // superblock, as Linux's ext4 does at mount (64BIT on a 64bit file system, CSUM_V3 with
    // metadata_csum); CSUM_V3 replaces CSUM_V2 and COMPAT_CHECKSUM. Writes and flushes the
    // superblock. EINVAL for other features, a v1 superblock or while needs_recovery().
    Result<void> enable_features(uint32_t incompat);

    // The most blocks one commit() can carry.
    uint64_t max_transaction_blocks() const;

    // The sequence number the next commit will use (s_sequence after recovery, plus one).
    uint32_t next_sequence() const { return next_sequence_; }

private:
    Journal(BlockDevice& device, uint32_t block_size, const uint8_t fs_uuid[16]);
    Result<void> load_superblock(uint64_t journal_blocks);
    Result<void> check_features();
    Result<void> allocate_buffers();

    Result<void> read_log_block(uint64_t log_block, uint8_t* buffer);
    Result<void> write_log_block(uint64_t log_block, const uint8_t* data);
    // Log block log_block as one piece of a scattered write.
    SectorWrite log_piece(uint64_t log_block, const uint8_t* data) const;
    Result<void> read_fs_block(uint64_t fs_block, uint8_t* buffer);
    Result<void> write_fs_block(uint64_t fs_block, const uint8_t* data);
    // Stores s_start and s_sequence (and the checksum) and writes the superblock; no flush.
    Result<void> write_superblock(uint32_t start, uint32_t sequence);

    uint32_t tags_per_descriptor() const;
    uint64_t device_blocks() const;
    bool home_in_range(uint64_t fs_block) const;

    // Committing (journal_commit.cpp).
    Result<void> write_transaction(std::span<const JournalBlock> blocks, uint32_t sequence);
    Result<void> write_log(std::span<const JournalBlock> blocks, uint32_t sequence, uint32_t* crc32_sum);
    void fill_descriptor(std::span<const JournalBlock> group, uint32_t sequence);
    Result<void> write_commit_block(uint64_t log_block, uint32_t sequence, uint32_t crc32_sum);

    // Recovery (journal_recovery.cpp).
    struct RecoveryPass;
    Result<void> walk_log(RecoveryPass& pass);
    Result<uint32_t> for_each_tag(const uint8_t* descriptor, FunctionRef<Result<void>(const uint8_t* tag)> visit);
    uint64_t tag_block(const uint8_t* tag) const;
    Result<uint32_t> scan_descriptor(RecoveryPass& pass, uint32_t sequence, uint64_t log_block);
    Result<uint32_t> replay_descriptor(RecoveryPass& pass, uint32_t sequence, uint64_t log_block);
    Result<bool> scan_commit(RecoveryPass& pass, uint32_t sequence);
    Result<void> read_revoke_block(RecoveryPass& pass, uint32_t sequence);
    uint64_t advance(uint64_t log_block, uint64_t count) const;

    BlockDevice& device_;
    const uint32_t block_size_;
    uint8_t fs_uuid_[16];
    JournalMap map_;
    jbd2::Features features_;
    uint32_t csum_seed_ = 0;
    uint32_t maxlen_ = 0;
    uint32_t first_ = 0;
    uint32_t start_ = 0;
    uint32_t sequence_ = 0;  // s_sequence as read or last written
    uint32_t next_sequence_ = 0;
    uint8_t* superblock_ = nullptr;  // journal block 0, block_size_ bytes
    uint8_t* meta_ = nullptr;        // descriptor, commit and revoke blocks
    uint8_t* copy_ = nullptr;        // escaped copies and replayed blocks
};

}  // namespace ingot::ext2
