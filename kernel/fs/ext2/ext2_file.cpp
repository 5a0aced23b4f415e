#include <fs/ext2/ext2_file.h>
#include <fs/fs_limits.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace ingot::ext2 {

void retire_node(Ext2Node& node, const Inode& self, bool unlinked) {
    Ext2FileSystem& fs = node.fs();
    Ext2FileSystem::OperationGuard guard(fs);
    if (!fs.unmounted() && !fs.read_only()) {
        if (unlinked) node.release_on_disk(self.is_directory());
        else (void)node.store(self);
    }
    fs.forget_node(node.ino());
}

Ext2File::Ext2File(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk)
    : Inode(InodeType::Regular, RefPtr<FileSystem>(&fs), disk.mode, ino), node_(fs, ino, disk) {
    set_link_count(disk.links_count);
    node_.load_into(*this);
}

Ext2File::~Ext2File() { retire_node(node_, *this, link_count() == 0); }

// A long read or write is done as a run of operations of at most this many bytes, each ended
// as a call of its own would be (Ext2FileSystem::end_operation) while the file system stays
// locked: the blocks one has read can be given back while the next runs, and write-back
// keeps dirty blocks within their limit, however much one call moves.
constexpr size_t kOperationBytes = 1 << 20;

Result<size_t> Ext2File::transfer(uint64_t offset, IoBuffer& buffer, bool write) {
    Ext2FileSystem& fs = node_.fs();
    Ext2FileSystem::OperationGuard guard(fs);
    size_t done = 0;
    while (done < buffer.size()) {
        if (done) guard.begin_next_step();
        IoBuffer part = buffer.part(done, kOperationBytes);
        Result<size_t> moved = write ? node_.write(offset + done, part) : node_.read(offset + done, part);
        if (write && moved.ok() && moved.value()) touch_modified();
        fs.end_operation();
        if (!moved.ok()) {
            if (done) break;  // a short transfer reports what was moved
            return moved.error();
        }
        done += moved.value();
        if (moved.value() < part.size()) break;
    }
    return done;
}

Result<size_t> Ext2File::read_at(uint64_t offset, IoBuffer& dst) { return transfer(offset, dst, false); }

Result<size_t> Ext2File::write_at(uint64_t offset, IoBuffer& src) { return transfer(offset, src, true); }

void Ext2File::drop_cached(uint64_t offset, uint64_t length) {
    Ext2FileSystem::OperationGuard guard(node_.fs());
    uint64_t bs = node_.block_size(), size = node_.size();
    uint64_t end = length == 0 || length > size - (offset < size ? offset : size) ? size : offset + length;
    // Run by run, so that the holes of a sparse file cost one lookup each.
    for (uint64_t lblock = offset / bs; lblock * bs < end;) {
        Result<BlockMapping> mapped = node_.map(lblock, false);
        if (!mapped.ok()) return;  // a damaged tree, already reported: nothing more to drop
        uint64_t left = (end - lblock * bs + bs - 1) / bs;
        uint64_t run = mapped.value().run < left ? mapped.value().run : left;
        if (mapped.value().block)
            for (uint64_t i = 0; i < run; ++i) node_.fs().cache().drop_if_clean(mapped.value().block + i);
        lblock += run;
    }
}

Result<void> Ext2File::allocate(uint64_t offset, uint64_t length, bool keep_size) {
    Ext2FileSystem& fs = node_.fs();
    Ext2FileSystem::OperationGuard guard(fs);
    if (!node_.uses_extents()) return Errno::EOPNOTSUPP;
    if (fs.read_only()) return Errno::EROFS;
    uint64_t bs = node_.block_size();
    if (offset > fs.max_file_bytes() || length > fs.max_file_bytes() - offset) return Errno::EFBIG;
    uint64_t first = offset / bs, end = (offset + length + bs - 1) / bs;
    if (end > node_.max_blocks()) return Errno::EFBIG;
    // All or nothing where it can be told in advance (the tree's own blocks aside).
    FsUsage usage;
    fs.usage(usage);
    if (TRY(node_.count_holes(first, end)) > usage.free_blocks) return Errno::ENOSPC;
    // In steps, each ended as an operation of its own, like a long write (transfer).
    const uint64_t step = kOperationBytes / bs;
    for (uint64_t at = first; at < end; at += step) {
        if (at != first) guard.begin_next_step();
        Result<void> reserved = node_.reserve(at, end - at < step ? end : at + step);
        fs.end_operation();
        TRY(reserved);
    }
    if (!keep_size && offset + length > node_.size()) node_.set_size(offset + length);
    touch_changed();
    return {};
}

Result<void> Ext2File::punch_hole(uint64_t offset, uint64_t length) {
    Ext2FileSystem& fs = node_.fs();
    Ext2FileSystem::OperationGuard guard(fs);
    if (!node_.uses_extents()) return Errno::EOPNOTSUPP;
    if (fs.read_only()) return Errno::EROFS;
    Result<void> punched = node_.punch_hole(offset, length);
    fs.end_operation();
    TRY(punched);
    touch_changed();
    return {};
}

Result<void> Ext2File::zero_range(uint64_t offset, uint64_t length, bool keep_size) {
    TRY(punch_hole(offset, length));
    return allocate(offset, length, keep_size);
}

uint64_t Ext2File::next_of_kind(uint64_t offset, bool data) const {
    auto& node = const_cast<Ext2Node&>(node_);  // a lookup may read tree blocks into the cache
    Ext2FileSystem::OperationGuard guard(node.fs());
    const uint64_t size = node.size(), bs = node.block_size();
    for (uint64_t lblock = offset / bs; lblock * bs < size;) {
        Result<BlockMapping> m = node.map(lblock, false);
        // An unreadable map ends the search: from there on the file counts as data.
        if (!m.ok()) return data ? std::min(std::max(lblock * bs, offset), size) : size;
        bool holds_data = m.value().block != 0 && !m.value().unwritten;
        if (holds_data == data) return std::min(std::max(lblock * bs, offset), size);
        lblock += m.value().run;
    }
    return size;
}

Result<void> Ext2File::truncate(uint64_t length) {
    Ext2FileSystem::OperationGuard guard(node_.fs());
    Result<void> done = node_.resize(length);
    node_.fs().end_operation();
    return done;
}

Ext2Symlink::Ext2Symlink(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk)
    : Inode(InodeType::Symlink, RefPtr<FileSystem>(&fs), disk.mode, ino), node_(fs, ino, disk) {
    set_link_count(disk.links_count);
    node_.load_into(*this);
}

Ext2Symlink::~Ext2Symlink() { retire_node(node_, *this, link_count() == 0); }

Result<OwnedString> Ext2Symlink::read_link() const {
    Ext2FileSystem::OperationGuard guard(node_.fs());
    uint64_t size = node_.size();
    if (size == 0 || size >= kPathMax) return Errno::EIO;
    if (node_.is_fast_symlink()) {
        return OwnedString(std::string_view(reinterpret_cast<const char*>(node_.disk().block), size));
    }
    std::vector<uint8_t> buffer(size);
    IoBuffer dst = IoBuffer::kernel(std::span<uint8_t>(buffer.data(), size));
    size_t got = TRY(node_.read(0, dst));
    if (got != size) return Errno::EIO;
    return OwnedString(std::string_view(reinterpret_cast<const char*>(buffer.data()), size));
}

Result<void> Ext2Symlink::set_target(std::string_view target) {
    Ext2FileSystem::OperationGuard guard(node_.fs());
    if (target.size() < sizeof(DiskInode::block)) {
        node_.disk().flags &= ~kExtentsFlag;
        memset(node_.disk().block, 0, sizeof(node_.disk().block));
        memcpy(node_.disk().block, target.data(), target.size());
        node_.set_size(target.size());
        return {};
    }
    if (node_.fs().has_extents()) {
        node_.disk().flags |= kExtentsFlag;
        extent_init_root(node_.disk());
    }
    IoBuffer src = IoBuffer::kernel_source(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(target.data()), target.size()));
    size_t written = TRY(node_.write(0, src));
    if (written != target.size()) return Errno::ENOSPC;
    return {};
}

}  // namespace ingot::ext2
