// open, openat, creat, close, close_range (open(2), close(2), close_range(2)).
#include <fs/vfs.h>
#include <fs/record_locks.h>
#include <linux/sys_fs.h>
#include <proc/process.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>

#include <utility>

namespace ingot {
namespace {

using sys_fs::int_arg;

Result<int64_t> do_openat(int dirfd, uint64_t user_path, uint32_t flags, uint32_t mode) {
    OwnedString path = TRY(sys_fs::path_arg(user_path));
    if (path.empty()) return Errno::ENOENT;
    FsContext& context = current_fs();
    // get_unused_fd_flags() runs before the lookup: a full table is EMFILE whatever the path.
    if (!context.fds.has_free_descriptor()) return Errno::EMFILE;
    // open(2): mode applies only when a file is created; the umask clears bits from it.
    bool creating = (flags & kOpenCreate) || (flags & kOpenTmpFile) == kOpenTmpFile;
    uint32_t create_mode = creating ? (mode & kModePermissionMask & ~context.umask) : 0;
    DirectoryRef start = TRY(sys_fs::start_directory(dirfd, path.view()));
    OpenFileRef file = TRY(vfs::open(std::move(start), path.view(), flags, create_mode));
    int fd = TRY(context.fds.install(std::move(file), flags & kOpenCloseOnExec));
    return fd;
}

}  // namespace

// open(pathname, flags, mode). Unknown flag bits are ignored, as open(2) does (only
// openat2 rejects them).
Result<int64_t> sys_open(const SyscallArgs& args) {
    return do_openat(linux_abi::kAtFdCwd, args.a[0], static_cast<uint32_t>(args.a[1]), static_cast<uint32_t>(args.a[2]));
}

// openat(dirfd, pathname, flags, mode)
Result<int64_t> sys_openat(const SyscallArgs& args) {
    return do_openat(int_arg(args.a[0]), args.a[1], static_cast<uint32_t>(args.a[2]), static_cast<uint32_t>(args.a[3]));
}

// creat(pathname, mode) is open(pathname, O_CREAT | O_WRONLY | O_TRUNC, mode).
Result<int64_t> sys_creat(const SyscallArgs& args) {
    return do_openat(linux_abi::kAtFdCwd, args.a[0], kOpenCreate | kOpenWriteOnly | kOpenTruncate,
                     static_cast<uint32_t>(args.a[1]));
}

// close(fd)
// Closing any descriptor of a file releases the process's POSIX locks on it (fcntl(2)).
Result<int64_t> sys_close(const SyscallArgs& args) {
    int fd = int_arg(args.a[0]);
    OpenFileRef file = TRY(current_fs().fds.get(fd));
    InodeRef inode = file->inode();
    record_locks().release(&current_process(), inode ? inode.get() : reinterpret_cast<const Inode*>(file.get()));
    TRY(current_fs().fds.close(fd));
    return 0;
}

// close_range(first, last, flags): CLOSE_RANGE_CLOEXEC marks instead of closing;
// CLOSE_RANGE_UNSHARE has nothing to unshare: no two processes share a descriptor table here.
Result<int64_t> sys_close_range(const SyscallArgs& args) {
    uint32_t first = static_cast<uint32_t>(args.a[0]);
    uint32_t last = static_cast<uint32_t>(args.a[1]);
    uint32_t flags = static_cast<uint32_t>(args.a[2]);
    if (flags & ~(linux_abi::kCloseRangeUnshare | linux_abi::kCloseRangeCloexec)) return Errno::EINVAL;
    if (first > last) return Errno::EINVAL;
    if (flags & linux_abi::kCloseRangeCloexec)
        current_fs().fds.set_close_on_exec_range(first, last);
    else
        current_fs().fds.close_range(first, last);
    return 0;
}

}  // namespace ingot
