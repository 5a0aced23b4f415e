// Calls on names: access/faccessat/faccessat2, readlink/readlinkat, unlink/unlinkat,
// rename/renameat/renameat2, symlink/symlinkat.
#include <fs/vfs.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

#include <utility>

namespace ingot {
namespace {

using namespace linux_abi;
using sys_fs::int_arg;

// A path argument with its start directory, for calls that create or remove the last name.
struct PathAt {
    OwnedString path;
    DirectoryRef start;
};

Result<PathAt> path_at(int dirfd, uint64_t user_path) {
    PathAt at;
    at.path = TRY(sys_fs::path_arg(user_path));
    if (at.path.empty()) return Errno::ENOENT;
    at.start = TRY(sys_fs::start_directory(dirfd, at.path.view()));
    return at;
}

// Everything runs as root, so access(2) only refuses what root cannot do: writing to a
// read-only file system (EROFS, for files, directories and links), and executing a file
// that has no execute bit at all (EACCES).
Result<int64_t> check_access(int dirfd, uint64_t user_path, uint32_t mode, uint32_t flags) {
    if (mode & ~(kAccessRead | kAccessWrite | kAccessExecute)) return Errno::EINVAL;
    sys_fs::PathTarget target =
        TRY(sys_fs::lookup_at(dirfd, user_path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
    InodeRef inode = target.inode();
    if (!inode) return 0;  // a pipe named through AT_EMPTY_PATH: root may do anything
    if ((mode & kAccessWrite) && !vfs::contents_writable(*inode)) return Errno::EROFS;
    if ((mode & kAccessExecute) && !inode->is_directory() && !(inode->permissions() & kModeAnyExecute))
        return Errno::EACCES;
    return 0;
}

// readlinkat(2): an empty path names dirfd itself (a link opened with O_PATH|O_NOFOLLOW),
// and is ENOENT when that is not a link; a named non-link is EINVAL.
Result<InodeRef> find_link(int dirfd, const OwnedString& path) {
    if (path.empty()) {
        if (dirfd == kAtFdCwd) return Errno::ENOENT;
        OpenFileRef file = TRY(current_fs().fds.get(dirfd));
        InodeRef inode = file->inode();
        if (!inode || !inode->is_symlink()) return Errno::ENOENT;
        return inode;
    }
    DirectoryRef start = TRY(sys_fs::start_directory(dirfd, path.view()));
    ResolvedPath resolved = TRY(vfs::lookup(std::move(start), path.view(), false));
    if (!resolved.inode->is_symlink()) return Errno::EINVAL;
    return resolved.inode;
}

Result<int64_t> read_link_at(int dirfd, uint64_t user_path, uint64_t user_buffer, uint64_t raw_size, bool allow_empty) {
    OwnedString path = TRY(sys_fs::path_arg(user_path));
    if (path.empty() && !allow_empty) return Errno::ENOENT;
    int size = static_cast<int>(static_cast<uint32_t>(raw_size));
    if (size <= 0) return Errno::EINVAL;
    InodeRef link = TRY(find_link(dirfd, path));
    OwnedString target = TRY(link->read_link());
    // No NUL is appended; a target longer than the buffer is cut short silently.
    size_t count = target.size() < static_cast<size_t>(size) ? target.size() : static_cast<size_t>(size);
    TRY(copy_to_user(user_buffer, target.view().data(), count));
    return static_cast<int64_t>(count);
}

Result<int64_t> unlink_at(int dirfd, uint64_t user_path, uint32_t flags) {
    if (flags & ~kAtRemoveDir) return Errno::EINVAL;
    PathAt at = TRY(path_at(dirfd, user_path));
    if (flags & kAtRemoveDir)
        TRY(vfs::remove_directory(std::move(at.start), at.path.view()));
    else
        TRY(vfs::unlink(std::move(at.start), at.path.view()));
    return 0;
}

// renameat2 flags: RENAME_NOREPLACE is supported; RENAME_EXCHANGE and RENAME_WHITEOUT are not
// (EINVAL, what Linux answers for file systems without them).
Result<int64_t> rename_at(int old_dirfd, uint64_t old_user_path, int new_dirfd, uint64_t new_user_path, uint32_t flags) {
    if (flags & ~(kRenameNoReplace | kRenameExchange | kRenameWhiteout)) return Errno::EINVAL;
    if ((flags & kRenameNoReplace) && (flags & kRenameExchange)) return Errno::EINVAL;
    if (flags & (kRenameExchange | kRenameWhiteout)) return Errno::EINVAL;
    PathAt from = TRY(path_at(old_dirfd, old_user_path));
    PathAt to = TRY(path_at(new_dirfd, new_user_path));
    TRY(vfs::rename(std::move(from.start), from.path.view(), std::move(to.start), to.path.view(),
                    flags & kRenameNoReplace));
    return 0;
}

Result<int64_t> symlink_at(uint64_t user_target, int dirfd, uint64_t user_path) {
    OwnedString target = TRY(sys_fs::path_arg(user_target));
    PathAt at = TRY(path_at(dirfd, user_path));
    TRY(vfs::make_symlink(target.view(), std::move(at.start), at.path.view()));
    return 0;
}

// linkat's flags: AT_SYMLINK_FOLLOW follows a final symlink of the old path, AT_EMPTY_PATH
// links the file the descriptor names.
Result<int64_t> link_at(int old_dirfd, uint64_t old_path, int new_dirfd, uint64_t new_path, uint32_t flags) {
    constexpr uint32_t kAtSymlinkFollow = 0x400;
    if (flags & ~(kAtSymlinkFollow | kAtEmptyPath)) return Errno::EINVAL;
    sys_fs::PathTarget target =
        TRY(sys_fs::lookup_at(old_dirfd, old_path, flags & kAtSymlinkFollow, flags & kAtEmptyPath));
    InodeRef inode = target.inode();
    if (!inode) return Errno::ENOENT;
    PathAt at = TRY(path_at(new_dirfd, new_path));
    TRY(vfs::make_link(inode, std::move(at.start), at.path.view()));
    return 0;
}

}  // namespace

// link(oldpath, newpath)
Result<int64_t> sys_link(const SyscallArgs& args) { return link_at(kAtFdCwd, args.a[0], kAtFdCwd, args.a[1], 0); }

// linkat(olddirfd, oldpath, newdirfd, newpath, flags)
Result<int64_t> sys_linkat(const SyscallArgs& args) {
    return link_at(int_arg(args.a[0]), args.a[1], int_arg(args.a[2]), args.a[3], static_cast<uint32_t>(args.a[4]));
}

// access(pathname, mode)
Result<int64_t> sys_access(const SyscallArgs& args) {
    return check_access(kAtFdCwd, args.a[0], static_cast<uint32_t>(args.a[1]), 0);
}

// faccessat(dirfd, pathname, mode): the system call has no flags argument.
Result<int64_t> sys_faccessat(const SyscallArgs& args) {
    return check_access(int_arg(args.a[0]), args.a[1], static_cast<uint32_t>(args.a[2]), 0);
}

// faccessat2(dirfd, pathname, mode, flags): AT_EACCESS (the same, as root), AT_SYMLINK_NOFOLLOW,
// AT_EMPTY_PATH.
Result<int64_t> sys_faccessat2(const SyscallArgs& args) {
    uint32_t flags = static_cast<uint32_t>(args.a[3]);
    if (flags & ~(kAtEaccess | kAtSymlinkNoFollow | kAtEmptyPath)) return Errno::EINVAL;
    return check_access(int_arg(args.a[0]), args.a[1], static_cast<uint32_t>(args.a[2]), flags);
}

// readlink(pathname, buf, bufsiz)
Result<int64_t> sys_readlink(const SyscallArgs& args) {
    return read_link_at(kAtFdCwd, args.a[0], args.a[1], args.a[2], false);
}

// readlinkat(dirfd, pathname, buf, bufsiz)
Result<int64_t> sys_readlinkat(const SyscallArgs& args) {
    return read_link_at(int_arg(args.a[0]), args.a[1], args.a[2], args.a[3], true);
}

// unlink(pathname)
Result<int64_t> sys_unlink(const SyscallArgs& args) { return unlink_at(kAtFdCwd, args.a[0], 0); }

// unlinkat(dirfd, pathname, flags): AT_REMOVEDIR makes it rmdir.
Result<int64_t> sys_unlinkat(const SyscallArgs& args) {
    return unlink_at(int_arg(args.a[0]), args.a[1], static_cast<uint32_t>(args.a[2]));
}

// rename(oldpath, newpath)
Result<int64_t> sys_rename(const SyscallArgs& args) { return rename_at(kAtFdCwd, args.a[0], kAtFdCwd, args.a[1], 0); }

// renameat(olddirfd, oldpath, newdirfd, newpath)
Result<int64_t> sys_renameat(const SyscallArgs& args) {
    return rename_at(int_arg(args.a[0]), args.a[1], int_arg(args.a[2]), args.a[3], 0);
}

// renameat2(olddirfd, oldpath, newdirfd, newpath, flags)
Result<int64_t> sys_renameat2(const SyscallArgs& args) {
    return rename_at(int_arg(args.a[0]), args.a[1], int_arg(args.a[2]), args.a[3], static_cast<uint32_t>(args.a[4]));
}

// symlink(target, linkpath)
Result<int64_t> sys_symlink(const SyscallArgs& args) { return symlink_at(args.a[0], kAtFdCwd, args.a[1]); }

// symlinkat(target, newdirfd, linkpath)
Result<int64_t> sys_symlinkat(const SyscallArgs& args) {
    return symlink_at(args.a[0], int_arg(args.a[1]), args.a[2]);
}

}  // namespace ingot
