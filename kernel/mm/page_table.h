// Mapping the program's pages: the portable side of the MMU. The x86-64 implementation walks
// the 4-level page tables (arch/x86_64/page_table.cpp); there is one address space, shared by
// the kernel (upper half, supervisor-only) and the program (lower half, user pages).
#pragma once

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

// Maps the 4 KiB user page at va to physical page phys; replaces an existing mapping.
// ENOMEM when a page-table page cannot be allocated.
Result<void> map_user_page(uint64_t va, uint64_t phys, uint32_t prot);

// Removes the mapping of va; returns the physical page it pointed at, if any.
std::optional<uint64_t> unmap_user_page(uint64_t va);

// Changes the protection of va if it is mapped.
void protect_user_page(uint64_t va, uint32_t prot);

// The physical page va is mapped to, if any.
std::optional<uint64_t> user_page_phys(uint64_t va);

}  // namespace ingot
