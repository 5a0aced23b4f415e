#include <mm/kernel_window.h>
#include <mm/page_allocator.h>
#include <mm/page_table.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>

#include <cstdint>

namespace ingot {
namespace {

// PML4 entry 448: clear of the direct map (256), the MMIO window (384) and the kernel (511).
constexpr uint64_t kWindowBase = 0xFFFF'E000'0000'0000ull;
constexpr uint64_t kWindowBytes = 256ull << 20;

// Which pages of the window are in use: a page allocator over window offsets, with a static
// bitmap (16 KiB) because the heap, whose allocations land here, cannot be asked for it.
alignas(8) unsigned char window_bitmap[2 * (kWindowBytes / kPageSize / 64) * 8];
PageAllocator window_pages;
bool window_ready = false;

// Unmaps [va, va + pages) and frees the frames behind it, a batch at a time: no CPU may
// still reach a frame through the window when it is freed, and this runs inside the heap, so
// the frames wait in a small array rather than a container.
void unmap_and_free(uint64_t va, size_t pages) {
    constexpr size_t kBatch = 64;
    uint64_t frames[kBatch];
    for (size_t done = 0; done < pages;) {
        size_t n = 0;
        for (; n < kBatch && done < pages; ++done) {
            if (auto phys = unmap_kernel_page(va + done * kPageSize)) frames[n++] = *phys;
        }
        flush_other_cpus_tlb();
        for (size_t i = 0; i < n; ++i) physical_pages().free(frames[i]);
    }
}

}  // namespace

void* window_allocate(size_t pages) {
    if (!window_ready) {
        window_pages.init(window_bitmap, sizeof window_bitmap, kWindowBytes);
        window_pages.add_free_range(0, kWindowBytes);
        window_ready = true;
    }
    Result<uint64_t> offset = window_pages.allocate(pages);
    if (!offset.ok()) return nullptr;
    uint64_t va = kWindowBase + offset.value();
    for (size_t i = 0; i < pages; ++i) {
        Result<uint64_t> frame = allocate_frames();
        bool mapped = frame.ok() && map_kernel_page(va + i * kPageSize, frame.value()).ok();
        if (!mapped) {
            if (frame.ok()) physical_pages().free(frame.value());
            unmap_and_free(va, i);
            window_pages.free(offset.value(), pages);
            return nullptr;
        }
    }
    return reinterpret_cast<void*>(va);
}

bool in_window(const void* p) {
    auto va = reinterpret_cast<uint64_t>(p);
    return va >= kWindowBase && va - kWindowBase < kWindowBytes;
}

void window_free(void* p, size_t pages) {
    uint64_t va = reinterpret_cast<uint64_t>(p);
    unmap_and_free(va, pages);
    window_pages.free(va - kWindowBase, pages);
}

}  // namespace ingot
