#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot {

// Maps device registers at physical [phys, phys+size) uncached into the kernel's MMIO window
// and returns their kernel address. Panics when out of memory for page tables (boot only).
void* map_mmio(uint64_t phys, size_t size);

}  // namespace ingot
