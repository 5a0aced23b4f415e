// The kernel lock (proc/cpus.h): kernel code runs on one CPU at a time. A CPU takes it on each
// entry from the program (system call, interrupt, exception) and gives it back on the way out
// and while it halts; the kernel itself runs with interrupts masked and is never preempted, so
// nothing else needs a lock of its own.
#pragma once

namespace ingot {

// A ticket lock: CPUs get it in the order they asked, so one making system calls in a tight
// loop cannot keep another out. A waiter spins briefly, then halts until the holder kicks it.
// While it waits, a CPU answers TLB shootdowns: the holder may be waiting for that answer.
void kernel_lock_acquire();
// Other CPUs learn of page-table changes (tlb_shootdown.h) before the lock goes.
void kernel_lock_release();

}  // namespace ingot
