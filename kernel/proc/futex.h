// Futex wait queues (futex(2), futex(7)): threads waiting on a 32-bit word of the program's
// memory, keyed by its address. Every thread shares one address space, so private and
// shared futexes are the same thing here.
#pragma once

#include <cstdint>

namespace ingot {

struct Thread;

struct FutexWaiter {
    uint64_t address = 0;
    uint32_t bitset = ~0u;     // FUTEX_WAIT_BITSET's mask; all ones for plain waits
    Thread* thread = nullptr;
    bool woken = false;        // set by a wake; the waiter is then off the queue
    FutexWaiter* next = nullptr;
    FutexWaiter* prev = nullptr;
    bool queued = false;
};

// Queues `waiter` (which lives on the waiting thread's kernel stack) at its address.
void futex_enqueue(FutexWaiter& waiter);
// Takes `waiter` off its queue if it is still there (after a timeout or a signal).
void futex_dequeue(FutexWaiter& waiter);
// Takes every waiter of `thread` off the queues (the thread was stopped by exit_group).
void futex_forget_thread(const Thread& thread);
// Wakes up to `count` waiters at `address` whose bitset shares a bit with `bitset`, oldest
// first. Returns how many were woken.
int futex_wake(uint64_t address, uint32_t bitset, int count);
// Wakes up to `wake_count` waiters at `from`, then moves up to `requeue_count` of the rest to
// `to`. Returns the number woken plus the number moved (as FUTEX_CMP_REQUEUE reports).
int futex_requeue(uint64_t from, uint64_t to, int wake_count, int requeue_count);
// Waiters queued at `address` (for tests and for the deadlock report).
int futex_waiter_count(uint64_t address);

}  // namespace ingot
