// A settable clock for host tests (lib/clock.h): time stands still until a test moves it.
#pragma once

#include <cstdint>

namespace ingot::fake_clock {

void set_realtime_ns(uint64_t ns);
void set_monotonic_ns(uint64_t ns);
void advance_ns(uint64_t ns);  // both clocks

}  // namespace ingot::fake_clock
