// Waiting on several descriptors: poll(2), ppoll(2), select(2), pselect6(2), and eventfd2(2).
// All of them reduce to OpenFile::poll_events() checked inside one wait_until loop.
#include <fs/eventfd_file.h>
#include <fs/fs_context.h>
#include <lib/clock.h>
#include <linux/sys_poll.h>
#include <linux/user_time.h>
#include <mm/user_memory.h>
#include <proc/event_loop.h>
#include <proc/process.h>
#include <proc/thread.h>

#include <vector>

namespace ingot {
namespace {

constexpr uint32_t kPollPri = 0x002, kPollNval = 0x020, kPollRdNorm = 0x040, kPollWrNorm = 0x100;

struct PollFd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
struct Timeval {
    int64_t sec, usec;
};

// Wait conditions run on other threads' behalf too (scheduler.h): they name the caller's
// descriptor table explicitly, never through current_fs().
uint32_t revents_for(const FdTable& table, int fd, uint32_t requested) {
    if (fd < 0) return 0;
    auto file = table.get(fd);
    if (!file.ok()) return kPollNval;
    uint32_t ready = file.value()->poll_events();
    if (ready & kPollIn) ready |= kPollRdNorm;
    if (ready & kPollOut) ready |= kPollWrNorm;
    return ready & (requested | kPollErr | kPollHangUp);
}

// An absolute monotonic deadline from a relative timeout in nanoseconds (kNoDeadline if none).
uint64_t deadline_after(uint64_t timeout_ns) {
    uint64_t now = monotonic_ns();
    return timeout_ns > kNoDeadline - now ? kNoDeadline : now + timeout_ns;
}

Result<uint64_t> read_timespec_deadline(uint64_t user) {
    if (!user) return kNoDeadline;
    return deadline_after(TRY(read_timespec_ns(user)));
}

// Runs `wait` with the signal mask temporarily replaced, as ppoll/pselect6 do.
Result<int64_t> with_sigmask(uint64_t user_mask, uint64_t mask_size, FunctionRef<Result<int64_t>()> wait) {
    if (!user_mask) return wait();
    if (mask_size != sizeof(uint64_t)) return Errno::EINVAL;
    uint64_t mask = TRY(read_user<uint64_t>(user_mask));
    ThreadSignals& signals = current_thread().signals;
    uint64_t saved = signals.blocked;
    signals.blocked = mask & ~kUnblockable;
    Result<int64_t> result = wait();
    signals.blocked = saved;
    return result;
}

Result<int64_t> do_poll(uint64_t user_fds, uint64_t count, uint64_t deadline) {
    if (count > static_cast<uint64_t>(current_fs().fds.limit())) return Errno::EINVAL;
    std::vector<PollFd> fds(count);
    TRY(copy_from_user(fds.data(), user_fds, count * sizeof(PollFd)));
    int64_t ready = 0;
    const FdTable& table = current_fs().fds;
    auto scan = [&] {
        ready = 0;
        for (PollFd& p : fds) {
            p.revents = static_cast<int16_t>(revents_for(table, p.fd, static_cast<uint16_t>(p.events)));
            if (p.revents) ++ready;
        }
        return ready > 0;
    };
    TRY(wait_until(scan, deadline));
    TRY(copy_to_user(user_fds, fds.data(), count * sizeof(PollFd)));
    return ready;
}

// fd_set bitmaps as select(2) passes them: nfds bits, in 64-bit words.
struct FdSets {
    std::vector<uint64_t> in[3];   // read, write, except as given
    std::vector<uint64_t> out[3];  // what is ready
};

Result<int64_t> do_select(int64_t nfds, const uint64_t user_sets[3], uint64_t deadline) {
    if (nfds < 0 || nfds > current_fs().fds.limit()) return Errno::EINVAL;
    size_t words = (static_cast<size_t>(nfds) + 63) / 64;
    FdSets sets;
    for (int k = 0; k < 3; ++k) {
        sets.in[k].assign(words, 0);
        sets.out[k].assign(words, 0);
        if (user_sets[k]) TRY(copy_from_user(sets.in[k].data(), user_sets[k], words * 8));
    }
    // select(2): a set bit for a descriptor that is not open is EBADF.
    for (int64_t fd = 0; fd < nfds; ++fd) {
        bool wanted = false;
        for (auto& set : sets.in) wanted |= (set[fd / 64] >> (fd % 64)) & 1;
        if (wanted && !current_fs().fds.is_open(static_cast<int>(fd))) return Errno::EBADF;
    }
    constexpr uint32_t kSelectEvents[3] = {kPollIn | kPollHangUp | kPollErr, kPollOut | kPollErr, kPollPri};
    // The files are held for the whole wait, as Linux does: closing a descriptor meanwhile
    // changes nothing for this call.
    std::vector<OpenFileRef> files(static_cast<size_t>(nfds));
    for (int64_t fd = 0; fd < nfds; ++fd) {
        bool wanted = false;
        for (auto& set : sets.in) wanted |= (set[fd / 64] >> (fd % 64)) & 1;
        if (wanted) files[static_cast<size_t>(fd)] = current_fs().fds.get(static_cast<int>(fd)).value();
    }
    int64_t ready = 0;
    auto scan = [&] {
        ready = 0;
        for (int64_t fd = 0; fd < nfds; ++fd) {
            for (int k = 0; k < 3; ++k) {
                uint64_t bit = 1ull << (fd % 64);
                if (!(sets.in[k][fd / 64] & bit)) continue;
                uint32_t events = files[static_cast<size_t>(fd)]->poll_events();
                if (events & kSelectEvents[k]) {
                    sets.out[k][fd / 64] |= bit;
                    ++ready;
                } else {
                    sets.out[k][fd / 64] &= ~bit;
                }
            }
        }
        return ready > 0;
    };
    TRY(wait_until(scan, deadline));
    for (int k = 0; k < 3; ++k)
        if (user_sets[k]) TRY(copy_to_user(user_sets[k], sets.out[k].data(), words * 8));
    return ready;
}

}  // namespace

Result<int64_t> sys_poll(const SyscallArgs& a) {
    int timeout_ms = static_cast<int>(a.a[2]);
    uint64_t deadline = timeout_ms < 0 ? kNoDeadline : deadline_after(uint64_t(timeout_ms) * 1'000'000);
    return do_poll(a.a[0], a.a[1], deadline);
}

Result<int64_t> sys_ppoll(const SyscallArgs& a) {
    uint64_t deadline = TRY(read_timespec_deadline(a.a[2]));
    return with_sigmask(a.a[3], a.a[4], [&] { return do_poll(a.a[0], a.a[1], deadline); });
}

Result<int64_t> sys_select(const SyscallArgs& a) {
    uint64_t deadline = kNoDeadline;
    if (a.a[4]) {
        Timeval t = TRY(read_user<Timeval>(a.a[4]));
        if (t.sec < 0 || t.usec < 0 || t.usec >= 1'000'000) return Errno::EINVAL;
        deadline = deadline_after(static_cast<uint64_t>(t.sec) * kNanosPerSecond + t.usec * 1000);
    }
    const uint64_t sets[3] = {a.a[1], a.a[2], a.a[3]};
    Result<int64_t> result = do_select(static_cast<int64_t>(static_cast<int32_t>(a.a[0])), sets, deadline);
    if (result.ok() && a.a[4]) {
        // Linux writes back the time not slept.
        uint64_t now = monotonic_ns(), left = deadline > now ? deadline - now : 0;
        TRY(write_user(a.a[4], Timeval{int64_t(left / kNanosPerSecond), int64_t(left % kNanosPerSecond / 1000)}));
    }
    return result;
}

Result<int64_t> sys_pselect6(const SyscallArgs& a) {
    uint64_t deadline = TRY(read_timespec_deadline(a.a[4]));
    uint64_t mask_pointer = 0, mask_size = 0;
    if (a.a[5]) {
        // The sixth argument points at { const sigset_t* mask; size_t size; }.
        struct {
            uint64_t mask, size;
        } arg = TRY((read_user<decltype(arg)>(a.a[5])));
        mask_pointer = arg.mask;
        mask_size = arg.size;
    }
    const uint64_t sets[3] = {a.a[1], a.a[2], a.a[3]};
    return with_sigmask(mask_pointer, mask_size, [&] {
        return do_select(static_cast<int64_t>(static_cast<int32_t>(a.a[0])), sets, deadline);
    });
}

Result<int64_t> sys_eventfd2(const SyscallArgs& a) {
    uint32_t flags = static_cast<uint32_t>(a.a[1]);
    constexpr uint32_t kCloexec = 02000000, kNonblock = 04000;
    if (flags & ~(kCloexec | kNonblock | kEventFdSemaphore)) return Errno::EINVAL;
    OpenFileRef file = make_ref<EventFdFile>(static_cast<uint32_t>(a.a[0]), flags & kNonblock,
                                             flags & kEventFdSemaphore);
    return TRY(current_fs().fds.install(std::move(file), flags & kCloexec));
}

Result<int64_t> sys_eventfd(const SyscallArgs& a) {
    SyscallArgs with_flags = a;
    with_flags.a[1] = 0;
    return sys_eventfd2(with_flags);
}

}  // namespace ingot
