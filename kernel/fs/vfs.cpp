#include <fs/vfs.h>

#include <utility>

namespace ingot::vfs {
namespace {
// A counted reference held by hand: a global RefPtr would need a static destructor, which
// the freestanding kernel does not run.
constinit Directory* root_directory = nullptr;
}  // namespace

DirectoryRef root() { return DirectoryRef(root_directory); }

void set_root(DirectoryRef new_root) {
    Directory* old = root_directory;
    root_directory = new_root.leak();
    if (old) {
        old->detach_tree();
        old->unref();
    }
}

Result<OwnedString> absolute_path(const DirectoryRef& dir) {
    DirectoryRef top = root();
    OwnedString path;
    DirectoryRef current = dir;
    while (current != top) {
        if (current->is_removed()) return Errno::ENOENT;
        DirectoryRef parent = current->parent();
        std::string_view name;
        if (!parent || !parent->name_of(*current, name)) return Errno::ENOENT;
        path.prepend(name);
        path.prepend("/");
        current = std::move(parent);
    }
    if (path.empty()) path.append('/');
    return path;
}

Result<ResolvedPath> lookup(DirectoryRef start, std::string_view path, bool follow) {
    PathResolver resolver;
    return resolver.resolve(std::move(start), path, follow);
}

bool contents_writable(const Inode& inode) {
    return inode.is_char_device() || inode.is_block_device() || !inode.fs().read_only();
}

Result<void> truncate(Inode& inode, uint64_t length) {
    if (inode.is_directory()) return Errno::EISDIR;
    if (!inode.is_regular()) return Errno::EINVAL;
    if (inode.fs().read_only()) return Errno::EROFS;
    return inode.truncate(length);
}

}  // namespace ingot::vfs
