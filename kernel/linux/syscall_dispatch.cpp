// The one place where a handler's error becomes the -errno a program sees, and where unknown
// system calls are refused with ENOSYS and named once in the log (DESIGN rule 7).
#include <lib/log.h>
#include <linux/signal_dispatch.h>
#include <linux/syscall.h>
#include <proc/signals.h>

namespace ingot {
namespace {

constexpr uint64_t kLoggedLimit = 512;
bool logged[kLoggedLimit];

void log_unsupported_once(uint64_t nr) {
    if (nr < kLoggedLimit) {
        if (logged[nr]) return;
        logged[nr] = true;
    }
    const char* name = syscall_name(nr);  // walks the names: only once per number
    if (name)
        log_info("unsupported system call %s (%lu): returning ENOSYS", name, nr);
    else
        log_info("unknown system call %lu: returning ENOSYS", nr);
}

// Writing to a pipe (or, later, a socket) whose other end is gone raises SIGPIPE as well as
// failing with EPIPE (pipe(7)); the default action ends the program with status 141.
bool raises_sigpipe(uint64_t nr) {
    constexpr uint64_t kWrite = 1, kPwrite64 = 18, kWritev = 20, kPwritev = 296, kPwritev2 = 328;
    return nr == kWrite || nr == kPwrite64 || nr == kWritev || nr == kPwritev || nr == kPwritev2;
}

}  // namespace

int64_t dispatch_syscall(const SyscallArgs& args) {
    SyscallHandler handler = syscall_handler(args.nr);
    if (!handler) {
        log_unsupported_once(args.nr);
        return -static_cast<int64_t>(Errno::ENOSYS);
    }
    Result<int64_t> result = handler(args);
    if (!result.ok()) {
        if (result.error() == Errno::EPIPE && raises_sigpipe(args.nr)) raise_signal(kSigPipe);
        if (log_enabled(LogLevel::Debug))
            log_debug("%s -> %s", syscall_name(args.nr), errno_name(result.error()));
        return -static_cast<int64_t>(result.error());
    }
    return result.value();
}

}  // namespace ingot
