// ext4 extent trees (Documentation/filesystems/ext4/ifork.rst): a header and up to four
// entries in i_block, index nodes pointing at child blocks, leaves of (logical block, length,
// physical block) runs. Reading and writing follow trees of any depth up to ext4's five levels:
// a full node is split in two and a full root pushes the tree one level deeper.
// Unwritten (preallocated) extents read as zeros. fallocate(2) makes them; a write into one
// turns the block written into a written extent of its own, as ext4_ext_convert_to_initialized
// does, splitting the unwritten run around it.
#include <fs/ext2/ext2_node.h>
#include <lib/log.h>

#include <cstring>

namespace ingot::ext2 {
namespace {

constexpr uint16_t kRootEntries = 4;  // (60 - 12) / 12

ExtentHeader* root_of(Ext2Node& node) { return reinterpret_cast<ExtentHeader*>(node.disk().block); }
Extent* extents_of(ExtentHeader* h) { return reinterpret_cast<Extent*>(h + 1); }
ExtentIndex* indexes_of(ExtentHeader* h) { return reinterpret_cast<ExtentIndex*>(h + 1); }
uint64_t start_of(const Extent& e) { return e.start_lo | static_cast<uint64_t>(e.start_hi) << 32; }
uint64_t child_of(const ExtentIndex& i) { return i.leaf_lo | static_cast<uint64_t>(i.leaf_hi) << 32; }
uint32_t length_of(const Extent& e) { return e.len > kExtentInitMaxLen ? e.len - kExtentInitMaxLen : e.len; }
bool unwritten(const Extent& e) { return e.len > kExtentInitMaxLen; }
void set_start(Extent& e, uint64_t b) { e.start_lo = static_cast<uint32_t>(b), e.start_hi = static_cast<uint16_t>(b >> 32); }
void set_child(ExtentIndex& i, uint64_t b) { i.leaf_lo = static_cast<uint32_t>(b), i.leaf_hi = static_cast<uint16_t>(b >> 32); }

Result<void> corrupt(Ext2Node& node, const char* what) {
    log_error("ext2: inode %u: bad extent tree (%s)", node.ino(), what);
    return Errno::EIO;
}

// Checks a node header found in `bytes` bytes of space at the expected depth.
Result<void> check_header(Ext2Node& node, const ExtentHeader* h, size_t bytes, int expected_depth) {
    if (h->magic != kExtentMagic) return corrupt(node, "magic");
    if (h->max == 0 || h->max > (bytes - sizeof(ExtentHeader)) / 12 || h->entries > h->max)
        return corrupt(node, "entry counts");
    if (h->depth > kExtentMaxDepth || (expected_depth >= 0 && h->depth != expected_depth))
        return corrupt(node, "depth");
    return {};
}

// Reads and checks the child block of an index entry (with metadata_csum, its checksum too).
Result<ExtentHeader*> load_child(Ext2Node& node, const ExtentIndex& index, uint16_t depth) {
    uint64_t block = child_of(index);
    if (!node.fs().geometry().is_data_block(block)) return corrupt(node, "child outside the disk").error();
    auto checksum_ok = [&node](const uint8_t* data) {
        return !node.fs().checksums().enabled() ||
               MetadataChecksums::extent_block_ok(node.checksum_seed(), data, node.block_size());
    };
    Result<uint8_t*> loaded = node.fs().cache().get_checked(block, checksum_ok);
    if (!loaded.ok() && loaded.error() == Errno::EBADMSG) return corrupt(node, "checksum").error();
    uint8_t* data = TRY(loaded);
    auto* h = reinterpret_cast<ExtentHeader*>(data);
    TRY(check_header(node, h, node.block_size(), depth));
    return h;
}

// The last index entry starting at or before lblock (the first one when none does).
int find_index(ExtentHeader* h, uint64_t lblock) {
    ExtentIndex* idx = indexes_of(h);
    int found = 0;
    for (int i = 1; i < h->entries; ++i)
        if (idx[i].block <= lblock) found = i;
    return found;
}

}  // namespace

void extent_init_root(DiskInode& disk) {
    auto* h = reinterpret_cast<ExtentHeader*>(disk.block);
    memset(disk.block, 0, sizeof(disk.block));
    h->magic = kExtentMagic;
    h->max = kRootEntries;
}

Result<BlockMapping> extent_lookup(Ext2Node& node, uint64_t lblock) {
    ExtentHeader* h = root_of(node);
    TRY(check_header(node, h, sizeof(node.disk().block), -1));
    uint64_t next = ~0ull;  // the first block after lblock that some entry on the path covers
    auto hole = [&] { return BlockMapping{0, false, next - lblock}; };
    while (h->depth > 0) {
        if (h->entries == 0) return hole();
        int i = find_index(h, lblock);
        ExtentIndex* idx = indexes_of(h);
        if (idx[i].block > lblock) {  // before everything this node covers
            if (idx[i].block < next) next = idx[i].block;
            return hole();
        }
        if (i + 1 < h->entries && idx[i + 1].block < next) next = idx[i + 1].block;
        h = TRY(load_child(node, idx[i], h->depth - 1));
    }
    Extent* ext = extents_of(h);
    for (int i = 0; i < h->entries; ++i) {
        uint64_t first = ext[i].block, end = first + length_of(ext[i]);
        if (lblock < first && first < next) next = first;
        if (lblock < first || lblock >= end) continue;
        if (unwritten(ext[i])) return BlockMapping{0, false, end - lblock, true};  // reads as zeros
        uint64_t block = start_of(ext[i]) + (lblock - first);
        if (!node.fs().geometry().is_data_block(block)) return corrupt(node, "extent outside the disk").error();
        return BlockMapping{block, false, end - lblock};
    }
    return hole();
}

namespace {

// The unwritten extent of a leaf that covers lblock, or -1.
int unwritten_at(ExtentHeader* leaf, uint64_t lblock) {
    Extent* ext = extents_of(leaf);
    for (int i = 0; i < leaf->entries; ++i)
        if (unwritten(ext[i]) && lblock >= ext[i].block && lblock < ext[i].block + length_of(ext[i])) return i;
    return -1;
}

// Whether extent e ends just before (lblock, block) and can grow by one block of its kind
// (a written extent holds up to 32768 blocks, an unwritten one 32767).
bool extends(const Extent& e, uint64_t lblock, uint64_t block, bool as_unwritten) {
    uint32_t len = length_of(e);
    uint32_t max = as_unwritten ? kExtentInitMaxLen - 1 : kExtentInitMaxLen;
    return unwritten(e) == as_unwritten && e.block + len == lblock && start_of(e) + len == block && len < max;
}

Extent make_extent(uint64_t lblock, uint64_t block, uint32_t length, bool as_unwritten) {
    Extent e{static_cast<uint32_t>(lblock), static_cast<uint16_t>(as_unwritten ? length + kExtentInitMaxLen : length), 0, 0};
    set_start(e, block);
    return e;
}

// Adds the mapping lblock -> block to a leaf with room (or extends a run that ends just before).
void leaf_insert(ExtentHeader* leaf, uint64_t lblock, uint64_t block, bool as_unwritten) {
    Extent* ext = extents_of(leaf);
    int pos = 0;
    while (pos < leaf->entries && ext[pos].block < lblock) ++pos;
    if (pos > 0 && extends(ext[pos - 1], lblock, block, as_unwritten)) {
        ++ext[pos - 1].len;
        return;
    }
    memmove(&ext[pos + 1], &ext[pos], (leaf->entries - pos) * sizeof(Extent));
    ext[pos] = make_extent(lblock, block, 1, as_unwritten);
    ++leaf->entries;
}

bool leaf_can_extend(ExtentHeader* leaf, uint64_t lblock, uint64_t block, bool as_unwritten) {
    Extent* ext = extents_of(leaf);
    for (int i = 0; i < leaf->entries; ++i)
        if (extends(ext[i], lblock, block, as_unwritten)) return true;
    return false;
}

// Turns block lblock of unwritten extent i into a written block, as ext4_ext_convert_to_
// initialized does: a written neighbour that ends (or starts) right there on the disk grows
// by it, so that a preallocated file written in order stays one extent; otherwise the block
// becomes an extent of its own, with the unwritten blocks before and after it split off.
// False when the leaf has no room for those; the caller makes room and asks again. The
// leaf's first key stays: the block or the unwritten run before it starts where extent i did.
bool convert_to_written(ExtentHeader* leaf, int i, uint64_t lblock, uint64_t& block) {
    Extent* ext = extents_of(leaf);
    const Extent e = ext[i];
    const uint64_t first = e.block, length = length_of(e), start = start_of(e);
    block = start + (lblock - first);
    auto drop = [&](int at) {
        memmove(&ext[at], &ext[at + 1], (leaf->entries - at - 1) * sizeof(Extent));
        --leaf->entries;
    };
    if (lblock == first && i > 0 && extends(ext[i - 1], lblock, block, false)) {
        ++ext[i - 1].len;
        if (length == 1) drop(i);
        else ext[i] = make_extent(first + 1, start + 1, static_cast<uint32_t>(length - 1), true);
        return true;
    }
    if (lblock + 1 == first + length && i + 1 < leaf->entries) {
        Extent& next = ext[i + 1];
        if (!unwritten(next) && next.block == lblock + 1 && start_of(next) == block + 1 && next.len < kExtentInitMaxLen) {
            next = make_extent(lblock, block, next.len + 1u, false);
            if (length == 1) drop(i);
            else ext[i] = make_extent(first, start, static_cast<uint32_t>(length - 1), true);
            return true;
        }
    }
    Extent pieces[3];
    int count = 0;
    if (lblock > first) pieces[count++] = make_extent(first, start, static_cast<uint32_t>(lblock - first), true);
    pieces[count++] = make_extent(lblock, block, 1, false);
    if (lblock + 1 < first + length)
        pieces[count++] = make_extent(lblock + 1, block + 1, static_cast<uint32_t>(first + length - lblock - 1), true);
    if (leaf->entries + count - 1 > leaf->max) return false;
    memmove(&ext[i + count], &ext[i + 1], (leaf->entries - i - 1) * sizeof(Extent));
    memcpy(&ext[i], pieces, count * sizeof(Extent));
    leaf->entries = static_cast<uint16_t>(leaf->entries + count - 1);
    return true;
}

// A new, empty tree block at `depth`; ENOSPC when the disk is full.
Result<ExtentHeader*> new_tree_block(Ext2Node& node, uint16_t depth, uint64_t& block) {
    Ext2FileSystem& fs = node.fs();
    block = TRY(fs.allocate_block(node.allocation_goal()));
    node.add_blocks(1);
    uint8_t* data = TRY(fs.cache().get_zeroed(block));
    node.mark_metadata_dirty(block, SealKind::ExtentBlock);
    auto* h = reinterpret_cast<ExtentHeader*>(data);
    h->magic = kExtentMagic;
    h->max = static_cast<uint16_t>((node.block_size() - sizeof(ExtentHeader)) / 12);
    h->depth = depth;
    return h;
}

// Leaf extents and index entries are both 12 bytes that start with the first logical block
// they cover, so moving entries between nodes is the same at every depth.
constexpr size_t kEntryBytes = 12;
uint8_t* entry_at(ExtentHeader* h, size_t i) { return reinterpret_cast<uint8_t*>(h + 1) + i * kEntryBytes; }
uint32_t first_key(ExtentHeader* h) { return h->entries ? *reinterpret_cast<uint32_t*>(entry_at(h, 0)) : 0; }

// One node on the way from the root to the leaf that covers a logical block.
struct PathStep {
    ExtentHeader* header;
    uint64_t block;  // 0 for the root, which lives in the inode
    int index;       // the entry followed to the next step (index nodes)
};

// Walks from the root to the leaf for lblock; returns the number of steps (depth + 1).
Result<int> walk_path(Ext2Node& node, uint64_t lblock, PathStep (&path)[kExtentMaxDepth + 1]) {
    ExtentHeader* h = root_of(node);
    uint64_t block = 0;
    int n = 0;
    for (;;) {
        path[n] = PathStep{h, block, 0};
        if (h->depth == 0) return n + 1;
        if (h->entries == 0) return corrupt(node, "empty index").error();
        int i = find_index(h, lblock);
        path[n++].index = i;
        block = child_of(indexes_of(h)[i]);
        h = TRY(load_child(node, indexes_of(h)[i], h->depth - 1));
    }
}

void mark_step_dirty(Ext2Node& node, const PathStep& step) {
    if (step.block) node.mark_metadata_dirty(step.block, SealKind::ExtentBlock);
}

// The root is full: its entries move to a new block one level down, and the root becomes a
// one-entry index over it (ext4_ext_grow_indepth). EFBIG past the deepest tree ext4 allows.
Result<void> grow_root(Ext2Node& node) {
    ExtentHeader* root = root_of(node);
    if (root->depth >= kExtentMaxDepth) return Errno::EFBIG;
    uint64_t block = 0;
    ExtentHeader* child = TRY(new_tree_block(node, root->depth, block));
    memcpy(entry_at(child, 0), entry_at(root, 0), root->entries * kEntryBytes);
    child->entries = root->entries;
    ExtentIndex& index = indexes_of(root)[0];
    index = ExtentIndex{first_key(child), 0, 0, 0};
    set_child(index, block);
    root->entries = 1;
    root->depth = static_cast<uint16_t>(root->depth + 1);
    return {};
}

// Splits the full node below path step `parent` (which has room) in two: its upper half
// moves to a new block, which gets an index entry in the parent just after the node's.
Result<void> split_child(Ext2Node& node, PathStep& parent, PathStep& full) {
    uint64_t block = 0;
    ExtentHeader* upper = TRY(new_tree_block(node, full.header->depth, block));
    ExtentHeader* lower = full.header;
    uint16_t keep = lower->entries / 2;
    upper->entries = static_cast<uint16_t>(lower->entries - keep);
    memcpy(entry_at(upper, 0), entry_at(lower, keep), upper->entries * kEntryBytes);
    lower->entries = keep;
    mark_step_dirty(node, full);
    ExtentHeader* h = parent.header;
    ExtentIndex* idx = indexes_of(h);
    int i = parent.index;
    memmove(&idx[i + 2], &idx[i + 1], (h->entries - i - 1) * sizeof(ExtentIndex));
    idx[i + 1] = ExtentIndex{first_key(upper), 0, 0, 0};
    set_child(idx[i + 1], block);
    ++h->entries;
    mark_step_dirty(node, parent);
    return {};
}

// The leaf at the end of path is full: the deepest node on the path with room takes a new
// entry for its full child, or the root grows the tree by a level. One change per call; the
// caller walks again and asks again while the leaf it needs is full.
Result<void> make_room(Ext2Node& node, PathStep (&path)[kExtentMaxDepth + 1], int steps) {
    int parent = steps - 2;
    while (parent >= 0 && path[parent].header->entries == path[parent].header->max) --parent;
    if (parent < 0) return grow_root(node);
    return split_child(node, path[parent], path[parent + 1]);
}

// Maps file block lblock, a hole or a block of an unwritten extent, to a disk block: a new one
// in an extent of the kind asked for (as_unwritten: fallocate), or for a write into an
// unwritten extent, its own block, which becomes written.
//
// Top-down, one change per round: a full leaf is split once its parent has room, a full
// parent once its own parent has, and a full root grows the tree by a level; then the walk
// starts again, until the leaf has room for the new block.
Result<BlockMapping> extent_insert(Ext2Node& node, uint64_t lblock, bool as_unwritten) {
    Ext2FileSystem& fs = node.fs();
    for (int round = 0; round < 2 * kExtentMaxDepth + 4; ++round) {
        PathStep path[kExtentMaxDepth + 1];
        int steps = TRY(walk_path(node, lblock, path));
        ExtentHeader* leaf = path[steps - 1].header;
        if (int i = unwritten_at(leaf, lblock); i >= 0) {
            const Extent& e = extents_of(leaf)[i];
            if (!fs.geometry().is_data_block(start_of(e) + (lblock - e.block)))
                return corrupt(node, "extent outside the disk").error();
            uint64_t block = 0;
            if (convert_to_written(leaf, i, lblock, block)) {
                mark_step_dirty(node, path[steps - 1]);
                return BlockMapping{block, true};  // its old contents read as zeros: fresh
            }
        } else if (uint64_t goal = node.allocation_goal(); leaf->entries < leaf->max || leaf_can_extend(leaf, lblock, goal, as_unwritten)) {
            uint64_t block = TRY(fs.allocate_block(goal));
            if (leaf->entries == leaf->max && !leaf_can_extend(leaf, lblock, block, as_unwritten)) {
                fs.free_blocks(block, 1);  // the goal was taken: make room first
            } else {
                node.add_blocks(1);
                leaf_insert(leaf, lblock, block, as_unwritten);
                mark_step_dirty(node, path[steps - 1]);
                // An index entry's key is the least block below it: a block before every
                // other one lowers the keys along the path.
                for (int s = 0; s < steps - 1; ++s) {
                    ExtentIndex& index = indexes_of(path[s].header)[path[s].index];
                    if (index.block <= lblock) continue;
                    index.block = static_cast<uint32_t>(lblock);
                    mark_step_dirty(node, path[s]);
                }
                return BlockMapping{block, true, 1, as_unwritten};
            }
        }
        TRY(make_room(node, path, steps));
    }
    return Errno::EIO;
}

}  // namespace

Result<BlockMapping> extent_map(Ext2Node& node, uint64_t lblock, bool allocate) {
    BlockMapping found = TRY(extent_lookup(node, lblock));
    if (found.block || !allocate) return found;
    return extent_insert(node, lblock, false);
}

Result<BlockMapping> extent_reserve(Ext2Node& node, uint64_t lblock) {
    BlockMapping found = TRY(extent_lookup(node, lblock));
    if (found.block || found.unwritten) return found;
    return extent_insert(node, lblock, true);
}

namespace {

void free_run(Ext2Node& node, uint64_t start, uint64_t count) {
    if (!node.fs().geometry().is_data_block(start) || start + count > node.fs().geometry().blocks_count) return;
    node.fs().free_blocks(start, count);
    node.add_blocks(-static_cast<int64_t>(count));
}

// Frees the file blocks of [first, end) below h: extents inside the range go, extents reaching
// into it are cut back. An extent with blocks on both sides of the range must have been split
// by split_around() first. Index entries keep the first key of what is below them. True when
// h is left with no entries.
Result<bool> free_below(Ext2Node& node, ExtentHeader* h, uint64_t first, uint64_t end) {
    if (h->depth == 0) {
        Extent* ext = extents_of(h);
        for (int i = h->entries - 1; i >= 0; --i) {
            const uint64_t from = ext[i].block, to = from + length_of(ext[i]), start = start_of(ext[i]);
            if (to <= first || from >= end) continue;
            const uint64_t cut_from = from > first ? from : first, cut_to = to < end ? to : end;
            free_run(node, start + (cut_from - from), cut_to - cut_from);
            if (cut_from == from && cut_to == to) {
                memmove(&ext[i], &ext[i + 1], (h->entries - i - 1) * sizeof(Extent));
                --h->entries;
            } else if (cut_from == from) {  // the head goes
                ext[i] = make_extent(cut_to, start + (cut_to - from), static_cast<uint32_t>(to - cut_to), unwritten(ext[i]));
            } else {  // the tail goes
                ext[i] = make_extent(from, start, static_cast<uint32_t>(cut_from - from), unwritten(ext[i]));
            }
        }
        return h->entries == 0;
    }
    ExtentIndex* idx = indexes_of(h);
    for (int i = h->entries - 1; i >= 0; --i) {
        if (idx[i].block >= end) continue;
        if (i + 1 < h->entries && idx[i + 1].block <= first) break;
        ExtentHeader* child = TRY(load_child(node, idx[i], h->depth - 1));
        uint64_t child_block = child_of(idx[i]);
        bool empty = TRY(free_below(node, child, first, end));
        node.mark_metadata_dirty(child_block, SealKind::ExtentBlock);
        if (empty) {
            free_run(node, child_block, 1);
            memmove(&idx[i], &idx[i + 1], (h->entries - i - 1) * sizeof(ExtentIndex));
            --h->entries;
        } else {
            idx[i].block = first_key(child);  // its first extents may have gone
        }
    }
    return h->entries == 0;
}

// An extent with blocks on both sides of [first, end) becomes two, the blocks between them
// freed (a hole punched in its middle), once its leaf has room for the second; true when that
// was the case, so that nothing else lies in the range.
Result<bool> split_around(Ext2Node& node, uint64_t first, uint64_t end) {
    for (int round = 0; round < 2 * kExtentMaxDepth + 4; ++round) {
        PathStep path[kExtentMaxDepth + 1];
        int steps = TRY(walk_path(node, first, path));
        ExtentHeader* leaf = path[steps - 1].header;
        Extent* ext = extents_of(leaf);
        int i = 0;
        while (i < leaf->entries && !(ext[i].block < first && ext[i].block + length_of(ext[i]) > end)) ++i;
        if (i == leaf->entries) return false;
        if (leaf->entries < leaf->max) {
            const uint64_t from = ext[i].block, to = from + length_of(ext[i]), start = start_of(ext[i]);
            const bool was_unwritten = unwritten(ext[i]);
            free_run(node, start + (first - from), end - first);
            memmove(&ext[i + 2], &ext[i + 1], (leaf->entries - i - 1) * sizeof(Extent));
            ++leaf->entries;
            ext[i] = make_extent(from, start, static_cast<uint32_t>(first - from), was_unwritten);
            ext[i + 1] = make_extent(end, start + (end - from), static_cast<uint32_t>(to - end), was_unwritten);
            mark_step_dirty(node, path[steps - 1]);
            return true;
        }
        TRY(make_room(node, path, steps));
    }
    return Errno::EIO;
}

}  // namespace

Result<void> extent_free_range(Ext2Node& node, uint64_t first_lblock, uint64_t end_lblock) {
    ExtentHeader* root = root_of(node);
    TRY(check_header(node, root, sizeof(node.disk().block), -1));
    if (first_lblock >= end_lblock || TRY(split_around(node, first_lblock, end_lblock))) return {};
    bool empty = TRY(free_below(node, root, first_lblock, end_lblock));
    if (empty) extent_init_root(node.disk());
    return {};
}

}  // namespace ingot::ext2
