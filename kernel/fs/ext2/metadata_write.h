// One metadata block to be written at its home location, as part of a group of blocks that
// must reach the disk together (one consistent point of the file system). The jbd2 journal's
// commit takes the same pairs.
#pragma once

#include <block/block_device.h>
#include <lib/result.h>

#include <cstdint>
#include <span>

namespace ingot::ext2 {

struct MetadataWrite {
    uint64_t fs_block;
    const uint8_t* data;
};

// Writes each block at its home in one scattered write, in disk order so that neighbours
// become one request (no flush). EIO or EROFS as the device says.
Result<void> write_home_blocks(BlockDevice& device, uint32_t block_size, std::span<const MetadataWrite> blocks);

}  // namespace ingot::ext2
