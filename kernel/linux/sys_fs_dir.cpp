// Directories: getdents64, getcwd, chdir, fchdir, mkdir, mkdirat, rmdir (getdents64(2),
// getcwd(2), chdir(2), mkdir(2), rmdir(2)).
#include <fs/vfs.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

#include <cstring>
#include <utility>

namespace ingot {
namespace {

using namespace linux_abi;
using sys_fs::int_arg;

// mkdir(2): "mode & ~umask & 01777" (set-user/group-ID bits are not taken from mode).
Result<int64_t> make_directory_at(int dirfd, uint64_t user_path, uint32_t mode) {
    OwnedString path = TRY(sys_fs::path_arg(user_path));
    if (path.empty()) return Errno::ENOENT;
    DirectoryRef start = TRY(sys_fs::start_directory(dirfd, path.view()));
    TRY(vfs::make_directory(std::move(start), path.view(), mode & 01777 & ~current_fs().umask));
    return 0;
}

constexpr size_t align8(size_t n) { return (n + 7) & ~size_t{7}; }

}  // namespace

// getdents64(fd, dirp, count): as many whole records as fit; EINVAL when not even the next one
// does. The file offset is the cookie of the next entry, so a listing continues across calls
// (and lseek(fd, 0, SEEK_SET) restarts it).
Result<int64_t> sys_getdents64(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0]));
    uint64_t buffer = args.a[1];
    size_t capacity = static_cast<uint32_t>(args.a[2]);
    if (!is_user_range(buffer, capacity)) return Errno::EFAULT;
    if (!file->is_directory()) return Errno::ENOTDIR;
    DirectoryRef dir = as_directory(file->inode());
    size_t written = 0;
    DirEntry entry;
    while (dir->read_entry(file->offset(), entry)) {
        size_t record_size = align8(sizeof(Dirent64Head) + entry.name.size() + 1);
        if (record_size > capacity - written) {
            if (written == 0) return Errno::EINVAL;
            break;
        }
        // One record: the head, the name, then NULs up to the 8-byte boundary.
        uint8_t record[align8(sizeof(Dirent64Head) + kNameMax + 1)] = {};
        Dirent64Head head{entry.inode_number, static_cast<int64_t>(entry.cookie + 1),
                          static_cast<uint16_t>(record_size), entry.type};
        memcpy(record, &head, sizeof(head));
        memcpy(record + sizeof(head), entry.name.data(), entry.name.size());
        Result<void> copied = copy_to_user(buffer + written, record, record_size);
        if (!copied.ok()) {
            if (written == 0) return copied.error();
            break;
        }
        written += record_size;
        file->set_offset(entry.cookie + 1);
    }
    file->note_accessed(*dir);
    return static_cast<int64_t>(written);
}

// getcwd(buf, size): the length including the NUL; ERANGE when it does not fit, ENOENT when
// the working directory has been removed.
Result<int64_t> sys_getcwd(const SyscallArgs& args) {
    OwnedString path = TRY(vfs::absolute_path(current_working_directory()));
    size_t needed = path.size() + 1;
    if (needed > args.a[1]) return Errno::ERANGE;
    TRY(copy_to_user(args.a[0], path.view().data(), path.size()));
    TRY(copy_to_user(args.a[0] + path.size(), "", 1));
    return static_cast<int64_t>(needed);
}

// chdir(path)
Result<int64_t> sys_chdir(const SyscallArgs& args) {
    sys_fs::PathTarget target = TRY(sys_fs::lookup_at(kAtFdCwd, args.a[0], true, false));
    InodeRef inode = target.inode();
    if (!inode->is_directory()) return Errno::ENOTDIR;
    current_fs().cwd = as_directory(inode);
    return 0;
}

// fchdir(fd): O_PATH directory descriptors work too.
Result<int64_t> sys_fchdir(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0], true));
    if (!file->is_directory()) return Errno::ENOTDIR;
    current_fs().cwd = as_directory(file->inode());
    return 0;
}

// mkdir(pathname, mode)
Result<int64_t> sys_mkdir(const SyscallArgs& args) {
    return make_directory_at(kAtFdCwd, args.a[0], static_cast<uint32_t>(args.a[1]));
}

// mkdirat(dirfd, pathname, mode)
Result<int64_t> sys_mkdirat(const SyscallArgs& args) {
    return make_directory_at(int_arg(args.a[0]), args.a[1], static_cast<uint32_t>(args.a[2]));
}

// rmdir(pathname)
Result<int64_t> sys_rmdir(const SyscallArgs& args) {
    OwnedString path = TRY(sys_fs::path_arg(args.a[0]));
    if (path.empty()) return Errno::ENOENT;
    DirectoryRef start = TRY(sys_fs::start_directory(kAtFdCwd, path.view()));
    TRY(vfs::remove_directory(std::move(start), path.view()));
    return 0;
}

}  // namespace ingot
