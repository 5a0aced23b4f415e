// The ext2 side of one in-memory inode (file, directory or symlink): its on-disk inode, the
// mapping from file blocks to disk blocks (ext2 indirect blocks or ext4 extents), byte reads
// and writes through the block cache, and the write-back of the VFS's view of the inode
// (mode, owner, times, links, size) into the inode table.
#pragma once

#include <fs/ext2/ext2_file_system.h>
#include <fs/inode.h>
#include <fs/io_buffer.h>

#include <cstdint>

namespace ingot::ext2 {

// Where a file block lives: block 0 is a hole. fresh: just allocated (its old contents are
// garbage, so a partial write must zero the rest).
struct BlockMapping {
    uint64_t block = 0;
    bool fresh = false;
    // Blocks from this one on that map alike, at least 1: consecutive on the disk from `block`,
    // or all holes. Lookups report what the tree shows at no extra cost (a whole extent, the
    // gap to the next one, a missing indirect block's span); allocations report 1.
    uint64_t run = 1;
    // The block lies in an unwritten (preallocated) extent: allocated, but reads as zeros.
    bool unwritten = false;
};

class Ext2Node {
public:
    Ext2Node(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk);

    Ext2FileSystem& fs() const { return *fs_; }
    uint32_t ino() const { return ino_; }
    DiskInode& disk() { return disk_; }
    // metadata_csum: the seed of this inode's extent and directory block checksums.
    uint32_t checksum_seed() const;
    uint64_t size() const { return size_; }
    void set_size(uint64_t size);
    uint64_t allocated_bytes() const;
    uint32_t block_size() const { return fs_->geometry().block_size; }
    bool uses_extents() const { return disk_.flags & kExtentsFlag; }

    // Whether the size or the block map changed since the last commit: fdatasync must then
    // commit metadata, not only write the data.
    bool layout_changed() const { return layout_changed_; }
    void layout_committed() { layout_changed_ = false; }

    // The disk block behind file block lblock; allocate: make one for a hole.
    Result<BlockMapping> map(uint64_t lblock, bool allocate);
    // fallocate(2): every hole among file blocks [first, end) gets a block in an unwritten
    // extent, which reads as zeros until written. EOPNOTSUPP for a file mapped by indirect
    // blocks, as on Linux (ext4 preallocates in extents only); ENOSPC when the disk fills.
    Result<void> reserve(uint64_t first, uint64_t end);
    // File blocks among [first, end) that reserve() would need new blocks for.
    Result<uint64_t> count_holes(uint64_t first, uint64_t end);
    // Frees every file block from first_lblock on.
    Result<void> free_blocks_from(uint64_t first_lblock);
    // fallocate(FALLOC_FL_PUNCH_HOLE): frees the file blocks that lie wholly in [offset,
    // offset + length) and zeroes the rest of the range; the size stays. EOPNOTSUPP for a file
    // mapped by indirect blocks (as Linux's ext2 says).
    Result<void> punch_hole(uint64_t offset, uint64_t length);
    // Records a change to one of this inode's extent tree or directory blocks (a cached
    // metadata block), whose own checksum, under metadata_csum, is sealed at write-back.
    void mark_metadata_dirty(uint64_t block, SealKind kind);
    // i_blocks bookkeeping for blocks allocated or freed for this inode (data or tree).
    void add_blocks(int64_t count);
    // A block near this file's data to start the search for a new one.
    uint64_t allocation_goal() const;
    void remember_goal(uint64_t block) { last_block_ = block; }
    // The largest file block this inode's mapping scheme can address, plus one.
    uint64_t max_blocks() const;

    Result<size_t> read(uint64_t offset, IoBuffer& dst);
    Result<size_t> write(uint64_t offset, IoBuffer& src);
    // Sets the length: frees blocks past it and zeroes the rest of its last block.
    Result<void> resize(uint64_t length);

    // Fills a fresh inode: type bits, an empty extent tree on extent file systems.
    void init_new(uint16_t mode, bool extents);
    // Reads type-independent VFS fields (owner, times) from the disk inode into self.
    void load_into(Inode& self) const;
    // Writes self's metadata back into the inode table (through the block cache).
    Result<void> store(const Inode& self);
    // Frees the inode and all its blocks (link count reached 0 and no one holds it), taking
    // it off the orphan list first.
    void release_on_disk(bool directory);
    // Whether the inode is on the file system's orphan list (Ext2FileSystem::join_orphan_list).
    bool on_orphan_list() const { return on_orphan_list_; }
    void set_on_orphan_list(bool on) { on_orphan_list_ = on; }
    // A symlink whose target is stored in i_block itself (ext4_inode_is_fast_symlink): those
    // bytes are text, not block numbers.
    bool is_fast_symlink() const;

private:
    Ext2FileSystem* fs_;
    uint32_t ino_;
    DiskInode disk_;
    uint64_t size_;
    uint64_t last_block_ = 0;
    uint64_t next_read_block_ = 0;  // the block where the last read ended
    bool layout_changed_ = false;
    bool on_orphan_list_ = false;

    void read_ahead(uint64_t first_lblock, uint64_t lblock, uint64_t disk_block, uint64_t wanted_end);
    // Zeroes bytes [from, to) of file block lblock where it holds data (a hole or an unwritten
    // block reads as zeros already).
    Result<void> zero_within_block(uint64_t lblock, uint32_t from, uint32_t to);
    // Frees file blocks [first, end) (end UINT64_MAX: to the end of the file).
    Result<void> free_block_range(uint64_t first, uint64_t end);
};

// The extra-time-field encoding (Documentation/filesystems/ext4/inodes.rst, "Inode Timestamps").
FsTime decode_time(uint32_t seconds, uint32_t extra, bool has_extra);
void encode_time(FsTime t, uint32_t& seconds, uint32_t& extra);

// Block mapping schemes, for Ext2Node.
Result<BlockMapping> indirect_map(Ext2Node& node, uint64_t lblock, bool allocate);
Result<void> indirect_free_from(Ext2Node& node, uint64_t first_lblock);
Result<BlockMapping> extent_map(Ext2Node& node, uint64_t lblock, bool allocate);
// fallocate(2): a hole at lblock gets a block in an unwritten extent (reads as zeros).
Result<BlockMapping> extent_reserve(Ext2Node& node, uint64_t lblock);
// Frees file blocks [first_lblock, end_lblock): whole extents, the ends of extents, or the
// middle of one (split in two).
Result<void> extent_free_range(Ext2Node& node, uint64_t first_lblock, uint64_t end_lblock);
void extent_init_root(DiskInode& disk);

}  // namespace ingot::ext2
