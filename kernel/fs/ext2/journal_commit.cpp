// Committing a transaction: the write order of Linux's jbd2_journal_commit_transaction with
// synchronous (non-async) commit, followed at once by the checkpoint that jbd2 does later.
#include "journal.h"

#include "journal_checksum.h"

#include <lib/clock.h>
#include <lib/log.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace ingot::ext2 {

using namespace jbd2;

Result<void> Journal::commit(std::span<const JournalBlock> blocks) {
    if (blocks.empty()) return {};
    if (needs_recovery()) {
        log_error("ext4 journal: commit refused, the journal needs recovery first");
        return Errno::EINVAL;
    }
    if (blocks.size() > max_transaction_blocks()) return Errno::E2BIG;
    for (const JournalBlock& block : blocks) {
        if (block.data == nullptr || !home_in_range(block.fs_block)) return Errno::EINVAL;
    }
    uint32_t sequence = next_sequence_;
    auto written = write_transaction(blocks, sequence);
    next_sequence_ = sequence + 1;
    if (!written.ok()) {
        // What reached the disk is unknown: recovery must sort it out before the next commit.
        start_ = first_;
        sequence_ = sequence;
        return written.error();
    }
    return {};
}

// Writes transaction sequence through to its checkpoint, in the order that keeps it atomic.
Result<void> Journal::write_transaction(std::span<const JournalBlock> blocks, uint32_t sequence) {
    // 1. Point the superblock at the log and write the log; one flush makes both durable.
    //    Until the commit block lands, recovery finds an uncommitted transaction and ignores it.
    TRY(write_superblock(first_, sequence));
    uint32_t crc32_sum = ~0u;
    TRY(write_log(blocks, sequence, &crc32_sum));
    TRY(device_.flush());
    // 2. The commit block makes the transaction durable (jbd2 uses a FUA write; a write then a
    //    flush gives the same guarantee).
    uint64_t log_blocks = blocks.size() + (blocks.size() + tags_per_descriptor() - 1) / tags_per_descriptor();
    TRY(write_commit_block(first_ + log_blocks, sequence, crc32_sum));
    TRY(device_.flush());
    // 3. Checkpoint: the blocks go home; only once they are durable may the log be emptied.
    TRY(write_home_blocks(device_, block_size_, blocks));
    TRY(device_.flush());
    // 4. Empty the log (jbd2_mark_journal_empty): s_sequence names the next transaction.
    TRY(write_superblock(0, sequence + 1));
    TRY(device_.flush());
    return {};
}

// Writes the descriptor blocks and block copies of a transaction from s_first on, adding each
// written block to the v1 transaction checksum. A descriptor and its blocks go to the device
// as one scattered write, which joins the log's consecutive blocks into large requests.
Result<void> Journal::write_log(std::span<const JournalBlock> blocks, uint32_t sequence, uint32_t* crc32_sum) {
    uint64_t log_block = first_;
    uint32_t per_descriptor = tags_per_descriptor();
    std::vector<SectorWrite> pieces;
    for (size_t begin = 0; begin < blocks.size(); begin += per_descriptor) {
        std::span<const JournalBlock> group = blocks.subspan(begin, std::min<size_t>(per_descriptor, blocks.size() - begin));
        fill_descriptor(group, sequence);
        pieces.clear();
        pieces.push_back(log_piece(log_block++, meta_));
        if (features_.crc32_commit()) *crc32_sum = crc32_be(*crc32_sum, meta_, block_size_);
        bool copy_in_use = false;
        for (const JournalBlock& block : group) {
            const uint8_t* stored = block.data;
            if (load_be32(block.data) == kMagic) {
                // A copy starting with the magic would look like a journal block to recovery:
                // store it with a zero first word and let the tag's ESCAPE flag restore it.
                if (copy_in_use) {  // the previous escaped copy must be written before reuse
                    TRY(device_.write_scattered(pieces));
                    pieces.clear();
                }
                std::memcpy(copy_, block.data, block_size_);
                store_be32(copy_, 0);
                stored = copy_;
                copy_in_use = true;
            }
            pieces.push_back(log_piece(log_block++, stored));
            if (features_.crc32_commit()) *crc32_sum = crc32_be(*crc32_sum, stored, block_size_);
        }
        TRY(device_.write_scattered(pieces));
    }
    return {};
}

// Builds in meta_ the descriptor block for group (at most tags_per_descriptor() blocks).
void Journal::fill_descriptor(std::span<const JournalBlock> group, uint32_t sequence) {
    std::memset(meta_, 0, block_size_);
    store_header(meta_, kDescriptorBlock, sequence);
    uint8_t* tag = meta_ + kHeaderSize;
    for (size_t i = 0; i < group.size(); ++i) {
        const JournalBlock& block = group[i];
        bool escaped = load_be32(block.data) == kMagic;
        uint32_t flags = (escaped ? kFlagEscape : 0) | (i > 0 ? kFlagSameUuid : 0) |
                         (i + 1 == group.size() ? kFlagLastTag : 0);
        uint32_t checksum = features_.csum_v2or3()
                                ? tag_checksum(csum_seed_, sequence, block.data, block_size_, escaped)
                                : 0;
        store_be32(tag, static_cast<uint32_t>(block.fs_block));
        if (features_.csum_v3()) {
            store_be32(tag + 4, flags);
            store_be32(tag + 8, static_cast<uint32_t>(block.fs_block >> 32));
            store_be32(tag + 12, checksum);
        } else {
            store_be16(tag + 4, static_cast<uint16_t>(checksum));
            store_be16(tag + 6, static_cast<uint16_t>(flags));
            if (features_.is_64bit()) store_be32(tag + 8, static_cast<uint32_t>(block.fs_block >> 32));
        }
        tag += features_.tag_bytes();
        if (i == 0) {
            std::memcpy(tag, fs_uuid_, kTagUuidSize);
            tag += kTagUuidSize;
        }
    }
    if (features_.csum_v2or3()) {
        size_t tail = block_size_ - kBlockTailSize;
        store_be32(meta_ + tail, crc32c_with_zeroed_field(csum_seed_, meta_, block_size_, tail));
    }
}

// Writes the commit block of transaction sequence at log_block (no flush).
Result<void> Journal::write_commit_block(uint64_t log_block, uint32_t sequence, uint32_t crc32_sum) {
    std::memset(meta_, 0, block_size_);
    store_header(meta_, kCommitBlock, sequence);
    if (features_.crc32_commit()) {
        meta_[kCommitChecksumType] = kChecksumTypeCrc32;
        meta_[kCommitChecksumSize] = kCrc32ChecksumSize;
        store_be32(meta_ + kCommitChecksum, crc32_sum);
    }
    // Recovery uses the commit time to tell a stale log from a corrupt one (recovery.c).
    uint64_t now = realtime_coarse_ns();
    store_be64(meta_ + kCommitSec, now / kNanosPerSecond);
    store_be32(meta_ + kCommitNsec, static_cast<uint32_t>(now % kNanosPerSecond));
    if (features_.csum_v2or3())
        store_be32(meta_ + kCommitChecksum, crc32c_with_zeroed_field(csum_seed_, meta_, block_size_, kCommitChecksum));
    return write_log_block(log_block, meta_);
}

}  // namespace ingot::ext2
