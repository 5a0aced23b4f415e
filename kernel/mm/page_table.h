// Mapping the program's pages: the portable side of the MMU. The x86-64 implementation walks
// the 4-level page tables (arch/x86_64/page_table.cpp). Each process has its own page table
// (a root); the kernel's upper half is the same in every one. The functions below work on the
// active root, the one the CPU uses now.
#pragma once

#include <lib/function_ref.h>
#include <lib/result.h>

#include <cstdint>
#include <optional>

namespace ingot {

enum PageProt : uint32_t {
    kProtNone = 0,
    kProtRead = 1,   // PROT_READ
    kProtWrite = 2,  // PROT_WRITE
    kProtExec = 4,   // PROT_EXEC
};

// The root the kernel booted with; the first process's pages live in it.
uint64_t boot_page_table();
// A new root whose user half is empty and whose kernel half is the kernel's. ENOMEM.
Result<uint64_t> create_page_table();
// Frees the page-table pages of a root's user half (its user pages must be unmapped already)
// and the root itself. Never the active root, never the boot root.
void destroy_page_table(uint64_t root);
// Makes `root` the active page table (and flushes the TLB's user entries).
void activate_page_table(uint64_t root);
uint64_t active_page_table();

// Maps the 4 KiB user page at va to physical page phys; replaces an existing mapping.
// ENOMEM when a page-table page cannot be allocated.
Result<void> map_user_page(uint64_t va, uint64_t phys, uint32_t prot);

// Removes the mapping of va; returns the physical page it pointed at, if any.
std::optional<uint64_t> unmap_user_page(uint64_t va);

// Changes the protection of va if it is mapped.
void protect_user_page(uint64_t va, uint32_t prot);

// Returns once no other CPU can still use a translation that the calls above removed or
// reduced (arch/x86_64/tlb_shootdown.h): before the frames of removed mappings are freed. The
// kernel lock's release does it too, so only frame reuse needs an explicit call.
void flush_other_cpus_tlb();

// The kernel's own mappings of single frames at addresses of its choosing in the upper half
// (mm/kernel_window.h), seen through every page table. ENOMEM when a page-table page cannot be
// allocated.
Result<void> map_kernel_page(uint64_t va, uint64_t phys);
// Removes such a mapping and returns the frame it pointed at, if any (flush_other_cpus_tlb()
// before the frame is reused).
std::optional<uint64_t> unmap_kernel_page(uint64_t va);
// The physical page va is mapped to, if any.
std::optional<uint64_t> user_page_phys(uint64_t va);

// Calls fn(va, phys) for every mapped user page in [start, end), in address order, skipping
// whole unpopulated page-table subtrees (an 8 MiB stack with three pages touched costs three
// calls, not two thousand lookups). fn must not map or unmap pages.
void for_each_user_page(uint64_t start, uint64_t end, FunctionRef<void(uint64_t va, uint64_t phys)> fn);

}  // namespace ingot
