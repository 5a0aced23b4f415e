#pragma once

#include <arch/x86_64/pvh.h>

#include <cstdint>

namespace ingot {

struct MemoryLayout {
    uint64_t max_phys;      // end of the highest RAM range
    uint64_t ram_bytes;     // all RAM the boot loader reported
    uint64_t reserved_end;  // physical end of kernel + payload + boot-time tables
};

// Builds the direct map and the page allocator. Physical memory below reserved_end (kernel
// image and payload) stays reserved. Removes the boot identity mapping of low memory.
MemoryLayout memory_init(const pvh::StartInfo& info, uint64_t reserved_end);

}  // namespace ingot
