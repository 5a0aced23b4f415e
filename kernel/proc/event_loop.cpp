#include <lib/clock.h>
#include <proc/event_loop.h>
#include <proc/process.h>
#include <proc/scheduler.h>

#include <cstddef>
#include <vector>

namespace ingot {
namespace {

std::vector<EventSource*>& sources() {
    static std::vector<EventSource*> all;
    return all;
}

// One loop for both kinds of wait: the scheduler polls the event sources before it ends a
// wait, so they are polled here only on the first round.
Result<bool> wait_loop(FunctionRef<bool()> ready, uint64_t deadline_ns, WaitKind kind, bool interruptible) {
    bool polled = false;
    for (;;) {
        if (!polled) run_event_sources();
        if (ready()) return true;
        if (monotonic_ns() >= deadline_ns) return false;
        if (interruptible && next_deliverable_signal()) return Errno::EINTR;
        block_current(kind, &ready, deadline_ns, interruptible);
        if (current_wait_deadlocked()) return Errno::EDEADLK;
        polled = true;
    }
}

}  // namespace

bool has_event_sources() { return !sources().empty(); }

uint64_t next_event_deadline() {
    uint64_t deadline_ns = kNoDeadline;
    for (EventSource* source : sources()) {
        uint64_t next = source->next_deadline();
        if (next < deadline_ns) deadline_ns = next;
    }
    return deadline_ns;
}

void add_event_source(EventSource& source) { sources().push_back(&source); }

void remove_event_source(EventSource& source) {
    std::vector<EventSource*>& all = sources();
    for (size_t i = 0; i < all.size(); ++i) {
        if (all[i] == &source) {
            all.erase(all.begin() + static_cast<std::ptrdiff_t>(i));
            return;
        }
    }
}

void run_event_sources() {
    uint64_t now = monotonic_ns();
    for (EventSource* source : sources()) source->poll(now);
}

Result<bool> wait_until(FunctionRef<bool()> ready, uint64_t deadline_ns, WaitKind kind) {
    return wait_loop(ready, deadline_ns, kind, true);
}

bool wait_until_uninterruptible(FunctionRef<bool()> ready, uint64_t deadline_ns) {
    Result<bool> result = wait_loop(ready, deadline_ns, WaitKind::Condition, false);
    return result.ok() && result.value();
}

}  // namespace ingot
