#pragma once

#include <lib/clock.h>

#include <cstdint>

namespace ingot {

inline constexpr uint64_t kNanosPerSecondQ32 = kNanosPerSecond << 32;

uint64_t tsc_frequency();  // Hz; calibrates on first use
bool tsc_calibrated();
uint64_t tsc_ticks_to_ns(uint64_t ticks);
uint64_t ns_to_tsc_ticks(uint64_t ns);
uint64_t tsc_at_boot();    // the TSC at the kernel's first instruction
uint64_t tsc_ns_per_tick_q32();  // nanoseconds per tick, 32.32 fixed point; calibrates on first use

}  // namespace ingot
