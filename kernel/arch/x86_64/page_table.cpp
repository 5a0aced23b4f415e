// x86-64 4-level paging (Intel SDM Vol. 3A §4.5). User pages get U/S=1 at every level; the
// kernel's upper half never does, so ring 3 cannot touch it. Page-table pages come from the
// physical page allocator and are reached through the direct map. Every root shares the boot
// root's upper-half PML4 entries, so a kernel mapping made through any of them is seen by all;
// a new upper-half PML4 entry is made in the boot root and copied into every other root.
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_init.h>
#include <arch/x86_64/page_table_bits.h>
#include <arch/x86_64/page_table_mmio.h>
#include <arch/x86_64/tlb_shootdown.h>
#include <lib/panic.h>
#include <mm/page_allocator.h>
#include <mm/page_table.h>
#include <mm/physical_memory.h>
#include <mm/reclaim.h>
#include <mm/user_memory.h>
#include <proc/cpus.h>

#include <cstring>

extern "C" uint64_t boot_pml4[512];

namespace ingot {
namespace {

constexpr int kKernelHalfFirstEntry = 256;
constexpr size_t kMaxRoots = 512;

uint64_t* table_at(uint64_t entry) { return static_cast<uint64_t*>(phys_to_virt(entry & kPteAddressMask)); }

int index_at(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 0x1FF; }

uint64_t boot_root() { return reinterpret_cast<uint64_t>(boot_pml4) - 0xFFFF'FFFF'8000'0000ull; }

// Each CPU's active root is in its per-CPU block (loaded_page_table): 0 until its first switch,
// which means the boot root.
uint64_t& active_root() { return this_cpu().loaded_page_table; }
uint64_t other_roots[kMaxRoots];  // every live root but the boot one
size_t other_root_count = 0;

uint64_t* root_table(uint64_t va) {
    // Kernel addresses are always walked from the boot root: its upper half is the original.
    if (!is_user_range(va, 1) || !active_root()) return boot_pml4;
    return static_cast<uint64_t*>(phys_to_virt(active_root()));
}

void share_new_kernel_entry(int index) {
    for (size_t i = 0; i < other_root_count; ++i)
        static_cast<uint64_t*>(phys_to_virt(other_roots[i]))[index] = boot_pml4[index];
}

// Frees every page table below `table`, which sits at `level` (2 = PDPT, 1 = PD); the frames
// that the last level maps are the address space's to free, not this function's.
void free_tables_below(uint64_t* table, int level) {
    for (int i = 0; i < 512; ++i) {
        if (!(table[i] & kPtePresent)) continue;
        if (level > 1) free_tables_below(table_at(table[i]), level - 1);
        physical_pages().free(table[i] & kPteAddressMask);
    }
}

// Returns the page-table entry for va (level 0 = PTE), creating intermediate tables when
// `create` is set. nullptr when absent (or out of memory while creating).
uint64_t* walk(uint64_t va, bool create) {
    uint64_t* table = root_table(va);
    for (int level = 3; level > 0; --level) {
        uint64_t& entry = table[index_at(va, level)];
        if (!(entry & kPtePresent)) {
            if (!create) return nullptr;
            auto page = allocate_frames();
            if (!page.ok()) return nullptr;
            memset(phys_to_virt(page.value()), 0, kPageSize);
            // Only lower-half tables may be reached from ring 3.
            entry = page.value() | kPtePresent | kPteWritable | (is_user_range(va, 1) ? kPteUser : 0);
            if (level == 3 && table == boot_pml4 && !is_user_range(va, 1)) share_new_kernel_entry(index_at(va, 3));
        }
        table = table_at(entry);
    }
    return &table[index_at(va, 0)];
}

uint64_t leaf_flags(uint32_t prot) {
    uint64_t flags = kPteUser;
    if (prot != kProtNone) flags |= kPtePresent;
    if (prot & kProtWrite) flags |= kPteWritable;
    if (!(prot & kProtExec)) flags |= kPteNoExecute;
    return flags;
}

}  // namespace

uint64_t boot_page_table() { return boot_root(); }

Result<uint64_t> create_page_table() {
    if (other_root_count == kMaxRoots) return Errno::ENOMEM;
    uint64_t root = TRY(allocate_frames());
    auto* table = static_cast<uint64_t*>(phys_to_virt(root));
    memset(table, 0, kPageSize / 2);
    memcpy(table + kKernelHalfFirstEntry, boot_pml4 + kKernelHalfFirstEntry, kPageSize / 2);
    other_roots[other_root_count++] = root;
    return root;
}

void destroy_page_table(uint64_t root) {
    if (root == boot_root() || root == active_page_table()) panic("destroying the boot or the active page table");
    for (unsigned cpu = 0; cpu < online_cpus(); ++cpu)
        if (cpu_page_table(cpu) == root) panic("destroying the page table CPU %u uses", cpu);
    auto* table = static_cast<uint64_t*>(phys_to_virt(root));
    for (int i = 0; i < kKernelHalfFirstEntry; ++i) {
        if (!(table[i] & kPtePresent)) continue;
        free_tables_below(table_at(table[i]), 2);
        physical_pages().free(table[i] & kPteAddressMask);
    }
    physical_pages().free(root);
    for (size_t i = 0; i < other_root_count; ++i) {
        if (other_roots[i] == root) {
            other_roots[i] = other_roots[--other_root_count];
            break;
        }
    }
}

void activate_page_table(uint64_t root) {
    if (root == active_page_table()) return;
    flush_other_cpus_tlb();  // a change noted for the root being left is still owed
    active_root() = root;
    x86::write_cr3(root);
}

uint64_t active_page_table() { return active_root() ? active_root() : boot_root(); }

uint64_t cpu_page_table(unsigned cpu) {
    uint64_t root = __atomic_load_n(&cpu_block(cpu).loaded_page_table, __ATOMIC_RELAXED);
    return root ? root : boot_root();
}

Result<void> map_user_page(uint64_t va, uint64_t phys, uint32_t prot) {
    if (!is_user_range(va, kPageSize)) return Errno::EFAULT;
    uint64_t* pte = walk(va, true);
    if (!pte) return Errno::ENOMEM;
    bool was_present = *pte & kPtePresent;
    // A PROT_NONE page keeps its frame (bit 9 marks it) so mprotect can bring it back.
    *pte = phys | leaf_flags(prot) | kPteFrameKept;
    if (was_present) {
        x86::invlpg(va);
        note_page_table_change(active_page_table());
    }
    return {};
}

std::optional<uint64_t> unmap_user_page(uint64_t va) {
    uint64_t* pte = walk(va, false);
    if (!pte || !(*pte & kPteFrameKept)) return std::nullopt;
    uint64_t phys = *pte & kPteAddressMask;
    *pte = 0;
    x86::invlpg(va);
    note_page_table_change(active_page_table());
    return phys;
}

void protect_user_page(uint64_t va, uint32_t prot) {
    uint64_t* pte = walk(va, false);
    if (!pte || !(*pte & kPteFrameKept)) return;
    *pte = (*pte & kPteAddressMask) | leaf_flags(prot) | kPteFrameKept;
    x86::invlpg(va);
    note_page_table_change(active_page_table());
}

std::optional<uint64_t> user_page_phys(uint64_t va) {
    uint64_t* pte = walk(va, false);
    if (!pte || !(*pte & kPteFrameKept)) return std::nullopt;
    return *pte & kPteAddressMask;
}

namespace {

// Visits the present leaves under `table` (at `level`, 3 = PML4) that lie in [start, end);
// `base` is the address the table's first entry maps.
void visit_leaves(const uint64_t* table, int level, uint64_t base, uint64_t start, uint64_t end,
                  FunctionRef<void(uint64_t, uint64_t)> fn) {
    uint64_t span = 1ull << (12 + 9 * level);  // bytes one entry of this table covers
    for (int i = index_at(start > base ? start : base, level); i < 512; ++i) {
        uint64_t entry_base = base + i * span;
        if (entry_base >= end) return;
        uint64_t entry = table[i];
        if (level == 0) {
            if (entry & kPteFrameKept) fn(entry_base, entry & kPteAddressMask);
            continue;
        }
        if (!(entry & kPtePresent)) continue;
        visit_leaves(table_at(entry), level - 1, entry_base, start, end, fn);
    }
}

}  // namespace

void for_each_user_page(uint64_t start, uint64_t end, FunctionRef<void(uint64_t va, uint64_t phys)> fn) {
    if (start >= end || !is_user_range(start, end - start)) return;
    visit_leaves(root_table(start), 3, 0, start, end, fn);
}

Result<void> map_kernel_page(uint64_t va, uint64_t phys) {
    if (is_user_range(va, kPageSize)) return Errno::EFAULT;
    uint64_t* pte = walk(va, true);
    if (!pte) return Errno::ENOMEM;
    *pte = phys | kPtePresent | kPteWritable | kPteNoExecute;
    return {};
}

std::optional<uint64_t> unmap_kernel_page(uint64_t va) {
    if (is_user_range(va, kPageSize)) return std::nullopt;
    uint64_t* pte = walk(va, false);
    if (!pte || !(*pte & kPtePresent)) return std::nullopt;
    uint64_t phys = *pte & kPteAddressMask;
    *pte = 0;
    x86::invlpg(va);
    note_kernel_mapping_change();
    return phys;
}

void* map_mmio(uint64_t phys, size_t size) {
    constexpr uint64_t kMmioWindow = 0xFFFF'C000'0000'0000ull;
    uint64_t first = phys & ~(kPageSize - 1);
    for (uint64_t page = first; page < phys + size; page += kPageSize) {
        uint64_t* pte = walk(kMmioWindow + page, true);
        if (!pte) panic("out of memory mapping device registers at %lx", phys);
        *pte = page | kPtePresent | kPteWritable | kPteCacheDisable | kPteWriteThrough | kPteNoExecute;
        x86::invlpg(kMmioWindow + page);
    }
    return reinterpret_cast<void*>(kMmioWindow + phys);
}

}  // namespace ingot
