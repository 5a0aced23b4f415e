#include <fs/ext2/ext2_directory.h>
#include <fs/ext2/ext2_file.h>
#include <fs/ext2/ext2_file_system.h>
#include <fs/ext2/ext2_node.h>
#include <fs/ext2/journal.h>
#include <fs/file_mode.h>
#include <lib/log.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <cstddef>
#include <cstring>
#include <new>

namespace ingot::ext2 {
namespace {

// Dirty blocks the cache holds before an operation writes them back: an eighth of the memory
// free at mount, from 1 MiB to 256 MiB. Clean blocks are limited by free memory alone
// (block_cache.h), but dirty ones cannot be given back until written, so they must leave the
// program room.
size_t dirty_limit_blocks(uint32_t block_size) {
    uint64_t bytes = physical_pages().free_pages() * kPageSize / 8;
    bytes = bytes < (1u << 20) ? (1u << 20) : bytes > (256u << 20) ? (256u << 20) : bytes;
    size_t blocks = static_cast<size_t>(bytes / block_size);
    return blocks < 32 ? 32 : blocks;
}

// The superblock's two sectors at byte 1024, whatever the block size.
constexpr uint64_t kSuperblockSector = kSuperblockOffset / BlockDevice::kSectorSize;
static_assert(sizeof(Superblock) == 2 * BlockDevice::kSectorSize);

}  // namespace

Ext2FileSystem::Ext2FileSystem(BlockDevice& device, const Superblock& sb, const Geometry& geo, bool read_only)
    : FileSystem(kExt2Magic, read_only), device_(device), sb_(sb), geo_(geo), csums_(sb),
      cache_(device, geo.block_size, dirty_limit_blocks(geo.block_size)) {}

Ext2FileSystem::~Ext2FileSystem() { delete journal_; }

Result<void> Ext2FileSystem::read_superblock(BlockDevice& device, Superblock& out) {
    if (!device.read(kSuperblockSector, std::span<uint8_t>(reinterpret_cast<uint8_t*>(&out), sizeof(out))).ok())
        return Errno::EIO;
    return {};
}

Result<void> Ext2FileSystem::write_superblock_in_place(BlockDevice& device, Superblock sb) {
    MetadataChecksums::seal_superblock(sb);
    if (!device.write(kSuperblockSector, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&sb), sizeof(sb))).ok())
        return Errno::EIO;
    return {};
}

Result<RefPtr<Ext2FileSystem>> Ext2FileSystem::mount(BlockDevice& device, bool read_only) {
    Superblock sb;
    if (device.sector_count() < 4) return Errno::EINVAL;
    TRY(read_superblock(device, sb));
    const uint64_t device_bytes = device.sector_count() * BlockDevice::kSectorSize;
    Geometry geo = TRY(check_superblock(sb, device_bytes));
    bool journalled = sb.rev_level && (sb.feature_compat & kCompatHasJournal);
    if (sb.rev_level && (sb.feature_incompat & kIncompatRecover)) {
        if (!journalled || sb.journal_inum == 0) {
            log_error("ext2: not mounting: it needs recovery from a journal on another device");
            return Errno::EINVAL;
        }
        if (device.read_only()) {
            log_error("ext2: not mounting: the journal needs recovery and the disk is read-only");
            return Errno::EROFS;
        }
        TRY(replay_journal(device, sb, geo));
        TRY(read_superblock(device, sb));
        geo = TRY(check_superblock(sb, device_bytes));
    }
    bool ro = read_only || device.read_only() || !geo.writable;
    if (!ro && journalled && sb.journal_inum == 0) {
        log_info("ext2: the journal is on another device, which this driver does not use: mounting read-only");
        ro = true;
    }
    if (!ro && !(sb.state & kStateValid)) log_info("ext2: mounting a file system that was not cleanly unmounted");
    RefPtr<Ext2FileSystem> fs(new (std::nothrow_t{}) Ext2FileSystem(device, sb, geo, ro));
    if (!fs) return Errno::ENOMEM;
    TRY(fs->load_group_descriptors());
    if (!fs->group_checksums_match() && !ro) {
        log_info("ext2: a group descriptor checksum does not match: mounting read-only");
        fs->make_read_only();
    }
    if (!fs->read_only() && fs->sb_.rev_level && fs->sb_.last_orphan && !fs->orphan_list_intact()) fs->make_read_only();
    if (!fs->read_only() && journalled) TRY(fs->open_journal());
    if (!fs->read_only()) TRY(fs->mark_mounted());
    // Files a crash left unlinked but open are freed now that writes are journalled.
    if (!fs->read_only() && fs->sb_.rev_level && fs->sb_.last_orphan) TRY(fs->release_orphans());
    return fs;
}

Result<void> Ext2FileSystem::load_group_descriptors() {
    gdt_.assign(static_cast<size_t>(geo_.group_count) * geo_.desc_size, 0);
    size_t copied = 0;
    for (uint32_t i = 0; i < geo_.gdt_blocks && copied < gdt_.size(); ++i) {
        uint8_t* data = TRY(cache_.get(geo_.gdt_block + i));
        size_t chunk = gdt_.size() - copied < geo_.block_size ? gdt_.size() - copied : geo_.block_size;
        memcpy(&gdt_[copied], data, chunk);
        copied += chunk;
    }
    for (uint32_t g = 0; g < geo_.group_count; ++g) TRY(check_group_desc(geo_, group(g), g));
    if (csums_.groups_checksummed()) group_changed_.assign(geo_.group_count, 0);
    return {};
}

// ext4 marks a file system in use (and a journalled one as needing recovery) before the
// first change reaches the disk, so a crash leaves a disk e2fsck checks. The mark goes straight
// to the superblock's home, never through the journal: a crash inside the first transaction
// must find the flag that says the journal is to be replayed (Linux's ext4_setup_super).
Result<void> Ext2FileSystem::mark_mounted() {
    sb_.state &= ~kStateValid;
    sb_.mnt_count++;
    sb_.mtime = static_cast<uint32_t>(FsTime::now().seconds);
    if (sb_.feature_compat & kCompatHasJournal) sb_.feature_incompat |= kIncompatRecover;
    return write_superblock_home();
}

Result<void> Ext2FileSystem::write_superblock_home() {
    sb_.wtime = static_cast<uint32_t>(FsTime::now().seconds);
    TRY(write_superblock_in_place(device_, sb_));
    if (!device_.flush().ok()) return Errno::EIO;
    return {};
}

Result<void> Ext2FileSystem::write_superblock_and_groups() {
    TRY(seal_changed_groups());
    sb_.wtime = static_cast<uint32_t>(FsTime::now().seconds);
    MetadataChecksums::seal_superblock(sb_);
    uint64_t sb_block = kSuperblockOffset / geo_.block_size;
    uint8_t* data = TRY(cache_.get(sb_block));
    memcpy(data + kSuperblockOffset % geo_.block_size, &sb_, sizeof(sb_));
    cache_.mark_dirty(sb_block, BlockKind::Metadata);
    size_t copied = 0;
    for (uint32_t i = 0; i < geo_.gdt_blocks && copied < gdt_.size(); ++i) {
        uint8_t* gd = TRY(cache_.get(geo_.gdt_block + i));
        size_t chunk = gdt_.size() - copied < geo_.block_size ? gdt_.size() - copied : geo_.block_size;
        if (memcmp(gd, &gdt_[copied], chunk) != 0) {
            memcpy(gd, &gdt_[copied], chunk);
            cache_.mark_dirty(geo_.gdt_block + i, BlockKind::Metadata);
        }
        copied += chunk;
    }
    return {};
}

Result<void> Ext2FileSystem::sync() {
    OperationGuard guard(*this);
    if (read_only() || unmounted_) return {};
    for (const CachedNode& n : nodes_) TRY(n.node->store(*n.inode));
    TRY(write_superblock_and_groups());
    // Ordered mode: data blocks are on the disk before the metadata that points at them.
    TRY(cache_.write_back_data());
    if (!device_.flush().ok()) return Errno::EIO;
    TRY(cache_.write_back_metadata([this](uint8_t* data, Seal seal) { seal_metadata_block(data, seal); },
                                   [this](std::span<const MetadataWrite> b) { return write_metadata_atomically(b); }));
    discard_freed_blocks(unmounting_);
    freed_since_commit_.clear();
    for (const CachedNode& n : nodes_) n.node->layout_committed();
    return {};
}

Result<void> Ext2FileSystem::discard_blocks(uint64_t first, uint64_t count) {
    const uint64_t sectors_per_block = geo_.block_size / BlockDevice::kSectorSize;
    return device_.discard(first * sectors_per_block, count * sectors_per_block);
}

void Ext2FileSystem::discard_freed_blocks(bool all) {
    if (discard_refused_) return;
    to_discard_.add_all(freed_since_commit_);
    if (to_discard_.empty() || (!all && to_discard_.block_count() * geo_.block_size < kDiscardBatchBytes)) return;
    for (const FreedBlocks::Run& run : to_discard_.runs()) {
        Result<void> discarded = discard_blocks(run.first, run.end - run.first);
        if (discarded.ok()) continue;
        discard_refused_ = true;
        if (discarded.error() != Errno::EOPNOTSUPP)
            log_info("ext2: the disk refused to discard freed blocks (errno %d); they are no longer discarded",
                     static_cast<int>(discarded.error()));
        break;
    }
    to_discard_.clear();
}

Result<void> Ext2FileSystem::sync_file_data(Inode& inode) {
    OperationGuard guard(*this);
    if (read_only() || unmounted_) return {};
    size_t pos = cache_position(static_cast<uint32_t>(inode.inode_number()));
    bool cached = pos < nodes_.size() && nodes_[pos].inode == &inode;
    if (!cached || nodes_[pos].node->layout_changed()) return sync();
    // Blocks written in place that committed metadata already points at (the ones freed since
    // are never reused for data before the next commit).
    TRY(cache_.write_back_data());
    if (!device_.flush().ok()) return Errno::EIO;
    return {};
}

void Ext2FileSystem::seal_metadata_block(uint8_t* data, Seal seal) const {
    if (seal.kind == SealKind::ExtentBlock) MetadataChecksums::seal_extent_block(seal.seed, data, geo_.block_size);
    // A directory block without a tail entry cannot hold its checksum: e2fsck will say so.
    if (seal.kind == SealKind::DirectoryBlock) (void)MetadataChecksums::seal_directory_block(seal.seed, data, geo_.block_size);
}

void Ext2FileSystem::end_operation() {
    // With a journal, one consistent point must fit one transaction: write back well before
    // the dirty metadata could outgrow it.
    bool journal_filling = journal_ && cache_.dirty_metadata_count() > journal_->max_transaction_blocks() / 2;
    if (cache_.over_dirty_limit() || journal_filling) {
        Result<void> synced = sync();
        if (!synced.ok()) log_error("ext2: write-back failed (errno %d)", static_cast<int>(synced.error()));
    }
    cache_.trim();
}

Result<void> Ext2FileSystem::unmount() {
    OperationGuard guard(*this);
    if (unmounted_) return {};
    Result<void> result = {};
    if (!read_only()) {
        // Files unlinked while open are freed now: the program that held them has ended.
        std::vector<CachedNode> nodes = nodes_;
        for (const CachedNode& n : nodes) {
            bool dir = n.inode->is_directory();
            if (n.inode->link_count() == 0 || (dir && static_cast<Directory*>(n.inode)->is_removed())) {
                n.node->release_on_disk(dir);
                forget_node(n.ino);
            }
        }
        unmounting_ = true;  // sync() discards every freed block still waiting
        result = sync();
        if (result.ok()) {
            // Everything is home and the journal is empty: only now may the superblock say
            // the file system is clean and needs no recovery.
            sb_.state |= kStateValid;
            sb_.feature_incompat &= ~kIncompatRecover;
            result = write_superblock_home();
        }
    }
    delete journal_;
    journal_ = nullptr;
    unmounted_ = true;
    return result;
}

bool Ext2FileSystem::usage(FsUsage& out) const {
    out.block_size = geo_.block_size;
    out.blocks = geo_.blocks_count;
    out.free_blocks = free_blocks_count();
    uint64_t reserved = sb_.r_blocks_count_lo | (incompat() & kIncompat64Bit ? static_cast<uint64_t>(sb_.r_blocks_count_hi) << 32 : 0);
    out.available_blocks = out.free_blocks > reserved ? out.free_blocks - reserved : 0;
    out.files = geo_.inodes_count;
    out.free_files = sb_.free_inodes_count;
    return true;
}

void Ext2FileSystem::note_large_file() {
    if (sb_.rev_level == 0 || (sb_.feature_ro_compat & kRoCompatLargeFile)) return;
    sb_.feature_ro_compat |= kRoCompatLargeFile;
}

Result<void> Ext2FileSystem::read_disk_inode(uint32_t ino, DiskInode& out) {
    if (ino == 0 || ino > geo_.inodes_count) return Errno::EIO;
    uint32_t g = (ino - 1) / geo_.inodes_per_group;
    uint64_t byte = static_cast<uint64_t>((ino - 1) % geo_.inodes_per_group) * geo_.inode_size;
    uint64_t block = inode_table_of(geo_, group(g)) + byte / geo_.block_size;
    uint8_t* data = TRY(cache_.get(block));
    const uint8_t* slot = data + byte % geo_.block_size;
    if (!csums_.inode_ok(ino, slot, geo_.inode_size)) {
        log_error("ext2: inode %u's checksum does not match", ino);
        return Errno::EIO;
    }
    memset(&out, 0, sizeof(out));
    size_t length = geo_.inode_size < sizeof(out) ? geo_.inode_size : sizeof(out);
    memcpy(&out, slot, length);
    if (geo_.inode_size > kGoodOldInodeSize) {
        if (uint32_t{kGoodOldInodeSize} + out.extra_isize > geo_.inode_size || out.extra_isize % 4) {
            log_error("ext2: inode %u has a bad i_extra_isize", ino);
            return Errno::EIO;
        }
        // Fields past i_extra_isize are not this inode's.
        size_t valid = kGoodOldInodeSize + out.extra_isize;
        if (valid < sizeof(out)) memset(reinterpret_cast<uint8_t*>(&out) + valid, 0, sizeof(out) - valid);
    }
    return {};
}

Result<void> Ext2FileSystem::write_disk_inode(uint32_t ino, const DiskInode& in) {
    if (read_only() || unmounted_) return {};
    if (ino == 0 || ino > geo_.inodes_count) return Errno::EIO;
    uint32_t g = (ino - 1) / geo_.inodes_per_group;
    uint64_t byte = static_cast<uint64_t>((ino - 1) % geo_.inodes_per_group) * geo_.inode_size;
    uint64_t block = inode_table_of(geo_, group(g)) + byte / geo_.block_size;
    uint8_t* data = TRY(cache_.get(block));
    size_t length = kGoodOldInodeSize;
    if (geo_.inode_size > kGoodOldInodeSize) length += in.extra_isize;
    if (length > sizeof(in)) length = sizeof(in);
    uint8_t* slot = data + byte % geo_.block_size;
    // The checksum fields are the table's to keep: an inode that changed nothing else is not
    // written again.
    DiskInode stored = in;
    memcpy(&stored.checksum_lo, slot + offsetof(DiskInode, checksum_lo), sizeof stored.checksum_lo);
    if (length > offsetof(DiskInode, checksum_hi))
        memcpy(&stored.checksum_hi, slot + offsetof(DiskInode, checksum_hi), sizeof stored.checksum_hi);
    if (memcmp(slot, &stored, length) == 0) return {};
    memcpy(slot, &stored, length);
    csums_.seal_inode(ino, slot, geo_.inode_size);
    cache_.mark_dirty(block, BlockKind::Metadata);
    return {};
}

size_t Ext2FileSystem::cache_position(uint32_t ino) const {
    size_t lo = 0, hi = nodes_.size();
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (nodes_[mid].ino < ino) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void Ext2FileSystem::forget_node(uint32_t ino) {
    size_t pos = cache_position(ino);
    if (pos < nodes_.size() && nodes_[pos].ino == ino) nodes_.erase(nodes_.begin() + pos);
}

Result<InodeRef> Ext2FileSystem::get_inode(uint32_t ino, const DirectoryRef& parent) {
    if (unmounted_) return Errno::EIO;
    size_t pos = cache_position(ino);
    if (pos < nodes_.size() && nodes_[pos].ino == ino) return InodeRef(nodes_[pos].inode);
    if (ino < kRootInode || ino > geo_.inodes_count || (ino < geo_.first_ino && ino != kRootInode)) {
        log_error("ext2: directory entry names reserved or out-of-range inode %u", ino);
        return Errno::EIO;
    }
    DiskInode disk;
    TRY(read_disk_inode(ino, disk));
    if (disk.links_count == 0 || disk.mode == 0) {
        log_error("ext2: directory entry names unused inode %u", ino);
        return Errno::EIO;
    }
    return make_object(ino, disk, parent);
}

Result<InodeRef> Ext2FileSystem::make_object(uint32_t ino, const DiskInode& disk, const DirectoryRef& parent) {
    InodeRef object;
    Ext2Node* node = nullptr;
    switch (disk.mode & kModeTypeMask) {
    case kModeDirectory: {
        auto* dir = new (std::nothrow_t{}) Ext2Directory(*this, ino, disk, parent);
        if (dir) node = &dir->node();
        object = InodeRef(dir);
        break;
    }
    case kModeRegular: {
        auto* file = new (std::nothrow_t{}) Ext2File(*this, ino, disk);
        if (file) node = &file->node();
        object = InodeRef(file);
        break;
    }
    case kModeSymlink: {
        auto* link = new (std::nothrow_t{}) Ext2Symlink(*this, ino, disk);
        if (link) node = &link->node();
        object = InodeRef(link);
        break;
    }
    default:
        log_info("ext2: inode %u is a device, FIFO or socket, which this driver does not open", ino);
        return Errno::EOPNOTSUPP;
    }
    if (!object) return Errno::ENOMEM;
    nodes_.insert(nodes_.begin() + cache_position(ino), CachedNode{ino, object.get(), node});
    return object;
}

Result<InodeRef> Ext2FileSystem::create_inode(uint32_t parent_ino, uint16_t mode, const DirectoryRef& parent) {
    bool directory = (mode & kModeTypeMask) == kModeDirectory;
    uint32_t ino = TRY(allocate_inode(parent_ino, directory));
    // A reused slot may hold a deleted inode's extended attributes past i_extra_isize.
    uint32_t g = (ino - 1) / geo_.inodes_per_group;
    uint64_t byte = static_cast<uint64_t>((ino - 1) % geo_.inodes_per_group) * geo_.inode_size;
    uint64_t table_block = inode_table_of(geo_, group(g)) + byte / geo_.block_size;
    Result<uint8_t*> table = cache_.get(table_block);
    if (!table.ok()) {
        free_inode(ino, directory);
        return table.error();
    }
    memset(table.value() + byte % geo_.block_size, 0, geo_.inode_size);
    cache_.mark_dirty(table_block, BlockKind::Metadata);
    DiskInode disk;
    memset(&disk, 0, sizeof(disk));
    Ext2Node scratch(*this, ino, disk);
    bool extents = has_extents() && (mode & kModeTypeMask) != kModeSymlink;
    scratch.init_new(mode, extents);
    Result<InodeRef> made = make_object(ino, scratch.disk(), parent);
    if (!made.ok()) free_inode(ino, directory);
    return made;
}

Result<DirectoryRef> Ext2FileSystem::root(DirectoryRef parent) {
    OperationGuard guard(*this);
    InodeRef inode = TRY(get_inode(kRootInode, parent));
    if (!inode->is_directory()) {
        log_error("ext2: not mounting: the root inode is not a directory");
        return Errno::EINVAL;
    }
    DirectoryRef dir = as_directory(inode);
    dir->set_parent(std::move(parent));
    return dir;
}

}  // namespace ingot::ext2
