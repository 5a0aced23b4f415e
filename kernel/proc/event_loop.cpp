#include <lib/clock.h>
#include <proc/event_loop.h>

#include <cstddef>
#include <vector>

namespace ingot {
namespace {

std::vector<EventSource*>& sources() {
    static std::vector<EventSource*> all;
    return all;
}

uint64_t earliest_deadline(uint64_t deadline_ns) {
    for (EventSource* source : sources()) {
        uint64_t next = source->next_deadline();
        if (next < deadline_ns) deadline_ns = next;
    }
    return deadline_ns;
}

}  // namespace

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

Result<bool> wait_until(FunctionRef<bool()> ready, uint64_t deadline_ns) {
    for (;;) {
        run_event_sources();
        if (ready()) return true;
        if (monotonic_ns() >= deadline_ns) return false;
        if (deadline_ns == kNoDeadline && sources().empty()) return Errno::EDEADLK;
        halt_until(earliest_deadline(deadline_ns));
    }
}

}  // namespace ingot
