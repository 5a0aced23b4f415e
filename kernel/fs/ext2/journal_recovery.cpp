// Journal replay, after Linux's fs/jbd2/recovery.c: a scan pass finds the end of the log and
// checks the checksums, a revoke pass collects revoke records, a replay pass writes every
// unrevoked block of every committed transaction home. Hostile logs end in an error before
// anything is written: tags that point outside the disk, revoke blocks that overflow, a log
// that runs in a circle.
#include "journal.h"

#include "journal_checksum.h"
#include "journal_revoke_table.h"

#include <lib/log.h>

namespace ingot::ext2 {

using namespace jbd2;

struct Journal::RecoveryPass {
    enum Kind { Scan, Revoke, Replay } kind = Scan;
    uint32_t end_sequence = 0;  // the first transaction not replayed
    bool end_known = false;
    // Scan pass: a descriptor or revoke block failed its checksum, so the next commit block
    // decides between a stale log (older commit time) and a corrupt one.
    bool need_check_commit_time = false;
    uint64_t last_commit_time = 0;
    uint32_t crc32_sum = ~0u;
    bool bad_tag = false;
    uint32_t bad_tag_sequence = 0;
    uint64_t revoke_records = 0;
    // Revoke and replay passes.
    JournalRevokeTable* revokes = nullptr;
    bool block_error = false;
};

Result<uint32_t> Journal::recover() {
    if (!needs_recovery()) return 0u;
    if (device_.read_only()) return Errno::EROFS;
    RecoveryPass pass;
    TRY(walk_log(pass));
    if (pass.bad_tag && sequence_after(pass.end_sequence, pass.bad_tag_sequence)) {
        log_error("ext4 journal: transaction %u logs a block outside the disk", pass.bad_tag_sequence);
        return Errno::EINVAL;
    }
    JournalRevokeTable revokes;
    if (pass.revoke_records > 0) TRY(revokes.reserve(pass.revoke_records));
    pass.revokes = &revokes;
    pass.kind = RecoveryPass::Revoke;
    TRY(walk_log(pass));
    pass.kind = RecoveryPass::Replay;
    TRY(walk_log(pass));
    TRY(device_.flush());
    if (pass.block_error) return Errno::EIO;  // as jbd2: the journal stays for e2fsck
    uint32_t replayed = pass.end_sequence - sequence_;
    // Restart one past the end, so a commit block of the transaction that was cut short can
    // never be taken for the next one's (jbd2_journal_recover's ++end_transaction).
    uint32_t next = pass.end_sequence + 1;
    TRY(write_superblock(0, next));
    TRY(device_.flush());
    next_sequence_ = next;
    return replayed;
}

// One pass over the log from s_start (recovery.c's do_one_pass).
Result<void> Journal::walk_log(RecoveryPass& pass) {
    uint32_t sequence = sequence_;
    uint64_t log_block = start_;
    const uint64_t log_length = maxlen_ - first_;
    uint64_t consumed = 0;
    while (pass.kind == RecoveryPass::Scan || sequence_after(pass.end_sequence, sequence)) {
        TRY(read_log_block(log_block, meta_));
        if (load_be32(meta_ + kHeaderMagic) != kMagic || load_be32(meta_ + kHeaderSequence) != sequence) break;
        // A real log is never longer than the journal; a hostile one could chain blocks of one
        // transaction around the journal forever.
        if (consumed >= log_length) {
            log_error("ext4 journal: the log runs in a circle");
            return Errno::EINVAL;
        }
        ++consumed;
        log_block = advance(log_block, 1);
        uint32_t blocktype = load_be32(meta_ + kHeaderBlocktype);
        if (blocktype == kDescriptorBlock) {
            uint32_t tags = pass.kind == RecoveryPass::Replay ? TRY(replay_descriptor(pass, sequence, log_block))
                                                              : TRY(scan_descriptor(pass, sequence, log_block));
            if (consumed + tags > log_length) {
                log_error("ext4 journal: a descriptor block's tags run past the end of the log");
                return Errno::EINVAL;
            }
            consumed += tags;
            log_block = advance(log_block, tags);
        } else if (blocktype == kCommitBlock) {
            if (pass.kind == RecoveryPass::Scan && !TRY(scan_commit(pass, sequence))) break;
            ++sequence;
        } else if (blocktype == kRevokeBlock) {
            TRY(read_revoke_block(pass, sequence));
        } else {
            break;
        }
    }
    if (pass.kind == RecoveryPass::Scan) {
        if (!pass.end_known) pass.end_sequence = sequence;
        pass.end_known = true;
    } else if (sequence != pass.end_sequence) {
        // Only a device that changed under us between passes gets here.
        log_error("ext4 journal: recovery pass ended at transaction %u, expected %u", sequence, pass.end_sequence);
        return Errno::EIO;
    }
    return {};
}

uint64_t Journal::advance(uint64_t log_block, uint64_t count) const {
    uint64_t log_length = maxlen_ - first_;
    return first_ + (log_block - first_ + count % log_length) % log_length;
}

uint64_t Journal::tag_block(const uint8_t* tag) const {
    uint64_t block = load_be32(tag);
    if (features_.is_64bit()) block |= uint64_t{load_be32(tag + 8)} << 32;
    return block;
}

// Calls visit for each tag of the descriptor block in meta_ (count_tags' walk: tags up to
// LAST_TAG or the end of the block, a UUID after each tag without SAME_UUID); returns how many.
Result<uint32_t> Journal::for_each_tag(const uint8_t* descriptor,
                                       FunctionRef<Result<void>(const uint8_t* tag)> visit) {
    size_t tag_bytes = features_.tag_bytes();
    size_t limit = block_size_ - features_.tail_bytes();
    uint32_t count = 0;
    for (size_t offset = kHeaderSize; offset + tag_bytes <= limit;) {
        const uint8_t* tag = descriptor + offset;
        // t_flags is the low half of tag3's 32-bit flags, at the same offset in both layouts.
        uint16_t flags = load_be16(tag + 6);
        TRY(visit(tag));
        ++count;
        offset += tag_bytes + ((flags & kFlagSameUuid) ? 0 : kTagUuidSize);
        if (flags & kFlagLastTag) break;
    }
    return count;
}

// Scan and revoke passes: checks a descriptor block in meta_ whose copies start at log_block,
// and returns its tag count.
Result<uint32_t> Journal::scan_descriptor(RecoveryPass& pass, uint32_t sequence, uint64_t log_block) {
    if (pass.kind != RecoveryPass::Scan) return for_each_tag(meta_, [](const uint8_t*) -> Result<void> { return {}; });
    if (features_.csum_v2or3()) {
        size_t tail = block_size_ - kBlockTailSize;
        // A stale block from an older use of the journal may fail; the commit block decides.
        if (crc32c_with_zeroed_field(csum_seed_, meta_, block_size_, tail) != load_be32(meta_ + tail))
            pass.need_check_commit_time = true;
    }
    uint32_t tags = TRY(for_each_tag(meta_, [&](const uint8_t* tag) -> Result<void> {
        if (!pass.bad_tag && !home_in_range(tag_block(tag))) {
            pass.bad_tag = true;
            pass.bad_tag_sequence = sequence;
        }
        return {};
    }));
    if (features_.crc32_commit() && !pass.need_check_commit_time && !pass.end_known) {
        pass.crc32_sum = crc32_be(pass.crc32_sum, meta_, block_size_);
        for (uint32_t i = 0; i < tags && i < maxlen_ - first_; ++i) {
            TRY(read_log_block(advance(log_block, i), copy_));
            pass.crc32_sum = crc32_be(pass.crc32_sum, copy_, block_size_);
        }
    }
    return tags;
}

// Replay pass: writes home every unrevoked copy the descriptor block in meta_ lists.
Result<uint32_t> Journal::replay_descriptor(RecoveryPass& pass, uint32_t sequence, uint64_t log_block) {
    uint32_t index = 0;
    return for_each_tag(meta_, [&](const uint8_t* tag) -> Result<void> {
        uint64_t home = tag_block(tag);
        uint16_t flags = load_be16(tag + 6);
        TRY(read_log_block(advance(log_block, index++), copy_));
        if (pass.revokes->revoked(home, sequence)) return {};
        if (features_.csum_v2or3()) {
            uint32_t expected = tag_checksum(csum_seed_, sequence, copy_, block_size_, false);
            bool valid = features_.csum_v3() ? load_be32(tag + 12) == expected
                                             : load_be16(tag + 4) == static_cast<uint16_t>(expected);
            if (!valid) {
                // jbd2 skips the block, replays the rest and fails the recovery.
                log_error("ext4 journal: bad checksum on the logged copy of block %llu", static_cast<unsigned long long>(home));
                pass.block_error = true;
                return {};
            }
        }
        if (!home_in_range(home)) return Errno::EINVAL;  // the scan pass refused these already
        if (flags & kFlagEscape) store_be32(copy_, kMagic);
        return write_fs_block(home, copy_);
    });
}

// Scan pass: checks the commit block in meta_ of transaction sequence. False ends the scan.
Result<bool> Journal::scan_commit(RecoveryPass& pass, uint32_t sequence) {
    uint64_t commit_time = load_be64(meta_ + kCommitSec);
    if (pass.need_check_commit_time) {
        // A bad descriptor or revoke block followed by a newer commit is corruption; after an
        // older one it is a stale log from before the journal was last reset: the log ends.
        if (commit_time >= pass.last_commit_time) {
            log_error("ext4 journal: invalid checksum found in transaction %u", sequence);
            return Errno::EIO;
        }
        return false;
    }
    bool checksum_ok = true;
    if (features_.crc32_commit()) {
        if (pass.end_known) return false;
        uint32_t found = load_be32(meta_ + kCommitChecksum);
        uint8_t type = meta_[kCommitChecksumType], size = meta_[kCommitChecksumSize];
        checksum_ok = (found == pass.crc32_sum && type == kChecksumTypeCrc32 && size == kCrc32ChecksumSize) ||
                      (type == 0 && size == 0 && found == 0);
        pass.crc32_sum = ~0u;
    } else if (features_.csum_v2or3()) {
        checksum_ok = crc32c_with_zeroed_field(csum_seed_, meta_, block_size_, kCommitChecksum) ==
                      load_be32(meta_ + kCommitChecksum);
    }
    if (!checksum_ok) {
        if (commit_time < pass.last_commit_time) return false;
        // The transaction was cut short or is corrupt: replay stops before it. With async
        // commit later commit blocks are still walked, as jbd2 does, but never replayed.
        log_error("ext4 journal: commit block of transaction %u fails its checksum; replay ends there", sequence);
        if (!pass.end_known) pass.end_sequence = sequence;
        pass.end_known = true;
        if (!features_.async_commit()) return false;
    }
    pass.last_commit_time = commit_time;
    return true;
}

// Scan pass: checks and counts the records of the revoke block in meta_; revoke pass: records
// them (scan_revoke_records).
Result<void> Journal::read_revoke_block(RecoveryPass& pass, uint32_t sequence) {
    size_t limit = block_size_ - features_.tail_bytes();
    uint32_t used = load_be32(meta_ + kRevokeCount);
    size_t record = features_.revoke_record_bytes();
    if (pass.kind == RecoveryPass::Scan) {
        if (features_.csum_v2or3() &&
            crc32c_with_zeroed_field(csum_seed_, meta_, block_size_, limit) != load_be32(meta_ + limit))
            pass.need_check_commit_time = true;
        size_t end = used < limit ? used : limit;
        if (end > kRevokeHeaderSize) pass.revoke_records += (end - kRevokeHeaderSize) / record;
        return {};
    }
    if (pass.kind != RecoveryPass::Revoke) return {};
    if (used > limit) {
        log_error("ext4 journal: revoke block of transaction %u overflows its block", sequence);
        return Errno::EINVAL;
    }
    for (size_t offset = kRevokeHeaderSize; offset + record <= used; offset += record) {
        uint64_t block = record == 8 ? load_be64(meta_ + offset) : load_be32(meta_ + offset);
        TRY(pass.revokes->add(block, sequence));
    }
    return {};
}

}  // namespace ingot::ext2
