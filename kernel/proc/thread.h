// A thread of the program: what the kernel keeps per thread (clone(2)). Every thread shares
// the one Process (address space, files, signal actions); each has its own kernel stack,
// registers, FPU state, TLS base, signal mask and pending set, and wait state.
#pragma once

#include <lib/function_ref.h>
#include <proc/signals.h>

#include <cstdint>

namespace ingot {

struct ArchThread;  // the architecture's part: saved kernel stack pointer, FPU area (arch_thread.h)

enum class ThreadState { Running, Runnable, Blocked, Dead };

// Why a blocked thread waits: what ends the wait besides its deadline.
enum class WaitKind {
    Condition,  // a condition the scheduler re-checks (sockets, pipes, epoll, sleeping)
    Futex,      // only another thread can end it (futex wake, or a signal)
};

struct Thread {
    int tid = 0;
    ThreadState state = ThreadState::Runnable;
    ArchThread* arch = nullptr;

    uint64_t clear_child_tid = 0;  // set_tid_address(2), CLONE_CHILD_CLEARTID
    uint64_t robust_list = 0;      // set_robust_list(2)
    uint64_t robust_list_len = 0;
    ThreadSignals signals;

    // While Blocked: the condition (valid only while the thread sits in wait_until), the
    // monotonic deadline, and whether a deliverable signal may end the wait.
    WaitKind wait_kind = WaitKind::Condition;
    const FunctionRef<bool()>* wait_ready = nullptr;
    uint64_t wait_deadline = 0;
    bool wait_interruptible = true;

    // Links in the scheduler's run queue or blocked list, and in the list of all threads.
    Thread* queue_next = nullptr;
    Thread* queue_prev = nullptr;
    Thread* all_next = nullptr;
};

// The thread running on this CPU.
Thread& current_thread();
// The program's first thread (tid = pid), which exists from boot.
Thread& main_thread();

// Creates a Runnable thread with the next free tid, linked into the list of all threads;
// its architecture part is set up by the caller. nullptr when out of memory.
Thread* create_thread();
// Unlinks a Dead thread and frees it with its architecture part.
void destroy_thread(Thread& thread);
// The live (not Dead) thread with this tid, or nullptr.
Thread* find_thread(int tid);
// Live threads, the main thread included.
int live_thread_count();
// Calls fn for every live thread.
void for_each_thread(FunctionRef<void(Thread&)> fn);

// The scheduler records the switch here (scheduler.cpp).
void set_current_thread(Thread& thread);

}  // namespace ingot
