#include <lib/align.h>
#include <lib/panic.h>
#include <mm/heap.h>

#include <array>

namespace ingot {

// Page layouts:
//  slab page:   [SlabPage header, 32 bytes][block][block]...   blocks are 16-byte aligned
//  large, align < 4 KiB:  [LargeHeader, 16 bytes ... data at page + max(16, align) ...]
//  large, align >= 4 KiB: [... LargeHeader][data at a page boundary ...]
// So a pointer inside a page (not on its boundary) finds its header at the page start,
// and a page-aligned pointer finds a LargeHeader in the 16 bytes just below it.

struct Heap::SlabPage {
    uint32_t magic;
    uint16_t class_index;
    uint16_t in_use;
    FreeBlock* free_list;
    SlabPage* prev;  // in partial_[class_index]
    SlabPage* next;
};

struct Heap::FreeBlock {
    FreeBlock* next;
    uint64_t canary;  // kFreeCanary ^ address while free: makes a double free cheap to spot
};

struct Heap::LargeHeader {
    uint32_t magic;
    uint32_t pages_below;  // pages between the start of the allocation and this header's page
    uint64_t page_count;
};

namespace {

constexpr uint32_t kSlabMagic = 0x51AB51ABu;
constexpr uint32_t kLargeMagic = 0x1A26E000u;
constexpr uint64_t kFreeCanary = 0xF4EEB10CF4EEB10Cull;
constexpr size_t kSlabHeaderSize = 32;
constexpr size_t kMaxAllocation = size_t{1} << 40;  // no kernel object is anywhere near 1 TiB

// Multiples of 16 (the minimum alignment) chosen so few bytes of a page go unused.
constexpr std::array<uint16_t, Heap::kClassCount> kClassSizes = {
    16, 32, 48, 64, 80, 96, 128, 160, 192, 224, 256, 336, 448, 576, 672, 1008, 1344, 2032};
static_assert(kClassSizes.back() == Heap::kMaxSmallSize);

// class_for_units[n]: the smallest class holding n 16-byte units.
constexpr auto kClassForUnits = [] {
    std::array<uint8_t, Heap::kMaxSmallSize / 16 + 1> table{};
    size_t c = 0;
    for (size_t units = 0; units < table.size(); ++units) {
        while (kClassSizes[c] < units * 16) ++c;
        table[units] = static_cast<uint8_t>(c);
    }
    return table;
}();

uintptr_t address_of(const void* p) { return reinterpret_cast<uintptr_t>(p); }

}  // namespace

void* Heap::allocate(size_t size, size_t align) {
    static_assert(sizeof(SlabPage) <= kSlabHeaderSize);
    static_assert(sizeof(LargeHeader) == kMinAlign);
    static_assert(sizeof(FreeBlock) <= kClassSizes.front());
    if (align == 0) align = kMinAlign;
    if (!is_power_of_two(align) || size > kMaxAllocation || align > kMaxAllocation) return nullptr;
    if (align < kMinAlign) align = kMinAlign;
    // A zero-byte request still gets a byte, so that its aligned address stays inside its block.
    if (size == 0) size = 1;
    // Over-aligned small requests take a block big enough to slide the start up to `align`.
    size_t needed = size + (align - kMinAlign);
    if (align < kPageSize && needed <= kMaxSmallSize)
        return allocate_small(kClassForUnits[(needed + 15) / 16], align);
    return allocate_large(size, align);
}

void* Heap::allocate_small(size_t class_index, size_t align) {
    SlabPage* page = partial_[class_index];
    if (!page && !(page = new_slab_page(class_index))) return nullptr;
    FreeBlock* block = page->free_list;
    page->free_list = block->next;
    block->canary = 0;
    ++page->in_use;
    if (!page->free_list) unlink_partial(page);
    bytes_in_use_ += kClassSizes[class_index];
    return reinterpret_cast<void*>(align_up(address_of(block), align));
}

Heap::SlabPage* Heap::new_slab_page(size_t class_index) {
    void* memory = pages_.allocate_pages(1);
    if (!memory) return nullptr;
    if (!is_aligned(address_of(memory), kPageSize)) panic("heap: page source returned unaligned %p", memory);
    ++pages_held_;
    auto* page = static_cast<SlabPage*>(memory);
    page->magic = kSlabMagic;
    page->class_index = static_cast<uint16_t>(class_index);
    page->in_use = 0;
    page->free_list = nullptr;
    size_t size = kClassSizes[class_index];
    size_t capacity = (kPageSize - kSlabHeaderSize) / size;
    auto* first = static_cast<uint8_t*>(memory) + kSlabHeaderSize;
    for (size_t i = capacity; i-- > 0;) {  // lowest address first on the list
        auto* block = reinterpret_cast<FreeBlock*>(first + i * size);
        block->next = page->free_list;
        block->canary = 0;
        page->free_list = block;
    }
    page->prev = nullptr;
    page->next = partial_[class_index];
    if (page->next) page->next->prev = page;
    partial_[class_index] = page;
    return page;
}

void* Heap::allocate_large(size_t size, size_t align) {
    size_t page_count;
    uintptr_t base;
    uintptr_t data;
    if (align < kPageSize) {
        // Header at the start of the first page, data right after it (or at `align`).
        size_t offset = align > sizeof(LargeHeader) ? align : sizeof(LargeHeader);
        page_count = (offset + size + kPageSize - 1) / kPageSize;
        base = address_of(pages_.allocate_pages(page_count));
        if (!base) return nullptr;
        data = base + offset;
    } else {
        // Page-aligned data: the header sits in the 16 bytes just below it; the extra pages
        // leave room to slide the data up to `align`.
        page_count = align / kPageSize + (size + kPageSize - 1) / kPageSize;
        base = address_of(pages_.allocate_pages(page_count));
        if (!base) return nullptr;
        data = align_up(base + sizeof(LargeHeader), align);
    }
    if (!is_aligned(base, kPageSize)) panic("heap: page source returned unaligned 0x%lx", base);
    auto* header = reinterpret_cast<LargeHeader*>(align < kPageSize ? base : data - sizeof(LargeHeader));
    header->magic = kLargeMagic;
    header->pages_below = static_cast<uint32_t>((align_down(address_of(header), kPageSize) - base) / kPageSize);
    header->page_count = page_count;
    pages_held_ += page_count;
    bytes_in_use_ += page_count * kPageSize;
    return reinterpret_cast<void*>(data);
}

void Heap::free(void* block) {
    if (!block) return;
    uintptr_t address = address_of(block);
    if (is_aligned(address, kPageSize)) {
        auto* header = reinterpret_cast<LargeHeader*>(address - sizeof(LargeHeader));
        if (header->magic != kLargeMagic) panic("heap: freeing %p, which the heap did not allocate", block);
        return free_large(header);
    }
    void* page = reinterpret_cast<void*>(align_down(address, kPageSize));
    uint32_t magic = *static_cast<uint32_t*>(page);
    if (magic == kSlabMagic) return free_small(static_cast<SlabPage*>(page), block);
    if (magic == kLargeMagic) return free_large(static_cast<LargeHeader*>(page));
    panic("heap: freeing %p, which the heap did not allocate", block);
}

void Heap::free_small(SlabPage* page, void* pointer) {
    size_t size = kClassSizes[page->class_index];
    uintptr_t first = address_of(page) + kSlabHeaderSize;
    // Over-aligned blocks hand out an address inside the block: find the block's start.
    auto* block = reinterpret_cast<FreeBlock*>(first + (address_of(pointer) - first) / size * size);
    if (block->canary == (kFreeCanary ^ address_of(block))) {
        for (FreeBlock* f = page->free_list; f; f = f->next)
            if (f == block) panic("heap: double free of %p", pointer);
    }
    if (page->in_use == 0) panic("heap: freeing %p in a page with no live blocks", pointer);
    bool was_full = page->free_list == nullptr;
    block->next = page->free_list;
    block->canary = kFreeCanary ^ address_of(block);
    page->free_list = block;
    --page->in_use;
    bytes_in_use_ -= size;
    SlabPage*& list = partial_[page->class_index];
    if (was_full) {
        page->prev = nullptr;
        page->next = list;
        if (list) list->prev = page;
        list = page;
    }
    // Return an empty page unless it is the class's only partial page, which stays cached
    // so that an alloc/free pair at the boundary does not bounce pages to the source.
    if (page->in_use == 0 && (list != page || page->next)) {
        unlink_partial(page);
        page->magic = 0;
        pages_.free_pages(page, 1);
        --pages_held_;
    }
}

void Heap::free_large(LargeHeader* header) {
    uintptr_t base = align_down(address_of(header), kPageSize) - uintptr_t{header->pages_below} * kPageSize;
    size_t page_count = header->page_count;
    header->magic = 0;  // so a stale second free finds no header (unless the page was reused)
    pages_held_ -= page_count;
    bytes_in_use_ -= page_count * kPageSize;
    pages_.free_pages(reinterpret_cast<void*>(base), page_count);
}

void Heap::unlink_partial(SlabPage* page) {
    if (page->prev)
        page->prev->next = page->next;
    else
        partial_[page->class_index] = page->next;
    if (page->next) page->next->prev = page->prev;
    page->prev = page->next = nullptr;
}

}  // namespace ingot
