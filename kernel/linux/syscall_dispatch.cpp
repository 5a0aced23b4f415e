// The one place where a handler's error becomes the -errno a program sees, and where unknown
// system calls are refused with ENOSYS and named once in the log (DESIGN rule 7).
#include <lib/log.h>
#include <linux/syscall.h>

namespace ingot {
namespace {

constexpr uint64_t kLoggedLimit = 512;
bool logged[kLoggedLimit];

void log_unsupported_once(uint64_t nr, const char* name) {
    if (nr < kLoggedLimit) {
        if (logged[nr]) return;
        logged[nr] = true;
    }
    if (name)
        log_info("unsupported system call %s (%lu): returning ENOSYS", name, nr);
    else
        log_info("unknown system call %lu: returning ENOSYS", nr);
}

}  // namespace

int64_t dispatch_syscall(const SyscallArgs& args) {
    const SyscallEntry* entry = syscall_entry(args.nr);
    if (!entry || !entry->handler) {
        log_unsupported_once(args.nr, entry ? entry->name : nullptr);
        return -static_cast<int64_t>(Errno::ENOSYS);
    }
    Result<int64_t> result = entry->handler(args);
    if (!result.ok()) {
        if (log_enabled(LogLevel::Debug))
            log_debug("%s -> %s", entry->name, errno_name(result.error()));
        return -static_cast<int64_t>(result.error());
    }
    return result.value();
}

}  // namespace ingot
