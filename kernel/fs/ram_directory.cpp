#include <fs/ram_directory.h>

#include <algorithm>
#include <utility>

namespace ingot {
namespace {

// FNV-1a: short names, no adversary can do worse than a linear probe sequence.
uint64_t hash_name(std::string_view name) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (char c : name) hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    return hash;
}

}  // namespace

RamDirectory::RamDirectory(RefPtr<FileSystem> fs, uint32_t permissions, RefPtr<Directory> parent)
    : Directory(std::move(fs), permissions, std::move(parent)) {}

int64_t RamDirectory::find(std::string_view name) const {
    if (index_.empty()) return -1;
    size_t mask = index_.size() - 1;
    for (size_t slot = hash_name(name) & mask;; slot = (slot + 1) & mask) {
        uint32_t entry = index_[slot];
        if (entry == kEmptySlot) return -1;
        if (entries_[entry].name.view() == name) return entry;
    }
}

void RamDirectory::index_insert(uint32_t entry_index) {
    size_t mask = index_.size() - 1;
    size_t slot = hash_name(entries_[entry_index].name.view()) & mask;
    while (index_[slot] != kEmptySlot) slot = (slot + 1) & mask;
    index_[slot] = entry_index;
}

void RamDirectory::rebuild_index(size_t slot_count) {
    index_.assign(slot_count, kEmptySlot);
    for (uint32_t i = 0; i < entries_.size(); ++i) index_insert(i);
}

Result<InodeRef> RamDirectory::lookup(std::string_view name) {
    int64_t i = find(name);
    if (i < 0) return Errno::ENOENT;
    return entries_[i].inode;
}

bool RamDirectory::name_of(const Inode& child, std::string_view& name) const {
    for (const Entry& entry : entries_) {
        if (entry.inode.get() == &child) {
            name = entry.name.view();
            return true;
        }
    }
    return false;
}

Result<void> RamDirectory::add_entry(std::string_view name, InodeRef inode) {
    if (is_removed()) return Errno::ENOENT;
    if (find(name) >= 0) return Errno::EEXIST;
    if (entries_.size() >= kEmptySlot / 2) return Errno::ENOSPC;
    if (inode->is_directory()) ++subdirectories_;
    entries_.push_back(Entry{OwnedString(name), std::move(inode), next_cookie_++});
    // Keep the table at most half full so probe sequences stay short.
    if (entries_.size() * 2 > index_.size())
        rebuild_index(index_.empty() ? 16 : index_.size() * 2);
    else
        index_insert(static_cast<uint32_t>(entries_.size() - 1));
    return {};
}

Result<void> RamDirectory::remove_entry(std::string_view name) {
    int64_t i = find(name);
    if (i < 0) return Errno::ENOENT;
    if (entries_[i].inode->is_directory()) --subdirectories_;
    entries_.erase(entries_.begin() + i);
    // Entry indices after i moved down by one; rebuilding is as cheap as the erase was.
    rebuild_index(index_.size());
    return {};
}

void RamDirectory::detach_tree() {
    std::vector<Entry> entries = std::move(entries_);
    entries_.clear();
    index_.clear();
    subdirectories_ = 0;
    for (Entry& entry : entries)
        if (entry.inode->is_directory()) as_directory(entry.inode)->detach_tree();
    Directory::detach_tree();
}

bool RamDirectory::next_child(uint64_t cookie, DirEntry& out) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), cookie,
                               [](const Entry& entry, uint64_t c) { return entry.cookie < c; });
    if (it == entries_.end()) return false;
    out.name = it->name.view();
    out.inode_number = it->inode->inode_number();
    out.type = dirent_type_for_mode(it->inode->mode());
    out.cookie = it->cookie;
    return true;
}

}  // namespace ingot
