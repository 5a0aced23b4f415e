// Threads for host tests: each kernel thread is a ucontext with a stack of its own, so the
// real scheduler, futex queues and clone run unchanged. There is no user mode: a thread made
// by clone runs the body given to set_next_thread_body() and then exits(2) with its result.
#pragma once

#include <functional>

namespace ingot::fake_threads {

// The code the next thread created by clone(2) runs in place of the program.
void set_next_thread_body(std::function<int()> body);
// exit_program() for host tests: the status is thrown as fake_cpu::ProgramExit on the boot
// thread (exceptions cannot leave a ucontext's stack), switching there first if need be.
[[noreturn]] void exit_program_on_boot_thread(int status);

// Frees what finished threads left and forgets every thread but the boot thread.
void reset();

}  // namespace ingot::fake_threads
