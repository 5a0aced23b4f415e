#include <fs/ext2/dir_index.h>

#include <cstring>
#include <new>

namespace ingot::ext2 {
namespace {

constexpr size_t kMinSlots = 128;

}  // namespace

DirNameTable::~DirNameTable() { free_pages(pages_, capacity_); }

// The table lives in pages of kSlotsPerPage slots, small heap blocks: one array of a large
// directory's size would need that much physically contiguous memory, which a long-running
// machine may not have even with plenty free.
void DirNameTable::free_pages(Slot** pages, size_t capacity) {
    if (!pages) return;
    for (size_t i = 0; i < capacity / kSlotsPerPage; ++i) ::operator delete(pages[i]);
    ::operator delete(pages);
}

uint32_t DirNameTable::hash(std::string_view name) {
    // FNV-1a, then a MurmurHash3 finaliser: the table uses the low bits, which FNV mixes poorly.
    uint32_t h = 2166136261u;
    for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

Result<void> DirNameTable::rehash(size_t capacity) {
    size_t page_count = capacity / kSlotsPerPage;
    if (page_count > SIZE_MAX / sizeof(Slot*)) return Errno::ENOMEM;
    auto** pages = static_cast<Slot**>(::operator new(page_count * sizeof(Slot*), std::nothrow));
    if (!pages) return Errno::ENOMEM;
    for (size_t i = 0; i < page_count; ++i) {
        pages[i] = static_cast<Slot*>(::operator new(kSlotsPerPage * sizeof(Slot), std::nothrow));
        if (!pages[i]) {
            free_pages(pages, i * kSlotsPerPage);
            return Errno::ENOMEM;
        }
        memset(pages[i], 0xff, kSlotsPerPage * sizeof(Slot));  // every position kEmpty
    }
    Slot** old = pages_;
    size_t old_capacity = capacity_;
    pages_ = pages;
    capacity_ = capacity;
    occupied_ = live_ = 0;
    for (size_t i = 0; i < old_capacity; ++i) {
        const Slot& slot = old[i / kSlotsPerPage][i % kSlotsPerPage];
        if (slot.position != kEmpty && slot.position != kErased) insert(slot.hash, slot.position);
    }
    free_pages(old, old_capacity);
    return {};
}

Result<void> DirNameTable::reserve_one() {
    if ((occupied_ + 1) * 2 <= capacity_) return {};
    // A quarter full after the rehash, so that growth and clean-ups stay amortised O(1); a
    // table that erasures emptied shrinks here too.
    size_t capacity = kMinSlots;
    while (capacity < (live_ + 1) * 4) capacity *= 2;
    return rehash(capacity);
}

void DirNameTable::insert(uint32_t hash, uint32_t position) {
    size_t mask = capacity_ - 1;
    size_t slot = first_slot(hash);
    while (at(slot).position != kEmpty && at(slot).position != kErased) slot = (slot + 1) & mask;
    if (at(slot).position == kEmpty) ++occupied_;
    at(slot) = Slot{hash, position};
    ++live_;
}

void DirNameTable::erase(uint32_t hash, uint32_t position) {
    if (!capacity_) return;
    size_t mask = capacity_ - 1;
    for (size_t slot = first_slot(hash); at(slot).position != kEmpty; slot = (slot + 1) & mask) {
        if (at(slot).position == position) {
            at(slot).position = kErased;
            --live_;
            return;
        }
    }
}

DirNameTable::Candidates::Candidates(const DirNameTable& table, uint32_t hash)
    : table_(table), hash_(hash), slot_(table.capacity_ ? table.first_slot(hash) : 0) {}

bool DirNameTable::Candidates::next(uint32_t& position) {
    if (!table_.capacity_) return false;
    size_t mask = table_.capacity_ - 1;
    for (; table_.at(slot_).position != kEmpty; slot_ = (slot_ + 1) & mask) {
        const Slot& s = table_.at(slot_);
        if (s.position != kErased && s.hash == hash_) {
            position = s.position;
            slot_ = (slot_ + 1) & mask;
            return true;
        }
    }
    return false;
}

BlockRoomTree::~BlockRoomTree() { ::operator delete(nodes_); }

Result<void> BlockRoomTree::reserve(size_t count) {
    if (count <= leaves_) return {};
    size_t leaves = leaves_ ? leaves_ : 1;
    while (leaves < count) leaves *= 2;
    if (leaves > SIZE_MAX / (2 * sizeof(uint32_t))) return Errno::ENOMEM;
    auto* nodes = static_cast<uint32_t*>(::operator new(2 * leaves * sizeof(uint32_t), std::nothrow));
    if (!nodes) return Errno::ENOMEM;
    memset(nodes, 0, 2 * leaves * sizeof(uint32_t));
    if (size_) memcpy(nodes + leaves, nodes_ + leaves_, size_ * sizeof(uint32_t));
    for (size_t i = leaves - 1; i >= 1; --i) nodes[i] = nodes[2 * i] > nodes[2 * i + 1] ? nodes[2 * i] : nodes[2 * i + 1];
    ::operator delete(nodes_);
    nodes_ = nodes;
    leaves_ = leaves;
    return {};
}

void BlockRoomTree::push_back(uint32_t room) { set(size_++, room); }

void BlockRoomTree::set(size_t block, uint32_t room) {
    size_t i = leaves_ + block;
    nodes_[i] = room;
    for (i /= 2; i >= 1; i /= 2) {
        uint32_t larger = nodes_[2 * i] > nodes_[2 * i + 1] ? nodes_[2 * i] : nodes_[2 * i + 1];
        if (nodes_[i] == larger) break;  // the ancestors already agree
        nodes_[i] = larger;
    }
}

size_t BlockRoomTree::first_fit(uint32_t need) const {
    // Leaves past size() hold 0, and need is never 0, so they are never chosen.
    if (!size_ || nodes_[1] < need) return size_;
    size_t i = 1;
    while (i < leaves_) i = nodes_[2 * i] >= need ? 2 * i : 2 * i + 1;
    return i - leaves_;
}

}  // namespace ingot::ext2
