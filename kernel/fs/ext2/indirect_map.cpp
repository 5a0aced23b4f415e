// ext2/ext3 block mapping: twelve direct pointers in i_block, then single, double and triple
// indirect blocks of 32-bit pointers (Documentation/filesystems/ext4/blockmap.rst).
#include <fs/ext2/ext2_node.h>
#include <lib/log.h>

namespace ingot::ext2 {
namespace {

// The path to a file block: the i_block slot, then one index per indirect level.
struct IndirectPath {
    uint32_t slot;
    uint32_t depth;  // indirect levels below the slot (0 for a direct block)
    uint32_t index[3];
};

IndirectPath path_of(uint64_t lblock, uint64_t per_block) {
    IndirectPath p{};
    if (lblock < kDirectBlocks) {
        p.slot = static_cast<uint32_t>(lblock);
        return p;
    }
    lblock -= kDirectBlocks;
    uint64_t span = per_block;
    for (uint32_t depth = 1; depth <= 3; ++depth, span *= per_block) {
        if (lblock < span) {
            p.slot = static_cast<uint32_t>(kDirectBlocks + depth - 1);
            p.depth = depth;
            for (uint32_t level = depth; level-- > 0;) {
                p.index[level] = static_cast<uint32_t>(lblock % per_block);
                lblock /= per_block;
            }
            return p;
        }
        lblock -= span;
    }
    return p;  // unreachable: the caller checked max_blocks()
}

// Blocks from the path's block to the end of the hole that a missing pointer at `level` leaves
// (the pointer's whole subtree, less what lies before the block in it).
uint64_t hole_run(const IndirectPath& p, uint32_t level, uint64_t per_block) {
    uint64_t span = 1, before = 0;
    for (uint32_t k = p.depth; k-- > level;) {
        before += p.index[k] * span;
        span *= per_block;
    }
    return span - before;
}

Result<void> corrupt(Ext2Node& node, uint64_t block) {
    log_error("ext2: inode %u points at block %llu outside the file system", node.ino(),
              static_cast<unsigned long long>(block));
    return Errno::EIO;
}

}  // namespace

Result<BlockMapping> indirect_map(Ext2Node& node, uint64_t lblock, bool allocate) {
    Ext2FileSystem& fs = node.fs();
    const Geometry& geo = fs.geometry();
    IndirectPath path = path_of(lblock, node.block_size() / 4);
    uint32_t* pointer = &node.disk().block[path.slot];
    uint64_t container = 0;  // the indirect block holding *pointer; 0 for the inode itself
    for (uint32_t level = 0; level <= path.depth; ++level) {
        bool is_data = level == path.depth;
        bool fresh = false;
        if (*pointer == 0) {
            if (!allocate) return BlockMapping{0, false, hole_run(path, level, node.block_size() / 4)};
            uint64_t block = TRY(fs.allocate_block(node.allocation_goal()));
            if (block > 0xffffffffu) {  // indirect pointers are 32 bits wide
                fs.free_blocks(block, 1);
                return Errno::EFBIG;
            }
            node.add_blocks(1);
            node.remember_goal(block);
            *pointer = static_cast<uint32_t>(block);
            if (container) fs.cache().mark_dirty(container, BlockKind::Metadata);
            if (!is_data) {
                TRY(fs.cache().get_zeroed(block));
                fs.cache().mark_dirty(block, BlockKind::Metadata);
            }
            fresh = true;
        }
        uint64_t block = *pointer;
        if (!geo.is_data_block(block)) {
            TRY(corrupt(node, block));
        }
        if (is_data) return BlockMapping{block, fresh};
        uint8_t* data = TRY(fs.cache().get(block));
        pointer = reinterpret_cast<uint32_t*>(data) + path.index[level];
        container = block;
    }
    return BlockMapping{};
}

namespace {

// Frees the subtree under pointer (depth indirect levels; 0 for a data block). Pointers
// outside the file system are dropped without touching the bitmaps.
void free_subtree(Ext2Node& node, uint32_t& pointer, uint32_t depth) {
    Ext2FileSystem& fs = node.fs();
    uint64_t block = pointer;
    pointer = 0;
    // Stop once i_blocks says nothing is left: bounds the walk over a hostile tree.
    if (block == 0 || node.allocated_bytes() == 0) return;
    if (!fs.geometry().is_data_block(block)) return;
    if (depth > 0) {
        Result<uint8_t*> data = fs.cache().get(block);
        if (data.ok()) {
            auto* children = reinterpret_cast<uint32_t*>(data.value());
            for (uint32_t i = 0; i < node.block_size() / 4; ++i) free_subtree(node, children[i], depth - 1);
        }
    }
    fs.free_blocks(block, 1);
    node.add_blocks(-1);
}

// Frees the file blocks at or after first inside the subtree under pointer, which maps the
// blocks [base, base + per_block^depth).
Result<void> free_part(Ext2Node& node, uint32_t& pointer, uint32_t depth, uint64_t base, uint64_t first) {
    uint64_t per_block = node.block_size() / 4;
    uint64_t span = 1;
    for (uint32_t i = 0; i < depth; ++i) span *= per_block;
    if (first <= base) {
        free_subtree(node, pointer, depth);
        return {};
    }
    if (first >= base + span || pointer == 0 || depth == 0) return {};
    Ext2FileSystem& fs = node.fs();
    if (!fs.geometry().is_data_block(pointer)) return corrupt(node, pointer);
    uint8_t* data = TRY(fs.cache().get(pointer));
    auto* children = reinterpret_cast<uint32_t*>(data);
    uint64_t child_span = span / per_block;
    for (uint64_t i = 0; i < per_block; ++i) {
        uint64_t child_base = base + i * child_span;
        if (child_base + child_span <= first) continue;
        TRY(free_part(node, children[i], depth - 1, child_base, first));
    }
    fs.cache().mark_dirty(pointer, BlockKind::Metadata);
    return {};
}

}  // namespace

Result<void> indirect_free_from(Ext2Node& node, uint64_t first_lblock) {
    uint64_t per_block = node.block_size() / 4;
    uint32_t* slots = node.disk().block;
    for (uint64_t i = first_lblock; i < kDirectBlocks; ++i) free_subtree(node, slots[i], 0);
    uint64_t base = kDirectBlocks, span = per_block;
    for (uint32_t depth = 1; depth <= 3; ++depth, span *= per_block) {
        TRY(free_part(node, slots[kDirectBlocks + depth - 1], depth, base, first_lblock));
        base += span;
    }
    return {};
}

}  // namespace ingot::ext2
