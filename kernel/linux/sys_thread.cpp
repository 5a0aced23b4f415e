// Threads (clone(2), clone3(2), exit(2), set_tid_address(2), set_robust_list(2)) and the
// scheduler's calls (sched_yield(2), sched_getaffinity(2)). A thread shares everything with
// its creator but its registers, stack, TLS, signal mask and the words the kernel clears or
// updates when it exits (CHILD_CLEARTID, the robust futex list). clone without CLONE_THREAD
// makes a process (proc/fork.h).
#include <lib/log.h>
#include <features/feature_hooks.h>
#include <linux/sys_families.h>
#include <mm/user_memory.h>
#include <proc/arch_thread.h>
#include <proc/fork.h>
#include <proc/cpus.h>
#include <proc/futex.h>
#include <proc/process.h>
#include <proc/process_exit.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

namespace ingot {
namespace {

// clone flags (linux/sched.h).
constexpr uint64_t kCloneVm = 0x100, kCloneFs = 0x200, kCloneFiles = 0x400, kCloneSighand = 0x800,
                   kClonePidfd = 0x1000, kCloneVfork = 0x4000, kCloneThread = 0x10000,
                   kCloneSysvsem = 0x40000, kCloneSettls = 0x80000, kCloneParentSettid = 0x100000,
                   kCloneChildCleartid = 0x200000, kCloneDetached = 0x400000,
                   kCloneChildSettid = 0x1000000, kCloneIo = 0x80000000ull;
constexpr uint64_t kCsignal = 0xFF;  // the exit signal, in clone's low byte
// What pthread_create passes (glibc and musl), plus flags that change nothing here.
constexpr uint64_t kThreadFlags = kCloneVm | kCloneFs | kCloneFiles | kCloneSighand | kCloneThread;
constexpr uint64_t kOptionalFlags = kCloneSysvsem | kCloneSettls | kCloneParentSettid | kCloneChildCleartid |
                                    kCloneDetached | kCloneChildSettid | kCloneIo;

struct CloneRequest {
    uint64_t flags;
    uint64_t stack;  // the child's initial rsp, or 0 for the parent's
    uint64_t parent_tid;
    uint64_t child_tid;
    uint64_t tls;
    uint64_t exit_signal;
};

// struct clone_args (linux/sched.h); CLONE_ARGS_SIZE_VER0 is its first 64 bytes.
struct CloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};
constexpr uint64_t kCloneArgsSizeVer0 = 64;

// For a new process: copy-on-write memory, or the parent's own with CLONE_VM|CLONE_VFORK.
constexpr uint64_t kProcessFlags = kCloneVfork | kCloneParentSettid | kCloneChildCleartid | kCloneChildSettid |
                                   kCloneDetached | kCloneIo;

void log_unsupported_flags(uint64_t flags, const char* what) {
    static bool logged = false;  // once: a program retrying in a loop must not flood the log
    if (logged) return;
    logged = true;
    log_info("clone: unsupported flag combination 0x%lx for %s: returning EINVAL", flags, what);
}

Result<void> check_clone_flags(const CloneRequest& request) {
    uint64_t flags = request.flags;
    // Linux's own consistency rules (kernel/fork.c copy_process).
    if ((flags & kCloneThread) && !(flags & kCloneSighand)) return Errno::EINVAL;
    if ((flags & kCloneSighand) && !(flags & kCloneVm)) return Errno::EINVAL;
    if (!(flags & kCloneThread)) {
        // A process sharing descriptors or memory with its parent (other than vfork's) is not
        // supported: every process here has its own tables.
        bool vm_ok = !(flags & kCloneVm) || (flags & kCloneVfork);
        if (!vm_ok || (flags & ~(kProcessFlags | kCloneVm))) {
            log_unsupported_flags(flags, "a process");
            return Errno::EINVAL;
        }
        return {};
    }
    if ((flags & kThreadFlags) != kThreadFlags || (flags & ~(kThreadFlags | kOptionalFlags))) {
        log_unsupported_flags(flags, "a thread");
        return Errno::EINVAL;
    }
    return {};
}

Result<int64_t> clone_process(const CloneRequest& request) {
    ForkRequest fork;
    fork.child_stack = request.stack;
    fork.share_memory = request.flags & kCloneVm;
    fork.parent_sleeps = request.flags & kCloneVfork;
    if (request.flags & kCloneChildSettid) fork.child_settid = request.child_tid;
    if (request.flags & kCloneChildCleartid) fork.child_cleartid = request.child_tid;
    if (request.flags & kCloneParentSettid) fork.parent_settid = request.parent_tid;
    return TRY(image_fork_process(fork));
}

Result<int64_t> clone_task(const CloneRequest& request) {
    TRY(check_clone_flags(request));
    if (request.stack && !is_user_range(request.stack - 1, 1)) return Errno::EFAULT;
    if (!(request.flags & kCloneThread)) return clone_process(request);
    Thread& parent = current_thread();
    Process& process = current_process();
    Thread* child = create_thread(process);
    if (!child) return Errno::EAGAIN;
    auto discard = [&process, child] {
        child->state = ThreadState::Dead;
        --process.live_threads;
        destroy_thread(*child);
    };
    if (auto cloned = arch_clone_thread(*child, request.stack, request.flags & kCloneSettls, request.tls); !cloned.ok()) {
        discard();
        return cloned.error();
    }
    child->signals.blocked = parent.signals.blocked;  // the alternate stack is not inherited (CLONE_VM)
    child->allowed_cpus = parent.allowed_cpus;
    uint32_t tid = static_cast<uint32_t>(child->tid);
    Result<void> written;
    if (request.flags & kCloneParentSettid) written = write_user(request.parent_tid, tid);
    if (written.ok() && (request.flags & kCloneChildSettid)) written = write_user(request.child_tid, tid);
    if (!written.ok()) {
        discard();
        return written.error();
    }
    if (request.flags & kCloneChildCleartid) child->clear_child_tid = request.child_tid;
    start_thread(*child);
    return child->tid;
}

// Robust futexes (Documentation/locking/robust-futex-ABI.rst): a dying thread marks each
// lock it holds FUTEX_OWNER_DIED and wakes one waiter, so the next locker learns of it.
constexpr uint32_t kFutexWaiters = 0x80000000u, kFutexOwnerDied = 0x40000000u, kFutexTidMask = 0x3FFFFFFFu;
constexpr int kRobustListLimit = 2048;  // ROBUST_LIST_LIMIT: a cycle must not hang the kernel

struct RobustListHead {
    uint64_t next;
    int64_t futex_offset;
    uint64_t list_op_pending;
};

void release_robust_futex(uint64_t entry, int64_t offset, int tid) {
    uint64_t address = entry + static_cast<uint64_t>(offset);
    auto read = read_user<uint32_t>(address);
    if (!read.ok()) return;
    uint32_t word = read.value();
    // Other threads may set FUTEX_WAITERS meanwhile: the owner-died mark goes in by compare-and-swap.
    while ((word & kFutexTidMask) == static_cast<uint32_t>(tid)) {
        uint32_t updated = (word & kFutexWaiters) | kFutexOwnerDied;
        auto seen = compare_exchange_user(address, word, updated);
        if (!seen.ok()) return;
        if (seen.value() == word) {
            if (word & kFutexWaiters) futex_wake(address, ~0u, 1);
            return;
        }
        word = seen.value();
    }
}

void release_robust_list(const Thread& thread) {
    if (!thread.robust_list) return;
    auto head = read_user<RobustListHead>(thread.robust_list);
    if (!head.ok()) return;
    uint64_t entry = head.value().next;
    for (int i = 0; i < kRobustListLimit && entry && entry != thread.robust_list; ++i) {
        auto next = read_user<uint64_t>(entry);
        if (!next.ok()) break;
        if (entry != head.value().list_op_pending) release_robust_futex(entry, head.value().futex_offset, thread.tid);
        entry = next.value();
    }
    if (head.value().list_op_pending)
        release_robust_futex(head.value().list_op_pending, head.value().futex_offset, thread.tid);
}

// CLONE_CHILD_CLEARTID: zero the word and wake one waiter (how pthread_join learns of the end).
void clear_child_tid(const Thread& thread) {
    if (!thread.clear_child_tid) return;
    if (write_user(thread.clear_child_tid, uint32_t{0}).ok()) futex_wake(thread.clear_child_tid, ~0u, 1);
}

// The online CPUs as a mask (there are at most kMaxCpus, fewer than 64).
uint64_t online_cpu_mask() { return (1ull << online_cpus()) - 1; }

Result<void> check_thread_id(uint64_t pid) {
    if (pid == 0) return {};
    if (pid > INT32_MAX || !find_thread(static_cast<int>(pid))) return Errno::ESRCH;
    return {};
}

}  // namespace

Result<int64_t> sys_clone(const SyscallArgs& a) {
    // x86-64 argument order: flags, stack, parent_tid, child_tid, tls.
    return clone_task({a.a[0] & ~kCsignal, a.a[1], a.a[2], a.a[3], a.a[4], a.a[0] & kCsignal});
}

Result<int64_t> sys_clone3(const SyscallArgs& a) {
    uint64_t size = a.a[1];
    if (size < kCloneArgsSizeVer0 || size > 4096) return Errno::EINVAL;
    CloneArgs args{};
    TRY(copy_from_user(&args, a.a[0], size < sizeof(args) ? size : sizeof(args)));
    // A newer program's larger struct is accepted only when the fields we do not know are zero.
    for (uint64_t offset = sizeof(args); offset < size; ++offset)
        if (TRY(read_user<uint8_t>(a.a[0] + offset)) != 0) return Errno::E2BIG;
    if (args.set_tid || args.set_tid_size || args.cgroup || (args.flags & kClonePidfd)) return Errno::EINVAL;
    if ((args.flags & kCsignal) || args.exit_signal > 64) return Errno::EINVAL;
    if ((args.flags & kCloneThread) && args.exit_signal) return Errno::EINVAL;
    if ((args.stack == 0) != (args.stack_size == 0)) return Errno::EINVAL;
    uint64_t stack = args.stack ? args.stack + args.stack_size : 0;
    if (stack && stack < args.stack) return Errno::EINVAL;
    return clone_task({args.flags, stack, args.parent_tid, args.child_tid, args.tls, args.exit_signal});
}

Result<int64_t> sys_exit(const SyscallArgs& a) {
    Thread& self = current_thread();
    release_robust_list(self);
    clear_child_tid(self);
    exit_current_thread(exited_status(static_cast<int>(a.a[0])));
}

Result<int64_t> sys_gettid(const SyscallArgs&) { return current_thread().tid; }

Result<int64_t> sys_set_tid_address(const SyscallArgs& a) {
    current_thread().clear_child_tid = a.a[0];
    return current_thread().tid;
}

Result<int64_t> sys_set_robust_list(const SyscallArgs& a) {
    constexpr uint64_t kRobustListHeadSize = sizeof(RobustListHead);
    if (a.a[1] != kRobustListHeadSize) return Errno::EINVAL;
    current_thread().robust_list = a.a[0];
    current_thread().robust_list_len = a.a[1];
    return 0;
}

Result<int64_t> sys_get_robust_list(const SyscallArgs& a) {
    TRY(check_thread_id(a.a[0]));
    Thread& thread = a.a[0] ? *find_thread(static_cast<int>(a.a[0])) : current_thread();
    TRY(write_user(a.a[1], thread.robust_list));
    TRY(write_user(a.a[2], uint64_t{sizeof(RobustListHead)}));
    return 0;
}

// prctl(2): the options programs call at start-up or when naming threads. Others are refused
// with EINVAL (named once), never faked.
Result<int64_t> sys_prctl(const SyscallArgs& a) {
    constexpr int kSetPdeathsig = 1, kGetPdeathsig = 2, kGetDumpable = 3, kSetDumpable = 4, kSetName = 15,
                  kGetName = 16, kSetNoNewPrivs = 38, kGetNoNewPrivs = 39;
    Thread& self = current_thread();
    switch (static_cast<int>(a.a[0])) {
    case kSetName: {
        char name[sizeof(self.name)] = {};
        // The name is cut to 15 bytes, as Linux does; a longer string is not an error.
        for (size_t i = 0; i + 1 < sizeof(name); ++i) {
            name[i] = static_cast<char>(TRY(read_user<uint8_t>(a.a[1] + i)));
            if (!name[i]) break;
        }
        for (size_t i = 0; i < sizeof(name); ++i) self.name[i] = name[i];
        return 0;
    }
    case kGetName: {
        char name[sizeof(self.name)] = {};
        if (self.name[0]) {
            for (size_t i = 0; i + 1 < sizeof(name); ++i) name[i] = self.name[i];
        } else {
            std::string_view exe = current_process().exe_path;
            size_t slash = exe.rfind('/');
            std::string_view base = slash == std::string_view::npos ? exe : exe.substr(slash + 1);
            for (size_t i = 0; i + 1 < sizeof(name) && i < base.size(); ++i) name[i] = base[i];
        }
        TRY(copy_to_user(a.a[1], name, sizeof(name)));
        return 0;
    }
    case kSetPdeathsig:
        // The parent of every process but pid 1 outlives it here only until pid 1 ends the
        // machine, so the death signal would never be sent; it is accepted and reported back.
        if (a.a[1] > static_cast<uint64_t>(kSignalCount)) return Errno::EINVAL;
        self.parent_death_signal = static_cast<int>(a.a[1]);
        return 0;
    case kGetPdeathsig: TRY(write_user(a.a[1], static_cast<int32_t>(self.parent_death_signal))); return 0;
    case kGetDumpable: return 1;
    case kSetDumpable: return a.a[1] <= 1 ? Result<int64_t>(0) : Result<int64_t>(Errno::EINVAL);
    case kSetNoNewPrivs:
        // There is nothing to gain privileges from (no set-user-ID programs): always in effect.
        if (a.a[1] != 1 || a.a[2] || a.a[3] || a.a[4]) return Errno::EINVAL;
        return 0;
    case kGetNoNewPrivs: return 1;
    default: {
        static bool logged = false;
        if (!logged) log_info("prctl option %lu is not supported: returning EINVAL", a.a[0]);
        logged = true;
        return Errno::EINVAL;
    }
    }
}

Result<int64_t> sys_sched_yield(const SyscallArgs&) {
    yield_current();
    return 0;
}

// sched_getaffinity(tid, size, mask): the CPUs the thread may run on; the size must hold a
// mask of every CPU, in whole longs (Linux's checks); returns the bytes written.
Result<int64_t> sys_sched_getaffinity(const SyscallArgs& a) {
    uint64_t size = a.a[1];
    TRY(check_thread_id(a.a[0]));
    if (size < sizeof(uint64_t) || (size & 7)) return Errno::EINVAL;
    Thread& thread = a.a[0] ? *find_thread(static_cast<int>(a.a[0])) : current_thread();
    TRY(write_user(a.a[2], thread.allowed_cpus & online_cpu_mask()));
    return sizeof(uint64_t);
}

// getcpu(cpu, node, cache): the CPU the caller runs on, NUMA node 0; the cache argument is
// unused since Linux 2.6.24. Either pointer may be null.
Result<int64_t> sys_getcpu(const SyscallArgs& a) {
    if (a.a[0]) TRY(write_user(a.a[0], uint32_t{current_cpu()}));
    if (a.a[1]) TRY(write_user(a.a[1], uint32_t{0}));
    return 0;
}

// sched_setaffinity(tid, size, mask): the thread runs only on the online CPUs the mask names
// (EINVAL when it names none). As on Linux, a shorter mask reads as zeros past its end and
// bits past the CPUs there can be are ignored.
Result<int64_t> sys_sched_setaffinity(const SyscallArgs& a) {
    TRY(check_thread_id(a.a[0]));
    uint64_t mask = 0;
    if (a.a[1] >= sizeof(uint64_t)) {
        mask = TRY(read_user<uint64_t>(a.a[2]));
    } else {
        for (uint64_t i = 0; i < a.a[1]; ++i) mask |= uint64_t{TRY(read_user<uint8_t>(a.a[2] + i))} << (8 * i);
    }
    mask &= online_cpu_mask();
    if (!mask) return Errno::EINVAL;
    set_thread_affinity(a.a[0] ? *find_thread(static_cast<int>(a.a[0])) : current_thread(), mask);
    return 0;
}

}  // namespace ingot
