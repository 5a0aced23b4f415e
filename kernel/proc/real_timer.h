// Each process's real-time interval timer (setitimer(2) ITIMER_REAL, alarm(2)): when monotonic
// time reaches its expiry the process gets SIGALRM, and a periodic timer is re-armed. The
// scheduler fires due timers whenever it runs and asks for a timer interrupt at the earliest
// expiry, so a program that computes without system calls is interrupted on time too.
#pragma once

#include <proc/process.h>

#include <cstdint>

namespace ingot {

// Arms (expiry_ns = monotonic time, or kNoDeadline to disarm) with `interval_ns` (0: once).
void set_real_timer(Process& process, uint64_t expiry_ns, uint64_t interval_ns);
// The earliest expiry over every process, or kNoDeadline.
uint64_t next_real_timer_expiry();
// Sends SIGALRM to each process whose timer expired by now_ns, and re-arms periodic ones.
void fire_real_timers(uint64_t now_ns);

}  // namespace ingot
