// The scheduler: which thread runs on each CPU, how threads block and wake, and preemption.
// The kernel itself is never preempted (it runs with interrupts masked, under the kernel lock
// of proc/cpus.h), so a switch happens only where a thread blocks, yields or exits, or on the
// way back to the program after an interrupt (the time slice ran out, a blocked thread became
// ready, or another CPU kicked this one).
#pragma once

#include <lib/function_ref.h>
#include <proc/thread.h>

#include <cstdint>

namespace ingot {

// How long a thread runs before another runnable thread gets the CPU.
inline constexpr uint64_t kTimeSliceNs = 4'000'000;

// `ready` is evaluated by the scheduler whenever it runs, on behalf of the waiting thread but
// possibly while another thread (of another process) is current: it must have no side effects
// and must name what it looks at (a descriptor table, a process) instead of asking for the
// current one.
//
// Blocks the current thread until the scheduler finds its wait over: `ready` holds (Condition
// waits only), monotonic time reaches `deadline_ns`, a signal it does not block arrives (when
// interruptible), or wake_thread() is called for it. Other threads run meanwhile; when none
// can, the CPU halts. Event sources have just been polled when this returns.
void block_current(WaitKind kind, const FunctionRef<bool()>* ready, uint64_t deadline_ns, bool interruptible);

// Whether the last block_current() ended because the program can make no progress at all:
// every thread blocked with no deadline and nothing outside that could wake one.
bool current_wait_deadlocked();

// Ends a Blocked thread's wait and queues it to run.
void wake_thread(Thread& thread);
// A signal was sent to `thread`: if it is in an interruptible wait, that wait ends.
void wake_for_signal(Thread& thread);
// Queues a new thread to run.
void start_thread(Thread& thread);

// sched_yield(2): lets every other runnable thread run first.
void yield_current();

// sched_setaffinity(2): `thread` runs only on the CPUs of `cpus` (a mask naming at least one
// online CPU) from now on: the caller moves before this returns, another thread running
// elsewhere moves at its CPU's next kernel entry, which a kick brings about.
void set_thread_affinity(Thread& thread, uint64_t cpus);

// Ends the current thread (its resources are freed once another thread runs). When it is
// the last one of its process, the process ends with `wait_status` (process_exit.h).
[[noreturn]] void exit_current_thread(int wait_status);

// exit_group(2) and fatal signals: every thread but the caller stops for good (they are
// never scheduled again), so the caller can wind the program down alone.
void stop_other_threads();
// exit_group(2) of one process, and execve(2): its other threads stop and are freed.
void stop_process_threads(Process& process);

// After a system call: a wait the call may have ended (a pipe written, a socket sent on, a
// child gone) ends now instead of at the end of this CPU's time slice. The thread runs on a
// halted CPU, which is kicked; with none free, the caller yields to it (wake-up preemption).
// With no CPU halted only waits that just another thread can end are re-checked (pipes,
// eventfd, wait4); sockets and epoll sets wait for the next switch or device interrupt.
void wake_waiters_after_call();

// On the way back to the program after an interrupt: polls event sources, wakes threads whose
// wait is over and switches when the slice is used up or a woken thread is waiting to run.
void preempt_on_interrupt();

// When the CPU must next be interrupted for the scheduler's sake (the end of the slice while
// others are runnable or conditions wait to be re-checked, the earliest deadline of a blocked
// thread, an interval timer or an event source), or kNoDeadline when one thread runs alone
// with no timer armed.
uint64_t preemption_deadline();

// Called first by a newly created thread, on its own stack, before it enters user mode.
void thread_first_run();

// A CPU's idle thread: runs whatever becomes runnable, halting in between. It is where a
// secondary CPU starts, and where a CPU goes when the thread it ran has died.
[[noreturn]] void run_idle_thread();
// A secondary CPU, once started and holding the kernel lock, moves to its idle thread.
[[noreturn]] void start_scheduling_on_this_cpu();

// On entry from the program: if another thread stopped this one (exit_group, execve), the CPU
// leaves it for good instead of running it further.
void leave_if_stopped();

}  // namespace ingot
