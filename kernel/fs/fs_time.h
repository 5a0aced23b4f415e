// File timestamps (st_atim/st_mtim/st_ctim): seconds and nanoseconds since the Unix epoch.
#pragma once

#include <lib/clock.h>

#include <compare>
#include <cstdint>

namespace ingot {

struct FsTime {
    int64_t seconds = 0;
    uint32_t nanoseconds = 0;

    static FsTime from_seconds(int64_t seconds) { return FsTime{seconds, 0}; }
    // The wall clock now, as file timestamps take it (realtime_coarse_ns, lib/clock.h).
    static FsTime now() {
        uint64_t ns = realtime_coarse_ns();
        return FsTime{static_cast<int64_t>(ns / kNanosPerSecond), static_cast<uint32_t>(ns % kNanosPerSecond)};
    }
    auto operator<=>(const FsTime&) const = default;
};

}  // namespace ingot
