// The in-memory index of one linear ext2 directory (nothing of it is stored on the disk):
// where each name's entry is, and how much room each block has left. Built by one pass over
// the directory's blocks and then kept up to date by every change, it makes lookups, additions
// and removals O(1) on average (O(log blocks) to find a block with room) however many entries
// the directory holds. Its tables come from the heap without panicking: growth answers ENOMEM.
#pragma once

#include <lib/result.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ingot::ext2 {

// Entry positions (byte offsets in the directory) by name hash: open addressing with linear
// probing, at most half full. Names are not copied; a lookup compares them in the directory
// block. Directory sizes are 32-bit (i_size_lo), so positions are too.
class DirNameTable {
public:
    DirNameTable() = default;
    DirNameTable(const DirNameTable&) = delete;
    DirNameTable& operator=(const DirNameTable&) = delete;
    ~DirNameTable();

    static uint32_t hash(std::string_view name);

    // Makes room for one more insert (growing, or clearing out erased slots); ENOMEM when the
    // heap cannot hold the larger table, with the table unchanged.
    Result<void> reserve_one();
    // Records an entry; reserve_one must have made room.
    void insert(uint32_t hash, uint32_t position);
    void erase(uint32_t hash, uint32_t position);

    // The positions recorded under one hash (a name's entry and any colliding names).
    class Candidates {
    public:
        // The next position; false when there are no more.
        bool next(uint32_t& position);

    private:
        friend class DirNameTable;
        Candidates(const DirNameTable& table, uint32_t hash);
        const DirNameTable& table_;
        uint32_t hash_;
        size_t slot_;
    };
    Candidates candidates(uint32_t hash) const { return Candidates(*this, hash); }

    size_t memory_bytes() const { return capacity_ * sizeof(Slot); }

private:
    struct Slot {
        uint32_t hash;
        uint32_t position;  // kEmpty, kErased or an entry's (4-byte aligned) position
    };
    static constexpr uint32_t kEmpty = 0xffffffff;
    static constexpr uint32_t kErased = 0xfffffffe;
    size_t first_slot(uint32_t hash) const { return hash & (capacity_ - 1); }
    static constexpr size_t kSlotsPerPage = 128;  // 1 KiB: a small heap block
    Result<void> rehash(size_t capacity);
    static void free_pages(Slot** pages, size_t capacity);
    Slot& at(size_t slot) const { return pages_[slot / kSlotsPerPage][slot % kSlotsPerPage]; }

    Slot** pages_ = nullptr;
    size_t capacity_ = 0;  // a power of two, or 0
    size_t live_ = 0;      // entries
    size_t occupied_ = 0;  // entries and erased slots: what ends a probe later
};

// The room of each directory block (the longest record an addition could put there) as a
// max-tree over the blocks, so that first_fit finds the lowest block with enough room, the
// block a linear scan would choose, in O(log blocks).
class BlockRoomTree {
public:
    BlockRoomTree() = default;
    BlockRoomTree(const BlockRoomTree&) = delete;
    BlockRoomTree& operator=(const BlockRoomTree&) = delete;
    ~BlockRoomTree();

    size_t size() const { return size_; }
    // Makes room for count blocks; ENOMEM (tree unchanged) when the heap cannot hold them.
    Result<void> reserve(size_t count);
    // Adds a block at the end; reserve must have made room.
    void push_back(uint32_t room);
    void set(size_t block, uint32_t room);
    // The lowest block with at least need bytes of room; size() when there is none.
    size_t first_fit(uint32_t need) const;

    size_t memory_bytes() const { return 2 * leaves_ * sizeof(uint32_t); }

private:
    uint32_t* nodes_ = nullptr;  // nodes_[1] is the root, node i's children are 2i and 2i+1
    size_t leaves_ = 0;          // a power of two; block b is node leaves_ + b
    size_t size_ = 0;
};

struct DirIndex {
    DirNameTable names;
    BlockRoomTree room;  // one leaf per directory block

    size_t memory_bytes() const { return sizeof(DirIndex) + names.memory_bytes() + room.memory_bytes(); }
};

}  // namespace ingot::ext2
