#include "fakes/fake_clock.h"

#include <lib/clock.h>

namespace ingot {
namespace {
// 2024-01-01T00:00:00Z, so file times in tests look like real ones.
uint64_t realtime = static_cast<uint64_t>(days_from_civil(2024, 1, 1)) * 86400 * kNanosPerSecond;
uint64_t monotonic = 0;
}  // namespace

uint64_t realtime_ns() { return realtime; }
uint64_t realtime_coarse_ns() { return realtime; }
uint64_t monotonic_ns() { return monotonic; }
// Sleeping only moves the clocks forward.
void sleep_until(uint64_t deadline) {
    if (monotonic < deadline) fake_clock::advance_ns(deadline - monotonic);
}

namespace fake_clock {
void set_realtime_ns(uint64_t ns) { realtime = ns; }
void set_monotonic_ns(uint64_t ns) { monotonic = ns; }
void advance_ns(uint64_t ns) {
    realtime += ns;
    monotonic += ns;
}
}  // namespace fake_clock
}  // namespace ingot
