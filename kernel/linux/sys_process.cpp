// Processes (fork(2), vfork(2), execve(2), wait4(2), waitid(2)) and their groups and sessions
// (setpgid(2), setsid(2)): the thin system-call side of proc/fork.h, proc/exec.h and
// proc/process_exit.h. clone(2) for processes comes here through sys_thread.cpp.
#include <features/feature_hooks.h>
#include <linux/sys_families.h>
#include <linux/sys_fs_util.h>
#include <mm/user_memory.h>
#include <proc/event_loop.h>
#include <proc/exec.h>
#include <proc/fork.h>
#include <proc/process.h>
#include <proc/process_exit.h>

#include <string_view>
#include <vector>

namespace ingot {
namespace {

// wait options (linux/wait.h).
constexpr uint64_t kWaitNoHang = 1, kWaitUntraced = 2, kWaitExited = 4, kWaitContinued = 8,
                   kWaitNoWait = 0x01000000, kWaitNoThread = 0x20000000, kWaitAll = 0x40000000,
                   kWaitClone = 0x80000000;
constexpr int kPidTypeAll = 0, kPidTypePid = 1, kPidTypePgid = 2;
constexpr int kCldExited = 1, kCldKilled = 2;  // si_code for SIGCHLD

constexpr size_t kMaxArgString = 32 * 4096;  // MAX_ARG_STRLEN, with its NUL
constexpr size_t kMaxArgBytes = 2u << 20;    // strings and pointers: a quarter of the 8 MiB stack

// Which children a wait names: pid > 0 that one, 0 the caller's group, -1 any, < -1 group -pid.
struct ChildSelector {
    enum Kind { Any, Pid, Group } kind;
    int id;
    bool matches(const Process& child) const {
        if (child.reaped) return false;
        switch (kind) {
        case Any: return true;
        case Pid: return child.pid == id;
        case Group: return child.pgid == id;
        }
        return false;
    }
};

struct WaitOutcome {
    bool has_child = false;
    Process* zombie = nullptr;
};

WaitOutcome look_for_child(const Process& parent, const ChildSelector& selector) {
    WaitOutcome outcome;
    for_each_process([&](Process& p) {
        if (p.parent != &parent || !selector.matches(p)) return;
        outcome.has_child = true;
        if (!outcome.zombie && p.state == ProcessState::Zombie) outcome.zombie = &p;
    });
    return outcome;
}

// Waits until a selected child of the caller is a zombie (returned, not yet reaped), or
// returns nullptr at once for WNOHANG. ECHILD when no child is selected, EINTR on a signal.
Result<Process*> wait_for_child(const ChildSelector& selector, bool no_hang) {
    Process* self = &current_process();
    for (;;) {
        WaitOutcome outcome = look_for_child(*self, selector);
        if (!outcome.has_child) return Errno::ECHILD;
        if (outcome.zombie) return outcome.zombie;
        if (no_hang) return nullptr;
        // The condition is re-checked from other threads' contexts: it names the parent itself.
        TRY(wait_until([self, &selector] {
            WaitOutcome now = look_for_child(*self, selector);
            return !now.has_child || now.zombie != nullptr;
        }, kNoDeadline, WaitKind::OtherThreads));
    }
}

void reap(Process& zombie) {
    zombie.reaped = true;
    release_process_if_done(zombie);
}

// Copies a NULL-terminated array of string pointers (argv, envp) into `storage` and `spans`.
// E2BIG past MAX_ARG_STRLEN for one string, or past kMaxArgBytes for all of them with their
// pointers (so an endless array of empty strings ends too).
Result<void> copy_string_array(uint64_t user_array, std::vector<char>& storage,
                               std::vector<std::pair<size_t, size_t>>& spans) {
    if (!user_array) return {};  // Linux treats a NULL argv or envp as empty
    std::vector<char> buffer(kMaxArgString);
    for (size_t i = 0;; ++i) {
        uint64_t pointer = TRY(read_user<uint64_t>(user_array + i * sizeof(uint64_t)));
        if (!pointer) return {};
        auto length = copy_string_from_user(buffer.data(), buffer.size(), pointer);
        if (!length.ok()) return length.error() == Errno::ENAMETOOLONG ? Errno::E2BIG : length.error();
        if (storage.size() + length.value() + (spans.size() + 1) * sizeof(uint64_t) > kMaxArgBytes) return Errno::E2BIG;
        spans.emplace_back(storage.size(), length.value());
        storage.insert(storage.end(), buffer.data(), buffer.data() + length.value());
    }
}

std::vector<std::string_view> views_of(const std::vector<char>& storage,
                                       const std::vector<std::pair<size_t, size_t>>& spans) {
    std::vector<std::string_view> views;
    views.reserve(spans.size());
    for (auto [offset, size] : spans) views.emplace_back(storage.data() + offset, size);
    return views;
}

}  // namespace

Result<int64_t> sys_fork(const SyscallArgs&) { return TRY(image_fork_process({})); }

Result<int64_t> sys_vfork(const SyscallArgs&) {
    ForkRequest request;
    request.share_memory = request.parent_sleeps = true;
    return TRY(image_fork_process(request));
}

Result<int64_t> sys_execve(const SyscallArgs& a) {
    OwnedString path = TRY(sys_fs::path_arg(a.a[0]));
    if (path.view().empty()) return Errno::ENOENT;
    std::vector<char> argv_storage, envp_storage;
    std::vector<std::pair<size_t, size_t>> argv_spans, envp_spans;
    TRY(copy_string_array(a.a[1], argv_storage, argv_spans));
    TRY(copy_string_array(a.a[2], envp_storage, envp_spans));
    std::vector<std::string_view> argv = views_of(argv_storage, argv_spans);
    std::vector<std::string_view> envp = views_of(envp_storage, envp_spans);
    TRY(exec_program(path.view(), argv, envp));
    return 0;  // never seen: the new program starts with every register cleared
}

Result<int64_t> sys_wait4(const SyscallArgs& a) {
    auto pid = static_cast<int32_t>(a.a[0]);
    uint64_t options = a.a[2];
    if (options & ~(kWaitNoHang | kWaitUntraced | kWaitContinued | kWaitNoThread | kWaitAll | kWaitClone))
        return Errno::EINVAL;
    if (pid == INT32_MIN) return Errno::ESRCH;
    ChildSelector selector = pid > 0    ? ChildSelector{ChildSelector::Pid, pid}
                             : pid == 0 ? ChildSelector{ChildSelector::Group, current_process().pgid}
                             : pid == -1 ? ChildSelector{ChildSelector::Any, 0}
                                         : ChildSelector{ChildSelector::Group, -pid};
    Process* zombie = TRY(wait_for_child(selector, options & kWaitNoHang));
    if (!zombie) return 0;
    if (a.a[1]) TRY(write_user(a.a[1], static_cast<int32_t>(zombie->wait_status)));
    if (a.a[3]) TRY(clear_user(a.a[3], 144));  // struct rusage: no accounting kept
    int child = zombie->pid;
    reap(*zombie);
    return child;
}

Result<int64_t> sys_waitid(const SyscallArgs& a) {
    int type = static_cast<int>(a.a[0]);
    auto id = static_cast<int32_t>(a.a[1]);
    uint64_t options = a.a[3];
    if (options & ~(kWaitNoHang | kWaitUntraced | kWaitExited | kWaitContinued | kWaitNoWait | kWaitNoThread |
                    kWaitAll | kWaitClone))
        return Errno::EINVAL;
    if (!(options & (kWaitExited | kWaitUntraced | kWaitContinued))) return Errno::EINVAL;
    ChildSelector selector{ChildSelector::Any, 0};
    switch (type) {
    case kPidTypeAll: break;
    case kPidTypePid:
        if (id <= 0) return Errno::EINVAL;
        selector = {ChildSelector::Pid, id};
        break;
    case kPidTypePgid:
        if (id < 0) return Errno::EINVAL;
        selector = {ChildSelector::Group, id ? id : current_process().pgid};
        break;
    default: return Errno::EINVAL;
    }
    if (!(options & kWaitExited)) {
        // Only stops and continues asked for: there is no job control, so nothing ever comes.
        if (options & kWaitNoHang) return 0;
        return Errno::ECHILD;
    }
    Process* zombie = TRY(wait_for_child(selector, options & kWaitNoHang));
    struct {
        int32_t signo, errno_value, code, pad;
        int32_t pid, uid, status, pad2;
        uint8_t rest[128 - 32];
    } info{};
    static_assert(sizeof(info) == 128);
    if (zombie) {
        bool killed = zombie->wait_status & 0x7F;
        info.signo = kSigChld;
        info.code = killed ? kCldKilled : kCldExited;
        info.pid = zombie->pid;
        info.status = killed ? zombie->wait_status & 0x7F : (zombie->wait_status >> 8) & 0xFF;
    }
    if (a.a[2]) TRY(write_user(a.a[2], info));  // all zero when WNOHANG found nothing
    if (a.a[4]) TRY(clear_user(a.a[4], 144));
    if (zombie && !(options & kWaitNoWait)) reap(*zombie);
    return 0;
}

Result<int64_t> sys_setpgid(const SyscallArgs& a) {
    auto pid = static_cast<int32_t>(a.a[0]), pgid = static_cast<int32_t>(a.a[1]);
    if (pgid < 0) return Errno::EINVAL;
    Process& self = current_process();
    Process* target = pid == 0 ? &self : find_process(pid);
    if (!target || (target != &self && target->parent != &self)) return Errno::ESRCH;
    if (target->pid == target->sid) return Errno::EPERM;  // a session leader keeps its group
    if (target->sid != self.sid) return Errno::EPERM;
    int group = pgid == 0 ? target->pid : pgid;
    if (group != target->pid) {
        // Joining a group is allowed only for a group that exists in the same session.
        bool exists = false;
        for_each_process([&](Process& p) { exists = exists || (p.pgid == group && p.sid == target->sid); });
        if (!exists) return Errno::EPERM;
    }
    target->pgid = group;
    return 0;
}

Result<int64_t> sys_getpgid(const SyscallArgs& a) {
    auto pid = static_cast<int32_t>(a.a[0]);
    Process* target = pid == 0 ? &current_process() : find_process(pid);
    if (!target) return Errno::ESRCH;
    return target->pgid;
}

Result<int64_t> sys_getpgrp(const SyscallArgs&) { return current_process().pgid; }

Result<int64_t> sys_setsid(const SyscallArgs&) {
    Process& self = current_process();
    bool leads_a_group = false;
    for_each_process([&](Process& p) { leads_a_group = leads_a_group || (p.pgid == self.pid && &p != &self); });
    if (self.pgid == self.pid || leads_a_group) return Errno::EPERM;
    self.sid = self.pgid = self.pid;
    return self.sid;
}

Result<int64_t> sys_getsid(const SyscallArgs& a) {
    auto pid = static_cast<int32_t>(a.a[0]);
    Process* target = pid == 0 ? &current_process() : find_process(pid);
    if (!target) return Errno::ESRCH;
    return target->sid;
}

}  // namespace ingot
