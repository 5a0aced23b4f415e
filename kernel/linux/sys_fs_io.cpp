// read, write and their positioned and vectored forms, and lseek (read(2), write(2),
// pread(2), readv(2), lseek(2)). Checks run in the order Linux's fs/read_write.c runs them, so
// a call that is wrong in several ways fails the way it would natively.
#include <fs/fs_limits.h>
#include <fs/open_flags.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

#include <vector>

namespace ingot {
namespace {

using sys_fs::clamp_count;
using sys_fs::file_arg;

enum class Direction { Read, Write };

// EBADF unless the file was opened for this direction (vfs_read/vfs_write FMODE checks).
Result<void> check_access(const OpenFile& file, Direction direction) {
    bool allowed = direction == Direction::Read ? file.can_read() : file.can_write();
    return allowed ? Result<void>{} : Errno::EBADF;
}

// One transfer on a user range; offset < 0 means "at the file offset".
Result<size_t> transfer(OpenFile& file, Direction direction, uint64_t address, size_t count, int64_t offset) {
    IoBuffer buffer = IoBuffer::user(address, count);
    if (offset < 0) return direction == Direction::Read ? file.read(buffer) : file.write(buffer);
    uint64_t at = static_cast<uint64_t>(offset);
    return direction == Direction::Read ? file.read_at(at, buffer) : file.write_at(at, buffer);
}

// rw_verify_area: a transfer may not reach past the largest file offset (EINVAL).
Result<void> check_range(const OpenFile& file, int64_t offset, uint64_t count) {
    if (!file.inode()) return {};
    uint64_t position = offset >= 0 ? static_cast<uint64_t>(offset) : file.offset();
    if (position > kMaxFileSize || count > kMaxFileSize - position) return Errno::EINVAL;
    return {};
}

// O_DSYNC and O_SYNC: a write returns once its data is on the disk, as if fdatasync followed
// (generic_write_sync). O_DIRECT is honoured the same way: the data is written through.
Result<void> sync_if_asked(OpenFile& file, Direction direction, size_t moved) {
    if (direction != Direction::Write || moved == 0 || !file.inode()) return {};
    uint32_t flags = file.status_flags();
    if (!(flags & (kOpenDataSync | kOpenDirect))) return {};
    if (!file.inode()->is_regular() && !file.inode()->is_block_device()) return {};
    // O_SYNC (which includes the O_DSYNC bit) asks for the metadata too.
    bool data_only = (flags & kOpenSync) != kOpenSync;
    return sys_fs::sync_inode(*file.inode(), data_only);
}

Result<int64_t> simple_io(const SyscallArgs& args, Direction direction, int64_t offset) {
    OpenFileRef file = TRY(file_arg(args.a[0]));
    TRY(check_access(*file, direction));
    uint64_t address = args.a[1];
    uint64_t count = args.a[2];
    if (!is_user_range(address, count)) return Errno::EFAULT;
    TRY(check_range(*file, offset, count));
    size_t n = TRY(transfer(*file, direction, address, clamp_count(count), offset));
    TRY(sync_if_asked(*file, direction, n));
    return static_cast<int64_t>(n);
}

// Copies in and checks an iovec array (lib/iov_iter.c import_iovec): EINVAL for more than
// IOV_MAX entries or a negative length, EFAULT for an unreadable array or a buffer outside user
// space. Lengths past MAX_RW_COUNT in total are cut short.
Result<std::vector<linux_abi::Iovec>> import_iovec(uint64_t user_iov, uint64_t raw_count) {
    if (raw_count > static_cast<uint64_t>(kIovMax)) return Errno::EINVAL;
    std::vector<linux_abi::Iovec> iov(raw_count);
    TRY(copy_from_user(iov.data(), user_iov, raw_count * sizeof(linux_abi::Iovec)));
    size_t total = 0;
    for (linux_abi::Iovec& entry : iov) {
        if (static_cast<int64_t>(entry.iov_len) < 0) return Errno::EINVAL;
        if (!is_user_range(entry.iov_base, entry.iov_len)) return Errno::EFAULT;
        size_t room = kMaxRwCount - total;
        if (entry.iov_len > room) entry.iov_len = room;
        total += entry.iov_len;
    }
    return iov;
}

Result<int64_t> vectored_io(const SyscallArgs& args, Direction direction, int64_t offset) {
    OpenFileRef file = TRY(file_arg(args.a[0]));
    TRY(check_access(*file, direction));
    // iovcnt is an int: negative counts arrive here as huge ones and fail the IOV_MAX check.
    uint64_t count = static_cast<uint32_t>(args.a[2]);
    std::vector<linux_abi::Iovec> iov = TRY(import_iovec(args.a[1], count));
    uint64_t requested = 0;
    for (const linux_abi::Iovec& entry : iov) requested += entry.iov_len;
    TRY(check_range(*file, offset, requested));
    size_t total = 0;
    for (const linux_abi::Iovec& entry : iov) {
        if (entry.iov_len == 0) continue;
        int64_t at = offset < 0 ? -1 : offset + static_cast<int64_t>(total);
        Result<size_t> moved = transfer(*file, direction, entry.iov_base, entry.iov_len, at);
        if (!moved.ok()) {
            if (total > 0) break;  // readv(2): a partial transfer reports what was moved
            return moved.error();
        }
        total += moved.value();
        if (moved.value() < entry.iov_len) break;
    }
    TRY(sync_if_asked(*file, direction, total));
    return static_cast<int64_t>(total);
}

// pread/pwrite family: EINVAL for a negative offset (checked before the descriptor, as
// ksys_pread64 does), ESPIPE for files without positions (pipes, consoles).
Result<int64_t> positioned(const SyscallArgs& args, Direction direction, bool vectored) {
    int64_t offset = static_cast<int64_t>(args.a[3]);
    if (offset < 0) return Errno::EINVAL;
    OpenFileRef file = TRY(file_arg(args.a[0]));
    if (!file->inode()) return Errno::ESPIPE;
    return vectored ? vectored_io(args, direction, offset) : simple_io(args, direction, offset);
}

}  // namespace

// read(fd, buf, count)
Result<int64_t> sys_read(const SyscallArgs& args) { return simple_io(args, Direction::Read, -1); }

// write(fd, buf, count)
Result<int64_t> sys_write(const SyscallArgs& args) { return simple_io(args, Direction::Write, -1); }

// pread64(fd, buf, count, offset)
Result<int64_t> sys_pread64(const SyscallArgs& args) { return positioned(args, Direction::Read, false); }

// pwrite64(fd, buf, count, offset)
Result<int64_t> sys_pwrite64(const SyscallArgs& args) { return positioned(args, Direction::Write, false); }

// readv(fd, iov, iovcnt)
Result<int64_t> sys_readv(const SyscallArgs& args) { return vectored_io(args, Direction::Read, -1); }

// writev(fd, iov, iovcnt)
Result<int64_t> sys_writev(const SyscallArgs& args) { return vectored_io(args, Direction::Write, -1); }

// preadv(fd, iov, iovcnt, pos_l, pos_h): on x86_64 the whole offset is in pos_l.
Result<int64_t> sys_preadv(const SyscallArgs& args) { return positioned(args, Direction::Read, true); }

// pwritev(fd, iov, iovcnt, pos_l, pos_h)
Result<int64_t> sys_pwritev(const SyscallArgs& args) { return positioned(args, Direction::Write, true); }

// lseek(fd, offset, whence): SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE.
Result<int64_t> sys_lseek(const SyscallArgs& args) {
    OpenFileRef file = TRY(file_arg(args.a[0]));
    uint32_t whence = static_cast<uint32_t>(args.a[2]);
    if (whence > 4) return Errno::EINVAL;  // SEEK_MAX
    return file->seek(static_cast<int64_t>(args.a[1]), static_cast<int>(whence));
}

}  // namespace ingot
