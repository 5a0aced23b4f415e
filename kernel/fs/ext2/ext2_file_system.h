// A mounted ext2/ext3/ext4 file system: the validated geometry, the group descriptors and
// superblock kept in memory, the block cache, block and inode allocation, and the inode cache
// that keeps one in-memory object per inode number.
//
// Consistency: one operation at a time (OperationGuard), so between operations everything
// cached is a consistent file system; sync() writes such a point out in ordered mode (file
// data, flush, then every dirty metadata block through write_metadata_atomically, one jbd2
// transaction on has_journal file systems). A journal a crash left full is replayed at mount.
//
// Checksums (metadata_csum, gdt_csum; metadata_checksum.h): inodes are sealed as they are
// stored, group descriptors, bitmaps and the superblock when they are copied out at sync,
// extent tree and directory blocks by the block cache just before they are written.
#pragma once

#include <block/block_device.h>
#include <fs/directory.h>
#include <fs/ext2/block_cache.h>
#include <fs/ext2/dir_index_cache.h>
#include <fs/ext2/freed_blocks.h>
#include <fs/ext2/geometry.h>
#include <fs/ext2/metadata_checksum.h>
#include <fs/file_system.h>
#include <lib/result.h>
#include <proc/sleep_lock.h>

#include <cstdint>
#include <span>
#include <vector>

namespace ingot::ext2 {

class Ext2Node;
class Journal;

inline constexpr uint64_t kExt2Magic = 0xEF53;  // statfs f_type (EXT2/3/4_SUPER_MAGIC)

class Ext2FileSystem final : public FileSystem {
public:
    // Reads and validates the file system on device. read_only mounts it read-only even when
    // it could be written. EINVAL for an image this driver cannot use, EIO for device errors.
    static Result<RefPtr<Ext2FileSystem>> mount(BlockDevice& device, bool read_only);
    ~Ext2FileSystem() override;

    // The root directory, whose ".." is parent (the directory the mount hides).
    Result<DirectoryRef> root(DirectoryRef parent);
    // Writes back everything, marks the file system clean and stops using the device; later
    // calls on its inodes fail with EIO.
    Result<void> unmount();
    bool unmounted() const { return unmounted_; }

    bool usage(FsUsage& out) const override;
    Result<void> sync() override;
    // Commits first, so that no block freed since the last commit is discarded (a crash would
    // bring back its owner), then discards every free run, as ext4_trim_fs does.
    Result<uint64_t> trim(uint64_t start, uint64_t length, uint64_t min_length) override;
    // An overwrite within the file's blocks needs only the data written and a flush.
    Result<void> sync_file_data(Inode& inode) override;
    // Writes back when too much is dirty and trims the cache; called when an operation ends.
    void end_operation();

    // Held by every entry point from the VFS for the length of the call. An operation that
    // waits for the disk lets other threads run; without this, another thread's operation
    // would see half-made changes, evict cached blocks the waiting one still points into, or
    // dirty blocks that a write-back in progress is about to mark clean. Recursive: dropping
    // the last reference to an inode inside an operation writes the inode back.
    class OperationGuard {
    public:
        explicit OperationGuard(Ext2FileSystem& fs) : fs_(fs), outermost_(fs.operation_lock_.lock() == 1) {
            if (outermost_) fs.cache_.begin_operation();
        }
        ~OperationGuard() { fs_.operation_lock_.unlock(); }
        OperationGuard(const OperationGuard&) = delete;
        OperationGuard& operator=(const OperationGuard&) = delete;
        // A long call goes on as a new operation (after end_operation()): the blocks the
        // previous steps used may be reclaimed. Inside another operation nothing changes.
        void begin_next_step() {
            if (outermost_) fs_.cache_.begin_operation();
        }

    private:
        Ext2FileSystem& fs_;
        bool outermost_;
    };

    // --- used by the inode classes ---
    const Geometry& geometry() const { return geo_; }
    BlockCache& cache() { return cache_; }
    DirIndexCache& dir_indexes() { return dir_indexes_; }
    bool has_extents() const { return incompat() & kIncompatExtents; }
    bool has_filetype() const { return incompat() & kIncompatFiletype; }
    bool has_dir_nlink() const { return ro_compat() & kRoCompatDirNlink; }
    const MetadataChecksums& checksums() const { return csums_; }
    // Files over 2 GiB need large_file: set it the first time one appears (as Linux does).
    void note_large_file();
    // The largest file size in bytes: revision 0 has no large_file feature (2 GiB - 1).
    uint64_t max_file_bytes() const { return sb_.rev_level ? ~0ull : 0x7fffffffull; }

    // The object for inode number ino, loaded if not cached; parent becomes the ".." of a
    // directory loaded here. EIO for a number out of range or an inode that is not in use.
    Result<InodeRef> get_inode(uint32_t ino, const DirectoryRef& parent);
    // Makes a new inode object of mode's type (a fresh on-disk inode) near parent_ino.
    Result<InodeRef> create_inode(uint32_t parent_ino, uint16_t mode, const DirectoryRef& parent);
    void forget_node(uint32_t ino);

    Result<void> read_disk_inode(uint32_t ino, DiskInode& out);
    // Stores the first inode_size bytes of `in`, extra fields limited to in.extra_isize.
    Result<void> write_disk_inode(uint32_t ino, const DiskInode& in);

    // Allocates a free block, searching from goal; ENOSPC when none is left.
    Result<uint64_t> allocate_block(uint64_t goal);
    void free_blocks(uint64_t first, uint64_t count);
    // Allocates a free inode, preferring parent_ino's group; ENOSPC when none is left.
    Result<uint32_t> allocate_inode(uint32_t parent_ino, bool directory);
    void free_inode(uint32_t ino, bool directory);

    // The orphan list (orphan_list.cpp): inodes whose last link is gone while a program still
    // holds them. The list is committed with the unlink, so that after a crash the next mount
    // frees them, instead of leaving in-use inodes nothing points at.
    void join_orphan_list(Ext2Node& node);
    void leave_orphan_list(Ext2Node& node);

    // Writes one consistent point's metadata blocks to their home locations and flushes: in
    // place without a journal, as one journal transaction with one.
    Result<void> write_metadata_atomically(std::span<const MetadataWrite> blocks);
    // Once a commit is durable: the blocks it freed (freed_since_commit_) join to_discard_,
    // and once those reach kDiscardBatchBytes (or at the unmount, `all`) the disk is told they
    // are unused, as ext4's `discard` mount option does (fs/ext4/mballoc.c,
    // ext4_free_data_in_buddy), so that a sparse disk image gives their space back to the
    // host. Blocks taken again before leave to_discard_: a small file deleted and remade at
    // every commit (SQLite's rollback journal) costs no discard at all. Stops for good, with
    // one line, when the disk refuses; a disk without discard is left alone silently.
    void discard_freed_blocks(bool all);
    // Tells the disk that file-system blocks [first, first + count) are unused.
    Result<void> discard_blocks(uint64_t first, uint64_t count);
    static constexpr uint64_t kDiscardBatchBytes = 1 << 20;

private:
    struct CachedNode {
        uint32_t ino;
        Inode* inode;
        Ext2Node* node;
    };
    Ext2FileSystem(BlockDevice& device, const Superblock& sb, const Geometry& geo, bool read_only);
    Result<void> load_group_descriptors();
    // The internal journal (inode s_journal_inum) opened into journal_ (ext2_journalling.cpp).
    Result<void> open_journal();
    // Replays the journal a crash left behind, then clears the needs-recovery flag on the disk.
    static Result<void> replay_journal(BlockDevice& device, const Superblock& sb, const Geometry& geo);
    // The superblock's bytes straight from and to the device, past the cache.
    static Result<void> read_superblock(BlockDevice& device, Superblock& out);
    static Result<void> write_superblock_in_place(BlockDevice& device, Superblock sb);  // sealed
    Result<void> write_superblock_and_groups();
    Result<void> mark_mounted();
    // Whether the orphan list a crash left behind is one this driver can walk (logged if not).
    bool orphan_list_intact();
    // Frees what the orphan list a crash left behind holds, at a read-write mount.
    Result<void> release_orphans();
    // Writes sb_ to its home past the cache and the journal, then flushes.
    Result<void> write_superblock_home();
    Result<InodeRef> make_object(uint32_t ino, const DiskInode& disk, const DirectoryRef& parent);
    size_t cache_position(uint32_t ino) const;
    GroupDesc& group(uint32_t g) { return *reinterpret_cast<GroupDesc*>(&gdt_[static_cast<size_t>(g) * geo_.desc_size]); }
    uint32_t incompat() const { return sb_.rev_level ? sb_.feature_incompat : 0; }
    uint32_t ro_compat() const { return sb_.rev_level ? sb_.feature_ro_compat : 0; }
    uint64_t free_blocks_count() const;
    void set_free_blocks_count(uint64_t n);
    Result<uint64_t> allocate_in_group(uint32_t g, uint32_t start);
    void adjust_group_counts(uint32_t g, int32_t blocks, int32_t inodes, int32_t dirs);
    bool group_has_super(uint32_t g) const;
    // A bitmap of group g through the cache; read from the disk, it must match the checksum
    // its descriptor holds for its first `bytes` bytes (metadata_csum; `stored` as
    // block_bitmap_checksum_of or inode_bitmap_checksum_of reads it).
    Result<uint8_t*> checked_bitmap(uint32_t g, uint64_t block, uint32_t bytes, uint32_t stored);
    // Group g's bitmaps through the cache, built when the group says they never were.
    Result<uint8_t*> block_bitmap(uint32_t g);
    Result<uint8_t*> inode_bitmap(uint32_t g);
    // Group descriptor checksums: which descriptors changed, and their recomputation.
    void note_group_changed(uint32_t g);
    Result<void> seal_changed_groups();
    void seal_metadata_block(uint8_t* data, Seal seal) const;
    // False (logged) when a descriptor's checksum does not match.
    bool group_checksums_match();

    BlockDevice& device_;
    Superblock sb_;
    Geometry geo_;
    std::vector<uint8_t> gdt_;
    MetadataChecksums csums_;
    std::vector<uint8_t> group_changed_;  // per group, with descriptor checksums
    BlockCache cache_;
    DirIndexCache dir_indexes_;
    std::vector<CachedNode> nodes_;  // sorted by ino
    Journal* journal_ = nullptr;  // owned; null without has_journal or on read-only mounts
    FreedBlocks freed_since_commit_;
    FreedBlocks to_discard_;  // freed by durable commits, not yet discarded
    bool unmounted_ = false;
    bool discard_refused_ = false;
    bool unmounting_ = false;
    uint32_t next_inode_hint_ = 0;
    SleepLock operation_lock_;
    friend class Ext2Node;
};

}  // namespace ingot::ext2
