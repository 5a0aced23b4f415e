#pragma once

#include <arch/x86_64/trap_frame.h>

namespace ingot {

// A fault in the program (page fault, #UD, #GP...): runs its handler for `signal` if it has
// one and the signal is not blocked; otherwise ends the program with a report.
void deliver_fault_signal(TrapFrame& frame, int signal, uint64_t address);

// Delivers pending, unblocked signals before returning to the program. Returns true when the
// frame was changed (a handler is about to run), so the return must restore every register.
bool deliver_pending_signals(TrapFrame& frame);

// The frame of the system call in progress (for rt_sigreturn), and whether the call replaced
// the program's registers wholesale.
void set_current_syscall_frame(TrapFrame* frame);
bool syscall_replaced_frame();

}  // namespace ingot
