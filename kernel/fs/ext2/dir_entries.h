// The entries of one ext2 directory, read and changed block by block (linear directories,
// Documentation/filesystems/ext4/directory.rst; hashed-tree directories read the same way,
// their index blocks looking like empty entries). Every entry is checked before use: a bad
// rec_len or name_len gives EIO, never a read outside the block.
//
// A DirIndex (dir_index.h), built on first use or taken back from the file system's
// DirIndexCache, finds names and blocks with room without a scan, so lookups, additions and
// removals stay O(1) on average with 100,000 entries. Entries never move: an addition splits
// the free tail of a record, a removal merges the record into the one before it, so positions
// stay valid as readdir cookies and as index values while the directory changes.
//
// With metadata_csum each block ends in a checksum entry (ext2_format.h, DirEntryTail) that
// entries never take; the checksum itself is computed when the block is written back.
#pragma once

#include <fs/ext2/dir_index.h>
#include <fs/ext2/ext2_node.h>

#include <cstdint>
#include <string_view>

namespace ingot::ext2 {

struct DirSlot {
    uint64_t position = 0;  // byte offset of the entry in the directory
    uint32_t ino = 0;
    uint8_t file_type = 0;
    std::string_view name;  // points into the block cache until the operation ends
};

class DirEntries {
public:
    explicit DirEntries(Ext2Node& node) : node_(node) {}
    DirEntries(const DirEntries&) = delete;
    DirEntries& operator=(const DirEntries&) = delete;
    ~DirEntries() { delete index_; }

    // The live entry called name; ENOENT when there is none.
    Result<DirSlot> find(std::string_view name);
    // The first live entry at or after position, "." and ".." included; false at the end.
    Result<bool> next(uint64_t position, DirSlot& out);
    // Adds name -> ino, growing the directory by a block when no block has room.
    Result<void> add(std::string_view name, uint32_t ino, uint8_t file_type);
    // Removes the entry at slot (from find).
    Result<void> remove(const DirSlot& slot);
    // Points the entry at position (from find) at another inode ("..": at position 12).
    Result<void> retarget(uint64_t position, uint32_t ino);
    // Writes "." and ".." into a new directory's first block.
    Result<void> init(uint32_t self_ino, uint32_t parent_ino, uint8_t dir_type);
    // Hands the index to the file system's DirIndexCache: the directory object is going away
    // while the directory stays.
    void park_index();

private:
    struct Block {
        uint64_t number;  // on the disk
        uint8_t* data;
    };
    // Checks the record at offset of block data and returns its length.
    Result<uint32_t> record_at(const uint8_t* data, uint32_t offset) const;
    Result<Block> block(uint64_t lblock);
    Result<void> build_index();
    Result<void> scan_into(DirIndex& index);
    uint32_t room_of(const uint8_t* data) const;
    Result<void> append_block();
    // Turns a hashed-tree directory into a linear one before its entries change.
    Result<void> unindex();
    // metadata_csum: the bytes each block keeps for its checksum entry, and that entry.
    uint32_t tail_bytes() const;
    bool is_tail(const uint8_t* data, uint32_t offset) const;
    Result<void> make_tail(const Block& blk);
    void changed(const Block& blk) { node_.mark_metadata_dirty(blk.number, SealKind::DirectoryBlock); }
    void drop_index();

    Ext2Node& node_;
    DirIndex* index_ = nullptr;  // null until first needed
};

}  // namespace ingot::ext2
