#include <fs/directory.h>

#include <utility>

namespace ingot {

Directory::Directory(RefPtr<FileSystem> fs, uint32_t permissions, RefPtr<Directory> parent)
    : Inode(InodeType::Directory, std::move(fs), permissions), parent_(std::move(parent)) {}

bool Directory::read_entry(uint64_t cookie, DirEntry& out) {
    if (cookie == 0) {
        out.name = ".";
        out.inode_number = inode_number();
        out.type = dirent_type_for_mode(kModeDirectory);
        out.cookie = 0;
        return true;
    }
    if (cookie == 1) {
        out.name = "..";
        out.inode_number = parent_ ? parent_->inode_number() : inode_number();
        out.type = dirent_type_for_mode(kModeDirectory);
        out.cookie = 1;
        return true;
    }
    return next_child(cookie, out);
}

bool Directory::name_of(const Inode&, std::string_view&) const { return false; }

Result<void> Directory::add_entry(std::string_view, InodeRef) { return Errno::EPERM; }

Result<void> Directory::remove_entry(std::string_view) { return Errno::EPERM; }

}  // namespace ingot
