// Signal system calls (signal(7), rt_sigaction(2), rt_sigprocmask(2), kill(2), tgkill(2),
// pause(2), rt_sigsuspend(2)): kill reaches processes and process groups, tgkill and tkill one
// thread.
#include <linux/signal_dispatch.h>
#include <linux/sys_families.h>
#include <mm/user_memory.h>
#include <proc/event_loop.h>
#include <proc/process.h>
#include <proc/thread.h>

namespace ingot {
namespace {

constexpr int kSigBlock = 0, kSigUnblock = 1, kSigSetmask = 2;
constexpr int kSsDisable = 2;
constexpr uint64_t kMinSigStackSize = 2048;

struct StackT {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

Result<void> check_sigset_size(uint64_t size) {
    if (size != sizeof(uint64_t)) return Errno::EINVAL;
    return {};
}

}  // namespace

Result<int64_t> sys_rt_sigaction(const SyscallArgs& a) {
    int signal = static_cast<int>(a.a[0]);
    TRY(check_sigset_size(a.a[3]));
    if (!valid_signal(signal)) return Errno::EINVAL;
    Process& process = current_process();
    SigAction old = process.signal_actions[signal];
    if (a.a[1]) {
        if (signal == kSigKill || signal == kSigStop) return Errno::EINVAL;
        SigAction action = TRY(read_user<SigAction>(a.a[1]));
        action.mask &= ~kUnblockable;
        process.signal_actions[signal] = action;
        // Ignoring a signal discards it if pending, in every thread (signal(7)).
        if (action.handler == kSigIgnore) {
            process.shared_pending &= ~signal_bit(signal);
            for_each_thread([&process, signal](Thread& thread) {
                if (&process_of(thread) == &process) thread.signals.pending &= ~signal_bit(signal);
            });
        }
    }
    if (a.a[2]) TRY(write_user(a.a[2], old));
    return 0;
}

Result<int64_t> sys_rt_sigprocmask(const SyscallArgs& a) {
    TRY(check_sigset_size(a.a[3]));
    ThreadSignals& state = current_thread().signals;
    uint64_t old = state.blocked;
    if (a.a[1]) {
        uint64_t set = TRY(read_user<uint64_t>(a.a[1]));
        switch (static_cast<int>(a.a[0])) {
        case kSigBlock: state.blocked |= set; break;
        case kSigUnblock: state.blocked &= ~set; break;
        case kSigSetmask: state.blocked = set; break;
        default: return Errno::EINVAL;
        }
        state.blocked &= ~kUnblockable;
    }
    if (a.a[2]) TRY(write_user(a.a[2], old));
    return 0;  // newly unblocked pending signals are delivered on the way out
}

Result<int64_t> sys_rt_sigpending(const SyscallArgs& a) {
    TRY(check_sigset_size(a.a[1]));
    ThreadSignals& state = current_thread().signals;
    TRY(write_user(a.a[0], (state.pending | current_process().shared_pending) & state.blocked));
    return 0;
}

// pause(2): sleeps until a signal is delivered; always fails with EINTR then.
Result<int64_t> sys_pause(const SyscallArgs&) {
    TRY(wait_until([] { return false; }, kNoDeadline, WaitKind::OtherThreads));
    return Errno::EINTR;
}

// rt_sigsuspend(2): waits with `mask` blocked until a signal is delivered; the previous mask
// comes back once its handler returns.
Result<int64_t> sys_rt_sigsuspend(const SyscallArgs& a) {
    TRY(check_sigset_size(a.a[1]));
    uint64_t mask = TRY(read_user<uint64_t>(a.a[0]));
    ThreadSignals& state = current_thread().signals;
    state.saved_blocked = state.blocked;
    state.has_saved_blocked = true;
    state.blocked = mask & ~kUnblockable;
    Result<bool> waited = wait_until([] { return false; }, kNoDeadline, WaitKind::OtherThreads);
    if (!waited.ok() && waited.error() != Errno::EINTR) {
        state.blocked = state.saved_blocked;
        state.has_saved_blocked = false;
        return waited.error();
    }
    return Errno::EINTR;
}

Result<int64_t> sys_sigaltstack(const SyscallArgs& a) {
    ThreadSignals& state = current_thread().signals;
    StackT old{state.altstack_sp, state.altstack_flags, 0, state.altstack_size};
    if (a.a[0]) {
        StackT stack = TRY(read_user<StackT>(a.a[0]));
        if (stack.flags & ~kSsDisable) return Errno::EINVAL;
        if (!(stack.flags & kSsDisable)) {
            if (stack.size < kMinSigStackSize) return Errno::ENOMEM;
            if (!is_user_range(stack.sp, stack.size)) return Errno::EFAULT;
        }
        state.altstack_sp = (stack.flags & kSsDisable) ? 0 : stack.sp;
        state.altstack_size = (stack.flags & kSsDisable) ? 0 : stack.size;
        state.altstack_flags = stack.flags & kSsDisable;
    }
    if (a.a[1]) TRY(write_user(a.a[1], old));
    return 0;
}

// kill(2): pid > 0 names a process, 0 the caller's process group, -1 every process but pid
// 1 and the caller (as Linux's kill_something_info), < -1 the process group -pid.
Result<int64_t> sys_kill(const SyscallArgs& a) {
    auto pid = static_cast<int32_t>(a.a[0]);  // pid_t: Linux reads the low 32 bits
    int signal = static_cast<int>(a.a[1]);
    if (signal != 0 && !valid_signal(signal)) return Errno::EINVAL;
    if (pid == INT32_MIN) return Errno::ESRCH;
    int group = pid == 0 ? current_process().pgid : -pid;
    int reached = 0;
    for_each_process([&](Process& process) {
        if (process.state != ProcessState::Alive) return;
        bool targeted = pid > 0    ? process.pid == pid
                        : pid == -1 ? process.pid != kProgramPid && &process != &current_process()
                                    : process.pgid == group;
        if (!targeted) return;
        ++reached;
        if (signal != 0) send_process_signal(process, signal);
    });
    if (reached) return 0;
    if (pid > 0 && find_process(pid)) return 0;  // a zombie: it exists, signals do nothing to it
    return Errno::ESRCH;
}

Result<int64_t> sys_tgkill(const SyscallArgs& a) {
    auto tgid = static_cast<int32_t>(a.a[0]), tid = static_cast<int32_t>(a.a[1]);
    int signal = static_cast<int>(a.a[2]);
    if (tgid <= 0 || tid <= 0) return Errno::EINVAL;
    if (signal != 0 && !valid_signal(signal)) return Errno::EINVAL;
    Thread* thread = find_thread(tid);
    if (!thread || process_of(*thread).pid != tgid) return Errno::ESRCH;
    if (signal != 0) send_thread_signal(*thread, signal);
    return 0;
}

Result<int64_t> sys_tkill(const SyscallArgs& a) {
    auto tid = static_cast<int32_t>(a.a[0]);
    int signal = static_cast<int>(a.a[1]);
    if (tid <= 0) return Errno::EINVAL;
    if (signal != 0 && !valid_signal(signal)) return Errno::EINVAL;
    Thread* thread = find_thread(tid);
    if (!thread) return Errno::ESRCH;
    if (signal != 0) send_thread_signal(*thread, signal);
    return 0;
}

}  // namespace ingot
