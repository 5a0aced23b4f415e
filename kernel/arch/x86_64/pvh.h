// The PVH boot ABI's start-of-day structures (xen/include/public/arch-x86/hvm/start_info.h).
#pragma once

#include <cstdint>

namespace ingot::pvh {

inline constexpr uint32_t kStartInfoMagic = 0x336ec578;
inline constexpr uint32_t kMemmapTypeRam = 1;

struct StartInfo {
    uint32_t magic;
    uint32_t version;  // 1 adds the memory map
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct MemmapEntry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

}  // namespace ingot::pvh
