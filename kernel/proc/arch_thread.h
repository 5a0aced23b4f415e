// What the scheduler and clone need from the architecture for threads. x86-64 implements
// these in arch/x86_64/arch_thread.cpp; host tests have their own (tests/unit/fakes).
#pragma once

#include <lib/result.h>
#include <proc/thread.h>

#include <cstdint>

namespace ingot {

// The architecture part of the boot thread, which runs on the boot kernel stack.
ArchThread* arch_boot_thread();

// Sets up `child` so that, when first switched to, it enters user mode with the registers the
// calling thread had at its current system call, except rax = 0, rsp = `user_stack` (when
// nonzero) and the FS base = `tls` (when set_tls). Copies the FPU state (clone(2) semantics).
Result<void> arch_clone_thread(Thread& child, uint64_t user_stack, bool set_tls, uint64_t tls);

// Saves the CPU state of `from` (kernel stack pointer, callee-saved registers, FPU state, TLS
// bases) and resumes `to`. Returns when something switches back to `from`.
void arch_switch_threads(Thread& from, Thread& to);

// execve(2): when the current system call returns, the thread starts afresh at `rip` with
// stack `rsp`: every other register zero, no TLS base, a clean FPU state.
void arch_restart_user_thread(uint64_t rip, uint64_t rsp);

// The architecture part of an idle thread: a kernel stack that starts in run_idle_thread().
// nullptr when out of memory.
ArchThread* arch_create_idle_thread();

// Continues on `thread`'s kernel stack, as a switch to it would, leaving the current stack
// for good (a secondary CPU's start-up stack).
[[noreturn]] void arch_enter_thread(Thread& thread);

// Frees the architecture part of a dead thread that is not running.
void arch_destroy_thread(ArchThread* arch);

// Asks for a timer interrupt at monotonic time `deadline_ns` (or none, for kNoDeadline)
// while the program runs, replacing any earlier request.
void arch_set_preemption_timer(uint64_t deadline_ns);

}  // namespace ingot
