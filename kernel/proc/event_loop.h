// How a thread waits in the kernel: every event source (devices and protocol timers) is polled,
// the thread checks what it waits for, and otherwise blocks; the scheduler (scheduler.h)
// re-checks the wait each time it runs and halts the CPU when no thread can run.
#pragma once

#include <lib/function_ref.h>
#include <lib/result.h>
#include <proc/thread.h>

#include <cstdint>

namespace ingot {

inline constexpr uint64_t kNoDeadline = ~0ull;

// Something that produces events: a network device, a protocol stack's timers.
class EventSource {
public:
    // Handles whatever arrived and whatever timers expired by `now_ns`.
    virtual void poll(uint64_t now_ns) = 0;
    // When this source next needs poll() without an interrupt; kNoDeadline when never.
    virtual uint64_t next_deadline() const = 0;

protected:
    ~EventSource() = default;
};

void add_event_source(EventSource& source);
// Stops polling source (a device removed; tests tearing down their simulated network).
void remove_event_source(EventSource& source);

// Polls every source once (a system call that does not block still lets them make progress).
void run_event_sources();
bool has_event_sources();
// The earliest next_deadline() of all sources, or kNoDeadline.
uint64_t next_event_deadline();

// Returns true as soon as ready() holds, false when monotonic time reaches deadline_ns first.
// EINTR when a signal the thread does not block arrives first. EDEADLK when nothing could ever
// make ready() hold: the only thread waits with no deadline and nothing outside could help
// (no event source, or `kind` says only another thread can make ready() hold).
Result<bool> wait_until(FunctionRef<bool()> ready, uint64_t deadline_ns, WaitKind kind = WaitKind::Condition);
// The same, but signals do not end the wait (the kernel's own waits at exit and at boot).
bool wait_until_uninterruptible(FunctionRef<bool()> ready, uint64_t deadline_ns);

// Halts until an interrupt arrives or monotonic time reaches deadline_ns (architecture).
void halt_until(uint64_t deadline_ns);

}  // namespace ingot
