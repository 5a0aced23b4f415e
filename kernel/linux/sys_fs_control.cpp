// ioctl and fcntl on descriptors (ioctl(2), ioctl_tty(2), fcntl(2)).
#include <block/block_device.h>
#include <fs/block_device_file.h>
#include <fs/pipe.h>
#include <fs/record_locks.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>
#include <proc/event_loop.h>
#include <proc/process.h>

#include <optional>
#include <utility>

namespace ingot {
namespace {

using namespace linux_abi;
using sys_fs::file_arg;
using sys_fs::int_arg;

// F_GETLK/F_SETLK/F_SETLKW and their open-file-description forms (fcntl(2) "Advisory record
// locking"), over the kernel's lock table: POSIX locks belong to the process, OFD locks to the
// open file description. The key is the file's inode (the open file itself for pipes and
// sockets, which have none), so every descriptor of one file sees the same locks.
Result<int64_t> record_lock(const OpenFile& file, uint32_t command, uint64_t user_lock) {
    Flock lock = TRY(read_user<Flock>(user_lock));
    bool open_file_lock = command == kFcntlOfdGetLk || command == kFcntlOfdSetLk || command == kFcntlOfdSetLkWait;
    if (open_file_lock && lock.l_pid != 0) return Errno::EINVAL;  // fcntl(2): l_pid must be 0
    if (lock.l_type != kLockRead && lock.l_type != kLockWrite && lock.l_type != kLockUnlock) return Errno::EINVAL;
    int64_t base = 0;
    switch (lock.l_whence) {
    case 0: break;
    case 1: base = static_cast<int64_t>(file.offset()); break;
    case 2: base = static_cast<int64_t>(file.size()); break;
    default: return Errno::EINVAL;
    }
    // The locked range must start at or after offset 0 (flock_to_posix_lock); a negative
    // length locks the bytes before the start.
    if (lock.l_start > INT64_MAX - base) return Errno::EOVERFLOW;
    int64_t start = base + lock.l_start;
    if (start < 0) return Errno::EINVAL;
    if (lock.l_len < 0 && start + lock.l_len < 0) return Errno::EINVAL;
    uint64_t first = static_cast<uint64_t>(lock.l_len < 0 ? start + lock.l_len : start);
    uint64_t end = lock.l_len == 0 ? ~0ull : lock.l_len < 0 ? static_cast<uint64_t>(start) : first + static_cast<uint64_t>(lock.l_len);

    InodeRef inode = file.inode();
    const Inode* key = inode ? inode.get() : reinterpret_cast<const Inode*>(&file);
    Process& process = current_process();
    const void* owner = open_file_lock ? static_cast<const void*>(&file) : static_cast<const void*>(&process);
    bool write = lock.l_type == kLockWrite;
    RecordLockTable& table = record_locks();
    if (command == kFcntlGetLk || command == kFcntlOfdGetLk) {
        std::optional<RecordLock> held = lock.l_type == kLockUnlock ? std::nullopt : table.conflict(key, owner, write, first, end);
        if (!held) {
            lock.l_type = kLockUnlock;
        } else {
            lock.l_type = held->write ? kLockWrite : kLockRead;
            lock.l_whence = 0;
            lock.l_start = static_cast<int64_t>(held->start);
            lock.l_len = held->end == ~0ull ? 0 : static_cast<int64_t>(held->end - held->start);
            lock.l_pid = held->pid;
        }
        TRY(write_user(user_lock, lock));
        return 0;
    }
    // A read lock needs a readable descriptor, a write lock a writable one.
    if (lock.l_type == kLockRead && !file.can_read()) return Errno::EBADF;
    if (lock.l_type == kLockWrite && !file.can_write()) return Errno::EBADF;
    int pid = open_file_lock ? -1 : process.pid;
    if (lock.l_type == kLockUnlock) {
        table.set(key, owner, pid, false, false, first, end);
        return 0;
    }
    if (table.conflict(key, owner, write, first, end)) {
        if (command == kFcntlSetLk || command == kFcntlOfdSetLk) return Errno::EAGAIN;
        // F_SETLKW: until the holders let go (another process or description), or a signal.
        TRY(wait_until([&table, key, owner, write, first, end] { return !table.conflict(key, owner, write, first, end); },
                       kNoDeadline, WaitKind::OtherThreads));
    }
    table.set(key, owner, pid, true, write, first, end);
    return 0;
}

}  // namespace

// ioctl(fd, request, argp). Descriptors here are never terminals: TCGETS, TIOCGWINSZ and every
// other terminal request fail with ENOTTY, as with redirected output natively.
Result<int64_t> sys_ioctl(const SyscallArgs& args) {
    int fd = int_arg(args.a[0]);
    OpenFileRef file = TRY(file_arg(args.a[0]));
    uint32_t request = static_cast<uint32_t>(args.a[1]);
    uint64_t argp = args.a[2];
    switch (request) {
    case kFioclex: TRY(current_fs().fds.set_close_on_exec(fd, true)); return 0;
    case kFionclex: TRY(current_fs().fds.set_close_on_exec(fd, false)); return 0;
    case kFionbio:
    case kFioasync: {
        // The same as setting or clearing O_NONBLOCK or O_ASYNC with F_SETFL.
        int on = TRY(read_user<int>(argp));
        uint32_t flag = request == kFionbio ? kOpenNonBlock : kOpenAsync;
        uint32_t flags = file->status_flags();
        file->set_settable_flags(on ? flags | flag : flags & ~flag);
        return 0;
    }
    case kFionread: {
        int available = TRY(file->bytes_readable());
        TRY(write_user(argp, available));
        return 0;
    }
    case kBlkGetSize64:
    case kBlkSectorSizeGet: {
        InodeRef inode = file->inode();
        if (!inode || !inode->is_block_device()) return Errno::ENOTTY;
        if (request == kBlkGetSize64) TRY(write_user(argp, uint64_t{inode->size()}));
        else TRY(write_user(argp, int{BlockDevice::kSectorSize}));
        return 0;
    }
    case kBlkDiscard: {
        // The checks of Linux's blk_ioctl_discard, in its order.
        InodeRef inode = file->inode();
        if (!inode || !inode->is_block_device()) return Errno::ENOTTY;
        if (!file->can_write()) return Errno::EBADF;
        BlockDevice& device = static_cast<BlockDeviceFile&>(*inode).device();
        if (device.read_only()) return Errno::EPERM;
        uint64_t range[2];
        TRY(copy_from_user(range, argp, sizeof(range)));
        uint64_t start = range[0], length = range[1];
        if (length == 0 || start % BlockDevice::kSectorSize || length % BlockDevice::kSectorSize) return Errno::EINVAL;
        if (start > inode->size() || length > inode->size() - start) return Errno::EINVAL;
        TRY(device.discard(start / BlockDevice::kSectorSize, length / BlockDevice::kSectorSize));
        return 0;
    }
    case kFitrim: {
        // fstrim: the range in, the bytes discarded back in its len (ext4_ioctl's order).
        InodeRef inode = file->inode();
        if (!inode) return Errno::ENOTTY;
        uint64_t range[3];
        TRY(copy_from_user(range, argp, sizeof(range)));
        range[1] = TRY(inode->fs().trim(range[0], range[1], range[2]));
        TRY(copy_to_user(argp, range, sizeof(range)));
        return 0;
    }
    default: return Errno::ENOTTY;
    }
}

// fcntl(fd, cmd, arg)
Result<int64_t> sys_fcntl(const SyscallArgs& args) {
    int fd = int_arg(args.a[0]);
    uint32_t command = static_cast<uint32_t>(args.a[1]);
    uint64_t arg = args.a[2];
    // O_PATH descriptors allow only the descriptor-level commands (fs/fcntl.c check_fcntl_cmd).
    bool path_ok = command == kFcntlDupFd || command == kFcntlDupFdCloexec || command == kFcntlGetFd ||
                   command == kFcntlSetFd || command == kFcntlGetFl;
    OpenFileRef file = TRY(file_arg(args.a[0], path_ok));
    FdTable& fds = current_fs().fds;
    switch (command) {
    case kFcntlDupFd:
    case kFcntlDupFdCloexec: {
        // The lowest free descriptor >= arg; EINVAL when arg is at or past RLIMIT_NOFILE.
        if (arg >= static_cast<uint64_t>(fds.limit())) return Errno::EINVAL;
        int new_fd = TRY(fds.install(std::move(file), command == kFcntlDupFdCloexec, static_cast<int>(arg)));
        return new_fd;
    }
    case kFcntlGetFd: {
        bool close_on_exec = TRY(fds.close_on_exec(fd));
        return close_on_exec ? kFdCloexec : 0;
    }
    case kFcntlSetFd: TRY(fds.set_close_on_exec(fd, arg & kFdCloexec)); return 0;
    case kFcntlGetFl: return file->status_flags();
    case kFcntlSetFl: {
        uint32_t flags = static_cast<uint32_t>(arg);
        // Signal-driven I/O (O_ASYNC) needs signals that do not exist yet: refuse it openly.
        if (flags & kOpenAsync) return Errno::EINVAL;
        file->set_settable_flags(flags);
        return 0;
    }
    case kFcntlGetLk:
    case kFcntlSetLk:
    case kFcntlSetLkWait:
    case kFcntlOfdGetLk:
    case kFcntlOfdSetLk:
    case kFcntlOfdSetLkWait: return record_lock(*file, command, arg);
    case kFcntlSetOwn: file->set_owner(static_cast<int>(arg)); return 0;
    case kFcntlGetOwn: return file->owner();
    case kFcntlGetPipeSize:
        if (!file->pipe()) return Errno::EBADF;
        return static_cast<int64_t>(file->pipe()->capacity());
    case kFcntlSetPipeSize: {
        if (!file->pipe()) return Errno::EBADF;
        size_t capacity = TRY(file->pipe()->set_capacity(static_cast<uint32_t>(arg)));
        return static_cast<int64_t>(capacity);
    }
    default: return Errno::EINVAL;
    }
}

}  // namespace ingot
