// The checksums group descriptors carry (metadata_csum: crc32c, and those of the group's two
// bitmaps; gdt_csum: crc16 of the descriptor alone). Descriptors are verified once at mount;
// the ones that changed are recomputed when the descriptors are copied out at write-back,
// after their bitmaps have stopped changing for that consistent point.
#include <fs/ext2/ext2_file_system.h>
#include <lib/log.h>

namespace ingot::ext2 {

bool Ext2FileSystem::group_checksums_match() {
    if (!csums_.groups_checksummed()) return true;
    for (uint32_t g = 0; g < geo_.group_count; ++g) {
        uint16_t expected = csums_.group_checksum(g, reinterpret_cast<const uint8_t*>(&group(g)), geo_.desc_size);
        if (group(g).checksum != expected) {
            log_error("ext2: group %u's descriptor checksum does not match", g);
            return false;
        }
    }
    return true;
}

void Ext2FileSystem::note_group_changed(uint32_t g) {
    if (csums_.groups_checksummed()) group_changed_[g] = 1;
}

Result<void> Ext2FileSystem::seal_changed_groups() {
    if (!csums_.groups_checksummed()) return {};
    // The bitmaps' checksums have 16-bit halves; the high ones exist in 64-byte descriptors.
    const bool wide = geo_.desc_size >= 64;
    auto seal_bitmap = [&](uint64_t block, uint32_t bytes, uint16_t& lo, uint16_t& hi) -> Result<void> {
        const uint8_t* map = TRY(cache_.get(block));
        uint32_t crc = csums_.bitmap_checksum(map, bytes);
        lo = static_cast<uint16_t>(crc);
        if (wide) hi = static_cast<uint16_t>(crc >> 16);
        return {};
    };
    for (uint32_t g = 0; g < geo_.group_count; ++g) {
        if (!group_changed_[g]) continue;
        GroupDesc& gd = group(g);
        // An uninitialised bitmap is not read, so its checksum does not count.
        if (csums_.enabled() && !(gd.flags & kBgBlockUninit))
            TRY(seal_bitmap(block_bitmap_of(geo_, gd), geo_.blocks_per_group / 8, gd.block_bitmap_csum_lo,
                            gd.block_bitmap_csum_hi));
        if (csums_.enabled() && !(gd.flags & kBgInodeUninit))
            TRY(seal_bitmap(inode_bitmap_of(geo_, gd), geo_.inodes_per_group / 8, gd.inode_bitmap_csum_lo,
                            gd.inode_bitmap_csum_hi));
        gd.checksum = csums_.group_checksum(g, reinterpret_cast<const uint8_t*>(&gd), geo_.desc_size);
        group_changed_[g] = 0;
    }
    return {};
}

}  // namespace ingot::ext2
