#include <fs/ext2/dir_entries.h>
#include <lib/log.h>

#include <cstring>

namespace ingot::ext2 {
namespace {

constexpr uint64_t kTombstone = ~0ull;

uint64_t hash_name(std::string_view name) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (char c : name) hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    return hash;
}

DirEntryHeader* header_at(uint8_t* data, uint32_t offset) { return reinterpret_cast<DirEntryHeader*>(data + offset); }
const DirEntryHeader* header_at(const uint8_t* data, uint32_t offset) {
    return reinterpret_cast<const DirEntryHeader*>(data + offset);
}
std::string_view name_of(const uint8_t* data, uint32_t offset) {
    return {reinterpret_cast<const char*>(data + offset + sizeof(DirEntryHeader)), header_at(data, offset)->name_len};
}

// rec_len 65536 does not fit in 16 bits: 64 KiB blocks store it as 65535 or 0 (ext4_rec_len_from_disk).
uint32_t decode_rec_len(uint16_t raw, uint32_t block_size) {
    if (block_size == 65536 && (raw == 65535 || raw == 0)) return 65536;
    return raw;
}
uint16_t encode_rec_len(uint32_t len) { return len == 65536 ? 65535 : static_cast<uint16_t>(len); }

}  // namespace

Result<uint32_t> DirEntries::record_at(const uint8_t* data, uint32_t offset) const {
    uint32_t bs = node_.block_size();
    if (offset + sizeof(DirEntryHeader) > bs) return Errno::EIO;
    const DirEntryHeader* h = header_at(data, offset);
    uint32_t rec = decode_rec_len(h->rec_len, bs);
    if (rec < sizeof(DirEntryHeader) + 4 || rec % 4 || offset + rec > bs || h->name_len + sizeof(DirEntryHeader) > rec) {
        log_error("ext2: directory inode %u has a bad entry", node_.ino());
        return Errno::EIO;
    }
    return rec;
}

Result<uint8_t*> DirEntries::block_data(uint64_t lblock) {
    BlockMapping m = TRY(node_.map(lblock, false));
    if (m.block == 0) {
        log_error("ext2: directory inode %u has a hole", node_.ino());
        return Errno::EIO;
    }
    return node_.fs().cache().get(m.block);
}

uint32_t DirEntries::room_of(const uint8_t* data) const {
    uint32_t best = 0;
    for (uint32_t off = 0; off < node_.block_size();) {
        Result<uint32_t> rec = record_at(data, off);
        if (!rec.ok()) return 0;
        const DirEntryHeader* h = header_at(data, off);
        uint32_t free = h->inode ? rec.value() - dir_rec_len(h->name_len) : rec.value();
        if (free > best) best = free;
        off += rec.value();
    }
    return best;
}

void DirEntries::rehash(size_t slot_count) {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(slot_count, 0);
    used_slots_ = 0;
    size_t mask = slot_count - 1;
    for (uint64_t v : old) {
        if (v == 0 || v == kTombstone) continue;
        uint64_t pos = v - 1;
        uint32_t bs = node_.block_size();
        Result<uint8_t*> data = block_data(pos / bs);
        if (!data.ok()) continue;
        size_t slot = hash_name(name_of(data.value(), pos % bs)) & mask;
        while (slots_[slot]) slot = (slot + 1) & mask;
        slots_[slot] = v;
        ++used_slots_;
    }
}

void DirEntries::index_insert(uint64_t position, std::string_view name) {
    if ((used_slots_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 64 : slots_.size() * 2);
    size_t mask = slots_.size() - 1;
    size_t slot = hash_name(name) & mask;
    while (slots_[slot] && slots_[slot] != kTombstone) slot = (slot + 1) & mask;
    if (slots_[slot] == 0) ++used_slots_;
    slots_[slot] = position + 1;
}

void DirEntries::index_erase(uint64_t position, std::string_view name) {
    if (slots_.empty()) return;
    size_t mask = slots_.size() - 1;
    for (size_t slot = hash_name(name) & mask; slots_[slot]; slot = (slot + 1) & mask) {
        if (slots_[slot] == position + 1) {
            slots_[slot] = kTombstone;
            return;
        }
    }
}

Result<void> DirEntries::build_index() {
    if (indexed_) return {};
    uint32_t bs = node_.block_size();
    uint64_t blocks = node_.size() / bs;
    slots_.clear();
    used_slots_ = 0;
    room_.assign(blocks, 0);
    for (uint64_t b = 0; b < blocks; ++b) {
        uint8_t* data = TRY(block_data(b));
        for (uint32_t off = 0; off < bs;) {
            uint32_t rec = TRY(record_at(data, off));
            const DirEntryHeader* h = header_at(data, off);
            if (h->inode) index_insert(b * bs + off, name_of(data, off));
            off += rec;
        }
        room_[b] = room_of(data);
    }
    indexed_ = true;
    return {};
}

Result<DirSlot> DirEntries::find(std::string_view name) {
    TRY(build_index());
    if (slots_.empty()) return Errno::ENOENT;
    uint32_t bs = node_.block_size();
    size_t mask = slots_.size() - 1;
    for (size_t slot = hash_name(name) & mask; slots_[slot]; slot = (slot + 1) & mask) {
        if (slots_[slot] == kTombstone) continue;
        uint64_t pos = slots_[slot] - 1;
        uint8_t* data = TRY(block_data(pos / bs));
        uint32_t off = static_cast<uint32_t>(pos % bs);
        if (name_of(data, off) != name) continue;
        const DirEntryHeader* h = header_at(data, off);
        return DirSlot{pos, h->inode, h->file_type, name_of(data, off)};
    }
    return Errno::ENOENT;
}

Result<bool> DirEntries::next(uint64_t position, DirSlot& out) {
    uint32_t bs = node_.block_size();
    uint64_t blocks = node_.size() / bs;
    for (uint64_t b = position / bs; b < blocks; ++b) {
        uint8_t* data = TRY(block_data(b));
        for (uint32_t off = 0; off < bs;) {
            uint32_t rec = TRY(record_at(data, off));
            const DirEntryHeader* h = header_at(data, off);
            if (h->inode && b * bs + off >= position) {
                out = DirSlot{b * bs + off, h->inode, h->file_type, name_of(data, off)};
                return true;
            }
            off += rec;
        }
    }
    return false;
}

void DirEntries::modified() {
    // A hashed-tree index no longer matches once entries change; Linux's ext2 clears the flag
    // the same way, and e2fsck accepts a plain linear directory.
    node_.disk().flags &= ~kIndexFlag;
}

Result<void> DirEntries::append_block() {
    uint32_t bs = node_.block_size();
    uint64_t lblock = node_.size() / bs;
    if ((lblock + 1) * bs > 0xffffffffull) return Errno::ENOSPC;
    BlockMapping m = TRY(node_.map(lblock, true));
    uint8_t* data = TRY(node_.fs().cache().get_zeroed(m.block));
    header_at(data, 0)->rec_len = encode_rec_len(bs);
    node_.fs().cache().mark_dirty(m.block, BlockKind::Metadata);
    node_.set_size((lblock + 1) * bs);
    room_.push_back(bs);
    return {};
}

Result<void> DirEntries::add(std::string_view name, uint32_t ino, uint8_t file_type) {
    TRY(build_index());
    modified();
    uint32_t bs = node_.block_size();
    uint32_t need = dir_rec_len(static_cast<uint32_t>(name.size()));
    uint64_t b = 0;
    while (b < room_.size() && room_[b] < need) ++b;
    if (b == room_.size()) TRY(append_block());
    uint8_t* data = TRY(block_data(b));
    for (uint32_t off = 0; off < bs;) {
        uint32_t rec = TRY(record_at(data, off));
        DirEntryHeader* h = header_at(data, off);
        uint32_t used = h->inode ? dir_rec_len(h->name_len) : 0;
        if (rec - used >= need) {
            uint32_t at = off + used;
            if (used) {
                h->rec_len = encode_rec_len(used);
                header_at(data, at)->rec_len = encode_rec_len(rec - used);
            }
            DirEntryHeader* e = header_at(data, at);
            e->inode = ino;
            e->name_len = static_cast<uint8_t>(name.size());
            e->file_type = node_.fs().has_filetype() ? file_type : 0;
            memcpy(data + at + sizeof(DirEntryHeader), name.data(), name.size());
            BlockMapping m = TRY(node_.map(b, false));
            node_.fs().cache().mark_dirty(m.block, BlockKind::Metadata);
            room_[b] = room_of(data);
            index_insert(b * bs + at, name);
            return {};
        }
        off += rec;
    }
    return Errno::EIO;  // room_ said there was space: the block changed under us
}

Result<void> DirEntries::remove(const DirSlot& slot) {
    TRY(build_index());
    modified();
    uint32_t bs = node_.block_size();
    uint64_t b = slot.position / bs;
    uint32_t target = static_cast<uint32_t>(slot.position % bs);
    uint8_t* data = TRY(block_data(b));
    index_erase(slot.position, name_of(data, target));
    uint32_t prev = bs;
    for (uint32_t off = 0; off < target;) {
        prev = off;
        off += TRY(record_at(data, off));
    }
    uint32_t rec = TRY(record_at(data, target));
    if (prev == bs) {
        header_at(data, target)->inode = 0;
    } else {
        uint32_t prev_rec = TRY(record_at(data, prev));
        header_at(data, prev)->rec_len = encode_rec_len(prev_rec + rec);
    }
    BlockMapping m = TRY(node_.map(b, false));
    node_.fs().cache().mark_dirty(m.block, BlockKind::Metadata);
    if (b < room_.size()) room_[b] = room_of(data);
    return {};
}

Result<void> DirEntries::retarget(uint64_t position, uint32_t ino) {
    uint32_t bs = node_.block_size();
    uint8_t* data = TRY(block_data(position / bs));
    TRY(record_at(data, static_cast<uint32_t>(position % bs)));
    header_at(data, static_cast<uint32_t>(position % bs))->inode = ino;
    BlockMapping m = TRY(node_.map(position / bs, false));
    node_.fs().cache().mark_dirty(m.block, BlockKind::Metadata);
    return {};
}

Result<void> DirEntries::init(uint32_t self_ino, uint32_t parent_ino, uint8_t dir_type) {
    uint32_t bs = node_.block_size();
    BlockMapping m = TRY(node_.map(0, true));
    uint8_t* data = TRY(node_.fs().cache().get_zeroed(m.block));
    uint8_t type = node_.fs().has_filetype() ? dir_type : 0;
    *header_at(data, 0) = DirEntryHeader{self_ino, 12, 1, type};
    data[8] = '.';
    *header_at(data, 12) = DirEntryHeader{parent_ino, encode_rec_len(bs - 12), 2, type};
    data[20] = data[21] = '.';
    node_.fs().cache().mark_dirty(m.block, BlockKind::Metadata);
    node_.set_size(bs);
    indexed_ = false;
    return {};
}

}  // namespace ingot::ext2
