// The program's memory: its regions (VmaMap) plus the pages behind them. Anonymous memory is
// demand-paged: a region costs nothing until a page of it is touched, and then exactly one
// zeroed page. Every mapped user page belongs to exactly one region and is freed with it.
#pragma once

#include <lib/result.h>
#include <mm/page_table.h>
#include <mm/vma_map.h>

#include <cstdint>
#include <span>

namespace ingot {

enum class Access { Read, Write, Execute };

class AddressSpace {
public:
    // Layout (x86-64 Linux-like): program image low, brk heap after it, mmap area top-down
    // below the stack, stack at the top with a guard gap below its 8 MiB limit.
    static constexpr uint64_t kStackLimit = 8ull << 20;
    static constexpr uint64_t kStackGuardGap = 256ull << 20;
    static constexpr uint64_t kMmapLowLimit = 0x10000;  // vm.mmap_min_addr

    // Places the stack below `stack_top` and the mmap area below the stack.
    void set_layout(uint64_t stack_top);
    uint64_t stack_top() const { return stack_top_; }

    // Creates a demand-zero region (MAP_FIXED semantics: replaces what was there).
    Result<void> map_anonymous(uint64_t start, uint64_t len, uint32_t prot, VmaKind kind, std::string_view name);
    // Writes `content` at `address` inside existing regions, populating the pages it covers,
    // whatever their protection (the loader filling read-only text, mmap copying a file).
    Result<void> fill(uint64_t address, std::span<const uint8_t> content);
    // A free range for a new mapping of len bytes, near `hint` when possible.
    Result<uint64_t> find_free(uint64_t len, uint64_t hint) const;
    Result<void> unmap(uint64_t start, uint64_t len);
    Result<void> protect(uint64_t start, uint64_t len, uint32_t prot);
    // Drops the pages of [start, start+len) so they read as zero again (MADV_DONTNEED).
    Result<void> discard(uint64_t start, uint64_t len);
    // mremap(2): shrinks, grows in place or (with may_move) moves the mapping at old_start.
    Result<uint64_t> remap(uint64_t old_start, uint64_t old_len, uint64_t new_len, bool may_move);

    // brk(2): the heap starts at `base` (set once after loading the program).
    void set_brk_base(uint64_t base);
    // Moves the program break; returns the break in effect afterwards (unchanged on failure).
    uint64_t set_brk(uint64_t requested);
    uint64_t brk() const { return brk_; }

    // Resolves a fault at `address`: maps a zero page when a region allows `access` there.
    // EFAULT when no region allows it, ENOMEM when no physical page is left.
    Result<void> handle_fault(uint64_t address, Access access);

    const VmaMap& regions() const { return vmas_; }

private:
    void release_pages(std::span<const Vma> removed);
    Result<uint64_t> populated_page(uint64_t page_address, uint32_t prot);

    VmaMap vmas_;
    uint64_t stack_top_ = 0;
    uint64_t mmap_top_ = 0;
    uint64_t brk_base_ = 0;
    uint64_t brk_ = 0;
};

AddressSpace& current_address_space();

// The architecture's page-fault handler calls this for faults on user addresses.
Result<void> handle_page_fault(uint64_t address, Access access);

}  // namespace ingot
