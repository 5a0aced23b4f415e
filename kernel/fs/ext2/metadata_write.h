// One metadata block to be written at its home location, as part of a group of blocks that
// must reach the disk together (one consistent point of the file system). The jbd2 journal's
// commit takes the same pairs.
#pragma once

#include <cstdint>

namespace ingot::ext2 {

struct MetadataWrite {
    uint64_t fs_block;
    const uint8_t* data;
};

}  // namespace ingot::ext2
