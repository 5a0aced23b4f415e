// The program's virtual memory areas (like Linux's VMAs): sorted, non-overlapping,
// page-aligned [start, end) regions of the lower half, each with its protection, kind and a
// short name for diagnostics. This is bookkeeping only; the caller maps and frees the pages,
// guided by the ranges each operation reports as removed.
//
// Argument checks follow Linux mmap(2), munmap(2) and mprotect(2), so the syscall layer can
// pass user arguments straight through. Lookups are binary searches (find() runs on every page
// fault); changes shift a sorted array, which is cheap for the tens of regions a program has.
// Adjacent regions with identical attributes are merged, as Linux does.
#pragma once

#include <lib/result.h>
#include <mm/page_table.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ingot {

enum class VmaKind : uint8_t {
    Anonymous,  // zero-filled on demand (mmap MAP_ANONYMOUS)
    SharedAnonymous,  // MAP_SHARED|MAP_ANONYMOUS: populated at once, shared with forked children
    FileCopy,   // filled from a file when mapped (ELF segments, private file mmaps)
    Stack,      // the main thread's stack
    Heap,       // the brk area
};

struct Vma {
    static constexpr size_t kNameCapacity = 23;

    uint64_t start = 0;
    uint64_t end = 0;  // exclusive
    uint32_t prot = kProtNone;  // PageProt bits
    VmaKind kind = VmaKind::Anonymous;
    char name[kNameCapacity + 1] = {};  // NUL-terminated, truncated

    uint64_t size() const { return end - start; }
    bool contains(uint64_t address) const { return address >= start && address < end; }
    std::string_view name_view() const { return name; }
};

class VmaMap {
public:
    static constexpr uint64_t kPageSize = 4096;
    // Linux's TASK_SIZE on x86-64 with 4-level paging: 2^47 minus one guard page.
    static constexpr uint64_t kUserLimit = (uint64_t{1} << 47) - kPageSize;

    // The region containing address, or nullptr.
    const Vma* find(uint64_t address) const;

    // A free, page-aligned range of `size` bytes inside [low_limit, high_limit): the hint
    // (rounded up to a page) when that range is free, otherwise the highest free range, as
    // Linux's top-down mmap layout picks. EINVAL for size 0, ENOMEM when nothing fits.
    Result<uint64_t> find_free(uint64_t size, uint64_t hint, uint64_t low_limit, uint64_t high_limit) const;

    // Maps [start, start+len) (len rounded up to pages) with MAP_FIXED semantics: whatever
    // overlapped is removed and appended to `removed` (trimmed to the overlap). EINVAL for
    // len 0, an unaligned start or unknown prot bits; ENOMEM past kUserLimit.
    Result<void> map(uint64_t start, uint64_t len, uint32_t prot, VmaKind kind, std::string_view name = {},
                     std::vector<Vma>* removed = nullptr);

    // Removes [start, start+len) (len rounded up to pages), splitting regions at the edges;
    // appends the removed pieces to `removed`. Unmapped holes are fine. EINVAL for len 0, an
    // unaligned start or a range past kUserLimit (as munmap(2)).
    Result<void> unmap(uint64_t start, uint64_t len, std::vector<Vma>* removed = nullptr);

    // Sets the protection of [start, start+len), splitting regions as needed. len 0 is a
    // no-op. EINVAL for an unaligned start or unknown prot bits; ENOMEM when the range wraps,
    // leaves user space or any page of it is unmapped (then nothing changes), as mprotect(2).
    Result<void> protect(uint64_t start, uint64_t len, uint32_t prot);

    // Moves the end of the brk heap that starts at heap_start to new_end (both page-aligned,
    // heap_start <= new_end). Growing needs the new pages free (ENOMEM otherwise, as brk(2)
    // refuses to run into a mapping); shrinking appends the released pieces to `removed`.
    // The heap region is created on first growth and disappears when new_end == heap_start.
    Result<void> resize_heap(uint64_t heap_start, uint64_t new_end, std::vector<Vma>* removed = nullptr);

    // All regions in address order, for diagnostics (/proc/self/maps style dumps).
    std::span<const Vma> regions() const { return regions_; }
    size_t size() const { return regions_.size(); }

private:
    size_t first_ending_after(uint64_t address) const;
    void remove_range(uint64_t start, uint64_t end, std::vector<Vma>* removed);
    void split_at(uint64_t address);
    void merge_around(size_t first_index, size_t last_index);
    bool range_is_free(uint64_t start, uint64_t end) const;

    std::vector<Vma> regions_;  // sorted by start, non-overlapping
};

}  // namespace ingot
