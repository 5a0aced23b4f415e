// Physical memory as the kernel sees it: every RAM page is reachable through the direct map,
// a linear window at kDirectMapBase (like Linux's physmap), mapped non-executable.
#pragma once

#include <cstdint>

namespace ingot {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kDirectMapBase = 0xFFFF'8000'0000'0000ull;

#ifdef INGOT_KERNEL
inline void* phys_to_virt(uint64_t phys) { return reinterpret_cast<void*>(kDirectMapBase + phys); }
inline uint64_t virt_to_phys(const void* direct_mapped) {
    return reinterpret_cast<uint64_t>(direct_mapped) - kDirectMapBase;
}
#else
// Host builds (unit tests) simulate physical memory with a buffer of their own.
void* phys_to_virt(uint64_t phys);
uint64_t virt_to_phys(const void* direct_mapped);
#endif

class PageAllocator;
// The allocator of all free physical pages (set up at boot).
PageAllocator& physical_pages();

}  // namespace ingot
