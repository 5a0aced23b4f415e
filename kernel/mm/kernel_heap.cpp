#include <lib/panic.h>
#include <mm/heap.h>
#include <mm/kernel_heap.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>

#include <new>

namespace ingot {
namespace {

// Physical pages handed to the heap through the direct map; caches give memory back when none
// is free (mm/reclaim.h).
class DirectMapPageSource final : public PageSource {
public:
    void* allocate_pages(size_t count) override {
        auto phys = allocate_frames(count);
        return phys.ok() ? phys_to_virt(phys.value()) : nullptr;
    }
    void free_pages(void* pages, size_t count) override { physical_pages().free(virt_to_phys(pages), count); }
};

// Constructed in place by kernel_heap_init, before global constructors can run.
alignas(DirectMapPageSource) unsigned char source_storage[sizeof(DirectMapPageSource)];
alignas(Heap) unsigned char heap_storage[sizeof(Heap)];
Heap* heap = nullptr;

}  // namespace

void kernel_heap_init() {
    auto* source = new (source_storage) DirectMapPageSource();
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
