// Time as the kernel keeps it. Monotonic time starts at the kernel's first instruction (so a
// program's CLOCK_MONOTONIC reading is its time since boot); real time is the wall clock.
#pragma once

#include <cstdint>

namespace ingot {

inline constexpr uint64_t kNanosPerSecond = 1'000'000'000;

uint64_t monotonic_ns();
uint64_t realtime_ns();
// The wall clock for file timestamps, which Linux also takes from a coarse clock: before the
// kernel has measured its clock (which takes a couple of milliseconds), the boot time from the
// real-time clock, to the second; realtime_ns() afterwards. Boot never waits for a measurement.
uint64_t realtime_coarse_ns();

// Sleeps (halting the CPU) until monotonic_ns() >= deadline.
void sleep_until(uint64_t monotonic_deadline_ns);

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
    year -= month <= 2;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace ingot
