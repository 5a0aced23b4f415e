// Device registers are mapped uncached in the kernel's MMIO window (page_table.cpp).
#include <arch/x86_64/page_table_mmio.h>
#include <mm/device_memory.h>

namespace ingot {

void* map_device_memory(uint64_t phys, size_t size) { return map_mmio(phys, size); }

}  // namespace ingot
