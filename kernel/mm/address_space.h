// A process's memory: its regions (VmaMap), the pages behind them and its page table.
// Anonymous memory is demand-paged: a region costs nothing until a page of it is touched, and
// then exactly one zeroed page. Every mapped user page belongs to one region and is released
// with it. fork() copies an address space lazily: both sides map the same frames read-only
// and a write fault gives the writer its own copy (frame_sharing.h).
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
    AddressSpace() = default;
    // An address space destroyed while active hands the CPU back to the boot address space.
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

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
    // A MAP_SHARED|MAP_ANONYMOUS region: every page is allocated now, so that fork() can give
    // the child the very same pages (writable on both sides, never copied). ENOMEM leaves
    // nothing mapped.
    Result<void> map_shared_anonymous(uint64_t start, uint64_t len, uint32_t prot);
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

    // A copy-on-write copy of this address space (which must be the active one) with a page
    // table of its own. ENOMEM when memory for it runs out (nothing is left half-made).
    Result<AddressSpace*> fork_copy();
    // An empty address space with a page table of its own (for execve).
    static Result<AddressSpace*> create_empty();
    // Releases every page and the page table; the address space must not be active.
    void release_everything();
    // False for the boot address space, which uses the kernel's boot page table.
    bool owns_page_table() const { return root_ != kBootRoot; }
    // Makes this the address space the CPU uses (its page table) and current_address_space().
    void activate();

private:
    void release_pages(std::span<const Vma> removed);
    Result<uint64_t> populated_page(uint64_t page_address, uint32_t prot);
    Result<uint64_t> private_page(uint64_t page_address, uint32_t prot);
    uint64_t root() const;

    static constexpr uint64_t kBootRoot = ~0ull;
    uint64_t root_ = kBootRoot;  // its page table; kBootRoot: the one the kernel booted with
    VmaMap vmas_;
    uint64_t stack_top_ = 0;
    uint64_t mmap_top_ = 0;
    uint64_t brk_base_ = 0;
    uint64_t brk_ = 0;
};

// The address space of the process running on this CPU.
AddressSpace& current_address_space();
// The address space with no program pages, which idle CPUs use.
AddressSpace& kernel_address_space();

// The architecture's page-fault handler calls this for faults on user addresses.
Result<void> handle_page_fault(uint64_t address, Access access);

}  // namespace ingot
