// Regular files and symbolic links on an ext2/ext4 disk. Each object owns its Ext2Node; the
// file system's inode cache finds it by number while it lives. When the last reference goes
// and no name links it any more, its blocks and inode are freed (unlink of an open file keeps
// the data until the last descriptor closes, as on Linux).
#pragma once

#include <fs/ext2/ext2_node.h>
#include <fs/inode.h>

namespace ingot::ext2 {

class Ext2File final : public Inode {
public:
    Ext2File(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk);
    ~Ext2File() override;

    Ext2Node& node() { return node_; }
    uint64_t size() const override { return node_.size(); }
    uint64_t allocated_bytes() const override { return node_.allocated_bytes(); }
    Result<size_t> read_at(uint64_t offset, IoBuffer& dst) override;
    Result<size_t> write_at(uint64_t offset, IoBuffer& src) override;
    Result<void> truncate(uint64_t length) override;
    void drop_cached(uint64_t offset, uint64_t length) override;
    // Unwritten extents over the holes of the range (ext4 files); punching holes is not
    // supported (EOPNOTSUPP).
    Result<void> allocate(uint64_t offset, uint64_t length, bool keep_size) override;
    Result<void> punch_hole(uint64_t offset, uint64_t length) override;
    // As ext4 does it: the blocks inside the range go and unwritten extents take their place.
    Result<void> zero_range(uint64_t offset, uint64_t length, bool keep_size) override;
    // SEEK_DATA/SEEK_HOLE from the block map: holes and unwritten extents read as zeros and
    // count as holes, as ext4 reports them; from a block whose mapping cannot be read on, the
    // file counts as data.
    uint64_t next_data(uint64_t offset) const override { return next_of_kind(offset, true); }
    uint64_t next_hole(uint64_t offset) const override { return next_of_kind(offset, false); }

private:
    uint64_t next_of_kind(uint64_t offset, bool data) const;
    // read_at and write_at: `write` says which way the bytes go.
    Result<size_t> transfer(uint64_t offset, IoBuffer& buffer, bool write);

    Ext2Node node_;
};

class Ext2Symlink final : public Inode {
public:
    Ext2Symlink(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk);
    ~Ext2Symlink() override;

    Ext2Node& node() { return node_; }
    uint64_t size() const override { return node_.size(); }
    uint64_t allocated_bytes() const override { return node_.allocated_bytes(); }
    Result<OwnedString> read_link() const override;
    // Stores target: in i_block when it fits (a "fast" link), else in a data block.
    Result<void> set_target(std::string_view target);

private:
    mutable Ext2Node node_;
};

// Shared end of life for ext2 inode objects: frees the inode on disk when it is no longer
// linked, otherwise writes it back; then leaves the inode cache.
void retire_node(Ext2Node& node, const Inode& self, bool unlinked);

}  // namespace ingot::ext2
