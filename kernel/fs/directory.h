// A directory inode: named children, a parent for "..", and entry enumeration for
// getdents64(2). Enumeration is positioned by cookies that stay valid while entries are
// added or removed, so a listing resumed through the file offset neither repeats nor skips an
// entry that was there throughout (readdir(3) gives no stronger guarantee).
#pragma once

#include <fs/inode.h>

#include <cstdint>
#include <string_view>

namespace ingot {

struct DirEntry {
    std::string_view name;
    uint64_t inode_number = 0;
    uint8_t type = 0;     // d_type (DT_DIR, DT_REG, ...)
    uint64_t cookie = 0;  // this entry's position; the next read starts at cookie + 1
    char name_storage[24];  // backing for names made up on the fly (/proc/self/fd/N)
};

class Directory : public Inode {
public:
    // Cookies 0 and 1 are "." and ".."; children start here.
    static constexpr uint64_t kFirstChildCookie = 2;

    // The directory ".." leads to; null for the root, whose ".." is itself.
    RefPtr<Directory> parent() const { return parent_; }
    void set_parent(RefPtr<Directory> parent) { parent_ = std::move(parent); }
    // Removed by rmdir or replaced by rename: it stays usable as a cwd but holds nothing
    // and cannot gain entries (ENOENT, as on Linux).
    bool is_removed() const { return removed_; }
    // Disk file systems also drop the directory's own links here.
    virtual void mark_removed() { removed_ = true; }

    // The child called name (one component, never "." or ".."); ENOENT when absent.
    virtual Result<InodeRef> lookup(std::string_view name) = 0;
    // Fills out with the first entry at or after cookie, "." and ".." included; false at the end.
    bool read_entry(uint64_t cookie, DirEntry& out);
    // The name under which child is linked here; false if it is not.
    virtual bool name_of(const Inode& child, std::string_view& name) const;
    virtual bool is_empty() const = 0;

    // Links inode under name (EEXIST if taken). Directories that hold no stored entries
    // (/proc/self/fd) answer EPERM. The caller has checked the file system is writable.
    virtual Result<void> add_entry(std::string_view name, InodeRef inode);
    // Unlinks name (ENOENT if absent).
    virtual Result<void> remove_entry(std::string_view name);

    // Makes a new inode in this directory's file system and links it here under name, in one
    // step so that a disk file system never holds an inode without a name. The caller has
    // checked that name is absent, this directory is not removed and the file system is
    // writable. The defaults make tmpfs objects (RamFile, RamDirectory, Symlink).
    virtual Result<InodeRef> create_file(std::string_view name, uint32_t permissions);
    virtual Result<InodeRef> create_directory(std::string_view name, uint32_t permissions);
    virtual Result<InodeRef> create_symlink(std::string_view name, std::string_view target);

    // Empties this directory and every directory below it, and forgets the parent: a tree
    // being replaced is taken apart so that the parent/child references do not keep it alive.
    virtual void detach_tree() { parent_ = nullptr; }

    uint64_t link_count() const override { return 2 + subdirectory_count(); }
    virtual uint64_t subdirectory_count() const { return 0; }

protected:
    Directory(RefPtr<FileSystem> fs, uint32_t permissions, RefPtr<Directory> parent);
    Directory(RefPtr<FileSystem> fs, uint32_t permissions, RefPtr<Directory> parent, uint64_t inode_number);
    // Like read_entry, for children only (cookie >= kFirstChildCookie).
    virtual bool next_child(uint64_t cookie, DirEntry& out) = 0;

private:
    RefPtr<Directory> parent_;
    bool removed_ = false;
};

using DirectoryRef = RefPtr<Directory>;

// The directory behind an inode known to be one (every Directory-typed inode is a Directory).
inline DirectoryRef as_directory(const InodeRef& inode) { return static_ref_cast<Directory>(inode); }

}  // namespace ingot
