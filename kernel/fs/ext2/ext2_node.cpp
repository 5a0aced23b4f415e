#include <fs/ext2/ext2_node.h>
#include <fs/file_mode.h>

#include <cstring>

namespace ingot::ext2 {
namespace {

bool extra_covers(const DiskInode& disk, uint32_t inode_size, size_t field_end) {
    return inode_size > kGoodOldInodeSize && size_t{kGoodOldInodeSize} + disk.extra_isize >= field_end;
}

}  // namespace

FsTime decode_time(uint32_t seconds, uint32_t extra, bool has_extra) {
    int64_t s = static_cast<int32_t>(seconds);
    if (!has_extra) return FsTime{s, 0};
    s += static_cast<int64_t>(extra & 3) << 32;
    uint32_t ns = extra >> 2;
    return FsTime{s, ns < 1000000000u ? ns : 0};
}

void encode_time(FsTime t, uint32_t& seconds, uint32_t& extra) {
    seconds = static_cast<uint32_t>(t.seconds);
    uint32_t epoch = static_cast<uint32_t>((t.seconds - static_cast<int32_t>(seconds)) >> 32) & 3;
    extra = epoch | (t.nanoseconds << 2);
}

Ext2Node::Ext2Node(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk) : fs_(&fs), ino_(ino), disk_(disk) {
    size_ = disk_.size_lo;
    if ((disk_.mode & kModeTypeMask) == kModeRegular) size_ |= static_cast<uint64_t>(disk_.size_high) << 32;
}

void Ext2Node::set_size(uint64_t size) {
    if (size != size_) layout_changed_ = true;
    size_ = size;
    disk_.size_lo = static_cast<uint32_t>(size);
    disk_.size_high = static_cast<uint32_t>(size >> 32);
    if (size > 0x7fffffffu) fs_->note_large_file();
}

uint64_t Ext2Node::allocated_bytes() const {
    uint64_t blocks = disk_.blocks_lo | static_cast<uint64_t>(disk_.blocks_high) << 32;
    // huge_file: an inode with EXT4_HUGE_FILE_FL counts in file-system blocks.
    if (disk_.flags & kHugeFileFlag) return blocks * block_size();
    return blocks * 512;
}

uint32_t Ext2Node::checksum_seed() const { return fs_->checksums().inode_seed(ino_, disk_.generation); }

void Ext2Node::mark_metadata_dirty(uint64_t block, SealKind kind) {
    Seal seal = fs_->checksums().enabled() ? Seal{kind, checksum_seed()} : Seal{};
    fs_->cache().mark_dirty(block, BlockKind::Metadata, seal);
}

void Ext2Node::add_blocks(int64_t count) {
    uint64_t sectors = disk_.blocks_lo | static_cast<uint64_t>(disk_.blocks_high) << 32;
    if (disk_.flags & kHugeFileFlag) {  // convert to 512-byte units, the form this driver writes
        sectors *= block_size() / 512;
        disk_.flags &= ~kHugeFileFlag;
    }
    int64_t delta = count * static_cast<int64_t>(block_size() / 512);
    sectors = delta < 0 && static_cast<uint64_t>(-delta) > sectors ? 0 : sectors + delta;
    disk_.blocks_lo = static_cast<uint32_t>(sectors);
    disk_.blocks_high = static_cast<uint16_t>(sectors >> 32);
}

uint64_t Ext2Node::allocation_goal() const {
    if (last_block_) return last_block_ + 1;
    const Geometry& geo = fs_->geometry();
    uint32_t group = (ino_ - 1) / geo.inodes_per_group;
    return geo.group_first_block(group);
}

uint64_t Ext2Node::max_blocks() const {
    if (uses_extents()) return 1ull << 32;
    uint64_t p = block_size() / 4;
    return kDirectBlocks + p + p * p + p * p * p;
}

Result<BlockMapping> Ext2Node::map(uint64_t lblock, bool allocate) {
    if (fs_->unmounted()) return Errno::EIO;
    if (lblock >= max_blocks()) return allocate ? Result<BlockMapping>(Errno::EFBIG) : BlockMapping{};
    if (disk_.flags & kInlineDataFlag) return Errno::EIO;
    BlockMapping m = uses_extents() ? TRY(extent_map(*this, lblock, allocate)) : TRY(indirect_map(*this, lblock, allocate));
    if (m.block) remember_goal(m.block);
    if (m.fresh) layout_changed_ = true;
    return m;
}

Result<void> Ext2Node::reserve(uint64_t first, uint64_t end) {
    if (!uses_extents()) return Errno::EOPNOTSUPP;
    if (end > max_blocks()) return Errno::EFBIG;
    for (uint64_t lblock = first; lblock < end;) {
        BlockMapping m = TRY(extent_reserve(*this, lblock));
        if (m.fresh) {
            remember_goal(m.block);
            layout_changed_ = true;
        }
        lblock += m.run < end - lblock ? m.run : end - lblock;
    }
    return {};
}

Result<uint64_t> Ext2Node::count_holes(uint64_t first, uint64_t end) {
    uint64_t holes = 0;
    for (uint64_t lblock = first; lblock < end;) {
        BlockMapping m = TRY(map(lblock, false));
        uint64_t run = m.run < end - lblock ? m.run : end - lblock;
        if (!m.block && !m.unwritten) holes += run;
        lblock += run;
    }
    return holes;
}

Result<void> Ext2Node::free_blocks_from(uint64_t first_lblock) { return free_block_range(first_lblock, UINT64_MAX); }

Result<void> Ext2Node::free_block_range(uint64_t first, uint64_t end) {
    if (!uses_extents() && end != UINT64_MAX) return Errno::EOPNOTSUPP;
    layout_changed_ = true;
    if (fs_->unmounted()) return Errno::EIO;
    if (disk_.flags & kInlineDataFlag) return Errno::EIO;
    last_block_ = 0;
    return uses_extents() ? extent_free_range(*this, first, end) : indirect_free_from(*this, first);
}

Result<void> Ext2Node::punch_hole(uint64_t offset, uint64_t length) {
    if (!uses_extents()) return Errno::EOPNOTSUPP;
    if (offset >= size_) return {};  // past the end there is nothing to punch (KEEP_SIZE)
    uint64_t end = length < size_ - offset ? offset + length : size_;
    const uint32_t bs = block_size();
    const uint64_t first_whole = (offset + bs - 1) / bs, end_whole = end / bs;
    if (first_whole < end_whole) TRY(free_block_range(first_whole, end_whole));
    // The partial blocks at either end keep their place and get zeros.
    if (offset % bs) {
        uint64_t block_end = (offset / bs + 1) * bs;
        TRY(zero_within_block(offset / bs, static_cast<uint32_t>(offset % bs),
                              static_cast<uint32_t>((end < block_end ? end : block_end) - offset / bs * bs)));
    }
    if (end % bs && end / bs >= first_whole)  // (not the block just zeroed)
        TRY(zero_within_block(end / bs, 0, static_cast<uint32_t>(end % bs)));
    return {};
}

Result<void> Ext2Node::zero_within_block(uint64_t lblock, uint32_t from, uint32_t to) {
    BlockMapping m = TRY(map(lblock, false));
    if (!m.block || m.unwritten) return {};
    uint8_t* data = TRY(fs_->cache().get(m.block));
    memset(data + from, 0, to - from);
    fs_->cache().mark_dirty(m.block, BlockKind::Data);
    return {};
}

// A sequential reader (this read goes on from where the last one ended, or itself spans
// several blocks) gets the following blocks too, as far as they lie consecutively on the disk,
// in one request: Linux's readahead in its simplest form (mm/readahead.c).
void Ext2Node::read_ahead(uint64_t first_lblock, uint64_t lblock, uint64_t disk_block, uint64_t wanted_end) {
    BlockCache& cache = fs_->cache();
    bool sequential = lblock > first_lblock || wanted_end > lblock + 1 || lblock == next_read_block_ ||
                      lblock == next_read_block_ + 1;
    uint64_t count = 1;
    if (sequential) {
        uint64_t file_blocks = (size_ + block_size() - 1) / block_size();
        uint64_t limit = cache.max_run_blocks();
        while (count < limit && lblock + count < file_blocks) {
            Result<BlockMapping> next = map(lblock + count, false);
            if (!next.ok() || next.value().block != disk_block + count) break;
            ++count;
        }
    }
    if (count > 1) (void)cache.read_ahead(disk_block, count);  // get() reads what this did not
}

Result<size_t> Ext2Node::read(uint64_t offset, IoBuffer& dst) {
    if (offset >= size_) return size_t{0};
    uint64_t want = dst.size();
    if (want > size_ - offset) want = size_ - offset;
    uint32_t bs = block_size();
    size_t done = 0;
    while (done < want) {
        uint64_t pos = offset + done;
        uint32_t in_block = static_cast<uint32_t>(pos % bs);
        size_t chunk = bs - in_block;
        if (chunk > want - done) chunk = want - done;
        uint64_t lblock = pos / bs;
        BlockMapping m = TRY(map(lblock, false));
        Result<void> copied = {};
        if (m.block == 0) {
            copied = dst.zero_fill(done, chunk);
        } else {
            if (!fs_->cache().contains(m.block)) read_ahead(offset / bs, lblock, m.block, (offset + want + bs - 1) / bs);
            uint8_t* data = TRY(fs_->cache().get(m.block));
            copied = dst.copy_to_buffer(done, data + in_block, chunk);
        }
        if (!copied.ok()) {
            if (done) break;  // read(2): the bytes before the bad address, then EFAULT next time
            return copied.error();
        }
        done += chunk;
    }
    next_read_block_ = (offset + done) / bs;
    return done;
}

Result<size_t> Ext2Node::write(uint64_t offset, IoBuffer& src) {
    uint32_t bs = block_size();
    uint64_t limit = max_blocks() * bs;
    if (limit > fs_->max_file_bytes()) limit = fs_->max_file_bytes();
    if (offset >= limit) return Errno::EFBIG;
    size_t want = src.size();
    if (want > limit - offset) want = static_cast<size_t>(limit - offset);
    size_t done = 0;
    while (done < want) {
        uint64_t pos = offset + done;
        uint32_t in_block = static_cast<uint32_t>(pos % bs);
        size_t chunk = bs - in_block;
        if (chunk > want - done) chunk = want - done;
        Result<BlockMapping> mapped = map(pos / bs, true);
        if (!mapped.ok()) {
            if (done) break;  // a short write reports what was written
            return mapped.error();
        }
        BlockMapping m = mapped.value();
        uint8_t* data = m.fresh ? TRY(fs_->cache().get_zeroed(m.block)) : TRY(fs_->cache().get(m.block));
        Result<void> copied = src.copy_from_buffer(done, data + in_block, chunk);
        fs_->cache().mark_dirty(m.block, BlockKind::Data);  // a fresh block holds its zeros at least
        if (!copied.ok()) {
            if (done) break;  // write(2): what came before the bad address is written
            return copied.error();
        }
        done += chunk;
        if (offset + done > size_) set_size(offset + done);
    }
    return done;
}

Result<void> Ext2Node::resize(uint64_t length) {
    uint32_t bs = block_size();
    if (length > max_blocks() * bs || length > fs_->max_file_bytes()) return Errno::EFBIG;
    if (length < size_) {
        TRY(free_blocks_from((length + bs - 1) / bs));
        // The rest of the last block must read as zeros if the file grows again.
        if (length % bs) TRY(zero_within_block(length / bs, static_cast<uint32_t>(length % bs), bs));
    }
    set_size(length);
    return {};
}

void Ext2Node::init_new(uint16_t mode, bool extents) {
    uint32_t inode_size = fs_->geometry().inode_size;
    memset(&disk_, 0, sizeof(disk_));
    disk_.mode = mode;
    disk_.links_count = 1;
    if (inode_size >= sizeof(DiskInode)) disk_.extra_isize = kExtraIsize;
    if (extents) {
        disk_.flags |= kExtentsFlag;
        extent_init_root(disk_);
    }
    size_ = 0;
}

void Ext2Node::load_into(Inode& self) const {
    uint32_t inode_size = fs_->geometry().inode_size;
    self.set_owner(disk_.uid | static_cast<uint32_t>(disk_.uid_high) << 16,
                   disk_.gid | static_cast<uint32_t>(disk_.gid_high) << 16);
    self.set_access_time(decode_time(disk_.atime, disk_.atime_extra, extra_covers(disk_, inode_size, 0x90)));
    self.set_modify_time(decode_time(disk_.mtime, disk_.mtime_extra, extra_covers(disk_, inode_size, 0x8C)));
    self.set_change_time(decode_time(disk_.ctime, disk_.ctime_extra, extra_covers(disk_, inode_size, 0x88)));
}

Result<void> Ext2Node::store(const Inode& self) {
    InodeStat st = self.stat();
    uint32_t inode_size = fs_->geometry().inode_size;
    disk_.mode = static_cast<uint16_t>(st.mode);
    disk_.uid = static_cast<uint16_t>(st.uid);
    disk_.uid_high = static_cast<uint16_t>(st.uid >> 16);
    disk_.gid = static_cast<uint16_t>(st.gid);
    disk_.gid_high = static_cast<uint16_t>(st.gid >> 16);
    uint64_t links = st.link_count;
    disk_.links_count = static_cast<uint16_t>(links > 0xffff ? 1 : links);
    // An open file's last link is gone: the commit that removes it must list it as an orphan.
    if (links == 0) fs_->join_orphan_list(*this);
    else fs_->leave_orphan_list(*this);
    uint32_t extra = 0;
    encode_time(st.access_time, disk_.atime, extra);
    if (extra_covers(disk_, inode_size, 0x90)) disk_.atime_extra = extra;
    encode_time(st.modify_time, disk_.mtime, extra);
    if (extra_covers(disk_, inode_size, 0x8C)) disk_.mtime_extra = extra;
    encode_time(st.change_time, disk_.ctime, extra);
    if (extra_covers(disk_, inode_size, 0x88)) disk_.ctime_extra = extra;
    return fs_->write_disk_inode(ino_, disk_);
}

bool Ext2Node::is_fast_symlink() const {
    if ((disk_.mode & kModeTypeMask) != kModeSymlink) return false;
    // A target that fits in i_block and no data block (an extended-attribute block may be
    // counted in i_blocks).
    uint64_t blocks = allocated_bytes();
    bool only_xattr = disk_.file_acl_lo && blocks == block_size();
    return size_ < sizeof(DiskInode::block) && (blocks == 0 || only_xattr);
}

void Ext2Node::release_on_disk(bool directory) {
    if (fs_->unmounted() || fs_->read_only()) return;
    fs_->leave_orphan_list(*this);
    if (is_fast_symlink()) memset(disk_.block, 0, sizeof(disk_.block));
    (void)free_blocks_from(0);
    disk_.links_count = 0;
    set_size(0);
    uint32_t now = static_cast<uint32_t>(FsTime::now().seconds);
    disk_.dtime = now ? now : 1;  // e2fsck expects deleted inodes to carry a deletion time
    (void)fs_->write_disk_inode(ino_, disk_);
    if (directory) fs_->dir_indexes().discard(ino_);
    fs_->free_inode(ino_, directory);
}

}  // namespace ingot::ext2
