#include "metadata_write.h"

#include <algorithm>
#include <vector>

namespace ingot::ext2 {

Result<void> write_home_blocks(BlockDevice& device, uint32_t block_size, std::span<const MetadataWrite> blocks) {
    uint64_t sectors_per_block = block_size / BlockDevice::kSectorSize;
    std::vector<SectorWrite> pieces;
    pieces.reserve(blocks.size());
    for (const MetadataWrite& block : blocks)
        pieces.push_back(SectorWrite{block.fs_block * sectors_per_block, {block.data, block_size}});
    std::sort(pieces.begin(), pieces.end(),
              [](const SectorWrite& a, const SectorWrite& b) { return a.sector < b.sector; });
    return device.write_scattered(std::span<const SectorWrite>(pieces.data(), pieces.size()));
}

}  // namespace ingot::ext2
