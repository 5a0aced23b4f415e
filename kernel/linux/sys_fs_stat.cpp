// stat, fstat, lstat, newfstatat, statx, statfs, fstatfs (stat(2), statx(2), statfs(2)).
#include <fs/fs_limits.h>
#include <fs/pipe.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

namespace ingot {
namespace {

using namespace linux_abi;
using sys_fs::int_arg;

Stat to_stat(const InodeStat& st) {
    Stat out{};
    out.st_dev = st.device;
    out.st_ino = st.inode_number;
    out.st_nlink = st.link_count;
    out.st_mode = st.mode;
    out.st_uid = st.uid;
    out.st_gid = st.gid;
    out.st_rdev = encode_device(st.rdev_major, st.rdev_minor);
    out.st_size = static_cast<int64_t>(st.size);
    out.st_blksize = st.block_size;
    out.st_blocks = static_cast<int64_t>(st.blocks);
    out.st_atime_sec = st.access_time.seconds;
    out.st_atime_nsec = st.access_time.nanoseconds;
    out.st_mtime_sec = st.modify_time.seconds;
    out.st_mtime_nsec = st.modify_time.nanoseconds;
    out.st_ctime_sec = st.change_time.seconds;
    out.st_ctime_nsec = st.change_time.nanoseconds;
    return out;
}

StatxTimestamp to_statx_time(FsTime t) { return StatxTimestamp{t.seconds, t.nanoseconds, 0}; }

Statx to_statx(const InodeStat& st) {
    Statx out{};
    // Every basic field is always known, whatever subset was asked for (statx(2) allows more).
    out.stx_mask = kStatxBasicStats;
    out.stx_blksize = st.block_size;
    out.stx_nlink = static_cast<uint32_t>(st.link_count);
    out.stx_uid = st.uid;
    out.stx_gid = st.gid;
    out.stx_mode = static_cast<uint16_t>(st.mode);
    out.stx_ino = st.inode_number;
    out.stx_size = st.size;
    out.stx_blocks = st.blocks;
    out.stx_atime = to_statx_time(st.access_time);
    out.stx_ctime = to_statx_time(st.change_time);
    out.stx_mtime = to_statx_time(st.modify_time);
    out.stx_rdev_major = st.rdev_major;
    out.stx_rdev_minor = st.rdev_minor;
    out.stx_dev_major = st.device_major;
    out.stx_dev_minor = st.device_minor;
    return out;
}

Statfs to_statfs(const FileSystem& fs) {
    Statfs out{};
    out.f_type = static_cast<int64_t>(fs.magic());
    out.f_bsize = kBlockSize;
    out.f_frsize = kBlockSize;
    out.f_namelen = kNameMax;
    // Only a size-limited tmpfs has block counts; ramfs, proc and an unlimited tmpfs report 0,
    // as Linux does (simple_statfs, shmem_statfs).
    FsUsage usage;
    if (fs.usage(usage)) {
        out.f_bsize = static_cast<int64_t>(usage.block_size);
        out.f_frsize = static_cast<int64_t>(usage.block_size);
        out.f_blocks = usage.blocks;
        out.f_bfree = usage.free_blocks;
        out.f_bavail = usage.available_blocks;
        out.f_files = usage.files;
        out.f_ffree = usage.free_files;
    } else if (fs.capacity_bytes() != 0) {
        out.f_blocks = fs.capacity_bytes() / kBlockSize;
        uint64_t used = (fs.used_bytes() + kBlockSize - 1) / kBlockSize;
        out.f_bfree = out.f_blocks > used ? out.f_blocks - used : 0;
        out.f_bavail = out.f_bfree;
    }
    out.f_fsid[0] = static_cast<int32_t>(fs.device_minor());
    out.f_flags = kStatfsValid | (fs.read_only() ? kStatfsReadOnly : 0);
    return out;
}

// fstatat with Linux's flag check (vfs_statx: only these flags exist).
Result<InodeStat> stat_at(int dirfd, uint64_t user_path, uint32_t flags) {
    if (flags & ~(kAtSymlinkNoFollow | kAtNoAutomount | kAtEmptyPath | kAtStatxSyncType)) return Errno::EINVAL;
    if ((flags & kAtStatxSyncType) == kAtStatxSyncType) return Errno::EINVAL;
    sys_fs::PathTarget target =
        TRY(sys_fs::lookup_at(dirfd, user_path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
    return target.stat();
}

Result<int64_t> store_stat(uint64_t user_buffer, const InodeStat& st) {
    TRY(write_user(user_buffer, to_stat(st)));
    return 0;
}

}  // namespace

// stat(pathname, statbuf)
Result<int64_t> sys_stat(const SyscallArgs& args) {
    InodeStat st = TRY(stat_at(kAtFdCwd, args.a[0], 0));
    return store_stat(args.a[1], st);
}

// lstat(pathname, statbuf): a final symbolic link is described, not followed.
Result<int64_t> sys_lstat(const SyscallArgs& args) {
    InodeStat st = TRY(stat_at(kAtFdCwd, args.a[0], kAtSymlinkNoFollow));
    return store_stat(args.a[1], st);
}

// fstat(fd, statbuf): O_PATH descriptors included.
Result<int64_t> sys_fstat(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0], true));
    return store_stat(args.a[1], file->stat());
}

// newfstatat(dirfd, pathname, statbuf, flags): AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW.
Result<int64_t> sys_newfstatat(const SyscallArgs& args) {
    InodeStat st = TRY(stat_at(int_arg(args.a[0]), args.a[1], static_cast<uint32_t>(args.a[3])));
    return store_stat(args.a[2], st);
}

// statx(dirfd, pathname, flags, mask, statxbuf)
Result<int64_t> sys_statx(const SyscallArgs& args) {
    uint32_t mask = static_cast<uint32_t>(args.a[3]);
    if (mask & kStatxReserved) return Errno::EINVAL;
    InodeStat st = TRY(stat_at(int_arg(args.a[0]), args.a[1], static_cast<uint32_t>(args.a[2])));
    TRY(write_user(args.a[4], to_statx(st)));
    return 0;
}

// statfs(path, buf)
Result<int64_t> sys_statfs(const SyscallArgs& args) {
    sys_fs::PathTarget target = TRY(sys_fs::lookup_at(kAtFdCwd, args.a[0], true, false));
    TRY(write_user(args.a[1], to_statfs(target.inode()->fs())));
    return 0;
}

// fstatfs(fd, buf): pipes and the standard streams report the pipe file system.
Result<int64_t> sys_fstatfs(const SyscallArgs& args) {
    OpenFileRef file = TRY(sys_fs::file_arg(args.a[0], true));
    InodeRef inode = file->inode();
    TRY(write_user(args.a[1], to_statfs(inode ? inode->fs() : pipe_filesystem())));
    return 0;
}

}  // namespace ingot
