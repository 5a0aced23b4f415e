// The entries of one ext2 directory, read and changed block by block (linear directories,
// Documentation/filesystems/ext4/directory.rst; hashed-tree directories read the same way,
// their index blocks looking like empty entries). Every entry is checked before use: a bad
// rec_len or name_len gives EIO, never a read outside the block.
//
// A name index (hash table of entry positions) and the free room of each block are built on
// first use, so lookups, additions and removals stay O(1) on average even with 100,000
// entries. Entries never move: an addition splits the free tail of a record, a removal merges
// the record into the one before it, so positions stay valid as cookies and index values.
#pragma once

#include <fs/ext2/ext2_node.h>

#include <cstdint>
#include <string_view>
#include <vector>

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

private:
    // Checks the record at offset of block data and returns its length.
    Result<uint32_t> record_at(const uint8_t* data, uint32_t offset) const;
    Result<uint8_t*> block_data(uint64_t lblock);
    Result<void> build_index();
    uint32_t room_of(const uint8_t* data) const;
    void index_insert(uint64_t position, std::string_view name);
    void index_erase(uint64_t position, std::string_view name);
    void rehash(size_t slots);
    Result<void> append_block();
    void modified();

    Ext2Node& node_;
    bool indexed_ = false;
    std::vector<uint64_t> slots_;     // position + 1; 0 empty; kTombstone deleted
    size_t used_slots_ = 0;           // live and tombstones
    std::vector<uint32_t> room_;      // per block: the largest record that fits
};

}  // namespace ingot::ext2
