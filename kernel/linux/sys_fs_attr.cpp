// File sizes, modes, owners, times and syncing: truncate, ftruncate, chmod, fchmod, fchmodat,
// chown, fchown, lchown, fchownat, umask, utimensat, fsync, fdatasync, sync, fadvise64,
// fallocate.
#include <features/feature_hooks.h>
#include <fs/block_device_file.h>
#include <fs/vfs.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

#include <cstdint>

namespace ingot {
namespace {

using namespace linux_abi;
using sys_fs::int_arg;

Result<void> change_mode(Inode* inode, uint32_t mode) {
    if (!inode) return Errno::EPERM;  // pipes and the standard streams have no stored mode
    if (inode->fs().read_only()) return Errno::EROFS;
    inode->set_permissions(mode);
    inode->touch_changed();
    return {};
}

// chown(2) as the program (uid 0, root) does it: any owner and group; -1 leaves one as it is.
// As on Linux since 2.2.13, root's chown of anything but a directory clears set-user-ID, and
// set-group-ID when group execution is allowed (notify_change's ATTR_KILL_SUID/SGID), even
// when neither id changes; the change time becomes now.
Result<void> change_owner(Inode* inode, uint32_t uid, uint32_t gid) {
    if (!inode) return Errno::EPERM;  // pipes and the standard streams have no stored owner
    if (inode->fs().read_only()) return Errno::EROFS;
    constexpr uint32_t kUnchanged = 0xffffffffu, kSetUid = 04000, kSetGid = 02000, kGroupExecute = 010;
    inode->set_owner(uid == kUnchanged ? inode->uid() : uid, gid == kUnchanged ? inode->gid() : gid);
    if (!inode->is_directory()) {
        uint32_t permissions = inode->permissions() & ~kSetUid;
        if ((permissions & (kSetGid | kGroupExecute)) == (kSetGid | kGroupExecute)) permissions &= ~kSetGid;
        inode->set_permissions(permissions);
    }
    inode->touch_changed();
    return {};
}

Result<int64_t> chown_path(int dirfd, uint64_t user_path, uint64_t uid, uint64_t gid, bool follow, bool allow_empty) {
    sys_fs::PathTarget target = TRY(sys_fs::lookup_at(dirfd, user_path, follow, allow_empty));
    TRY(change_owner(target.inode().get(), static_cast<uint32_t>(uid), static_cast<uint32_t>(gid)));
    return 0;
}

// utimensat(2): tv_nsec is UTIME_NOW, UTIME_OMIT or a value in [0, 999999999].
bool valid_time(const Timespec& t) {
    return t.tv_nsec == kUtimeNow || t.tv_nsec == kUtimeOmit || (t.tv_nsec >= 0 && t.tv_nsec <= 999999999);
}

FsTime to_fs_time(const Timespec& t, FsTime now) {
    if (t.tv_nsec == kUtimeNow) return now;
    return FsTime{t.tv_sec, static_cast<uint32_t>(t.tv_nsec)};
}

// Writes back the file system the file lives on (disk file systems write their cached data
// and metadata and flush the disk), or flushes a disk's write cache for its block device
// (blkdev_fsync). It is refused, as on Linux, where the file has no notion of it (pipes,
// character devices).
Result<int64_t> sync_file(uint64_t raw_fd, bool data_only) {
    OpenFileRef file = TRY(sys_fs::file_arg(raw_fd));
    InodeRef inode = file->inode();
    if (!inode || inode->is_char_device()) return Errno::EINVAL;
    TRY(sys_fs::sync_inode(*inode, data_only));
    return 0;
}

}  // namespace

Result<void> sys_fs::sync_inode(Inode& inode, bool data_only) {
    if (inode.is_block_device()) return static_cast<BlockDeviceFile&>(inode).device().flush();
    return data_only ? inode.fs().sync_file_data(inode) : inode.fs().sync();
}

// truncate(path, length)
Result<int64_t> sys_truncate(const SyscallArgs& args) {
    int64_t length = static_cast<int64_t>(args.a[1]);
    if (length < 0) return Errno::EINVAL;
    sys_fs::PathTarget target = TRY(sys_fs::lookup_at(kAtFdCwd, args.a[0], true, false));
    TRY(vfs::truncate(*target.inode(), static_cast<uint64_t>(length)));
    return 0;
}

// ftruncate(fd, length): EINVAL unless fd is a regular file open for writing.
Result<int64_t> sys_ftruncate(const SyscallArgs& args) {
    int64_t length = static_cast<int64_t>(args.a[1]);
    if (length < 0) return Errno::EINVAL;
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0]));
    if (!file->is_regular_file() || !file->can_write()) return Errno::EINVAL;
    TRY(vfs::truncate(*file->inode(), static_cast<uint64_t>(length)));
    return 0;
}

// fsync(fd)
Result<int64_t> sys_fsync(const SyscallArgs& args) { return sync_file(args.a[0], false); }

// fdatasync(fd)
Result<int64_t> sys_fdatasync(const SyscallArgs& args) { return sync_file(args.a[0], true); }

// sync(): writes back every mounted disk, then flushes every disk's write cache. It cannot
// fail (sync(2)); errors are logged.
Result<int64_t> sys_sync(const SyscallArgs&) {
    sync_image_disks();
    return 0;
}

// syncfs(fd): writes back the file system fd lives on; EBADF for a bad descriptor, EIO
// when the disk fails.
Result<int64_t> sys_syncfs(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0], true));
    InodeRef inode = file->inode();
    if (inode) TRY(inode->fs().sync());
    return 0;
}

// fadvise64(fd, offset, len, advice): POSIX_FADV_DONTNEED drops the clean cached blocks of the
// range (as Linux drops clean page-cache pages; dirty ones stay until written back); the other
// advice is accepted and has nothing to act on. Arguments are checked as posix_fadvise(2) says:
// EBADF, ESPIPE for pipes, EINVAL.
Result<int64_t> sys_fadvise64(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0]));
    if (!file->inode()) return Errno::ESPIPE;
    auto offset = static_cast<int64_t>(args.a[1]), length = static_cast<int64_t>(args.a[2]);
    if (length < 0) return Errno::EINVAL;
    uint32_t advice = static_cast<uint32_t>(args.a[3]);
    if (advice > kFadviseMax) return Errno::EINVAL;
    if (advice == kFadviseDontNeed && offset >= 0)
        file->inode()->drop_cached(static_cast<uint64_t>(offset), static_cast<uint64_t>(length));
    return 0;
}

// fallocate(fd, mode, offset, len): mode 0 and FALLOC_FL_KEEP_SIZE set space aside (tmpfs
// pages, ext4 unwritten extents), PUNCH_HOLE | KEEP_SIZE frees a range (tmpfs, ext4), ZERO_RANGE
// (with or without KEEP_SIZE) turns a range into zeros that keep their space (ext4). Every other
// mode, and what a file system cannot do, is EOPNOTSUPP, as Linux says for such file systems;
// glibc's posix_fallocate then writes the zeros itself. The checks follow Linux's
// vfs_fallocate, in its order.
Result<int64_t> sys_fallocate(const SyscallArgs& args) {
    auto mode = static_cast<uint32_t>(args.a[1]);
    auto offset = static_cast<int64_t>(args.a[2]), length = static_cast<int64_t>(args.a[3]);
    if (offset < 0 || length <= 0) return Errno::EINVAL;
    if (mode & ~kFallocKnownModes) return Errno::EOPNOTSUPP;
    if ((mode & kFallocPunchHole) && !(mode & kFallocKeepSize)) return Errno::EOPNOTSUPP;
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0]));
    if (!file->can_write()) return Errno::EBADF;
    if (!file->inode()) return Errno::ESPIPE;
    if (file->is_directory()) return Errno::EISDIR;
    if (!file->is_regular_file()) return Errno::ENODEV;
    if (length > INT64_MAX - offset) return Errno::EFBIG;
    Inode& inode = *file->inode();
    if (mode == kFallocKeepSize || mode == 0) TRY(inode.allocate(static_cast<uint64_t>(offset), static_cast<uint64_t>(length), mode != 0));
    else if (mode == (kFallocPunchHole | kFallocKeepSize)) TRY(inode.punch_hole(static_cast<uint64_t>(offset), static_cast<uint64_t>(length)));
    else if ((mode & ~kFallocKeepSize) == kFallocZeroRange)
        TRY(inode.zero_range(static_cast<uint64_t>(offset), static_cast<uint64_t>(length), mode & kFallocKeepSize));
    else return Errno::EOPNOTSUPP;
    return 0;
}

// umask(mask): returns the previous mask.
Result<int64_t> sys_umask(const SyscallArgs& args) {
    FsContext& context = current_fs();
    uint32_t previous = context.umask;
    context.umask = static_cast<uint32_t>(args.a[0]) & 0777;
    return previous;
}

// chmod(pathname, mode)
Result<int64_t> sys_chmod(const SyscallArgs& args) {
    sys_fs::PathTarget target = TRY(sys_fs::lookup_at(kAtFdCwd, args.a[0], true, false));
    TRY(change_mode(target.inode().get(), static_cast<uint32_t>(args.a[1])));
    return 0;
}

// fchmod(fd, mode)
Result<int64_t> sys_fchmod(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0]));
    TRY(change_mode(file->inode().get(), static_cast<uint32_t>(args.a[1])));
    return 0;
}

// fchmodat(dirfd, pathname, mode): the system call has no flags argument.
Result<int64_t> sys_fchmodat(const SyscallArgs& args) {
    sys_fs::PathTarget target = TRY(sys_fs::lookup_at(int_arg(args.a[0]), args.a[1], true, false));
    TRY(change_mode(target.inode().get(), static_cast<uint32_t>(args.a[2])));
    return 0;
}

// chown(pathname, owner, group)
Result<int64_t> sys_chown(const SyscallArgs& args) {
    return chown_path(kAtFdCwd, args.a[0], args.a[1], args.a[2], true, false);
}

// lchown(pathname, owner, group): a symbolic link itself.
Result<int64_t> sys_lchown(const SyscallArgs& args) {
    return chown_path(kAtFdCwd, args.a[0], args.a[1], args.a[2], false, false);
}

// fchown(fd, owner, group)
Result<int64_t> sys_fchown(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0]));
    TRY(change_owner(file->inode().get(), static_cast<uint32_t>(args.a[1]), static_cast<uint32_t>(args.a[2])));
    return 0;
}

// fchownat(dirfd, pathname, owner, group, flags): AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH.
Result<int64_t> sys_fchownat(const SyscallArgs& args) {
    uint32_t flags = static_cast<uint32_t>(args.a[4]);
    if (flags & ~(kAtSymlinkNoFollow | kAtEmptyPath)) return Errno::EINVAL;
    return chown_path(int_arg(args.a[0]), args.a[1], args.a[2], args.a[3], !(flags & kAtSymlinkNoFollow),
                      flags & kAtEmptyPath);
}

// utimensat(dirfd, pathname, times, flags): times NULL means now for both; a NULL pathname
// (with a descriptor) changes the file open at dirfd.
Result<int64_t> sys_utimensat(const SyscallArgs& args) {
    int dirfd = int_arg(args.a[0]);
    uint64_t user_path = args.a[1];
    uint64_t user_times = args.a[2];
    uint32_t flags = static_cast<uint32_t>(args.a[3]);
    if (flags & ~(kAtSymlinkNoFollow | kAtEmptyPath)) return Errno::EINVAL;
    Timespec times[2] = {{0, kUtimeNow}, {0, kUtimeNow}};
    if (user_times) {
        TRY(copy_from_user(times, user_times, sizeof(times)));
        // Nothing to change: Linux returns before even looking the file up.
        if (times[0].tv_nsec == kUtimeOmit && times[1].tv_nsec == kUtimeOmit) return 0;
        if (!valid_time(times[0]) || !valid_time(times[1])) return Errno::EINVAL;
    }
    InodeRef inode;
    if (user_path == 0) {
        if (dirfd == kAtFdCwd) return Errno::EFAULT;
        if (flags & kAtSymlinkNoFollow) return Errno::EINVAL;
        OpenFileRef file = TRY(sys_fs::file_arg(args.a[0], true));
        inode = file->inode();
    } else {
        sys_fs::PathTarget target =
            TRY(sys_fs::lookup_at(dirfd, user_path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
        inode = target.inode();
    }
    if (!inode) return Errno::EPERM;  // pipes and the standard streams keep no times
    if (inode->fs().read_only()) return Errno::EROFS;
    FsTime now = FsTime::now();
    if (times[0].tv_nsec != kUtimeOmit) inode->set_access_time(to_fs_time(times[0], now));
    if (times[1].tv_nsec != kUtimeOmit) inode->set_modify_time(to_fs_time(times[1], now));
    inode->set_change_time(now);
    return 0;
}

}  // namespace ingot
