// A directory on an ext2/ext4 disk: lookups and enumeration over its entry blocks, entries
// added and removed in place, the link counts of directories (each subdirectory's ".." links
// its parent; with dir_nlink a count past 65000 is stored as 1), and creation of files,
// directories and symlinks in this file system.
#pragma once

#include <fs/directory.h>
#include <fs/ext2/dir_entries.h>
#include <fs/ext2/ext2_node.h>

namespace ingot::ext2 {

class Ext2Directory final : public Directory {
public:
    Ext2Directory(Ext2FileSystem& fs, uint32_t ino, const DiskInode& disk, DirectoryRef parent);
    ~Ext2Directory() override;

    Ext2Node& node() { return node_; }
    Result<InodeRef> lookup(std::string_view name) override;
    bool name_of(const Inode& child, std::string_view& name) const override;
    bool is_empty() const override;
    Result<void> add_entry(std::string_view name, InodeRef inode) override;
    Result<void> remove_entry(std::string_view name) override;
    Result<InodeRef> create_file(std::string_view name, uint32_t permissions) override;
    Result<InodeRef> create_directory(std::string_view name, uint32_t permissions) override;
    Result<InodeRef> create_symlink(std::string_view name, std::string_view target) override;
    void mark_removed() override;

    uint64_t link_count() const override { return links_; }
    uint64_t size() const override { return node_.size(); }
    uint64_t allocated_bytes() const override { return node_.allocated_bytes(); }

protected:
    bool next_child(uint64_t cookie, DirEntry& out) override;

private:
    Ext2FileSystem& ext2() const { return node_.fs(); }
    // Links a freshly made inode under name; on failure the inode is unlinked again so that
    // dropping it frees it.
    Result<InodeRef> link_new(std::string_view name, InodeRef inode);
    void increment_links();
    void decrement_links();

    mutable Ext2Node node_;
    mutable DirEntries entries_;
    uint64_t links_;
};

// The d_type / EXT2_FT_* of an inode mode.
uint8_t file_type_of_mode(uint32_t mode);

}  // namespace ingot::ext2
