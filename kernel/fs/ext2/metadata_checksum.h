// The checksums ext4 keeps in its own metadata (Documentation/filesystems/ext4/checksums.rst;
// Linux fs/ext4 and e2fsprogs lib/ext2fs/csum.c). With metadata_csum every one is a crc32c
// (raw update step, never inverted) seeded with the file system's seed: the superblock, each
// group descriptor and its two bitmaps, each inode, extent tree blocks and directory blocks.
// gdt_csum (uninit_bg), its predecessor, checksums only the group descriptors, with crc16.
//
// Structures that belong to one inode (inode, extent and directory blocks) start from that
// inode's seed: the file-system seed continued over its number and generation.
#pragma once

#include <fs/ext2/ext2_format.h>

#include <cstdint>

namespace ingot::ext2 {

class MetadataChecksums {
public:
    MetadataChecksums() = default;
    explicit MetadataChecksums(const Superblock& sb);

    // metadata_csum: every structure listed above carries a crc32c.
    bool enabled() const { return metadata_; }
    // gdt_csum or metadata_csum: group descriptors carry a checksum, and their uninit flags
    // (bg_flags, bg_itable_unused) mean what they say.
    bool groups_checksummed() const { return metadata_ || crc16_groups_; }

    // s_checksum of sb as it stands (valid only with metadata_csum).
    static uint32_t superblock_checksum(const Superblock& sb);
    // Stores s_checksum when sb has metadata_csum.
    static void seal_superblock(Superblock& sb);

    // bg_checksum of group's descriptor (desc_size bytes at desc).
    uint16_t group_checksum(uint32_t group, const uint8_t* desc, uint32_t desc_size) const;
    // A bitmap's checksum as the descriptor holds it (both halves; bytes: the bitmap's span).
    uint32_t bitmap_checksum(const uint8_t* map, uint32_t bytes) const;

    uint32_t inode_seed(uint32_t ino, uint32_t generation) const;
    // The inode at raw (inode_size bytes as stored in the table) with its checksum fields
    // set, or compared. An inode whose i_extra_isize does not reach i_checksum_hi keeps
    // only the low 16 bits.
    void seal_inode(uint32_t ino, uint8_t* raw, uint32_t inode_size) const;
    bool inode_ok(uint32_t ino, const uint8_t* raw, uint32_t inode_size) const;

    // Extent tree block (not the root in i_block): the crc32c after its eh_max entries.
    static void seal_extent_block(uint32_t inode_seed, uint8_t* block, uint32_t block_size);
    static bool extent_block_ok(uint32_t inode_seed, const uint8_t* block, uint32_t block_size);
    // Linear directory block: the checksum in its tail entry; false when it has no tail.
    static bool seal_directory_block(uint32_t inode_seed, uint8_t* block, uint32_t block_size);
    static bool has_directory_tail(const uint8_t* block, uint32_t block_size);
    // A directory block with a tail entry whose checksum matches, or one without a tail (a
    // hashed-tree node keeps its checksum elsewhere: dx_block_ok).
    static bool directory_block_ok(uint32_t inode_seed, const uint8_t* block, uint32_t block_size);
    // Whether block `lblock` of a hashed-tree (dir_index) directory is an index node, as
    // Linux's __ext4_read_dirblock tells: the root is block 0, and every other node starts
    // with an empty entry spanning the whole block.
    static bool is_dx_block(const uint8_t* block, uint32_t block_size, uint64_t lblock);
    // An index node whose dx_tail checksum matches (ext4_dx_csum_verify): false also when its
    // count and limit cannot be found or leave no room for the tail.
    static bool dx_block_ok(uint32_t inode_seed, const uint8_t* block, uint32_t block_size);
    // Writes an empty tail entry into the last 12 bytes of block.
    static void put_directory_tail(uint8_t* block, uint32_t block_size);

private:
    uint32_t inode_checksum(uint32_t ino, const uint8_t* raw, uint32_t inode_size, bool has_hi) const;

    bool metadata_ = false;
    bool crc16_groups_ = false;
    uint32_t seed_ = 0;
    uint8_t uuid_[16] = {};
};

}  // namespace ingot::ext2
