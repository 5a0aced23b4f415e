#include <fs/ext2/metadata_checksum.h>
#include <lib/crc32c.h>

#include <cstddef>
#include <cstring>

namespace ingot::ext2 {
namespace {

constexpr uint8_t kZero[4] = {};
constexpr size_t kSuperblockChecksummed = offsetof(Superblock, checksum);
constexpr size_t kGroupChecksumAt = offsetof(GroupDesc, checksum);
constexpr size_t kInodeChecksumLoAt = offsetof(DiskInode, checksum_lo);
constexpr size_t kInodeChecksumHiAt = offsetof(DiskInode, checksum_hi);
constexpr size_t kInodeExtraIsizeAt = offsetof(DiskInode, extra_isize);

// crc16 as gdt_csum uses it (e2fsprogs lib/ext2fs/crc16.c: reflected polynomial 0x8005).
// Bitwise: it covers one 32- or 64-byte descriptor at a time.
uint16_t crc16_update(uint16_t crc, const uint8_t* data, size_t len) {
    for (size_t i = 0; i < len; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0xA001) : crc >> 1;
    }
    return crc;
}

// A group or inode number as the checksums cover it: four bytes, little-endian.
struct Le32 {
    explicit Le32(uint32_t v)
        : bytes{static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16),
                static_cast<uint8_t>(v >> 24)} {}
    uint8_t bytes[4];
};

uint32_t crc32c_of_u32(uint32_t crc, uint32_t value) {
    Le32 le(value);
    return crc32c_update(crc, le.bytes, sizeof le.bytes);
}

uint16_t load_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
void store_le16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}

// i_checksum_hi exists when the inode is larger than 128 bytes and i_extra_isize covers it.
bool inode_has_checksum_hi(const uint8_t* raw, uint32_t inode_size) {
    return inode_size > kGoodOldInodeSize &&
           size_t{kGoodOldInodeSize} + load_le16(raw + kInodeExtraIsizeAt) >= kInodeChecksumHiAt + sizeof(uint16_t);
}

}  // namespace

MetadataChecksums::MetadataChecksums(const Superblock& sb) {
    if (sb.rev_level == 0) return;
    metadata_ = sb.feature_ro_compat & kRoCompatMetadataCsum;
    crc16_groups_ = !metadata_ && (sb.feature_ro_compat & kRoCompatGdtCsum);
    memcpy(uuid_, sb.uuid, sizeof uuid_);
    // metadata_csum_seed keeps the seed of the UUID the file system was made with, so that
    // the UUID can change without rewriting every checksum.
    seed_ = (sb.feature_incompat & kIncompatCsumSeed) ? sb.checksum_seed : crc32c_update(~0u, sb.uuid, sizeof sb.uuid);
}

uint32_t MetadataChecksums::superblock_checksum(const Superblock& sb) {
    return crc32c_update(~0u, &sb, kSuperblockChecksummed);
}

void MetadataChecksums::seal_superblock(Superblock& sb) {
    if (sb.rev_level && (sb.feature_ro_compat & kRoCompatMetadataCsum)) sb.checksum = superblock_checksum(sb);
}

uint16_t MetadataChecksums::group_checksum(uint32_t group, const uint8_t* desc, uint32_t desc_size) const {
    const size_t after = kGroupChecksumAt + sizeof(uint16_t);
    const size_t rest = desc_size > after ? desc_size - after : 0;
    if (metadata_) {
        uint32_t crc = crc32c_of_u32(seed_, group);
        crc = crc32c_update(crc, desc, kGroupChecksumAt);
        crc = crc32c_update(crc, kZero, sizeof(uint16_t));
        return static_cast<uint16_t>(crc32c_update(crc, desc + after, rest));
    }
    Le32 le_group(group);
    uint16_t crc = crc16_update(0xFFFF, uuid_, sizeof uuid_);
    crc = crc16_update(crc, le_group.bytes, sizeof le_group.bytes);
    crc = crc16_update(crc, desc, kGroupChecksumAt);
    return crc16_update(crc, desc + after, rest);
}

uint32_t MetadataChecksums::bitmap_checksum(const uint8_t* map, uint32_t bytes) const {
    return crc32c_update(seed_, map, bytes);
}

uint32_t MetadataChecksums::inode_seed(uint32_t ino, uint32_t generation) const {
    return crc32c_of_u32(crc32c_of_u32(seed_, ino), generation);
}

// Linux's ext4_inode_csum: the whole on-disk inode, both checksum fields read as zero.
uint32_t MetadataChecksums::inode_checksum(uint32_t ino, const uint8_t* raw, uint32_t inode_size, bool has_hi) const {
    uint32_t generation;
    memcpy(&generation, raw + offsetof(DiskInode, generation), sizeof generation);
    uint32_t crc = crc32c_update(inode_seed(ino, generation), raw, kInodeChecksumLoAt);
    crc = crc32c_update(crc, kZero, sizeof(uint16_t));
    size_t at = kInodeChecksumLoAt + sizeof(uint16_t);
    crc = crc32c_update(crc, raw + at, kGoodOldInodeSize - at);
    if (inode_size <= kGoodOldInodeSize) return crc;
    crc = crc32c_update(crc, raw + kGoodOldInodeSize, kInodeChecksumHiAt - kGoodOldInodeSize);
    at = kInodeChecksumHiAt;
    if (has_hi) {
        crc = crc32c_update(crc, kZero, sizeof(uint16_t));
        at += sizeof(uint16_t);
    }
    return crc32c_update(crc, raw + at, inode_size - at);
}

void MetadataChecksums::seal_inode(uint32_t ino, uint8_t* raw, uint32_t inode_size) const {
    if (!metadata_) return;
    bool has_hi = inode_has_checksum_hi(raw, inode_size);
    uint32_t crc = inode_checksum(ino, raw, inode_size, has_hi);
    store_le16(raw + kInodeChecksumLoAt, static_cast<uint16_t>(crc));
    if (has_hi) store_le16(raw + kInodeChecksumHiAt, static_cast<uint16_t>(crc >> 16));
}

bool MetadataChecksums::inode_ok(uint32_t ino, const uint8_t* raw, uint32_t inode_size) const {
    if (!metadata_) return true;
    bool has_hi = inode_has_checksum_hi(raw, inode_size);
    uint32_t crc = inode_checksum(ino, raw, inode_size, has_hi);
    uint32_t stored = load_le16(raw + kInodeChecksumLoAt);
    if (has_hi) return (stored | uint32_t{load_le16(raw + kInodeChecksumHiAt)} << 16) == crc;
    return stored == (crc & 0xFFFF);
}

namespace {

// Where an extent tree block's checksum lies (after eh_max entries), or 0 when eh_max leaves
// no room for it.
size_t extent_tail_at(const uint8_t* block, uint32_t block_size) {
    const auto* header = reinterpret_cast<const ExtentHeader*>(block);
    size_t tail = sizeof(ExtentHeader) + size_t{header->max} * sizeof(Extent);
    return tail + kExtentTailSize > block_size ? 0 : tail;
}

}  // namespace

void MetadataChecksums::seal_extent_block(uint32_t inode_seed, uint8_t* block, uint32_t block_size) {
    size_t tail = extent_tail_at(block, block_size);
    if (!tail) return;  // not a tree block this driver checked
    uint32_t crc = crc32c_update(inode_seed, block, tail);
    memcpy(block + tail, &crc, sizeof crc);
}

bool MetadataChecksums::extent_block_ok(uint32_t inode_seed, const uint8_t* block, uint32_t block_size) {
    size_t tail = extent_tail_at(block, block_size);
    if (!tail) return false;
    uint32_t stored;
    memcpy(&stored, block + tail, sizeof stored);
    return stored == crc32c_update(inode_seed, block, tail);
}

bool MetadataChecksums::has_directory_tail(const uint8_t* block, uint32_t block_size) {
    const auto* tail = reinterpret_cast<const DirEntryTail*>(block + block_size - sizeof(DirEntryTail));
    return tail->header.inode == 0 && tail->header.rec_len == sizeof(DirEntryTail) && tail->header.name_len == 0 &&
           tail->header.file_type == kDirTailFileType;
}

void MetadataChecksums::put_directory_tail(uint8_t* block, uint32_t block_size) {
    auto* tail = reinterpret_cast<DirEntryTail*>(block + block_size - sizeof(DirEntryTail));
    *tail = DirEntryTail{{0, sizeof(DirEntryTail), 0, kDirTailFileType}, 0};
}

bool MetadataChecksums::directory_block_ok(uint32_t inode_seed, const uint8_t* block, uint32_t block_size) {
    if (!has_directory_tail(block, block_size)) return true;
    const auto* tail = reinterpret_cast<const DirEntryTail*>(block + block_size - sizeof(DirEntryTail));
    return tail->checksum == crc32c_update(inode_seed, block, block_size - sizeof(DirEntryTail));
}

namespace {

// Whether the block's first entry is an empty one spanning the whole block: an inner index
// node's start (64 KiB blocks store rec_len 65536 as 65535).
bool first_entry_spans_block(const uint8_t* block, uint32_t block_size) {
    DirEntryHeader first;
    memcpy(&first, block, sizeof first);
    return first.rec_len == block_size || (block_size == 65536 && first.rec_len == 65535);
}

}  // namespace

bool MetadataChecksums::is_dx_block(const uint8_t* block, uint32_t block_size, uint64_t lblock) {
    return lblock == 0 || first_entry_spans_block(block, block_size);
}

bool MetadataChecksums::dx_block_ok(uint32_t inode_seed, const uint8_t* block, uint32_t block_size) {
    // Where the node's {limit, count} sit (get_dx_countlimit): after the empty entry of an
    // inner node, or after ".", ".." and the 8-byte dx_root_info of the root.
    DirEntryHeader first, second;
    memcpy(&first, block, sizeof first);
    uint32_t count_offset = 0;
    if (first_entry_spans_block(block, block_size)) {
        count_offset = 8;
    } else if (first.rec_len == 12) {
        memcpy(&second, block + 12, sizeof second);
        uint32_t info_length = block[12 + 12 + 5], reserved_zero;
        memcpy(&reserved_zero, block + 24, sizeof reserved_zero);
        if (second.rec_len != block_size - 12 || reserved_zero != 0 || info_length != 8) return false;
        count_offset = 32;
    } else {
        return false;
    }
    uint16_t limit, count;
    memcpy(&limit, block + count_offset, sizeof limit);
    memcpy(&count, block + count_offset + 2, sizeof count);
    constexpr uint32_t kDxEntry = 8, kDxTail = 8;  // {hash, block}; {reserved, checksum}
    uint64_t tail = count_offset + uint64_t{limit} * kDxEntry;
    if (count > limit || tail + kDxTail > block_size) return false;
    uint32_t crc = crc32c_update(inode_seed, block, count_offset + count * kDxEntry);
    crc = crc32c_update(crc, block + tail, 4);  // dt_reserved
    const uint32_t zero = 0;
    crc = crc32c_update(crc, &zero, sizeof zero);  // the checksum field, as zeros
    uint32_t stored;
    memcpy(&stored, block + tail + 4, sizeof stored);
    return stored == crc;
}

bool MetadataChecksums::seal_directory_block(uint32_t inode_seed, uint8_t* block, uint32_t block_size) {
    if (!has_directory_tail(block, block_size)) return false;
    auto* tail = reinterpret_cast<DirEntryTail*>(block + block_size - sizeof(DirEntryTail));
    tail->checksum = crc32c_update(inode_seed, block, block_size - sizeof(DirEntryTail));
    return true;
}

}  // namespace ingot::ext2
