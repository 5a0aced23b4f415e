// futex(2) for a program with one thread (DESIGN rule 9). Every operation is checked and
// performed as Linux does; there is never another waiter to wake, so wake operations report
// zero woken, and a wait that nothing can ever end is reported instead of hanging.
#include <lib/clock.h>
#include <lib/log.h>
#include <linux/sys_families.h>
#include <linux/user_time.h>
#include <mm/user_memory.h>
#include <proc/process.h>
#include <proc/signals.h>

namespace ingot {
namespace {

// futex operations and flags (linux/futex.h).
constexpr int kWait = 0, kWake = 1, kRequeue = 3, kCmpRequeue = 4, kWakeOp = 5, kWaitBitset = 9,
              kWakeBitset = 10;
constexpr int kPrivateFlag = 128, kClockRealtimeFlag = 256;


Result<void> check_futex_word(uint64_t uaddr) {
    if (uaddr & 3) return Errno::EINVAL;
    return {};
}

Result<int64_t> wait(uint64_t uaddr, uint32_t expected, uint64_t timeout_user, bool absolute, bool realtime) {
    TRY(check_futex_word(uaddr));
    uint32_t current = TRY(read_user<uint32_t>(uaddr));
    if (current != expected) return Errno::EAGAIN;
    if (!timeout_user) {
        log_error("deadlock: the program waits on a futex with no other thread to wake it");
        exit_program(128 + kSigKill);
    }
    uint64_t timeout = TRY(read_timespec_ns(timeout_user));
    uint64_t now = monotonic_ns();
    uint64_t deadline;
    if (absolute) {
        uint64_t clock_now = realtime ? realtime_ns() : now;
        deadline = timeout > clock_now ? now + (timeout - clock_now) : now;
    } else {
        deadline = now + timeout < now ? ~0ull : now + timeout;
    }
    sleep_until(deadline);
    return Errno::ETIMEDOUT;
}

// FUTEX_WAKE_OP's encoded operation on *uaddr2 (futex(2), "FUTEX_WAKE_OP").
Result<void> wake_op(uint64_t uaddr2, uint32_t encoded) {
    TRY(check_futex_word(uaddr2));
    uint32_t op = (encoded >> 28) & 7, shift_arg = (encoded >> 28) & 8;
    uint32_t oparg = (encoded >> 12) & 0xFFF;
    if (shift_arg) {
        if (oparg > 31) return Errno::EINVAL;
        oparg = 1u << oparg;
    }
    uint32_t old = TRY(read_user<uint32_t>(uaddr2));
    uint32_t value;
    switch (op) {
    case 0: value = oparg; break;          // FUTEX_OP_SET
    case 1: value = old + oparg; break;    // FUTEX_OP_ADD
    case 2: value = old | oparg; break;    // FUTEX_OP_OR
    case 3: value = old & ~oparg; break;   // FUTEX_OP_ANDN
    case 4: value = old ^ oparg; break;    // FUTEX_OP_XOR
    default: return Errno::ENOSYS;
    }
    TRY(write_user(uaddr2, value));
    return {};
}

}  // namespace

Result<int64_t> sys_futex(const SyscallArgs& a) {
    uint64_t uaddr = a.a[0];
    int op = static_cast<int>(a.a[1]);
    uint32_t val = static_cast<uint32_t>(a.a[2]);
    bool realtime = op & kClockRealtimeFlag;
    int command = op & ~(kPrivateFlag | kClockRealtimeFlag);
    if (realtime && command != kWaitBitset && command != kWait) return Errno::ENOSYS;
    switch (command) {
    case kWait: return wait(uaddr, val, a.a[3], false, false);
    case kWaitBitset:
        if (static_cast<uint32_t>(a.a[5]) == 0) return Errno::EINVAL;
        return wait(uaddr, val, a.a[3], true, realtime);
    case kWake:
        TRY(check_futex_word(uaddr));
        return 0;
    case kWakeBitset:
        TRY(check_futex_word(uaddr));
        if (static_cast<uint32_t>(a.a[5]) == 0) return Errno::EINVAL;
        return 0;
    case kRequeue:
        TRY(check_futex_word(uaddr));
        return 0;
    case kCmpRequeue: {
        TRY(check_futex_word(uaddr));
        uint32_t current = TRY(read_user<uint32_t>(uaddr));
        if (current != static_cast<uint32_t>(a.a[5])) return Errno::EAGAIN;
        return 0;
    }
    case kWakeOp:
        TRY(check_futex_word(uaddr));
        TRY(wake_op(a.a[4], static_cast<uint32_t>(a.a[5])));
        return 0;
    default: return Errno::ENOSYS;  // priority-inheritance futexes need threads
    }
}

}  // namespace ingot
