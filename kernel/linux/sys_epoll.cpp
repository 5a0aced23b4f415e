// epoll(7) system calls over EpollFile: create, control, and wait (with a temporary signal
// mask for epoll_pwait).
#include <fs/epoll_file.h>
#include <fs/fs_context.h>
#include <lib/clock.h>
#include <linux/sys_poll.h>
#include <mm/user_memory.h>
#include <proc/event_loop.h>
#include <proc/process.h>
#include <proc/thread.h>

#include <vector>

namespace ingot {
namespace {

constexpr int kCtlAdd = 1, kCtlDel = 2, kCtlMod = 3;
constexpr uint32_t kEpollCloexec = 02000000;
// EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event).
constexpr uint64_t kMaxEvents = 0x7FFFFFFF / sizeof(EpollEvent);

Result<EpollFile*> epoll_at(int fd, OpenFileRef& holder) {
    holder = TRY(current_fs().fds.get(fd));
    EpollFile* epoll = holder->epoll();
    if (!epoll) return Errno::EINVAL;
    return epoll;
}

Result<int64_t> wait_for_events(int epfd, uint64_t user_events, int64_t max_events, int timeout_ms) {
    if (max_events <= 0 || static_cast<uint64_t>(max_events) > kMaxEvents) return Errno::EINVAL;
    OpenFileRef holder;
    EpollFile* epoll = TRY(epoll_at(epfd, holder));
    if (!is_user_range(user_events, static_cast<uint64_t>(max_events) * sizeof(EpollEvent))) return Errno::EFAULT;
    size_t capacity = static_cast<size_t>(max_events < 1024 ? max_events : 1024);
    std::vector<EpollEvent> events(capacity);
    uint64_t now = monotonic_ns();
    uint64_t deadline = timeout_ms < 0 ? kNoDeadline : now + uint64_t(timeout_ms) * 1'000'000;
    size_t count = 0;
    for (;;) {
        // The condition must not consume edge-triggered or one-shot state: the scheduler
        // evaluates it to decide whether to wake this thread, and the wait evaluates it again.
        // Collecting inside it lost an edge whenever both did (the wake found the event, the
        // second look saw it as already reported, and the thread slept on).
        FdTable& table = current_fs().fds;  // the condition may run on another thread's behalf
        bool ready = TRY(wait_until([&] { return epoll->has_events(table); }, deadline));
        count = epoll->collect(table, events.data(), capacity);
        // Another thread may have taken the events between the wake-up and here: wait again.
        if (count > 0 || !ready || monotonic_ns() >= deadline) break;
    }
    TRY(copy_to_user(user_events, events.data(), count * sizeof(EpollEvent)));
    return static_cast<int64_t>(count);
}

}  // namespace

Result<int64_t> sys_epoll_create1(const SyscallArgs& a) {
    uint32_t flags = static_cast<uint32_t>(a.a[0]);
    if (flags & ~kEpollCloexec) return Errno::EINVAL;
    return TRY(current_fs().fds.install(make_ref<EpollFile>(0), flags & kEpollCloexec));
}

Result<int64_t> sys_epoll_create(const SyscallArgs& a) {
    if (static_cast<int>(a.a[0]) <= 0) return Errno::EINVAL;  // size is ignored but must be positive
    return TRY(current_fs().fds.install(make_ref<EpollFile>(0), false));
}

Result<int64_t> sys_epoll_ctl(const SyscallArgs& a) {
    int epfd = static_cast<int>(a.a[0]), op = static_cast<int>(a.a[1]), fd = static_cast<int>(a.a[2]);
    OpenFileRef holder;
    EpollFile* epoll = TRY(epoll_at(epfd, holder));
    OpenFileRef target = TRY(current_fs().fds.get(fd));
    if (target->is_regular_file() || target->is_directory()) return Errno::EPERM;  // epoll_ctl(2)
    if (op == kCtlDel) {
        TRY(epoll->remove(fd, target.get()));
        return 0;
    }
    EpollEvent event = TRY(read_user<EpollEvent>(a.a[3]));
    switch (op) {
    case kCtlAdd: TRY(epoll->add(fd, target.get(), event)); return 0;
    case kCtlMod: TRY(epoll->modify(fd, target.get(), event)); return 0;
    default: return Errno::EINVAL;
    }
}

Result<int64_t> sys_epoll_wait(const SyscallArgs& a) {
    return wait_for_events(static_cast<int>(a.a[0]), a.a[1], static_cast<int32_t>(a.a[2]), static_cast<int>(a.a[3]));
}

Result<int64_t> sys_epoll_pwait(const SyscallArgs& a) {
    if (!a.a[4]) return sys_epoll_wait(a);
    if (a.a[5] != sizeof(uint64_t)) return Errno::EINVAL;
    uint64_t mask = TRY(read_user<uint64_t>(a.a[4]));
    ThreadSignals& signals = current_thread().signals;
    uint64_t saved = signals.blocked;
    signals.blocked = mask & ~kUnblockable;
    Result<int64_t> result = sys_epoll_wait(a);
    signals.blocked = saved;
    return result;
}

}  // namespace ingot
