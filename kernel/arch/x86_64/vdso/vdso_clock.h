// The clock parameters the vDSO reads, shared by the vDSO (vdso.c, built as a user-space
// shared object) and the kernel that fills them in (vdso_image.cpp). The kernel's clock is
// monotonic_ns = ((rdtsc - boot_tsc) * ns_per_tick_q32) >> 32 and real time is that plus
// realtime_offset_ns (arch/x86_64/tsc.cpp, rtc.cpp); neither changes once measured
// (settimeofday and clock_settime are refused), so each process gets a copy filled in when its
// program is loaded, and no page has to stay shared with the kernel.
#pragma once

#include <stdint.h>

#define INGOT_VDSO_CLOCK_MAGIC 0x6b636f6c63746f67ull  // "gotclock", found in the image by value

struct ingot_vdso_clock {
    uint64_t magic;
    uint64_t boot_tsc;
    uint64_t ns_per_tick_q32;
    int64_t realtime_offset_ns;
    uint64_t ready;  // 0: the vDSO makes the system call instead
};
