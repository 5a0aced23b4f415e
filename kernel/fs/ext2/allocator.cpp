// Block and inode allocation through the group bitmaps, keeping the free counts in the group
// descriptors and the superblock in step (Documentation/filesystems/ext4/allocators.rst).
// Blocks are taken at or after a goal (the file's previous block), inodes in the parent's
// group when it has room, so related data stays close.
//
// With group descriptor checksums (metadata_csum or gdt_csum) mke2fs leaves some bitmaps
// unwritten and says so in bg_flags: BLOCK_UNINIT (only the group's own metadata is in use),
// INODE_UNINIT (no inode is). Such a bitmap is built here the first time its group is used
// and the flag cleared, as Linux's ext4_init_block_bitmap does; bg_itable_unused keeps
// counting the never-used inodes at the end of each group, which e2fsck relies on.
#include <fs/ext2/ext2_file_system.h>
#include <lib/log.h>

namespace ingot::ext2 {
namespace {

bool test_bit(const uint8_t* map, uint32_t bit) { return map[bit / 8] & (1u << (bit % 8)); }
void set_bit(uint8_t* map, uint32_t bit) { map[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8)); }
void clear_bit(uint8_t* map, uint32_t bit) { map[bit / 8] &= static_cast<uint8_t>(~(1u << (bit % 8))); }

uint32_t group_free_blocks(const GroupDesc& gd, bool wide) {
    return static_cast<uint32_t>(joined_field(gd, wide, &GroupDesc::free_blocks_count_lo, &GroupDesc::free_blocks_count_hi));
}
uint32_t group_free_inodes(const GroupDesc& gd, bool wide) {
    return static_cast<uint32_t>(joined_field(gd, wide, &GroupDesc::free_inodes_count_lo, &GroupDesc::free_inodes_count_hi));
}
uint32_t group_itable_unused(const GroupDesc& gd, bool wide) {
    return static_cast<uint32_t>(joined_field(gd, wide, &GroupDesc::itable_unused_lo, &GroupDesc::itable_unused_hi));
}
void set_group_itable_unused(GroupDesc& gd, bool wide, uint32_t n) {
    gd.itable_unused_lo = static_cast<uint16_t>(n);
    if (wide) gd.itable_unused_hi = static_cast<uint16_t>(n >> 16);
}

// Sets the bits from `from` to the end of a bitmap block: past the group's end nothing may be
// allocated (mke2fs and e2fsck keep this padding set).
void set_padding(uint8_t* map, uint32_t from, uint32_t block_size) {
    for (uint32_t bit = from; bit < block_size * 8; ++bit) set_bit(map, bit);
}

uint32_t count_set(const uint8_t* map, uint32_t bits) {
    uint32_t n = 0;
    for (uint32_t bit = 0; bit < bits; ++bit) n += test_bit(map, bit);
    return n;
}

bool is_power_of(uint32_t n, uint32_t base) {
    while (n > 1 && n % base == 0) n /= base;
    return n == 1;
}

}  // namespace

uint64_t Ext2FileSystem::free_blocks_count() const {
    uint64_t n = sb_.free_blocks_count_lo;
    if (incompat() & kIncompat64Bit) n |= static_cast<uint64_t>(sb_.free_blocks_count_hi) << 32;
    return n;
}

void Ext2FileSystem::set_free_blocks_count(uint64_t n) {
    sb_.free_blocks_count_lo = static_cast<uint32_t>(n);
    if (incompat() & kIncompat64Bit) sb_.free_blocks_count_hi = static_cast<uint32_t>(n >> 32);
}

// Whether group g holds a backup of the superblock and group descriptors (e2fsprogs'
// ext2fs_bg_has_super): every group without sparse_super, groups 0, 1 and powers of 3, 5
// and 7 with it, group 0 and the two s_backup_bgs with sparse_super2.
bool Ext2FileSystem::group_has_super(uint32_t g) const {
    if (g == 0) return true;
    if (sb_.rev_level && (sb_.feature_compat & kCompatSparseSuper2)) return g == sb_.backup_bgs[0] || g == sb_.backup_bgs[1];
    if (!(ro_compat() & kRoCompatSparseSuper)) return true;
    return g == 1 || is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

Result<uint8_t*> Ext2FileSystem::checked_bitmap(uint32_t g, uint64_t block, uint32_t bytes, uint32_t stored) {
    const uint32_t kept = geo_.desc_size >= 64 ? 0xFFFFFFFFu : 0xFFFFu;  // the halves stored
    auto checksum_ok = [&](const uint8_t* map) {
        return !csums_.enabled() || (csums_.bitmap_checksum(map, bytes) & kept) == stored;
    };
    Result<uint8_t*> map = cache_.get_checked(block, checksum_ok);
    if (!map.ok() && map.error() == Errno::EBADMSG) {
        log_error("ext2: group %u's bitmap at block %lu does not match its checksum", g, static_cast<unsigned long>(block));
        return Errno::EIO;
    }
    return map;
}

Result<uint8_t*> Ext2FileSystem::block_bitmap(uint32_t g) {
    GroupDesc& gd = group(g);
    uint64_t bitmap = block_bitmap_of(geo_, gd);
    if (!csums_.groups_checksummed() || !(gd.flags & kBgBlockUninit))
        return checked_bitmap(g, bitmap, geo_.blocks_per_group / 8, block_bitmap_checksum_of(geo_, gd));
    uint8_t* map = TRY(cache_.get_zeroed(bitmap));
    const uint64_t first = geo_.group_first_block(g);
    const uint32_t count = geo_.blocks_in_group(g);
    auto mark = [&](uint64_t block, uint64_t blocks) {
        for (uint64_t b = block; b < block + blocks; ++b)
            if (b >= first && b < first + count) set_bit(map, static_cast<uint32_t>(b - first));
    };
    if (group_has_super(g)) mark(first, 1 + uint64_t{geo_.gdt_blocks} + (sb_.rev_level ? sb_.reserved_gdt_blocks : 0));
    mark(block_bitmap_of(geo_, gd), 1);
    mark(inode_bitmap_of(geo_, gd), 1);
    mark(inode_table_of(geo_, gd), geo_.inode_table_blocks);
    if (count - count_set(map, count) != group_free_blocks(gd, geo_.desc_size >= 64)) {
        // Some other group's metadata lives here, or the count is wrong: nothing tells which
        // blocks are free.
        cache_.forget(bitmap);
        log_error("ext2: group %u is marked BLOCK_UNINIT but its free count does not match its metadata", g);
        return Errno::EIO;
    }
    set_padding(map, count, geo_.block_size);
    cache_.mark_dirty(bitmap, BlockKind::Metadata);
    gd.flags &= ~kBgBlockUninit;
    note_group_changed(g);
    return map;
}

Result<uint8_t*> Ext2FileSystem::inode_bitmap(uint32_t g) {
    GroupDesc& gd = group(g);
    uint64_t bitmap = inode_bitmap_of(geo_, gd);
    if (!csums_.groups_checksummed() || !(gd.flags & kBgInodeUninit))
        return checked_bitmap(g, bitmap, geo_.inodes_per_group / 8, inode_bitmap_checksum_of(geo_, gd));
    if (group_free_inodes(gd, geo_.desc_size >= 64) != geo_.inodes_per_group) {
        log_error("ext2: group %u is marked INODE_UNINIT but has inodes in use", g);
        return Errno::EIO;
    }
    uint8_t* map = TRY(cache_.get_zeroed(bitmap));
    set_padding(map, geo_.inodes_per_group, geo_.block_size);
    cache_.mark_dirty(bitmap, BlockKind::Metadata);
    gd.flags &= ~kBgInodeUninit;
    note_group_changed(g);
    return map;
}

void Ext2FileSystem::adjust_group_counts(uint32_t g, int32_t blocks, int32_t inodes, int32_t dirs) {
    note_group_changed(g);
    GroupDesc& gd = group(g);
    bool wide = geo_.desc_size >= 64;
    uint32_t fb = group_free_blocks(gd, wide) + blocks;
    uint32_t fi = group_free_inodes(gd, wide) + inodes;
    uint32_t ud = static_cast<uint32_t>(joined_field(gd, wide, &GroupDesc::used_dirs_count_lo, &GroupDesc::used_dirs_count_hi));
    ud += dirs;
    gd.free_blocks_count_lo = static_cast<uint16_t>(fb);
    gd.free_inodes_count_lo = static_cast<uint16_t>(fi);
    gd.used_dirs_count_lo = static_cast<uint16_t>(ud);
    if (wide) {
        gd.free_blocks_count_hi = static_cast<uint16_t>(fb >> 16);
        gd.free_inodes_count_hi = static_cast<uint16_t>(fi >> 16);
        gd.used_dirs_count_hi = static_cast<uint16_t>(ud >> 16);
    }
    set_free_blocks_count(free_blocks_count() + blocks);
    sb_.free_inodes_count += inodes;
}

// The first free block of group g at or after bit start (wrapping), marked used; 0 if none.
Result<uint64_t> Ext2FileSystem::allocate_in_group(uint32_t g, uint32_t start) {
    uint32_t count = geo_.blocks_in_group(g);
    uint8_t* map = TRY(block_bitmap(g));
    uint64_t bitmap = block_bitmap_of(geo_, group(g));
    for (uint32_t i = 0; i < count; ++i) {
        uint32_t bit = (start + i) % count;
        if (test_bit(map, bit)) continue;
        uint64_t block = geo_.group_first_block(g) + bit;
        if (!geo_.is_data_block(block)) continue;
        if (uint64_t freed_end = freed_since_commit_.run_end(block)) {
            // Freed but not committed: skip the run, up to the end of the group (the scan wraps).
            uint64_t group_end = geo_.group_first_block(g) + count;
            i += static_cast<uint32_t>((freed_end < group_end ? freed_end : group_end) - block - 1);
            continue;
        }
        set_bit(map, bit);
        cache_.mark_dirty(bitmap, BlockKind::Metadata);
        adjust_group_counts(g, -1, 0, 0);
        to_discard_.remove(block);  // in use again: a discard now would destroy its new contents
        return block;
    }
    return uint64_t{0};
}

Result<uint64_t> Ext2FileSystem::allocate_block(uint64_t goal) {
    if (read_only() || unmounted_) return Errno::EROFS;
    if (!geo_.is_data_block(goal)) goal = geo_.first_data_block;
    uint32_t first = geo_.group_of_block(goal);
    uint32_t start = static_cast<uint32_t>((goal - geo_.first_data_block) % geo_.blocks_per_group);
    bool wide = geo_.desc_size >= 64;
    for (uint32_t i = 0; i < geo_.group_count; ++i) {
        uint32_t g = (first + i) % geo_.group_count;
        if (group_free_blocks(group(g), wide) == 0) continue;
        uint64_t block = TRY(allocate_in_group(g, i == 0 ? start : 0));
        if (block) return block;
    }
    if (!freed_since_commit_.empty()) {
        // Only blocks freed since the last commit are left: a full disk beats the guarantee
        // that a crash cannot hand them back to their old owner with new contents (and they
        // are then not discarded: one may be taken again before the commit).
        freed_since_commit_.clear();
        return allocate_block(goal);
    }
    return Errno::ENOSPC;
}

Result<uint64_t> Ext2FileSystem::trim(uint64_t start, uint64_t length, uint64_t min_length) {
    OperationGuard guard(*this);
    if (read_only() || unmounted_) return Errno::EROFS;
    const uint32_t bs = geo_.block_size;
    // ext4_trim_fs's checks: a range shorter than a block, one starting past the end, or a
    // minimum longer than a group is EINVAL.
    if (length < bs || start / bs >= geo_.blocks_count || min_length / bs > geo_.blocks_per_group)
        return Errno::EINVAL;
    TRY(sync());
    const uint64_t first = start / bs;
    const uint64_t end = length / bs > geo_.blocks_count - first ? geo_.blocks_count : first + length / bs;
    const uint64_t min_blocks = min_length > bs ? (min_length + bs - 1) / bs : 1;
    uint64_t trimmed = 0, run_start = 0, run_length = 0;
    auto discard_run = [&]() -> Result<void> {
        if (run_length >= min_blocks) {
            TRY(discard_blocks(run_start, run_length));
            trimmed += run_length * bs;
        }
        run_length = 0;
        return {};
    };
    for (uint32_t g = geo_.first_data_block <= first ? geo_.group_of_block(first) : 0; g < geo_.group_count; ++g) {
        const uint64_t group_first = geo_.group_first_block(g);
        if (group_first >= end) break;
        uint8_t* map = TRY(block_bitmap(g));
        for (uint32_t bit = 0; bit < geo_.blocks_per_group; ++bit) {
            uint64_t block = group_first + bit;
            if (block >= end) break;
            if (block < first || !geo_.is_data_block(block) || test_bit(map, bit)) {
                TRY(discard_run());
                continue;
            }
            if (run_length == 0) run_start = block;
            ++run_length;
        }
        TRY(discard_run());  // runs end at group boundaries, as ext4's do
    }
    to_discard_.clear();  // free blocks all, discarded now
    return trimmed;
}

void Ext2FileSystem::free_blocks(uint64_t first, uint64_t count) {
    if (read_only() || unmounted_) return;
    for (uint64_t block = first; block < first + count; ++block) {
        cache_.forget(block);
        if (!geo_.is_data_block(block)) continue;
        uint32_t g = geo_.group_of_block(block);
        uint32_t bit = static_cast<uint32_t>((block - geo_.first_data_block) % geo_.blocks_per_group);
        Result<uint8_t*> map = block_bitmap(g);
        uint64_t bitmap = block_bitmap_of(geo_, group(g));
        if (!map.ok()) continue;
        if (!test_bit(map.value(), bit)) {
            log_error("ext2: freeing block %llu, which is already free", static_cast<unsigned long long>(block));
            continue;
        }
        clear_bit(map.value(), bit);
        cache_.mark_dirty(bitmap, BlockKind::Metadata);
        adjust_group_counts(g, 1, 0, 0);
        freed_since_commit_.add(block, 1);
    }
}

Result<uint32_t> Ext2FileSystem::allocate_inode(uint32_t parent_ino, bool directory) {
    if (read_only() || unmounted_) return Errno::EROFS;
    uint32_t first = parent_ino ? (parent_ino - 1) / geo_.inodes_per_group : 0;
    bool wide = geo_.desc_size >= 64;
    for (uint32_t i = 0; i < geo_.group_count; ++i) {
        uint32_t g = (first + i) % geo_.group_count;
        if (group_free_inodes(group(g), wide) == 0) continue;
        uint8_t* map = TRY(inode_bitmap(g));
        uint64_t bitmap = inode_bitmap_of(geo_, group(g));
        // Start at the last inode handed out in this group, wrapping: allocation stays O(1)
        // on average while inodes are created in a row.
        uint32_t start = next_inode_hint_ > g * geo_.inodes_per_group && (next_inode_hint_ - 1) / geo_.inodes_per_group == g
                             ? (next_inode_hint_ - 1) % geo_.inodes_per_group / 8 * 8
                             : 0;
        for (uint32_t step = 0; step < geo_.inodes_per_group; ++step) {
            uint32_t bit = (start + step) % geo_.inodes_per_group;
            if (bit % 8 == 0 && step + 8 <= geo_.inodes_per_group && map[bit / 8] == 0xff) {
                step += 7;  // a full byte: skip eight at once
                continue;
            }
            uint32_t ino = g * geo_.inodes_per_group + bit + 1;
            if (ino < geo_.first_ino || test_bit(map, bit)) continue;
            set_bit(map, bit);
            cache_.mark_dirty(bitmap, BlockKind::Metadata);
            adjust_group_counts(g, 0, -1, directory ? 1 : 0);
            // The scan takes the lowest free bit from below the used part's end, so that part
            // grows by the slot create_inode zeroes: never-used slots stay past it.
            if (csums_.groups_checksummed() && bit + 1 > geo_.inodes_per_group - group_itable_unused(group(g), wide))
                set_group_itable_unused(group(g), wide, geo_.inodes_per_group - bit - 1);
            next_inode_hint_ = ino;
            return ino;
        }
    }
    return Errno::ENOSPC;
}

void Ext2FileSystem::free_inode(uint32_t ino, bool directory) {
    if (read_only() || unmounted_ || ino == 0 || ino > geo_.inodes_count) return;
    uint32_t g = (ino - 1) / geo_.inodes_per_group;
    uint32_t bit = (ino - 1) % geo_.inodes_per_group;
    Result<uint8_t*> map = inode_bitmap(g);
    uint64_t bitmap = inode_bitmap_of(geo_, group(g));
    if (!map.ok()) return;
    if (!test_bit(map.value(), bit)) {
        log_error("ext2: freeing inode %u, which is already free", ino);
        return;
    }
    clear_bit(map.value(), bit);
    cache_.mark_dirty(bitmap, BlockKind::Metadata);
    adjust_group_counts(g, 0, 1, directory ? -1 : 0);
}

}  // namespace ingot::ext2
