#include <fs/directory.h>
#include <fs/ram_directory.h>
#include <fs/ram_file.h>
#include <fs/symlink.h>

#include <utility>

namespace ingot {

Directory::Directory(RefPtr<FileSystem> fs, uint32_t permissions, RefPtr<Directory> parent)
    : Inode(InodeType::Directory, std::move(fs), permissions), parent_(std::move(parent)) {}

Directory::Directory(RefPtr<FileSystem> fs, uint32_t permissions, RefPtr<Directory> parent, uint64_t inode_number)
    : Inode(InodeType::Directory, std::move(fs), permissions, inode_number), parent_(std::move(parent)) {}

Result<InodeRef> Directory::create_file(std::string_view name, uint32_t permissions) {
    InodeRef file(new RamFile(RefPtr<FileSystem>(&fs()), permissions));
    TRY(add_entry(name, file));
    return file;
}

Result<InodeRef> Directory::create_directory(std::string_view name, uint32_t permissions) {
    InodeRef dir(new RamDirectory(RefPtr<FileSystem>(&fs()), permissions, DirectoryRef(this)));
    TRY(add_entry(name, dir));
    return dir;
}

Result<InodeRef> Directory::create_symlink(std::string_view name, std::string_view target) {
    InodeRef link(new Symlink(RefPtr<FileSystem>(&fs()), target));
    TRY(add_entry(name, link));
    return link;
}

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
