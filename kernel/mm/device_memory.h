// Memory shared with devices: register windows (MMIO) and DMA pages. Devices see physical
// addresses; the kernel reaches DMA pages through the direct map (mm/physical_memory.h).
#pragma once

#include <lib/result.h>

#include <cstddef>
#include <cstdint>

namespace ingot {

// Maps device registers at physical [phys, phys+size) uncached and returns their kernel
// address. Boot-time only: the mapping is never removed. Implemented by the architecture.
void* map_device_memory(uint64_t phys, size_t size);

// Physically contiguous, zeroed pages for a device to read and write by DMA.
struct DmaPages {
    uint64_t phys = 0;     // what the device is given
    void* virt = nullptr;  // where the kernel reads and writes them
    size_t page_count = 0;
};

// Allocates page_count contiguous zeroed pages. EINVAL for 0 pages, ENOMEM when no run of that
// length is free.
Result<DmaPages> allocate_dma_pages(size_t page_count);

// Returns pages that allocate_dma_pages handed out (an empty DmaPages is ignored).
void free_dma_pages(DmaPages& pages);

}  // namespace ingot
