#include <fs/ext2/dir_entries.h>
#include <lib/log.h>

#include <cstring>
#include <new>

namespace ingot::ext2 {
namespace {

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

Result<DirEntries::Block> DirEntries::block(uint64_t lblock) {
    BlockMapping m = TRY(node_.map(lblock, false));
    if (m.block == 0) {
        log_error("ext2: directory inode %u has a hole", node_.ino());
        return Errno::EIO;
    }
    auto checksum_ok = [this, lblock](const uint8_t* bytes) {
        if (!node_.fs().checksums().enabled()) return true;
        uint32_t bs = node_.block_size();
        if ((node_.disk().flags & kIndexFlag) && MetadataChecksums::is_dx_block(bytes, bs, lblock))
            return MetadataChecksums::dx_block_ok(node_.checksum_seed(), bytes, bs);
        return MetadataChecksums::directory_block_ok(node_.checksum_seed(), bytes, bs);
    };
    Result<uint8_t*> data = node_.fs().cache().get_checked(m.block, checksum_ok);
    if (!data.ok() && data.error() == Errno::EBADMSG) {
        log_error("ext2: directory inode %u: block %lu's checksum does not match", node_.ino(),
                  static_cast<unsigned long>(lblock));
        return Errno::EIO;
    }
    return Block{m.block, TRY(data)};
}

uint32_t DirEntries::tail_bytes() const {
    return node_.fs().checksums().enabled() ? sizeof(DirEntryTail) : 0;
}

bool DirEntries::is_tail(const uint8_t* data, uint32_t offset) const {
    uint32_t bs = node_.block_size();
    return tail_bytes() && offset == bs - sizeof(DirEntryTail) && MetadataChecksums::has_directory_tail(data, bs);
}

uint32_t DirEntries::room_of(const uint8_t* data) const {
    uint32_t best = 0;
    for (uint32_t off = 0; off < node_.block_size();) {
        Result<uint32_t> rec = record_at(data, off);
        if (!rec.ok()) return 0;
        if (is_tail(data, off)) break;
        const DirEntryHeader* h = header_at(data, off);
        uint32_t free = h->inode ? rec.value() - dir_rec_len(h->name_len) : rec.value();
        if (free > best) best = free;
        off += rec.value();
    }
    return best;
}

Result<void> DirEntries::scan_into(DirIndex& index) {
    uint32_t bs = node_.block_size();
    uint64_t blocks = node_.size() / bs;
    TRY(index.room.reserve(blocks));
    for (uint64_t b = 0; b < blocks; ++b) {
        uint8_t* data = TRY(block(b)).data;
        for (uint32_t off = 0; off < bs;) {
            uint32_t rec = TRY(record_at(data, off));
            if (header_at(data, off)->inode) {
                TRY(index.names.reserve_one());
                index.names.insert(DirNameTable::hash(name_of(data, off)), static_cast<uint32_t>(b * bs + off));
            }
            off += rec;
        }
        index.room.push_back(room_of(data));
    }
    return {};
}

Result<void> DirEntries::build_index() {
    if (index_) return {};
    uint64_t blocks = node_.size() / node_.block_size();
    DirIndex* index = node_.fs().dir_indexes().take(node_.ino());
    if (index && index->room.size() == blocks) {
        index_ = index;
        return {};
    }
    delete index;
    index = new (std::nothrow) DirIndex;
    if (!index) return Errno::ENOMEM;
    Result<void> scanned = scan_into(*index);
    if (!scanned.ok()) {
        delete index;
        return scanned.error();
    }
    index_ = index;
    return {};
}

void DirEntries::drop_index() {
    delete index_;
    index_ = nullptr;
}

void DirEntries::park_index() {
    if (index_) node_.fs().dir_indexes().park(node_.ino(), index_);
    index_ = nullptr;
}

Result<DirSlot> DirEntries::find(std::string_view name) {
    TRY(build_index());
    uint32_t bs = node_.block_size();
    DirNameTable::Candidates candidates = index_->names.candidates(DirNameTable::hash(name));
    for (uint32_t pos; candidates.next(pos);) {
        uint8_t* data = TRY(block(pos / bs)).data;
        uint32_t off = pos % bs;
        TRY(record_at(data, off));
        const DirEntryHeader* h = header_at(data, off);
        if (h->inode && name_of(data, off) == name) return DirSlot{pos, h->inode, h->file_type, name_of(data, off)};
    }
    return Errno::ENOENT;
}

Result<bool> DirEntries::next(uint64_t position, DirSlot& out) {
    uint32_t bs = node_.block_size();
    uint64_t blocks = node_.size() / bs;
    for (uint64_t b = position / bs; b < blocks; ++b) {
        uint8_t* data = TRY(block(b)).data;
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

// A hashed-tree index no longer matches once entries change; Linux's ext2 clears the flag
// the same way, and e2fsck accepts a plain linear directory: its index blocks read as blocks
// of free space. Under metadata_csum those blocks carry their checksum in a dx_tail instead of
// a tail entry, so each one gets a tail entry cut from its free space first.
Result<void> DirEntries::unindex() {
    if (!(node_.disk().flags & kIndexFlag)) return {};
    if (tail_bytes()) {
        TRY(build_index());
        uint64_t blocks = node_.size() / node_.block_size();
        for (uint64_t b = 0; b < blocks; ++b) {
            Block blk = TRY(block(b));
            TRY(make_tail(blk));
            index_->room.set(b, room_of(blk.data));
        }
    }
    node_.disk().flags &= ~kIndexFlag;
    return {};
}

Result<void> DirEntries::make_tail(const Block& blk) {
    uint32_t bs = node_.block_size();
    if (MetadataChecksums::has_directory_tail(blk.data, bs)) return {};
    uint32_t last = 0;
    for (uint32_t off = 0; off < bs; off += TRY(record_at(blk.data, off))) last = off;
    DirEntryHeader* h = header_at(blk.data, last);
    uint32_t rec = decode_rec_len(h->rec_len, bs);
    uint32_t used = h->inode ? dir_rec_len(h->name_len) : dir_rec_len(0);
    if (rec < used + sizeof(DirEntryTail)) {
        log_error("ext2: directory inode %u has a block with no room for its checksum", node_.ino());
        return Errno::EIO;
    }
    h->rec_len = encode_rec_len(rec - sizeof(DirEntryTail));
    MetadataChecksums::put_directory_tail(blk.data, bs);
    changed(blk);
    return {};
}

Result<void> DirEntries::append_block() {
    uint32_t bs = node_.block_size();
    uint64_t lblock = node_.size() / bs;
    if ((lblock + 1) * bs > 0xffffffffull) return Errno::ENOSPC;
    TRY(index_->room.reserve(lblock + 1));
    BlockMapping m = TRY(node_.map(lblock, true));
    uint8_t* data = TRY(node_.fs().cache().get_zeroed(m.block));
    header_at(data, 0)->rec_len = encode_rec_len(bs - tail_bytes());
    if (tail_bytes()) MetadataChecksums::put_directory_tail(data, bs);
    changed(Block{m.block, data});
    node_.set_size((lblock + 1) * bs);
    index_->room.push_back(bs - tail_bytes());
    return {};
}

Result<void> DirEntries::add(std::string_view name, uint32_t ino, uint8_t file_type) {
    TRY(build_index());
    TRY(unindex());
    TRY(index_->names.reserve_one());
    uint32_t bs = node_.block_size();
    uint32_t need = dir_rec_len(static_cast<uint32_t>(name.size()));
    uint64_t b = index_->room.first_fit(need);
    if (b == index_->room.size()) TRY(append_block());
    Block blk = TRY(block(b));
    for (uint32_t off = 0; off < bs;) {
        uint32_t rec = TRY(record_at(blk.data, off));
        if (is_tail(blk.data, off)) break;
        DirEntryHeader* h = header_at(blk.data, off);
        uint32_t used = h->inode ? dir_rec_len(h->name_len) : 0;
        if (rec - used >= need) {
            uint32_t at = off + used;
            if (used) {
                h->rec_len = encode_rec_len(used);
                header_at(blk.data, at)->rec_len = encode_rec_len(rec - used);
            }
            DirEntryHeader* e = header_at(blk.data, at);
            e->inode = ino;
            e->name_len = static_cast<uint8_t>(name.size());
            e->file_type = node_.fs().has_filetype() ? file_type : 0;
            memcpy(blk.data + at + sizeof(DirEntryHeader), name.data(), name.size());
            changed(blk);
            index_->room.set(b, room_of(blk.data));
            index_->names.insert(DirNameTable::hash(name), static_cast<uint32_t>(b * bs + at));
            return {};
        }
        off += rec;
    }
    drop_index();  // it promised room the block does not have: read the blocks afresh next time
    return Errno::EIO;
}

Result<void> DirEntries::remove(const DirSlot& slot) {
    TRY(build_index());
    TRY(unindex());
    uint32_t bs = node_.block_size();
    uint64_t b = slot.position / bs;
    uint32_t target = static_cast<uint32_t>(slot.position % bs);
    Block blk = TRY(block(b));
    uint32_t prev = bs;
    uint32_t off = 0;
    while (off < target) {
        prev = off;
        off += TRY(record_at(blk.data, off));
    }
    if (off != target) return Errno::EIO;  // not the start of an entry
    uint32_t rec = TRY(record_at(blk.data, target));
    uint32_t hash = DirNameTable::hash(name_of(blk.data, target));
    if (prev == bs) {
        header_at(blk.data, target)->inode = 0;
    } else {
        uint32_t prev_rec = TRY(record_at(blk.data, prev));
        header_at(blk.data, prev)->rec_len = encode_rec_len(prev_rec + rec);
    }
    changed(blk);
    index_->names.erase(hash, static_cast<uint32_t>(slot.position));
    index_->room.set(b, room_of(blk.data));
    return {};
}

Result<void> DirEntries::retarget(uint64_t position, uint32_t ino) {
    // An index root's checksum covers its ".." entry: under metadata_csum the index goes.
    if (tail_bytes()) TRY(unindex());
    uint32_t bs = node_.block_size();
    Block blk = TRY(block(position / bs));
    TRY(record_at(blk.data, static_cast<uint32_t>(position % bs)));
    header_at(blk.data, static_cast<uint32_t>(position % bs))->inode = ino;
    changed(blk);
    return {};
}

Result<void> DirEntries::init(uint32_t self_ino, uint32_t parent_ino, uint8_t dir_type) {
    uint32_t bs = node_.block_size();
    BlockMapping m = TRY(node_.map(0, true));
    uint8_t* data = TRY(node_.fs().cache().get_zeroed(m.block));
    uint8_t type = node_.fs().has_filetype() ? dir_type : 0;
    *header_at(data, 0) = DirEntryHeader{self_ino, 12, 1, type};
    data[8] = '.';
    *header_at(data, 12) = DirEntryHeader{parent_ino, encode_rec_len(bs - 12 - tail_bytes()), 2, type};
    data[20] = data[21] = '.';
    if (tail_bytes()) MetadataChecksums::put_directory_tail(data, bs);
    changed(Block{m.block, data});
    node_.set_size(bs);
    drop_index();
    return {};
}

}  // namespace ingot::ext2
