// The wall clock as an offset from the monotonic clock (rtc.cpp).
#pragma once

#include <cstdint>

namespace ingot {

// Real time minus monotonic time in nanoseconds, read from the CMOS clock on first use; the
// kernel never changes it afterwards (settimeofday and clock_settime are refused).
int64_t wall_clock_offset_ns();

}  // namespace ingot
