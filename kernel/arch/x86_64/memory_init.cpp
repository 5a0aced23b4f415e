// Bringing up physical memory: read the PVH memory map, build the direct map, and hand every
// free RAM page to the page allocator. Until the direct map exists, low physical memory is
// reached through the boot window at the kernel's own base (first 1 GiB, boot.S).
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memory_init.h>
#include <arch/x86_64/page_table_bits.h>
#include <lib/panic.h>
#include <mm/page_allocator.h>
#include <mm/physical_memory.h>

#include <cstring>

extern "C" uint64_t boot_pml4[512];
extern "C" char __kernel_start[], __text_end[], __data_start[], __kernel_end[],
    kernel_stack_guard_page[];

namespace ingot {
namespace {

constexpr uint64_t kBootWindowBase = 0xFFFF'FFFF'8000'0000ull;
constexpr uint64_t kBootWindowSize = 1ull << 30;
constexpr uint64_t kLowMemoryEnd = 0x100000;  // below 1 MiB: firmware, PVH structures; never used
constexpr uint64_t kLargePage = 2ull << 20;

PageAllocator page_allocator;

void* early_virt(uint64_t phys) {
    if (phys >= kBootWindowSize) panic("early boot memory at %lx is outside the boot window", phys);
    return reinterpret_cast<void*>(kBootWindowBase + phys);
}

// Hands out zeroed pages from the first free RAM after the kernel and payload, before the
// page allocator exists. Used for the direct map's tables and the allocator's bitmap.
class EarlyAllocator {
public:
    explicit EarlyAllocator(uint64_t start) : next_(align_up(start)) {}
    uint64_t allocate(uint64_t bytes) {
        uint64_t phys = next_;
        next_ = align_up(next_ + bytes);
        memset(early_virt(phys), 0, next_ - phys);
        return phys;
    }
    uint64_t end() const { return next_; }

private:
    static uint64_t align_up(uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }
    uint64_t next_;
};

// Maps [0, limit) at kDirectMapBase with 2 MiB pages, non-executable, supervisor-only.
void build_direct_map(EarlyAllocator& early, uint64_t limit) {
    uint64_t pdpt_phys = early.allocate(kPageSize);
    auto* pdpt = static_cast<uint64_t*>(early_virt(pdpt_phys));
    for (uint64_t gib = 0; gib * (1ull << 30) < limit; ++gib) {
        if (gib >= 512) panic("more than 512 GiB of memory is not supported");
        uint64_t pd_phys = early.allocate(kPageSize);
        auto* pd = static_cast<uint64_t*>(early_virt(pd_phys));
        for (uint64_t i = 0; i < 512; ++i) {
            uint64_t phys = (gib << 30) + i * kLargePage;
            if (phys >= limit) break;
            pd[i] = phys | kPtePresent | kPteWritable | kPteLargePage | kPteGlobal | kPteNoExecute;
        }
        pdpt[gib] = pd_phys | kPtePresent | kPteWritable;
    }
    boot_pml4[256] = pdpt_phys | kPtePresent | kPteWritable;  // 0xFFFF800000000000
}

uint64_t zeroed_page_table() {
    auto phys = page_allocator.allocate();
    if (!phys.ok()) panic("out of memory for the kernel's page tables");
    memset(phys_to_virt(phys.value()), 0, kPageSize);
    return phys.value();
}

// Replaces the boot window (1 GiB, writable and executable) with 4 KiB mappings of just the
// kernel image: text read-only and executable, rodata read-only, data and bss writable and
// non-executable, and a hole under the kernel stack.
void protect_kernel_image() {
    uint64_t pd_phys = zeroed_page_table();
    auto* pd = static_cast<uint64_t*>(phys_to_virt(pd_phys));
    auto start = reinterpret_cast<uint64_t>(__kernel_start);
    auto end = reinterpret_cast<uint64_t>(__kernel_end);
    for (uint64_t va = start; va < end; va += kPageSize) {
        if (va == reinterpret_cast<uint64_t>(kernel_stack_guard_page)) continue;
        uint64_t& pde = pd[(va >> 21) & 0x1FF];
        if (!pde) pde = zeroed_page_table() | kPtePresent | kPteWritable;
        auto* pt = static_cast<uint64_t*>(phys_to_virt(pde & kPteAddressMask));
        uint64_t flags = kPtePresent | kPteGlobal;
        if (va >= reinterpret_cast<uint64_t>(__text_end)) flags |= kPteNoExecute;
        if (va >= reinterpret_cast<uint64_t>(__data_start)) flags |= kPteWritable;
        pt[(va >> 12) & 0x1FF] = (va - kBootWindowBase) | flags;
    }
    auto* pdpt = static_cast<uint64_t*>(phys_to_virt(boot_pml4[511] & kPteAddressMask));
    pdpt[510] = pd_phys | kPtePresent | kPteWritable;
}

}  // namespace

PageAllocator& physical_pages() { return page_allocator; }

MemoryLayout memory_init(const pvh::StartInfo& info, uint64_t reserved_end) {
    if (info.version < 1 || info.memmap_entries == 0) panic("the boot loader passed no memory map (PVH start_info v1)");
    auto* map = static_cast<const pvh::MemmapEntry*>(early_virt(info.memmap_paddr));
    MemoryLayout layout{};
    for (uint32_t i = 0; i < info.memmap_entries; ++i) {
        if (map[i].type != pvh::kMemmapTypeRam) continue;
        layout.ram_bytes += map[i].size;
        if (map[i].addr + map[i].size > layout.max_phys) layout.max_phys = map[i].addr + map[i].size;
    }

    EarlyAllocator early(reserved_end);
    build_direct_map(early, layout.max_phys);
    size_t bitmap_bytes = PageAllocator::bitmap_bytes_for(layout.max_phys);
    uint64_t bitmap_phys = early.allocate(bitmap_bytes);
    page_allocator.init(phys_to_virt(bitmap_phys), bitmap_bytes, layout.max_phys);

    for (uint32_t i = 0; i < info.memmap_entries; ++i) {
        if (map[i].type != pvh::kMemmapTypeRam) continue;
        uint64_t start = map[i].addr < kLowMemoryEnd ? kLowMemoryEnd : map[i].addr;
        uint64_t end = map[i].addr + map[i].size;
        if (start < end) page_allocator.add_free_range(start, end - start);
    }
    // Kernel image, payload, early allocations: everything from the kernel up to the early end.
    // Between 1 MiB and the kernel lay only what unpacked it (image/packed_kernel.h).
    uint64_t kernel_phys_start = reinterpret_cast<uint64_t>(__kernel_start) - kBootWindowBase;
    page_allocator.reserve_range(kernel_phys_start, early.end() - kernel_phys_start);
    layout.reserved_end = early.end();

    protect_kernel_image();
    boot_pml4[0] = 0;  // drop the boot identity map: the lower half belongs to the program
    // Reloading CR3 does not flush global pages; toggling CR4.PGE does (Intel SDM Vol. 3A §4.10.4.1).
    uint64_t cr4 = x86::read_cr4();
    x86::write_cr4(cr4 & ~(1ull << 7));
    x86::write_cr4(cr4 | (1ull << 7));
    return layout;
}

}  // namespace ingot
