// A thread: what the kernel keeps per thread (clone(2)). The threads of a process share its
// address space, files and signal actions (proc/process.h); each has its own kernel stack,
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
    Condition,     // a condition the scheduler re-checks, which devices and timers may bring
                   // about (sockets, epoll, sleeping)
    OtherThreads,  // a condition only another thread can bring about (pipes, eventfd, wait4)
    Futex,         // ended only by a futex wake (or a signal): nothing to re-check
};

struct Process;

struct Thread {
    int tid = 0;
    Process* process = nullptr;  // nullptr: the first process (pid 1)
    ThreadState state = ThreadState::Runnable;
    ArchThread* arch = nullptr;

    uint64_t clear_child_tid = 0;  // set_tid_address(2), CLONE_CHILD_CLEARTID
    uint64_t set_child_tid = 0;    // CLONE_CHILD_SETTID after fork: written in the child's memory
    uint64_t robust_list = 0;      // set_robust_list(2)
    uint64_t robust_list_len = 0;
    ThreadSignals signals;
    char name[16] = {};            // prctl(PR_SET_NAME); empty: the program's name
    int parent_death_signal = 0;   // prctl(PR_SET_PDEATHSIG)

    // While Blocked: the condition (valid only while the thread sits in wait_until), the
    // monotonic deadline, and whether a deliverable signal may end the wait.
    WaitKind wait_kind = WaitKind::Condition;
    const FunctionRef<bool()>* wait_ready = nullptr;
    uint64_t wait_deadline = 0;
    bool wait_interruptible = true;
    bool wait_deadlocked = false;  // the last wait ended because nothing could ever end it

    // The CPU whose kernel stack this thread is (running it, or halted on it), or -1.
    int on_cpu = -1;
    // sched_setaffinity(2): bit n set when CPU n may run the thread (inherited by clone and
    // fork). The scheduler keeps it to these CPUs; it always names an online one.
    uint64_t allowed_cpus = ~0ull;

    // Links in the scheduler's run queue or blocked list, and in the list of all threads.
    Thread* queue_next = nullptr;
    Thread* queue_prev = nullptr;
    const void* queued_on = nullptr;  // the scheduler queue the thread is on, if any
    Thread* all_next = nullptr;
};

// The thread running on this CPU.
Thread& current_thread();
// The program's first thread (tid = pid), which exists from boot.
Thread& main_thread();

// Creates a Runnable thread of `process` with the next free tid, linked into the list of all
// threads and counted in the process; its architecture part is set up by the caller. nullptr
// when out of memory or tids.
Thread* create_thread(Process& process);
// Unlinks a Dead thread (no longer counted among its process's live threads) and frees it with its architecture part (and its process, when that
// was a reaped zombie waiting for its last thread).
void destroy_thread(Thread& thread);
// The live (not Dead) thread with this tid, or nullptr.
Thread* find_thread(int tid);
// Live threads of every process, the main thread included.
int live_thread_count();
// Calls fn for every live thread (of every process).
void for_each_thread(FunctionRef<void(Thread&)> fn);
// The process a thread belongs to.
Process& process_of(const Thread& thread);

// The scheduler records the switch here (scheduler.cpp).
void set_current_thread(Thread& thread);

// A CPU's idle thread (scheduler.h): a kernel stack of its own, no process, never listed
// among the program's threads. nullptr when out of memory.
Thread* create_idle_thread();

}  // namespace ingot
