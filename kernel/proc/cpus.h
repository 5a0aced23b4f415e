// The virtual CPUs the kernel runs on, as the scheduler and the system calls see them. The
// architecture starts them (arch/x86_64/smp.cpp) and implements these; host tests have one.
//
// Kernel code runs under one lock shared by all CPUs (arch/x86_64/kernel_lock.h): a CPU takes
// it on every entry from the program and gives it back on the way out and while it halts, so
// everything here and in the scheduler is read and written by one CPU at a time.
#pragma once

namespace ingot {

// The most CPUs the kernel brings up; `ingot run --cpus` accepts no more.
inline constexpr unsigned kMaxCpus = 32;

// Starts CPUs until `count` run (kernel option cpus=N); fewer, with a message, when some do not
// start. Each goes straight to its idle thread (scheduler.h).
void start_cpus(unsigned count);

// The number of the CPU running this code: 0 for the boot CPU, then 1, 2, ... in start order.
unsigned current_cpu();
// How many CPUs run (numbered 0 to online_cpus() - 1).
unsigned online_cpus();
// Interrupts CPU `cpu` so that it looks at the scheduler again: a halted CPU wakes, one running
// the program enters the kernel (to switch threads, or to deliver a signal). Not for this CPU.
void kick_cpu(unsigned cpu);
// Gives the kernel lock to the CPUs waiting for it and takes it back: for a wait on something
// only they can do (leave a thread that is being stopped).
void let_other_cpus_in();

}  // namespace ingot
