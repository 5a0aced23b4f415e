#include <lib/panic.h>
#include <mm/heap.h>
#include <mm/kernel_heap.h>
#include <mm/kernel_window.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>

#include <new>

namespace ingot {
namespace {

// Pages for the heap: a single frame, or a run of free frames, through the direct map; when no
// run is free, single frames mapped side by side (mm/kernel_window.h), rather than emptying
// the disk cache in the hope that the frames it frees happen to be adjacent. Caches give
// memory back when no frame at all is free (mm/reclaim.h).
class KernelPageSource final : public PageSource {
public:
    void* allocate_pages(size_t count) override {
        Result<uint64_t> run = count == 1 ? allocate_frames() : physical_pages().allocate(count);
        if (run.ok()) return phys_to_virt(run.value());
        return count == 1 ? nullptr : window_allocate(count);
    }
    void free_pages(void* pages, size_t count) override {
        if (in_window(pages)) window_free(pages, count);
        else physical_pages().free(virt_to_phys(pages), count);
    }
};

// Constructed in place by kernel_heap_init, before global constructors can run.
alignas(KernelPageSource) unsigned char source_storage[sizeof(KernelPageSource)];
alignas(Heap) unsigned char heap_storage[sizeof(Heap)];
Heap* heap = nullptr;

}  // namespace

void kernel_heap_init() {
    auto* source = new (source_storage) KernelPageSource();
    heap = new (heap_storage) Heap(*source);
}

void* kernel_heap_try_allocate(size_t size, size_t align) {
    if (!heap) panic("kernel heap used before kernel_heap_init");
    return heap->allocate(size ? size : 1, align < Heap::kMinAlign ? Heap::kMinAlign : align);
}

void* kernel_heap_allocate(size_t size, size_t align) {
    void* p = kernel_heap_try_allocate(size, align);
    if (!p) panic("out of kernel memory (allocating %zu bytes)", size);
    return p;
}

void kernel_heap_free(void* p) {
    if (p) heap->free(p);
}

size_t kernel_heap_bytes_in_use() { return heap ? heap->bytes_in_use() : 0; }

}  // namespace ingot
