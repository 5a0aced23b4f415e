#include "journal.h"

#include "journal_checksum.h"

#include <lib/align.h>
#include <lib/log.h>

#include <cstring>
#include <new>

namespace ingot::ext2 {

using namespace jbd2;

namespace {

// Logs why a journal superblock is refused and gives EINVAL.
Errno refuse(const char* why) {
    log_error("ext4 journal: %s", why);
    return Errno::EINVAL;
}

}  // namespace

Journal::Journal(BlockDevice& device, uint32_t block_size, const uint8_t fs_uuid[16])
    : device_(device), block_size_(block_size) {
    std::memcpy(fs_uuid_, fs_uuid, sizeof fs_uuid_);
}

Journal::~Journal() {
    ::operator delete(superblock_);
    ::operator delete(meta_);
    ::operator delete(copy_);
}

Result<Journal*> Journal::open(BlockDevice& device, uint32_t block_size, uint64_t journal_blocks,
                               const uint8_t fs_uuid[16], FunctionRef<Result<uint64_t>(uint64_t)> map_block) {
    if (!is_power_of_two(block_size) || block_size < 1024 || block_size > 65536)
        return refuse("file-system block size is not a power of two from 1 KiB to 64 KiB");
    auto* journal = new (std::nothrow) Journal(device, block_size, fs_uuid);
    if (journal == nullptr) return Errno::ENOMEM;
    auto opened = [&]() -> Result<void> {
        TRY(journal->allocate_buffers());
        if (journal_blocks < 2) return refuse("journal inode holds fewer than two blocks");
        uint64_t superblock_home = TRY(map_block(0));
        if (superblock_home == 0 || superblock_home >= journal->device_blocks())
            return refuse("journal superblock maps outside the disk");
        TRY(journal->read_fs_block(superblock_home, journal->superblock_));
        TRY(journal->load_superblock(journal_blocks));
        return journal->map_.build(journal->maxlen_, journal->device_blocks(), map_block);
    }();
    if (!opened.ok()) {
        delete journal;
        return opened.error();
    }
    return journal;
}

// Three block buffers for the journal's life: commits and recovery allocate nothing more (the
// kernel offers only the non-array nothrow operator new).
Result<void> Journal::allocate_buffers() {
    superblock_ = static_cast<uint8_t*>(::operator new(block_size_, std::nothrow));
    meta_ = static_cast<uint8_t*>(::operator new(block_size_, std::nothrow));
    copy_ = static_cast<uint8_t*>(::operator new(block_size_, std::nothrow));
    if (superblock_ == nullptr || meta_ == nullptr || copy_ == nullptr) return Errno::ENOMEM;
    return {};
}

// Validates the superblock in superblock_ against the journal inode's size (jbd2's
// journal_get_superblock and load_superblock) and takes its geometry and features.
Result<void> Journal::load_superblock(uint64_t journal_blocks) {
    const uint8_t* sb = superblock_;
    if (load_be32(sb + kHeaderMagic) != kMagic) return refuse("bad journal superblock magic");
    uint32_t blocktype = load_be32(sb + kHeaderBlocktype);
    if (blocktype != kSuperblockV1 && blocktype != kSuperblockV2)
        return refuse("journal superblock has an unknown block type");
    if (load_be32(sb + kSbBlocksize) != block_size_)
        return refuse("journal block size differs from the file system's");
    maxlen_ = load_be32(sb + kSbMaxlen);
    first_ = load_be32(sb + kSbFirst);
    start_ = load_be32(sb + kSbStart);
    sequence_ = load_be32(sb + kSbSequence);
    if (maxlen_ > journal_blocks) return refuse("journal superblock's s_maxlen exceeds the journal inode");
    if (maxlen_ < 2) return refuse("journal superblock's s_maxlen leaves no room for a log");
    if (first_ == 0 || first_ >= maxlen_) return refuse("journal superblock's s_first lies outside the journal");
    if (start_ != 0 && (start_ < first_ || start_ >= maxlen_))
        return refuse("journal superblock's s_start lies outside the log");
    if (blocktype == kSuperblockV2) {
        features_.compat = load_be32(sb + kSbFeatureCompat);
        features_.incompat = load_be32(sb + kSbFeatureIncompat);
        TRY(check_features());
    }
    // Linux starts after s_sequence even on a clean journal, so no stale commit block with the
    // next number can ever look valid.
    next_sequence_ = sequence_ + 1;
    return {};
}

// Refuses features this journal cannot honour and checks the v2/v3 superblock checksum.
Result<void> Journal::check_features() {
    const uint8_t* sb = superblock_;
    if (features_.incompat & kIncompatFastCommit) return refuse("journal uses fast commits, which are not supported");
    if (features_.incompat & ~kKnownIncompat) return refuse("journal has unknown incompatible features");
    if (load_be32(sb + kSbFeatureRoCompat) != 0) return refuse("journal has unknown read-only features");
    if ((features_.incompat & kIncompatCsumV2) && (features_.incompat & kIncompatCsumV3))
        return refuse("journal claims both checksum v2 and v3");
    if (!features_.csum_v2or3()) return {};
    if (features_.compat & kCompatChecksum) return refuse("journal claims both checksum v1 and v2/v3");
    if (sb[kSbChecksumType] != kChecksumTypeCrc32c) return refuse("journal superblock has an unknown checksum type");
    if (crc32c_with_zeroed_field(~0u, sb, kSuperblockSize, kSbChecksum) != load_be32(sb + kSbChecksum))
        return refuse("journal superblock checksum does not match");
    csum_seed_ = checksum_seed(sb + kSbUuid);
    return {};
}

Result<void> Journal::enable_features(uint32_t incompat) {
    if (incompat & ~(kIncompat64Bit | kIncompatCsumV3)) return Errno::EINVAL;
    if (load_be32(superblock_ + kHeaderBlocktype) != kSuperblockV2 || needs_recovery()) return Errno::EINVAL;
    if ((features_.incompat & incompat) == incompat) return {};
    features_.incompat |= incompat;
    if (incompat & kIncompatCsumV3) {
        // jbd2_journal_set_features: the checksum versions exclude one another.
        features_.incompat &= ~kIncompatCsumV2;
        features_.compat &= ~kCompatChecksum;
        superblock_[kSbChecksumType] = kChecksumTypeCrc32c;
        csum_seed_ = checksum_seed(superblock_ + kSbUuid);
    }
    store_be32(superblock_ + kSbFeatureCompat, features_.compat);
    store_be32(superblock_ + kSbFeatureIncompat, features_.incompat);
    TRY(write_superblock(start_, sequence_));
    return device_.flush();
}

bool Journal::needs_recovery() const { return start_ != 0; }

uint64_t Journal::device_blocks() const {
    return device_.sector_count() / (block_size_ / BlockDevice::kSectorSize);
}

bool Journal::home_in_range(uint64_t fs_block) const {
    if (!features_.is_64bit() && fs_block > UINT32_MAX) return false;
    return fs_block < device_blocks();
}

Result<void> Journal::read_fs_block(uint64_t fs_block, uint8_t* buffer) {
    return device_.read(fs_block * (block_size_ / BlockDevice::kSectorSize), std::span(buffer, block_size_));
}

Result<void> Journal::write_fs_block(uint64_t fs_block, const uint8_t* data) {
    return device_.write(fs_block * (block_size_ / BlockDevice::kSectorSize), std::span(data, block_size_));
}

// Log blocks are checked against s_maxlen by every caller; the map covers exactly that range.
Result<void> Journal::read_log_block(uint64_t log_block, uint8_t* buffer) {
    return read_fs_block(map_.lookup(log_block), buffer);
}

Result<void> Journal::write_log_block(uint64_t log_block, const uint8_t* data) {
    return write_fs_block(map_.lookup(log_block), data);
}

SectorWrite Journal::log_piece(uint64_t log_block, const uint8_t* data) const {
    return SectorWrite{map_.lookup(log_block) * (block_size_ / BlockDevice::kSectorSize), {data, block_size_}};
}

Result<void> Journal::write_superblock(uint32_t start, uint32_t sequence) {
    store_be32(superblock_ + kSbStart, start);
    store_be32(superblock_ + kSbSequence, sequence);
    if (features_.csum_v2or3())
        store_be32(superblock_ + kSbChecksum, crc32c_with_zeroed_field(~0u, superblock_, kSuperblockSize, kSbChecksum));
    start_ = start;
    sequence_ = sequence;
    return write_log_block(0, superblock_);
}

// Tags one descriptor block holds: the first carries the 16-byte UUID after it, the rest set
// SAME_UUID; CSUM_V2/V3 reserve the block tail.
uint32_t Journal::tags_per_descriptor() const {
    size_t space = block_size_ - kHeaderSize - features_.tail_bytes();
    size_t tag = features_.tag_bytes();
    return static_cast<uint32_t>(1 + (space - tag - kTagUuidSize) / tag);
}

// Every commit starts at s_first and needs its descriptors, its copies and a commit block in
// the log: the largest n with n + ceil(n / tags) + 1 <= maxlen - first.
uint64_t Journal::max_transaction_blocks() const {
    uint64_t room = maxlen_ - first_;
    if (room < 3) return 0;
    uint64_t available = room - 1;
    uint64_t per_group = uint64_t{tags_per_descriptor()} + 1;
    return available - (available + per_group - 1) / per_group;
}

}  // namespace ingot::ext2
