#include <linux/signal_dispatch.h>
#include <proc/event_loop.h>
#include <proc/real_timer.h>

namespace ingot {
namespace {

uint64_t earliest = kNoDeadline;  // cached minimum of every process's expiry

void recompute_earliest() {
    earliest = kNoDeadline;
    for_each_process([](Process& p) {
        if (p.state == ProcessState::Alive && p.real_timer_expiry_ns < earliest) earliest = p.real_timer_expiry_ns;
    });
}

}  // namespace

void set_real_timer(Process& process, uint64_t expiry_ns, uint64_t interval_ns) {
    process.real_timer_expiry_ns = expiry_ns;
    process.real_timer_interval_ns = expiry_ns == kNoDeadline ? 0 : interval_ns;
    recompute_earliest();
}

uint64_t next_real_timer_expiry() { return earliest; }

void fire_real_timers(uint64_t now_ns) {
    if (earliest > now_ns) return;
    for_each_process([now_ns](Process& p) {
        if (p.state != ProcessState::Alive || p.real_timer_expiry_ns > now_ns) return;
        send_process_signal(p, kSigAlrm);
        uint64_t interval = p.real_timer_interval_ns;
        if (!interval) {
            p.real_timer_expiry_ns = kNoDeadline;
            return;
        }
        // A periodic timer that fell behind fires once and catches up (Linux counts overruns).
        uint64_t missed = (now_ns - p.real_timer_expiry_ns) / interval + 1;
        p.real_timer_expiry_ns += missed * interval;
    });
    recompute_earliest();
}

}  // namespace ingot
