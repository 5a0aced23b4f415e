// Mount-time validation of an ext2/ext4 superblock and group descriptors. The image is
// treated as hostile: every count and location the rest of the driver relies on is checked
// here once, so later code may index groups, inode tables and bitmaps without re-checking.
#pragma once

#include <fs/ext2/ext2_format.h>
#include <lib/result.h>

#include <cstdint>

namespace ingot::ext2 {

// The layout facts the driver uses, derived from a validated superblock.
struct Geometry {
    uint32_t block_size = 0;
    uint64_t blocks_count = 0;
    uint32_t first_data_block = 0;
    uint32_t blocks_per_group = 0;
    uint32_t inodes_per_group = 0;
    uint32_t inodes_count = 0;
    uint32_t group_count = 0;
    uint32_t inode_size = 0;
    uint32_t desc_size = 0;  // bytes per group descriptor
    uint32_t first_ino = 0;  // first inode number ordinary files may use
    uint64_t gdt_block = 0;  // first block of the primary group descriptor table
    uint32_t gdt_blocks = 0;
    uint32_t inode_table_blocks = 0;  // per group
    // False when a read-only-compatible feature this driver cannot maintain is present (the
    // reason was logged); the file system is then mounted read-only.
    bool writable = true;

    uint32_t group_of_block(uint64_t block) const {
        return static_cast<uint32_t>((block - first_data_block) / blocks_per_group);
    }
    uint64_t group_first_block(uint32_t group) const {
        return first_data_block + static_cast<uint64_t>(group) * blocks_per_group;
    }
    // Blocks in group (the last one may be short).
    uint32_t blocks_in_group(uint32_t group) const;
    bool is_data_block(uint64_t block) const { return block >= first_data_block && block < blocks_count && block != 0; }
};

// Checks sb against the device size (bytes) and the features this driver knows. EINVAL
// (with one log line naming the problem) for anything that is not a usable ext2/3/4 image.
Result<Geometry> check_superblock(const Superblock& sb, uint64_t device_bytes);

// Checks that group's descriptor keeps its bitmaps and inode table on the disk. EINVAL.
Result<void> check_group_desc(const Geometry& geo, const GroupDesc& gd, uint32_t group);

// A group descriptor field kept in two halves: the low one always, the high one only in 64-byte
// descriptors (a 32-byte descriptor ends before the high halves: they must not be read there).
template <typename Lo, typename Hi>
uint64_t joined_field(const GroupDesc& gd, bool wide, Lo GroupDesc::*lo, Hi GroupDesc::*hi) {
    uint64_t high = wide ? static_cast<uint64_t>(gd.*hi) << (8 * sizeof(Lo)) : 0;
    return high | gd.*lo;
}

uint64_t block_bitmap_of(const Geometry& geo, const GroupDesc& gd);
uint64_t inode_bitmap_of(const Geometry& geo, const GroupDesc& gd);
uint64_t inode_table_of(const Geometry& geo, const GroupDesc& gd);
// A bitmap's stored checksum (the high half only in 64-byte descriptors).
uint32_t block_bitmap_checksum_of(const Geometry& geo, const GroupDesc& gd);
uint32_t inode_bitmap_checksum_of(const Geometry& geo, const GroupDesc& gd);

}  // namespace ingot::ext2
