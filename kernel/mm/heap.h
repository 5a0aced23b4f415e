// The kernel's general-purpose allocator (operator new, containers, buffers).
//
// Small requests (up to kMaxSmallSize bytes) come from size classes: each class carves 4 KiB
// pages into equal blocks, and freed blocks go back on a per-page free list. Every such page
// starts with a small header naming its class, so free() finds the class from the address
// alone. Larger requests take whole pages with a 16-byte header recording how many.
// A block pointer is never page-aligned unless it is a large allocation aligned to a page or
// more; that is how free() tells the cases apart (see heap.cpp).
//
// Not thread-safe: callers serialise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ingot {

// Where the heap gets its pages: page-aligned, kernel-virtual memory.
class PageSource {
public:
    // Returns `count` contiguous 4 KiB pages, page-aligned, or nullptr when out of memory.
    virtual void* allocate_pages(size_t count) = 0;
    // Gives back exactly a range allocate_pages(count) returned.
    virtual void free_pages(void* pages, size_t count) = 0;

protected:
    ~PageSource() = default;
};

class Heap {
public:
    static constexpr size_t kPageSize = 4096;
    static constexpr size_t kMinAlign = 16;
    static constexpr size_t kClassCount = 18;
    static constexpr size_t kMaxSmallSize = 2032;  // two blocks and the header fill a page

    explicit Heap(PageSource& pages) : pages_(pages) {}
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    // Returns size bytes aligned to align (a power of two, at least 16 is used; 0 means 16),
    // or nullptr when the page source is exhausted, align is not a power of two, or the size
    // is absurd (over 1 TiB). A zero-byte request gets a unique minimal block.
    void* allocate(size_t size, size_t align = kMinAlign);

    // Releases a block from allocate(); nullptr is ignored. Panics on a pointer the heap
    // did not hand out (when it can tell) and on a double free of a small block.
    void free(void* block);

    // Bytes taken by live allocations, counted as the heap holds them: the whole block of a
    // small request, the whole pages of a large one.
    size_t bytes_in_use() const { return bytes_in_use_; }

    // Pages currently held from the page source (live data, free blocks and headers).
    size_t pages_held() const { return pages_held_; }

private:
    struct SlabPage;
    struct FreeBlock;
    struct LargeHeader;

    void* allocate_small(size_t class_index, size_t align);
    void* allocate_large(size_t size, size_t align);
    SlabPage* new_slab_page(size_t class_index);
    void free_small(SlabPage* page, void* block);
    void free_large(LargeHeader* header);
    void unlink_partial(SlabPage* page);

    PageSource& pages_;
    SlabPage* partial_[kClassCount] = {};  // per class: pages with at least one free block
    size_t bytes_in_use_ = 0;
    size_t pages_held_ = 0;
};

}  // namespace ingot
