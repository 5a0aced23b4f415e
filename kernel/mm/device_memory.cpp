// DMA pages come straight from the physical page allocator: RAM is mapped write-back in the
// direct map, and virtio devices are cache-coherent (virtio 1.2 §2.7.13 relies on that).
#include <mm/device_memory.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>

#include <cstring>

namespace ingot {

Result<DmaPages> allocate_dma_pages(size_t page_count) {
    if (page_count == 0) return Errno::EINVAL;
    uint64_t phys = TRY(allocate_frames(page_count));
    void* virt = phys_to_virt(phys);
    memset(virt, 0, page_count * kPageSize);
    return DmaPages{phys, virt, page_count};
}

void free_dma_pages(DmaPages& pages) {
    if (pages.page_count == 0) return;
    physical_pages().free(pages.phys, pages.page_count);
    pages = DmaPages{};
}

}  // namespace ingot
