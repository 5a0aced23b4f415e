// futex(2) (DESIGN rule 9): waits with and without timeouts, wakes, requeues and WAKE_OP, over
// the wait queues of proc/futex.h. A waiter blocks; other threads run until a wake, its
// timeout or a signal ends the wait. Waits and wakes are atomic with respect to each other
// (the kernel lock); program threads on other CPUs may change a futex word at any time, so
// the one word the kernel updates (FUTEX_WAKE_OP) is changed by compare-and-swap.
#include <lib/clock.h>
#include <linux/sys_families.h>
#include <linux/user_time.h>
#include <mm/user_memory.h>
#include <proc/event_loop.h>
#include <proc/futex.h>
#include <proc/process.h>
#include <proc/scheduler.h>
#include <proc/thread.h>

namespace ingot {
namespace {

// futex operations and flags (linux/futex.h).
constexpr int kWait = 0, kWake = 1, kRequeue = 3, kCmpRequeue = 4, kWakeOp = 5, kWaitBitset = 9,
              kWakeBitset = 10;
constexpr int kPrivateFlag = 128, kClockRealtimeFlag = 256;
constexpr uint32_t kBitsetMatchAny = ~0u;

Result<void> check_futex_word(uint64_t uaddr) {
    if (uaddr & 3) return Errno::EINVAL;
    if (!is_user_range(uaddr, sizeof(uint32_t))) return Errno::EFAULT;
    return {};
}

// The monotonic deadline for a wait's timeout: relative for FUTEX_WAIT, absolute on the
// chosen clock for FUTEX_WAIT_BITSET.
Result<uint64_t> wait_deadline(uint64_t timeout_user, bool absolute, bool realtime) {
    if (!timeout_user) return kNoDeadline;
    uint64_t timeout = TRY(read_timespec_ns(timeout_user));
    uint64_t now = monotonic_ns();
    if (absolute) {
        uint64_t clock_now = realtime ? realtime_ns() : now;
        return timeout > clock_now ? now + (timeout - clock_now) : now;
    }
    return now + timeout < now ? kNoDeadline : now + timeout;
}

Result<int64_t> wait(uint64_t uaddr, uint32_t expected, uint64_t deadline, uint32_t bitset) {
    TRY(check_futex_word(uaddr));
    uint32_t current = TRY(read_user<uint32_t>(uaddr));
    if (current != expected) return Errno::EAGAIN;
    if (deadline <= monotonic_ns()) return Errno::ETIMEDOUT;
    FutexWaiter waiter;
    waiter.address = uaddr;
    waiter.bitset = bitset;
    waiter.thread = &current_thread();
    futex_enqueue(waiter);
    block_current(WaitKind::Futex, nullptr, deadline, true);
    if (waiter.woken) return 0;
    futex_dequeue(waiter);
    if (monotonic_ns() >= deadline) return Errno::ETIMEDOUT;
    return Errno::EINTR;
}

int wake_count(uint32_t val) { return val > INT32_MAX ? INT32_MAX : static_cast<int>(val); }

// FUTEX_WAKE_OP's encoded operation on *uaddr2 and its comparison (futex(2), "FUTEX_WAKE_OP"):
// returns whether the old value passes the comparison.
Result<bool> wake_op(uint64_t uaddr2, uint32_t encoded) {
    TRY(check_futex_word(uaddr2));
    uint32_t op = (encoded >> 28) & 7, shift_arg = (encoded >> 28) & 8;
    uint32_t cmp = (encoded >> 24) & 15;
    uint32_t oparg = (encoded >> 12) & 0xFFF, cmparg = encoded & 0xFFF;
    if (shift_arg) {
        if (oparg > 31) return Errno::EINVAL;
        oparg = 1u << oparg;
    }
    if (op > 4) return Errno::ENOSYS;
    uint32_t old = TRY(read_user<uint32_t>(uaddr2));
    for (;;) {
        uint32_t value = op == 0 ? oparg            // FUTEX_OP_SET
                         : op == 1 ? old + oparg    // FUTEX_OP_ADD
                         : op == 2 ? old | oparg    // FUTEX_OP_OR
                         : op == 3 ? old & ~oparg   // FUTEX_OP_ANDN
                                   : old ^ oparg;   // FUTEX_OP_XOR
        uint32_t seen = TRY(compare_exchange_user(uaddr2, old, value));
        if (seen == old) break;
        old = seen;  // another CPU changed it: apply the operation to the new value
    }
    auto signed_old = static_cast<int32_t>(old), signed_arg = static_cast<int32_t>(cmparg);
    bool passes;
    switch (cmp) {
    case 0: passes = signed_old == signed_arg; break;  // FUTEX_OP_CMP_EQ
    case 1: passes = signed_old != signed_arg; break;  // FUTEX_OP_CMP_NE
    case 2: passes = signed_old < signed_arg; break;   // FUTEX_OP_CMP_LT
    case 3: passes = signed_old <= signed_arg; break;  // FUTEX_OP_CMP_LE
    case 4: passes = signed_old > signed_arg; break;   // FUTEX_OP_CMP_GT
    case 5: passes = signed_old >= signed_arg; break;  // FUTEX_OP_CMP_GE
    default: return Errno::ENOSYS;
    }
    return passes;
}

}  // namespace

Result<int64_t> sys_futex(const SyscallArgs& a) {
    uint64_t uaddr = a.a[0];
    int op = static_cast<int>(a.a[1]);
    uint32_t val = static_cast<uint32_t>(a.a[2]);
    uint32_t val3 = static_cast<uint32_t>(a.a[5]);
    bool realtime = op & kClockRealtimeFlag;
    int command = op & ~(kPrivateFlag | kClockRealtimeFlag);
    if (realtime && command != kWaitBitset && command != kWait) return Errno::ENOSYS;
    switch (command) {
    case kWait: {
        uint64_t deadline = TRY(wait_deadline(a.a[3], false, false));
        return wait(uaddr, val, deadline, kBitsetMatchAny);
    }
    case kWaitBitset: {
        if (val3 == 0) return Errno::EINVAL;
        uint64_t deadline = TRY(wait_deadline(a.a[3], true, realtime));
        return wait(uaddr, val, deadline, val3);
    }
    case kWake:
        TRY(check_futex_word(uaddr));
        return futex_wake(uaddr, kBitsetMatchAny, wake_count(val));
    case kWakeBitset:
        TRY(check_futex_word(uaddr));
        if (val3 == 0) return Errno::EINVAL;
        return futex_wake(uaddr, val3, wake_count(val));
    case kRequeue:
    case kCmpRequeue: {
        // val2 (the requeue limit) travels in the timeout argument's place.
        uint64_t uaddr2 = a.a[4];
        TRY(check_futex_word(uaddr));
        TRY(check_futex_word(uaddr2));
        if (uaddr == uaddr2) return Errno::EINVAL;
        int requeue_limit = a.a[3] > INT32_MAX ? INT32_MAX : static_cast<int>(a.a[3]);
        if (command == kCmpRequeue) {
            uint32_t current = TRY(read_user<uint32_t>(uaddr));
            if (current != val3) return Errno::EAGAIN;
        }
        return futex_requeue(uaddr, uaddr2, wake_count(val), requeue_limit);
    }
    case kWakeOp: {
        TRY(check_futex_word(uaddr));
        bool also_second = TRY(wake_op(a.a[4], val3));
        int woken = futex_wake(uaddr, kBitsetMatchAny, wake_count(val));
        int second_count = a.a[3] > INT32_MAX ? INT32_MAX : static_cast<int>(a.a[3]);
        if (also_second) woken += futex_wake(a.a[4], kBitsetMatchAny, second_count);
        return woken;
    }
    default: return Errno::ENOSYS;  // priority-inheritance futexes (LOCK_PI...) are not implemented
    }
}

}  // namespace ingot
