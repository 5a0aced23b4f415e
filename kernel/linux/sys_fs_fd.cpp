// dup, dup2, dup3, pipe, pipe2 (dup(2), pipe(2)).
#include <fs/pipe.h>
#include <linux/sys_fs.h>
#include <linux/sys_fs_abi.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>

#include <utility>

namespace ingot {
namespace {

using sys_fs::int_arg;

// dup3 without its flag checks: oldfd's file at newfd (closing what was there).
Result<int64_t> duplicate_to(int oldfd, int newfd, bool close_on_exec) {
    FdTable& fds = current_fs().fds;
    // ksys_dup3: a newfd beyond RLIMIT_NOFILE is EBADF before oldfd is looked at.
    if (newfd < 0 || newfd >= fds.limit()) return Errno::EBADF;
    OpenFileRef file = TRY(fds.get(oldfd));
    TRY(fds.install_at(newfd, std::move(file), close_on_exec));
    return newfd;
}

}  // namespace

// dup(oldfd): the lowest free descriptor, sharing oldfd's open file; FD_CLOEXEC clear.
Result<int64_t> sys_dup(const SyscallArgs& args) {
    FdTable& fds = current_fs().fds;
    OpenFileRef file = TRY(fds.get(int_arg(args.a[0])));
    int fd = TRY(fds.install(std::move(file), false));
    return fd;
}

// dup2(oldfd, newfd): with newfd == oldfd, only checks that oldfd is open.
Result<int64_t> sys_dup2(const SyscallArgs& args) {
    int oldfd = int_arg(args.a[0]);
    int newfd = int_arg(args.a[1]);
    if (oldfd == newfd) {
        if (!current_fs().fds.is_open(oldfd)) return Errno::EBADF;
        return newfd;
    }
    return duplicate_to(oldfd, newfd, false);
}

// dup3(oldfd, newfd, flags): flags is 0 or O_CLOEXEC; oldfd == newfd is EINVAL.
Result<int64_t> sys_dup3(const SyscallArgs& args) {
    int oldfd = int_arg(args.a[0]);
    int newfd = int_arg(args.a[1]);
    uint32_t flags = static_cast<uint32_t>(args.a[2]);
    if (flags & ~kOpenCloseOnExec) return Errno::EINVAL;
    if (oldfd == newfd) return Errno::EINVAL;
    return duplicate_to(oldfd, newfd, flags & kOpenCloseOnExec);
}

// pipe2(pipefd, flags): O_CLOEXEC and O_NONBLOCK. Packet mode (O_DIRECT) and notification
// pipes are not supported (EINVAL).
Result<int64_t> sys_pipe2(const SyscallArgs& args) {
    uint32_t flags = static_cast<uint32_t>(args.a[1]);
    if (flags & ~(kOpenCloseOnExec | kOpenNonBlock)) return Errno::EINVAL;
    FdTable& fds = current_fs().fds;
    OpenFileRef read_end, write_end;
    create_pipe(flags, read_end, write_end);
    bool close_on_exec = flags & kOpenCloseOnExec;
    int read_fd = TRY(fds.install(std::move(read_end), close_on_exec));
    Result<int> write_fd = fds.install(std::move(write_end), close_on_exec);
    if (!write_fd.ok()) {
        (void)fds.close(read_fd);
        return write_fd.error();
    }
    int pair[2] = {read_fd, write_fd.value()};
    Result<void> copied = copy_to_user(args.a[0], pair, sizeof(pair));
    if (!copied.ok()) {
        // do_pipe2: the descriptors are released again when the array cannot be written.
        (void)fds.close(pair[0]);
        (void)fds.close(pair[1]);
        return copied.error();
    }
    return 0;
}

// pipe(pipefd) is pipe2(pipefd, 0).
Result<int64_t> sys_pipe(const SyscallArgs& args) {
    SyscallArgs with_flags = args;
    with_flags.a[1] = 0;
    return sys_pipe2(with_flags);
}

}  // namespace ingot
