// The ext4 journal's place in a mounted file system: opening the internal journal (the inode
// named by s_journal_inum), replaying it at mount when a crash left it full (s_feature_incompat
// RECOVER), and committing each consistent point's metadata as one transaction.
// Documentation/filesystems/ext4/journal.rst; Linux fs/ext4/super.c (ext4_load_journal).
#include <fs/ext2/ext2_file_system.h>
#include <fs/ext2/ext2_node.h>
#include <fs/ext2/journal.h>
#include <lib/log.h>

#include <new>

namespace ingot::ext2 {
namespace {

// A journal that cannot hold this many blocks per transaction would force a write-back after
// nearly every operation; mke2fs never makes one (its minimum is 1024 blocks).
constexpr uint64_t kMinTransactionBlocks = 64;

}  // namespace

Result<void> Ext2FileSystem::open_journal() {
    uint32_t ino = sb_.journal_inum;
    DiskInode disk;
    TRY(read_disk_inode(ino, disk));
    if ((disk.mode & kModeTypeMask) != kModeRegular) {
        log_error("ext2: not mounting: the journal inode %u is not a regular file", ino);
        return Errno::EINVAL;
    }
    Ext2Node node(*this, ino, disk);
    Result<Journal*> opened = Journal::open(device_, geo_.block_size, node.size() / geo_.block_size, sb_.uuid,
                                            [&node](uint64_t lblock) -> Result<uint64_t> {
                                                BlockMapping mapping = TRY(node.map(lblock, false));
                                                if (mapping.block == 0) return Errno::EINVAL;  // a hole
                                                return mapping.block;
                                            });
    if (!opened.ok()) {
        log_error("ext2: not mounting: the journal in inode %u cannot be used", ino);
        return opened.error() == Errno::ENOMEM ? Errno::ENOMEM : Errno::EINVAL;
    }
    journal_ = opened.value();
    if (read_only()) return {};  // opened for replay only
    if (journal_->needs_recovery()) {
        // e2fsck or Linux would replay it, but the superblock says nothing needs replaying:
        // trust neither and leave the disk alone.
        log_error("ext2: not mounting: the journal holds transactions, but the file system is not marked as needing recovery");
        return Errno::EINVAL;
    }
    if (journal_->max_transaction_blocks() < kMinTransactionBlocks) {
        log_error("ext2: not mounting: the journal is too small to use");
        return Errno::EINVAL;
    }
    // Linux's ext4 turns on at mount 64-bit block tags in the journal of a 64bit file system,
    // and v3 checksums (tags, descriptor tails, commit blocks) with metadata_csum
    // (ext4_set_journal_csum_feature_set).
    uint32_t features = 0;
    if (incompat() & kIncompat64Bit) features |= jbd2::kIncompat64Bit;
    if (csums_.enabled()) features |= jbd2::kIncompatCsumV3;
    if (features == 0) return {};
    Result<void> enabled = journal_->enable_features(features);
    if (enabled.ok()) return {};
    if (enabled.error() != Errno::EINVAL) {
        log_error("ext2: not mounting: the journal superblock cannot be written");
        return Errno::EIO;
    }
    // A version 1 journal superblock has no feature fields to turn them on in.
    log_info("ext2: the journal cannot carry 64-bit tags or checksums this file system needs: mounting read-only");
    delete journal_;
    journal_ = nullptr;
    make_read_only();
    return {};
}

Result<void> Ext2FileSystem::replay_journal(BlockDevice& device, const Superblock& sb, const Geometry& geo) {
    // A read-only instance finds the journal's blocks; its cache is thrown away with it, since
    // the replay rewrites blocks underneath.
    RefPtr<Ext2FileSystem> reader(new (std::nothrow_t{}) Ext2FileSystem(device, sb, geo, true));
    if (!reader) return Errno::ENOMEM;
    TRY(reader->load_group_descriptors());
    TRY(reader->open_journal());
    Result<uint32_t> replayed = reader->journal_->recover();
    if (!replayed.ok()) {
        log_error("ext2: not mounting: journal recovery failed (errno %d)", static_cast<int>(replayed.error()));
        return replayed.error() == Errno::EINVAL ? Errno::EINVAL : Errno::EIO;
    }
    log_info("ext2: journal recovery: %u transactions replayed", replayed.value());
    // The replay may have written the superblock itself: read it back and clear only the flag.
    Superblock now;
    TRY(read_superblock(device, now));
    now.feature_incompat &= ~kIncompatRecover;
    TRY(write_superblock_in_place(device, now));
    if (!device.flush().ok()) return Errno::EIO;
    return {};
}

Result<void> Ext2FileSystem::write_metadata_atomically(std::span<const MetadataWrite> blocks) {
    if (!journal_) {
        // No journal: in place, then a flush; a crash in between leaves work for e2fsck.
        if (!write_home_blocks(device_, geo_.block_size, blocks).ok()) return Errno::EIO;
        if (!device_.flush().ok()) return Errno::EIO;
        return {};
    }
    const uint64_t most = journal_->max_transaction_blocks();
    if (blocks.size() > most)
        log_error("ext2: %zu changed metadata blocks exceed one journal transaction (%llu): committing them in parts",
                  blocks.size(), static_cast<unsigned long long>(most));
    while (!blocks.empty()) {
        size_t count = blocks.size() < most ? blocks.size() : static_cast<size_t>(most);
        Result<void> committed = journal_->commit(blocks.first(count));
        if (!committed.ok()) {
            log_error("ext2: journal commit failed (errno %d)", static_cast<int>(committed.error()));
            return Errno::EIO;
        }
        blocks = blocks.subspan(count);
    }
    return {};
}

}  // namespace ingot::ext2
