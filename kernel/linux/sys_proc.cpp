// Process identity and lifetime: exit_group, pids, the thread-pointer and libc start-up calls
// (DESIGN rule 8), resource limits. Threads are in sys_thread.cpp, new processes and waiting
// in sys_process.cpp, user and group ids in sys_credentials.cpp.
#include <fs/fs_context.h>
#include <linux/sys_families.h>
#include <mm/user_memory.h>
#include <proc/process.h>
#include <proc/process_exit.h>
#include <proc/user_registers.h>

namespace ingot {
namespace {

constexpr int kArchSetGs = 0x1001, kArchSetFs = 0x1002, kArchGetFs = 0x1003, kArchGetGs = 0x1004;
constexpr int kRlimitStack = 3, kRlimitNofile = 7, kRlimitCount = 16;
constexpr uint64_t kRlimInfinity = ~0ull;

struct Rlimit {
    uint64_t cur, max;
};

Rlimit initial_limit(int resource) {
    switch (resource) {
    case kRlimitStack: return {8ull << 20, kRlimInfinity};
    case kRlimitNofile: return {1024, 1024};
    default: return {kRlimInfinity, kRlimInfinity};
    }
}

Rlimit& limit_of(int resource) {
    static Rlimit limits[kRlimitCount];
    static bool initialised = false;
    if (!initialised) {
        for (int r = 0; r < kRlimitCount; ++r) limits[r] = initial_limit(r);
        initialised = true;
    }
    return limits[resource];
}

}  // namespace

Result<int64_t> sys_exit_group(const SyscallArgs& a) { exit_process(exited_status(static_cast<int>(a.a[0]))); }

Result<int64_t> sys_getpid(const SyscallArgs&) { return current_process().pid; }
Result<int64_t> sys_getppid(const SyscallArgs&) {
    const Process* parent = current_process().parent;
    return parent ? parent->pid : 0;  // pid 1 was started by the kernel, like init
}

Result<int64_t> sys_arch_prctl(const SyscallArgs& a) {
    uint64_t value = a.a[1];
    switch (static_cast<int>(a.a[0])) {
    case kArchSetFs:
        if (!is_user_range(value, 0) || value == kUserSpaceEnd) return Errno::EPERM;
        set_user_fs_base(value);
        return 0;
    case kArchSetGs:
        if (!is_user_range(value, 0) || value == kUserSpaceEnd) return Errno::EPERM;
        set_user_gs_base(value);
        return 0;
    case kArchGetFs: TRY(write_user(value, user_fs_base())); return 0;
    case kArchGetGs: TRY(write_user(value, user_gs_base())); return 0;
    default: return Errno::EINVAL;
    }
}

Result<int64_t> sys_prlimit64(const SyscallArgs& a) {
    uint64_t pid = a.a[0];
    int resource = static_cast<int>(a.a[1]);
    if (pid != 0 && pid != static_cast<uint64_t>(current_process().pid)) return Errno::ESRCH;
    if (resource < 0 || resource >= kRlimitCount) return Errno::EINVAL;
    Rlimit old = limit_of(resource);
    if (a.a[2]) {
        // As for an unprivileged Linux process: the soft limit moves freely up to the hard
        // limit, and the hard limit can only come down. RLIMIT_NOFILE is enforced by the
        // descriptor table; the others are recorded and reported.
        Rlimit requested = TRY(read_user<Rlimit>(a.a[2]));
        if (requested.cur > requested.max) return Errno::EINVAL;
        if (requested.max > old.max) return Errno::EPERM;
        if (resource == kRlimitNofile) {
            uint64_t fds = requested.cur > INT32_MAX ? INT32_MAX : requested.cur;
            TRY(current_fs().fds.set_limit(static_cast<int>(fds)));
        }
        limit_of(resource) = requested;
    }
    if (a.a[3]) TRY(write_user(a.a[3], old));
    return 0;
}

Result<int64_t> sys_getrlimit(const SyscallArgs& a) {
    int resource = static_cast<int>(a.a[0]);
    if (resource < 0 || resource >= kRlimitCount) return Errno::EINVAL;
    TRY(write_user(a.a[1], limit_of(resource)));
    return 0;
}

// Restartable sequences need a scheduler that can preempt; libc expects ENOSYS from kernels
// without them and carries on (DESIGN rule 7), so this is answered without a log line.
Result<int64_t> sys_rseq(const SyscallArgs&) { return Errno::ENOSYS; }

}  // namespace ingot
