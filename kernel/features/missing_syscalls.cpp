// The process and poll families in a kernel linked without them (features/feature_hooks.h).
#include <features/feature_hooks.h>
#include <lib/log.h>

namespace ingot {
namespace {

// One line, the first time a program reaches for the missing feature: why the call failed and
// what to do.
void log_missing_feature(bool& logged, const char* call, const char* feature, const char* uses) {
    if (logged) return;
    logged = true;
    log_error("%s refused: this image has no %s support (the program showed no use of %s when it was built; "
              "rebuild it with `ingot build --with %s`)",
              call, feature, uses, feature);
}

const char* call_name(const SyscallArgs& args) {
    const char* name = syscall_name(args.nr);
    return name ? name : "system call";
}

bool process_logged = false;
bool poll_logged = false;
constexpr const char* kProcessUses = "fork, exec or posix_spawn";

}  // namespace

Result<int> refuse_process_creation() {
    log_missing_feature(process_logged, "a new process (fork, vfork or clone)", "process", kProcessUses);
    return Errno::ENOSYS;
}

Result<int64_t> refuse_process_syscall(const SyscallArgs& args) {
    log_missing_feature(process_logged, call_name(args), "process", kProcessUses);
    return Errno::ENOSYS;
}

Result<int64_t> refuse_poll_syscall(const SyscallArgs& args) {
    log_missing_feature(poll_logged, call_name(args), "poll", "poll, select, epoll or eventfd");
    return Errno::ENOSYS;
}

}  // namespace ingot
