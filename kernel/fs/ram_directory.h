// A directory whose entries live in memory: every directory of the read-only root (built from
// the archive), of tmpfs, /dev and /proc. Entries are kept in creation order, each with a
// cookie that only grows, so getdents64 resumes by binary search; names are found through an
// open-addressing hash index, so building a root with thousands of files in one directory
// stays linear.
#pragma once

#include <fs/directory.h>
#include <fs/owned_string.h>

#include <cstdint>
#include <vector>

namespace ingot {

class RamDirectory final : public Directory {
public:
    RamDirectory(RefPtr<FileSystem> fs, uint32_t permissions, RefPtr<Directory> parent);

    Result<InodeRef> lookup(std::string_view name) override;
    bool name_of(const Inode& child, std::string_view& name) const override;
    bool is_empty() const override { return entries_.empty(); }
    Result<void> add_entry(std::string_view name, InodeRef inode) override;
    Result<void> remove_entry(std::string_view name) override;
    uint64_t subdirectory_count() const override { return subdirectories_; }
    void detach_tree() override;
    // tmpfs reports 20 bytes per entry, "." and ".." included (BOGO_DIRENT_SIZE, mm/shmem.c).
    uint64_t size() const override { return (entries_.size() + 2) * 20; }
    uint64_t entry_count() const { return entries_.size(); }

protected:
    bool next_child(uint64_t cookie, DirEntry& out) override;

private:
    struct Entry {
        OwnedString name;
        InodeRef inode;
        uint64_t cookie;
    };
    static constexpr uint32_t kEmptySlot = 0xffffffff;

    // Index of the entry called name in entries_, or -1.
    int64_t find(std::string_view name) const;
    void index_insert(uint32_t entry_index);
    void rebuild_index(size_t slot_count);

    std::vector<Entry> entries_;
    std::vector<uint32_t> index_;  // power-of-two table of entry indices, kEmptySlot when free
    uint64_t next_cookie_ = kFirstChildCookie;
    uint64_t subdirectories_ = 0;
};

}  // namespace ingot
