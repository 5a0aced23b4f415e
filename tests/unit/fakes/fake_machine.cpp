// A simulated machine for host tests of memory management: a block of "physical" RAM behind
// phys_to_virt, the page allocator over it, and page tables kept in std::maps, one per root.
#include "fakes/fake_machine.h"

#include <mm/page_allocator.h>
#include <mm/page_table.h>
#include <mm/physical_memory.h>

#include <cstdlib>
#include <map>
#include <vector>

namespace ingot {
namespace {

struct Pte {
    uint64_t phys;
    uint32_t prot;
};

constexpr uint64_t kRamBytes = 64ull << 20;
uint8_t* ram = static_cast<uint8_t*>(std::aligned_alloc(kPageSize, kRamBytes));
std::vector<uint8_t> bitmap(PageAllocator::bitmap_bytes_for(kRamBytes) + 8);
PageAllocator allocator;
// One map per root; root 0 is the boot root.
std::map<uint64_t, std::map<uint64_t, Pte>> page_tables;
uint64_t active_root = 0;
uint64_t next_root = 1;

std::map<uint64_t, Pte>& page_table() { return page_tables[active_root]; }

}  // namespace


uint64_t boot_page_table() { return 0; }
Result<uint64_t> create_page_table() {
    uint64_t root = next_root++;
    page_tables[root];
    return root;
}
void destroy_page_table(uint64_t root) { page_tables.erase(root); }
void activate_page_table(uint64_t root) { active_root = root; }
uint64_t active_page_table() { return active_root; }
void flush_other_cpus_tlb() {}  // one CPU: nothing to flush elsewhere

void* phys_to_virt(uint64_t phys) { return ram + phys; }
uint64_t virt_to_phys(const void* p) { return static_cast<const uint8_t*>(p) - ram; }
PageAllocator& physical_pages() { return allocator; }

Result<void> map_user_page(uint64_t va, uint64_t phys, uint32_t prot) {
    page_table()[va] = {phys, prot};
    return {};
}

std::optional<uint64_t> unmap_user_page(uint64_t va) {
    auto it = page_table().find(va);
    if (it == page_table().end()) return std::nullopt;
    uint64_t phys = it->second.phys;
    page_table().erase(it);
    return phys;
}

void protect_user_page(uint64_t va, uint32_t prot) {
    auto it = page_table().find(va);
    if (it != page_table().end()) it->second.prot = prot;
}

std::optional<uint64_t> user_page_phys(uint64_t va) {
    auto it = page_table().find(va);
    if (it == page_table().end()) return std::nullopt;
    return it->second.phys;
}

void for_each_user_page(uint64_t start, uint64_t end, FunctionRef<void(uint64_t va, uint64_t phys)> fn) {
    auto& table = page_table();
    for (auto it = table.lower_bound(start); it != table.end() && it->first < end; ++it) fn(it->first, it->second.phys);
}

namespace fake_machine {

void reset(uint64_t ram_bytes) {
    page_tables.clear();
    active_root = 0;
    auto* words = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(bitmap.data()) + 7) & ~uintptr_t{7});
    allocator.init(words, PageAllocator::bitmap_bytes_for(kRamBytes), kRamBytes);
    allocator.add_free_range(kPageSize, (ram_bytes < kRamBytes ? ram_bytes : kRamBytes) - kPageSize);
}

size_t mapped_pages() { return page_table().size(); }

std::optional<uint32_t> page_prot(uint64_t va) {
    auto it = page_table().find(va);
    if (it == page_table().end()) return std::nullopt;
    return it->second.prot;
}

uint8_t* page_bytes(uint64_t va) {
    auto it = page_table().find(va & ~(kPageSize - 1));
    return it == page_table().end() ? nullptr : ram + it->second.phys + (va & (kPageSize - 1));
}

}  // namespace fake_machine
}  // namespace ingot

namespace ingot {
namespace {
// All of the simulated RAM starts free, as after boot, for tests that never reset the machine
// (file systems, whose caches take their buffers from it).
const bool ram_ready = (fake_machine::reset(kRamBytes), true);
}  // namespace
}  // namespace ingot
