#include <fs/vfs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

#include <utility>
#include <vector>

namespace ingot::sys_fs {

Result<OpenFileRef> file_arg(uint64_t raw_fd, bool allow_path_only) {
    OpenFileRef file = TRY(current_fs().fds.get(int_arg(raw_fd)));
    if (file->is_path_only() && !allow_path_only) return Errno::EBADF;
    return file;
}

Result<OwnedString> path_arg(uint64_t user_path) {
    if (user_path == 0) return Errno::EFAULT;
    std::vector<char> buffer(kPathMax);
    size_t length = TRY(copy_string_from_user(buffer.data(), buffer.size(), user_path));
    return OwnedString(std::string_view(buffer.data(), length));
}

Result<DirectoryRef> start_directory(int dirfd, std::string_view path) {
    if (!path.empty() && path[0] == '/') return vfs::root();
    if (dirfd == linux_abi::kAtFdCwd) return current_working_directory();
    OpenFileRef file = TRY(current_fs().fds.get(dirfd));
    if (!file->is_directory()) return Errno::ENOTDIR;
    return as_directory(file->inode());
}

Result<PathTarget> lookup_at(int dirfd, uint64_t user_path, bool follow, bool allow_empty) {
    OwnedString path = TRY(path_arg(user_path));
    PathTarget target;
    if (path.empty()) {
        if (!allow_empty) return Errno::ENOENT;
        if (dirfd == linux_abi::kAtFdCwd) {
            target.path.inode = InodeRef(current_working_directory());
        } else {
            target.file = TRY(current_fs().fds.get(dirfd));
        }
        return target;
    }
    DirectoryRef start = TRY(start_directory(dirfd, path.view()));
    target.path = TRY(vfs::lookup(std::move(start), path.view(), follow));
    return target;
}

}  // namespace ingot::sys_fs
