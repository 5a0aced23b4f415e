#include <fs/ext2/geometry.h>
#include <fs/ext2/metadata_checksum.h>
#include <lib/log.h>

namespace ingot::ext2 {
namespace {

constexpr uint32_t kKnownIncompat = kIncompatFiletype | kIncompatRecover | kIncompatExtents | kIncompat64Bit |
                                    kIncompatFlexBg | kIncompatCsumSeed;
// Read-only-compatible features whose on-disk rules this driver keeps when writing.
constexpr uint32_t kWritableRoCompat = kRoCompatSparseSuper | kRoCompatLargeFile | kRoCompatHugeFile |
                                       kRoCompatDirNlink | kRoCompatExtraIsize | kRoCompatBtreeDir |
                                       kRoCompatGdtCsum | kRoCompatMetadataCsum;

struct FeatureName {
    uint32_t bit;
    const char* name;
};
constexpr FeatureName kIncompatNames[] = {
    {kIncompatCompression, "compression"}, {kIncompatJournalDev, "journal_dev"}, {kIncompatMetaBg, "meta_bg"},
    {kIncompatMmp, "mmp"},           {kIncompatEaInode, "ea_inode"},     {kIncompatDirData, "dirdata"},
    {kIncompatLargeDir, "large_dir"}, {kIncompatInlineData, "inline_data"}, {kIncompatEncrypt, "encrypt"},
    {kIncompatCasefold, "casefold"},
};

const char* incompat_name(uint32_t bit) {
    for (const FeatureName& f : kIncompatNames)
        if (f.bit == bit) return f.name;
    return "unknown";
}

Result<Geometry> reject(const char* what) {
    log_error("ext2: not mounting: %s", what);
    return Errno::EINVAL;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

uint32_t Geometry::blocks_in_group(uint32_t group) const {
    uint64_t first = group_first_block(group);
    uint64_t left = blocks_count - first;
    return left < blocks_per_group ? static_cast<uint32_t>(left) : blocks_per_group;
}

Result<Geometry> check_superblock(const Superblock& sb, uint64_t device_bytes) {
    if (sb.magic != kMagic) return reject("bad superblock magic");
    if (sb.rev_level > 1) return reject("unknown revision level");
    uint32_t incompat = sb.rev_level == 0 ? 0 : sb.feature_incompat;
    uint32_t ro_compat = sb.rev_level == 0 ? 0 : sb.feature_ro_compat;
    if (uint32_t unknown = incompat & ~kKnownIncompat) {
        uint32_t bit = unknown & -unknown;
        log_error("ext2: not mounting: unsupported incompatible feature %s (0x%x)", incompat_name(bit), bit);
        return Errno::EINVAL;
    }
    Geometry geo;
    if (sb.log_block_size > 6) return reject("block size over 64 KiB");
    geo.block_size = 1024u << sb.log_block_size;
    geo.blocks_count = sb.blocks_count_lo;
    if (incompat & kIncompat64Bit) geo.blocks_count |= static_cast<uint64_t>(sb.blocks_count_hi) << 32;
    if (geo.blocks_count == 0 || geo.blocks_count > device_bytes / geo.block_size)
        return reject("block count larger than the disk");
    geo.first_data_block = sb.first_data_block;
    if (geo.first_data_block != (geo.block_size == 1024 ? 1u : 0u)) return reject("bad first data block");
    if (geo.blocks_count <= geo.first_data_block) return reject("no blocks after the superblock");
    geo.blocks_per_group = sb.blocks_per_group;
    if (geo.blocks_per_group == 0 || geo.blocks_per_group > 8 * geo.block_size)
        return reject("bad blocks per group");
    if (sb.log_cluster_size != sb.log_block_size && (ro_compat & 0x200)) return reject("bigalloc clusters");
    geo.inodes_per_group = sb.inodes_per_group;
    if (geo.inodes_per_group == 0 || geo.inodes_per_group > 8 * geo.block_size)
        return reject("bad inodes per group");
    geo.group_count = static_cast<uint32_t>(ceil_div(geo.blocks_count - geo.first_data_block, geo.blocks_per_group));
    geo.inodes_count = sb.inodes_count;
    if (static_cast<uint64_t>(geo.group_count) * geo.inodes_per_group != geo.inodes_count)
        return reject("inode count does not match the groups");
    if (sb.free_inodes_count > geo.inodes_count) return reject("more free inodes than inodes");
    if (sb.rev_level == 0) {
        geo.inode_size = kGoodOldInodeSize;
        geo.first_ino = kGoodOldFirstInode;
    } else {
        geo.inode_size = sb.inode_size;
        geo.first_ino = sb.first_ino;
        bool power_of_two = (geo.inode_size & (geo.inode_size - 1)) == 0;
        if (geo.inode_size < kGoodOldInodeSize || geo.inode_size > geo.block_size || !power_of_two)
            return reject("bad inode size");
        if (geo.first_ino <= kRootInode || geo.first_ino > geo.inodes_count) return reject("bad first inode");
    }
    if (geo.inodes_count < kRootInode) return reject("no root inode");
    geo.desc_size = kGroupDescSize32;
    if (incompat & kIncompat64Bit) {
        geo.desc_size = sb.desc_size;
        if (geo.desc_size < kGroupDescSize32 || geo.desc_size > 1024 || (geo.desc_size & (geo.desc_size - 1)))
            return reject("bad group descriptor size");
    }
    geo.gdt_block = geo.first_data_block + 1;
    geo.gdt_blocks = static_cast<uint32_t>(ceil_div(static_cast<uint64_t>(geo.group_count) * geo.desc_size, geo.block_size));
    if (geo.gdt_block + geo.gdt_blocks > geo.blocks_count) return reject("group descriptors past the end");

    geo.inode_table_blocks =
        static_cast<uint32_t>(ceil_div(static_cast<uint64_t>(geo.inodes_per_group) * geo.inode_size, geo.block_size));

    if (ro_compat & kRoCompatMetadataCsum) {
        // Linux refuses a superblock whose checksum fails; so does this driver, since every
        // count above came from it.
        if (sb.checksum_type != kChecksumTypeCrc32c) return reject("unknown metadata checksum type");
        if (MetadataChecksums::superblock_checksum(sb) != sb.checksum) return reject("superblock checksum does not match");
    }
    if (uint32_t unknown = ro_compat & ~kWritableRoCompat) {
        log_info("ext2: read-only compatible feature 0x%x is not maintained: mounting read-only", unknown);
        geo.writable = false;
    }
    return geo;
}

uint64_t block_bitmap_of(const Geometry& geo, const GroupDesc& gd) {
    return joined_field(gd, geo.desc_size >= 64, &GroupDesc::block_bitmap_lo, &GroupDesc::block_bitmap_hi);
}
uint64_t inode_bitmap_of(const Geometry& geo, const GroupDesc& gd) {
    return joined_field(gd, geo.desc_size >= 64, &GroupDesc::inode_bitmap_lo, &GroupDesc::inode_bitmap_hi);
}
uint64_t inode_table_of(const Geometry& geo, const GroupDesc& gd) {
    return joined_field(gd, geo.desc_size >= 64, &GroupDesc::inode_table_lo, &GroupDesc::inode_table_hi);
}
uint32_t block_bitmap_checksum_of(const Geometry& geo, const GroupDesc& gd) {
    return static_cast<uint32_t>(joined_field(gd, geo.desc_size >= 64, &GroupDesc::block_bitmap_csum_lo,
                                              &GroupDesc::block_bitmap_csum_hi));
}
uint32_t inode_bitmap_checksum_of(const Geometry& geo, const GroupDesc& gd) {
    return static_cast<uint32_t>(joined_field(gd, geo.desc_size >= 64, &GroupDesc::inode_bitmap_csum_lo,
                                              &GroupDesc::inode_bitmap_csum_hi));
}

Result<void> check_group_desc(const Geometry& geo, const GroupDesc& gd, uint32_t group) {
    uint64_t table = inode_table_of(geo, gd);
    bool ok = geo.is_data_block(block_bitmap_of(geo, gd)) && geo.is_data_block(inode_bitmap_of(geo, gd)) &&
              geo.is_data_block(table) && table + geo.inode_table_blocks <= geo.blocks_count;
    if (!ok) {
        log_error("ext2: not mounting: group %u's bitmaps or inode table lie outside the disk", group);
        return Errno::EINVAL;
    }
    return {};
}

}  // namespace ingot::ext2
