// struct timespec as system calls take it from the program (x86-64: two 64-bit fields).
#pragma once

#include <lib/clock.h>
#include <lib/result.h>
#include <mm/user_memory.h>

#include <cstdint>

namespace ingot {

struct Timespec {
    int64_t sec;
    int64_t nsec;
};

// Reads a timespec and returns it in nanoseconds: EINVAL for a negative value or nsec out of
// [0, 1e9), EFAULT for a bad pointer. Values too large for 64 bits of nanoseconds saturate.
inline Result<uint64_t> read_timespec_ns(uint64_t user) {
    Timespec t = TRY(read_user<Timespec>(user));
    if (t.sec < 0 || t.nsec < 0 || t.nsec >= static_cast<int64_t>(kNanosPerSecond)) return Errno::EINVAL;
    if (static_cast<uint64_t>(t.sec) > ~0ull / kNanosPerSecond - 1) return ~0ull;
    return static_cast<uint64_t>(t.sec) * kNanosPerSecond + static_cast<uint64_t>(t.nsec);
}

}  // namespace ingot
